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

	re    []pattern
	reReq []pattern
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
	lits                *literals
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
	rs.lits.build()
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
	f.re, f.reReq = nil, nil
	return f, true
}

// All returns every taxonomy entry in file order.
func All() []Flag {
	out := make([]Flag, len(ruleSet().Flags))
	for i, f := range ruleSet().Flags {
		f.re, f.reReq = nil, nil
		out[i] = f
	}
	return out
}

// Match runs every text rule over t.Folded and returns at most one hit per
// flag (the earliest non-negated match), ordered by position. Start and End
// are byte offsets in t.Original; Evidence is t.Original[Start:End].
func Match(t normalize.Text) []Hit { return ruleSet().match(t) }

func (rs *RuleSet) match(t normalize.Text) []Hit {
	s := t.Folded
	occ := rs.lits.scan(s)
	type span struct{ s, e int }
	found := make(map[string]span)
	pass := func(f *Flag) {
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
			for _, id := range f.RequireFlags {
				if _, hit := found[id]; hit {
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
			for _, m := range re.findAllIn(s, occ) {
				if m[1] <= m[0] {
					continue
				}
				if best.s >= 0 && m[0] >= best.s {
					break
				}
				if f.Negatable && rs.negated(s, m[0], m[1], f.NegateAfter) {
					continue
				}
				best = span{m[0], m[1]}
				break
			}
		}
		if best.s >= 0 {
			found[f.ID] = best
		}
	}
	for i := range rs.Flags {
		if f := &rs.Flags[i]; !f.Computed && len(f.RequireFlags) == 0 {
			pass(f)
		}
	}
	for i := range rs.Flags {
		if f := &rs.Flags[i]; !f.Computed && len(f.RequireFlags) > 0 {
			pass(f)
		}
	}
	hits := make([]Hit, 0, len(found))
	for id, sp := range found {
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
			ID:       id,
			Weight:   rs.Flags[rs.byID[id]].Weight,
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
