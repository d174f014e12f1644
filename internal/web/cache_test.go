package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/data"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/staff"
)

// importBundled imports one bundled release into the hotline test store.
func (e *hotEnv) importBundled(path string) {
	e.t.Helper()
	for _, b := range data.Releases {
		if b.Path != path {
			continue
		}
		fh, err := data.FS().Open(b.Path)
		if err != nil {
			e.t.Fatal(err)
		}
		defer fh.Close()
		v, _ := sesnsp.ParseVintage(b.Vintage)
		f, err := sesnsp.Read(b.Path, fh, sesnsp.Options{Vintage: v, Keep: sesnsp.Stored})
		if err != nil {
			e.t.Fatal(err)
		}
		if _, _, err := e.st.Import(e.ctx, f); err != nil {
			e.t.Fatal(err)
		}
		return
	}
	e.t.Fatalf("no bundled release %s", path)
}

// Public GETs carry validators and a short public Cache-Control and answer
// 304 to a matching If-None-Match or If-Modified-Since; hotline pages, the
// console, every POST and anything with a session stay no-store without an
// ETag, whatever the request asks.
func TestHTTPCaching(t *testing.T) {
	e := hotlineServer(t)
	e.importBundled("sesnsp/rnid/lapanquecita/ene2026/estatal_n.csv")
	c := e.client()

	public := []string{
		"/", "/?lang=en", "/estados", "/estados/mx-bcn", "/analisis?from=2026-01&to=2026-01", "/datos", "/metodologia",
		"/datos/serie.csv", "/datos/diccionario.csv",
		"/api/v1/series", "/api/v1/brief?from=2026-01&to=2026-01", "/api/v1/states", "/api/v1/releases", "/api/v1/openapi.json",
		"/static/vigia.css", "/static/favicon.svg",
	}
	for _, p := range public {
		t.Run("public "+p, func(t *testing.T) {
			w := c.get(p)
			if !wantStatus(t, p, w, http.StatusOK) {
				return
			}
			h := w.Header()
			etag, lm := h.Get("ETag"), h.Get("Last-Modified")
			if !strings.HasPrefix(etag, `W/"`) || lm == "" {
				t.Fatalf("ETag %q, Last-Modified %q", etag, lm)
			}
			if cc := h.Get("Cache-Control"); cc != "public, max-age=300" {
				t.Errorf("Cache-Control %q", cc)
			}
			if _, err := http.ParseTime(lm); err != nil {
				t.Errorf("Last-Modified %q: %v", lm, err)
			}
			for _, hdr := range [][]string{
				{"If-None-Match", etag},
				{"If-None-Match", `"other", ` + strings.TrimPrefix(etag, "W/")},
				{"If-Modified-Since", lm},
				{"If-None-Match", "*"},
			} {
				w := c.get(p, hdr...)
				if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
					t.Errorf("%s: %s → %d (%d bytes), want 304", hdr[0], hdr[1], w.Code, w.Body.Len())
				}
				if w.Header().Get("ETag") != etag || w.Header().Get("Cache-Control") != "public, max-age=300" {
					t.Errorf("%s: 304 headers %v", hdr[0], w.Header())
				}
			}
			old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
			for _, hdr := range [][]string{{"If-None-Match", `W/"0-0-stale"`}, {"If-Modified-Since", old}} {
				if w := c.get(p, hdr...); w.Code != http.StatusOK || w.Header().Get("ETag") != etag {
					t.Errorf("%s: %s → %d, want 200 with the ETag", hdr[0], hdr[1], w.Code)
				}
			}
		})
	}

	// A 304 stands for a 200: a page or file that does not exist is not
	// "not modified".
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	for _, p := range []string{"/estados/atlantis", "/static/nada.css"} {
		for _, hdr := range [][]string{{"If-None-Match", "*"}, {"If-Modified-Since", future}} {
			if w := c.get(p, hdr...); w.Code != http.StatusNotFound || w.Header().Get("ETag") != "" {
				t.Errorf("%s with %s: %d, ETag %q; want 404 without an ETag", p, hdr[0], w.Code, w.Header().Get("ETag"))
			}
		}
	}

	// HEAD is a GET without the body, validators included.
	if w := c.do("HEAD", "/datos", nil); w.Code != http.StatusOK || w.Header().Get("ETag") == "" {
		t.Errorf("HEAD /datos: %d, ETag %q", w.Code, w.Header().Get("ETag"))
	}

	// The two languages of a page are two representations.
	es, en := c.get("/estados").Header().Get("ETag"), c.get("/estados?lang=en").Header().Get("ETag")
	if es == en {
		t.Errorf("Spanish and English pages share the ETag %s", es)
	}
	if w := c.get("/estados?lang=en", "If-None-Match", es); w.Code != http.StatusOK {
		t.Errorf("English page answered %d to the Spanish ETag", w.Code)
	}

	// Private: hotline pages, the console (signed in or not), every POST.
	sup := e.addUser("sup1", staff.Supervisor, "norte", "team")
	staffc := e.login(sup)
	form := url.Values{"texto": {"Se solicitan edecanes"}}
	private := []struct {
		name string
		do   func(hdr ...string) *httptest.ResponseRecorder
	}{
		{"GET /reportar", func(h ...string) *httptest.ResponseRecorder { return c.get("/reportar", h...) }},
		{"GET /seguimiento", func(h ...string) *httptest.ResponseRecorder { return c.get("/seguimiento", h...) }},
		{"GET /linea", func(h ...string) *httptest.ResponseRecorder { return c.get("/linea", h...) }},
		{"GET /linea csv", func(h ...string) *httptest.ResponseRecorder { return c.get("/linea?formato=csv", h...) }},
		{"GET /salir", func(h ...string) *httptest.ResponseRecorder { return c.get("/salir", h...) }},
		{"GET /oferta", func(h ...string) *httptest.ResponseRecorder { return c.get("/oferta", h...) }},
		{"GET /consola/entrar", func(h ...string) *httptest.ResponseRecorder { return c.get("/consola/entrar", h...) }},
		{"GET /consola signed out", func(h ...string) *httptest.ResponseRecorder { return c.get("/consola", h...) }},
		{"GET /consola signed in", func(h ...string) *httptest.ResponseRecorder { return staffc.get("/consola", h...) }},
		{"GET /consola/buscar signed in", func(h ...string) *httptest.ResponseRecorder { return staffc.get("/consola/buscar?q=x", h...) }},
		{"GET /api/v1/reports/mine", func(h ...string) *httptest.ResponseRecorder { return c.get("/api/v1/reports/mine", h...) }},
		{"POST /reportar", func(h ...string) *httptest.ResponseRecorder { return c.postForm("/reportar", url.Values{}, h...) }},
		{"POST /seguimiento", func(h ...string) *httptest.ResponseRecorder { return c.postForm("/seguimiento", url.Values{}, h...) }},
		{"POST /oferta", func(h ...string) *httptest.ResponseRecorder { return c.postForm("/oferta", form, h...) }},
		{"POST /api/v1/screen", func(h ...string) *httptest.ResponseRecorder {
			return c.do("POST", "/api/v1/screen", strings.NewReader(`{"text":"x"}`), append([]string{"Content-Type", "application/json"}, h...)...)
		}},
		{"POST /", func(h ...string) *httptest.ResponseRecorder { return c.postForm("/", url.Values{}, h...) }},
		{"GET /healthz", func(h ...string) *httptest.ResponseRecorder { return c.get("/healthz", h...) }},
		{"GET /nonexistent", func(h ...string) *httptest.ResponseRecorder { return c.get("/nonexistent", h...) }},
	}
	lm := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	for _, p := range private {
		t.Run("private "+p.name, func(t *testing.T) {
			for _, hdr := range [][]string{nil, {"If-None-Match", "*"}, {"If-Modified-Since", lm}} {
				w := p.do(hdr...)
				if w.Code == http.StatusNotModified {
					t.Errorf("%v: answered 304", hdr)
				}
				h := w.Header()
				if cc := h.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
					t.Errorf("%v: Cache-Control %q, want no-store", hdr, cc)
				}
				if h.Get("ETag") != "" || h.Get("Last-Modified") != "" {
					t.Errorf("%v: ETag %q, Last-Modified %q on a private answer", hdr, h.Get("ETag"), h.Get("Last-Modified"))
				}
			}
		})
	}
}

// Importing a release changes every ETag and moves Last-Modified on; the
// old ETag then gets the new page, not a 304.
func TestETagChangesOnImport(t *testing.T) {
	e := hotlineServer(t)
	e.importBundled("sesnsp/rnid/lapanquecita/ene2026/estatal_n.csv")
	c := e.client()
	paths := []string{"/", "/datos", "/api/v1/releases", "/datos/serie.csv", "/static/vigia.css"}
	before := map[string]*httptest.ResponseRecorder{}
	for _, p := range paths {
		before[p] = c.get(p)
	}
	e.clock.Advance(2 * time.Second) // past the generation's TTL
	e.importBundled("sesnsp/rnid/lapanquecita/feb2026/estatal_n.csv")
	e.clock.Advance(2 * time.Second)
	for _, p := range paths {
		old := before[p].Header()
		w := c.get(p, "If-None-Match", old.Get("ETag"))
		if w.Code != http.StatusOK {
			t.Errorf("%s: old ETag answered %d after an import, want 200", p, w.Code)
			continue
		}
		if w.Header().Get("ETag") == old.Get("ETag") {
			t.Errorf("%s: ETag %s unchanged by an import", p, old.Get("ETag"))
		}
		was, _ := http.ParseTime(old.Get("Last-Modified"))
		now, _ := http.ParseTime(w.Header().Get("Last-Modified"))
		if now.Before(was) {
			t.Errorf("%s: Last-Modified went back from %v to %v", p, was, now)
		}
	}
	if !strings.Contains(c.get("/datos").Body.String(), "feb2026") {
		t.Errorf("/datos does not list the imported release")
	}
}
