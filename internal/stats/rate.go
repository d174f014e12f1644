package stats

import (
	"math"
	"slices"
)

// Rate is a rate per 100,000 people per year with its exact Poisson interval.
type Rate struct {
	Value, Low, High float64
	Annualised       bool // true when the exposure is not a whole number of years (partial period)
}

// RatePer100k returns count over exposure in person-years (population ×
// years; for Jan–Jun of one year it is pop/2, so H1 counts are annualised as
// count*2/pop), per 100,000. Low and High are PoissonInterval(count, level)
// over the same exposure: the population is treated as known exactly, the
// count as the only noise.
//
// months is the number of months the count covers; Annualised reports
// whether it is not a multiple of 12. ok is false when personYears is not a
// positive finite number, count is negative, months < 1, or level is outside
// [0, 1].
func RatePer100k(count int64, personYears float64, months int, level float64) (r Rate, ok bool) {
	if count < 0 || !(personYears > 0) || math.IsInf(personYears, 1) || months < 1 {
		return Rate{}, false
	}
	lo, hi := PoissonInterval(count, level)
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return Rate{}, false
	}
	const per = 1e5
	return Rate{
		Value:      float64(count) / personYears * per,
		Low:        lo / personYears * per,
		High:       hi / personYears * per,
		Annualised: months%12 != 0,
	}, true
}

// YearMonth names one calendar month; Month is 1–12.
type YearMonth struct{ Year, Month int }

// PersonYears returns the exposure of the months covered, given mid-year
// population per year: the sum over months of pop[year]/12.
//
// ok is false if a year's population is missing (or not a positive finite
// number), if a month is outside 1–12, or if a month is listed twice: a
// repeated month would silently inflate the exposure and understate the rate.
func PersonYears(pop map[int]float64, months []YearMonth) (float64, bool) {
	perYear := make(map[int]int)
	seen := make(map[YearMonth]bool, len(months))
	for _, ym := range months {
		if ym.Month < 1 || ym.Month > 12 || seen[ym] {
			return 0, false
		}
		seen[ym] = true
		perYear[ym.Year]++
	}
	// Multiplying each year's population by its month count (instead of
	// adding pop/12 month by month) makes a full year exactly pop and six
	// months exactly pop/2, so printed rates match hand arithmetic. Years are
	// summed in order so the result does not depend on map iteration.
	years := make([]int, 0, len(perYear))
	for y := range perYear {
		years = append(years, y)
	}
	slices.Sort(years)
	var total float64
	for _, y := range years {
		p, ok := pop[y]
		if !ok || !(p > 0) || math.IsInf(p, 1) {
			return 0, false
		}
		total += p * float64(perYear[y]) / 12
	}
	return total, true
}

// DispersedRate is a rate whose interval allows for overdispersion: Low and
// High come from DispersedInterval(count, phi, level), PoissonLow and
// PoissonHigh from the exact Poisson interval (the floor), both over the
// same exposure.
type DispersedRate struct {
	Rate
	PoissonLow, PoissonHigh float64
	Dispersion              float64 // the phi used, at least 1
}

// RatePer100kDispersed is RatePer100k with the interval widened for a
// dispersion phi (variance = phi × mean); phi below 1 is taken as 1, which
// gives the exact Poisson interval.
func RatePer100kDispersed(count int64, personYears float64, months int, level, phi float64) (DispersedRate, bool) {
	r, ok := RatePer100k(count, personYears, months, level)
	if !ok {
		return DispersedRate{}, false
	}
	if !(phi > 1) || math.IsInf(phi, 1) {
		phi = 1
	}
	lo, hi := DispersedInterval(count, phi, level)
	const per = 1e5
	return DispersedRate{
		Rate:       Rate{Value: r.Value, Low: lo / personYears * per, High: hi / personYears * per, Annualised: r.Annualised},
		PoissonLow: r.Low, PoissonHigh: r.High, Dispersion: phi,
	}, true
}
