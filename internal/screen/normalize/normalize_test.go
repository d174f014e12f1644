package normalize

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// All ad texts in this file are synthetic: written for the tests, not taken
// from real ads, and every phone number in them is made up.

func TestNewFolded(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii lower", "Se Solicita EDECÁN", "se solicita edecan"},
		{"accents", "Señorita, niña, pingüino, acción, ÁÉÍÓÚ", "senorita, nina, pinguino, accion, aeiou"},
		{"decomposed accents", "Sen\u0303orita cafe\u0301", "senorita cafe"},
		{"whitespace runs", "  hola \t\n  mundo  ", "hola mundo"},
		{"nbsp and em space", "sueldo\u00a0alto\u2003hoy", "sueldo alto hoy"},
		{"zero width", "wha\u200btsapp 5\u200b5\u2060\ufeff1", "whatsapp 551"},
		{"soft hyphen", "empe\u00adño", "empeno"},
		{"full-width digits", "５５ １２３４ ５６７８", "55 1234 5678"},
		{"full-width letters", "ＷＨＡＴＳＡＰＰ", "whatsapp"},
		{"keycap emoji", "5️⃣5️⃣1️⃣2️⃣", "5512"},
		{"keycap without selector", "5\u20e33\u20e3", "53"},
		{"keycap ten", "🔟", "10"},
		{"math digits", "𝟓𝟓 𝟙𝟚 𝟬𝟵", "55 12 09"},
		{"circled digits", "①② ❸ ➍ ⓿", "12 3 4 0"},
		{"superscript", "x²", "x2"},
		{"ligature", "ﬁnanzas", "finanzas"},
		{"invalid utf8", "a\xffb\xc3", "a\ufffdb\ufffd"},
		{"emoji kept", "¡Gana 💰 ya!", "¡gana 💰 ya!"},
		{"dotted capital I", "İ", "i"},
		{"only spaces", " \t \n", ""},
		{"hangul stays composed", "한국", "한국"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := New(tt.in)
			if got.Folded != tt.want {
				t.Errorf("New(%q).Folded = %q, want %q", tt.in, got.Folded, tt.want)
			}
			if got.Original != tt.in {
				t.Errorf("Original = %q, want %q", got.Original, tt.in)
			}
			checkInvariants(t, got)
		})
	}
}

func TestSpan(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		word     string // searched in Folded
		wantOrig string
	}{
		{"accent", "Buscamos EDECÁN bonita", "edecan", "EDECÁN"},
		{"decomposed", "cafe\u0301 gratis", "cafe", "cafe\u0301"},
		{"keycap run", "Tel 5️⃣5️⃣ ya", "55", "5️⃣5️⃣"},
		{"full width", "llama ５５１２ hoy", "5512", "５５１２"},
		{"collapsed space", "hola   mundo", "hola mundo", "hola   mundo"},
		{"zero width inside", "what\u200bsapp", "whatsapp", "what\u200bsapp"},
		{"after invalid", "\xff\xfeseñal", "senal", "señal"},
		{"ligature", "la ﬁrma", "firma", "ﬁrma"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := New(tt.in)
			i := strings.Index(x.Folded, tt.word)
			if i < 0 {
				t.Fatalf("%q not in Folded %q", tt.word, x.Folded)
			}
			os, oe := x.Span(i, i+len(tt.word))
			if got := tt.in[os:oe]; got != tt.wantOrig {
				t.Errorf("Span = %q, want %q", got, tt.wantOrig)
			}
			if got := New(tt.in[os:oe]).Folded; got != tt.word {
				t.Errorf("refold of span = %q, want %q", got, tt.word)
			}
		})
	}
}

func TestSpanEdges(t *testing.T) {
	x := New("  Hola  ")
	if x.Folded != "hola" {
		t.Fatalf("Folded = %q", x.Folded)
	}
	tests := []struct {
		start, end   int
		wantS, wantE int
		name         string
	}{
		{0, 4, 2, 6, "whole"},
		{-5, 99, 2, 6, "clamped"},
		{2, 2, 4, 4, "empty"},
		{4, 4, 8, 8, "empty at end"},
		{3, 1, 5, 5, "reversed is empty"},
	}
	for _, tt := range tests {
		s, e := x.Span(tt.start, tt.end)
		if s != tt.wantS || e != tt.wantE {
			t.Errorf("%s: Span(%d,%d) = %d,%d, want %d,%d", tt.name, tt.start, tt.end, s, e, tt.wantS, tt.wantE)
		}
	}
	var zero Text
	if s, e := zero.Span(0, 3); s != 0 || e != 0 {
		t.Errorf("zero Text Span = %d,%d", s, e)
	}
}

func TestRuneSpan(t *testing.T) {
	tests := []struct {
		in           string
		start, end   int
		wantS, wantE int
	}{
		{"abc", 1, 2, 1, 2},
		{"ñandú sí", 7, 11, 5, 8}, // "ñandú" is 7 bytes, 5 runes
		{"5️⃣x", 0, 7, 0, 3},      // keycap is 3 code points
		{"\xffab", 1, 3, 1, 3},    // an invalid byte counts as one
		{"abc", -1, 10, 0, 3},     // clamped
		{"😀😀", 4, 8, 1, 2},
	}
	for _, tt := range tests {
		s, e := RuneSpan(tt.in, tt.start, tt.end)
		if s != tt.wantS || e != tt.wantE {
			t.Errorf("RuneSpan(%q,%d,%d) = %d,%d, want %d,%d", tt.in, tt.start, tt.end, s, e, tt.wantS, tt.wantE)
		}
	}
}

// TestWordSpansRefold is the property the flag matcher relies on: for every
// word of the folded text, the original range Span gives back folds to the
// same word.
func TestWordSpansRefold(t *testing.T) {
	ads := []string{ // synthetic
		"¡¡URGENTE!! Se solicitan SEÑORITAS de 18 a 25 años para EDECÁN en Cancún. Sueldo $15,000 semanales. Informes por WhatsApp 5️⃣5️⃣ １２３４ 𝟓𝟔𝟕𝟖",
		"Trabajo en el extranjero (EE.UU.), pasaje y hospedaje pagados. No se requiere experiencia.\u200b Préstamo inmediato.",
		"Modelo webcam, pago diario ❶❷❸, envía foto a: ｃｏｎｔａｃｔｏ＠ｅｊｅｍｐｌｏ.ｃｏｍ",
		"Ｃａｍａｒｅｒａ\u00a0\u00a0para bar — zona Tlalpan — ganancias de $3 000 a $5 000 \xff\xfe diarios",
		"Sen\u0303oritas   atractivas\t\tcon disponibilidad de viajar; ﬁn de semana",
	}
	for _, ad := range ads {
		x := New(ad)
		checkInvariants(t, x)
		for _, w := range words(x.Folded) {
			os, oe := x.Span(w[0], w[1])
			word := x.Folded[w[0]:w[1]]
			if got := New(ad[os:oe]).Folded; got != word {
				t.Errorf("word %q: original %q folds to %q", word, ad[os:oe], got)
			}
		}
		// Multi-word ranges too: every pair of consecutive words.
		ws := words(x.Folded)
		for i := 0; i+1 < len(ws); i++ {
			os, oe := x.Span(ws[i][0], ws[i+1][1])
			want := x.Folded[ws[i][0]:ws[i+1][1]]
			if got := New(ad[os:oe]).Folded; got != want {
				t.Errorf("range %q: original %q folds to %q", want, ad[os:oe], got)
			}
		}
	}
}

// words returns the byte ranges of maximal letter/digit runs.
func words(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		in := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// checkInvariants verifies what every Text must satisfy, whatever the input.
func checkInvariants(t *testing.T, x Text) {
	t.Helper()
	n := len(x.Folded)
	if len(x.starts) != n+1 || len(x.ends) != n+1 {
		t.Fatalf("offset tables have %d/%d entries, want %d", len(x.starts), len(x.ends), n+1)
	}
	if !utf8.ValidString(x.Folded) {
		t.Errorf("Folded is not valid UTF-8: %q", x.Folded)
	}
	if int(x.starts[n]) != len(x.Original) {
		t.Errorf("end offset = %d, want %d", x.starts[n], len(x.Original))
	}
	for i := 0; i < n; i++ {
		s, e := int(x.starts[i]), int(x.ends[i])
		if s < 0 || e > len(x.Original) || s >= e {
			t.Fatalf("byte %d maps to bad range [%d,%d) of %d", i, s, e, len(x.Original))
		}
		if i > 0 && (s < int(x.starts[i-1]) || e < int(x.ends[i-1])) {
			t.Fatalf("offsets not monotone at %d: [%d,%d) after [%d,%d)", i, s, e, x.starts[i-1], x.ends[i-1])
		}
	}
	if n > 0 {
		s, e := x.Span(0, n)
		if s < 0 || e > len(x.Original) || s > e {
			t.Fatalf("Span(0,%d) = [%d,%d) outside %d", n, s, e, len(x.Original))
		}
	}
}

func FuzzNew(f *testing.F) {
	seeds := []string{ // synthetic
		"",
		"Hola EDECÁN 5️⃣5️⃣ １２３４",
		"\xff\xfe\xc3",
		"  a  \u200b b\u0301 ",
		"ﬁ¨½🔟❶",
		"Sen\u0303orita ＷｈａｔｓＡｐｐ: 𝟓𝟓 12 34 56 78",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x := New(s)
		checkInvariants(t, x)
		// Span of any range stays inside Original and is ordered.
		n := len(x.Folded)
		for _, r := range [][2]int{{0, n}, {n / 3, n / 2}, {n / 2, n}, {1, 2}} {
			os, oe := x.Span(r[0], r[1])
			if os < 0 || oe > len(s) || os > oe {
				t.Fatalf("Span(%d,%d) = [%d,%d) outside %d", r[0], r[1], os, oe, len(s))
			}
		}
		rs, re := RuneSpan(s, 0, len(s))
		if rs != 0 || re != utf8.RuneCountInString(s) {
			t.Fatalf("RuneSpan whole = %d,%d", rs, re)
		}
	})
}

func BenchmarkNew(b *testing.B) {
	ad := strings.Repeat("Se solicitan señoritas para EDECÁN, sueldo $15,000. WhatsApp 5️⃣5️⃣ 1234 5678. ", 8) // synthetic
	b.SetBytes(int64(len(ad)))
	for b.Loop() {
		New(ad)
	}
}
