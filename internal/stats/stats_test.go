package stats

import (
	"math"
	"slices"
	"testing"
)

func closeTo(got, want, tol float64) bool {
	return got == want || math.Abs(got-want) <= tol*math.Abs(want)
}

func TestYoY(t *testing.T) {
	tests := []struct {
		cur, base int64
		want      Change
	}{
		{494, 406, Change{Abs: 88, Pct: 21.674876847290641, PctOK: true}},
		{300, 400, Change{Abs: -100, Pct: -25, PctOK: true}},
		{406, 406, Change{Abs: 0, Pct: 0, PctOK: true}},
		{0, 7, Change{Abs: -7, Pct: -100, PctOK: true}},
		{5, 0, Change{Abs: 5}},
		{0, 0, Change{}},
		{5, -3, Change{Abs: 8}}, // negative base: no sign-flipped percentage
	}
	for _, tt := range tests {
		got := YoY(tt.cur, tt.base)
		if got.Abs != tt.want.Abs || got.PctOK != tt.want.PctOK || !closeTo(got.Pct, tt.want.Pct, 1e-12) {
			t.Errorf("YoY(%d, %d) = %+v, want %+v", tt.cur, tt.base, got, tt.want)
		}
	}
}

func TestShare(t *testing.T) {
	tests := []struct {
		part, whole int64
		want        float64
		wantOK      bool
	}{
		{88, 494, 17.813765182186235, true},
		{494, 494, 100, true},
		{0, 10, 0, true},
		{1, 0, 0, false},
		{0, 0, 0, false},
	}
	for _, tt := range tests {
		got, ok := Share(tt.part, tt.whole)
		if ok != tt.wantOK || !closeTo(got, tt.want, 1e-12) {
			t.Errorf("Share(%d, %d) = %v, %v, want %v, %v", tt.part, tt.whole, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestRatePer100k(t *testing.T) {
	const pop2022 = 129960600
	tests := []struct {
		name        string
		count       int64
		personYears float64
		months      int
		want        Rate
	}{
		{
			// Victims 2022: 936 / 129,960,600 people.
			name: "victims 2022", count: 936, personYears: pop2022, months: 12,
			want: Rate{Value: 0.72022, Low: 0.67481, High: 0.76788}, // Garwood (876.99, 997.94)
		},
		{
			// Carpetas H1 2022: exposure is half a year, so 411·2/pop.
			name: "carpetas H1 2022", count: 411, personYears: pop2022 / 2, months: 6,
			want: Rate{Value: 0.63250, Low: 0.57282, High: 0.69671, Annualised: true},
		},
		{
			name: "zero count", count: 0, personYears: 1e6, months: 24,
			want: Rate{Value: 0, Low: 0, High: 0.36889},
		},
	}
	for _, tt := range tests {
		got, ok := RatePer100k(tt.count, tt.personYears, tt.months, 0.95)
		if !ok || got.Annualised != tt.want.Annualised ||
			!closeTo(got.Value, tt.want.Value, 1e-4) || !closeTo(got.Low, tt.want.Low, 1e-4) || !closeTo(got.High, tt.want.High, 1e-4) {
			t.Errorf("%s: RatePer100k = %+v, %v, want %+v", tt.name, got, ok, tt.want)
		}
		// The interval must be exactly the count's interval on the same scale.
		lo, hi := PoissonInterval(tt.count, 0.95)
		if got.Low != lo/tt.personYears*1e5 || got.High != hi/tt.personYears*1e5 {
			t.Errorf("%s: interval (%v, %v) is not PoissonInterval/exposure", tt.name, got.Low, got.High)
		}
	}
	// Exact value for the headline figure.
	if got, _ := RatePer100k(936, pop2022, 12, 0.95); got.Value != 936.0/pop2022*1e5 {
		t.Errorf("RatePer100k(936).Value = %.17g, want %.17g", got.Value, 936.0/pop2022*1e5)
	}

	bad := []struct {
		count       int64
		personYears float64
		months      int
		level       float64
	}{
		{10, 0, 12, 0.95},
		{10, -5, 12, 0.95},
		{10, math.NaN(), 12, 0.95},
		{10, math.Inf(1), 12, 0.95},
		{-1, 1e6, 12, 0.95},
		{10, 1e6, 0, 0.95},
		{10, 1e6, 12, 1.5},
	}
	for _, b := range bad {
		if r, ok := RatePer100k(b.count, b.personYears, b.months, b.level); ok {
			t.Errorf("RatePer100k(%d, %v, %d, %v) = %+v, true, want ok=false", b.count, b.personYears, b.months, b.level, r)
		}
	}
}

func TestPersonYears(t *testing.T) {
	pop := map[int]float64{2021: 128972439, 2022: 129960600, 2023: 130500000}
	span := func(y, m1, m2 int) []YearMonth {
		var out []YearMonth
		for m := m1; m <= m2; m++ {
			out = append(out, YearMonth{y, m})
		}
		return out
	}
	tests := []struct {
		name   string
		months []YearMonth
		want   float64
		wantOK bool
	}{
		{"full year", span(2022, 1, 12), 129960600, true},
		{"H1", span(2022, 1, 6), 64980300, true},
		{"one month", span(2023, 3, 3), 130500000.0 / 12, true},
		{"Jul 2021-Jun 2022", append(span(2021, 7, 12), span(2022, 1, 6)...), 128972439.0/2 + 129960600.0/2, true},
		{"order does not matter", []YearMonth{{2022, 6}, {2021, 12}, {2022, 1}}, 128972439.0/12 + 129960600.0*2/12, true},
		{"empty", nil, 0, true},
		{"missing population", span(2020, 1, 3), 0, false},
		{"month 13", []YearMonth{{2022, 13}}, 0, false},
		{"month 0", []YearMonth{{2022, 0}}, 0, false},
		{"duplicate month", []YearMonth{{2022, 1}, {2022, 1}}, 0, false},
	}
	for _, tt := range tests {
		got, ok := PersonYears(pop, tt.months)
		if ok != tt.wantOK || !closeTo(got, tt.want, 1e-15) {
			t.Errorf("%s: PersonYears = %v, %v, want %v, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
	for _, p := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if got, ok := PersonYears(map[int]float64{2022: p}, span(2022, 1, 1)); ok {
			t.Errorf("PersonYears with population %v = %v, true, want ok=false", p, got)
		}
	}
}

func TestRankDesc(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		values []float64
		want   []int
	}{
		{[]float64{5, 3, 5, 1}, []int{1, 3, 1, 4}},
		{[]float64{1, 2, 3}, []int{3, 2, 1}},
		{[]float64{2, 2, 2}, []int{1, 1, 1}},
		{[]float64{nan, 2, 2, 1}, []int{0, 1, 1, 3}},
		{[]float64{3, nan, 1, nan, 2}, []int{1, 0, 3, 0, 2}},
		{[]float64{nan, nan}, []int{0, 0}},
		{[]float64{math.Inf(-1), 0, math.Inf(1)}, []int{3, 2, 1}},
		{[]float64{0, math.Copysign(0, -1)}, []int{1, 1}},
		{[]float64{}, []int{}},
		{nil, []int{}},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.values)
		got := RankDesc(tt.values)
		if !slices.Equal(got, tt.want) {
			t.Errorf("RankDesc(%v) = %v, want %v", tt.values, got, tt.want)
		}
		if !slices.EqualFunc(in, tt.values, func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }) {
			t.Errorf("RankDesc modified its input: %v -> %v", in, tt.values)
		}
	}
}

func TestHighestSince(t *testing.T) {
	// SESNSP victims of trafficking, national totals.
	victims := map[int]int64{
		2015: 1171, 2016: 782, 2017: 537, 2018: 584,
		2019: 683, 2020: 681, 2021: 753, 2022: 936,
	}
	tests := []struct {
		year      int
		totals    map[int]int64
		wantSince int
		wantOK    bool
	}{
		{2022, victims, 2015, true},
		{2021, victims, 2016, true},                                  // 782 >= 753
		{2020, victims, 2019, true},                                  // 683 >= 681
		{2019, victims, 2016, true},                                  // 782 >= 683
		{2018, victims, 2016, true},                                  // 782 >= 584
		{2017, victims, 2016, true},                                  // 782 >= 537
		{2015, victims, 0, false},                                    // first year: nothing earlier
		{2023, victims, 0, false},                                    // absent
		{2016, map[int]int64{2015: 5, 2016: 5}, 2015, true},          // a tie counts
		{2016, map[int]int64{2015: 4, 2016: 5}, 0, false},            // record
		{2016, map[int]int64{2015: 9, 2016: 5, 2017: 9}, 2015, true}, // later years ignored
	}
	for _, tt := range tests {
		since, ok := HighestSince(tt.year, tt.totals)
		if since != tt.wantSince || ok != tt.wantOK {
			t.Errorf("HighestSince(%d) = %d, %v, want %d, %v", tt.year, since, ok, tt.wantSince, tt.wantOK)
		}
	}
}
