// Package normalize prepares an ad for matching: it folds the text once
// (compatibility forms, case, accents, look-alike digits, whitespace) and
// keeps, for every byte of the folded text, where it came from in the
// original, so that a match on the folded text can be shown as evidence in
// the ad exactly as it was published.
//
// Folding works one original character at a time, so the folded form of
// any stretch of the original never depends on its neighbours (apart from
// whitespace collapsing). That is what makes Span safe: the original range
// it returns folds back to the same text.
package normalize

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxLen is the longest text New folds: offsets are kept as int32, and no
// ad comes near it.
const MaxLen = 1<<31 - 1

// Text is an ad prepared for matching, with a way back to the original.
type Text struct {
	Original string
	// Folded is Original after NFKC-style compatibility decomposition,
	// lower-casing and removal of accents and other combining marks
	// (á→a, ñ→n, ü→u); keycap, full-width, mathematical and circled digits
	// become ASCII digits; zero-width and other invisible format characters
	// are dropped; every run of whitespace becomes one ASCII space, and
	// leading and trailing whitespace is removed. It is always valid UTF-8:
	// an invalid byte in Original becomes U+FFFD.
	Folded string

	// starts[i] is the byte offset in Original of the character that
	// produced Folded[i]; starts[len(Folded)] is len(Original).
	// int32 halves the memory of the tables: an ad is far below 2 GiB.
	starts []int32
	// ends[i] is the end offset of that character, extended over any
	// combining marks or variation selectors that followed it and were
	// dropped (so "5️⃣" is one unit of evidence, not "5").
	ends []int32
}

// New folds s. It never fails: invalid UTF-8 is folded as U+FFFD, one
// replacement character per invalid byte. Text longer than MaxLen is cut
// at MaxLen (on a character boundary) before folding.
func New(s string) Text {
	if len(s) > MaxLen {
		cut := MaxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	// One allocation for both offset tables; folding rarely grows the text
	// by more than a few bytes (keycap ten, ligatures), and append copes if
	// it does.
	n := len(s) + 16
	tables := make([]int32, 2*n)
	b := builder{
		out:    make([]byte, 0, n),
		starts: tables[:0:n],
		ends:   tables[n:n],
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			// ASCII fast path: most of an ad is ASCII.
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
				b.space(i, i+1)
				i++
				continue
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.flushSpace()
			b.chunk = len(b.out)
			b.newChunk = false
			b.out = append(b.out, c)
			b.starts = append(b.starts, int32(i))
			b.ends = append(b.ends, int32(i+1))
			b.haveChunk = true
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		b.rune(s[i:i+size], r, i, i+size)
		i += size
	}
	b.flushEnd(len(s))
	return Text{Original: s, Folded: string(b.out), starts: b.starts, ends: b.ends}
}

// builder accumulates the folded bytes and their origins.
type builder struct {
	out          []byte
	starts, ends []int32
	// chunk is the index in out where the output of the current original
	// character begins; chunkSrc/chunkEnd are that character's range.
	chunk, chunkSrc, chunkEnd int
	newChunk                  bool
	// pending whitespace is emitted lazily, so that leading and trailing
	// whitespace disappears and runs collapse to one space.
	pending            bool
	pendStart, pendEnd int
	// haveChunk tells whether the last thing seen was an emitted
	// character (not whitespace), to know what a dropped mark attaches to.
	haveChunk bool
}

func (b *builder) chunkStart(start, end int) {
	b.newChunk = true
	b.chunkSrc, b.chunkEnd = start, end
}

func (b *builder) space(start, end int) {
	if !b.pending {
		b.pending = true
		b.pendStart = start
	}
	b.pendEnd = end
	b.haveChunk = false
}

func (b *builder) flushSpace() {
	if !b.pending {
		return
	}
	b.pending = false
	if len(b.out) == 0 {
		return // leading whitespace
	}
	b.out = append(b.out, ' ')
	b.starts = append(b.starts, int32(b.pendStart))
	b.ends = append(b.ends, int32(b.pendEnd))
}

func (b *builder) emitByte(c byte) {
	b.flushSpace()
	if b.newChunk {
		b.newChunk = false
		b.chunk = len(b.out)
	}
	b.out = append(b.out, c)
	b.starts = append(b.starts, int32(b.chunkSrc))
	b.ends = append(b.ends, int32(b.chunkEnd))
	b.haveChunk = true
}

func (b *builder) emitString(s string) {
	for i := 0; i < len(s); i++ {
		b.emitByte(s[i])
	}
}

func (b *builder) emitRune(r rune) {
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	for _, c := range buf[:n] {
		b.emitByte(c)
	}
}

// attach extends the evidence of whatever came last over a dropped mark.
func (b *builder) attach(end int) {
	switch {
	case b.pending:
		b.pendEnd = end
	case b.haveChunk:
		for j := b.chunk; j < len(b.ends); j++ {
			b.ends[j] = int32(end)
		}
	}
}

func (b *builder) flushEnd(n int) {
	// Trailing whitespace is dropped, not emitted.
	b.pending = false
	b.starts = append(b.starts, int32(n))
	b.ends = append(b.ends, int32(n))
}

// rune folds one non-ASCII original character src (r, or RuneError for an
// invalid byte) found at [start,end).
func (b *builder) rune(src string, r rune, start, end int) {
	if r == utf8.RuneError && end-start == 1 {
		b.chunkStart(start, end)
		b.emitRune(utf8.RuneError)
		return
	}
	if d, ok := extraDigits(r); ok {
		b.chunkStart(start, end)
		b.emitString(d)
		return
	}
	if dropAttached(r) {
		b.attach(end)
		return
	}
	if unicode.Is(unicode.Cf, r) {
		// Zero-width spaces, soft hyphens, bidi controls: invisible, and used
		// to break up words and numbers ("5\u200b5…") against filters.
		return
	}
	if unicode.IsSpace(r) {
		b.space(start, end)
		return
	}
	b.chunkStart(start, end)
	dec := norm.NFKD.PropertiesString(src).Decomposition()
	if dec == nil {
		b.folded(r, start, end)
		return
	}
	for len(dec) > 0 {
		dr, n := utf8.DecodeRune(dec)
		dec = dec[n:]
		b.folded(dr, start, end)
	}
}

// folded emits one rune of a character's decomposition.
func (b *builder) folded(r rune, start, end int) {
	switch {
	case r < utf8.RuneSelf:
		c := byte(r)
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
			b.space(start, end)
			return
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.emitByte(c)
	case unicode.In(r, unicode.Mn, unicode.Me):
		// Accents and other combining marks: this is where á→a and ñ→n.
	case unicode.IsSpace(r):
		b.space(start, end)
	default:
		b.emitRune(unicode.ToLower(r))
	}
}

// dropAttached reports whether r is invisible on its own and belongs to the
// character before it: combining marks, variation selectors (U+FE0F in
// "5️⃣"), the combining keycap U+20E3 and the zero-width joiner of emoji
// sequences.
func dropAttached(r rune) bool {
	return r == 0x200D || unicode.In(r, unicode.Mn, unicode.Me)
}

// extraDigits maps digit look-alikes that have no compatibility
// decomposition, so NFKC leaves them alone, but that ads use to write phone
// numbers past filters.
func extraDigits(r rune) (string, bool) {
	switch {
	case r == 0x1F51F: // 🔟 keycap ten
		return "10", true
	case 0x2776 <= r && r <= 0x277E: // ❶…❾ dingbat negative circled
		return string(rune('1' + r - 0x2776)), true
	case 0x2780 <= r && r <= 0x2788: // ➀…➈ circled sans-serif
		return string(rune('1' + r - 0x2780)), true
	case 0x278A <= r && r <= 0x2792: // ➊…➒ negative circled sans-serif
		return string(rune('1' + r - 0x278A)), true
	case r == 0x277F || r == 0x2789 || r == 0x2793:
		return "10", true
	case 0x24F5 <= r && r <= 0x24FD: // ⓵…⓽ double circled
		return string(rune('1' + r - 0x24F5)), true
	case r == 0x24FE:
		return "10", true
	case r == 0x24FF || r == 0x1F10B || r == 0x1F10C: // ⓿ and circled zeros
		return "0", true
	}
	return "", false
}

// Span maps a byte range [start,end) of Folded back to the byte range of
// Original it came from, covering whole original characters (and the marks
// that were folded away with them). Out-of-range arguments are clamped; an
// empty range maps to an empty range at the corresponding position.
func (t Text) Span(start, end int) (ostart, oend int) {
	n := len(t.Folded)
	if len(t.starts) != n+1 {
		// Zero Text, or one built by hand: nothing to map.
		return 0, 0
	}
	start = clamp(start, 0, n)
	end = clamp(end, start, n)
	if start == end {
		return int(t.starts[start]), int(t.starts[start])
	}
	return int(t.starts[start]), int(t.ends[end-1])
}

// RuneSpan converts a byte range of original to code-point (rune) offsets,
// for JSON consumers that index by character. Each invalid byte counts as
// one code point, as it does in New. Offsets are clamped to the string.
func RuneSpan(original string, start, end int) (rstart, rend int) {
	start = clamp(start, 0, len(original))
	end = clamp(end, start, len(original))
	rstart = utf8.RuneCountInString(original[:start])
	rend = rstart + utf8.RuneCountInString(original[start:end])
	return rstart, rend
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
