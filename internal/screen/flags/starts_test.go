package flags

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/bench/screen/synth"

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
	used, num := 0, 0
	for _, f := range ruleSet().Flags {
		for _, p := range append(slices.Clone(f.re), f.reReq...) {
			if p.st == nil {
				continue
			}
			used++
			if p.st.num != nil {
				num++
			}
			for _, s := range texts {
				want := p.re.FindAllStringIndex(s, -1)
				if got := p.findAll(s); !slices.EqualFunc(got, want, slices.Equal) {
					t.Fatalf("%s %q on %q: starts %v, plain %v", f.ID, p.re, s, got, want)
				}
				occ := ruleSet().lits.scan(s)
				if got := p.findAllIn(s, occ); !slices.EqualFunc(got, want, slices.Equal) {
					t.Fatalf("%s %q on %q: automaton %v, plain %v", f.ID, p.re, s, got, want)
				}
				var each [][]int
				p.eachIn(s, occ, func(a, b int) bool { each = append(each, []int{a, b}); return true })
				if !slices.EqualFunc(each, want, slices.Equal) {
					t.Fatalf("%s %q on %q: eachIn %v, plain %v", f.ID, p.re, s, each, want)
				}
				if p.matchesIn(s, occ) != (want != nil) || p.matches(s) != (want != nil) {
					t.Fatalf("%s %q on %q: matches disagrees with plain %v", f.ID, p.re, s, want)
				}
				if p.mayMatchIn(occ) != p.mayMatch(s) {
					t.Fatalf("%s %q on %q: prefilters disagree", f.ID, p.re, s)
				}
			}
		}
	}
	t.Logf("%d of the rule patterns use the start-anchored search (%d of them digit-led), checked on %d texts", used, num, len(texts))
}

func FuzzStartsMatchPlainSearch(f *testing.F) {
	for _, s := range []string{"manda fotos al whatsapp", "viaje pagado y hospedaje", "$3,000 diarios sin experiencia", "xmanda fotos"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nt := normalize.New(s)
		s = nt.Folded
		occ := ruleSet().lits.scan(s)
		defer occ.release()
		fp := &ruleSet().feat
		pats := []pattern{fp.whatsApp, fp.email, fp.url, fp.company}
		for _, fl := range ruleSet().Flags {
			pats = append(append(pats, fl.re...), fl.reReq...)
		}
		for _, p := range pats {
			if p.st == nil {
				continue
			}
			want := p.re.FindAllStringIndex(s, -1)
			if got := p.findAll(s); !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("%q on %q: starts %v, plain %v", p.re, s, got, want)
			}
			if got := p.findAllIn(s, occ); !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("%q on %q: automaton %v, plain %v", p.re, s, got, want)
			}
			var each [][]int
			p.eachIn(s, occ, func(a, b int) bool { each = append(each, []int{a, b}); return true })
			if !slices.EqualFunc(each, want, slices.Equal) {
				t.Fatalf("%q on %q: eachIn %v, plain %v", p.re, s, each, want)
			}
			if p.matchesIn(s, occ) != (want != nil) {
				t.Fatalf("%q on %q: matchesIn disagrees with %v", p.re, s, want)
			}
		}
		if got, want := Match(nt), plainMatch(ruleSet(), nt); !slices.Equal(got, want) {
			t.Fatalf("%q: Match %v, plain %v", s, got, want)
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

// plainFeatures is FeaturesFromText as first written: every pattern, plain
// regexp, on every text.
func plainFeatures(t normalize.Text) Features {
	s := t.Folded
	f := Features{Length: len(t.Original),
		HasPhone: reFeatPhone.re.MatchString(s), HasWhatsApp: reFeatWhatsApp.re.MatchString(s),
		HasEmail: reFeatEmail.re.MatchString(s), HasURL: reFeatURL.re.MatchString(s),
		HasCompanyName: reFeatCompany.re.MatchString(s), HasSalary: reFeatSalary.re.MatchString(s)}
	if !f.HasCompanyName {
		for _, m := range reFeatCapName.FindAllString(" "+t.Original, -1) {
			if !reFeatCapStop.MatchString(trimLead(m)) {
				f.HasCompanyName = true
				break
			}
		}
	}
	return f
}

// featureCases are texts at the edges of the phone and salary scanners.
var featureCases = []string{
	"55 1234 5678", "(55) 1234-5678", "55)1234567", "551234567", "55123456", "5 5 1 2 3 4 5 6 7", "55--1234567",
	"55 - 1234567", "55.1.2.3.4.5.6.7", "55 1.2.3.4.5.6", "+52 55 1234 5678", "55)-1234567", "55) 1234567", "5)51234567",
	"12 3456 78", "1234 5678 9", "#phone_", "#PHONE_",
	"$5", "$ 5", "$  5", "$x5", "5$", "$", "$ ", "a$ 9",
	"5 pesos", "5pesos", "5,000.00 mxn", "x5 pesos", "_5 pesos", "5 pesosx", "5 mil pesos", "5 mil", "5  pesos", ",5 usd", "5 dolares.",
	"5-6", "5 - 6", "5k-6k", "5k - 6kk", "5k-6ka", "5,000-6,000", "5.-6", "5-6.", "5-6,", "5-,6", "a5-6", "5-6a", "5-6_", "5-a6",
	"5\t-\n6", "5\v-6", "5k\t-6", "10k-15k mensuales", "5--6", "5- -6", "5-6,7a", "5-6.7.", "5-.6", "1.5-2.5k.",
	"é5-6", "5-6é", "5 pesos€", "日本5-6",
	"http://x", "https://x", "htp://x", "#url_", "www.x", "awww.x", "_www.x", "-www.x", "a.com/", "a.com", "a.comx/", "a.com.mx/",
	"a.mx.mx/", "a.mx./", "-a.mx/", "a-.mx/", "--.mx/", "x.-a.org/", ".com/", "é.net/", "ab.net.mx", "ab.net.mx/x", "a_b.org/",
	"Hola. Grupo Sol solicita", "hola, Ana Luz contrata", "x! A B C D E busca", "x? Ñandú Ésta invita", ", A busca", ". Aa solicitan",
	". Aa Bb Cc Dd Ee solicita", ", Se busca. Ana requiere, Bea invita", "., Aa busca", ". Ábc busca", ". Ab\u00e1 busca",
}

func TestFeatureScanners(t *testing.T) {
	texts := append(testTexts(t), featureCases...)
	for _, s := range texts {
		if got, want := hasPhone(s), reFeatPhone.re.MatchString(s); got != want {
			t.Errorf("hasPhone(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := hasSalary(s), reFeatSalary.re.MatchString(s); got != want {
			t.Errorf("hasSalary(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := hasURL(s), reFeatURL.re.MatchString(s); got != want {
			t.Errorf("hasURL(%q) = %v, the pattern says %v", s, got, want)
		}
	}
	for _, s := range append(rawTexts(t), featureCases...) {
		checkCapNames(t, " "+s)
	}
}

// checkCapNames: capNames yields what reFeatCapName.FindAllString finds.
func checkCapNames(t *testing.T, s string) {
	t.Helper()
	var got []string
	capNames(s, func(m string) bool { got = append(got, m); return true })
	if want := reFeatCapName.FindAllString(s, -1); !slices.Equal(got, want) {
		t.Fatalf("capNames(%q) = %q, the pattern finds %q", s, got, want)
	}
}

// rawTexts are the dev and EMSCAD texts as written, and variants with
// capitalised company names.
func rawTexts(t testing.TB) []string {
	var texts []string
	for _, p := range []string{"testdata/dev_es.jsonl", "testdata/emscad_sample.jsonl"} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) != nil {
				continue
			}
			for _, v := range m {
				if s, ok := v.(string); ok {
					texts = append(texts, s, "Agencia Lux "+s+". Grupo Sol solicita, Ésta Casa Ñandú Busca busca", strings.ToUpper(s))
				}
			}
		}
		f.Close()
	}
	return texts
}

// FeaturesFromText (automaton, scanners, guards) equals the plain
// patterns on the raw texts (capitals and accents for the company test).
func TestFeaturesEqualPlain(t *testing.T) {
	texts := append(rawTexts(t), featureCases...)
	for _, a := range synth.Generate(2000, 5) {
		texts = append(texts, a.Text, strings.ToTitle(a.Text[:len(a.Text)/2])+a.Text[len(a.Text)/2:])
	}
	for _, s := range texts {
		nt := normalize.New(s)
		if got, want := FeaturesFromText(nt), plainFeatures(nt); got != want {
			t.Fatalf("%q:\n got %+v\nwant %+v", s, got, want)
		}
		_, got := MatchFeatures(nt)
		if want := plainFeatures(nt); got != want {
			t.Fatalf("MatchFeatures %q:\n got %+v\nwant %+v", s, got, want)
		}
	}
}

func FuzzFeatureScanners(f *testing.F) {
	for _, s := range featureCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasPhone(s), reFeatPhone.re.MatchString(s); got != want {
			t.Fatalf("hasPhone(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := hasSalary(s), reFeatSalary.re.MatchString(s); got != want {
			t.Fatalf("hasSalary(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := hasURL(s), reFeatURL.re.MatchString(s); got != want {
			t.Fatalf("hasURL(%q) = %v, the pattern says %v", s, got, want)
		}
		checkCapNames(t, " "+s)
		nt := normalize.New(s)
		if got, want := FeaturesFromText(nt), plainFeatures(nt); got != want {
			t.Fatalf("%q:\n got %+v\nwant %+v", s, got, want)
		}
	})
}

// plainMatch is RuleSet.match as first written: every pattern of every
// rule with its plain regexp, no prefilter, no automaton.
func plainMatch(rs *RuleSet, t normalize.Text) []Hit {
	s := t.Folded
	type span struct{ s, e int }
	found := map[string]span{}
	pass := func(f *Flag) {
		if len(f.reReq) > 0 {
			ok := false
			for _, re := range f.reReq {
				if re.re.MatchString(s) {
					ok = true
					break
				}
			}
			if !ok {
				return
			}
		}
		if len(f.RequireFlags) > 0 {
			ok := false
			for _, id := range f.RequireFlags {
				if _, hit := found[id]; hit {
					ok = true
					break
				}
			}
			if !ok {
				return
			}
		}
		best := span{-1, -1}
		for _, re := range f.re {
			for _, m := range re.re.FindAllStringIndex(s, -1) {
				if m[1] <= m[0] {
					continue
				}
				if best.s >= 0 && m[0] >= best.s {
					break
				}
				if f.Negatable && rs.negated(s, m[0], m[1], f.NegateAfter) {
					continue
				}
				best = span{m[0], m[1]}
				break
			}
		}
		if best.s >= 0 {
			found[f.ID] = best
		}
	}
	for i := range rs.Flags {
		if f := &rs.Flags[i]; !f.Computed && len(f.RequireFlags) == 0 {
			pass(f)
		}
	}
	for i := range rs.Flags {
		if f := &rs.Flags[i]; !f.Computed && len(f.RequireFlags) > 0 {
			pass(f)
		}
	}
	hits := make([]Hit, 0, len(found))
	for id, sp := range found {
		os, oe := t.Span(sp.s, sp.e)
		os = max(os, 0)
		oe = min(oe, len(t.Original))
		os = min(os, oe)
		hits = append(hits, Hit{ID: id, Weight: rs.Flags[rs.byID[id]].Weight, Start: os, End: oe, Evidence: t.Original[os:oe], Version: rs.Version})
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return strings.Compare(a.ID, b.ID)
	})
	return hits
}

// Match (automaton, start-anchored search, window and prefilter checks,
// lazy matches) equals the plain patterns on every test text.
func TestMatchEqualsPlain(t *testing.T) {
	texts := append(testTexts(t), featureCases...)
	for _, a := range synth.Generate(3000, 21) {
		texts = append(texts, a.Text)
	}
	for _, s := range texts {
		nt := normalize.New(s)
		if got, want := Match(nt), plainMatch(ruleSet(), nt); !slices.Equal(got, want) {
			t.Fatalf("%q:\n got %v\nwant %v", s, got, want)
		}
	}
}
