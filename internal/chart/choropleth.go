package chart

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Palette is the 5-class sequential palette of the choropleth, lightest to
// darkest: ColorBrewer YlGnBu (colour-blind safe, print friendly). Its
// darkest colour has a 10:1 contrast ratio against white, so white text
// can sit on it and it can be used for text on white.
var Palette = [5]string{"#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"}

// NoDataColor is the base of the hatched "sin datos" fill.
const (
	NoDataColor = "#f0f0f0"
	noDataLine  = "#969696"
	stateStroke = "#7a7a7a"
)

// ClassMethod chooses how the choropleth splits values into classes.
type ClassMethod int

const (
	// Quantiles (the default) puts about the same number of states in each
	// class: the bounds are the minimum, the k-1 inner quantiles (linear
	// interpolation, R type 7) and the maximum. Good for skewed rates, where
	// equal intervals would paint most states the lightest colour. Equal
	// bounds (ties) are merged, so there can be fewer classes than asked.
	Quantiles ClassMethod = iota
	// EqualIntervals uses k classes of equal width with "nice" bounds
	// (multiples of 1, 2, 2.5 or 5 × 10^n) from at or below the minimum to
	// at or above the maximum; easier to read, and comparable across maps
	// when the data are alike.
	EqualIntervals
)

// MapValue is the value of one state.
type MapValue struct {
	ISO     string // "MX-BCN" (case and surrounding spaces are ignored)
	Value   float64
	Missing bool   // unpublished or suppressed: drawn hatched, "sin datos"
	Label   string // tooltip, e.g. "Baja California: 2.03 por 100 mil"; default "<nombre>: <valor>"
	Href    string // the state (and its inset tile) becomes a link when set
}

// Choropleth is a map of Mexico's 32 states coloured by value.
//
// Classes are upper-inclusive: with bounds b0 < b1 < … < bk a value v is in
// class i when b(i) < v <= b(i+1), and the first class also holds b0. States
// not listed in Values, listed as Missing, or with a NaN/infinite value are
// drawn with the hatched "sin datos" fill. Values for unknown ISO codes are
// ignored; for a repeated ISO code the first entry counts.
type Choropleth struct {
	ID          string // optional element id; derived from Title+Desc if empty
	Title, Desc string
	Values      []MapValue
	Classes     int         // number of classes, default 5, at most 9
	Method      ClassMethod // default Quantiles
	LegendTitle string      // e.g. "Víctimas por 100 mil habitantes"
	// ValueFormat formats legend bounds and default tooltips; default
	// es-MX numbers with 0 decimals for integers, else 2 below 10, 1 below 100.
	ValueFormat func(float64) string
	NoDataText  string // legend text for missing states, default "Sin datos"
	InsetTitle  string // title of the small-states inset, default "Entidades pequeñas"
}

func (c Choropleth) classes() int {
	k := c.Classes
	if k <= 0 {
		k = 5
	}
	return min(k, 9)
}

// values returns the first usable entry per known ISO code.
func (c Choropleth) values() map[string]MapValue {
	m := make(map[string]MapValue, len(c.Values))
	for _, v := range c.Values {
		v.ISO = strings.ToUpper(strings.TrimSpace(v.ISO))
		if _, ok := stateByISO(v.ISO); !ok {
			continue
		}
		if _, dup := m[v.ISO]; dup {
			continue
		}
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			v.Missing = true
		}
		m[v.ISO] = v
	}
	return m
}

// Breaks returns the class bounds b0 <= … <= bk (k+1 numbers for k
// classes), so that a page can print a table legend too; nil when no state
// has a value.
func (c Choropleth) Breaks() []float64 {
	var vs []float64
	for _, v := range c.values() {
		if !v.Missing {
			vs = append(vs, v.Value)
		}
	}
	return breaksOf(vs, c.classes(), c.Method)
}

func breaksOf(vs []float64, k int, method ClassMethod) []float64 {
	if len(vs) == 0 {
		return nil
	}
	sort.Float64s(vs)
	lo, hi := vs[0], vs[len(vs)-1]
	if lo == hi {
		return []float64{lo, hi}
	}
	if method == EqualIntervals {
		step := niceNum((hi-lo)/float64(k), false)
		start := math.Floor(lo/step) * step
		for start+float64(k)*step < hi-1e-9*step {
			step = nextNice(step)
			start = math.Floor(lo/step) * step
		}
		dec := stepDecimals(step)
		out := make([]float64, k+1)
		for i := range out {
			out[i] = roundTo(start+float64(i)*step, dec)
		}
		// Drop empty top classes the nice step may leave.
		for len(out) > 2 && out[len(out)-2] >= hi {
			out = out[:len(out)-1]
		}
		return out
	}
	out := []float64{lo}
	for i := 1; i < k; i++ {
		q := quantile7(vs, float64(i)/float64(k))
		if q > out[len(out)-1] && q < hi {
			out = append(out, q)
		}
	}
	return append(out, hi)
}

// quantile7 is the type-7 (linear interpolation) quantile of sorted xs.
func quantile7(xs []float64, p float64) float64 {
	h := p * float64(len(xs)-1)
	i := int(math.Floor(h))
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
}

// classOf returns the class of v for bounds (upper-inclusive intervals).
func classOf(v float64, breaks []float64) int {
	k := len(breaks) - 1
	for i := 0; i < k-1; i++ {
		if v <= breaks[i+1] {
			return i
		}
	}
	return k - 1
}

// ClassColor returns the fill of class i of k: the Palette itself for k = 5,
// otherwise colours interpolated along it (k = 1 gives the middle colour).
func ClassColor(i, k int) string {
	if k == len(Palette) {
		return Palette[i]
	}
	if k <= 1 {
		return Palette[len(Palette)/2]
	}
	t := float64(i) / float64(k-1) * float64(len(Palette)-1)
	j := int(math.Floor(t))
	if j >= len(Palette)-1 {
		return Palette[len(Palette)-1]
	}
	a, b := hexRGB(Palette[j]), hexRGB(Palette[j+1])
	f := t - float64(j)
	var out [3]int
	for n := range out {
		out[n] = int(math.Round(float64(a[n]) + f*float64(b[n]-a[n])))
	}
	return fmt.Sprintf("#%02x%02x%02x", out[0], out[1], out[2])
}

func hexRGB(s string) [3]int {
	var rgb [3]int
	for n := range rgb {
		v, _ := strconv.ParseUint(s[1+2*n:3+2*n], 16, 8)
		rgb[n] = int(v)
	}
	return rgb
}

// luminance is the WCAG relative luminance of a "#rrggbb" colour.
func luminance(s string) float64 {
	rgb := hexRGB(s)
	var l [3]float64
	for n, v := range rgb {
		c := float64(v) / 255
		if c <= 0.03928 {
			l[n] = c / 12.92
		} else {
			l[n] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

// SVG renders the map as a complete <svg> element: the 32 states as
// <path class="state" data-iso="MX-…" data-value="…"> (no data-value when
// missing, and class "state nodata"), each with a <title> tooltip and
// inside an <a href> when Href is set; a legend (<g class="legend">) in the
// Pacific, lower left; and an inset (<g class="inset">) in the Gulf of
// Mexico repeating the five smallest states (Aguascalientes, Ciudad de
// México, Colima, Morelos, Tlaxcala) as labelled tiles, so every state has
// a target large enough to see, hover and click.
func (c Choropleth) SVG() template.HTML {
	m, err := loadMap()
	if err != nil {
		// The embedded file is checked by the tests; never reached.
		panic(err)
	}
	id := chartID(c.ID, "map", c.Title, c.Desc)
	vals := c.values()
	breaks := c.Breaks()
	k := len(breaks) - 1
	var present []float64
	for _, s := range states {
		if v, ok := vals[s.ISO]; ok && !v.Missing {
			present = append(present, v.Value)
		}
	}
	vf := c.ValueFormat
	if vf == nil {
		vf = autoFormat(append(present, breaks...))
	}
	noData := c.NoDataText
	if noData == "" {
		noData = "Sin datos"
	}
	interactive := false
	for _, v := range vals {
		if v.Href != "" {
			interactive = true
		}
	}

	// One resolved style per state, in CVE order for the inset.
	type styled struct {
		v        MapValue
		ok       bool
		fill     string
		class    string
		tip      string
		nameText string
	}
	hatch := "url(#" + id + "-nodata)"
	style := func(iso string) styled {
		st, _ := stateByISO(iso)
		v, ok := vals[iso]
		s := styled{v: v, ok: ok && !v.Missing, nameText: st.Name}
		if s.ok {
			ci := classOf(v.Value, breaks)
			s.fill = ClassColor(ci, k)
			s.class = "state q" + strconv.Itoa(ci) + "-" + strconv.Itoa(k)
			s.tip = st.Name + ": " + vf(v.Value)
		} else {
			s.fill = hatch
			s.class = "state nodata"
			s.tip = st.Name + ": " + strings.ToLower(noData)
		}
		if v.Label != "" {
			s.tip = v.Label
		}
		return s
	}

	w, h := 793.0, 498.0
	if f := strings.Fields(m.ViewBox); len(f) == 4 {
		w, _ = strconv.ParseFloat(f[2], 64)
		h, _ = strconv.ParseFloat(f[3], 64)
	}
	var b strings.Builder
	b.Grow(90 << 10)
	openSVG(&b, id, "chart-map", w, h, c.Title, c.Desc, interactive)
	fmt.Fprintf(&b, `<defs><pattern id="%s-nodata" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="%s"/><line x1="0" y1="0" x2="0" y2="6" stroke="%s" stroke-width="1.5"/></pattern></defs>`,
		id, NoDataColor, noDataLine)

	// States.
	fmt.Fprintf(&b, `<g class="states" stroke="%s" stroke-width="0.6" stroke-linejoin="round">`, stateStroke)
	for _, l := range m.Locations {
		iso := isoOf(l.ID)
		s := style(iso)
		if s.v.Href != "" {
			fmt.Fprintf(&b, `<a class="state-link" href="%s" aria-label="%s">`, safeHref(s.v.Href), esc(s.tip))
		}
		fmt.Fprintf(&b, `<path class="%s" data-iso="%s"`, s.class, iso)
		if s.ok {
			fmt.Fprintf(&b, ` data-value="%s"`, strconv.FormatFloat(s.v.Value, 'f', -1, 64))
		}
		fmt.Fprintf(&b, ` fill="%s" d="%s"><title>%s</title></path>`, s.fill, esc(l.Path), esc(s.tip))
		if s.v.Href != "" {
			b.WriteString(`</a>`)
		}
	}
	b.WriteString(`</g>`)

	// Legend, lower left (open sea south of Baja California).
	b.WriteString(`<g class="legend">`)
	lx, ly := 16.0, 318.0
	if c.LegendTitle != "" {
		fmt.Fprintf(&b, `<text class="legend-title" x="%s" y="%s" font-weight="bold">%s</text>`, num(lx), num(ly), esc(c.LegendTitle))
	}
	ly += 12
	for i := 0; i < k; i++ {
		lo, hi := breaks[i], breaks[i+1]
		text := vf(lo) + " – " + vf(hi)
		if lo == hi {
			text = vf(lo)
		}
		fmt.Fprintf(&b, `<g class="legend-class q%d-%d"><rect x="%s" y="%s" width="22" height="16" fill="%s" stroke="%s" stroke-width="0.6"/><text x="%s" y="%s" dy="0.32em">%s</text></g>`,
			i, k, num(lx), num(ly), ClassColor(i, k), stateStroke, num(lx+30), num(ly+8), esc(text))
		ly += 22
	}
	fmt.Fprintf(&b, `<g class="legend-class nodata"><rect x="%s" y="%s" width="22" height="16" fill="%s" stroke="%s" stroke-width="0.6"/><text x="%s" y="%s" dy="0.32em">%s</text></g>`,
		num(lx), num(ly), hatch, stateStroke, num(lx+30), num(ly+8), esc(noData))
	fmt.Fprintf(&b, `<text class="attribution" x="%s" y="%s" font-size="10" text-anchor="end" fill="%s">%s</text>`, num(w-6), num(h-4), mutedColor, esc(MapAttribution))
	b.WriteString(`</g>`)

	// Inset of the small states, upper right (Gulf of Mexico).
	ix, iy := 600.0, 40.0
	inset := c.InsetTitle
	if inset == "" {
		inset = "Entidades pequeñas"
	}
	fmt.Fprintf(&b, `<g class="inset"><text class="inset-title" x="%s" y="%s" font-weight="bold">%s</text>`, num(ix), num(iy), esc(inset))
	iy += 10
	for _, iso := range smallStates {
		s := style(iso)
		if s.v.Href != "" {
			fmt.Fprintf(&b, `<a class="state-link" href="%s" aria-label="%s">`, safeHref(s.v.Href), esc(s.tip))
		}
		fmt.Fprintf(&b, `<g class="inset-state" data-iso="%s"><title>%s</title><rect class="%s" x="%s" y="%s" width="22" height="22" rx="3" fill="%s" stroke="%s" stroke-width="0.6"/><text x="%s" y="%s" dy="0.32em">%s</text></g>`,
			iso, esc(s.tip), strings.Replace(s.class, "state", "tile", 1), num(ix), num(iy), s.fill, stateStroke, num(ix+30), num(iy+11), esc(s.nameText))
		if s.v.Href != "" {
			b.WriteString(`</a>`)
		}
		iy += 28
	}
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String())
}

// LegendHTML renders the legend as an HTML list (<ul class="map-legend">),
// each class with a small colour swatch: for a page to show below the map
// where the map is drawn too small for the legend inside it to be read (a
// phone). It holds the same classes, bounds and "no data" entry as the
// legend in SVG.
func (c Choropleth) LegendHTML() template.HTML {
	breaks := c.Breaks()
	k := len(breaks) - 1
	vf := c.ValueFormat
	if vf == nil {
		var present []float64
		for _, v := range c.values() {
			if !v.Missing {
				present = append(present, v.Value)
			}
		}
		vf = autoFormat(append(present, breaks...))
	}
	noData := c.NoDataText
	if noData == "" {
		noData = "Sin datos"
	}
	id := chartID(c.ID, "map", c.Title, c.Desc) + "-legend"
	var b strings.Builder
	b.WriteString(`<ul class="map-legend">`)
	if c.LegendTitle != "" {
		fmt.Fprintf(&b, `<li class="legend-head">%s</li>`, esc(c.LegendTitle))
	}
	swatch := `<svg viewBox="0 0 22 16" aria-hidden="true" focusable="false">%s<rect width="22" height="16" fill="%s" stroke="%s" stroke-width="1"/></svg>`
	for i := 0; i < k; i++ {
		lo, hi := breaks[i], breaks[i+1]
		text := vf(lo) + " – " + vf(hi)
		if lo == hi {
			text = vf(lo)
		}
		fmt.Fprintf(&b, `<li class="legend-class q%d-%d">`+swatch+`%s</li>`, i, k, "", ClassColor(i, k), stateStroke, esc(text))
	}
	pattern := fmt.Sprintf(`<defs><pattern id="%s-nodata" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="%s"/><line x1="0" y1="0" x2="0" y2="6" stroke="%s" stroke-width="1.5"/></pattern></defs>`, id, NoDataColor, noDataLine)
	fmt.Fprintf(&b, `<li class="legend-class nodata">`+swatch+`%s</li>`, pattern, "url(#"+id+"-nodata)", stateStroke, esc(noData))
	b.WriteString(`</ul>`)
	return template.HTML(b.String())
}
