package sesnsp

import "testing"

func TestLabel(t *testing.T) {
	for _, c := range []struct{ lang, in, want string }{
		{"en", "Mujer", "Women"},
		{"en", "  HOMBRE ", "Men"},
		{"en", "Menores de edad (0-17)", "Minors (0–17)"},
		{"en", "Adultos (18 y más)", "Adults (18 and over)"},
		{"en", "No identificado", "Not identified"},
		{"en", "13 a 17 años", "13–17 years"},
		{"en", "60 años y más", "60 years and over"},
		{"en", "Trata de personas con fines de explotación sexual", "Trafficking for sexual exploitation"},
		{"en", "Algo nuevo", "Algo nuevo"},
		{"es", "Mujer", "Mujer"},
	} {
		if got := Label(c.lang, c.in); got != c.want {
			t.Errorf("Label(%s, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}

func TestParseYM(t *testing.T) {
	for _, c := range []struct {
		in     string
		want   YM
		ok     bool
		series bool
	}{
		{"2022-06", MakeYM(2022, 6), true, true},
		{" 2022-6 ", MakeYM(2022, 6), true, true},
		{"2015-01", SeriesStart, true, true},
		{"2014-12", MakeYM(2014, 12), true, false}, // a label a year before the series
		{"2100-12", MakeYM(2100, 12), true, true},
		{"2101-01", MakeYM(2101, 1), true, false},
		{"2022-13", 0, false, false},
		{"2022-00", 0, false, false},
		{"2022-013", 0, false, false},
		{"2022-01x", 0, false, false},
		{"22-01", 0, false, false},
		{"20222-01", 0, false, false},
		{"2022/01", 0, false, false},
		{"2022-+1", 0, false, false},
		{"+202-01", 0, false, false},
		{"", 0, false, false},
	} {
		got, err := ParseYM(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseYM(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
		if c.ok && InSeries(got) != c.series {
			t.Errorf("InSeries(%v) = %v, want %v", got, InSeries(got), c.series)
		}
	}
}
