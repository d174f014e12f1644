package hotline

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Screening instruments are data, not code, so that a new version of a
// question bank is a new JSON file: answers keep the instrument id and
// version, and scores from different versions are never silently mixed
// (HOTLINE.md §4.2).
//
//go:embed instruments/*.json
var instrumentFiles embed.FS

// Question is one yes/no question of an instrument. Every question is worded
// so that "si" points towards its indicator; a bank with a reversed question
// would make Score wrong, so none may be added.
type Question struct {
	ID        string `json:"id"`        // e.g. "oit-01-a"
	Indicator string `json:"indicator"` // e.g. "abuso_vulnerabilidad"
	ES        string `json:"es"`
	EN        string `json:"en"`
}

// Indicator is one indicator an instrument screens for.
type Indicator struct {
	ID string `json:"id"`
	ES string `json:"es"`
	EN string `json:"en"`
}

// Instrument is a versioned question bank.
type Instrument struct {
	ID      string `json:"id"`      // "oit-11"
	Version string `json:"version"` // "2026.11-v1"
	Title   struct {
		ES string `json:"es"`
		EN string `json:"en"`
	} `json:"title"`
	Source     string      `json:"source"`
	Indicators []Indicator `json:"indicators"` // in the order of the source
	Questions  []Question  `json:"questions"`
}

// The possible answers to a question. "no_sabe" is an answer, not a gap:
// the question was asked, and the person could not or would not say.
const (
	AnswerSi     = "si"
	AnswerNo     = "no"
	AnswerNoSabe = "no_sabe"
)

// AnswerValues labels the answers.
var AnswerValues = Vocab{
	{AnswerSi, "Sí", "Yes", ""},
	{AnswerNo, "No", "No", ""},
	{AnswerNoSabe, "No sé / prefiero no decir", "Don't know / prefer not to say", ""},
}

// Answers maps a question id to "si", "no" or "no_sabe". A question absent
// from the map was not asked.
type Answers map[string]string

// The levels of a score.
const (
	SinIndicios    = "sin_indicios"
	UnIndicio      = "un_indicio"
	VariosIndicios = "varios_indicios"
)

// ScoreLevels labels the levels. The wording avoids "victim" on purpose: a
// level is a prompt for a professional assessment, not a finding.
var ScoreLevels = Vocab{
	{SinIndicios, "Sin indicios en las respuestas", "No indicators in the answers", ""},
	{UnIndicio, "Un indicio: conviene una valoración profesional", "One indicator: a professional assessment is advisable", ""},
	{VariosIndicios, "Varios indicios: se necesita una valoración profesional", "Several indicators: a professional assessment is needed", ""},
}

// Score is what a set of answers shows.
//
// Level only counts indicators. The ILO says one indicator may in some cases
// be enough to establish forced labour and that usually several are needed,
// and which one matters as much as how many; so Level is a prompt for a
// trained person's assessment (HTCDS's vic_TraffickingStatus with its
// deciding organisation), never a decision, and "sin_indicios" does not mean
// there is nothing: often it means the right questions were not yet asked,
// which Unknown shows.
type Score struct {
	Instrument string `json:"instrument"`
	Version    string `json:"version"`
	// Present are the indicators with at least one "si", in instrument order.
	Present []string `json:"present"`
	// Unknown are the indicators none of whose questions got a "si" or a
	// "no", in instrument order.
	Unknown []string `json:"unknown"`
	// Answered counts questions with an answer, "no_sabe" included; Total
	// is the number of questions.
	Answered int    `json:"answered"`
	Total    int    `json:"total"`
	Level    string `json:"level"`
}

// Score scores a set of answers. It fails, naming the question id, on an id
// the instrument does not have or an answer other than si/no/no_sabe, since
// a silently ignored answer would lower the count of indicators.
func (in Instrument) Score(a Answers) (Score, error) {
	byID := make(map[string]Question, len(in.Questions))
	for _, q := range in.Questions {
		byID[q.ID] = q
	}
	// Sorted so that the error for several bad answers is always the same.
	ids := make([]string, 0, len(a))
	for id := range a {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, ok := byID[id]; !ok {
			return Score{}, fmt.Errorf("instrument %s %s: unknown question %q", in.ID, in.Version, id)
		}
		if !AnswerValues.Has(a[id]) {
			return Score{}, fmt.Errorf("instrument %s %s: question %q: answer must be si, no or no_sabe", in.ID, in.Version, id)
		}
	}
	present := map[string]bool{}
	known := map[string]bool{}
	s := Score{Instrument: in.ID, Version: in.Version, Total: len(in.Questions), Present: []string{}, Unknown: []string{}}
	for _, q := range in.Questions {
		ans, ok := a[q.ID]
		if !ok {
			continue
		}
		s.Answered++
		switch ans {
		case AnswerSi:
			present[q.Indicator] = true
			known[q.Indicator] = true
		case AnswerNo:
			known[q.Indicator] = true
		}
	}
	for _, ind := range in.Indicators {
		if present[ind.ID] {
			s.Present = append(s.Present, ind.ID)
		}
		if !known[ind.ID] {
			s.Unknown = append(s.Unknown, ind.ID)
		}
	}
	switch len(s.Present) {
	case 0:
		s.Level = SinIndicios
	case 1:
		s.Level = UnIndicio
	default:
		s.Level = VariosIndicios
	}
	return s, nil
}

// check rejects a bank that Score could not score honestly.
func (in Instrument) check() error {
	if in.ID == "" || in.Version == "" || in.Title.ES == "" || in.Title.EN == "" || in.Source == "" {
		return fmt.Errorf("instrument %q: id, version, title and source are required", in.ID)
	}
	inds := map[string]bool{}
	for _, ind := range in.Indicators {
		if ind.ID == "" || ind.ES == "" || ind.EN == "" {
			return fmt.Errorf("instrument %s: indicator %q: id and labels are required", in.ID, ind.ID)
		}
		if inds[ind.ID] {
			return fmt.Errorf("instrument %s: duplicate indicator %q", in.ID, ind.ID)
		}
		inds[ind.ID] = true
	}
	qs := map[string]bool{}
	asked := map[string]bool{}
	for _, q := range in.Questions {
		if q.ID == "" || q.ES == "" || q.EN == "" {
			return fmt.Errorf("instrument %s: question %q: id and texts are required", in.ID, q.ID)
		}
		if qs[q.ID] {
			return fmt.Errorf("instrument %s: duplicate question %q", in.ID, q.ID)
		}
		if !inds[q.Indicator] {
			return fmt.Errorf("instrument %s: question %q: unknown indicator %q", in.ID, q.ID, q.Indicator)
		}
		qs[q.ID] = true
		asked[q.Indicator] = true
	}
	for _, ind := range in.Indicators {
		if !asked[ind.ID] {
			return fmt.Errorf("instrument %s: indicator %q has no question", in.ID, ind.ID)
		}
	}
	return nil
}

func parseInstrument(name string, data []byte) (Instrument, error) {
	var in Instrument
	dec := json.NewDecoder(bytes.NewReader(data))
	// A misspelt key would otherwise leave a label silently empty.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return Instrument{}, fmt.Errorf("%s: %w", name, err)
	}
	if err := in.check(); err != nil {
		return Instrument{}, fmt.Errorf("%s: %w", name, err)
	}
	return in, nil
}

// The banks are compiled in, so a bad one is a programming error: failing
// at first use (and in the tests) beats serving a half-read bank.
var loadInstruments = sync.OnceValue(func() []Instrument {
	names, err := fs.Glob(instrumentFiles, "instruments/*.json")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	var out []Instrument
	seen := map[string]bool{}
	for _, name := range names {
		data, err := instrumentFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		in, err := parseInstrument(name, data)
		if err != nil {
			panic("hotline: " + err.Error())
		}
		if seen[in.ID+" "+in.Version] {
			panic(fmt.Sprintf("hotline: %s: instrument %s %s defined twice", name, in.ID, in.Version))
		}
		seen[in.ID+" "+in.Version] = true
		out = append(out, in)
	}
	return out
})

// Instruments returns every built-in instrument version. The result is a
// copy: callers may change it without changing the banks.
func Instruments() []Instrument {
	all := loadInstruments()
	out := make([]Instrument, len(all))
	for i, in := range all {
		in.Indicators = slices.Clone(in.Indicators)
		in.Questions = slices.Clone(in.Questions)
		out[i] = in
	}
	return out
}

// InstrumentByID returns the newest version of an instrument, the one new
// screenings use.
func InstrumentByID(id string) (Instrument, bool) {
	var best Instrument
	found := false
	for _, in := range Instruments() {
		if in.ID == id && (!found || compareVersions(in.Version, best.Version) > 0) {
			best, found = in, true
		}
	}
	return best, found
}

// InstrumentVersion returns one version of an instrument, so that stored
// answers are rescored against the questions that were actually asked.
func InstrumentVersion(id, version string) (Instrument, bool) {
	for _, in := range Instruments() {
		if in.ID == id && in.Version == version {
			return in, true
		}
	}
	return Instrument{}, false
}

// compareVersions orders "YYYY.MM-vN" versions. The date part compares as a
// string; N compares as a number, since as strings "v10" < "v2".
func compareVersions(a, b string) int {
	split := func(v string) (string, int) {
		i := strings.LastIndex(v, "-v")
		if i < 0 {
			return v, 0
		}
		n, err := strconv.Atoi(v[i+2:])
		if err != nil {
			return v, 0
		}
		return v[:i], n
	}
	da, na := split(a)
	db, nb := split(b)
	if c := strings.Compare(da, db); c != 0 {
		return c
	}
	return cmp.Compare(na, nb)
}
