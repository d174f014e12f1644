package similar

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/bench/screen/synth"
)

// goldenSketches is the SHA-256 of the words, shingle sets and LSH band keys
// of a fixed corpus, unmasked and masked: a speed-up of shingling, masking
// or MinHash must not change it. The unmasked hash is the one taken before
// masking existed (Config.Mask false shingles exactly as before).
var goldenSketches = map[bool]string{
	false: "31196d101db24048fe4d85bec12da138e67ceb79745c29d7820eae9c35150944",
	true:  "f2bb74c2928b23a211312aec8df97750f111fafdba8320bc29e81ec09b9def43",
}

func TestGoldenSketches(t *testing.T) {
	for _, m := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.Mask = m
		if got := sketchHash(cfg); got != goldenSketches[m] {
			t.Errorf("mask=%v: sha256 %s, want %s", m, got, goldenSketches[m])
		}
	}
}

func sketchHash(cfg Config) string {
	ix := NewIndex(cfg)
	h := sha256.New()
	var texts []string
	for _, a := range synth.Generate(3000, 13) {
		texts = append(texts, a.Text)
	}
	// Short ads (character shingles), non-ASCII letters and marks, digits.
	for i, s := range texts[:500] {
		w := strings.Fields(s)
		texts = append(texts, strings.Join(w[:min(len(w), 3+i%25)], " "))
		texts = append(texts, strings.ReplaceAll(strings.ReplaceAll(s, "a", "á"), "o", "ö\u0301"))
	}
	texts = append(texts, "", " ", "a", "abcd", "日本語のテキスト 55 1234 5678", "ñandú €100 — ok")
	var buf [4]byte
	for _, s := range texts {
		sk := ix.Sketch(Ad{ID: "x", Text: s})
		h.Write([]byte(strings.Join(sk.words, "\x00")))
		h.Write([]byte{0xff})
		for _, v := range sk.set {
			binary.LittleEndian.PutUint32(buf[:], v)
			h.Write(buf[:])
		}
		h.Write([]byte{0xfe})
		for _, v := range sk.bands {
			binary.LittleEndian.PutUint32(buf[:], v)
			h.Write(buf[:])
		}
		h.Write([]byte{0xfd})
	}
	return hex.EncodeToString(h.Sum(nil))
}
