package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// requirePgTools skips a PostgreSQL backup test when pg_dump or pg_restore
// is missing, and fails it in CI, where they must be installed.
func requirePgTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI is set but %s is not installed: install postgresql-client so the PostgreSQL restore drill runs", tool)
			}
			t.Skipf("%s is not installed (Debian: apt-get install postgresql-client): PostgreSQL restore drill skipped", tool)
		}
	}
}

// destroy removes the database named by target, as a lost disk or a
// dropped database would.
func destroy(t *testing.T, target string) {
	t.Helper()
	if !store.IsPostgres(target) {
		for _, p := range []string{target, target + "-wal", target + "-shm"} {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
		return
	}
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	db, err := sql.Open("pgx", target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
		t.Fatal(err)
	}
}

type acked struct {
	receipt, label string
}

// The restore drill: reports arrive, a backup is taken while they do, the
// database is destroyed, the backup is restored, and every report
// acknowledged before the backup began opens with its receipt, its
// contents open with the key, and the audit chain verifies. The reports
// are SYNTHETIC.
func TestRestoreDrill(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			if be.Name == "postgres" {
				requirePgTools(t)
			}
			ctx := context.Background()
			db := be.Target(t)
			dir := t.TempDir()
			keys, err := seal.Generate()
			if err != nil {
				t.Fatal(err)
			}
			keyFile := filepath.Join(dir, "vigia-hotline.key")
			if err := keys.WriteNew(keyFile); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"VIGIA_DATABASE_URL": db, "VIGIA_HOTLINE_KEY": keyFile}
			geo, err := hotline.Bundled()
			if err != nil {
				t.Fatal(err)
			}

			// The running intake: a store of its own, sealing with the
			// public key only, as the intake process does.
			st, err := store.Open(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			intake := desk.New(desk.Config{Store: st, Keys: keys.Intake(), Geo: geo})
			var (
				mu    sync.Mutex
				acks  []acked
				stop  = make(chan struct{})
				done  = make(chan error, 1)
				count = func() int { mu.Lock(); defer mu.Unlock(); return len(acks) }
			)
			go func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						done <- nil
						return
					default:
					}
					label := fmt.Sprintf("CANARIO-drill-%d", i)
					r := hotline.Report{Kind: hotline.SituacionRiesgo, Description: "[SINTÉTICO] " + label, State: 9, Contact: hotline.Contact{Method: "ninguno"}}
					receipt, err := intake.Submit(ctx, &r)
					if err != nil {
						done <- err
						return
					}
					// The reporter now holds the receipt: the report is
					// acknowledged.
					mu.Lock()
					acks = append(acks, acked{receipt, label})
					mu.Unlock()
				}
			}()
			waitFor := func(n int) {
				t.Helper()
				deadline := time.Now().Add(30 * time.Second)
				for count() < n {
					if time.Now().After(deadline) {
						t.Fatalf("only %d reports arrived", count())
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			waitFor(10)
			mu.Lock()
			before := append([]acked(nil), acks...)
			mu.Unlock()
			backup := filepath.Join(dir, "vigia-backup.db")
			r := runVigia(t, env, "backup", backup)
			if r.err != nil {
				t.Fatalf("backup: %v\n%s", r.err, r.stderr)
			}
			waitFor(len(before) + 5) // reports go on arriving after the backup
			close(stop)
			if err := <-done; err != nil {
				t.Fatalf("intake: %v", err)
			}
			if !strings.Contains(r.stdout, "backup written") || !strings.Contains(r.stdout, "hotline key is not in the backup") {
				t.Errorf("backup output:\n%s", r.stdout)
			}
			if be.Name == "sqlite" && !strings.Contains(r.stdout, "audit log intact") {
				t.Errorf("backup output does not report its check:\n%s", r.stdout)
			}
			fi, err := os.Stat(backup)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("backup mode %v, want 0600", fi.Mode().Perm())
			}
			if r := runVigia(t, env, "backup", backup); r.err == nil || !strings.Contains(r.err.Error(), "refusing to overwrite") {
				t.Errorf("a second backup to the same file: %v", r.err)
			}
			if r := runVigia(t, env, "restore", backup); r.err == nil || !strings.Contains(r.err.Error(), "refusing to overwrite") {
				t.Errorf("restore over a live database: %v", r.err)
			}
			st.Close()

			destroy(t, db)
			if be.Name == "sqlite" {
				if _, err := os.Stat(db); !os.IsNotExist(err) {
					t.Fatalf("the database survived: %v", err)
				}
			}
			r = runVigia(t, env, "restore", backup)
			if r.err != nil || !strings.Contains(r.stdout, "audit log intact") {
				t.Fatalf("restore: %v\n%s%s", r.err, r.stdout, r.stderr)
			}
			if r := runVigia(t, env, "audit", "verify"); r.err != nil || !strings.Contains(r.stdout, "audit log intact") {
				t.Fatalf("audit verify after restore: %v\n%s", r.err, r.stdout)
			}

			st2 := storetest.Open(t, db)
			console := desk.New(desk.Config{Store: st2, Keys: keys, Geo: geo})
			for _, a := range before {
				f, err := console.Follow(ctx, a.receipt)
				if err != nil {
					t.Fatalf("report %s, acknowledged before the backup, does not open with its receipt: %v", a.label, err)
				}
				if f.Status != "recibido" {
					t.Errorf("report %s: status %q", a.label, f.Status)
				}
				rep, err := st2.ReportByLookup(ctx, keys.DeriveReceipt(a.receipt).Lookup)
				if err != nil {
					t.Fatal(err)
				}
				plain, err := keys.Open(rep.Sealed)
				if err != nil || !strings.Contains(string(plain), a.label) {
					t.Fatalf("report %s: contents do not open after restore: %v", a.label, err)
				}
			}
			n, err := st2.CountRows(ctx, "reports")
			if err != nil {
				t.Fatal(err)
			}
			if n < len(before) {
				t.Fatalf("%d reports restored, %d acknowledged before the backup", n, len(before))
			}
			t.Logf("%d reports acknowledged before the backup, %d in it, %d arrived in all", len(before), n, count())
			// The restored database takes reports again.
			if _, err := console.Submit(ctx, &hotline.Report{Kind: hotline.SituacionRiesgo, Description: "[SINTÉTICO] CANARIO-after", State: 9, Contact: hotline.Contact{Method: "ninguno"}}); err != nil {
				t.Fatalf("submit after restore: %v", err)
			}
		})
	}
}
