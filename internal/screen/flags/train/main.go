// Command train fits the screener's model (internal/screen/flags/model.json)
// on the real labelled ads and writes its evaluation to
// docs/screening-eval.md.
//
// The ad texts are not in the repository (they carry no licence): they are
// read from the shared data folder beside it (-ads). The repository holds the
// labels (internal/screen/flags/gold/labels.jsonl: ids, labels, flags with
// spans, the two annotations and how they were reconciled) and the model's
// weights. Run from the repository root:
//
//	go run ./internal/screen/flags/train            # writes model.json and the report
//	go run ./internal/screen/flags/train -check     # fails if model.json is stale
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/vigia-mx/vigia/internal/screen/flags"
	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

// Config of the trainer.
type Config struct {
	Iters     int     // gradient steps
	LR        float64 // step size
	L2Flag    float64 // pull of each flag weight towards its prior (rules.json)
	L2Simple  float64 // ridge on the simple features
	L2Phrase  float64 // ridge on the phrase buckets
	PosWeight float64 // weight of a risky example in the loss
	Folds     int
	// AltoPrecision: the out-of-fold precision the alto tier must reach;
	// AltoLegitMax: the largest share of legit ads it may take.
	AltoPrecision, AltoLegitMax float64
	// MedioRecall: the out-of-fold recall medio-or-above must keep.
	MedioRecall float64
	// PastedRate is the assumed share of risky offers among texts people
	// paste into /oferta (no data measures it).
	PastedRate float64
	MinWords   int
	Seed       uint64
}

// DefaultConfig is the configuration model.json is built with.
var DefaultConfig = Config{Iters: 1500, LR: 1.0, L2Flag: 0.005, L2Simple: 0.01, L2Phrase: 0.001, PosWeight: 4,
	Folds: 5, AltoPrecision: 0.90, AltoLegitMax: 0.02, MedioRecall: 0.98, PastedRate: 0.25, MinWords: 8, Seed: 20261206}

// Gold is one line of gold/labels.jsonl.
type Gold struct {
	ID        string     `json:"id"`
	Portal    string     `json:"portal"`
	Category  string     `json:"category"`
	Round     string     `json:"round"`     // r1, r2
	Selection string     `json:"selection"` // random, rules, toprisk, active
	Label     string     `json:"label"`     // legit, scam, trafficking_risk, unsure
	Flags     []GoldFlag `json:"flags"`
	A         Annotation `json:"a"`
	B         Annotation `json:"b"`
	// How the label was reached: "agreed" or "adjudicated".
	Resolution string `json:"resolution"`
	// Weight: the inverse of the ad's chance of entering the sample
	// (Horvitz–Thompson), for figures about the whole feed.
	Weight float64 `json:"weight"`
}

// GoldFlag is a flag with its evidence span (code points in the ad text).
type GoldFlag struct {
	ID    string `json:"id"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Annotation is what one annotator said.
type Annotation struct {
	Label string   `json:"label"`
	Flags []string `json:"flags"`
}

// Example is one labelled ad with its model inputs.
type Example struct {
	ID, Portal, Category, Label, Selection string
	Source                                 string // mx-boards or lures
	Text                                   string
	Weight                                 float64
	Gold                                   *Gold
	Y                                      float64 // 1: scam or trafficking_risk
	X                                      []float64
	Buckets                                []uint32
	BVal                                   float64
	Hits                                   []flags.Hit
	Group                                  int
	Fold                                   int
}

func risky(label string) bool { return label == "scam" || label == "trafficking_risk" }

// ad is one line of the shared corpora.
type ad struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Portal   string `json:"portal"`
	Category string `json:"category"`
	Label    string `json:"label"` // lures only
}

func readJSONL(r io.Reader, yield func([]byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := yield(sc.Bytes()); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	return sc.Err()
}

// LoadAds reads the job-board corpus and the lures from the shared folder.
func LoadAds(dir string) (boards map[string]ad, lures []ad, err error) {
	p := filepath.Join(dir, "mx-boards", "mx-boards-2026-02.jsonl.gz")
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", p, err)
	}
	boards = make(map[string]ad)
	if err := readJSONL(zr, func(b []byte) error {
		var a ad
		if err := json.Unmarshal(b, &a); err != nil {
			return err
		}
		boards[a.ID] = a
		return nil
	}); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", p, err)
	}
	p = filepath.Join(dir, "lures", "lures-es.jsonl")
	lf, err := os.Open(p)
	if err != nil {
		return nil, nil, err
	}
	defer lf.Close()
	if err := readJSONL(lf, func(b []byte) error {
		var a ad
		if err := json.Unmarshal(b, &a); err != nil {
			return err
		}
		if !risky(a.Label) {
			return fmt.Errorf("lure %s: label %q", a.ID, a.Label)
		}
		lures = append(lures, a)
		return nil
	}); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", p, err)
	}
	return boards, lures, nil
}

// LoadGold reads gold/labels.jsonl.
func LoadGold(path string) ([]Gold, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Gold
	err = readJSONL(f, func(b []byte) error {
		var g Gold
		if err := json.Unmarshal(b, &g); err != nil {
			return err
		}
		switch g.Label {
		case "legit", "scam", "trafficking_risk", "unsure":
		default:
			return fmt.Errorf("%s: label %q", g.ID, g.Label)
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// Examples joins the labels to the texts and computes the model inputs.
// Ads labelled unsure are left out of training and evaluation.
func Examples(gold []Gold, boards map[string]ad, lures []ad) ([]Example, error) {
	var ex []Example
	for i := range gold {
		g := &gold[i]
		if g.Label == "unsure" {
			continue
		}
		a, ok := boards[g.ID]
		if !ok {
			return nil, fmt.Errorf("gold id %s is not in the corpus", g.ID)
		}
		ex = append(ex, Example{ID: g.ID, Portal: g.Portal, Category: g.Category, Label: g.Label, Selection: g.Selection,
			Source: "mx-boards", Text: a.Text, Weight: g.Weight, Gold: g})
	}
	for _, l := range lures {
		ex = append(ex, Example{ID: l.ID, Portal: "lures", Category: "lures", Label: l.Label, Selection: "lures",
			Source: "lures", Text: l.Text, Weight: 0})
	}
	for i := range ex {
		prepare(&ex[i])
	}
	return ex, nil
}

func prepare(e *Example) {
	t := normalize.New(e.Text)
	hits, feat := flags.MatchFeatures(t)
	e.Hits = hits
	e.X = flags.Vectorize(hits, feat)
	e.Buckets, e.BVal = flags.PhraseVector(t.Folded)
	if risky(e.Label) {
		e.Y = 1
	}
}

// ---- groups and folds -------------------------------------------------------

// maskedShingles are the word 4-grams of an ad with every number masked, so
// copies of one template with other pay or phone fall in one family.
func maskedShingles(text string) map[string]bool {
	t := normalize.New(text)
	var w []string
	for _, f := range strings.FieldsFunc(t.Folded, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		if strings.ContainsAny(f, "0123456789") {
			f = "#"
		}
		w = append(w, f)
	}
	s := make(map[string]bool)
	if len(w) < 4 {
		s[strings.Join(w, " ")] = true
		return s
	}
	for i := 0; i+4 <= len(w); i++ {
		s[strings.Join(w[i:i+4], " ")] = true
	}
	return s
}

// AssignGroups links ads whose masked 4-gram sets have Jaccard ≥ tau
// (candidates from shingles shared by at most 60 ads, so portal boilerplate
// does not make everything a candidate) and numbers the families.
func AssignGroups(ex []Example, tau float64) int {
	sh := make([]map[string]bool, len(ex))
	post := make(map[string][]int)
	for i := range ex {
		sh[i] = maskedShingles(ex[i].Text)
		for s := range sh[i] {
			post[s] = append(post[s], i)
		}
	}
	parent := make([]int, len(ex))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	done := make(map[[2]int]bool)
	for _, l := range post {
		if len(l) > 60 {
			continue
		}
		for x := 0; x < len(l); x++ {
			for y := x + 1; y < len(l); y++ {
				i, j := l[x], l[y]
				if done[[2]int{i, j}] || find(i) == find(j) {
					continue
				}
				done[[2]int{i, j}] = true
				inter := 0
				for s := range sh[i] {
					if sh[j][s] {
						inter++
					}
				}
				if u := len(sh[i]) + len(sh[j]) - inter; u > 0 && float64(inter)/float64(u) >= tau {
					parent[find(i)] = find(j)
				}
			}
		}
	}
	ids := make(map[int]int)
	for i := range ex {
		r := find(i)
		if _, ok := ids[r]; !ok {
			ids[r] = len(ids)
		}
		ex[i].Group = ids[r]
	}
	return len(ids)
}

// splitmix is a small deterministic generator.
type splitmix uint64

func (s *splitmix) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// AssignFolds puts whole families in folds, risky families dealt apart from
// legit ones so every fold gets its share of both.
func AssignFolds(ex []Example, k int, seed uint64) {
	type fam struct {
		id, n int
		pos   bool
	}
	fams := map[int]*fam{}
	for _, e := range ex {
		f := fams[e.Group]
		if f == nil {
			f = &fam{id: e.Group}
			fams[e.Group] = f
		}
		f.n++
		f.pos = f.pos || e.Y > 0
	}
	var list []*fam
	for _, f := range fams {
		list = append(list, f)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	rng := splitmix(seed)
	for i := len(list) - 1; i > 0; i-- {
		j := int(rng.next() % uint64(i+1))
		list[i], list[j] = list[j], list[i]
	}
	// Largest families first, each to the fold with fewest of its kind.
	sort.SliceStable(list, func(i, j int) bool { return list[i].n > list[j].n })
	load := [2][]int{make([]int, k), make([]int, k)}
	fold := map[int]int{}
	for _, f := range list {
		c := 0
		if f.pos {
			c = 1
		}
		best := 0
		for j := 1; j < k; j++ {
			if load[c][j] < load[c][best] {
				best = j
			}
		}
		fold[f.id] = best
		load[c][best] += f.n
	}
	for i := range ex {
		ex[i].Fold = fold[ex[i].Group]
	}
}

// ---- the model ----------------------------------------------------------------

// Fit is a trained logistic regression: dense weights over flags and simple
// features, and weights over phrase buckets.
type Fit struct {
	W      []float64
	Bias   float64
	Phrase []float64 // PhraseBuckets long
}

// Score is the raw log-odds of e.
func (f *Fit) Score(e *Example) float64 {
	z := f.Bias
	for j, v := range e.X {
		z += f.W[j] * v
	}
	for _, b := range e.Buckets {
		z += f.Phrase[b] * e.BVal
	}
	return z
}

// Train fits the model by full-batch gradient descent. Flag weights are pulled
// towards their prior (the rules' weight) and kept ≥ 0, so the data tempers
// the indicator-grounded rules but never turns a red flag into a reason for
// trust; flags the data never sees keep their prior.
func Train(ex []Example, cfg Config) *Fit {
	nflag := len(flags.InputNames()) - 7
	prior := make([]float64, len(ex[0].X))
	for j, id := range flags.InputNames()[:nflag] {
		if f, ok := flags.Lookup(id); ok {
			prior[j] = f.Weight
		}
	}
	w := slices.Clone(prior)
	b := 0.0
	pw := make([]float64, flags.PhraseBuckets)
	gp := make([]float64, flags.PhraseBuckets)
	var used []uint32 // buckets some example has
	mark := make([]bool, flags.PhraseBuckets)
	for _, e := range ex {
		for _, k := range e.Buckets {
			if !mark[k] {
				mark[k] = true
				used = append(used, k)
			}
		}
	}
	slices.Sort(used)
	var sw float64
	for _, e := range ex {
		sw += weightOf(e, cfg)
	}
	gw := make([]float64, len(w))
	for it := 0; it < cfg.Iters; it++ {
		clear(gw)
		for _, k := range used {
			gp[k] = 0
		}
		gb := 0.0
		for i := range ex {
			e := &ex[i]
			z := b
			for j, v := range e.X {
				z += w[j] * v
			}
			for _, k := range e.Buckets {
				z += pw[k] * e.BVal
			}
			r := (sigmoid(z) - e.Y) * weightOf(*e, cfg)
			for j, v := range e.X {
				gw[j] += r * v
			}
			rv := r * e.BVal
			for _, k := range e.Buckets {
				gp[k] += rv
			}
			gb += r
		}
		for j := range w {
			l2, c := cfg.L2Simple, 0.0
			if j < nflag {
				l2, c = cfg.L2Flag, prior[j]
			}
			w[j] -= cfg.LR * (gw[j]/sw + l2*(w[j]-c))
			if j < nflag && w[j] < 0 {
				w[j] = 0
			}
		}
		for _, k := range used {
			pw[k] -= cfg.LR * (gp[k]/sw + cfg.L2Phrase*pw[k])
		}
		b -= cfg.LR * gb / sw
	}
	return &Fit{W: w, Bias: b, Phrase: pw}
}

func weightOf(e Example, cfg Config) float64 {
	if e.Y > 0 {
		return cfg.PosWeight
	}
	return 1
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// FitPlatt fits p = sigmoid(a*z+b) on held-out scores with Platt's smoothed
// targets, by Newton's method; a is kept ≥ 0 so calibration is monotone.
func FitPlatt(z, y []float64) (float64, float64) {
	var np, nn float64
	for _, v := range y {
		if v > 0.5 {
			np++
		} else {
			nn++
		}
	}
	tp, tn := (np+1)/(np+2), 1/(nn+2)
	a, b := 1.0, 0.0
	for it := 0; it < 100; it++ {
		var ga, gb, haa, hab, hbb float64
		for i := range z {
			t := tn
			if y[i] > 0.5 {
				t = tp
			}
			p := sigmoid(a*z[i] + b)
			r := p - t
			ga += r * z[i]
			gb += r
			s := p*(1-p) + 1e-9
			haa += s * z[i] * z[i]
			hab += s * z[i]
			hbb += s
		}
		haa += 1e-6
		hbb += 1e-6
		det := haa*hbb - hab*hab
		if det == 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		a -= da
		b -= db
		if a < 0 {
			a = 0
		}
		if math.Abs(da) < 1e-10 && math.Abs(db) < 1e-10 {
			break
		}
	}
	return a, b
}

// CrossValidate returns out-of-fold raw scores.
func CrossValidate(ex []Example, cfg Config) []float64 {
	oof := make([]float64, len(ex))
	for k := 0; k < cfg.Folds; k++ {
		var tr []Example
		for _, e := range ex {
			if e.Fold != k {
				tr = append(tr, e)
			}
		}
		f := Train(tr, cfg)
		for i := range ex {
			if ex[i].Fold == k {
				oof[i] = f.Score(&ex[i])
			}
		}
	}
	return oof
}

// chooseThresholds picks the tiers on out-of-fold scores: alto is the lowest
// score whose precision reaches cfg.AltoPrecision while taking at most
// cfg.AltoLegitMax of the legit ads (the most recall under both); medio is
// the highest score that keeps recall ≥ cfg.MedioRecall.
func chooseThresholds(z, y []float64, cfg Config) (alto, medio float64) {
	cand := slices.Clone(z)
	sort.Float64s(cand)
	cand = slices.Compact(cand)
	var npos, nneg float64
	for _, v := range y {
		if v > 0 {
			npos++
		} else {
			nneg++
		}
	}
	alto = math.Inf(1)
	for _, t := range cand {
		var tp, fp float64
		for i := range z {
			if z[i] >= t {
				if y[i] > 0 {
					tp++
				} else {
					fp++
				}
			}
		}
		if tp+fp > 0 && tp/(tp+fp) >= cfg.AltoPrecision && fp/nneg <= cfg.AltoLegitMax {
			alto = t
			break
		}
	}
	medio = cand[0]
	for _, t := range cand {
		var tp float64
		for i := range z {
			if z[i] >= t && y[i] > 0 {
				tp++
			}
		}
		if tp/npos >= cfg.MedioRecall {
			medio = t
		}
	}
	if medio > alto {
		medio = alto
	}
	return alto, medio
}

// Build trains the shipped model on every example and calibrates it on the
// out-of-fold scores. It returns the model and the out-of-fold scores.
func Build(ex []Example, cfg Config) (flags.Model, []float64) {
	oof := CrossValidate(ex, cfg)
	y := make([]float64, len(ex))
	for i, e := range ex {
		y[i] = e.Y
	}
	a, b := FitPlatt(oof, y)
	full := Train(ex, cfg)
	m := flags.Model{
		Version:      "2026.12-m2",
		RulesVersion: flags.RulesVersion(),
		Inputs:       flags.InputNames(),
		Bias:         round(full.Bias, 5),
		PlattA:       round(a, 6),
		PlattB:       round(b, 6),
		ExplainMin:   0.15,
		MinWords:     cfg.MinWords,
	}
	for _, v := range full.W {
		m.Weights = append(m.Weights, round(v, 5))
	}
	var ks []uint32
	for k, v := range full.Phrase {
		if math.Abs(v) >= 0.02 {
			ks = append(ks, uint32(k))
		}
	}
	m.Phrases.Buckets = flags.PhraseBuckets
	for _, k := range ks {
		m.Phrases.Index = append(m.Phrases.Index, k)
		m.Phrases.Weights = append(m.Phrases.Weights, float32(round(full.Phrase[k], 4)))
	}
	m.BaseRates = flags.BaseRates{Train: round(mean(y), 6), Feed: round(feedRate(ex), 6), Pasted: cfg.PastedRate}
	za, zm := chooseThresholds(oof, y, cfg)
	m.Thresholds = flags.Thresholds{Alto: math.Floor(riskAt(m, za)*1e6) / 1e6, Medio: math.Floor(riskAt(m, zm)*1e6) / 1e6}
	m.Training = map[string]any{
		"examples": len(ex), "risky": int(sum(y)), "folds": cfg.Folds, "iters": cfg.Iters,
		"l2_flag": cfg.L2Flag, "l2_simple": cfg.L2Simple, "l2_phrase": cfg.L2Phrase, "seed": cfg.Seed,
		"data": "internal/screen/flags/gold/labels.jsonl over shared/data/ads/mx-boards + shared/data/ads/lures",
	}
	return m, oof
}

// riskAt is the feed-calibrated risk of raw score z under m.
func riskAt(m flags.Model, z float64) float64 {
	if math.IsInf(z, 1) {
		return 1
	}
	if err := m.Init(); err != nil {
		panic(err)
	}
	return m.Risk(z)
}

// feedRate is the share of risky ads in the job-board feed, estimated from
// the random sample with its design weights.
func feedRate(ex []Example) float64 {
	var w, wp float64
	for _, e := range ex {
		if e.Selection != "random" {
			continue
		}
		w += e.Weight
		wp += e.Weight * e.Y
	}
	if w == 0 {
		return 0
	}
	return wp / w
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return sum(v) / float64(len(v))
}

func round(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// Encode writes a model as model.json bytes.
func Encode(m flags.Model) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// load reads the labels and the texts and prepares the examples, in their
// families and folds.
func load(root, adsDir string, cfg Config) ([]Example, []Gold, error) {
	gold, err := LoadGold(filepath.Join(root, "internal/screen/flags/gold/labels.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	boards, lures, err := LoadAds(adsDir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the ads (the texts live outside the repository, in shared/data/ads): %w", err)
	}
	ex, err := Examples(gold, boards, lures)
	if err != nil {
		return nil, nil, err
	}
	AssignGroups(ex, 0.5)
	AssignFolds(ex, cfg.Folds, cfg.Seed)
	return ex, gold, nil
}

// Run loads everything, builds the model and its report.
func Run(root, adsDir string, cfg Config) (flags.Model, []byte, error) {
	ex, gold, err := load(root, adsDir, cfg)
	if err != nil {
		return flags.Model{}, nil, err
	}
	m, oof := Build(ex, cfg)
	var rep bytes.Buffer
	Report(&rep, ex, gold, m, oof, cfg)
	return m, rep.Bytes(), nil
}

func main() {
	root := flag.String("root", ".", "repository root")
	ads := flag.String("ads", "../shared/data/ads", "folder with mx-boards/ and lures/ (outside the repository)")
	check := flag.Bool("check", false, "only check that model.json and docs/screening-eval.md are up to date")
	sweep := flag.Bool("sweep", false, "print out-of-fold figures over a small grid of settings (writes nothing)")
	flag.Parse()
	log.SetFlags(0)
	if *sweep {
		if err := Sweep(*root, *ads); err != nil {
			log.Fatal(err)
		}
		return
	}
	m, rep, err := Run(*root, *ads, DefaultConfig)
	if err != nil {
		log.Fatal(err)
	}
	b, err := Encode(m)
	if err != nil {
		log.Fatal(err)
	}
	mp := filepath.Join(*root, "internal/screen/flags/model.json")
	rp := filepath.Join(*root, "docs/screening-eval.md")
	if *check {
		old, _ := os.ReadFile(mp)
		oldr, _ := os.ReadFile(rp)
		if !bytes.Equal(old, b) || !bytes.Equal(oldr, rep) {
			log.Fatal("model.json or docs/screening-eval.md is stale: run go run ./internal/screen/flags/train")
		}
		return
	}
	if err := os.WriteFile(mp, b, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(rp, rep, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s and %s\n", mp, rp)
}

// Sweep prints the out-of-fold AUC and alto figures over a small grid, so
// the settings in DefaultConfig can be checked. It is the only tuning done
// on the cross-validation (a handful of settings; the report says so).
func Sweep(root, adsDir string) error {
	ex, _, err := load(root, adsDir, DefaultConfig)
	if err != nil {
		return err
	}
	for _, l2p := range []float64{0.001, 0.004} {
		for _, pw := range []float64{1, 4} {
			for _, l2f := range []float64{0.005, 0.02} {
				cfg := DefaultConfig
				cfg.L2Phrase, cfg.PosWeight, cfg.L2Flag = l2p, pw, l2f
				oof := CrossValidate(ex, cfg)
				y := make([]float64, len(ex))
				for i := range ex {
					y[i] = ex[i].Y
				}
				za, zm := chooseThresholds(oof, y, cfg)
				var ap, an, mp, pos, neg float64
				for i := range ex {
					if y[i] > 0 {
						pos++
						if oof[i] >= za {
							ap++
						}
						if oof[i] >= zm {
							mp++
						}
					} else {
						neg++
						if oof[i] >= za {
							an++
						}
					}
				}
				fmt.Printf("l2_phrase=%g pos_weight=%g l2_flag=%g  auc=%.3f ap=%.3f alto_recall=%.3f alto_legit=%.4f medio_recall=%.3f\n",
					l2p, pw, l2f, rocAUC(oof, y), averagePrecision(oof, y), ap/pos, an/neg, mp/pos)
			}
		}
	}
	return nil
}
