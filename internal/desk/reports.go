package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/store"
)

// QueueItem is a pending report as the triage queue shows it: clear fields
// only, nothing is decrypted to list it.
type QueueItem struct {
	ID         int64
	Kind       string
	State      int
	Urgency    int
	Urgent     bool
	ReceivedOn string
	Channel    string
	Tier       string
	Flags      []string
	// ReceivedAt is when it arrived (for reports stored before the moment
	// was kept, the start of its day); Due when staff must first act on it
	// (SLA); FirstAction when they did (zero: not yet); Overdue whether
	// the target was or is being missed.
	ReceivedAt  time.Time
	Due         time.Time
	FirstAction time.Time
	Overdue     bool
	// ByStaff: an operator entered it (a call, or a person who came in).
	ByStaff bool
}

// Queue lists pending reports, immediate danger first.
func (d *Desk) Queue(ctx context.Context, a Actor) ([]QueueItem, error) {
	if err := mustCan(a, Triage); err != nil {
		return nil, err
	}
	if _, err := d.IndexPending(ctx); err != nil {
		return nil, err
	}
	rs, err := d.st.Reports(ctx, store.QueueFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]QueueItem, 0, len(rs))
	for _, r := range rs {
		out = append(out, d.queueItem(r))
	}
	if err := d.st.Audit(ctx, a.ev("queue.list", "reports")); err != nil {
		return nil, err
	}
	return out, nil
}

// ReportView is a decrypted report.
type ReportView struct {
	store.Report
	Content    hotline.Report
	Screen     *sealedScreen
	Messages   []MessageView
	Duplicates []store.Duplicate
}

type sealedScreen = struct {
	Tier    string   `json:"tier"`
	Risk    float64  `json:"risk"`
	Reasons []string `json:"reasons"`
}

// MessageView is a decrypted message.
type MessageView struct {
	Direction string
	AuthorID  int64
	At        string
	Text      string
}

// Report decrypts a report for a.
func (d *Desk) Report(ctx context.Context, a Actor, id int64) (ReportView, error) {
	if !d.keys.CanOpen() {
		return ReportView{}, ErrIntakeOnly
	}
	r, err := d.loadReport(ctx, a, id)
	if err != nil {
		return ReportView{}, err
	}
	if _, err := d.IndexPending(ctx); err != nil {
		return ReportView{}, err
	}
	plain, err := d.keys.Open(r.Sealed)
	if err != nil {
		return ReportView{}, err
	}
	var sr struct {
		Report hotline.Report `json:"report"`
		Screen *sealedScreen  `json:"screen"`
	}
	if err := json.Unmarshal(plain, &sr); err != nil {
		return ReportView{}, fmt.Errorf("desk: reading report %d: %w", id, err)
	}
	v := ReportView{Report: r, Content: sr.Report, Screen: sr.Screen}
	msgs, err := d.st.Messages(ctx, id)
	if err != nil {
		return v, err
	}
	for _, m := range msgs {
		b, err := d.keys.Open(m.Sealed)
		if err != nil {
			return v, err
		}
		var t sealedText
		_ = json.Unmarshal(b, &t)
		v.Messages = append(v.Messages, MessageView{Direction: m.Direction, AuthorID: m.AuthorID, At: m.At, Text: t.Text})
	}
	dups, err := d.st.Duplicates(ctx, id)
	if err != nil {
		return v, err
	}
	// Only suggestions the reader could open: naming a case out of reach
	// would tell that it exists and shares a phone.
	for _, dup := range dups {
		if _, err := d.loadReport(ctx, a, dup.ReportID); err == nil {
			v.Duplicates = append(v.Duplicates, dup)
		} else if !errors.Is(err, ErrNotFound) {
			return v, err
		}
	}
	return v, d.st.Audit(ctx, a.ev("report.read", fmt.Sprintf("report:%d", id)))
}

// OpenCase makes a case of a pending report, owned by a.
func (d *Desk) OpenCase(ctx context.Context, a Actor, reportID int64) (int64, error) {
	if err := mustCan(a, Triage); err != nil {
		return 0, err
	}
	id, err := d.st.OpenCase(ctx, reportID, a.ID, a.Team, a.ev("case.open", "case:{id}"))
	if errors.Is(err, store.ErrNotFound) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrState, err)
	}
	return id, nil
}

// JoinCase adds a pending report to a case a may work on.
func (d *Desk) JoinCase(ctx context.Context, a Actor, reportID, caseID int64) error {
	if err := mustCan(a, Triage); err != nil {
		return err
	}
	c, err := d.loadCase(ctx, a, caseID)
	if err != nil {
		return err
	}
	if c.Status == string(hotline.Cerrado) {
		// A report joined to a closed case would never be closed itself, so
		// its retention clock would never start: reopen the case first.
		return ErrState
	}
	if err := d.st.JoinCase(ctx, reportID, caseID, a.ev("case.join", fmt.Sprintf("case:%d", caseID))); err != nil {
		return fmt.Errorf("%w: %v", ErrState, err)
	}
	return nil
}

// Discard closes a pending report without a case.
func (d *Desk) Discard(ctx context.Context, a Actor, reportID int64) error {
	if err := mustCan(a, Triage); err != nil {
		return err
	}
	if err := d.st.DiscardReport(ctx, reportID, a.ev("report.discard", fmt.Sprintf("report:%d", reportID))); err != nil {
		return fmt.Errorf("%w: %v", ErrState, err)
	}
	return nil
}

// Reply writes to the reporter through the receipt channel: sealed to the
// hotline and to the reporter's own key, so only staff and the holder of
// the receipt can read it.
func (d *Desk) Reply(ctx context.Context, a Actor, reportID int64, text string) error {
	r, err := d.loadReport(ctx, a, reportID)
	if err != nil {
		return err
	}
	if err := mustCan(a, Triage); err != nil {
		return err
	}
	sealed, err := d.sealText("reply", text, 4000, r.ReplyRecipient)
	if err != nil {
		return err
	}
	_, err = d.st.AddMessage(ctx, store.Message{ReportID: reportID, Direction: "staff", AuthorID: a.ID, At: d.stamp(), Sealed: sealed}, a.ev("report.reply", fmt.Sprintf("report:%d", reportID)))
	return err
}

// DecideDuplicate records whether two reports are about the same thing.
func (d *Desk) DecideDuplicate(ctx context.Context, a Actor, reportID, other int64, same bool) error {
	if _, err := d.loadReport(ctx, a, reportID); err != nil {
		return err
	}
	if _, err := d.loadReport(ctx, a, other); err != nil {
		return err
	}
	ev := a.ev("report.duplicate", fmt.Sprintf("report:%d", reportID))
	ev.Detail = fmt.Sprintf("other=%d same=%t", other, same)
	return d.st.DecideDuplicate(ctx, reportID, other, a.ID, same, ev)
}

// Search finds reports that carry a phone, WhatsApp link, e-mail or handle,
// through its blind index: the contact itself is neither stored nor
// logged. Only reports a may read are returned.
func (d *Desk) Search(ctx context.Context, a Actor, contact string) ([]QueueItem, error) {
	if err := mustCan(a, Search); err != nil {
		return nil, err
	}
	if d.screener == nil || utf8.RuneCountInString(contact) > 200 {
		return nil, &InputError{"q", "a phone, WhatsApp link, e-mail or handle"}
	}
	if _, err := d.IndexPending(ctx); err != nil {
		return nil, err
	}
	ids := d.screener.Screen(contact).Identifiers
	if len(ids) == 0 {
		return nil, &InputError{"q", "no phone, WhatsApp link, e-mail or handle found in it"}
	}
	seen := map[int64]bool{}
	var out []QueueItem
	var tokens []string
	for _, id := range ids {
		tokens = append(tokens, d.contactToken(id))
		if t := d.numberToken(id.E164); t != "" {
			tokens = append(tokens, t)
		}
	}
	for _, tok := range tokens {
		rs, err := d.st.ReportsByToken(ctx, tok, 100)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if seen[r.ID] {
				continue
			}
			seen[r.ID] = true
			if _, err := d.loadReport(ctx, a, r.ID); errors.Is(err, ErrNotFound) {
				continue // out of reach: not even its existence is shown
			} else if err != nil {
				return nil, err
			}
			out = append(out, d.queueItem(r))
		}
	}
	ev := a.ev("report.search", "reports")
	ev.Detail = fmt.Sprintf("found=%d", len(out))
	return out, d.st.Audit(ctx, ev)
}
