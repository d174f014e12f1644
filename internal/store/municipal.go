package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// MunQuery selects published counts by municipality, from municipal
// releases only (IDM_NM / IDMFC_NM, RNID Delitos or Víctimas Municipal).
type MunQuery struct {
	Source   sesnsp.Source
	Tipos    []string // Tipo de delito values, compared by sesnsp.Key
	From, To sesnsp.YM
	Ent      int // one state, 1–32
	Mun      int // one municipality (ent*1000+mun); 0 for all of Ent
}

// MunRow is one municipality's count in one month, summed over the catalog
// lines asked for (and over sex and age in victims files). Mun is the code
// as published: a code with Mun%1000 >= 998 is SESNSP's catch-all bucket
// for cases with no municipality, not a municipality.
type MunRow struct {
	Month sesnsp.YM
	Mun   int
	Tipo  string
	Value int64
}

// MunResult holds the rows and which municipal release each month came from.
type MunResult struct {
	Rows []MunRow
	// ByMonth gives the release of each published month; a month absent
	// here is not published at municipal level in any release held.
	ByMonth map[sesnsp.YM]Release
	Used    []Release
}

// MunicipalCells answers q. As with Cells, each month is taken whole from
// one release: the newest municipal release of the source that holds it.
func (s *Store) MunicipalCells(ctx context.Context, q MunQuery) (MunResult, error) {
	all, err := s.Releases(ctx)
	if err != nil {
		return MunResult{}, err
	}
	var cands []Release
	for _, r := range all {
		if r.Source == q.Source && r.Level == sesnsp.Municipal {
			cands = append(cands, r)
		}
	}
	byMonth, used, ranges := monthReleases(cands, q.From, q.To, nil)
	res := MunResult{ByMonth: byMonth, Used: used}
	if len(q.Tipos) == 0 {
		return res, nil
	}
	for _, r := range res.Used {
		rg := ranges[r.ID]
		args := []any{r.ID, int(rg[0]), int(rg[1]), q.Ent}
		where := ""
		if q.Mun != 0 {
			args = append(args, q.Mun)
			where = fmt.Sprintf(" AND mun = $%d", len(args))
		}
		ph := make([]string, len(q.Tipos))
		for i, t := range q.Tipos {
			args = append(args, sesnsp.Key(t))
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		rows, err := s.db.QueryContext(ctx, `SELECT month, mun, tipo, SUM(value) FROM observations
			WHERE release_id = $1 AND month BETWEEN $2 AND $3 AND ent = $4`+where+` AND tipo_key IN (`+strings.Join(ph, ",")+`)
			GROUP BY month, mun, tipo ORDER BY month, mun`, args...)
		if err != nil {
			return MunResult{}, fmt.Errorf("store: municipal cells of %s: %w", r.Vintage, err)
		}
		for rows.Next() {
			var row MunRow
			var m int
			if err := rows.Scan(&m, &row.Mun, &row.Tipo, &row.Value); err != nil {
				rows.Close()
				return MunResult{}, fmt.Errorf("store: municipal cells of %s: %w", r.Vintage, err)
			}
			row.Month = sesnsp.YM(m)
			if res.ByMonth[row.Month].ID == r.ID {
				res.Rows = append(res.Rows, row)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return MunResult{}, fmt.Errorf("store: municipal cells of %s: %w", r.Vintage, err)
		}
	}
	return res, nil
}

// LastMunicipal returns the last month any municipal release of src holds,
// or 0 when there is none.
func (s *Store) LastMunicipal(ctx context.Context, src sesnsp.Source) (sesnsp.YM, error) {
	all, err := s.Releases(ctx)
	if err != nil {
		return 0, err
	}
	var last sesnsp.YM
	for _, r := range all {
		if r.Source == src && r.Level == sesnsp.Municipal && r.Last > last {
			last = r.Last
		}
	}
	return last, nil
}
