package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Raster output: why this package rasterises its own SVG.
//
// The PNG downloads are drawn from the very SVG the page shows, so the two
// can never disagree. General SVG renderers in pure Go either skip <text>
// (oksvg) or pull in a large dependency tree (canvas), while this package
// writes a small, known subset of SVG: <svg> (nested, with viewBox), <g>,
// <a>, <path> (M, L, H, V, C, Q, Z, absolute and relative), <rect>,
// <line>, <circle>, <text>, presentation attributes (fill, stroke,
// stroke-width, stroke-dasharray, fill-opacity, font-size, font-weight,
// text-anchor, dy in em) and the hatched "no data" <pattern>. Rasterize
// reads that subset with encoding/xml, fills and strokes it with the
// anti-aliasing rasteriser of golang.org/x/image/vector and draws text
// with the Go fonts (golang.org/x/image/font/gofont, BSD licence, embedded
// in the binary), so text is real, measured, kerned glyphs. Anything
// outside the subset is ignored rather than guessed.

// ErrNotSVG is returned by Rasterize for input whose root is not <svg>.
var ErrNotSVG = errors.New("chart: not an SVG document")

// MinPNGWidth is the narrowest PNG that WritePNG draws.
const MinPNGWidth = 1200

var (
	fontOnce      sync.Once
	fontRegular   *opentype.Font
	fontBold      *opentype.Font
	faceMu        sync.Mutex
	faceCache     = map[faceKey]font.Face{}
	errFontsParse error
)

type faceKey struct {
	bold bool
	size int // in 1/8 px
}

func loadFonts() error {
	fontOnce.Do(func() {
		var err1, err2 error
		fontRegular, err1 = opentype.Parse(goregular.TTF)
		fontBold, err2 = opentype.Parse(gobold.TTF)
		errFontsParse = errors.Join(err1, err2)
	})
	return errFontsParse
}

// face returns a cached face of the Go font at size px. Faces are not safe
// for concurrent use, so callers hold faceMu while they draw or measure.
func face(bold bool, px float64) font.Face {
	k := faceKey{bold, int(math.Round(px * 8))}
	if f, ok := faceCache[k]; ok {
		return f
	}
	fnt := fontRegular
	if bold {
		fnt = fontBold
	}
	f, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: float64(k.size) / 8, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil
	}
	if len(faceCache) > 256 {
		faceCache = map[faceKey]font.Face{}
	}
	faceCache[k] = f
	return f
}

// MeasureText returns the advance width of s in the Go font at size px (the
// font the PNG downloads are drawn with).
func MeasureText(s string, px float64, bold bool) float64 {
	if loadFonts() != nil {
		return textWidth(s, px)
	}
	faceMu.Lock()
	defer faceMu.Unlock()
	f := face(bold, px)
	if f == nil {
		return textWidth(s, px)
	}
	return float64(font.MeasureString(f, s)) / 64
}

// affine is a uniform scale followed by a translation: what nested <svg>
// viewBoxes need, and all this package emits.
type affine struct{ s, tx, ty float64 }

func (a affine) pt(x, y float64) (float64, float64) { return a.tx + a.s*x, a.ty + a.s*y }

// rstyle is the inherited presentation state.
type rstyle struct {
	fill, stroke  paint
	strokeWidth   float64
	fillOpacity   float64
	strokeOpacity float64
	fontSize      float64
	bold          bool
	anchor        string
	dash          []float64
	hasFill, hasS bool
}

type paint struct {
	none    bool
	c       color.NRGBA
	pattern string
}

type hatchDef struct {
	bg, line color.NRGBA
	period   float64
	width    float64
}

type rasterizer struct {
	img      *image.RGBA
	r        *vector.Rasterizer
	patterns map[string]hatchDef
}

// Rasterize draws an SVG document written by this package (or by
// Standalone) into an image width pixels wide; the height follows the root
// viewBox.
func Rasterize(svg []byte, width int) (*image.RGBA, error) {
	if err := loadFonts(); err != nil {
		return nil, err
	}
	if width < 1 || width > 8000 {
		return nil, fmt.Errorf("chart: width %d out of range", width)
	}
	rz := &rasterizer{r: vector.NewRasterizer(0, 0), patterns: map[string]hatchDef{}}
	// A first, cheap pass collects the patterns, which the map defines
	// before it uses them but a page could define anywhere.
	rz.collectPatterns(svg)
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	root := true
	type frame struct {
		st rstyle
		tr affine
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("chart: parsing SVG: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			attr := attrMap(t.Attr)
			if root {
				if t.Name.Local != "svg" {
					return nil, ErrNotSVG
				}
				vb := parseViewBox(attr["viewBox"])
				if vb[2] <= 0 || vb[3] <= 0 {
					return nil, fmt.Errorf("chart: SVG without a usable viewBox")
				}
				s := float64(width) / vb[2]
				h := int(math.Ceil(vb[3] * s))
				rz.img = image.NewRGBA(image.Rect(0, 0, width, h))
				draw.Draw(rz.img, rz.img.Bounds(), image.White, image.Point{}, draw.Src)
				st := rstyle{fill: paint{c: color.NRGBA{0, 0, 0, 255}}, stroke: paint{none: true}, strokeWidth: 1, fillOpacity: 1, strokeOpacity: 1, fontSize: 16, anchor: "start"}
				st = applyStyle(st, attr)
				stack = append(stack, frame{st, affine{s, -vb[0] * s, -vb[1] * s}})
				root = false
				continue
			}
			top := stack[len(stack)-1]
			st := applyStyle(top.st, attr)
			tr := top.tr
			switch t.Name.Local {
			case "title", "desc", "defs", "pattern", "style", "script", "metadata":
				if err := dec.Skip(); err != nil {
					return nil, err
				}
				continue
			case "svg":
				vb := parseViewBox(attr["viewBox"])
				x, y := attrF(attr, "x"), attrF(attr, "y")
				w, h := attrF(attr, "width"), attrF(attr, "height")
				if vb[2] > 0 && vb[3] > 0 && w > 0 {
					s := w / vb[2]
					if h > 0 {
						s = math.Min(s, h/vb[3])
					}
					ox, oy := tr.pt(x, y)
					tr = affine{tr.s * s, ox - vb[0]*tr.s*s, oy - vb[1]*tr.s*s}
				}
			case "path":
				rz.shape(parsePath(attr["d"]), true, st, tr)
			case "rect":
				x, y, w, h := attrF(attr, "x"), attrF(attr, "y"), attrF(attr, "width"), attrF(attr, "height")
				if w > 0 && h > 0 {
					rz.shape([][]pt{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}}, true, st, tr)
				}
			case "line":
				p := []pt{{attrF(attr, "x1"), attrF(attr, "y1")}, {attrF(attr, "x2"), attrF(attr, "y2")}}
				st.fill = paint{none: true}
				rz.shape([][]pt{p}, false, st, tr)
			case "circle":
				rz.shape([][]pt{circlePts(attrF(attr, "cx"), attrF(attr, "cy"), attrF(attr, "r"), 24)}, true, st, tr)
			case "text":
				var txt strings.Builder
				depth := 1
				for depth > 0 {
					tk, err := dec.Token()
					if err != nil {
						return nil, fmt.Errorf("chart: parsing SVG text: %w", err)
					}
					switch v := tk.(type) {
					case xml.CharData:
						txt.Write(v)
					case xml.StartElement:
						depth++
					case xml.EndElement:
						depth--
					}
				}
				rz.text(strings.TrimSpace(txt.String()), attr, st, tr)
				continue
			}
			stack = append(stack, frame{st, tr})
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if rz.img == nil {
		return nil, ErrNotSVG
	}
	return rz.img, nil
}

// WritePNG rasterises svg at width pixels (at least MinPNGWidth) and writes
// it as PNG.
func WritePNG(w io.Writer, svg []byte, width int) error {
	width = max(width, MinPNGWidth)
	img, err := Rasterize(svg, width)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(w, img)
}

func attrMap(as []xml.Attr) map[string]string {
	m := make(map[string]string, len(as))
	for _, a := range as {
		m[a.Name.Local] = a.Value
	}
	return m
}

func attrF(m map[string]string, k string) float64 {
	v, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(m[k], "px")), 64)
	return v
}

func parseViewBox(s string) [4]float64 {
	var vb [4]float64
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	if len(f) != 4 {
		return vb
	}
	for i := range vb {
		vb[i], _ = strconv.ParseFloat(f[i], 64)
	}
	return vb
}

func applyStyle(st rstyle, a map[string]string) rstyle {
	if v, ok := a["fill"]; ok {
		st.fill = parsePaint(v, st.fill)
	}
	if v, ok := a["stroke"]; ok {
		st.stroke = parsePaint(v, st.stroke)
	}
	if v, ok := a["stroke-width"]; ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			st.strokeWidth = f
		}
	}
	if v, ok := a["fill-opacity"]; ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			st.fillOpacity = f
		}
	}
	if v, ok := a["stroke-opacity"]; ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			st.strokeOpacity = f
		}
	}
	if v, ok := a["font-size"]; ok {
		if f, err := strconv.ParseFloat(strings.TrimSuffix(v, "px"), 64); err == nil {
			st.fontSize = f
		}
	}
	if v, ok := a["font-weight"]; ok {
		st.bold = v == "bold" || v == "700" || v == "600" || v == "800"
	}
	if v, ok := a["text-anchor"]; ok {
		st.anchor = v
	}
	if v, ok := a["stroke-dasharray"]; ok {
		st.dash = nil
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' }) {
			if x, err := strconv.ParseFloat(f, 64); err == nil && x > 0 {
				st.dash = append(st.dash, x)
			}
		}
	}
	return st
}

var namedColors = map[string]color.NRGBA{
	"white": {255, 255, 255, 255}, "black": {0, 0, 0, 255}, "red": {255, 0, 0, 255},
	"gray": {128, 128, 128, 255}, "grey": {128, 128, 128, 255},
}

func parsePaint(v string, inherit paint) paint {
	v = strings.TrimSpace(v)
	switch {
	case v == "none" || v == "transparent":
		return paint{none: true}
	case strings.HasPrefix(v, "url(#"):
		return paint{pattern: strings.TrimSuffix(strings.TrimPrefix(v, "url(#"), ")")}
	case strings.HasPrefix(v, "#"):
		if c, ok := parseHex(v); ok {
			return paint{c: c}
		}
	default:
		if c, ok := namedColors[strings.ToLower(v)]; ok {
			return paint{c: c}
		}
	}
	return inherit
}

func parseHex(s string) (color.NRGBA, bool) {
	s = strings.TrimPrefix(s, "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return color.NRGBA{}, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return color.NRGBA{}, false
	}
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}, true
}

// collectPatterns finds <pattern id> elements and reads them as hatches:
// the fill of their <rect> is the background, the stroke of their <line>
// the hatching, every width units, at 45°.
func (rz *rasterizer) collectPatterns(svg []byte) {
	if !bytes.Contains(svg, []byte("<pattern")) {
		return
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var cur string
	var h hatchDef
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			a := attrMap(t.Attr)
			switch t.Name.Local {
			case "pattern":
				cur = a["id"]
				h = hatchDef{bg: color.NRGBA{240, 240, 240, 255}, line: color.NRGBA{150, 150, 150, 255}, period: attrF(a, "width"), width: 1}
			case "rect":
				if cur != "" {
					h.bg = parsePaint(a["fill"], paint{c: h.bg}).c
				}
			case "line":
				if cur != "" {
					h.line = parsePaint(a["stroke"], paint{c: h.line}).c
					if w := attrF(a, "stroke-width"); w > 0 {
						h.width = w
					}
				}
			}
		case xml.EndElement:
			if t.Name.Local == "pattern" && cur != "" {
				if h.period <= 0 {
					h.period = 6
				}
				rz.patterns[cur] = h
				cur = ""
			}
		}
	}
}

// hatch is an infinite image of diagonal lines in device pixels.
type hatch struct {
	bg, line color.NRGBA
	period   float64 // distance between lines, px
	width    float64 // line width, px
}

func (h hatch) ColorModel() color.Model { return color.NRGBAModel }
func (h hatch) Bounds() image.Rectangle {
	return image.Rect(-1<<20, -1<<20, 1<<20, 1<<20)
}
func (h hatch) At(x, y int) color.Color {
	// Distance along the normal of the lines x + y = const.
	d := math.Mod(float64(x+y)/math.Sqrt2, h.period)
	if d < 0 {
		d += h.period
	}
	if d < h.width {
		return h.line
	}
	return h.bg
}

type pt struct{ x, y float64 }

// parsePath reads path data into subpaths of points, flattening curves.
func parsePath(d string) [][]pt {
	var out [][]pt
	var cur []pt
	var cx, cy, sx, sy float64
	nums := func(s string) []float64 {
		var f []float64
		i := 0
		for i < len(s) {
			for i < len(s) && (s[i] == ' ' || s[i] == ',' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
				i++
			}
			if i >= len(s) {
				break
			}
			j := i
			if s[j] == '-' || s[j] == '+' {
				j++
			}
			dot := false
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || (s[j] == '.' && !dot) || s[j] == 'e' || s[j] == 'E' || ((s[j] == '-' || s[j] == '+') && (s[j-1] == 'e' || s[j-1] == 'E'))) {
				if s[j] == '.' {
					dot = true
				}
				j++
			}
			if j == i {
				break
			}
			v, err := strconv.ParseFloat(s[i:j], 64)
			if err != nil {
				break
			}
			f = append(f, v)
			i = j
		}
		return f
	}
	flush := func() {
		if len(cur) > 1 {
			out = append(out, cur)
		}
		cur = nil
	}
	i := 0
	for i < len(d) {
		c := d[i]
		if !strings.ContainsRune("MmLlHhVvCcQqZz", rune(c)) {
			i++
			continue
		}
		j := i + 1
		for j < len(d) && !strings.ContainsRune("MmLlHhVvCcSsQqTtAaZz", rune(d[j])) {
			j++
		}
		args := nums(d[i+1 : j])
		rel := c >= 'a'
		switch c | 0x20 {
		case 'm':
			for k := 0; k+1 < len(args); k += 2 {
				x, y := args[k], args[k+1]
				if rel {
					x, y = cx+x, cy+y
				}
				if k == 0 {
					flush()
					sx, sy = x, y
				}
				cx, cy = x, y
				cur = append(cur, pt{x, y})
			}
		case 'l':
			for k := 0; k+1 < len(args); k += 2 {
				x, y := args[k], args[k+1]
				if rel {
					x, y = cx+x, cy+y
				}
				cx, cy = x, y
				cur = append(cur, pt{x, y})
			}
		case 'h':
			for _, x := range args {
				if rel {
					x += cx
				}
				cx = x
				cur = append(cur, pt{cx, cy})
			}
		case 'v':
			for _, y := range args {
				if rel {
					y += cy
				}
				cy = y
				cur = append(cur, pt{cx, cy})
			}
		case 'c':
			for k := 0; k+5 < len(args); k += 6 {
				a := args[k : k+6]
				x1, y1, x2, y2, x, y := a[0], a[1], a[2], a[3], a[4], a[5]
				if rel {
					x1, y1, x2, y2, x, y = cx+x1, cy+y1, cx+x2, cy+y2, cx+x, cy+y
				}
				for n := 1; n <= 8; n++ {
					t := float64(n) / 8
					u := 1 - t
					cur = append(cur, pt{u*u*u*cx + 3*u*u*t*x1 + 3*u*t*t*x2 + t*t*t*x, u*u*u*cy + 3*u*u*t*y1 + 3*u*t*t*y2 + t*t*t*y})
				}
				cx, cy = x, y
			}
		case 'q':
			for k := 0; k+3 < len(args); k += 4 {
				a := args[k : k+4]
				x1, y1, x, y := a[0], a[1], a[2], a[3]
				if rel {
					x1, y1, x, y = cx+x1, cy+y1, cx+x, cy+y
				}
				for n := 1; n <= 8; n++ {
					t := float64(n) / 8
					u := 1 - t
					cur = append(cur, pt{u*u*cx + 2*u*t*x1 + t*t*x, u*u*cy + 2*u*t*y1 + t*t*y})
				}
				cx, cy = x, y
			}
		case 'z':
			if len(cur) > 0 {
				cur = append(cur, pt{sx, sy})
			}
			flush()
			cx, cy = sx, sy
			cur = append(cur, pt{sx, sy})
		}
		i = j
	}
	flush()
	return out
}

func circlePts(cx, cy, r float64, n int) []pt {
	p := make([]pt, 0, n+1)
	for i := 0; i <= n; i++ {
		// Clockwise (on screen), as the stroke quads are.
		a := -2 * math.Pi * float64(i) / float64(n)
		p = append(p, pt{cx + r*math.Cos(a), cy + r*math.Sin(a)})
	}
	return p
}

// fillPolys fills device-space polygons with src, rasterising only their
// bounding box (a rasteriser the size of the image would be cleared once
// per shape).
func (rz *rasterizer) fillPolys(polys [][]pt, src image.Image) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range polys {
		for _, q := range p {
			minX, minY = math.Min(minX, q.x), math.Min(minY, q.y)
			maxX, maxY = math.Max(maxX, q.x), math.Max(maxY, q.y)
		}
	}
	b := rz.img.Bounds()
	x0, y0 := max(int(math.Floor(minX)), b.Min.X), max(int(math.Floor(minY)), b.Min.Y)
	x1, y1 := min(int(math.Ceil(maxX))+1, b.Max.X), min(int(math.Ceil(maxY))+1, b.Max.Y)
	if x1 <= x0 || y1 <= y0 {
		return
	}
	// Points outside the clipped box are clamped by the rasteriser's own
	// bounds handling; shift so the box starts at 0,0.
	ox, oy := float32(x0), float32(y0)
	rz.r.Reset(x1-x0, y1-y0)
	for _, p := range polys {
		if len(p) < 3 {
			continue
		}
		rz.r.MoveTo(float32(p[0].x)-ox, float32(p[0].y)-oy)
		for _, q := range p[1:] {
			rz.r.LineTo(float32(q.x)-ox, float32(q.y)-oy)
		}
		rz.r.ClosePath()
	}
	rz.r.Draw(rz.img, image.Rect(x0, y0, x1, y1), src, image.Pt(x0, y0))
}

func (rz *rasterizer) shape(sub [][]pt, closedFill bool, st rstyle, tr affine) {
	if len(sub) == 0 {
		return
	}
	dev := make([][]pt, len(sub))
	for i, p := range sub {
		d := make([]pt, len(p))
		for j, q := range p {
			d[j].x, d[j].y = tr.pt(q.x, q.y)
		}
		dev[i] = d
	}
	if closedFill && !st.fill.none {
		var src image.Image
		if st.fill.pattern != "" {
			h, ok := rz.patterns[st.fill.pattern]
			if !ok {
				h = hatchDef{bg: color.NRGBA{240, 240, 240, 255}, line: color.NRGBA{150, 150, 150, 255}, period: 6, width: 1.5}
			}
			src = hatch{bg: h.bg, line: h.line, period: math.Max(h.period*tr.s, 3), width: math.Max(h.width*tr.s, 1)}
		} else {
			c := st.fill.c
			c.A = uint8(math.Round(float64(c.A) * math.Max(0, math.Min(1, st.fillOpacity))))
			src = image.NewUniform(c)
		}
		rz.fillPolys(dev, src)
	}
	if !st.stroke.none && st.strokeWidth > 0 {
		w := math.Max(st.strokeWidth*tr.s, 0.75)
		var quads [][]pt
		for _, p := range dev {
			if len(st.dash) > 0 {
				for _, seg := range dashes(p, scaleAll(st.dash, tr.s)) {
					quads = append(quads, strokePolys(seg, w)...)
				}
			} else {
				quads = append(quads, strokePolys(p, w)...)
			}
		}
		c := st.stroke.c
		c.A = uint8(math.Round(float64(c.A) * math.Max(0, math.Min(1, st.strokeOpacity))))
		rz.fillPolys(quads, image.NewUniform(c))
	}
}

func scaleAll(xs []float64, s float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x * s
	}
	return out
}

// strokePolys turns a polyline into quads (one per segment) plus round
// joins where the stroke is wide enough for them to show, all wound the
// same way so that overlaps do not cancel.
func strokePolys(p []pt, w float64) [][]pt {
	h := w / 2
	var out [][]pt
	for i := 0; i+1 < len(p); i++ {
		a, b := p[i], p[i+1]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*h, dx/l*h
		out = append(out, []pt{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}})
	}
	if w >= 1.75 {
		for _, q := range p {
			out = append(out, circlePts(q.x, q.y, h, 10))
		}
	}
	return out
}

// dashes cuts a polyline into dashes of the given on/off lengths.
func dashes(p []pt, pattern []float64) [][]pt {
	if len(pattern)%2 == 1 {
		pattern = append(pattern, pattern...)
	}
	var out [][]pt
	idx, left, on := 0, pattern[0], true
	var cur []pt
	if on {
		cur = []pt{p[0]}
	}
	for i := 0; i+1 < len(p); i++ {
		a, b := p[i], p[i+1]
		segLen := math.Hypot(b.x-a.x, b.y-a.y)
		pos := 0.0
		for segLen-pos > left {
			pos += left
			t := pos / segLen
			q := pt{a.x + t*(b.x-a.x), a.y + t*(b.y-a.y)}
			if on {
				out = append(out, append(cur, q))
				cur = nil
			} else {
				cur = []pt{q}
			}
			on = !on
			idx = (idx + 1) % len(pattern)
			left = pattern[idx]
		}
		left -= segLen - pos
		if on {
			cur = append(cur, b)
		}
	}
	if on && len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

func (rz *rasterizer) text(s string, attr map[string]string, st rstyle, tr affine) {
	if s == "" || st.fill.none {
		return
	}
	s = xmlUnescapeSpaces(s)
	x, y := attrF(attr, "x"), attrF(attr, "y")
	if dy := strings.TrimSpace(attr["dy"]); dy != "" {
		if v, ok := strings.CutSuffix(dy, "em"); ok {
			f, _ := strconv.ParseFloat(v, 64)
			y += f * st.fontSize
		} else {
			f, _ := strconv.ParseFloat(dy, 64)
			y += f
		}
	}
	dx, dy := tr.pt(x, y)
	px := st.fontSize * tr.s
	faceMu.Lock()
	defer faceMu.Unlock()
	f := face(st.bold, px)
	if f == nil {
		return
	}
	adv := float64(font.MeasureString(f, s)) / 64
	switch st.anchor {
	case "middle":
		dx -= adv / 2
	case "end":
		dx -= adv
	}
	c := st.fill.c
	if st.fill.pattern != "" {
		c = color.NRGBA{34, 34, 34, 255}
	}
	d := font.Drawer{Dst: rz.img, Src: image.NewUniform(c), Face: f, Dot: fixed.Point26_6{X: fixed.Int26_6(dx * 64), Y: fixed.Int26_6(dy * 64)}}
	d.DrawString(s)
}

// xmlUnescapeSpaces collapses runs of white space, as SVG does by default.
func xmlUnescapeSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }
