package desk

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/vigia-mx/vigia/internal/audit"
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

// Action is something a member of staff may do on the console. The web
// layer names the same actions to decide which links and forms to show, so
// a menu never offers what the handler behind it refuses.
type Action string

// The console's actions. Those on a case are checked against the case too
// (Reach).
const (
	// Triage: the queue of pending reports: read one, open a case on it,
	// join it to a case, discard it, reply, decide duplicates.
	Triage Action = "triage"
	// Search reports by a contact (blind index).
	Search Action = "search"
	// EnterReport: enter a report taken by phone or in person.
	EnterReport Action = "enter_report"
	// ListCases: the list of cases within the account's scope.
	ListCases Action = "list_cases"
	// WorkCase: read a case and add to it (notes, tasks, consent,
	// referrals, assessments, workflow moves, closure requests, replies).
	WorkCase Action = "work_case"
	// Attach: add a file to a case and download the case's files.
	Attach Action = "attach"
	// AssignCase gives a case to someone else.
	AssignCase Action = "assign_case"
	// ApproveClose approves or rejects another person's closure request.
	ApproveClose Action = "approve_close"
	// OverrideConsent sends a referral without recorded consent, with a
	// reason.
	OverrideConsent Action = "override_consent"
	// BreakGlass: emergency access to a case out of scope, with a reason.
	BreakGlass Action = "break_glass"
	// Caseload: open cases and tasks per person, for supervisors.
	Caseload Action = "caseload"
	// Exports.
	ExportHTCDS  Action = "export_htcds"
	ExportCTDC   Action = "export_ctdc"
	ExportSESNSP Action = "export_sesnsp"
	// RawGrid: the SESNSP-grid export without small-cell suppression.
	RawGrid Action = "raw_grid"
	// ManageStaff: list and create accounts.
	ManageStaff Action = "manage_staff"
	// PublicStats: the public statistics page, linked from the console.
	PublicStats Action = "public_stats"
	// ManageDirectory: add to and correct the referral directory.
	ManageDirectory Action = "manage_directory"
)

// Reach is how far a role's permission for an action goes.
type Reach uint8

const (
	// Never: not this role.
	Never Reach = iota
	// Always: the action has no object, or any object will do.
	Always
	// InScope: cases within the account's scope (own, team or all), and
	// cases it holds break-glass access to.
	InScope
	// GlassOnly: only cases the account holds live break-glass access to.
	GlassOnly
)

// Policy is the one table of who may do what: role × action × reach.
// Everything the desk allows or refuses, and everything the console shows,
// is read from it.
var Policy = map[staff.Role]map[Action]Reach{
	staff.Operador: {
		Triage: Always, Search: Always, EnterReport: Always, ListCases: Always,
		WorkCase: InScope, Attach: InScope, BreakGlass: Always,
	},
	staff.Supervisor: {
		Triage: Always, Search: Always, EnterReport: Always, ListCases: Always,
		WorkCase: InScope, Attach: InScope, BreakGlass: Always,
		AssignCase: InScope, ApproveClose: InScope, OverrideConsent: InScope, Caseload: Always,
		ExportHTCDS: Always, ExportCTDC: Always, ExportSESNSP: Always, RawGrid: Always, PublicStats: Always,
	},
	staff.Analista: {
		ExportCTDC: Always, ExportSESNSP: Always, PublicStats: Always,
	},
	staff.Administrador: {
		ManageStaff: Always, WorkCase: GlassOnly, Attach: GlassOnly, BreakGlass: Always, PublicStats: Always, ManageDirectory: Always,
	},
}

// Actions lists every action, for menus and tests.
func Actions() []Action {
	return []Action{Triage, Search, EnterReport, ListCases, WorkCase, Attach, AssignCase, ApproveClose, OverrideConsent, BreakGlass,
		Caseload, ExportHTCDS, ExportCTDC, ExportSESNSP, RawGrid, ManageStaff, PublicStats, ManageDirectory}
}

// Can reports whether a's role may do act at all (on some object, for the
// actions that have one). Menus ask this.
func Can(a Actor, act Action) bool { return Policy[a.Role][act] != Never }

// May reports whether a may do act to case c (nil: an action with no
// object). It is the one answer to "may this actor do this to that?".
func (d *Desk) May(ctx context.Context, a Actor, act Action, c *store.Case) (bool, error) {
	reach := Policy[a.Role][act]
	switch {
	case reach == Never:
		return false, nil
	case reach == Always || c == nil:
		return true, nil
	case reach == InScope && inScope(a, *c):
		return true, nil
	}
	return d.st.HasBreakGlass(ctx, a.ID, c.ID)
}

// inScope reports whether case c lies within a's scope: their own cases,
// their team's, or all.
func inScope(a Actor, c store.Case) bool {
	switch {
	case c.OwnerID == a.ID:
		return true
	case a.Scope == "all":
		return true
	case a.Scope == "team" && c.Team == a.Team:
		return true
	}
	return false
}

// ScopeFilter is the one filter of the cases within a's scope, for lists
// and exports: their own, their team's or all.
func ScopeFilter(a Actor) store.CaseFilter {
	switch a.Scope {
	case "all":
		return store.CaseFilter{}
	case "team":
		return store.CaseFilter{Team: a.Team}
	}
	return store.CaseFilter{OwnerID: a.ID}
}

// mustCan returns ErrForbidden unless a's role may do act.
func mustCan(a Actor, act Action) error {
	if !Can(a, act) {
		return ErrForbidden
	}
	return nil
}

// caseAccess decides whether a may read and work on case c.
func (d *Desk) caseAccess(ctx context.Context, a Actor, c store.Case) (bool, error) {
	return d.May(ctx, a, WorkCase, &c)
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
		// The refusal is recorded, or the request fails: a probe of case
		// ids must leave a trace.
		if err := d.st.Audit(ctx, a.ev("case.denied", fmt.Sprintf("case:%d", id))); err != nil {
			return c, err
		}
		return c, ErrNotFound
	}
	return c, nil
}

// loadReport: a pending report may be read by anyone who triages; a
// report in a case by those who may work on the case.
func (d *Desk) loadReport(ctx context.Context, a Actor, id int64) (store.Report, error) {
	if !Can(a, Triage) && !Can(a, WorkCase) {
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
	if !Can(a, Triage) {
		return r, ErrNotFound
	}
	return r, nil
}

// cmpErr is err if there is one, else fallback.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
