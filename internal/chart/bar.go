package chart

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Bar is one row of a BarChart. Low and High (when HasInterval) draw a
// whisker, e.g. the 95 % confidence interval of a rate.
type Bar struct {
	Label       string
	Value       float64
	Low, High   float64
	HasInterval bool
	Href        string // the row becomes a link when set
	Highlight   bool   // drawn in the accent colour with a bold label
}

// BarChart draws horizontal bars in the order given (sort them first).
type BarChart struct {
	ID          string // optional element id; derived from Title+Desc if empty
	Title, Desc string
	Width       int // viewBox width, default 640; the height follows the number of bars
	Bars        []Bar
	Unit        string // printed under the axis and in each tooltip, e.g. "por 100 mil"
	// ValueFormat formats values, interval bounds and axis ticks; default:
	// es-MX numbers, with 0 decimals for integers, else 2 below 10, 1 below 100.
	ValueFormat func(float64) string
}

// Bar colours: a mid blue of the sequential palette, and the Okabe–Ito
// vermillion for highlighted bars (also bold, so not told by colour alone).
const (
	barColor       = "#2c7fb8"
	highlightColor = "#D55E00"
	whiskerColor   = "#1a1a1a"
)

// SVG renders the chart as a complete <svg> element.
func (c BarChart) SVG() template.HTML {
	w := float64(c.Width)
	if w <= 0 {
		w = 640
	}
	const rowH, barH, top = 26.0, 16.0, 6.0
	id := chartID(c.ID, "bar", c.Title, c.Desc)

	var vals []float64
	lo, hi := 0.0, 0.0
	interactive := false
	for _, br := range c.Bars {
		for _, v := range []float64{br.Value, br.Low, br.High} {
			if !br.HasInterval && v != br.Value {
				continue
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		vals = append(vals, br.Value)
		if br.Href != "" {
			interactive = true
		}
	}
	vf := c.ValueFormat
	if vf == nil {
		vf = autoFormat(vals)
	}
	ticks := NiceTicks(lo, hi, 5)

	// Column widths from the longest label and value text.
	labelW, valueW := 0.0, 0.0
	for _, br := range c.Bars {
		labelW = math.Max(labelW, textWidth(br.Label, 12))
		valueW = math.Max(valueW, textWidth(vf(br.Value), 12))
	}
	labelW = math.Min(math.Max(labelW+14, 60), w*0.4)
	valueW = math.Max(valueW+12, 40)
	maxChars := int((labelW-14)/charW + 1e-9) // no rounding error may cut the longest label

	plotBottom := top + rowH*float64(len(c.Bars))
	h := plotBottom + 24
	if c.Unit != "" {
		h += 16
	}
	x := linear{ticks[0], ticks[len(ticks)-1], labelW, w - valueW}

	var b strings.Builder
	openSVG(&b, id, "chart-bar", w, h, c.Title, c.Desc, interactive)

	// Grid and axis.
	b.WriteString(`<g class="axis axis-x">`)
	d := decimalsFor(ticks)
	for _, t := range ticks {
		tx := x.at(t)
		stroke := gridColor
		if t == 0 {
			stroke = axisColor
		}
		fmt.Fprintf(&b, `<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(tx), num(top), num(tx), num(plotBottom), stroke)
		label := FormatNumber(t, d)
		if c.ValueFormat != nil {
			label = c.ValueFormat(t)
		}
		fmt.Fprintf(&b, `<text class="tick" x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`, num(tx), num(plotBottom+16), mutedColor, esc(label))
	}
	if c.Unit != "" {
		fmt.Fprintf(&b, `<text class="unit" x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`, num(w-valueW), num(plotBottom+32), mutedColor, esc(c.Unit))
	}
	b.WriteString(`</g>`)

	zero := x.at(math.Max(ticks[0], math.Min(0, ticks[len(ticks)-1])))
	for i, br := range c.Bars {
		ry := top + rowH*float64(i)
		cy := ry + rowH/2
		cls, fill := "bar", barColor
		if br.Highlight {
			cls, fill = "bar highlight", highlightColor
		}
		tip := br.Label + ": " + vf(br.Value)
		if c.Unit != "" {
			tip += " " + c.Unit
		}
		if br.HasInterval {
			tip += fmt.Sprintf(" (IC 95 %%: %s–%s)", vf(br.Low), vf(br.High))
		}
		if br.Href != "" {
			fmt.Fprintf(&b, `<a class="bar-link" href="%s" aria-label="%s">`, safeHref(br.Href), esc(tip))
		}
		fmt.Fprintf(&b, `<g class="%s"><title>%s</title>`, cls, esc(tip))
		weight := ""
		if br.Highlight {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(&b, `<text class="label" x="%s" y="%s" dy="0.32em" text-anchor="end"%s>%s</text>`, num(labelW-8), num(cy), weight, esc(truncate(br.Label, maxChars)))
		v := br.Value
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = 0
		}
		x0, x1 := zero, x.at(v)
		if x1 < x0 {
			x0, x1 = x1, x0
		}
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(x0), num(cy-barH/2), num(x1-x0), num(barH), fill)
		end := math.Max(zero, x.at(v))
		if br.HasInterval && !math.IsNaN(br.Low) && !math.IsNaN(br.High) {
			l, r := x.at(br.Low), x.at(br.High)
			if l > r {
				l, r = r, l
			}
			fmt.Fprintf(&b, `<g class="interval" stroke="%s" stroke-width="1.5"><line x1="%s" y1="%s" x2="%s" y2="%s"/><line x1="%s" y1="%s" x2="%s" y2="%s"/><line x1="%s" y1="%s" x2="%s" y2="%s"/></g>`,
				whiskerColor, num(l), num(cy), num(r), num(cy),
				num(l), num(cy-5), num(l), num(cy+5),
				num(r), num(cy-5), num(r), num(cy+5))
			end = math.Max(end, r)
		}
		fmt.Fprintf(&b, `<text class="value" x="%s" y="%s" dy="0.32em"%s>%s</text>`, num(end+6), num(cy), weight, esc(vf(br.Value)))
		b.WriteString(`</g>`)
		if br.Href != "" {
			b.WriteString(`</a>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
