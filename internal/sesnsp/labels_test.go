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
