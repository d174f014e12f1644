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
	PlattA     float64        `json:"platt_a"`
	PlattB     float64        `json:"platt_b"`
	Thresholds Thresholds     `json:"thresholds"`
	Training   map[string]any `json:"training,omitempty"`

	flagIdx map[string]int
}

// Thresholds map risk to tiers: risk >= Alto is "alto", >= Medio is "medio".
type Thresholds struct {
	Medio float64 `json:"medio"`
	Alto  float64 `json:"alto"`
}

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
	Risk         float64 // 0–1, calibrated
	Tier         string  // "bajo" | "medio" | "alto"
	Reasons      []Reason
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

func (m *Model) calibrate(z float64) float64 {
	p := sigmoid(m.PlattA*z + m.PlattB)
	if math.IsNaN(p) {
		return 0
	}
	return p
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
	return theModel().assess(Match(t), f)
}

// AssessHits scores precomputed hits (e.g. from Match) with the embedded model.
func AssessHits(hits []Hit, f Features) Assessment { return theModel().assess(hits, f) }

func (m *Model) assess(hits []Hit, f Features) Assessment {
	x := vectorize(ruleSet(), hits, f)
	risk := m.calibrate(m.score(x))
	a := Assessment{Risk: risk, Tier: m.Tier(risk), ModelVersion: m.Version, RulesVersion: ruleSet().Version}
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
	return m
}

// RawScore is the uncalibrated log-odds for input x.
func (m *Model) RawScore(x []float64) float64 { return m.score(x) }

// Risk is the calibrated risk for input x.
func (m *Model) Risk(x []float64) float64 { return m.calibrate(m.score(x)) }
