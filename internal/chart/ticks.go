package chart

import (
	"math"
	"strconv"
)

// NiceTicks returns about n "nice" tick values (multiples of 1, 2, 2.5 or 5
// times a power of ten) covering [min, max]: the first tick is <= min and
// the last >= max, so the ticks can serve as an axis domain
// (after Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990,
// with the step rounded from (max-min)/(n-1) directly, so the count stays
// close to n: 0..93 with n = 5 gives 0, 25, 50, 75, 100).
//
// min > max are swapped; min == max is widened (to [0, 1] around zero,
// otherwise by half the value's magnitude, keeping zero as the lower bound
// of non-negative data); n < 2 counts as 2. NaN or infinite bounds give nil.
// Values are rounded to the step's decimals, so 0.1+0.2 prints as 0.3.
func NiceTicks(min, max float64, n int) []float64 {
	if math.IsNaN(min) || math.IsNaN(max) || math.IsInf(min, 0) || math.IsInf(max, 0) {
		return nil
	}
	if min > max {
		min, max = max, min
	}
	if n < 2 {
		n = 2
	}
	if min == max {
		switch {
		case min == 0:
			max = 1
		case min > 0:
			min, max = 0, max*1.5
			if min == max {
				max = 1
			}
		default:
			min, max = min*1.5, 0
		}
	}
	step := niceNum((max-min)/float64(n-1), true)
	lo := math.Floor(min/step) * step
	hi := math.Ceil(max/step) * step
	dec := stepDecimals(step)
	var ticks []float64
	for k := 0; ; k++ {
		t := roundTo(lo+float64(k)*step, dec)
		ticks = append(ticks, t)
		if t >= hi-step*1e-9 || k > 1000 {
			break
		}
	}
	return ticks
}

// niceNum finds a nice number approximately equal to x: rounded when round
// is true, otherwise the smallest nice number >= x.
func niceNum(x float64, round bool) float64 {
	if x <= 0 {
		return 1
	}
	exp := math.Floor(math.Log10(x))
	f := x / math.Pow(10, exp)
	var nf float64
	if round {
		switch {
		case f < 1.5:
			nf = 1
		case f < 2.25:
			nf = 2
		case f < 3.5:
			nf = 2.5
		case f < 7.5:
			nf = 5
		default:
			nf = 10
		}
	} else {
		switch {
		case f <= 1:
			nf = 1
		case f <= 2:
			nf = 2
		case f <= 2.5:
			nf = 2.5
		case f <= 5:
			nf = 5
		default:
			nf = 10
		}
	}
	return nf * math.Pow(10, exp)
}

// nextNice returns the nice step that follows step in 1, 2, 2.5, 5, 10, …
func nextNice(step float64) float64 {
	exp := math.Floor(math.Log10(step))
	p := math.Pow(10, exp)
	f := math.Round(step/p*10) / 10
	switch {
	case f < 2:
		return 2 * p
	case f < 2.5:
		return 2.5 * p
	case f < 5:
		return 5 * p
	default:
		return 10 * p
	}
}

// stepDecimals is the number of decimals that print multiples of a nice
// step exactly (2.5 → 1, 0.25 → 2, 20 → 0).
func stepDecimals(step float64) int {
	return decimalsFor([]float64{step})
}

func roundTo(x float64, dec int) float64 {
	v, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', dec, 64), 64)
	if err != nil || v == 0 {
		return 0 // also turns -0 into 0
	}
	return v
}

// linear maps a domain [d0, d1] onto a range [r0, r1].
type linear struct{ d0, d1, r0, r1 float64 }

func (s linear) at(v float64) float64 {
	if s.d1 == s.d0 {
		return (s.r0 + s.r1) / 2
	}
	return s.r0 + (v-s.d0)/(s.d1-s.d0)*(s.r1-s.r0)
}
