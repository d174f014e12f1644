package web

// HTTP caching for a CDN or a browser in front of the observatory.
//
// Everything public the observatory answers (pages, CSV downloads, the JSON
// API, static images and styles) is a function of three things: the
// releases held, the running binary, and the server's configuration. So the
// validators are derived from them: the ETag names the store's generation
// (which changes when a release is imported or removed) plus a hash of the
// binary, the configuration and, for pages, the language; Last-Modified is
// when the newest release was imported (or the binary built, if later).
// A request that sends back the current ETag is answered 304 without
// rendering anything.
//
// Only GETs of routes listed in cacheableRoutes get this treatment;
// anything else (the hotline's form and receipts, the console, /linea, the
// job-offer check, every POST, health and metrics) is no-store unless its
// handler says otherwise, and carries no validators. A handler that marks its answer
// no-store or private, or sets a cookie, loses the validators as well.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigia-mx/vigia/internal/locale"
)

// publicCacheControl is short: a new release shows within five minutes
// behind a CDN, and revalidation is cheap (a 304).
const publicCacheControl = "public, max-age=300"

type cacheKind int

const (
	sameForAll  cacheKind = iota // one representation (CSV, JSON, static files)
	perLanguage                  // pages: Spanish or English, plain or gzip
)

// cacheableRoutes are the mux patterns whose GET answers may be kept by
// shared caches. A route not listed is never given validators, so a new
// route is private until someone decides otherwise here.
var cacheableRoutes = map[string]cacheKind{
	"GET /{$}":                   perLanguage,
	"GET /estados":               perLanguage,
	"GET /estados/{iso}":         perLanguage,
	"GET /analisis":              perLanguage,
	"GET /datos":                 perLanguage,
	"GET /metodologia":           perLanguage,
	"GET /datos/serie.csv":       sameForAll,
	"GET /datos/diccionario.csv": sameForAll,
	"GET /api/v1/series":         sameForAll,
	"GET /api/v1/brief":          sameForAll,
	"GET /api/v1/states":         sameForAll,
	"GET /api/v1/releases":       sameForAll,
	"GET /api/v1/openapi.json":   sameForAll,
	"GET /static/":               sameForAll,
	"GET /grafica/{file}":        perLanguage,
	"GET /embed/{chart}":         perLanguage,
	"GET /comparar":              perLanguage,
}

// validatorCache remembers the Last-Modified of the current generation.
type validatorCache struct {
	mu       sync.Mutex
	gen      string
	modified time.Time
}

// serveWithValidators is the mux behind conditional GETs.
func (s *Server) serveWithValidators(w http.ResponseWriter, r *http.Request) {
	kind, ok := sameForAll, false
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		_, pattern := s.mux.Handler(r)
		kind, ok = cacheableRoutes[pattern]
	}
	if !ok {
		// Private unless its handler says otherwise: every POST, the
		// hotline, the console, and any route added later.
		w.Header().Set("Cache-Control", "no-store")
		s.mux.ServeHTTP(w, r)
		return
	}
	gen, modified, err := s.validators(r.Context())
	if err != nil {
		// The handler will meet the same failure and answer it.
		s.mux.ServeHTTP(w, r)
		return
	}
	lang := ""
	if kind == perLanguage {
		lang = string(locale.FromRequest(r))
	}
	etag := s.etag(gen, lang)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", publicCacheControl)
	switch precondition(r, etag, modified) {
	case notModified:
		if kind == perLanguage {
			h.Set("Vary", "Accept-Language, Accept-Encoding")
		}
		w.WriteHeader(http.StatusNotModified)
		s.metrics.observe("not_modified", http.StatusNotModified, 0)
	case notModifiedIfFound:
		// A 304 only stands for a 200 (RFC 9110 §13.1.4): let the handler
		// say whether the resource exists, and drop its body.
		s.mux.ServeHTTP(&validatedWriter{ResponseWriter: w, notModified: true}, r)
	default:
		s.mux.ServeHTTP(&validatedWriter{ResponseWriter: w}, r)
	}
}

// validators returns the store's generation and when it last changed.
func (s *Server) validators(ctx context.Context) (string, time.Time, error) {
	gen, err := s.generation(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	c := &s.validated
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		return c.gen, c.modified, nil
	}
	rs, err := s.store.Releases(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	var latest time.Time
	for _, r := range rs {
		if r.ImportedAt.After(latest) {
			latest = r.ImportedAt
		}
	}
	if b := thisBuild(); b.modified.After(latest) {
		latest = b.modified
	}
	now := s.now()
	// A generation that changed under a running server without a newer
	// import (a release removed) is newer than anything recorded.
	if c.gen != "" && now.After(latest) {
		latest = now
	}
	if latest.After(now) || latest.IsZero() {
		latest = now
	}
	c.gen, c.modified = gen, latest.UTC().Truncate(time.Second)
	return c.gen, c.modified, nil
}

// etag is a weak validator: the gzip and plain forms of a page share it,
// as they are the same content.
func (s *Server) etag(gen, lang string) string {
	hotline := "observatory"
	if s.hot != nil {
		// The navigation links to the form when the intake runs.
		hotline = fmt.Sprintf("hotline intake=%t", s.hot.Intake)
	}
	d := sha256.New()
	// Pages count up to the end of the current year.
	fmt.Fprintf(d, "%s\x00%s\x00%s\x00%s\x00%t\x00%d", gen, thisBuild().id, lang, hotline, s.pop != nil, s.now().Year())
	if lang != "" {
		// and say how far behind today the data are (freshness.go).
		fmt.Fprintf(d, "\x00%s", s.pageDay())
	}
	return `W/"` + gen + "-" + hex.EncodeToString(d.Sum(nil))[:16] + `"`
}

type preconditionResult int

const (
	modified           preconditionResult = iota // answer in full
	notModified                                  // answer 304 now
	notModifiedIfFound                           // answer 304 if the handler finds the resource
)

// precondition evaluates If-None-Match, or else If-Modified-Since (RFC 9110
// §13.2.2: the date is ignored when an entity tag is given). Our own tag
// coming back is only ever given out with a 200, so it answers at once;
// "*" and a date could be sent for a URL that does not exist.
func precondition(r *http.Request, etag string, lastModified time.Time) preconditionResult {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimSpace(t)
			if t == "*" {
				return notModifiedIfFound
			}
			if strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
				return notModified
			}
		}
		return modified
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !lastModified.After(t) {
			return notModifiedIfFound
		}
	}
	return modified
}

// validatedWriter keeps the validators and the public Cache-Control only
// on a successful answer that its handler did not make private.
// With notModified, a 200 becomes a 304 and its body is dropped.
type validatedWriter struct {
	http.ResponseWriter
	wrote       bool
	notModified bool
	discard     bool
}

func (w *validatedWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		h := w.Header()
		cc := h.Get("Cache-Control")
		private := strings.Contains(cc, "no-store") || strings.Contains(cc, "private") || len(h.Values("Set-Cookie")) > 0
		switch {
		case private:
			h.Del("ETag")
			h.Del("Last-Modified")
		case code == http.StatusOK && w.notModified:
			h.Set("Cache-Control", publicCacheControl)
			for _, k := range []string{"Content-Length", "Content-Type", "Content-Encoding", "Content-Disposition"} {
				h.Del(k)
			}
			code, w.discard = http.StatusNotModified, true
		case code == http.StatusOK || code == http.StatusPartialContent || code == http.StatusNotModified:
			h.Set("Cache-Control", publicCacheControl)
		default:
			h.Del("ETag")
			h.Del("Last-Modified")
			if code >= 500 {
				h.Set("Cache-Control", "no-store")
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *validatedWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.discard {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *validatedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type build struct {
	id       string
	modified time.Time
}

// thisBuild identifies the running binary by its bytes, so that an upgrade
// (new templates, new figures code) changes every ETag while replicas
// running the same binary agree on them.
var thisBuild = sync.OnceValue(func() build {
	b := build{id: "start " + strconv.FormatInt(time.Now().UnixNano(), 10)}
	exe, err := os.Executable()
	if err != nil {
		return b
	}
	f, err := os.Open(exe)
	if err != nil {
		return b
	}
	defer f.Close()
	d := sha256.New()
	if _, err := io.Copy(d, f); err != nil {
		return b
	}
	b.id = hex.EncodeToString(d.Sum(nil))
	if fi, err := f.Stat(); err == nil {
		b.modified = fi.ModTime()
	}
	return b
})
