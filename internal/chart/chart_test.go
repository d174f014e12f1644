package chart

import (
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// ---- fixtures (every number below is synthetic, invented for the tests) ----

func months(fromYear, fromMonth, n int) []string {
	out := make([]string, n)
	y, m := fromYear, fromMonth
	for i := range out {
		out[i] = fmt.Sprintf("%04d-%02d", y, m)
		if m++; m > 12 {
			y, m = y+1, 1
		}
	}
	return out
}

// lineFixture: two series over 2023-01..2026-03 with an unpublished gap
// (2024-05..2024-07 missing in both), an isolated point and the RNID break.
// Synthetic values.
func lineFixture() LineChart {
	labels := months(2023, 1, 39)
	var carpetas, victimas []Point
	for i, l := range labels {
		c := 40 + 12*math.Sin(float64(i)/3) + float64(i%5) // synthetic
		v := c*1.4 + 3                                     // synthetic
		miss := l >= "2024-05" && l <= "2024-07"
		vMiss := miss || l == "2025-02" || l == "2025-04" // leaves 2025-03 isolated
		carpetas = append(carpetas, Point{Label: l, Y: math.Round(c), Missing: miss})
		victimas = append(victimas, Point{Label: l, Y: math.Round(v), Missing: vMiss})
	}
	return LineChart{
		Title:     "Trata de personas en México, <mensual> (sintético)",
		Desc:      "Carpetas y víctimas por mes, enero de 2023 a marzo de 2026; mayo a julio de 2024 sin publicar. Datos sintéticos.",
		Width:     720,
		Height:    320,
		Series:    []Series{{Name: "Carpetas", Points: carpetas, Class: "carpetas"}, {Name: "Víctimas", Points: victimas, Class: "victimas"}},
		YLabel:    "Casos por mes",
		Breaks:    []Break{{Label: "2026-01", Text: "RNID"}},
		TickEvery: 12,
	}
}

// compactFixture: one small multiple 2015-01..2026-03 with a gap. Synthetic.
func compactFixture() LineChart {
	labels := months(2015, 1, 135)
	var pts []Point
	for i, l := range labels {
		y := 3 + 2*math.Cos(float64(i)/7) + float64(i)/40 // synthetic
		pts = append(pts, Point{Label: l, Y: math.Round(y*10) / 10, Missing: l >= "2020-04" && l <= "2020-06"})
	}
	return LineChart{
		Title:   "Baja California",
		Desc:    "Víctimas por 100 mil, mensual 2015–2026 (sintético).",
		Series:  []Series{{Name: "Baja California", Points: pts, Class: "victimas"}},
		Breaks:  []Break{{Label: "2026-01", Text: "RNID"}},
		Compact: true,
		YMax:    10,
	}
}

// barFixture: rates per 100k with 95 % intervals. Synthetic.
func barFixture() BarChart {
	return BarChart{
		Title: "Tasa de víctimas por entidad (sintético)",
		Desc:  "Víctimas por 100 mil habitantes con intervalo de confianza del 95 %, seis entidades. Datos sintéticos.",
		Width: 640,
		Unit:  "por 100 mil",
		Bars: []Bar{
			{Label: "Ciudad de México", Value: 3.12, Low: 2.71, High: 3.57, HasInterval: true, Href: "/entidad/MX-CMX"},
			{Label: "Baja California", Value: 2.03, Low: 1.55, High: 2.61, HasInterval: true, Href: "/entidad/MX-BCN", Highlight: true},
			{Label: "Quintana Roo", Value: 1.87, Low: 1.2, High: 2.78, HasInterval: true, Href: "/entidad/MX-ROO"},
			{Label: "Chihuahua", Value: 1.1, Low: 0.78, High: 1.5, HasInterval: true, Href: "/entidad/MX-CHH"},
			{Label: "Nuevo León", Value: 0.64, Low: 0.42, High: 0.93, HasInterval: true, Href: "/entidad/MX-NLE"},
			{Label: "San Luis Potosí <SLP> & más", Value: 0.2, Href: "javascript:alert(1)"},
		},
	}
}

// mapFixture: synthetic rates for all states but Campeche (missing) and
// Chiapas (absent from Values). Synthetic values.
func mapFixture() Choropleth {
	var vs []MapValue
	for i, s := range States() {
		if s.ISO == "MX-CHP" {
			continue
		}
		v := MapValue{ISO: s.ISO, Value: math.Round(float64((i*37)%29)*13) / 100, Href: "/entidad/" + s.ISO} // synthetic
		if s.ISO == "MX-CAM" {
			v.Missing = true
		}
		if s.ISO == "MX-BCN" {
			v.Label = "Baja California: " + FormatNumber(v.Value, 2) + " por 100 mil (sintético)"
		}
		vs = append(vs, v)
	}
	return Choropleth{
		Title:       "Víctimas de trata por 100 mil habitantes, 2025 (sintético)",
		Desc:        "Mapa de las 32 entidades de México coloreadas en 5 clases por cuantiles. Datos sintéticos.",
		Values:      vs,
		LegendTitle: "Víctimas por 100 mil",
	}
}

// ---- golden files ----

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if w := strings.TrimSuffix(string(want), "\n"); w != got {
		i := 0
		for i < len(w) && i < len(got) && w[i] == got[i] {
			i++
		}
		lo := max(0, i-80)
		t.Errorf("%s differs at byte %d (run go test -update if intended):\n got: …%s…\nwant: …%s…",
			name, i, got[lo:min(len(got), i+80)], w[lo:min(len(w), i+80)])
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		svg  func() string
	}{
		{"line.svg", func() string { return string(lineFixture().SVG()) }},
		{"small_multiple.svg", func() string { return string(compactFixture().SVG()) }},
		{"bar.svg", func() string { return string(barFixture().SVG()) }},
		{"choropleth.svg", func() string { return string(mapFixture().SVG()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.svg()
			if again := tc.svg(); again != got {
				t.Fatal("two renderings of the same chart differ")
			}
			golden(t, tc.name, got)
		})
	}
}

// ---- a tiny DOM over encoding/xml ----

type node struct {
	name     string
	attr     map[string]string
	children []*node
	text     string
}

func parse(t *testing.T, s string) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				t.Fatal("more than one root element")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			} else if strings.TrimSpace(string(tok)) != "" {
				t.Fatal("text outside the root element")
			}
		}
	}
	if root == nil {
		t.Fatal("empty output")
	}
	return root
}

func (n *node) walk(f func(*node)) {
	f(n)
	for _, c := range n.children {
		c.walk(f)
	}
}

func (n *node) find(pred func(*node) bool) []*node {
	var out []*node
	n.walk(func(m *node) {
		if pred(m) {
			out = append(out, m)
		}
	})
	return out
}

func hasClass(n *node, c string) bool { return slices.Contains(strings.Fields(n.attr["class"]), c) }

func childText(n *node, name string) (string, bool) {
	for _, c := range n.children {
		if c.name == name {
			return c.text, true
		}
	}
	return "", false
}

// checkAccessible asserts the properties every chart must have.
func checkAccessible(t *testing.T, s string, wantRole string) *node {
	t.Helper()
	root := parse(t, s)
	if root.name != "svg" {
		t.Fatalf("root is <%s>", root.name)
	}
	if root.attr["role"] != wantRole {
		t.Errorf("role = %q, want %q", root.attr["role"], wantRole)
	}
	if root.attr["width"] != "100%" || root.attr["preserveAspectRatio"] == "" || root.attr["viewBox"] == "" {
		t.Errorf("svg sizing attributes: %v", root.attr)
	}
	if len(root.children) < 2 || root.children[0].name != "title" || root.children[1].name != "desc" {
		t.Fatal("svg must start with <title> and <desc>")
	}
	title, desc := root.children[0], root.children[1]
	if strings.TrimSpace(title.text) == "" || strings.TrimSpace(desc.text) == "" {
		t.Error("empty <title> or <desc>")
	}
	if root.attr["aria-labelledby"] != title.attr["id"] || root.attr["aria-describedby"] != desc.attr["id"] || title.attr["id"] == "" {
		t.Errorf("aria-labelledby/-describedby %q/%q do not point at <title id=%q>/<desc id=%q>",
			root.attr["aria-labelledby"], root.attr["aria-describedby"], title.attr["id"], desc.attr["id"])
	}
	// Strict CSP: no inline styles, scripts or event handlers.
	root.walk(func(n *node) {
		if n.name == "script" || n.name == "style" || n.name == "foreignObject" {
			t.Errorf("forbidden element <%s>", n.name)
		}
		for k, v := range n.attr {
			if k == "style" || strings.HasPrefix(k, "on") {
				t.Errorf("forbidden attribute %s=%q on <%s>", k, v, n.name)
			}
			if k == "href" && strings.HasPrefix(strings.ToLower(v), "javascript:") {
				t.Errorf("unsafe href %q", v)
			}
		}
	})
	// Every link has an accessible name.
	for _, a := range root.find(func(n *node) bool { return n.name == "a" }) {
		if a.attr["aria-label"] == "" {
			t.Errorf("link %q has no aria-label", a.attr["href"])
		}
	}
	return root
}

func TestLineChartProperties(t *testing.T) {
	c := lineFixture()
	s := string(c.SVG())
	root := checkAccessible(t, s, "img")
	if !strings.Contains(s, "&lt;mensual&gt;") || strings.Contains(s, "<mensual>") {
		t.Error("title not escaped")
	}
	for _, ser := range c.Series {
		g := root.find(func(n *node) bool { return n.name == "g" && hasClass(n, "series-"+ser.Class) && hasClass(n, "series") })
		if len(g) != 1 {
			t.Fatalf("series %s: %d groups", ser.Class, len(g))
		}
		paths := g[0].find(func(n *node) bool { return n.name == "path" })
		if len(paths) != 1 {
			t.Fatalf("series %s: %d paths", ser.Class, len(paths))
		}
		d := paths[0].attr["d"]
		// Count runs of >= 2 consecutive published points: each must start
		// its own "M" subpath, so missing months are gaps, never zeros.
		runs, run, singles := 0, 0, 0
		for i, p := range ser.Points {
			if !p.Missing {
				run++
			}
			if p.Missing || i == len(ser.Points)-1 {
				if run >= 2 {
					runs++
				} else if run == 1 {
					singles++
				}
				run = 0
			}
		}
		if got := strings.Count(d, "M"); got != runs || runs < 2 {
			t.Errorf("series %s: %d M subpaths, want %d (>= 2)", ser.Class, got, runs)
		}
		// Every drawn y lies within the plot (a zero for a gap would sit on
		// the baseline; the fixtures have no zero values).
		base := 0.0
		for _, l := range root.find(func(n *node) bool { return n.name == "line" && hasClass(n, "baseline") }) {
			base, _ = strconv.ParseFloat(l.attr["y1"], 64)
		}
		for _, seg := range strings.FieldsFunc(d, func(r rune) bool { return r == 'M' || r == 'L' }) {
			_, ys, _ := strings.Cut(seg, ",")
			if y, _ := strconv.ParseFloat(ys, 64); y >= base {
				t.Errorf("series %s: point at y=%v on or below the baseline %v", ser.Class, y, base)
			}
		}
		dots := g[0].find(func(n *node) bool { return n.name == "circle" })
		if len(dots) != singles {
			t.Errorf("series %s: %d isolated-point dots, want %d", ser.Class, len(dots), singles)
		}
		if tt, _ := childText(g[0], "title"); tt != ser.Name {
			t.Errorf("series title %q", tt)
		}
	}
	brk := root.find(func(n *node) bool { return n.name == "g" && hasClass(n, "break") })
	if len(brk) != 1 || !strings.Contains(s, ">RNID</text>") {
		t.Errorf("want one break labelled RNID, got %d", len(brk))
	}
	// TickEvery 12 from 2023-01: the x labels are the years.
	var ticks []string
	for _, n := range root.find(func(n *node) bool {
		return n.name == "text" && hasClass(n, "tick") && n.attr["text-anchor"] == "middle"
	}) {
		ticks = append(ticks, n.text)
	}
	if want := []string{"2023", "2024", "2025", "2026"}; !slices.Equal(ticks, want) {
		t.Errorf("x ticks %v, want %v", ticks, want)
	}
}

func TestCompactProperties(t *testing.T) {
	s := string(compactFixture().SVG())
	root := checkAccessible(t, s, "img")
	var texts []string
	for _, n := range root.find(func(n *node) bool { return n.name == "text" }) {
		texts = append(texts, n.text)
	}
	// Only the y extent (0 and the shared YMax 10) and the first/last year.
	if want := []string{"0", "10", "2015", "2026"}; !slices.Equal(texts, want) {
		t.Errorf("compact texts %v, want %v", texts, want)
	}
	if strings.Count(s, `stroke-width="1.25"`) != 1 {
		t.Error("compact line should be thin")
	}
}

func TestLineChartEdgeCases(t *testing.T) {
	for name, c := range map[string]LineChart{
		"empty":       {Title: "t", Desc: "d"},
		"all missing": {Title: "t", Desc: "d", Series: []Series{{Points: []Point{{Label: "a", Missing: true}, {Label: "b", Y: math.NaN()}}}}},
		"one point":   {Title: "t", Desc: "d", Series: []Series{{Points: []Point{{Label: "2020-01", Y: 5}}}}, TickEvery: 12},
		"negative":    {Title: "t", Desc: "d", Series: []Series{{Points: []Point{{Label: "a", Y: -5}, {Label: "b", Y: 3}}}}},
	} {
		t.Run(name, func(t *testing.T) {
			s := string(c.SVG())
			checkAccessible(t, s, "img")
			if strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
				t.Error("NaN/Inf in output")
			}
		})
	}
}

func TestBarChartProperties(t *testing.T) {
	c := barFixture()
	s := string(c.SVG())
	root := checkAccessible(t, s, "group") // it has links
	links := root.find(func(n *node) bool { return n.name == "a" })
	if len(links) != len(c.Bars) {
		t.Fatalf("%d links, want %d", len(links), len(c.Bars))
	}
	if links[len(links)-1].attr["href"] != "#ZgotmplZ" {
		t.Errorf("javascript: href not neutralised: %q", links[len(links)-1].attr["href"])
	}
	rows := root.find(func(n *node) bool { return n.name == "g" && hasClass(n, "bar") })
	if len(rows) != len(c.Bars) {
		t.Fatalf("%d bar rows", len(rows))
	}
	prevY := -1.0
	for i, r := range rows {
		if got := hasClass(r, "highlight"); got != c.Bars[i].Highlight {
			t.Errorf("row %d highlight = %v", i, got)
		}
		rect := r.find(func(n *node) bool { return n.name == "rect" })[0]
		y, _ := strconv.ParseFloat(rect.attr["y"], 64)
		if y <= prevY {
			t.Errorf("bars not in the given order")
		}
		prevY = y
		whiskers := r.find(func(n *node) bool { return n.name == "g" && hasClass(n, "interval") })
		if (len(whiskers) == 1) != c.Bars[i].HasInterval {
			t.Errorf("row %d: %d whiskers, HasInterval %v", i, len(whiskers), c.Bars[i].HasInterval)
		}
		tip, _ := childText(r, "title")
		if !strings.HasPrefix(tip, c.Bars[i].Label+": ") {
			t.Errorf("row %d tooltip %q", i, tip)
		}
	}
	// Bar lengths are proportional to the values.
	w0, _ := strconv.ParseFloat(rows[0].find(func(n *node) bool { return n.name == "rect" })[0].attr["width"], 64)
	w1, _ := strconv.ParseFloat(rows[1].find(func(n *node) bool { return n.name == "rect" })[0].attr["width"], 64)
	if r := w1 / w0; math.Abs(r-2.03/3.12) > 0.01 {
		t.Errorf("bar widths ratio %v, want %v", r, 2.03/3.12)
	}
	if !strings.Contains(s, "San Luis Potosí &lt;SLP&gt; &amp; más") {
		t.Error("bar label not escaped")
	}
	// Without links it is an image.
	c.Bars = c.Bars[:2]
	c.Bars[0].Href, c.Bars[1].Href = "", ""
	checkAccessible(t, string(c.SVG()), "img")
}

func TestChoroplethProperties(t *testing.T) {
	for _, method := range []ClassMethod{Quantiles, EqualIntervals} {
		t.Run(fmt.Sprint("method", method), func(t *testing.T) {
			c := mapFixture()
			c.Method = method
			s := string(c.SVG())
			root := checkAccessible(t, s, "group")
			breaks := c.Breaks()
			k := len(breaks) - 1
			if method == Quantiles && k != 5 {
				t.Errorf("%d classes, want 5: %v", k, breaks)
			}
			paths := root.find(func(n *node) bool { return n.name == "path" && hasClass(n, "state") })
			if len(paths) != 32 {
				t.Fatalf("%d state paths, want 32", len(paths))
			}
			type sv struct {
				v    float64
				lum  float64
				fill string
			}
			var got []sv
			seen := map[string]bool{}
			for _, p := range paths {
				iso := p.attr["data-iso"]
				seen[iso] = true
				tip, ok := childText(p, "title")
				if !ok || tip == "" {
					t.Errorf("%s: no <title>", iso)
				}
				if iso == "MX-CAM" || iso == "MX-CHP" {
					if !hasClass(p, "nodata") || !strings.HasPrefix(p.attr["fill"], "url(#") || p.attr["data-value"] != "" {
						t.Errorf("%s should be hatched sin datos: %v", iso, p.attr)
					}
					continue
				}
				v, err := strconv.ParseFloat(p.attr["data-value"], 64)
				if err != nil {
					t.Fatalf("%s data-value: %v", iso, err)
				}
				want := ClassColor(classOf(v, breaks), k)
				if p.attr["fill"] != want {
					t.Errorf("%s value %v: fill %s, want %s", iso, v, p.attr["fill"], want)
				}
				if v < breaks[0] || v > breaks[k] {
					t.Errorf("%s value %v outside breaks %v", iso, v, breaks)
				}
				got = append(got, sv{v, luminance(p.attr["fill"]), p.attr["fill"]})
			}
			if len(seen) != 32 {
				t.Errorf("%d distinct data-iso", len(seen))
			}
			// A higher value is never lighter than a lower one.
			sort.Slice(got, func(i, j int) bool { return got[i].v < got[j].v })
			for i := 1; i < len(got); i++ {
				if got[i].lum > got[i-1].lum+1e-12 {
					t.Errorf("value %v (%s) lighter than %v (%s)", got[i].v, got[i].fill, got[i-1].v, got[i-1].fill)
				}
			}
			if n := len(root.find(func(n *node) bool { return n.name == "g" && hasClass(n, "legend") })); n != 1 {
				t.Errorf("%d legends", n)
			}
			if n := len(root.find(func(n *node) bool { return n.name == "g" && hasClass(n, "legend-class") })); n != k+1 {
				t.Errorf("%d legend classes, want %d + sin datos", n, k)
			}
			// Every state is a link; the small ones also in the inset.
			// Chiapas has no entry, hence no Href.
			links := root.find(func(n *node) bool { return n.name == "a" })
			if want := 31 + len(smallStates); len(links) != want {
				t.Errorf("%d links, want %d", len(links), want)
			}
			if !strings.Contains(s, MapAttribution) {
				t.Error("no attribution")
			}
		})
	}
}

func TestChoroplethEdgeCases(t *testing.T) {
	// No values: all hatched, no classes, still valid.
	c := Choropleth{Title: "t", Desc: "d"}
	root := checkAccessible(t, string(c.SVG()), "img")
	if c.Breaks() != nil {
		t.Error("Breaks of an empty map should be nil")
	}
	if n := len(root.find(func(n *node) bool { return n.name == "path" && hasClass(n, "nodata") })); n != 32 {
		t.Errorf("%d hatched states, want 32", n)
	}
	// All equal: one class.
	c.Values = []MapValue{{ISO: "MX-JAL", Value: 2}, {ISO: "MX-SON", Value: 2}, {ISO: "MX-XXX", Value: 9}, {ISO: "MX-YUC", Value: math.NaN()}}
	if b := c.Breaks(); !slices.Equal(b, []float64{2, 2}) {
		t.Errorf("breaks %v", b)
	}
	checkAccessible(t, string(c.SVG()), "img")
	// Many ties: classes merge rather than repeat.
	c.Values = nil
	for i, s := range States() {
		v := 0.0
		if i > 25 {
			v = float64(i)
		}
		c.Values = append(c.Values, MapValue{ISO: s.ISO, Value: v})
	}
	b := c.Breaks()
	for i := 1; i < len(b); i++ {
		if b[i] <= b[i-1] {
			t.Errorf("breaks not increasing: %v", b)
		}
	}
	root = checkAccessible(t, string(c.SVG()), "img")
	zero := root.find(func(n *node) bool { return n.name == "path" && n.attr["data-value"] == "0" })
	if len(zero) == 0 || zero[0].attr["fill"] != ClassColor(0, len(b)-1) {
		t.Errorf("zeros should get the lightest class")
	}
}

func TestBreaksOf(t *testing.T) {
	vs := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	if got, want := breaksOf(slices.Clone(vs), 5, Quantiles), []float64{1, 3, 5, 7, 9, 11}; !slices.Equal(got, want) {
		t.Errorf("quantiles %v, want %v", got, want)
	}
	if got, want := breaksOf(slices.Clone(vs), 5, EqualIntervals), []float64{0, 2.5, 5, 7.5, 10, 12.5}; !slices.Equal(got, want) {
		t.Errorf("equal intervals %v, want %v", got, want)
	}
	if got, want := breaksOf([]float64{0.12, 0.3, 2.03, 3.9}, 5, EqualIntervals), []float64{0, 1, 2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("equal intervals %v, want %v", got, want)
	}
	for _, v := range []float64{1, 3, 3.0001, 11} {
		b := []float64{1, 3, 5, 7, 9, 11}
		want := map[float64]int{1: 0, 3: 0, 3.0001: 1, 11: 4}[v]
		if got := classOf(v, b); got != want {
			t.Errorf("classOf(%v) = %d, want %d", v, got, want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		min, max float64
		n        int
		want     []float64
	}{
		{0, 100, 5, []float64{0, 25, 50, 75, 100}},
		{0, 93, 5, []float64{0, 25, 50, 75, 100}},
		{0, 0.3, 4, []float64{0, 0.1, 0.2, 0.3}},
		{0, 7, 5, []float64{0, 2, 4, 6, 8}},
		{-3, 12, 5, []float64{-5, 0, 5, 10, 15}},
		{5, 5, 5, []float64{0, 2, 4, 6, 8}},
		{0, 0, 5, []float64{0, 0.25, 0.5, 0.75, 1}},
		{0.1, 0.7, 4, []float64{0, 0.2, 0.4, 0.6, 0.8}},
		{1234, 98765, 5, []float64{0, 25000, 50000, 75000, 100000}},
		{1234, 98765, 11, []float64{0, 10000, 20000, 30000, 40000, 50000, 60000, 70000, 80000, 90000, 100000}},
	} {
		got := NiceTicks(tc.min, tc.max, tc.n)
		if !slices.Equal(got, tc.want) {
			t.Errorf("NiceTicks(%v, %v, %d) = %v, want %v", tc.min, tc.max, tc.n, got, tc.want)
		}
		if got[0] > math.Min(tc.min, tc.max) || got[len(got)-1] < math.Max(tc.min, tc.max) {
			t.Errorf("NiceTicks(%v, %v) does not cover the range: %v", tc.min, tc.max, got)
		}
	}
	if NiceTicks(math.NaN(), 1, 5) != nil {
		t.Error("NaN should give nil")
	}
}

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		d    int
		want string
	}{
		{0, 0, "0"}, {1234567.891, 2, "1,234,567.89"}, {-1234, 0, "-1,234"}, {-0.001, 2, "0.00"}, {999, 0, "999"}, {2.5, 1, "2.5"},
	} {
		if got := FormatNumber(tc.v, tc.d); got != tc.want {
			t.Errorf("FormatNumber(%v, %d) = %q, want %q", tc.v, tc.d, got, tc.want)
		}
	}
}

func TestPalette(t *testing.T) {
	for i := 1; i < len(Palette); i++ {
		if luminance(Palette[i]) >= luminance(Palette[i-1]) {
			t.Errorf("Palette not sequential at %d", i)
		}
	}
	// WCAG contrast of the darkest colour against white: >= 4.5 for text.
	if cr := 1.05 / (luminance(Palette[4]) + 0.05); cr < 4.5 {
		t.Errorf("darkest colour contrast %.2f < 4.5", cr)
	}
	for k := 1; k <= 9; k++ {
		for i := 1; i < k; i++ {
			if luminance(ClassColor(i, k)) >= luminance(ClassColor(i-1, k)) {
				t.Errorf("ClassColor(%d, %d) not darker than class %d", i, k, i-1)
			}
		}
	}
}

func TestSafeHrefAndEscape(t *testing.T) {
	for in, want := range map[string]string{
		"/entidad/MX-BCN?a=1&b=2": "/entidad/MX-BCN?a=1&amp;b=2",
		"https://example.org/x":   "https://example.org/x",
		"JavaScript:alert(1)":     "#ZgotmplZ",
		"data:text/html,x":        "#ZgotmplZ",
		"#nota":                   "#nota",
		`/x"onmouseover="y`:       "/x&#34;onmouseover=&#34;y",
	} {
		if got := safeHref(in); got != want {
			t.Errorf("safeHref(%q) = %q, want %q", in, got, want)
		}
	}
	if got := esc("México <b>\x00\x07"); got != "México &lt;b&gt;" {
		t.Errorf("esc = %q", got)
	}
}

// TestMexicoData checks the vendored map: exactly 32 locations whose ids
// map to the ISO 3166-2:MX codes MX-AGU … MX-ZAC, each once.
func TestMexicoData(t *testing.T) {
	m, err := loadMap()
	if err != nil {
		t.Fatal(err)
	}
	if m.ViewBox != "0 0 793 498" {
		t.Errorf("viewBox %q", m.ViewBox)
	}
	if len(m.Locations) != 32 {
		t.Fatalf("%d locations, want 32", len(m.Locations))
	}
	var got []string
	for _, l := range m.Locations {
		if l.ID != strings.ToLower(l.ID) || len(l.ID) != 3 {
			t.Errorf("id %q is not a lowercase ISO suffix", l.ID)
		}
		if !strings.HasPrefix(strings.TrimSpace(l.Path), "m") && !strings.HasPrefix(strings.TrimSpace(l.Path), "M") {
			t.Errorf("%s: path does not start with a moveto", l.ID)
		}
		got = append(got, isoOf(l.ID))
	}
	sort.Strings(got)
	want := []string{
		"MX-AGU", "MX-BCN", "MX-BCS", "MX-CAM", "MX-CHH", "MX-CHP", "MX-CMX", "MX-COA",
		"MX-COL", "MX-DUR", "MX-GRO", "MX-GUA", "MX-HID", "MX-JAL", "MX-MEX", "MX-MIC",
		"MX-MOR", "MX-NAY", "MX-NLE", "MX-OAX", "MX-PUE", "MX-QUE", "MX-ROO", "MX-SIN",
		"MX-SLP", "MX-SON", "MX-TAB", "MX-TAM", "MX-TLA", "MX-VER", "MX-YUC", "MX-ZAC",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ISO codes\n got %v\nwant %v", got, want)
	}
	var fromStates []string
	for i, s := range States() {
		if s.CVE != fmt.Sprintf("%02d", i+1) {
			t.Errorf("state %d has CVE %s", i, s.CVE)
		}
		fromStates = append(fromStates, s.ISO)
	}
	sort.Strings(fromStates)
	if !slices.Equal(fromStates, want) {
		t.Error("States() and the map disagree")
	}
}

func BenchmarkChoroplethSVG(b *testing.B) {
	c := mapFixture()
	b.ReportAllocs()
	for b.Loop() {
		_ = c.SVG()
	}
}

// A chart drawn narrow for a phone wraps its legend instead of running it
// off the right edge.
func TestLegendWrapsOnNarrowChart(t *testing.T) {
	pts := func() []Point {
		var ps []Point
		for _, l := range months(2015, 1, 24) {
			ps = append(ps, Point{Label: l, Y: 3})
		}
		return ps
	}
	c := LineChart{Title: "t", Width: 360, Height: 280, TickEvery: 36,
		Series: []Series{{Name: "Investigations (carpetas de investigación)", Points: pts()}, {Name: "Victims", Points: pts()}}}
	svg := string(c.SVG())
	xml1 := `<text x="28" y="12" dy="0.32em">Investigations`
	xml2 := `<text x="28" y="30" dy="0.32em">Victims`
	if !strings.Contains(svg, xml1) || !strings.Contains(svg, xml2) {
		t.Errorf("legend not wrapped onto two rows:\n%s", svg[:min(len(svg), 1200)])
	}
	if err := xml.Unmarshal([]byte(svg), new(any)); err != nil {
		t.Errorf("not well-formed: %v", err)
	}
}

// The map's legend as HTML has the same classes as the one in SVG, and the
// inset's title is the one asked for.
func TestChoroplethLegendHTMLAndInsetTitle(t *testing.T) {
	var vals []MapValue
	for i, s := range states {
		vals = append(vals, MapValue{ISO: s.ISO, Value: float64(i)})
	}
	vals[3].Missing = true
	c := Choropleth{Title: "m", Values: vals, LegendTitle: "per 100,000", NoDataText: "No data", InsetTitle: "Small states"}
	svg, legend := string(c.SVG()), string(c.LegendHTML())
	if !strings.Contains(svg, ">Small states</text>") || strings.Contains(svg, "Entidades pequeñas") {
		t.Error("inset title not used")
	}
	if n := strings.Count(legend, `<li class="legend-class q`); n != len(c.Breaks())-1 {
		t.Errorf("HTML legend has %d classes, want %d", n, len(c.Breaks())-1)
	}
	for _, w := range []string{"per 100,000", "No data", `<ul class="map-legend">`} {
		if !strings.Contains(legend, w) {
			t.Errorf("HTML legend lacks %q", w)
		}
	}
	if !strings.Contains(string(Choropleth{Values: vals}.SVG()), "Entidades pequeñas") {
		t.Error("default inset title changed")
	}
}
