// Package conapo reads CONAPO's population projections, the denominators of
// every rate Vigía publishes.
package conapo

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Sex names CONAPO's rows.
type Sex string

// The three population rows per entity and year.
const (
	Total   Sex = "Total"
	Hombres Sex = "Hombres"
	Mujeres Sex = "Mujeres"
)

type key struct {
	ent, year int
	sex       Sex
}

// Table holds mid-year population by entity (0 = national), year and sex.
type Table struct {
	mid map[key]float64
}

// Mid returns the mid-year population, the denominator SESNSP and CONAPO
// use for annual rates.
func (t *Table) Mid(ent, year int, sex Sex) (float64, bool) {
	v, ok := t.mid[key{ent, year, sex}]
	return v, ok
}

// Read parses conapo_pob_ent_gender_1950_2070.csv
// (n_year,nombre_estado,cve_ent,genero,pob_start_year,pob_mid_year).
func Read(name string, r io.Reader) (*Table, error) {
	cr := csv.NewReader(r)
	hdr, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range hdr {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range []string{"n_year", "cve_ent", "genero", "pob_mid_year"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s: header lacks %q", name, c)
		}
	}
	t := &Table{mid: map[key]float64{}}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		y, err1 := strconv.Atoi(rec[col["n_year"]])
		e, err2 := strconv.Atoi(rec[col["cve_ent"]])
		p, err3 := strconv.ParseFloat(rec[col["pob_mid_year"]], 64)
		if err := errors.Join(err1, err2, err3); err != nil || e < 0 || e > 32 || p <= 0 {
			return nil, fmt.Errorf("%s: line %d: want year, state code 0–32 and a positive population: %v", name, line, rec)
		}
		s := Sex(rec[col["genero"]])
		if s != Total && s != Hombres && s != Mujeres {
			return nil, fmt.Errorf("%s: line %d, column \"genero\", value %q: want Total, Hombres or Mujeres", name, line, s)
		}
		t.mid[key{e, y, s}] = p
	}
	if len(t.mid) == 0 {
		return nil, fmt.Errorf("%s: no rows", name)
	}
	return t, nil
}
