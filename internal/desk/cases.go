package desk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
)

// Cases lists the cases within a's reach.
func (d *Desk) Cases(ctx context.Context, a Actor) ([]store.Case, error) {
	if err := mustCan(a, ListCases); err != nil {
		return nil, err
	}
	cs, err := d.st.Cases(ctx, ScopeFilter(a))
	if err != nil {
		return nil, err
	}
	return cs, d.st.Audit(ctx, a.ev("case.list", "cases"))
}

// CloseRequests lists cases waiting for a supervisor's approval to close.
func (d *Desk) CloseRequests(ctx context.Context, a Actor) ([]store.Case, error) {
	if !Can(a, ApproveClose) {
		return nil, nil
	}
	f := ScopeFilter(a)
	f.CloseAsked = true
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
	Attachments []AttachmentView
	Owner       string
	// Timeline is everything that happened in the case, oldest first.
	Timeline []TimelineEntry
	// May says which of the case's controls the reader may use, from the
	// desk's table (approve_close, assign_case, override_consent, attach).
	May map[string]bool
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
	ID        int64
	Assignee  string
	CreatedAt string
	DueOn     string
	DoneAt    string
	Overdue   bool
	Text      string
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

// Case decrypts a case and everything in it.
func (d *Desk) Case(ctx context.Context, a Actor, id int64) (CaseView, error) {
	if !d.keys.CanOpen() {
		return CaseView{}, ErrIntakeOnly
	}
	c, err := d.loadCase(ctx, a, id)
	if err != nil {
		return CaseView{}, err
	}
	v := CaseView{Case: c, May: map[string]bool{}}
	for _, act := range []Action{ApproveClose, AssignCase, OverrideConsent, Attach} {
		ok, err := d.May(ctx, a, act, &c)
		if err != nil {
			return v, err
		}
		// Approving a closure one asked for oneself is refused (four eyes).
		v.May[string(act)] = ok && !(act == ApproveClose && c.CloseRequestedBy == a.ID)
	}
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
		v.Tasks = append(v.Tasks, TaskView{ID: t.ID, Assignee: name(t.AuthorID), CreatedAt: t.At, DueOn: t.DueOn, DoneAt: t.DoneAt, Overdue: t.DoneAt == "" && t.DueOn < today, Text: text})
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
	if v.May[string(Attach)] {
		if v.Attachments, err = d.attachments(ctx, id, name); err != nil {
			return v, err
		}
	}
	if err := d.timeline(ctx, &v, name); err != nil {
		return v, err
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
	return d.st.NotifyCase(ctx, string(staff.Supervisor), id, "cierre_solicitado", a.ev("notify", fmt.Sprintf("case:%d", id)))
}

// DecideClose approves or rejects a closure request. Only a supervisor who
// did not ask for it may decide (four eyes).
func (d *Desk) DecideClose(ctx context.Context, a Actor, id int64, approve bool) error {
	if err := mustCan(a, ApproveClose); err != nil {
		return err
	}
	c, err := d.loadCase(ctx, a, id)
	if err != nil {
		return err
	}
	if ok, err := d.May(ctx, a, ApproveClose, &c); err != nil || !ok {
		return cmpErr(err, ErrForbidden)
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

// BreakGlass gives a access to a case outside their scope for a while,
// with a reason kept sealed in the case, and tells every supervisor.
func (d *Desk) BreakGlass(ctx context.Context, a Actor, id int64, reason string) error {
	if err := mustCan(a, BreakGlass); err != nil {
		return err
	}
	// The reason is checked before the case, so that a short reason does
	// not tell whether a case id exists.
	if utf8.RuneCountInString(strings.TrimSpace(reason)) < 10 {
		return &InputError{"reason", "explain why, in at least 10 characters"}
	}
	if _, err := d.st.CaseByID(ctx, id); err != nil {
		if err := d.st.Audit(ctx, a.ev("case.break_glass_unknown", fmt.Sprintf("case:%d", id))); err != nil {
			return err
		}
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
	return d.st.NotifyCase(ctx, string(staff.Supervisor), id, "acceso_emergencia", a.ev("notify", obj))
}

// Notifications lists a's unseen notifications.
func (d *Desk) Notifications(ctx context.Context, a Actor) ([]store.Notification, error) {
	return d.st.Notifications(ctx, a.ID)
}

// Assign gives a case to another member of staff who works cases. Only a
// supervisor may, within their reach, and only to someone in the case's
// team (or anyone, with scope all).
func (d *Desk) Assign(ctx context.Context, a Actor, id, to int64) error {
	if err := mustCan(a, AssignCase); err != nil {
		return err
	}
	c, err := d.loadCase(ctx, a, id)
	if err != nil {
		return err
	}
	if ok, err := d.May(ctx, a, AssignCase, &c); err != nil || !ok {
		return cmpErr(err, ErrForbidden)
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

// DueTasks lists a's open tasks due within a week, overdue first, for the
// console's home page; only cases still within a's reach are listed.
func (d *Desk) DueTasks(ctx context.Context, a Actor) ([]store.DueTask, error) {
	if !Can(a, ListCases) {
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
