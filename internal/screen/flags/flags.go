// Package flags screens job offers for deceptive-recruitment and trafficking
// red flags. The taxonomy (rules.json) and the calibrated logistic model
// (model.json) are versioned data embedded in the binary; Match reports every
// flag with its evidence span in the original text, and Assess turns the
// hits plus a few cheap features into a 0–1 risk, a tier and plain-language
// reasons in Spanish and English.
//
// Patterns run over normalize.Text.Folded (NFKC, lower-case, no accents,
// collapsed whitespace); spans are mapped back with normalize.Text.Span.
package flags

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"sync"

	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

//go:embed rules.json
var rulesJSON []byte

// Flag is one entry of the red-flag taxonomy.
type Flag struct {
	ID       string   `json:"id"`
	Category string   `json:"category"`
	ES       string   `json:"es"` // plain-language reason, Spanish
	EN       string   `json:"en"` // plain-language reason, English
	Patterns []string `json:"patterns,omitempty"`
	// RequireAny: at least one of these must also match somewhere in the ad.
	RequireAny []string `json:"require_any,omitempty"`
	// RequireFlags: at least one of these flags must also fire.
	RequireFlags []string `json:"require_flags,omitempty"`
	// Negatable: a hit preceded (same clause, ≤25 bytes) by a negation cue
	// such as "no", "sin", "ningún" is dropped. NegateAfter also drops a hit
	// followed closely by "gratis"/"sin costo".
	Negatable   bool     `json:"negatable,omitempty"`
	NegateAfter bool     `json:"negate_after,omitempty"`
	Weight      float64  `json:"weight"` // prior; learned weights are in model.json
	Sources     []string `json:"sources"`
	Computed    bool     `json:"computed,omitempty"` // network signal, no text patterns
	// Strong: a strong indicator (ILO): alone it makes the tier at least medio.
	Strong bool `json:"strong,omitempty"`

	re       []pattern
	reReq    []pattern
	reqFlags []int // indexes of RequireFlags in the rule set
}

// RuleSet is the parsed rules.json.
type RuleSet struct {
	Version  string `json:"version"`
	Note     string `json:"note,omitempty"`
	Negation struct {
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"negation"`
	Flags []Flag `json:"flags"`

	negBefore, negAfter *regexp.Regexp
	byID                map[string]int
	inputIdx            map[string]int // text flag id → its model input, inputNames order
	lits                *literals
	// litFlags[id]: the rules one of whose patterns has literal id in its
	// prefilter; anyFlags: the rules with a pattern without a prefilter.
	// A rule in neither for the literals of a text cannot fire on it.
	litFlags [][]int32
	anyFlags []int32
	feat     featPatterns // the model's feature patterns, registered in lits
}

// Hit is one fired flag with its evidence.
type Hit struct {
	ID         string
	Weight     float64 // prior weight from rules.json
	Start, End int     // byte offsets in the original text
	Evidence   string  // t.Original[Start:End]
	Version    string  // rules version
}

// ruleSet is the embedded rule set, parsed on first use: commands that never
// screen an ad (brief, serve before the first check) don't pay for it.
var ruleSet = sync.OnceValue(func() *RuleSet { return mustParseRules(rulesJSON) })

// Reason is the plain-Spanish reason shown to the person checking an offer.
func (f Flag) Reason() string { return f.ES }

// ReasonEN is the English reason.
func (f Flag) ReasonEN() string { return f.EN }

// ParseRules parses and compiles a rules file.
func ParseRules(b []byte) (*RuleSet, error) {
	var rs RuleSet
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, fmt.Errorf("flags: rules: %w", err)
	}
	if rs.Version == "" {
		return nil, fmt.Errorf("flags: rules: no version")
	}
	var err error
	if rs.negBefore, err = regexp.Compile(rs.Negation.Before); err != nil {
		return nil, fmt.Errorf("flags: negation.before: %w", err)
	}
	if rs.negAfter, err = regexp.Compile(rs.Negation.After); err != nil {
		return nil, fmt.Errorf("flags: negation.after: %w", err)
	}
	rs.byID = make(map[string]int, len(rs.Flags))
	for i := range rs.Flags {
		f := &rs.Flags[i]
		if f.ID == "" || f.ES == "" || f.EN == "" {
			return nil, fmt.Errorf("flags: rule %d: id, es and en are required", i)
		}
		if _, dup := rs.byID[f.ID]; dup {
			return nil, fmt.Errorf("flags: duplicate id %s", f.ID)
		}
		rs.byID[f.ID] = i
		if f.Computed != (len(f.Patterns) == 0) {
			return nil, fmt.Errorf("flags: %s: computed flags have no patterns, text flags need some", f.ID)
		}
		for _, p := range f.Patterns {
			re, err := compilePattern(p)
			if err != nil {
				return nil, fmt.Errorf("flags: %s: %w", f.ID, err)
			}
			f.re = append(f.re, re)
		}
		for _, p := range f.RequireAny {
			re, err := compilePattern(p)
			if err != nil {
				return nil, fmt.Errorf("flags: %s: require_any: %w", f.ID, err)
			}
			f.reReq = append(f.reReq, re)
		}
	}
	rs.indexLiterals()
	rs.inputIdx = make(map[string]int)
	for _, f := range rs.Flags {
		if !f.Computed {
			rs.inputIdx[f.ID] = len(rs.inputIdx)
		}
	}
	for _, f := range rs.Flags {
		for _, id := range f.RequireFlags {
			j, ok := rs.byID[id]
			if !ok {
				return nil, fmt.Errorf("flags: %s requires unknown flag %s", f.ID, id)
			}
			if len(rs.Flags[j].RequireFlags) > 0 {
				return nil, fmt.Errorf("flags: %s requires %s, which itself has require_flags", f.ID, id)
			}
		}
	}
	for i := range rs.Flags {
		f := &rs.Flags[i]
		for _, id := range f.RequireFlags {
			f.reqFlags = append(f.reqFlags, rs.byID[id])
		}
	}
	return &rs, nil
}

// indexLiterals builds the automaton over every literal the patterns use.
func (rs *RuleSet) indexLiterals() {
	rs.lits = newLiterals()
	reg := func(p *pattern) {
		p.litIDs = nil
		for _, l := range p.lits {
			p.litIDs = append(p.litIDs, rs.lits.add(l))
		}
		if p.st != nil {
			p.st.startIDs = nil
			for _, l := range p.st.starts {
				p.st.startIDs = append(p.st.startIDs, rs.lits.add(l))
			}
			p.st.win = slices.Clone(p.st.win) // a starter copied from a package pattern shares it
			for i := range p.st.win {
				w := &p.st.win[i]
				w.ids = nil
				for _, l := range w.lits {
					w.ids = append(w.ids, rs.lits.add(l))
				}
			}
		}
	}
	for i := range rs.Flags {
		f := &rs.Flags[i]
		for j := range f.re {
			reg(&f.re[j])
		}
		for j := range f.reReq {
			reg(&f.reReq[j])
		}
	}
	rs.feat = featPatterns{whatsApp: reFeatWhatsApp, email: reFeatEmail, url: reFeatURL, company: reFeatCompany}
	for _, p := range []*pattern{&rs.feat.whatsApp, &rs.feat.email, &rs.feat.url, &rs.feat.company} {
		if p.st != nil {
			st := *p.st // the package's pattern keeps its own starter
			p.st = &st
		}
		reg(p)
	}
	rs.lits.build()
	rs.litFlags = make([][]int32, len(rs.lits.lens))
	for i := range rs.Flags {
		seen := map[int32]bool{}
		always := false
		for _, p := range rs.Flags[i].re {
			if p.lits == nil {
				always = true
			}
			for _, id := range p.litIDs {
				if !seen[id] {
					seen[id] = true
					rs.litFlags[id] = append(rs.litFlags[id], int32(i))
				}
			}
		}
		if always {
			rs.anyFlags = append(rs.anyFlags, int32(i))
		}
	}
}

func mustParseRules(b []byte) *RuleSet {
	rs, err := ParseRules(b)
	if err != nil {
		panic(err)
	}
	return rs
}

// RulesVersion is the version of the embedded rules file.
func RulesVersion() string { return ruleSet().Version }

// Lookup returns the taxonomy entry for id (wording in Spanish and English).
func Lookup(id string) (Flag, bool) {
	i, ok := ruleSet().byID[id]
	if !ok {
		return Flag{}, false
	}
	f := ruleSet().Flags[i]
	f.re, f.reReq, f.reqFlags = nil, nil, nil
	return f, true
}

// All returns every taxonomy entry in file order.
func All() []Flag {
	out := make([]Flag, len(ruleSet().Flags))
	for i, f := range ruleSet().Flags {
		f.re, f.reReq, f.reqFlags = nil, nil, nil
		out[i] = f
	}
	return out
}

// Match runs every text rule over t.Folded and returns at most one hit per
// flag (the earliest non-negated match), ordered by position. Start and End
// are byte offsets in t.Original; Evidence is t.Original[Start:End].
func Match(t normalize.Text) []Hit { return ruleSet().match(t) }

func (rs *RuleSet) match(t normalize.Text) []Hit {
	t = deobfuscate(t)
	occ := rs.lits.scan(t.Folded)
	defer occ.release()
	return rs.matchIn(t, occ)
}

// matchIn is match over a scan of t.Folded by the rule set's automaton.
func (rs *RuleSet) matchIn(t normalize.Text, occ *occurrences) []Hit {
	s := t.Folded
	type span struct{ s, e int }
	// found[i] is the hit of rule i; s < 0: none.
	var foundArr [64]span
	found := foundArr[:0]
	if len(rs.Flags) > len(foundArr) {
		found = make([]span, 0, len(rs.Flags))
	}
	found = found[:len(rs.Flags)]
	for i := range found {
		found[i] = span{-1, -1}
	}
	nfound := 0
	// may[i]: some pattern of rule i passes its prefilter.
	var mayArr [64]bool
	may := mayArr[:0]
	if len(rs.Flags) > len(mayArr) {
		may = make([]bool, 0, len(rs.Flags))
	}
	may = may[:len(rs.Flags)]
	for _, id := range occ.touched {
		for _, i := range rs.litFlags[id] {
			may[i] = true
		}
	}
	for _, i := range rs.anyFlags {
		may[i] = true
	}
	pass := func(i int) {
		if !may[i] {
			return // no pattern of the rule can match: nothing else to check
		}
		f := &rs.Flags[i]
		if len(f.reReq) > 0 {
			ok := false
			for _, re := range f.reReq {
				if re.mayMatchIn(occ) && re.matchesIn(s, occ) {
					ok = true
					break
				}
			}
			if !ok {
				return
			}
		}
		if len(f.RequireFlags) > 0 {
			ok := false
			for _, j := range f.reqFlags {
				if found[j].s >= 0 {
					ok = true
					break
				}
			}
			if !ok {
				return
			}
		}
		best := span{-1, -1}
		for _, re := range f.re {
			if !re.mayMatchIn(occ) {
				continue
			}
			re.eachIn(s, occ, func(a, b int) bool {
				if b <= a {
					return true
				}
				if best.s >= 0 && a >= best.s {
					return false
				}
				if f.Negatable && rs.negated(s, a, b, f.NegateAfter) {
					return true
				}
				best = span{a, b}
				return false
			})
		}
		if best.s >= 0 {
			found[i] = best
			nfound++
		}
	}
	for i := range rs.Flags {
		if f := &rs.Flags[i]; !f.Computed && len(f.RequireFlags) == 0 {
			pass(i)
		}
	}
	for i := range rs.Flags {
		if f := &rs.Flags[i]; !f.Computed && len(f.RequireFlags) > 0 {
			pass(i)
		}
	}
	hits := make([]Hit, 0, nfound)
	for i, sp := range found {
		if sp.s < 0 {
			continue
		}
		os, oe := t.Span(sp.s, sp.e)
		if os < 0 {
			os = 0
		}
		if oe > len(t.Original) {
			oe = len(t.Original)
		}
		if os > oe {
			os = oe
		}
		hits = append(hits, Hit{
			ID:       rs.Flags[i].ID,
			Weight:   rs.Flags[i].Weight,
			Start:    os,
			End:      oe,
			Evidence: t.Original[os:oe],
			Version:  rs.Version,
		})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Start != hits[j].Start {
			return hits[i].Start < hits[j].Start
		}
		return hits[i].ID < hits[j].ID
	})
	return hits
}

// negated reports whether the match s[a:b] is negated by its context.
func (rs *RuleSet) negated(s string, a, b int, after bool) bool {
	lo := a - 40
	if lo < 0 {
		lo = 0
	}
	if rs.negBefore.MatchString(s[lo:a]) {
		return true
	}
	if after {
		hi := b + 30
		if hi > len(s) {
			hi = len(s)
		}
		if rs.negAfter.MatchString(s[b:hi]) {
			return true
		}
	}
	return false
}
