// Command gen writes SYNTHETIC job ads for the screening benchmarks.
//
// The ads are made up (see package bench/screen/synth): recruiter networks
// posting templates with varying slots and shared or rotating phones,
// planted hub numbers (a hotline in 5 % of the ads, an agency switchboard in
// 2 %) and unrelated ads. They must never be shown as, or mixed with, real
// ads.
//
// It writes two files:
//
//   - -o: JSON lines {"id", "text", "posted_at", "city", "tokens"}; tokens
//     stand in for the contact extractor's output;
//   - -truth (default: -o with .truth.csv): "id,network", the planted
//     network of each ad, empty for unrelated ads.
//
// Usage:
//
//	go run ./bench/screen/gen -n 1000000 -seed 1 -o bench/out/ads_synthetic_1m.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/vigia-mx/vigia/bench/screen/synth"
)

func main() {
	n := flag.Int("n", 1000000, "number of ads")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "ads_synthetic.jsonl", "ads file (JSON lines)")
	truth := flag.String("truth", "", "ground-truth file (default: -o with .truth.csv)")
	flag.Parse()
	if *truth == "" {
		*truth = strings.TrimSuffix(*out, ".jsonl") + ".truth.csv"
	}
	fa, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	ft, err := os.Create(*truth)
	if err != nil {
		log.Fatal(err)
	}
	wa, wt := bufio.NewWriterSize(fa, 1<<20), bufio.NewWriterSize(ft, 1<<20)
	fmt.Fprintln(wt, "id,network")
	g := synth.New(*n, *seed)
	nets := map[string]bool{}
	for {
		ad, ok := g.Next()
		if !ok {
			break
		}
		b, err := json.Marshal(ad)
		if err != nil {
			log.Fatal(err)
		}
		wa.Write(b)
		wa.WriteByte('\n')
		fmt.Fprintf(wt, "%s,%s\n", ad.ID, ad.Network)
		if ad.Network != "" {
			nets[ad.Network] = true
		}
	}
	for _, w := range []*bufio.Writer{wa, wt} {
		if err := w.Flush(); err != nil {
			log.Fatal(err)
		}
	}
	for _, f := range []*os.File{fa, ft} {
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Fprintf(os.Stderr, "gen: %d SYNTHETIC ads, %d planted networks → %s, %s\n", *n, len(nets), *out, *truth)
}
