package web

import (
	"html"
	"strings"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

func TestNewFreshness(t *testing.T) {
	ym := sesnsp.MakeYM
	rels := []store.Release{
		{Vintage: "jun22", Cutoff: ym(2022, 6), First: ym(2015, 1), Last: ym(2022, 6)},
		// A file that writes months after its cut-off (RNID from ago2026
		// writes them as 0): they are not covered.
		{Vintage: "mar2026", Cutoff: ym(2026, 3), First: ym(2026, 1), Last: ym(2026, 12)},
		{Vintage: "nov24", Cutoff: ym(2024, 11), First: ym(2015, 1), Last: ym(2024, 11)},
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(15 * time.Hour)
	}
	tests := []struct {
		name   string
		rels   []store.Release
		now    time.Time
		want   freshness
		noData bool
	}{
		{"fresh", rels, day("2026-04-20"), freshness{Vintage: "mar2026", Last: "2026-03", DaysBehind: 19}, false},
		{"edge", rels, day("2026-05-15"), freshness{Vintage: "mar2026", Last: "2026-03", DaysBehind: 44}, false},
		{"stale", rels, day("2026-05-17"), freshness{Vintage: "mar2026", Last: "2026-03", DaysBehind: 46, Stale: true}, false},
		{"long stale", rels, day("2026-12-06"), freshness{Vintage: "mar2026", Last: "2026-03", DaysBehind: 249, Stale: true}, false},
		{"clock before the data", rels, day("2026-03-10"), freshness{Vintage: "mar2026", Last: "2026-03"}, false},
		{"no releases", nil, day("2026-12-06"), freshness{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newFreshness(tt.rels, tt.now); got != tt.want {
				t.Errorf("newFreshness = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// The home page and /datos name the newest release and its last month and,
// only when that month is more than 45 days behind the request's day, say
// that newer releases exist and how to import them.
func TestFreshnessPages(t *testing.T) {
	tests := []struct {
		name  string
		now   time.Time
		stale bool
	}{
		{"fresh", time.Date(2026, 4, 25, 12, 0, 0, 0, time.UTC), false},
		{"stale", time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), true},
	}
	texts := map[string][3]string{ // current, stale, import
		"es": {"Corte más reciente: mar2026; datos hasta marzo 2026.", "días de atraso", "Quien opera este sitio puede importarlos con"},
		"en": {"Newest release: mar2026; data up to March 2026.", "days behind", "Whoever runs this site can import them with"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testServer(t)
			s.now = func() time.Time { return tt.now }
			for _, p := range []string{"/", "/datos"} {
				for lang, want := range texts {
					w := get(t, s, p+"?lang="+lang)
					if w.Code != 200 {
						t.Fatalf("%s (%s): status %d", p, lang, w.Code)
					}
					body := html.UnescapeString(w.Body.String())
					if !strings.Contains(body, want[0]) {
						t.Errorf("%s (%s): no %q", p, lang, want[0])
					}
					for _, s := range []string{want[1], want[2], `data-testid="stale"`, "vigia import https://"} {
						if strings.Contains(body, s) != tt.stale {
							t.Errorf("%s (%s): has %q = %t, want %t", p, lang, s, !tt.stale, tt.stale)
						}
					}
				}
			}
		})
	}
}

// A page cached one day is not served the next: the note depends on today.
func TestFreshnessCacheDay(t *testing.T) {
	s := testServer(t)
	now := time.Date(2026, 4, 25, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	tag := get(t, s, "/datos").Header().Get("ETag")
	if strings.Contains(get(t, s, "/datos").Body.String(), `data-testid="stale"`) {
		t.Fatal("fresh day: stale note")
	}
	now = now.AddDate(0, 1, 0)
	w := get(t, s, "/datos")
	if !strings.Contains(w.Body.String(), `data-testid="stale"`) {
		t.Error("a month later: the page cached the day before is still served")
	}
	if w.Header().Get("ETag") == tag {
		t.Error("a month later: same ETag")
	}
}

// Monthly charts that cross January 2026 mark the RNID break with a
// labelled rule and say beside them which measure is comparable.
func TestRNIDNote(t *testing.T) {
	s := testServer(t)
	tests := []struct {
		path, want, link string
	}{
		{"/?lang=es", "los meses anteriores y posteriores no cuentan lo mismo", "/?lang=es&medida=comparable"},
		{"/?lang=en", "the months before and after do not count the same thing", "/?lang=en&medida=comparable"},
		{"/estados/mx-roo?lang=es&fuente=carpetas", "La medida comparable a ambos lados es la serie comparable", "/estados/mx-roo?fuente=carpetas&lang=es&medida=comparable"},
		{"/?lang=es&medida=comparable", "Esta es la serie comparable a ambos lados", ""},
		{"/estados/mx-roo?lang=en&medida=comparable", "This is the series comparable across it", ""},
		{"/?lang=es&medida=trafico-menores", "los meses anteriores y posteriores no son estrictamente comparables", ""},
		{"/estados/mx-bcn?lang=en&medida=trafico-menores", "the months before and after are not strictly comparable", ""},
		{"/estados?lang=es&fuente=carpetas", "La medida comparable a ambos lados es la serie comparable", "/estados?fuente=carpetas&lang=es&medida=comparable"},
	}
	for _, tt := range tests {
		w := get(t, s, tt.path)
		if w.Code != 200 {
			t.Fatalf("%s: status %d", tt.path, w.Code)
		}
		body := w.Body.String()
		_, note, ok := strings.Cut(body, `data-testid="rnid-note">`)
		if !ok {
			t.Errorf("%s: no RNID note", tt.path)
			continue
		}
		note, _, _ = strings.Cut(note, "</p>")
		note = html.UnescapeString(note)
		if !strings.Contains(note, tt.want) {
			t.Errorf("%s: note %q lacks %q", tt.path, note, tt.want)
		}
		if tt.link != "" && !strings.Contains(note, `href="`+tt.link+`"`) {
			t.Errorf("%s: note %q lacks a link to %s", tt.path, note, tt.link)
		}
		if tt.link == "" && strings.Contains(note, "href=") {
			t.Errorf("%s: note %q links somewhere", tt.path, note)
		}
		if strings.HasPrefix(tt.path, "/estados?") {
			// 32 small multiples: a rule each, named in its tooltip only.
			if n := strings.Count(body, `<g class="break"><title>RNID 2026 2026-01</title>`); n != 32 {
				t.Errorf("%s: %d RNID 2026 rules, want 32", tt.path, n)
			}
			continue
		}
		// The rule on the chart, in both drawings (wide and phone).
		if n := strings.Count(body, ">RNID 2026</text>"); n != 2 {
			t.Errorf("%s: %d labelled RNID 2026 rules, want 2", tt.path, n)
		}
	}
}
