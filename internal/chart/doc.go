// Package chart draws Vigía's charts — line charts (including small
// multiples), horizontal bar charts with 95 % interval whiskers and a
// choropleth map of Mexico's 32 states — as inline SVG, in pure Go.
//
// Why draw SVG in Go instead of shipping a JavaScript charting library:
//
//   - No JavaScript. Every page of the observatory must be readable with
//     scripts off and under a strict Content-Security-Policy (no
//     'unsafe-inline'), so the output has no <script>, no inline style=""
//     attributes and no event handlers: only SVG presentation attributes
//     (fill, stroke, …) and CSS classes a stylesheet may override.
//   - It prints. An inline <svg> is vector output that the browser prints
//     and saves as PDF at any resolution, with no canvas snapshot.
//   - It is accessible. Each chart has a <title> and <desc> referenced by
//     aria-labelledby/aria-describedby, every state, bar and series carries a
//     <title> (a native tooltip), links are real <a href> elements reachable
//     with the keyboard, colours come from colour-blind-safe palettes and
//     "no data" is hatched rather than told by colour alone.
//   - It is deterministic. The same input always gives byte-identical
//     output (fixed float formatting, no map iteration), so the tests
//     compare against golden files in testdata/ (go test -update rewrites
//     them) and a reviewer can read a chart change as a text diff.
//   - It fits the single binary: the only asset, the state outlines of
//     Mexico (npm @svg-maps/mexico 2.0.0, CC BY 4.0, see mexico/README.md),
//     is embedded with go:embed.
//
// Every SVG method returns a complete <svg> element as template.HTML, ready
// to be placed in an html/template page. All text that comes from callers
// (titles, labels, series names, tooltips) is escaped, and hrefs other than
// relative, http(s) and mailto URLs are replaced by "#ZgotmplZ", as
// html/template itself does, because template.HTML bypasses its escaping.
//
// Accessibility note on roles: a chart without links gets role="img". A chart
// whose bars or states are links gets role="group" instead, because the
// children of role="img" are presentational and assistive technology would
// not announce the links inside it; both are labelled by their <title> and
// described by their <desc>.
//
// Downloads. Standalone wraps any chart in a complete SVG document with a
// title, source, release and credit drawn in (Frame), Grid lays small
// multiples out as one SVG, and Rasterize/WritePNG draw such a document as
// a PNG with golang.org/x/image (vector rasteriser, Go fonts), reading back
// the subset of SVG this package writes (see raster.go).
//
// Pages that show a Choropleth must show MapAttribution.
package chart
