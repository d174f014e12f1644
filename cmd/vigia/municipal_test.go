package main

import (
	"archive/zip"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/web"
)

// An operator imports SESNSP's municipal zip (a SYNTHETIC one here, in the
// RNID Delitos Municipal layout, with the XLSX and PDF members SESNSP's zips
// carry) next to the bundled state file of the same release: the state
// figures still come from the state file, and the state page gains the
// table by municipality.
func TestImportMunicipalZip(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigia.db")
	env := map[string]string{"VIGIA_DATABASE_URL": db}
	page := func(path string) string {
		t.Helper()
		st, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		pop, err := ingest.Population()
		if err != nil {
			t.Fatal(err)
		}
		sc, err := screen.New([]byte("synthetic test key, 32 bytes...."))
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		web.New(st, pop, sc, slog.New(slog.NewTextHandler(io.Discard, nil))).ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			t.Fatalf("%s: status %d", path, rec.Code)
		}
		return rec.Body.String()
	}
	card := regexp.MustCompile(`data-testid="state-carpetas"[^>]*>([^<]*)<`)

	if r := runVigia(t, env, "releases"); r.err != nil { // seeds the bundled releases
		t.Fatal(r.err, r.stderr)
	}
	before := page("/estados/MX-BCN")
	if strings.Contains(before, `data-testid="mun-table-`) {
		t.Fatal("municipal table before any municipal file")
	}

	csv := "Año,Clave_Ent,Entidad,Cve. Municipio,Municipio,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\n" +
		"2026,02,Baja California,2004,Tijuana,La sociedad,Trata de personas,Trata de personas con fines de explotación sexual,Trata de personas con fines de explotación sexual,100,200,300,,,,,,,,,\n" +
		"2026,02,Baja California,2999,No especificado,La sociedad,Trata de personas,Trata de personas con otros fines,Trata de personas con otros fines,0,0,7,,,,,,,,,\n"
	path := filepath.Join(dir, "RNID-Delitos_Municipal-2026-mar2026.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range map[string]string{
		"RNID-Delitos_Municipal-2026-mar2026.csv":  csv,
		"RNID-Delitos_Municipal-2026-mar2026.xlsx": "not read",
		"Leeme.pdf": "not read",
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if r := runVigia(t, env, "import", path); r.err != nil {
		t.Fatal(r.err, r.stderr)
	}

	after := page("/estados/MX-BCN")
	b, a := card.FindStringSubmatch(before), card.FindStringSubmatch(after)
	if b == nil || a == nil || a[1] != b[1] {
		t.Errorf("state card changed by a municipal file of the same release: %v → %v", b, a)
	}
	for _, want := range []string{
		`data-testid="mun-table-carpetas"`,
		`<a href="/municipios/02004?lang=es">Tijuana</a></th><td>02004</td><td class="num">600</td>`,
		`<td class="num" data-testid="mun-total-carpetas">607</td>`,
		"enero–marzo 2026: 3 de 12 meses publicados",
	} {
		if !strings.Contains(after, want) {
			t.Errorf("state page lacks %q", want)
		}
	}
	if p := page("/municipios/02004?lang=en"); !strings.Contains(p, `data-testid="mun-carpetas">600<`) {
		t.Error("municipality page lacks Tijuana's 600")
	}
}
