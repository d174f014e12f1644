package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
)

// startServer runs the real vigia serve on a free port over a new database
// (seeded from the bundled data) and returns its URL.
func startServer(t *testing.T) string {
	t.Helper()
	return startServerDB(t, filepath.Join(t.TempDir(), "vigia.db"))
}

// startServerDB is startServer over a given database file, with extra
// serve flags.
func startServerDB(t *testing.T, db string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	env := map[string]string{"VIGIA_DATABASE_URL": db}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, flags...), func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve did not start: %v", err)
	}
	go io.Copy(io.Discard, pr)
	url := strings.TrimSpace(strings.TrimPrefix(line, "vigia: serving on "))
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("unexpected first line %q", line)
	}
	return url
}

// userDataDir is Chromium's profile folder. Chromium's helper processes can
// still be writing to it for a moment after the browser is told to close,
// so it is removed with a few retries, and a leftover is not a test
// failure (t.TempDir's cleanup would make it one).
func userDataDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "vigia-chromium-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 20; i++ {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("Chromium profile %s left behind", dir)
	})
	return dir
}

func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("VIGIA_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := exec.LookPath(p); err == nil {
				return p
			}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but Chromium is not installed (apt-get install -y chromium)")
	}
	t.Skip("Chromium not found: browser tests skipped (apt-get install -y chromium)")
	return ""
}

// TestBrowser drives Debian's Chromium through the observatory as a reader
// would, with and without a wide screen.
func TestBrowser(t *testing.T) {
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
			return os.WriteFile(filepath.Join(out, fmt.Sprintf("%s-%d.png", name, width)), buf, 0o644)
		})
	}

	// Home: 32 states on the map, their fills in the order of their values.
	var nStates int
	var values, classes []string
	var tableRates map[string]string
	err := chromedp.Run(ctx,
		log.Enable(),
		chromedp.EmulateViewport(1280, 900),
		// Chromium asks for English by default; start from the Spanish site.
		chromedp.Navigate(base+"/?lang=es"),
		chromedp.WaitVisible(`figure.map svg`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("figure.map path.state").length`, &nStates),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("figure.map path.state")).map(p => p.dataset.iso + "=" + p.dataset.value)`, &values),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("figure.map path.state")).map(p => p.getAttribute("class"))`, &classes),
		chromedp.Evaluate(`Object.fromEntries(Array.from(document.querySelectorAll("details.table-fallback tbody tr")).map(r => [r.cells[1].querySelector("a").getAttribute("href").split("?")[0].split("/").pop().toUpperCase(), r.cells[3].textContent.trim()]))`, &tableRates),
		shot("home", 1280),
		shot("home", 375),
		chromedp.EmulateViewport(1280, 900),
	)
	if err != nil {
		t.Fatal(err)
	}
	if nStates != 32 {
		t.Fatalf("map has %d state shapes, want 32", nStates)
	}
	checkFills(t, values, classes, tableRates)

	// Click a state on the map and land on its page.
	var h1 string
	err = chromedp.Run(ctx,
		chromedp.Click(`figure.map a[href^="/estados/mx-roo"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`h1`, chromedp.ByQuery),
		chromedp.Text(`h1`, &h1, chromedp.ByQuery),
		shot("state", 1280),
		shot("state", 375),
		chromedp.EmulateViewport(1280, 900),
	)
	if err != nil {
		t.Fatal(err)
	}
	var stateLang string
	chromedp.Run(ctx, chromedp.AttributeValue(`html`, "lang", &stateLang, nil, chromedp.ByQuery))
	if stateLang != "es-MX" {
		t.Errorf("state page in %q, want es-MX", stateLang)
	}
	if !strings.Contains(h1, "Quintana Roo") {
		t.Errorf("clicking Quintana Roo led to %q", h1)
	}

	// Switch the language.
	var lang, nav string
	err = chromedp.Run(ctx,
		chromedp.Click(`a.lang-switch`, chromedp.ByQuery),
		chromedp.WaitReady(`html[lang="en"]`, chromedp.ByQuery),
		chromedp.AttributeValue(`html`, "lang", &lang, nil, chromedp.ByQuery),
		chromedp.Text(`nav`, &nav, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if lang != "en" || !strings.Contains(nav, "Methodology") {
		t.Errorf("after switching: lang %q, nav %q", lang, nav)
	}

	// Download the CSV behind the home chart and parse it.
	dl := t.TempDir()
	done := make(chan string, 1)
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			select {
			case done <- e.GUID:
			default:
			}
		}
	})
	err = chromedp.Run(ctx,
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(dl).WithEventsEnabled(true),
		chromedp.Navigate(base+"/?lang=es"),
		chromedp.WaitVisible(`figure.chart`, chromedp.ByQuery),
		chromedp.Click(`figure.chart figcaption a[href*="fuente=carpetas"]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	var guid string
	select {
	case guid = <-done:
	case <-ctx.Done():
		t.Fatal("the CSV download did not complete")
	}
	f, err := os.Open(filepath.Join(dl, guid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("downloaded CSV: %v", err)
	}
	if len(rows) < 33 || rows[0][0] != "cve_ent" || rows[0][10] != "corte_sesnsp" {
		t.Errorf("downloaded CSV: %d rows, header %v", len(rows), rows[0])
	}
	var h1Jan2026 int
	for _, r := range rows[1:] {
		if r[0] == "00" && r[3] == "2026" && r[4] == "1" {
			h1Jan2026, _ = strconv.Atoi(r[7])
		}
	}
	if h1Jan2026 != 42 {
		t.Errorf("CSV: national carpetas January 2026 = %d, want 42 (mar2026)", h1Jan2026)
	}

	// The analysis page works without script and keeps a shareable URL.
	var total string
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/analisis?from=2022-01&to=2022-06&states=02,08,19&vintage=jun22"),
		chromedp.Text(`[data-testid="analysis-carpetas"]`, &total, chromedp.ByQuery),
		shot("analysis", 1280),
		shot("analysis", 375),
	)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(total) != "411" {
		t.Errorf("analysis total = %q, want 411", total)
	}

	// The public check works with scripts disabled: paste, submit, read.
	var tier, marks string
	err = chromedp.Run(ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(base+"/oferta?lang=es"),
		chromedp.WaitVisible(`#texto`, chromedp.ByQuery),
		chromedp.SendKeys(`#texto`, "Se solicitan edecanes, $3,000 diarios, viaje pagado, sin experiencia. Solo mujeres de 18 a 25. Manda fotos al WhatsApp 55 1234 5678", chromedp.ByQuery),
		chromedp.Click(`form.check button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`section.result`, chromedp.ByQuery),
		chromedp.Text(`section.result h2`, &tier, chromedp.ByQuery),
		chromedp.Evaluate(`String(document.querySelectorAll("p.ad-text mark").length)`, &marks),
		shot("check", 1280),
		shot("check", 375),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tier, "Riesgo alto") || marks == "0" {
		t.Errorf("check without JavaScript: tier %q, %s marks", tier, marks)
	}

	if p := problems(); len(p) > 0 {
		t.Errorf("console errors: %q", p)
	}
	t.Logf("screenshots in %s", out)
}

var classRE = regexp.MustCompile(`q(\d+)-\d+`)

// checkFills: every state's value matches the table fallback, and a higher
// value never gets a lighter class than a lower one.
func checkFills(t *testing.T, values, classes []string, table map[string]string) {
	t.Helper()
	type st struct {
		v   float64
		cls int
	}
	var all []st
	for i, kv := range values {
		iso, v, _ := strings.Cut(kv, "=")
		m := classRE.FindStringSubmatch(classes[i])
		if m == nil {
			continue // no data
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Errorf("%s: data-value %q", iso, v)
			continue
		}
		if want := table[strings.ToUpper(strings.TrimPrefix(iso, "MX-"))]; want != "" && want != strconv.FormatFloat(x, 'f', 2, 64) {
			t.Errorf("%s: map value %.2f, table %s", iso, x, want)
		}
		c, _ := strconv.Atoi(m[1])
		all = append(all, st{x, c})
	}
	for _, a := range all {
		for _, b := range all {
			if a.v > b.v && a.cls < b.cls {
				t.Errorf("value %.3f has class %d but %.3f has class %d", a.v, a.cls, b.v, b.cls)
			}
		}
	}
}
