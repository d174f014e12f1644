package stats

import "math"

// PoissonInterval returns the exact (Garwood) two-sided confidence interval
// for the mean of a Poisson count k at confidence level (e.g. 0.95):
//
//	lo = qchisq((1-level)/2, 2k)/2     (0 when k == 0)
//	hi = qchisq(1-(1-level)/2, 2k+2)/2
//
// Equivalently lo and hi are the means at which P(X >= k) and P(X <= k) equal
// (1-level)/2. The tests check lo and hi to 1e-9 relative against direct
// Poisson sums for k up to 1e6, and against Wilson–Hilferty (itself exact to
// that order there) for k up to MaxInt64.
//
// level must lie in [0, 1]; level == 1 gives (0, +Inf). A negative k, or a
// level outside [0, 1] or NaN, gives (NaN, NaN).
func PoissonInterval(k int64, level float64) (lo, hi float64) {
	if k < 0 || !(level >= 0 && level <= 1) {
		return math.NaN(), math.NaN()
	}
	tail := (1 - level) / 2
	if tail == 0 {
		return 0, math.Inf(1)
	}
	if k > 0 {
		lo = gammaQuantile(float64(k), tail, false)
	}
	hi = gammaQuantile(float64(k)+1, tail, true)
	return lo, hi
}

// temmeMin is the shape above which incGamma switches from the series and
// continued fraction (whose cost grows like sqrt(a)) to Temme's uniform
// asymptotic expansion. At 1e7 the two truncated c0 + c1/a terms of the
// expansion are already good to ~1e-17 absolute, so the switch is invisible,
// while every k up to 1e6 still goes through the classic, easily checked path.
const temmeMin = 1e7

// incGamma returns the regularised incomplete gamma functions P(a, x) and
// Q(a, x) = 1 - P(a, x) for a > 0 and x >= 0. Both are returned because the
// quantile search needs whichever tail is small, and computing it as 1 - (the
// other) would throw away its relative accuracy.
func incGamma(a, x float64) (p, q float64) {
	switch {
	case x <= 0:
		return 0, 1
	case math.IsInf(x, 1):
		return 1, 0
	case a >= temmeMin:
		return incGammaTemme(a, x)
	}
	return incGammaClassic(a, x)
}

// incGammaClassic is the Numerical Recipes split: the power series converges
// fast below the mode and the continued fraction above it, and each gives
// its own tail directly.
func incGammaClassic(a, x float64) (p, q float64) {
	if x < a+1 {
		p = gammaSeries(a, x)
		return p, 1 - p
	}
	q = gammaContinuedFraction(a, x)
	return 1 - q, q
}

const (
	// Both expansions need O(sqrt(a)) terms near x = a (about 3e4 at
	// a = temmeMin); the cap only guards against a runaway loop.
	maxTerms = 1 << 20
	termEps  = 1e-16
	tinyCF   = 1e-300
)

// gammaSeries returns P(a, x) by the series
// x^a e^-x / Γ(a) · Σ x^n / (a (a+1) … (a+n)).
func gammaSeries(a, x float64) float64 {
	pre := math.Exp(logGammaPrefix(a, x))
	if pre == 0 {
		return 0
	}
	ap, del := a, 1/a
	sum := del
	for n := 0; n < maxTerms; n++ {
		ap++
		del *= x / ap
		sum += del
		if del < sum*termEps {
			break
		}
	}
	return pre * sum
}

// gammaContinuedFraction returns Q(a, x) by the Legendre continued fraction,
// evaluated with the modified Lentz method; valid (and fast) for x >= a+1.
func gammaContinuedFraction(a, x float64) float64 {
	pre := math.Exp(logGammaPrefix(a, x))
	if pre == 0 {
		return 0
	}
	b := x + 1 - a
	c := 1 / tinyCF
	d := 1 / b
	h := d
	for i := 1; i <= maxTerms; i++ {
		fi := float64(i)
		an := -fi * (fi - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tinyCF {
			d = tinyCF
		}
		c = b + an/c
		if math.Abs(c) < tinyCF {
			c = tinyCF
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < termEps {
			break
		}
	}
	return pre * h
}

// logGammaPrefix returns log(x^a e^-x / Γ(a)) for x > 0. Written naively the
// three terms are each of size a·log(a) and cancel, losing ~log10(a·log a)
// digits; for large a the Stirling form with bd0 keeps only the small parts.
func logGammaPrefix(a, x float64) float64 {
	if a < 10 {
		lg, _ := math.Lgamma(a)
		return a*math.Log(x) - x - lg
	}
	return -bd0(a, x) + 0.5*math.Log(a/(2*math.Pi)) - stirlerr(a)
}

// bd0 returns x·log(x/m) + m - x (>= 0) without cancellation when x ≈ m
// (Loader, "Fast and accurate computation of binomial probabilities", 2000).
func bd0(x, m float64) float64 {
	if math.Abs(x-m) < 0.1*(x+m) {
		v := (x - m) / (x + m)
		s := (x - m) * v
		ej := 2 * x * v
		v *= v
		for j := 1; j < 1000; j++ {
			ej *= v
			s1 := s + ej/float64(2*j+1)
			if s1 == s {
				return s1
			}
			s = s1
		}
		return s
	}
	return x*math.Log(x/m) + m - x
}

// stirlerr returns log Γ(a) - ((a-0.5)·log a - a + log(2π)/2), the error of
// Stirling's formula. For a >= 10 the asymptotic series below is good to
// ~2e-14 absolute; smaller a never reaches it (see logGammaPrefix).
func stirlerr(a float64) float64 {
	if a < 10 {
		lg, _ := math.Lgamma(a)
		return lg - ((a-0.5)*math.Log(a) - a + 0.5*math.Log(2*math.Pi))
	}
	const (
		s0 = 1.0 / 12
		s1 = 1.0 / 360
		s2 = 1.0 / 1260
		s3 = 1.0 / 1680
		s4 = 1.0 / 1188
	)
	aa := a * a
	return (s0 - (s1-(s2-(s3-s4/aa)/aa)/aa)/aa) / a
}

// incGammaTemme evaluates P and Q by Temme's uniform asymptotic expansion
// (DLMF 8.12.3–8.12.9):
//
//	Q(a, x) = erfc(η·sqrt(a/2))/2 + exp(-aη²/2)/sqrt(2πa) · (c0(η) + c1(η)/a + …)
//
// with η²/2 = λ - 1 - log λ, λ = x/a, sign(η) = sign(λ-1). Only used for
// a >= temmeMin, where the dropped c2/a² term is below 1e-17.
func incGammaTemme(a, x float64) (p, q float64) {
	b := bd0(a, x) // a·(λ - 1 - log λ) = aη²/2
	eta := math.Sqrt(2 * b / a)
	if x < a {
		eta = -eta
	}
	r := math.Exp(-b) / math.Sqrt(2*math.Pi*a) * (temmeC0(eta, x/a) + temmeC1(eta)/a)
	s := eta * math.Sqrt(a/2)
	q = 0.5*math.Erfc(s) + r
	p = 0.5*math.Erfc(-s) - r
	return p, q
}

// temmeC0 is c0(η) = 1/(λ-1) - 1/η. Near η = 0 both terms blow up and
// cancel, so there its Taylor series is used instead.
func temmeC0(eta, lambda float64) float64 {
	if math.Abs(eta) < 0.1 {
		return -1.0/3 + eta*(1.0/12+eta*(-2.0/135+eta*(1.0/864+eta*(1.0/2835+eta*(-139.0/777600)))))
	}
	return 1/(lambda-1) - 1/eta
}

// temmeC1 is the start of the Taylor series of c1(η). Away from η = 0 the
// factor exp(-aη²/2) with a >= temmeMin is zero in float64, so the term never
// matters there and is dropped.
func temmeC1(eta float64) float64 {
	if math.Abs(eta) < 0.1 {
		return -1.0/540 + eta*(-1.0/288+eta*(1.0/378))
	}
	return 0
}

// gammaQuantile returns the x with P(a, x) = p, or Q(a, x) = p when upper,
// for a > 0 and 0 < p < 1.
//
// The search runs on u = log x: the tails of interest span from ~1e-17 (a = 1,
// level near 1) to ~1e19 (k near MaxInt64), and bisection in u converges in
// relative terms everywhere; also d/du P(a, e^u) is just the prefix
// x^a e^-x / Γ(a), so Newton steps come for free.
func gammaQuantile(a, p float64, upper bool) float64 {
	// g is increasing in u and zero at the answer.
	g := func(u float64) float64 {
		lower, up := incGamma(a, math.Exp(u))
		if upper {
			return p - up
		}
		return lower - p
	}
	slope := func(u float64) float64 { return math.Exp(logGammaPrefix(a, math.Exp(u))) }

	// u is confined to where e^u is a positive finite float64.
	const uMin, uMax = -745.0, 709.0
	clamp := func(u float64) float64 { return math.Max(uMin, math.Min(uMax, u)) }

	u0 := clamp(quantileGuess(a, p, upper))
	g0 := g(u0)
	if g0 == 0 {
		return math.Exp(u0)
	}

	// Bracket the root, widening geometrically from the guess. The first
	// step is about one standard deviation of log x, so a good guess (large
	// a) brackets in one step and a poor one (small a) in a few.
	step := math.Min(1, 2/math.Sqrt(a))
	ulo, uhi := u0, u0
	if g0 < 0 {
		for {
			uhi = clamp(ulo + step)
			if g(uhi) >= 0 {
				break
			}
			if uhi == uMax {
				return math.Exp(uMax)
			}
			ulo, step = uhi, 2*step
		}
	} else {
		for {
			ulo = clamp(uhi - step)
			if g(ulo) < 0 {
				break
			}
			if ulo == uMin {
				return 0
			}
			uhi, step = ulo, 2*step
		}
	}

	// Safeguarded Newton (rtsafe): take the Newton step when it stays
	// inside the bracket and shrinks fast enough, otherwise bisect.
	u := u0
	if !(u > ulo && u < uhi) {
		u = ulo + (uhi-ulo)/2
	}
	prevStep, lastStep := uhi-ulo, uhi-ulo
	for range 300 {
		gu := g(u)
		if gu == 0 {
			break
		}
		if gu < 0 {
			ulo = u
		} else {
			uhi = u
		}
		next := u - gu/slope(u)
		if !(next > ulo && next < uhi) || math.Abs(next-u) > 0.5*math.Abs(prevStep) {
			next = ulo + (uhi-ulo)/2
		}
		prevStep, lastStep = lastStep, next-u
		tol := 1e-15 * math.Max(1, math.Abs(next))
		u = next
		if math.Abs(lastStep) <= tol || uhi-ulo <= tol {
			break
		}
	}
	x := math.Exp(u)
	if a >= temmeMin {
		x = polishQuantile(a, p, upper, x)
	}
	return x
}

// polishQuantile refines a converged quantile with Newton steps on x itself.
// For huge a, u = log x only pins x to |u|·2^-52 relative (≈1e-14 at
// a = 1e19), which is more than the gap of 1/3 between the median of
// Gamma(k) and k; the fix is only needed, and only cheap, in the Temme range.
func polishQuantile(a, p float64, upper bool, x float64) float64 {
	for range 4 {
		lower, up := incGamma(a, x)
		gx := lower - p
		if upper {
			gx = p - up
		}
		dens := math.Exp(logGammaPrefix(a, x)) / x
		if gx == 0 || !(dens > 0) {
			break
		}
		next := x - gx/dens
		// Only ever a polish: a large step means the model broke down.
		if !(math.Abs(next-x) <= 1e-9*x) || next == x {
			break
		}
		x = next
	}
	return x
}

// quantileGuess returns a starting log x for gammaQuantile: Wilson–Hilferty
// when it makes sense, else the small-x limit P(a, x) ≈ x^a / Γ(a+1).
func quantileGuess(a, p float64, upper bool) float64 {
	pLower := p
	if upper {
		pLower = 1 - p
	}
	z := -math.Sqrt2 * math.Erfcinv(2*pLower) // Φ(z) = pLower
	if upper {
		// 1 - p rounds; take z from the small tail instead.
		z = math.Sqrt2 * math.Erfcinv(2*p)
	}
	if t := 1 - 1/(9*a) + z/(3*math.Sqrt(a)); t > 0 && a >= 1 {
		return math.Log(a) + 3*math.Log(t)
	}
	lg, _ := math.Lgamma(a + 1)
	if u := (math.Log(pLower) + lg) / a; !math.IsNaN(u) && !math.IsInf(u, 0) {
		return u
	}
	return math.Log(a)
}
