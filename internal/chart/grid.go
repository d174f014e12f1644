package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Panel is one cell of a Grid: a chart with a title and a note above it.
type Panel struct {
	Title string        // bold, e.g. a state's name
	Note  string        // muted, under the title, e.g. its rate
	Chart template.HTML // an <svg> from this package (a compact LineChart)
}

// Grid lays out small multiples as one SVG, for the downloads of a page
// whose small multiples are separate charts in an HTML grid. Columns
// defaults to 4 and CellWidth to 240 units.
type Grid struct {
	ID, Title, Desc string
	Panels          []Panel
	Columns         int
	CellWidth       float64
}

// placeSVG positions a chart's <svg> at x, y, w units wide (its height
// follows its viewBox) and returns the element and its height.
func placeSVG(inner string, x, y, w float64) (string, float64) {
	iw, ih := 720.0, 360.0
	if m := reViewBox.FindStringSubmatch(inner); m != nil {
		iw, _ = strconv.ParseFloat(m[1], 64)
		ih, _ = strconv.ParseFloat(m[2], 64)
	}
	h := w * ih / iw
	idx := strings.Index(inner, ">") + 1
	head := reWidth.ReplaceAllLiteralString(inner[:idx], fmt.Sprintf(` x="%s" y="%s" width="%s" height="%s"`, num(x), num(y), num(w), num(h)))
	return head + inner[idx:], h
}

// SVG renders the grid as a complete <svg> element.
func (g Grid) SVG() template.HTML {
	cols := g.Columns
	if cols <= 0 {
		cols = 4
	}
	cw := g.CellWidth
	if cw <= 0 {
		cw = 240
	}
	const gap, head = 12.0, 34.0
	id := chartID(g.ID, "grid", g.Title, g.Desc)
	var body strings.Builder
	y, rowH := 0.0, 0.0
	for i, p := range g.Panels {
		col := i % cols
		if col == 0 && i > 0 {
			y += rowH + gap
			rowH = 0
		}
		x := float64(col) * cw
		maxChars := int((cw - gap) / charW)
		fmt.Fprintf(&body, `<g class="panel"><text class="panel-title" x="%s" y="%s" font-weight="bold">%s</text>`, num(x), num(y+13), esc(truncate(p.Title, maxChars)))
		if p.Note != "" {
			fmt.Fprintf(&body, `<text class="panel-note" x="%s" y="%s" font-size="11" fill="%s">%s</text>`, num(x), num(y+28), mutedColor, esc(truncate(p.Note, int(float64(maxChars)*12/11))))
		}
		el, h := placeSVG(string(p.Chart), x, y+head, cw-gap)
		body.WriteString(el)
		body.WriteString(`</g>`)
		rowH = math.Max(rowH, head+h)
	}
	y += rowH
	w := float64(cols)*cw - gap
	var b strings.Builder
	openSVG(&b, id, "chart-grid", w, math.Max(y, 1), g.Title, g.Desc, false)
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
