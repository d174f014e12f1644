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

// Highest is the judgement behind "the most since Y" (see MostSince).
type Highest struct {
	Since  int  // with OK: the latest earlier year at least as high
	OK     bool // "the most since Since" may be said
	Record bool // higher than every earlier year, beyond noise
	// None says why nothing is claimed although there are earlier years:
	// "below-previous" (not above the year before: "the most since" the
	// year before would only say it fell) or "within-noise" (above the
	// years it would be compared with, but by less than noise). Versus is
	// the year that stops the claim: the year before, or the highest of the
	// years the claim would pass over.
	None   string
	Versus int
}

// MostSince decides whether "the most since Y" (or "a record") may be
// said of year, given totals over the same months for year and earlier
// years and the series' dispersion phi (variance = phi × mean; below 1 is
// taken as 1).
//
//   - Y is HighestSince's year: the latest earlier year at least as high.
//   - If Y is the year before, nothing is claimed ("below-previous"): a year
//     lower than the one before is not "the most since" anything worth
//     saying.
//   - Otherwise the year must beat the highest of the years it passes over
//     (those after Y, or all earlier years for a record) by more than noise:
//     (cur − rival) / sqrt(phi · (cur + rival)) at least the two-sided normal
//     quantile of level, the test of two quasi-Poisson counts; if not,
//     "within-noise".
func MostSince(year int, totals map[int]int64, phi, level float64) Highest {
	cur, present := totals[year]
	if !present {
		return Highest{}
	}
	since, ok := HighestSince(year, totals)
	if ok && since == year-1 {
		return Highest{None: "below-previous", Versus: year - 1}
	}
	rival, found := 0, false
	for y, t := range totals {
		if y >= year || (ok && y <= since) {
			continue
		}
		if !found || t > totals[rival] || (t == totals[rival] && y > rival) {
			rival, found = y, true
		}
	}
	if !found {
		// No year passed over: a first year has nothing to beat, and "the
		// most since" a year two back with the year between unknown is the
		// caller's to word.
		return Highest{Since: since, OK: ok}
	}
	if !(phi > 1) {
		phi = 1
	}
	d := float64(cur - totals[rival])
	z := math.Sqrt2 * math.Erfinv(level)
	if d < z*math.Sqrt(phi*float64(cur+totals[rival])) {
		return Highest{None: "within-noise", Versus: rival}
	}
	if ok {
		return Highest{Since: since, OK: true}
	}
	return Highest{Record: true}
}
