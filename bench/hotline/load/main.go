// Command load is the hotline's load test: N concurrent anonymous reporters
// post SYNTHETIC reports to POST /api/v1/reports for a while, each
// acknowledged receipt is written to a file as soon as it arrives, and
// -verify checks later that every one of them is retrievable through
// GET /api/v1/reports/mine. See bench/hotline/run.sh and bench/README.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:18090", "server")
	conc := flag.Int("c", 200, "concurrent reporters")
	dur := flag.Duration("d", 60*time.Second, "how long to send reports")
	think := flag.Duration("think", 0, "pause after each report (0: closed loop, as fast as answered)")
	out := flag.String("receipts", "receipts.txt", "file the acknowledged receipts are appended to")
	verify := flag.String("verify", "", "check that every receipt in this file is retrievable, then exit")
	flag.Parse()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2, MaxConnsPerHost: *conc * 2}}
	if *verify != "" {
		os.Exit(verifyAll(client, *base, *verify, *conc))
	}
	os.Exit(load(client, *base, *conc, *dur, *think, *out))
}

var kinds = []string{"informacion", "situacion_riesgo", "otro_delito", "posible_trata"}

// report returns a SYNTHETIC report; the text varies so that the store
// and the screener do real work.
func report(r *rand.Rand, i int) []byte {
	b, _ := json.Marshal(map[string]any{
		"kind":        kinds[r.IntN(len(kinds))],
		"description": fmt.Sprintf("SINTÉTICO %d: me ofrecieron trabajo en otra ciudad con pago muy alto y sin detalles; la persona dejó de contestar hace %d días.", i, r.IntN(30)+1),
		"state":       r.IntN(32) + 1,
		"offer":       fmt.Sprintf("Se solicitan edecanes, $%d diarios, viaje pagado, sin experiencia. WhatsApp 55 %04d %04d", 1000+r.IntN(4000), r.IntN(10000), r.IntN(10000)),
		"victims":     []map[string]string{{"age_band": "13-17", "sex": "mujer"}},
		"urgent":      r.IntN(10) == 0,
		"channel":     "bench",
	})
	return b
}

func load(client *http.Client, base string, conc int, dur, think time.Duration, out string) int {
	f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer f.Close()
	var mu sync.Mutex
	var lat []time.Duration
	var ok, failed, refused atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			if think > 0 {
				// People do not all press "send" in the same millisecond:
				// each reporter starts somewhere in the first think time.
				time.Sleep(time.Duration(r.Int64N(int64(think))))
			}
			for i := 0; ctx.Err() == nil; i++ {
				body := report(r, w*1_000_000+i)
				t0 := time.Now()
				resp, err := client.Post(base+"/api/v1/reports", "application/json", bytes.NewReader(body))
				d := time.Since(t0)
				if err != nil {
					refused.Add(1)
					time.Sleep(50 * time.Millisecond)
					continue
				}
				var res struct{ Receipt string }
				err = json.NewDecoder(resp.Body).Decode(&res)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated || err != nil || len(res.Receipt) != 16 {
					failed.Add(1)
					continue
				}
				ok.Add(1)
				mu.Lock()
				lat = append(lat, d)
				// Written before the next report: a receipt counts as
				// acknowledged only once the server has answered 201.
				fmt.Fprintln(f, res.Receipt)
				mu.Unlock()
				if think > 0 {
					time.Sleep(think/2 + time.Duration(r.Int64N(int64(think))))
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	fmt.Printf("reporters=%d think=%s duration=%s acknowledged=%d failed=%d refused=%d rate=%.0f/s p50=%s p90=%s p99=%s max=%s\n",
		conc, think, el.Round(time.Millisecond), ok.Load(), failed.Load(), refused.Load(), float64(ok.Load())/el.Seconds(),
		q(.5).Round(time.Microsecond), q(.9).Round(time.Microsecond), q(.99).Round(time.Microsecond), q(1).Round(time.Microsecond))
	if failed.Load() > 0 {
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
	ch := make(chan string)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rc := range ch {
				req, _ := http.NewRequest("GET", base+"/api/v1/reports/mine", nil)
				req.Header.Set("Authorization", "Receipt "+rc)
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
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
	fmt.Printf("receipts=%d retrievable=%d missing=%d errors=%d\n", len(receipts), int64(len(receipts))-missing.Load()-errs.Load(), missing.Load(), errs.Load())
	if missing.Load() > 0 || errs.Load() > 0 {
		return 1
	}
	return 0
}
