package hotline

import (
	"slices"
	"strings"
	"testing"
)

// The ILO's eleven indicators of forced labour (2012), in the ILO's order.
var iloOrder = []string{
	"abuso_vulnerabilidad",
	"engano",
	"restriccion_movimiento",
	"aislamiento",
	"violencia_fisica_sexual",
	"intimidacion_amenazas",
	"retencion_documentos",
	"retencion_salarios",
	"servidumbre_deudas",
	"condiciones_abusivas",
	"horas_extra_excesivas",
}

func oit11(t *testing.T) Instrument {
	t.Helper()
	in, ok := InstrumentByID("oit-11")
	if !ok {
		t.Fatal(`InstrumentByID("oit-11") not found`)
	}
	return in
}

func TestOIT11Bank(t *testing.T) {
	in := oit11(t)
	if in.Version == "" || in.Title.ES == "" || in.Title.EN == "" || !strings.Contains(in.Source, "2012") {
		t.Errorf("version %q, title %+v, source %q: want all set and the source citing 2012", in.Version, in.Title, in.Source)
	}
	var ids []string
	for _, ind := range in.Indicators {
		ids = append(ids, ind.ID)
		if ind.ES == "" || ind.EN == "" {
			t.Errorf("indicator %s: empty label", ind.ID)
		}
	}
	if !slices.Equal(ids, iloOrder) {
		t.Errorf("indicators = %v, want the ILO's eleven in order %v", ids, iloOrder)
	}
	perIndicator := map[string]int{}
	seen := map[string]bool{}
	for _, q := range in.Questions {
		if seen[q.ID] {
			t.Errorf("question id %s is not unique", q.ID)
		}
		seen[q.ID] = true
		if !slices.Contains(iloOrder, q.Indicator) {
			t.Errorf("question %s: indicator %q is not in the bank", q.ID, q.Indicator)
		}
		if strings.TrimSpace(q.ES) == "" || strings.TrimSpace(q.EN) == "" {
			t.Errorf("question %s: empty text", q.ID)
		}
		// A yes/no question is asked as one in both languages.
		if !strings.HasPrefix(q.ES, "¿") || !strings.Contains(q.ES, "?") || !strings.Contains(q.EN, "?") {
			t.Errorf("question %s is not worded as a question: %q / %q", q.ID, q.ES, q.EN)
		}
		perIndicator[q.Indicator]++
	}
	for _, id := range iloOrder {
		if n := perIndicator[id]; n < 1 || n > 3 {
			t.Errorf("indicator %s has %d questions, want 1 to 3", id, n)
		}
	}
}

func TestInstrumentsAreUniqueAndCopied(t *testing.T) {
	all := Instruments()
	if len(all) == 0 {
		t.Fatal("no instruments")
	}
	seen := map[string]bool{}
	for _, in := range all {
		k := in.ID + " " + in.Version
		if seen[k] {
			t.Errorf("instrument %s defined twice", k)
		}
		seen[k] = true
		if got, ok := InstrumentVersion(in.ID, in.Version); !ok || got.Version != in.Version {
			t.Errorf("InstrumentVersion(%s, %s) = %v, %v", in.ID, in.Version, got.Version, ok)
		}
	}
	all[0].Questions[0].ES = "cambiado"
	all[0].Indicators[0].ID = "cambiado"
	again := Instruments()
	if again[0].Questions[0].ES == "cambiado" || again[0].Indicators[0].ID == "cambiado" {
		t.Error("changing the result of Instruments changed the bank")
	}
	if _, ok := InstrumentByID("no-existe"); ok {
		t.Error(`InstrumentByID("no-existe") found something`)
	}
	if _, ok := InstrumentVersion("oit-11", "1900.01-v1"); ok {
		t.Error("InstrumentVersion found a version that does not exist")
	}
}

func TestScore(t *testing.T) {
	in := oit11(t)
	total := len(in.Questions)
	// allBut lists every indicator except those given, in ILO order.
	allBut := func(except ...string) []string {
		return slices.DeleteFunc(slices.Clone(iloOrder), func(s string) bool { return slices.Contains(except, s) })
	}
	allNo := Answers{}
	for _, q := range in.Questions {
		allNo[q.ID] = AnswerNo
	}
	with := func(a Answers, id, v string) Answers {
		b := Answers{}
		for k, x := range a {
			b[k] = x
		}
		b[id] = v
		return b
	}
	tests := []struct {
		name     string
		answers  Answers
		present  []string
		unknown  []string
		answered int
		level    string
	}{
		{"nothing asked", Answers{}, []string{}, iloOrder, 0, SinIndicios},
		{"nil answers", nil, []string{}, iloOrder, 0, SinIndicios},
		{"all no", allNo, []string{}, []string{}, total, SinIndicios},
		{"one si among noes", with(allNo, "oit-07-a", AnswerSi), []string{"retencion_documentos"}, []string{}, total, UnIndicio},
		{"two si on one indicator is still one indicator",
			Answers{"oit-05-a": AnswerSi, "oit-05-c": AnswerSi},
			[]string{"violencia_fisica_sexual"}, allBut("violencia_fisica_sexual"), 2, UnIndicio},
		{"si and no on one indicator: present",
			Answers{"oit-08-a": AnswerNo, "oit-08-b": AnswerSi},
			[]string{"retencion_salarios"}, allBut("retencion_salarios"), 2, UnIndicio},
		{"two indicators, reported in ILO order whatever the answer order",
			Answers{"oit-11-b": AnswerSi, "oit-02-a": AnswerSi},
			[]string{"engano", "horas_extra_excesivas"}, allBut("engano", "horas_extra_excesivas"), 2, VariosIndicios},
		{"no_sabe counts as answered but leaves the indicator unknown",
			Answers{"oit-07-a": AnswerNoSabe, "oit-04-a": AnswerNo},
			[]string{}, allBut("aislamiento"), 2, SinIndicios},
		{"no_sabe and no on one indicator: known",
			Answers{"oit-09-a": AnswerNoSabe, "oit-09-b": AnswerNo},
			[]string{}, allBut("servidumbre_deudas"), 2, SinIndicios},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := in.Score(tt.answers)
			if err != nil {
				t.Fatal(err)
			}
			if s.Instrument != in.ID || s.Version != in.Version {
				t.Errorf("score of %s %s, want %s %s", s.Instrument, s.Version, in.ID, in.Version)
			}
			if !slices.Equal(s.Present, tt.present) {
				t.Errorf("Present = %v, want %v", s.Present, tt.present)
			}
			if !slices.Equal(s.Unknown, tt.unknown) {
				t.Errorf("Unknown = %v, want %v", s.Unknown, tt.unknown)
			}
			if s.Answered != tt.answered || s.Total != total {
				t.Errorf("Answered/Total = %d/%d, want %d/%d", s.Answered, s.Total, tt.answered, total)
			}
			if s.Level != tt.level {
				t.Errorf("Level = %q, want %q", s.Level, tt.level)
			}
			if !ScoreLevels.Has(s.Level) {
				t.Errorf("level %q has no label", s.Level)
			}
		})
	}
}

func TestScoreRejects(t *testing.T) {
	in := oit11(t)
	tests := []struct {
		name    string
		answers Answers
		want    string // the question id the error must name
	}{
		{"unknown question", Answers{"oit-99-z": AnswerSi}, "oit-99-z"},
		{"accented si", Answers{"oit-01-a": "sí"}, "oit-01-a"},
		{"english", Answers{"oit-02-b": "yes"}, "oit-02-b"},
		{"empty answer", Answers{"oit-03-a": ""}, "oit-03-a"},
		{"capitalised", Answers{"oit-04-a": "No"}, "oit-04-a"},
		{"first bad id in order, whatever the map order", Answers{"oit-06-a": "x", "oit-01-b": "x", "oit-10-a": AnswerSi}, "oit-01-b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := in.Score(tt.answers)
			if err == nil {
				t.Fatalf("Score(%v) = %+v, want an error", tt.answers, s)
			}
			if !strings.Contains(err.Error(), `"`+tt.want+`"`) {
				t.Errorf("error %q does not name question %q", err, tt.want)
			}
		})
	}
}

// Synthetic banks, each broken in one way the loader must refuse.
func TestParseInstrumentRejects(t *testing.T) {
	const head = `"id":"x","version":"2026.11-v1","title":{"es":"X","en":"X"},"source":"synthetic"`
	tests := []struct {
		name, json string
	}{
		{"unknown key", `{` + head + `,"indicators":[{"id":"a","es":"A","en":"A"}],"questions":[{"id":"q","indicator":"a","es":"¿?","en":"?","texto":"x"}]}`},
		{"question on a missing indicator", `{` + head + `,"indicators":[{"id":"a","es":"A","en":"A"}],"questions":[{"id":"q","indicator":"a","es":"¿?","en":"?"},{"id":"r","indicator":"b","es":"¿?","en":"?"}]}`},
		{"indicator without questions", `{` + head + `,"indicators":[{"id":"a","es":"A","en":"A"},{"id":"b","es":"B","en":"B"}],"questions":[{"id":"q","indicator":"a","es":"¿?","en":"?"}]}`},
		{"duplicate question", `{` + head + `,"indicators":[{"id":"a","es":"A","en":"A"}],"questions":[{"id":"q","indicator":"a","es":"¿?","en":"?"},{"id":"q","indicator":"a","es":"¿?","en":"?"}]}`},
		{"missing English", `{` + head + `,"indicators":[{"id":"a","es":"A","en":"A"}],"questions":[{"id":"q","indicator":"a","es":"¿?"}]}`},
		{"missing source", `{"id":"x","version":"v1","title":{"es":"X","en":"X"},"indicators":[{"id":"a","es":"A","en":"A"}],"questions":[{"id":"q","indicator":"a","es":"¿?","en":"?"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseInstrument("synthetic.json", []byte(tt.json)); err == nil {
				t.Error("parsed without error")
			}
		})
	}
	ok := `{` + head + `,"indicators":[{"id":"a","es":"A","en":"A"}],"questions":[{"id":"q","indicator":"a","es":"¿?","en":"?"}]}`
	if _, err := parseInstrument("synthetic.json", []byte(ok)); err != nil {
		t.Errorf("a well-formed synthetic bank failed: %v", err)
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2026.11-v1", "2026.11-v1", 0},
		{"2026.11-v2", "2026.11-v1", 1},
		{"2026.11-v10", "2026.11-v2", 1},
		{"2026.12-v1", "2026.11-v9", 1},
		{"2027.01-v1", "2026.12-v3", 1},
		{"2026.11-v1", "2027.01-v1", -1},
	}
	for _, tt := range tests {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestBundledDirectory(t *testing.T) {
	d, err := BundledDirectory()
	if err != nil {
		t.Fatal(err)
	}
	states := map[int]int{}
	for _, in := range d {
		states[in.State]++
		if in.Verified && in.Phone != "911" {
			t.Errorf("%s is marked verified: only 911 was", in.Name)
		}
		if in.Source == "" {
			t.Errorf("%s has no source", in.Name)
		}
	}
	for st := 0; st <= 32; st++ {
		if states[st] == 0 {
			t.Errorf("no institution for state %d", st)
		}
	}
}
