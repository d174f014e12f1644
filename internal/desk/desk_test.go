package desk_test

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// All data in these tests is synthetic.

var receiptRE = regexp.MustCompile(`^[0-9]{16}$`)

func TestIntakeFlow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		ctx := e.ctx
		op := e.staffUser("op1", staff.Operador, "norte", "own")

		// A request for information first, then the urgent report: the
		// queue must put the urgent one first anyway.
		_, infoID := e.submit(hotline.Report{Kind: hotline.Informacion, Description: "[SINTÉTICO] ¿Dónde pido orientación?", State: 9})

		r := sampleReport()
		receipt, err := e.d.Submit(ctx, &r)
		if err != nil {
			t.Fatalf("Submit: %v", err)
		}
		if !receiptRE.MatchString(receipt) {
			t.Fatalf("receipt %q is not 16 digits", receipt)
		}
		// Submit normalised the report in place.
		if r.Description != strings.TrimSpace(sampleReport().Description) || r.Channel != "web" ||
			!reflect.DeepEqual(r.Exploitation, []string{"explotacion_sexual"}) ||
			!reflect.DeepEqual(r.Recruitment, []string{"facebook", "whatsapp"}) ||
			len(r.Victims) != 1 || r.Victims[0].Nationality != "MX" {
			t.Fatalf("report not normalised: %+v", r)
		}
		id := e.reportID(receipt)
		today := e.clock.Now().UTC().Format("2006-01-02")

		f, err := e.d.Follow(ctx, receipt)
		if err != nil {
			t.Fatalf("Follow: %v", err)
		}
		if f.Status != "recibido" || f.ReceivedOn != today || f.Replies == nil || len(f.Replies) != 0 || f.Added != 0 {
			t.Fatalf("Follow before any work = %+v", f)
		}
		// A receipt typed with spaces and dashes is the same receipt.
		spaced := receipt[:4] + " " + receipt[4:8] + "-" + receipt[8:12] + " " + receipt[12:]
		if _, err := e.d.Follow(ctx, spaced); err != nil {
			t.Fatalf("Follow(%q): %v", spaced, err)
		}

		if err := e.d.AddInfo(ctx, receipt, "  [SINTÉTICO] Se llama Ana, dice la vecina.  "); err != nil {
			t.Fatalf("AddInfo: %v", err)
		}
		var verrs hotline.Errors
		if err := e.d.AddInfo(ctx, receipt, " \n "); !errors.As(err, &verrs) || !verrs.Has("text") {
			t.Fatalf("AddInfo of blank text = %v, want hotline.Errors naming text", err)
		}
		if err := e.d.AddInfo(ctx, receipt, strings.Repeat("x", desk.MaxAddition+1)); !errors.As(err, &verrs) || !verrs.Has("text") {
			t.Fatalf("AddInfo of too long text = %v, want hotline.Errors naming text", err)
		}
		if f, _ = e.d.Follow(ctx, receipt); f.Added != 1 || len(f.Replies) != 0 {
			t.Fatalf("Follow after AddInfo = %+v, want Added 1", f)
		}

		q, err := e.d.Queue(ctx, op)
		if err != nil {
			t.Fatalf("Queue: %v", err)
		}
		if len(q) != 2 || q[0].ID != id || q[1].ID != infoID {
			t.Fatalf("Queue = %+v, want report %d then %d", q, id, infoID)
		}
		if !q[0].Urgent || q[0].Urgency != hotline.Urgency(hotline.PosibleTrata, true) || q[0].Kind != string(hotline.PosibleTrata) ||
			q[0].State != 21 || q[0].ReceivedOn != today || q[0].Channel != "web" || q[0].Tier == "" || len(q[0].Flags) == 0 {
			t.Fatalf("Queue[0] = %+v", q[0])
		}
		if q[1].Urgent || q[1].Tier != "" {
			t.Fatalf("Queue[1] = %+v", q[1])
		}

		v, err := e.d.Report(ctx, op, id)
		if err != nil {
			t.Fatalf("Report: %v", err)
		}
		if !reflect.DeepEqual(v.Content, r) {
			t.Fatalf("Report content:\n got %+v\nwant %+v", v.Content, r)
		}
		if v.Screen == nil || v.Screen.Tier != q[0].Tier || len(v.Screen.Reasons) == 0 {
			t.Fatalf("Report screen = %+v", v.Screen)
		}
		if len(v.Messages) != 1 || v.Messages[0].Direction != "reporter" || v.Messages[0].Text != "[SINTÉTICO] Se llama Ana, dice la vecina." || v.Messages[0].AuthorID != 0 {
			t.Fatalf("Report messages = %+v", v.Messages)
		}
		if v.Triage != "pendiente" || v.CaseID != 0 {
			t.Fatalf("Report triage %q case %d", v.Triage, v.CaseID)
		}

		caseID, err := e.d.OpenCase(ctx, op, id)
		if err != nil {
			t.Fatalf("OpenCase: %v", err)
		}
		if _, err := e.d.OpenCase(ctx, op, id); !errors.Is(err, desk.ErrState) {
			t.Fatalf("OpenCase twice = %v, want ErrState", err)
		}
		if _, err := e.d.OpenCase(ctx, op, 1<<40); !errors.Is(err, desk.ErrNotFound) {
			t.Fatalf("OpenCase of a missing report = %v, want ErrNotFound", err)
		}
		if q, _ = e.d.Queue(ctx, op); len(q) != 1 || q[0].ID != infoID {
			t.Fatalf("Queue after OpenCase = %+v", q)
		}
		if f, _ = e.d.Follow(ctx, receipt); f.Status != "en_atencion" || len(f.Replies) != 0 {
			t.Fatalf("Follow after OpenCase = %+v", f)
		}

		const reply = "[SINTÉTICO] Gracias por avisar. Estamos atendiendo su reporte."
		if err := e.d.Reply(ctx, op, id, "  "+reply+"  "); err != nil {
			t.Fatalf("Reply: %v", err)
		}
		if err := e.d.Reply(ctx, op, id, "   "); inputField(err) != "reply" {
			t.Fatalf("Reply of blank text = %v, want InputError on reply", err)
		}
		f, err = e.d.Follow(ctx, receipt)
		if err != nil {
			t.Fatalf("Follow: %v", err)
		}
		if f.Status != "en_atencion" || len(f.Replies) != 1 || f.Replies[0].Text != reply || len(f.Replies[0].At) != 10 || f.Added != 1 {
			t.Fatalf("Follow after Reply = %+v", f)
		}
		cv, err := e.d.Case(ctx, op, caseID)
		if err != nil {
			t.Fatalf("Case: %v", err)
		}
		if len(cv.Reports) != 1 || len(cv.Reports[0].Messages) != 2 || cv.Reports[0].Messages[1].Text != reply ||
			cv.Reports[0].Messages[1].Direction != "staff" || cv.Reports[0].Messages[1].AuthorID != op.ID || cv.Owner != "op1" {
			t.Fatalf("Case view = %+v", cv)
		}

		// Another receipt (well-formed or not) finds nothing.
		other, err := seal.NewReceipt()
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{other, "", "123", "1234567890abcdef", "12345678901234567", receipt + "0", "１２３４５６７８９０１２３４５６", receipt[:15] + "x"} {
			if _, err := e.d.Follow(ctx, bad); !errors.Is(err, desk.ErrUnknownReceipt) {
				t.Errorf("Follow(%q) = %v, want ErrUnknownReceipt", bad, err)
			}
			if err := e.d.AddInfo(ctx, bad, "[SINTÉTICO] más"); !errors.Is(err, desk.ErrUnknownReceipt) {
				t.Errorf("AddInfo(%q) = %v, want ErrUnknownReceipt", bad, err)
			}
		}
		e.checkAudit()
	})
}

func TestSubmitValidation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		tests := []struct {
			name   string
			edit   func(*hotline.Report)
			fields []string
		}{
			{"unknown kind", func(r *hotline.Report) { r.Kind = "chisme" }, []string{"kind"}},
			{"blank description", func(r *hotline.Report) { r.Description = "  \t " }, []string{"description"}},
			{"long description", func(r *hotline.Report) { r.Description = strings.Repeat("a", hotline.MaxDescription+1) }, []string{"description"}},
			{"long offer", func(r *hotline.Report) { r.Offer = strings.Repeat("a", hotline.MaxOffer+1) }, []string{"offer"}},
			{"no state", func(r *hotline.Report) { r.State, r.Municipality = 0, "" }, []string{"state"}},
			{"state 33", func(r *hotline.Report) { r.State, r.Municipality = 33, "" }, []string{"state"}},
			{"unknown municipality", func(r *hotline.Report) { r.Municipality = "21999" }, []string{"municipality"}},
			{"municipality of another state", func(r *hotline.Report) { r.Municipality = "09015" }, []string{"municipality"}},
			{"bad date", func(r *hotline.Report) { r.When = "ayer" }, []string{"when"}},
			{"unknown exploitation", func(r *hotline.Report) { r.Exploitation = []string{"explotacion_sexual", "otra_cosa"} }, []string{"exploitation"}},
			{"unknown recruitment", func(r *hotline.Report) { r.Recruitment = []string{"paloma_mensajera"} }, []string{"recruitment"}},
			{"bad age band", func(r *hotline.Report) { r.Victims[0].AgeBand = "15" }, []string{"victims[0].age_band"}},
			{"bad sex", func(r *hotline.Report) { r.Victims[0].Sex = "x" }, []string{"victims[0].sex"}},
			{"bad nationality", func(r *hotline.Report) { r.Victims[0].Nationality = "MEX" }, []string{"victims[0].nationality"}},
			{"contact without value", func(r *hotline.Report) { r.Contact = hotline.Contact{Method: "telefono"} }, []string{"contact.value"}},
			{"unknown contact method", func(r *hotline.Report) { r.Contact = hotline.Contact{Method: "paloma"} }, []string{"contact.method"}},
			{"several at once", func(r *hotline.Report) { r.Kind, r.Description, r.State = "", "", 0 }, []string{"kind", "description", "state", "municipality"}},
		}
		for _, tc := range tests {
			r := sampleReport()
			tc.edit(&r)
			receipt, err := e.d.Submit(e.ctx, &r)
			var verrs hotline.Errors
			if !errors.As(err, &verrs) {
				t.Errorf("%s: Submit = %q, %v; want hotline.Errors", tc.name, receipt, err)
				continue
			}
			for _, f := range tc.fields {
				if !verrs.Has(f) {
					t.Errorf("%s: errors %v do not name %s", tc.name, verrs, f)
				}
			}
			if receipt != "" {
				t.Errorf("%s: a receipt %q for an invalid report", tc.name, receipt)
			}
		}
		if q, err := e.d.Queue(e.ctx, op); err != nil || len(q) != 0 {
			t.Fatalf("invalid reports were stored: %+v, %v", q, err)
		}
	})
}

func TestIntakeOnlyKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		ctx := e.ctx
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		in := e.intakeDesk()
		if in.CanRead() || !e.d.CanRead() {
			t.Fatalf("CanRead: intake %t, console %t", in.CanRead(), e.d.CanRead())
		}

		r := sampleReport()
		receipt, err := in.Submit(ctx, &r)
		if err != nil {
			t.Fatalf("Submit with intake keys: %v", err)
		}
		id := e.reportID(receipt)
		if err := in.AddInfo(ctx, receipt, "[SINTÉTICO] dato añadido"); err != nil {
			t.Fatalf("AddInfo with intake keys: %v", err)
		}
		if f, err := in.Follow(ctx, receipt); err != nil || f.Status != "recibido" || f.Added != 1 {
			t.Fatalf("Follow with intake keys = %+v, %v", f, err)
		}

		if _, err := in.Report(ctx, op, id); !errors.Is(err, desk.ErrIntakeOnly) {
			t.Errorf("Report with intake keys = %v, want ErrIntakeOnly", err)
		}
		if _, _, err := in.Login(ctx, "op1", e.users["op1"].password, e.code(e.users["op1"])); !errors.Is(err, desk.ErrIntakeOnly) {
			t.Errorf("Login with intake keys = %v, want ErrIntakeOnly", err)
		}
		if _, err := in.AddStaff(ctx, "test", desk.NewStaff{Username: "nuevo", Password: "contraseña sintética larga", Role: staff.Operador}); !errors.Is(err, desk.ErrIntakeOnly) {
			t.Errorf("AddStaff with intake keys = %v, want ErrIntakeOnly", err)
		}

		// The console reads what the intake sealed, and the reporter reads
		// through the intake what the console answered.
		v, err := e.d.Report(ctx, op, id)
		if err != nil || !reflect.DeepEqual(v.Content, r) || len(v.Messages) != 1 {
			t.Fatalf("console Report of an intake report = %+v, %v", v.Content, err)
		}
		caseID, err := e.d.OpenCase(ctx, op, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := in.Case(ctx, op, caseID); !errors.Is(err, desk.ErrIntakeOnly) {
			t.Errorf("Case with intake keys = %v, want ErrIntakeOnly", err)
		}
		if err := e.d.Reply(ctx, op, id, "[SINTÉTICO] respuesta"); err != nil {
			t.Fatal(err)
		}
		if f, err := in.Follow(ctx, receipt); err != nil || len(f.Replies) != 1 || f.Replies[0].Text != "[SINTÉTICO] respuesta" || f.Status != "en_atencion" {
			t.Fatalf("Follow with intake keys after a reply = %+v, %v", f, err)
		}
		e.checkAudit()
	})
}

func TestLogin(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		ctx := e.ctx
		u := e.addUser("login1", staff.Operador, "norte", "own")
		now := e.clock.Now()

		cases := []struct {
			name, user, password, code string
		}{
			{"unknown user", "nadie", u.password, e.code(u)},
			{"empty user", "", u.password, e.code(u)},
			{"wrong password", u.name, u.password + "x", e.code(u)},
			{"wrong code", u.name, u.password, wrongCode(t, u.secret, now)},
			{"malformed code", u.name, u.password, "12a456"},
		}
		for _, tc := range cases {
			tok, csrf, err := e.d.Login(ctx, tc.user, tc.password, tc.code)
			if !errors.Is(err, desk.ErrLogin) || tok != "" || csrf != "" {
				t.Errorf("%s: Login = %q, %q, %v; want ErrLogin", tc.name, tok, csrf, err)
			}
		}
		// Three failures so far on login1 (the first two were on no account):
		// the right credentials still work and reset the count.
		code := e.code(u)
		tok1, _, err := e.d.Login(ctx, "  login1 ", u.password, code)
		if err != nil {
			t.Fatalf("Login with the right credentials: %v", err)
		}
		a, _, err := e.d.Session(ctx, tok1)
		if err != nil || a.Username != "login1" || a.Role != staff.Operador {
			t.Fatalf("Session = %+v, %v", a, err)
		}
		// The same code again, in the same step: a replay.
		if _, _, err := e.d.Login(ctx, u.name, u.password, code); !errors.Is(err, desk.ErrLogin) {
			t.Fatalf("replayed code: Login = %v, want ErrLogin", err)
		}
		// A new step gives a new code, and a new session with a new token.
		e.clock.Advance(30 * time.Second)
		tok2, _, err := e.d.Login(ctx, u.name, u.password, e.code(u))
		if err != nil || tok2 == tok1 {
			t.Fatalf("second Login = %q, %v", tok2, err)
		}
		if err := e.d.Logout(ctx, tok2); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.d.Session(ctx, tok2); !errors.Is(err, desk.ErrSession) {
			t.Fatalf("Session after Logout = %v, want ErrSession", err)
		}
		if _, _, err := e.d.Session(ctx, tok1); err != nil {
			t.Fatalf("the other session ended with Logout: %v", err)
		}

		// Garbage tokens never reach a session.
		for _, tok := range []string{"", "x", "garbage token", strings.Repeat("A", 43), strings.Repeat("A", 42) + "B", tok1 + "A", tok1[:42]} {
			if _, _, err := e.d.Session(ctx, tok); !errors.Is(err, desk.ErrSession) {
				t.Errorf("Session(%q) = %v, want ErrSession", tok, err)
			}
		}
		if err := e.d.Logout(ctx, "garbage"); err != nil {
			t.Errorf("Logout(garbage) = %v", err)
		}

		// Idle timeout (15 min by default). The session's clock is the
		// store's (real) clock, so this is done before the clock runs far.
		e.clock.Advance(16 * time.Minute)
		if _, _, err := e.d.Session(ctx, tok1); !errors.Is(err, desk.ErrSession) {
			t.Fatalf("Session after 16 idle minutes = %v, want ErrSession", err)
		}
		if _, _, err := e.d.Session(ctx, tok1); !errors.Is(err, desk.ErrSession) {
			t.Fatalf("an expired session came back: %v", err)
		}

		// Lockout: five failures lock the account even for the right
		// credentials, until the back-off (1 min) has passed. Failures are
		// stamped with the store's real clock, so the desk's clock is set
		// back to it first.
		e.clock.Set(time.Now())
		l := e.addUser("login2", staff.Supervisor, "sur", "team")
		for i := 0; i < staff.DefaultLockout.Threshold; i++ {
			if _, _, err := e.d.Login(ctx, l.name, "contraseña equivocada", e.code(l)); !errors.Is(err, desk.ErrLogin) {
				t.Fatalf("failure %d: Login = %v, want ErrLogin", i+1, err)
			}
		}
		if _, _, err := e.d.Login(ctx, l.name, l.password, e.code(l)); !errors.Is(err, desk.ErrLocked) {
			t.Fatalf("right credentials on a locked account: Login = %v, want ErrLocked", err)
		}
		if _, _, err := e.d.Login(ctx, l.name, "contraseña equivocada", e.code(l)); !errors.Is(err, desk.ErrLocked) {
			t.Fatalf("wrong password on a locked account: Login = %v, want ErrLocked", err)
		}
		e.clock.Advance(40 * time.Second)
		if _, _, err := e.d.Login(ctx, l.name, l.password, e.code(l)); !errors.Is(err, desk.ErrLocked) {
			t.Fatalf("after 40 seconds: Login = %v, want ErrLocked", err)
		}
		e.clock.Advance(30 * time.Second)
		if _, _, err := e.d.Login(ctx, l.name, l.password, e.code(l)); err != nil {
			t.Fatalf("after the lock passed: Login = %v", err)
		}
		// The success reset the count: one failure does not lock again.
		e.clock.Advance(30 * time.Second)
		if _, _, err := e.d.Login(ctx, l.name, "contraseña equivocada", e.code(l)); !errors.Is(err, desk.ErrLogin) {
			t.Fatalf("Login = %v, want ErrLogin", err)
		}
		if _, _, err := e.d.Login(ctx, l.name, l.password, e.code(l)); err != nil {
			t.Fatalf("one failure after a reset locked the account: %v", err)
		}

		// A deactivated account (there is no desk operation for it yet; the
		// store's SetStaff is what the admin screens will call) can neither
		// use its sessions nor sign in.
		e.clock.Set(time.Now())
		d := e.addUser("login3", staff.Operador, "norte", "own")
		a3 := e.signIn(d)
		if err := e.st.SetStaff(ctx, store.Staff{ID: a3.ID, Role: string(staff.Operador), Team: "norte", Scope: "own", Active: false}, auditEvent("staff.update")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.d.Session(ctx, d.token); !errors.Is(err, desk.ErrSession) {
			t.Fatalf("Session of a deactivated account = %v, want ErrSession", err)
		}
		e.clock.Advance(30 * time.Second)
		if _, _, err := e.d.Login(ctx, d.name, d.password, e.code(d)); !errors.Is(err, desk.ErrLogin) {
			t.Fatalf("Login of a deactivated account = %v, want ErrLogin", err)
		}

		acts := strings.Join(e.auditActions(), " ")
		for _, want := range []string{"login.failed", "login.locked", "login"} {
			if !strings.Contains(acts, want) {
				t.Errorf("audit log lacks %s: %s", want, acts)
			}
		}
		e.checkAudit()
	})
}

func TestAddStaffValidation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		good := desk.NewStaff{Username: "valido", Password: "contraseña sintética", Role: staff.Operador}
		tests := []struct {
			name  string
			edit  func(*desk.NewStaff)
			field string
		}{
			{"empty username", func(n *desk.NewStaff) { n.Username = "  " }, "username"},
			{"username with space", func(n *desk.NewStaff) { n.Username = "a b" }, "username"},
			{"username with quote", func(n *desk.NewStaff) { n.Username = `a"b` }, "username"},
			{"long username", func(n *desk.NewStaff) { n.Username = strings.Repeat("a", 65) }, "username"},
			{"unknown role", func(n *desk.NewStaff) { n.Role = "jefe" }, "role"},
			{"unknown scope", func(n *desk.NewStaff) { n.Scope = "todo" }, "scope"},
			{"short password", func(n *desk.NewStaff) { n.Password = "corta" }, "password"},
		}
		for _, tc := range tests {
			n := good
			tc.edit(&n)
			if _, err := e.d.AddStaff(e.ctx, "test", n); inputField(err) != tc.field {
				t.Errorf("%s: AddStaff = %v, want InputError on %s", tc.name, err, tc.field)
			}
		}
		// Defaults: operators see their own cases, supervisors their team's.
		for _, tc := range []struct {
			role  staff.Role
			scope string
		}{{staff.Operador, "own"}, {staff.Supervisor, "team"}, {staff.Analista, "own"}, {staff.Administrador, "own"}} {
			n := good
			n.Username, n.Role = "def_"+string(tc.role), tc.role
			secret, err := e.d.AddStaff(e.ctx, "test", n)
			if err != nil || len(secret) < 32 {
				t.Fatalf("AddStaff %s = %q, %v", tc.role, secret, err)
			}
			u, err := e.st.StaffByUsername(e.ctx, n.Username)
			if err != nil || u.Scope != tc.scope || u.Team != "general" || !u.Active {
				t.Errorf("%s: stored %+v, %v; want scope %s, team general", tc.role, u, err, tc.scope)
			}
		}
		if _, err := e.d.AddStaff(e.ctx, "test", good); err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.AddStaff(e.ctx, "test", good); err == nil {
			t.Fatal("a second account with the same username was created")
		}
		e.checkAudit()
	})
}

// An account kept out by failed sign-ins (its own or someone else's) backs
// off for minutes, never a day, and an administrator can let it in at once
// (vigia staff unlock). SYNTHETIC account.
func TestUnlock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		e.clock.Set(time.Now())
		u := e.addUser("bloqueada", staff.Operador, "norte", "own")
		for i := 0; i < 12; i++ {
			e.d.Login(e.ctx, u.name, "contraseña equivocada", e.code(u))
			e.clock.Advance(16 * time.Minute) // past any back-off: every try counts
		}
		if _, _, err := e.d.Login(e.ctx, u.name, "contraseña equivocada", e.code(u)); !errors.Is(err, desk.ErrLogin) {
			t.Fatalf("wrong password after the back-off: %v, want ErrLogin", err)
		}
		if _, _, err := e.d.Login(e.ctx, u.name, u.password, e.code(u)); !errors.Is(err, desk.ErrLocked) {
			t.Fatalf("right password right after: %v, want ErrLocked", err)
		}
		e.clock.Advance(15 * time.Minute)
		e.signIn(u) // the longest back-off is 15 minutes
		for i := 0; i < staff.DefaultLockout.Threshold; i++ {
			e.clock.Advance(30 * time.Second)
			e.d.Login(e.ctx, u.name, "contraseña equivocada", e.code(u))
		}
		if err := e.d.Unlock(e.ctx, "test", u.name); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(30 * time.Second)
		e.signIn(u)
		if err := e.d.Unlock(e.ctx, "test", "nadie"); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("Unlock of no account: %v, want ErrNotFound", err)
		}
		if !strings.Contains(strings.Join(e.auditActions(), " "), "staff.unlock") {
			t.Error("the unlock is not in the audit log")
		}
		e.checkAudit()
	})
}
