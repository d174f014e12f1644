package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// layoutProbe measures what a reader on a phone or a desktop suffers: a
// page wider than the screen, text too small to read, content sticking out
// of its card, a grid whose first row is not level. Text size is the
// computed font size times the scale the SVG is drawn at, so a chart whose
// viewBox is shrunk to fit a phone reports the size actually on screen.
const layoutProbe = `(() => {
  const vw = document.documentElement.clientWidth;
  const out = {vw: vw, sw: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    minText: 1e9, minWhat: "", wide: [], spill: [], misaligned: ""};
  const visible = el => {
    if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.getAttribute("class") ? "." + el.getAttribute("class").trim().split(/\s+/).join(".") : "");
  const note = (px, what) => { if (px < out.minText) { out.minText = px; out.minWhat = what; } };
  for (const t of document.querySelectorAll("svg text")) {
    if (!t.textContent.trim() || !visible(t)) continue;
    const m = t.getScreenCTM();
    const scale = m ? Math.hypot(m.a, m.b) : 1;
    note(parseFloat(getComputedStyle(t).fontSize) * scale, "svg text " + JSON.stringify(t.textContent.trim().slice(0, 30)));
  }
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) {
    const n = w.currentNode, el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest("svg") || !visible(el)) continue;
    note(parseFloat(getComputedStyle(el).fontSize), name(el) + " " + JSON.stringify(n.textContent.trim().slice(0, 30)));
  }
  // Elements reaching past the right edge, outside any box that scrolls.
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return true; } return false; };
  for (const el of document.body.querySelectorAll("*")) {
    if (out.wide.length >= 5) break;
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1 && r.width > 0 && visible(el) && !scrolls(el) && !el.classList.contains("skip")) out.wide.push(name(el) + " " + Math.round(r.left) + "–" + Math.round(r.right));
  }
  for (const c of document.querySelectorAll(".card, .panel")) {
    const cr = c.getBoundingClientRect();
    for (const e of c.querySelectorAll("*")) {
      if (!visible(e) || scrolls(e) && e.closest(".scroll, .table-wrap")) continue;
      const r = e.getBoundingClientRect();
      if ((r.right > cr.right + 1 || r.left < cr.left - 1) && out.spill.length < 5) out.spill.push(name(e) + " in " + name(c));
    }
  }
  const grid = document.querySelector("ol.multiples");
  if (grid) {
    const cols = getComputedStyle(grid).gridTemplateColumns.split(" ").length;
    const items = Array.from(grid.children).slice(0, cols).map(li => Math.round(li.getBoundingClientRect().top));
    if (new Set(items).size > 1) out.misaligned = "first row tops " + items.join(",");
  }
  return out;
})()`

type layoutResult struct {
	VW         float64  `json:"vw"`
	SW         float64  `json:"sw"`
	MinText    float64  `json:"minText"`
	MinWhat    string   `json:"minWhat"`
	Wide       []string `json:"wide"`
	Spill      []string `json:"spill"`
	Misaligned string   `json:"misaligned"`
}

// minTextPx is the smallest text a reader should be asked to read.
const minTextPx = 10

// TestBrowserLayout opens every public page, in both languages, at a
// phone's width (375 px) and a desktop's (1280 px), and checks that none
// scrolls sideways, no text is smaller than 10 px as rendered, nothing
// spills out of its card and the grid of states is level. Screenshots are
// kept as test artifacts (go test -artifacts).
func TestBrowserLayout(t *testing.T) {
	exe := chromium(t)
	base := startServer(t)
	ctx, cancel := newBrowser(t, exe)
	defer cancel()
	out := t.ArtifactDir()
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"states", "/estados"},
		{"state-roo", "/estados/mx-roo"},
		{"state-mex", "/estados/mx-mex"},
		{"analysis", "/analisis"},
		{"analysis-jun22", "/analisis?from=2022-01&to=2022-06&states=02,08,19&vintage=jun22"},
		{"analysis-partial", "/analisis?from=2025-04&to=2026-03"},
		{"analysis-error", "/analisis?from=2022-13&to=2022-06"},
		{"data", "/datos"},
		{"method", "/metodologia"},
		{"check", "/oferta"},
		{"report", "/reportar"},
		{"follow", "/seguimiento"},
		{"hotline-stats", "/linea"},
		{"notfound", "/no-existe"},
		{"compare", "/comparar"},
		{"compare-six-counts", "/comparar?e=mx-cmx&e=mx-bcs&e=mx-slp&e=mx-roo&e=mx-chh&e=mx-yuc&modo=conteos"},
		{"embed-map", "/embed/mapa"},
		{"embed-trend", "/embed/tendencia?estado=mx-jal"},
		{"embed-ranking", "/embed/comparar-ranking?e=mx-jal&e=mx-cmx&e=mx-roo"},
		{"embed-analysis", "/embed/analisis"},
		{"embed-states", "/embed/estados"},
	}
	for _, p := range pages {
		for _, lang := range []string{"es", "en"} {
			for _, width := range []int64{375, 1280} {
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				url := base + p.path + sep + "lang=" + lang
				r, shot := measure(t, ctx, url, width, true)
				file := filepath.Join(out, fmt.Sprintf("%s-%s-%d.png", p.name, lang, width))
				if err := os.WriteFile(file, shot, 0o644); err != nil {
					t.Fatal(err)
				}
				checkLayout(t, fmt.Sprintf("%s (%s, %d px)", p.path, lang, width), r)
			}
		}
	}
	// Every state page at a phone's width, without screenshots.
	for _, st := range sesnsp.States {
		for _, lang := range []string{"es", "en"} {
			r, _ := measure(t, ctx, base+"/estados/"+strings.ToLower(st.ISO)+"?lang="+lang, 375, false)
			checkLayout(t, fmt.Sprintf("/estados/%s (%s, 375 px)", strings.ToLower(st.ISO), lang), r)
		}
	}
	t.Logf("screenshots in %s", out)
}

func checkLayout(t *testing.T, what string, r layoutResult) {
	t.Helper()
	if r.SW > r.VW {
		t.Errorf("%s: the page is %.0f px wide in a %.0f px viewport; too wide: %q", what, r.SW, r.VW, r.Wide)
	}
	if r.MinText < minTextPx {
		t.Errorf("%s: smallest text is %.1f px (%s), want ≥ %d", what, r.MinText, r.MinWhat, minTextPx)
	}
	if len(r.Spill) > 0 {
		t.Errorf("%s: content sticks out of its card: %q", what, r.Spill)
	}
	if r.Misaligned != "" {
		t.Errorf("%s: grid not level: %s", what, r.Misaligned)
	}
}

// measure loads url at width and runs the probe; with shot, it also takes
// a full-page screenshot.
func measure(t *testing.T, ctx context.Context, url string, width int64, shot bool) (layoutResult, []byte) {
	t.Helper()
	var r layoutResult
	var buf []byte
	acts := []chromedp.Action{
		chromedp.EmulateViewport(width, 900),
		chromedp.Navigate(url),
		chromedp.WaitReady(`body`, chromedp.ByQuery),
		chromedp.Evaluate(layoutProbe, &r),
	}
	if shot {
		acts = append(acts, chromedp.FullScreenshot(&buf, 100))
	}
	if err := chromedp.Run(ctx, acts...); err != nil {
		t.Fatalf("%s at %d px: %v", url, width, err)
	}
	return r, buf
}

// newBrowser starts Debian's Chromium for one test.
func newBrowser(t *testing.T, exe string) (context.Context, context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(userDataDir(t)),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	return ctx, func() { cancelT(); cancelC(); cancelA() }
}
