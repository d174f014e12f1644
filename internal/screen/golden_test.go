package screen

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigia-mx/vigia/bench/screen/synth"
	"github.com/vigia-mx/vigia/internal/screen/flags"
	"github.com/vigia-mx/vigia/internal/screen/normalize"
	"github.com/vigia-mx/vigia/internal/screen/similar"
)

// The golden test pins everything screening outputs (tier, risk, flags with
// ids, spans, evidence and reasons, identifiers and tokens, the folded text,
// the model's features, and the near-duplicate index built from the results:
// candidates, clusters, cluster of every ad) over a deterministic corpus of
// more than 5,000 varied ads, as one SHA-256. A speed-up must leave it
// unchanged; a deliberate change of behaviour updates the hashes here.
//
// With VIGIA_GOLDEN_DUMP=/some/file the per-ad records are written there,
// one JSON line each, to find what changed by diffing two dumps.

// goldenHashes: the corpus parts and the SHA-256 of their records.
var goldenHashes = map[string]string{
	"synthetic": "0581f80215f1696b84af578e1c747f49e1d53b5b0e61bb5e683b76fb6c48bd3c",
	"mutated":   "4de5145725d2e525c7ee4b83b10c7b9f302052efc68105093e95f9350eedf0f1",
	"testdata":  "0ed1e04c4c4253c68b4ffe500bc32872d734978f3cb94286726401618749d96f",
	"emscad":    "944a649797eb0174bdc3bbacc8bb96cb5aa51402f005f1329d912f71dc53aa87", // only when ../shared/data/ads is there
	"index":     "4327b035695c7d8acab246b269e2152714c97cf7ad5ef2578cf0f7714d3c9ae0",
}

// goldenKey is the token key of the golden run (synthetic, not a secret).
var goldenKey = []byte("golden test key, synthetic 32 b!")

// goldenCorpus returns the texts of each corpus part, in a fixed order.
func goldenCorpus(t testing.TB) (parts []string, texts map[string][]string) {
	texts = map[string][]string{}
	// Synthetic recruiter networks: dense in red flags, lower-case ASCII.
	for _, a := range synth.Generate(3000, 11) {
		texts["synthetic"] = append(texts["synthetic"], a.Text)
	}
	// The same kind of ads written the way real ones are: capitals,
	// accents, look-alike digits, invisible characters, e-mails, links,
	// handles, company names, money, English, cut anywhere.
	r := rand.New(rand.NewPCG(20261127, 5))
	for _, a := range synth.Generate(2200, 12) {
		texts["mutated"] = append(texts["mutated"], mutate(a.Text, r))
	}
	// The Spanish dev set and the EMSCAD sample of the flags tests: every
	// string field.
	for _, p := range []string{"flags/testdata/dev_es.jsonl", "flags/testdata/emscad_sample.jsonl"} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var all []string
			for _, k := range keys {
				if s, ok := m[k].(string); ok && s != "" {
					texts["testdata"] = append(texts["testdata"], s)
					all = append(all, s)
				}
			}
			texts["testdata"] = append(texts["testdata"], strings.Join(all, "\n"))
		}
		f.Close()
	}
	parts = []string{"synthetic", "mutated", "testdata"}
	// The EMSCAD review sample (English), when the shared data is there.
	if f, err := os.Open("../../../shared/data/ads/emscad_flag_review/sample_for_review.csv"); err == nil {
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs[1:] {
			var all []string
			for _, s := range rec {
				if len(s) > 20 {
					texts["emscad"] = append(texts["emscad"], s)
				}
				all = append(all, s)
			}
			texts["emscad"] = append(texts["emscad"], strings.Join(all, " "))
		}
		parts = append(parts, "emscad")
	}
	return parts, texts
}

var (
	snippets = []string{
		"Escribe a Reclutamiento.MX@Gmail.com", "correo: rh.talento@empresa-mx.com.mx", "visita www.empleos-mx.com/vacantes",
		"https://wa.me/5215512345678", "wa.me/525533221100?text=hola", "api.whatsapp.com/send?phone=5218112345678",
		"chat.whatsapp.com/AbCdEfGh123", "t.me/agencia_modelos", "Telegram @chicas_vip", "instagram: @modelos.mx",
		"facebook.com/profile.php?id=1000123", "tiktok @casting_mx", "https://bit.ly/3xYz", "http://Agencia-Talentos.com/registro",
		"Grupo Fénix solicita", "Importante Empresa solicita", "Hotel Riviera Maya contrata", "Empresa: Servicios Integrales",
		"Servicios Laborales S.A. de C.V.", "Talent Corp.", "Acme LLC", "Razón social: Mano de Obra S. de R.L.",
		"$ 15,000 - 20,000 mensuales", "pago 3500 mxn", "10k-15k", "$3,000 diarios", "hasta 40 mil pesos", "USD 1,200 al mes",
		"llama al (33) 1234-5678", "tel. 01 800 123 4567", "+52 1 55 8765 4321", "044 55 1111 2222", "cel 81.2345.6789",
		"cinco cinco, uno dos, tres cuatro, cinco seis, siete ocho", "cincuenta y cinco doce treinta y cuatro cincuenta y seis setenta y ocho",
		"#PHONE_0f3a#", "#EMAIL_91f3#", "#URL_a1b2#", "WhatsApp", "whats app", "Wsp", "WPP 5544332211",
		"No cobramos cuota", "sin costo de inscripción", "se cobra $500 de inscripción", "sin entrevista", "viaje pagado a Canadá",
		"Solo mujeres de 18 a 25", "mayores de 15 años", "sin papeles", "pasaporte al llegar", "🌟🔥💰", "📲 55 1234 5678",
		"folio: 2345678901", "CP 06600 55 1234 5678", "20000-25000", "2.500.000.000", "año 2019 55 1234 5678",
		"We are hiring! Apply now.", "Great pay, no experience needed!!!", "Send your CV to jobs@example.org",
		"Ⓐtención: 𝟓𝟓 𝟏𝟐𝟑𝟒 𝟓𝟔𝟕𝟖", "５５－１２３４－５６７８", "➄➄ ➀➁➂➃ ➄➅➆➇", "5\u200b5 1\u200b234 56\u200b78",
	}
	keycaps = "0123456789"
)

// mutate rewrites a synthetic ad the way real ads are written.
func mutate(s string, r *rand.Rand) string {
	words := strings.Fields(s)
	for i, w := range words {
		switch r.IntN(12) {
		case 0:
			words[i] = strings.ToUpper(w)
		case 1, 2:
			rs := []rune(w)
			rs[0] = []rune(strings.ToUpper(string(rs[0])))[0]
			words[i] = string(rs)
		case 3:
			w = strings.Replace(w, "a", "á", 1)
			w = strings.Replace(w, "e", "é", 1)
			words[i] = strings.Replace(w, "n", "ñ", 1)
		case 4:
			if w[0] >= '0' && w[0] <= '9' {
				var b strings.Builder
				kind := r.IntN(5)
				for _, c := range w {
					if c < '0' || c > '9' {
						b.WriteRune(c)
						continue
					}
					d := rune(c - '0')
					switch kind {
					case 0:
						b.WriteRune(0xFF10 + d) // full-width
					case 1:
						b.WriteString(string(keycaps[d]) + "\uFE0F\u20E3") // keycap
					case 2:
						b.WriteRune(0x1D7CE + d) // mathematical bold
					case 3:
						b.WriteRune(c)
						b.WriteString("\u200b") // zero-width space
					default:
						b.WriteRune(c)
						b.WriteString(" ")
					}
				}
				words[i] = b.String()
			}
		}
	}
	seps := []string{" ", " ", " ", " ", "  ", "\n", ". ", ", ", "! ", "\t", " - ", " 👉 "}
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteString(seps[r.IntN(len(seps))])
		}
		b.WriteString(w)
		if r.IntN(40) == 0 {
			b.WriteString(" " + snippets[r.IntN(len(snippets))] + " ")
		}
	}
	for range r.IntN(4) {
		b.WriteString(seps[r.IntN(len(seps))])
		b.WriteString(snippets[r.IntN(len(snippets))])
	}
	out := b.String()
	if r.IntN(10) == 0 && len(out) > 0 {
		out = out[:r.IntN(len(out))] // maybe mid-character: invalid UTF-8 too
	}
	if r.IntN(8) == 0 {
		// A capitalised sentence start before a hiring verb.
		out = "Agencia " + []string{"Estrella", "Sol Dorado", "Fénix", "Lux"}[r.IntN(4)] + " " +
			[]string{"solicita", "contrata", "busca", "requiere", "invita"}[r.IntN(5)] + " " + out
	}
	return out
}

// goldenRecord is everything one ad's screening produces.
type goldenRecord struct {
	Result   Result
	Folded   string
	Features flags.Features
	Valid    bool
}

func TestGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("golden corpus: not in -short")
	}
	s, err := New(goldenKey)
	if err != nil {
		t.Fatal(err)
	}
	parts, texts := goldenCorpus(t)
	var dump *bufio.Writer
	if p := os.Getenv("VIGIA_GOLDEN_DUMP"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		dump = bufio.NewWriter(f)
		defer dump.Flush()
	}
	ix := similar.NewIndex(similar.DefaultConfig())
	var ids []string
	total := 0
	got := map[string]string{}
	for _, part := range parts {
		h := sha256.New()
		for i, text := range texts[part] {
			res := s.Screen(text)
			rec := goldenRecord{Result: res, Folded: res.Folded, Features: flags.FeaturesFromText(normalize.New(text)), Valid: utf8.ValidString(text)}
			b, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			h.Write(b)
			h.Write([]byte{'\n'})
			if dump != nil {
				fmt.Fprintf(dump, "%s %d %s\n", part, i, b)
			}
			total++
			if part == "emscad" {
				continue // optional: the index hash must not depend on it
			}
			id := fmt.Sprintf("%s-%05d", part, i)
			ids = append(ids, id)
			ix.Add(similar.Ad{ID: id, Text: res.Folded, Tokens: res.Tokens()})
		}
		got[part] = hex.EncodeToString(h.Sum(nil))
	}
	// The index over the results (without the optional EMSCAD part): MinHash band keys show in the
	// candidate count, verification in the clusters.
	h := sha256.New()
	st := ix.Stats()
	fmt.Fprintf(h, "%d %d %d %d %d %d\n", st.Ads, st.Candidates, st.Verified, st.Tokens, st.Hubs, st.Rebuilds)
	for _, id := range ids {
		c, _ := ix.ClusterOf(id)
		fmt.Fprintf(h, "%s %s\n", id, c)
	}
	cl, err := json.Marshal(ix.Clusters())
	if err != nil {
		t.Fatal(err)
	}
	h.Write(cl)
	got["index"] = hex.EncodeToString(h.Sum(nil))
	parts = append(parts, "index")
	if total < 5000 {
		t.Errorf("golden corpus has %d ads, want ≥ 5,000", total)
	}
	for _, part := range parts {
		if got[part] != goldenHashes[part] {
			t.Errorf("%s (%d texts): sha256 %s, want %s", part, len(texts[part]), got[part], goldenHashes[part])
		}
	}
	t.Logf("%d ads; index stats %+v", total, st)
}
