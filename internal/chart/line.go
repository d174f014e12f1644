package chart

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Point is one x position; Missing draws a gap (unpublished month), never a
// zero. A NaN or infinite Y is treated as Missing too.
//
// Low and High, when HasInterval, are an interval around Y (a 95 %
// confidence interval): drawn as a translucent band along the line, or as
// a whisker where a point has no neighbour.
type Point struct {
	Label       string
	Y           float64
	Missing     bool
	Low, High   float64
	HasInterval bool
}

func hasBand(p Point) bool {
	return validY(p) && p.HasInterval && !math.IsNaN(p.Low) && !math.IsNaN(p.High) && !math.IsInf(p.Low, 0) && !math.IsInf(p.High, 0)
}

// Series is one line. Class is a CSS class suffix ("carpetas" →
// class="series series-carpetas") so a stylesheet can colour it; without
// CSS it gets the next colour of SeriesColors.
type Series struct {
	Name   string
	Points []Point
	Class  string
}

// Break is a vertical marker at the x position whose label is Label (an
// exact match, else the first label that starts with it), e.g. {Label:
// "2026-01", Text: "RNID"} for a methodology change.
type Break struct{ Label, Text string }

// LineChart draws one or more series over shared x positions.
type LineChart struct {
	ID            string // optional element id (prefix of the title/desc ids); derived from Title+Desc if empty
	Title, Desc   string // become <title> and <desc>
	Width, Height int    // viewBox size; default 720×360 (Compact: 240×100)
	Series        []Series
	YLabel        string // printed above the y axis (e.g. "Víctimas por mes")
	Breaks        []Break
	// TickEvery shows an x tick label every N points; the label is the part
	// before the first "-" ("2015-01" → "2015"), and ticks are aligned to the
	// first label ending in "-01" when there is one. 0 picks a step giving
	// about 8 ticks that print the full label.
	TickEvery int
	// Compact draws a small multiple: no grid or axis text except the y
	// domain's min and max and the first and last x label; thinner lines.
	Compact bool
	// YMax, when > 0, fixes the top of the y axis (use the same value on
	// every small multiple for a shared scale); it is raised to the data
	// maximum if the data exceed it.
	YMax float64
	// YFormat formats y tick labels; default FormatNumber with the fewest
	// decimals that print every tick exactly.
	YFormat func(float64) string
}

func validY(p Point) bool {
	return !p.Missing && !math.IsNaN(p.Y) && !math.IsInf(p.Y, 0)
}

// SVG renders the chart as a complete <svg> element.
func (c LineChart) SVG() template.HTML {
	w, h := float64(c.Width), float64(c.Height)
	if w <= 0 {
		w = 720
		if c.Compact {
			w = 240
		}
	}
	if h <= 0 {
		h = 360
		if c.Compact {
			h = 100
		}
	}
	id := chartID(c.ID, "line", c.Title, c.Desc)

	// X positions come from the longest series; all share the same labels.
	var labels []string
	for _, s := range c.Series {
		if len(s.Points) > len(labels) {
			labels = labels[:0]
			for _, p := range s.Points {
				labels = append(labels, p.Label)
			}
		}
	}
	n := len(labels)

	// Y domain: zero-based for non-negative data (counts, rates).
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for _, p := range s.Points {
			if validY(p) {
				ymin, ymax = math.Min(ymin, p.Y), math.Max(ymax, p.Y)
			}
			if hasBand(p) {
				ymin, ymax = math.Min(ymin, p.Low), math.Max(ymax, p.High)
			}
		}
	}
	if math.IsInf(ymin, 1) {
		ymin, ymax = 0, 1
	}
	if ymin > 0 {
		ymin = 0
	}
	if c.YMax > ymax {
		ymax = c.YMax
	}
	ticks := NiceTicks(ymin, ymax, 5)
	if c.Compact {
		ticks = []float64{ticks[0], ticks[len(ticks)-1]}
	}
	yfmt := c.YFormat
	if yfmt == nil {
		d := decimalsFor(ticks)
		yfmt = func(v float64) string { return FormatNumber(v, d) }
	}
	tickText := make([]string, len(ticks))
	maxTickW := 0.0
	fs := 12.0
	if c.Compact {
		fs = 10
	}
	for i, t := range ticks {
		tickText[i] = yfmt(t)
		maxTickW = math.Max(maxTickW, textWidth(tickText[i], fs))
	}

	// Margins.
	legend := len(c.Series) > 1 && !c.Compact
	top, right, bottom := 16.0, 16.0, 28.0
	left := math.Max(36, maxTickW+12)
	if c.YLabel != "" && !c.Compact {
		top = 34
	}
	// Legend items flow into rows as wide as the chart: a narrow chart
	// (drawn for a phone) gets its legend on two lines, not cut off.
	type legendItem struct{ x, y float64 }
	var items []legendItem
	if legend {
		lx, ly := 4.0, 12.0
		for _, s := range c.Series {
			iw := 24 + textWidth(s.Name, 12)
			if lx > 4 && lx+iw > w {
				lx, ly = 4, ly+18
			}
			items = append(items, legendItem{lx, ly})
			lx += iw + 20
		}
		top += ly + 8
	}
	if c.Compact {
		top, right, bottom = 8, 6, 16
		left = maxTickW + 8
	}
	x := linear{0, float64(n - 1), left, w - right}
	if n == 1 {
		x = linear{0, 0, left, w - right}
	}
	y := linear{ticks[0], ticks[len(ticks)-1], h - bottom, top}

	var b strings.Builder
	class := "chart-line"
	if c.Compact {
		class += " chart-compact"
	}
	openSVG(&b, id, class, w, h, c.Title, c.Desc, false)

	// Legend and y label.
	if legend {
		b.WriteString(`<g class="legend">`)
		for i, s := range c.Series {
			col := SeriesColors[i%len(SeriesColors)]
			lx, ly := items[i].x, num(items[i].y)
			fmt.Fprintf(&b, `<g class="legend-item series-%s"><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3"/><text x="%s" y="%s" dy="0.32em">%s</text></g>`,
				cssIdent(s.Class), num(lx), ly, num(lx+18), ly, col, num(lx+24), ly, esc(s.Name))
		}
		b.WriteString(`</g>`)
	}
	if c.YLabel != "" && !c.Compact {
		fmt.Fprintf(&b, `<text class="y-label" x="4" y="%s" fill="%s">%s</text>`, num(top-14), mutedColor, esc(c.YLabel))
	}

	// Y axis: grid lines and labels.
	b.WriteString(`<g class="axis axis-y">`)
	for i, t := range ticks {
		ty := y.at(t)
		if !c.Compact {
			fmt.Fprintf(&b, `<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(left), num(ty), num(w-right), num(ty), gridColor)
		}
		fmt.Fprintf(&b, `<text class="tick" x="%s" y="%s" dy="0.32em" text-anchor="end" fill="%s"`, num(left-6), num(ty), mutedColor)
		if c.Compact {
			b.WriteString(` font-size="10"`)
		}
		fmt.Fprintf(&b, `>%s</text>`, esc(tickText[i]))
	}
	b.WriteString(`</g>`)

	// X axis: baseline, ticks and labels.
	base := y.at(ticks[0])
	fmt.Fprintf(&b, `<g class="axis axis-x"><line class="baseline" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(left), num(base), num(w-right), num(base), axisColor)
	if n > 0 {
		if c.Compact {
			fmt.Fprintf(&b, `<text class="tick" x="%s" y="%s" font-size="10" fill="%s">%s</text>`, num(left), num(h-3), mutedColor, esc(yearPart(labels[0])))
			if n > 1 {
				fmt.Fprintf(&b, `<text class="tick" x="%s" y="%s" font-size="10" text-anchor="end" fill="%s">%s</text>`, num(w-right), num(h-3), mutedColor, esc(yearPart(labels[n-1])))
			}
		} else {
			every, offset, short := c.TickEvery, 0, true
			if every <= 0 {
				every, short = int(math.Ceil(float64(n)/8)), false
			} else {
				for j := 0; j < every && j < n; j++ {
					if strings.HasSuffix(labels[j], "-01") {
						offset = j
						break
					}
				}
			}
			for i := offset; i < n; i += every {
				tx := x.at(float64(i))
				t := labels[i]
				if short {
					t = yearPart(t)
				}
				fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/><text class="tick" x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`,
					num(tx), num(base), num(tx), num(base+4), axisColor, num(tx), num(base+17), mutedColor, esc(t))
			}
		}
	}
	b.WriteString(`</g>`)

	// Breaks.
	for _, br := range c.Breaks {
		i := labelIndex(labels, br.Label)
		if i < 0 {
			continue
		}
		bx := x.at(float64(i))
		fmt.Fprintf(&b, `<g class="break"><title>%s</title><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-dasharray="4 3"/>`,
			esc(strings.TrimSpace(br.Text+" "+br.Label)), num(bx), num(top), num(bx), num(base), mutedColor)
		if br.Text != "" && !c.Compact {
			anchor, tx := "start", bx+4
			if bx+4+textWidth(br.Text, 11) > w-right {
				anchor, tx = "end", bx-4
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" text-anchor="%s" fill="%s">%s</text>`, num(tx), num(top+10), anchor, mutedColor, esc(br.Text))
		}
		b.WriteString(`</g>`)
	}

	// Interval bands, under every line.
	for si, s := range c.Series {
		col := SeriesColors[si%len(SeriesColors)]
		var band strings.Builder
		var run []int
		flush := func() {
			switch len(run) {
			case 0:
			case 1:
				p := s.Points[run[0]]
				px := num(x.at(float64(run[0])))
				fmt.Fprintf(&band, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2" stroke-opacity="0.5"/>`, px, num(y.at(p.Low)), px, num(y.at(p.High)), col)
			default:
				var d strings.Builder
				for j, i := range run {
					cmd := "L"
					if j == 0 {
						cmd = "M"
					}
					fmt.Fprintf(&d, "%s%s,%s", cmd, num(x.at(float64(i))), num(y.at(s.Points[i].High)))
				}
				for j := len(run) - 1; j >= 0; j-- {
					i := run[j]
					fmt.Fprintf(&d, "L%s,%s", num(x.at(float64(i))), num(y.at(s.Points[i].Low)))
				}
				fmt.Fprintf(&band, `<path d="%sZ" fill="%s" fill-opacity="0.18" stroke="none"/>`, d.String(), col)
			}
			run = run[:0]
		}
		for i, p := range s.Points {
			if hasBand(p) {
				run = append(run, i)
			} else {
				flush()
			}
		}
		flush()
		if band.Len() > 0 {
			fmt.Fprintf(&b, `<g class="band series-%s" aria-hidden="true">%s</g>`, cssIdent(s.Class), band.String())
		}
	}

	// Lines: one <path> per series, a new "M" subpath after every gap, and
	// a dot for points with no neighbour (a line segment needs two).
	sw, r := "2", "2.5"
	if c.Compact {
		sw, r = "1.25", "1.5"
	}
	for si, s := range c.Series {
		col := SeriesColors[si%len(SeriesColors)]
		var d strings.Builder
		var dots []int
		var run []int
		flush := func() {
			switch len(run) {
			case 0:
			case 1:
				dots = append(dots, run[0])
			default:
				for j, i := range run {
					cmd := "L"
					if j == 0 {
						cmd = "M"
					}
					fmt.Fprintf(&d, "%s%s,%s", cmd, num(x.at(float64(i))), num(y.at(s.Points[i].Y)))
				}
			}
			run = run[:0]
		}
		for i, p := range s.Points {
			if validY(p) {
				run = append(run, i)
			} else {
				flush()
			}
		}
		flush()
		fmt.Fprintf(&b, `<g class="series series-%s"><title>%s</title>`, cssIdent(s.Class), esc(s.Name))
		if d.Len() > 0 {
			fmt.Fprintf(&b, `<path class="line" d="%s" fill="none" stroke="%s" stroke-width="%s" stroke-linejoin="round" stroke-linecap="round"/>`, d.String(), col, sw)
		}
		for _, i := range dots {
			fmt.Fprintf(&b, `<circle class="point" cx="%s" cy="%s" r="%s" fill="%s"/>`, num(x.at(float64(i))), num(y.at(s.Points[i].Y)), r, col)
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// yearPart returns the part of a label before its first "-".
func yearPart(label string) string {
	y, _, _ := strings.Cut(label, "-")
	return y
}

func labelIndex(labels []string, l string) int {
	if l == "" {
		return -1
	}
	for i, s := range labels {
		if s == l {
			return i
		}
	}
	for i, s := range labels {
		if strings.HasPrefix(s, l) {
			return i
		}
	}
	return -1
}
