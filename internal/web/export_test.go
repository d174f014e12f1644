package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"image/png"
	"io"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/chart"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// exportCharts are the downloadable charts, with parameters, and a text
// their title holds in Spanish.
var exportCharts = []struct{ path, title string }{
	{"mapa", "por 100 mil habitantes"},
	{"mapa?fuente=carpetas&medida=comparable", "Carpetas de investigación por 100 mil"},
	{"tendencia", "carpetas de investigación y víctimas por mes, nacional"},
	{"tendencia?estado=mx-jal", "en Jalisco"},
	{"comparar?e=mx-jal&e=mx-cmx", "tasa anual por 100 mil habitantes"},
	{"comparar?e=mx-jal&modo=conteos", "casos por año"},
	{"comparar-ranking?e=mx-jal&e=mx-roo", "últimos 12 meses"},
	{"analisis", "por 100 mil habitantes"},
	{"estados?fuente=carpetas", "carpetas de investigación por mes en cada entidad"},
	{"analisis?from=2022-01&to=2022-06&states=02,08,19&vintage=jun22", "enero 2022 – junio 2022"},
}

func chartURL(c, ext, lang string) string {
	name, q, _ := strings.Cut(c, "?")
	u := "/grafica/" + name + "." + ext + "?lang=" + lang
	if q != "" {
		u += "&" + q
	}
	return u
}

func wellFormed(t *testing.T, where string, b []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Errorf("%s: SVG not well-formed: %v", where, err)
			return
		}
	}
}

// xmlText is the character data of an SVG document, unescaped.
func xmlText(b []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return out.String()
		}
		if cd, ok := tok.(xml.CharData); ok {
			out.Write(cd)
			out.WriteByte('\n')
		}
	}
}

func TestChartSVGDownloads(t *testing.T) {
	s := testServer(t)
	for _, c := range exportCharts {
		for _, lang := range []string{"es", "en"} {
			u := chartURL(c.path, "svg", lang)
			w := get(t, s, u)
			if w.Code != 200 {
				t.Errorf("%s: status %d: %s", u, w.Code, w.Body.String())
				continue
			}
			if ct := w.Header().Get("Content-Type"); ct != "image/svg+xml; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", u, ct)
			}
			if cd := w.Header().Get("Content-Disposition"); !regexp.MustCompile(`^inline; filename="vigia-[a-z0-9-]+\.svg"$`).MatchString(cd) {
				t.Errorf("%s: Content-Disposition %q", u, cd)
			}
			checkHeaders(t, u, w.Header())
			body := w.Body.Bytes()
			wellFormed(t, u, body)
			text := xmlText(body)
			want := []string{"SESNSP", map[string]string{"es": "Corte SESNSP: ", "en": "SESNSP release: "}[lang],
				map[string]string{"es": "Fuente: ", "en": "Source: "}[lang]}
			if lang == "es" {
				want = append(want, c.title)
			}
			if strings.HasPrefix(c.path, "mapa") {
				want = append(want, chart.MapAttribution)
			}
			for _, s := range want {
				if !strings.Contains(text, s) {
					t.Errorf("%s: the file does not say %q", u, s)
				}
			}
			// The release is named, not left blank.
			if regexp.MustCompile(`(Corte SESNSP|SESNSP release): —`).MatchString(text) {
				t.Errorf("%s: no release named", u)
			}
			if strings.Contains(text, "%!") {
				t.Errorf("%s: broken format verb", u)
			}
		}
	}
}

func TestChartPNGDownloads(t *testing.T) {
	if testing.Short() {
		t.Skip("rasterises every chart")
	}
	s := testServer(t)
	for _, c := range exportCharts {
		lang := "es"
		if strings.Contains(c.path, "ranking") {
			lang = "en"
		}
		u := chartURL(c.path, "png", lang)
		w := get(t, s, u)
		if w.Code != 200 {
			t.Errorf("%s: status %d: %s", u, w.Code, w.Body.String())
			continue
		}
		if ct := w.Header().Get("Content-Type"); ct != "image/png" {
			t.Errorf("%s: Content-Type %q", u, ct)
		}
		img, err := png.Decode(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Errorf("%s: %v", u, err)
			continue
		}
		b := img.Bounds()
		if b.Dx() < 1200 || b.Dx() != pngWidth {
			t.Errorf("%s: %d px wide, want %d", u, b.Dx(), pngWidth)
		}
		if b.Dy() < 300 {
			t.Errorf("%s: %d px high", u, b.Dy())
		}
		// The title band (top 90 px) and the footer (bottom 120 px) hold
		// dark text; the same SVG says what that text is.
		for _, band := range []struct {
			name   string
			y0, y1 int
		}{{"title", 0, 90}, {"source and release", b.Dy() - 130, b.Dy()}} {
			dark := 0
			for y := band.y0; y < band.y1; y++ {
				for x := 0; x < b.Dx(); x++ {
					r, g, bl, _ := img.At(x, y).RGBA()
					if r>>8 < 140 && g>>8 < 140 && bl>>8 < 140 {
						dark++
					}
				}
			}
			if dark < 500 {
				t.Errorf("%s: the %s band has %d dark pixels: no text drawn?", u, band.name, dark)
			}
		}
		// Served twice, the second from the cache, byte for byte.
		if w2 := get(t, s, u); !bytes.Equal(w2.Body.Bytes(), w.Body.Bytes()) {
			t.Errorf("%s: the second answer differs", u)
		}
	}
}

func TestChartFileErrors(t *testing.T) {
	s := testServer(t)
	for path, code := range map[string]int{
		"/grafica/nada.png":                        404,
		"/grafica/mapa.png?ancho=5000":             400,
		"/grafica/mapa.svg?ancho=2400":             400,
		"/grafica/mapa.gif":                        404,
		"/grafica/mapa":                            404,
		"/grafica/mapa.svg?medida=nada":            400,
		"/grafica/mapa.png?fuente=nada":            400,
		"/grafica/comparar.svg?e=1,2,3,4,5,6,7":    400,
		"/grafica/comparar.svg?e=mx-xxx":           400,
		"/grafica/comparar.svg?modo=raro":          400,
		"/grafica/tendencia.svg?estado=mx-xxx":     400,
		"/grafica/analisis.svg?from=2022-13&to=x":  400,
		"/embed/nada":                              404,
		"/embed/mapa?medida=nada":                  400,
		"/comparar?e=mx-jal,mx-cmx,mx-roo,1,2,3,4": 400,
	} {
		w := get(t, s, path)
		if w.Code != code {
			t.Errorf("%s: status %d, want %d", path, w.Code, code)
		}
		if w.Code != 200 && w.Header().Get("Content-Disposition") != "" {
			t.Errorf("%s: an error names a file", path)
		}
	}
}

// Only the embed pages may be framed by other sites.
func TestEmbedCSP(t *testing.T) {
	s := testServer(t)
	for _, c := range exportCharts {
		name, q, _ := strings.Cut(c.path, "?")
		u := "/embed/" + name + "?" + q
		w := get(t, s, u)
		if w.Code != 200 {
			t.Errorf("%s: status %d", u, w.Code)
			continue
		}
		h := w.Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", u, csp)
		}
		if h.Get("X-Frame-Options") != "" {
			t.Errorf("%s: X-Frame-Options %q forbids framing", u, h.Get("X-Frame-Options"))
		}
		body := w.Body.String()
		if !strings.Contains(body, `<base target="_blank">`) {
			t.Errorf("%s: links would open inside the frame, where the site refuses to be shown", u)
		}
		if !strings.Contains(body, "<svg") || !strings.Contains(body, "SESNSP") || !strings.Contains(body, `href="/grafica/`+name+`.png?`) {
			t.Errorf("%s: the embed page lacks its chart, source or downloads", u)
		}
		if m := external.FindString(body); m != "" {
			t.Errorf("%s: loads %q from elsewhere", u, m)
		}
		for _, bad := range []string{`style="`, "<script", "%!", "<nav"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: contains %q", u, bad)
			}
		}
	}
	// Every other route keeps the strict policy, including the files and
	// the pages that show the embed code.
	for _, p := range []string{"/", "/comparar", "/analisis", "/estados/mx-jal", "/grafica/mapa.svg", "/grafica/tendencia.png", "/embedx", "/datos", "/no-existe"} {
		w := get(t, s, p)
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if w.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: X-Frame-Options %q", p, w.Header().Get("X-Frame-Options"))
		}
	}
}

// Every chart on a page is followed by its downloads, an embed code and a
// share link; the links work.
func TestChartTools(t *testing.T) {
	s := testServer(t)
	for _, p := range []struct {
		path  string
		names []string
	}{
		{"/?lang=en", []string{"mapa", "tendencia"}},
		{"/estados/mx-jal", []string{"tendencia"}},
		{"/analisis", []string{"analisis"}},
		{"/estados?lang=en", []string{"estados"}},
		{"/comparar?e=mx-jal&e=mx-cmx", []string{"comparar", "comparar-ranking"}},
	} {
		r := httptest.NewRequest("GET", p.path, nil)
		r.Host = "vigia.example.org"
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			t.Fatalf("%s: status %d", p.path, w.Code)
		}
		body := w.Body.String()
		for _, name := range p.names {
			for _, ext := range []string{".svg", ".png"} {
				re := regexp.MustCompile(`href="(/grafica/` + regexp.QuoteMeta(name+ext) + `\?[^"]*)" download`)
				m := re.FindStringSubmatch(body)
				if m == nil {
					t.Errorf("%s: no %s%s link", p.path, name, ext)
					continue
				}
				if w := get(t, s, html.UnescapeString(m[1])); w.Code != 200 {
					t.Errorf("%s: %s answers %d", p.path, m[1], w.Code)
				}
			}
			re := regexp.MustCompile(`<textarea id="tools-` + regexp.QuoteMeta(name) + `-code" readonly rows="4">(&lt;iframe src=&#34;https://vigia\.example\.org/embed/` + regexp.QuoteMeta(name) + `\?[^<]*)</textarea>`)
			m := re.FindStringSubmatch(body)
			if m == nil {
				t.Errorf("%s: no embed code for %s", p.path, name)
				continue
			}
			code := html.UnescapeString(m[1])
			src := regexp.MustCompile(`src="([^"]+)"`).FindStringSubmatch(code)
			u, err := url.Parse(html.UnescapeString(src[1]))
			if err != nil {
				t.Fatal(err)
			}
			if w := get(t, s, u.RequestURI()); w.Code != 200 || !strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-ancestors *") {
				t.Errorf("%s: embed %s answers %d", p.path, u.RequestURI(), w.Code)
			}
			if !regexp.MustCompile(`<input id="tools-` + regexp.QuoteMeta(name) + `-share" type="text" readonly value="https://vigia\.example\.org/`).MatchString(body) {
				t.Errorf("%s: no share link for %s", p.path, name)
			}
		}
	}
}

// The compare page's figures are the brief's: a state's count over a
// calendar year, and its rate and interval.
func TestCompareMatchesBrief(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	b, err := s.summaryBrief(ctx, brief.Params{From: sesnsp.MakeYM(2023, 1), To: sesnsp.MakeYM(2023, 12), Measure: sesnsp.Measures[0]})
	if err != nil {
		t.Fatal(err)
	}
	var jal brief.StateFigure
	for _, f := range b.Victimas.ByState {
		if f.ISO == "MX-JAL" {
			jal = f
		}
	}
	if jal.Rate == nil {
		t.Fatal("no rate for Jalisco in 2023")
	}
	counts := get(t, s, "/comparar?e=mx-jal&e=mx-cmx&modo=conteos&fuente=victimas").Body.String()
	rates := get(t, s, "/comparar?e=mx-jal&e=mx-cmx&fuente=victimas").Body.String()
	row := func(body string) string {
		m := regexp.MustCompile(`<tr><th scope="row">2023</th><td class="num">([^<]*)</td>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no 2023 row")
		}
		return m[1]
	}
	if got, want := row(counts), brief.Int(jal.Count)+" ("; !strings.HasPrefix(got, want) {
		t.Errorf("count 2023: %q, want %q…", got, want)
	}
	want := fmt.Sprintf("%s (%s–%s)", brief.Dec(*jal.Rate, 2), brief.Dec(*jal.RateLow, 2), brief.Dec(*jal.RateHigh, 2))
	if got := row(rates); got != want {
		t.Errorf("rate 2023: %q, want %q", got, want)
	}
	// The toggle is a link to the other mode, keeping the states.
	if !strings.Contains(rates, `href="/comparar?e=mx-jal&amp;e=mx-cmx&amp;fuente=victimas&amp;lang=es&amp;medida=trata&amp;modo=conteos#serie"`) {
		t.Error("no link from rates to counts")
	}
	// Both charts, with bands and whiskers.
	for _, id := range []string{`id="compare-series"`, `id="compare-ranking"`, `class="band series-mx-jal"`, `class="interval"`} {
		if !strings.Contains(rates, id) {
			t.Errorf("compare page lacks %s", id)
		}
	}
	// No state chosen: three are, and the page says which.
	if def := get(t, s, "/comparar"); def.Code != 200 || strings.Count(def.Body.String(), " checked>") != 3 {
		t.Errorf("default compare: status %d, %d checked", def.Code, strings.Count(def.Body.String(), " checked>"))
	}
}

// BenchmarkHomeMapPNG renders the home page's map (victims, the last 12
// months, the bundled real data) as the framed 1200 px PNG that GET
// /grafica/mapa.png serves on a cache miss: the store query, the map, the
// frame, the rasterisation and the PNG encoding. See bench/README.md.
func BenchmarkHomeMapPNG(b *testing.B) {
	s := testServer(b)
	r := httptest.NewRequest("GET", "/grafica/mapa.png", nil)
	for b.Loop() {
		d, err := s.buildChart(r, "mapa")
		if err != nil {
			b.Fatal(err)
		}
		if err := chart.WritePNG(io.Discard, chart.Standalone(d.SVG, d.Frame), pngWidth); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPrintPNG(t *testing.T) {
	if testing.Short() {
		t.Skip("rasterises a large PNG")
	}
	s := testServer(t)
	w := get(t, s, "/grafica/tendencia.png?ancho=2400")
	img, err := png.Decode(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != pngPrintWidth {
		t.Errorf("print PNG is %d px wide", img.Bounds().Dx())
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, "-2400.png") {
		t.Errorf("Content-Disposition %q does not name the width", cd)
	}
}

func TestExportTemplatesWithZeroData(t *testing.T) {
	for name, data := range map[string]any{"compare": compareView{Selected: map[int]bool{}}, "embed": embedData{Doc: &chartDoc{}}} {
		for _, l := range []locale.Lang{locale.ES, locale.EN} {
			var buf bytes.Buffer
			if err := templates[name].Execute(&buf, page{Lang: l, Data: data}); err != nil {
				t.Errorf("%s (%s): %v", name, l, err)
			}
		}
	}
}
