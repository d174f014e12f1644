package stats

import (
	"math"
	"slices"
)

// Projection of a year-end total from the months 1..m of the current year.
//
// The estimate is the run-rate, YTD × 12 / m. A seasonal estimate (YTD over
// the mean share of months 1..m in the last three complete years) was
// dropped: in the backtest over every complete year of the bundled series it
// was less accurate than the run-rate for both carpetas and victims (see
// TestProjectionBacktest in internal/brief and the README).
type Projection struct {
	YTD     int64
	Months  int     // m
	RunRate float64 // YTD * 12 / m; also Mid
	// Low and High bound the year total at Level (see ProjectYearEnd); Mid is
	// the run-rate. Without a base year Low = Mid = High and Interval is false.
	Low, Mid, High float64
	Level          float64
	// Dispersion is the forecast dispersion the interval uses (>= 1): how
	// many times a Poisson variance the run-rate's errors had in BaseYears.
	Dispersion float64
	BaseYears  []int // complete earlier years whose run-rate errors set Dispersion, ascending
	Interval   bool
}

// runRateVariance is v(m) in Var(total − run-rate) = φ · μ · v(m), for
// months independent with mean μ and variance φμ: the 12−m months still to
// come add (12−m)·φμ, and the year to date, multiplied by (12−m)/m in the
// run-rate, adds ((12−m)/m)²·m·φμ. Together φμ·(12−m)·12/m.
func runRateVariance(m int) float64 { return float64(12-m) * 12 / float64(m) }

// monthlyMean is μ estimated from a year to date; an empty year to date
// counts as one case, so the interval of a zero is not a single point.
func monthlyMean(ytd int64, m int) float64 { return float64(max(ytd, 1)) / float64(m) }

// ProjectYearEnd projects the total of year from its first m months (ytd),
// with an interval at level (e.g. 0.8).
//
// history maps a complete year to its 12 monthly counts; years >= year are
// ignored, so the projection only ever learns from the past. Every earlier
// year in history is a base year: for each of its months j = 1..11 the
// run-rate error (total − run-rate_j)² is divided by its Poisson variance
// μ_j·v(j), and the mean of those ratios, at least 1, is the dispersion φ.
// The interval is the normal one,
//
//	run-rate ± z · sqrt(φ · μ · v(m)),   μ = YTD/m,  v(m) = (12−m)·12/m
//
// with its low end never below YTD (the year cannot end with fewer cases
// than it already has). v(m) carries the noise of the year to date as well
// as of the months to come.
//
// m == 12 gives Low = Mid = High = RunRate = YTD. ok is false for m outside
// 1..12 or level outside (0, 1).
func ProjectYearEnd(year int, ytd int64, m int, history map[int][12]int64, level float64) (p Projection, ok bool) {
	if m < 1 || m > 12 || !(level > 0 && level < 1) {
		return Projection{}, false
	}
	rr := float64(ytd) * 12 / float64(m)
	if m == 12 {
		rr = float64(ytd)
	}
	p = Projection{YTD: ytd, Months: m, RunRate: rr, Low: rr, Mid: rr, High: rr, Level: level, Dispersion: 1}
	for y := range history {
		if y < year {
			p.BaseYears = append(p.BaseYears, y)
		}
	}
	slices.Sort(p.BaseYears)
	if m == 12 || len(p.BaseYears) == 0 {
		return p, true
	}
	var sum float64
	var n int
	for _, y := range p.BaseYears {
		counts := history[y]
		var total int64
		for _, c := range counts {
			total += c
		}
		var part int64
		for j := 1; j <= 11; j++ {
			part += counts[j-1]
			e := float64(total) - float64(part)*12/float64(j)
			sum += e * e / (monthlyMean(part, j) * runRateVariance(j))
			n++
		}
	}
	p.Dispersion = math.Max(1, sum/float64(n))
	z := math.Sqrt2 * math.Erfinv(level)
	half := z * math.Sqrt(p.Dispersion*monthlyMean(ytd, m)*runRateVariance(m))
	p.Low = math.Max(float64(ytd), rr-half)
	p.High = rr + half
	p.Interval = true
	return p, true
}

// BacktestCase is one projection made in the backtest.
type BacktestCase struct {
	Year, Months int
	Total        int64 // the year's actual total
	Projection   Projection
	Covered      bool // Low <= Total <= High
}

// Backtest is how the projection fared on years whose total is known.
type Backtest struct {
	Cases   []BacktestCase
	Covered int
	// MAPE is the mean absolute error of the run-rate as a share of the
	// actual total (years with a zero total are skipped in it).
	MAPE     float64
	From, To int // the years tested
}

// Coverage is the share of cases whose interval held the actual total.
func (b Backtest) Coverage() float64 {
	if len(b.Cases) == 0 {
		return math.NaN()
	}
	return float64(b.Covered) / float64(len(b.Cases))
}

// BacktestProjection projects every complete year of history before
// `before` from each of its months 1..11, as ProjectYearEnd would have on
// that day (learning only from the complete years before it), and compares
// with the actual total. A year with no complete year before it has no
// interval and is not tested.
func BacktestProjection(history map[int][12]int64, before int, level float64) Backtest {
	var years []int
	for y := range history {
		if y < before {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	var b Backtest
	var apeSum float64
	var apeN int
	for i, y := range years {
		if i == 0 {
			continue
		}
		counts := history[y]
		var total int64
		for _, c := range counts {
			total += c
		}
		var ytd int64
		for m := 1; m <= 11; m++ {
			ytd += counts[m-1]
			p, ok := ProjectYearEnd(y, ytd, m, history, level)
			if !ok || !p.Interval {
				continue
			}
			c := BacktestCase{Year: y, Months: m, Total: total, Projection: p,
				Covered: p.Low <= float64(total) && float64(total) <= p.High}
			if c.Covered {
				b.Covered++
			}
			if total > 0 {
				apeSum += math.Abs(float64(total)-p.RunRate) / float64(total)
				apeN++
			}
			b.Cases = append(b.Cases, c)
		}
		if b.From == 0 {
			b.From = y
		}
		b.To = y
	}
	if apeN > 0 {
		b.MAPE = apeSum / float64(apeN)
	}
	return b
}
