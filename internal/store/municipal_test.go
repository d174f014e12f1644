package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

const munHdr = "Año,Clave_Ent,Entidad,Cve. Municipio,Municipio,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\n"

// Municipal counts come from municipal releases only, each month whole from
// the newest one that holds it; state releases never answer them.
// (Synthetic files, not SESNSP's.)
func TestMunicipalCells(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, be.Target(t))
			read := func(name, text string) {
				f, err := sesnsp.Read(name, strings.NewReader(text), sesnsp.Options{Keep: sesnsp.Stored})
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := st.Import(ctx, f); err != nil {
					t.Fatal(err)
				}
			}
			read("IDM_NM_feb24.csv", munHdr+
				"2024,2,Baja California,2004,Tijuana,La sociedad,Trata de personas,Trata de personas,Trata de personas,1,2,,,,,,,,,,\n"+
				"2024,2,Baja California,2998,Otros,La sociedad,Trata de personas,Trata de personas,Trata de personas,0,7,,,,,,,,,,\n")
			read("IDM_NM_mar24.csv", munHdr+
				"2024,2,Baja California,2004,Tijuana,La sociedad,Trata de personas,Trata de personas,Trata de personas,1,3,4,,,,,,,,,\n"+
				"2024,2,Baja California,2002,Mexicali,La sociedad,Trata de personas,Trata de personas,Trata de personas,0,0,9,,,,,,,,,\n")
			read("IDEFC_NM_abr24.csv", hdr+"2024,2,Baja California,La sociedad,Trata de personas,Trata de personas,Trata de personas,50,50,50,50,,,,,,,,\n")

			last, err := st.LastMunicipal(ctx, sesnsp.Carpetas)
			if err != nil || last != sesnsp.MakeYM(2024, 3) {
				t.Fatalf("last municipal month %s, %v; want 2024-03 (the state file's April is not municipal)", last, err)
			}
			res, err := st.MunicipalCells(ctx, store.MunQuery{Source: sesnsp.Carpetas, Tipos: []string{"Trata de personas"},
				From: sesnsp.MakeYM(2024, 1), To: sesnsp.MakeYM(2024, 4), Ent: 2})
			if err != nil {
				t.Fatal(err)
			}
			got := map[int]int64{}
			for _, r := range res.Rows {
				got[r.Mun] += r.Value
			}
			// mar24 answers January–March: the feb24 bucket 2998 is not summed in.
			if got[2004] != 8 || got[2002] != 9 || got[2998] != 0 || len(res.Used) != 1 || res.Used[0].Vintage != "mar24" {
				t.Errorf("got %v from %v", got, res.Used)
			}
			if _, ok := res.ByMonth[sesnsp.MakeYM(2024, 4)]; ok {
				t.Error("April is published only at state level")
			}
			one, err := st.MunicipalCells(ctx, store.MunQuery{Source: sesnsp.Carpetas, Tipos: []string{"trata de personas"},
				From: sesnsp.MakeYM(2024, 1), To: sesnsp.MakeYM(2024, 3), Ent: 2, Mun: 2002})
			if err != nil {
				t.Fatal(err)
			}
			// Published zeros are kept: January and February are 0, not missing.
			if len(one.Rows) != 3 || one.Rows[2].Value != 9 || one.Rows[2].Month != sesnsp.MakeYM(2024, 3) || one.Rows[0].Mun != 2002 {
				t.Errorf("Mexicali rows %v", one.Rows)
			}
		})
	}
}
