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
const maxStarts = 48

func newStarter(p string) *starter {
	tree, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil
	}
	set, nullable, ok := firstLits(tree.Simplify())
	if !ok || nullable || len(set) == 0 || len(set) > maxStarts {
		return nil
	}
	for _, s := range set {
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

// firstLits returns literals one of which every match starts with; nullable
// reports that the expression can match the empty string (so what follows
// it can start the match too).
func firstLits(re *syntax.Regexp) (set []string, nullable, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 {
			return nil, false, false
		}
		return []string{string(re.Rune)}, false, true
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
		return out, false, len(out) > 0
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return nil, true, true
	case syntax.OpCapture, syntax.OpPlus:
		return firstLits(re.Sub[0])
	case syntax.OpQuest, syntax.OpStar:
		s, _, ok := firstLits(re.Sub[0])
		return s, true, ok
	case syntax.OpRepeat:
		s, n, ok := firstLits(re.Sub[0])
		return s, n || re.Min == 0, ok
	case syntax.OpAlternate:
		var out []string
		null := false
		for _, sub := range re.Sub {
			s, n, ok := firstLits(sub)
			if !ok {
				return nil, false, false
			}
			out = append(out, s...)
			null = null || n
		}
		return out, null, true
	case syntax.OpConcat:
		var out []string
		for _, sub := range re.Sub {
			s, n, ok := firstLits(sub)
			if !ok {
				return nil, false, false
			}
			out = append(out, s...)
			if !n {
				return out, false, true
			}
		}
		return out, true, true
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
