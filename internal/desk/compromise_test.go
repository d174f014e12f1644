package desk_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// What a compromised intake (database access plus the intake's keys) must
// not be able to do. All data are SYNTHETIC.

// It stores no blind-index tokens: with the index key it could hash every
// Mexican number (10^10) and find which reports hold which. The console
// makes the tokens when it next lists reports, and duplicates still work.
func TestIntakeMakesNoTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		if e.keys.Intake().CanIndex() {
			t.Fatal("intake keys can make blind indexes")
		}
		in := e.intakeDesk()
		r := plainReport("intake")
		r.Offer = "Edecanes, 3 mil diarios, viaje pagado, WhatsApp 55 4444 3333"
		r.Contact = hotline.Contact{Method: "telefono", Value: "55 8765 4321"}
		_, id1 := e.submitVia(in, r)
		_, id2 := e.submitVia(in, r)
		if n := e.count("report_tokens"); n != 0 {
			t.Fatalf("the intake stored %d tokens", n)
		}
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		if _, err := e.d.Queue(e.ctx, op); err != nil {
			t.Fatal(err)
		}
		if n := e.count("report_tokens"); n == 0 {
			t.Fatal("the console made no tokens")
		}
		v, err := e.d.Report(e.ctx, op, id1)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(v.Duplicates, func(d store.Duplicate) bool { return d.ReportID == id2 }) {
			t.Errorf("duplicates of %d = %+v, want %d", id1, v.Duplicates, id2)
		}
		res, err := e.d.Search(e.ctx, op, "+52 55 8765 4321")
		if err != nil || len(res) != 2 {
			t.Errorf("search by the reporter's contact: %d results, %v", len(res), err)
		}
		e.checkAudit()
	})
}

// An account planted in the staff table, or promoted there, by someone
// holding only the public key does not sign in, and a live session of a
// tampered account ends.
func TestForgedStaffRejected(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		// The attacker builds a row as AddStaff would, with the intake's
		// keys: its own password hash and a TOTP secret sealed to the
		// public key.
		intake := e.keys.Intake()
		hash, err := staff.HashPassword("contraseña del atacante")
		if err != nil {
			t.Fatal(err)
		}
		secret, _ := staff.NewTOTPSecret()
		sealed, err := intake.Seal([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.CreateStaff(e.ctx, store.Staff{Username: "intruso", Password: hash, TOTPSealed: sealed, Role: "supervisor", Team: "norte", Scope: "all"},
			audit.Event{Actor: "intake", Action: "staff.create", Object: "staff:{id}"}); err != nil {
			t.Fatal(err)
		}
		code, _ := staff.TOTPCode(secret, e.clock.Now())
		if _, _, err := e.d.Login(e.ctx, "intruso", "contraseña del atacante", code); !errors.Is(err, desk.ErrLogin) {
			t.Fatalf("planted account: Login = %v, want ErrLogin", err)
		}
		if !slices.Contains(e.auditActions(), "login.forged_account") {
			t.Error("the forged login is not in the audit log")
		}

		// Promotion of a genuine account in the database ends its session.
		u := e.addUser("op1", staff.Operador, "norte", "own")
		a := e.signIn(u)
		row, err := e.st.StaffByID(e.ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		row.Role, row.Scope = "supervisor", "all"
		if err := e.st.SetStaff(e.ctx, row, audit.Event{Actor: "intake", Action: "staff.update", Object: fmt.Sprintf("staff:%d", a.ID)}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(31 * 1e9)
		if _, _, err := e.d.Login(e.ctx, u.name, u.password, e.code(u)); !errors.Is(err, desk.ErrLogin) {
			t.Fatalf("promoted account: Login = %v, want ErrLogin", err)
		}
		// Re-signed by the console (vigia staff enable does this), it works.
		row, _ = e.st.StaffByID(e.ctx, a.ID)
		row.Role, row.Scope, row.Sign = "operador", "own", e.d.SignStaff
		if err := e.st.SetStaff(e.ctx, row, audit.Event{Actor: "cli", Action: "staff.update", Object: fmt.Sprintf("staff:%d", a.ID)}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(31 * 1e9)
		e.signIn(u)
	})
}

// count is a table's row count, read through the store's own database.
func (e *env) count(table string) int {
	e.t.Helper()
	n, err := e.st.CountRows(e.ctx, table)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// A report's contact tokens are not the screener's: every role holds the
// screening key, and the public POST /api/v1/screen returns its token for
// any number, so equal tokens would tell anyone whether some report holds
// a number. The intake cannot make report tokens at all. SYNTHETIC numbers.
func TestReportTokensNotScreenTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		r := plainReport("tokens")
		r.Offer = "Edecanes, 3 mil diarios, viaje pagado, WhatsApp https://wa.me/5215544443333"
		r.Contact = hotline.Contact{Method: "telefono", Value: "55 8765 4321"}
		_, byConsole := e.submit(r)
		_, byIntake := e.submitVia(e.intakeDesk(), r)
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		if _, err := e.d.Queue(e.ctx, op); err != nil { // indexes the intake's report
			t.Fatal(err)
		}
		// What anyone can compute with the screening key, for the numbers
		// however written.
		public := map[string]bool{}
		for _, text := range []string{"55 8765 4321", "+52 55 8765 4321", "wa.me/5215544443333", "55 4444 3333", r.Offer} {
			for _, id := range e.scr.Screen(text).Identifiers {
				public[id.Token] = true
			}
		}
		if len(public) < 2 {
			t.Fatalf("the screener found too few identifiers: %v", public)
		}
		for _, id := range []int64{byConsole, byIntake} {
			toks, err := e.st.ReportTokens(e.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(toks) == 0 {
				t.Fatalf("report %d has no tokens", id)
			}
			for _, tok := range toks {
				if public[tok.Value] {
					t.Errorf("report %d: token of kind %s equals the screening key's token for the number", id, tok.Kind)
				}
			}
		}
		// The console still finds both by the number.
		res, err := e.d.Search(e.ctx, op, "+52 1 55 8765 4321")
		if err != nil || len(res) != 2 {
			t.Errorf("search: %d results, %v; want 2", len(res), err)
		}
		// The intake's keys cannot make them.
		if e.keys.Intake().CanIndex() {
			t.Fatal("intake keys hold the index key")
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Error("intake keys made a blind index")
				}
			}()
			e.keys.Intake().Index("contacto:phone", "+525587654321")
		}()
	})
}

// A session row written into the database by someone who can write to it
// but holds no private key signs no one in: not one made from scratch, not
// one carrying a genuine session's MAC, not a genuine one moved to another
// account or made younger.
func TestPlantedSessionRejected(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		sup := e.addUser("sup1", staff.Supervisor, "norte", "all")
		op := e.addUser("op1", staff.Operador, "norte", "own")
		e.signIn(op)
		try := func(what, token string) {
			t.Helper()
			if _, _, err := e.d.Session(e.ctx, token); !errors.Is(err, desk.ErrSession) {
				t.Errorf("%s: Session = %v, want ErrSession", what, err)
			}
		}
		// From scratch, through the store as the intake could, for an
		// account that will not sign in again (its last code step is
		// spent).
		e.addUser("adm1", staff.Administrador, "norte", "all")
		admRow, err := e.st.StaffByUsername(e.ctx, "adm1")
		if err != nil {
			t.Fatal(err)
		}
		supRow, err := e.st.StaffByUsername(e.ctx, "sup1")
		if err != nil {
			t.Fatal(err)
		}
		token, hash, _ := staff.NewToken()
		if err := e.st.LoginSucceeded(e.ctx, admRow.ID, 2_000_000_000, hash, "csrf-plantado", nil, auditEvent("login")); err != nil {
			t.Fatal(err)
		}
		try("planted session", token)
		if !slices.Contains(e.auditActions(), "session.forged") {
			t.Error("the planted session is not in the audit log")
		}
		// With a genuine session's MAC copied onto the attacker's token.
		token2, hash2, _ := staff.NewToken()
		storetest.Exec(t, e.target, `INSERT INTO sessions (token_hash, staff_id, csrf, created_at, last_seen, mac) SELECT $1, staff_id, csrf, created_at, last_seen, mac FROM sessions WHERE staff_id = $2`, hash2, op.actor.ID)
		try("copied MAC", token2)
		// A genuine session moved to the supervisor's account.
		storetest.Exec(t, e.target, `UPDATE sessions SET staff_id = $1 WHERE staff_id = $2`, supRow.ID, op.actor.ID)
		try("session moved to another account", op.token)
		// A genuine session made younger, to outlive its eight hours.
		e.clock.Advance(31 * time.Second)
		e.signIn(sup)
		storetest.Exec(t, e.target, `UPDATE sessions SET created_at = $1 WHERE staff_id = $2`, e.clock.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano), supRow.ID)
		try("session made younger", sup.token)
		// The genuine path still works.
		e.clock.Advance(31 * time.Second)
		e.signIn(sup)
	})
}

// Made-up sign-ins at once run at most the limit's hashes (each holds 19
// MiB); the rest are refused at once with ErrBusy, never queued without
// bound. SYNTHETIC user names.
func TestLoginHashingBounded(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		limit := staff.NewHashLimit(2, 2, 50*time.Millisecond)
		e := newEnv(t, be, func(c *desk.Config) { c.Hashes = limit })
		var wg sync.WaitGroup
		var mu sync.Mutex
		counts := map[error]int{}
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := e.d.Login(e.ctx, fmt.Sprintf("inventado%d", i), "contraseña inventada", "123456")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, desk.ErrLogin):
					counts[desk.ErrLogin]++
				case errors.Is(err, desk.ErrBusy):
					counts[desk.ErrBusy]++
				default:
					t.Errorf("Login: %v", err)
				}
			}()
		}
		wg.Wait()
		if limit.Peak() > 2 {
			t.Errorf("%d password hashes ran at once, want at most 2", limit.Peak())
		}
		if counts[desk.ErrLogin] == 0 || counts[desk.ErrBusy] == 0 {
			t.Errorf("answers %v: want some refused as busy and some checked", counts)
		}
		// Once the crowd has gone, a genuine sign-in works.
		e.signIn(e.addUser("op1", staff.Operador, "norte", "own"))
	})
}

// A reporter who chose not to be contacted ("ninguno") leaves no contact
// behind, even a number typed before changing their mind: not in the
// sealed report, not as a token. SYNTHETIC number.
func TestNoContactKeptWhenNone(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		r := plainReport("sin contacto")
		r.Contact = hotline.Contact{Method: "ninguno", Value: "55 1357 2468", Safe: "de noche"}
		_, id := e.submit(r)
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		v, err := e.d.Report(e.ctx, op, id)
		if err != nil {
			t.Fatal(err)
		}
		if v.Content.Contact != (hotline.Contact{Method: "ninguno"}) {
			t.Errorf("sealed contact = %+v, want only the method", v.Content.Contact)
		}
		if res, err := e.d.Search(e.ctx, op, "55 1357 2468"); err != nil || len(res) != 0 {
			t.Errorf("search by the discarded number: %d results, %v", len(res), err)
		}
	})
}

// Wrong passwords sent at once on one account are checked no more often
// than the lockout allows: the lock check and the failure count are one
// statement, so a burst cannot pass a check made before any was counted.
func TestLoginAttemptsAtOnceCounted(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be, func(c *desk.Config) { c.Hashes = staff.NewHashLimit(8, 16, 30*time.Second) })
		e.clock.Set(time.Now())
		u := e.addUser("rafaga", staff.Operador, "norte", "own")
		var wg sync.WaitGroup
		var mu sync.Mutex
		checked := 0
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := e.d.Login(e.ctx, u.name, fmt.Sprintf("contraseña equivocada %d", i), "000000")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, desk.ErrLogin):
					checked++
				case errors.Is(err, desk.ErrLocked):
				default:
					t.Errorf("Login: %v", err)
				}
			}()
		}
		wg.Wait()
		if checked > staff.DefaultLockout.Threshold {
			t.Errorf("%d passwords were checked in a burst, want at most %d", checked, staff.DefaultLockout.Threshold)
		}
		if _, _, err := e.d.Login(e.ctx, u.name, u.password, e.code(u)); !errors.Is(err, desk.ErrLocked) {
			t.Errorf("after the burst: Login = %v, want ErrLocked", err)
		}
	})
}
