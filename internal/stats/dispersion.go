package stats

import "math"

// Dispersion estimates how much more a monthly count series varies than a
// Poisson count of the same mean: the variance of month-to-month changes
// over twice the mean count,
//
//	phi = mean((x_t - x_{t-1})^2) / (2 · mean(x))
//
// For independent Poisson months the expected value is 1 (a change of two
// Poisson counts has variance 2μ); clustered counts (several victims in one
// case) and month-to-month swings make it larger. Differencing removes slow
// trends, so a rising or falling series is not mistaken for noise.
//
// runs are stretches of consecutive months: only pairs inside a run are
// differenced, so an unpublished month is never read as a change. The mean
// is over the months that belong to at least one pair. ok is false when
// there is no pair or the mean is not positive. phi is returned raw; callers
// floor it at 1 (an interval never narrower than the exact Poisson one).
func Dispersion(runs [][]int64) (phi float64, pairs int, ok bool) {
	var sumSq, sum float64
	var n int
	for _, run := range runs {
		if len(run) < 2 {
			continue
		}
		for i, x := range run {
			sum += float64(x)
			n++
			if i > 0 {
				d := float64(x - run[i-1])
				sumSq += d * d
				pairs++
			}
		}
	}
	if pairs == 0 || !(sum > 0) {
		return 0, pairs, false
	}
	return (sumSq / float64(pairs)) / (2 * sum / float64(n)), pairs, true
}

// DispersedInterval returns a confidence interval for the mean of a count k
// whose variance is phi times its mean (quasi-Poisson), at level: the exact
// (Garwood) interval of the "effective count" k/phi, scaled back by phi,
//
//	lo = phi · qgamma(tail; k/phi),  hi = phi · qgamma(1-tail; k/phi + 1)
//
// with the exact Poisson interval of k as a floor: the result is never
// narrower than PoissonInterval(k, level) on either side. phi <= 1 (or NaN)
// gives exactly PoissonInterval. Arguments PoissonInterval rejects give
// (NaN, NaN).
func DispersedInterval(k int64, phi, level float64) (lo, hi float64) {
	plo, phi0 := PoissonInterval(k, level)
	if math.IsNaN(plo) || !(phi > 1) || math.IsInf(phi, 1) || math.IsInf(phi0, 1) {
		return plo, phi0
	}
	tail := (1 - level) / 2
	keff := float64(k) / phi
	if k > 0 {
		lo = phi * gammaQuantile(keff, tail, false)
	}
	hi = phi * gammaQuantile(keff+1, tail, true)
	return math.Min(lo, plo), math.Max(hi, phi0)
}
