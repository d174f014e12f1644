package similar

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ", nil},
		{"se solicitan edecanes", []string{"se", "solicitan", "edecanes"}},
		{"tel: 55-1234-5678!!", []string{"tel", "55", "1234", "5678"}},
		{"niñas  y   señoras😀ya", []string{"niñas", "y", "señoras", "ya"}},
		{"pago $3,500/semana", []string{"pago", "3", "500", "semana"}},
	}
	for _, tt := range tests {
		if got := Words(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShingles(t *testing.T) {
	long := strings.Repeat("uno dos tres cuatro cinco seis siete ocho nueve diez ", 3) // 30 words
	tests := []struct {
		name     string
		text     string
		minWords int
		want     int // number of distinct shingles
	}{
		{"empty", "", 30, 0},
		{"shorter than a shingle", "hola", 30, 1},
		{"char 5-grams", "abcdefg", 30, 3},
		{"char 5-grams across words", "ab cd", 30, 1},
		{"word 5-grams, repeats counted once", long, 30, 10},
		{"the same text by characters", long, 31, len([]rune(strings.TrimSpace(long))) - 4 - 49*0 - dupChar5(strings.TrimSpace(long))},
		{"minWords below 5 acts as 5", "a b c d", 1, 3},
	}
	for _, tt := range tests {
		got := Shingles(tt.text, tt.minWords)
		if len(got) != tt.want {
			t.Errorf("%s: %d shingles, want %d", tt.name, len(got), tt.want)
		}
		if !slices.IsSorted(got) {
			t.Errorf("%s: shingles not sorted", tt.name)
		}
	}
	// Word and character shingles of the same text do not overlap.
	w, c := Shingles(long, 30), Shingles(long, 31)
	if j := Jaccard(w, c); j != 0 {
		t.Errorf("word and char shingles overlap: J = %v", j)
	}
}

// dupChar5 counts repeated character 5-grams, to state the expected number
// of distinct ones.
func dupChar5(s string) int {
	r := []rune(s)
	seen := map[string]bool{}
	d := 0
	for i := 0; i+5 <= len(r); i++ {
		k := string(r[i : i+5])
		if seen[k] {
			d++
		}
		seen[k] = true
	}
	return d
}

func TestJaccard(t *testing.T) {
	tests := []struct {
		a, b []uint32
		want float64
	}{
		{nil, nil, 0},
		{[]uint32{1}, nil, 0},
		{[]uint32{1, 2, 3}, []uint32{1, 2, 3}, 1},
		{[]uint32{1, 2, 3, 4}, []uint32{3, 4, 5, 6}, 2.0 / 6},
		{[]uint32{1, 5, 9}, []uint32{2, 5, 7, 9}, 2.0 / 5},
	}
	for _, tt := range tests {
		if got := Jaccard(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Jaccard(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCandidateProbability(t *testing.T) {
	tests := []struct {
		j           float64
		bands, rows int
		want        float64
	}{
		{0.8, 16, 8, 0.9470},
		{0.5, 16, 8, 0.0607},
		{0.8, 18, 8, 0.9633},
		{0.7, 18, 8, 0.6566},
		{0.5, 18, 8, 0.0680},
		{0.8, 9, 13, 0.3988},
		{1, 18, 8, 1},
		{0, 18, 8, 0},
	}
	for _, tt := range tests {
		if got := CandidateProbability(tt.j, tt.bands, tt.rows); math.Abs(got-tt.want) > 5e-5 {
			t.Errorf("P(%v; %d×%d) = %.4f, want %.4f", tt.j, tt.bands, tt.rows, got, tt.want)
		}
	}
}

func TestAdjustedRand(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		want float64
	}{
		{"identical", []string{"x", "x", "y", "y"}, []string{"p", "p", "q", "q"}, 1},
		{"renamed labels", []string{"1", "1", "2", "3"}, []string{"b", "b", "a", "c"}, 1},
		{"all singletons both", []string{"a", "b", "c"}, []string{"d", "e", "f"}, 1},
		{"one item", []string{"a"}, []string{"b"}, 1},
		// Classic example: sklearn adjusted_rand_score([0,0,1,2],[0,0,1,1]) = 0.5714...
		{"split", []string{"0", "0", "1", "2"}, []string{"0", "0", "1", "1"}, 0.5714285714285715},
		{"opposite", []string{"a", "a", "b", "b"}, []string{"a", "b", "a", "b"}, -0.5},
	}
	for _, tt := range tests {
		if got := AdjustedRand(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: ARI = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	ix := NewIndex(Config{})
	want := DefaultConfig()
	want.Mask = false // the one field a zero Config does not take from the defaults
	if got := ix.Config(); !reflect.DeepEqual(got, want) {
		t.Errorf("zero Config = %+v, want the defaults %+v", got, want)
	}
	c := Config{Bands: 20, Rows: 7}
	if got := NewIndex(c).Config().Hashes; got != 140 {
		t.Errorf("Hashes = %d, want Bands×Rows = 140", got)
	}
	for _, bad := range []Config{{Hashes: 128, Bands: 18, Rows: 8}, {Bands: -1, Rows: 8}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewIndex(%+v) did not panic", bad)
				}
			}()
			NewIndex(bad)
		}()
	}
}

// template ads: 40 words, the name slot and the city vary.
func tmplAd(id, name, city string, extra ...string) Ad {
	text := "se solicitan edecanes y meseras para bar en " + city +
		" sueldo de 4500 pesos semanales mas propinas altas hospedaje incluido transporte pagado" +
		" requisitos mayores de edad buena presentacion disponibilidad para viajar" +
		" informes con " + name + " al 55 1234 5678 por whatsapp cupo limitado entrevista el mismo dia" +
		" trabajo seguro y bien pagado no se requiere experiencia te esperamos en nuestras oficinas del centro"
	return Ad{ID: id, Text: text, City: city, Tokens: extra,
		PostedAt: time.Date(2025, 3, len(id), 0, 0, 0, 0, time.UTC)}
}

func TestAdFindsNearDuplicates(t *testing.T) {
	// Masked, the two differ in nothing: the name is a slot.
	m := NewIndex(DefaultConfig())
	m.Add(tmplAd("a1", "ana", "cdmx"))
	if p := m.Add(tmplAd("a2", "karla", "puebla")); len(p) != 1 || p[0].Jaccard != 1 {
		t.Fatalf("masked: pairs = %+v, want one with J = 1", p)
	}
	// As written, they are near-duplicates below 1.
	raw := DefaultConfig()
	raw.Mask = false
	ix := NewIndex(raw)
	if p := ix.Add(tmplAd("a1", "ana", "cdmx")); len(p) != 0 {
		t.Fatalf("first ad has pairs %v", p)
	}
	p := ix.Add(tmplAd("a2", "karla", "cdmx"))
	if len(p) != 1 || p[0].A != "a2" || p[0].B != "a1" || p[0].Jaccard < 0.8 || p[0].Jaccard >= 1 {
		t.Fatalf("near-duplicate pairs = %+v, want one a2–a1 pair with 0.8 ≤ J < 1", p)
	}
	if p := ix.Add(Ad{ID: "u1", Text: "vendo bicicleta rodada 26 casi nueva precio a tratar llamar por las tardes"}); len(p) != 0 {
		t.Errorf("unrelated ad has pairs %v", p)
	}
	if p := ix.Add(tmplAd("a1", "ana", "cdmx")); p != nil || ix.Len() != 3 {
		t.Errorf("re-adding a1: pairs %v, Len %d; want a no-op", p, ix.Len())
	}
	exact := ix.Add(tmplAd("a3", "ana", "cdmx"))
	if len(exact) != 2 || exact[0].B != "a1" || exact[0].Jaccard != 1 {
		t.Errorf("exact copy pairs = %+v, want a1 first with J = 1", exact)
	}
	for _, tt := range []struct {
		id   string
		want string
		ok   bool
	}{{"a1", ClusterID("a1"), true}, {"a3", ClusterID("a1"), true}, {"u1", "", false}, {"nope", "", false}} {
		if got, ok := ix.ClusterOf(tt.id); got != tt.want || ok != tt.ok {
			t.Errorf("ClusterOf(%s) = %q, %v; want %q, %v", tt.id, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHubSuppression(t *testing.T) {
	// Ads with unrelated texts; what links them is their tokens.
	text := func(i int) string { return strings.Repeat(string(rune('a'+i%26))+string(rune('a'+i/26))+" ", 3) }
	tests := []struct {
		name     string
		cfg      Config
		tokens   [][]string // per ad
		clusters [][]string
	}{
		{"shared phone links", Config{},
			[][]string{{"p1"}, {"p1"}, {"p2"}, {}},
			[][]string{{"0", "1"}}},
		{"degree cap: a token in more than K ads links nothing", Config{HubMaxDegree: 2},
			[][]string{{"hot", "p1"}, {"hot", "p1"}, {"hot"}, {"hot", "p2"}, {"p2"}},
			[][]string{{"0", "1"}, {"3", "4"}}},
		{"at the cap it still links", Config{HubMaxDegree: 3},
			[][]string{{"p"}, {"p"}, {"p"}, {"q"}},
			[][]string{{"0", "1", "2"}}},
		{"allow-list", Config{HubAllow: []string{"hot"}},
			[][]string{{"hot"}, {"hot"}, {"hot", "p"}, {"p"}},
			[][]string{{"2", "3"}}},
		{"a hub gives no edge, a second shared token still does", Config{HubMaxDegree: 2},
			[][]string{{"hot", "p"}, {"hot", "p"}, {"hot"}},
			[][]string{{"0", "1"}}},
		{"repeated token in one ad counts once", Config{HubMaxDegree: 2},
			[][]string{{"p", "p", "p"}, {"p"}},
			[][]string{{"0", "1"}}},
	}
	for _, tt := range tests {
		tt.cfg.HubMaxFraction = -1
		ix := NewIndex(tt.cfg)
		for i, toks := range tt.tokens {
			ix.Add(Ad{ID: string(rune('0' + i)), Text: text(i), Tokens: toks})
		}
		var got [][]string
		for _, c := range ix.Clusters() {
			got = append(got, c.Members)
		}
		// Equal sizes are ordered by ID, a hash: compare as sets.
		slices.SortFunc(got, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
		if !reflect.DeepEqual(got, tt.clusters) {
			t.Errorf("%s: clusters %v, want %v", tt.name, got, tt.clusters)
		}
	}
}

func TestHubFraction(t *testing.T) {
	// "x" is in 30 ads, "y" in 15. Limit = max(1% of ads, 20): x is a
	// hub while the index has fewer than 3,000 ads and links again after;
	// y never passes the floor of 20.
	ix := NewIndex(Config{HubMaxDegree: -1, HubMaxFraction: 0.01})
	for i := range 5000 {
		var toks []string
		switch {
		case i < 30:
			toks = []string{"x"}
		case i < 45:
			toks = []string{"y"}
		}
		ix.Add(Ad{ID: idOf(i), Text: idOf(i) + " texto unico", Tokens: toks})
		switch i + 1 {
		case 45, 1000, 2999, 3000, 5000:
			_, xLinked := ix.ClusterOf(idOf(0))
			_, yLinked := ix.ClusterOf(idOf(30))
			if want := i+1 >= 3000; xLinked != want || !yLinked {
				t.Errorf("%d ads: x linked %v (want %v), y linked %v (want true)", i+1, xLinked, want, yLinked)
			}
		}
	}
	if cs := ix.Clusters(); len(cs) != 2 || cs[0].Size != 30 || cs[1].Size != 15 {
		t.Errorf("clusters %d, want sizes 30 and 15", len(cs))
	}
}

func idOf(i int) string { return "ad" + strings.Repeat("0", 5-len(itoa(i))) + itoa(i) }

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestClusterSummary(t *testing.T) {
	ix := NewIndex(DefaultConfig())
	ix.Add(tmplAd("a1", "ana", "cdmx", "tel:1", "hot"))
	ix.Add(tmplAd("a22", "karla", "cdmx", "tel:2"))
	ix.Add(tmplAd("a333", "lupita", "cdmx", "tel:2", "hot"))
	// Different text, same phone as a1: a contact edge.
	ix.Add(Ad{ID: "b4444", Text: "busco trabajo de chofer", City: "puebla", Tokens: []string{"tel:1"}})
	ix.Add(Ad{ID: "z", Text: "nada que ver"})
	cs := ix.Clusters()
	if len(cs) != 1 {
		t.Fatalf("%d clusters, want 1: %+v", len(cs), cs)
	}
	c := cs[0]
	want := Cluster{
		ID:      ClusterID("a1"),
		Members: []string{"a1", "a22", "a333", "b4444"},
		Size:    4,
		Cities:  []string{"cdmx", "puebla"},
		// tmplAd posts on day len(id); b4444 has no date.
		First: time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC),
		Last:  time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC),
		SharedTokens: []TokenCount{
			{Token: "hot", Count: 2, Degree: 2},
			{Token: "tel:1", Count: 2, Degree: 2},
			{Token: "tel:2", Count: 2, Degree: 2},
		},
		Template: "se solicitan edecanes y meseras para bar en {LUGAR} sueldo de {NUMERO} pesos semanales mas propinas altas hospedaje incluido transporte pagado" +
			" requisitos mayores de edad buena presentacion disponibilidad para viajar informes con {NOMBRE} al {TELEFONO} por whatsapp cupo limitado entrevista el mismo dia" +
			" trabajo seguro y bien pagado no se requiere experiencia te esperamos en nuestras oficinas del centro",
		// The kept copies (a22, a333: a group's first ad keeps no words)
		// differ in the name only.
		Slots: []SlotUse{{Slot: SlotPlace, Count: 1}, {Slot: SlotName, Count: 1, Varying: 1}, {Slot: SlotNumber, Count: 1}, {Slot: SlotPhone, Count: 1}},
		Edges: EdgeCounts{Template: 3, Contact: 3},
	}
	links := c.Links
	c.Links = nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("cluster\n got %+v\nwant %+v", c, want)
	}
	if len(links) != c.Size-1 || links[0].Kind != SameTemplate || links[len(links)-1].Kind != SameContact ||
		links[len(links)-1].Token != "tel:1" {
		t.Errorf("links = %+v, want 2 template links then the tel:1 contact link", links)
	}
}

func TestTemplateSlots(t *testing.T) {
	tests := []struct {
		name string
		ref  string
		seqs []string
		want string
	}{
		{"no variation", "a b c", []string{"a b c"}, "a b c"},
		{"substitution", "a b c", []string{"a x c"}, "a {…} c"},
		{"insertion", "a b c", []string{"a b y c"}, "a b {…} c"},
		{"deletion", "a b c d", []string{"a d"}, "a {…} d"},
		{"trailing insertion", "a b", []string{"a b z"}, "a b {…}"},
		{"adjacent slots merge", "a b c d", []string{"a x c d", "a b y d"}, "a {…} d"},
		{"leading change", "a b c", []string{"z b c"}, "{…} b c"},
	}
	for _, tt := range tests {
		vocab := map[string]uint32{}
		var words []string
		ids := func(s string) []uint32 {
			var out []uint32
			for _, w := range strings.Fields(s) {
				if _, ok := vocab[w]; !ok {
					vocab[w] = uint32(len(words))
					words = append(words, w)
				}
				out = append(out, vocab[w])
			}
			return out
		}
		ref := ids(tt.ref)
		fixed := make([]bool, len(ref))
		for i := range fixed {
			fixed[i] = true
		}
		gap := make([]bool, len(ref)+1)
		var dp []uint16
		for _, s := range tt.seqs {
			dp = align(ref, ids(s), fixed, gap, nil, dp)
		}
		var out []string
		slot := false
		for i, id := range ref {
			if (gap[i] || !fixed[i]) && !slot {
				out = append(out, Slot)
				slot = true
			}
			if fixed[i] {
				out = append(out, words[id])
				slot = false
			}
		}
		if gap[len(ref)] && !slot {
			out = append(out, Slot)
		}
		if got := strings.Join(out, " "); got != tt.want {
			t.Errorf("%s: template %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A cluster's ID depends on its smallest member only: unrelated ads, added
// before or after and with smaller IDs, never rename it, and neither does
// the order of addition.
func TestClusterIDStable(t *testing.T) {
	ids := func(ads []Ad) string {
		ix := NewIndex(DefaultConfig())
		for _, a := range ads {
			ix.Add(a)
		}
		c, ok := ix.ClusterOf("m2")
		if !ok {
			t.Fatal("m2 has no cluster")
		}
		return c
	}
	members := []Ad{tmplAd("m1", "ana", "cdmx"), tmplAd("m2", "karla", "puebla"), tmplAd("m3", "rosa", "leon")}
	var others []Ad
	for i := range 50 {
		others = append(others, Ad{ID: "a" + itoa(i), Text: "vendo bicicleta rodada " + itoa(i) + " modelo " + strings.Repeat("x", i%7+1)})
	}
	want := ids(members)
	if want != ClusterID("m1") || !strings.HasPrefix(want, "c-") || len(want) != 18 {
		t.Fatalf("cluster id %q, want ClusterID(m1) = %q", want, ClusterID("m1"))
	}
	for name, ads := range map[string][]Ad{
		"unrelated ads first": append(slices.Clone(others), members...),
		"interleaved":         append(append(slices.Clone(others[:25]), members...), others[25:]...),
		"reversed":            {members[2], members[1], members[0]},
	} {
		if got := ids(ads); got != want {
			t.Errorf("%s: cluster id %q, want %q", name, got, want)
		}
	}
}
