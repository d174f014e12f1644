package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

//go:embed templates/*.html
var templateFS embed.FS

// view is what a page handler returns: a template and its data.
type view struct {
	Template string
	Title    string
	Data     any
	Status   int
}

// page is what every template receives.
type page struct {
	Lang    locale.Lang
	Title   string
	Path    string
	AltLang string // URL of this page in the other language
	Query   url.Values
	Data    any
	Nav     []navItem
	// Hotline pages carry the quick-exit button.
	Hotline bool
}

type navItem struct {
	Href, Key string
	Current   bool
}

// pageNames lists every page template; each is parsed with layout.html.
var pageNames = []string{"home", "state", "municipality", "states", "analysis", "data", "method", "error", "check",
	"report", "receipt", "follow", "hotline_stats",
	"console_login", "console_home", "console_report", "console_case", "console_staff", "console_error", "console_breakglass", "console_search", "console_phone", "console_caseload", "console_directory"}

var templates = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t := template.New("layout.html").Funcs(funcs)
		template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/console_parts.html", "templates/freshness.html", "templates/"+name+".html"))
		out[name] = t
	}
	return out
}()

var funcs = template.FuncMap{
	"t": func(l locale.Lang, key string, args ...any) string { return locale.T(l, key, args...) },
	"int": func(v any) string {
		switch n := v.(type) {
		case int64:
			return brief.Int(n)
		case *int64:
			if n == nil {
				return "—"
			}
			return brief.Int(*n)
		case int:
			return brief.Int(int64(n))
		}
		return fmt.Sprint(v)
	},
	"dec": func(d int, v any) string {
		switch x := v.(type) {
		case float64:
			return brief.Dec(x, d)
		case *float64:
			if x == nil {
				return "—"
			}
			return brief.Dec(*x, d)
		}
		return fmt.Sprint(v)
	},
	"pct": func(l locale.Lang, p *float64) string {
		if p == nil {
			return locale.T(l, "nd")
		}
		return brief.Signed(*p, 1) + " %"
	},
	"signed": brief.SignedInt,
	"month":  func(l locale.Lang, s string) string { return monthName(l, s) },
	"period": func(l locale.Lang, from, to string) string {
		if from == to {
			return monthName(l, from)
		}
		return monthName(l, from) + " – " + monthName(l, to)
	},
	"vintages": func(v any) string {
		switch x := v.(type) {
		case string:
			return x
		case []string:
			return strings.Join(x, ", ")
		}
		return "—"
	},
	"langURL": func(l locale.Lang, path string, q url.Values) string { return withLang(path, q, l) },
	"deref": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"lower":   strings.ToLower,
	"label":   func(l locale.Lang, s string) string { return sesnsp.Label(string(l), s) },
	"covered": periodCovered,
	"highest": func(l locale.Lang, sb *brief.SourceBrief) string { return sb.HighestText(string(l)) },
	"prevwhy": func(l locale.Lang, sb *brief.SourceBrief) string { return sb.PreviousWhy(string(l)) },
	"prevlabel": func(l locale.Lang, b *brief.Brief, sb *brief.SourceBrief) string {
		return b.PreviousLabel(string(l), sb)
	},
	"pct100":   func(x float64) float64 { return x * 100 },
	"list":     func(xs ...*brief.SourceBrief) []*brief.SourceBrief { return xs },
	"round":    func(x float64) int64 { return int64(math.Round(x)) },
	"day":      func(s string) string { return s[:min(len(s), 10)] },
	"vfield":   victimField,
	"add":      func(a, b int) int { return a + b },
	"minute":   func(s string) string { return strings.Replace(s[:min(len(s), 16)], "T", " ", 1) },
	"objectID": func(s string) string { return s[strings.IndexByte(s, ':')+1:] },
	"when":     whenText,
	"span":     spanText,
	"tl":       timelineText,
	"tlwho":    timelineWho,
	"has":      func(xs []string, x string) bool { return slices.Contains(xs, x) },
	"channel":  channelName,
	"ago":      agoText,
	"due":      dueText,
	"size":     sizeText,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

// periodCovered names the period from…to and, when some of its months
// are not published, which are: "abril 2025 – marzo 2026 (enero–marzo 2026:
// 3 de 12 meses publicados)". Every figure summed over a period is labelled
// with it, so that a total over three months never passes for a year's.
func periodCovered(l locale.Lang, from, to string, unpublished []string) string {
	p := monthName(l, from)
	if from != to {
		p += " – " + monthName(l, to)
	}
	if c := brief.Coverage(string(l), from, to, unpublished); c != "" {
		p += " (" + c + ")"
	}
	return p
}

func monthName(l locale.Lang, s string) string {
	m, err := sesnsp.ParseYM(s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%s %d", locale.Months(l)[m.Month()-1], m.Year())
}

// withLang returns path?query with lang set.
func withLang(path string, q url.Values, l locale.Lang) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("lang", string(l))
	return path + "?" + v.Encode()
}

// cached renders a page handler's view, serving it from the page cache
// while the store has not changed.
func (s *Server) cached(h func(w http.ResponseWriter, r *http.Request) (*view, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := locale.FromRequest(r)
		gen, err := s.generation(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		key := cacheKey(r, string(lang))
		// Pages say how far behind today the data are (freshness.go): a
		// page rendered yesterday may be out of date today.
		gen += " " + s.pageDay()
		w.Header().Set("Content-Language", string(lang))
		w.Header().Set("Vary", "Accept-Language")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=60")
		w.Header().Add("Vary", "Accept-Encoding")
		if p, ok := s.pages.get(gen, key); ok {
			writePage(w, r, p)
			return
		}
		v, err := h(w, r)
		var bad badRequest
		switch {
		case errors.Is(err, errNotFound):
			v = &view{Template: "error", Title: locale.T(lang, "notfound.title"), Data: locale.T(lang, "notfound.text"), Status: http.StatusNotFound}
		case errors.As(err, &bad):
			v = &view{Template: "error", Title: locale.T(lang, "bad.title"), Data: bad.text(lang), Status: http.StatusBadRequest}
		case err != nil:
			s.serverError(w, r, err)
			return
		}
		body, err := s.render(r, lang, v)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		status := v.Status
		if status == 0 {
			status = http.StatusOK
		}
		p := cachedPage{status: status, body: body, gz: gzipped(body)}
		if status == http.StatusOK {
			s.pages.put(gen, key, p)
		}
		writePage(w, r, p)
	})
}

// writePage sends the gzip form to clients that take it: pages with the map
// are about 100 KB of text and compress tenfold.
func writePage(w http.ResponseWriter, r *http.Request, p cachedPage) {
	if p.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(p.gz)))
		w.WriteHeader(p.status)
		w.Write(p.gz)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(p.body)))
	w.WriteHeader(p.status)
	w.Write(p.body)
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	if zw.Close() != nil {
		return nil
	}
	return buf.Bytes()
}

func (s *Server) render(r *http.Request, lang locale.Lang, v *view) ([]byte, error) {
	t, ok := templates[v.Template]
	if !ok {
		return nil, fmt.Errorf("web: no template %q", v.Template)
	}
	other := locale.EN
	if lang == locale.EN {
		other = locale.ES
	}
	p := page{Lang: lang, Title: v.Title, Path: r.URL.Path, Query: r.URL.Query(), Data: v.Data,
		AltLang: withLang(r.URL.Path, r.URL.Query(), other)}
	nav := []navItem{{"/", "nav.home", false}, {"/estados", "nav.states", false}, {"/analisis", "nav.analysis", false},
		{"/datos", "nav.data", false}, {"/metodologia", "nav.method", false}, {"/oferta", "nav.check", false}}
	if s.hot != nil && s.hot.Intake {
		nav = append(nav, navItem{"/reportar", "nav.report", false})
	}
	if strings.HasPrefix(r.URL.Path, "/consola") {
		nav = []navItem{{"/consola", "nav.console", false}}
	}
	p.Hotline = s.hot != nil && (strings.HasPrefix(r.URL.Path, "/reportar") || strings.HasPrefix(r.URL.Path, "/seguimiento") || r.URL.Path == "/oferta")
	for _, n := range nav {
		n.Current = r.URL.Path == n.Href || (n.Href != "/" && n.Href != "/consola" && strings.HasPrefix(r.URL.Path, n.Href))
		p.Nav = append(p.Nav, n)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", v.Template, err)
	}
	return buf.Bytes(), nil
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("serving page", "path", r.URL.Path, "err", err)
	http.Error(w, "Error interno / internal error", http.StatusInternalServerError)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	lang := locale.FromRequest(r)
	body, err := s.render(r, lang, &view{Template: "error", Title: locale.T(lang, "notfound.title"), Data: locale.T(lang, "notfound.text")})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write(body)
}

//go:embed static
var staticFS embed.FS

func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}
