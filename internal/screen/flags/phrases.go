package flags

import (
	"math"
	"slices"
	"sync"
)

// Phrase features: the model also weighs the words and word pairs of an ad,
// hashed into a fixed number of buckets so that the model file holds weights
// and never text. They let real data say what no rule names (ordinary
// postings' "prestaciones de ley", the fake packing family's wording), and
// they explain themselves: a bucket that pushes the risk up points back to
// the words that filled it, shown to the reader as evidence.

// PhraseBuckets is the number of hash buckets for words and word pairs.
const PhraseBuckets = 1 << 18

// phrase is one word or word pair of an ad: its bucket and its byte span in
// the folded text.
type phrase struct {
	bucket uint32
	a, b   int
}

func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c >= 0x80
}

// fnv32 hashes s, with a seed so unigrams and bigrams fall apart.
func fnv32(seed uint32, s string) uint32 {
	h := uint32(2166136261) ^ seed
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// numeric reports whether tok holds a digit: numbers (pay, phones, dates)
// vary between copies of one offer, so they all hash as one token "#".
func numeric(tok string) bool {
	for i := 0; i < len(tok); i++ {
		if '0' <= tok[i] && tok[i] <= '9' {
			return true
		}
	}
	return false
}

// phrasesOf lists the words and word pairs of the folded text s.
func phrasesOf(s string, out []phrase) []phrase {
	type tok struct {
		s    string
		a, b int
	}
	var prev tok
	have := false
	for i := 0; i < len(s); {
		if !isTokenByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isTokenByte(s[j]) {
			j++
		}
		t := tok{s[i:j], i, j}
		if numeric(t.s) {
			t.s = "#"
		}
		out = append(out, phrase{fnv32(0, t.s) % PhraseBuckets, i, j})
		if have {
			h := fnv32(0x9e3779b9, prev.s)
			h ^= fnv32(0x85ebca6b, t.s) * 31
			out = append(out, phrase{h % PhraseBuckets, prev.a, j})
		}
		prev, have = t, true
		i = j
	}
	return out
}

// PhraseVector returns the distinct buckets of the folded text and the
// value each carries (1/√n, so long and short ads weigh alike).
func PhraseVector(folded string) ([]uint32, float64) {
	ps := phrasesOf(folded, nil)
	b := make([]uint32, len(ps))
	for i, p := range ps {
		b[i] = p.bucket
	}
	slices.Sort(b)
	b = slices.Compact(b)
	if len(b) == 0 {
		return nil, 0
	}
	return b, 1 / math.Sqrt(float64(len(b)))
}

// PhraseHit is a stretch of the ad whose words push the model's risk up.
type PhraseHit struct {
	Start, End   int // byte offsets in the folded text
	Contribution float64
}

// phraseScore returns the phrase part of the model score and, when explain
// is set, the strongest positive stretches (merged when they overlap).
func (m *Model) phraseScore(folded string, explain bool) (float64, []PhraseHit) {
	if len(m.phraseW) == 0 {
		return 0, nil
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	ps := phrasesOf(folded, sc.ps[:0])
	sc.ps = ps[:0]
	if len(ps) == 0 {
		return 0, nil
	}
	// Distinct buckets: each counts once, at its first place. A stamp per
	// bucket, bumped once per ad, marks the buckets seen without clearing.
	sc.gen++
	if sc.gen == 0 {
		clear(sc.stamp)
		sc.gen = 1
	}
	var z float64
	type contrib struct {
		a, b int
		w    float64
	}
	var pos []contrib
	n := 0
	for _, p := range ps {
		if sc.stamp[p.bucket] == sc.gen {
			continue
		}
		sc.stamp[p.bucket] = sc.gen
		n++
		w := float64(m.phraseW[p.bucket])
		z += w
		if explain && w > 0 {
			pos = append(pos, contrib{p.a, p.b, w})
		}
	}
	scale := 1 / math.Sqrt(float64(n))
	z *= scale
	if !explain {
		return z, nil
	}
	slices.SortFunc(pos, func(x, y contrib) int {
		switch {
		case x.w > y.w:
			return -1
		case x.w < y.w:
			return 1
		}
		return x.a - y.a
	})
	var hits []PhraseHit
	for _, c := range pos {
		// Below ExplainMin a phrase says little, but the strongest one is
		// kept so that a risk with no rule behind it still shows its words.
		if len(hits) >= MaxPhrases || c.w*scale < m.ExplainMin && len(hits) > 0 {
			break
		}
		merged := false
		for i := range hits {
			if c.a <= hits[i].End && c.b >= hits[i].Start {
				hits[i].Start, hits[i].End = min(hits[i].Start, c.a), max(hits[i].End, c.b)
				hits[i].Contribution += c.w * scale
				merged = true
				break
			}
		}
		if !merged {
			hits = append(hits, PhraseHit{c.a, c.b, c.w * scale})
		}
	}
	return z, hits
}

// scratch is per-goroutine working memory for phraseScore.
type scratch struct {
	stamp []uint32 // PhraseBuckets long
	gen   uint32
	ps    []phrase
}

var scratchPool = sync.Pool{New: func() any { return &scratch{stamp: make([]uint32, PhraseBuckets)} }}

// MaxPhrases caps the phrases shown as evidence for the model's risk.
const MaxPhrases = 3
