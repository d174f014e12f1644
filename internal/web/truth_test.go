package web

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// testidText returns the text of the element with data-testid=id, "" and
// false when the page has none.
func testidText(body, id string) (string, bool) {
	re := regexp.MustCompile(`data-testid="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(strings.TrimSpace(m[1])), true
}

// wantLabel is the period label a figure summed over from…to must carry,
// written here independently of the page's code: the period, and when not
// every month is published, the runs of published months and how many of
// the period's months they are.
func wantLabel(l locale.Lang, from, to sesnsp.YM, published func(sesnsp.YM) bool) string {
	months := locale.Months(l)
	name := func(m sesnsp.YM) string { return fmt.Sprintf("%s %d", months[m.Month()-1], m.Year()) }
	label := name(from)
	if to != from {
		label += " – " + name(to)
	}
	var runs []string
	n, pub := int(to-from)+1, 0
	for m := from; m <= to; m++ {
		if !published(m) {
			continue
		}
		end := m
		for end+1 <= to && published(end+1) {
			end++
		}
		switch {
		case end == m:
			runs = append(runs, name(m))
		case end.Year() == m.Year():
			runs = append(runs, fmt.Sprintf("%s–%s %d", months[m.Month()-1], months[end.Month()-1], end.Year()))
		default:
			runs = append(runs, name(m)+" – "+name(end))
		}
		pub += int(end-m) + 1
		m = end
	}
	if pub == n {
		return label
	}
	if l == locale.EN {
		return fmt.Sprintf("%s (%s: %d of %d months published)", label, strings.Join(runs, ", "), pub, n)
	}
	return fmt.Sprintf("%s (%s: %d de %d meses publicados)", label, strings.Join(runs, ", "), pub, n)
}

// Every state page of the newest release labels each figure with the
// months it actually adds up: the card's total is the sum of the state's
// published months in the window, and its label names those months when
// they are not all of the window ("abril 2025 – marzo 2026 (enero–marzo
// 2026: 3 de 12 meses publicados)"). The home page and /estados are held
// to the same rule for the nation.
func TestStatePeriodLabels(t *testing.T) {
	s := testServer(t)
	ctx := context.Background()
	m := sesnsp.Measures[0]
	sers := map[sesnsp.Source]*brief.Series{}
	for _, src := range []sesnsp.Source{sesnsp.Carpetas, sesnsp.Victimas} {
		ser, err := brief.LoadSeries(ctx, s.store, src, m, seriesStart, sesnsp.MakeYM(2100, 12), "")
		if err != nil {
			t.Fatal(err)
		}
		sers[src] = ser
	}
	partial := false
	for _, l := range []locale.Lang{locale.ES, locale.EN} {
		home := get(t, s, "/?lang="+string(l)).Body.String()
		for src, ser := range sers {
			last := ser.Last()
			from := last - 11
			want := wantLabel(l, from, last, ser.Published)
			if got, ok := testidText(home, "period-"+string(src)); !ok || got != want {
				t.Errorf("home (%s) %s: period %q, want %q", l, src, got, want)
			}
			if strings.Contains(want, "(") {
				partial = true
			}
		}
		lead, _ := testidText(get(t, s, "/estados?lang="+string(l)).Body.String(), "period")
		v := sers[sesnsp.Victimas]
		if want := wantLabel(l, v.Last()-11, v.Last(), v.Published); !strings.Contains(lead, want) {
			t.Errorf("/estados (%s): lead %q does not name %q", l, lead, want)
		}
		for _, st := range sesnsp.States {
			path := "/estados/" + strings.ToLower(st.ISO) + "?lang=" + string(l)
			body := get(t, s, path).Body.String()
			for src, ser := range sers {
				last := ser.Last()
				from := last - 11
				var sum int64
				for mo := from; mo <= last; mo++ {
					if ser.Published(mo) {
						sum += ser.ByState[st.Code][mo]
					}
				}
				if got, want := mustTestid(t, body, path, "period-"+string(src)), wantLabel(l, from, last, ser.Published); got != want {
					t.Errorf("%s %s: period label %q, want %q", path, src, got, want)
				}
				if got := mustTestid(t, body, path, "state-"+string(src)); got != brief.Int(sum) {
					t.Errorf("%s %s: total %s, want %s (the published months of %s…%s)", path, src, got, brief.Int(sum), from, last)
				}
			}
		}
	}
	if !partial {
		t.Log("no source has a partial window in the bundled data; the partial label is not exercised")
	}
}

func mustTestid(t *testing.T, body, path, id string) string {
	t.Helper()
	s, ok := testidText(body, id)
	if !ok {
		t.Errorf("%s: no data-testid=%q", path, id)
	}
	return s
}

// The newest carpetas hold January–March 2026 and nothing of 2025: "the
// most since" must name 2025 as not published rather than skip it, and the
// year-on-year line must say why it is missing.
func TestHighestNamesUnpublishedYear(t *testing.T) {
	s := testServer(t)
	for _, c := range []struct {
		lang locale.Lang
		want []string
	}{
		{locale.ES, []string{"Mayor que 2024 (mismos meses); 2025 no publicado", "Sin comparación: enero–marzo 2025 no publicados"}},
		{locale.EN, []string{"Higher than 2024 (same months); 2025 not published", "No comparison: January–March 2025 not published"}},
	} {
		body := html.UnescapeString(get(t, s, "/analisis?from=2026-01&to=2026-03&lang="+string(c.lang)).Body.String())
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("/analisis 2026-01…03 (%s) lacks %q", c.lang, w)
			}
		}
		if strings.Contains(body, "desde 2023") || strings.Contains(body, "since 2023") {
			t.Errorf("/analisis 2026-01…03 (%s) still says the most since 2023", c.lang)
		}
	}
}

var verbRE = regexp.MustCompile(`%[-+#0]*[0-9]*(\.[0-9]+)?[vTtbcdoOqxXUeEfFgGsp%]`)

// The two catalogs hold the same keys, and each key the same format verbs
// in the same order (a missing %d shows as "%!d(MISSING)" on a page).
func TestCatalogsKeyByKey(t *testing.T) {
	es, en := locale.Keys(locale.ES), locale.Keys(locale.EN)
	slices.Sort(es)
	slices.Sort(en)
	for _, k := range es {
		if _, ok := slices.BinarySearch(en, k); !ok {
			t.Errorf("key %q is in es.json but not in en.json", k)
			continue
		}
		ve, vn := verbRE.FindAllString(locale.T(locale.ES, k), -1), verbRE.FindAllString(locale.T(locale.EN, k), -1)
		if !slices.Equal(ve, vn) {
			t.Errorf("key %q: verbs %q in es, %q in en", k, ve, vn)
		}
	}
	for _, k := range en {
		if _, ok := slices.BinarySearch(es, k); !ok {
			t.Errorf("key %q is in en.json but not in es.json", k)
		}
	}
}

// spanishData are SESNSP's Spanish data labels and Vigía's own Spanish
// words that an English page must not show.
var spanishData = []string{"Entidades pequeñas", "Mujer", "Hombre", "Menores de edad", "No identificado", "No especificado",
	"Adultos (18", "Sin datos", "Trata de personas con fines", "Trata de personas con otros fines", "Lo más alto", "no publicado", "meses publicados"}

// englishErrors are fragments of English error messages a Spanish page
// must not show.
var englishErrors = []string{"YYYY-MM", "must not", "not an INEGI", "want a SESNSP", "INEGI codes run", ": use carpetas or", "trata, comparable or", "measure \"", "from \"", "to \""}

// visibleText is a page's text as a reader (or a screen reader) gets it:
// tags dropped, entities decoded; SVG <title> tooltips included.
func visibleText(body string) string {
	body = regexp.MustCompile(`(?s)<script.*?</script>`).ReplaceAllString(body, " ")
	body = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(body, " ")
	return html.UnescapeString(body)
}

// English pages show no Spanish data label, and error messages are in the
// page's language.
func TestPagesSpeakOneLanguage(t *testing.T) {
	s := testServer(t)
	pages := []string{"/", "/?fuente=carpetas", "/estados", "/estados?fuente=carpetas", "/analisis", "/analisis?from=2026-01&to=2026-03",
		"/analisis?from=2025-04&to=2026-03", "/analisis?from=2022-01&to=2022-06&states=02,08,19&vintage=jun22", "/datos", "/metodologia"}
	for _, st := range sesnsp.States {
		pages = append(pages, "/estados/"+strings.ToLower(st.ISO))
	}
	for _, p := range pages {
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		text := visibleText(get(t, s, p+sep+"lang=en").Body.String())
		for _, w := range spanishData {
			if i := strings.Index(text, w); i >= 0 {
				t.Errorf("%s (en) shows Spanish %q: …%s…", p, w, strings.TrimSpace(text[max(0, i-40):min(len(text), i+40)]))
			}
		}
	}
	bad := []string{"/analisis?from=2022-13&to=2022-06", "/analisis?from=2022-06&to=2022-01", "/analisis?from=2022-01&to=2022-06&states=atlantis",
		"/analisis?from=2022-01&to=2022-06&vintage=xyz", "/analisis?from=2022-01&to=2022-06&medida=otra", "/?medida=otra", "/estados?fuente=otra",
		"/estados/mx-roo?medida=otra"}
	for _, p := range bad {
		for _, l := range []locale.Lang{locale.ES, locale.EN} {
			w := get(t, s, p+"&lang="+string(l))
			if w.Code != 400 {
				t.Errorf("%s (%s): status %d, want 400", p, l, w.Code)
			}
			text := visibleText(w.Body.String())
			if l == locale.ES {
				for _, e := range englishErrors {
					if strings.Contains(text, e) {
						t.Errorf("%s (es) shows English %q", p, e)
					}
				}
			} else {
				for _, e := range []string{"escriba", "carpetas o victimas", "comparable o trafico", "AAAA", "medida «", "fuente «"} {
					if strings.Contains(text, e) {
						t.Errorf("%s (en) shows Spanish %q", p, e)
					}
				}
			}
		}
	}
}

// Coverage labels in both languages, across a year boundary and with a gap.
func TestCoverageLabel(t *testing.T) {
	for _, c := range []struct {
		lang, from, to string
		unpub          []string
		want           string
	}{
		{"es", "2025-04", "2026-03", months("2025-04", "2025-12"), "enero–marzo 2026: 3 de 12 meses publicados"},
		{"en", "2025-04", "2026-03", months("2025-04", "2025-12"), "January–March 2026: 3 of 12 months published"},
		{"es", "2025-11", "2026-02", nil, ""},
		{"es", "2025-10", "2026-03", []string{"2025-10", "2026-03"}, "noviembre 2025 – febrero 2026: 4 de 6 meses publicados"},
		{"es", "2024-01", "2024-06", []string{"2024-03"}, "enero–febrero 2024, abril–junio 2024: 5 de 6 meses publicados"},
	} {
		if got := brief.Coverage(c.lang, c.from, c.to, c.unpub); got != c.want {
			t.Errorf("Coverage(%s, %s…%s, %v) = %q, want %q", c.lang, c.from, c.to, c.unpub, got, c.want)
		}
	}
}

func months(from, to string) []string {
	var out []string
	for m := parseYM(from); m <= parseYM(to); m++ {
		out = append(out, m.String())
	}
	return out
}
