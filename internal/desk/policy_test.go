package desk_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// All data in these tests is synthetic.

// team is the cast of the policy tests.
type team struct {
	op1, op2, sup1, sup2, sup3, ana, adm desk.Actor
}

func newTeam(e *env) team {
	return team{
		op1:  e.staffUser("op1", staff.Operador, "norte", "own"),
		op2:  e.staffUser("op2", staff.Operador, "norte", "own"),
		sup1: e.staffUser("sup1", staff.Supervisor, "norte", "team"),
		sup2: e.staffUser("sup2", staff.Supervisor, "sur", "team"),
		sup3: e.staffUser("sup3", staff.Supervisor, "norte", "team"),
		ana:  e.staffUser("ana", staff.Analista, "general", "own"),
		adm:  e.staffUser("adm", staff.Administrador, "general", "own"),
	}
}

var errNotListed = errors.New("case not in the list")

func TestAuthorizationMatrix(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		ctx := e.ctx
		tm := newTeam(e)
		actors := []struct {
			name string
			a    desk.Actor
		}{{"op1", tm.op1}, {"op2", tm.op2}, {"sup1", tm.sup1}, {"sup2", tm.sup2}, {"ana", tm.ana}, {"adm", tm.adm}}

		// Case C, owned by op1 (team norte), in evaluation, with consent.
		r := sampleReport()
		receipt, rid := e.submit(r)
		c, err := e.d.OpenCase(ctx, tm.op1, rid)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.d.Move(ctx, tm.op1, c, hotline.Evaluacion); err != nil {
			t.Fatal(err)
		}
		if err := e.d.SetConsent(ctx, tm.op1, c, true); err != nil {
			t.Fatal(err)
		}
		const secretNote = "[SINTÉTICO] nota del caso C"
		if err := e.d.AddNote(ctx, tm.op1, c, secretNote); err != nil {
			t.Fatal(err)
		}
		oit, ok := hotline.InstrumentByID("oit-11")
		if !ok {
			t.Fatal("no oit-11 instrument")
		}
		// Two pending reports, which every operator and supervisor
		// triages, and nobody else reads.
		_, p1 := e.submit(plainReport("pendiente 1"))
		_, p2 := e.submit(plainReport("pendiente 2"))
		n := 0
		ops := []struct {
			name string
			run  func(a desk.Actor) error
		}{
			{"Case", func(a desk.Actor) error {
				v, err := e.d.Case(ctx, a, c)
				if err != nil {
					if !reflect.ValueOf(v).IsZero() {
						t.Errorf("denied Case returned content: %+v", v)
					}
					return err
				}
				if v.ID != c || len(v.Reports) != 1 || v.Reports[0].Content.Description != strings.TrimSpace(r.Description) || len(v.Notes) == 0 || v.Notes[0].Text != secretNote {
					t.Errorf("Case view for %s = %+v", a.Username, v)
				}
				return nil
			}},
			{"Report", func(a desk.Actor) error {
				v, err := e.d.Report(ctx, a, rid)
				if err != nil {
					if !reflect.ValueOf(v).IsZero() {
						t.Errorf("denied Report returned content: %+v", v)
					}
					return err
				}
				if v.Content.Offer != strings.TrimSpace(r.Offer) {
					t.Errorf("Report view for %s = %+v", a.Username, v.Content)
				}
				return nil
			}},
			{"PendingReport", func(a desk.Actor) error {
				v, err := e.d.Report(ctx, a, p1)
				if err != nil && !reflect.ValueOf(v).IsZero() {
					t.Errorf("denied Report returned content: %+v", v)
				}
				return err
			}},
			{"DecideDuplicate", func(a desk.Actor) error { return e.d.DecideDuplicate(ctx, a, p1, p2, false) }},
			{"OpenCase", func(a desk.Actor) error {
				n++
				_, id := e.submit(plainReport(fmt.Sprintf("para abrir %d", n)))
				_, err := e.d.OpenCase(ctx, a, id)
				return err
			}},
			{"Discard", func(a desk.Actor) error {
				n++
				_, id := e.submit(plainReport(fmt.Sprintf("para descartar %d", n)))
				return e.d.Discard(ctx, a, id)
			}},
			{"AddNote", func(a desk.Actor) error {
				return e.d.AddNote(ctx, a, c, "[SINTÉTICO] nota de "+a.Username)
			}},
			{"AddTask", func(a desk.Actor) error {
				return e.d.AddTask(ctx, a, c, "[SINTÉTICO] tarea de "+a.Username, "2030-01-31")
			}},
			{"Move", func(a desk.Actor) error {
				to := hotline.Plan
				if e.status(c) == string(hotline.Plan) {
					to = hotline.Evaluacion
				}
				return e.d.Move(ctx, a, c, to)
			}},
			{"SetConsent", func(a desk.Actor) error { return e.d.SetConsent(ctx, a, c, true) }},
			{"SetTrafficking", func(a desk.Actor) error { return e.d.SetTrafficking(ctx, a, c, "posible", "ong") }},
			{"Refer", func(a desk.Actor) error {
				return e.d.Refer(ctx, a, c, "dif", "[SINTÉTICO] canalización de "+a.Username, "")
			}},
			{"Assess", func(a desk.Actor) error {
				_, err := e.d.Assess(ctx, a, c, "oit-11", hotline.Answers{oit.Questions[0].ID: hotline.AnswerNo})
				return err
			}},
			{"JoinCase", func(a desk.Actor) error {
				n++
				_, other := e.submit(plainReport(fmt.Sprintf("para unir %d", n)))
				return e.d.JoinCase(ctx, a, other, c)
			}},
			{"Reply", func(a desk.Actor) error {
				return e.d.Reply(ctx, a, rid, "[SINTÉTICO] respuesta de "+a.Username)
			}},
			{"DecideClose", func(a desk.Actor) error {
				// Keep a request pending from op1; rejecting it leaves
				// the case open for the other operations.
				cs, err := e.st.CaseByID(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				if cs.CloseRequestedBy == 0 {
					if err := e.d.RequestClose(ctx, tm.op1, c, "[SINTÉTICO] ya se atendió"); err != nil {
						t.Fatal(err)
					}
				}
				return e.d.DecideClose(ctx, a, c, false)
			}},
			{"Queue", func(a desk.Actor) error {
				q, err := e.d.Queue(ctx, a)
				if err == nil {
					for _, it := range q {
						if it.ID == rid {
							t.Errorf("Queue for %s lists report %d, which is in a case", a.Username, rid)
						}
					}
				}
				return err
			}},
			{"Cases", func(a desk.Actor) error {
				cs, err := e.d.Cases(ctx, a)
				if err != nil {
					return err
				}
				for _, x := range cs {
					if x.ID == c {
						return nil
					}
				}
				return errNotListed
			}},
			{"Staff", func(a desk.Actor) error {
				us, err := e.d.Staff(ctx, a)
				if err == nil {
					if len(us) < 7 {
						t.Errorf("Staff lists %d accounts", len(us))
					}
					for _, u := range us {
						if u.Password != "" || u.TOTPSealed != nil {
							t.Errorf("Staff shows %s's password hash or TOTP secret", u.Username)
						}
					}
				}
				return err
			}},
			{"AddStaffAs", func(a desk.Actor) error {
				n++
				_, err := e.d.AddStaffAs(ctx, a, desk.NewStaff{Username: fmt.Sprintf("nuevo%d", n), Password: "contraseña sintética", Role: staff.Operador, Team: "norte"})
				return err
			}},
		}
		NF, FB := desk.ErrNotFound, desk.ErrForbidden
		caseData := map[string]error{"op1": nil, "op2": NF, "sup1": nil, "sup2": NF, "ana": NF, "adm": NF}
		want := map[string]map[string]error{
			"Case": caseData, "Report": caseData, "AddNote": caseData, "AddTask": caseData, "Move": caseData,
			"SetConsent": caseData, "SetTrafficking": caseData, "Refer": caseData, "Assess": caseData, "Reply": caseData,
			"JoinCase":        {"op1": nil, "op2": NF, "sup1": nil, "sup2": NF, "ana": FB, "adm": FB},
			"PendingReport":   {"op1": nil, "op2": nil, "sup1": nil, "sup2": nil, "ana": NF, "adm": NF},
			"DecideDuplicate": {"op1": nil, "op2": nil, "sup1": nil, "sup2": nil, "ana": NF, "adm": NF},
			"OpenCase":        {"op1": nil, "op2": nil, "sup1": nil, "sup2": nil, "ana": FB, "adm": FB},
			"Discard":         {"op1": nil, "op2": nil, "sup1": nil, "sup2": nil, "ana": FB, "adm": FB},
			"DecideClose":     {"op1": FB, "op2": FB, "sup1": nil, "sup2": NF, "ana": FB, "adm": FB},
			"Queue":           {"op1": nil, "op2": nil, "sup1": nil, "sup2": nil, "ana": FB, "adm": FB},
			"Cases":           {"op1": nil, "op2": errNotListed, "sup1": nil, "sup2": errNotListed, "ana": FB, "adm": FB},
			"Staff":           {"op1": FB, "op2": FB, "sup1": FB, "sup2": FB, "ana": FB, "adm": nil},
			"AddStaffAs":      {"op1": FB, "op2": FB, "sup1": FB, "sup2": FB, "ana": FB, "adm": nil},
		}
		for _, o := range ops {
			for _, ac := range actors {
				w, ok := want[o.name][ac.name]
				if !ok {
					t.Fatalf("no expectation for %s by %s", o.name, ac.name)
				}
				wantErr(t, o.name+" by "+ac.name, o.run(ac.a), w)
			}
		}
		// The case stayed open through the rejected closures, and nobody
		// denied left a trace in it.
		if s := e.status(c); s == string(hotline.Cerrado) {
			t.Fatalf("case closed by a rejection")
		}
		v, err := e.d.Case(ctx, tm.op1, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, nt := range v.Notes {
			for _, who := range []string{"op2", "sup2", "ana", "adm"} {
				if strings.HasSuffix(nt.Text, " "+who) || nt.Author == who {
					t.Errorf("a denied actor's note is in the case: %+v", nt)
				}
			}
		}
		if len(v.Notes) != 3 || len(v.Tasks) != 2 || len(v.Referrals) != 2 || len(v.Assessments) != 2 || len(v.Reports) != 3 {
			t.Errorf("case has %d notes, %d tasks, %d referrals, %d assessments, %d reports; want 3, 2, 2, 2, 3",
				len(v.Notes), len(v.Tasks), len(v.Referrals), len(v.Assessments), len(v.Reports))
		}
		if f, err := e.d.Follow(ctx, receipt); err != nil || len(f.Replies) != 2 {
			t.Errorf("the reporter sees %d replies (%v), want 2 (op1, sup1)", len(f.Replies), err)
		}
		// A missing case looks the same as a forbidden one.
		if _, err := e.d.Case(ctx, tm.op1, c+1000); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("Case of a missing case = %v", err)
		}

		// Break-glass.
		if err := e.d.BreakGlass(ctx, tm.ana, c, "[SINTÉTICO] quiero ver el caso"); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("BreakGlass by an analyst = %v, want ErrForbidden", err)
		}
		if err := e.d.BreakGlass(ctx, tm.adm, c, " corto    "); inputField(err) != "reason" {
			t.Errorf("BreakGlass with a short reason = %v, want InputError on reason", err)
		}
		if err := e.d.BreakGlass(ctx, tm.adm, c+1000, "[SINTÉTICO] revisión ordenada"); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("BreakGlass of a missing case = %v, want ErrNotFound", err)
		}
		for _, a := range []desk.Actor{tm.sup1, tm.sup2, tm.sup3} {
			if ns, _ := e.d.Notifications(ctx, a); hasNotification(ns, "acceso_emergencia", c) {
				t.Fatalf("%s notified of a break-glass that did not happen", a.Username)
			}
		}
		const reason = "[SINTÉTICO] revisión ordenada por el comité de ética"
		if err := e.d.BreakGlass(ctx, tm.adm, c, reason); err != nil {
			t.Fatalf("BreakGlass: %v", err)
		}
		v, err = e.d.Case(ctx, tm.adm, c)
		if err != nil {
			t.Fatalf("Case after BreakGlass: %v", err)
		}
		last := v.Notes[len(v.Notes)-1]
		if last.Author != "adm" || !strings.Contains(last.Text, reason) || !strings.HasPrefix(last.Text, "Acceso de emergencia") {
			t.Errorf("break-glass note = %+v", last)
		}
		if _, err := e.d.Report(ctx, tm.adm, rid); err != nil {
			t.Errorf("Report after BreakGlass: %v", err)
		}
		// Administrators read; they never write to the reporter.
		if err := e.d.Reply(ctx, tm.adm, rid, "[SINTÉTICO] hola"); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("Reply by an administrator after BreakGlass = %v, want ErrForbidden", err)
		}
		// Break-glass is personal.
		if _, err := e.d.Case(ctx, tm.op2, c); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("op2 reads C after adm's break-glass: %v", err)
		}
		for _, a := range []desk.Actor{tm.sup1, tm.sup3} {
			ns, err := e.d.Notifications(ctx, a)
			if err != nil || !hasNotification(ns, "acceso_emergencia", c) {
				t.Errorf("%s was not notified of the break-glass: %+v, %v", a.Username, ns, err)
			}
		}
		// sup2 supervises another team: the case is not theirs to know of.
		for _, a := range []desk.Actor{tm.op1, tm.op2, tm.sup2, tm.ana, tm.adm} {
			if ns, _ := e.d.Notifications(ctx, a); hasNotification(ns, "acceso_emergencia", c) {
				t.Errorf("%s, not a supervisor, was notified of the break-glass", a.Username)
			}
		}
		acts := e.auditActions()
		for _, want := range []string{"case.denied", "case.break_glass", "case.read", "report.read"} {
			if !slices.Contains(acts, want) {
				t.Errorf("audit log lacks %s", want)
			}
		}
		e.checkAudit()
	})
}

func hasNotification(ns []store.Notification, kind string, caseID int64) bool {
	for _, n := range ns {
		if n.Kind == kind && n.Object == fmt.Sprintf("case:%d", caseID) {
			return true
		}
	}
	return false
}

func TestBreakGlassExpires(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		adm := e.staffUser("adm", staff.Administrador, "general", "own")
		c, _, _ := e.openCase(op)
		if err := e.d.BreakGlass(e.ctx, adm, c, "[SINTÉTICO] revisión de prueba"); err != nil {
			t.Fatal(err)
		}
		// The desk and the store share the fake clock: the grant lasts an
		// hour of it.
		e.clock.Advance(59 * time.Minute)
		if _, err := e.d.Case(e.ctx, adm, c); err != nil {
			t.Fatalf("Case during break-glass: %v", err)
		}
		e.clock.Advance(2 * time.Minute)
		if _, err := e.d.Case(e.ctx, adm, c); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("Case after break-glass expired = %v, want ErrNotFound", err)
		}
		e.checkAudit()
	})
}

func TestWorkflow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		ctx := e.ctx
		tm := newTeam(e)
		c, _, receipt := e.openCase(tm.op1)

		if err := e.d.RequestClose(ctx, tm.op1, c, "[SINTÉTICO] nada que hacer"); !errors.Is(err, desk.ErrState) {
			t.Fatalf("RequestClose of a new case = %v, want ErrState", err)
		}
		for _, bad := range []hotline.Status{hotline.Plan, hotline.Cerrado, hotline.Nuevo, "inventado"} {
			if err := e.d.Move(ctx, tm.op1, c, bad); !errors.Is(err, desk.ErrState) {
				t.Errorf("Move nuevo→%s = %v, want ErrState", bad, err)
			}
		}
		for _, to := range []hotline.Status{hotline.Evaluacion, hotline.Plan, hotline.Canalizado, hotline.Seguimiento} {
			if err := e.d.Move(ctx, tm.op1, c, to); err != nil {
				t.Fatalf("Move →%s: %v", to, err)
			}
			if s := e.status(c); s != string(to) {
				t.Fatalf("status %s after Move →%s", s, to)
			}
		}
		for _, bad := range []hotline.Status{hotline.Nuevo, hotline.Evaluacion, hotline.Cerrado, hotline.Seguimiento} {
			if err := e.d.Move(ctx, tm.op1, c, bad); !errors.Is(err, desk.ErrState) {
				t.Errorf("Move seguimiento→%s = %v, want ErrState", bad, err)
			}
		}

		if err := e.d.DecideClose(ctx, tm.sup1, c, true); !errors.Is(err, desk.ErrState) {
			t.Fatalf("DecideClose with no request = %v, want ErrState", err)
		}
		if err := e.d.RequestClose(ctx, tm.op1, c, "  "); inputField(err) != "reason" {
			t.Fatalf("RequestClose without a reason = %v, want InputError on reason", err)
		}
		const why = "[SINTÉTICO] la persona ya está con su familia"
		if err := e.d.RequestClose(ctx, tm.op1, c, why); err != nil {
			t.Fatalf("RequestClose: %v", err)
		}
		for _, a := range []desk.Actor{tm.sup1, tm.sup3} {
			if ns, _ := e.d.Notifications(ctx, a); !hasNotification(ns, "cierre_solicitado", c) {
				t.Errorf("%s was not told of the closure request", a.Username)
			}
		}
		if crs, err := e.d.CloseRequests(ctx, tm.sup1); err != nil || len(crs) != 1 || crs[0].ID != c {
			t.Errorf("CloseRequests(sup1) = %+v, %v", crs, err)
		}
		if crs, _ := e.d.CloseRequests(ctx, tm.sup2); len(crs) != 0 {
			t.Errorf("CloseRequests(sup2, another team) = %+v", crs)
		}
		if crs, _ := e.d.CloseRequests(ctx, tm.op1); len(crs) != 0 {
			t.Errorf("CloseRequests(op1) = %+v", crs)
		}
		if v, err := e.d.Case(ctx, tm.sup1, c); err != nil || v.CloseReason != why || v.CloseRequestedBy != tm.op1.ID {
			t.Fatalf("Case with a closure request: reason %q by %d, %v", v.CloseReason, v.CloseRequestedBy, err)
		}
		if err := e.d.DecideClose(ctx, tm.op1, c, true); !errors.Is(err, desk.ErrForbidden) {
			t.Fatalf("DecideClose by an operator = %v, want ErrForbidden", err)
		}
		if err := e.d.DecideClose(ctx, tm.sup2, c, true); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("DecideClose by another team's supervisor = %v, want ErrNotFound", err)
		}
		if err := e.d.DecideClose(ctx, tm.sup1, c, true); err != nil {
			t.Fatalf("DecideClose by sup1: %v", err)
		}
		cs, _ := e.st.CaseByID(ctx, c)
		if cs.Status != string(hotline.Cerrado) || cs.ClosedAt == "" || cs.CloseRequestedBy != 0 {
			t.Fatalf("after approval: %+v", cs)
		}
		if f, err := e.d.Follow(ctx, receipt); err != nil || f.Status != "cerrado" {
			t.Fatalf("Follow of a closed case = %+v, %v", f, err)
		}
		if err := e.d.DecideClose(ctx, tm.sup3, c, true); !errors.Is(err, desk.ErrState) {
			t.Fatalf("DecideClose of a closed case = %v, want ErrState", err)
		}
		if err := e.d.RequestClose(ctx, tm.op1, c, why); !errors.Is(err, desk.ErrState) {
			t.Fatalf("RequestClose of a closed case = %v, want ErrState", err)
		}
		if cs, _ := e.d.Cases(ctx, tm.op1); len(cs) != 1 {
			t.Fatalf("Cases lists %d cases, want the closed one too", len(cs))
		}

		// Reopening.
		if err := e.d.Move(ctx, tm.op1, c, hotline.Plan); !errors.Is(err, desk.ErrState) {
			t.Fatalf("Move cerrado→plan = %v, want ErrState", err)
		}
		if err := e.d.Move(ctx, tm.op1, c, hotline.Evaluacion); err != nil {
			t.Fatalf("reopening: %v", err)
		}
		cs, _ = e.st.CaseByID(ctx, c)
		if cs.Status != string(hotline.Evaluacion) || cs.ClosedAt != "" {
			t.Fatalf("after reopening: %+v", cs)
		}
		if f, err := e.d.Follow(ctx, receipt); err != nil || f.Status != "en_atencion" {
			t.Fatalf("Follow of a reopened case = %+v, %v", f, err)
		}

		// Four eyes: a supervisor does not approve their own request; a
		// supervisor of the same team does.
		if err := e.d.RequestClose(ctx, tm.sup1, c, why); err != nil {
			t.Fatalf("RequestClose by sup1: %v", err)
		}
		if err := e.d.DecideClose(ctx, tm.sup1, c, true); !errors.Is(err, desk.ErrForbidden) {
			t.Fatalf("sup1 approving their own request = %v, want ErrForbidden", err)
		}
		if err := e.d.DecideClose(ctx, tm.sup1, c, false); !errors.Is(err, desk.ErrForbidden) {
			t.Fatalf("sup1 rejecting their own request = %v, want ErrForbidden", err)
		}
		if s := e.status(c); s != string(hotline.Evaluacion) {
			t.Fatalf("status %s after a refused self-approval", s)
		}
		if err := e.d.DecideClose(ctx, tm.sup3, c, true); err != nil {
			t.Fatalf("DecideClose by sup3: %v", err)
		}
		if s := e.status(c); s != string(hotline.Cerrado) {
			t.Fatalf("status %s after sup3's approval", s)
		}
		if f, _ := e.d.Follow(ctx, receipt); f.Status != "cerrado" {
			t.Fatalf("Follow = %+v, want cerrado", f)
		}
		// A report joined to a closed case would never start its
		// retention clock (and its reporter would read "en_atencion" on a
		// closed case): the case must be reopened first.
		lateReceipt, late := e.submit(plainReport("tardío"))
		if err := e.d.JoinCase(ctx, tm.op1, late, c); !errors.Is(err, desk.ErrState) {
			t.Fatalf("JoinCase into a closed case = %v, want ErrState", err)
		}
		if f, _ := e.d.Follow(ctx, lateReceipt); f.Status != "recibido" {
			t.Fatalf("Follow of a report refused by a closed case = %+v, want recibido", f)
		}

		// A rejection keeps the case as it was and clears the request.
		c2, _, _ := e.openCase(tm.op1)
		if err := e.d.Move(ctx, tm.op1, c2, hotline.Evaluacion); err != nil {
			t.Fatal(err)
		}
		if err := e.d.RequestClose(ctx, tm.op1, c2, why); err != nil {
			t.Fatal(err)
		}
		if err := e.d.DecideClose(ctx, tm.sup1, c2, false); err != nil {
			t.Fatal(err)
		}
		cs, _ = e.st.CaseByID(ctx, c2)
		if cs.Status != string(hotline.Evaluacion) || cs.CloseRequestedBy != 0 || cs.ClosedAt != "" {
			t.Fatalf("after a rejection: %+v", cs)
		}
		if err := e.d.DecideClose(ctx, tm.sup1, c2, true); !errors.Is(err, desk.ErrState) {
			t.Fatalf("DecideClose after a rejection = %v, want ErrState", err)
		}

		// Tasks.
		if err := e.d.AddTask(ctx, tm.op1, c2, "[SINTÉTICO] llamar", "31/01/2030"); inputField(err) != "due" {
			t.Fatalf("AddTask with a bad date = %v", err)
		}
		if err := e.d.AddTask(ctx, tm.op1, c2, "", "2030-01-31"); inputField(err) != "task" {
			t.Fatalf("AddTask without text = %v", err)
		}
		yesterday := e.clock.Now().AddDate(0, 0, -1).UTC().Format("2006-01-02")
		if err := e.d.AddTask(ctx, tm.op1, c2, "[SINTÉTICO] llamar", yesterday); err != nil {
			t.Fatal(err)
		}
		v, err := e.d.Case(ctx, tm.op1, c2)
		if err != nil || len(v.Tasks) != 1 || !v.Tasks[0].Overdue || v.Tasks[0].Text != "[SINTÉTICO] llamar" || v.Tasks[0].Assignee != "op1" {
			t.Fatalf("tasks = %+v, %v", v.Tasks, err)
		}
		if err := e.d.CompleteTask(ctx, tm.op1, c2, v.Tasks[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := e.d.CompleteTask(ctx, tm.op1, c2, v.Tasks[0].ID); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("completing a task twice = %v, want ErrNotFound", err)
		}
		if err := e.d.CompleteTask(ctx, tm.op1, c, v.Tasks[0].ID); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("completing a task through another case = %v, want ErrNotFound", err)
		}
		if err := e.d.CompleteTask(ctx, tm.op2, c2, v.Tasks[0].ID); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("completing a task of another operator's case = %v, want ErrNotFound", err)
		}
		if v, _ = e.d.Case(ctx, tm.op1, c2); v.Tasks[0].DoneAt == "" || v.Tasks[0].Overdue {
			t.Fatalf("completed task = %+v", v.Tasks[0])
		}

		// Trafficking status.
		if err := e.d.SetTrafficking(ctx, tm.op1, c2, "quizas", "ong"); inputField(err) != "trafficking" {
			t.Fatalf("SetTrafficking with an unknown status = %v", err)
		}
		if err := e.d.SetTrafficking(ctx, tm.op1, c2, "confirmada", "vecinos"); inputField(err) != "decided_by" {
			t.Fatalf("SetTrafficking with an unknown decider = %v", err)
		}
		if err := e.d.SetTrafficking(ctx, tm.op1, c2, "confirmada", "fiscalia"); err != nil {
			t.Fatal(err)
		}
		if cs, _ = e.st.CaseByID(ctx, c2); cs.Trafficking != "confirmada" || cs.DecidedBy != "fiscalia" {
			t.Fatalf("trafficking = %q by %q", cs.Trafficking, cs.DecidedBy)
		}
		e.checkAudit()
	})
}

func TestConsentGate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		ctx := e.ctx
		tm := newTeam(e)
		c, _, _ := e.openCase(tm.op1)

		if err := e.d.Refer(ctx, tm.op1, c, "dif", "[SINTÉTICO] detalles", ""); !errors.Is(err, desk.ErrNoConsent) {
			t.Fatalf("Refer without consent by op1 = %v, want ErrNoConsent", err)
		}
		if err := e.d.Refer(ctx, tm.op1, c, "dif", "[SINTÉTICO] detalles", "[SINTÉTICO] es urgente"); !errors.Is(err, desk.ErrNoConsent) {
			t.Fatalf("Refer with an operator's override = %v, want ErrNoConsent", err)
		}
		for _, empty := range []string{"", "   ", "\n\t"} {
			if err := e.d.Refer(ctx, tm.sup1, c, "dif", "[SINTÉTICO] detalles", empty); !errors.Is(err, desk.ErrNoConsent) {
				t.Fatalf("Refer by sup1 with override %q = %v, want ErrNoConsent", empty, err)
			}
		}
		if err := e.d.Refer(ctx, tm.sup1, c, "nasa", "[SINTÉTICO] detalles", "[SINTÉTICO] menor en peligro"); inputField(err) != "institution" {
			t.Fatalf("Refer to an unknown institution = %v", err)
		}
		if v, _ := e.d.Case(ctx, tm.op1, c); len(v.Referrals) != 0 {
			t.Fatalf("blocked referrals were stored: %+v", v.Referrals)
		}
		if err := e.d.Refer(ctx, tm.sup1, c, "dif", "[SINTÉTICO] detalles con override", "[SINTÉTICO] menor en peligro inminente"); err != nil {
			t.Fatalf("Refer by sup1 with a reason: %v", err)
		}
		v, err := e.d.Case(ctx, tm.op1, c)
		if err != nil || len(v.Referrals) != 1 {
			t.Fatalf("referrals = %+v, %v", v.Referrals, err)
		}
		if rf := v.Referrals[0]; !rf.Override || rf.Institution != "dif" || rf.Status != string(hotline.Enviada) || rf.Details != "[SINTÉTICO] detalles con override" ||
			!reflect.DeepEqual(rf.Next, []string{"aceptada", "rechazada", "revocada"}) {
			t.Fatalf("override referral = %+v", rf)
		}

		if err := e.d.SetConsent(ctx, tm.op1, c, true); err != nil {
			t.Fatal(err)
		}
		cs, _ := e.st.CaseByID(ctx, c)
		if !cs.Consent || cs.ConsentBy != tm.op1.ID || cs.ConsentAt == "" {
			t.Fatalf("consent = %+v", cs)
		}
		// With consent an override text is ignored, not recorded as one.
		if err := e.d.Refer(ctx, tm.op1, c, "ceav", "[SINTÉTICO] con consentimiento", "[SINTÉTICO] no hace falta"); err != nil {
			t.Fatalf("Refer with consent: %v", err)
		}
		if err := e.d.Refer(ctx, tm.op1, c, "ceav", strings.Repeat("x", 4001), ""); inputField(err) != "details" {
			t.Fatalf("Refer with long details = %v", err)
		}
		v, _ = e.d.Case(ctx, tm.op1, c)
		if len(v.Referrals) != 2 || v.Referrals[1].Override || v.Referrals[1].Institution != "ceav" {
			t.Fatalf("referrals = %+v", v.Referrals)
		}
		ref := v.Referrals[1].ID

		if err := e.d.MoveReferral(ctx, tm.op1, c, ref, hotline.Completada); !errors.Is(err, desk.ErrState) {
			t.Fatalf("MoveReferral enviada→completada = %v, want ErrState", err)
		}
		if err := e.d.MoveReferral(ctx, tm.op1, c, ref, hotline.Aceptada); err != nil {
			t.Fatal(err)
		}
		if err := e.d.MoveReferral(ctx, tm.op1, c, ref, hotline.Rechazada); !errors.Is(err, desk.ErrState) {
			t.Fatalf("MoveReferral aceptada→rechazada = %v, want ErrState", err)
		}
		if err := e.d.MoveReferral(ctx, tm.op1, c, ref, hotline.Completada); err != nil {
			t.Fatal(err)
		}
		for _, to := range []hotline.ReferralStatus{hotline.Enviada, hotline.Aceptada, hotline.Revocada, hotline.Completada} {
			if err := e.d.MoveReferral(ctx, tm.op1, c, ref, to); !errors.Is(err, desk.ErrState) {
				t.Errorf("MoveReferral completada→%s = %v, want ErrState", to, err)
			}
		}
		if err := e.d.MoveReferral(ctx, tm.op1, c, ref+1000, hotline.Aceptada); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("MoveReferral of a missing referral = %v, want ErrNotFound", err)
		}
		// A referral is moved only through its own case.
		c2, _, _ := e.openCase(tm.op1)
		if err := e.d.MoveReferral(ctx, tm.op1, c2, v.Referrals[0].ID, hotline.Aceptada); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("MoveReferral through another case = %v, want ErrNotFound", err)
		}
		if err := e.d.MoveReferral(ctx, tm.op2, c, v.Referrals[0].ID, hotline.Aceptada); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("MoveReferral by op2 = %v, want ErrNotFound", err)
		}
		v, _ = e.d.Case(ctx, tm.op1, c)
		if v.Referrals[1].Status != string(hotline.Completada) || len(v.Referrals[1].Next) != 0 || v.Referrals[0].Status != string(hotline.Enviada) {
			t.Fatalf("referrals after moves = %+v", v.Referrals)
		}

		// Withdrawn consent closes the gate again.
		if err := e.d.SetConsent(ctx, tm.op1, c, false); err != nil {
			t.Fatal(err)
		}
		if err := e.d.Refer(ctx, tm.op1, c, "salud", "[SINTÉTICO] detalles", ""); !errors.Is(err, desk.ErrNoConsent) {
			t.Fatalf("Refer after consent was withdrawn = %v, want ErrNoConsent", err)
		}
		acts := e.auditActions()
		for _, want := range []string{"referral.blocked", "referral.create_override", "referral.create", "referral.move", "case.consent"} {
			if !slices.Contains(acts, want) {
				t.Errorf("audit log lacks %s", want)
			}
		}
		e.checkAudit()
	})
}

func TestAssess(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		ctx := e.ctx
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		c, _, _ := e.openCase(op)
		in, ok := hotline.InstrumentByID("oit-11")
		if !ok {
			t.Fatal("no oit-11 instrument")
		}
		// The first question of each of two indicators.
		var picked []hotline.Question
		for _, q := range in.Questions {
			if len(picked) == 0 || picked[0].Indicator != q.Indicator {
				picked = append(picked, q)
			}
			if len(picked) == 2 {
				break
			}
		}
		if len(picked) != 2 {
			t.Fatalf("oit-11 has fewer than two indicators")
		}

		tests := []struct {
			name    string
			answers hotline.Answers
			level   string
			present []string
		}{
			{"nothing asked", hotline.Answers{}, hotline.SinIndicios, nil},
			{"one no", hotline.Answers{picked[0].ID: hotline.AnswerNo}, hotline.SinIndicios, nil},
			{"one si", hotline.Answers{picked[0].ID: hotline.AnswerSi, picked[1].ID: hotline.AnswerNoSabe}, hotline.UnIndicio, []string{picked[0].Indicator}},
			{"two si", hotline.Answers{picked[0].ID: hotline.AnswerSi, picked[1].ID: hotline.AnswerSi}, hotline.VariosIndicios, []string{picked[0].Indicator, picked[1].Indicator}},
		}
		for _, tc := range tests {
			sc, err := e.d.Assess(ctx, op, c, "oit-11", tc.answers)
			if err != nil {
				t.Fatalf("%s: Assess: %v", tc.name, err)
			}
			if sc.Level != tc.level || sc.Instrument != "oit-11" || sc.Version != in.Version || len(sc.Present) != len(tc.present) || (len(tc.present) > 0 && !reflect.DeepEqual(sc.Present, tc.present)) {
				t.Errorf("%s: score %+v, want level %s present %v", tc.name, sc, tc.level, tc.present)
			}
		}
		for _, bad := range []struct {
			name, instrument string
			answers          hotline.Answers
			field            string
		}{
			{"unknown question", "oit-11", hotline.Answers{"oit-99-z": hotline.AnswerSi}, "answers"},
			{"bad answer", "oit-11", hotline.Answers{picked[0].ID: "tal_vez"}, "answers"},
			{"unknown instrument", "oit-99", hotline.Answers{}, "instrument"},
		} {
			_, err := e.d.Assess(ctx, op, c, bad.instrument, bad.answers)
			var ie *desk.InputError
			if !errors.As(err, &ie) || ie.Field != bad.field {
				t.Errorf("%s: Assess = %v, want *InputError on %s", bad.name, err, bad.field)
			}
		}
		v, err := e.d.Case(ctx, op, c)
		if err != nil || len(v.Assessments) != len(tests) {
			t.Fatalf("assessments = %+v, %v", v.Assessments, err)
		}
		a := v.Assessments[len(v.Assessments)-1]
		if a.Level != hotline.VariosIndicios || a.Instrument != "oit-11" || a.Version != in.Version || a.By != "op1" ||
			!reflect.DeepEqual(a.Present, []string{picked[0].Indicator, picked[1].Indicator}) {
			t.Errorf("stored assessment = %+v", a)
		}
		if v.Assessments[0].Present != nil {
			t.Errorf("assessment with no indicators shows %v", v.Assessments[0].Present)
		}
		e.checkAudit()
	})
}

func TestDuplicates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		ctx := e.ctx
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		op2 := e.staffUser("op2", staff.Operador, "norte", "own")
		// Each report tells a different story, so that only the offers
		// link them; r5 retells r3's story and links through its text.
		stories := []string{
			"mi vecina de quince años aceptó un empleo de edecán y ya no responde los mensajes de su mamá",
			"una amiga viajó a Cancún por un trabajo en un hotel y dice que le quitaron el pasaporte al llegar",
			"mi hermano consiguió trabajo en una bodega de Monterrey y el patrón le retiene el sueldo desde hace meses",
			"un primo se fue a trabajar al campo en Sinaloa y los encargados no dejan salir a nadie del albergue",
		}
		n := 0
		withOffer := func(offer string) hotline.Report {
			r := plainReport("con oferta")
			r.Description = "[SINTÉTICO] " + stories[n%len(stories)]
			n++
			r.Offer = offer
			return r
		}
		const tmpl = "Se solicitan edecanes de 15 a 17 años, sueldo 20 mil semanales, hospedaje pagado, sin experiencia. Informes al %s o https://wa.me/521%s"
		_, r1 := e.submit(withOffer(fmt.Sprintf(tmpl, "55 1234 5678", "5512345678")))
		_, r2 := e.submit(withOffer("Trabajo en hotel de Cancún, pasaje pagado, solo mujeres jóvenes, llama 55 1234 5678"))
		_, r3 := e.submit(withOffer("Buscamos ayudante general para bodega en Monterrey, turno diurno, escribe a 81 8765 4321"))
		// The same template with another number links through the
		// template's token.
		_, r4 := e.submit(withOffer(fmt.Sprintf(tmpl, "33 2222 1111", "3322221111")))
		// r3's story told again in other words at the end, with no offer.
		again := plainReport("sin oferta")
		again.Description = "[SINTÉTICO] " + stories[2] + ", y ahora tampoco lo dejan irse"
		_, r5 := e.submit(again)

		dups := func(id int64) map[int64]store.Duplicate {
			t.Helper()
			v, err := e.d.Report(ctx, op, id)
			if err != nil {
				t.Fatalf("Report %d: %v", id, err)
			}
			m := map[int64]store.Duplicate{}
			for _, d := range v.Duplicates {
				m[d.ReportID] = d
			}
			return m
		}
		ids := func(m map[int64]store.Duplicate) []int64 {
			var out []int64
			for id := range m {
				out = append(out, id)
			}
			slices.Sort(out)
			return out
		}
		for _, tc := range []struct {
			id   int64
			want []int64
		}{{r1, []int64{r2, r4}}, {r2, []int64{r1}}, {r3, []int64{r5}}, {r4, []int64{r1}}, {r5, []int64{r3}}} {
			if got := ids(dups(tc.id)); !slices.Equal(got, tc.want) {
				t.Errorf("duplicates of %d = %v, want %v", tc.id, got, tc.want)
			}
		}
		if d := dups(r1)[r2]; d.Decided || d.Same || d.Kind != "phone" {
			t.Fatalf("undecided duplicate = %+v", d)
		}
		if d := dups(r5)[r3]; d.Kind != "texto" {
			t.Fatalf("a retold story links by %q, want texto", d.Kind)
		}

		if err := e.d.DecideDuplicate(ctx, op, r2, r1, true); err != nil {
			t.Fatal(err)
		}
		for _, pair := range [][2]int64{{r1, r2}, {r2, r1}} {
			if d := dups(pair[0])[pair[1]]; !d.Decided || !d.Same {
				t.Errorf("after same=true, %d→%d = %+v", pair[0], pair[1], d)
			}
		}
		if d := dups(r1)[r4]; d.Decided {
			t.Errorf("a decision on (r1, r2) decided (r1, r4): %+v", d)
		}
		if err := e.d.DecideDuplicate(ctx, op, r1, r2, false); err != nil {
			t.Fatal(err)
		}
		for _, pair := range [][2]int64{{r1, r2}, {r2, r1}} {
			if d := dups(pair[0])[pair[1]]; !d.Decided || d.Same {
				t.Errorf("after same=false, %d→%d = %+v", pair[0], pair[1], d)
			}
		}

		// A report in someone else's case is out of reach: it is no longer
		// suggested (naming it would tell that the case exists and shares a
		// phone), and it cannot be decided on. Its owner still sees the
		// pair.
		c, err := e.d.OpenCase(ctx, op2, r2)
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := dups(r1)[r2]; ok {
			t.Errorf("a report in another operator's case is suggested: %+v", d)
		}
		v, err := e.d.Report(ctx, op2, r2)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(v.Duplicates, func(d store.Duplicate) bool { return d.ReportID == r1 }) || c == 0 {
			t.Errorf("the case's owner does not see the pending duplicate %d: %+v", r1, v.Duplicates)
		}
		if err := e.d.DecideDuplicate(ctx, op, r1, r2, true); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("DecideDuplicate on another operator's case = %v, want ErrNotFound", err)
		}
		e.checkAudit()
	})
}

// Search by contact finds reports through the blind index, only within the
// searcher's reach. Contacts are SYNTHETIC.
func TestSearchByContact(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		op1 := e.staffUser("op1", staff.Operador, "norte", "own")
		op2 := e.staffUser("op2", staff.Operador, "norte", "own")
		ana := e.staffUser("ana", staff.Analista, "norte", "own")
		withContact := func(offer string) hotline.Report {
			r := plainReport("búsqueda")
			r.Offer = offer
			return r
		}
		_, pending := e.submit(withContact("Trabajo en Cancún, pasaje pagado, escribe al 55 1234 5678"))
		_, inCase := e.submit(withContact("Edecanes, 3 mil diarios, WhatsApp https://wa.me/5215512345678"))
		_, other := e.submit(withContact("Bodega en Monterrey, llama al 81 8765 4321"))
		c, err := e.d.OpenCase(e.ctx, op1, inCase)
		if err != nil {
			t.Fatal(err)
		}
		ids := func(a desk.Actor, q string) []int64 {
			t.Helper()
			res, err := e.d.Search(e.ctx, a, q)
			if err != nil {
				t.Fatalf("Search(%q): %v", q, err)
			}
			var out []int64
			for _, r := range res {
				out = append(out, r.ID)
			}
			slices.Sort(out)
			return out
		}
		// The same number written three ways finds the same reports.
		for _, q := range []string{"55 1234 5678", "+52 1 55-1234-5678", "wa.me/5215512345678"} {
			if got := ids(op1, q); !slices.Equal(got, []int64{pending, inCase}) {
				t.Errorf("op1 Search(%q) = %v, want [%d %d]", q, got, pending, inCase)
			}
		}
		// op2 cannot see op1's case, not even that it exists.
		if got := ids(op2, "5512345678"); !slices.Equal(got, []int64{pending}) {
			t.Errorf("op2 sees %v, want only the pending report %d (case %d is op1's)", got, pending, c)
		}
		if got := ids(op1, "81 8765 4321"); !slices.Equal(got, []int64{other}) {
			t.Errorf("other number: %v", got)
		}
		if _, err := e.d.Search(e.ctx, ana, "5512345678"); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("analyst search: %v, want ErrForbidden", err)
		}
		var in *desk.InputError
		if _, err := e.d.Search(e.ctx, op1, "sin contacto"); !errors.As(err, &in) {
			t.Errorf("search without a contact: %v, want InputError", err)
		}
		e.checkAudit()
	})
}

// A supervisor assigns a case within the team; the new owner works it, the
// old one loses it; operators cannot assign; people outside the team or
// without a caseload cannot receive it.
func TestAssign(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		op1 := e.staffUser("op1", staff.Operador, "norte", "own")
		op2 := e.staffUser("op2", staff.Operador, "norte", "own")
		opSur := e.staffUser("opsur", staff.Operador, "sur", "own")
		ana := e.staffUser("ana", staff.Analista, "norte", "own")
		sup := e.staffUser("sup", staff.Supervisor, "norte", "team")
		c, _, _ := e.openCase(op1)
		if err := e.d.Assign(e.ctx, op1, c, op2.ID); !errors.Is(err, desk.ErrForbidden) {
			t.Fatalf("operator assigns: %v", err)
		}
		var in *desk.InputError
		for _, to := range []desk.Actor{opSur, ana} {
			if err := e.d.Assign(e.ctx, sup, c, to.ID); !errors.As(err, &in) {
				t.Errorf("assign to %s: %v, want InputError", to.Username, err)
			}
		}
		if err := e.d.Assign(e.ctx, sup, c, op2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.Case(e.ctx, op2, c); err != nil {
			t.Errorf("new owner cannot read the case: %v", err)
		}
		if _, err := e.d.Case(e.ctx, op1, c); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("old owner still reads the case: %v", err)
		}
		as, err := e.d.Assignees(e.ctx, sup, "norte")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range as {
			names = append(names, u.Username)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"op1", "op2", "sup"}) {
			t.Errorf("assignees = %v", names)
		}
		if !slices.Contains(e.auditActions(), "case.assign") {
			t.Error("assignment not audited")
		}
		e.checkAudit()
	})
}

// The home page's task list: a's open tasks due within a week, not done
// ones, not later ones, and none of a case a no longer has.
func TestDueTasks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		op1 := e.staffUser("op1", staff.Operador, "norte", "own")
		op2 := e.staffUser("op2", staff.Operador, "norte", "own")
		sup := e.staffUser("sup", staff.Supervisor, "norte", "team")
		c1, _, _ := e.openCase(op1)
		c2, _, _ := e.openCase(op1)
		day := func(n int) string { return e.clock.Now().UTC().AddDate(0, 0, n).Format("2006-01-02") }
		for _, tc := range []struct {
			c   int64
			due string
		}{{c1, day(-2)}, {c1, day(3)}, {c1, day(30)}, {c2, day(1)}} {
			if err := e.d.AddTask(e.ctx, op1, tc.c, "[SINTÉTICO] llamar", tc.due); err != nil {
				t.Fatal(err)
			}
		}
		due := func(a desk.Actor) []string {
			t.Helper()
			ts, err := e.d.DueTasks(e.ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range ts {
				out = append(out, fmt.Sprintf("%d@%s", x.CaseID, x.DueOn))
			}
			return out
		}
		want := []string{fmt.Sprintf("%d@%s", c1, day(-2)), fmt.Sprintf("%d@%s", c2, day(1)), fmt.Sprintf("%d@%s", c1, day(3))}
		if got := due(op1); !slices.Equal(got, want) {
			t.Fatalf("due tasks = %v, want %v", got, want)
		}
		// c2 goes to op2: op1's task there is no longer op1's to see.
		if err := e.d.Assign(e.ctx, sup, c2, op2.ID); err != nil {
			t.Fatal(err)
		}
		if got := due(op1); len(got) != 2 {
			t.Fatalf("after reassignment op1 sees %v", got)
		}
	})
}

// A supervisor's export holds only the cases they could open.
func TestExportScope(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		opN := e.staffUser("opn", staff.Operador, "norte", "own")
		opS := e.staffUser("ops", staff.Operador, "sur", "own")
		supN := e.staffUser("supn", staff.Supervisor, "norte", "team")
		supAll := e.staffUser("supall", staff.Supervisor, "central", "all")
		cN, _, _ := e.openCase(opN)
		cS, _, _ := e.openCase(opS)
		ids := func(a desk.Actor) []string {
			t.Helper()
			cs, err := e.d.ExportCases(e.ctx, a, "htcds")
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range cs {
				out = append(out, c.CaseID)
			}
			slices.Sort(out)
			return out
		}
		if got := ids(supN); !slices.Equal(got, []string{fmt.Sprint(cN)}) {
			t.Errorf("team supervisor exports %v, want only case %d", got, cN)
		}
		want := []string{fmt.Sprint(cN), fmt.Sprint(cS)}
		slices.Sort(want)
		if got := ids(supAll); !slices.Equal(got, want) {
			t.Errorf("scope-all supervisor exports %v, want %v", got, want)
		}
		if _, err := e.d.ExportCases(e.ctx, opN, "htcds"); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("operator export: %v", err)
		}
	})
}

// Information a reporter adds after the report was discarded, or after its
// case was closed, is not lost to retention: the report goes back to the
// queue, or the supervisors are told.
func TestAddInfoReopens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		sup := e.staffUser("sup1", staff.Supervisor, "norte", "team")
		sup2 := e.staffUser("sup2", staff.Supervisor, "norte", "team")
		receipt, id := e.submit(plainReport("descartado"))
		if err := e.d.Discard(e.ctx, op, id); err != nil {
			t.Fatal(err)
		}
		if err := e.d.AddInfo(e.ctx, receipt, "[SINTÉTICO] ahora sí sé dónde está"); err != nil {
			t.Fatal(err)
		}
		q, err := e.d.Queue(e.ctx, op)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(q, func(x desk.QueueItem) bool { return x.ID == id }) {
			t.Error("a discarded report with new information is not back in the queue")
		}

		c, _, receipt2 := e.openCase(op)
		for _, to := range []hotline.Status{hotline.Evaluacion, hotline.Seguimiento} {
			if err := e.d.Move(e.ctx, op, c, to); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.d.RequestClose(e.ctx, op, c, "[SINTÉTICO] sin más acciones"); err != nil {
			t.Fatal(err)
		}
		if err := e.d.DecideClose(e.ctx, sup2, c, true); err != nil {
			t.Fatal(err)
		}
		if err := e.d.AddInfo(e.ctx, receipt2, "[SINTÉTICO] volvió a pasar"); err != nil {
			t.Fatal(err)
		}
		ns, err := e.d.Notifications(e.ctx, sup)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(ns, func(n store.Notification) bool {
			return n.Kind == "informacion_nueva" && n.Object == fmt.Sprintf("case:%d", c)
		}) {
			t.Errorf("supervisors not told of new information on closed case %d: %+v", c, ns)
		}
		// Retention far in the future keeps the report that got news.
		e.clock.Advance(3 * 365 * 24 * time.Hour)
		if _, _, err := e.d.Retention(e.ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.ReportByLookup(e.ctx, e.keys.DeriveReceipt(receipt2).Lookup); err != nil {
			t.Errorf("the report with new information was deleted: %v", err)
		}
		e.checkAudit()
	})
}

// TestNotificationsWithinReach: a supervisor is told of a break-glass, a
// closure request or new information on a closed case only if the case is
// within their reach; a notification names the case, and a supervisor of
// another team may not even learn it exists.
func TestNotificationsWithinReach(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		adm := e.staffUser("adm", staff.Administrador, "general", "own")
		near := e.staffUser("supnorte", staff.Supervisor, "norte", "team")
		all := e.staffUser("suptodo", staff.Supervisor, "central", "all")
		far := e.staffUser("supsur", staff.Supervisor, "sur", "team")
		farOwn := e.staffUser("suppropio", staff.Supervisor, "norte", "own")

		c, _, receipt := e.openCase(op)
		if err := e.d.BreakGlass(e.ctx, adm, c, "[SINTÉTICO] revisión ordenada por el comité"); err != nil {
			t.Fatal(err)
		}
		for _, to := range []hotline.Status{hotline.Evaluacion, hotline.Seguimiento} {
			if err := e.d.Move(e.ctx, op, c, to); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.d.RequestClose(e.ctx, op, c, "[SINTÉTICO] sin más acciones"); err != nil {
			t.Fatal(err)
		}
		if err := e.d.DecideClose(e.ctx, near, c, true); err != nil {
			t.Fatal(err)
		}
		if err := e.d.AddInfo(e.ctx, receipt, "[SINTÉTICO] volvió a pasar"); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{"acceso_emergencia", "cierre_solicitado", "informacion_nueva"} {
			for _, a := range []desk.Actor{near, all} {
				if ns, err := e.d.Notifications(e.ctx, a); err != nil || !hasNotification(ns, kind, c) {
					t.Errorf("%s (within reach) not told %s: %+v, %v", a.Username, kind, ns, err)
				}
			}
			for _, a := range []desk.Actor{far, farOwn} {
				if ns, _ := e.d.Notifications(e.ctx, a); hasNotification(ns, kind, c) {
					t.Errorf("%s (case out of reach) told %s of case %d", a.Username, kind, c)
				}
			}
		}
		e.checkAudit()
	})
}
