package web

// Journalists' tools: every chart and the map as an SVG or PNG file, with
// the title, source and release drawn into the image (GET /grafica/…), and
// an embeddable page per chart (GET /embed/…, embed.go).

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/chart"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// pngWidth is the width of PNG downloads: chart.MinPNGWidth (1200 px), wide
// enough for a news page. ?ancho=2400 gives one for print (20 cm at 300
// dpi); those are the only two widths, so the cache holds at most two.
const (
	pngWidth      = chart.MinPNGWidth
	pngPrintWidth = 2400
)

// chartDoc is one chart as the downloads and the embed pages serve it.
type chartDoc struct {
	Name  string        // route name: "mapa", "tendencia", …
	Title string        // the chart's title, drawn into the files
	SVG   template.HTML // the chart's wide drawing (the files)
	Page  template.HTML // what a page shows: both widths, an HTML legend
	Frame chart.Frame
	Query url.Values // the parameters that select this chart (no lang)
	Share string     // path, query and anchor of the page that shows it
	// Height is the suggested height of an <iframe> of the embed page, px.
	Height int
}

type chartBuilder func(s *Server, r *http.Request, l locale.Lang) (*chartDoc, error)

// chartBuilders are the charts that can be downloaded and embedded.
var chartBuilders = map[string]chartBuilder{
	"mapa":             (*Server).mapDoc,
	"tendencia":        (*Server).trendDoc,
	"comparar":         (*Server).compareSeriesDoc,
	"comparar-ranking": (*Server).compareRankingDoc,
	"analisis":         (*Server).analysisDoc,
	"estados":          (*Server).statesDoc,
}

// buildChart builds the chart named in the request path.
func (s *Server) buildChart(r *http.Request, name string) (*chartDoc, error) {
	b, ok := chartBuilders[name]
	if !ok {
		return nil, errNotFound
	}
	l := locale.FromRequest(r)
	d, err := b(s, r, l)
	if err != nil {
		return nil, err
	}
	d.Name = name
	if d.Frame.Credit == "" {
		d.Frame.Credit = locale.T(l, "x.frame.credit", shareURL(r, l, d.Share))
	}
	return d, nil
}

// shareURL is the absolute URL of share (path?query#anchor) in language l.
func shareURL(r *http.Request, l locale.Lang, share string) string {
	rest, anchor, _ := strings.Cut(share, "#")
	path, rawq, _ := strings.Cut(rest, "?")
	q, _ := url.ParseQuery(rawq)
	u := absURL(r, withLang(path, q, l))
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// chartFile answers GET /grafica/{file}: file is "<chart>.svg" or "<chart>.png".
func (s *Server) chartFile(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	name, ext, ok := strings.Cut(file, ".")
	if !ok || (ext != "svg" && ext != "png") {
		s.notFound(w, r)
		return
	}
	width := pngWidth
	switch a := r.URL.Query().Get("ancho"); {
	case a == "" || a == strconv.Itoa(pngWidth):
	case a == strconv.Itoa(pngPrintWidth) && ext == "png":
		width = pngPrintWidth
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "ancho: %d o %d\n", pngWidth, pngPrintWidth)
		return
	}
	if _, ok := chartBuilders[name]; !ok {
		s.notFound(w, r)
		return
	}
	l := locale.FromRequest(r)
	gen, err := s.generation(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	key := "file " + cacheKey(r, string(l))
	w.Header().Set("Content-Language", string(l))
	w.Header().Set("Vary", "Accept-Language")
	w.Header().Set("Cache-Control", "public, max-age=60")
	ctype := "image/svg+xml; charset=utf-8"
	if ext == "png" {
		ctype = "image/png"
	}
	q := r.URL.Query()
	q.Del("lang")
	q.Del("ancho")
	if width != pngWidth {
		q.Set("ancho", strconv.Itoa(width))
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s"`, fileName(name, q, ext)))
	if p, ok := s.pages.get(gen, key); ok {
		w.Header().Set("Content-Type", ctype)
		writePage(w, r, p)
		return
	}
	d, err := s.buildChart(r, name)
	var bad badRequest
	switch {
	case errors.Is(err, errNotFound):
		w.Header().Del("Content-Disposition")
		s.notFound(w, r)
		return
	case errors.As(err, &bad):
		w.Header().Del("Content-Disposition")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintln(w, bad.text(l))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	doc := chart.Standalone(d.SVG, d.Frame)
	body := doc
	if ext == "png" {
		var buf bytes.Buffer
		if err := chart.WritePNG(&buf, doc, width); err != nil {
			s.serverError(w, r, err)
			return
		}
		body = buf.Bytes()
	}
	p := cachedPage{status: http.StatusOK, body: body}
	if ext == "svg" {
		p.gz = gzipped(body)
	}
	s.pages.put(gen, key, p)
	w.Header().Set("Content-Type", ctype)
	writePage(w, r, p)
}

// fileParams are the parameters a file name tells; others are ignored.
var fileParams = []string{"ancho", "e", "estado", "from", "fuente", "medida", "modo", "states", "to", "vintage"}

// fileName is "vigia-<chart>-<parameters>.<ext>", ASCII only.
func fileName(name string, q url.Values, ext string) string {
	parts := []string{"vigia", name}
	var keys []string
	for k := range q {
		if slices.Contains(fileParams, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, v)
		}
	}
	var b strings.Builder
	for _, c := range strings.ToLower(strings.Join(parts, "-")) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
			b.WriteRune(c)
		case c == ',' || c == '_' || c == ' ':
			b.WriteByte('-')
		}
	}
	out := b.String()
	if len(out) > 120 {
		out = out[:120]
	}
	return out + "." + ext
}

// absURL makes a path absolute with the request's scheme and host, for
// embed codes and share links that are pasted elsewhere.
func absURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" || (publicHost(r.Host) && !strings.HasPrefix(r.Host, "localhost") && !strings.HasPrefix(r.Host, "127.") && !strings.HasPrefix(r.Host, "[::1]")) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// publicHost reports whether host names a public site (has a dot and no
// port): such a site is served over HTTPS behind its proxy.
func publicHost(host string) bool { return strings.Contains(host, ".") && !strings.Contains(host, ":") }

// chartPath is the path and query of a chart resource in language l.
func chartPath(prefix, name string, q url.Values, l locale.Lang) string {
	return withLang(prefix+name, q, l)
}

// toolsData feeds the links under a chart.
type toolsData struct {
	Lang       locale.Lang
	ID         string
	SVG, PNG   string
	Embed      string
	EmbedCode  string
	Share      string
	PNGWidth   int
	PrintWidth int
	EmbedTitle string
}

var toolsTmpl = template.Must(template.New("tools").Funcs(funcs).Parse(`<div class="chart-tools">
<p class="downloads">{{t .Lang "x.tools.download"}} <a href="{{.SVG}}" download>SVG</a> · <a href="{{.PNG}}" download>PNG ({{.PNGWidth}} px)</a> · <a href="{{.PNG}}&amp;ancho={{.PrintWidth}}" download>PNG ({{.PrintWidth}} px, {{t .Lang "x.tools.print"}})</a> · <a href="{{.Embed}}">{{t .Lang "x.tools.embedpage"}}</a></p>
<details class="embed-code"><summary>{{t .Lang "x.tools.embed"}}</summary>
<label for="{{.ID}}-code">{{t .Lang "x.tools.code"}}</label>
<textarea id="{{.ID}}-code" readonly rows="4">{{.EmbedCode}}</textarea>
<p><label for="{{.ID}}-share">{{t .Lang "x.tools.share"}}</label>
<input id="{{.ID}}-share" type="text" readonly value="{{.Share}}"></p>
</details>
</div>`))

// chartTools renders the download links, the embed code and the share link
// shown under a chart on its page.
func chartTools(r *http.Request, l locale.Lang, d *chartDoc) template.HTML {
	embed := chartPath("/embed/", d.Name, d.Query, l)
	code := fmt.Sprintf(`<iframe src="%s" title="%s" width="100%%" height="%d" style="border:0;max-width:100%%" loading="lazy"></iframe>`,
		template.HTMLEscapeString(absURL(r, embed)), template.HTMLEscapeString(d.Title), d.Height)
	var buf bytes.Buffer
	err := toolsTmpl.Execute(&buf, toolsData{Lang: l, ID: "tools-" + d.Name, SVG: chartPath("/grafica/", d.Name+".svg", d.Query, l),
		PNG: chartPath("/grafica/", d.Name+".png", d.Query, l), Embed: embed, EmbedCode: code, Share: shareURL(r, l, d.Share), PNGWidth: pngWidth, PrintWidth: pngPrintWidth, EmbedTitle: d.Title})
	if err != nil {
		return ""
	}
	return template.HTML(buf.String())
}

// releaseText names the releases a chart's figures come from.
func releaseText(l locale.Lang, vintages []string) string {
	if len(vintages) == 0 {
		return locale.T(l, "x.frame.release", "—")
	}
	return locale.T(l, "x.frame.release", strings.Join(vintages, ", "))
}

// seriesVintages lists the releases series draw on, in order, once each.
func seriesVintages(sers ...*brief.Series) []string {
	var out []string
	for _, s := range sers {
		if s == nil {
			continue
		}
		for _, r := range s.Used {
			if !slices.Contains(out, r.Vintage) {
				out = append(out, r.Vintage)
			}
		}
	}
	return out
}

// anyVintages flattens a brief's Vintage field (a name or a list).
func anyVintages(v any) []string {
	switch x := v.(type) {
	case string:
		if x != "" {
			return []string{x}
		}
	case []string:
		return x
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

// mapDoc is the home page's map: rate per 100,000 by state over the last
// 12 months of one source (fuente) and measure (medida).
func (s *Server) mapDoc(r *http.Request, l locale.Lang) (*chartDoc, error) {
	m, src, err := measureAndSource(r, sesnsp.Victimas)
	if err != nil {
		return nil, err
	}
	lt, _, err := s.loadLatest(r.Context(), m, src, true)
	if err != nil {
		return nil, err
	}
	if lt == nil {
		return nil, badKey("x.err.nodata")
	}
	period := periodCovered(l, lt.From, lt.To, lt.Brief.Unpublished)
	title := locale.T(l, "map.title", locale.T(l, "source."+string(src)), period)
	c, _ := rateChoropleth(l, lt, title)
	q := url.Values{"medida": {m.ID}, "fuente": {string(src)}}
	return &chartDoc{Title: title, SVG: c.SVG(), Page: c.SVG() + c.LegendHTML(), Query: q,
		Share: "/?" + q.Encode() + "#mapa", Height: 640,
		Frame: chart.Frame{Title: measureName(l, m) + ": " + title, Subtitle: locale.T(l, "map.caption", period),
			Source: locale.T(l, "x.frame.source.rate", srcLower(l, string(src))), Release: releaseText(l, anyVintages(lt.Brief.Vintage)),
			Credit: chart.MapAttribution + ". " + locale.T(l, "x.frame.credit", shareURL(r, l, "/?"+q.Encode()+"#mapa"))}}, nil
}

// trendDoc is the monthly series of carpetas and víctimas since 2015,
// national or of one state (estado=MX-…).
func (s *Server) trendDoc(r *http.Request, l locale.Lang) (*chartDoc, error) {
	m, err := measureParam(r)
	if err != nil {
		return nil, err
	}
	q := url.Values{"medida": {m.ID}}
	state, name := 0, ""
	if iso := r.URL.Query().Get("estado"); iso != "" {
		st, err := sesnsp.LookupState(iso)
		if err != nil {
			return nil, badKey("err.states", iso)
		}
		state, name = st.Code, st.Name
		q.Set("estado", strings.ToLower(iso))
	}
	var sers []*brief.Series
	for _, src := range []sesnsp.Source{sesnsp.Carpetas, sesnsp.Victimas} {
		_, ser, err := s.loadLatest(r.Context(), m, src, state == 0)
		if err != nil {
			return nil, err
		}
		sers = append(sers, ser)
	}
	title := locale.T(l, "home.trend.title", measureName(l, m))
	share := "/?" + url.Values{"medida": {m.ID}}.Encode() + "#trend-h"
	if state != 0 {
		title = locale.T(l, "state.trend.title", measureName(l, m), name)
		share = "/estados/" + q.Get("estado") + "?" + url.Values{"medida": {m.ID}}.Encode() + "#st-trend"
	}
	c := trendLine(l, title, sers, state, false)
	return &chartDoc{Title: title, SVG: c.SVG(), Page: twoWidths(c), Query: q, Share: share, Height: 420,
		Frame: chart.Frame{Title: title, Subtitle: locale.T(l, "chart.count"), Source: locale.T(l, "x.frame.source.count"),
			Release: releaseText(l, seriesVintages(sers...))}}, nil
}

// homeMapTools are the tools under the home page's map.
func homeMapTools(r *http.Request, l locale.Lang, m sesnsp.Measure, src sesnsp.Source, title string) template.HTML {
	q := url.Values{"medida": {m.ID}, "fuente": {string(src)}}
	return chartTools(r, l, &chartDoc{Name: "mapa", Title: title, Query: q, Share: "/?" + q.Encode() + "#mapa", Height: 640})
}

// trendTools are the tools under a trend chart, national (st nil) or of a state.
func trendTools(r *http.Request, l locale.Lang, m sesnsp.Measure, st *sesnsp.State, title string) template.HTML {
	q := url.Values{"medida": {m.ID}}
	share := "/?" + q.Encode() + "#trend-h"
	if st != nil {
		share = "/estados/" + strings.ToLower(st.ISO) + "?" + q.Encode() + "#st-trend"
		q.Set("estado", strings.ToLower(st.ISO))
	}
	return chartTools(r, l, &chartDoc{Name: "tendencia", Title: title, Query: q, Share: share, Height: 420})
}

// srcLower names a source in lower case, for the middle of a sentence.
func srcLower(l locale.Lang, src string) string {
	return strings.ToLower(locale.T(l, "source."+src))
}

// statesDoc is the small multiples of /estados as one image: every state's
// monthly series of one source, highest rate of the last 12 months first.
func (s *Server) statesDoc(r *http.Request, l locale.Lang) (*chartDoc, error) {
	m, src, err := measureAndSource(r, sesnsp.Victimas)
	if err != nil {
		return nil, err
	}
	lt, ser, err := s.loadLatest(r.Context(), m, src, false)
	if err != nil {
		return nil, err
	}
	if lt == nil {
		return nil, badKey("x.err.nodata")
	}
	figs := slices.Clone(lt.Brief.ByState)
	slices.SortStableFunc(figs, func(a, b brief.StateFigure) int { return a.RankByRate - b.RankByRate })
	var panels []chart.Panel
	for _, f := range figs {
		var code int
		fmt.Sscanf(f.Code, "%d", &code)
		note := locale.T(l, "nodata")
		if f.Rate != nil {
			note = brief.Dec(*f.Rate, 2) + " " + locale.T(l, "per100k") + " · " + brief.Int(f.Count)
		}
		panels = append(panels, chart.Panel{Title: f.Name, Note: note, Chart: trendChart(l, f.Name, []*brief.Series{ser}, code, true)})
	}
	period := periodCovered(l, lt.From, lt.To, lt.Brief.Unpublished)
	title := locale.T(l, "x.states.title", measureName(l, m), srcLower(l, string(src)))
	desc := locale.T(l, "x.states.desc", period)
	grid := chart.Grid{ID: "states-grid", Title: title, Desc: desc, Panels: panels, Columns: 4}
	wide := chart.Grid{ID: "states-grid-wide", Title: title, Desc: desc, Panels: panels, Columns: 3}
	narrow := chart.Grid{ID: "states-grid-narrow", Title: title, Desc: desc, Panels: panels, Columns: 1, CellWidth: 360}
	q := url.Values{"medida": {m.ID}, "fuente": {string(src)}}
	page := template.HTML(`<div class="only-wide">`) + wide.SVG() + template.HTML(`</div><div class="only-narrow">`) + narrow.SVG() + template.HTML(`</div>`)
	return &chartDoc{Title: title, SVG: grid.SVG(), Page: page, Query: q, Share: "/estados?" + q.Encode(), Height: 900,
		Frame: chart.Frame{Title: title, Subtitle: desc, Source: locale.T(l, "x.frame.source.count"), Release: releaseText(l, seriesVintages(ser))}}, nil
}

// statesTools are the tools under the small multiples of /estados.
func statesTools(r *http.Request, l locale.Lang, m sesnsp.Measure, src sesnsp.Source) template.HTML {
	q := url.Values{"medida": {m.ID}, "fuente": {string(src)}}
	return chartTools(r, l, &chartDoc{Name: "estados", Title: locale.T(l, "x.states.title", measureName(l, m), srcLower(l, string(src))), Query: q, Share: "/estados?" + q.Encode(), Height: 900})
}
