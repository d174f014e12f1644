package flags

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

//go:embed model.json
var modelJSON []byte

// Model is the trained, calibrated logistic regression (model.json).
type Model struct {
	Version      string    `json:"version"`
	RulesVersion string    `json:"rules_version"`
	Inputs       []string  `json:"inputs"` // flag ids, then simple feature names
	Weights      []float64 `json:"weights"`
	Bias         float64   `json:"bias"`
	// Platt scaling: risk = 1/(1+exp(-(PlattA*z + PlattB))), z = Bias + w·x.
	PlattA float64 `json:"platt_a"`
	PlattB float64 `json:"platt_b"`
	// BaseRates: the share of risky ads in the training mix, in a job-board
	// feed (measured on the random sample) and among texts pasted into
	// /oferta (an assumption, stated in docs/screening-eval.md). Risk is
	// shifted from the training mix to the feed's rate.
	BaseRates BaseRates `json:"base_rates"`
	// Phrases are the hashed word and word-pair weights (sparse).
	Phrases struct {
		Buckets int       `json:"buckets"`
		Index   []uint32  `json:"index"`
		Weights []float32 `json:"weights"`
	} `json:"phrases"`
	// ExplainMin is the smallest phrase contribution shown as evidence.
	ExplainMin float64 `json:"explain_min"`
	// MinWords: with fewer words and no flag there is too little to judge.
	MinWords   int            `json:"min_words"`
	Thresholds Thresholds     `json:"thresholds"`
	Training   map[string]any `json:"training,omitempty"`

	flagIdx map[string]int
	phraseW []float32
}

// BaseRates are shares of risky (scam or trafficking-risk) ads.
type BaseRates struct {
	Train  float64 `json:"train"`
	Feed   float64 `json:"feed"`
	Pasted float64 `json:"pasted"`
}

// Thresholds map risk to tiers: risk >= Alto is "alto", >= Medio is "medio".
type Thresholds struct {
	Medio float64 `json:"medio"`
	Alto  float64 `json:"alto"`
}

// Tier names.
const (
	TierBajo  = "bajo"
	TierMedio = "medio"
	TierAlto  = "alto"
)

// Reason is one contributing flag, for display.
type Reason struct {
	ID           string
	Text, TextEN string  // plain-language reason, Spanish and English
	Contribution float64 // learned weight (log-odds before calibration)
	Start, End   int     // span in the original text
	Evidence     string
}

// Assessment is the output of Assess.
type Assessment struct {
	Risk       float64 // 0–1, calibrated to a job-board feed's base rate
	RiskPasted float64 // 0–1, calibrated to the assumed rate of pasted offers
	Tier       string  // "bajo" | "medio" | "alto"
	// Insufficient: too few words and no flag, so nothing can be judged.
	Insufficient bool
	Reasons      []Reason
	// Phrases are the stretches of text (byte offsets in the folded text)
	// whose words raise the risk most, shown when no rule explains it.
	Phrases      []PhraseHit
	ModelVersion string
	RulesVersion string
}

// MaxReasons caps Assessment.Reasons.
const MaxReasons = 6

// theModel is the embedded model, parsed on first use.
var theModel = sync.OnceValue(func() *Model { return mustParseModel(modelJSON) })

// ParseModel parses a model file and checks it against the embedded rules.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("flags: model: %w", err)
	}
	if err := m.init(ruleSet()); err != nil {
		return nil, err
	}
	return &m, nil
}

func (m *Model) init(rs *RuleSet) error {
	if m.RulesVersion != rs.Version {
		return fmt.Errorf("flags: model %s was trained on rules %s, embedded rules are %s", m.Version, m.RulesVersion, rs.Version)
	}
	want := inputNames(rs)
	if len(m.Inputs) != len(want) || len(m.Weights) != len(want) {
		return fmt.Errorf("flags: model %s has %d inputs/%d weights, rules need %d", m.Version, len(m.Inputs), len(m.Weights), len(want))
	}
	if len(m.Phrases.Index) != len(m.Phrases.Weights) {
		return fmt.Errorf("flags: model %s: %d phrase buckets, %d weights", m.Version, len(m.Phrases.Index), len(m.Phrases.Weights))
	}
	if len(m.Phrases.Index) > 0 {
		if m.Phrases.Buckets != PhraseBuckets {
			return fmt.Errorf("flags: model %s hashes phrases into %d buckets, this build into %d", m.Version, m.Phrases.Buckets, PhraseBuckets)
		}
		m.phraseW = make([]float32, PhraseBuckets)
		for i, b := range m.Phrases.Index {
			if b >= PhraseBuckets {
				return fmt.Errorf("flags: model %s: phrase bucket %d out of range", m.Version, b)
			}
			m.phraseW[b] = m.Phrases.Weights[i]
		}
	}
	m.flagIdx = make(map[string]int)
	for i, n := range want {
		if m.Inputs[i] != n {
			return fmt.Errorf("flags: model input %d is %q, want %q", i, m.Inputs[i], n)
		}
		if i < len(want)-len(simpleNames) {
			m.flagIdx[n] = i
		}
	}
	return nil
}

func mustParseModel(b []byte) *Model {
	m, err := ParseModel(b)
	if err != nil {
		panic(err)
	}
	return m
}

// ModelVersion is the version of the embedded model.
func ModelVersion() string { return theModel().Version }

// inputNames lists the model inputs: text flags in rules order, then simple features.
func inputNames(rs *RuleSet) []string {
	var n []string
	for _, f := range rs.Flags {
		if !f.Computed {
			n = append(n, f.ID)
		}
	}
	return append(n, simpleNames...)
}

// vectorize builds the model input from hits and features.
func vectorize(rs *RuleSet, hits []Hit, f Features) []float64 {
	nf := len(rs.inputIdx) // the text flags, inputNames(rs)[:nf]
	x := make([]float64, nf+len(simpleNames))
	for _, h := range hits {
		if i, ok := rs.inputIdx[h.ID]; ok {
			x[i] = 1
		}
	}
	copy(x[nf:], f.vector())
	return x
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func (m *Model) score(x []float64) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		z += w * x[i]
	}
	return z
}

func (m *Model) calibrate(z float64) float64 { return m.calibrateTo(z, m.BaseRates.Feed) }

// calibrateTo maps a raw score to a probability at base rate pi: Platt
// scaling gives it at the training mix's rate, and Bayes' rule moves the
// odds from that rate to pi.
func (m *Model) calibrateTo(z, pi float64) float64 {
	l := m.PlattA*z + m.PlattB
	if tr := m.BaseRates.Train; tr > 0 && tr < 1 && pi > 0 && pi < 1 {
		l += logit(pi) - logit(tr)
	}
	p := sigmoid(l)
	if math.IsNaN(p) {
		return 0
	}
	return p
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

// TierFor is Tier with the floor of the strong indicators: an ad with a
// strong indicator (a minor sought, documents kept, isolation, debt, sexual
// or criminal recruitment) is never bajo, however rare such ads are in the
// data the model learned from.
func (m *Model) TierFor(risk float64, hits []Hit) string {
	t := m.Tier(risk)
	if t != TierBajo {
		return t
	}
	for _, h := range hits {
		if f, ok := Lookup(h.ID); ok && f.Strong {
			return TierMedio
		}
	}
	return t
}

// Tier maps a risk to "bajo", "medio" or "alto".
func (m *Model) Tier(risk float64) string {
	switch {
	case risk >= m.Thresholds.Alto:
		return "alto"
	case risk >= m.Thresholds.Medio:
		return "medio"
	}
	return "bajo"
}

// Assess matches t, scores the hits with the embedded model and explains
// the result with the top contributing flags.
func Assess(t normalize.Text, f Features) Assessment {
	return theModel().assess(t.Folded, Match(t), f)
}

// AssessHits scores precomputed hits (e.g. from Match) of the ad whose folded
// text is folded with the embedded model.
func AssessHits(folded string, hits []Hit, f Features) Assessment {
	return theModel().assess(folded, hits, f)
}

// words counts the words of a folded text, up to limit.
func words(s string, limit int) int {
	n := 0
	in := false
	for i := 0; i < len(s) && n < limit; i++ {
		w := isTokenByte(s[i])
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

func (m *Model) assess(folded string, hits []Hit, f Features) Assessment {
	x := vectorize(ruleSet(), hits, f)
	pz, phrases := m.phraseScore(folded, true)
	z := m.score(x) + pz
	risk := m.calibrate(z)
	a := Assessment{Risk: risk, RiskPasted: m.calibrateTo(z, m.BaseRates.Pasted), Tier: m.TierFor(risk, hits),
		ModelVersion: m.Version, RulesVersion: ruleSet().Version}
	if len(hits) == 0 && m.MinWords > 0 && words(folded, m.MinWords) < m.MinWords {
		// A greeting or a fragment: say so rather than guess.
		a.Tier, a.Insufficient = TierBajo, true
		return a
	}
	if a.Tier != TierBajo && len(hits) == 0 {
		// The risk comes from words no rule names: show them.
		a.Phrases = phrases
	} else if a.Tier != TierBajo {
		for _, p := range phrases {
			if p.Contribution >= 2*m.ExplainMin {
				a.Phrases = append(a.Phrases, p)
			}
		}
	}
	for _, h := range hits {
		fl, _ := Lookup(h.ID)
		c := 0.0
		if i, ok := m.flagIdx[h.ID]; ok {
			c = m.Weights[i]
		}
		a.Reasons = append(a.Reasons, Reason{ID: h.ID, Text: fl.ES, TextEN: fl.EN, Contribution: c, Start: h.Start, End: h.End, Evidence: h.Evidence})
	}
	sort.SliceStable(a.Reasons, func(i, j int) bool {
		ri, rj := a.Reasons[i], a.Reasons[j]
		if ri.Contribution != rj.Contribution {
			return ri.Contribution > rj.Contribution
		}
		return hitsPrior(ri.ID) > hitsPrior(rj.ID)
	})
	if len(a.Reasons) > MaxReasons {
		a.Reasons = a.Reasons[:MaxReasons]
	}
	return a
}

func hitsPrior(id string) float64 {
	if i, ok := ruleSet().byID[id]; ok {
		return ruleSet().Flags[i].Weight
	}
	return 0
}

// InputNames lists the model inputs in vector order: text flag ids (rules
// order), then the simple feature names.
func InputNames() []string { return inputNames(ruleSet()) }

// Vectorize builds the model input vector for hits and features.
func Vectorize(hits []Hit, f Features) []float64 { return vectorize(ruleSet(), hits, f) }

// EmbeddedModel returns a copy of the embedded model.
func EmbeddedModel() Model {
	m := *theModel()
	m.Weights = append([]float64(nil), theModel().Weights...)
	m.Phrases.Index = append([]uint32(nil), theModel().Phrases.Index...)
	m.Phrases.Weights = append([]float32(nil), theModel().Phrases.Weights...)
	m.phraseW = nil
	return m
}

// RawScore is the uncalibrated log-odds for input x and the ad's folded text.
func (m *Model) RawScore(x []float64, folded string) float64 {
	pz, _ := m.phraseScore(folded, false)
	return m.score(x) + pz
}

// Risk is the feed-calibrated risk for a raw score.
func (m *Model) Risk(z float64) float64 { return m.calibrate(z) }

// Init prepares a model built in memory (as the trainer does) for scoring.
func (m *Model) Init() error { return m.init(ruleSet()) }
