// Package desk is the hotline at work: it takes reports from the public and
// lets staff triage them into cases, over the store and the keys. Every rule
// that keeps people safe is enforced here, not in the web layer: what each
// role and scope may see, the consent gate on referrals, supervisor approval
// to close, sealing of every free-text field, the audit record of every read
// and write, and the lockouts that stop guessing of passwords and receipts.
//
// The web server turns forms into calls on a Desk; the Desk never sees HTTP.
package desk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/screen/normalize"
	"github.com/vigia-mx/vigia/internal/screen/similar"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
)

// Errors callers map to responses.
var (
	ErrUnknownReceipt = errors.New("desk: unknown receipt")
	ErrLogin          = errors.New("desk: wrong user, password or code")
	ErrLocked         = errors.New("desk: too many failed attempts; try again later")
	ErrSession        = errors.New("desk: not signed in or the session expired")
	ErrForbidden      = errors.New("desk: not allowed")
	ErrNotFound       = errors.New("desk: not found")
	ErrNoConsent      = errors.New("desk: a referral needs the person's recorded consent, or a supervisor's override with a reason")
	ErrState          = errors.New("desk: not possible in the case's current state")
	ErrIntakeOnly     = errors.New("desk: this process holds only the public key (intake role)")
	// ErrBusy: too many sign-ins at once (password hashing is bounded).
	ErrBusy = staff.ErrBusy
)

// InputError is a bad value in a staff form, named by field.
type InputError struct{ Field, Reason string }

func (e *InputError) Error() string { return "desk: field " + e.Field + ": " + e.Reason }

// Config builds a Desk.
type Config struct {
	Store    *store.Store
	Keys     *seal.Keys
	Geo      *hotline.Geography
	Screener *screen.Screener
	// Retention is how long closed reports and cases are kept.
	Retention time.Duration
	Lockout   staff.Lockout
	Sessions  staff.SessionPolicy
	// BreakGlass is how long break-glass access lasts.
	BreakGlass time.Duration
	// MaxAttachment is the largest file a case takes (zero:
	// DefaultMaxAttachment).
	MaxAttachment int64
	// SLA is how soon staff must first act on a report (zero: DefaultSLA).
	SLA SLA
	// Hashes bounds the password hashes run at once (nil: 4 running, 16
	// waiting up to 2 s); sign-ins beyond it get ErrBusy at once.
	Hashes *staff.HashLimit
	Now    func() time.Time
}

// Desk is the hotline.
type Desk struct {
	st       *store.Store
	keys     *seal.Keys
	geo      *hotline.Geography
	screener *screen.Screener
	cfg      Config
	now      func() time.Time
	pool     chan freshReceipt // nil until StartReceiptPool
	// similar only sketches texts (safe for concurrent use); nothing is
	// added to it.
	similar *similar.Index
}

// suggestBanding is the LSH banding for similar-text suggestions: 8 bands of
// 4 rows find texts with Jaccard 0.8 at 98.5 % and 0.6 at 67 %, and hint
// at 0.4 one time in five, which suits a suggestion a person confirms;
// each text costs 8 stored tokens instead of the screener's 18.
var suggestBanding = similar.Config{Bands: 8, Rows: 4}

// DefaultRetention keeps closed reports and cases two years.
const DefaultRetention = 2 * 365 * 24 * time.Hour

// New returns a Desk.
func New(cfg Config) *Desk {
	if cfg.Now == nil {
		cfg.Now = time.Now
	} else if cfg.Store != nil {
		// One clock for the desk and the rows it writes (tests drive both).
		cfg.Store.SetClock(cfg.Now)
	}
	if cfg.Store != nil && cfg.Keys != nil && cfg.Keys.CanIndex() {
		// The console MACs the audit log; the intake cannot.
		cfg.Store.SetAuditKey(cfg.Keys.AuditKey())
	}
	if cfg.Retention == 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Lockout.Threshold == 0 {
		cfg.Lockout = staff.DefaultLockout
	}
	if cfg.Sessions.Idle == 0 {
		cfg.Sessions = staff.DefaultSessions
	}
	if cfg.SLA.Urgent == 0 {
		cfg.SLA.Urgent = DefaultSLA.Urgent
	}
	if cfg.SLA.Normal == 0 {
		cfg.SLA.Normal = DefaultSLA.Normal
	}
	if cfg.BreakGlass == 0 {
		cfg.BreakGlass = time.Hour
	}
	if cfg.Hashes == nil {
		cfg.Hashes = staff.NewHashLimit(0, 0, 0)
	}
	return &Desk{st: cfg.Store, keys: cfg.Keys, geo: cfg.Geo, screener: cfg.Screener, cfg: cfg, now: cfg.Now, similar: similar.NewIndex(suggestBanding)}
}

// Geo is the municipal catalog.
func (d *Desk) Geo() *hotline.Geography { return d.geo }

// CanRead reports whether this process can read sealed data (console role).
func (d *Desk) CanRead() bool { return d.keys.CanOpen() }

// sealedReport is what is sealed of a report: all of it, plus the
// screening of its job offer.
type sealedReport struct {
	Report hotline.Report `json:"report"`
	Screen *screen.Result `json:"screen,omitempty"`
}

// screenSummary is what of the screening is kept in the clear: the tier and
// flag ids, which help triage and reveal nothing about anyone.
type screenSummary struct {
	Tier  string   `json:"tier,omitempty"`
	Risk  float64  `json:"risk,omitempty"`
	Flags []string `json:"flags,omitempty"`
}

// Submit validates, screens, seals and stores a report and returns its
// receipt, which is shown once and never stored.
func (d *Desk) Submit(ctx context.Context, r *hotline.Report) (string, error) {
	r.Call = nil // only staff enter calls (EnterReport)
	return d.submit(ctx, r, Actor{}, time.Time{})
}

// submit stores a report from the public (by.ID == 0) or entered by a
// member of staff; received is when it arrived (zero: now).
func (d *Desk) submit(ctx context.Context, r *hotline.Report, by Actor, received time.Time) (string, error) {
	if err := r.Validate(d.geo); err != nil {
		return "", err
	}
	if r.Channel == "" {
		r.Channel = "web"
	}
	sr := sealedReport{Report: *r}
	var sum screenSummary
	if r.Offer != "" && d.screener != nil {
		res := d.screener.Screen(r.Offer)
		sr.Screen = &res
		sum.Tier, sum.Risk = res.Tier, res.Risk
		for _, f := range res.Flags {
			sum.Flags = append(sum.Flags, f.ID)
		}
	}
	// The console makes the tokens at once; the intake, which holds no
	// index key, leaves them to the console (IndexPending).
	var tokens []store.Token
	if d.keys.CanIndex() {
		tokens = d.tokensFor(*r, sr.Screen)
	}
	plain, err := json.Marshal(sr)
	if err != nil {
		return "", err
	}
	sealed, err := d.keys.Seal(plain)
	if err != nil {
		return "", err
	}
	screenJSON, _ := json.Marshal(sum)
	for attempt := 0; ; attempt++ {
		fresh, err := d.receipt()
		if err != nil {
			return "", err
		}
		receipt, rc, rk := fresh.receipt, fresh.rc, fresh.rk
		ev := audit.Event{Actor: "intake", Action: "report.create", Object: "report:{id}", Detail: "kind=" + string(r.Kind) + " channel=" + safeWord(r.Channel)}
		receivedAt := ""
		if by.ID != 0 {
			ev.Actor, ev.Action = by.tag(), "report.enter"
			receivedAt = received.UTC().Format(time.RFC3339Nano)
		}
		_, err = d.st.CreateReport(ctx, store.NewReport{ReceivedAt: receivedAt, TakenBy: by.ID,
			Lookup: rc.Lookup, ReplyRecipient: rk.Recipient, ReplyKey: rk.Wrapped,
			Kind: string(r.Kind), State: r.State, Urgency: hotline.Urgency(r.Kind, r.Urgent),
			ReceivedOn: receivedOn(d.now(), received), Channel: r.Channel, Screen: string(screenJSON), Sealed: sealed, Tokens: tokens,
			Indexed: d.keys.CanIndex(),
		}, ev)
		if err == nil {
			return receipt, nil
		}
		// A receipt collision (1 in 10^16 per pair) fails the unique index;
		// a new receipt settles it. Anything else is an error.
		if attempt >= 2 {
			return "", fmt.Errorf("desk: storing a report: %w", err)
		}
	}
}

// tokensFor makes a report's blind-index tokens: its contacts (by kind, and
// as numbers however written), its offer's
// template, and the LSH band keys of its texts. res is the screening of its
// offer, if any. Console only: it needs the index key.
func (d *Desk) tokensFor(r hotline.Report, res *screen.Result) []store.Token {
	var tokens []store.Token
	seen := map[string]bool{}
	add := func(kind, v string) {
		if v != "" && !seen[kind+v] {
			seen[kind+v] = true
			tokens = append(tokens, store.Token{Kind: kind, Value: v})
		}
	}
	if d.screener != nil {
		if res == nil && r.Offer != "" {
			x := d.screener.Screen(r.Offer)
			res = &x
		}
		if res != nil {
			for _, id := range res.Identifiers {
				add(id.Kind, d.contactToken(id))
				add("numero", d.numberToken(id.E164))
			}
			add("plantilla", d.templateToken(res.Folded))
		}
		if r.Contact.Value != "" {
			for _, id := range d.screener.Screen(r.Contact.Value).Identifiers {
				add(id.Kind, d.contactToken(id))
				add("numero", d.numberToken(id.E164))
			}
		}
	}
	// Similar texts: the LSH band keys of the description and of the
	// offer, each on its own (joined, a retold story with no offer no
	// longer looks like the first telling).
	for _, text := range []string{r.Description, r.Offer} {
		for i, b := range d.similar.Sketch(similar.Ad{ID: "r", Text: normalize.New(text).Folded}).BandKeys() {
			add("texto", d.keys.Index("texto", fmt.Sprintf("%d:%d", i, b)))
		}
	}
	return tokens
}

// IndexPending makes the tokens of reports the intake stored without them.
// The console calls it before it lists, opens or searches reports.
func (d *Desk) IndexPending(ctx context.Context) (int, error) {
	if !d.keys.CanOpen() || !d.keys.CanIndex() {
		return 0, nil
	}
	n := 0
	for {
		rs, err := d.st.Unindexed(ctx, 100)
		if err != nil || len(rs) == 0 {
			return n, err
		}
		for _, r := range rs {
			plain, err := d.keys.Open(r.Sealed)
			if err != nil {
				return n, err
			}
			var sr sealedReport
			if err := unmarshal(plain, &sr); err != nil {
				return n, err
			}
			// Screen again rather than trust what the intake sealed: the
			// tokens must come from this process's own reading.
			if err := d.st.SetTokens(ctx, r.ID, d.tokensFor(sr.Report, nil), audit.Event{Actor: "system", Action: "report.index", Object: fmt.Sprintf("report:%d", r.ID)}); err != nil {
				return n, err
			}
			n++
		}
	}
}

// freshReceipt is a receipt not yet given to anyone, with what it derives.
type freshReceipt struct {
	receipt string
	rc      seal.Receipt
	rk      seal.ReplyKey
}

func (d *Desk) newReceipt() (freshReceipt, error) {
	receipt, err := seal.NewReceipt()
	if err != nil {
		return freshReceipt{}, err
	}
	rc := d.keys.DeriveReceipt(receipt)
	rk, err := rc.NewReplyKey()
	return freshReceipt{receipt, rc, rk}, err
}

// receipt takes a receipt made ahead of time, or makes one now.
func (d *Desk) receipt() (freshReceipt, error) {
	select {
	case f := <-d.pool:
		return f, nil
	default:
		return d.newReceipt()
	}
}

// StartReceiptPool makes up to size receipts ahead of time, so that the
// slow hash is paid while the intake is idle rather than while a person
// waits. Unissued receipts live only in this process's memory; they are
// random and were never shown to anyone, so losing them loses nothing.
// Call it once, before serving.
func (d *Desk) StartReceiptPool(ctx context.Context, size int) {
	d.pool = make(chan freshReceipt, size)
	go func() {
		for {
			f, err := d.newReceipt()
			if err != nil {
				return
			}
			select {
			case d.pool <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
}

// contactToken is a report's token for a contact the screener found. It is
// keyed with the index key, which only the console holds, and never with the
// screener's key: every role loads that one, and the public screening API
// (POST /api/v1/screen) hands out its token for any text, so a token under
// it would tell anyone whether some report holds a given number.
func (d *Desk) contactToken(id screen.Identifier) string {
	v := id.E164
	if v == "" {
		v = id.Value
	}
	if v == "" {
		return ""
	}
	return d.keys.Index("contacto:"+id.Kind, v)
}

// numberToken links a number however it was given (a phone, a WhatsApp
// link): contactToken keeps the kind apart, this one does not.
func (d *Desk) numberToken(e164 string) string {
	if e164 == "" {
		return ""
	}
	return d.keys.Index("numero", e164)
}

// templateToken keys the folded offer text with its digits removed, so that
// one template posted with different phone numbers links reports.
func (d *Desk) templateToken(folded string) string {
	var b strings.Builder
	for _, w := range strings.Fields(folded) {
		w = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return -1
			}
			return r
		}, w)
		if w != "" {
			b.WriteString(w)
			b.WriteByte(' ')
		}
	}
	if b.Len() < 40 {
		return ""
	}
	m := hmac.New(sha256.New, []byte(d.keys.Index("plantilla", "key")))
	m.Write([]byte(b.String()))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// safeWord keeps a value for the audit log only if it is a plain word.
func safeWord(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return "otro"
		}
	}
	return s
}

// Followup is what a reporter sees with the receipt: where the report
// stands and the replies addressed to them. It never shows the report's
// contents, not even its class: a receipt found by someone else must not
// reveal what was said.
type Followup struct {
	Status     string  `json:"status"` // recibido, en_atencion, cerrado
	ReceivedOn string  `json:"received_on"`
	Replies    []Reply `json:"replies"`
	Added      int     `json:"added"` // how many times the reporter added information
}

// Reply is a staff message to the reporter.
type Reply struct {
	At   string `json:"at"`
	Text string `json:"text"`
}

type sealedText struct {
	Text string `json:"text"`
}

// Follow opens a report by its receipt.
func (d *Desk) Follow(ctx context.Context, receipt string) (Followup, error) {
	r, rc, err := d.byReceipt(ctx, receipt)
	if err != nil {
		return Followup{}, err
	}
	f := Followup{ReceivedOn: r.ReceivedOn, Replies: []Reply{}, Status: "recibido"}
	switch {
	case r.ClosedOn != "":
		f.Status = "cerrado"
	case r.Triage == "en_caso":
		f.Status = "en_atencion"
	}
	msgs, err := d.st.Messages(ctx, r.ID)
	if err != nil {
		return Followup{}, err
	}
	for _, m := range msgs {
		if m.Direction == "reporter" {
			f.Added++
			continue
		}
		b, err := rc.OpenReply(r.ReplyKey, m.Sealed)
		if err != nil {
			return Followup{}, fmt.Errorf("desk: opening a reply: %w", err)
		}
		var st sealedText
		if err := json.Unmarshal(b, &st); err != nil {
			return Followup{}, err
		}
		f.Replies = append(f.Replies, Reply{At: m.At[:min(len(m.At), 10)], Text: st.Text})
	}
	if err := d.st.Audit(ctx, audit.Event{Actor: "reporter", Action: "report.follow", Object: fmt.Sprintf("report:%d", r.ID)}); err != nil {
		return Followup{}, err
	}
	return f, nil
}

// byReceipt derives the receipt and finds its report. An unknown receipt
// costs the same slow hash as a known one, and the dummy unwrap below keeps
// the two paths alike, so that timing does not tell them apart.
func (d *Desk) byReceipt(ctx context.Context, receipt string) (store.Report, seal.Receipt, error) {
	norm, ok := seal.NormalizeReceipt(receipt)
	if !ok {
		norm = strings.Repeat("0", seal.ReceiptDigits+1) // still pay the hash
	}
	rc := d.keys.DeriveReceipt(norm)
	r, err := d.st.ReportForReceipt(ctx, rc.Lookup)
	if errors.Is(err, store.ErrNotFound) || !ok {
		_, _ = rc.OpenReply(dummyWrapped, nil)
		return store.Report{}, rc, ErrUnknownReceipt
	}
	return r, rc, err
}

var dummyWrapped = make([]byte, 120)

// MaxAddition is the longest text a reporter may add at once.
const MaxAddition = hotline.MaxDescription

// AddInfo adds information to a report through its receipt. It is sealed to
// the hotline only.
func (d *Desk) AddInfo(ctx context.Context, receipt, text string) error {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > MaxAddition || !utf8.ValidString(text) {
		return hotline.Errors{{Field: "text", Key: "hotline.err.required"}}
	}
	r, _, err := d.byReceipt(ctx, receipt)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(sealedText{Text: text})
	sealed, err := d.keys.Seal(b)
	if err != nil {
		return err
	}
	_, err = d.st.AddMessage(ctx, store.Message{ReportID: r.ID, Direction: "reporter", At: d.stamp(), Sealed: sealed},
		audit.Event{Actor: "reporter", Action: "report.add", Object: fmt.Sprintf("report:%d", r.ID)})
	if err != nil {
		return err
	}
	// New information on a discarded report, or on one whose case was
	// closed, deserves a second look: the report goes back to the queue (or
	// its case's supervisors are told), and its retention clock stops.
	switch {
	case r.Triage == "descartado":
		return d.st.ReopenReport(ctx, r.ID, audit.Event{Actor: "reporter", Action: "report.reopen_new_info", Object: fmt.Sprintf("report:%d", r.ID)})
	case r.ClosedOn != "" && r.CaseID != 0:
		obj := fmt.Sprintf("case:%d", r.CaseID)
		if err := d.st.ReopenReport(ctx, r.ID, audit.Event{Actor: "reporter", Action: "report.new_info_closed_case", Object: fmt.Sprintf("report:%d", r.ID)}); err != nil {
			return err
		}
		return d.st.NotifyCase(ctx, string(staff.Supervisor), r.CaseID, "informacion_nueva", audit.Event{Actor: "reporter", Action: "notify", Object: obj})
	}
	return nil
}

func unmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("desk: reading sealed data: %w", err)
	}
	return nil
}

// stamp is the desk's time as the store writes it.
func (d *Desk) stamp() string { return d.now().UTC().Format(time.RFC3339Nano) }

// Retention deletes what has been closed for longer than the retention
// period.
func (d *Desk) Retention(ctx context.Context) (reports, cases int64, err error) {
	return d.st.DeleteExpired(ctx, d.now().Add(-d.cfg.Retention), "system")
}

// VerifyAudit walks the audit chain, checking its MACs too when the desk
// holds the console's keys.
func (d *Desk) VerifyAudit(ctx context.Context) (n int64, head string, err error) {
	r, err := d.CheckAudit(ctx, nil)
	return r.Entries, r.Hash, err
}

// AuditReport is what CheckAudit found.
type AuditReport struct {
	Entries int64
	Hash    string // the last entry's hash
	// Keyed: the MACs were checked. Sealed entries have one; Unsealed is
	// the tail the intake wrote since the console last appended.
	Keyed            bool
	Sealed, Unsealed int64
	Head             audit.Head // the last MACed entry
}

// CheckAudit walks the audit chain and, with the console's keys, checks
// every MAC; with want (a head kept outside the system) it also checks
// that the log still reaches that entry with that MAC, which catches a log
// cut short or rewritten whole.
func (d *Desk) CheckAudit(ctx context.Context, want *audit.Head) (AuditReport, error) {
	v := audit.Verifier{Want: want}
	if d.keys != nil && d.keys.CanIndex() {
		v.Key = d.keys.AuditKey()
	}
	err := d.st.AuditLog(ctx, v.Add)
	if err == nil {
		err = v.Finish()
	}
	return AuditReport{Entries: v.Count(), Hash: v.Head(), Keyed: v.Key != nil, Sealed: v.Sealed(), Unsealed: v.Unsealed(), Head: v.KeyedHead()}, err
}

// AuditHead MACs every audit entry not yet MACed and returns the keyed
// head, to be copied outside the system (console keys only).
func (d *Desk) AuditHead(ctx context.Context) (audit.Head, error) {
	if d.keys == nil || !d.keys.CanIndex() {
		return audit.Head{}, ErrIntakeOnly
	}
	return d.st.SealAudit(ctx)
}

// Seal is exposed for the receipt pool and tests.
func (d *Desk) Keys() *seal.Keys { return d.keys }

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// receivedOn is the day a report arrived: when the call began, for one
// staff entered.
func receivedOn(now, received time.Time) string {
	if !received.IsZero() {
		now = received
	}
	return now.UTC().Format("2006-01-02")
}
