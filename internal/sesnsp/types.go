package sesnsp

import (
	"fmt"
	"strconv"
	"strings"
)

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

// SeriesStart is January 2015, the first month of the 2015 methodology
// (carpetas and victims by state): every series Vigía reads starts here.
const SeriesStart YM = 2015 * 12

// lastYM bounds the months InSeries accepts: far enough for any release,
// near enough that a typo (20222-01) is an error, not a loop over years.
const lastYM YM = 2100*12 + 11

// ParseYM reads a month written YYYY-MM (or YYYY-M), surrounding spaces
// ignored. It is the one month parser of the command line, the web forms
// and the brief's labels; input from people is also checked with InSeries.
func ParseYM(s string) (YM, error) {
	s = strings.TrimSpace(s)
	ys, ms, ok := strings.Cut(s, "-")
	if !ok || len(ys) != 4 || len(ms) < 1 || len(ms) > 2 {
		return 0, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || ys[0] == '+' || ys[0] == '-' || ms[0] == '+' || ms[0] == '-' || m < 1 || m > 12 {
		return 0, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return MakeYM(y, m), nil
}

// InSeries reports whether m lies between SeriesStart and December 2100.
func InSeries(m YM) bool { return m >= SeriesStart && m <= lastYM }

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
