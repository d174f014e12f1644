package desk

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
)

// Actor is a signed-in member of staff.
type Actor struct {
	ID       int64
	Username string
	Role     staff.Role
	Team     string
	Scope    string // own, team, all
}

func (a Actor) tag() string { return "staff:" + strconv.FormatInt(a.ID, 10) }

func (a Actor) ev(action, object string) audit.Event {
	return audit.Event{Actor: a.tag(), Action: action, Object: object}
}

// Scopes are the reaches an account may have over cases.
var Scopes = []string{"own", "team", "all"}

// NewStaff is an account to create.
type NewStaff struct {
	Username, Password string
	Role               staff.Role
	Team, Scope        string
}

// AddStaff creates an account and returns its TOTP secret, to be shown
// once and entered into an authenticator app. by names who did it.
func (d *Desk) AddStaff(ctx context.Context, by string, n NewStaff) (secret string, err error) {
	if !d.keys.CanOpen() {
		return "", ErrIntakeOnly
	}
	n.Username = strings.TrimSpace(n.Username)
	if n.Username == "" || len(n.Username) > 64 || strings.ContainsAny(n.Username, " \t\r\n<>\"'") {
		return "", &InputError{"username", "1–64 characters, no spaces or quotes"}
	}
	if !n.Role.Valid() {
		return "", &InputError{"role", "unknown role"}
	}
	if n.Scope == "" {
		n.Scope = map[staff.Role]string{staff.Operador: "own", staff.Supervisor: "team"}[n.Role]
		if n.Scope == "" {
			n.Scope = "own"
		}
	}
	if !contains(Scopes, n.Scope) {
		return "", &InputError{"scope", "want own, team or all"}
	}
	if n.Team == "" {
		n.Team = "general"
	}
	if _, err := d.st.StaffByUsername(ctx, n.Username); err == nil {
		return "", &InputError{"username", "already taken"}
	}
	release, err := d.cfg.Hashes.Acquire(ctx)
	if err != nil {
		return "", err
	}
	hash, err := staff.HashPassword(n.Password)
	release()
	if err != nil {
		return "", &InputError{"password", err.Error()}
	}
	secret, err = staff.NewTOTPSecret()
	if err != nil {
		return "", err
	}
	sealed, err := d.keys.Seal([]byte(secret))
	if err != nil {
		return "", err
	}
	_, err = d.st.CreateStaff(ctx, store.Staff{Username: n.Username, Password: hash, TOTPSealed: sealed, Role: string(n.Role), Team: n.Team, Scope: n.Scope, Sign: d.SignStaff},
		audit.Event{Actor: by, Action: "staff.create", Object: "staff:{id}", Detail: "role=" + string(n.Role) + " scope=" + n.Scope})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// Login checks a password and a one-time code and opens a session. The
// answer is the same for an unknown user, a wrong password and a wrong
// code, and costs about the same time.
func (d *Desk) Login(ctx context.Context, username, password, code string) (token, csrf string, err error) {
	if !d.keys.CanOpen() {
		return "", "", ErrIntakeOnly
	}
	// Every path below runs one Argon2id hash (19 MiB): a bounded number
	// run at once, and beyond the queue a sign-in is refused at once rather
	// than left to pile up memory.
	release, err := d.cfg.Hashes.Acquire(ctx)
	if err != nil {
		return "", "", err
	}
	defer release()
	now := d.now()
	var u store.Staff
	for try := 0; ; try++ {
		u, err = d.st.StaffByUsername(ctx, strings.TrimSpace(username))
		if errors.Is(err, store.ErrNotFound) {
			staff.DummyCheck(password)
			return "", "", ErrLogin
		}
		if err != nil {
			return "", "", err
		}
		if !u.Active || !d.staffGenuine(u) {
			staff.DummyCheck(password)
			if u.Active {
				_ = d.st.Audit(ctx, audit.Event{Actor: fmt.Sprintf("staff:%d", u.ID), Action: "login.forged_account", Object: fmt.Sprintf("staff:%d", u.ID)})
			}
			return "", "", ErrLogin
		}
		if d.cfg.Lockout.Locked(u.Failures, u.LastFailure, now) {
			// The same answer as a wrong password: a distinct one would tell
			// which user names exist. The audit log says what happened.
			staff.DummyCheck(password)
			_ = d.st.Audit(ctx, audit.Event{Actor: fmt.Sprintf("staff:%d", u.ID), Action: "login.locked", Object: fmt.Sprintf("staff:%d", u.ID)})
			return "", "", ErrLocked
		}
		// The attempt is counted as a failure before the password is
		// checked, if no other attempt was counted since the check above.
		counted, err := d.st.LoginAttempt(ctx, u.ID, u.Failures)
		if err != nil {
			return "", "", err
		}
		if counted {
			break
		}
		if try == 4 {
			// Many attempts on one account at once: an attack.
			staff.DummyCheck(password)
			return "", "", ErrLocked
		}
	}
	fail := func() (string, string, error) {
		if err := d.st.Audit(ctx, audit.Event{Actor: fmt.Sprintf("staff:%d", u.ID), Action: "login.failed", Object: fmt.Sprintf("staff:%d", u.ID)}); err != nil {
			return "", "", err
		}
		return "", "", ErrLogin
	}
	ok, err := staff.CheckPassword(u.Password, password)
	if err != nil || !ok {
		return fail()
	}
	secret, err := d.keys.Open(u.TOTPSealed)
	if err != nil {
		return "", "", err
	}
	step, ok := staff.VerifyTOTP(string(secret), code, now, u.TOTPLastStep)
	if !ok {
		return fail()
	}
	token, hash, err := staff.NewToken()
	if err != nil {
		return "", "", err
	}
	csrf, _, err = staff.NewToken()
	if err != nil {
		return "", "", err
	}
	// A fresh token at every login: a session id planted before login is
	// never promoted (session fixation).
	sign := func(created string) (string, error) { return d.sessionMAC(hash, u.ID, csrf, created) }
	if err := d.st.LoginSucceeded(ctx, u.ID, step, hash, csrf, sign, audit.Event{Actor: fmt.Sprintf("staff:%d", u.ID), Action: "login", Object: fmt.Sprintf("staff:%d", u.ID)}); err != nil {
		return fail()
	}
	return token, csrf, nil
}

// Unlock clears an account's failed sign-ins, so that a member of staff
// kept out by someone else's guesses can sign in again at once. by names
// who did it (the command line: "cli").
func (d *Desk) Unlock(ctx context.Context, by, username string) error {
	u, err := d.st.StaffByUsername(ctx, strings.TrimSpace(username))
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	ev := audit.Event{Actor: by, Action: "staff.unlock", Object: fmt.Sprintf("staff:%d", u.ID), Detail: fmt.Sprintf("failures=%d", u.Failures)}
	return d.st.UnlockStaff(ctx, u.ID, ev)
}

// Session returns the actor of a session token and its CSRF token.
func (d *Desk) Session(ctx context.Context, token string) (Actor, string, error) {
	h := staff.HashToken(token)
	if h == nil {
		return Actor{}, "", ErrSession
	}
	s, err := d.st.SessionByHash(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return Actor{}, "", ErrSession
	}
	if err != nil {
		return Actor{}, "", err
	}
	if !d.sessionGenuine(h, s) {
		// Planted by someone who can write to the database but holds no
		// private key (or copied from another session): it signs no one
		// in, and the audit log says so.
		_ = d.st.EndSession(ctx, h)
		_ = d.st.Audit(ctx, audit.Event{Actor: fmt.Sprintf("staff:%d", s.Staff.ID), Action: "session.forged", Object: fmt.Sprintf("staff:%d", s.Staff.ID)})
		return Actor{}, "", ErrSession
	}
	if !s.Staff.Active || !d.staffGenuine(s.Staff) || !d.cfg.Sessions.Valid(s.Created, s.LastSeen, d.now()) {
		_ = d.st.EndSession(ctx, h)
		return Actor{}, "", ErrSession
	}
	role, err := staff.ParseRole(s.Staff.Role)
	if err != nil {
		return Actor{}, "", ErrSession
	}
	if err := d.st.TouchSession(ctx, h); err != nil {
		return Actor{}, "", err
	}
	return Actor{ID: s.Staff.ID, Username: s.Staff.Username, Role: role, Team: s.Staff.Team, Scope: s.Staff.Scope}, s.CSRF, nil
}

// Logout ends a session.
func (d *Desk) Logout(ctx context.Context, token string) error {
	if h := staff.HashToken(token); h != nil {
		return d.st.EndSession(ctx, h)
	}
	return nil
}

// handles reports whether a role works on reports and cases at all.
func handles(a Actor) bool { return a.Role == staff.Operador || a.Role == staff.Supervisor }

// caseAccess decides whether a may read and work on case c: their own
// cases, their team's or all by scope, or a live break-glass grant.
// Analysts never see case data; administrators only through break-glass.
func (d *Desk) caseAccess(ctx context.Context, a Actor, c store.Case) (bool, error) {
	if a.Role == staff.Analista {
		return false, nil
	}
	if handles(a) {
		switch {
		case c.OwnerID == a.ID:
			return true, nil
		case a.Scope == "all":
			return true, nil
		case a.Scope == "team" && c.Team == a.Team:
			return true, nil
		}
	}
	return d.st.HasBreakGlass(ctx, a.ID, c.ID)
}

// loadCase returns a case a may work on, or ErrNotFound: a case out of
// reach looks the same as one that does not exist.
func (d *Desk) loadCase(ctx context.Context, a Actor, id int64) (store.Case, error) {
	c, err := d.st.CaseByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, err
	}
	ok, err := d.caseAccess(ctx, a, c)
	if err != nil {
		return c, err
	}
	if !ok {
		_ = d.st.Audit(ctx, a.ev("case.denied", fmt.Sprintf("case:%d", id)))
		return c, ErrNotFound
	}
	return c, nil
}

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
}

// Queue lists pending reports, immediate danger first.
func (d *Desk) Queue(ctx context.Context, a Actor) ([]QueueItem, error) {
	if !handles(a) {
		return nil, ErrForbidden
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
		var sum screenSummary
		_ = json.Unmarshal([]byte(r.Screen), &sum)
		out = append(out, QueueItem{ID: r.ID, Kind: r.Kind, State: r.State, Urgency: r.Urgency, Urgent: r.Urgency >= 10, ReceivedOn: r.ReceivedOn, Channel: r.Channel, Tier: sum.Tier, Flags: sum.Flags})
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

// reportAccess: a pending report may be read by anyone who triages; a
// report in a case by those who may work on the case.
func (d *Desk) loadReport(ctx context.Context, a Actor, id int64) (store.Report, error) {
	if !handles(a) && a.Role != staff.Administrador {
		return store.Report{}, ErrNotFound
	}
	r, err := d.st.ReportByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, err
	}
	if r.CaseID != 0 {
		if _, err := d.loadCase(ctx, a, r.CaseID); err != nil {
			return r, err
		}
		return r, nil
	}
	if !handles(a) {
		return r, ErrNotFound
	}
	return r, nil
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
	if !handles(a) {
		return 0, ErrForbidden
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
	if !handles(a) {
		return ErrForbidden
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
	if !handles(a) {
		return ErrForbidden
	}
	if err := d.st.DiscardReport(ctx, reportID, a.ev("report.discard", fmt.Sprintf("report:%d", reportID))); err != nil {
		return fmt.Errorf("%w: %v", ErrState, err)
	}
	return nil
}

// Cases lists the cases within a's reach.
func (d *Desk) Cases(ctx context.Context, a Actor) ([]store.Case, error) {
	if !handles(a) {
		return nil, ErrForbidden
	}
	f := store.CaseFilter{}
	switch a.Scope {
	case "own":
		f.OwnerID = a.ID
	case "team":
		f.Team = a.Team
	}
	cs, err := d.st.Cases(ctx, f)
	if err != nil {
		return nil, err
	}
	return cs, d.st.Audit(ctx, a.ev("case.list", "cases"))
}

// CloseRequests lists cases waiting for a supervisor's approval to close.
func (d *Desk) CloseRequests(ctx context.Context, a Actor) ([]store.Case, error) {
	if a.Role != staff.Supervisor {
		return nil, nil
	}
	f := store.CaseFilter{CloseAsked: true}
	if a.Scope != "all" {
		f.Team = a.Team
	}
	return d.st.Cases(ctx, f)
}

// CaseView is a decrypted case.
type CaseView struct {
	store.Case
	CloseReason string
	Reports     []ReportView
	Notes       []NoteView
	Tasks       []TaskView
	Referrals   []ReferralView
	Assessments []AssessmentView
	Owner       string
}

// NoteView is a decrypted note.
type NoteView struct {
	ID     int64
	Author string
	At     string
	Text   string
}

// TaskView is a decrypted task.
type TaskView struct {
	ID       int64
	Assignee string
	DueOn    string
	DoneAt   string
	Overdue  bool
	Text     string
}

// ReferralView is a decrypted referral.
type ReferralView struct {
	ID          int64
	Institution string
	Status      string
	Override    bool
	At          string
	UpdatedAt   string
	Details     string
	Next        []string
}

// AssessmentView is a stored instrument result.
type AssessmentView struct {
	ID         int64
	Instrument string
	Version    string
	Level      string
	Present    []string
	At         string
	By         string
}

type sealedReferral struct {
	Details  string `json:"details"`
	Override string `json:"override,omitempty"`
}

// Case decrypts a case and everything in it.
func (d *Desk) Case(ctx context.Context, a Actor, id int64) (CaseView, error) {
	if !d.keys.CanOpen() {
		return CaseView{}, ErrIntakeOnly
	}
	c, err := d.loadCase(ctx, a, id)
	if err != nil {
		return CaseView{}, err
	}
	v := CaseView{Case: c}
	names := map[int64]string{}
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		u, err := d.st.StaffByID(ctx, id)
		if err != nil {
			return "?"
		}
		names[id] = u.Username
		return u.Username
	}
	v.Owner = name(c.OwnerID)
	if c.CloseSealed != nil && c.CloseRequestedBy != 0 {
		v.CloseReason, _ = d.openText(c.CloseSealed)
	}
	rs, err := d.st.Reports(ctx, store.QueueFilter{CaseID: id})
	if err != nil {
		return v, err
	}
	for _, r := range rs {
		rv, err := d.Report(ctx, a, r.ID)
		if err != nil {
			return v, err
		}
		v.Reports = append(v.Reports, rv)
	}
	notes, tasks, refs, assess, err := d.st.CaseEntries(ctx, id)
	if err != nil {
		return v, err
	}
	today := d.now().UTC().Format("2006-01-02")
	for _, n := range notes {
		t, err := d.openText(n.Sealed)
		if err != nil {
			return v, err
		}
		v.Notes = append(v.Notes, NoteView{ID: n.ID, Author: name(n.AuthorID), At: n.At, Text: t})
	}
	for _, t := range tasks {
		text, err := d.openText(t.Sealed)
		if err != nil {
			return v, err
		}
		v.Tasks = append(v.Tasks, TaskView{ID: t.ID, Assignee: name(t.AuthorID), DueOn: t.DueOn, DoneAt: t.DoneAt, Overdue: t.DoneAt == "" && t.DueOn < today, Text: text})
	}
	for _, r := range refs {
		b, err := d.keys.Open(r.Sealed)
		if err != nil {
			return v, err
		}
		var sr sealedReferral
		_ = json.Unmarshal(b, &sr)
		rv := ReferralView{ID: r.ID, Institution: r.Institution, Status: r.Status, Override: r.OverrideBy != 0, At: r.At, UpdatedAt: r.UpdatedAt, Details: sr.Details}
		for _, to := range []hotline.ReferralStatus{hotline.Aceptada, hotline.Rechazada, hotline.Completada, hotline.Revocada} {
			if hotline.MoveReferral(hotline.ReferralStatus(r.Status), to) == nil {
				rv.Next = append(rv.Next, string(to))
			}
		}
		v.Referrals = append(v.Referrals, rv)
	}
	for _, s := range assess {
		var present []string
		if s.Present != "" {
			present = strings.Split(s.Present, ",")
		}
		v.Assessments = append(v.Assessments, AssessmentView{ID: s.ID, Instrument: s.Instrument, Version: s.Version, Level: s.Level, Present: present, At: s.At, By: name(s.AuthorID)})
	}
	return v, d.st.Audit(ctx, a.ev("case.read", fmt.Sprintf("case:%d", id)))
}

func (d *Desk) openText(sealed []byte) (string, error) {
	b, err := d.keys.Open(sealed)
	if err != nil {
		return "", err
	}
	var t sealedText
	if err := json.Unmarshal(b, &t); err != nil {
		return "", err
	}
	return t.Text, nil
}

func (d *Desk) sealText(field, text string, max int, extra ...string) ([]byte, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, &InputError{field, "required"}
	}
	if utf8.RuneCountInString(text) > max || !utf8.ValidString(text) {
		return nil, &InputError{field, fmt.Sprintf("at most %d characters of valid text", max)}
	}
	b, _ := json.Marshal(sealedText{Text: text})
	return d.keys.Seal(b, extra...)
}

// Move changes a case's status along the workflow.
func (d *Desk) Move(ctx context.Context, a Actor, id int64, to hotline.Status) error {
	c, err := d.loadCase(ctx, a, id)
	if err != nil {
		return err
	}
	if !hotline.CanMove(hotline.Status(c.Status), to) {
		return ErrState
	}
	s := string(to)
	u := store.CaseUpdate{Guard: c.Status, Status: &s}
	if c.Status == string(hotline.Cerrado) {
		f := false
		u.Closed = &f
	}
	ev := a.ev("case.move", fmt.Sprintf("case:%d", id))
	ev.Detail = c.Status + "->" + s
	return d.st.UpdateCase(ctx, id, u, ev)
}

// RequestClose asks a supervisor to close a case, with a reason.
func (d *Desk) RequestClose(ctx context.Context, a Actor, id int64, reason string) error {
	c, err := d.loadCase(ctx, a, id)
	if err != nil {
		return err
	}
	if !hotline.CanRequestClose(hotline.Status(c.Status)) {
		return ErrState
	}
	sealed, err := d.sealText("reason", reason, 2000)
	if err != nil {
		return err
	}
	by := a.ID
	if err := d.st.UpdateCase(ctx, id, store.CaseUpdate{Guard: c.Status, CloseRequestedBy: &by, CloseSealed: sealed}, a.ev("case.close_request", fmt.Sprintf("case:%d", id))); err != nil {
		return err
	}
	return d.st.Notify(ctx, []string{string(staff.Supervisor)}, "cierre_solicitado", fmt.Sprintf("case:%d", id), a.ev("notify", fmt.Sprintf("case:%d", id)))
}

// DecideClose approves or rejects a closure request. Only a supervisor who
// did not ask for it may decide (four eyes).
func (d *Desk) DecideClose(ctx context.Context, a Actor, id int64, approve bool) error {
	if a.Role != staff.Supervisor {
		return ErrForbidden
	}
	c, err := d.loadCase(ctx, a, id)
	if err != nil {
		return err
	}
	if c.CloseRequestedBy == 0 || c.Status == string(hotline.Cerrado) {
		return ErrState
	}
	if c.CloseRequestedBy == a.ID {
		return fmt.Errorf("%w: another supervisor must approve a closure you asked for", ErrForbidden)
	}
	zero := int64(0)
	u := store.CaseUpdate{Guard: c.Status, CloseRequestedBy: &zero}
	action := "case.close_reject"
	if approve {
		s, t := string(hotline.Cerrado), true
		u.Status, u.Closed = &s, &t
		action = "case.close"
	}
	return d.st.UpdateCase(ctx, id, u, a.ev(action, fmt.Sprintf("case:%d", id)))
}

// AddNote adds a sealed note to a case.
func (d *Desk) AddNote(ctx context.Context, a Actor, id int64, text string) error {
	if _, err := d.loadCase(ctx, a, id); err != nil {
		return err
	}
	sealed, err := d.sealText("note", text, hotline.MaxDescription)
	if err != nil {
		return err
	}
	_, err = d.st.AddNote(ctx, store.Entry{CaseID: id, AuthorID: a.ID, Sealed: sealed}, a.ev("case.note", fmt.Sprintf("case:%d", id)))
	return err
}

// AddTask adds a task with a due date (YYYY-MM-DD) assigned to a.
func (d *Desk) AddTask(ctx context.Context, a Actor, id int64, text, due string) error {
	if _, err := d.loadCase(ctx, a, id); err != nil {
		return err
	}
	if _, err := time.Parse("2006-01-02", due); err != nil {
		return &InputError{"due", "a date as YYYY-MM-DD"}
	}
	sealed, err := d.sealText("task", text, 500)
	if err != nil {
		return err
	}
	_, err = d.st.AddTask(ctx, store.Entry{CaseID: id, AuthorID: a.ID, DueOn: due, Sealed: sealed}, a.ev("case.task", fmt.Sprintf("case:%d", id)))
	return err
}

// CompleteTask marks a task of a case done.
func (d *Desk) CompleteTask(ctx context.Context, a Actor, id, taskID int64) error {
	if _, err := d.loadCase(ctx, a, id); err != nil {
		return err
	}
	err := d.st.CompleteTask(ctx, id, taskID, a.ev("case.task_done", fmt.Sprintf("case:%d", id)))
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// SetConsent records whether the person consented to being referred and to
// their data being shared.
func (d *Desk) SetConsent(ctx context.Context, a Actor, id int64, consent bool) error {
	if _, err := d.loadCase(ctx, a, id); err != nil {
		return err
	}
	ev := a.ev("case.consent", fmt.Sprintf("case:%d", id))
	ev.Detail = strconv.FormatBool(consent)
	return d.st.UpdateCase(ctx, id, store.CaseUpdate{Consent: &consent, ConsentBy: a.ID}, ev)
}

// SetTrafficking records the HTCDS trafficking status and who decided it.
func (d *Desk) SetTrafficking(ctx context.Context, a Actor, id int64, status, decidedBy string) error {
	if _, err := d.loadCase(ctx, a, id); err != nil {
		return err
	}
	if !hotline.Trafficking.Has(status) {
		return &InputError{"trafficking", "unknown status"}
	}
	if !hotline.DecidedBy.Has(decidedBy) {
		return &InputError{"decided_by", "unknown organisation"}
	}
	ev := a.ev("case.trafficking", fmt.Sprintf("case:%d", id))
	ev.Detail = status + " by=" + decidedBy
	return d.st.UpdateCase(ctx, id, store.CaseUpdate{Trafficking: &status, DecidedBy: &decidedBy}, ev)
}

// Refer sends a referral. Without recorded consent it is blocked, unless a
// supervisor overrides with a reason (a legal duty, a child in danger),
// which is audited.
func (d *Desk) Refer(ctx context.Context, a Actor, id int64, institution, details, override string) error {
	c, err := d.loadCase(ctx, a, id)
	if err != nil {
		return err
	}
	if !hotline.Institutions.Has(institution) {
		return &InputError{"institution", "unknown institution"}
	}
	override = strings.TrimSpace(override)
	e := store.Entry{CaseID: id, AuthorID: a.ID, Institution: institution}
	action := "referral.create"
	if !c.Consent {
		if a.Role != staff.Supervisor || override == "" {
			_ = d.st.Audit(ctx, a.ev("referral.blocked", fmt.Sprintf("case:%d", id)))
			return ErrNoConsent
		}
		e.OverrideBy = a.ID
		action = "referral.create_override"
	} else {
		override = ""
	}
	if utf8.RuneCountInString(details) > 4000 || utf8.RuneCountInString(override) > 2000 {
		return &InputError{"details", "too long"}
	}
	b, _ := json.Marshal(sealedReferral{Details: strings.TrimSpace(details), Override: override})
	if e.Sealed, err = d.keys.Seal(b); err != nil {
		return err
	}
	ev := a.ev(action, fmt.Sprintf("case:%d", id))
	ev.Detail = "institution=" + institution
	_, err = d.st.AddReferral(ctx, e, ev)
	return err
}

// MoveReferral records an institution's answer or the referral's end.
func (d *Desk) MoveReferral(ctx context.Context, a Actor, id, refID int64, to hotline.ReferralStatus) error {
	if _, err := d.loadCase(ctx, a, id); err != nil {
		return err
	}
	_, _, refs, _, err := d.st.CaseEntries(ctx, id)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if r.ID == refID {
			if err := hotline.MoveReferral(hotline.ReferralStatus(r.Status), to); err != nil {
				return fmt.Errorf("%w: %v", ErrState, err)
			}
			ev := a.ev("referral.move", fmt.Sprintf("case:%d", id))
			ev.Detail = fmt.Sprintf("referral=%d %s->%s", refID, r.Status, to)
			return d.st.MoveReferral(ctx, id, refID, r.Status, string(to), ev)
		}
	}
	return ErrNotFound
}

// Assess scores a screening instrument and keeps the answers sealed.
func (d *Desk) Assess(ctx context.Context, a Actor, id int64, instrument string, answers hotline.Answers) (hotline.Score, error) {
	if _, err := d.loadCase(ctx, a, id); err != nil {
		return hotline.Score{}, err
	}
	in, ok := hotline.InstrumentByID(instrument)
	if !ok {
		return hotline.Score{}, &InputError{"instrument", "unknown instrument"}
	}
	sc, err := in.Score(answers)
	if err != nil {
		return sc, &InputError{"answers", err.Error()}
	}
	b, _ := json.Marshal(answers)
	sealed, err := d.keys.Seal(b)
	if err != nil {
		return sc, err
	}
	_, err = d.st.AddAssessment(ctx, store.Entry{CaseID: id, AuthorID: a.ID, Instrument: in.ID, Version: in.Version, Level: sc.Level, Present: strings.Join(sc.Present, ","), Sealed: sealed},
		a.ev("case.assess", fmt.Sprintf("case:%d", id)))
	return sc, err
}

// Reply writes to the reporter through the receipt channel: sealed to the
// hotline and to the reporter's own key, so only staff and the holder of
// the receipt can read it.
func (d *Desk) Reply(ctx context.Context, a Actor, reportID int64, text string) error {
	r, err := d.loadReport(ctx, a, reportID)
	if err != nil {
		return err
	}
	if !handles(a) {
		return ErrForbidden
	}
	sealed, err := d.sealText("reply", text, 4000, r.ReplyRecipient)
	if err != nil {
		return err
	}
	_, err = d.st.AddMessage(ctx, store.Message{ReportID: reportID, Direction: "staff", AuthorID: a.ID, At: d.stamp(), Sealed: sealed}, a.ev("report.reply", fmt.Sprintf("report:%d", reportID)))
	return err
}

// BreakGlass gives a access to a case outside their scope for a while,
// with a reason kept sealed in the case, and tells every supervisor.
func (d *Desk) BreakGlass(ctx context.Context, a Actor, id int64, reason string) error {
	if a.Role == staff.Analista {
		return ErrForbidden
	}
	// The reason is checked before the case, so that a short reason does
	// not tell whether a case id exists.
	if utf8.RuneCountInString(strings.TrimSpace(reason)) < 10 {
		return &InputError{"reason", "explain why, in at least 10 characters"}
	}
	if _, err := d.st.CaseByID(ctx, id); err != nil {
		_ = d.st.Audit(ctx, a.ev("case.break_glass_unknown", fmt.Sprintf("case:%d", id)))
		return ErrNotFound
	}
	// The grant, its reason and the notice are written even if the
	// request is cancelled half way: access must never come without them.
	ctx = context.WithoutCancel(ctx)
	sealed, err := d.sealText("reason", "Acceso de emergencia: "+reason, 2000)
	if err != nil {
		return err
	}
	obj := fmt.Sprintf("case:%d", id)
	if err := d.st.BreakGlass(ctx, a.ID, id, d.now().Add(d.cfg.BreakGlass), a.ev("case.break_glass", obj)); err != nil {
		return err
	}
	if _, err := d.st.AddNote(ctx, store.Entry{CaseID: id, AuthorID: a.ID, Sealed: sealed}, a.ev("case.note", obj)); err != nil {
		return err
	}
	return d.st.Notify(ctx, []string{string(staff.Supervisor)}, "acceso_emergencia", obj, a.ev("notify", obj))
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

// Notifications lists a's unseen notifications.
func (d *Desk) Notifications(ctx context.Context, a Actor) ([]store.Notification, error) {
	return d.st.Notifications(ctx, a.ID)
}

// Staff lists accounts, for administrators.
func (d *Desk) Staff(ctx context.Context, a Actor) ([]store.Staff, error) {
	if a.Role != staff.Administrador {
		return nil, ErrForbidden
	}
	us, err := d.st.StaffList(ctx)
	if err != nil {
		return nil, err
	}
	for i := range us {
		us[i].Password, us[i].TOTPSealed = "", nil
	}
	sort.Slice(us, func(i, j int) bool { return us[i].Username < us[j].Username })
	return us, nil
}

// AddStaffAs creates an account on behalf of an administrator.
func (d *Desk) AddStaffAs(ctx context.Context, a Actor, n NewStaff) (string, error) {
	if a.Role != staff.Administrador {
		return "", ErrForbidden
	}
	return d.AddStaff(ctx, a.tag(), n)
}

// Retention deletes what has been closed for longer than the retention
// period.
func (d *Desk) Retention(ctx context.Context) (reports, cases int64, err error) {
	return d.st.DeleteExpired(ctx, d.now().Add(-d.cfg.Retention), "system")
}

// VerifyAudit walks the audit chain.
func (d *Desk) VerifyAudit(ctx context.Context) (n int64, head string, err error) {
	var v audit.Verifier
	err = d.st.AuditLog(ctx, v.Add)
	return v.Count(), v.Head(), err
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

// Search finds reports that carry a phone, WhatsApp link, e-mail or handle,
// through its blind index: the contact itself is neither stored nor
// logged. Only reports a may read are returned.
func (d *Desk) Search(ctx context.Context, a Actor, contact string) ([]QueueItem, error) {
	if !handles(a) {
		return nil, ErrForbidden
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
			if _, err := d.loadReport(ctx, a, r.ID); err != nil {
				continue // out of reach: not even its existence is shown
			}
			var sum screenSummary
			_ = json.Unmarshal([]byte(r.Screen), &sum)
			out = append(out, QueueItem{ID: r.ID, Kind: r.Kind, State: r.State, Urgency: r.Urgency, Urgent: r.Urgency >= 10, ReceivedOn: r.ReceivedOn, Channel: r.Channel, Tier: sum.Tier, Flags: sum.Flags})
		}
	}
	ev := a.ev("report.search", "reports")
	ev.Detail = fmt.Sprintf("found=%d", len(out))
	return out, d.st.Audit(ctx, ev)
}

// Assign gives a case to another member of staff who works cases. Only a
// supervisor may, within their reach, and only to someone in the case's
// team (or anyone, with scope all).
func (d *Desk) Assign(ctx context.Context, a Actor, id, to int64) error {
	if a.Role != staff.Supervisor {
		return ErrForbidden
	}
	c, err := d.loadCase(ctx, a, id)
	if err != nil {
		return err
	}
	u, err := d.st.StaffByID(ctx, to)
	if err != nil || !u.Active || (u.Role != string(staff.Operador) && u.Role != string(staff.Supervisor)) {
		return &InputError{"owner", "an active operator or supervisor"}
	}
	if a.Scope != "all" && u.Team != c.Team {
		return &InputError{"owner", "someone in the case's team"}
	}
	ev := a.ev("case.assign", fmt.Sprintf("case:%d", id))
	ev.Detail = fmt.Sprintf("staff:%d->staff:%d", c.OwnerID, to)
	return d.st.UpdateCase(ctx, id, store.CaseUpdate{OwnerID: &to}, ev)
}

// Assignees lists who a supervisor may give a case to.
func (d *Desk) Assignees(ctx context.Context, a Actor, team string) ([]store.Staff, error) {
	if a.Role != staff.Supervisor {
		return nil, nil
	}
	us, err := d.st.StaffList(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.Staff
	for _, u := range us {
		if u.Active && (u.Role == string(staff.Operador) || u.Role == string(staff.Supervisor)) && (a.Scope == "all" || u.Team == team) {
			out = append(out, store.Staff{ID: u.ID, Username: u.Username, Role: u.Role, Team: u.Team})
		}
	}
	return out, nil
}

// DueTasks lists a's open tasks due within a week, overdue first, for the
// console's home page; only cases still within a's reach are listed.
func (d *Desk) DueTasks(ctx context.Context, a Actor) ([]store.DueTask, error) {
	if !handles(a) {
		return nil, nil
	}
	ts, err := d.st.OpenTasks(ctx, a.ID, d.now().UTC().AddDate(0, 0, 7).Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	out := ts[:0]
	for _, t := range ts {
		c, err := d.st.CaseByID(ctx, t.CaseID)
		if err != nil {
			continue
		}
		if ok, err := d.caseAccess(ctx, a, c); err == nil && ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// Today is the desk's date, for pages that mark what is overdue.
func (d *Desk) Today() string { return d.now().UTC().Format("2006-01-02") }

// SignStaff computes an account row's MAC (console keys only).
func (d *Desk) SignStaff(u store.Staff) (string, error) {
	return d.keys.StaffMAC(strconv.FormatInt(u.ID, 10), u.Username, u.Password, fmt.Sprintf("%x", u.TOTPSealed), u.Role, u.Team, u.Scope, strconv.FormatBool(u.Active))
}

// sessionMAC is a session row's MAC: it binds the token's hash to the
// account, the CSRF token and the creation time (so that neither the
// account nor the absolute expiry can be changed), under a key only the
// console holds.
func (d *Desk) sessionMAC(hash []byte, staffID int64, csrf, created string) (string, error) {
	return d.keys.SessionMAC(hex.EncodeToString(hash), strconv.FormatInt(staffID, 10), csrf, created)
}

func (d *Desk) sessionGenuine(hash []byte, s store.Session) bool {
	want, err := d.sessionMAC(hash, s.Staff.ID, s.CSRF, s.CreatedAt)
	return err == nil && s.MAC != "" && hmac.Equal([]byte(want), []byte(s.MAC))
}

// staffGenuine checks an account row's MAC: a row written by someone who
// holds only the public key (a compromised intake) does not pass.
func (d *Desk) staffGenuine(u store.Staff) bool {
	want, err := d.SignStaff(u)
	return err == nil && hmac.Equal([]byte(want), []byte(u.MAC))
}
