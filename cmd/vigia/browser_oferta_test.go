package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserOferta pastes texts into /oferta with JavaScript disabled, as a
// young person deciding whether to answer an offer would, on a phone and on
// a wide screen: an ordinary posting, a fraud-style offer (SYNTHETIC,
// written for this test), a middling one and a greeting. The verdict must
// be on the first phone screen, the page must not scroll sideways, and no
// rule id or percentage may show. The fraud offer is then carried to
// /reportar.
func TestBrowserOferta(t *testing.T) {
	exe := chromium(t)
	base := startServer(t)
	ctx, cancel := newBrowser(t, exe)
	defer cancel()
	problems := watchProblems(ctx, true)
	out := t.ArtifactDir()
	shot := func(name string, width int64) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var buf []byte
			if err := chromedp.EmulateViewport(width, 900).Do(ctx); err != nil {
				return err
			}
			if err := chromedp.FullScreenshot(&buf, 100).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(out, fmt.Sprintf("oferta-%s-%d.png", name, width)), buf, 0o644)
		})
	}
	// SYNTHETIC: written for this test in the style of deceptive offers; the
	// number is not a real line.
	const fraud = "SINTÉTICO. ¡Urge! Se solicitan chicas de 18 a 23 años para edecanes en Cancún. " +
		"Pago de $25,000 a la semana, viaje pagado y hospedaje incluido, sin experiencia. " +
		"Manda fotos de cuerpo completo por WhatsApp al 55 0000 1234. La agencia te guarda el pasaporte."
	// SYNTHETIC too: an ordinary posting.
	const ordinary = "Cafetería en Guadalajara busca barista para turno matutino. Requisitos: secundaria terminada " +
		"y gusto por la atención al cliente. Ofrecemos sueldo mensual de $9,500, prestaciones de ley y capacitación. " +
		"Entrevistas en nuestra sucursal de Av. Chapultepec 120, de lunes a viernes de 10 a 13 h."
	ruleID := regexp.MustCompile(`\b[A-H][0-9]{1,2}_[A-Z_]{3,}\b`)

	for _, tc := range []struct {
		name, lang, text string
		kinds            []string // acceptable verdicts
		heading          string   // the verdict's heading contains it
		never            string   // and never this
		marks            bool
	}{
		{"ordinaria", "es", ordinary, []string{"ninguna"}, "No encontramos", "Riesgo", false},
		{"fraude", "es", fraud, []string{"alto"}, "Riesgo alto", "No encontramos", true},
		// SYNTHETIC: two signs, no pay figure; the middle tier.
		{"media", "es", "Busco chicas para trabajar de meseras en bar, buena presentacion, ganancias altas, se da hospedaje",
			[]string{"medio"}, "Riesgo medio", "No encontramos", true},
		{"hola", "es", "Hola", []string{"insuficiente"}, "No hay suficiente texto para evaluar", "Riesgo", false},
		{"fraud-en", "en", fraud, []string{"alto"}, "High risk", "We found none", true},
	} {
		var class, heading, verdict string
		var top, bottom, innerH, scrollW, clientW float64
		var marks int
		err := chromedp.Run(ctx,
			emulation.SetScriptExecutionDisabled(true),
			// A small phone: 375 × 667 CSS pixels.
			chromedp.EmulateViewport(375, 667),
			chromedp.Navigate(base+"/oferta?lang="+tc.lang),
			chromedp.WaitVisible(`#texto`, chromedp.ByQuery),
			chromedp.SendKeys(`#texto`, tc.text, chromedp.ByQuery),
			submitAndWait(`form.check button[type="submit"]`),
			chromedp.WaitVisible(`section.result`, chromedp.ByQuery),
			chromedp.AttributeValue(`section.result`, "class", &class, nil, chromedp.ByQuery),
			chromedp.Text(`section.result h2`, &heading, chromedp.ByQuery),
			chromedp.Text(`section.result`, &verdict, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll("section.result p.ad-text mark").length`, &marks),
			// Where the verdict sits with the page scrolled to the top:
			// the heading and its first paragraph on the first screen.
			chromedp.Evaluate(`window.scrollTo(0, 0); document.querySelector("section.result h2").getBoundingClientRect().top`, &top),
			chromedp.Evaluate(`document.querySelector("section.result .verdict-text").getBoundingClientRect().bottom`, &bottom),
			chromedp.Evaluate(`window.innerHeight`, &innerH),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollW),
			chromedp.Evaluate(`document.documentElement.clientWidth`, &clientW),
			shot(tc.name, 375),
			shot(tc.name, 1280),
		)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		kind := strings.TrimPrefix(strings.Fields(class)[len(strings.Fields(class))-1], "verdict-")
		if !contains(tc.kinds, kind) {
			t.Errorf("%s: verdict %q, want %v", tc.name, kind, tc.kinds)
		}
		if !strings.Contains(heading, tc.heading) || strings.Contains(verdict, tc.never) {
			t.Errorf("%s: heading %q (want %q, never %q)", tc.name, heading, tc.heading, tc.never)
		}
		if tc.marks && marks == 0 {
			t.Errorf("%s: nothing highlighted", tc.name)
		}
		if top < 0 || bottom > innerH {
			t.Errorf("%s: at 375 px the verdict spans %.0f–%.0f px, the first screen %.0f px", tc.name, top, bottom, innerH)
		}
		if scrollW > clientW {
			t.Errorf("%s: the page scrolls sideways at 375 px (%.0f > %.0f)", tc.name, scrollW, clientW)
		}
		if m := ruleID.FindString(verdict); m != "" {
			t.Errorf("%s: the verdict shows the id %s", tc.name, m)
		}
		if strings.Contains(verdict, "%") {
			t.Errorf("%s: the verdict shows a percentage", tc.name)
		}
	}

	// "Reportar esta oferta", without JavaScript, opens the report form with
	// the offer filled in; the URL carries no text.
	var offer, loc string
	err := chromedp.Run(ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.EmulateViewport(375, 667),
		chromedp.Navigate(base+"/oferta?lang=es"),
		chromedp.WaitVisible(`#texto`, chromedp.ByQuery),
		chromedp.SendKeys(`#texto`, fraud, chromedp.ByQuery),
		submitAndWait(`form.check button[type="submit"]`),
		submitAndWait(`form.report-offer button[type="submit"]`),
		chromedp.WaitVisible(`#oferta`, chromedp.ByQuery),
		chromedp.Value(`#oferta`, &offer, chromedp.ByQuery),
		chromedp.Location(&loc),
		shot("reportar", 375),
	)
	if err != nil {
		t.Fatal(err)
	}
	if offer != fraud {
		t.Errorf("the report form holds %q", offer)
	}
	if strings.Contains(loc, "SINT") || strings.Contains(loc, "oferta=") {
		t.Errorf("the offer travelled in the URL: %s", loc)
	}

	if p := problems(); len(p) > 0 {
		t.Errorf("console errors: %q", p)
	}
	t.Logf("screenshots in %s", out)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
