package hotline

import (
	"encoding/json"
	"testing"
)

// FuzzValidate feeds arbitrary JSON reports (as a partner channel could
// send) to Validate: it must never panic, and a report it accepts must
// still be accepted after the normalisation it applied (idempotence).
func FuzzValidate(f *testing.F) {
	geo := testGeo(f)
	for _, s := range []string{
		`{"kind":"posible_trata","description":"[SINTÉTICO] x","state":21,"municipality":"21114","victims":[{"age_band":"13-17","sex":"mujer","nationality":"mx","groups":["indigena","indigena"]}]}`,
		`{"kind":"informacion","description":"  ","state":0}`,
		`{"kind":"otro_delito","description":"a","state":9,"when":"2026-02-30","contact":{"method":"telefono","value":""}}`,
		`{"kind":"x","exploitation":["esclavitud","nope"],"recruitment":[""]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Report
		if json.Unmarshal(b, &r) != nil {
			return
		}
		if err := r.Validate(geo); err != nil {
			if _, ok := err.(Errors); !ok {
				t.Fatalf("Validate returned %T, want Errors", err)
			}
			return
		}
		again := r
		if err := again.Validate(geo); err != nil {
			t.Fatalf("an accepted report fails a second validation: %v", err)
		}
	})
}

func testGeo(tb testing.TB) *Geography {
	tb.Helper()
	g, err := Bundled()
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func TestGeographyCatalog(t *testing.T) {
	g := testGeo(t)
	if g.Len() != 2475 {
		t.Fatalf("catalog has %d municipalities, want 2,475 (Marco Geoestadístico 2023)", g.Len())
	}
	m, ok := g.Municipality("21114")
	if !ok || m.State != 21 || m.Name != "Puebla" {
		t.Fatalf("21114 = %+v, %v", m, ok)
	}
	if len(g.InState(21)) != 217 {
		t.Fatalf("Puebla has %d municipalities, want 217", len(g.InState(21)))
	}
}
