package stats

import (
	"fmt"
	"math"
	"testing"
)

func relErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Max(math.Abs(want), math.SmallestNonzeroFloat64)
}

func TestPoissonIntervalReference(t *testing.T) {
	tests := []struct {
		k              int64
		level          float64
		wantLo, wantHi float64
	}{
		// Published Garwood values (95%).
		{0, 0.95, 0, 3.688879},
		{1, 0.95, 0.02531781, 5.571643},
		{2, 0.95, 0.2422093, 7.224688},
		{5, 0.95, 1.623486, 11.668332},
		{10, 0.95, 4.795389, 18.390356},
		// Carpetas H1 2022. The brief's "roughly 372.8" for lo was off:
		// Wilson–Hilferty alone gives 372.23, and TestPoissonIntervalTails
		// confirms these digits from the Poisson sums directly.
		{411, 0.95, 372.2208509, 452.7214436},
		// Closed forms: k = 0 gives hi = -ln(tail); k = 1 gives lo = -ln(1-tail).
		{0, 0.90, 0, -math.Log(0.05)},
		{0, 0.99, 0, -math.Log(0.005)},
		{1, 0.99, -math.Log1p(-0.005), 7.4301295}, // e^-x (1+x) = 0.005, by bisection
	}
	for _, tt := range tests {
		lo, hi := PoissonInterval(tt.k, tt.level)
		if tt.wantLo == 0 {
			if lo != 0 {
				t.Errorf("PoissonInterval(%d, %v) lo = %v, want 0", tt.k, tt.level, lo)
			}
		} else if e := relErr(lo, tt.wantLo); e > 1e-6 {
			t.Errorf("PoissonInterval(%d, %v) lo = %.10g, want %.10g (rel err %.2g)", tt.k, tt.level, lo, tt.wantLo, e)
		}
		if e := relErr(hi, tt.wantHi); e > 1e-6 {
			t.Errorf("PoissonInterval(%d, %v) hi = %.10g, want %.10g (rel err %.2g)", tt.k, tt.level, hi, tt.wantHi, e)
		}
	}
}

// poissonPMF is computed independently of the package (plain Lgamma, no
// Stirling tricks); its relative error is ~k·log(k)·1e-16, i.e. ~1e-9 at
// k = 1e6, far below what the tests below ask for.
func poissonPMF(j int64, mu float64) float64 {
	lg, _ := math.Lgamma(float64(j) + 1)
	return math.Exp(float64(j)*math.Log(mu) - mu - lg)
}

// poissonUpper returns P(X >= k) for X ~ Poisson(mu), mu < k, by summing
// the decreasing terms upward from k.
func poissonUpper(k int64, mu float64) float64 {
	term := poissonPMF(k, mu)
	sum := 0.0
	for j := k; term > 1e-20*sum || sum == 0; j++ {
		sum += term
		term *= mu / float64(j+1)
	}
	return sum
}

// poissonLower returns P(X <= k) for X ~ Poisson(mu), mu > k, by summing
// the decreasing terms downward from k.
func poissonLower(k int64, mu float64) float64 {
	term := poissonPMF(k, mu)
	sum := 0.0
	for j := k; j >= 0 && (term > 1e-20*sum || sum == 0); j-- {
		sum += term
		term *= float64(j) / mu
	}
	return sum
}

// TestPoissonIntervalTails checks the defining property of the Garwood
// interval against direct Poisson sums: at lo, P(X >= k) = tail; at hi,
// P(X <= k) = tail. This is independent of the incomplete-gamma code.
func TestPoissonIntervalTails(t *testing.T) {
	ks := []int64{0, 1, 2, 3, 5, 7, 10, 20, 30, 50, 100, 411, 936, 1000, 5000, 1e4, 1e5, 1e6}
	levels := []float64{0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.999999}
	for _, k := range ks {
		for _, level := range levels {
			tail := (1 - level) / 2
			lo, hi := PoissonInterval(k, level)
			if k > 0 {
				if got := poissonUpper(k, lo); relErr(got, tail) > 1e-8 {
					t.Errorf("k=%d level=%v: P(X>=k | lo=%.12g) = %.12g, want %.12g", k, level, lo, got, tail)
				}
			}
			if got := poissonLower(k, hi); relErr(got, tail) > 1e-8 {
				t.Errorf("k=%d level=%v: P(X<=k | hi=%.12g) = %.12g, want %.12g", k, level, hi, got, tail)
			}
		}
	}
}

// TestPoissonIntervalRelativeAccuracy states the accuracy goal directly:
// moving lo or hi by 1e-9 relative (the goal is ~1e-6) must move the tail
// probability to the wrong side of the target.
func TestPoissonIntervalRelativeAccuracy(t *testing.T) {
	const eps = 1e-9
	for _, k := range []int64{1, 4, 10, 411, 1e4, 1e6} {
		tail := 0.025
		lo, hi := PoissonInterval(k, 0.95)
		// P(X >= k | mu) rises with mu.
		if a, b := poissonUpper(k, lo*(1-eps)), poissonUpper(k, lo*(1+eps)); !(a < tail && tail < b) {
			t.Errorf("k=%d: lo=%.12g not within 1e-9: tails %.12g, %.12g around %v", k, lo, a, b, tail)
		}
		// P(X <= k | mu) falls with mu.
		if a, b := poissonLower(k, hi*(1-eps)), poissonLower(k, hi*(1+eps)); !(a > tail && tail > b) {
			t.Errorf("k=%d: hi=%.12g not within 1e-9: tails %.12g, %.12g around %v", k, hi, a, b, tail)
		}
	}
}

func TestIncGammaClosedForms(t *testing.T) {
	for _, x := range []float64{1e-300, 1e-10, 0.01, 0.5, 1, 3, 10, 50, 700} {
		// a = 1: P = 1 - e^-x.
		// Tolerances are ~1e-12, not 1e-15: exp(-690) at x = 1e-300 turns
		// rounding in its argument into ~1e-14 relative error.
		p, q := incGamma(1, x)
		if e := relErr(p, -math.Expm1(-x)); e > 1e-12 {
			t.Errorf("P(1, %v) = %.17g, want %.17g", x, p, -math.Expm1(-x))
		}
		if e := relErr(q, math.Exp(-x)); e > 1e-12 {
			t.Errorf("Q(1, %v) = %.17g, want %.17g", x, q, math.Exp(-x))
		}
		// a = 2: Q = e^-x (1 + x).
		_, q = incGamma(2, x)
		if want := math.Exp(-x) * (1 + x); relErr(q, want) > 1e-12 {
			t.Errorf("Q(2, %v) = %.17g, want %.17g", x, q, want)
		}
		// a = 1/2: P = erf(sqrt(x)).
		p, q = incGamma(0.5, x)
		if want := math.Erf(math.Sqrt(x)); relErr(p, want) > 1e-12 {
			t.Errorf("P(0.5, %v) = %.17g, want %.17g", x, p, want)
		}
		if want := math.Erfc(math.Sqrt(x)); relErr(q, want) > 1e-12 {
			t.Errorf("Q(0.5, %v) = %.17g, want %.17g", x, q, want)
		}
	}
}

// TestTemmeMatchesClassic checks the large-shape expansion against the
// series/continued fraction where both are usable.
func TestTemmeMatchesClassic(t *testing.T) {
	for _, a := range []float64{temmeMin, 2.5e7} {
		for z := -8.0; z <= 8; z += 0.5 {
			x := a + z*math.Sqrt(a)
			p1, q1 := incGammaClassic(a, x)
			p2, q2 := incGammaTemme(a, x)
			// Compare the small tail relatively; the large one is ~1.
			if relErr(p2, p1) > 1e-10 || relErr(q2, q1) > 1e-10 {
				t.Errorf("a=%g z=%g: classic P=%.15g Q=%.15g, Temme P=%.15g Q=%.15g", a, z, p1, q1, p2, q2)
			}
		}
	}
}

// TestPoissonIntervalLargeK covers k beyond the brief's 1e6, including the
// switch to Temme's expansion and k near MaxInt64.
func TestPoissonIntervalLargeK(t *testing.T) {
	// Either side of the switch, lo(k) must step by ~1 per unit of k
	// (d lo/dk = 1 - z/(2·sqrt k) + …), with no jump.
	m := int64(temmeMin)
	prevLo, prevHi := PoissonInterval(m-3, 0.95)
	for k := m - 2; k <= m+2; k++ {
		lo, hi := PoissonInterval(k, 0.95)
		if d := lo - prevLo; math.Abs(d-1) > 1e-3 {
			t.Errorf("lo(%d) - lo(%d) = %.9g, want ~1", k, k-1, d)
		}
		if d := hi - prevHi; math.Abs(d-1) > 1e-3 {
			t.Errorf("hi(%d) - hi(%d) = %.9g, want ~1", k, k-1, d)
		}
		prevLo, prevHi = lo, hi
	}

	// Far out, Wilson–Hilferty is itself accurate to well under 1e-9.
	z := 1.959963984540054
	for _, k := range []int64{1e9, 1e12, 1e15, 1e18, math.MaxInt64} {
		lo, hi := PoissonInterval(k, 0.95)
		fk := float64(k)
		wantLo := fk * math.Pow(1-1/(9*fk)-z/(3*math.Sqrt(fk)), 3)
		wantHi := (fk + 1) * math.Pow(1-1/(9*(fk+1))+z/(3*math.Sqrt(fk+1)), 3)
		if relErr(lo, wantLo) > 1e-9 || relErr(hi, wantHi) > 1e-9 {
			t.Errorf("PoissonInterval(%d) = (%.17g, %.17g), Wilson–Hilferty (%.17g, %.17g)", k, lo, hi, wantLo, wantHi)
		}
	}
}

func TestPoissonIntervalEdges(t *testing.T) {
	for _, tt := range []struct {
		k     int64
		level float64
	}{{-1, 0.95}, {math.MinInt64, 0.95}, {5, -0.1}, {5, 1.1}, {5, math.NaN()}, {0, math.Inf(1)}} {
		lo, hi := PoissonInterval(tt.k, tt.level)
		if !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("PoissonInterval(%d, %v) = (%v, %v), want (NaN, NaN)", tt.k, tt.level, lo, hi)
		}
	}
	if lo, hi := PoissonInterval(7, 1); lo != 0 || !math.IsInf(hi, 1) {
		t.Errorf("PoissonInterval(7, 1) = (%v, %v), want (0, +Inf)", lo, hi)
	}
	// Level 0 collapses each end to a median: of Gamma(k) below k and of
	// Gamma(k+1) above it.
	if lo, hi := PoissonInterval(7, 0); !(lo > 6 && lo < 7 && hi > 7 && hi < 8) {
		t.Errorf("PoissonInterval(7, 0) = (%v, %v), want medians near 6.67 and 7.67", lo, hi)
	}
	// Wider level, wider interval.
	prevLo, prevHi := PoissonInterval(20, 0.5)
	for _, level := range []float64{0.8, 0.9, 0.95, 0.99, 0.999, 1 - 1e-12, 1 - 1e-16} {
		lo, hi := PoissonInterval(20, level)
		if !(lo < prevLo && hi > prevHi) {
			t.Errorf("PoissonInterval(20, %v) = (%v, %v) not wider than (%v, %v)", level, lo, hi, prevLo, prevHi)
		}
		prevLo, prevHi = lo, hi
	}
}

func FuzzPoissonInterval(f *testing.F) {
	for _, k := range []int64{0, 1, 2, 10, 411, 1e6, 1e7 - 1, 1e7, 1e12, math.MaxInt64, -1} {
		f.Add(k, 0.95)
	}
	f.Add(int64(3), 0.0)
	f.Add(int64(3), 1-1e-16)
	f.Add(int64(3), 1.0)
	f.Fuzz(func(t *testing.T, k int64, level float64) {
		lo, hi := PoissonInterval(k, level)
		if k < 0 || !(level >= 0 && level <= 1) {
			if !math.IsNaN(lo) || !math.IsNaN(hi) {
				t.Fatalf("PoissonInterval(%d, %v) = (%v, %v), want NaN", k, level, lo, hi)
			}
			return
		}
		if level == 1 {
			if lo != 0 || !math.IsInf(hi, 1) {
				t.Fatalf("PoissonInterval(%d, 1) = (%v, %v), want (0, +Inf)", k, lo, hi)
			}
			return
		}
		fk := float64(k)
		if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			t.Fatalf("PoissonInterval(%d, %v) = (%v, %v), not finite", k, level, lo, hi)
		}
		if !(lo >= 0 && lo <= fk && fk <= hi) {
			t.Fatalf("PoissonInterval(%d, %v) = (%v, %v), want 0 <= lo <= k <= hi", k, level, lo, hi)
		}
		if (lo == 0) != (k == 0) {
			t.Fatalf("PoissonInterval(%d, %v) lo = %v, want 0 exactly when k == 0", k, level, lo)
		}
	})
}

func BenchmarkPoissonInterval(b *testing.B) {
	for _, k := range []int64{0, 10, 411, 1e4, 1e6, 1e9} {
		b.Run(fmt.Sprint(k), func(b *testing.B) {
			for b.Loop() {
				PoissonInterval(k, 0.95)
			}
		})
	}
}
