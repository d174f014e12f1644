package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
)

// SLA is how soon staff must first act on a report (open or join a case,
// discard it, or reply): Primero and Aselo measure the same.
type SLA struct {
	// Urgent applies to reports marked immediate danger; Normal to the
	// rest.
	Urgent, Normal time.Duration
}

// DefaultSLA: 15 minutes for immediate danger, 24 hours otherwise.
var DefaultSLA = SLA{Urgent: 15 * time.Minute, Normal: 24 * time.Hour}

// For returns the target for a report of the given urgency.
func (s SLA) For(urgency int) time.Duration {
	if urgency >= 10 {
		return s.Urgent
	}
	return s.Normal
}

// SLA is the desk's response-time targets.
func (d *Desk) SLA() SLA { return d.cfg.SLA }

// Now is the desk's clock, for pages that say how long ago something was.
func (d *Desk) Now() time.Time { return d.now() }

// queueItem makes a queue row from a stored report.
func (d *Desk) queueItem(r store.Report) QueueItem {
	var sum screenSummary
	_ = json.Unmarshal([]byte(r.Screen), &sum)
	q := QueueItem{ID: r.ID, Kind: r.Kind, State: r.State, Urgency: r.Urgency, Urgent: r.Urgency >= 10, ReceivedOn: r.ReceivedOn, Channel: r.Channel, Tier: sum.Tier, Flags: sum.Flags, ByStaff: r.TakenBy != 0}
	if t, err := time.Parse(time.RFC3339Nano, r.ReceivedAt); err == nil {
		q.ReceivedAt = t
	} else if t, err := time.Parse("2006-01-02", r.ReceivedOn); err == nil {
		q.ReceivedAt = t // older reports: their day only
	}
	if t, err := time.Parse(time.RFC3339Nano, r.FirstActionAt); err == nil {
		q.FirstAction = t
	}
	if !q.ReceivedAt.IsZero() {
		q.Due = q.ReceivedAt.Add(d.cfg.SLA.For(r.Urgency))
		if q.FirstAction.IsZero() {
			q.Overdue = d.now().After(q.Due)
		} else {
			q.Overdue = q.FirstAction.After(q.Due)
		}
	}
	return q
}

// Call is a report taken by phone or in person: when the call began and
// ended.
type Call struct {
	Start, End time.Time
}

// EnterReport stores a report an operator took by phone, WhatsApp, e-mail
// or in person, with who took it and when the call began and ended (sealed
// with the report). It returns the receipt, to read to the caller once,
// and the report's id.
func (d *Desk) EnterReport(ctx context.Context, a Actor, r *hotline.Report, call Call) (string, int64, error) {
	if err := mustCan(a, EnterReport); err != nil {
		return "", 0, err
	}
	if !d.keys.CanOpen() {
		return "", 0, ErrIntakeOnly
	}
	if !hotline.StaffChannels.Has(r.Channel) {
		return "", 0, &InputError{"channel", "unknown channel"}
	}
	now := d.now()
	switch {
	case call.Start.IsZero():
		return "", 0, &InputError{"call_start", "when the call began"}
	case call.End.IsZero():
		return "", 0, &InputError{"call_end", "when the call ended"}
	case call.End.Before(call.Start):
		return "", 0, &InputError{"call_end", "the call cannot end before it began"}
	case call.End.Sub(call.Start) > 12*time.Hour:
		return "", 0, &InputError{"call_end", "a call of more than 12 hours"}
	case call.Start.After(now.Add(5 * time.Minute)), call.Start.Before(now.AddDate(0, 0, -30)):
		return "", 0, &InputError{"call_start", "within the last 30 days"}
	}
	r.Call = &hotline.Call{Start: call.Start.UTC().Format(time.RFC3339), End: call.End.UTC().Format(time.RFC3339), TakenBy: a.Username}
	receipt, err := d.submit(ctx, r, a, call.Start)
	if err != nil {
		return "", 0, err
	}
	rep, _, err := d.byReceipt(ctx, receipt)
	if err != nil {
		return "", 0, err
	}
	return receipt, rep.ID, nil
}

// TimelineEntry is one thing that happened in a case, in words: an action
// from the audit log, or a note, task, referral, reply or addition with
// its text.
type TimelineEntry struct {
	At time.Time
	// Kind is the audit action ("case.move", "referral.create", …) or,
	// for texts, "note", "task", "reply", "reporter".
	Kind   string
	Who    string
	Detail string
	Text   string
	// Report is the report an entry is about, if any.
	Report int64
}

// timelineSkip are audit actions left out of a timeline: reads and
// refusals, which the audit log keeps for oversight, not for the shift.
var timelineSkip = map[string]bool{"case.read": true, "report.read": true, "case.denied": true, "report.index": true, "notify": true,
	"case.attachment_read": true, "case.attach_denied": true, "case.attach_refused": true}

// timeline builds a case's timeline from its audit entries, in the log's
// order, with the text of each note, task, reply and addition put at its
// own entry (the n-th "case.note" entry is the n-th note, and so on).
func (d *Desk) timeline(ctx context.Context, v *CaseView, name func(int64) string) error {
	objects := []string{fmt.Sprintf("case:%d", v.ID)}
	for _, r := range v.Reports {
		objects = append(objects, fmt.Sprintf("report:%d", r.ID))
	}
	entries, err := d.st.AuditFor(ctx, objects)
	if err != nil {
		return err
	}
	who := func(actor string) string {
		if id, err := strconv.ParseInt(strings.TrimPrefix(actor, "staff:"), 10, 64); err == nil && strings.HasPrefix(actor, "staff:") {
			return name(id)
		}
		return actor // intake, reporter, system
	}
	// The texts, each in the order it was written.
	type text struct{ text, detail string }
	queues := map[string][]text{}
	for _, n := range v.Notes {
		queues["case.note"] = append(queues["case.note"], text{n.Text, ""})
	}
	tasks := append([]TaskView(nil), v.Tasks...)
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].ID < tasks[j].ID })
	for _, t := range tasks {
		queues["case.task"] = append(queues["case.task"], text{t.Text, t.DueOn})
	}
	for _, r := range v.Reports {
		for _, m := range r.Messages {
			k := fmt.Sprintf("report.reply report:%d", r.ID)
			if m.Direction == "reporter" {
				k = fmt.Sprintf("report.add report:%d", r.ID)
			}
			queues[k] = append(queues[k], text{m.Text, ""})
		}
	}
	kindOf := map[string]string{"case.note": "note", "case.task": "task", "report.reply": "reply", "report.add": "reporter"}
	var tl []TimelineEntry
	for _, e := range entries {
		if timelineSkip[e.Action] {
			continue
		}
		at, _ := time.Parse(time.RFC3339Nano, e.At)
		te := TimelineEntry{At: at, Kind: e.Action, Who: who(e.Actor), Detail: e.Detail}
		if strings.HasPrefix(e.Object, "report:") {
			te.Report, _ = strconv.ParseInt(strings.TrimPrefix(e.Object, "report:"), 10, 64)
		}
		if e.Action == "case.attach" {
			// "attachment=4": the file's name, if the reader may see the
			// case's files, instead of its id.
			te.Detail = ""
			for _, a := range v.Attachments {
				if "attachment="+strconv.FormatInt(a.ID, 10) == e.Detail {
					te.Detail = a.Name
				}
			}
		}
		if k, ok := kindOf[e.Action]; ok {
			q := e.Action
			if te.Report != 0 {
				q += " " + e.Object
			}
			if len(queues[q]) == 0 {
				continue // its text is gone (or was never kept)
			}
			te.Kind, te.Text, te.Detail = k, queues[q][0].text, queues[q][0].detail
			queues[q] = queues[q][1:]
		}
		tl = append(tl, te)
	}
	v.Timeline = tl
	return nil
}

// LoadRow is one person's caseload as a supervisor sees it.
type LoadRow struct {
	store.Load
	Username string
	Team     string
}

// Caseload lists, for a supervisor, each person's open cases and open and
// overdue tasks within the supervisor's scope, the heaviest first.
func (d *Desk) Caseload(ctx context.Context, a Actor) ([]LoadRow, error) {
	if err := mustCan(a, Caseload); err != nil {
		return nil, err
	}
	loads, err := d.st.Caseload(ctx, ScopeFilter(a), d.Today())
	if err != nil {
		return nil, err
	}
	us, err := d.st.StaffList(ctx)
	if err != nil {
		return nil, err
	}
	var out []LoadRow
	for _, u := range us {
		l, ok := loads[u.ID]
		works := u.Active && (Policy[staff.Role(u.Role)][WorkCase] == InScope)
		inTeam := a.Scope == "all" || u.Team == a.Team || u.ID == a.ID
		if !ok && !(works && inTeam) {
			continue
		}
		if !ok {
			l = &store.Load{StaffID: u.ID}
		}
		out = append(out, LoadRow{Load: *l, Username: u.Username, Team: u.Team})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].OverdueTasks != out[j].OverdueTasks {
			return out[i].OverdueTasks > out[j].OverdueTasks
		}
		if out[i].OpenCases != out[j].OpenCases {
			return out[i].OpenCases > out[j].OpenCases
		}
		return out[i].Username < out[j].Username
	})
	return out, d.st.Audit(ctx, audit.Event{Actor: a.tag(), Action: "caseload.read", Object: "cases"})
}
