package stats

import "slices"

// Projection of a year-end total from the months 1..m of the current year.
type Projection struct {
	YTD     int64
	Months  int     // m
	RunRate float64 // YTD * 12 / m
	// Seasonal projections YTD / share, where share_k is the fraction of
	// year k's total that fell in months 1..m. Mid uses the mean share over
	// BaseYears; Low uses the largest share, High the smallest.
	Low, Mid, High float64
	BaseYears      []int // base years used, ascending
	Seasonal       bool  // false when no base year was usable: then Low=Mid=High=RunRate
}

// baseYearsWanted is how many recent complete years feed the seasonal
// shares: enough to show the spread between years, few enough that the
// pattern is still current.
const baseYearsWanted = 3

// ProjectYearEnd projects the total of year from its first m months (ytd).
//
// history maps a year to its 12 monthly counts; only years < year are
// considered and every year present is taken as complete. The base years are
// the latest three of those whose total and whose months 1..m are both
// positive: a year with nothing in months 1..m has share 0 and would project
// an infinite total.
//
// m == 12 gives Low = Mid = High = RunRate = YTD. ok is false for m outside
// 1..12.
func ProjectYearEnd(year int, ytd int64, m int, history map[int][12]int64) (p Projection, ok bool) {
	if m < 1 || m > 12 {
		return Projection{}, false
	}
	p = Projection{YTD: ytd, Months: m, RunRate: float64(ytd) * 12 / float64(m)}

	years := make([]int, 0, len(history))
	for y := range history {
		if y < year {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	slices.Reverse(years)

	var shares []float64
	for _, y := range years {
		counts := history[y]
		var part, total int64
		for i, c := range counts {
			total += c
			if i < m {
				part += c
			}
		}
		if total <= 0 || part <= 0 {
			continue
		}
		shares = append(shares, float64(part)/float64(total))
		p.BaseYears = append(p.BaseYears, y)
		if len(shares) == baseYearsWanted {
			break
		}
	}
	slices.Sort(p.BaseYears)

	if m == 12 {
		// Every share is 1 by definition; skip the division so the result is
		// exactly YTD.
		x := float64(ytd)
		p.RunRate, p.Low, p.Mid, p.High = x, x, x, x
		p.Seasonal = len(shares) > 0
		return p, true
	}
	if len(shares) == 0 {
		p.Low, p.Mid, p.High = p.RunRate, p.RunRate, p.RunRate
		return p, true
	}
	var sum float64
	for _, s := range shares {
		sum += s
	}
	x := float64(ytd)
	p.Low = x / slices.Max(shares)
	p.Mid = x / (sum / float64(len(shares)))
	p.High = x / slices.Min(shares)
	p.Seasonal = true
	return p, true
}
