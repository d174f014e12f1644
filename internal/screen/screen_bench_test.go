package screen

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// BenchmarkScreen screens synthetic ads made by bench/screen/gen
// (bench/out/screen/ads20k.jsonl; skipped when absent).
func BenchmarkScreen(b *testing.B) {
	f, err := os.Open("../../bench/out/screen/ads20k.jsonl")
	if err != nil {
		b.Skip("run go run ./bench/screen/gen -n 20000 -o bench/out/screen/ads20k.jsonl first")
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() && len(texts) < 2000 {
		var ad struct{ Text string }
		json.Unmarshal(sc.Bytes(), &ad)
		texts = append(texts, ad.Text)
	}
	s, _ := New([]byte("synthetic benchmark key, 32 byte"))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s.Screen(texts[i%len(texts)])
	}
}
