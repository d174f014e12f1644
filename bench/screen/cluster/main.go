// Command cluster times the near-duplicate and network index on a JSON-lines
// file of ads (from bench/screen/gen): shingling, MinHash, LSH, exact
// verification, identifier links with hub suppression and clustering. Text
// normalisation and contact extraction are not included: the file's text is
// already folded and its tokens stand in for extracted contacts.
//
// JSON decoding and sketching (shingles, MinHash, band keys) run on all
// cores; insertion runs in file order on one goroutine, so the clusters are
// those of a sequential run.
//
// It prints ads/s, peak RSS (VmHWM from /proc/self/status) and, as a check
// of goal G9, the time to add the last -tail ads to the index of all the
// others followed by one Clusters() call. With -truth it also prints the
// Adjusted Rand Index against the planted networks and the largest cluster.
//
// Usage:
//
//	go run ./bench/screen/cluster -truth bench/out/ads_synthetic_1m.truth.csv bench/out/ads_synthetic_1m.jsonl
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/vigia-mx/vigia/internal/screen/similar"
)

type line struct {
	ID       string    `json:"id"`
	Text     string    `json:"text"`
	PostedAt time.Time `json:"posted_at"`
	City     string    `json:"city"`
	Tokens   []string  `json:"tokens"`
}

type batch struct {
	seq   int
	lines [][]byte
	out   []*similar.Sketch
}

func main() {
	truth := flag.String("truth", "", "ground-truth CSV (id,network) for ARI")
	tail := flag.Int("tail", 10000, "time the last N ads separately (G9)")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "sketching goroutines")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: cluster [-truth file] ads.jsonl")
	}
	total, err := countLines(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()

	ix := similar.NewIndex(similar.DefaultConfig())
	start := time.Now()
	ix.Grow(total)

	// Reader → workers (decode + sketch) → in-order adder.
	const batchSize = 512
	jobs := make(chan *batch, 2**workers)
	done := make(chan *batch, 2**workers)
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				b.out = make([]*similar.Sketch, len(b.lines))
				for i, raw := range b.lines {
					var l line
					if err := json.Unmarshal(raw, &l); err != nil {
						log.Fatalf("line %d: %v", b.seq*batchSize+i+1, err)
					}
					b.out[i] = ix.Sketch(similar.Ad{ID: l.ID, Text: l.Text, Tokens: l.Tokens, City: l.City, PostedAt: l.PostedAt})
				}
				b.lines = nil
				done <- b
			}
		}()
	}
	go func() {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<26)
		b := &batch{}
		seq := 0
		for sc.Scan() {
			b.lines = append(b.lines, append([]byte(nil), sc.Bytes()...))
			if len(b.lines) == batchSize {
				b.seq = seq
				seq++
				jobs <- b
				b = &batch{}
			}
		}
		if err := sc.Err(); err != nil {
			log.Fatal(err)
		}
		if len(b.lines) > 0 {
			b.seq = seq
			jobs <- b
		}
		close(jobs)
		wg.Wait()
		close(done)
	}()

	pending := map[int]*batch{}
	next, n := 0, 0
	var tailStart time.Time
	for b := range done {
		pending[b.seq] = b
		for {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			for _, s := range b.out {
				if n == total-*tail {
					tailStart = time.Now()
				}
				ix.AddSketch(s)
				n++
			}
		}
	}
	addTime := time.Since(start)
	tailAdd := time.Since(tailStart)
	t0 := time.Now()
	clusters := ix.Clusters()
	clusterTime := time.Since(t0)
	elapsed := time.Since(start)

	st := ix.Stats()
	largest := 0
	inClusters := 0
	for _, c := range clusters {
		largest = max(largest, c.Size)
		inClusters += c.Size
	}
	cores := runtime.GOMAXPROCS(0)
	fmt.Printf("ads                 %d\n", n)
	fmt.Printf("cores               %d (GOMAXPROCS), sketch workers %d\n", cores, *workers)
	fmt.Printf("add (all ads)       %v  → %.0f ads/s, %.0f ads/s/core\n", addTime.Round(time.Millisecond), float64(n)/addTime.Seconds(), float64(n)/addTime.Seconds()/float64(cores))
	fmt.Printf("Clusters()          %v (%d clusters of ≥ 2, %d ads in them, largest %d = %.3f%% of ads)\n", clusterTime.Round(time.Millisecond), len(clusters), inClusters, largest, 100*float64(largest)/float64(n))
	fmt.Printf("total               %v  → %.0f ads/s\n", elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	if *tail > 0 && *tail < n {
		fmt.Printf("last %d ads        %v add + %v Clusters() = %v (G9: ≤ 5 s)\n", *tail, tailAdd.Round(time.Millisecond), clusterTime.Round(time.Millisecond), (tailAdd + clusterTime).Round(time.Millisecond))
	}
	fmt.Printf("pairs               %d verified of %d LSH candidates (%.2f×)\n", st.Verified, st.Candidates, float64(st.Candidates)/float64(max(st.Verified, 1)))
	fmt.Printf("identifiers         %d tokens, %d hubs, %d rebuilds\n", st.Tokens, st.Hubs, st.Rebuilds)
	fmt.Printf("stored sets         %.0f MiB shingles, %.0f MiB template words\n", st.ShingleMB, st.WordMB)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("Go heap after GC    %.0f MiB live (%.0f B/ad), %.0f MiB from the OS\n", float64(ms.HeapAlloc)/(1<<20), float64(ms.HeapAlloc)/float64(n), float64(ms.Sys)/(1<<20))
	fmt.Printf("peak RSS (VmHWM)    %s\n", vmHWM())

	if *truth != "" {
		want, err := readTruth(*truth)
		if err != nil {
			log.Fatal(err)
		}
		var a, b []string
		for id, nw := range want {
			c, ok := ix.ClusterOf(id)
			if !ok {
				c = id
			}
			if nw == "" {
				nw = id
			}
			a = append(a, c)
			b = append(b, nw)
		}
		fmt.Printf("ARI vs planted      %.4f over %d ads\n", similar.AdjustedRand(a, b), len(a))
	}
}

func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n := 0
	for {
		k, err := f.Read(buf)
		n += strings.Count(string(buf[:k]), "\n")
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

func readTruth(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(rows))
	for _, r := range rows[1:] {
		m[r[0]] = r[1]
	}
	return m, nil
}

func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
