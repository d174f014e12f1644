package desk_test

// Test harness for the desk. Every value here is synthetic: invented
// people, places, phone numbers and texts, labelled as such.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// fakeClock is the desk's clock. It starts at the real time because the
// store stamps rows (sessions, failures, break-glass expiry checks, closing
// dates) with the real clock, not with Config.Now; tests only move it
// forward.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func geography(t testing.TB) *hotline.Geography {
	t.Helper()
	g, err := hotline.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// user is a synthetic member of staff.
type user struct {
	name, password, secret string
	role                   staff.Role
	team, scope            string
	actor                  desk.Actor
	token                  string
}

type env struct {
	t       *testing.T
	ctx     context.Context
	backend string
	target  string
	st      *store.Store
	keys    *seal.Keys
	clock   *fakeClock
	scr     *screen.Screener
	d       *desk.Desk
	users   map[string]*user
}

// forEachBackend runs f on SQLite and, when VIGIA_TEST_POSTGRES_URL is set,
// on PostgreSQL.
func forEachBackend(t *testing.T, f func(t *testing.T, be storetest.Backend)) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) { f(t, be) })
	}
}

// newEnv opens a fresh store on be and a Desk over it with a fake clock.
func newEnv(t *testing.T, be storetest.Backend, tweak ...func(*desk.Config)) *env {
	t.Helper()
	target := be.Target(t)
	st := storetest.Open(t, target)
	return newEnvOn(t, be.Name, target, st, tweak...)
}

func newEnvOn(t *testing.T, backend, target string, st *store.Store, tweak ...func(*desk.Config)) *env {
	t.Helper()
	keys, err := seal.Generate()
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	scr, err := screen.New(key)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: context.Background(), backend: backend, target: target, st: st, keys: keys, clock: newClock(), scr: scr, users: map[string]*user{}}
	cfg := desk.Config{Store: st, Keys: keys, Geo: geography(t), Screener: scr, Now: e.clock.Now}
	for _, f := range tweak {
		f(&cfg)
	}
	e.d = desk.New(cfg)
	return e
}

// intakeDesk is a second Desk over the same store holding only the public
// key, as the public intake process does.
func (e *env) intakeDesk() *desk.Desk {
	return desk.New(desk.Config{Store: e.st, Keys: e.keys.Intake(), Geo: geography(e.t), Screener: e.scr, Now: e.clock.Now})
}

// addUser creates an account; it does not sign in.
func (e *env) addUser(name string, role staff.Role, team, scope string) *user {
	e.t.Helper()
	u := &user{name: name, password: "contraseña sintética " + name, role: role, team: team, scope: scope}
	secret, err := e.d.AddStaff(e.ctx, "test", desk.NewStaff{Username: name, Password: u.password, Role: role, Team: team, Scope: scope})
	if err != nil {
		e.t.Fatalf("AddStaff %s: %v", name, err)
	}
	u.secret = secret
	e.users[name] = u
	return u
}

// code is u's one-time code at the desk's current time.
func (e *env) code(u *user) string {
	e.t.Helper()
	c, err := staff.TOTPCode(u.secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// signIn logs u in at the current step and resolves the session's actor.
// A user signs in again only after the clock has moved to a new step.
func (e *env) signIn(u *user) desk.Actor {
	e.t.Helper()
	token, csrf, err := e.d.Login(e.ctx, u.name, u.password, e.code(u))
	if err != nil {
		e.t.Fatalf("Login %s: %v", u.name, err)
	}
	if token == "" || csrf == "" || token == csrf {
		e.t.Fatalf("Login %s: token %q csrf %q", u.name, token, csrf)
	}
	a, gotCSRF, err := e.d.Session(e.ctx, token)
	if err != nil {
		e.t.Fatalf("Session %s: %v", u.name, err)
	}
	if gotCSRF != csrf {
		e.t.Fatalf("Session %s: csrf %q, want %q", u.name, gotCSRF, csrf)
	}
	if a.Username != u.name || a.Role != u.role || a.Team != u.team || a.Scope != u.scope || a.ID == 0 {
		e.t.Fatalf("Session %s: actor %+v", u.name, a)
	}
	u.actor, u.token = a, token
	return a
}

// staffUser adds and signs in an account.
func (e *env) staffUser(name string, role staff.Role, team, scope string) desk.Actor {
	e.t.Helper()
	return e.signIn(e.addUser(name, role, team, scope))
}

// submit stores a report through the desk and returns its receipt and id.
func (e *env) submit(r hotline.Report) (string, int64) {
	e.t.Helper()
	return e.submitVia(e.d, r)
}

func (e *env) submitVia(d *desk.Desk, r hotline.Report) (string, int64) {
	e.t.Helper()
	receipt, err := d.Submit(e.ctx, &r)
	if err != nil {
		e.t.Fatalf("Submit: %v", err)
	}
	return receipt, e.reportID(receipt)
}

// reportID finds a report's id the way the desk does, through the
// receipt's lookup value.
func (e *env) reportID(receipt string) int64 {
	e.t.Helper()
	r, err := e.st.ReportByLookup(e.ctx, e.keys.DeriveReceipt(receipt).Lookup)
	if err != nil {
		e.t.Fatalf("report of receipt: %v", err)
	}
	return r.ID
}

// openCase submits a plain report and opens a case on it owned by a.
func (e *env) openCase(a desk.Actor) (caseID, reportID int64, receipt string) {
	e.t.Helper()
	receipt, reportID = e.submit(plainReport("caso"))
	caseID, err := e.d.OpenCase(e.ctx, a, reportID)
	if err != nil {
		e.t.Fatalf("OpenCase: %v", err)
	}
	return caseID, reportID, receipt
}

func (e *env) status(caseID int64) string {
	e.t.Helper()
	c, err := e.st.CaseByID(e.ctx, caseID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Status
}

// checkAudit verifies the whole audit chain and returns its length.
func (e *env) checkAudit() int64 {
	e.t.Helper()
	n, head, err := e.d.VerifyAudit(e.ctx)
	if err != nil {
		e.t.Fatalf("VerifyAudit: %v", err)
	}
	if n > 0 && (head == audit.Genesis || len(head) != 64) {
		e.t.Fatalf("VerifyAudit: head %q after %d entries", head, n)
	}
	return n
}

// auditActions lists the actions in the audit log, in order.
func (e *env) auditActions() []string {
	e.t.Helper()
	var out []string
	if err := e.st.AuditLog(e.ctx, func(en audit.Entry) error { out = append(out, en.Action); return nil }); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// sampleReport is the synthetic report of the intake tests: a possible case
// of trafficking of a girl recruited through a job offer, in Puebla.
func sampleReport() hotline.Report {
	return hotline.Report{
		Kind:         hotline.PosibleTrata,
		Description:  "  [SINTÉTICO] Una adolescente vecina recibió una oferta de trabajo de edecán y dejó de contestar mensajes.  ",
		State:        21,
		Municipality: "21114",
		When:         "2026-05",
		Exploitation: []string{"explotacion_sexual", "explotacion_sexual"},
		Recruitment:  []string{"whatsapp", "facebook"},
		Offer:        "Se solicitan edecanes de 15 a 17 años, sueldo 20 mil semanales, hospedaje pagado, sin experiencia. Informes al 55 1234 5678 o https://wa.me/5215512345678",
		Victims:      []hotline.Victim{{AgeBand: "13-17", Sex: "mujer", Nationality: " mx "}, {}},
		Urgent:       true,
		Contact:      hotline.Contact{Method: "ninguno"},
	}
}

// plainReport is a minimal valid synthetic report.
func plainReport(label string) hotline.Report {
	return hotline.Report{
		Kind:        hotline.SituacionRiesgo,
		Description: "[SINTÉTICO] Reporte de prueba " + label,
		State:       9,
		Contact:     hotline.Contact{Method: "ninguno"},
	}
}

func randHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// wrongCode returns a six-digit code that is not valid for secret at now
// (nor one step either side).
func wrongCode(t testing.TB, secret string, now time.Time) string {
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		c, err := staff.TOTPCode(secret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		valid[c] = true
	}
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", (123456+i*7919)%1000000)
		if !valid[c] {
			return c
		}
	}
}

// wantErr checks err against want: nil means success, anything else must
// match with errors.Is.
func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: unexpected error %v", what, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

func inputField(err error) string {
	var in *desk.InputError
	if errors.As(err, &in) {
		return in.Field
	}
	return ""
}

func auditEvent(action string) audit.Event {
	return audit.Event{Actor: "test", Action: action, Object: "staff:{id}"}
}
