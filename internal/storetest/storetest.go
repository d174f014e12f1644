// Package storetest opens real databases for tests: a SQLite file in a
// temporary folder, and a fresh schema in the PostgreSQL named by
// VIGIA_TEST_POSTGRES_URL. In CI (CI=true) a missing PostgreSQL is a
// failure, never a skip.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigia-mx/vigia/internal/store"
)

// Backend is a database a test can run on.
type Backend struct {
	Name string
	// Target opens a new, empty database and returns what store.Open takes.
	Target func(t testing.TB) string
}

// Backends returns SQLite and, when configured, PostgreSQL.
func Backends(t testing.TB) []Backend {
	bs := []Backend{{Name: "sqlite", Target: SQLite}}
	if PostgresURL(t) != "" {
		bs = append(bs, Backend{Name: "postgres", Target: Postgres})
	}
	return bs
}

// SQLite returns the path of a new database file.
func SQLite(t testing.TB) string {
	return filepath.Join(t.TempDir(), "vigia.db")
}

// PostgresURL returns VIGIA_TEST_POSTGRES_URL, skipping the test when it is
// unset outside CI and failing it inside CI.
func PostgresURL(t testing.TB) string {
	u := os.Getenv("VIGIA_TEST_POSTGRES_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but VIGIA_TEST_POSTGRES_URL is not: the PostgreSQL tests must run in CI")
		}
		t.Log("VIGIA_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (set it to postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	return u
}

// Postgres creates a schema of its own in the test database, dropped when
// the test ends, and returns a URL whose connections use it.
func Postgres(t testing.TB) string {
	base := PostgresURL(t)
	if base == "" {
		t.Skip("no PostgreSQL")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "vigia_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("postgres at %s: create schema: %v", redact(base), err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("VIGIA_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// Open opens a store on target and closes it when the test ends.
func Open(t testing.TB, target string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Exec runs a statement on target's database directly, bypassing the store,
// as someone with write access to the database would: tests use it to plant
// and tamper with rows.
func Exec(t testing.TB, target, query string, args ...any) {
	t.Helper()
	driver := "sqlite"
	if store.IsPostgres(target) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("exec %q: %v", query, err)
	}
}
