// Command templates clusters the real ads of shared/data/ads/mx-boards by
// template and contact, the way `vigia screen` does, and writes what it
// finds to docs/screening-templates.md.
//
// The ad texts are not in the repository (they carry no licence) and never
// go into the report: it holds counts, sizes and a few cluster templates in
// masked form only (slots instead of numbers, phones, e-mails, links,
// handles, given names and places; any other word that occurs in fewer
// than -rare ads outside the cluster is hidden too, since it may be a
// person's or a company's name). Run from the repository root:
//
//	go run ./internal/screen/similar/templates
package main

import (
	"bufio"
	"compress/gzip"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"

	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/screen/similar"
)

type ad struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Portal   string `json:"portal"`
	Location string `json:"location"`
}

// rareWord stands for a word of a template that too few other ads use to
// rule out that it names someone.
const rareWord = "{RARA}"

func main() {
	in := flag.String("ads", "../shared/data/ads/mx-boards/mx-boards-2026-02.jsonl.gz", "the real ads (JSONL, gzip)")
	out := flag.String("out", "docs/screening-templates.md", "the report to write")
	rare := flag.Int("rare", 10, "hide template words found in fewer ads than this outside the cluster")
	show := flag.Int("show", 5, "templates to show")
	maxWords := flag.Int("words", 30, "words of each template shown")
	flag.Parse()

	ads, err := readAds(*in)
	if err != nil {
		log.Fatal(err)
	}
	// A throwaway key: tokens only link ads within this run.
	key := make([]byte, 32)
	rand.Read(key)
	sc, err := screen.New(key)
	if err != nil {
		log.Fatal(err)
	}
	hot := sc.Screen("800 5533 000").Tokens()
	type screened struct {
		folded string
		tokens []string
	}
	res := make([]screened, len(ads))
	for i, a := range ads {
		r := sc.Screen(a.Text)
		res[i] = screened{r.Folded, r.Tokens()}
	}
	build := func(mask bool) *similar.Index {
		cfg := similar.DefaultConfig()
		cfg.Mask = mask
		cfg.HubAllow = hot
		ix := similar.NewIndex(cfg)
		for i, a := range ads {
			ix.Add(similar.Ad{ID: a.ID, Text: res[i].folded, Tokens: res[i].tokens, City: a.Location})
		}
		return ix
	}
	masked, plain := build(true), build(false)
	cl := masked.Clusters()

	// Document frequency of every masked word, to hide rare ones.
	df := map[string]int{}
	wordsOf := make(map[string]map[string]bool, len(ads))
	for i, a := range ads {
		ws, _ := similar.Mask(res[i].folded)
		set := map[string]bool{}
		for _, w := range ws {
			set[w] = true
		}
		for w := range set {
			df[w]++
		}
		wordsOf[a.ID] = set
	}

	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Template clusters in the real job ads (mx-boards, February 2026)\n\n")
	p("Written by `go run ./internal/screen/similar/templates` (from the repository root; it reads\n")
	p("`../shared/data/ads/mx-boards/mx-boards-2026-02.jsonl.gz`, which is not in the repository). Do not edit by hand.\n\n")
	p("%d real ads (OCC Mundial, Computrabajo, Bumeran; scraped 3–10 February 2026), screened as\n", len(ads))
	p("`vigia screen` does (normalisation, contact tokens with a throwaway key, the national hotline as a\n")
	p("hub) and clustered by `similar.Index` with `DefaultConfig()`: numbers, phones, e-mails, links, handles,\n")
	p("given names and INEGI places become slots, the masked words are shingled as word 2-grams (ads under\n")
	p("30 words, or with fewer than 10 other different words, as written), MinHash/LSH finds candidates and\n")
	p("exact Jaccard ≥ 0.8 on the shingles verifies them (\"misma plantilla\"); shared contacts link too\n")
	p("(\"mismo contacto\").\n\n")
	p("The ad texts are never shown. The templates below are masked and cut to %d words, and any other word\n", *maxWords)
	p("that fewer than %d ads outside the cluster use is shown as `%s` (it could be a person's or a company's name).\n\n", *rare, rareWord)

	st := masked.Stats()
	var tmplClusters, contactOnly, both, tmplAds int
	for _, c := range cl {
		switch {
		case c.Edges.Template > 0 && c.Edges.Contact > 0:
			both++
		case c.Edges.Template > 0:
			tmplClusters++
		default:
			contactOnly++
		}
		if c.Edges.Template > 0 {
			tmplAds += c.Size
		}
	}
	plainCl := plain.Clusters()
	plainTmpl, plainTmplAds := 0, 0
	for _, c := range plainCl {
		if c.Edges.Template > 0 {
			plainTmpl++
			plainTmplAds += c.Size
		}
	}
	p("## Counts\n\n")
	p("| | with masking (default) | without masking (text as written) |\n|---|---:|---:|\n")
	p("| clusters (≥ 2 ads) | %d | %d |\n", len(cl), len(plainCl))
	p("| clusters with a template edge (\"misma plantilla\") | %d | %d |\n", tmplClusters+both, plainTmpl)
	p("| … of which also joined by a contact (\"mismo contacto\") | %d | |\n", both)
	p("| clusters joined by contacts only | %d | |\n", contactOnly)
	p("| ads in clusters with a template edge | %d | %d |\n", tmplAds, plainTmplAds)
	p("| verified near-duplicate pairs | %d | %d |\n", st.Verified, plain.Stats().Verified)
	p("| LSH candidate pairs | %d | %d |\n\n", st.Candidates, plain.Stats().Candidates)
	p("Masking finds %d more clusters with a template edge than the text as written, holding %d more ads.\n\n",
		tmplClusters+both-plainTmpl, tmplAds-plainTmplAds)

	// Clusters that are templates in the full sense: copies whose typed
	// slots hold different values (another city, pay, name or phone).
	varyKind := map[string]int{}
	withTemplate, varying := 0, 0
	for _, c := range cl {
		if c.Template == "" {
			continue
		}
		withTemplate++
		varies := false
		for _, u := range c.Slots {
			if u.Slot != similar.Slot && u.Varying > 0 {
				varyKind[u.Slot]++
				varies = true
			}
		}
		if varies {
			varying++
		}
	}
	var kinds []string
	for k := range varyKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var kp []string
	for _, k := range kinds {
		kp = append(kp, fmt.Sprintf("`%s` %d", k, varyKind[k]))
	}
	p("%d clusters show a template (their largest near-duplicate group has 3 or more ads); in %d of them a\n", withTemplate, varying)
	p("typed slot holds different values in different copies (by slot: %s).\n\n", strings.Join(kp, ", "))

	p("## The biggest clusters\n\n")
	p("| rank | ads | template edges | contact edges | portals | slots that vary (of those in the template) |\n|---:|---:|---:|---:|---|---|\n")
	portal := map[string]string{}
	for _, a := range ads {
		portal[a.ID] = a.Portal
	}
	for i, c := range cl[:min(15, len(cl))] {
		ps := map[string]bool{}
		for _, m := range c.Members {
			ps[portal[m]] = true
		}
		var pl []string
		for k := range ps {
			pl = append(pl, k)
		}
		slices.Sort(pl)
		p("| %d | %d | %d | %d | %s | %s |\n", i+1, c.Size, c.Edges.Template, c.Edges.Contact, strings.Join(pl, ", "), slotSummary(c.Slots))
	}
	p("\nSizes of all clusters: %s.\n\n", sizeHistogram(cl))

	p("## Some templates, masked\n\n")
	p("The largest clusters whose template has a typed slot and passes the checks (no digits, no `@`, no link\n")
	p("left; rare words hidden), from a few words before the first slot.\n")
	p("`%s` marks words that differ between the copies.\n\n", similar.Slot)
	shown := 0
	for _, c := range cl {
		if shown == *show {
			break
		}
		if c.Template == "" {
			continue
		}
		inCluster := map[string]int{}
		for _, m := range c.Members {
			for w := range wordsOf[m] {
				inCluster[w]++
			}
		}
		var ws []string
		ok := true
		for _, w := range strings.Fields(c.Template) {
			if similar.IsSlot(w) {
				ws = append(ws, w)
				continue
			}
			if strings.ContainsAny(w, "0123456789@/:") || strings.Contains(w, "http") || strings.Contains(w, "www") {
				ok = false
				break
			}
			if df[w]-inCluster[w] < *rare {
				w = rareWord
			}
			ws = append(ws, w)
		}
		// Show the stretch around the first typed slot: that is what a
		// template adds to a cluster of exact copies.
		first := -1
		for i, w := range ws {
			if similar.IsSlot(w) && w != similar.Slot && w != rareWord {
				first = i
				break
			}
		}
		if !ok || first < 0 {
			continue
		}
		shown++
		from := max(0, first-8)
		to := min(len(ws), from+*maxWords)
		lead, tail := "", ""
		if from > 0 {
			lead = "… "
		}
		if to < len(ws) {
			tail = " …"
		}
		p("%d. %d ads, slots that vary: %s\n\n   > %s%s%s\n\n", shown, c.Size, slotSummary(c.Slots), lead, strings.Join(ws[from:to], " "), tail)
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d ads, %d clusters (%d with a template edge), wrote %s\n", len(ads), len(cl), tmplClusters+both, *out)
}

func slotSummary(us []similar.SlotUse) string {
	var parts []string
	for _, u := range us {
		parts = append(parts, fmt.Sprintf("`%s` %d/%d", u.Slot, u.Varying, u.Count))
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}

func sizeHistogram(cl []similar.Cluster) string {
	bins := []struct {
		lo, hi int
	}{{2, 2}, {3, 3}, {4, 5}, {6, 10}, {11, 20}, {21, 50}, {51, 1 << 30}}
	var parts []string
	for _, bn := range bins {
		n := 0
		for _, c := range cl {
			if c.Size >= bn.lo && c.Size <= bn.hi {
				n++
			}
		}
		label := fmt.Sprintf("%d–%d", bn.lo, bn.hi)
		switch {
		case bn.lo == bn.hi:
			label = fmt.Sprint(bn.lo)
		case bn.hi == 1<<30:
			label = fmt.Sprintf("> %d", bn.lo-1)
		}
		parts = append(parts, fmt.Sprintf("%s ads: %d", label, n))
	}
	return strings.Join(parts, "; ")
}

func readAds(path string) ([]ad, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var ads []ad
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var a ad
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		ads = append(ads, a)
	}
	return ads, sc.Err()
}
