package desk_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// All data in these tests is synthetic.

// TestPolicyTable pins the one permission table: what each role may do at
// all. The console's menus and the desk's checks both read it, so this is
// the whole of the role matrix in docs/hotline.md.
func TestPolicyTable(t *testing.T) {
	want := map[staff.Role][]desk.Action{
		staff.Operador:      {desk.Triage, desk.Search, desk.EnterReport, desk.ListCases, desk.WorkCase, desk.Attach, desk.BreakGlass},
		staff.Supervisor:    {desk.Triage, desk.Search, desk.EnterReport, desk.ListCases, desk.WorkCase, desk.Attach, desk.AssignCase, desk.ApproveClose, desk.OverrideConsent, desk.BreakGlass, desk.Caseload, desk.ExportHTCDS, desk.ExportCTDC, desk.ExportSESNSP, desk.RawGrid, desk.PublicStats},
		staff.Analista:      {desk.ExportCTDC, desk.ExportSESNSP, desk.PublicStats},
		staff.Administrador: {desk.WorkCase, desk.Attach, desk.BreakGlass, desk.ManageStaff, desk.PublicStats, desk.ManageDirectory},
	}
	for _, role := range staff.Roles() {
		allowed := map[desk.Action]bool{}
		for _, act := range want[role] {
			allowed[act] = true
		}
		for _, act := range desk.Actions() {
			if got := desk.Can(desk.Actor{Role: role}, act); got != allowed[act] {
				t.Errorf("Can(%s, %s) = %t, want %t", role, act, got, allowed[act])
			}
		}
	}
	for role, acts := range desk.Policy {
		for act := range acts {
			found := false
			for _, a := range desk.Actions() {
				found = found || a == act
			}
			if !found {
				t.Errorf("the table gives %s the action %q, which Actions does not list", role, act)
			}
		}
	}
}

// TestMayAndScopeFilter checks the case-level answer against the one
// scope filter: a case is within reach exactly when the filter lists it.
func TestMayAndScopeFilter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		tm := newTeam(e)
		_, r1 := e.submit(plainReport("caso del norte"))
		c1, err := e.d.OpenCase(e.ctx, tm.op1, r1)
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.st.CaseByID(e.ctx, c1)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []desk.Actor{tm.op1, tm.op2, tm.sup1, tm.sup2, tm.sup3, tm.ana, tm.adm} {
			may, err := e.d.May(e.ctx, a, desk.WorkCase, &c)
			if err != nil {
				t.Fatal(err)
			}
			listed := false
			if desk.Can(a, desk.ListCases) {
				cs, err := e.st.Cases(e.ctx, desk.ScopeFilter(a))
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range cs {
					listed = listed || x.ID == c1
				}
			}
			if may != listed {
				t.Errorf("%s (%s, %s): May work on case = %t, but the scope filter lists it: %t", a.Username, a.Role, a.Scope, may, listed)
			}
			approve, _ := e.d.May(e.ctx, a, desk.ApproveClose, &c)
			if approve != (a.Role == staff.Supervisor && may) {
				t.Errorf("%s: May approve closure = %t", a.Username, approve)
			}
		}
	})
}

// failAudit makes every audit entry with the given action fail to be
// written, behind the store's back.
func failAudit(t *testing.T, e *env, action string) {
	t.Helper()
	driver := "sqlite"
	if store.IsPostgres(e.target) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, e.target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{`CREATE TRIGGER audit_down BEFORE INSERT ON audit_log WHEN (NEW.action = '` + action + `') BEGIN SELECT RAISE(ABORT, 'audit down'); END`}
	if driver == "pgx" {
		stmts = []string{
			`CREATE FUNCTION audit_down() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit down'; END $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER audit_down BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.action = '` + action + `') EXECUTE FUNCTION audit_down()`,
		}
	}
	for _, q := range stmts {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("installing the failing trigger: %v", err)
		}
	}
}

// TestAuditFailureNotDropped: when the record of a refusal cannot be
// written, the refusal is an error, not a quiet "not found".
func TestAuditFailureNotDropped(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		tm := newTeam(e)
		_, r1 := e.submit(plainReport("caso ajeno"))
		c1, err := e.d.OpenCase(e.ctx, tm.op1, r1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.Case(e.ctx, tm.op2, c1); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("op2 on op1's case with the audit log working: %v, want ErrNotFound", err)
		}
		failAudit(t, e, "case.denied")
		_, err = e.d.Case(e.ctx, tm.op2, c1)
		if err == nil || errors.Is(err, desk.ErrNotFound) {
			t.Errorf("op2 on op1's case with the audit log failing: %v, want the audit error", err)
		}
		// Other records still go through.
		if _, err := e.d.Case(e.ctx, tm.op1, c1); err != nil {
			t.Fatalf("op1 reads the case: %v", err)
		}
	})
}

// TestBlockedReferralAuditFailure: a referral blocked for consent whose
// record cannot be written fails with the audit error.
func TestBlockedReferralAuditFailure(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		tm := newTeam(e)
		_, r1 := e.submit(plainReport("sin consentimiento"))
		c1, err := e.d.OpenCase(e.ctx, tm.op1, r1)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.d.Refer(e.ctx, tm.op1, c1, "dif", "[SINTÉTICO]", ""); !errors.Is(err, desk.ErrNoConsent) {
			t.Fatalf("Refer without consent: %v", err)
		}
		failAudit(t, e, "referral.blocked")
		err = e.d.Refer(e.ctx, tm.op1, c1, "dif", "[SINTÉTICO]", "")
		if err == nil || errors.Is(err, desk.ErrNoConsent) {
			t.Errorf("Refer without consent, audit failing: %v, want the audit error", err)
		}
	})
}
