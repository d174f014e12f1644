package brief_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// tmp outlives any one test, as the shared seeded stores do.
var tmp string

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	if tmp, err = os.MkdirTemp("", "vigia-brief-test"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(tmp)
	for _, drop := range sharedDrops {
		drop()
	}
	os.Exit(code)
}

// sharedDrops drop the PostgreSQL schemas of the shared seeded stores once
// every test has run (a schema tied to one test's cleanup would vanish under
// the tests that reuse the store).
var sharedDrops []func()

// sharedTarget returns a database for a seeded store shared by every test of
// the package: a file in tmp, or a PostgreSQL schema dropped by TestMain.
func sharedTarget(t *testing.T, be storetest.Backend) string {
	if be.Name != "postgres" {
		return filepath.Join(tmp, be.Name+"-seeded.db")
	}
	base := storetest.PostgresURL(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "vigia_brief_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	sharedDrops = append(sharedDrops, func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// seeded stores are shared by the tests of one backend: seeding reads every
// bundled release (about ten seconds).
var (
	seedMu sync.Mutex
	seeded = map[string]*store.Store{}
)

func seededStore(t *testing.T, be storetest.Backend) *store.Store {
	t.Helper()
	seedMu.Lock()
	defer seedMu.Unlock()
	if st, ok := seeded[be.Name]; ok {
		return st
	}
	st, err := store.Open(context.Background(), sharedTarget(t, be))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Seed(context.Background(), st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	seeded[be.Name] = st
	return st
}

func build(t *testing.T, st *store.Store, from, to sesnsp.YM, vintage, measure string, states ...int) *brief.Brief {
	t.Helper()
	pop, err := ingest.Population()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := sesnsp.MeasureByID(measure)
	b, err := brief.Build(context.Background(), st, pop, brief.Params{From: from, To: to, States: states, Vintage: vintage, Measure: m})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ym(y, m int) sesnsp.YM { return sesnsp.MakeYM(y, m) }

func val(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// The acceptance figures of DATA.md, on the real bundled files.
func TestAcceptance(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			st := seededStore(t, be)
			t.Run("jun22 carpetas H1 2022", func(t *testing.T) {
				b := build(t, st, ym(2022, 1), ym(2022, 6), "jun22", "trata", 2, 8, 19)
				c := b.Carpetas
				if val(c.Total) != int64(411) || val(c.PreviousYearTotal) != int64(334) || c.Vintage != "jun22" {
					t.Errorf("total %v prev %v vintage %v; want 411 334 jun22", val(c.Total), val(c.PreviousYearTotal), c.Vintage)
				}
				want := []int64{47, 90, 76, 55, 64, 79}
				for i, m := range c.Monthly {
					if m.Count != want[i] {
						t.Errorf("%s = %d, want %d", m.Month, m.Count, want[i])
					}
				}
				if c.Group == nil || c.Group.Total != 95 {
					t.Fatalf("group = %+v, want 95", c.Group)
				}
				for code, want := range map[string]int64{"02": 40, "08": 24, "19": 31} {
					for _, s := range c.ByState {
						if s.Code == code && s.Count != want {
							t.Errorf("state %s = %d, want %d", code, s.Count, want)
						}
					}
				}
				if b.Victimas.Available || b.Victimas.Total != nil || b.Victimas.Reason == nil {
					t.Errorf("jun22 has no victims file, yet victimas = %+v", b.Victimas)
				}
				if c.Rate == nil || !c.Rate.Annualised || fmtRate(c.Rate.Per100k) != "0.63" {
					t.Errorf("rate = %+v, want 0.63 annualised", c.Rate)
				}
				if c.Projection == nil || c.Projection.RunRate != 822 {
					t.Errorf("projection = %+v, want run rate 822", c.Projection)
				}
			})
			t.Run("jul23 victims", func(t *testing.T) {
				b := build(t, st, ym(2022, 1), ym(2022, 6), "jul23", "trata", 2, 8, 19)
				v := b.Victimas
				if val(v.Total) != int64(486) || val(v.PreviousYearTotal) != int64(408) || v.Group.Total != 122 {
					t.Errorf("victims %v prev %v group %d; want 486 408 122", val(v.Total), val(v.PreviousYearTotal), v.Group.Total)
				}
				y15 := build(t, st, ym(2015, 1), ym(2015, 12), "jul23", "trata").Victimas
				if val(y15.Total) != int64(1171) {
					t.Errorf("2015 = %v, want 1171", val(y15.Total))
				}
				y22 := build(t, st, ym(2022, 1), ym(2022, 12), "jul23", "trata").Victimas
				if val(y22.Total) != int64(936) || y22.HighestSince == nil || *y22.HighestSince != 2015 || y22.HighestBasis != "year" {
					t.Errorf("2022 = %v since %v; want 936, the most since 2015", val(y22.Total), y22.HighestSince)
				}
			})
			t.Run("jun25 victims", func(t *testing.T) {
				v := build(t, st, ym(2022, 1), ym(2022, 6), "jun25", "trata").Victimas
				if val(v.Total) != int64(490) {
					t.Errorf("H1 2022 = %v, want 490", val(v.Total))
				}
				for y, want := range map[int]int64{2022: 942, 2023: 936, 2024: 790} {
					if got := build(t, st, ym(y, 1), ym(y, 12), "", "trata").Victimas; val(got.Total) != want || got.Vintage != "jun25" {
						t.Errorf("%d = %v (%v), want %d from jun25", y, val(got.Total), got.Vintage, want)
					}
				}
				sex := map[string]int64{}
				for _, s := range v.BySex {
					sex[s.Key] = s.Count
				}
				if sex["Mujer"] != 331 || sex["Hombre"] != 76 || sex["No identificado"] != 83 {
					t.Errorf("by sex = %v", sex)
				}
			})
			t.Run("RNID carpetas Q1 2026", func(t *testing.T) {
				c := build(t, st, ym(2026, 1), ym(2026, 3), "", "trata").Carpetas
				if val(c.Total) != int64(156) || c.Vintage != "mar2026" {
					t.Fatalf("Q1 2026 = %v (%v), want 156 from mar2026", val(c.Total), c.Vintage)
				}
				for i, want := range []int64{42, 62, 52} {
					if c.Monthly[i].Count != want {
						t.Errorf("%s = %d, want %d", c.Monthly[i].Month, c.Monthly[i].Count, want)
					}
				}
				byState := map[string]int64{}
				for _, s := range c.ByState {
					byState[s.Code] = s.Count
				}
				if byState["23"] != 46 || byState["15"] != 33 {
					t.Errorf("Quintana Roo %d, México %d; want 46, 33", byState["23"], byState["15"])
				}
				sub := map[string]int64{}
				for _, s := range c.BySubtipo {
					sub[s.Key] = s.Count
				}
				for k, want := range map[string]int64{
					"Trata de personas con fines de explotación sexual":           40,
					"Trata de personas con fines de trabajo o servicios forzados": 16,
					"Trata de personas con fines de tráfico de órganos":           0,
					"Trata de personas con otros fines":                           100,
				} {
					if got, ok := sub[k]; !ok || got != want {
						t.Errorf("%s = %d (present %v), want %d", k, got, ok, want)
					}
				}
				comp := build(t, st, ym(2026, 1), ym(2026, 3), "", "comparable").Carpetas
				if val(comp.Total) != int64(239) {
					t.Errorf("comparable Q1 2026 = %v, want 239 (156 + 83)", val(comp.Total))
				}
			})
			t.Run("RNID January revision", func(t *testing.T) {
				ene := build(t, st, ym(2026, 1), ym(2026, 1), "ene2026", "trata").Carpetas
				feb := build(t, st, ym(2026, 1), ym(2026, 1), "feb2026", "trata").Carpetas
				if val(ene.Total) != int64(38) || val(feb.Total) != int64(42) {
					t.Fatalf("January 2026: ene2026 %v, feb2026 %v; want 38, 42", val(ene.Total), val(feb.Total))
				}
				if len(feb.Revisions) != 1 || feb.Revisions[0] != (brief.Revision{Month: "2026-01", Before: "ene2026", Old: 38, After: "feb2026", New: 42}) {
					t.Errorf("revisions = %+v, want January 38 (ene2026) → 42 (feb2026)", feb.Revisions)
				}
			})
			t.Run("newest release per month names every release", func(t *testing.T) {
				c := build(t, st, ym(2024, 1), ym(2026, 3), "", "trata").Carpetas
				names, ok := c.Vintage.([]string)
				if !ok || len(names) != 2 || names[0] != "nov24" || names[1] != "mar2026" {
					t.Errorf("vintage = %v, want [nov24 mar2026]", c.Vintage)
				}
				if len(c.Unpublished) != 13 { // Dec 2024 and all of 2025 are in no bundled carpetas release
					t.Errorf("unpublished = %v", c.Unpublished)
				}
			})
		})
	}
}

func fmtRate(x float64) string { return brief.Dec(x, 2) }

// Golden briefs: the text a journalist reads, in both languages and forms.
func TestGolden(t *testing.T) {
	st := seededStore(t, storetest.Backend{Name: "sqlite-golden", Target: func(testing.TB) string { return filepath.Join(tmp, "golden.db") }})
	cases := []struct {
		name    string
		vintage string
		format  brief.Format
		lang    string
	}{
		{"h1-2022-jun22.es.txt", "jun22", brief.Text, "es"},
		{"h1-2022-newest.es.md", "", brief.Markdown, "es"},
		{"h1-2022-newest.en.txt", "", brief.Text, "en"},
		{"h1-2022-jun22.json", "jun22", brief.JSON, "es"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := build(t, st, ym(2022, 1), ym(2022, 6), c.vintage, "trata", 2, 8, 19)
			var buf bytes.Buffer
			if err := b.Write(&buf, c.format, c.lang); err != nil {
				t.Fatal(err)
			}
			if c.format == brief.JSON && !json.Valid(buf.Bytes()) {
				t.Fatal("invalid JSON")
			}
			golden := filepath.Join("testdata", c.name)
			if *update {
				os.WriteFile(golden, buf.Bytes(), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("brief differs from %s (run with -update after checking):\n%s", golden, buf.String())
			}
		})
	}
}

// January–March 2026 of the carpetas: no bundled release holds 2025, so the
// brief must not say "the most since 2023" (2025 could be higher); it says
// what it can see and names the year it cannot, and the missing comparison
// with a year earlier says why.
func TestHighestSinceNamesUnpublishedYear(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			st := seededStore(t, be)
			b := build(t, st, ym(2026, 1), ym(2026, 3), "", "trata")
			c := b.Carpetas
			if c.HighestSince != nil || c.Record {
				t.Errorf("highest since %v, record %v; want neither (2025 not published)", val64(c.HighestSince), c.Record)
			}
			if fmt.Sprint(c.HigherThan) != "[2024]" || fmt.Sprint(c.HighestUnpublished) != "[2025]" {
				t.Errorf("higher than %v, unpublished %v; want [2024] [2025]", c.HigherThan, c.HighestUnpublished)
			}
			if c.PreviousYearTotal != nil || len(c.PreviousUnpublished) != 3 {
				t.Errorf("previous %v, unpublished %v; want none and 2025-01…03", val(c.PreviousYearTotal), c.PreviousUnpublished)
			}
			for lang, want := range map[string][]string{
				"es": {"Mayor que 2024 (mismos meses); 2025 no publicado", "Mismo periodo un año antes: sin comparación; enero–marzo 2025 no publicados"},
				"en": {"Higher than 2024 (same months); 2025 not published", "Same period a year earlier: no comparison; January–March 2025 not published"},
			} {
				var buf strings.Builder
				b.Write(&buf, brief.Text, lang)
				for _, w := range want {
					if !strings.Contains(buf.String(), w) {
						t.Errorf("%s brief lacks %q:\n%s", lang, w, buf.String())
					}
				}
				if strings.Contains(buf.String(), "2023") && strings.Contains(buf.String(), "desde 2023") {
					t.Errorf("%s brief still says since 2023", lang)
				}
			}
			// A year with every earlier year published keeps "the most since".
			y22 := build(t, st, ym(2022, 1), ym(2022, 12), "", "trata").Victimas
			if y22.HighestSince == nil || len(y22.HighestUnpublished) != 0 {
				t.Errorf("2022 victims: since %v, unpublished %v", val64(y22.HighestSince), y22.HighestUnpublished)
			}
			if !c.HighestAcrossBreak {
				t.Error("Q1 2026 against 2024 does not say it crosses the 2026 break")
			}
		})
	}
}

func val64(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
