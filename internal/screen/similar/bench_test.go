package similar_test

import (
	"testing"

	"github.com/vigia-mx/vigia/bench/screen/synth"
	"github.com/vigia-mx/vigia/internal/screen/similar"
)

// Speed goals (G7: ≥ 5,000 ads/s per core) are checked here and in
// bench/screen/cluster, never in the unit tests.

var benchAds = func() func() []similar.Ad {
	var ads []similar.Ad
	return func() []similar.Ad {
		if ads == nil {
			for _, a := range synth.Generate(20000, 9) {
				ads = append(ads, toAd(a))
			}
		}
		return ads
	}
}()

// BenchmarkSketch: shingling + MinHash(144) + band keys, per ad.
func BenchmarkSketch(b *testing.B) {
	ads := benchAds()
	ix := similar.NewIndex(similar.DefaultConfig())
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ix.Sketch(ads[i%len(ads)])
	}
}

// BenchmarkSketchUnmasked: the same without masking (Config.Mask false),
// to see what masking costs.
func BenchmarkSketchUnmasked(b *testing.B) {
	ads := benchAds()
	cfg := similar.DefaultConfig()
	cfg.Mask = false
	ix := similar.NewIndex(cfg)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ix.Sketch(ads[i%len(ads)])
	}
}

// BenchmarkAdd: the whole Add (sketch, LSH query and insert, exact
// verification, union-find, identifiers), per ad, into an index that grows
// to 20,000 ads and then starts over.
func BenchmarkAdd(b *testing.B) {
	ads := benchAds()
	ix := similar.NewIndex(similar.DefaultConfig())
	for i := 0; b.Loop(); i++ {
		if i%len(ads) == 0 && i > 0 {
			b.StopTimer()
			ix = similar.NewIndex(similar.DefaultConfig())
			b.StartTimer()
		}
		ix.Add(ads[i%len(ads)])
	}
}

// BenchmarkClusters: summarising every cluster of a 20,000-ad index.
func BenchmarkClusters(b *testing.B) {
	ix := similar.NewIndex(similar.DefaultConfig())
	for _, a := range benchAds() {
		ix.Add(a)
	}
	for b.Loop() {
		ix.Clusters()
	}
}
