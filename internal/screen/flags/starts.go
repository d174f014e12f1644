package flags

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
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
	num      *numLead       // instead of starts: the match is led by a digit
	// win are literal sets each of which has a member inside every match
	// (one per part of the pattern that has such a set): a candidate
	// without one of them within maxLen bytes after it is not tried.
	win []litSet
	// maxLen bounds the bytes of a match (-1: unbounded). The anchored
	// regexp then reads only that much of the text: Go's backtracker
	// clears a bitmap as large as its program times its input, so running
	// it on the whole rest of the text cost more than the match.
	maxLen int
}

// numLead describes a pattern whose matches begin with up to len(lead)
// optional one-byte literals and then a digit, such as the pay rules
// "\$? ?\b(?:[2-9][,.]?\d{3}|…)…": their only possible starts are the
// digits of the text (and the few bytes before them), far fewer positions
// than the plain search tries.
type numLead struct {
	lead     string    // the optional leading bytes, in order
	isLead   [256]bool // bytes of lead
	first    [256]bool // digits a match's digit part can start with
	boundary bool      // a \b right before the digit: the byte before it is not a word byte
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
		return newNumStarter(p, tree.Simplify())
	}
	for _, s := range set {
		if s == "" { // a match may start anywhere
			return nil
		}
		// A one-byte start that is everywhere (a space, a digit) gives more
		// candidates than the plain search costs.
		if len(s) < 2 && !strings.ContainsAny(s, "$@") {
			return newNumStarter(p, tree.Simplify())
		}
	}
	st := anchored(p)
	if st == nil {
		return nil
	}
	st.starts = set
	return st
}

// litSet is a set of literals and their ids in the rule set's automaton.
type litSet struct {
	lits   []string
	ids    []int32
	minLen int
}

// windowSets returns, for each part of the top-level concatenation re, the
// literals one of which every match of that part contains (as the
// prefilter finds them), when they filter.
func windowSets(re *syntax.Regexp) []litSet {
	if re.Op != syntax.OpConcat {
		return nil
	}
	var out []litSet
	for _, sub := range re.Sub {
		l, _, ok := req(sub)
		if !ok || len(l) == 0 || len(l) > 64 || !(minLen(l) >= 2 || rareBytes(l)) {
			continue
		}
		out = append(out, litSet{lits: dedupe(l), minLen: minLen(l)})
	}
	return out
}

// inWindow reports whether every window set has an occurrence that starts
// at or after pos and ends by pos+maxLen (the end of s if unbounded).
func (st *starter) inWindow(s string, pos int, o *occurrences) bool {
	end := len(s)
	if st.maxLen >= 0 {
		end = min(end, pos+st.maxLen)
	}
	for i := range st.win {
		w := &st.win[i]
		q := o.next(w.ids, pos)
		if q < 0 || q+w.minLen > end {
			return false
		}
	}
	return true
}

// anchored compiles the two start-anchored forms of p.
func anchored(p string) *starter {
	at0, err1 := regexp.Compile(`\A(?:` + p + `)`)
	atCtx, err2 := regexp.Compile(`\A(?s:.)(?:` + p + `)`)
	if err1 != nil || err2 != nil {
		return nil
	}
	st := &starter{at0: at0, atCtx: atCtx, maxLen: -1}
	if tree, err := syntax.Parse(p, syntax.Perl); err == nil {
		st.maxLen = maxBytes(tree.Simplify())
		st.win = windowSets(tree.Simplify())
	}
	return st
}

// maxBytes returns the most bytes a match of re can span, or -1 if
// unbounded. A character counts as its longest UTF-8 form (an invalid
// byte, which the regexp reads as U+FFFD, is one byte).
func maxBytes(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return 0
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 || utf8.RuneLen(r) < 0 {
				n += utf8.UTFMax // a case variant may be longer ("k", U+212A)
			} else {
				n += utf8.RuneLen(r)
			}
		}
		return n
	case syntax.OpCharClass:
		n := 0
		for i := 1; i < len(re.Rune); i += 2 {
			l := utf8.RuneLen(re.Rune[i])
			if l < 0 {
				l = utf8.UTFMax
			}
			n = max(n, l)
		}
		return n
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax
	case syntax.OpCapture, syntax.OpQuest:
		return maxBytes(re.Sub[0])
	case syntax.OpRepeat:
		n := maxBytes(re.Sub[0])
		if n < 0 || re.Max < 0 {
			return -1
		}
		return n * re.Max
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			m := maxBytes(sub)
			if m < 0 {
				return -1
			}
			n += m
		}
		return n
	case syntax.OpAlternate:
		n := 0
		for _, sub := range re.Sub {
			m := maxBytes(sub)
			if m < 0 {
				return -1
			}
			n = max(n, m)
		}
		return n
	}
	return -1 // star, plus, anything unknown
}

// newNumStarter returns a digit-led starter for p (parsed and simplified
// as re), or nil if p does not have that shape: a concatenation of
// optional one-byte literals ("\$?", " ?"), an optional \b, and then an
// expression every match of which starts with an ASCII digit.
func newNumStarter(p string, re *syntax.Regexp) *starter {
	if re.Op != syntax.OpConcat {
		return nil
	}
	n := &numLead{}
	subs := re.Sub
	for len(subs) > 0 {
		q := subs[0]
		if q.Op != syntax.OpQuest || q.Sub[0].Op != syntax.OpLiteral || len(q.Sub[0].Rune) != 1 ||
			q.Sub[0].Flags&syntax.FoldCase != 0 || q.Sub[0].Rune[0] >= 0x80 || isDigitByte(byte(q.Sub[0].Rune[0])) {
			break
		}
		c := byte(q.Sub[0].Rune[0])
		n.lead += string(c)
		n.isLead[c] = true
		subs = subs[1:]
	}
	if len(subs) > 0 && subs[0].Op == syntax.OpWordBoundary {
		n.boundary = true
		subs = subs[1:]
	}
	if len(subs) == 0 {
		return nil
	}
	nullable := true
	for _, sub := range subs {
		if !firstBytes(sub, &n.first) {
			return nil
		}
		if !canBeEmpty(sub) {
			nullable = false
			break
		}
	}
	if nullable {
		return nil
	}
	for c, ok := range n.first {
		if ok && !isDigitByte(byte(c)) {
			return nil
		}
	}
	st := anchored(p)
	if st == nil {
		return nil
	}
	st.num = n
	return st
}

// firstBytes adds to set every byte a non-empty match of re can start
// with; false if it cannot tell (case folding, non-ASCII classes, any
// character).
func firstBytes(re *syntax.Regexp, set *[256]bool) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 || re.Rune[0] >= 0x80 {
			return false
		}
		set[re.Rune[0]] = true
		return true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1] >= 0x80 {
				return false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				set[r] = true
			}
		}
		return true
	case syntax.OpCapture, syntax.OpQuest, syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		return firstBytes(re.Sub[0], set)
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !firstBytes(sub, set) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !firstBytes(sub, set) {
				return false
			}
			if !canBeEmpty(sub) {
				return true
			}
		}
		return true
	}
	return false
}

// canBeEmpty reports whether re can match the empty string (as far as the
// bytes it consumes go: assertions count as empty).
func canBeEmpty(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpQuest, syntax.OpStar:
		return true
	case syntax.OpLiteral:
		return len(re.Rune) == 0
	case syntax.OpCapture, syntax.OpPlus:
		return canBeEmpty(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min == 0 || canBeEmpty(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if canBeEmpty(sub) {
				return true
			}
		}
		return false
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !canBeEmpty(sub) {
				return false
			}
		}
		return true
	}
	return false // character classes, any character: one character at least
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

// isWordByte is \b's notion of a word character (ASCII only; every byte
// of a multi-byte character is a non-word byte to it).
func isWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// findNum is find for a digit-led starter. Every match starts at some c
// with a digit d in [c, c+len(lead)] that its digit part starts with,
// only lead bytes in s[c:d], and (with boundary) a non-word byte before d;
// the candidates c are tried in ascending order, each once.
// With a scan o (nil: none), candidates are checked against the window
// sets first.
func (st *starter) findNum(s string, from int, o *occurrences) (int, int, bool) {
	win := o != nil && st.win != nil && st.win[0].ids != nil
	n := st.num
	last := from - 1 // the last candidate tried
	k := len(n.lead)
	for d := from; d < len(s); d++ {
		if !n.first[s[d]] || (n.boundary && d > 0 && isWordByte(s[d-1])) {
			continue
		}
		lo := max(d-k, last+1)
		// Only lead bytes between a candidate and the digit.
		c := d
		for c > lo && n.isLead[s[c-1]] {
			c--
		}
		for ; c <= d; c++ {
			if win && !st.inWindow(s, c, o) {
				continue
			}
			if e, ok := st.matchAt(s, c); ok {
				return c, e, true
			}
		}
		last = d
	}
	return 0, 0, false
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
	if st.num != nil {
		return st.findNum(s, from, nil)
	}
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
	if st.num != nil {
		return st.findNum(s, from, o)
	}
	if st.startIDs == nil { // not registered in an automaton
		return st.find(s, from)
	}
	// The start literals that occur at all, once: most of a long list
	// does not.
	var idsArr [16]int32
	ids := idsArr[:0]
	for _, id := range st.startIDs {
		if o.has(id) {
			ids = append(ids, id)
		}
	}
	for pos := o.next(ids, from); pos >= 0; pos = o.next(ids, pos+1) {
		if st.win != nil && !st.inWindow(s, pos, o) {
			continue
		}
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
	// The regexp reads no further than a match can reach, plus the
	// character after it (for \b and $), cut on a character boundary:
	// every character it can look at is the same as in s.
	end := len(s)
	if st.maxLen >= 0 && pos+st.maxLen+1 < len(s) {
		end = pos + st.maxLen + 1
		for end < len(s) && !utf8.RuneStart(s[end]) {
			end++
		}
	}
	if pos == 0 {
		m := st.at0.FindStringIndex(s[:end])
		if m == nil {
			return 0, false
		}
		return m[1], true
	}
	ctx := pos - 1 // the real character before pos, no copy
	if s[pos-1] >= 0x80 {
		// A non-ASCII character: (?s:.) consumes it whole if it is valid
		// UTF-8 and ends at pos; else stand in a non-word byte, which is
		// what \b sees there.
		for ctx > 0 && ctx > pos-utf8.UTFMax && !utf8.RuneStart(s[ctx]) {
			ctx--
		}
		if r, n := utf8.DecodeRuneInString(s[ctx:pos]); ctx+n != pos || r == utf8.RuneError {
			m := st.atCtx.FindStringIndex("\x01" + s[pos:end])
			if m == nil {
				return 0, false
			}
			return pos + m[1] - 1, true
		}
	}
	m := st.atCtx.FindStringIndex(s[ctx:end])
	if m == nil {
		return 0, false
	}
	return ctx + m[1], true
}
