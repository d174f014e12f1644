package brief_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/stats"
	"github.com/vigia-mx/vigia/internal/storetest"
)

func sqliteStore(t *testing.T) storetest.Backend {
	return storetest.Backend{Name: "sqlite-golden", Target: func(testing.TB) string { return tmp + "/golden.db" }}
}

// The dispersion the brief prints is the one an independent recomputation
// found: carpetas 1.3–2.2, victims about 3.5 in 2020–2024 and about 31 in
// 2015–2019; and the intervals widen by about its square root.
func TestDispersionOfTheSeries(t *testing.T) {
	st := seededStore(t, sqliteStore(t))
	for _, c := range []struct {
		from, to sesnsp.YM
		src      string
		lo, hi   float64
	}{
		{ym(2019, 1), ym(2019, 12), "carpetas", 1.2, 1.4}, // window 2015–2019
		{ym(2024, 1), ym(2024, 11), "carpetas", 2.0, 2.3}, // window 2019-12…2024-11
		{ym(2019, 1), ym(2019, 12), "victimas", 29, 32},
		{ym(2024, 1), ym(2024, 12), "victimas", 3.3, 3.7},
	} {
		b := build(t, st, c.from, c.to, "", "trata")
		sb := b.Carpetas
		if c.src == "victimas" {
			sb = b.Victimas
		}
		d := sb.Dispersion
		if d == nil || d.Phi < c.lo || d.Phi > c.hi || d.Pairs < 55 {
			t.Errorf("%s %s…%s: dispersion %+v, want %v–%v over ~59 pairs", c.src, c.from, c.to, d, c.lo, c.hi)
			continue
		}
		plo, phi := sb.TotalCIPoisson[0], sb.TotalCIPoisson[1]
		lo, hi := sb.TotalCI[0], sb.TotalCI[1]
		if lo > plo || hi < phi {
			t.Errorf("%s: interval %v–%v inside Poisson %v–%v", c.src, lo, hi, plo, phi)
		}
		if r := (hi - lo) / (phi - plo); math.Abs(r-math.Sqrt(d.Used)) > 0.1*math.Sqrt(d.Used) {
			t.Errorf("%s: interval %.2f times Poisson, want ≈ sqrt(%.2f)", c.src, r, d.Used)
		}
		if sb.Rate.Low > sb.Rate.LowPoisson || sb.Rate.High < sb.Rate.HighPoisson {
			t.Errorf("%s: rate interval %+v narrower than Poisson", c.src, sb.Rate)
		}
	}
}

// "The most since Y" only when true and meaningful.
func TestMostSinceRules(t *testing.T) {
	st := seededStore(t, sqliteStore(t))
	for _, c := range []struct {
		year   int
		src    string
		none   string
		versus int
	}{
		{2024, "victimas", "below-previous", 2023}, // 790 after 936: was "the most since 2023"
		{2023, "victimas", "below-previous", 2022}, // 936 after 942
		{2016, "victimas", "below-previous", 2015}, // 782 after 1,171
		{2017, "victimas", "below-previous", 2016}, // 537 after 782
		{2021, "victimas", "within-noise", 2019},   // 753 against 682
		{2023, "carpetas", "below-previous", 2022}, // 731 after 807
	} {
		b := build(t, st, ym(c.year, 1), ym(c.year, 12), "", "trata")
		sb := b.Carpetas
		if c.src == "victimas" {
			sb = b.Victimas
		}
		if sb.HighestSince != nil || sb.Record || sb.HighestNone != c.none || sb.HighestVersus == nil || sb.HighestVersus.Year != c.versus {
			t.Errorf("%s %d: since %v record %v none %q versus %+v; want %s against %d",
				c.src, c.year, val64(sb.HighestSince), sb.Record, sb.HighestNone, sb.HighestVersus, c.none, c.versus)
		}
		for _, lang := range []string{"es", "en"} {
			txt := sb.HighestText(lang)
			if strings.Contains(txt, fmt.Sprint(c.versus)) == false || strings.Contains(txt, "desde "+fmt.Sprint(c.versus)) || strings.Contains(txt, "since "+fmt.Sprint(c.versus)) {
				t.Errorf("%s %d (%s): %q", c.src, c.year, lang, txt)
			}
		}
	}
	// Kept where it holds: 2022 victims (942; 2016–2021 at most 782).
	y22 := build(t, st, ym(2022, 1), ym(2022, 12), "", "trata").Victimas
	if y22.HighestSince == nil || *y22.HighestSince != 2015 || y22.HighestText("es") != "Lo más alto desde 2015" {
		t.Errorf("2022 victims: %q", y22.HighestText("es"))
	}
	// Across the 2026 break the comparison says so, in both languages.
	q1 := build(t, st, ym(2026, 1), ym(2026, 3), "", "trata").Carpetas
	for lang, want := range map[string]string{"es": "cruza el cambio de metodología de 2026", "en": "crosses the 2026 change of methodology"} {
		if !strings.Contains(q1.HighestText(lang), want) {
			t.Errorf("Q1 2026 (%s): %q lacks %q", lang, q1.HighestText(lang), want)
		}
	}
}

// A period over 12 months is compared with the period just before it,
// never with a window sharing months.
func TestLongPeriodDoesNotOverlap(t *testing.T) {
	st := seededStore(t, sqliteStore(t))
	for _, c := range []struct {
		from, to         sesnsp.YM
		shift            int
		prevFrom, prevTo string
	}{
		{ym(2022, 1), ym(2022, 6), 12, "2021-01", "2021-06"},
		{ym(2022, 1), ym(2022, 12), 12, "2021-01", "2021-12"},
		{ym(2021, 1), ym(2022, 12), 24, "2019-01", "2020-12"},
		{ym(2021, 7), ym(2022, 12), 24, "2019-07", "2020-12"}, // 18 months: same calendar months, 24 back
		{ym(2020, 1), ym(2022, 12), 36, "2017-01", "2019-12"},
	} {
		b := build(t, st, c.from, c.to, "", "trata")
		p := b.Period
		if p.PreviousShift != c.shift || p.PreviousFrom != c.prevFrom || p.PreviousTo != c.prevTo {
			t.Errorf("%s…%s: previous %s…%s (shift %d), want %s…%s (%d)", c.from, c.to, p.PreviousFrom, p.PreviousTo, p.PreviousShift, c.prevFrom, c.prevTo, c.shift)
		}
		if p.PreviousTo >= p.From {
			t.Errorf("%s…%s: previous period %s…%s overlaps", c.from, c.to, p.PreviousFrom, p.PreviousTo)
		}
		v := b.Victimas
		want := *build(t, st, c.from-sesnsp.YM(c.shift), c.to-sesnsp.YM(c.shift), "", "trata").Victimas.Total
		if v.PreviousYearTotal == nil || *v.PreviousYearTotal != want {
			t.Errorf("%s…%s: previous total %v, want %d", c.from, c.to, val(v.PreviousYearTotal), want)
		}
		if c.shift > 12 {
			var buf strings.Builder
			b.Write(&buf, brief.Text, "es")
			if !strings.Contains(buf.String(), "Periodo anterior de igual duración") || strings.Contains(buf.String(), "un año antes") {
				t.Errorf("%s…%s: the text does not say the comparison is with the preceding period:\n%s", c.from, c.to, buf.String())
			}
		}
	}
}

// Rates by sex carry intervals, and the share of victims with no sex
// identified is stated beside them.
func TestRatesBySex(t *testing.T) {
	st := seededStore(t, sqliteStore(t))
	v := build(t, st, ym(2022, 1), ym(2022, 6), "jun25", "trata").Victimas
	n := 0
	for _, s := range v.BySex {
		if s.Rate == nil {
			continue
		}
		n++
		if s.RateLow == nil || s.RateHigh == nil || !(*s.RateLow < *s.Rate && *s.Rate < *s.RateHigh) {
			t.Errorf("%s: rate %v without a proper interval (%v, %v)", s.Key, *s.Rate, s.RateLow, s.RateHigh)
		}
	}
	if n != 2 {
		t.Errorf("%d rates by sex, want women and men", n)
	}
	// 83 of 490 not identified.
	if v.UnknownSexPct == nil || math.Abs(*v.UnknownSexPct-83.0/490*100) > 1e-9 {
		t.Errorf("unknown-sex share = %v, want %.2f", v.UnknownSexPct, 83.0/490*100)
	}
	if txt := v.SexRatesText("es"); !strings.Contains(txt, "16.9 % de las víctimas sin sexo identificado") || !strings.Contains(txt, "IC 95 %") {
		t.Errorf("text: %q", txt)
	}
}

// TestProjectionBacktest replays the year-end projection on every complete
// year of the bundled data (newest release per month), from each of months
// 1–11, learning only from the years before, and checks that the 80 %
// interval held the actual total 75–85 % of the time for each source. Run
// with -v to print the table written down in the README:
//
//	go test ./internal/brief -run TestProjectionBacktest -v
//
// It also compares the run-rate with the seasonal estimate it replaced and
// with a trailing-12-month one, by mean absolute error.
func TestProjectionBacktest(t *testing.T) {
	st := seededStore(t, sqliteStore(t))
	m, _ := sesnsp.MeasureByID("trata")
	for _, src := range []sesnsp.Source{sesnsp.Carpetas, sesnsp.Victimas} {
		hist, err := brief.CompleteYears(context.Background(), st, src, m, "")
		if err != nil {
			t.Fatal(err)
		}
		bt := stats.BacktestProjection(hist, 3000, brief.ProjectionLevel)
		cov := bt.Coverage()
		t.Logf("%s: %d–%d, %d projections (years × months 1–11): 80 %% interval held the total %d times = %.1f %%; run-rate MAPE %.1f %%",
			src, bt.From, bt.To, len(bt.Cases), bt.Covered, cov*100, bt.MAPE*100)
		byMonth := map[int][2]int{}
		byYear := map[int][2]int{}
		for _, c := range bt.Cases {
			a, b := byMonth[c.Months], byYear[c.Year]
			a[1]++
			b[1]++
			if c.Covered {
				a[0]++
				b[0]++
			}
			byMonth[c.Months], byYear[c.Year] = a, b
		}
		var ms, ys []string
		for mo := 1; mo <= 11; mo++ {
			ms = append(ms, fmt.Sprintf("%d:%d/%d", mo, byMonth[mo][0], byMonth[mo][1]))
		}
		for y := bt.From; y <= bt.To; y++ {
			ys = append(ys, fmt.Sprintf("%d:%d/%d", y, byYear[y][0], byYear[y][1]))
		}
		t.Logf("%s: held by month %s", src, strings.Join(ms, " "))
		t.Logf("%s: held by year %s", src, strings.Join(ys, " "))
		seas, t12, oldCov := otherEstimators(hist, bt)
		t.Logf("%s: MAPE on the same cases: run-rate %.1f %%, seasonal (3 base years) %.1f %%, trailing 12 months %.1f %%", src, bt.MAPE*100, seas*100, t12*100)
		t.Logf("%s: the old seasonal low–high range held the total %.1f %% of the time", src, oldCov*100)
		if cov < 0.75 || cov > 0.85 {
			t.Errorf("%s: coverage %.1f %%, want 75–85 %%", src, cov*100)
		}
		if len(bt.Cases) < 80 {
			t.Errorf("%s: only %d cases", src, len(bt.Cases))
		}
		if bt.MAPE > seas {
			t.Errorf("%s: run-rate MAPE %.3f worse than the seasonal %.3f it replaced", src, bt.MAPE, seas)
		}
	}
}

// otherEstimators returns the mean absolute percentage error, over the
// backtest's cases, of the seasonal estimate the brief used to print (year
// to date over the mean share of months 1..m in the last three complete
// years) and of a trailing-12-month one (year to date plus (12−m)/12 of the
// last 12 months). Cases one cannot make are skipped.
func otherEstimators(hist map[int][12]int64, bt stats.Backtest) (seasonal, trailing, oldCoverage float64) {
	var sa, ta float64
	var sn, tn, held int
	for _, c := range bt.Cases {
		cur := hist[c.Year]
		var ytd int64
		for i := 0; i < c.Months; i++ {
			ytd += cur[i]
		}
		var shares []float64
		for y := c.Year - 1; y >= c.Year-20 && len(shares) < 3; y-- {
			h, ok := hist[y]
			if !ok {
				continue
			}
			var part, total int64
			for i, x := range h {
				total += x
				if i < c.Months {
					part += x
				}
			}
			if part > 0 && total > 0 {
				shares = append(shares, float64(part)/float64(total))
			}
		}
		if len(shares) > 0 {
			var s float64
			for _, x := range shares {
				s += x
			}
			est := float64(ytd) / (s / float64(len(shares)))
			sa += math.Abs(float64(c.Total)-est) / float64(c.Total)
			sn++
			lo, hi := float64(ytd)/slices.Max(shares), float64(ytd)/slices.Min(shares)
			if lo <= float64(c.Total) && float64(c.Total) <= hi {
				held++
			}
		}
		if prev, ok := hist[c.Year-1]; ok {
			var last12 int64
			for i := c.Months; i < 12; i++ {
				last12 += prev[i]
			}
			last12 += ytd
			est := float64(ytd) + float64(12-c.Months)*float64(last12)/12
			ta += math.Abs(float64(c.Total)-est) / float64(c.Total)
			tn++
		}
	}
	return sa / float64(max(sn, 1)), ta / float64(max(tn, 1)), float64(held) / float64(max(sn, 1))
}

// Revisions come from one place: the brief's list, `vigia revisions` and
// the state pages' table agree on the same months.
func TestRevisionsComputedOnce(t *testing.T) {
	st := seededStore(t, sqliteStore(t))
	ctx := context.Background()
	m, _ := sesnsp.MeasureByID("trata")
	revs, err := brief.Compare(ctx, st, sesnsp.Carpetas, m, ym(2026, 1), ym(2026, 3), "ene2026", "feb2026")
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 1 || revs[0] != (brief.Revision{Month: "2026-01", Before: "ene2026", Old: 38, After: "feb2026", New: 42}) {
		t.Errorf("Compare(ene2026, feb2026) = %+v, want January 38 → 42", revs)
	}
	// The brief of H1 2022 from the newest releases lists what Compare
	// finds between jul23 and nov24 for those months.
	b := build(t, st, ym(2022, 1), ym(2022, 6), "", "trata").Carpetas
	want, err := brief.Compare(ctx, st, sesnsp.Carpetas, m, ym(2022, 1), ym(2022, 6), "jul23", "nov24")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(b.Revisions) != fmt.Sprint(want) || len(want) != 4 {
		t.Errorf("brief revisions %+v, Compare %+v", b.Revisions, want)
	}
	// Yearly national totals by release: 2022 is 807 in nov24.
	yr, err := brief.RevisionsByYear(ctx, st, sesnsp.Carpetas, m, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range yr.Rows {
		if r.Year != 2022 {
			continue
		}
		for i, v := range yr.Vintages {
			if v == "nov24" && r.Values[i] != nil && *r.Values[i] == 807 {
				found = true
			}
		}
		if !r.Revised {
			t.Errorf("2022 not marked revised: %+v", r)
		}
	}
	if !found {
		t.Errorf("2022 in nov24 is not 807: %+v", yr)
	}
}
