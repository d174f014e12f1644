package ingest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/vigia-mx/vigia/data"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Seeding imports every bundled file once, completes an interrupted first
// seeding, and leaves out a bundled release the store holds from another copy.
func TestSeed(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// An interrupted first seeding: only the jun22 file landed.
	fh, _ := data.FS().Open(data.Releases[0].Path)
	v, _ := sesnsp.ParseVintage(data.Releases[0].Vintage)
	f, err := sesnsp.Read(data.Releases[0].Path, fh, sesnsp.Options{Vintage: v, Keep: sesnsp.Stored})
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Import(ctx, f); err != nil {
		t.Fatal(err)
	}
	n, err := Seed(ctx, st, quiet)
	if err != nil || n != len(data.Releases)-1 {
		t.Fatalf("seed after an interruption: %d files, %v", n, err)
	}
	if n, err := Seed(ctx, st, quiet); err != nil || n != 0 {
		t.Fatalf("second seed: %d files, %v", n, err)
	}
	rs, _ := st.Releases(ctx)
	if len(rs) != len(data.Releases) {
		t.Errorf("%d releases held, want %d", len(rs), len(data.Releases))
	}
}

func TestSeedLeavesOutAnotherCopy(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Another copy of the jun22 release (same months, other bytes; synthetic).
	const hdr = "Año,Clave_Ent,Entidad,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\n"
	f, err := sesnsp.ReadFile(writeTemp(t, "IDEFC_NM_jun22.csv", hdr+
		"2015,1,Aguascalientes,La sociedad,Trata de personas,Trata de personas,Trata de personas,1,1,1,1,1,1,1,1,1,1,1,1\n"+
		"2022,1,Aguascalientes,La sociedad,Trata de personas,Trata de personas,Trata de personas,1,1,1,1,1,1,,,,,,\n"), sesnsp.Options{Keep: sesnsp.Stored})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Import(ctx, f); err != nil {
		t.Fatal(err)
	}
	n, err := Seed(ctx, st, quiet)
	if err != nil || n != len(data.Releases)-1 {
		t.Fatalf("seed: %d files, %v", n, err)
	}
}
