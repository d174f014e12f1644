package sesnsp

import "fmt"

// Source says what a file counts: investigations opened (carpetas de
// investigación) or victims (víctimas).
type Source string

// The two sources SESNSP publishes.
const (
	Carpetas Source = "carpetas"
	Victimas Source = "victimas"
)

// Level is the geographic level of a file.
type Level string

// Levels of SESNSP files.
const (
	Estatal   Level = "estatal"
	Municipal Level = "municipal"
)

// Format names a file layout, sniffed from the header.
type Format string

// The layouts Vigía reads.
const (
	FormatIncidenciaEstatal   Format = "incidencia-estatal"   // IDEFC_NM, RNID Delitos Estatal, re-issue
	FormatVictimasEstatal     Format = "victimas-estatal"     // IDVFC_NM, RNID Víctimas Estatal
	FormatIncidenciaMunicipal Format = "incidencia-municipal" // IDM_NM / IDMFC_NM, RNID Delitos Municipal
	FormatVictimasMunicipal   Format = "victimas-municipal"   // RNID Víctimas Municipal
	FormatLargoVictimas       Format = "largo-victimas"       // isaacarroyov tidy long derivative
	FormatSerieVictimas       Format = "serie-victimas"       // lapanquecita timeseries_victimas.csv
)

// YM is a calendar month counted from year 0 (year*12 + month-1), so that
// month arithmetic is plain integer arithmetic.
type YM int

// MakeYM returns the YM of year and month (1–12).
func MakeYM(year, month int) YM { return YM(year*12 + month - 1) }

// Year returns the calendar year.
func (m YM) Year() int { return int(m) / 12 }

// Month returns the month, 1–12.
func (m YM) Month() int { return int(m)%12 + 1 }

func (m YM) String() string { return fmt.Sprintf("%04d-%02d", m.Year(), m.Month()) }

// Cell is one published count: one month of one catalog line in one place,
// for one sex and age group in victims files.
type Cell struct {
	Month     YM
	Ent       int // INEGI state code, 1–32
	Mun       int // INEGI municipal key (ent*1000+mun); 0 for state-level files
	Bien      string
	Tipo      string
	Subtipo   string
	Modalidad string
	Sexo      string // "" in incidence files and in derivatives without the breakdown
	Edad      string // Rango de edad, as published
	Value     int64  // may be negative in re-issues (SESNSP corrections)
}
