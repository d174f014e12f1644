package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// Query selects published counts.
type Query struct {
	Source   sesnsp.Source
	Tipos    []string // Tipo de delito values, compared by sesnsp.Key
	From, To sesnsp.YM
	// Vintage names one release ("jun22", "mar2026"). Empty takes each month
	// from the newest release that holds it.
	Vintage string
	// National sums over states, sexes and ages (Row.Ent is 0): a long
	// history is then a few hundred rows instead of tens of thousands.
	National bool
}

// Row is a sum of published cells.
type Row struct {
	Month   sesnsp.YM
	Ent     int
	Tipo    string
	Subtipo string
	Sexo    string
	Edad    string
	Value   int64
}

// Result holds the rows and which release each month came from.
type Result struct {
	Rows []Row
	// ByMonth gives the release of each month in the query that is
	// published; a month absent here is not published in any release held.
	ByMonth map[sesnsp.YM]Release
	// Used lists the releases that contributed, oldest first.
	Used []Release
}

// Cells answers q. Months are taken whole from one release: mixing two
// releases within a month would add revised and unrevised counts.
func (s *Store) Cells(ctx context.Context, q Query) (Result, error) {
	all, err := s.Releases(ctx)
	if err != nil {
		return Result{}, err
	}
	var want sesnsp.Vintage
	if q.Vintage != "" {
		if want, err = sesnsp.ParseVintage(q.Vintage); err != nil {
			return Result{}, err
		}
	}
	var cands []Release
	for _, r := range all {
		if r.Source == q.Source && (want.IsZero() || r.Cutoff == want.Cutoff) {
			cands = append(cands, r)
		}
	}
	// Same cutoff: the state file, not a municipal one, answers state cells.
	byMonth, used, ranges := monthReleases(cands, q.From, q.To, func(r, best Release) bool {
		return r.Cutoff == best.Cutoff && r.Level == sesnsp.Estatal && best.Level != sesnsp.Estatal
	})
	res := Result{ByMonth: byMonth, Used: used}
	if len(q.Tipos) == 0 {
		return res, nil
	}
	keys := make([]string, len(q.Tipos))
	for i, t := range q.Tipos {
		keys[i] = sesnsp.Key(t)
	}
	for _, r := range res.Used {
		rg := ranges[r.ID]
		args := []any{r.ID, int(rg[0]), int(rg[1])}
		ph := make([]string, len(keys))
		for i, k := range keys {
			args = append(args, k)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		cols := "month, ent, tipo, subtipo, sexo, edad"
		if q.National {
			cols = "month, 0, tipo, subtipo, '', ''"
		}
		group := "month, ent, tipo, subtipo, sexo, edad"
		if q.National {
			group = "month, tipo, subtipo"
		}
		rows, err := s.db.QueryContext(ctx, `SELECT `+cols+`, SUM(value) FROM observations
			WHERE release_id = $1 AND month BETWEEN $2 AND $3 AND tipo_key IN (`+strings.Join(ph, ",")+`)
			GROUP BY `+group+` ORDER BY month`, args...)
		if err != nil {
			return Result{}, fmt.Errorf("store: cells of %s: %w", r.Vintage, err)
		}
		for rows.Next() {
			var row Row
			var m int
			if err := rows.Scan(&m, &row.Ent, &row.Tipo, &row.Subtipo, &row.Sexo, &row.Edad, &row.Value); err != nil {
				rows.Close()
				return Result{}, fmt.Errorf("store: cells of %s: %w", r.Vintage, err)
			}
			row.Month = sesnsp.YM(m)
			// A month inside the range may come from a newer release.
			if res.ByMonth[row.Month].ID == r.ID {
				res.Rows = append(res.Rows, row)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return Result{}, fmt.Errorf("store: cells of %s: %w", r.Vintage, err)
		}
	}
	return res, nil
}

// monthReleases takes each month from..to whole from one release of cands:
// the newest that covers it, or among equally new ones the one tie prefers
// (tie may be nil). It returns the release of each published month, the
// releases used (oldest first) and the range of months each one answers.
func monthReleases(cands []Release, from, to sesnsp.YM, tie func(r, best Release) bool) (map[sesnsp.YM]Release, []Release, map[int64][2]sesnsp.YM) {
	byMonth := map[sesnsp.YM]Release{}
	var used []Release
	ranges := map[int64][2]sesnsp.YM{}
	for m := from; m <= to; m++ {
		best, ok := Release{}, false
		for _, r := range cands {
			if !r.Covers(m) {
				continue
			}
			if !ok || r.Cutoff > best.Cutoff || tie != nil && tie(r, best) {
				best, ok = r, true
			}
		}
		if !ok {
			continue
		}
		byMonth[m] = best
		rg, seen := ranges[best.ID]
		if !seen {
			rg = [2]sesnsp.YM{m, m}
			used = append(used, best)
		}
		rg[0], rg[1] = min(rg[0], m), max(rg[1], m)
		ranges[best.ID] = rg
	}
	slices.SortFunc(used, func(a, b Release) int { return int(a.Cutoff - b.Cutoff) })
	return byMonth, used, ranges
}
