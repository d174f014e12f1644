package sesnsp

// Measure is a named selection of catalog lines. Analyses take a measure, a
// source, a period, a set of states and a release.
type Measure struct {
	ID     string
	Name   string // Spanish
	NameEN string
	// Note is shown wherever the measure is: what it counts and, for the
	// comparable series, the break in methodology.
	Note, NoteEN string
	tipos        func(year int) []string
}

// Tipos returns the Tipo de delito values the measure counts in a year.
func (m Measure) Tipos(year int) []string { return m.tipos(year) }

// AllTipos returns every Tipo de delito the measure may count.
func (m Measure) AllTipos() []string {
	seen := map[string]bool{}
	var out []string
	for _, y := range []int{2025, 2026} {
		for _, t := range m.tipos(y) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// Counts reports whether the measure counts tipo in year.
func (m Measure) Counts(year int, tipo string) bool {
	for _, t := range m.tipos(year) {
		if Same(t, tipo) {
			return true
		}
	}
	return false
}

const (
	tipoTrata        = "Trata de personas"
	tipoTraficoMenor = "Tráfico de menores"
	tipoPornoInfant  = "Pornografía infantil"
)

// Measures are the measures Vigía answers. The filter is on Tipo de delito,
// never on a list of subtipos: RNID splits Trata de personas into four
// subtipos by purpose, and a new one must not drop out silently.
var Measures = []Measure{
	{
		ID: "trata", Name: "Trata de personas", NameEN: "Human trafficking",
		Note:   "Tipo de delito «Trata de personas». Desde 2026 (RNID) suma sus cuatro subtipos por finalidad.",
		NoteEN: "Crime type «Trata de personas». From 2026 (RNID) it adds up its four subtypes by purpose.",
		tipos:  func(int) []string { return []string{tipoTrata} },
	},
	{
		ID: "comparable", Name: "Trata de personas (serie comparable)", NameEN: "Human trafficking (comparable series)",
		Note:   "Serie comparable: hasta 2025 «Trata de personas»; desde 2026 «Trata de personas» + «Pornografía infantil», como indica la nota de comparabilidad del SESNSP. 2026 es otra metodología (RNID).",
		NoteEN: "Comparable series: up to 2025 «Trata de personas»; from 2026 «Trata de personas» + «Pornografía infantil», as SESNSP's comparability note says. 2026 is a new methodology (RNID).",
		tipos: func(y int) []string {
			if y >= 2026 {
				return []string{tipoTrata, tipoPornoInfant}
			}
			return []string{tipoTrata}
		},
	},
	{
		ID: "trafico-menores", Name: "Tráfico de menores", NameEN: "Child trafficking (tráfico de menores)",
		Note:   "Tipo de delito «Tráfico de menores», una medida aparte de la trata.",
		NoteEN: "Crime type «Tráfico de menores», a measure separate from trafficking in persons.",
		tipos:  func(int) []string { return []string{tipoTraficoMenor} },
	},
}

// MeasureByID finds a measure.
func MeasureByID(id string) (Measure, bool) {
	for _, m := range Measures {
		if m.ID == fold(id) {
			return m, true
		}
	}
	return Measure{}, false
}

// Stored reports whether a Tipo de delito is one the store keeps: the
// lines of every measure. Other lines are parsed and checked, not kept.
func Stored(tipo string) bool {
	switch fold(tipo) {
	case "trata de personas", "trafico de menores", "pornografia infantil":
		return true
	}
	return false
}
