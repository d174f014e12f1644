package flags

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// pattern is a compiled rule pattern with a literal prefilter: every match
// of re contains at least one of lits, so when none occurs in the text the
// (comparatively slow) regexp is not run at all. lits == nil: no prefilter.
type pattern struct {
	re     *regexp.Regexp
	lits   []string
	st     *starter // nil: search with re
	litIDs []int32  // ids of lits in the rule set's automaton
}

func compilePattern(p string) (pattern, error) {
	re, err := regexp.Compile(p)
	if err != nil {
		return pattern{}, err
	}
	pt := pattern{re: re, st: newStarter(p)}
	if tree, err := syntax.Parse(p, syntax.Perl); err == nil {
		if l, ok := required(tree.Simplify()); ok && len(l) <= 64 && (minLen(l) >= 2 || rareBytes(l)) {
			pt.lits = l
		}
	}
	return pt, nil
}

// mustPattern compiles a pattern of the package's own code.
func mustPattern(p string) pattern {
	pt, err := compilePattern(p)
	if err != nil {
		panic(err)
	}
	return pt
}

// findAll returns the matches of p in s, leftmost first, as
// regexp.FindAllStringIndex does.
func (p pattern) findAll(s string) [][]int {
	if p.st == nil {
		return p.re.FindAllStringIndex(s, -1)
	}
	var out [][]int
	for from := 0; from < len(s); {
		a, b, ok := p.st.find(s, from)
		if !ok {
			break
		}
		out = append(out, []int{a, b})
		from = max(b, a+1)
	}
	return out
}

// matches reports whether p matches anywhere in s.
func (p pattern) matches(s string) bool {
	if p.st == nil {
		return p.re.MatchString(s)
	}
	_, _, ok := p.st.find(s, 0)
	return ok
}

// mayMatchIn is mayMatch over a scan of the text by the rule set's
// automaton.
func (p pattern) mayMatchIn(o *occurrences) bool {
	if p.lits == nil {
		return true
	}
	for _, id := range p.litIDs {
		if o.has(id) {
			return true
		}
	}
	return false
}

// findAllIn is findAll with the start candidates taken from the scan.
func (p pattern) findAllIn(s string, o *occurrences) [][]int {
	if p.st == nil {
		return p.findAll(s)
	}
	var out [][]int
	for from := 0; from < len(s); {
		a, b, ok := p.st.findIn(s, from, o)
		if !ok {
			break
		}
		out = append(out, []int{a, b})
		from = max(b, a+1)
	}
	return out
}

// eachIn calls yield with the matches findAllIn returns, in order, until
// yield returns false: a caller that wants the first acceptable match does
// not pay for finding all of them.
func (p pattern) eachIn(s string, o *occurrences, yield func(a, b int) bool) {
	if p.st == nil {
		for _, m := range p.re.FindAllStringIndex(s, -1) {
			if !yield(m[0], m[1]) {
				return
			}
		}
		return
	}
	for from := 0; from < len(s); {
		a, b, ok := p.st.findIn(s, from, o)
		if !ok || !yield(a, b) {
			return
		}
		from = max(b, a+1)
	}
}

func (p pattern) matchesIn(s string, o *occurrences) bool {
	if p.st == nil {
		return p.matches(s)
	}
	_, _, ok := p.st.findIn(s, 0, o)
	return ok
}

func (p pattern) mayMatch(s string) bool {
	if p.lits == nil {
		return true
	}
	for _, l := range p.lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// rareBytes reports whether every one-byte literal of l is a character that
// few ads contain ("@", "$", "#"), so that it still filters.
func rareBytes(l []string) bool {
	for _, s := range l {
		if len(s) == 1 && !strings.ContainsAny(s, "@$#") {
			return false
		}
		if len(s) == 0 {
			return false
		}
	}
	return true
}

func minLen(l []string) int {
	m := -1
	for _, s := range l {
		if m < 0 || len(s) < m {
			m = len(s)
		}
	}
	return m
}

// required returns a set of literals one of which every match must contain.
func required(re *syntax.Regexp) ([]string, bool) {
	l, _, ok := req(re)
	return l, ok
}

// req returns literals one of which every match contains; exact reports that
// every match is exactly one of them (only then may it be glued to a neighbour).
func req(re *syntax.Regexp) (lits []string, exact, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false, false
		}
		return []string{string(re.Rune)}, true, true
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return []string{""}, true, true
	case syntax.OpCapture:
		return req(re.Sub[0])
	case syntax.OpPlus:
		l, _, ok := req(re.Sub[0])
		return l, false, ok
	case syntax.OpRepeat:
		if re.Min >= 1 {
			l, ex, ok := req(re.Sub[0])
			return l, ex && re.Min == 1 && re.Max == 1, ok
		}
		return nil, false, false
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 4 {
				return nil, false, false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, string(r))
			}
		}
		return out, true, len(out) > 0 && len(out) <= 8
	case syntax.OpAlternate:
		var out []string
		exact = true
		for _, s := range re.Sub {
			l, ex, ok := req(s)
			if !ok {
				return nil, false, false
			}
			exact = exact && ex
			out = append(out, l...)
		}
		return out, exact, true
	case syntax.OpConcat:
		// Glue runs of adjacent exact children (bounded cross product); any
		// child's set, or a glued run's, is a valid requirement: keep the one
		// whose shortest literal is longest.
		var best, cur []string
		exactAll := true
		consider := func(l []string) {
			if l != nil && (best == nil || minLen(l) > minLen(best)) {
				best = l
			}
		}
		for _, s := range re.Sub {
			l, ex, ok := req(s)
			if !ok {
				exactAll = false
				consider(cur)
				cur = nil
				continue
			}
			if !ex {
				exactAll = false
				consider(cur)
				consider(l)
				cur = nil
				continue
			}
			if cur == nil {
				cur = l
				continue
			}
			if len(cur)*len(l) > 64 {
				exactAll = false
				consider(cur)
				cur = l
				continue
			}
			var x []string
			for _, a := range cur {
				for _, b := range l {
					x = append(x, a+b)
				}
			}
			cur = x
		}
		consider(cur)
		return best, exactAll && best != nil, best != nil
	}
	return nil, false, false
}
