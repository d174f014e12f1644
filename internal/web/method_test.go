package web

import (
	"html"
	"strings"
	"testing"
)

// /metodologia explains every statistic the brief prints, in both
// languages: the overdispersed intervals, rates by sex and the unknown
// share, change over long periods, the rules of "the most since", and
// every projection rule with its measured backtest coverage.
func TestMethodExplainsTheStatistics(t *testing.T) {
	s := testServer(t)
	for lang, wants := range map[string][]string{
		"es": {"cuasi-Poisson", "dispersión φ", "Tasas por sexo", "no tiene sexo identificado", "Periodo anterior de igual duración",
			"no supera al año anterior", "ruido estadístico", "cambio de metodología", "termina en diciembre",
			"se omite", "basta uno", "sin intervalo", "76 %", "84 %", "go test ./internal/brief -run TestProjectionBacktest -v"},
		"en": {"quasi-Poisson", "dispersion φ", "Rates by sex", "no sex identified", "The preceding period of the same length",
			"not above the year before", "statistical noise", "change of methodology", "ends in December",
			"is skipped", "one is enough", "no interval", "76 %", "84 %", "go test ./internal/brief -run TestProjectionBacktest -v"},
	} {
		body := html.UnescapeString(get(t, s, "/metodologia?lang="+lang).Body.String())
		for _, w := range wants {
			if !strings.Contains(body, w) {
				t.Errorf("/metodologia (%s) lacks %q", lang, w)
			}
		}
	}
	// The analysis page states the projection's interval and its backtest.
	body := html.UnescapeString(get(t, s, "/analisis?from=2022-01&to=2022-06&vintage=jun22").Body.String())
	for _, w := range []string{"822 a ritmo actual (intervalo 80 %: 754–890; en 2016–2021 un intervalo así contuvo el total 50 de 66 veces)"} {
		if !strings.Contains(body, w) {
			t.Errorf("/analisis lacks %q", w)
		}
	}
	// A two-year period is compared with the two years before it.
	body = html.UnescapeString(get(t, s, "/analisis?from=2021-01&to=2022-12").Body.String())
	if !strings.Contains(body, "Periodo anterior de igual duración (enero 2019 – diciembre 2020") {
		t.Errorf("/analisis 2021–2022 does not compare with 2019–2020")
	}
}

// The state page's table of yearly totals by release (brief.RevisionsByYear)
// lists every release (the output was checked byte for byte against the
// code it replaced).
func TestStateRevisionTable(t *testing.T) {
	s := testServer(t)
	body := get(t, s, "/estados/mx-cmx").Body.String()
	for _, w := range []string{"jun22", "jul23", "nov24"} {
		if !strings.Contains(body, w) {
			t.Errorf("/estados/mx-cmx lacks %q", w)
		}
	}
}
