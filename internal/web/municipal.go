package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

// Municipal figures come only from municipal releases (IDM_NM / IDMFC_NM,
// RNID Delitos or Víctimas Municipal), which an operator imports; none is
// bundled (data/sesnsp/SOURCES.md says why). Each table covers the 12
// months to the last month a municipal release holds and, like the state
// figures, names the months of that period no municipal release publishes.

// munTable is one source's counts by municipality for one state.
type munTable struct {
	Source string
	// Medida carries the measure to the municipality pages; empty for
	// the default.
	Medida      string
	From, To    string
	Unpublished []string
	Vintages    []string
	Rows        []munCount
	// NoMunicipality is the sum of SESNSP's catch-all codes (<ent>998,
	// <ent>999): cases with no municipality. They count in the state
	// total, never as a municipality.
	NoMunicipality int64
	Total          int64
}

// munCount is one municipality's count.
type munCount struct {
	Code  string // 5-digit INEGI key
	Name  string // from INEGI's catalog; the published name if absent there
	Count int64
	Known bool // in INEGI's catalog: the page /municipios/{Code} exists
}

// munYear is one year of a municipality's series.
type munYear struct {
	Year      int
	Count     int64
	Published int // months of the year published at municipal level
}

// munSource is one source on a municipality's page.
type munSource struct {
	Source      string
	From, To    string
	Unpublished []string
	Vintages    []string
	Count       int64
	Rank, Of    int // among the state's municipalities with a count, by count
	Years       []munYear
}

type municipalityData struct {
	Code    string
	Name    string
	State   sesnsp.State
	Measure string
	Sources []munSource
}

// catchAll reports whether a published municipal code is one of SESNSP's
// buckets for cases with no municipality (DATA.md, "Codes").
func catchAll(mun int) bool { return mun%1000 >= 998 }

// munPeriod returns the 12 months to the last month a municipal release of
// src holds; ok is false when the store holds none.
func (s *Server) munPeriod(ctx context.Context, src sesnsp.Source) (from, to sesnsp.YM, ok bool, err error) {
	last, err := s.store.LastMunicipal(ctx, src)
	if err != nil || last == 0 {
		return 0, 0, false, err
	}
	return last - 11, last, true, nil
}

// munQuery runs q and returns the rows the measure counts, with the months
// of q's period not published and the releases used.
func (s *Server) munQuery(ctx context.Context, m sesnsp.Measure, q store.MunQuery) ([]store.MunRow, []string, []string, store.MunResult, error) {
	q.Tipos = m.AllTipos()
	res, err := s.store.MunicipalCells(ctx, q)
	if err != nil {
		return nil, nil, nil, res, err
	}
	var rows []store.MunRow
	for _, r := range res.Rows {
		if m.Counts(r.Month.Year(), r.Tipo) {
			rows = append(rows, r)
		}
	}
	var unpub []string
	for mo := q.From; mo <= q.To; mo++ {
		if _, ok := res.ByMonth[mo]; !ok {
			unpub = append(unpub, mo.String())
		}
	}
	var vint []string
	for _, r := range res.Used {
		vint = append(vint, r.Vintage)
	}
	return rows, unpub, vint, res, nil
}

// municipalTables returns, for each source with a municipal release, the
// state's counts by municipality over that source's municipal period.
func (s *Server) municipalTables(ctx context.Context, m sesnsp.Measure, ent int) ([]munTable, error) {
	geo, err := hotline.Bundled()
	if err != nil {
		return nil, err
	}
	var out []munTable
	for _, src := range []sesnsp.Source{sesnsp.Carpetas, sesnsp.Victimas} {
		from, to, ok, err := s.munPeriod(ctx, src)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		rows, unpub, vint, _, err := s.munQuery(ctx, m, store.MunQuery{Source: src, From: from, To: to, Ent: ent})
		if err != nil {
			return nil, err
		}
		t := munTable{Source: string(src), From: from.String(), To: to.String(), Unpublished: unpub, Vintages: vint}
		if m.ID != "trata" {
			t.Medida = m.ID
		}
		byMun := map[int]int64{}
		for _, r := range rows {
			t.Total += r.Value
			if catchAll(r.Mun) {
				t.NoMunicipality += r.Value
				continue
			}
			byMun[r.Mun] += r.Value
		}
		for code, n := range byMun {
			c := munCount{Code: fmt.Sprintf("%05d", code), Count: n}
			if mu, ok := geo.Municipality(c.Code); ok {
				c.Name, c.Known = mu.Name, true
			} else {
				c.Name = c.Code
			}
			t.Rows = append(t.Rows, c)
		}
		slices.SortFunc(t.Rows, func(a, b munCount) int {
			if a.Count != b.Count {
				return int(b.Count - a.Count)
			}
			return strings.Compare(a.Code, b.Code)
		})
		out = append(out, t)
	}
	return out, nil
}

// municipality serves /municipios/{cve}: one municipality's counts from
// the municipal releases held, with the months each total covers.
func (s *Server) municipality(w http.ResponseWriter, r *http.Request) (*view, error) {
	l := locale.FromRequest(r)
	code := r.PathValue("cve")
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 5 || catchAll(n) {
		return nil, errNotFound
	}
	geo, err := hotline.Bundled()
	if err != nil {
		return nil, err
	}
	mu, ok := geo.Municipality(code)
	if !ok {
		return nil, errNotFound
	}
	st, ok := sesnsp.StateByCode(mu.State)
	if !ok {
		return nil, errNotFound
	}
	m, err := measureParam(r)
	if err != nil {
		return nil, err
	}
	d := municipalityData{Code: code, Name: mu.Name, State: st, Measure: measureName(l, m)}
	for _, src := range []sesnsp.Source{sesnsp.Carpetas, sesnsp.Victimas} {
		from, to, ok, err := s.munPeriod(r.Context(), src)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		ms := munSource{Source: string(src), From: from.String(), To: to.String()}
		// The state's municipalities over the period, for the figure and its rank.
		rows, unpub, vint, _, err := s.munQuery(r.Context(), m, store.MunQuery{Source: src, From: from, To: to, Ent: mu.State})
		if err != nil {
			return nil, err
		}
		ms.Unpublished, ms.Vintages = unpub, vint
		byMun := map[int]int64{}
		for _, row := range rows {
			if !catchAll(row.Mun) {
				byMun[row.Mun] += row.Value
			}
		}
		ms.Count = byMun[n]
		for _, c := range byMun {
			if c > 0 {
				ms.Of++
			}
			if c > ms.Count {
				ms.Rank++
			}
		}
		if ms.Count > 0 {
			ms.Rank++
		} else {
			ms.Rank = 0
		}
		// The whole series of the municipality, by year.
		rows, _, _, res, err := s.munQuery(r.Context(), m, store.MunQuery{Source: src, From: seriesStart, To: to, Ent: mu.State, Mun: n})
		if err != nil {
			return nil, err
		}
		years := map[int]*munYear{}
		for mo := range res.ByMonth {
			y := years[mo.Year()]
			if y == nil {
				y = &munYear{Year: mo.Year()}
				years[mo.Year()] = y
			}
			y.Published++
		}
		for _, row := range rows {
			years[row.Month.Year()].Count += row.Value
		}
		for _, y := range years {
			ms.Years = append(ms.Years, *y)
		}
		slices.SortFunc(ms.Years, func(a, b munYear) int { return a.Year - b.Year })
		d.Sources = append(d.Sources, ms)
	}
	return &view{Template: "municipality", Title: mu.Name + ", " + st.Name, Data: d}, nil
}
