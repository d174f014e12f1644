package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/vigia-mx/vigia/internal/screen/flags"
)

// ---- metrics ---------------------------------------------------------------

func rocAUC(p, y []float64) float64 {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	// Mann–Whitney with mid-ranks for ties.
	var npos, nneg, rs float64
	for k := 0; k < len(idx); {
		j := k
		for j < len(idx) && p[idx[j]] == p[idx[k]] {
			j++
		}
		r := float64(k+j+1) / 2
		for m := k; m < j; m++ {
			if y[idx[m]] > 0 {
				rs += r
				npos++
			} else {
				nneg++
			}
		}
		k = j
	}
	if npos == 0 || nneg == 0 {
		return math.NaN()
	}
	return (rs - npos*(npos+1)/2) / (npos * nneg)
}

// averagePrecision is PR-AUC as average precision (ties pessimistic).
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
	npos := sum(y)
	if npos == 0 {
		return math.NaN()
	}
	var tp, ap float64
	for k, i := range idx {
		if y[i] > 0 {
			tp++
			ap += tp / float64(k+1)
		}
	}
	return ap / npos
}

// wilson is the 95 % Wilson score interval of k successes in n.
func wilson(k, n float64) (lo, hi float64) {
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	const z = 1.959964
	p := k / n
	d := 1 + z*z/n
	c := (p + z*z/(2*n)) / d
	h := z * math.Sqrt(p*(1-p)/n+z*z/(4*n*n)) / d
	return math.Max(0, c-h), math.Min(1, c+h)
}

// kappa is Cohen's κ of two binary ratings.
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
	if n == 0 {
		return math.NaN()
	}
	po := agree / n
	pe := (pa/n)*(pb/n) + (1-pa/n)*(1-pb/n)
	if pe == 1 {
		return math.NaN()
	}
	return (po - pe) / (1 - pe)
}

// kappaCat is Cohen's κ of two categorical ratings.
func kappaCat(a, b []string) float64 {
	n := float64(len(a))
	if n == 0 {
		return math.NaN()
	}
	ca, cb := map[string]float64{}, map[string]float64{}
	agree := 0.0
	for i := range a {
		ca[a[i]]++
		cb[b[i]]++
		if a[i] == b[i] {
			agree++
		}
	}
	pe := 0.0
	for k, v := range ca {
		pe += v / n * cb[k] / n
	}
	if pe == 1 {
		return math.NaN()
	}
	return (agree/n - pe) / (1 - pe)
}

// groupBootstrap is the 95 % percentile interval of stat over resamples of
// whole families (a template family is resampled as one).
func groupBootstrap(ex []Example, p []float64, stat func(p, y []float64) float64, seed uint64) (lo, hi float64) {
	byGroup := map[int][]int{}
	var groups []int
	for i, e := range ex {
		if _, ok := byGroup[e.Group]; !ok {
			groups = append(groups, e.Group)
		}
		byGroup[e.Group] = append(byGroup[e.Group], i)
	}
	sort.Ints(groups)
	rng := splitmix(seed)
	var vals []float64
	for r := 0; r < 400; r++ {
		var pp, yy []float64
		for range groups {
			g := groups[rng.next()%uint64(len(groups))]
			for _, i := range byGroup[g] {
				pp = append(pp, p[i])
				yy = append(yy, ex[i].Y)
			}
		}
		if v := stat(pp, yy); !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	if len(vals) < 20 {
		return math.NaN(), math.NaN()
	}
	sort.Float64s(vals)
	return vals[len(vals)*25/1000], vals[len(vals)*975/1000-1]
}

func f3(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.3f", v)
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", 100*v)
}

func ci(lo, hi float64) string {
	if math.IsNaN(lo) {
		return "–"
	}
	return fmt.Sprintf("%.3f–%.3f", lo, hi)
}

// tierCounts counts, at the model's thresholds, the risky and legit ads in
// alto and in medio-or-above.
type tierCounts struct{ n, pos, neg, altoPos, altoNeg, medioPos, medioNeg float64 }

func countTiers(ex []Example, risk []float64, th flags.Thresholds, keep func(Example) bool) tierCounts {
	var c tierCounts
	for i, e := range ex {
		if keep != nil && !keep(e) {
			continue
		}
		c.n++
		tier := tierOf(risk[i], e.Hits, th)
		alto, medio := tier == flags.TierAlto, tier != flags.TierBajo
		if e.Y > 0 {
			c.pos++
			if alto {
				c.altoPos++
			}
			if medio {
				c.medioPos++
			}
		} else {
			c.neg++
			if alto {
				c.altoNeg++
			}
			if medio {
				c.medioNeg++
			}
		}
	}
	return c
}

func subset(ex []Example, p []float64, keep func(Example) bool) ([]Example, []float64, []float64) {
	var se []Example
	var sp, sy []float64
	for i, e := range ex {
		if keep(e) {
			se = append(se, e)
			sp = append(sp, p[i])
			sy = append(sy, e.Y)
		}
	}
	return se, sp, sy
}

// ---- the report ---------------------------------------------------------------

// Report writes docs/screening-eval.md.
func Report(w io.Writer, ex []Example, gold []Gold, m flags.Model, oof []float64, cfg Config) {
	if err := m.Init(); err != nil {
		panic(err)
	}
	risk := make([]float64, len(ex))
	y := make([]float64, len(ex))
	for i := range ex {
		risk[i] = m.Risk(oof[i])
		y[i] = ex[i].Y
	}
	th := m.Thresholds
	p := func(f string, a ...any) { fmt.Fprintf(w, f, a...) }

	p("# Screening: evaluation on real Mexican job ads\n\n")
	p("Rules `%s` (`internal/screen/flags/rules.json`), model `%s` (`internal/screen/flags/model.json`).\n", m.RulesVersion, m.Version)
	p("Every number below is written by one command, from the repository root, with the shared data beside it:\n\n")
	p("    go run ./internal/screen/flags/train        # retrains, rewrites model.json and this file\n\n")
	p("`go test ./internal/screen/flags/train` fails when either is stale. The labels are in\n")
	p("`internal/screen/flags/gold/labels.jsonl` (ids, labels, flag spans, both annotations; never the text);\n")
	p("the guide the annotators followed is `docs/screening-labels.md`.\n\n")

	// --- the gold set
	p("## The gold set\n\n")
	sel := map[string]map[string]int{}
	for _, g := range gold {
		if sel[g.Selection] == nil {
			sel[g.Selection] = map[string]int{}
		}
		sel[g.Selection][g.Label]++
	}
	p("%d ads of `shared/data/ads/mx-boards` (10,895 real ads of OCC Mundial, Computrabajo and Bumeran, February 2026) labelled twice and reconciled, plus the 22 real lures of `shared/data/ads/lures` (12 trafficking-risk, 10 scam, quoted by press and authorities).\n\n", len(gold))
	p("| selected as | legit | scam | trafficking_risk | unsure | total |\n|---|---|---|---|---|---|\n")
	for _, s := range []string{"random", "rules", "toprisk", "active"} {
		c := sel[s]
		if c == nil {
			continue
		}
		p("| %s | %d | %d | %d | %d | %d |\n", s, c["legit"], c["scam"], c["trafficking_risk"], c["unsure"], c["legit"]+c["scam"]+c["trafficking_risk"]+c["unsure"])
	}
	p("\n- **random**: stratified by portal × category (at least 20 per stratum where it has them, the rest proportional), fixed seed.\n")
	p("- **rules**: every ad on which the previous screener (rules 2026.11-v1) fired two or more flags or a rare flag; **toprisk**: its 300 highest-ranked of the rest.\n")
	p("- **active**: round 2, the ads the retrained model and rules rank highest or nearest the `medio` threshold, not yet labelled.\n")
	p("- `unsure` ads (%d) are left out of training and of every figure below.\n\n", sel["random"]["unsure"]+sel["rules"]["unsure"]+sel["toprisk"]["unsure"]+sel["active"]["unsure"])
	p("**Who labelled.** Each ad was labelled by two independent annotators who saw only the guide and the text; every disagreement on the label or on any flag went to a third, who decided from the guide and the text. The annotators and the adjudicator are independent instances of a language model, not domain experts: the agreement below says how clear the guide is, and the gold set is a careful, reproducible reading of it. Trafficking-risk ads are almost absent from job boards; the trafficking signal rests on the indicator-grounded rules and the lures.\n\n")

	// agreement
	var la, lb []string
	var ra, rb []bool
	agreed := 0
	for _, g := range gold {
		la = append(la, g.A.Label)
		lb = append(lb, g.B.Label)
		ra = append(ra, risky(g.A.Label))
		rb = append(rb, risky(g.B.Label))
		if g.Resolution == "agreed" {
			agreed++
		}
	}
	p("### Agreement between the annotators\n\n")
	p("- Label (4 classes): Cohen's κ = **%s**; risky (scam or trafficking-risk) vs not: κ = **%s**.\n", f3(kappaCat(la, lb)), f3(kappa(ra, rb)))
	p("- %d of %d ads agreed on the label and every flag; %d were adjudicated.\n\n", agreed, len(gold), len(gold)-agreed)
	p("Per flag: the annotators against each other, and the rules (what the screener fires) against the reconciled gold flags, on the %d mx-boards gold ads.\n\n", len(gold))
	p("| flag | gold ads | κ annotators | κ rules vs gold | rules precision | rules recall |\n|---|---|---|---|---|---|\n")
	hitsByID := map[string]map[string]bool{}
	for _, e := range ex {
		if e.Gold == nil {
			continue
		}
		s := map[string]bool{}
		for _, h := range e.Hits {
			s[h.ID] = true
		}
		hitsByID[e.ID] = s
	}
	for _, f := range flags.All() {
		if f.Computed {
			continue
		}
		var a, b, g, r []bool
		n := 0
		for _, gd := range gold {
			hs, ok := hitsByID[gd.ID]
			if !ok {
				continue // unsure
			}
			a = append(a, slices.Contains(gd.A.Flags, f.ID))
			b = append(b, slices.Contains(gd.B.Flags, f.ID))
			has := false
			for _, gf := range gd.Flags {
				if gf.ID == f.ID {
					has = true
				}
			}
			g = append(g, has)
			r = append(r, hs[f.ID])
			if has {
				n++
			}
		}
		var tp, fp, fn float64
		for i := range g {
			switch {
			case g[i] && r[i]:
				tp++
			case r[i]:
				fp++
			case g[i]:
				fn++
			}
		}
		prec, rec := math.NaN(), math.NaN()
		if tp+fp > 0 {
			prec = tp / (tp + fp)
		}
		if tp+fn > 0 {
			rec = tp / (tp + fn)
		}
		p("| %s | %d | %s | %s | %s | %s |\n", f.ID, n, f3(kappa(a, b)), f3(kappa(g, r)), f3(prec), f3(rec))
	}
	p("\nκ is undefined (–) where neither side ever marks the flag. Flags with few gold ads have wide uncertainty; the κ of a flag marked on under ~10 ads says little.\n\n")

	// --- base rates
	fr := m.BaseRates.Feed
	var wsum, wpos, nrand, prand float64
	for _, e := range ex {
		if e.Selection == "random" {
			wsum += e.Weight
			wpos += e.Weight * e.Y
			nrand++
			prand += e.Y
		}
	}
	lo, hi := wilson(prand, nrand)
	p("## Base rates and calibration\n\n")
	p("- **Job-board feed:** %s of ads are risky, estimated on the random sample with its design weights (unweighted %d of %d; 95 %% Wilson interval of the unweighted share %s). `vigia screen` reports `risk` at this rate.\n", pct(fr), int(prand), int(nrand), ci(lo, hi))
	p("- **Texts pasted into `/oferta`:** assumed **%s** (people paste offers they doubt; nothing measures it). `risk_pasted` is at this rate; the page shows words, not numbers.\n", pct(m.BaseRates.Pasted))
	p("- Training mix: %s risky. Platt scaling is fitted on the out-of-fold scores of the training mix and the odds are moved to each base rate by Bayes' rule.\n\n", pct(m.BaseRates.Train))

	// --- model
	p("## Model\n\n")
	p("- Logistic regression trained in Go (`internal/screen/flags/train`): the %d text-flag indicators, 7 simple features (length, phone, WhatsApp, e-mail, URL, company name, salary) and the ad's words and word pairs hashed into %d buckets (numbers as one token, each bucket once per ad, scaled by 1/√n). %d phrase buckets carry a weight (|w| ≥ 0.02); no text is stored.\n", len(flags.InputNames())-7, flags.PhraseBuckets, len(m.Phrases.Index))
	p("- Flag weights start from the rules' prior weights and are pulled towards them (L2 %.3g around the prior), kept ≥ 0 so a red flag never lowers the risk: the data tempers common flags (\"importante empresa\", \"desde casa\") and rare trafficking indicators the job boards never show keep their prior. Phrases: ridge %.3g; simple features: ridge %.3g. %d full-batch gradient steps, deterministic.\n", cfg.L2Flag, cfg.L2Phrase, cfg.L2Simple, cfg.Iters)
	p("- **Group-aware %d-fold cross-validation:** template families (masked word 4-gram Jaccard ≥ 0.5: copies that differ in pay, phone or name are one family) never straddle folds; risky and legit families are dealt to folds separately. Every figure below is out-of-fold.\n", cfg.Folds)
	p("- **Tiers** are chosen on the out-of-fold scores: `alto` is the lowest score whose precision is ≥ %.2f while taking at most %s of legit ads; `medio` the highest that keeps recall ≥ %.2f. Thresholds (feed-calibrated risk): **medio ≥ %.4g, alto ≥ %.4g**.\n", cfg.AltoPrecision, pct(cfg.AltoLegitMax), cfg.MedioRecall, th.Medio, th.Alto)
	p("- **Settings.** The ridge strengths and the weight of a risky example were chosen with `go run ./internal/screen/flags/train -sweep` (8 settings, by out-of-fold AUC and `alto` recall): the only tuning done on these folds, so the figures below are slightly optimistic. The `medio` recall target (%.2f) is a policy choice, not a fit: for the person deciding whether to answer, a missed deceptive offer costs more than a `medio` on an honest one.\n", cfg.MedioRecall)
	p("- **Strong indicators** (ILO sense: %s) set the tier to at least `medio` on their own, whatever the model says: job boards hold almost none of them, so the data cannot weigh them, and missing one costs more than a false alarm. Every tier figure below includes this floor.\n", strongList())
	p("- **Too little to judge:** fewer than %d words and no flag → `bajo` with \"no hay suficiente texto para evaluar\".\n\n", m.MinWords)

	// --- headline
	p("## Headline (out-of-fold, all real: mx-boards gold + lures)\n\n")
	auc := rocAUC(oof, y)
	alo, ahi := groupBootstrap(ex, oof, rocAUC, cfg.Seed)
	ap := averagePrecision(oof, y)
	aplo, aphi := groupBootstrap(ex, oof, averagePrecision, cfg.Seed+1)
	c := countTiers(ex, risk, th, nil)
	p("| measure | value | 95 %% interval | floor |\n|---|---|---|---|\n")
	p("| ROC-AUC, risky vs legit | **%s** | %s (family bootstrap) | ≥ 0.90 |\n", f3(auc), ci(alo, ahi))
	p("| PR-AUC (average precision) | %s | %s | |\n", f3(ap), ci(aplo, aphi))
	pl, ph := wilson(c.altoPos, c.altoPos+c.altoNeg)
	p("| `alto` precision | **%s** (%d/%d) | %s | ≥ 0.90 |\n", f3(c.altoPos/(c.altoPos+c.altoNeg)), int(c.altoPos), int(c.altoPos+c.altoNeg), ci(pl, ph))
	rl, rh := wilson(c.altoPos, c.pos)
	p("| `alto` recall | **%s** (%d/%d) | %s | ≥ 0.60 |\n", f3(c.altoPos/c.pos), int(c.altoPos), int(c.pos), ci(rl, rh))
	ll, lh := wilson(c.altoNeg, c.neg)
	p("| legit ads in `alto` | **%s** (%d/%d) | %s | ≤ 2 %% |\n", pct(c.altoNeg/c.neg), int(c.altoNeg), int(c.neg), ci(ll, lh))
	ml, mh := wilson(c.medioPos, c.pos)
	p("| `medio`-or-above recall | %s (%d/%d) | %s | ≥ 0.90 |\n", f3(c.medioPos/c.pos), int(c.medioPos), int(c.pos), ci(ml, mh))
	nl, nh := wilson(c.medioNeg, c.neg)
	p("| legit ads in `medio` or above | %s (%d/%d) | %s | |\n", pct(c.medioNeg/c.neg), int(c.medioNeg), int(c.neg), ci(nl, nh))
	p("\n")
	// feed-weighted precision on the random sample
	var wa, wap float64
	for i, e := range ex {
		if e.Selection == "random" && tierOf(risk[i], e.Hits, th) == flags.TierAlto {
			wa += e.Weight
			wap += e.Weight * e.Y
		}
	}
	if wa > 0 {
		p("On the random sample alone, weighted to the whole feed, `alto` precision is %s (the enriched rounds hold most positives, so this rests on few ads).\n\n", f3(wap/wa))
	}
	// lures
	lc := countTiers(ex, risk, th, func(e Example) bool { return e.Source == "lures" })
	p("**The 22 lures** (real, out-of-fold, each its own family): %d in `alto`, %d in `medio` or above, %d `bajo`. By label:\n\n", int(lc.altoPos), int(lc.medioPos), int(lc.pos-lc.medioPos))
	p("| lure label | alto | medio | bajo |\n|---|---|---|---|\n")
	for _, l := range []string{"trafficking_risk", "scam"} {
		var a, md, b int
		for i, e := range ex {
			if e.Source != "lures" || e.Label != l {
				continue
			}
			switch tierOf(risk[i], e.Hits, th) {
			case flags.TierAlto:
				a++
			case flags.TierMedio:
				md++
			default:
				b++
			}
		}
		p("| %s | %d | %d | %d |\n", l, a, md, b)
	}
	p("\n")

	// --- breakdowns
	largest := largestRiskyFamily(ex)
	p("## By portal, category, length and family\n\n")
	p("Out-of-fold, with 95 %% intervals (family bootstrap for AUC, Wilson for shares). `n` counts ads, `risky` the scam and trafficking-risk ones. The largest risky template family (%d ads) and the whole fake packing-from-home family (every gold ad with A9, many templates) are each left out in a row of their own.\n\n", largest.n)
	p("| slice | n | risky | ROC-AUC | 95 %% | alto precision | alto recall | legit in alto |\n|---|---|---|---|---|---|---|---|\n")
	row := func(name string, keep func(Example) bool) {
		se, sp, sy := subset(ex, oof, keep)
		if len(se) == 0 {
			return
		}
		sr := make([]float64, len(se))
		for i := range se {
			sr[i] = m.Risk(sp[i])
		}
		tc := countTiers(se, sr, th, nil)
		a := rocAUC(sp, sy)
		l, h := groupBootstrap(se, sp, rocAUC, cfg.Seed+7)
		prec := math.NaN()
		if tc.altoPos+tc.altoNeg > 0 {
			prec = tc.altoPos / (tc.altoPos + tc.altoNeg)
		}
		rec := math.NaN()
		if tc.pos > 0 {
			rec = tc.altoPos / tc.pos
		}
		leg := math.NaN()
		if tc.neg > 0 {
			leg = tc.altoNeg / tc.neg
		}
		p("| %s | %d | %d | %s | %s | %s | %s | %s |\n", name, len(se), int(tc.pos), f3(a), ci(l, h), f3(prec), f3(rec), pct(leg))
	}
	row("all", func(Example) bool { return true })
	row("without the largest risky template family", func(e Example) bool { return e.Group != largest.id })
	row("without the packing-from-home family (gold A9)", func(e Example) bool { return !goldHas(e, "A9_HOME_ASSEMBLY") })
	row("mx-boards only", func(e Example) bool { return e.Source == "mx-boards" })
	for _, pt := range []string{"occ", "ct", "bum"} {
		row("portal "+pt+" (+ lures)", func(e Example) bool { return e.Portal == pt || e.Source == "lures" })
	}
	cats := map[string]int{}
	for _, e := range ex {
		if e.Source == "mx-boards" {
			cats[e.Category]++
		}
	}
	var cl []string
	for k, v := range cats {
		if v >= 60 {
			cl = append(cl, k)
		}
	}
	sort.Strings(cl)
	for _, k := range cl {
		row("category "+k+" (+ lures)", func(e Example) bool { return e.Category == k || e.Source == "lures" })
	}
	row("length < 300 characters", func(e Example) bool { return len([]rune(e.Text)) < 300 })
	row("length 300–1,000", func(e Example) bool { n := len([]rune(e.Text)); return n >= 300 && n < 1000 })
	row("length ≥ 1,000", func(e Example) bool { return len([]rune(e.Text)) >= 1000 })
	p("\nA slice with few risky ads has an AUC of little meaning; categories with under 60 gold ads are pooled in \"all\". Slices by portal and category add the lures so that each has risky ads of a kind other than the packing template.\n\n")

	// --- reliability and monotonicity
	p("## Calibration and flags\n\n")
	p("Reliability of the training-mix calibration (out-of-fold): mean predicted against observed share, by decile of predicted risk.\n\n| bin | n | mean predicted | observed |\n|---|---|---|---|\n")
	pm := make([]float64, len(ex))
	for i := range ex {
		pm[i] = sigmoid(m.PlattA*oof[i] + m.PlattB)
	}
	idx := make([]int, len(ex))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return pm[idx[a]] < pm[idx[b]] })
	var brier float64
	for k := 0; k < 10; k++ {
		part := idx[k*len(idx)/10 : (k+1)*len(idx)/10]
		var sp, sy float64
		for _, i := range part {
			sp += pm[i]
			sy += ex[i].Y
		}
		if len(part) > 0 {
			p("| %d | %d | %.3f | %.3f |\n", k+1, len(part), sp/float64(len(part)), sy/float64(len(part)))
		}
	}
	for i := range ex {
		brier += (pm[i] - ex[i].Y) * (pm[i] - ex[i].Y)
	}
	p("\nBrier score %.4f.\n\n", brier/float64(len(ex)))
	p("Share risky by number of flags fired (monotone risk is goal G4):\n\n| flags | ads | risky | share |\n|---|---|---|---|\n")
	byN := map[int][2]int{}
	for _, e := range ex {
		k := min(len(e.Hits), 4)
		v := byN[k]
		v[0]++
		if e.Y > 0 {
			v[1]++
		}
		byN[k] = v
	}
	for k := 0; k <= 4; k++ {
		v := byN[k]
		label := fmt.Sprint(k)
		if k == 4 {
			label = "4+"
		}
		if v[0] > 0 {
			p("| %s | %d | %d | %s |\n", label, v[0], v[1], pct(float64(v[1])/float64(v[0])))
		}
	}
	p("\nLearned flag weights (log-odds, before calibration) against their priors:\n\n| flag | prior | learned |\n|---|---|---|\n")
	for i, id := range m.Inputs[:len(m.Inputs)-7] {
		f, _ := flags.Lookup(id)
		p("| %s | %.2f | %.2f |\n", id, f.Weight, m.Weights[i])
	}
	p("\n## What these numbers cannot say\n\n")
	p("- Job boards filter what they publish: the mx-boards sample holds the fake packing-from-home family and a few chat-only offers, but almost no trafficking-risk recruitment. The 12 trafficking-risk lures are real but short quotes; the figures on them are about whether the rules name the families the indicator guides describe, not a measured recall on Facebook or WhatsApp offers.\n")
	p("- The risky ads of mx-boards are dominated by one family; the row without it is the honest measure of everything else.\n")
	p("- The annotators are language-model instances following the guide; their κ is agreement with each other, not with trafficking investigators.\n")
	p("- The `/oferta` base rate is an assumption. Another set of real ads, kept outside the repository, will judge the screener again.\n")
}

type family struct{ id, n int }

func largestRiskyFamily(ex []Example) family {
	n := map[int]int{}
	for _, e := range ex {
		if e.Y > 0 {
			n[e.Group]++
		}
	}
	best := family{id: -1}
	for g, c := range n {
		if c > best.n || c == best.n && g < best.id {
			best = family{g, c}
		}
	}
	return best
}

// goldHas reports whether the reconciled gold flags of e include id.
func goldHas(e Example, id string) bool {
	if e.Gold == nil {
		return false
	}
	for _, f := range e.Gold.Flags {
		if f.ID == id {
			return true
		}
	}
	return false
}

// tierOf is the tier the screener gives: the thresholds, with the floor of
// the strong indicators (flags.Model.TierFor).
func tierOf(risk float64, hits []flags.Hit, th flags.Thresholds) string {
	m := flags.Model{Thresholds: th}
	return m.TierFor(risk, hits)
}

func strongList() string {
	var s []string
	for _, f := range flags.All() {
		if f.Strong {
			s = append(s, f.ID)
		}
	}
	return strings.Join(s, ", ")
}
