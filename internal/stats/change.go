// Package stats holds the pure arithmetic behind Vigía's analyst briefs:
// year-on-year changes, shares, rates per 100,000 with exact Poisson
// intervals and their quasi-Poisson widening for overdispersed series (the
// dispersion estimated from month-to-month changes), year-end projections
// with an interval and the backtest that measures its coverage, rankings
// and "the most since" judgements that allow for noise.
//
// Nothing here does I/O; every function takes plain numbers so that the
// figures printed in a brief can be checked by hand from the tests.
package stats

// Change of a count against a base (e.g. the same period a year earlier).
type Change struct {
	Abs   int64   // cur - base
	Pct   float64 // (cur/base - 1) * 100; meaningless when !PctOK
	PctOK bool    // false when base <= 0: print "n.d."
}

// YoY compares cur with base. A zero base has no percentage change; a
// negative base (only possible from a data error, counts are never negative)
// is treated the same way, because dividing by it would flip the sign of the
// percentage and print a rise as a fall.
func YoY(cur, base int64) Change {
	c := Change{Abs: cur - base}
	if base > 0 {
		c.Pct = (float64(cur)/float64(base) - 1) * 100
		c.PctOK = true
	}
	return c
}

// Share returns part/whole*100; ok false when whole == 0.
func Share(part, whole int64) (pct float64, ok bool) {
	if whole == 0 {
		return 0, false
	}
	return float64(part) / float64(whole) * 100, true
}
