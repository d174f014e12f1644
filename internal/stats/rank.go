package stats

import (
	"cmp"
	"math"
	"slices"
)

// RankDesc gives standard competition ranks ("1224") for values sorted
// descending: tied values share the best rank and the next value skips the
// places they took. NaN values (e.g. a rate with no population) get rank 0
// and are not counted, so they do not push anyone down.
func RankDesc(values []float64) []int {
	ranks := make([]int, len(values))
	idx := make([]int, 0, len(values))
	for i, v := range values {
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(values[b], values[a]) })
	for pos, i := range idx {
		if pos > 0 && values[i] == values[idx[pos-1]] {
			ranks[i] = ranks[idx[pos-1]]
		} else {
			ranks[i] = pos + 1
		}
	}
	return ranks
}

// HighestSince backs phrases like "the most since 2015". totals maps years
// to totals over the same months. It returns the latest year y < year with
// totals[y] >= totals[year]; ok is false when no earlier year reaches it (a
// record, which needs different wording) or when year is absent from totals.
func HighestSince(year int, totals map[int]int64) (since int, ok bool) {
	cur, present := totals[year]
	if !present {
		return 0, false
	}
	for y, t := range totals {
		if y < year && t >= cur && (!ok || y > since) {
			since, ok = y, true
		}
	}
	return since, ok
}
