package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/vigia-mx/vigia/internal/locale"
)

// Embeddable charts: GET /embed/{chart} is a bare page holding one chart,
// its title, source and release, and links back, for other sites to put in
// an <iframe>. Only these pages may be framed by other origins
// (frame-ancestors *); every other route keeps frame-ancestors 'none', so
// every link on an embed page (<base target="_blank">, which names no URL
// and so passes base-uri 'none') opens outside the frame: followed inside
// it, a link to a state's page would be refused.

func init() {
	templates["embed"] = template.Must(template.New("embed.html").Funcs(funcs).ParseFS(templateFS, "templates/embed.html"))
}

// embedCSP is the site's policy with frame-ancestors opened to any origin:
// an embed page holds nothing but public figures and plain links.
const embedCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors *"

// isEmbed reports whether path is an embed page.
func isEmbed(path string) bool { return strings.HasPrefix(path, "/embed/") }

// relaxForEmbed lets other sites frame the embed pages: it replaces the
// policy ServeHTTP set for every response, and drops X-Frame-Options.
func relaxForEmbed(h http.Header) {
	h.Set("Content-Security-Policy", embedCSP)
	h.Del("X-Frame-Options")
	// A framed page is opened by another site's page: isolating its
	// browsing context would break nothing, but the opener policy is
	// meaningless inside a frame.
	h.Del("Cross-Origin-Opener-Policy")
}

type embedData struct {
	Doc      *chartDoc
	PageURL  string // the chart's page on the site, absolute
	SVG, PNG string
}

// embed renders GET /embed/{chart}.
func (s *Server) embed(w http.ResponseWriter, r *http.Request) (*view, error) {
	l := locale.FromRequest(r)
	d, err := s.buildChart(r, r.PathValue("chart"))
	if err != nil {
		return nil, err
	}
	page := shareURL(r, l, d.Share)
	return &view{Template: "embed", Title: d.Title, Data: embedData{Doc: d, PageURL: page,
		SVG: chartPath("/grafica/", d.Name+".svg", d.Query, l), PNG: chartPath("/grafica/", d.Name+".png", d.Query, l)}}, nil
}

// exportRoutes registers the downloads, the embed pages and the compare page.
func (s *Server) exportRoutes() {
	s.mux.Handle("GET /grafica/{file}", s.instrument("chart_file", http.HandlerFunc(s.chartFile)))
	s.mux.Handle("GET /embed/{chart}", s.instrument("embed", s.cached(s.embed)))
	s.mux.Handle("GET /comparar", s.instrument("compare", s.cached(s.compare)))
}
