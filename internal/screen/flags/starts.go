package flags

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// Go's regexp has no accelerator for a pattern that starts with one of many
// words: it tries every position of the text. Most rules start that way
// ("\b(?:manda|envia|…) …"), so a pattern keeps the literals a match must
// start with, finds their occurrences with strings.Index, and runs the
// regexp only there, anchored. The result is the same as the plain search
// (TestStartsMatchPlainSearch checks it on every rule and every test text).

// starter is the start-anchored form of a pattern.
type starter struct {
	starts   []string       // every match begins with one of these
	startIDs []int32        // their ids in the rule set's automaton, once built
	at0      *regexp.Regexp // \A(?:p): a match starting at offset 0
	atCtx    *regexp.Regexp // \A(?s:.)(?:p): a match starting after one context byte
}

// maxStarts bounds the literal set: beyond it, scanning for every literal
// costs more than the regexp.
const maxStarts = 128

func newStarter(p string) *starter {
	tree, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil
	}
	set, _, ok := prefixes(tree.Simplify())
	set = dedupe(set)
	if !ok || len(set) == 0 || len(set) > maxStarts {
		return nil
	}
	for _, s := range set {
		if s == "" { // a match may start anywhere
			return nil
		}
		// A one-byte start that is everywhere (a space, a digit) gives more
		// candidates than the plain search costs.
		if len(s) < 2 && !strings.ContainsAny(s, "$@") {
			return nil
		}
	}
	at0, err1 := regexp.Compile(`\A(?:` + p + `)`)
	atCtx, err2 := regexp.Compile(`\A(?s:.)(?:` + p + `)`)
	if err1 != nil || err2 != nil {
		return nil
	}
	return &starter{starts: dedupe(set), at0: at0, atCtx: atCtx}
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// maxPrefixSet bounds the sets prefixes builds while it extends them.
const maxPrefixSet = 128

// prefixes returns strings one of which every match of re starts with. exact
// reports that the matches of re are exactly those strings (a finite
// language), so that a following expression can extend them: "(?:a |an
// )?(?:leading|major) …" starts with one of "a leading", "an major", …,
// "leading", "major", not just with "a".
func prefixes(re *syntax.Regexp) (set []string, exact, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false, false
		}
		return []string{string(re.Rune)}, true, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 10 {
				return nil, false, false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, string(r))
			}
		}
		return out, len(out) > 0, len(out) > 0
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		// Zero-width: matches only "" (or nothing), which extends nothing.
		return []string{""}, true, true
	case syntax.OpCapture:
		return prefixes(re.Sub[0])
	case syntax.OpQuest:
		s, ex, ok := prefixes(re.Sub[0])
		return append(s, ""), ex, ok
	case syntax.OpStar:
		s, _, ok := prefixes(re.Sub[0])
		return append(s, ""), false, ok
	case syntax.OpPlus:
		s, _, ok := prefixes(re.Sub[0])
		return s, false, ok
	case syntax.OpRepeat:
		s, ex, ok := prefixes(re.Sub[0])
		if re.Min == 0 {
			s = append(s, "")
		}
		return s, ex && re.Min == 1 && re.Max == 1, ok
	case syntax.OpAlternate:
		var out []string
		exact = true
		for _, sub := range re.Sub {
			s, ex, ok := prefixes(sub)
			if !ok {
				return nil, false, false
			}
			out = append(out, s...)
			exact = exact && ex
		}
		return out, exact, true
	case syntax.OpConcat:
		acc := []string{""}
		for _, sub := range re.Sub {
			s, ex, ok := prefixes(sub)
			if !ok || len(acc)*len(s) > maxPrefixSet {
				return acc, false, true
			}
			var next []string
			for _, a := range acc {
				for _, b := range s {
					next = append(next, a+b)
				}
			}
			acc = next
			if !ex {
				return acc, false, true
			}
		}
		return acc, true, true
	}
	return nil, false, false
}

// find returns the leftmost match of the pattern in s at or after from, as
// the plain regexp search over s would.
func (st *starter) find(s string, from int) (int, int, bool) {
	best := -1
	for _, lit := range st.starts {
		if i := strings.Index(s[from:], lit); i >= 0 && (best < 0 || from+i < best) {
			best = from + i
		}
	}
	for best >= 0 {
		pos := best
		if e, ok := st.matchAt(s, pos); ok {
			return pos, e, true
		}
		// Next candidate after pos.
		best = -1
		for _, lit := range st.starts {
			if i := strings.Index(s[pos+1:], lit); i >= 0 && (best < 0 || pos+1+i < best) {
				best = pos + 1 + i
			}
		}
	}
	return 0, 0, false
}

// findIn is find with the candidates from a scan of s.
func (st *starter) findIn(s string, from int, o *occurrences) (int, int, bool) {
	for pos := o.next(st.startIDs, from); pos >= 0; pos = o.next(st.startIDs, pos+1) {
		if e, ok := st.matchAt(s, pos); ok {
			return pos, e, true
		}
	}
	return 0, 0, false
}

// matchAt reports whether a match starts at pos, and where it ends. The byte
// before pos is kept (as itself if ASCII, else as a non-word byte, which is
// what \b sees in UTF-8 text) so that assertions at the start behave as in
// the whole text.
func (st *starter) matchAt(s string, pos int) (int, bool) {
	if pos == 0 {
		m := st.at0.FindStringIndex(s)
		if m == nil {
			return 0, false
		}
		return m[1], true
	}
	in := s[pos-1:] // the real byte before pos, no copy
	if s[pos-1] >= 0x80 {
		in = "\x01" + s[pos:]
	}
	m := st.atCtx.FindStringIndex(in)
	if m == nil {
		return 0, false
	}
	return pos + m[1] - 1, true
}
