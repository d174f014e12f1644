package flags

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

// testTexts are every folded text the tests have: the Spanish dev set, the
// EMSCAD sample and, when generated, synthetic benchmark ads.
func testTexts(t testing.TB) []string {
	var out []string
	for _, p := range []string{"testdata/dev_es.jsonl", "testdata/emscad_sample.jsonl", "../../../bench/out/screen/ads20k.jsonl"} {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 4<<20)
		for sc.Scan() && len(out) < 2500 {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) != nil {
				continue
			}
			for _, v := range m {
				if s, ok := v.(string); ok && len(s) > 40 {
					out = append(out, normalize.New(s).Folded)
				}
			}
		}
		f.Close()
	}
	if len(out) == 0 {
		t.Fatal("no test texts")
	}
	return out
}

// The start-anchored search finds exactly what the plain regexp finds.
func TestStartsMatchPlainSearch(t *testing.T) {
	texts := testTexts(t)
	used := 0
	for _, f := range ruleSet().Flags {
		for _, p := range append(slices.Clone(f.re), f.reReq...) {
			if p.st == nil {
				continue
			}
			used++
			for _, s := range texts {
				want := p.re.FindAllStringIndex(s, -1)
				if got := p.findAll(s); !slices.EqualFunc(got, want, slices.Equal) {
					t.Fatalf("%s %q on %q: starts %v, plain %v", f.ID, p.re, s, got, want)
				}
				occ := ruleSet().lits.scan(s)
				if got := p.findAllIn(s, occ); !slices.EqualFunc(got, want, slices.Equal) {
					t.Fatalf("%s %q on %q: automaton %v, plain %v", f.ID, p.re, s, got, want)
				}
				if p.mayMatchIn(occ) != p.mayMatch(s) {
					t.Fatalf("%s %q on %q: prefilters disagree", f.ID, p.re, s)
				}
			}
		}
	}
	t.Logf("%d of the rule patterns use the start-anchored search, checked on %d texts", used, len(texts))
}

func FuzzStartsMatchPlainSearch(f *testing.F) {
	for _, s := range []string{"manda fotos al whatsapp", "viaje pagado y hospedaje", "$3,000 diarios sin experiencia", "xmanda fotos"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = normalize.New(s).Folded
		for _, fl := range ruleSet().Flags {
			for _, p := range fl.re {
				if p.st == nil {
					continue
				}
				want := p.re.FindAllStringIndex(s, -1)
				if got := p.findAll(s); !slices.EqualFunc(got, want, slices.Equal) {
					t.Fatalf("%q on %q: starts %v, plain %v", p.re, s, got, want)
				}
				if got := p.findAllIn(s, ruleSet().lits.scan(s)); !slices.EqualFunc(got, want, slices.Equal) {
					t.Fatalf("%q on %q: automaton %v, plain %v", p.re, s, got, want)
				}
			}
		}
	})
}

// The guards in FeaturesFromText change nothing: the same features as
// running every pattern on every text.
func TestFeatureGuards(t *testing.T) {
	for _, s := range testTexts(t) {
		nt := normalize.New(s)
		got := FeaturesFromText(nt)
		want := Features{Length: len(nt.Original),
			HasPhone: reFeatPhone.re.MatchString(s), HasWhatsApp: reFeatWhatsApp.re.MatchString(s),
			HasEmail: reFeatEmail.re.MatchString(s), HasURL: reFeatURL.re.MatchString(s), HasSalary: reFeatSalary.re.MatchString(s)}
		// testTexts are folded already; the company test reads the original.
		got.HasCompanyName = false
		if got != want {
			t.Fatalf("%q:\n got %+v\nwant %+v", s, got, want)
		}
	}
}
