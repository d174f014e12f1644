package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/vigia-mx/vigia/internal/staff"
)

// addStaff creates a console account through the CLI, as an administrator
// would, and returns its TOTP secret.
func addStaff(t *testing.T, db, user, role string) string {
	t.Helper()
	var out, errb bytes.Buffer
	old := stdin
	stdin = strings.NewReader("contraseña-sintética-larga\n")
	defer func() { stdin = old }()
	env := map[string]string{"VIGIA_DATABASE_URL": db}
	if err := run(context.Background(), []string{"staff", "add", user, "--role", role, "--team", "norte"}, func(k string) string { return env[k] }, &out, &errb); err != nil {
		t.Fatalf("staff add %s: %v\n%s", user, err, errb.String())
	}
	m := regexp.MustCompile(`TOTP secret: ([A-Z2-7]+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("staff add printed no secret: %q", out.String())
	}
	if strings.Contains(errb.String(), m[1]) {
		t.Fatal("the TOTP secret reached the log")
	}
	return m[1]
}

// TestBrowserHotline: a reporter sends a report with JavaScript disabled and
// keeps the receipt; an operator signs in with TOTP, opens a case, records
// consent, refers, replies and asks to close; a supervisor approves; the
// reporter comes back with the receipt and reads the reply. All data are
// SYNTHETIC.
func TestBrowserHotline(t *testing.T) {
	exe := chromium(t)
	db := filepath.Join(t.TempDir(), "vigia.db")
	base := startServerDB(t, db)
	opSecret := addStaff(t, db, "operadora1", "operador")
	supSecret := addStaff(t, db, "supervisora1", "supervisor")

	ctx, cancel := newBrowser(t, exe)
	defer cancel()
	problems := watchProblems(ctx, false)
	out := t.ArtifactDir()
	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var buf []byte
			if err := chromedp.FullScreenshot(&buf, 100).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(out, "hotline-"+name+".png"), buf, 0o644)
		})
	}
	submit := submitAndWait

	// 1. The report, with scripts disabled, on a phone-sized screen.
	const description = "SINTÉTICO: a mi prima le ofrecieron trabajo de edecán en Cancún y desde hace dos semanas no contesta."
	var receipt, exitHref string
	err := chromedp.Run(ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.EmulateViewport(375, 800),
		chromedp.Navigate(base+"/reportar?lang=es&estado=21"),
		chromedp.WaitVisible(`#descripcion`, chromedp.ByQuery),
		chromedp.AttributeValue(`a.quick-exit`, "href", &exitHref, nil, chromedp.ByQuery),
		chromedp.Click(`input[name="tipo"][value="posible_trata"]`, chromedp.ByQuery),
		chromedp.SendKeys(`#descripcion`, description, chromedp.ByQuery),
		chromedp.SetValue(`#municipio`, "21114", chromedp.ByQuery),
		chromedp.SendKeys(`#oferta`, "Se solicitan edecanes, $3,000 diarios, viaje pagado, sin experiencia. WhatsApp 55 1234 5678", chromedp.ByQuery),
		chromedp.SetValue(`#edad`, "13-17", chromedp.ByQuery),
		chromedp.SetValue(`#sexo`, "mujer", chromedp.ByQuery),
		chromedp.Click(`input[name="reclutamiento"][value="whatsapp"]`, chromedp.ByQuery),
		shot("form"),
		submit(`form.report[method="post"] button[type="submit"]`),
		chromedp.WaitVisible(`#folio`, chromedp.ByQuery),
		chromedp.AttributeValue(`#folio`, "data-receipt", &receipt, nil, chromedp.ByQuery),
		shot("receipt"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d{16}$`).MatchString(receipt) {
		t.Fatalf("receipt = %q", receipt)
	}
	if exitHref != "/salir" {
		t.Errorf("quick exit href = %q", exitHref)
	}

	// 2. The operator: TOTP sign-in, triage, case, consent, referral,
	// reply, closure request.
	login := func(user, secret string) chromedp.Action { return consoleLogin(base, user, secret) }
	const reply = "Gracias por avisar. Ya canalizamos el caso; si sabes algo nuevo, escríbelo aquí."
	var queue, caseTitle, shown string
	steps := []struct {
		name string
		act  chromedp.Action
	}{
		{"operator login", chromedp.Tasks{emulation.SetScriptExecutionDisabled(false), chromedp.EmulateViewport(1280, 900), login("operadora1", opSecret)}},
		{"queue", chromedp.Tasks{chromedp.Text(`table.queue`, &queue, chromedp.ByQuery), shot("queue")}},
		{"open report", chromedp.Tasks{submit(`table.queue a`), chromedp.Text(`section.report-view`, &shown, chromedp.ByQuery)}},
		{"open case", submit(`form[action^="/consola/reportes/1/caso"] button`)},
		{"move", submit(`form[action^="/consola/casos/1/mover"]:has(input[value="evaluacion"]) button`)},
		{"consent", submit(`form[action^="/consola/casos/1/consentimiento"] button[value="si"]`)},
		{"refer", chromedp.Tasks{chromedp.SetValue(`#institucion`, "ceav", chromedp.ByQuery),
			chromedp.SendKeys(`#detalles`, "SINTÉTICO: atención psicológica y jurídica", chromedp.ByQuery),
			submit(`form[action^="/consola/casos/1/canalizar"] button`)}},
		{"reply", chromedp.Tasks{chromedp.SendKeys(`#reply-1`, reply, chromedp.ByQuery), submit(`form[action^="/consola/reportes/1/responder"] button`)}},
		{"ask to close", chromedp.Tasks{chromedp.WaitVisible(`#motivo-cierre`, chromedp.ByQuery), chromedp.SendKeys(`#motivo-cierre`, "Canalizado a CEAV; sin más acciones de la línea", chromedp.ByQuery),
			submit(`form[action^="/consola/casos/1/cierre"] button`), shot("case")}},
		{"logout", submit(`form[action="/consola/salir"] button`)},
		{"supervisor login", login("supervisora1", supSecret)},
		{"approve", chromedp.Tasks{chromedp.Navigate(base + "/consola/casos/1?lang=es"),
			chromedp.WaitVisible(`form[action^="/consola/casos/1/decidir-cierre"]`, chromedp.ByQuery),
			submit(`form[action^="/consola/casos/1/decidir-cierre"] button[value="si"]`),
			chromedp.Text(`h1`, &caseTitle, chromedp.ByQuery), shot("closed")}},
	}
	for _, st := range steps {
		sctx, cancel := context.WithTimeout(ctx, 25*time.Second)
		err := chromedp.Run(sctx, st.act)
		cancel()
		if err != nil {
			var page string
			_ = chromedp.Run(ctx, chromedp.Location(&page), shot("failed"))
			t.Fatalf("step %q: %v (page %s)", st.name, err, page)
		}
	}
	if !strings.Contains(queue, "PELIGRO") && !strings.Contains(queue, "Posible trata") {
		t.Errorf("queue does not list the report: %q", queue)
	}
	if !strings.Contains(shown, "edecán en Cancún") {
		t.Errorf("the operator does not see the report's text: %q", shown)
	}
	if !strings.Contains(caseTitle, "Cerrado") {
		t.Errorf("case after approval: %q", caseTitle)
	}

	// 3. The reporter comes back, scripts disabled, and reads the reply.
	var status, replies string
	err = chromedp.Run(ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.EmulateViewport(375, 800),
		chromedp.Navigate(base+"/seguimiento?lang=es"),
		chromedp.WaitVisible(`#folio`, chromedp.ByQuery),
		chromedp.SendKeys(`#folio`, receipt[:4]+" "+receipt[4:8]+" "+receipt[8:12]+" "+receipt[12:], chromedp.ByQuery),
		chromedp.Click(`form.report button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#st-h`, chromedp.ByQuery),
		chromedp.Text(`#st-h`, &status, chromedp.ByQuery),
		chromedp.Text(`ol.replies`, &replies, chromedp.ByQuery),
		shot("followup"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status, "Cerrado") || !strings.Contains(replies, reply) {
		t.Errorf("follow-up: status %q, replies %q", status, replies)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("console errors: %q", p)
	}
}

// submitAndWait clicks a button and waits for the page it leads to: the
// old page carries a marker the new one lacks. Evaluating while the page
// navigates fails, so the check is retried until it answers.
func submitAndWait(sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var ok bool
		if err := chromedp.Evaluate(`window.__before = true`, &ok).Do(ctx); err != nil {
			return err
		}
		if err := chromedp.Click(sel, chromedp.ByQuery).Do(ctx); err != nil {
			return fmt.Errorf("click %s: %w", sel, err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			var done bool
			err := chromedp.Evaluate(`window.__before !== true && document.readyState === "complete"`, &done).Do(ctx)
			if err == nil && done {
				return nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		return fmt.Errorf("no new page after clicking %s", sel)
	})
}

// consoleLogin signs in to the console with a TOTP code made now.
func consoleLogin(base, user, secret string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		code, err := staff.TOTPCode(secret, time.Now())
		if err != nil {
			return err
		}
		return chromedp.Run(ctx,
			chromedp.Navigate(base+"/consola/entrar?lang=es"),
			chromedp.WaitVisible(`#usuario`, chromedp.ByQuery),
			chromedp.SendKeys(`#usuario`, user, chromedp.ByQuery),
			chromedp.SendKeys(`#contrasena`, "contraseña-sintética-larga", chromedp.ByQuery),
			chromedp.SendKeys(`#codigo`, code, chromedp.ByQuery),
			submitAndWait(`form.report button[type="submit"]`),
			chromedp.WaitVisible(`div.cbar`, chromedp.ByQuery),
		)
	})
}
