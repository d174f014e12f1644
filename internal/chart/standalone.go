package chart

import (
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"
)

// Frame is what a downloaded chart carries besides the chart itself, so
// that an image copied out of context still says what it shows, where the
// data come from and which release they are.
type Frame struct {
	Title    string // drawn bold at the top, wrapped to the width
	Subtitle string // optional, under the title (a period, a unit)
	Source   string // "Fuente: SESNSP …"
	Release  string // "Corte: marzo 2026 (mar2026)"
	Credit   string // optional last line: site, licence, map attribution
}

// StandaloneWidth is the viewBox width of a Standalone document.
const StandaloneWidth = 800.0

const (
	frameMargin   = 24.0
	titleSize     = 22.0
	subtitleSize  = 15.0
	footSize      = 13.0
	standaloneFam = "'Go', 'Go Sans', system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
)

var (
	reViewBox = regexp.MustCompile(`viewBox="0 0 ([0-9.]+) ([0-9.]+)"`)
	reWidth   = regexp.MustCompile(` width="100%"`)
)

// Standalone wraps a chart's <svg> (as returned by the SVG methods of this
// package) in a complete SVG document StandaloneWidth units wide: the
// frame's title and subtitle above, the chart in a nested <svg>, and the
// source, release and credit below. Its text is laid out with the metrics
// of the Go fonts, which the PNG (Rasterize) is drawn with; browsers that
// lack them fall back to a system font with a margin to spare.
func Standalone(chartSVG template.HTML, f Frame) []byte {
	inner := string(chartSVG)
	iw, ih := 720.0, 360.0
	if m := reViewBox.FindStringSubmatch(inner); m != nil {
		iw, _ = strconv.ParseFloat(m[1], 64)
		ih, _ = strconv.ParseFloat(m[2], 64)
	}
	avail := StandaloneWidth - 2*frameMargin
	var b strings.Builder
	y := frameMargin
	var body strings.Builder
	for i, line := range Wrap(f.Title, titleSize, true, avail) {
		if i == 0 {
			y += titleSize
		} else {
			y += titleSize * 1.25
		}
		fmt.Fprintf(&body, `<text class="frame-title" x="%s" y="%s" font-size="%s" font-weight="bold" fill="%s">%s</text>`, num(frameMargin), num(y), num(titleSize), textColor, esc(line))
	}
	if f.Subtitle != "" {
		for _, line := range Wrap(f.Subtitle, subtitleSize, false, avail) {
			y += subtitleSize * 1.4
			fmt.Fprintf(&body, `<text class="frame-subtitle" x="%s" y="%s" font-size="%s" fill="%s">%s</text>`, num(frameMargin), num(y), num(subtitleSize), mutedColor, esc(line))
		}
	}
	y += 14
	cw := avail
	ch := cw * ih / iw
	// The chart keeps its own viewBox and is placed by x/y/width/height.
	idx := strings.Index(inner, ">") + 1
	body.WriteString(reWidth.ReplaceAllLiteralString(inner[:idx],
		fmt.Sprintf(` x="%s" y="%s" width="%s" height="%s"`, num(frameMargin), num(y), num(cw), num(ch))))
	body.WriteString(inner[idx:])
	y += ch + 10
	fmt.Fprintf(&body, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(frameMargin), num(y), num(StandaloneWidth-frameMargin), num(y), gridColor)
	y += 4
	for _, s := range []string{f.Source, f.Release, f.Credit} {
		if s == "" {
			continue
		}
		for _, line := range Wrap(s, footSize, false, avail) {
			y += footSize * 1.4
			fmt.Fprintf(&body, `<text class="frame-foot" x="%s" y="%s" font-size="%s" fill="%s">%s</text>`, num(frameMargin), num(y), num(footSize), mutedColor, esc(line))
		}
	}
	y += frameMargin
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" font-family="%s" role="img" aria-label="%s">`,
		num(StandaloneWidth), num(y), num(StandaloneWidth), num(y), esc(standaloneFam), esc(f.Title))
	fmt.Fprintf(&b, `<title>%s</title><rect width="100%%" height="100%%" fill="#ffffff"/>`, esc(f.Title))
	b.WriteString(body.String())
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// Wrap breaks s into lines no wider than width at size px in the Go font,
// with a tenth to spare for fonts a little wider; a word longer than a
// line stands alone on its line.
func Wrap(s string, size float64, bold bool, width float64) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil
	}
	limit := width * 0.9
	var lines []string
	cur := words[0]
	for _, w := range words[1:] {
		if MeasureText(cur+" "+w, size, bold) > limit {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur += " " + w
	}
	return append(lines, cur)
}
