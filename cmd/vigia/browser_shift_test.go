package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/vigia-mx/vigia/internal/locale"
)

// TestBrowserHotlineShift: a shift in the console, in a real browser. An
// operator enters a report taken by phone half an hour ago; the queue says
// how long ago it arrived and that its first response is overdue; she
// opens a case, tries to refer without recorded consent (the referral is
// stopped, what she typed is kept, and the page offers to record the
// consent and send it as typed), attaches a photo and downloads it back;
// the case's timeline lists all of it in order. A supervisor reads the
// caseload. Each page is saved at 375 and 1280 px. All data are SYNTHETIC.
func TestBrowserHotlineShift(t *testing.T) {
	exe := chromium(t)
	db := filepath.Join(t.TempDir(), "vigia.db")
	base := startServerDB(t, db)
	opSecret := addStaff(t, db, "operadora1", "operador")
	supSecret := addStaff(t, db, "supervisora1", "supervisor")

	ctx, cancel := newBrowser(t, exe)
	defer cancel()
	problems := watchProblems(ctx, false)
	out := t.ArtifactDir()
	// shots saves the page as a phone and as a desktop show it.
	shots := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			for _, w := range []int64{375, 1280} {
				var buf []byte
				if err := chromedp.Run(ctx, chromedp.EmulateViewport(w, 900), chromedp.FullScreenshot(&buf, 100)); err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(out, "shift-"+name+"-"+map[int64]string{375: "375", 1280: "1280"}[w]+".png"), buf, 0o644); err != nil {
					return err
				}
			}
			return nil
		})
	}
	es := func(key string, args ...any) string { return locale.T(locale.ES, key, args...) }

	// A synthetic photo to attach.
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for x := 0; x < 24; x++ {
		img.Set(x, 8, color.RGBA{180, 20, 20, 255})
	}
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	picPath := filepath.Join(t.TempDir(), "captura oferta (sintética).png")
	if err := os.WriteFile(picPath, pic.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	const details = "SINTÉTICO: acompañamiento jurídico; la persona prefiere llamadas por la tarde."
	var end, folio, queue, typed, afterConsent, attachments, timeline, caseload string
	var download struct {
		Status      int    `json:"status"`
		Type        string `json:"type"`
		Disposition string `json:"disposition"`
		Nosniff     string `json:"nosniff"`
		Size        int    `json:"size"`
	}
	steps := []struct {
		name string
		act  chromedp.Action
	}{
		{"operator login", chromedp.Tasks{chromedp.EmulateViewport(1280, 900), consoleLogin(base, "operadora1", opSecret)}},
		{"phone form", chromedp.Tasks{chromedp.Navigate(base + "/consola/telefono?lang=es"), chromedp.WaitVisible(`#inicio`, chromedp.ByQuery),
			chromedp.Value(`#fin`, &end, chromedp.ByQuery)}},
		{"enter the call", chromedp.ActionFunc(func(ctx context.Context) error {
			// The call began 30 minutes before the form's "now" (Mexico
			// City time, as the form shows it) and lasted 20.
			e, err := time.Parse("2006-01-02T15:04", end)
			if err != nil {
				return err
			}
			return chromedp.Run(ctx,
				chromedp.SetValue(`#inicio`, e.Add(-30*time.Minute).Format("2006-01-02T15:04"), chromedp.ByQuery),
				chromedp.SetValue(`#fin`, e.Add(-10*time.Minute).Format("2006-01-02T15:04"), chromedp.ByQuery),
				chromedp.SetValue(`#tipo`, "posible_trata", chromedp.ByQuery),
				chromedp.Click(`input[name="urgente"]`, chromedp.ByQuery),
				chromedp.SendKeys(`#descripcion`, "SINTÉTICO: llamó una vecina; dos jóvenes viven en el taller donde trabajan y no salen.", chromedp.ByQuery),
				chromedp.SetValue(`#estado`, "21", chromedp.ByQuery),
				shots("phone-form"),
				submitAndWait(`form[action^="/consola/telefono"] button[type="submit"]`),
				chromedp.Text(`#folio`, &folio, chromedp.ByQuery),
				shots("phone-receipt"))
		})},
		{"queue", chromedp.Tasks{chromedp.Navigate(base + "/consola?lang=es"), chromedp.WaitVisible(`table.queue`, chromedp.ByQuery),
			chromedp.Text(`table.queue tr.overdue`, &queue, chromedp.ByQuery), shots("queue")}},
		{"open report", submitAndWait(`table.queue a`)},
		{"open case", submitAndWait(`form[action^="/consola/reportes/1/caso"] button`)},
		{"move", submitAndWait(`form[action^="/consola/casos/1/mover"]:has(input[value="evaluacion"]) button`)},
		{"refer without consent", chromedp.Tasks{chromedp.SetValue(`#institucion`, "ceav", chromedp.ByQuery),
			chromedp.SendKeys(`#detalles`, details, chromedp.ByQuery),
			submitAndWait(`form[action^="/consola/casos/1/canalizar"] button`),
			chromedp.WaitVisible(`#sin-consentimiento`, chromedp.ByQuery),
			chromedp.Value(`#detalles`, &typed, chromedp.ByQuery), shots("blocked")}},
		{"record consent and refer", chromedp.Tasks{submitAndWait(`#sin-consentimiento button`),
			chromedp.Text(`div.referral`, &afterConsent, chromedp.ByQuery)}},
		{"attach", chromedp.Tasks{chromedp.SetUploadFiles(`#archivo`, []string{picPath}, chromedp.ByQuery),
			submitAndWait(`form[enctype="multipart/form-data"] button`),
			chromedp.Text(`ul.attachments`, &attachments, chromedp.ByQuery)}},
		{"download", chromedp.Evaluate(`(async () => {
			const a = document.querySelector("ul.attachments a");
			const r = await fetch(a.getAttribute("href"));
			const b = await r.arrayBuffer();
			return {status: r.status, type: r.headers.get("content-type"), disposition: r.headers.get("content-disposition"),
				nosniff: r.headers.get("x-content-type-options"), size: b.byteLength};
		})()`, &download, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })},
		{"timeline", chromedp.Tasks{chromedp.Text(`ol.timeline`, &timeline, chromedp.ByQuery), shots("case")}},
		{"logout", submitAndWait(`form[action="/consola/salir"] button`)},
		{"supervisor login", consoleLogin(base, "supervisora1", supSecret)},
		{"caseload", chromedp.Tasks{chromedp.Navigate(base + "/consola/carga?lang=es"), chromedp.WaitVisible(`main table`, chromedp.ByQuery),
			chromedp.Text(`main table`, &caseload, chromedp.ByQuery), shots("caseload")}},
	}
	// The browser starts with the first Run on ctx itself: started under a
	// step's timeout, it would close when that step ends.
	if err := chromedp.Run(ctx); err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		sctx, cancel := context.WithTimeout(ctx, 25*time.Second)
		err := chromedp.Run(sctx, st.act)
		cancel()
		if err != nil {
			var page string
			_ = chromedp.Run(ctx, chromedp.Location(&page), shots("failed"))
			t.Fatalf("step %q: %v (page %s)", st.name, err, page)
		}
	}

	if len(strings.ReplaceAll(folio, " ", "")) != 16 {
		t.Errorf("the phone report's receipt: %q", folio)
	}
	// The queue: arrived 30 minutes ago, urgent, overdue.
	for _, want := range []string{"hace 30 minutos", es("console.sla.overdue"), "venció hace 15 minutos"} {
		if !strings.Contains(queue, want) {
			t.Errorf("queue row lacks %q: %q", want, queue)
		}
	}
	if typed != details {
		t.Errorf("the blocked referral's text was not kept: %q", typed)
	}
	if !strings.Contains(afterConsent, details) {
		t.Errorf("the referral sent after recording consent: %q", afterConsent)
	}
	if !strings.Contains(attachments, "captura_oferta_sintética.png") || !strings.Contains(attachments, "image/png") {
		t.Errorf("attachments listed: %q", attachments)
	}
	if download.Status != 200 || download.Type != "image/png" || !strings.HasPrefix(download.Disposition, "attachment;") ||
		download.Nosniff != "nosniff" || download.Size != pic.Len() {
		t.Errorf("download: %+v (want %d bytes)", download, pic.Len())
	}
	// The timeline, in the order things happened.
	last := -1
	for _, want := range []string{es("console.tl.report.enter"), es("console.tl.case.open"), es("console.tl.case.move"),
		es("console.tl.referral.blocked"), es("console.tl.case.consent"), es("console.tl.referral.create"), es("console.tl.case.attach")} {
		i := strings.Index(timeline, want)
		if i < 0 || i < last {
			t.Errorf("timeline: %q missing or out of order in %q", want, timeline)
			continue
		}
		last = i
	}
	if !strings.Contains(timeline, es("console.tl.case.attach")+": captura_oferta_sintética.png") {
		t.Errorf("the timeline does not name the attached file: %q", timeline)
	}
	if !strings.Contains(caseload, "operadora1") {
		t.Errorf("caseload: %q", caseload)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("console errors: %q", p)
	}
}
