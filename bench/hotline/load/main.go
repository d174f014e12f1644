// Command load is the hotline's load test. Anonymous reporters post
// SYNTHETIC reports, through the JSON API (POST /api/v1/reports) and the
// web form (POST /reportar), while members of staff sign in to the console
// (password and an RFC 6238 code) and read the queue, reports and cases.
// Each acknowledged receipt is written to a file as soon as it arrives, and
// -verify checks later that every one of them is retrievable through
// GET /api/v1/reports/mine. With -pid and -wal it also watches the server's
// memory and the SQLite WAL. See bench/hotline/run.sh and bench/README.md.
//
// Every loop is bounded in time (-d) and in count (-max); only loopback
// servers are accepted.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:18090", "server (loopback only)")
	conc := flag.Int("c", 200, "concurrent anonymous reporters")
	formShare := flag.Float64("form", 0.25, "share of the reporters that use the web form (/reportar) instead of the API")
	readers := flag.Int("readers", 0, "concurrent console readers (needs -staff)")
	staffFile := flag.String("staff", "", `console accounts, one "user password TOTP-secret" a line`)
	readerThink := flag.Duration("reader-think", 2*time.Second, "a reader's mean pause between pages (0.5–1.5 times this)")
	dur := flag.Duration("d", 60*time.Second, "how long the load runs")
	think := flag.Duration("think", 0, "a reporter's mean pause after each report, 0.5–1.5 times this (0: closed loop, as fast as answered)")
	maxReq := flag.Int("max", 100_000, "most requests (reports, or reader rounds) per simulated person")
	out := flag.String("receipts", "receipts.txt", "file the acknowledged receipts are appended to")
	verify := flag.String("verify", "", "check that every receipt in this file is retrievable, then exit")
	pid := flag.Int("pid", 0, "server process to watch (peak RSS)")
	wal := flag.String("wal", "", "SQLite WAL file to watch (peak and final size)")
	cases := flag.Int("open-cases", 0, "sign in as the first account in -staff, open this many cases from the queue, then exit")
	flag.Parse()
	if err := loopbackOnly(*base); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: (*conc + *readers) * 2, MaxConnsPerHost: (*conc + *readers) * 2}
	client := &http.Client{Timeout: 30 * time.Second, Transport: tr}
	switch {
	case *verify != "":
		os.Exit(verifyAll(client, *base, *verify, *conc))
	case *cases > 0:
		accts, err := readAccounts(*staffFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		n, err := openCases(ctx, tr, *base, accts[0], *cases)
		fmt.Printf("cases opened: %d\n", n)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		return
	}
	var accts []account
	if *readers > 0 {
		var err error
		if accts, err = readAccounts(*staffFile); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		if len(accts) < *readers {
			// One account per reader: a TOTP code signs in once, so
			// readers sharing an account would lock each other out.
			fmt.Fprintf(os.Stderr, "load: %d readers need %d accounts, %s has %d\n", *readers, *readers, *staffFile, len(accts))
			os.Exit(1)
		}
	}
	os.Exit(run(tr, *base, *conc, *formShare, accts[:*readers], *readerThink, *dur, *think, *maxReq, *out, *pid, *wal))
}

// loopbackOnly refuses any server that is not on this machine.
func loopbackOnly(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	ip := net.ParseIP(u.Hostname())
	if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s is not a loopback address", u.Host)
	}
	return nil
}

// The receipt page carries the receipt whole in data-receipt (the visible
// text is grouped in fours).
var formReceipt = regexp.MustCompile(`data-receipt="([0-9A-Za-z]{16})"`)

var kinds = []string{"informacion", "situacion_riesgo", "otro_delito", "posible_trata"}

func description(r *rand.Rand, i int) string {
	return fmt.Sprintf("SINTÉTICO %d: me ofrecieron trabajo en otra ciudad con pago muy alto y sin detalles; la persona dejó de contestar hace %d días.", i, r.IntN(30)+1)
}

func offer(r *rand.Rand) string {
	return fmt.Sprintf("Se solicitan edecanes, $%d diarios, viaje pagado, sin experiencia. WhatsApp 55 %04d %04d", 1000+r.IntN(4000), r.IntN(10000), r.IntN(10000))
}

// apiReport returns a SYNTHETIC report for the API; the text varies so
// that the store and the screener do real work.
func apiReport(r *rand.Rand, i int) string {
	b, _ := json.Marshal(map[string]any{
		"kind":        kinds[r.IntN(len(kinds))],
		"description": description(r, i),
		"state":       r.IntN(32) + 1,
		"offer":       offer(r),
		"victims":     []map[string]string{{"age_band": "13-17", "sex": "mujer"}},
		"urgent":      r.IntN(10) == 0,
		"channel":     "bench",
	})
	return string(b)
}

// formReport is the same SYNTHETIC report as the web form posts it.
func formReport(r *rand.Rand, i int) string {
	f := url.Values{
		"tipo":        {kinds[r.IntN(len(kinds))]},
		"descripcion": {description(r, i)},
		"estado":      {fmt.Sprint(r.IntN(32) + 1)},
		"oferta":      {offer(r)},
		"edad":        {"13-17"},
		"sexo":        {"mujer"},
	}
	if r.IntN(10) == 0 {
		f.Set("urgente", "si")
	}
	return f.Encode()
}

// submit sends one report and returns its receipt ("" if not acknowledged)
// and the status (0: no answer).
func submit(client *http.Client, base string, form bool, body string) (receipt string, status int) {
	var resp *http.Response
	var err error
	if form {
		resp, err = client.Post(base+"/reportar", "application/x-www-form-urlencoded", strings.NewReader(body))
	} else {
		resp, err = client.Post(base+"/api/v1/reports", "application/json", strings.NewReader(body))
	}
	if err != nil {
		return "", 0
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", resp.StatusCode
	}
	if form {
		if resp.StatusCode != http.StatusOK {
			return "", resp.StatusCode
		}
		if m := formReceipt.FindSubmatch(b); m != nil {
			return string(m[1]), resp.StatusCode
		}
		return "", -1 // 200 without a receipt: the form came back with errors
	}
	var res struct{ Receipt string }
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(b, &res) != nil || len(res.Receipt) != 16 {
		return "", resp.StatusCode
	}
	return res.Receipt, resp.StatusCode
}

func run(tr *http.Transport, base string, conc int, formShare float64, accts []account, readerThink, dur, think time.Duration, maxReq int, out string, pid int, wal string) int {
	f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer f.Close()
	client := &http.Client{Timeout: 30 * time.Second, Transport: tr}
	rec := newRecorder()
	var mu sync.Mutex
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	smp := startSampler(ctx, pid, wal)
	start := time.Now()
	var wg sync.WaitGroup
	nForm := int(formShare*float64(conc) + 0.5)
	for w := range conc {
		form := w < nForm
		kind := "report_api"
		if form {
			kind = "report_form"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			if think > 0 {
				// People do not all press "send" in the same millisecond:
				// each reporter starts somewhere in the first think time.
				sleep(ctx, time.Duration(r.Int64N(int64(think))))
			}
			for i := 0; i < maxReq && ctx.Err() == nil; i++ {
				var body string
				if form {
					body = formReport(r, w*1_000_000+i)
				} else {
					body = apiReport(r, w*1_000_000+i)
				}
				t0 := time.Now()
				receipt, status := submit(client, base, form, body)
				d := time.Since(t0)
				if receipt == "" {
					rec.bad(kind, status)
					if status == 0 {
						sleep(ctx, 50*time.Millisecond)
					}
					continue
				}
				rec.ok(kind, d)
				mu.Lock()
				// Written before the next report: a receipt counts as
				// acknowledged only once the server has answered.
				fmt.Fprintln(f, receipt)
				mu.Unlock()
				if think > 0 {
					sleep(ctx, think/2+time.Duration(r.Int64N(int64(think))))
				}
			}
		}()
	}
	for i, a := range accts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(1_000_000+i), uint64(start.UnixNano())))
			// A shift does not sign in within one second: readers start
			// over the first five seconds.
			sleep(ctx, time.Duration(r.Int64N(int64(5*time.Second))))
			reader(ctx, tr, base, a, readerThink, maxReq, rec, r)
		}()
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("reporters=%d (%d by the web form) think=%s readers=%d reader-think=%s duration=%s acknowledged=%d\n",
		conc, nForm, think, len(accts), readerThink, el.Round(time.Millisecond), rec.count("report_api")+rec.count("report_form"))
	rec.print(os.Stdout, el)
	smp.finish(os.Stdout)
	if rec.failed() > 0 {
		return 1
	}
	return 0
}

func verifyAll(client *http.Client, base, path string, conc int) int {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer f.Close()
	var receipts []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if len(sc.Text()) == 16 {
			receipts = append(receipts, sc.Text())
		}
	}
	var missing, errs atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	ch := make(chan string)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rc := range ch {
				req, _ := http.NewRequest("GET", base+"/api/v1/reports/mine", nil)
				req.Header.Set("Authorization", "Receipt "+rc)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				switch resp.StatusCode {
				case http.StatusOK:
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				case http.StatusNotFound:
					missing.Add(1)
				default:
					errs.Add(1)
				}
			}
		}()
	}
	for _, rc := range receipts {
		ch <- rc
	}
	close(ch)
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) string {
		if len(lat) == 0 {
			return "-"
		}
		return fmtDur(lat[min(len(lat)-1, int(p*float64(len(lat))))])
	}
	fmt.Printf("receipts=%d retrievable=%d missing=%d errors=%d lookup p50=%s p99=%s (%d at once)\n", len(receipts),
		int64(len(receipts))-missing.Load()-errs.Load(), missing.Load(), errs.Load(), q(.5), q(.99), conc)
	if missing.Load() > 0 || errs.Load() > 0 {
		return 1
	}
	return 0
}
