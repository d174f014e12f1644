package similar

import (
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"
)

// shingleN is the shingle width, in words or in characters. Five words is
// InfoShield's choice: long enough that two unrelated ads rarely share a
// shingle, short enough that one changed slot (a name, a city) only costs
// five shingles.
const shingleN = 5

// Domain separators, so that a word shingle and a character shingle never
// hash to the same value by construction.
const (
	wordSeed = 0x9e3779b97f4a7c15
	charSeed = 0xc2b2ae3d27d4eb4f
)

// Words splits folded text into words: maximal runs of letters, digits and
// combining marks. Everything else (spaces, punctuation, symbols, emoji)
// separates words. The returned strings share memory with text.
func Words(text string) []string {
	return appendWords(nil, text)
}

func appendWords(dst []string, text string) []string {
	start := -1
	for i := 0; i < len(text); {
		c := text[i]
		var in bool
		size := 1
		if c < utf8.RuneSelf {
			in = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			in = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		}
		if in {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			dst = append(dst, text[start:i])
			start = -1
		}
		i += size
	}
	if start >= 0 {
		dst = append(dst, text[start:])
	}
	return dst
}

// mix64 is the splitmix64 finaliser: a cheap bijection that spreads every
// input bit over the whole word.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hashString is FNV-1a, finished with mix64 because FNV's low bits are weak.
func hashString(s string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return mix64(h)
}

func fold32(h uint64) uint32 { return uint32(h>>32) ^ uint32(h) }

// Shingles returns the sorted, de-duplicated 32-bit hashes of the shingles of
// a folded text: word 5-grams when it has at least minWords words, otherwise
// character 5-grams of the words joined by single spaces (short ads have too
// few word 5-grams for Jaccard to mean anything: one changed word in a
// 12-word ad removes 5 of its 8 shingles). A text with fewer than five
// characters is one shingle; an empty text has none.
//
// 32 bits are enough: two ads of 100 shingles share a spurious hash with
// probability about 100·100/2³² ≈ 2·10⁻⁶, and a spurious shared hash moves
// Jaccard by about 1/200.
func Shingles(text string, minWords int) []uint32 {
	return shingles(nil, Words(text), minWords)
}

func shingles(dst []uint32, words []string, minWords int) []uint32 {
	return shinglesN(dst, words, minWords, shingleN)
}

// maskedShingleN is the word shingle width on masked text. Copies of one
// template differ in a word or two besides the slots; every changed word
// costs n shingles, so with 5-grams two changes in a 60-word ad already
// take Jaccard below 0.8. On SYNTHETIC planted templates of 40–160 words
// with up to two changed words (TestPlantedTemplates) the pairwise recall
// was 0.72 with 5-grams, 0.84 with 4, 0.957 with 3 and 0.9998 with 2, all at
// precision 1; on the real mx-boards ads, pairs linked by masked 2-grams
// that were not near-duplicates as written were the same posting with
// another title or city (docs/screening-templates.md). Word pairs are
// still specific: two ads sharing 80 % of their word pairs share most of
// their text, in order.
const maskedShingleN = 2

// shinglesN is shingles with word n-grams of width width (character
// shingles stay 5 wide).
func shinglesN(dst []uint32, words []string, minWords, width int) []uint32 {
	if minWords < shingleN {
		minWords = shingleN
	}
	dst = dst[:0]
	if len(words) >= minWords {
		wh := make([]uint64, len(words))
		for i, w := range words {
			wh[i] = hashString(w)
		}
		for i := 0; i+width <= len(wh); i++ {
			h := uint64(wordSeed)
			for _, x := range wh[i : i+width] {
				h = (bits.RotateLeft64(h, 23) ^ x) * 0xff51afd7ed558ccd
			}
			dst = append(dst, fold32(mix64(h)))
		}
	} else {
		var rs []rune
		for i, w := range words {
			if i > 0 {
				rs = append(rs, ' ')
			}
			for _, r := range w {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			return dst
		}
		n := shingleN
		if len(rs) < n {
			n = len(rs)
		}
		for i := 0; i+n <= len(rs); i++ {
			h := uint64(charSeed)
			for _, r := range rs[i : i+n] {
				h = (bits.RotateLeft64(h, 23) ^ uint64(r)) * 0xff51afd7ed558ccd
			}
			dst = append(dst, fold32(mix64(h)))
		}
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// Jaccard returns |a∩b| / |a∪b| for two sorted, de-duplicated sets. Two
// empty sets have Jaccard 0: an ad with no text is nobody's duplicate.
func Jaccard(a, b []uint32) float64 {
	inter := intersect(a, b)
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

func intersect(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// CandidateProbability is the LSH S-curve: the probability that a pair with
// Jaccard j shares at least one of bands band keys of rows MinHash values
// each, 1 − (1 − j^rows)^bands.
func CandidateProbability(j float64, bands, rows int) float64 {
	p := 1.0
	for range rows {
		p *= j
	}
	q := 1.0
	for range bands {
		q *= 1 - p
	}
	return 1 - q
}

// hasher holds the MinHash functions h_i(x) = ⌊(a_i·x + b_i) mod 2⁶⁴ / 2³²⌋
// (multiply-shift, 2-universal on 32-bit keys; the keys are themselves
// hashes, so this behaves like random permutations in practice).
type hasher struct {
	a, b        []uint64
	bands, rows int
}

func newHasher(n, bands, rows int, seed uint64) *hasher {
	h := &hasher{a: make([]uint64, n), b: make([]uint64, n), bands: bands, rows: rows}
	s := seed
	next := func() uint64 {
		s += 0x9e3779b97f4a7c15
		return mix64(s)
	}
	for i := range n {
		h.a[i] = next() | 1
		h.b[i] = next()
	}
	return h
}

// bandKeys computes the MinHash signature of set and hashes each band of
// rows values to a 32-bit key. The signature itself is not kept: after
// banding only the keys are needed, and verification uses the exact set.
// 32-bit keys collide by chance (about n²/2³³ pairs per band), which only
// adds candidates that exact verification then rejects.
func (h *hasher) bandKeys(dst []uint32, set []uint32) []uint32 {
	dst = dst[:0]
	if len(set) == 0 {
		return dst
	}
	var sigArr [256]uint32
	sig := sigArr[:0]
	if len(h.a) > len(sigArr) {
		sig = make([]uint32, 0, len(h.a))
	}
	sig = sig[:len(h.a)]
	a := h.a
	b := h.b[:len(a)]
	// One hash function at a time over the whole set: its multiplier,
	// offset and running minimum stay in registers.
	for i := range a {
		sig[i] = minHash(set, a[i], b[i])
	}
	for band := range h.bands {
		k := uint64(band+1) * 0x9e3779b97f4a7c15
		for _, v := range sig[band*h.rows : (band+1)*h.rows] {
			k = (bits.RotateLeft64(k, 29) ^ uint64(v)) * 0xff51afd7ed558ccd
		}
		dst = append(dst, fold32(mix64(k)))
	}
	return dst
}

// minHash is min over x in set of ⌊(a·x + b) mod 2⁶⁴ / 2³²⌋. It is a
// function of its own so that the loop keeps everything in registers.
//
//go:noinline
func minHash(set []uint32, a, b uint64) uint32 {
	m0, m1, m2, m3 := ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0)
	for len(set) >= 4 {
		x0, x1, x2, x3 := set[0], set[1], set[2], set[3]
		m0 = min(m0, uint32((a*uint64(x0)+b)>>32))
		m1 = min(m1, uint32((a*uint64(x1)+b)>>32))
		m2 = min(m2, uint32((a*uint64(x2)+b)>>32))
		m3 = min(m3, uint32((a*uint64(x3)+b)>>32))
		set = set[4:]
	}
	for _, x := range set {
		m0 = min(m0, uint32((a*uint64(x)+b)>>32))
	}
	return min(m0, m1, m2, m3)
}
