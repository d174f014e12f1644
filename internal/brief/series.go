package brief

import (
	"context"
	"fmt"

	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

// Series is a measure's monthly counts, national and by state, with the
// release each month comes from. Months not published in any release held
// are absent from Release and from every map.
type Series struct {
	Source   sesnsp.Source
	Measure  sesnsp.Measure
	From, To sesnsp.YM
	National map[sesnsp.YM]int64
	ByState  map[int]map[sesnsp.YM]int64
	// BySexAge holds victims by state, month, sex and age, where the release
	// breaks them down.
	BySexAge []store.Row
	Release  map[sesnsp.YM]store.Release
	Used     []store.Release
}

// Published reports whether month m is published.
func (s *Series) Published(m sesnsp.YM) bool { _, ok := s.Release[m]; return ok }

// Last returns the last published month, or 0.
func (s *Series) Last() sesnsp.YM {
	for m := s.To; m >= s.From; m-- {
		if s.Published(m) {
			return m
		}
	}
	return 0
}

// LoadSeries reads a measure's series from 2015 (or from) to to.
func LoadSeries(ctx context.Context, d Data, src sesnsp.Source, m sesnsp.Measure, from, to sesnsp.YM, vintage string) (*Series, error) {
	return loadSeries(ctx, d, store.Query{Source: src, Tipos: m.AllTipos(), From: from, To: to, Vintage: vintage}, m)
}

// LoadNationalSeries is LoadSeries without the states, sexes and ages: a
// tenth of the rows for a chart of the nation.
func LoadNationalSeries(ctx context.Context, d Data, src sesnsp.Source, m sesnsp.Measure, from, to sesnsp.YM, vintage string) (*Series, error) {
	return loadSeries(ctx, d, store.Query{Source: src, Tipos: m.AllTipos(), From: from, To: to, Vintage: vintage, National: true}, m)
}

func loadSeries(ctx context.Context, d Data, q store.Query, m sesnsp.Measure) (*Series, error) {
	src, from, to := q.Source, q.From, q.To
	res, err := d.Cells(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("brief: series of %s: %w", src, err)
	}
	s := &Series{Source: src, Measure: m, From: from, To: to, National: map[sesnsp.YM]int64{},
		ByState: map[int]map[sesnsp.YM]int64{}, Release: res.ByMonth, Used: res.Used}
	for c := 1; c <= 32; c++ {
		s.ByState[c] = map[sesnsp.YM]int64{}
	}
	for mo := range res.ByMonth {
		s.National[mo] = 0
		for c := 1; c <= 32; c++ {
			s.ByState[c][mo] = 0
		}
	}
	for _, r := range res.Rows {
		if !m.Counts(r.Month.Year(), r.Tipo) {
			continue
		}
		s.National[r.Month] += r.Value
		if r.Ent != 0 {
			s.ByState[r.Ent][r.Month] += r.Value
		}
		if r.Sexo != "" {
			s.BySexAge = append(s.BySexAge, r)
		}
	}
	return s, nil
}
