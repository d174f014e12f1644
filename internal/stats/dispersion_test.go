package stats

import (
	"math"
	"slices"
	"testing"
)

func TestDispersion(t *testing.T) {
	tests := []struct {
		name      string
		runs      [][]int64
		want      float64
		wantPairs int
		wantOK    bool
	}{
		// Changes 2, -2, 2: squares mean 4; mean count 11; 4 / 22.
		{"one run", [][]int64{{10, 12, 10, 12}}, 4.0 / 22, 3, true},
		// Flat series: no change at all.
		{"constant", [][]int64{{5, 5, 5}}, 0, 2, true},
		// A gap splits the runs: 10→40 is never differenced, and the lone
		// month 99 is in no pair, so it is not in the mean either.
		{"gap", [][]int64{{10, 12}, {99}, {40, 44}}, (4.0 + 16) / 2 / (2 * 106.0 / 4), 2, true},
		{"no pair", [][]int64{{7}, nil, {8}}, 0, 0, false},
		{"all zero", [][]int64{{0, 0, 0}}, 0, 2, false},
		{"empty", nil, 0, 0, false},
		// The 2015 victims' August spike (309) alone makes the year look
		// wildly overdispersed.
		{"victims 2015", [][]int64{{130, 76, 122, 82, 66, 64, 47, 309, 28, 131, 72, 44}}, 0, 11, true},
	}
	for _, tt := range tests {
		got, pairs, ok := Dispersion(tt.runs)
		if ok != tt.wantOK || pairs != tt.wantPairs {
			t.Errorf("%s: Dispersion = %v, %d, %v; want pairs %d ok %v", tt.name, got, pairs, ok, tt.wantPairs, tt.wantOK)
			continue
		}
		if tt.name == "victims 2015" {
			if got < 20 {
				t.Errorf("victims 2015: phi = %.1f, want > 20", got)
			}
			continue
		}
		if !closeTo(got, tt.want, 1e-12) {
			t.Errorf("%s: phi = %.15g, want %.15g", tt.name, got, tt.want)
		}
	}
}

// Independent Poisson months give a dispersion near 1: the estimator is
// calibrated, so a dispersion of 3.5 means something.
func TestDispersionPoissonNearOne(t *testing.T) {
	// A fixed pseudo-random Poisson(50) series (inverse transform with a
	// linear congruential generator, so the test needs no seed handling).
	state := uint64(12345)
	next := func() float64 {
		state = state*6364136223846793005 + 1442695040888963407
		return float64(state>>11) / (1 << 53)
	}
	const mu = 50.0
	series := make([]int64, 6000)
	for i := range series {
		u, k, p := next(), int64(0), math.Exp(-mu)
		c := p
		for u > c {
			k++
			p *= mu / float64(k)
			c += p
		}
		series[i] = k
	}
	phi, _, ok := Dispersion([][]int64{series})
	if !ok || math.Abs(phi-1) > 0.06 {
		t.Errorf("Poisson(50) series: phi = %.3f, want 1 ± 0.06", phi)
	}
}

func TestDispersedInterval(t *testing.T) {
	for _, k := range []int64{0, 1, 5, 42, 411, 936} {
		plo, phi0 := PoissonInterval(k, 0.95)
		// phi <= 1 is exactly Poisson.
		for _, phi := range []float64{1, 0.5, 0, math.NaN()} {
			if lo, hi := DispersedInterval(k, phi, 0.95); lo != plo || hi != phi0 {
				t.Errorf("DispersedInterval(%d, %v) = (%v, %v), want Poisson (%v, %v)", k, phi, lo, hi, plo, phi0)
			}
		}
		prevLo, prevHi := plo, phi0
		for _, phi := range []float64{1.3, 2.2, 3.5, 31} {
			lo, hi := DispersedInterval(k, phi, 0.95)
			// Floor: never narrower than Poisson; and wider as phi grows.
			if lo > plo || hi < phi0 {
				t.Errorf("DispersedInterval(%d, %v) = (%v, %v) is inside Poisson (%v, %v)", k, phi, lo, hi, plo, phi0)
			}
			if lo > prevLo || hi < prevHi {
				t.Errorf("DispersedInterval(%d, %v) = (%v, %v) narrower than at a smaller phi (%v, %v)", k, phi, lo, hi, prevLo, prevHi)
			}
			prevLo, prevHi = lo, hi
		}
	}
	// The scaled form: with phi = 2 and k = 10 the interval is twice the
	// Garwood interval of 5.
	lo, hi := DispersedInterval(10, 2, 0.95)
	l5, h5 := PoissonInterval(5, 0.95)
	if !closeTo(lo, 2*l5, 1e-12) || !closeTo(hi, 2*h5, 1e-12) {
		t.Errorf("DispersedInterval(10, 2) = (%v, %v), want 2×Garwood(5) = (%v, %v)", lo, hi, 2*l5, 2*h5)
	}
	// For large counts the half-width grows like sqrt(phi): victims 2022
	// (936) with phi 3.5 is about 1.87 times as wide as Poisson.
	plo, phi0 := PoissonInterval(936, 0.95)
	lo, hi = DispersedInterval(936, 3.5, 0.95)
	if r := (hi - lo) / (phi0 - plo); math.Abs(r-math.Sqrt(3.5)) > 0.02 {
		t.Errorf("width ratio at 936, phi 3.5 = %.3f, want ≈ %.3f", r, math.Sqrt(3.5))
	}
	if lo, hi := DispersedInterval(-1, 2, 0.95); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("negative count: (%v, %v), want NaN", lo, hi)
	}
}

func TestRatePer100kDispersed(t *testing.T) {
	const pop = 129960600
	r, ok := RatePer100kDispersed(936, pop, 12, 0.95, 3.5)
	if !ok {
		t.Fatal("not ok")
	}
	lo, hi := DispersedInterval(936, 3.5, 0.95)
	plo, phi0 := PoissonInterval(936, 0.95)
	if r.Value != 936.0/pop*1e5 || r.Low != lo/pop*1e5 || r.High != hi/pop*1e5 ||
		r.PoissonLow != plo/pop*1e5 || r.PoissonHigh != phi0/pop*1e5 || r.Dispersion != 3.5 {
		t.Errorf("RatePer100kDispersed = %+v", r)
	}
	r, _ = RatePer100kDispersed(936, pop, 12, 0.95, 0.7)
	if r.Low != r.PoissonLow || r.High != r.PoissonHigh || r.Dispersion != 1 {
		t.Errorf("phi < 1 must give Poisson: %+v", r)
	}
	if _, ok := RatePer100kDispersed(10, 0, 12, 0.95, 2); ok {
		t.Error("zero exposure accepted")
	}
}

func TestProjectYearEnd(t *testing.T) {
	flat := [12]int64{50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50}
	// A year whose run-rate errs: the second half doubles.
	jump := [12]int64{40, 40, 40, 40, 40, 40, 80, 80, 80, 80, 80, 80}
	z80 := math.Sqrt2 * math.Erfinv(0.8)

	t.Run("no history: run-rate only", func(t *testing.T) {
		p, ok := ProjectYearEnd(2025, 300, 6, nil, 0.8)
		if !ok || p.RunRate != 600 || p.Mid != 600 || p.Low != 600 || p.High != 600 || p.Interval || len(p.BaseYears) != 0 {
			t.Errorf("got %+v, %v", p, ok)
		}
	})
	t.Run("flat history: Poisson floor", func(t *testing.T) {
		// Every run-rate of a flat year is exact, so the dispersion is the
		// floor 1 and the half-width is z·sqrt(μ·(12−m)·12/m).
		p, _ := ProjectYearEnd(2025, 300, 6, map[int][12]int64{2023: flat, 2024: flat, 2026: jump}, 0.8)
		half := z80 * math.Sqrt(50*6*12/6.0)
		if p.Dispersion != 1 || !closeTo(p.Low, 600-half, 1e-12) || !closeTo(p.High, 600+half, 1e-12) ||
			!slices.Equal(p.BaseYears, []int{2023, 2024}) || !p.Interval {
			t.Errorf("got %+v, want 600 ± %.3f from 2023, 2024 (2026 ignored)", p, half)
		}
	})
	t.Run("errors widen the interval", func(t *testing.T) {
		// Hand-computed dispersion of the jump year: for month j the
		// error is 720 − 40·12 = 240 for j ≤ 6, and for j > 6 it is
		// 720 − (240 + 80(j−6))·12/j.
		var sum float64
		for j := 1; j <= 11; j++ {
			part := 40 * float64(min(j, 6))
			if j > 6 {
				part += 80 * float64(j-6)
			}
			e := 720 - part*12/float64(j)
			sum += e * e / (part / float64(j) * float64(12-j) * 12 / float64(j))
		}
		phi := sum / 11
		p, _ := ProjectYearEnd(2025, 300, 6, map[int][12]int64{2024: jump}, 0.8)
		half := z80 * math.Sqrt(phi*50*12)
		if !closeTo(p.Dispersion, phi, 1e-12) || !closeTo(p.High, 600+half, 1e-12) || !closeTo(p.Low, 600-half, 1e-12) {
			t.Errorf("got %+v, want phi %.4f, 600 ± %.3f", p, phi, half)
		}
	})
	t.Run("low end never below the year to date", func(t *testing.T) {
		p, _ := ProjectYearEnd(2025, 20, 11, map[int][12]int64{2024: {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 500}}, 0.8)
		if p.Low < 20 || p.Low > p.Mid || p.Mid > p.High {
			t.Errorf("got %+v", p)
		}
	})
	t.Run("zero so far", func(t *testing.T) {
		p, _ := ProjectYearEnd(2025, 0, 3, map[int][12]int64{2024: flat}, 0.8)
		if p.Mid != 0 || p.Low != 0 || !(p.High > 0) {
			t.Errorf("got %+v, want 0 with a positive high end", p)
		}
	})
	t.Run("December end", func(t *testing.T) {
		p, _ := ProjectYearEnd(2025, 700, 12, map[int][12]int64{2024: jump}, 0.8)
		if p.Low != 700 || p.Mid != 700 || p.High != 700 || p.Interval {
			t.Errorf("got %+v", p)
		}
	})
	for _, bad := range []struct {
		m     int
		level float64
	}{{0, 0.8}, {13, 0.8}, {-1, 0.8}, {6, 0}, {6, 1}, {6, math.NaN()}} {
		if p, ok := ProjectYearEnd(2025, 300, bad.m, nil, bad.level); ok {
			t.Errorf("ProjectYearEnd(m=%d, level=%v) = %+v, true", bad.m, bad.level, p)
		}
	}
}

func TestBacktestProjection(t *testing.T) {
	flat := [12]int64{50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50}
	hist := map[int][12]int64{2020: flat, 2021: flat, 2022: flat, 2023: flat}
	b := BacktestProjection(hist, 2023, 0.8)
	// 2020 has no earlier year; 2021 and 2022 are tested (2023 is not
	// before 2023), eleven months each, and a flat series is always held.
	if len(b.Cases) != 22 || b.Covered != 22 || b.From != 2021 || b.To != 2022 || b.MAPE != 0 || b.Coverage() != 1 {
		t.Errorf("got %d cases, %d covered, %d–%d, MAPE %v", len(b.Cases), b.Covered, b.From, b.To, b.MAPE)
	}
	for _, c := range b.Cases {
		for _, y := range c.Projection.BaseYears {
			if y >= c.Year {
				t.Errorf("case %d/%d learnt from %d", c.Year, c.Months, y)
			}
		}
	}
	if b := BacktestProjection(map[int][12]int64{2020: flat}, 2030, 0.8); len(b.Cases) != 0 || !math.IsNaN(b.Coverage()) {
		t.Errorf("one year: %+v", b)
	}
}

func TestMostSince(t *testing.T) {
	// SESNSP victims, national, newest release (jun25).
	victims := map[int]int64{
		2015: 1171, 2016: 782, 2017: 537, 2018: 584, 2019: 682,
		2020: 681, 2021: 753, 2022: 942, 2023: 936, 2024: 790,
	}
	const phi = 3.5
	tests := []struct {
		name   string
		year   int
		totals map[int]int64
		phi    float64
		want   Highest
	}{
		// 942 against the highest of 2016–2021 (782): z = 160/sqrt(3.5·1724) ≈ 2.06.
		{"2022 most since 2015", 2022, victims, phi, Highest{Since: 2015, OK: true}},
		// Not "the most since 2022": lower than the year before.
		{"2023 below 2022", 2023, victims, phi, Highest{None: "below-previous", Versus: 2022}},
		{"2024 below 2023", 2024, victims, phi, Highest{None: "below-previous", Versus: 2023}},
		{"2016 below 2015", 2016, victims, phi, Highest{None: "below-previous", Versus: 2015}},
		{"2017 below 2016", 2017, victims, phi, Highest{None: "below-previous", Versus: 2016}},
		// 753 against 682 (2019): z ≈ 1.0, within noise.
		{"2021 within noise", 2021, victims, phi, Highest{None: "within-noise", Versus: 2019}},
		// 682 against 584 (2018): z ≈ 1.47 with the dispersion, 2.75 with
		// Poisson noise only.
		{"2019 within noise", 2019, victims, phi, Highest{None: "within-noise", Versus: 2018}},
		{"2019 Poisson", 2019, victims, 1, Highest{Since: 2016, OK: true}},
		{"first year", 2015, victims, phi, Highest{}},
		{"absent", 2030, victims, phi, Highest{}},
		{"record beyond noise", 2016, map[int]int64{2015: 100, 2016: 200}, 1, Highest{Record: true}},
		{"record within noise", 2016, map[int]int64{2014: 90, 2015: 100, 2016: 110}, 1, Highest{None: "within-noise", Versus: 2015}},
		{"tie with the year before", 2016, map[int]int64{2015: 5, 2016: 5}, 1, Highest{None: "below-previous", Versus: 2015}},
		// The year before unknown: the claim over what is known stands; the
		// caller names the gap.
		{"gap before", 2017, map[int]int64{2010: 900, 2015: 100, 2017: 400}, 1, Highest{Since: 2010, OK: true}},
		{"phi below 1 is 1", 2016, map[int]int64{2015: 100, 2016: 200}, 0.2, Highest{Record: true}},
	}
	for _, tt := range tests {
		if got := MostSince(tt.year, tt.totals, tt.phi, 0.95); got != tt.want {
			t.Errorf("%s: MostSince = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// FuzzDispersedInterval checks the floor and the ordering for any count,
// dispersion and level.
func FuzzDispersedInterval(f *testing.F) {
	f.Add(int64(0), 2.0, 0.95)
	f.Add(int64(936), 3.5, 0.95)
	f.Add(int64(7), 31.0, 0.8)
	f.Add(int64(1e6), 1.3, 0.999)
	f.Fuzz(func(t *testing.T, k int64, phi, level float64) {
		if k < 0 || k > 1e9 || !(level > 0 && level < 1) || !(phi >= 0 && phi < 1e4) {
			return
		}
		plo, phi0 := PoissonInterval(k, level)
		lo, hi := DispersedInterval(k, phi, level)
		if math.IsNaN(lo) || math.IsNaN(hi) || lo < 0 || lo > plo || hi < phi0 || lo > hi {
			t.Errorf("DispersedInterval(%d, %v, %v) = (%v, %v); Poisson (%v, %v)", k, phi, level, lo, hi, plo, phi0)
		}
	})
}
