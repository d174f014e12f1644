package brief

import (
	"context"
	"fmt"
	"slices"

	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

// Revisions are computed here once, for the brief (each month against the
// release before the one it comes from), for `vigia revisions` (two named
// releases) and for the state pages (yearly totals in every release).

// releaseCounts returns the national monthly counts of a measure in one
// release, from…to (an empty vintage: the newest release per month), and
// the store's answer (which months the release publishes).
func releaseCounts(ctx context.Context, d Data, src sesnsp.Source, m sesnsp.Measure, from, to sesnsp.YM, vintage string) (map[sesnsp.YM]int64, store.Result, error) {
	res, err := d.Cells(ctx, store.Query{Source: src, Tipos: m.AllTipos(), From: from, To: to, Vintage: vintage, National: true})
	if err != nil {
		return nil, res, fmt.Errorf("brief: %s in %s: %w", src, vintage, err)
	}
	out := map[sesnsp.YM]int64{}
	for _, r := range res.Rows {
		if m.Counts(r.Month.Year(), r.Tipo) {
			out[r.Month] += r.Value
		}
	}
	return out, res, nil
}

// Compare returns the months from…to whose national count of measure m
// differs between releases older and newer, among the months both
// publish, in order.
func Compare(ctx context.Context, d Data, src sesnsp.Source, m sesnsp.Measure, from, to sesnsp.YM, older, newer string) ([]Revision, error) {
	was, wasRes, err := releaseCounts(ctx, d, src, m, from, to, older)
	if err != nil {
		return nil, err
	}
	now, nowRes, err := releaseCounts(ctx, d, src, m, from, to, newer)
	if err != nil {
		return nil, err
	}
	out := []Revision{}
	for mo := from; mo <= to; mo++ {
		_, inOld := wasRes.ByMonth[mo]
		_, inNew := nowRes.ByMonth[mo]
		if inOld && inNew && was[mo] != now[mo] {
			out = append(out, Revision{Month: mo.String(), Before: older, Old: was[mo], After: newer, New: now[mo]})
		}
	}
	return out, nil
}

// revisions compares each month of the period with the release before the
// one it was taken from, so that a reader sees which figures moved.
func revisions(ctx context.Context, d Data, p Params, src sesnsp.Source, res store.Result, pub []sesnsp.YM) ([]Revision, error) {
	all, err := d.Releases(ctx)
	if err != nil {
		return nil, err
	}
	// For each month, the newest release older than the one used; months
	// are grouped by (that release, the one used).
	type pair struct{ before, after string }
	groups := map[pair][]sesnsp.YM{}
	var order []pair
	for _, m := range pub {
		cur := res.ByMonth[m]
		var best *store.Release
		for i, r := range all {
			if r.Source == src && r.Cutoff < cur.Cutoff && r.Covers(m) && (best == nil || r.Cutoff > best.Cutoff) {
				best = &all[i]
			}
		}
		if best == nil {
			continue
		}
		k := pair{best.Vintage, cur.Vintage}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], m)
	}
	out := []Revision{}
	for _, k := range order {
		ms := groups[k]
		revs, err := Compare(ctx, d, src, p.Measure, ms[0], ms[len(ms)-1], k.before, k.after)
		if err != nil {
			return nil, fmt.Errorf("brief: revisions against %s: %w", k.before, err)
		}
		for _, r := range revs {
			if slices.Contains(ms, parseYM(r.Month)) {
				out = append(out, r)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Revision) int {
		switch {
		case a.Month < b.Month:
			return -1
		case a.Month > b.Month:
			return 1
		}
		return 0
	})
	return out, nil
}

// YearRevisions is a state's (or, with code 0, the nation's) yearly totals
// in every release of a source that holds the whole year.
type YearRevisions struct {
	Vintages []string
	Rows     []YearRevision
}

// YearRevision is one year: Values[i] is its total in Vintages[i], nil
// when that release lacks a month of it; Revised when two releases differ.
type YearRevision struct {
	Year    int
	Values  []*int64
	Revised bool
}

// RevisionsByYear builds YearRevisions for state code (1–32, or 0 for the
// nation) and measure m.
func RevisionsByYear(ctx context.Context, d Data, src sesnsp.Source, m sesnsp.Measure, code int) (YearRevisions, error) {
	var yr YearRevisions
	rels, err := d.Releases(ctx)
	if err != nil {
		return yr, err
	}
	for _, r := range rels {
		if r.Source == src && !slices.Contains(yr.Vintages, r.Vintage) {
			yr.Vintages = append(yr.Vintages, r.Vintage)
		}
	}
	years := map[int]bool{}
	totals := map[string]map[int]int64{}
	for _, v := range yr.Vintages {
		ser, err := LoadSeries(ctx, d, src, m, seriesStart, sesnsp.MakeYM(2100, 12), v)
		if err != nil {
			return yr, err
		}
		counts := ser.National
		if code != 0 {
			counts = ser.ByState[code]
		}
		totals[v] = map[int]int64{}
		for y := seriesStart.Year(); y <= 2100; y++ {
			ok := true
			var t int64
			for mo := 1; mo <= 12; mo++ {
				ym := sesnsp.MakeYM(y, mo)
				if !ser.Published(ym) {
					ok = false
					break
				}
				t += counts[ym]
			}
			if ok {
				totals[v][y] = t
				years[y] = true
			}
		}
	}
	var ys []int
	for y := range years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	for _, y := range ys {
		row := YearRevision{Year: y}
		var first *int64
		for _, v := range yr.Vintages {
			t, ok := totals[v][y]
			if !ok {
				row.Values = append(row.Values, nil)
				continue
			}
			row.Values = append(row.Values, &t)
			if first == nil {
				first = &t
			} else if *first != t {
				row.Revised = true
			}
		}
		yr.Rows = append(yr.Rows, row)
	}
	return yr, nil
}
