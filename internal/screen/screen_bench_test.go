package screen

import (
	"encoding/json"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/vigia-mx/vigia/bench/screen/synth"
	"github.com/vigia-mx/vigia/internal/screen/similar"
)

// benchTexts are the first 2,000 ads of `go run ./bench/screen/gen -n 20000`
// (seed 1: the same ads as bench/out/screen/ads20k.jsonl), and the same
// number of ads rewritten the way real ads are written (golden_test.go).
var benchTexts = sync.OnceValues(func() (plain, mutated []string) {
	for _, a := range synth.Generate(20000, 1)[:2000] {
		plain = append(plain, a.Text)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, a := range synth.Generate(2000, 3) {
		mutated = append(mutated, mutate(a.Text, r))
	}
	return plain, mutated
})

// BenchmarkScreen screens synthetic ads, one goroutine.
func BenchmarkScreen(b *testing.B) {
	texts, _ := benchTexts()
	s, _ := New([]byte("synthetic benchmark key, 32 byte"))
	s.Screen(texts[0]) // the rules and the model are parsed on first use
	for i := 0; b.Loop(); i++ {
		s.Screen(texts[i%len(texts)])
	}
}

// BenchmarkScreenMutated screens the rewritten synthetic ads.
func BenchmarkScreenMutated(b *testing.B) {
	_, texts := benchTexts()
	s, _ := New([]byte("synthetic benchmark key, 32 byte"))
	s.Screen(texts[0]) // the rules and the model are parsed on first use
	for i := 0; b.Loop(); i++ {
		s.Screen(texts[i%len(texts)])
	}
}

// BenchmarkPipeline is what `vigia screen` does per ad, on one goroutine:
// Screen, the JSON line, and the near-duplicate index.
func BenchmarkPipeline(b *testing.B) {
	texts, _ := benchTexts()
	s, _ := New([]byte("synthetic benchmark key, 32 byte"))
	s.Screen(texts[0]) // the rules and the model are parsed on first use
	ix := similar.NewIndex(similar.DefaultConfig())
	type out struct {
		Line        int          `json:"line"`
		ID          *string      `json:"id"`
		Tier        string       `json:"tier,omitempty"`
		Risk        *float64     `json:"risk,omitempty"`
		Flags       []Flag       `json:"flags,omitempty"`
		Identifiers []Identifier `json:"identifiers,omitempty"`
		Reasons     []string     `json:"reasons,omitempty"`
		Cluster     *string      `json:"cluster"`
	}
	ids := make([]string, len(texts))
	for i := range ids {
		ids[i] = string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
	}
	for i := 0; b.Loop(); i++ {
		if i%len(texts) == 0 && i > 0 {
			ix = similar.NewIndex(similar.DefaultConfig())
		}
		res := s.Screen(texts[i%len(texts)])
		id := ids[i%len(texts)]
		o := out{Line: i, ID: &id, Tier: res.Tier, Risk: &res.Risk, Flags: res.Flags, Identifiers: res.Identifiers, Reasons: res.Reasons}
		if _, err := json.Marshal(o); err != nil {
			b.Fatal(err)
		}
		ix.Add(similar.Ad{ID: id, Text: res.Folded, Tokens: res.Tokens()})
	}
}
