package chart

import (
	"fmt"
	"hash/fnv"
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Shared drawing constants. They are presentation attributes, so a page's
// stylesheet can override any of them through the CSS classes.
const (
	fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
	textColor  = "#222222"
	mutedColor = "#595959" // 7:1 on white
	gridColor  = "#e3e3e3"
	axisColor  = "#8c8c8c"
	// charW is the estimated advance of one character at font-size 12,
	// used to size label columns (SVG text cannot be measured server-side).
	charW = 6.6
)

// SeriesColors is the default categorical palette for line series, in
// order (Okabe–Ito, distinguishable with the common colour-vision
// deficiencies); a series' Class lets a stylesheet override it.
var SeriesColors = [...]string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}

// num formats a coordinate with at most one decimal, without a trailing
// ".0" and never as "-0": stable, compact output.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "0"
	}
	s := strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

// esc escapes text for element content and attribute values, dropping
// characters that XML 1.0 does not allow (so the output always parses).
func esc(s string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return -1
		case r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
	return html.EscapeString(clean)
}

// safeHref returns an escaped href, or "#ZgotmplZ" (as html/template does)
// for URLs whose scheme is not http, https or mailto.
func safeHref(u string) string {
	u = strings.TrimSpace(u)
	if i := strings.IndexAny(u, ":/?#"); i >= 0 && u[i] == ':' {
		switch strings.ToLower(u[:i]) {
		case "http", "https", "mailto":
		default:
			return "#ZgotmplZ"
		}
	}
	return esc(u)
}

// cssIdent reduces s to characters safe in a class name or id.
func cssIdent(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '/':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// chartID returns id sanitised, or a deterministic id derived from the
// chart kind, title and description. Pages that show two charts with the
// same title and description should set ID explicitly.
func chartID(id, kind, title, desc string) string {
	if id = cssIdent(id); id != "" {
		return id
	}
	h := fnv.New32a()
	h.Write([]byte(kind + "\x00" + title + "\x00" + desc))
	return fmt.Sprintf("vg-%s-%08x", kind, h.Sum32())
}

// ID returns the id a chart of this kind ("line", "bar", "map"), title and
// description gets when its ID is not set, so that a page drawing the same
// chart twice can give the second a distinct one.
func ID(kind, title, desc string) string { return chartID("", kind, title, desc) }

// openSVG writes the <svg> start tag with <title> and <desc>.
func openSVG(b *strings.Builder, id, class string, w, h float64, title, desc string, interactive bool) {
	role := "img"
	if interactive {
		role = "group"
	}
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart %s" viewBox="0 0 %s %s" width="100%%" preserveAspectRatio="xMidYMid meet" role="%s" aria-labelledby="%s-title" aria-describedby="%s-desc" font-family="%s" font-size="12" fill="%s">`,
		id, class, num(w), num(h), role, id, id, esc(fontFamily), textColor)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(title), id, esc(desc))
}

// textWidth estimates the rendered width of s at the given font size.
func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * charW * size / 12
}

// truncate shortens s to at most max runes, ending in "…".
func truncate(s string, max int) string {
	if max < 2 || utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// FormatNumber formats v with the given number of decimals in the es-MX
// convention used across Vigía: comma thousands separator and point decimal
// separator ("12,345.6"). Negative zero prints as "0".
func FormatNumber(v float64, decimals int) string {
	if math.IsNaN(v) {
		return "n.d."
	}
	if math.IsInf(v, 0) {
		if v > 0 {
			return "∞"
		}
		return "-∞"
	}
	if decimals < 0 {
		decimals = 0
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg && strings.Trim(out, "0.,") != "" {
		out = "-" + out
	}
	return out
}

// decimalsFor returns the fewest decimals (0–6) that print every value in
// vs exactly, so the labels of one axis share a format.
func decimalsFor(vs []float64) int {
	for d := 0; d < 6; d++ {
		p := math.Pow(10, float64(d))
		ok := true
		for _, v := range vs {
			x := v * p
			if math.Abs(x-math.Round(x)) > 1e-6*math.Max(1, math.Abs(x)) {
				ok = false
				break
			}
		}
		if ok {
			return d
		}
	}
	return 6
}

// autoFormat returns a formatter for data values (not ticks): integers
// print without decimals; otherwise 2 decimals below 10, 1 below 100, else 0,
// decided by the largest magnitude so a column of values aligns.
func autoFormat(vs []float64) func(float64) string {
	maxAbs := 0.0
	allInt := true
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		maxAbs = math.Max(maxAbs, math.Abs(v))
		if v != math.Trunc(v) {
			allInt = false
		}
	}
	d := 0
	switch {
	case allInt:
		d = 0
	case maxAbs < 10:
		d = 2
	case maxAbs < 100:
		d = 1
	}
	return func(v float64) string { return FormatNumber(v, d) }
}
