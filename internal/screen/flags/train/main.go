// Command train fits the screening model (../model.json) from the package's
// own test data and prints the evaluation used in docs/screening-eval.md.
//
//	go run ./internal/screen/flags/train            # writes model.json, prints report
//	go run ./internal/screen/flags/train -check     # fails if model.json is stale
//
// Training is deterministic: full-batch gradient descent from zero weights,
// fixed folds derived from hashes of ids, no randomness.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vigia-mx/vigia/internal/screen/flags"
	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

// ModelVersion is bumped whenever data, rules or training change.
const ModelVersion = "2026.11-m1"

// Config of the trainer.
type Config struct {
	Iters int     // gradient-descent steps
	LR    float64 // step size
	L2    float64 // ridge penalty on weights (not the bias)
	Folds int     // group folds for out-of-fold calibration and CV
	// Precision the "alto" tier must reach on out-of-fold training predictions.
	AltoPrecision float64
	// Recall the "medio" tier (and above) must reach on out-of-fold predictions.
	MedioRecall float64
}

var DefaultConfig = Config{Iters: 4000, LR: 0.5, L2: 0.02, Folds: 5, AltoPrecision: 0.90, MedioRecall: 0.90}

// Example is one labelled ad.
type Example struct {
	ID, Source, Split, Category, Label string
	Group                              string
	Y                                  float64
	Text                               normalize.Text
	DupText                            string // text used for near-duplicate grouping
	Feat                               flags.Features
	Expected                           []string       // ES: expected flag ids
	Manual                             map[string]int // EMSCAD: human flag labels
	Hits                               []flags.Hit
	X                                  []float64
}

func (e *Example) prepare() {
	e.Hits = flags.Match(e.Text)
	e.X = flags.Vectorize(e.Hits, e.Feat)
}

// LoadDevES reads dev_es.jsonl.
func LoadDevES(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var d struct {
			ID, Split, Category, Label, Text string
			Synthetic                        bool
			Flags                            []string
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, err
		}
		if !d.Synthetic {
			return nil, fmt.Errorf("%s: dev_es rows must be marked synthetic", d.ID)
		}
		switch d.Label {
		case "legit", "scam", "trafficking":
		default:
			return nil, fmt.Errorf("%s: bad label %q", d.ID, d.Label)
		}
		t := normalize.New(d.Text)
		e := Example{ID: d.ID, Source: "es", Split: d.Split, Category: d.Category, Label: d.Label,
			Text: t, DupText: t.Folded, Feat: flags.FeaturesFromText(t), Expected: d.Flags}
		if d.Label != "legit" {
			e.Y = 1
		}
		e.prepare()
		out = append(out, e)
	}
	return out, sc.Err()
}

// LoadEMSCAD reads emscad_sample.jsonl (label: fraudulent).
func LoadEMSCAD(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<22), 1<<22)
	for sc.Scan() {
		var d struct {
			JobID          int            `json:"job_id"`
			Title          string         `json:"title"`
			SalaryRange    string         `json:"salary_range"`
			CompanyProfile string         `json:"company_profile"`
			Description    string         `json:"description"`
			Requirements   string         `json:"requirements"`
			Benefits       string         `json:"benefits"`
			Fraudulent     int            `json:"fraudulent"`
			ManualFlags    map[string]int `json:"manual_flags"`
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, err
		}
		raw := d
		parts := []string{d.Title}
		if raw.SalaryRange != "" {
			parts = append(parts, "Salary: $"+raw.SalaryRange)
		}
		parts = append(parts, raw.CompanyProfile, d.Description, d.Requirements, d.Benefits)
		t := normalize.New(strings.Join(parts, "\n"))
		f := flags.FeaturesFromText(t)
		f.HasCompanyName = f.HasCompanyName || strings.TrimSpace(raw.CompanyProfile) != ""
		e := Example{ID: fmt.Sprintf("emscad-%d", d.JobID), Source: "emscad", Split: "emscad", Label: "legit",
			Text: t, DupText: normalize.New(d.Description).Folded, Feat: f, Manual: d.ManualFlags}
		if d.Fraudulent == 1 {
			e.Y, e.Label = 1, "fraud"
		}
		e.prepare()
		out = append(out, e)
	}
	return out, sc.Err()
}

// ---- near-duplicate groups -------------------------------------------------

func shingles(s string, k int) map[string]bool {
	w := strings.Fields(s)
	out := map[string]bool{}
	if len(w) < k {
		if len(w) > 0 {
			out[strings.Join(w, " ")] = true
		}
		return out
	}
	for i := 0; i+k <= len(w); i++ {
		out[strings.Join(w[i:i+k], " ")] = true
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return float64(n) / float64(len(a)+len(b)-n)
}

// AssignGroups puts examples whose DupText shares word 5-gram Jaccard >= tau
// in one group (union-find), so that a split never separates near-duplicates.
func AssignGroups(ex []Example, tau float64) int {
	par := make([]int, len(ex))
	for i := range par {
		par[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for par[i] != i {
			par[i] = par[par[i]]
			i = par[i]
		}
		return i
	}
	sh := make([]map[string]bool, len(ex))
	for i := range ex {
		sh[i] = shingles(ex[i].DupText, 5)
	}
	merged := 0
	for i := range ex {
		for j := i + 1; j < len(ex); j++ {
			if ex[i].Source == ex[j].Source && jaccard(sh[i], sh[j]) >= tau {
				a, b := find(i), find(j)
				if a != b {
					par[b] = a
					merged++
				}
			}
		}
	}
	for i := range ex {
		ex[i].Group = ex[find(i)].ID
	}
	return merged
}

func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// folds assigns each example a fold by group, stratified by label.
func folds(ex []Example, k int) []int {
	type grp struct {
		key string
		y   float64
	}
	seen := map[string]bool{}
	var gs []grp
	for _, e := range ex {
		if !seen[e.Group] {
			seen[e.Group] = true
			gs = append(gs, grp{e.Group, e.Y})
		}
	}
	sort.Slice(gs, func(i, j int) bool {
		if gs[i].y != gs[j].y {
			return gs[i].y < gs[j].y
		}
		hi, hj := hash(gs[i].key), hash(gs[j].key)
		if hi != hj {
			return hi < hj
		}
		return gs[i].key < gs[j].key
	})
	fold := map[string]int{}
	for i, g := range gs {
		fold[g.key] = i % k
	}
	out := make([]int, len(ex))
	for i, e := range ex {
		out[i] = fold[e.Group]
	}
	return out
}

// ---- learning --------------------------------------------------------------

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// TrainLR fits a logistic regression by full-batch gradient descent with L2.
// Weights with index < nonneg are projected onto w >= 0 after every step, so
// firing one more flag can never lower the score (goal G4).
func TrainLR(X [][]float64, y []float64, nonneg int, cfg Config) ([]float64, float64) {
	d := len(X[0])
	w := make([]float64, d)
	b := 0.0
	n := float64(len(X))
	g := make([]float64, d)
	for it := 0; it < cfg.Iters; it++ {
		for j := range g {
			g[j] = 0
		}
		gb := 0.0
		for i, x := range X {
			z := b
			for j, v := range x {
				z += w[j] * v
			}
			r := sigmoid(z) - y[i]
			for j, v := range x {
				g[j] += r * v
			}
			gb += r
		}
		for j := range w {
			w[j] -= cfg.LR * (g[j]/n + cfg.L2*w[j])
			if j < nonneg && w[j] < 0 {
				w[j] = 0
			}
		}
		b -= cfg.LR * gb / n
	}
	return w, b
}

// FitPlatt fits p = sigmoid(a*z+b) on held-out scores with Platt's smoothed
// targets, by Newton's method; a is kept >= 0 so calibration is monotone.
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

func nonnegCount() int {
	n := 0
	for _, name := range flags.InputNames() {
		if _, ok := flags.Lookup(name); ok {
			n++
		}
	}
	return n
}

func xy(ex []Example) ([][]float64, []float64) {
	X := make([][]float64, len(ex))
	y := make([]float64, len(ex))
	for i, e := range ex {
		X[i], y[i] = e.X, e.Y
	}
	return X, y
}

func round(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// Build trains the final model on ex and calibrates it on out-of-fold
// scores. It returns the model and the out-of-fold calibrated risks.
func Build(ex []Example, cfg Config) (flags.Model, []float64) {
	nn := nonnegCount()
	fo := folds(ex, cfg.Folds)
	oofZ := make([]float64, len(ex))
	for k := 0; k < cfg.Folds; k++ {
		var tr []Example
		for i, e := range ex {
			if fo[i] != k {
				tr = append(tr, e)
			}
		}
		X, y := xy(tr)
		w, b := TrainLR(X, y, nn, cfg)
		for i, e := range ex {
			if fo[i] == k {
				z := b
				for j, v := range e.X {
					z += w[j] * v
				}
				oofZ[i] = z
			}
		}
	}
	_, ys := xy(ex)
	pa, pb := FitPlatt(oofZ, ys)
	X, y := xy(ex)
	w, b := TrainLR(X, y, nn, cfg)
	for i := range w {
		w[i] = round(w[i], 4)
	}
	m := flags.Model{
		Version: ModelVersion, RulesVersion: flags.RulesVersion(), Inputs: flags.InputNames(),
		Weights: w, Bias: round(b, 4), PlattA: round(pa, 4), PlattB: round(pb, 4),
	}
	oof := make([]float64, len(ex))
	for i, z := range oofZ {
		oof[i] = sigmoid(m.PlattA*z + m.PlattB)
	}
	m.Thresholds = chooseThresholds(oof, ys, cfg)
	npos := 0
	for _, v := range ys {
		if v > 0.5 {
			npos++
		}
	}
	m.Training = map[string]any{
		"examples": len(ex), "positives": npos,
		"data":   "testdata/dev_es.jsonl (split=dev, synthetic) + testdata/emscad_sample.jsonl (50 EMSCAD ads, label fraudulent)",
		"method": fmt.Sprintf("logistic regression, full-batch GD, %d iters, lr %.2f, L2 %.3f, flag weights >= 0; Platt scaling on %d-fold group out-of-fold scores", cfg.Iters, cfg.LR, cfg.L2, cfg.Folds),
		"tiers":  fmt.Sprintf("alto: max recall with out-of-fold precision >= %.2f; medio: out-of-fold recall >= %.2f", cfg.AltoPrecision, cfg.MedioRecall),
	}
	return m, oof
}

func chooseThresholds(p, y []float64, cfg Config) flags.Thresholds {
	cand := append([]float64(nil), p...)
	sort.Float64s(cand)
	alto, bestR := 1.0, -1.0
	for _, t := range cand {
		pr, rc, _ := prf(p, y, t)
		if pr >= cfg.AltoPrecision && rc > bestR {
			alto, bestR = t, rc
		}
	}
	medio := 0.0
	for _, t := range cand {
		_, rc, _ := prf(p, y, t)
		if rc >= cfg.MedioRecall {
			medio = t
		}
	}
	alto = math.Floor(alto*1000) / 1000
	medio = math.Floor(medio*1000) / 1000
	if medio >= alto {
		medio = alto / 2
	}
	return flags.Thresholds{Medio: medio, Alto: alto}
}

// ---- metrics ---------------------------------------------------------------

func prf(p, y []float64, t float64) (prec, rec, f1 float64) {
	var tp, fp, fn float64
	for i := range p {
		switch {
		case p[i] >= t && y[i] > 0.5:
			tp++
		case p[i] >= t:
			fp++
		case y[i] > 0.5:
			fn++
		}
	}
	if tp+fp > 0 {
		prec = tp / (tp + fp)
	}
	if tp+fn > 0 {
		rec = tp / (tp + fn)
	}
	if prec+rec > 0 {
		f1 = 2 * prec * rec / (prec + rec)
	}
	return
}

// averagePrecision is PR-AUC as average precision (ties broken pessimistically).
func averagePrecision(p, y []float64) float64 {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if p[idx[a]] != p[idx[b]] {
			return p[idx[a]] > p[idx[b]]
		}
		return y[idx[a]] < y[idx[b]]
	})
	var npos float64
	for _, v := range y {
		if v > 0.5 {
			npos++
		}
	}
	if npos == 0 {
		return 0
	}
	var tp, ap float64
	for k := 0; k < len(idx); {
		// process a block of tied scores at once
		j := k
		var btp float64
		for j < len(idx) && p[idx[j]] == p[idx[k]] {
			if y[idx[j]] > 0.5 {
				btp++
			}
			j++
		}
		tp += btp
		ap += (btp / npos) * (tp / float64(j))
		k = j
	}
	return ap
}

func brier(p, y []float64) float64 {
	s := 0.0
	for i := range p {
		s += (p[i] - y[i]) * (p[i] - y[i])
	}
	return s / float64(len(p))
}

func rocAUC(p, y []float64) float64 {
	var c, n float64
	for i := range p {
		for j := range p {
			if y[i] > 0.5 && y[j] < 0.5 {
				n++
				if p[i] > p[j] {
					c++
				} else if p[i] == p[j] {
					c += 0.5
				}
			}
		}
	}
	if n == 0 {
		return 0
	}
	return c / n
}

func spearman(a, b []float64) float64 {
	ra, rb := ranks(a), ranks(b)
	var ma, mb float64
	for i := range ra {
		ma += ra[i]
		mb += rb[i]
	}
	ma /= float64(len(ra))
	mb /= float64(len(rb))
	var sab, saa, sbb float64
	for i := range ra {
		sab += (ra[i] - ma) * (rb[i] - mb)
		saa += (ra[i] - ma) * (ra[i] - ma)
		sbb += (rb[i] - mb) * (rb[i] - mb)
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for k := 0; k < len(idx); {
		j := k
		for j < len(idx) && v[idx[j]] == v[idx[k]] {
			j++
		}
		for m := k; m < j; m++ {
			r[idx[m]] = float64(k+j-1)/2 + 1
		}
		k = j
	}
	return r
}

func kappa(a, b []bool) float64 {
	var n, agree, pa, pb float64
	for i := range a {
		n++
		if a[i] == b[i] {
			agree++
		}
		if a[i] {
			pa++
		}
		if b[i] {
			pb++
		}
	}
	po := agree / n
	pe := (pa/n)*(pb/n) + (1-pa/n)*(1-pb/n)
	if pe == 1 {
		return 1
	}
	return (po - pe) / (1 - pe)
}

// ---- main ------------------------------------------------------------------

// Load reads both data files from dir (the package's testdata) and groups them.
func Load(dir string) (es, en []Example, err error) {
	f, err := os.Open(filepath.Join(dir, "dev_es.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if es, err = LoadDevES(f); err != nil {
		return nil, nil, err
	}
	g, err := os.Open(filepath.Join(dir, "emscad_sample.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	defer g.Close()
	if en, err = LoadEMSCAD(g); err != nil {
		return nil, nil, err
	}
	AssignGroups(es, 0.5)
	AssignGroups(en, 0.5)
	return es, en, nil
}

// TrainingSet is what the shipped model is fitted on.
func TrainingSet(es, en []Example) []Example {
	var tr []Example
	for _, e := range es {
		if e.Split == "dev" {
			tr = append(tr, e)
		}
	}
	return append(tr, en...)
}

// Encode renders the model file.
func Encode(m flags.Model) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func main() {
	dir := flag.String("dir", "internal/screen/flags", "flags package directory")
	check := flag.Bool("check", false, "only check that model.json is up to date")
	report := flag.Bool("report", true, "print the evaluation report (markdown)")
	debug := flag.Bool("debug", false, "list flag disagreements on the ES dev split (never the held-out split)")
	flag.Parse()
	es, en, err := Load(filepath.Join(*dir, "testdata"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg := DefaultConfig
	m, _ := Build(TrainingSet(es, en), cfg)
	b, err := Encode(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	path := filepath.Join(*dir, "model.json")
	if *check {
		old, _ := os.ReadFile(path)
		if !bytes.Equal(old, b) {
			fmt.Fprintln(os.Stderr, "model.json is stale: run go run ./internal/screen/flags/train")
			os.Exit(1)
		}
	} else if err := os.WriteFile(path, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *debug {
		for _, e := range es {
			if e.Split != "dev" {
				continue
			}
			exp := map[string]bool{}
			for _, id := range e.Expected {
				exp[id] = true
			}
			got := map[string]string{}
			for _, h := range e.Hits {
				got[h.ID] = h.Evidence
			}
			for id := range exp {
				if _, ok := got[id]; !ok {
					fmt.Printf("FN %s %s | %s\n", e.ID, id, e.Text.Original)
				}
			}
			for id, ev := range got {
				if !exp[id] {
					fmt.Printf("FP %s %s [%s] | %s\n", e.ID, id, ev, e.Text.Original)
				}
			}
		}
		return
	}
	if *report {
		Report(os.Stdout, es, en, m, cfg)
	}
}
