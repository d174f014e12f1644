// Package web is the observatory: server-rendered pages in Spanish and
// English, charts and a map drawn as inline SVG, CSV and JSON downloads, and
// a read-only JSON API. Pages work without JavaScript; the little script
// there is only enhances them.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/conapo"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/store"
)

// Server serves the observatory.
type Server struct {
	store   *store.Store
	pop     *conapo.Table
	log     *slog.Logger
	pages   *pageCache
	metrics *metrics
	mux     *http.ServeMux
	gen     generation
	// validated holds the HTTP validators of the current generation (cache.go).
	validated validatorCache
	// screener checks job offers; limits rate-limits it per client.
	screener *screen.Screener
	limits   *limiter
	// hot is the hotline, when enabled; its limiters count reports and
	// receipt attempts per client.
	hot *Hotline
	// lastPurge is the minute old intake limits were last deleted.
	lastPurge atomic.Int64
	official  officialCache
	// now is the clock, replaceable in tests.
	now func() time.Time
	// metricsHidden: GET /metrics answers 404 on this server's listener
	// (the public hotline intake); Metrics serves them elsewhere.
	metricsHidden bool
}

// New builds the server over a store (already seeded), the population
// table and the job-offer screener.
func New(st *store.Store, pop *conapo.Table, sc *screen.Screener, log *slog.Logger) *Server {
	s := &Server{store: st, pop: pop, log: log, pages: newPageCache(), metrics: newMetrics(), mux: http.NewServeMux(), now: time.Now, screener: sc}
	s.limits = newLimiter(func() time.Time { return s.now() })
	s.routes()
	return s
}

func (s *Server) routes() {
	page := func(pattern, name string, h func(w http.ResponseWriter, r *http.Request) (*view, error)) {
		s.mux.Handle(pattern, s.instrument(name, s.cached(h)))
	}
	page("GET /{$}", "home", s.home)
	page("GET /estados", "states", s.states)
	page("GET /estados/{iso}", "state", s.state)
	page("GET /municipios/{cve}", "municipality", s.municipality)
	page("GET /analisis", "analysis", s.analysis)
	page("GET /datos", "data", s.data)
	page("GET /metodologia", "method", s.method)
	// The public check posts a form: cross-origin posts are refused (CSRF),
	// and the page is never cached.
	csrf := http.NewCrossOriginProtection()
	s.mux.Handle("GET /oferta", s.instrument("check", http.HandlerFunc(s.check)))
	s.mux.Handle("POST /oferta", s.instrument("check_post", csrf.Handler(http.HandlerFunc(s.check))))
	s.mux.Handle("POST /api/v1/screen", s.instrument("api_screen", http.HandlerFunc(s.apiScreen)))
	s.mux.Handle("GET /datos/serie.csv", s.instrument("csv", http.HandlerFunc(s.seriesCSV)))
	s.mux.Handle("GET /datos/diccionario.csv", s.instrument("dictionary", http.HandlerFunc(s.dictionaryCSV)))
	s.mux.Handle("GET /api/v1/series", s.instrument("api_series", s.api(s.apiSeries)))
	s.mux.Handle("GET /api/v1/brief", s.instrument("api_brief", s.api(s.apiBrief)))
	s.mux.Handle("GET /api/v1/states", s.instrument("api_states", s.api(s.apiStates)))
	s.mux.Handle("GET /api/v1/releases", s.instrument("api_releases", s.api(s.apiReleases)))
	s.mux.Handle("GET /api/v1/openapi.json", s.instrument("api_openapi", http.HandlerFunc(s.openAPI)))
	s.mux.Handle("OPTIONS /api/v1/", http.HandlerFunc(s.preflight))
	s.exportRoutes()
	s.mux.Handle("GET /static/", s.instrument("static", staticHandler()))
	s.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		if s.metricsHidden {
			s.notFound(w, r)
			return
		}
		s.metrics.serve(w, r)
	})
	s.mux.Handle("GET /", s.instrument("not_found", http.HandlerFunc(s.notFound)))
}

// Metrics serves the Prometheus metrics, for a listener of their own
// (vigia serve --metrics-addr).
func (s *Server) Metrics() http.Handler { return http.HandlerFunc(s.metrics.serve) }

// ServeHTTP applies the headers every response carries.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// No inline script or style anywhere, so the policy can forbid both;
	// every asset is ours, so nothing is allowed from elsewhere.
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if isEmbed(r.URL.Path) {
		relaxForEmbed(h)
	}
	if s.hot != nil && s.hot.SecureCookies {
		// Served over TLS (--secure-cookies says so): browsers must not
		// come back over plain HTTP, where a report or a console cookie
		// could be read or changed on the way.
		h.Set("Strict-Transport-Security", "max-age=63072000")
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving request", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	s.serveWithValidators(w, r)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.store.Generation(ctx); err != nil {
		s.log.Error("health check failed", "err", err)
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok")
}

// statusWriter remembers the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// instrument logs each request (method, route, status, duration: never the
// query string's personal data, of which the observatory has none, nor the
// client address) and counts it.
func (s *Server) instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observe(route, sw.status, d)
		s.log.Debug("request", "method", r.Method, "route", route, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes, "duration", d)
	})
}

// pageCache keeps rendered pages by URL and language for one generation of
// the store: any import changes the generation and empties the cache.
type pageCache struct {
	mu    sync.RWMutex
	gen   string
	pages map[string]cachedPage
}

type cachedPage struct {
	status int
	body   []byte
	gz     []byte // the same body, gzip-compressed once
}

const maxCachedPages = 2000

func newPageCache() *pageCache { return &pageCache{pages: map[string]cachedPage{}} }

func (c *pageCache) get(gen, key string) (cachedPage, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.gen != gen {
		return cachedPage{}, false
	}
	p, ok := c.pages[key]
	return p, ok
}

func (c *pageCache) put(gen, key string, p cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		c.gen, c.pages = gen, map[string]cachedPage{}
	}
	if len(c.pages) >= maxCachedPages {
		// Arbitrary URLs (analysis queries) must not grow memory without end.
		c.pages = map[string]cachedPage{}
	}
	c.pages[key] = p
}

// generationTTL bounds how long a page rendered before an import in another
// process (vigia import beside vigia serve) can still be served. Asking the
// database on every request would put it on the hot path of cached pages.
const generationTTL = time.Second

type generation struct {
	mu      sync.Mutex
	value   string
	checked time.Time
}

// generation returns the store's generation, asking the store at most once
// per generationTTL.
func (s *Server) generation(ctx context.Context) (string, error) {
	g := &s.gen
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.value != "" && s.now().Sub(g.checked) < generationTTL {
		return g.value, nil
	}
	v, err := s.store.Generation(ctx)
	if err != nil {
		return "", err
	}
	g.value, g.checked = v, s.now()
	return v, nil
}

// errNotFound makes a page handler answer 404.
var errNotFound = errors.New("not found")

// badRequest is a user's mistake in a query, shown on the page. msg is
// the English text (the API answers with it); key, when set, is the
// catalog entry (with args) a page shows in the reader's language.
type badRequest struct {
	msg  string
	key  string
	args []any
}

func (e badRequest) Error() string { return e.msg }

// text is the message in l.
func (e badRequest) text(l locale.Lang) string {
	if e.key == "" {
		return e.msg
	}
	return locale.T(l, e.key, e.args...)
}

// badKey is a badRequest with its message in both languages: the catalog
// key's English text is the API's message.
func badKey(key string, args ...any) badRequest {
	return badRequest{msg: locale.T(locale.EN, key, args...), key: key, args: args}
}

func cacheKey(r *http.Request, lang string) string {
	return lang + " " + r.URL.Path + "?" + r.URL.RawQuery
}

// summaryBrief is the brief used by several pages: every state, one period.
func (s *Server) summaryBrief(ctx context.Context, p brief.Params) (*brief.Brief, error) {
	return brief.Build(ctx, s.store, s.pop, p)
}
