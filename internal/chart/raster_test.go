package chart

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"strings"
	"testing"
)

func testMap() Choropleth {
	var vals []MapValue
	for i, s := range States() {
		if i == 5 {
			continue // Colima: no data, hatched
		}
		vals = append(vals, MapValue{ISO: s.ISO, Value: float64(i%7) + 0.5, Href: "/estados/" + strings.ToLower(s.ISO)})
	}
	return Choropleth{Title: "Víctimas por 100 mil", Desc: "Mapa de prueba", Values: vals, LegendTitle: "Víctimas por 100 mil"}
}

var testFrame = Frame{Title: "Trata de personas: víctimas por 100 mil habitantes, abril 2025 – marzo 2026", Source: "Fuente: SESNSP; CONAPO", Release: "Corte SESNSP: mar2026", Credit: MapAttribution}

func TestStandaloneWellFormed(t *testing.T) {
	doc := Standalone(testMap().SVG(), testFrame)
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
	}
	for _, want := range []string{"Trata de personas", "Fuente: SESNSP", "Corte SESNSP: mar2026", `<svg xmlns="http://www.w3.org/2000/svg" id=`} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("standalone SVG lacks %q", want)
		}
	}
	if bytes.Contains(doc, []byte(`width="100%" preserveAspectRatio`)) {
		t.Error("nested chart kept width=100%")
	}
}

func TestWritePNG(t *testing.T) {
	doc := Standalone(testMap().SVG(), testFrame)
	var buf bytes.Buffer
	if err := WritePNG(&buf, doc, 800); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != MinPNGWidth {
		t.Errorf("width %d, want %d (the minimum)", b.Dx(), MinPNGWidth)
	}
	if b.Dy() < 800 {
		t.Errorf("height %d: the map and its frame should be taller", b.Dy())
	}
	// The title is drawn: the top band holds dark text pixels, and the
	// map holds the palette's darkest colour.
	dark, darkest := 0, 0
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if y < 60 && r>>8 < 80 && g>>8 < 80 && bl>>8 < 80 {
				dark++
			}
			if r>>8 == 0x25 && g>>8 == 0x34 && bl>>8 == 0x94 {
				darkest++
			}
		}
	}
	if dark < 200 {
		t.Errorf("title band has %d dark pixels; is the title drawn?", dark)
	}
	if darkest < 1000 {
		t.Errorf("%d pixels of the darkest class; are the states filled?", darkest)
	}
}

func TestRasterizeRejects(t *testing.T) {
	if _, err := Rasterize([]byte(`<html></html>`), 100); err == nil {
		t.Error("non-SVG accepted")
	}
	if _, err := Rasterize([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect</svg>`), 100); err == nil {
		t.Error("broken SVG accepted")
	}
}

func TestParsePath(t *testing.T) {
	got := parsePath("m 10,10 5,0 0,5 z M 0 0 H 4 V 4 L 0 4 Z")
	if len(got) != 2 || len(got[0]) != 4 || len(got[1]) != 5 {
		t.Fatalf("parsePath = %v", got)
	}
	if got[0][2] != (pt{15, 15}) {
		t.Errorf("relative implicit lineto: got %v", got[0][2])
	}
}

func TestWrap(t *testing.T) {
	lines := Wrap("uno dos tres cuatro cinco seis siete ocho nueve diez", 20, true, 200)
	if len(lines) < 2 {
		t.Fatalf("not wrapped: %q", lines)
	}
	for _, l := range lines {
		if MeasureText(l, 20, true) > 200 && strings.Contains(l, " ") {
			t.Errorf("line %q too wide", l)
		}
	}
}

// BenchmarkMapPNG renders a map of synthetic values, framed, as the
// 1200 px PNG that GET /grafica/mapa.png serves (the rasterisation and the
// encoding only; BenchmarkHomeMapPNG in internal/web adds the data).
func BenchmarkMapPNG(b *testing.B) {
	svg := testMap().SVG()
	for b.Loop() {
		doc := Standalone(svg, testFrame)
		if err := WritePNG(io.Discard, doc, MinPNGWidth); err != nil {
			b.Fatal(err)
		}
	}
}

func TestGrid(t *testing.T) {
	var ps []Panel
	for i := 0; i < 6; i++ {
		c := LineChart{Title: "p", Compact: true, Series: []Series{{Name: "a", Points: []Point{{Label: "2015-01", Y: 1}, {Label: "2015-02", Y: float64(i)}}}}}
		ps = append(ps, Panel{Title: "Estado & <" + strings.Repeat("x", i) + ">", Note: "1.5 por 100 mil", Chart: c.SVG()})
	}
	g := Grid{Title: "Entidades", Desc: "d", Panels: ps, Columns: 4}
	svg := string(g.SVG())
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
	}
	if n := strings.Count(svg, `class="chart chart-line chart-compact"`); n != 6 {
		t.Errorf("%d panels, want 6", n)
	}
	if !strings.Contains(svg, `viewBox="0 0 948 `) {
		t.Errorf("grid width: %s", svg[:200])
	}
	img, err := Rasterize(Standalone(g.SVG(), Frame{Title: "t", Source: "s", Release: "r"}), MinPNGWidth)
	if err != nil || img.Bounds().Dx() != MinPNGWidth {
		t.Fatalf("rasterize: %v", err)
	}
}

func TestLineChartIntervals(t *testing.T) {
	c := LineChart{Title: "t", Series: []Series{{Name: "a", Class: "mx-jal", Points: []Point{
		{Label: "2015", Y: 2, Low: 1, High: 30, HasInterval: true},
		{Label: "2016", Y: 3, Low: 2, High: 4, HasInterval: true},
		{Label: "2017", Missing: true},
		{Label: "2018", Y: 5, Low: 4, High: 6, HasInterval: true},
	}}}}
	svg := string(c.SVG())
	if !strings.Contains(svg, `<g class="band series-mx-jal" aria-hidden="true"><path d="M`) {
		t.Error("no band for the first run")
	}
	if !strings.Contains(svg, `stroke-opacity="0.5"`) {
		t.Error("no whisker for the isolated point")
	}
	// The y axis reaches the top of the widest interval.
	if !strings.Contains(svg, `>30</text>`) {
		t.Error("y axis does not cover the interval")
	}
}
