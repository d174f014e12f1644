package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/storetest"
)

type result struct {
	stdout, stderr string
	err            error
}

func runVigia(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return result{out.String(), errb.String(), err}
}

const hdr = "Año,Clave_Ent,Entidad,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\n"

func TestCLI(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			db := be.Target(t)
			env := map[string]string{"VIGIA_DATABASE_URL": db}
			dir := t.TempDir()

			// A synthetic release with a bad cell on line 3: nothing of it may land.
			bad := filepath.Join(dir, "IDEFC_NM_ene27.csv")
			os.WriteFile(bad, []byte(hdr+
				"2027,1,Aguascalientes,La sociedad,Trata de personas,Trata de personas,Trata de personas,5,,,,,,,,,,,\n"+
				"2027,2,Baja California,La sociedad,Trata de personas,Trata de personas,Trata de personas,cinco,,,,,,,,,,,\n"), 0o644)
			r := runVigia(t, env, "import", bad)
			if r.err == nil || !strings.Contains(r.stderr, `IDEFC_NM_ene27.csv: line 3, column \"Enero\", value \"cinco\"`) {
				t.Fatalf("bad import: err %v\nstderr: %s", r.err, r.stderr)
			}
			r = runVigia(t, env, "brief", "--from", "2027-01", "--to", "2027-01", "--format", "json")
			if r.err != nil {
				t.Fatal(r.err)
			}
			var b struct {
				Carpetas struct {
					Available bool   `json:"available"`
					Total     *int64 `json:"total"`
				} `json:"carpetas"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &b); err != nil {
				t.Fatal(err)
			}
			if b.Carpetas.Available || b.Carpetas.Total != nil {
				t.Fatalf("a failed import left data behind: %s", r.stdout)
			}

			good := filepath.Join(dir, "IDEFC_NM_feb27.csv")
			os.WriteFile(good, []byte(hdr+
				"2027,1,Aguascalientes,La sociedad,Trata de personas,Trata de personas,Trata de personas,5,6,,,,,,,,,,\n"), 0o644)
			r = runVigia(t, env, "import", good)
			if r.err != nil || !strings.Contains(r.stdout, "imported — release feb2027") {
				t.Fatalf("import: %v\n%s%s", r.err, r.stdout, r.stderr)
			}
			r = runVigia(t, env, "import", good)
			if r.err != nil || !strings.Contains(r.stdout, "already held") {
				t.Fatalf("re-import: %v\n%s", r.err, r.stdout)
			}
			r = runVigia(t, env, "brief", "--from", "2027-01", "--to", "2027-02", "--states", "Aguascalientes", "--format", "markdown")
			if r.err != nil || !strings.Contains(r.stdout, "Total: 11") || !strings.Contains(r.stdout, "feb2027") {
				t.Fatalf("brief: %v\n%s", r.err, r.stdout)
			}
			r = runVigia(t, env, "releases")
			if r.err != nil || !strings.Contains(r.stdout, "feb2027") || !strings.Contains(r.stdout, "jun22") {
				t.Fatalf("releases: %v\n%s", r.err, r.stdout)
			}
			r = runVigia(t, env, "revisions", "--source", "carpetas", "--from-vintage", "ene2026", "--to-vintage", "feb2026")
			if r.err != nil || !strings.Contains(r.stdout, "2026-01  38") || !strings.Contains(r.stdout, "+4") {
				t.Fatalf("revisions: %v\n%s", r.err, r.stdout)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	env := map[string]string{"VIGIA_DATABASE_URL": filepath.Join(t.TempDir(), "x.db")}
	cases := [][]string{
		{},
		{"nope"},
		{"brief"},
		{"brief", "--from", "2022-13", "--to", "2022-06"},
		{"brief", "--from", "2022-01", "--to", "2022-06", "--states", "Atlantis"},
		{"brief", "--from", "2022-01", "--to", "2022-06", "--vintage", "jun"},
		{"brief", "--from", "2022-01", "--to", "2022-06", "--format", "pdf"},
		{"import"},
	}
	for _, args := range cases {
		r := runVigia(t, env, args...)
		if r.err == nil || exitCode(r.err) != 2 {
			t.Errorf("vigia %v: err %v, want a usage error", args, r.err)
		}
	}
}
