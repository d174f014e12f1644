package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

// external matches a resource the browser would fetch from another host.
var external = regexp.MustCompile(`(?i)(src|srcset|action)="(https?:)?//|<link[^>]+href="(https?:)?//|url\((https?:)?//|@import`)

var (
	tmp      string
	seedOnce sync.Once
	seeded   *store.Store
	seedErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	if tmp, err = os.MkdirTemp("", "vigia-web-test"); err != nil {
		panic(err)
	}
	code := m.Run()
	if seeded != nil {
		seeded.Close()
	}
	os.RemoveAll(tmp)
	os.Exit(code)
}

// testServer is the observatory over the bundled releases (real data).
func testServer(t testing.TB) *Server {
	t.Helper()
	seedOnce.Do(func() {
		ctx := context.Background()
		seeded, seedErr = store.Open(ctx, filepath.Join(tmp, "web.db"))
		if seedErr == nil {
			_, seedErr = ingest.Seed(ctx, seeded, slog.New(slog.NewTextHandler(io.Discard, nil)))
		}
	})
	if seedErr != nil {
		t.Fatal(seedErr)
	}
	pop, err := ingest.Population()
	if err != nil {
		t.Fatal(err)
	}
	return New(seeded, pop, testScreener(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// testScreener uses a fixed key: tests compare tokens across requests.
func testScreener(t testing.TB) *screen.Screener {
	sc, err := screen.New([]byte("synthetic test key, 32 bytes...."))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func get(t testing.TB, h http.Handler, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Every page, in both languages, answers 200 with the security headers
// and the texts that say which language it is in.
func TestPages(t *testing.T) {
	s := testServer(t)
	pages := []string{"/", "/?fuente=carpetas&medida=comparable", "/estados", "/estados?fuente=carpetas", "/estados/mx-bcn", "/estados/23",
		"/analisis", "/analisis?from=2022-01&to=2022-06&states=02,08,19&vintage=jun22", "/datos", "/metodologia"}
	for _, p := range pages {
		for _, lang := range []string{"es", "en"} {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			w := get(t, s, p+sep+"lang="+lang)
			if w.Code != 200 {
				t.Errorf("%s (%s): status %d", p, lang, w.Code)
				continue
			}
			body := w.Body.String()
			want := map[string]string{"es": `<html lang="es-MX">`, "en": `<html lang="en">`}[lang]
			if !strings.Contains(body, want) {
				t.Errorf("%s (%s): missing %s", p, lang, want)
			}
			if !strings.Contains(body, "800 5533 000") {
				t.Errorf("%s (%s): the hotline number is missing", p, lang)
			}
			checkHeaders(t, p, w.Header())
			// Nothing loads from elsewhere, and nothing inline that the CSP
			// would block; a broken format verb shows as "%!".
			if m := external.FindString(body); m != "" {
				t.Errorf("%s (%s): page loads %q from elsewhere", p, lang, m)
			}
			for _, bad := range []string{"style=\"", "<script>", "%!"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s (%s): page contains %q", p, lang, bad)
				}
			}
		}
	}
}

func checkHeaders(t *testing.T, p string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("%s: CSP %q", p, csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
		t.Errorf("%s: missing security headers: %v", p, h)
	}
}

func TestAcceptLanguage(t *testing.T) {
	s := testServer(t)
	if w := get(t, s, "/metodologia", "Accept-Language", "en-US,en;q=0.9"); !strings.Contains(w.Body.String(), "Methodology") {
		t.Error("Accept-Language en did not give English")
	}
	if w := get(t, s, "/metodologia", "Accept-Language", "fr"); !strings.Contains(w.Body.String(), "Metodología") {
		t.Error("an unsupported language did not fall back to Spanish")
	}
}

// The home page shows the real figures: 12 months of victims to June 2025
// from jun25, and the map has the 32 states.
func TestHomeFigures(t *testing.T) {
	s := testServer(t)
	body := get(t, s, "/").Body.String()
	for _, want := range []string{`data-testid="total-victimas"`, "jun25", "mar2026", "1 de cada 100", "svg-maps/MapSVG"} {
		if !strings.Contains(body, want) {
			t.Errorf("home lacks %q", want)
		}
	}
	if n := strings.Count(body, `<path class="state`); n != 32 {
		t.Errorf("map has %d state shapes, want 32", n)
	}
}

func TestAnalysisMatchesBrief(t *testing.T) {
	s := testServer(t)
	body := get(t, s, "/analisis?from=2022-01&to=2022-06&states=02,08,19&vintage=jun22").Body.String()
	for _, want := range []string{`data-testid="analysis-carpetas">411<`, "Total: 411", "95, 23.1 %", "jun22"} {
		if !strings.Contains(body, want) {
			t.Errorf("analysis lacks %q", want)
		}
	}
	if w := get(t, s, "/analisis?from=2022-13&to=2022-06"); w.Code != http.StatusBadRequest {
		t.Errorf("bad month: status %d", w.Code)
	}
}

func TestNotFound(t *testing.T) {
	s := testServer(t)
	for _, p := range []string{"/nope", "/estados/atlantis", "/estados/99"} {
		if w := get(t, s, p); w.Code != 404 || !strings.Contains(w.Body.String(), "800 5533 000") {
			t.Errorf("%s: status %d", p, w.Code)
		}
	}
}

func TestCSVDownload(t *testing.T) {
	s := testServer(t)
	w := get(t, s, "/datos/serie.csv?fuente=carpetas&medida=trata&from=2022-01&to=2022-06&vintage=jun22")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d, type %s", w.Code, w.Header().Get("Content-Type"))
	}
	rows, err := csv.NewReader(w.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+6*33 {
		t.Fatalf("%d rows, want header + 6 months × 33 places", len(rows))
	}
	var national int
	for _, r := range rows[1:] {
		if r[0] == "00" {
			var v int
			if _, err := fmtSscan(r[7], &v); err != nil {
				t.Fatal(err)
			}
			national += v
			if r[10] != "jun22" {
				t.Errorf("row names release %q", r[10])
			}
		}
	}
	if national != 411 {
		t.Errorf("national H1 2022 in the CSV = %d, want 411", national)
	}
}

func TestAPI(t *testing.T) {
	s := testServer(t)
	w := get(t, s, "/api/v1/brief?from=2022-01&to=2022-06&states=02,08,19&vintage=jun22")
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("status %d, CORS %q", w.Code, w.Header().Get("Access-Control-Allow-Origin"))
	}
	var b struct {
		Carpetas struct {
			Total int64 `json:"total"`
			Group struct {
				Total int64 `json:"total"`
			} `json:"group"`
		} `json:"carpetas"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || b.Carpetas.Total != 411 || b.Carpetas.Group.Total != 95 {
		t.Errorf("brief API: %+v, %v", b, err)
	}
	if w := get(t, s, "/api/v1/brief?from=x"); w.Code != 400 || !json.Valid(w.Body.Bytes()) {
		t.Errorf("bad query: status %d body %s", w.Code, w.Body)
	}
	r := httptest.NewRequest("OPTIONS", "/api/v1/series", nil)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, r)
	if rec.Code != http.StatusNoContent || !strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
	post := httptest.NewRequest("POST", "/api/v1/series", nil)
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, post)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST to a read-only API: %d", rec.Code)
	}
}

// The OpenAPI document and the handlers agree: every documented path
// answers with the fields its schema requires, and every API route is
// documented.
func TestOpenAPIMatchesHandlers(t *testing.T) {
	s := testServer(t)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Parameters []struct {
				Name     string `json:"name"`
				Required bool   `json:"required"`
				Example  any    `json:"example"`
			} `json:"parameters"`
			Responses map[string]struct {
				Content map[string]struct {
					Schema map[string]any `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
			RequestBody struct {
				Content map[string]struct {
					Example any `json:"example"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	w := get(t, s, "/api/v1/openapi.json")
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	for _, route := range []string{"/api/v1/series", "/api/v1/brief", "/api/v1/states", "/api/v1/releases", "/api/v1/openapi.json", "/api/v1/screen"} {
		if _, ok := doc.Paths[route]; !ok {
			t.Errorf("route %s is not documented", route)
		}
	}
	resolve := func(sch map[string]any) map[string]any {
		if ref, ok := sch["$ref"].(string); ok {
			return doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
		}
		return sch
	}
	for path, ops := range doc.Paths {
		if strings.HasPrefix(path, "/api/v1/reports") {
			continue // the hotline's API: TestHotlineAPIContract
		}
		if post, ok := ops["post"]; ok {
			ex := post.RequestBody.Content["application/json"].Example
			body, _ := json.Marshal(ex)
			r := httptest.NewRequest("POST", path, bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			var got any
			if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &got) != nil {
				t.Errorf("POST %s with the documented example: %d %s", path, w.Code, w.Body)
				continue
			}
			checkSchema(t, path, got, resolve(post.Responses["200"].Content["application/json"].Schema), resolve)
			continue
		}
		op, ok := ops["get"]
		if !ok {
			t.Errorf("%s: no GET", path)
			continue
		}
		q := []string{}
		for _, p := range op.Parameters {
			if p.Example != nil {
				q = append(q, p.Name+"="+toString(p.Example))
			}
		}
		w := get(t, s, path+"?"+strings.Join(q, "&"))
		if w.Code != 200 {
			t.Errorf("%s: status %d: %s", path, w.Code, w.Body)
			continue
		}
		var body any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		sch := resolve(op.Responses["200"].Content["application/json"].Schema)
		checkSchema(t, path, body, sch, resolve)
	}
}

func checkSchema(t *testing.T, where string, v any, sch map[string]any, resolve func(map[string]any) map[string]any) {
	t.Helper()
	if items, ok := sch["items"].(map[string]any); ok {
		arr, ok := v.([]any)
		if !ok {
			t.Errorf("%s: want an array, got %T", where, v)
			return
		}
		for i, x := range arr {
			checkSchema(t, where+"["+toString(i)+"]", x, resolve(items), resolve)
		}
		return
	}
	req, _ := sch["required"].([]any)
	obj, isObj := v.(map[string]any)
	if len(req) > 0 && !isObj {
		t.Errorf("%s: want an object, got %T", where, v)
		return
	}
	for _, k := range req {
		if _, ok := obj[k.(string)]; !ok {
			t.Errorf("%s: required field %q missing", where, k)
		}
	}
	props, _ := sch["properties"].(map[string]any)
	for k, ps := range props {
		if x, ok := obj[k]; ok && x != nil {
			checkSchema(t, where+"."+k, x, resolve(ps.(map[string]any)), resolve)
		}
	}
}

func urgencyZero(int) string { return "" }
func muniZero(string) string { return "" }

// Every template runs with empty data, so a page can never fail on a
// missing figure (pkgsite's templatecheck, by execution).
func TestTemplatesWithZeroData(t *testing.T) {
	zero := map[string]any{"home": homeData{}, "state": stateData{}, "municipality": municipalityData{}, "states": statesData{}, "analysis": analysisData{},
		"data": dataPage{}, "method": []sesnsp.Measure{}, "error": "", "check": checkData{},
		"report": reportData{}, "receipt": reportData{}, "follow": followData{Follow: &desk.Followup{}}, "hotline_stats": statsData{},
		"console_login": loginData{}, "console_home": consoleData{Page: consoleHomeData{Tasks: []store.DueTask{{ID: 1, CaseID: 1, DueOn: "2026-01-01"}}}, StateOf: stateName},
		"console_report": consoleData{Page: desk.ReportView{}, StateOf: stateName, Urgency: urgencyZero, MuniName: muniZero},
		"console_case": consoleData{Page: casePage{Instruments: hotline.Instruments(), Assignees: []store.Staff{{ID: 1, Username: "x"}},
			CaseView: desk.CaseView{Timeline: []desk.TimelineEntry{{Kind: "case.move", Detail: "nuevo->evaluacion"}, {Kind: "note", Text: "x"}}}}, StateOf: stateName, Urgency: urgencyZero, MuniName: muniZero},
		"console_phone":     consoleData{Page: phonePage{}},
		"console_caseload":  consoleData{Page: []desk.LoadRow{{Username: "x"}}},
		"console_directory": consoleData{Page: directoryPage{Entries: []store.DirectoryEntry{{ID: 1, State: 1, Kind: "dif", Name: "x"}}}, StateOf: stateName},
		"console_staff":     consoleData{Page: staffPage{}}, "console_error": consoleData{}, "console_breakglass": consoleData{Page: int64(1)},
		"console_search": consoleData{Page: searchPage{Done: true}, StateOf: stateName}}
	for _, name := range pageNames {
		for _, l := range []locale.Lang{locale.ES, locale.EN} {
			var buf bytes.Buffer
			if err := templates[name].Execute(&buf, page{Lang: l, Data: zero[name]}); err != nil {
				t.Errorf("%s (%s): %v", name, l, err)
			}
		}
	}
}

func TestLocaleCatalogsAgree(t *testing.T) {
	es, en := locale.Keys(locale.ES), locale.Keys(locale.EN)
	if len(es) != len(en) {
		t.Fatalf("es has %d keys, en %d", len(es), len(en))
	}
	for _, k := range es {
		// Names, and words spelled alike in both languages.
		brand := k == "kind.whatsapp" || k == "kind.telegram" || k == "no" || k == "hstats.total" || k == "brief.total"
		if !brand && locale.T(locale.EN, k) == locale.T(locale.ES, k) && strings.Trim(locale.T(locale.ES, k), "%s:,. ") != "" {
			t.Errorf("key %q is not translated", k)
		}
	}
}

// newEmptyServer is a server over a new, empty store at path.
func newEmptyServer(t *testing.T, path string) *Server {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	pop, _ := ingest.Population()
	return New(st, pop, testScreener(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// An import changes the store's generation and so, within a second, empties
// the page cache.
func TestCacheInvalidatedByImport(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pop, _ := ingest.Population()
	s := New(st, pop, testScreener(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	before := get(t, s, "/datos").Body.String()
	if strings.Contains(before, "mar2026") {
		t.Fatal("empty store shows a release")
	}
	f, err := os.Open("../../data/sesnsp/rnid/lapanquecita/mar2026/estatal_n.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	file, err := sesnsp.Read("mar2026/estatal_n.csv", f, sesnsp.Options{Keep: sesnsp.Stored})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Import(ctx, file); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s.now = func() time.Time { return start.Add(generationTTL + time.Millisecond) }
	if after := get(t, s, "/datos").Body.String(); !strings.Contains(after, "mar2026") {
		t.Error("the page cache served a page from before the import")
	}
}

func TestHealthAndMetrics(t *testing.T) {
	s := testServer(t)
	if w := get(t, s, "/healthz"); w.Code != 200 {
		t.Errorf("healthz: %d", w.Code)
	}
	get(t, s, "/metodologia")
	w := get(t, s, "/metrics")
	if !strings.Contains(w.Body.String(), `vigia_http_requests_total{route="method",status="200"}`) {
		t.Errorf("metrics lack the request counter:\n%s", w.Body)
	}
}

func TestGzip(t *testing.T) {
	s := testServer(t)
	plain := get(t, s, "/metodologia?lang=es").Body.Bytes()
	w := get(t, s, "/metodologia?lang=es", "Accept-Encoding", "gzip, br")
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", w.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if !bytes.Equal(got, plain) {
		t.Error("the gzip body differs from the plain one")
	}
}
