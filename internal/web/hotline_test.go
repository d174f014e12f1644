package web

// HTTP-level tests of the hotline's faces: the public form and follow-up,
// the partners' reports API, the public statistics at /linea and the staff
// console. Every report, person, account, password, phone number, address
// and text in this file is synthetic, invented for these tests; none comes
// from a real report.

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// ---------------------------------------------------------------------------
// Harness

// hotClock is the clock of the desk and the server. It starts at the real
// time because the store stamps sessions, login failures and messages with
// the real clock, not with the desk's; tests only move it forward.
type hotClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *hotClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *hotClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer holds the server's log output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func hotGeography(t testing.TB) *hotline.Geography {
	t.Helper()
	g, err := hotline.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// hotUser is a synthetic member of staff.
type hotUser struct {
	name, password, secret string
	role                   staff.Role
	team, scope            string
}

// hotEnv is a server with the hotline over a fresh, unseeded SQLite store.
type hotEnv struct {
	t      *testing.T
	ctx    context.Context
	s      *Server
	st     *store.Store
	dbPath string
	d      *desk.Desk
	keys   *seal.Keys
	clock  *hotClock
	logs   *syncBuffer
	users  map[string]*hotUser
	closed bool
}

// hotlineServer builds a server with the whole hotline (intake and console)
// over a new SQLite file, a desk on a fake clock, and the server's debug log
// captured. tweak may change the Hotline options before they are applied.
func hotlineServer(t *testing.T, tweak ...func(*Hotline)) *hotEnv {
	t.Helper()
	ctx := context.Background()
	path := storetest.SQLite(t)
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	e := &hotEnv{t: t, ctx: ctx, st: st, dbPath: path, clock: &hotClock{t: time.Now()}, logs: &syncBuffer{}, users: map[string]*hotUser{}}
	t.Cleanup(func() {
		if !e.closed {
			st.Close()
		}
	})
	if e.keys, err = seal.Generate(); err != nil {
		t.Fatal(err)
	}
	e.d = desk.New(desk.Config{Store: st, Keys: e.keys, Geo: hotGeography(t), Screener: testScreener(t), Now: e.clock.Now})
	pop, err := ingest.Population()
	if err != nil {
		t.Fatal(err)
	}
	e.s = New(st, pop, testScreener(t), slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	e.s.now = e.clock.Now
	h := Hotline{Desk: e.d, Intake: true, Console: true, PerMinute: 1000}
	for _, f := range tweak {
		f(&h)
	}
	e.s.EnableHotline(h)
	return e
}

// closeStore closes the store (once), so that its files can be read.
func (e *hotEnv) closeStore() {
	e.t.Helper()
	if e.closed {
		return
	}
	e.closed = true
	if err := e.st.Close(); err != nil {
		e.t.Fatal(err)
	}
}

// addUser creates an account through the desk; it does not sign in.
func (e *hotEnv) addUser(name string, role staff.Role, team, scope string) *hotUser {
	e.t.Helper()
	u := &hotUser{name: name, password: "contraseña sintética de " + name, role: role, team: team, scope: scope}
	secret, err := e.d.AddStaff(e.ctx, "test", desk.NewStaff{Username: name, Password: u.password, Role: role, Team: team, Scope: scope})
	if err != nil {
		e.t.Fatalf("AddStaff %s: %v", name, err)
	}
	u.secret = secret
	e.users[name] = u
	return u
}

// code is u's one-time code at the clock's current time.
func (e *hotEnv) code(u *hotUser) string {
	e.t.Helper()
	c, err := staff.TOTPCode(u.secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// wrongCode is a six-digit code valid neither now nor a step either side.
func (e *hotEnv) wrongCode(u *hotUser) string {
	e.t.Helper()
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		c, err := staff.TOTPCode(u.secret, e.clock.Now().Add(d))
		if err != nil {
			e.t.Fatal(err)
		}
		valid[c] = true
	}
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", (271828+i*7919)%1000000)
		if !valid[c] {
			return c
		}
	}
}

// hotClient is one browser or partner: a client address and, once signed
// in to the console, a session cookie and its CSRF token.
type hotClient struct {
	e     *hotEnv
	addr  string
	token string
	csrf  string
	user  *hotUser
}

var clientSeq struct {
	sync.Mutex
	n int
}

// client returns a new client with its own address (rate limits and
// receipt lockouts are per address).
func (e *hotEnv) client() *hotClient {
	clientSeq.Lock()
	clientSeq.n++
	n := clientSeq.n
	clientSeq.Unlock()
	return &hotClient{e: e, addr: fmt.Sprintf("198.51.%d.%d:%d", 100+n/250, n%250+1, 40000+n%20000)}
}

func (c *hotClient) do(method, target string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	c.e.t.Helper()
	r := httptest.NewRequest(method, target, body)
	r.RemoteAddr = c.addr
	if c.token != "" && strings.HasPrefix(target, "/consola") {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.token})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	c.e.s.ServeHTTP(w, r)
	return w
}

func (c *hotClient) get(target string, hdr ...string) *httptest.ResponseRecorder {
	c.e.t.Helper()
	return c.do("GET", target, nil, hdr...)
}

// postForm posts a form as a browser on this site does; hdr may override
// the headers (Sec-Fetch-Site) to play a cross-site page.
func (c *hotClient) postForm(target string, form url.Values, hdr ...string) *httptest.ResponseRecorder {
	c.e.t.Helper()
	h := append([]string{"Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-origin"}, hdr...)
	return c.do("POST", target, strings.NewReader(form.Encode()), h...)
}

// consolePost posts a console form with this session's CSRF token.
func (c *hotClient) consolePost(target string, form url.Values, hdr ...string) *httptest.ResponseRecorder {
	c.e.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if f.Get("csrf") == "" {
		f.Set("csrf", c.csrf)
	}
	return c.postForm(target, f, hdr...)
}

func (c *hotClient) postJSON(target, body string, hdr ...string) *httptest.ResponseRecorder {
	c.e.t.Helper()
	h := append([]string{"Content-Type", "application/json"}, hdr...)
	return c.do("POST", target, strings.NewReader(body), h...)
}

// mine asks the API for a report by receipt.
func (c *hotClient) mine(receipt string) *httptest.ResponseRecorder {
	c.e.t.Helper()
	return c.get("/api/v1/reports/mine", "Authorization", "Receipt "+receipt)
}

// vals builds a form from key, value pairs; a key may repeat.
func vals(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func (c *hotClient) loginForm(user, password, code string, hdr ...string) *httptest.ResponseRecorder {
	c.e.t.Helper()
	return c.postForm("/consola/entrar", vals("usuario", user, "contrasena", password, "codigo", code), hdr...)
}

func sessionCookieOf(w *httptest.ResponseRecorder) *http.Cookie {
	for _, ck := range w.Result().Cookies() {
		if ck.Name == sessionCookie {
			return ck
		}
	}
	return nil
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn logs u in through the form with the current code and keeps the
// cookie and the CSRF token of the console's pages.
func (c *hotClient) signIn(u *hotUser) {
	c.e.t.Helper()
	w := c.loginForm(u.name, u.password, c.e.code(u))
	ck := sessionCookieOf(w)
	if w.Code != http.StatusSeeOther || ck == nil || ck.Value == "" {
		c.e.t.Fatalf("login %s: status %d, cookie %v: %s", u.name, w.Code, ck, w.Body)
	}
	c.token, c.user = ck.Value, u
	c.csrf = c.fetchCSRF()
}

func (c *hotClient) fetchCSRF() string {
	c.e.t.Helper()
	w := c.get("/consola")
	m := csrfInput.FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		c.e.t.Fatalf("console home: status %d, no csrf input: %s", w.Code, w.Body)
	}
	return m[1]
}

// login adds a new client signed in as u.
func (e *hotEnv) login(u *hotUser) *hotClient {
	e.t.Helper()
	c := e.client()
	c.signIn(u)
	return c
}

// actor is the desk's view of a signed-in client, for setting up state.
func (e *hotEnv) actor(c *hotClient) desk.Actor {
	e.t.Helper()
	a, _, err := e.d.Session(e.ctx, c.token)
	if err != nil {
		e.t.Fatalf("session of %s: %v", c.user.name, err)
	}
	return a
}

// submit stores a report through the desk and returns its receipt and id.
func (e *hotEnv) submit(r hotline.Report) (string, int64) {
	e.t.Helper()
	receipt, err := e.d.Submit(e.ctx, &r)
	if err != nil {
		e.t.Fatalf("Submit: %v", err)
	}
	return receipt, e.report(receipt).ID
}

// report finds a report by receipt the way the desk does.
func (e *hotEnv) report(receipt string) store.Report {
	e.t.Helper()
	n, ok := seal.NormalizeReceipt(receipt)
	if !ok {
		e.t.Fatalf("receipt %q is not 16 digits", receipt)
	}
	r, err := e.st.ReportByLookup(e.ctx, e.keys.DeriveReceipt(n).Lookup)
	if err != nil {
		e.t.Fatalf("report of receipt %s: %v", receipt, err)
	}
	return r
}

// count reads a table's row count through a second connection.
func (e *hotEnv) count(table string) int {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.dbPath+"?mode=ro")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(e.ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		e.t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

// syntheticReport is a minimal valid report.
func syntheticReport(desc string) hotline.Report {
	return hotline.Report{Kind: hotline.SituacionRiesgo, Description: desc, State: 19, Contact: hotline.Contact{Method: "ninguno"}}
}

var caseLocation = regexp.MustCompile(`^/consola/casos/(\d+)\?`)

// openCaseHTTP opens a case on a pending report through the console.
func (c *hotClient) openCaseHTTP(reportID int64) int64 {
	c.e.t.Helper()
	w := c.consolePost(fmt.Sprintf("/consola/reportes/%d/caso", reportID), nil)
	m := caseLocation.FindStringSubmatch(w.Header().Get("Location"))
	if w.Code != http.StatusSeeOther || m == nil {
		c.e.t.Fatalf("open case on report %d: status %d, location %q: %s", reportID, w.Code, w.Header().Get("Location"), w.Body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// wantStatus checks a response's status.
func wantStatus(t *testing.T, what string, w *httptest.ResponseRecorder, want int) bool {
	t.Helper()
	if w.Code != want {
		t.Errorf("%s: status %d, want %d; body: %.400s", what, w.Code, want, w.Body)
		return false
	}
	return true
}

// noStoreHeaders checks a hotline response is not to be cached and carries
// the security headers.
func noStoreHeaders(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
	}
	checkHeaders(t, what, w.Header())
}

// escTpl escapes as html/template does in text and quoted attributes
// (which, unlike template.HTMLEscapeString, also escapes "+").
var escTpl = template.Must(template.New("esc").Parse(`{{.}}`))

func esc(s string) string {
	var b strings.Builder
	if err := escTpl.Execute(&b, s); err != nil {
		panic(err)
	}
	return b.String()
}

func es(key string, args ...any) string { return esc(locale.T(locale.ES, key, args...)) }

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// openAPIDoc is the served OpenAPI document, navigated loosely.
type openAPIDoc map[string]any

func loadOpenAPI(t *testing.T, e *hotEnv) openAPIDoc {
	t.Helper()
	w := e.client().get("/api/v1/openapi.json")
	var doc openAPIDoc
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func (d openAPIDoc) dig(keys ...string) any {
	var v any = map[string]any(d)
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func (d openAPIDoc) resolve(sch map[string]any) map[string]any {
	if ref, ok := sch["$ref"].(string); ok {
		s, _ := d.dig("components", "schemas", strings.TrimPrefix(ref, "#/components/schemas/")).(map[string]any)
		return s
	}
	return sch
}

func (d openAPIDoc) schema(t *testing.T, keys ...string) map[string]any {
	t.Helper()
	s, ok := d.dig(keys...).(map[string]any)
	if !ok {
		t.Fatalf("openapi.json has no schema at %v", keys)
	}
	return d.resolve(s)
}

// ---------------------------------------------------------------------------
// 1. The partners' API

func TestHotlineAPIContract(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	doc := loadOpenAPI(t, e)
	c := e.client()

	example := doc.dig("paths", "/api/v1/reports", "post", "requestBody", "content", "application/json", "example")
	if example == nil {
		t.Fatal("openapi.json has no example for POST /api/v1/reports")
	}
	body, _ := json.Marshal(example)
	w := c.postJSON("/api/v1/reports", string(body))
	if !wantStatus(t, "POST the documented example", w, http.StatusCreated) {
		t.FailNow()
	}
	noStoreHeaders(t, "POST /api/v1/reports", w)
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var created map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &created); err != nil {
		t.Fatal(err)
	}
	created201 := doc.schema(t, "paths", "/api/v1/reports", "post", "responses", "201", "content", "application/json", "schema")
	checkSchema(t, "201", created, created201, doc.resolve)
	pattern, _ := doc.dig("paths", "/api/v1/reports", "post", "responses", "201", "content", "application/json", "schema", "properties", "receipt", "pattern").(string)
	receipt, _ := created["receipt"].(string)
	if pattern == "" || !regexp.MustCompile(pattern).MatchString(receipt) || !regexp.MustCompile(`^[0-9]{16}$`).MatchString(receipt) {
		t.Fatalf("receipt %q does not match %q", receipt, pattern)
	}
	if r := e.report(receipt); r.State != 21 || r.Kind != "posible_trata" || r.Channel != "api" || r.Triage != "pendiente" {
		t.Errorf("stored report: state %d kind %q channel %q triage %q", r.State, r.Kind, r.Channel, r.Triage)
	}

	// The state as a number, a string and a zero-padded string.
	for _, tc := range []struct {
		name, state, muni string
		want              int
	}{
		{"number", `21`, "21114", 21},
		{"string", `"21"`, "21114", 21},
		{"zero-padded string", `"09"`, "", 9},
		{"small number", `9`, "", 9},
	} {
		req := map[string]any{"kind": "informacion", "description": "[SINTÉTICO] estado como " + tc.name, "state": json.RawMessage(tc.state)}
		if tc.muni != "" {
			req["municipality"] = tc.muni
		}
		b, _ := json.Marshal(req)
		w := c.postJSON("/api/v1/reports", string(b))
		if !wantStatus(t, "state "+tc.name, w, http.StatusCreated) {
			continue
		}
		var got struct{ Receipt string }
		json.Unmarshal(w.Body.Bytes(), &got)
		if r := e.report(got.Receipt); r.State != tc.want {
			t.Errorf("state %s: stored state %d, want %d", tc.name, r.State, tc.want)
		}
	}

	// Invalid requests: nothing is stored, and the invalid field is named.
	reportError := doc.schema(t, "paths", "/api/v1/reports", "post", "responses", "400", "content", "application/json", "schema")
	valid := func() map[string]any {
		return map[string]any{"kind": "informacion", "description": "[SINTÉTICO] solicitud de información", "state": 21}
	}
	with := func(f func(m map[string]any)) string {
		m := valid()
		f(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	before := e.count("reports")
	for _, tc := range []struct {
		name, body string
		status     int
		field      string // "" when the error is not about one field
		errorHas   string
	}{
		{"missing kind", with(func(m map[string]any) { delete(m, "kind") }), 400, "kind", ""},
		{"unknown kind", with(func(m map[string]any) { m["kind"] = "trata_inventada" }), 400, "kind", ""},
		{"missing description", with(func(m map[string]any) { delete(m, "description") }), 400, "description", ""},
		{"blank description", with(func(m map[string]any) { m["description"] = "   \n " }), 400, "description", ""},
		{"description too long", with(func(m map[string]any) { m["description"] = strings.Repeat("á", hotline.MaxDescription+1) }), 400, "description", ""},
		{"missing state", with(func(m map[string]any) { delete(m, "state") }), 400, "state", ""},
		{"state 33", with(func(m map[string]any) { m["state"] = 33 }), 400, "state", ""},
		{"state \"33\"", with(func(m map[string]any) { m["state"] = "33" }), 400, "state", ""},
		{"state 0", with(func(m map[string]any) { m["state"] = 0 }), 400, "state", ""},
		{"state by name", with(func(m map[string]any) { m["state"] = "Puebla" }), 400, "state", ""},
		{"state 21.5", with(func(m map[string]any) { m["state"] = 21.5 }), 400, "state", ""},
		{"unknown municipality", with(func(m map[string]any) { m["municipality"] = "99999" }), 400, "municipality", ""},
		{"municipality of another state", with(func(m map[string]any) { m["municipality"] = "09015" }), 400, "municipality", ""},
		{"bad when", with(func(m map[string]any) { m["when"] = "ayer" }), 400, "when", ""},
		{"unknown exploitation", with(func(m map[string]any) { m["exploitation"] = []string{"inventada"} }), 400, "exploitation", ""},
		{"bad nationality", with(func(m map[string]any) { m["victims"] = []map[string]any{{"nationality": "Mexico"}} }), 400, "victims[0].nationality", ""},
		{"contact without value", with(func(m map[string]any) { m["contact"] = map[string]any{"method": "telefono"} }), 400, "contact.value", ""},
		{"unknown field", with(func(m map[string]any) { m["nombre"] = "Persona Sintética" }), 400, "", "nombre"},
		{"two JSON objects", with(func(map[string]any) {}) + with(func(map[string]any) {}), 400, "", "one JSON object"},
		{"an array", `[` + with(func(map[string]any) {}) + `]`, 400, "", ""},
		{"not JSON", `kind=informacion`, 400, "", ""},
		{"empty body", ``, 400, "", ""},
		{"larger than 64 KiB", with(func(m map[string]any) { m["description"] = strings.Repeat("a", 70<<10) }), 413, "", ""},
	} {
		w := c.postJSON("/api/v1/reports", tc.body)
		if !wantStatus(t, tc.name, w, tc.status) {
			continue
		}
		var got map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Errorf("%s: body is not JSON: %s", tc.name, w.Body)
			continue
		}
		if msg, _ := got["error"].(string); msg == "" || !strings.Contains(msg, tc.errorHas) {
			t.Errorf("%s: error %q, want one mentioning %q", tc.name, msg, tc.errorHas)
		}
		if tc.status == 400 {
			checkSchema(t, tc.name, got, reportError, doc.resolve)
		}
		fields, _ := got["fields"].(map[string]any)
		if tc.field != "" {
			if msg, _ := fields[tc.field].(string); msg == "" {
				t.Errorf("%s: fields %v do not name %q", tc.name, fields, tc.field)
			}
		}
		if _, ok := got["receipt"]; ok {
			t.Errorf("%s: an invalid report got a receipt", tc.name)
		}
	}
	if after := e.count("reports"); after != before {
		t.Errorf("invalid requests stored %d reports", after-before)
	}

	// Following a report by receipt.
	followup := doc.schema(t, "paths", "/api/v1/reports/mine", "get", "responses", "200", "content", "application/json", "schema")
	statuses, _ := followup["properties"].(map[string]any)["status"].(map[string]any)["enum"].([]any)
	grouped := receipt[:4] + " " + receipt[4:8] + " " + receipt[8:12] + " " + receipt[12:]
	dashed := strings.ReplaceAll(grouped, " ", "-")
	for _, form := range []string{receipt, grouped, dashed, "  " + receipt + " "} {
		w := c.mine(form)
		if !wantStatus(t, "mine "+form, w, http.StatusOK) {
			continue
		}
		noStoreHeaders(t, "GET /api/v1/reports/mine", w)
		var got map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		checkSchema(t, "mine", got, followup, doc.resolve)
		okStatus := false
		for _, s := range statuses {
			okStatus = okStatus || s == got["status"]
		}
		if !okStatus || got["status"] != "recibido" {
			t.Errorf("mine: status %v, want recibido (one of %v)", got["status"], statuses)
		}
		if _, leaked := got["kind"]; leaked || got["received_on"] != e.clock.Now().UTC().Format(time.DateOnly) || got["added"] != float64(0) {
			t.Errorf("mine: %v", got)
		}
		if reps, ok := got["replies"].([]any); !ok || len(reps) != 0 {
			t.Errorf("mine: replies %#v, want an empty array", got["replies"])
		}
		for _, leak := range []string{"description", "Synthetic example", "offer", "edecanes"} {
			if strings.Contains(w.Body.String(), leak) {
				t.Errorf("mine shows the report's contents (%q): %s", leak, w.Body)
			}
		}
	}
	if w := c.get("/api/v1/reports/mine", "Authorization", "receipt "+receipt); w.Code != http.StatusOK {
		t.Errorf("lower-case scheme: status %d", w.Code)
	}
	unknown := fmt.Sprintf("%016d", 1234567890123456)
	if unknown == receipt {
		unknown = "6543210987654321"
	}
	if w := c.mine(unknown); wantStatus(t, "unknown receipt", w, http.StatusNotFound) && strings.Contains(w.Body.String(), "status") {
		t.Errorf("unknown receipt answers a status: %s", w.Body)
	}
	for _, hdr := range [][]string{nil, {"Authorization", "Bearer " + receipt}, {"Authorization", "Receipt "}, {"Authorization", receipt}} {
		w := c.get("/api/v1/reports/mine", hdr...)
		if wantStatus(t, fmt.Sprintf("header %q", hdr), w, http.StatusUnauthorized) && w.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("401 without WWW-Authenticate")
		}
	}

	// Receipt brute force: ten unknown receipts lock this client out for
	// the day, even with a valid receipt, on the API and the form alike;
	// another client is not affected.
	brute := e.client()
	for i := 0; i < receiptFailures; i++ {
		guess, err := seal.NewReceipt()
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, fmt.Sprintf("guess %d", i+1), brute.mine(guess), http.StatusNotFound)
	}
	if w := brute.mine(receipt); wantStatus(t, "valid receipt after 10 guesses", w, http.StatusTooManyRequests) && strings.Contains(w.Body.String(), "recibido") {
		t.Error("the locked-out client saw the report's status")
	}
	if w := brute.postForm("/seguimiento", vals("folio", receipt)); wantStatus(t, "form after 10 guesses", w, http.StatusTooManyRequests) &&
		strings.Contains(w.Body.String(), es("follow.status.recibido")) {
		t.Error("the locked-out client saw the report's status on the form")
	}
	wantStatus(t, "another client", e.client().mine(receipt), http.StatusOK)
	e.clock.Advance(24 * time.Hour)
	wantStatus(t, "the next day", brute.mine(receipt), http.StatusOK)

	// Reports per minute per client.
	t.Run("rate limit", func(t *testing.T) {
		t.Parallel()
		e := hotlineServer(t, func(h *Hotline) { h.PerMinute = 2 })
		c := e.client()
		b := `{"kind":"informacion","description":"[SINTÉTICO] límite","state":"09"}`
		wantStatus(t, "first", c.postJSON("/api/v1/reports", b), http.StatusCreated)
		wantStatus(t, "second", c.postJSON("/api/v1/reports", b), http.StatusCreated)
		w := c.postJSON("/api/v1/reports", b)
		if wantStatus(t, "third in a minute", w, http.StatusTooManyRequests) && w.Header().Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		wantStatus(t, "the form shares the limit", c.postForm("/reportar", vals("tipo", "informacion", "descripcion", "[SINTÉTICO] x", "estado", "9")), http.StatusTooManyRequests)
		wantStatus(t, "another client", e.client().postJSON("/api/v1/reports", b), http.StatusCreated)
		if n := e.count("reports"); n != 3 {
			t.Errorf("%d reports stored, want 3", n)
		}
		e.clock.Advance(time.Minute)
		wantStatus(t, "a minute later", c.postJSON("/api/v1/reports", b), http.StatusCreated)
	})
}

// ---------------------------------------------------------------------------
// 2. The form without JavaScript

// nextControl returns the name of the first form control after position i.
var nameAttr = regexp.MustCompile(`name="([^"]+)"`)

func nextControl(body string, i int) string {
	m := nameAttr.FindStringSubmatch(body[i:])
	if m == nil {
		return ""
	}
	return m[1]
}

// errorBefore checks that the error message msg is shown right before the
// form control named field (no other control in between).
func errorBefore(t *testing.T, body, msg, field string) {
	t.Helper()
	var found []string
	for off := 0; ; {
		i := strings.Index(body[off:], msg)
		if i < 0 {
			break
		}
		at := off + i
		// It must be in an error paragraph.
		if p := strings.LastIndex(body[:at], "<p class=\"error\""); p >= 0 && at-p < 80 {
			next := nextControl(body, at)
			if next == field {
				return
			}
			found = append(found, next)
		}
		off = at + len(msg)
	}
	t.Errorf("error %q is not shown next to field %q (found before: %v)", msg, field, found)
}

func TestReportFormNoJS(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	c := e.client()

	w := c.get("/reportar")
	wantStatus(t, "GET /reportar", w, http.StatusOK)
	noStoreHeaders(t, "GET /reportar", w)
	body := w.Body.String()
	for _, want := range []string{`<form method="post" action="/reportar`, `<button type="submit">`,
		`name="tipo"`, `name="urgente"`, `name="descripcion"`, `name="estado"`, `name="cuando"`, `name="explotacion"`,
		`name="reclutamiento"`, `name="oferta"`, `name="edad"`, `name="sexo"`, `name="nacionalidad"`, `name="grupos"`,
		`name="contacto"`, `name="contacto_valor"`, `name="contacto_seguro"`,
		"800 5533 000", `href="tel:8005533000"`, `href="tel:911"`, `class="quick-exit" id="salida" href="/salir"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/reportar lacks %s", want)
		}
	}
	for _, vocab := range []hotline.Vocab{hotline.Kinds, hotline.Exploitation, hotline.Recruitment, hotline.AgeBands, hotline.Sexes, hotline.Groups, hotline.ContactMethods} {
		for _, term := range vocab {
			if !strings.Contains(body, `value="`+esc(term.Value)+`"`) {
				t.Errorf("/reportar has no choice %q", term.Value)
			}
		}
	}
	for i := 1; i <= 32; i++ {
		if !strings.Contains(body, fmt.Sprintf(`<option value="%d"`, i)) {
			t.Errorf("/reportar has no state %d", i)
		}
	}
	// Municipalities come without JavaScript: choose the state, get them.
	if strings.Contains(body, `name="municipio"`) {
		t.Error("municipalities offered before a state was chosen")
	}
	w = c.get("/reportar?estado=21")
	if b := w.Body.String(); !strings.Contains(b, `<select id="municipio" name="municipio">`) || !strings.Contains(b, `<option value="21114">`) ||
		strings.Contains(b, `<option value="09015">`) || !strings.Contains(b, `<option value="21" selected>`) {
		t.Error("/reportar?estado=21 does not offer Puebla's municipalities (only)")
	}
	noStoreHeaders(t, "GET /reportar?estado=21", w)

	// A browser posts the form.
	form := vals("tipo", "posible_trata", "urgente", "si", "descripcion", "[SINTÉTICO] Un conocido ofreció trabajo en una fábrica a dos jóvenes y les quitó sus documentos.",
		"estado", "21", "municipio", "21114", "cuando", "2026-10", "explotacion", "explotacion_laboral", "reclutamiento", "conocido",
		"oferta", "Se buscan ayudantes de fábrica, pago semanal, hospedaje incluido (sintético)", "edad", "18-29", "sexo", "hombre",
		"nacionalidad", "gt", "grupos", "migrante", "contacto", "ninguno")
	before := e.count("reports")
	w = c.postForm("/reportar", form)
	wantStatus(t, "POST /reportar", w, http.StatusOK)
	noStoreHeaders(t, "POST /reportar", w)
	body = w.Body.String()
	m := regexp.MustCompile(`data-receipt="([0-9]{16})"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no 16-digit receipt on the page: %s", body)
	}
	receipt := m[1]
	grouped := receipt[:4] + " " + receipt[4:8] + " " + receipt[8:12] + " " + receipt[12:]
	for _, want := range []string{grouped, es("receipt.once"), "800 5533 000"} {
		if !strings.Contains(body, want) {
			t.Errorf("receipt page lacks %q", want)
		}
	}
	if strings.Contains(body, "Un conocido ofreció") {
		t.Error("the receipt page repeats the report")
	}
	if r := e.report(receipt); r.State != 21 || r.Kind != "posible_trata" || r.Channel != "web" || r.Urgency < 10 {
		t.Errorf("stored: state %d kind %s channel %s urgency %d", r.State, r.Kind, r.Channel, r.Urgency)
	}
	if n := e.count("reports"); n != before+1 {
		t.Errorf("%d reports stored, want 1", n-before)
	}

	// Another site cannot post the form in the visitor's browser.
	before = e.count("reports")
	wantStatus(t, "cross-site POST /reportar", c.postForm("/reportar", form, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
	wantStatus(t, "foreign Origin POST /reportar", c.postForm("/reportar", form, "Sec-Fetch-Site", "", "Origin", "https://evil.example"), http.StatusForbidden)
	if n := e.count("reports"); n != before {
		t.Errorf("a cross-site POST stored %d reports", n-before)
	}

	// An invalid form comes back with what was typed and each error next to
	// its field.
	bad := vals("descripcion", "[SINTÉTICO] texto que debe conservarse", "estado", "21", "municipio", "09015", "cuando", "ayer",
		"oferta", "oferta sintética conservada", "contacto", "telefono", "contacto_seguro", "después de las 8", "nacionalidad", "gt", "urgente", "si")
	w = c.postForm("/reportar", bad)
	wantStatus(t, "invalid form", w, http.StatusBadRequest)
	noStoreHeaders(t, "invalid form", w)
	body = w.Body.String()
	for _, want := range []string{es("report.err.fix"), ">[SINTÉTICO] texto que debe conservarse</textarea>", ">oferta sintética conservada</textarea>",
		`value="ayer"`, `<option value="21" selected>`, `value="telefono" checked`, `value="después de las 8"`, `value="gt"`, `value="si" checked`, `id="err-kind"`} {
		if !strings.Contains(body, want) {
			t.Errorf("invalid form lost %q", want)
		}
	}
	if strings.Contains(body, "data-receipt") {
		t.Error("an invalid form got a receipt")
	}
	errorBefore(t, body, es("hotline.err.kind"), "tipo")
	errorBefore(t, body, es("hotline.err.when"), "cuando")
	errorBefore(t, body, es("hotline.err.municipality_state"), "municipio")
	errorBefore(t, body, es("hotline.err.contact_value"), "contacto_valor")
	// An offer too long (a browser that ignores maxlength) and a bad
	// nationality are marked too.
	w = c.postForm("/reportar", vals("tipo", "informacion", "descripcion", "[SINTÉTICO] x", "estado", "9",
		"oferta", strings.Repeat("o", hotline.MaxOffer+1), "nacionalidad", "Mexico"))
	wantStatus(t, "offer too long", w, http.StatusBadRequest)
	errorBefore(t, w.Body.String(), es("hotline.err.too_long"), "oferta")
	errorBefore(t, w.Body.String(), es("hotline.err.country"), "edad")

	// Quick exit.
	w = c.get("/salir")
	if w.Code != http.StatusSeeOther && w.Code != http.StatusFound {
		t.Errorf("/salir: status %d", w.Code)
	}
	csd := w.Header().Get("Clear-Site-Data")
	for _, want := range []string{`"cache"`, `"cookies"`, `"storage"`} {
		if !strings.Contains(csd, want) {
			t.Errorf("/salir: Clear-Site-Data %q lacks %s", csd, want)
		}
	}
	if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, "https://") || strings.Contains(loc, "example.com") || strings.Contains(loc, "vigia") {
		t.Errorf("/salir goes to %q", loc)
	}
	noStoreHeaders(t, "/salir", w)

	// Follow-up with the receipt, in the body of a POST.
	w = c.get("/seguimiento?folio=" + receipt)
	wantStatus(t, "GET /seguimiento", w, http.StatusOK)
	noStoreHeaders(t, "GET /seguimiento", w)
	if strings.Contains(w.Body.String(), es("follow.status.recibido")) {
		t.Error("a receipt in the URL opened the report")
	}
	w = c.postForm("/seguimiento", vals("folio", grouped))
	wantStatus(t, "POST /seguimiento", w, http.StatusOK)
	noStoreHeaders(t, "POST /seguimiento", w)
	body = w.Body.String()
	for _, want := range []string{es("follow.status.recibido"), e.clock.Now().UTC().Format(time.DateOnly), es("follow.noreplies"), `value="` + receipt + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("follow-up page lacks %q", want)
		}
	}
	if strings.Contains(body, "Un conocido ofreció") {
		t.Error("the follow-up page shows the report's contents")
	}
	w = c.postForm("/seguimiento", vals("folio", receipt, "agregar", "  [SINTÉTICO] También se llevaron a un tercer joven.  "))
	wantStatus(t, "add information", w, http.StatusOK)
	body = w.Body.String()
	if !strings.Contains(body, es("follow.added")) || !strings.Contains(body, es("follow.added_n")+" 1") {
		t.Errorf("adding information: no confirmation or count: %s", body)
	}
	var f desk.Followup
	json.Unmarshal(c.mine(receipt).Body.Bytes(), &f)
	if f.Added != 1 {
		t.Errorf("API after adding: added %d, want 1", f.Added)
	}
	wantStatus(t, "add blank text", c.postForm("/seguimiento", vals("folio", receipt, "agregar", "   ")), http.StatusOK)
	json.Unmarshal(c.mine(receipt).Body.Bytes(), &f)
	if f.Added != 1 {
		t.Errorf("blank text was added: added %d", f.Added)
	}
	other := "1111222233334444"
	if other == receipt {
		other = "4444333322221111"
	}
	w = c.postForm("/seguimiento", vals("folio", other, "agregar", "[SINTÉTICO] texto a un folio ajeno"))
	if wantStatus(t, "unknown receipt", w, http.StatusNotFound) && !strings.Contains(w.Body.String(), es("follow.err.unknown")) {
		t.Error("unknown receipt: no message")
	}
	wantStatus(t, "cross-site POST /seguimiento", c.postForm("/seguimiento", vals("folio", receipt, "agregar", "[SINTÉTICO] desde otro sitio"), "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
	json.Unmarshal(c.mine(receipt).Body.Bytes(), &f)
	if f.Added != 1 {
		t.Errorf("a cross-site POST added information: added %d", f.Added)
	}

	// Every other hotline page is no-store too, and /linea renders over a
	// store without any SESNSP data.
	for _, p := range []string{"/linea", "/linea?formato=csv", "/consola/entrar"} {
		w := c.get(p)
		wantStatus(t, p, w, http.StatusOK)
		noStoreHeaders(t, p, w)
	}
	if w := c.get("/consola"); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/consola/entrar") {
		t.Errorf("/consola without a session: %d %s", w.Code, w.Header().Get("Location"))
	} else {
		noStoreHeaders(t, "/consola", w)
	}
}

// ---------------------------------------------------------------------------
// 3. Stored and reflected XSS

const (
	xssScript = `<script>alert(1)</script>`
	xssAttr   = `"><img src=x onerror=alert(1)>`
)

// xss is a payload labelled by where it was typed.
func xss(label string) string { return label + " " + xssScript + " " + xssAttr }

// noRawXSS fails when a page carries a payload unescaped.
func noRawXSS(t *testing.T, where, body string) {
	t.Helper()
	for _, raw := range []string{xssScript, "<img src=x", "onerror=alert(1)>", `"><img`} {
		if strings.Contains(body, raw) {
			i := strings.Index(body, raw)
			t.Errorf("%s: unescaped payload %q: …%s…", where, raw, body[max(0, i-120):min(len(body), i+80)])
		}
	}
}

// escapedIn checks each payload appears on the page, escaped.
func escapedIn(t *testing.T, where, body string, payloads ...string) {
	t.Helper()
	noRawXSS(t, where, body)
	for _, p := range payloads {
		if !strings.Contains(body, esc(p)) {
			t.Errorf("%s: payload %q not shown (escaped as %q)", where, p, esc(p))
		}
	}
}

func TestStoredXSS(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	reporter := e.client()
	op1 := e.addUser("op1", staff.Operador, "norte", "own")
	sup1 := e.addUser("sup1", staff.Supervisor, "norte", "team")
	adm := e.addUser("adm", staff.Administrador, "general", "own")

	// Reflected: an invalid form shows back what was typed, escaped.
	form := vals("tipo", "posible_trata", "descripcion", xss("desc"), "estado", "21", "oferta", xss("oferta"),
		"contacto", "telefono", "contacto_valor", xss("valor"), "contacto_seguro", xss("seguro"), "cuando", xss("cuando"), "nacionalidad", `">`)
	w := reporter.postForm("/reportar", form)
	wantStatus(t, "invalid form", w, http.StatusBadRequest)
	escapedIn(t, "re-rendered form", w.Body.String(), xss("desc"), xss("oferta"), xss("valor"), xss("seguro"), xss("cuando"))
	w = reporter.get("/reportar?estado=" + url.QueryEscape(xssScript) + "&lang=" + url.QueryEscape(xssAttr))
	noRawXSS(t, "/reportar?estado=<script>", w.Body.String())

	// Stored: the same report, valid.
	form.Del("cuando")
	form.Del("nacionalidad")
	w = reporter.postForm("/reportar", form)
	m := regexp.MustCompile(`data-receipt="([0-9]{16})"`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		t.Fatalf("form report: %d %s", w.Code, w.Body)
	}
	receipt := m[1]
	reportID := e.report(receipt).ID
	w = reporter.postForm("/seguimiento", vals("folio", receipt, "agregar", xss("agregado")))
	wantStatus(t, "add information", w, http.StatusOK)
	noRawXSS(t, "follow-up after adding", w.Body.String())

	// A partner naming its channel with markup is refused (the channel is
	// kept in the clear: a plain name only).
	b, _ := json.Marshal(map[string]any{"kind": "informacion", "description": "[SINTÉTICO] canal", "state": 9, "channel": xssScript})
	wantStatus(t, "API report with markup in channel", reporter.postJSON("/api/v1/reports", string(b)), http.StatusBadRequest)
	b, _ = json.Marshal(map[string]any{"kind": "informacion", "description": xss("api-desc"), "state": 9, "channel": "bot-aliado",
		"contact": map[string]any{"method": "correo", "value": xss("api-valor"), "safe": xss("api-seguro")}})
	w = reporter.postJSON("/api/v1/reports", string(b))
	if !wantStatus(t, "API report", w, http.StatusCreated) {
		t.FailNow()
	}
	var created struct{ Receipt string }
	json.Unmarshal(w.Body.Bytes(), &created)
	apiReportID := e.report(created.Receipt).ID
	// An unknown field named with markup comes back in the error, escaped.
	w = reporter.postJSON("/api/v1/reports", `{"`+xssScript+`": 1}`)
	if wantStatus(t, "unknown field with markup", w, http.StatusBadRequest) && strings.ContainsAny(w.Body.String(), "<>") {
		t.Errorf("API error carries raw < or >: %s", w.Body)
	}

	// Console inputs.
	c1 := e.login(op1)
	cs := e.login(sup1)
	ca := e.login(adm)
	w = c1.get("/consola")
	noRawXSS(t, "console queue", w.Body.String())
	caseID := c1.openCaseHTTP(reportID)
	caseURL := fmt.Sprintf("/consola/casos/%d", caseID)
	for _, step := range []struct {
		who  *hotClient
		path string
		form url.Values
	}{
		{c1, caseURL + "/nota", vals("texto", xss("nota"))},
		{c1, caseURL + "/tarea", vals("texto", xss("tarea"), "vence", "2026-12-31")},
		{cs, caseURL + "/canalizar", vals("institucion", "fiscalia", "detalles", xss("detalles-excepcion"), "motivo_excepcion", xss("excepcion"))},
		{c1, caseURL + "/consentimiento", vals("consentimiento", "si")},
		{c1, caseURL + "/canalizar", vals("institucion", "ceav", "detalles", xss("detalles"))},
		{c1, caseURL + "/mover", vals("a", "evaluacion")},
		{c1, caseURL + "/cierre", vals("motivo", xss("cierre"))},
		{c1, fmt.Sprintf("/consola/reportes/%d/responder", reportID), vals("texto", xss("respuesta"))},
		{c1, fmt.Sprintf("/consola/reportes/%d/responder", apiReportID), vals("texto", xss("api-respuesta"))},
		{ca, caseURL + "/emergencia", vals("motivo", xss("emergencia"))},
	} {
		w := step.who.consolePost(step.path, step.form)
		if w.Code != http.StatusSeeOther {
			t.Errorf("POST %s as %s: %d %s", step.path, step.who.user.name, w.Code, w.Body)
		}
		noRawXSS(t, step.path, w.Body.String())
	}
	// Staff: a username with markup is refused without echoing it; a team
	// with markup is shown escaped.
	w = ca.consolePost("/consola/personal", vals("usuario", xss("usuario"), "contrasena", "contraseña sintética larga", "rol", "operador"))
	wantStatus(t, "username with markup", w, http.StatusBadRequest)
	noRawXSS(t, "staff error", w.Body.String())
	w = ca.consolePost("/consola/personal", vals("usuario", "equipo_raro", "contrasena", "contraseña sintética larga", "rol", "operador", "equipo", xss("equipo")))
	wantStatus(t, "team with markup", w, http.StatusOK)
	escapedIn(t, "staff page after adding", w.Body.String(), xss("equipo"))
	escapedIn(t, "staff page", ca.get("/consola/personal").Body.String(), xss("equipo"))
	// The login page shows back the username typed.
	w = e.client().loginForm(xss("usuario"), "contraseña cualquiera", "123456")
	wantStatus(t, "login with markup", w, http.StatusUnauthorized)
	escapedIn(t, "login page", w.Body.String(), xss("usuario"))

	// Render every page that shows the stored text.
	reportPayloads := []string{xss("desc"), xss("oferta"), xss("valor"), xss("seguro"), xss("agregado"), xss("respuesta")}
	w = c1.get(fmt.Sprintf("/consola/reportes/%d", reportID))
	wantStatus(t, "report page", w, http.StatusOK)
	escapedIn(t, "report page", w.Body.String(), reportPayloads...)
	w = c1.get(fmt.Sprintf("/consola/reportes/%d", apiReportID))
	wantStatus(t, "API report page", w, http.StatusOK)
	escapedIn(t, "API report page", w.Body.String(), xssScript, xss("api-desc"), xss("api-valor"), xss("api-seguro"), xss("api-respuesta"))
	casePayloads := append(reportPayloads, xss("nota"), xss("tarea"), xss("detalles"), xss("detalles-excepcion"), xss("cierre"), xss("emergencia"))
	for _, who := range []*hotClient{c1, cs, ca} {
		w = who.get(caseURL)
		wantStatus(t, "case page as "+who.user.name, w, http.StatusOK)
		escapedIn(t, "case page as "+who.user.name, w.Body.String(), casePayloads...)
	}
	escapedIn(t, "console home", c1.get("/consola").Body.String())
	escapedIn(t, "console flash from the URL", c1.get("/consola?ok="+url.QueryEscape(xssScript+xssAttr)).Body.String())
	escapedIn(t, "supervisor home", cs.get("/consola").Body.String())

	// The reporter's pages.
	w = reporter.postForm("/seguimiento", vals("folio", receipt))
	wantStatus(t, "follow-up", w, http.StatusOK)
	escapedIn(t, "follow-up", w.Body.String(), xss("respuesta"))
	w = reporter.mine(created.Receipt)
	wantStatus(t, "API follow-up", w, http.StatusOK)
	if strings.ContainsAny(w.Body.String(), "<>") || !strings.Contains(w.Body.String(), `\u003cscript\u003e`) {
		t.Errorf("API JSON does not escape < and >: %s", w.Body)
	}
	var f desk.Followup
	if err := json.Unmarshal(w.Body.Bytes(), &f); err != nil || len(f.Replies) != 1 || f.Replies[0].Text != xss("api-respuesta") {
		t.Errorf("API follow-up decodes to %+v, %v", f, err)
	}
}

// ---------------------------------------------------------------------------
// 4. SQL injection

var sqlPayloads = []string{
	`' OR 1=1 --`,
	`1; DROP TABLE reports; --`,
	`%27`,
	`' OR '1'='1`,
	`1 OR 1=1`,
	`" OR ""="`,
	`1' UNION SELECT username, password FROM staff --`,
	`'; DELETE FROM staff; --`,
	`1)) OR ((1=1`,
}

func TestSQLInjection(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	canary := "CANARIO-SQL-" + randomHex(t, 6)
	op1 := e.addUser("op1", staff.Operador, "norte", "own")
	adm := e.addUser("adm", staff.Administrador, "general", "own")
	pw := e.addUser("victima_pw", staff.Operador, "norte", "own")
	receipt, reportID := e.submit(syntheticReport("[SINTÉTICO] " + canary))
	_, pendingID := e.submit(syntheticReport("[SINTÉTICO] otro reporte " + canary))
	c1 := e.login(op1)
	a1 := e.actor(c1)
	caseID := c1.openCaseHTTP(reportID)
	caseURL := fmt.Sprintf("/consola/casos/%d", caseID)
	if err := e.d.AddTask(e.ctx, a1, caseID, "[SINTÉTICO] tarea", "2026-12-31"); err != nil {
		t.Fatal(err)
	}
	if err := e.d.SetConsent(e.ctx, a1, caseID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.d.Refer(e.ctx, a1, caseID, "fiscalia", "[SINTÉTICO] detalles", ""); err != nil {
		t.Fatal(err)
	}
	reports, staffRows, cases := e.count("reports"), e.count("staff"), e.count("cases")

	noLeak := func(what string, w *httptest.ResponseRecorder) {
		t.Helper()
		if w.Code >= 500 {
			t.Errorf("%s: status %d: %s", what, w.Code, w.Body)
		}
		if strings.Contains(w.Body.String(), canary) {
			t.Errorf("%s: the response carries a report's text", what)
		}
		if ck := sessionCookieOf(w); ck != nil && ck.Value != "" {
			t.Errorf("%s: a session cookie was issued", what)
		}
	}
	for _, p := range sqlPayloads {
		for _, r := range []string{p, receipt + p, p + receipt, "1234567890123456" + p} {
			w := e.client().mine(r)
			noLeak("receipt header "+r, w)
			if w.Code != http.StatusNotFound {
				t.Errorf("receipt header %q: status %d, want 404", r, w.Code)
			}
			w = e.client().postForm("/seguimiento", vals("folio", r))
			noLeak("receipt form "+r, w)
			if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), es("follow.status.en_atencion")) {
				t.Errorf("receipt form %q: status %d or a status shown", r, w.Code)
			}
		}
		// A username that would match every row, with the administrator's
		// real password and code: any injection would sign in.
		for _, u := range []string{p, "adm" + p, p + "adm"} {
			w := e.client().loginForm(u, adm.password, e.code(adm))
			noLeak("login user "+u, w)
			if w.Code != http.StatusUnauthorized {
				t.Errorf("login user %q: status %d, want 401", u, w.Code)
			}
		}
		w := e.client().loginForm(pw.name, p, e.code(pw))
		noLeak("login password "+p, w)
		if w.Code != http.StatusUnauthorized && w.Code != http.StatusTooManyRequests {
			t.Errorf("login password %q: status %d", p, w.Code)
		}
		w = e.client().loginForm(op1.name, op1.password, p)
		noLeak("login code "+p, w)
		if w.Code != http.StatusUnauthorized && w.Code != http.StatusTooManyRequests {
			t.Errorf("login code %q: status %d", p, w.Code)
		}

		// Ids in paths.
		pe := url.PathEscape(p)
		for _, path := range []string{"/consola/casos/" + pe, "/consola/reportes/" + pe, "/consola/casos/1" + pe, "/consola/reportes/1" + pe,
			fmt.Sprintf("/consola/casos/%d%s", caseID, pe)} {
			w := c1.get(path)
			noLeak("GET "+path, w)
			if w.Code != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", path, w.Code)
			}
			w = c1.consolePost(path+"/nota", vals("texto", "[SINTÉTICO] nota"))
			noLeak("POST "+path+"/nota", w)
			if w.Code != http.StatusNotFound {
				t.Errorf("POST %s/nota: status %d, want 404", path, w.Code)
			}
		}

		// Ids and values in forms.
		for _, tc := range []struct {
			path string
			form url.Values
			want int
		}{
			{fmt.Sprintf("/consola/reportes/%d/unir", pendingID), vals("caso", p), 404},
			{fmt.Sprintf("/consola/reportes/%d/duplicado", pendingID), vals("otro", p, "mismo", "si"), 404},
			{caseURL + "/tarea-hecha", vals("tarea", p), 404},
			{caseURL + "/canalizacion", vals("canalizacion", p, "a", "aceptada"), 404},
			{caseURL + "/canalizacion", vals("canalizacion", "1", "a", p), 409},
			{caseURL + "/mover", vals("a", p), 409},
			{caseURL + "/trata", vals("estatus", p, "decidio", "ong"), 400},
			{caseURL + "/canalizar", vals("institucion", p, "detalles", "x"), 400},
			{caseURL + "/evaluar", vals("instrumento", p), 400},
			{caseURL + "/evaluar", vals("instrumento", hotline.Instruments()[0].ID, "q_"+p, "si"), 400},
			{caseURL + "/tarea", vals("texto", "[SINTÉTICO] tarea", "vence", p), 400},
		} {
			w := c1.consolePost(tc.path, tc.form)
			noLeak("POST "+tc.path+" "+tc.form.Encode(), w)
			if w.Code != tc.want {
				t.Errorf("POST %s %v: status %d, want %d", tc.path, tc.form, w.Code, tc.want)
			}
		}
	}
	// Usernames for new accounts.
	ca := e.login(adm)
	for i, p := range sqlPayloads {
		w := ca.consolePost("/consola/personal", vals("usuario", p, "contrasena", "contraseña sintética larga", "rol", "operador", "equipo", p, "alcance", p))
		noLeak("new account "+p, w)
		if w.Code != http.StatusBadRequest {
			t.Errorf("new account %d %q: status %d, want 400 (alcance is not a scope)", i, p, w.Code)
		}
	}

	// Nothing moved, nothing was dropped, and the data still answers.
	if n := e.count("reports"); n != reports {
		t.Errorf("reports: %d, were %d", n, reports)
	}
	if n := e.count("staff"); n != staffRows {
		t.Errorf("staff: %d, were %d", n, staffRows)
	}
	if n := e.count("cases"); n != cases {
		t.Errorf("cases: %d, were %d", n, cases)
	}
	if r, err := e.st.ReportByID(e.ctx, pendingID); err != nil || r.Triage != "pendiente" || r.CaseID != 0 {
		t.Errorf("pending report after injections: %+v, %v", r, err)
	}
	cv, err := e.d.Case(e.ctx, a1, caseID)
	if err != nil {
		t.Fatal(err)
	}
	if cv.Status != "nuevo" || len(cv.Tasks) != 1 || cv.Tasks[0].DoneAt != "" || len(cv.Referrals) != 1 || cv.Referrals[0].Status != "enviada" ||
		len(cv.Reports) != 1 || len(cv.Assessments) != 0 || cv.Trafficking != "" {
		t.Errorf("case after injections: status %s tasks %+v referrals %+v reports %d assessments %d", cv.Status, cv.Tasks, cv.Referrals, len(cv.Reports), len(cv.Assessments))
	}
	wantStatus(t, "receipt after injections", e.client().mine(receipt), http.StatusOK)
	wantStatus(t, "case page after injections", c1.get(caseURL), http.StatusOK)
}

// ---------------------------------------------------------------------------
// 5. Console authentication

// loginError is the message on a login page.
var loginError = regexp.MustCompile(`<p class="error" role="alert">([^<]*)</p>`)

func TestConsoleAuth(t *testing.T) {
	t.Parallel()

	t.Run("failures look alike", func(t *testing.T) {
		t.Parallel()
		e := hotlineServer(t)
		alice := e.addUser("alice", staff.Operador, "norte", "own")
		c := e.client()
		var bodies []string
		for _, tc := range []struct{ name, user, password, code string }{
			{"wrong password", alice.name, "contraseña equivocada sintética", e.code(alice)},
			{"wrong code", alice.name, alice.password, e.wrongCode(alice)},
			{"unknown user", "nadie", alice.password, e.code(alice)},
			{"empty", "", "", ""},
		} {
			w := c.loginForm(tc.user, tc.password, tc.code)
			wantStatus(t, tc.name, w, http.StatusUnauthorized)
			noStoreHeaders(t, tc.name, w)
			if ck := sessionCookieOf(w); ck != nil {
				t.Errorf("%s: cookie %v", tc.name, ck)
			}
			m := loginError.FindStringSubmatch(w.Body.String())
			if m == nil || m[1] != es("console.login.wrong") {
				t.Errorf("%s: message %v", tc.name, m)
			}
			bodies = append(bodies, strings.Replace(w.Body.String(), `value="`+esc(tc.user)+`"`, `value=""`, 1))
		}
		for i := range bodies[1:] {
			if bodies[i+1] != bodies[0] {
				t.Errorf("login failure %d differs from the first", i+1)
			}
		}
		// And the right answer works (the failures above were not because of
		// the harness).
		wantStatus(t, "right password and code", c.loginForm(alice.name, alice.password, e.code(alice)), http.StatusSeeOther)
	})

	t.Run("lockout", func(t *testing.T) {
		t.Parallel()
		e := hotlineServer(t)
		locky := e.addUser("locky", staff.Operador, "norte", "own")
		nearly := e.addUser("nearly", staff.Operador, "norte", "own")
		c := e.client()
		for i := 0; i < 4; i++ {
			wantStatus(t, "nearly failure", c.loginForm(nearly.name, "contraseña equivocada sintética", e.code(nearly)), http.StatusUnauthorized)
		}
		wantStatus(t, "four failures then the right password", c.loginForm(nearly.name, nearly.password, e.code(nearly)), http.StatusSeeOther)

		for i := 0; i < 5; i++ {
			wantStatus(t, fmt.Sprintf("failure %d", i+1), c.loginForm(locky.name, "contraseña equivocada sintética", e.code(locky)), http.StatusUnauthorized)
		}
		w := c.loginForm(locky.name, locky.password, e.code(locky))
		// Locked looks like a wrong password, so that it does not tell
		// which user names exist.
		if wantStatus(t, "right password while locked", w, http.StatusUnauthorized) {
			if m := loginError.FindStringSubmatch(w.Body.String()); m == nil || m[1] != es("console.login.wrong") {
				t.Errorf("locked: message %v", m)
			}
			if sessionCookieOf(w) != nil {
				t.Error("locked: a cookie was issued")
			}
		}
		e.clock.Advance(40 * time.Second)
		wantStatus(t, "still locked after 40 s", c.loginForm(locky.name, locky.password, e.code(locky)), http.StatusUnauthorized)
		e.clock.Advance(30 * time.Second)
		wantStatus(t, "unlocked after 70 s", c.loginForm(locky.name, locky.password, e.code(locky)), http.StatusSeeOther)
	})

	t.Run("one-time codes and new tokens", func(t *testing.T) {
		t.Parallel()
		e := hotlineServer(t)
		alice := e.addUser("alice", staff.Operador, "norte", "own")
		c := e.client()
		code := e.code(alice)
		w1 := c.loginForm(alice.name, alice.password, code)
		wantStatus(t, "first use of a code", w1, http.StatusSeeOther)
		w2 := c.loginForm(alice.name, alice.password, code)
		wantStatus(t, "the same code again, same instant", w2, http.StatusUnauthorized)
		if sessionCookieOf(w2) != nil {
			t.Error("a replayed code got a cookie")
		}
		old := code
		e.clock.Advance(30 * time.Second)
		wantStatus(t, "the previous step's code after use", c.loginForm(alice.name, alice.password, old), http.StatusUnauthorized)
		w3 := c.loginForm(alice.name, alice.password, e.code(alice))
		wantStatus(t, "next step's code", w3, http.StatusSeeOther)
		k1, k3 := sessionCookieOf(w1), sessionCookieOf(w3)
		if k1 == nil || k3 == nil || k1.Value == k3.Value || len(k1.Value) < 32 {
			t.Fatalf("two logins: cookies %v and %v", k1, k3)
		}
		for _, k := range []*http.Cookie{k1, k3} {
			cc := &hotClient{e: e, addr: c.addr, token: k.Value}
			wantStatus(t, "each session works", cc.get("/consola"), http.StatusOK)
		}
	})

	t.Run("session fixation", func(t *testing.T) {
		t.Parallel()
		e := hotlineServer(t)
		bob := e.addUser("bob", staff.Operador, "norte", "own")
		planted := "fijada-por-atacante-" + randomHex(t, 16)
		c := e.client()
		c.token = planted
		if w := c.get("/consola"); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/consola/entrar") {
			t.Errorf("planted cookie before login: %d", w.Code)
		}
		w := c.loginForm(bob.name, bob.password, e.code(bob))
		wantStatus(t, "login with a planted cookie", w, http.StatusSeeOther)
		ck := sessionCookieOf(w)
		if ck == nil || ck.Value == planted || ck.Value == "" {
			t.Fatalf("login kept the planted cookie: %v", ck)
		}
		if w := c.get("/consola"); w.Code != http.StatusSeeOther {
			t.Errorf("the planted value is signed in after login: %d", w.Code)
		}
		c.token = ck.Value
		wantStatus(t, "the issued cookie", c.get("/consola"), http.StatusOK)
	})

	t.Run("logout", func(t *testing.T) {
		t.Parallel()
		e := hotlineServer(t)
		bob := e.addUser("bob", staff.Operador, "norte", "own")
		c := e.login(bob)
		token, csrf := c.token, c.csrf
		wantStatus(t, "before logout", c.get("/consola"), http.StatusOK)
		wantStatus(t, "logout without csrf", c.postForm("/consola/salir", nil), http.StatusForbidden)
		wantStatus(t, "still signed in", c.get("/consola"), http.StatusOK)
		w := c.consolePost("/consola/salir", nil)
		if wantStatus(t, "logout", w, http.StatusSeeOther) {
			if loc := w.Header().Get("Location"); loc != "/consola/entrar" {
				t.Errorf("logout goes to %q", loc)
			}
			if ck := sessionCookieOf(w); ck == nil || ck.MaxAge >= 0 || ck.Value != "" {
				t.Errorf("logout does not clear the cookie: %v", ck)
			}
			if !strings.Contains(w.Header().Get("Clear-Site-Data"), `"cookies"`) {
				t.Errorf("logout: Clear-Site-Data %q", w.Header().Get("Clear-Site-Data"))
			}
		}
		// The old cookie, replayed, is dead on the server.
		old := &hotClient{e: e, addr: c.addr, token: token, csrf: csrf}
		if w := old.get("/consola"); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/consola/entrar") {
			t.Errorf("old cookie after logout: %d %s", w.Code, w.Header().Get("Location"))
		}
		wantStatus(t, "POST with the old cookie", old.consolePost("/consola/salir", nil), http.StatusUnauthorized)
	})

	t.Run("idle timeout", func(t *testing.T) {
		t.Parallel()
		e := hotlineServer(t)
		carol := e.login(e.addUser("carol", staff.Operador, "norte", "own"))
		dave := e.login(e.addUser("dave", staff.Operador, "norte", "own"))
		e.clock.Advance(14 * time.Minute)
		wantStatus(t, "14 min idle", carol.get("/consola"), http.StatusOK)
		e.clock.Advance(2 * time.Minute)
		w := dave.get("/consola")
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/consola/entrar") {
			t.Errorf("16 min idle: status %d, location %q", w.Code, w.Header().Get("Location"))
		}
		wantStatus(t, "POST after 16 min idle", dave.consolePost("/consola/salir", nil), http.StatusUnauthorized)
		e.clock.Advance(16 * time.Minute)
		if w := dave.get("/consola"); w.Code != http.StatusSeeOther {
			t.Errorf("an expired session came back: %d", w.Code)
		}
	})

	t.Run("csrf", func(t *testing.T) {
		t.Parallel()
		e := hotlineServer(t)
		eve := e.addUser("eve", staff.Operador, "norte", "own")
		frank := e.addUser("frank", staff.Operador, "norte", "own")
		ce, cf := e.login(eve), e.login(frank)
		if ce.csrf == cf.csrf || ce.csrf == ce.token {
			t.Fatalf("csrf tokens: %q %q (token %q)", ce.csrf, cf.csrf, ce.token)
		}
		_, rid := e.submit(syntheticReport("[SINTÉTICO] reporte para CSRF"))
		caseID := ce.openCaseHTTP(rid)
		path := fmt.Sprintf("/consola/casos/%d/nota", caseID)
		note := vals("texto", "[SINTÉTICO] nota")
		wantStatus(t, "no csrf field", ce.postForm(path, note), http.StatusForbidden)
		wantStatus(t, "empty csrf", ce.postForm(path, vals("texto", "x", "csrf", "")), http.StatusForbidden)
		wantStatus(t, "another session's csrf", ce.consolePost(path, vals("texto", "x", "csrf", cf.csrf)), http.StatusForbidden)
		wantStatus(t, "the session token as csrf", ce.consolePost(path, vals("texto", "x", "csrf", ce.token)), http.StatusForbidden)
		wantStatus(t, "cross-site with the right csrf", ce.consolePost(path, note, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
		wantStatus(t, "foreign Origin with the right csrf", ce.consolePost(path, note, "Sec-Fetch-Site", "", "Origin", "https://evil.example"), http.StatusForbidden)
		wantStatus(t, "same-site subdomain", ce.consolePost(path, note, "Sec-Fetch-Site", "same-site"), http.StatusForbidden)
		wantStatus(t, "the right csrf", ce.consolePost(path, note), http.StatusSeeOther)
		cv, err := e.d.Case(e.ctx, e.actor(ce), caseID)
		if err != nil || len(cv.Notes) != 1 {
			t.Errorf("notes stored: %d, %v; want only the one with the right token", len(cv.Notes), err)
		}
		// Login CSRF: another site cannot sign the browser in.
		wantStatus(t, "cross-site login", e.client().loginForm(frank.name, frank.password, e.code(frank), "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
	})

	t.Run("cookie attributes", func(t *testing.T) {
		t.Parallel()
		for _, secure := range []bool{false, true} {
			e := hotlineServer(t, func(h *Hotline) { h.SecureCookies = secure })
			u := e.addUser("gina", staff.Operador, "norte", "own")
			w := e.client().loginForm(u.name, u.password, e.code(u))
			ck := sessionCookieOf(w)
			if ck == nil {
				t.Fatalf("no cookie: %d %s", w.Code, w.Body)
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/consola" || ck.Secure != secure || ck.Domain != "" {
				t.Errorf("SecureCookies=%t: cookie %+v", secure, ck)
			}
			if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, "/consola") {
				t.Errorf("after login: Location %q", loc)
			}
		}
	})
}

// ---------------------------------------------------------------------------
// 6. Who may do what on the console

func TestConsoleAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	canary := "CANARIO-MATRIZ-" + randomHex(t, 8)
	desc := "[SINTÉTICO] " + canary
	users := map[string]*hotUser{
		"op1":  e.addUser("op1", staff.Operador, "norte", "own"),
		"op2":  e.addUser("op2", staff.Operador, "norte", "own"),
		"sup1": e.addUser("sup1", staff.Supervisor, "norte", "team"),
		"sup2": e.addUser("sup2", staff.Supervisor, "sur", "team"),
		"ana":  e.addUser("ana", staff.Analista, "general", "own"),
		"adm":  e.addUser("adm", staff.Administrador, "general", "own"),
	}
	roles := []string{"anon", "op1", "op2", "sup1", "sup2", "ana", "adm"}
	clients := map[string]*hotClient{"anon": e.client()}
	for name, u := range users {
		clients[name] = e.login(u)
	}
	clients["anon"].csrf = "sin-sesion"
	op1 := e.actor(clients["op1"])

	_, r1 := e.submit(syntheticReport(desc))
	caseID := clients["op1"].openCaseHTTP(r1)
	caseURL := fmt.Sprintf("/consola/casos/%d", caseID)

	// Fresh state for actions that change it, so that one role's success
	// does not change what the next role meets.
	pending := func() int64 {
		_, id := e.submit(syntheticReport(desc))
		return id
	}
	freshCase := func(setup ...func(id int64)) int64 {
		id, err := e.d.OpenCase(e.ctx, op1, pending())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range setup {
			f(id)
		}
		return id
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	consent := func(id int64) { must(e.d.SetConsent(e.ctx, op1, id, true)) }
	evaluating := func(id int64) { must(e.d.Move(e.ctx, op1, id, hotline.Evaluacion)) }
	closeAsked := func(id int64) { must(e.d.RequestClose(e.ctx, op1, id, "[SINTÉTICO] cierre "+canary)) }
	var taskID, refID int64
	withTask := func(id int64) {
		must(e.d.AddTask(e.ctx, op1, id, "[SINTÉTICO] tarea "+canary, "2026-12-31"))
		cv, err := e.d.Case(e.ctx, op1, id)
		must(err)
		taskID = cv.Tasks[0].ID
	}
	withReferral := func(id int64) {
		must(e.d.Refer(e.ctx, op1, id, "dif", "[SINTÉTICO] canalización "+canary, ""))
		cv, err := e.d.Case(e.ctx, op1, id)
		must(err)
		refID = cv.Referrals[0].ID
	}
	inst := hotline.Instruments()[0]

	type prep func() (path string, form url.Values)
	onCase := func(action string, form func() url.Values, setup ...func(int64)) prep {
		return func() (string, url.Values) {
			id := freshCase(setup...)
			return fmt.Sprintf("/consola/casos/%d/%s", id, action), form()
		}
	}
	fixed := func(path string, form url.Values) prep { return func() (string, url.Values) { return path, form } }
	f := func(kv ...string) func() url.Values { return func() url.Values { return vals(kv...) } }

	// w lists the expected status per role, in the order
	// anon, op1, op2, sup1, sup2, ana, adm.
	w := func(codes ...int) map[string]int {
		m := map[string]int{}
		for i, r := range roles {
			m[r] = codes[i]
		}
		return m
	}
	const (
		ok  = http.StatusOK
		see = http.StatusSeeOther // a redirect: to the login page for anon GETs, back to the page after an action
		no  = http.StatusForbidden
		nf  = http.StatusNotFound
		out = http.StatusUnauthorized // a POST without a session
	)
	rows := []struct {
		name   string
		method string
		prep   prep
		want   map[string]int
		show   []string // roles whose answer may carry the decrypted text
	}{
		//                                                                                      anon op1 op2 sup1 sup2 ana adm
		{"home", "GET", fixed("/consola", nil), w(see, ok, ok, ok, ok, ok, ok), nil},
		{"report in op1's case", "GET", fixed(fmt.Sprintf("/consola/reportes/%d", r1), nil), w(see, ok, nf, ok, nf, nf, nf), []string{"op1", "sup1"}},
		{"pending report", "GET", func() (string, url.Values) { return fmt.Sprintf("/consola/reportes/%d", pending()), nil }, w(see, ok, ok, ok, ok, nf, nf), []string{"op1", "op2", "sup1", "sup2"}},
		{"op1's case", "GET", fixed(caseURL, nil), w(see, ok, nf, ok, nf, nf, nf), []string{"op1", "sup1"}},
		{"no such case", "GET", fixed("/consola/casos/999999", nil), w(see, nf, nf, nf, nf, nf, nf), nil},
		{"no such report", "GET", fixed("/consola/reportes/999999", nil), w(see, nf, nf, nf, nf, nf, nf), nil},
		{"staff list", "GET", fixed("/consola/personal", nil), w(see, no, no, no, no, no, ok), nil},
		{"export htcds.csv", "GET", fixed("/consola/exportar/htcds.csv", nil), w(see, no, no, ok, ok, no, no), nil},
		{"export ctdc.csv", "GET", fixed("/consola/exportar/ctdc.csv", nil), w(see, no, no, ok, ok, ok, no), nil},
		{"export sesnsp.csv", "GET", fixed("/consola/exportar/sesnsp.csv", nil), w(see, no, no, ok, ok, ok, no), nil},
		{"export unknown file", "GET", fixed("/consola/exportar/casos.csv", nil), w(see, nf, nf, nf, nf, nf, nf), nil},

		{"case: mover", "POST", onCase("mover", f("a", "evaluacion")), w(out, see, nf, see, nf, nf, nf), nil},
		{"case: nota", "POST", onCase("nota", f("texto", "[SINTÉTICO] nota")), w(out, see, nf, see, nf, nf, nf), nil},
		{"case: tarea", "POST", onCase("tarea", f("texto", "[SINTÉTICO] tarea", "vence", "2026-12-31")), w(out, see, nf, see, nf, nf, nf), nil},
		{"case: tarea-hecha", "POST", func() (string, url.Values) {
			id := freshCase(withTask)
			return fmt.Sprintf("/consola/casos/%d/tarea-hecha", id), vals("tarea", strconv.FormatInt(taskID, 10))
		}, w(out, see, nf, see, nf, nf, nf), nil},
		{"case: consentimiento", "POST", onCase("consentimiento", f("consentimiento", "si")), w(out, see, nf, see, nf, nf, nf), nil},
		{"case: trata", "POST", onCase("trata", f("estatus", "posible", "decidio", "ong")), w(out, see, nf, see, nf, nf, nf), nil},
		{"case: canalizar", "POST", onCase("canalizar", f("institucion", "fiscalia", "detalles", "[SINTÉTICO] detalles"), consent), w(out, see, nf, see, nf, nf, nf), nil},
		{"case: canalizacion", "POST", func() (string, url.Values) {
			id := freshCase(consent, withReferral)
			return fmt.Sprintf("/consola/casos/%d/canalizacion", id), vals("canalizacion", strconv.FormatInt(refID, 10), "a", "aceptada")
		}, w(out, see, nf, see, nf, nf, nf), nil},
		{"case: cierre", "POST", onCase("cierre", f("motivo", "[SINTÉTICO] motivo de cierre"), evaluating), w(out, see, nf, see, nf, nf, nf), nil},
		{"case: decidir-cierre", "POST", onCase("decidir-cierre", f("aprobar", "si"), evaluating, closeAsked), w(out, no, no, see, nf, no, no), nil},
		{"case: evaluar", "POST", onCase("evaluar", f("instrumento", inst.ID, "q_"+inst.Questions[0].ID, "si")), w(out, see, nf, see, nf, nf, nf), nil},
		{"case: emergencia", "POST", onCase("emergencia", f("motivo", "[SINTÉTICO] emergencia: una menor en peligro")), w(out, see, see, see, see, no, see), nil},
		{"case: unknown action", "POST", onCase("borrar", f()), w(out, nf, nf, nf, nf, nf, nf), nil},

		{"report: caso", "POST", func() (string, url.Values) { return fmt.Sprintf("/consola/reportes/%d/caso", pending()), nil }, w(out, see, see, see, see, no, no), nil},
		{"report: unir into op1's case", "POST", func() (string, url.Values) {
			return fmt.Sprintf("/consola/reportes/%d/unir", pending()), vals("caso", strconv.FormatInt(caseID, 10))
		}, w(out, see, nf, see, nf, no, no), nil},
		{"report: descartar", "POST", func() (string, url.Values) { return fmt.Sprintf("/consola/reportes/%d/descartar", pending()), nil }, w(out, see, see, see, see, no, no), nil},
		{"report: responder (in op1's case)", "POST", fixed(fmt.Sprintf("/consola/reportes/%d/responder", r1), vals("texto", "[SINTÉTICO] respuesta")), w(out, see, nf, see, nf, nf, nf), nil},
		{"report: responder (pending)", "POST", func() (string, url.Values) {
			return fmt.Sprintf("/consola/reportes/%d/responder", pending()), vals("texto", "[SINTÉTICO] respuesta")
		}, w(out, see, see, see, see, nf, nf), nil},
		{"report: duplicado", "POST", func() (string, url.Values) {
			return fmt.Sprintf("/consola/reportes/%d/duplicado", pending()), vals("otro", strconv.FormatInt(pending(), 10), "mismo", "si")
		}, w(out, see, see, see, see, nf, nf), nil},
		{"report: duplicado with op1's report", "POST", func() (string, url.Values) {
			return fmt.Sprintf("/consola/reportes/%d/duplicado", pending()), vals("otro", strconv.FormatInt(r1, 10), "mismo", "no")
		}, w(out, see, nf, see, nf, nf, nf), nil},
		{"report: unknown action", "POST", func() (string, url.Values) { return fmt.Sprintf("/consola/reportes/%d/borrar", pending()), nil }, w(out, nf, nf, nf, nf, nf, nf), nil},

		{"staff: add", "POST", nil, w(out, no, no, no, no, no, ok), nil},
	}
	for _, row := range rows {
		for _, role := range roles {
			c := clients[role]
			var path string
			var form url.Values
			var resp *httptest.ResponseRecorder
			if row.prep == nil { // staff: add
				path, form = "/consola/personal", vals("usuario", "nuevo_"+role, "contrasena", "contraseña sintética larga", "rol", "administrador")
			} else {
				path, form = row.prep()
			}
			if row.method == "GET" {
				resp = c.get(path)
			} else {
				resp = c.consolePost(path, form)
			}
			what := fmt.Sprintf("%s %s as %s", row.method, path, role)
			want := row.want[role]
			if resp.Code != want {
				t.Errorf("%s (%s): status %d, want %d: %.300s", what, row.name, resp.Code, want, resp.Body)
			}
			loc := resp.Header().Get("Location")
			switch {
			case role == "anon" && row.method == "GET":
				if !strings.HasPrefix(loc, "/consola/entrar") {
					t.Errorf("%s: anonymous GET goes to %q, want the login page", what, loc)
				}
			case resp.Code == http.StatusSeeOther && strings.HasPrefix(loc, "/consola/entrar"):
				t.Errorf("%s: a signed-in account was sent to the login page", what)
			}
			mayShow := false
			for _, r := range row.show {
				mayShow = mayShow || r == role
			}
			if resp.Code != http.StatusOK {
				mayShow = false
			}
			if !mayShow && (strings.Contains(resp.Body.String(), canary) || strings.Contains(loc, canary)) {
				t.Errorf("%s (%s): the answer carries the decrypted text", what, row.name)
			}
			if mayShow && !strings.Contains(resp.Body.String(), canary) {
				t.Errorf("%s (%s): allowed, but the report's text is not shown", what, row.name)
			}
		}
	}

	// Only the administrator's account was created.
	for _, role := range roles {
		_, err := e.st.StaffByUsername(e.ctx, "nuevo_"+role)
		if created := err == nil; created != (role == "adm") {
			t.Errorf("account nuevo_%s created: %t", role, created)
		}
	}

	// An existing username is refused as the administrator's mistake, not
	// a server error, and the account is left as it was.
	dup := clients["adm"].consolePost("/consola/personal", vals("usuario", "op1", "contrasena", "contraseña sintética larga", "rol", "administrador"))
	if dup.Code != http.StatusBadRequest {
		t.Errorf("re-creating op1: status %d, want 400", dup.Code)
	}
	if u, err := e.st.StaffByUsername(e.ctx, "op1"); err != nil || u.Role != string(staff.Operador) {
		t.Errorf("op1 after a duplicate: %+v, %v", u, err)
	}

	// Another operator opening op1's case by id is offered break-glass,
	// which does not say whether the case exists, and sees nothing of it.
	resp := clients["op2"].get(caseURL)
	body := resp.Body.String()
	if resp.Code != http.StatusNotFound || !strings.Contains(body, es("console.breakglass.title")) ||
		!strings.Contains(body, fmt.Sprintf(`action="/consola/casos/%d/emergencia`, caseID)) || strings.Contains(body, canary) {
		t.Errorf("op2 on op1's case: %d: %s", resp.Code, body)
	}
	missing := clients["op2"].get("/consola/casos/999999")
	caseIDs := regexp.MustCompile(`/consola/casos/\d+`)
	norm := func(s string) string { return caseIDs.ReplaceAllString(s, "/consola/casos/ID") }
	if missing.Code != resp.Code || norm(missing.Body.String()) != norm(body) {
		t.Error("the break-glass page for a case out of reach differs from the one for a case that does not exist")
	}
	// After break-glass, op2 sees the case.
	if w := clients["op2"].consolePost(caseURL+"/emergencia", vals("motivo", "[SINTÉTICO] la persona llamó y op1 no está")); w.Code != http.StatusSeeOther {
		t.Fatalf("break-glass: %d %s", w.Code, w.Body)
	}
	if w := clients["op2"].get(caseURL); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), canary) {
		t.Errorf("op2 after break-glass: %d", w.Code)
	}
	// Exports carry no free text, to anyone.
	for _, file := range []string{"htcds.csv", "ctdc.csv", "sesnsp.csv"} {
		w := clients["sup1"].get("/consola/exportar/" + file)
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), canary) || strings.Contains(w.Body.String(), "SINTÉTICO") {
			t.Errorf("export %s: %d, or it carries free text", file, w.Code)
		}
	}
}

// ---------------------------------------------------------------------------
// 7. Free text never in logs or in the database in the clear

func TestCanaryNeverInLogsOrDatabase(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	var canaries []string
	canary := func(label string) string {
		c := "CANARIO-" + randomHex(t, 10)
		canaries = append(canaries, c)
		return label + " " + c
	}
	reporter := e.client()

	// A report through the form.
	text := map[string]string{}
	for _, k := range []string{"desc", "offer", "value", "safe", "added", "api-desc", "api-offer", "api-value", "api-safe",
		"note", "task", "details", "override", "override-details", "reply", "api-reply", "close", "breakglass", "bad-user", "bad-password", "bad-code"} {
		text[k] = canary("[SINTÉTICO]")
	}
	w := reporter.postForm("/reportar", vals("tipo", "posible_trata", "descripcion", text["desc"], "estado", "14", "cuando", "2026-09",
		"oferta", "Se solicitan modelos para catálogo, 15 mil a la semana, viaje pagado a Guadalajara, sin experiencia. "+text["offer"],
		"contacto", "whatsapp", "contacto_valor", "33 1234 5678 "+text["value"], "contacto_seguro", text["safe"], "edad", "13-17", "sexo", "mujer"))
	m := regexp.MustCompile(`data-receipt="([0-9]{16})"`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		t.Fatalf("form report: %d %s", w.Code, w.Body)
	}
	formReceipt := m[1]
	formID := e.report(formReceipt).ID
	wantStatus(t, "add information", reporter.postForm("/seguimiento", vals("folio", formReceipt, "agregar", text["added"])), http.StatusOK)

	// A report through the API.
	b, _ := json.Marshal(map[string]any{"kind": "situacion_riesgo", "description": text["api-desc"], "state": "14",
		"offer":   "Trabajo en el extranjero, te pagamos el pasaje. " + text["api-offer"],
		"contact": map[string]any{"method": "correo", "value": "persona.sintetica@example.org " + text["api-value"], "safe": text["api-safe"]}})
	w = reporter.postJSON("/api/v1/reports", string(b))
	if !wantStatus(t, "API report", w, http.StatusCreated) {
		t.FailNow()
	}
	var created struct{ Receipt string }
	json.Unmarshal(w.Body.Bytes(), &created)
	apiID := e.report(created.Receipt).ID

	// The console.
	op1 := e.addUser("op1", staff.Operador, "occidente", "own")
	op2 := e.addUser("op2", staff.Operador, "occidente", "own")
	sup1 := e.addUser("sup1", staff.Supervisor, "occidente", "team")
	// Failed logins with secrets typed in every field.
	wantStatus(t, "unknown user", e.client().loginForm(text["bad-user"], op1.password, e.code(op1)), http.StatusUnauthorized)
	wantStatus(t, "wrong password", e.client().loginForm(op1.name, text["bad-password"], e.code(op1)), http.StatusUnauthorized)
	wantStatus(t, "wrong code", e.client().loginForm(op1.name, op1.password, text["bad-code"]), http.StatusUnauthorized)
	c1, c2, cs := e.login(op1), e.login(op2), e.login(sup1)
	caseID := c1.openCaseHTTP(formID)
	caseURL := fmt.Sprintf("/consola/casos/%d", caseID)
	for _, step := range []struct {
		who  *hotClient
		path string
		form url.Values
	}{
		{c1, caseURL + "/nota", vals("texto", text["note"])},
		{c1, caseURL + "/tarea", vals("texto", text["task"], "vence", "2026-12-15")},
		{cs, caseURL + "/canalizar", vals("institucion", "dif", "detalles", text["override-details"], "motivo_excepcion", text["override"])},
		{c1, caseURL + "/consentimiento", vals("consentimiento", "si")},
		{c1, caseURL + "/canalizar", vals("institucion", "fiscalia", "detalles", text["details"])},
		{c1, fmt.Sprintf("/consola/reportes/%d/responder", formID), vals("texto", text["reply"])},
		{c1, fmt.Sprintf("/consola/reportes/%d/responder", apiID), vals("texto", text["api-reply"])},
		{c2, caseURL + "/emergencia", vals("motivo", text["breakglass"])},
		{c1, caseURL + "/mover", vals("a", "evaluacion")},
		{c1, caseURL + "/cierre", vals("motivo", text["close"])},
	} {
		if w := step.who.consolePost(step.path, step.form); w.Code != http.StatusSeeOther {
			t.Fatalf("POST %s as %s: %d %s", step.path, step.who.user.name, w.Code, w.Body)
		}
	}

	// Everything was stored: the console and the reporter read it back.
	page := c1.get(caseURL).Body.String()
	for _, k := range []string{"desc", "offer", "value", "safe", "added", "note", "task", "details", "override-details", "reply", "close", "breakglass"} {
		if !strings.Contains(page, esc(text[k])) {
			t.Errorf("the case page does not show %s: it was not stored", k)
		}
	}
	page = c1.get(fmt.Sprintf("/consola/reportes/%d", apiID)).Body.String()
	for _, k := range []string{"api-desc", "api-offer", "api-value", "api-safe", "api-reply"} {
		if !strings.Contains(page, esc(text[k])) {
			t.Errorf("the API report's page does not show %s", k)
		}
	}
	if w := cs.consolePost(caseURL+"/decidir-cierre", vals("aprobar", "si")); w.Code != http.StatusSeeOther {
		t.Fatalf("closing: %d %s", w.Code, w.Body)
	}
	w = reporter.postForm("/seguimiento", vals("folio", formReceipt))
	if !strings.Contains(w.Body.String(), esc(text["reply"])) || !strings.Contains(w.Body.String(), es("follow.status.cerrado")) {
		t.Errorf("the reporter does not see the reply and the closure: %s", w.Body)
	}
	if w := reporter.mine(created.Receipt); !strings.Contains(w.Body.String(), strings.Fields(text["api-reply"])[1]) {
		t.Errorf("the partner does not see the reply: %s", w.Body)
	}

	// The logs: written (at debug), and free of every secret.
	logs := e.logs.String()
	for _, route := range []string{"route=report_post", "route=api_report", "route=follow_post", "route=console_login_post", "route=console_case_action"} {
		if !strings.Contains(logs, route) {
			t.Errorf("the server logged no %s: is the log captured?", route)
		}
	}
	// The files: read while open (WAL) and after closing.
	files := func() map[string][]byte {
		out := map[string][]byte{}
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			b, err := os.ReadFile(e.dbPath + suffix)
			if err == nil {
				out["vigia.db"+suffix] = b
			} else if !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
		return out
	}
	open := files()
	e.closeStore()
	closed := files()
	if len(closed["vigia.db"]) == 0 {
		t.Fatal("the database file is empty")
	}
	// The search works: clear columns are found.
	if !bytes.Contains(closed["vigia.db"], []byte("posible_trata")) || !bytes.Contains(closed["vigia.db"], []byte("occidente")) {
		t.Fatal("clear values are not found in the database file: the search would find nothing")
	}
	for _, c := range canaries {
		hexPart := strings.TrimPrefix(c, "CANARIO-")
		for _, needle := range []string{c, hexPart, strings.ToUpper(hexPart)} {
			if strings.Contains(logs, needle) {
				i := strings.Index(logs, needle)
				t.Errorf("the log carries %s: …%s…", needle, logs[max(0, i-200):min(len(logs), i+50)])
			}
			for name, b := range open {
				if bytes.Contains(b, []byte(needle)) {
					t.Errorf("%s (open) carries %s in the clear", name, needle)
				}
			}
			for name, b := range closed {
				if bytes.Contains(b, []byte(needle)) {
					t.Errorf("%s (closed) carries %s in the clear", name, needle)
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------
// 8. Public statistics hide small counts

var statsRowRE = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th>((?:<td class="num">[^<]*</td>)+)</tr>`)
var statsCellRE = regexp.MustCompile(`<td class="num">([^<]*)</td>`)

func statsCells(body, state string) []string {
	for _, m := range statsRowRE.FindAllStringSubmatch(body, -1) {
		if m[1] == esc(state) {
			var out []string
			for _, c := range statsCellRE.FindAllStringSubmatch(m[2], -1) {
				out = append(out, c[1])
			}
			return out
		}
	}
	return nil
}

func TestHotlineStatsSuppression(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	c := e.client()
	puebla, _ := stateByCodeName(21)
	cdmx, _ := stateByCodeName(9)
	kindCol := func(k hotline.Kind) int {
		for i, term := range hotline.Kinds {
			if term.Value == string(k) {
				return i
			}
		}
		t.Fatalf("no kind %s", k)
		return -1
	}

	// An empty, unseeded store renders.
	w := c.get("/linea")
	wantStatus(t, "/linea on an empty store", w, http.StatusOK)
	noStoreHeaders(t, "/linea", w)
	if cells := statsCells(w.Body.String(), puebla); len(cells) != len(hotline.Kinds)+2 {
		t.Fatalf("/linea on an empty store: Puebla's row %v", cells)
	}

	// Synthetic reports last month: 12 of possible trafficking in Puebla
	// and 3 requests for information in Mexico City, accepted into cases;
	// 9 more for Chiapas left pending (anyone can file reports: pending
	// ones must not count, or filing k−1 would reveal a hidden cell); and
	// reports this month, which is not over and is not published.
	op := e.addUser("op-stats", staff.Operador, "norte", "own")
	e.login(op)
	opRow, err := e.st.StaffByUsername(e.ctx, "op-stats")
	if err != nil {
		t.Fatal(err)
	}
	opActor := desk.Actor{ID: opRow.ID, Username: "op-stats", Role: staff.Operador, Team: "norte", Scope: "own"}
	post := func(kind hotline.Kind, state string, n int, accept bool) {
		for i := 0; i < n; i++ {
			b, _ := json.Marshal(map[string]any{"kind": kind, "description": fmt.Sprintf("[SINTÉTICO] reporte %d", i), "state": state})
			w := c.postJSON("/api/v1/reports", string(b))
			if w.Code != http.StatusCreated {
				t.Fatalf("report: %d %s", w.Code, w.Body)
			}
			if accept {
				var created struct{ Receipt string }
				json.Unmarshal(w.Body.Bytes(), &created)
				if _, err := e.d.OpenCase(e.ctx, opActor, e.report(created.Receipt).ID); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	e.clock.Advance(-32 * 24 * time.Hour)
	post(hotline.PosibleTrata, "21", 12, true)
	post(hotline.Informacion, "09", 3, true)
	post(hotline.SituacionRiesgo, "07", 9, false)
	e.clock.Advance(32 * 24 * time.Hour)
	post(hotline.PosibleTrata, "21", 5, true)

	w = c.get("/linea")
	wantStatus(t, "/linea", w, http.StatusOK)
	body := w.Body.String()
	pr, mx := statsCells(body, puebla), statsCells(body, cdmx)
	if len(pr) < len(hotline.Kinds) || len(mx) < len(hotline.Kinds) {
		t.Fatalf("rows: Puebla %v, CDMX %v", pr, mx)
	}
	if got := pr[kindCol(hotline.PosibleTrata)]; got != "12" {
		t.Errorf("Puebla, posible_trata: %q, want 12 (row %v)", got, pr)
	}
	if got := mx[kindCol(hotline.Informacion)]; got != "—" {
		t.Errorf("CDMX, informacion: %q, want — (row %v)", got, mx)
	}
	if got := mx[len(hotline.Kinds)]; got == "3" {
		t.Errorf("CDMX's total shows the hidden 3 (row %v)", mx)
	}
	if strings.Contains(body, `<td class="num">3</td>`) {
		t.Error("/linea shows a count of 3 somewhere")
	}
	// No published figure gives the 3 away: the informacion column's total
	// and the grand total are not both shown beside the other columns.
	foot := regexp.MustCompile(`<tfoot><tr><th scope="row">[^<]*</th>((?:<td class="num">[^<]*</td>)+)`).FindStringSubmatch(body)
	if foot == nil {
		t.Fatal("no totals row")
	}
	var totals []int
	hiddenTotals := 0
	for _, m := range statsCellRE.FindAllStringSubmatch(foot[1], -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			hiddenTotals++
			continue
		}
		totals = append(totals, n)
	}
	if hiddenTotals == 0 {
		t.Errorf("every total is published (%v): the hidden 3 is their difference", totals)
	}

	// The CSV marks hidden cells.
	w = c.get("/linea?formato=csv")
	wantStatus(t, "/linea?formato=csv", w, http.StatusOK)
	noStoreHeaders(t, "/linea?formato=csv", w)
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
		t.Errorf("CSV Content-Type %q", w.Header().Get("Content-Type"))
	}
	rows, err := csv.NewReader(w.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+32*len(hotline.Kinds) || strings.Join(rows[0], ",") != "periodo_inicio,periodo_fin,cve_ent,tipo,reportes,k" {
		t.Fatalf("CSV: %d rows, header %v", len(rows), rows[0])
	}
	found := map[string]string{}
	for _, r := range rows[1:] {
		found[r[2]+"/"+r[3]] = r[4]
		if r[4] == "3" {
			t.Errorf("CSV row %v publishes a 3", r)
		}
		if r[5] != "10" || len(r[2]) != 2 {
			t.Errorf("CSV row %v: k or state code", r)
		}
		if want := e.clock.Now().UTC().AddDate(0, 0, -e.clock.Now().UTC().Day()).Format("2006-01"); r[1] != want {
			t.Errorf("CSV row %v: period ends %s, want the last complete month %s", r, r[1], want)
		}
		if r[2] == "07" && r[4] != "0" {
			t.Errorf("CSV row %v: pending reports counted", r)
		}
	}
	if found["21/posible_trata"] != "12" {
		t.Errorf("CSV Puebla posible_trata = %q, want 12", found["21/posible_trata"])
	}
	if found["09/informacion"] != "suprimido" {
		t.Errorf("CSV CDMX informacion = %q, want suprimido", found["09/informacion"])
	}

	// The state × month table: 12 months per state, suppressed on its own.
	w = c.get("/linea?formato=csv&tabla=mes")
	wantStatus(t, "/linea?formato=csv&tabla=mes", w, http.StatusOK)
	rows, err = csv.NewReader(w.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+32*12 || rows[0][3] != "mes" {
		t.Fatalf("monthly CSV: %d rows, header %v", len(rows), rows[0])
	}
	month := e.clock.Now().UTC().AddDate(0, 0, -e.clock.Now().UTC().Day()).Format("2006-01")
	byMonth := map[string]string{}
	for _, r := range rows[1:] {
		byMonth[r[2]+"/"+r[3]] = r[4]
		if r[4] == "3" {
			t.Errorf("monthly CSV row %v publishes a 3", r)
		}
	}
	// CDMX's 3 is hidden, and so is Puebla's 12: it is the only other
	// report count in the month, and with the month's total published it
	// would give the 3 away (complementary suppression).
	if byMonth["09/"+month] != "suprimido" || byMonth["21/"+month] != "suprimido" {
		t.Errorf("monthly CSV: Puebla %q, CDMX %q; want both suprimido", byMonth["21/"+month], byMonth["09/"+month])
	}
}

// A report can only come as JSON: a plain form posted from another site
// (which needs no CORS preflight) must not file one in a visitor's name.
// The body is SYNTHETIC.
func TestReportAPIRequiresJSON(t *testing.T) {
	e := hotlineServer(t)
	c := e.client()
	body := `{"kind":"informacion","description":"[SINTÉTICO] pregunta","state":9}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		w := c.do("POST", "/api/v1/reports", strings.NewReader(body), "Content-Type", ct)
		wantStatus(t, "Content-Type "+ct, w, http.StatusUnsupportedMediaType)
	}
	if n := e.count("reports"); n != 0 {
		t.Fatalf("%d reports stored from non-JSON posts", n)
	}
	wantStatus(t, "JSON with charset", c.do("POST", "/api/v1/reports", strings.NewReader(body), "Content-Type", "application/json; charset=utf-8"), http.StatusCreated)
}

// The console's search by contact: operators find reports by a number
// written any way, analysts may not search, and the searched contact never
// reaches the logs. Contacts are SYNTHETIC.
func TestConsoleSearch(t *testing.T) {
	e := hotlineServer(t)
	op := e.addUser("op1", staff.Operador, "norte", "own")
	ana := e.addUser("ana1", staff.Analista, "norte", "own")
	r := syntheticReport("[SINTÉTICO] oferta con número")
	r.Offer = "Edecanes, 3 mil diarios, viaje pagado, WhatsApp 55 9876 5432"
	_, id := e.submit(r)
	c := e.login(op)
	// The number travels in the body, never in a URL (history, proxy logs).
	if !regexp.MustCompile(`<form method="post" action="/consola/buscar\?lang=es"[^>]*><input type="hidden" name="csrf"`).MatchString(c.get("/consola").Body.String()) {
		t.Error("the search form does not POST with the CSRF token")
	}
	w := c.consolePost("/consola/buscar", vals("q", "+52 1 55 9876 5432"))
	wantStatus(t, "operator search", w, http.StatusOK)
	if !strings.Contains(w.Body.String(), fmt.Sprintf(`/consola/reportes/%d?`, id)) {
		t.Errorf("search does not list report %d", id)
	}
	if w := c.get("/consola/buscar?q=" + url.QueryEscape("+52 1 55 9876 5432")); strings.Contains(w.Body.String(), fmt.Sprintf(`/consola/reportes/%d?`, id)) {
		t.Error("a search by GET (the number in the URL) is answered")
	}
	wantStatus(t, "search without the CSRF token", c.postForm("/consola/buscar", vals("q", "5598765432")), http.StatusForbidden)
	w = c.consolePost("/consola/buscar", vals("q", "33 1111 2222"))
	if strings.Contains(w.Body.String(), fmt.Sprintf(`/consola/reportes/%d?`, id)) {
		t.Error("another number finds the report")
	}
	anaC := e.login(ana)
	wantStatus(t, "analyst search", anaC.consolePost("/consola/buscar", vals("q", "5598765432")), http.StatusForbidden)
	if strings.Contains(e.logs.String(), "9876") {
		t.Error("the searched number reached the logs")
	}
}

// The form takes up to three people, the second and third behind "otra
// persona" (no JavaScript needed); empty fieldsets add no one. SYNTHETIC.
func TestReportFormSeveralPeople(t *testing.T) {
	e := hotlineServer(t)
	c := e.client()
	body := c.get("/reportar").Body.String()
	for _, name := range []string{`name="edad"`, `name="edad_2"`, `name="sexo_3"`, `name="grupos_2"`, "<details"} {
		if !strings.Contains(body, name) {
			t.Errorf("form lacks %s", name)
		}
	}
	w := c.postForm("/reportar", vals("tipo", "posible_trata", "descripcion", "[SINTÉTICO] dos hermanas", "estado", "21",
		"edad", "13-17", "sexo", "mujer", "edad_2", "0-12", "sexo_2", "mujer", "grupos_2", "indigena"))
	wantStatus(t, "submit", w, http.StatusOK)
	m := regexp.MustCompile(`data-receipt="([0-9]{16})"`).FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("no receipt: %s", w.Body.String())
	}
	id := e.report(m[1]).ID
	v, err := e.d.Report(e.ctx, desk.Actor{ID: 1, Role: staff.Operador, Team: "general", Scope: "own"}, id)
	if err != nil {
		t.Fatal(err)
	}
	want := []hotline.Victim{{AgeBand: "13-17", Sex: "mujer"}, {AgeBand: "0-12", Sex: "mujer", Groups: []string{"indigena"}}}
	if !reflect.DeepEqual(v.Content.Victims, want) {
		t.Errorf("victims = %+v, want %+v", v.Content.Victims, want)
	}
}

func TestClientAddr(t *testing.T) {
	for _, tc := range []struct {
		remote string
		xff    []string
		trust  bool
		want   string
	}{
		{"203.0.113.7:5000", nil, false, "203.0.113.7"},
		{"127.0.0.1:5000", []string{"198.51.100.1"}, false, "127.0.0.1"},              // untrusted header ignored
		{"127.0.0.1:5000", []string{"6.6.6.6, 198.51.100.1"}, true, "198.51.100.1"},   // the proxy's entry, not the forged one
		{"127.0.0.1:5000", []string{"6.6.6.6", "198.51.100.2"}, true, "198.51.100.2"}, // last header line
		{"[2001:db8:1:2:3:4:5:6]:443", nil, false, "2001:db8:1:2::/64"},               // IPv6 by /64
		{"[2001:db8:1:2:ffff::1]:443", nil, false, "2001:db8:1:2::/64"},               // same subscriber
		{"127.0.0.1:5000", []string{"2001:db8:9:9:1::1"}, true, "2001:db8:9:9::/64"},  // forwarded IPv6 too
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := clientAddr(r, tc.trust); got != tc.want {
			t.Errorf("clientAddr(%s, %v, trust=%v) = %q, want %q", tc.remote, tc.xff, tc.trust, got, tc.want)
		}
	}
}

// Behind a trusted proxy one client's wrong receipts lock out that client,
// not every visitor who comes through the proxy.
func TestReceiptLockoutBehindProxy(t *testing.T) {
	e := hotlineServer(t, func(h *Hotline) { h.TrustProxy = true })
	attacker, reporter := e.client(), e.client()
	// Both come through the proxy on the same connection address.
	attacker.addr, reporter.addr = "127.0.0.1:5000", "127.0.0.1:5001"
	for i := 0; i < 10; i++ {
		attacker.get("/api/v1/reports/mine", "Authorization", fmt.Sprintf("Receipt %016d", i), "X-Forwarded-For", "198.51.100.66")
	}
	wantStatus(t, "attacker locked", attacker.get("/api/v1/reports/mine", "Authorization", "Receipt 0000000000000099", "X-Forwarded-For", "198.51.100.66"), http.StatusTooManyRequests)
	receipt, _ := e.submit(syntheticReport("[SINTÉTICO] tras el proxy"))
	wantStatus(t, "another client through the same proxy", reporter.get("/api/v1/reports/mine", "Authorization", "Receipt "+receipt, "X-Forwarded-For", "198.51.100.77"), http.StatusOK)
}

// The public screening API is no oracle for reports: the token it returns
// for a number never equals the token a report holding that number is
// stored with, though both processes load the same screening key. SYNTHETIC.
func TestScreenAPITokenIsNotReportToken(t *testing.T) {
	e := hotlineServer(t)
	r := syntheticReport("[SINTÉTICO] oráculo")
	r.Contact = hotline.Contact{Method: "telefono", Value: "55 2468 1357"}
	r.Offer = "Trabajo en Cancún, pasaje pagado, escribe al 55 2468 1357"
	_, id := e.submit(r)
	w := e.client().postJSON("/api/v1/screen", `{"text":"llama al 55 2468 1357"}`)
	wantStatus(t, "screen", w, http.StatusOK)
	var res struct {
		Identifiers []struct{ Token string } `json:"identifiers"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || len(res.Identifiers) == 0 {
		t.Fatalf("screen answer %s: %v", w.Body.String(), err)
	}
	toks, err := e.st.ReportTokens(e.ctx, id)
	if err != nil || len(toks) == 0 {
		t.Fatalf("report tokens: %v, %v", toks, err)
	}
	for _, pub := range res.Identifiers {
		for _, tok := range toks {
			if pub.Token == tok.Value {
				t.Errorf("the public API's token for the number is the report's %s token", tok.Kind)
			}
		}
	}
}

// With every password-hashing slot taken, a sign-in is answered at once
// with 503 and Retry-After, and no hash is run for it.
func TestConsoleLoginBusy(t *testing.T) {
	e := hotlineServer(t)
	limit := staff.NewHashLimit(1, -1, time.Second)
	e.d = desk.New(desk.Config{Store: e.st, Keys: e.keys, Geo: hotGeography(t), Screener: testScreener(t), Now: e.clock.Now, Hashes: limit})
	e.s.hot.Desk = e.d
	u := e.addUser("op1", staff.Operador, "norte", "own")
	release, err := limit.Acquire(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w := e.client().loginForm("inventado", "contraseña inventada", "123456")
	wantStatus(t, "sign-in while busy", w, http.StatusServiceUnavailable)
	if w.Header().Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("the busy answer took %v", d)
	}
	release()
	wantStatus(t, "sign-in after", e.client().loginForm(u.name, u.password, e.code(u)), http.StatusSeeOther)
	// Creating an account hashes a password too.
	adm := e.login(e.addUser("adm1", staff.Administrador, "general", "own"))
	release, err = limit.Acquire(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	w = adm.consolePost("/consola/personal", vals("usuario", "nueva", "contrasena", "contraseña sintética larga", "rol", "operador", "equipo", "norte", "alcance", "own"))
	wantStatus(t, "account creation while busy", w, http.StatusServiceUnavailable)
	release()
}

// However many clients have failed receipts today, a client that has not
// failed is never refused for it. Those that failed too often stay locked.
// SYNTHETIC receipts.
func TestReceiptTableFullLocksNoNewcomer(t *testing.T) {
	e := hotlineServer(t, func(h *Hotline) { h.ReceiptPerMinute = 1000 })
	var attackers []*hotClient
	for i := 0; i < 8; i++ { // many failing clients
		c := e.client()
		for j := 0; j < 10; j++ {
			c.mine(fmt.Sprintf("%016d", 1000*i+j))
		}
		attackers = append(attackers, c)
	}
	wantStatus(t, "a counted attacker", attackers[0].mine("0000000000009999"), http.StatusTooManyRequests)
	receipt, _ := e.submit(syntheticReport("[SINTÉTICO] tabla llena"))
	wantStatus(t, "a new client with its receipt", e.client().mine(receipt), http.StatusOK)
	newcomer := e.client()
	wantStatus(t, "a new client's first wrong receipt", newcomer.mine("0000000000000001"), http.StatusNotFound)
	wantStatus(t, "the same client's receipt after", newcomer.mine(receipt), http.StatusOK)
}

// The console shows a flash message only for a known key: an unknown ?ok=
// is not echoed onto a staff page (a link's author could write there).
func TestConsoleFlashOnlyKnownKeys(t *testing.T) {
	e := hotlineServer(t)
	c := e.login(e.addUser("op1", staff.Operador, "norte", "own"))
	w := c.get("/consola?ok=" + url.QueryEscape("Llama ya al 55 0000 0000 para verificar tu cuenta"))
	wantStatus(t, "console home", w, http.StatusOK)
	if strings.Contains(w.Body.String(), "verificar tu cuenta") || strings.Contains(w.Body.String(), "console.flash.") {
		t.Error("an unknown flash key was echoed")
	}
	w = c.get("/consola?ok=saved")
	if !strings.Contains(w.Body.String(), locale.T(locale.ES, "console.flash.saved")) {
		t.Error("a known flash message is not shown")
	}
}

// With the public intake mounted, /metrics (request counts by route tell
// when reports arrive) is not on the listener; Metrics serves it for a
// private one.
func TestMetricsOffPublicIntake(t *testing.T) {
	e := hotlineServer(t)
	c := e.client()
	c.get("/reportar")
	wantStatus(t, "/metrics on the intake", c.get("/metrics"), http.StatusNotFound)
	w := httptest.NewRecorder()
	e.s.Metrics().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `route="report_form"`) {
		t.Errorf("Metrics: %d\n%s", w.Code, w.Body)
	}
}

// Behind TLS (--secure-cookies) every response tells browsers to use HTTPS
// only; without it, nothing is said.
func TestHSTSWithSecureCookies(t *testing.T) {
	e := hotlineServer(t, func(h *Hotline) { h.SecureCookies = true })
	for _, path := range []string{"/reportar", "/consola/entrar", "/"} {
		if got := e.client().get(path).Header().Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
			t.Errorf("%s: Strict-Transport-Security %q", path, got)
		}
	}
	if got := hotlineServer(t).client().get("/reportar").Header().Get("Strict-Transport-Security"); got != "" {
		t.Errorf("without --secure-cookies: Strict-Transport-Security %q", got)
	}
}

// An analyst's SESNSP-grid export holds no count from 1 to k−1: small cells
// read "suprimido". A supervisor, who may export the cases themselves, gets
// the raw grid. SYNTHETIC reports.
func TestAnalystGridExportSuppressed(t *testing.T) {
	e := hotlineServer(t)
	op := e.login(e.addUser("op1", staff.Operador, "norte", "all"))
	for _, n := range []int{2, 1} {
		r := syntheticReport("[SINTÉTICO] rejilla")
		r.Kind = hotline.PosibleTrata
		for range n {
			r.Victims = append(r.Victims, hotline.Victim{Sex: "mujer", AgeBand: "13-17"})
		}
		_, id := e.submit(r)
		op.openCaseHTTP(id)
	}
	rows := func(c *hotClient) [][]string {
		t.Helper()
		w := c.get("/consola/exportar/sesnsp.csv")
		wantStatus(t, "sesnsp.csv", w, http.StatusOK)
		recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("sesnsp.csv: %v\n%s", err, w.Body)
		}
		return recs[1:]
	}
	for _, rec := range rows(e.login(e.addUser("ana1", staff.Analista, "norte", "own"))) {
		if n, err := strconv.Atoi(rec[5]); err == nil && n > 0 && n < 10 {
			t.Errorf("analyst's grid shows %d victims: %v", n, rec)
		} else if err != nil && rec[5] != "suprimido" {
			t.Errorf("analyst's grid cell %q", rec[5])
		}
	}
	if got := rows(e.login(e.addUser("sup1", staff.Supervisor, "norte", "all"))); got[0][5] != "3" {
		t.Errorf("supervisor's grid: %v, want the raw count 3", got)
	}
}

// Unknown receipts sent at once by one client get no more guesses than the
// day's limit: each attempt is counted in the same step as the check, and
// given back only when the receipt proves known. SYNTHETIC receipts.
func TestReceiptBurstCounted(t *testing.T) {
	e := hotlineServer(t, func(h *Hotline) { h.ReceiptPerMinute = 1000 })
	c := e.client()
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := c.mine(fmt.Sprintf("%016d", 5000+i))
			mu.Lock()
			codes[w.Code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[http.StatusNotFound] > receiptFailures || codes[http.StatusNotFound]+codes[http.StatusTooManyRequests] != 40 {
		t.Errorf("answers %v: want at most %d guesses checked, the rest refused", codes, receiptFailures)
	}
	// A client's own known receipt is given back: it does not count.
	receipt, _ := e.submit(syntheticReport("[SINTÉTICO] ráfaga"))
	other := e.client()
	for i := 0; i < 15; i++ {
		wantStatus(t, "own receipt again", other.mine(receipt), http.StatusOK)
	}
}
