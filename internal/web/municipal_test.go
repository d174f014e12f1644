package web

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

// No real SESNSP municipal file is bundled (data/sesnsp/SOURCES.md says
// why), so these tests import two SYNTHETIC files in the real layouts: an
// IDM_NM municipal incidence file (release jun24, all of 2023 and January–
// June 2024) and a sparse RNID Víctimas Municipal file (feb2026). The
// counts are made up; the codes and names are INEGI's. Expected figures are
// computed from the fixture text with encoding/csv, not from Vigía's reader.

const synthIncidencia = "Año,Clave_Ent,Entidad,Cve. Municipio,Municipio,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\n" +
	"2023,2,Baja California,2004,Tijuana,La sociedad,Trata de personas,Trata de personas,Trata de personas,1,2,3,4,5,6,7,8,9,10,11,12\n" +
	"2023,2,Baja California,2002,Mexicali,La sociedad,Trata de personas,Trata de personas,Trata de personas,0,0,0,0,0,0,0,0,0,0,0,0\n" +
	"2023,2,Baja California,2001,Ensenada,Libertad personal,Tráfico de menores,Tráfico de menores,Tráfico de menores,0,0,1,0,0,0,0,0,0,0,0,0\n" +
	"2024,2,Baja California,2004,Tijuana,La sociedad,Trata de personas,Trata de personas,Trata de personas,2,0,1,3,0,4,,,,,,\n" +
	"2024,2,Baja California,2002,Mexicali,La sociedad,Trata de personas,Trata de personas,Trata de personas,1,1,0,0,0,2,,,,,,\n" +
	"2024,2,Baja California,2001,Ensenada,Libertad personal,Tráfico de menores,Tráfico de menores,Tráfico de menores,0,0,1,0,0,0,,,,,,\n" +
	"2024,2,Baja California,2998,Otros municipios,La sociedad,Trata de personas,Trata de personas,Trata de personas,0,0,0,0,5,0,,,,,,\n" +
	"2024,8,Chihuahua,8037,Juárez,La sociedad,Trata de personas,Trata de personas,Trata de personas,3,0,0,0,0,0,,,,,,\n"

const synthVictimas = "Año,Clave_Ent,Entidad,Cve. Municipio,Municipio,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Sexo,Rango de edad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\n" +
	"2026,2,Baja California,2004,Tijuana,La sociedad,Trata de personas,Trata de personas con fines de explotación sexual,Trata de personas con fines de explotación sexual,Mujer,13 a 17 años,1,2,,,,,,,,,,\n" +
	"2026,2,Baja California,2999,No especificado,La sociedad,Trata de personas,Trata de personas con otros fines,Trata de personas con otros fines,No identificado,No especificado,1,0,,,,,,,,,,\n"

// fixtureSum adds the trafficking cells of a fixture for one state, for
// municipalities accepted by keep, over the months from…to (inclusive).
func fixtureSum(t *testing.T, text string, ent int, keep func(mun int) bool, from, to sesnsp.YM) int64 {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	first := len(recs[0]) - 12
	var n int64
	for _, r := range recs[1:] {
		y, _ := strconv.Atoi(r[0])
		e, _ := strconv.Atoi(r[1])
		mun, _ := strconv.Atoi(r[3])
		if e != ent || r[6] != "Trata de personas" || !keep(mun) {
			continue
		}
		for i := range 12 {
			m := sesnsp.MakeYM(y, i+1)
			if m < from || m > to || r[first+i] == "" {
				continue
			}
			v, _ := strconv.Atoi(r[first+i])
			n += int64(v)
		}
	}
	return n
}

// munServer is the observatory over a store holding only the two synthetic
// municipal files.
func munServer(t *testing.T) *Server {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "mun.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for name, text := range map[string]string{
		"IDM_NM_jun24.csv":                         synthIncidencia,
		"RNID-Víctimas_Municipal-2026-feb2026.csv": synthVictimas,
	} {
		f, err := sesnsp.Read(name, strings.NewReader(text), sesnsp.Options{Keep: sesnsp.Stored})
		if err != nil {
			t.Fatal(err)
		}
		if f.Level != sesnsp.Municipal {
			t.Fatalf("%s read as %s", name, f.Level)
		}
		if _, _, err := st.Import(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	pop, err := ingest.Population()
	if err != nil {
		t.Fatal(err)
	}
	return New(st, pop, testScreener(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func getPage(t *testing.T, s *Server, path string) (int, string) {
	t.Helper()
	rec := get(t, s, path)
	return rec.Code, rec.Body.String()
}

func munTestid(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`data-testid="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no element %q in page", id)
	}
	return strings.TrimSpace(m[1])
}

func TestMunicipalityPage(t *testing.T) {
	s := munServer(t)
	from, to := sesnsp.MakeYM(2023, 7), sesnsp.MakeYM(2024, 6)
	tijuana := fixtureSum(t, synthIncidencia, 2, func(m int) bool { return m == 2004 }, from, to)
	victims := fixtureSum(t, synthVictimas, 2, func(m int) bool { return m == 2004 }, sesnsp.MakeYM(2025, 3), sesnsp.MakeYM(2026, 2))
	if tijuana != 67 || victims != 3 {
		t.Fatalf("fixture sums %d, %d: the fixture changed", tijuana, victims)
	}
	for _, tc := range []struct {
		lang, carpetasPeriod, victimasPeriod, rank string
	}{
		{"es", "julio 2023 – junio 2024", "marzo 2025 – febrero 2026 (enero–febrero 2026: 2 de 12 meses publicados)", "Lugar 1 de 2 municipios con casos en Baja California"},
		{"en", "July 2023 – June 2024", "March 2025 – February 2026 (January–February 2026: 2 of 12 months published)", "Rank 1 of 2 municipalities with cases in Baja California"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			code, body := getPage(t, s, "/municipios/02004?lang="+tc.lang)
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			if !strings.Contains(body, "<h1>Tijuana") || !strings.Contains(body, `href="/estados/MX-BCN?lang=`+tc.lang+`"`) {
				t.Error("name or state link missing")
			}
			if got := munTestid(t, body, "mun-carpetas"); got != strconv.FormatInt(tijuana, 10) {
				t.Errorf("carpetas = %s, want %d", got, tijuana)
			}
			if got := munTestid(t, body, "mun-period-carpetas"); got != tc.carpetasPeriod {
				t.Errorf("carpetas period %q, want %q", got, tc.carpetasPeriod)
			}
			if got := munTestid(t, body, "mun-victimas"); got != strconv.FormatInt(victims, 10) {
				t.Errorf("victimas = %s, want %d", got, victims)
			}
			if got := munTestid(t, body, "mun-period-victimas"); got != tc.victimasPeriod {
				t.Errorf("victimas period %q, want %q", got, tc.victimasPeriod)
			}
			if !strings.Contains(body, tc.rank) {
				t.Errorf("rank text %q missing", tc.rank)
			}
			// By year: 2023 whole (78 in 12 months), 2024 half (10 in 6 months).
			y23 := fixtureSum(t, synthIncidencia, 2, func(m int) bool { return m == 2004 }, sesnsp.MakeYM(2023, 1), sesnsp.MakeYM(2023, 12))
			y24 := fixtureSum(t, synthIncidencia, 2, func(m int) bool { return m == 2004 }, sesnsp.MakeYM(2024, 1), sesnsp.MakeYM(2024, 12))
			for _, want := range []string{
				`<th scope="row">2023</th><td class="num">` + strconv.FormatInt(y23, 10) + `</td><td class="num">12 `,
				`<th scope="row">2024</th><td class="num">` + strconv.FormatInt(y24, 10) + `</td><td class="num">6 `,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("year row %q missing", want)
				}
			}
		})
	}
}

func TestMunicipalityNotFound(t *testing.T) {
	s := munServer(t)
	for _, p := range []string{"/municipios/02998", "/municipios/02999", "/municipios/99001", "/municipios/2004", "/municipios/tijua"} {
		if code, _ := getPage(t, s, p); code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, code)
		}
	}
}

func TestStateMunicipalTable(t *testing.T) {
	s := munServer(t)
	from, to := sesnsp.MakeYM(2023, 7), sesnsp.MakeYM(2024, 6)
	all := func(int) bool { return true }
	total := fixtureSum(t, synthIncidencia, 2, all, from, to)
	nomun := fixtureSum(t, synthIncidencia, 2, catchAll, from, to)
	mexicali := fixtureSum(t, synthIncidencia, 2, func(m int) bool { return m == 2002 }, from, to)
	for _, tc := range []struct{ lang, nomunText, caption string }{
		{"es", "Sin municipio asignado (código genérico del SESNSP)", "Carpetas de investigación: julio 2023 – junio 2024. Cortes: jun24"},
		{"en", "No municipality assigned (SESNSP catch-all code)", "Investigations: July 2023 – June 2024. Releases: jun24"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			code, body := getPage(t, s, "/estados/MX-BCN?lang="+tc.lang)
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			if got := munTestid(t, body, "mun-total-carpetas"); got != strconv.FormatInt(total, 10) {
				t.Errorf("state total in municipal file = %s, want %d", got, total)
			}
			if !strings.Contains(body, tc.caption) {
				t.Errorf("caption %q missing", tc.caption)
			}
			for _, want := range []string{
				`<a href="/municipios/02004?lang=` + tc.lang + `">Tijuana</a></th><td>02004</td><td class="num">67</td>`,
				`<a href="/municipios/02002?lang=` + tc.lang + `">Mexicali</a></th><td>02002</td><td class="num">` + strconv.FormatInt(mexicali, 10) + `</td>`,
				tc.nomunText + `</th><td>—</td><td class="num">` + strconv.FormatInt(nomun, 10) + `</td>`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("row %q missing", want)
				}
			}
			// Tijuana (more cases) comes before Mexicali; Ensenada has only
			// Tráfico de menores, which the trafficking measure does not count.
			if strings.Index(body, "/municipios/02004") > strings.Index(body, "/municipios/02002") {
				t.Error("rows not sorted by count")
			}
			if strings.Contains(body, "/municipios/02001") || strings.Contains(body, "Juárez") {
				t.Error("a municipality with no trafficking case, or of another state, is listed")
			}
			if got := munTestid(t, body, "mun-total-victimas"); got != "4" {
				t.Errorf("victims total = %s, want 4 (catch-all bucket included)", got)
			}
		})
	}
}

// Over the bundled releases, which hold no municipal file, the pages say so
// and the state page has no municipal table.
func TestMunicipalityWithoutMunicipalData(t *testing.T) {
	s := testServer(t)
	code, body := getPage(t, s, "/municipios/02004")
	if code != http.StatusOK || !strings.Contains(body, `data-testid="mun-none"`) {
		t.Fatalf("status %d, or no 'no municipal file' notice", code)
	}
	if _, body := getPage(t, s, "/estados/MX-BCN"); strings.Contains(body, `data-testid="mun-table-`) {
		t.Error("municipal table shown with no municipal release")
	}
}

// The state's measure follows the links to the municipality pages.
func TestStateMunicipalTableKeepsMeasure(t *testing.T) {
	s := munServer(t)
	_, body := getPage(t, s, "/estados/MX-BCN?lang=en&medida=comparable")
	if !strings.Contains(body, `href="/municipios/02004?lang=en&amp;medida=comparable"`) {
		t.Errorf("measure lost on the link to the municipality: %q", regexp.MustCompile(`href="/municipios/02004[^"]*"`).FindString(body))
	}
	code, body := getPage(t, s, "/municipios/02004?lang=en&medida=comparable")
	if code != http.StatusOK || !strings.Contains(body, "Human trafficking (comparable series)") {
		t.Errorf("status %d, or measure not named", code)
	}
}
