package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

const hdr = "Año,Clave_Ent,Entidad,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\n"

// synthetic builds a small incidence file (synthetic data, not SESNSP's):
// every state has `per` trata cases in each published month of year.
func synthetic(t testing.TB, name string, year, months, per int) *sesnsp.File {
	t.Helper()
	var b strings.Builder
	b.WriteString(hdr)
	for ent := 1; ent <= 32; ent++ {
		for _, tipo := range []string{"Trata de personas", "Robo"} {
			fmt.Fprintf(&b, "%d,%d,X,La sociedad,%s,%s,%s", year, ent, tipo, tipo, tipo)
			for m := 1; m <= 12; m++ {
				if m <= months {
					fmt.Fprintf(&b, ",%d", per)
				} else {
					b.WriteString(",")
				}
			}
			b.WriteString("\n")
		}
	}
	f, err := sesnsp.Read(name, strings.NewReader(b.String()), sesnsp.Options{Keep: sesnsp.Stored})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func national(t testing.TB, st *store.Store, q store.Query) map[sesnsp.YM]int64 {
	t.Helper()
	res, err := st.Cells(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	out := map[sesnsp.YM]int64{}
	for _, r := range res.Rows {
		out[r.Month] += r.Value
	}
	return out
}

func TestStore(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			t.Run("ImportIsIdempotent", func(t *testing.T) { testIdempotent(t, be.Target(t)) })
			t.Run("NewestReleasePerMonth", func(t *testing.T) { testNewest(t, be.Target(t)) })
			t.Run("OverlapRejected", func(t *testing.T) { testOverlap(t, be.Target(t)) })
			t.Run("CancelledImportLeavesNothing", func(t *testing.T) { testCancelled(t, be.Target(t)) })
			t.Run("ConcurrentImports", func(t *testing.T) { testConcurrent(t, be.Target(t)) })
			t.Run("ReopenKeepsSchema", func(t *testing.T) { testReopen(t, be.Target(t)) })
		})
	}
}

func testIdempotent(t *testing.T, target string) {
	st := storetest.Open(t, target)
	ctx := context.Background()
	f := synthetic(t, "IDEFC_NM_mar22.csv", 2022, 3, 2)
	r1, isNew, err := st.Import(ctx, f)
	if err != nil || !isNew {
		t.Fatalf("first import: new=%v err=%v", isNew, err)
	}
	r2, isNew, err := st.Import(ctx, f)
	if err != nil || isNew || r2.ID != r1.ID {
		t.Fatalf("second import: new=%v id %d vs %d err=%v", isNew, r2.ID, r1.ID, err)
	}
	rs, _ := st.Releases(ctx)
	if len(rs) != 1 || rs[0].Vintage != "mar22" || rs[0].Cells != 32*3 || rs[0].First != sesnsp.MakeYM(2022, 1) || rs[0].Last != sesnsp.MakeYM(2022, 3) {
		t.Fatalf("releases = %+v", rs)
	}
	got := national(t, st, store.Query{Source: sesnsp.Carpetas, Tipos: []string{"trata de personas"}, From: sesnsp.MakeYM(2022, 1), To: sesnsp.MakeYM(2022, 12)})
	if len(got) != 3 || got[sesnsp.MakeYM(2022, 2)] != 64 {
		t.Errorf("national = %v, want three months of 64", got)
	}
}

func testNewest(t *testing.T, target string) {
	st := storetest.Open(t, target)
	ctx := context.Background()
	old := synthetic(t, "IDEFC_NM_feb22.csv", 2022, 2, 1)
	cur := synthetic(t, "IDEFC_NM_mar22.csv", 2022, 3, 2)
	for _, f := range []*sesnsp.File{cur, old} { // order of import must not matter
		if _, _, err := st.Import(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	q := store.Query{Source: sesnsp.Carpetas, Tipos: []string{"Trata de personas"}, From: sesnsp.MakeYM(2022, 1), To: sesnsp.MakeYM(2022, 4)}
	got := national(t, st, q)
	if got[sesnsp.MakeYM(2022, 1)] != 64 || got[sesnsp.MakeYM(2022, 3)] != 64 {
		t.Errorf("newest: %v, want 64 from mar22", got)
	}
	if _, ok := got[sesnsp.MakeYM(2022, 4)]; ok {
		t.Error("April is published in no release but has a value")
	}
	q.Vintage = "feb2022" // the same release as feb22
	got = national(t, st, q)
	if got[sesnsp.MakeYM(2022, 1)] != 32 || len(got) != 2 {
		t.Errorf("as of feb22: %v, want two months of 32", got)
	}
	q.Vintage = "ene22"
	if got := national(t, st, q); len(got) != 0 {
		t.Errorf("a release not held answered %v", got)
	}
}

func testOverlap(t *testing.T, target string) {
	st := storetest.Open(t, target)
	ctx := context.Background()
	if _, _, err := st.Import(ctx, synthetic(t, "IDEFC_NM_mar22.csv", 2022, 3, 2)); err != nil {
		t.Fatal(err)
	}
	// Same release, other bytes (a re-saved copy): summing both would double count.
	_, _, err := st.Import(ctx, synthetic(t, "copia_mar22.csv", 2022, 3, 3))
	if !errors.Is(err, store.ErrOverlap) {
		t.Fatalf("err = %v, want ErrOverlap", err)
	}
	// A file of the same release for other months (the re-issue beside the
	// RNID file) is fine.
	if _, _, err := st.Import(ctx, synthetic(t, "reedicion_mar22.csv", 2021, 12, 1)); err != nil {
		t.Fatalf("disjoint months of the same release: %v", err)
	}
}

func testCancelled(t *testing.T, target string) {
	st := storetest.Open(t, target)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := st.Import(ctx, synthetic(t, "IDEFC_NM_mar22.csv", 2022, 3, 2)); err == nil {
		t.Fatal("import with a cancelled context succeeded")
	}
	rs, err := st.Releases(context.Background())
	if err != nil || len(rs) != 0 {
		t.Fatalf("after a failed import: %v releases, err %v", len(rs), err)
	}
	got := national(t, st, store.Query{Source: sesnsp.Carpetas, Tipos: []string{"Trata de personas"}, From: sesnsp.MakeYM(2022, 1), To: sesnsp.MakeYM(2022, 12)})
	if len(got) != 0 {
		t.Fatalf("cells left behind: %v", got)
	}
}

// Two processes importing at once: each file lands whole, the same file
// lands once, and the store stays consistent.
func testConcurrent(t *testing.T, target string) {
	a := storetest.Open(t, target)
	b := storetest.Open(t, target)
	files := []*sesnsp.File{
		synthetic(t, "IDEFC_NM_ene22.csv", 2022, 1, 1),
		synthetic(t, "IDEFC_NM_feb22.csv", 2022, 2, 1),
		synthetic(t, "IDEFC_NM_mar22.csv", 2022, 3, 1),
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(files))
	for _, st := range []*store.Store{a, b} {
		for _, f := range files {
			wg.Go(func() {
				_, _, err := st.Import(context.Background(), f)
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	rs, err := a.Releases(context.Background())
	if err != nil || len(rs) != 3 {
		t.Fatalf("releases: %d, err %v", len(rs), err)
	}
	for _, r := range rs {
		if int(r.Cells) != 32*r.Last.Month() {
			t.Errorf("%s holds %d cells", r.Vintage, r.Cells)
		}
	}
}

func testReopen(t *testing.T, target string) {
	st := storetest.Open(t, target)
	if _, _, err := st.Import(context.Background(), synthetic(t, "IDEFC_NM_mar22.csv", 2022, 3, 2)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	again := storetest.Open(t, target)
	rs, err := again.Releases(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("after reopening: %d releases, err %v", len(rs), err)
	}
}

func TestScreenedAds(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			st := storetest.Open(t, be.Target(t))
			ctx := context.Background()
			// Synthetic ads and tokens.
			ads := []store.ScreenedAd{
				{ExtID: "a1", Source: "cli", Batch: "b", Tier: "alto", Risk: 0.91, Flags: []string{"A1", "E1"}, Cluster: "c-a1", City: "Puebla", RulesVersion: "r", ModelVersion: "m",
					Identifiers: []store.AdIdentifier{{Kind: "phone", Token: "tok-1", Last4: "5678"}}},
				{ExtID: "a2", Source: "cli", Batch: "b", Tier: "bajo", Risk: 0.05, RulesVersion: "r", ModelVersion: "m",
					Identifiers: []store.AdIdentifier{{Kind: "phone", Token: "tok-1", Last4: "5678"}, {Kind: "email", Token: "tok-2"}}},
			}
			if err := st.SaveAds(ctx, ads); err != nil {
				t.Fatal(err)
			}
			got, err := st.AdsByToken(ctx, "tok-1", 10)
			if err != nil || len(got) != 2 || got[0].ExtID != "a2" || got[1].Cluster != "c-a1" || len(got[1].Flags) != 2 {
				t.Fatalf("by token: %+v, %v", got, err)
			}
			if got, _ := st.AdsByToken(ctx, "tok-2", 10); len(got) != 1 {
				t.Errorf("tok-2: %d ads", len(got))
			}
			cl := []store.AdCluster{{Batch: "b", ID: "c-a1", Size: 2, Cities: []string{"Puebla", "Tlaxcala"}, First: "2026-10-01", Last: "2026-10-03", TemplateEdges: 1, SharedTokens: []string{"tok-1"}}}
			if err := st.SaveClusters(ctx, cl); err != nil {
				t.Fatal(err)
			}
			if got, ok, err := st.Cluster(ctx, "b", "c-a1"); err != nil || !ok || got.Size != 2 || len(got.Cities) != 2 || got.SharedTokens[0] != "tok-1" {
				t.Errorf("cluster: %+v %v %v", got, ok, err)
			}
			if _, ok, _ := st.Cluster(ctx, "b", "c-none"); ok {
				t.Error("a cluster that was never saved was found")
			}
			bad := []store.ScreenedAd{{ExtID: "x", Source: "cli", Tier: "extremo"}}
			if err := st.SaveAds(ctx, bad); err == nil {
				t.Error("a tier outside bajo/medio/alto was stored")
			}
		})
	}
}
