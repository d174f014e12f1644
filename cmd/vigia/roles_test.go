package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// The intake and the console run as separate processes over one database:
// the intake holds only the public key, takes reports and answers
// receipts, and has no console; the console reads what the intake sealed.
// The report is SYNTHETIC.
func TestServeRoles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigia.db")
	keys, err := seal.Generate()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "vigia-hotline.key")
	if err := os.WriteFile(keyFile, keys.Marshal(), 0o600); err != nil {
		t.Fatal(err)
	}
	// An intake key file that holds the private key is refused.
	if err := os.WriteFile(keyFile+".intake", keys.Marshal(), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"VIGIA_DATABASE_URL": db}
	err = run(context.Background(), []string{"serve", "--role", "intake", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "private key") {
		t.Fatalf("intake with a private key: %v", err)
	}
	if err := os.WriteFile(keyFile+".intake", keys.Intake().Marshal(), 0o600); err != nil {
		t.Fatal(err)
	}
	intake := startServerDB(t, db, "--role", "intake")
	console := startServerDB(t, db, "--role", "console")

	resp, err := http.Post(intake+"/api/v1/reports", "application/json", strings.NewReader(`{"kind":"posible_trata","description":"[SINTÉTICO] CANARIO-roles","state":21}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("intake POST: %d %s", resp.StatusCode, body)
	}
	status := func(base, path string) int {
		t.Helper()
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status(intake, "/consola/entrar"); got != http.StatusNotFound {
		t.Errorf("intake serves the console: %d", got)
	}
	if got := status(intake, "/metrics"); got != http.StatusNotFound {
		t.Errorf("the public intake serves /metrics: %d", got)
	}
	if got := status(console, "/metrics"); got != http.StatusOK {
		t.Errorf("console /metrics: %d", got)
	}
	if got := status(intake, "/reportar"); got != http.StatusOK {
		t.Errorf("intake /reportar: %d", got)
	}
	if got := status(console, "/reportar"); got != http.StatusNotFound {
		t.Errorf("console serves the public form: %d", got)
	}
	if got := status(console, "/consola/entrar"); got != http.StatusOK {
		t.Errorf("console login page: %d", got)
	}
	// Nothing in the database file or its log is readable without the key,
	// and the console's key opens what the intake sealed.
	for _, f := range []string{db, db + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "CANARIO-roles") {
			t.Errorf("the report is in %s in plain text", filepath.Base(f))
		}
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := desk.New(desk.Config{Store: st, Keys: keys})
	v, err := d.Report(context.Background(), desk.Actor{ID: 1, Role: staff.Operador, Team: "general", Scope: "own"}, 1)
	if err != nil || !strings.Contains(v.Content.Description, "CANARIO-roles") {
		t.Fatalf("the console key does not open the intake's report: %v", err)
	}
}

// vigia staff unlock clears an account's failed sign-ins.
func TestStaffUnlockCLI(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			db := be.Target(t)
			env := map[string]string{"VIGIA_DATABASE_URL": db, "VIGIA_HOTLINE_KEY": filepath.Join(t.TempDir(), "vigia-hotline.key")}
			old := stdin
			stdin = strings.NewReader("contraseña-sintética-larga\n")
			r := runVigia(t, env, "staff", "add", "bloqueada", "--role", "operador")
			stdin = old
			if r.err != nil {
				t.Fatalf("staff add: %v\n%s", r.err, r.stderr)
			}
			storetest.Exec(t, db, `UPDATE staff SET failures = 9, last_failure = $1 WHERE username = 'bloqueada'`, store.Now())
			if r := runVigia(t, env, "staff", "unlock", "bloqueada"); r.err != nil || !strings.Contains(r.stdout, "unlocked") {
				t.Fatalf("staff unlock: %v\n%s%s", r.err, r.stdout, r.stderr)
			}
			st := storetest.Open(t, db)
			u, err := st.StaffByUsername(context.Background(), "bloqueada")
			if err != nil || u.Failures != 0 || !u.LastFailure.IsZero() {
				t.Errorf("after unlock: failures %d, last %v, %v", u.Failures, u.LastFailure, err)
			}
			if r := runVigia(t, env, "staff", "unlock", "nadie"); r.err == nil {
				t.Error("unlock of no account succeeded")
			}
		})
	}
}

// A hotline key file readable by other users is warned about.
func TestKeyFileModeWarning(t *testing.T) {
	dir := t.TempDir()
	keys, err := seal.Generate()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "vigia-hotline.key")
	if err := os.WriteFile(keyFile, keys.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(keyFile, 0o644)
	env := map[string]string{"VIGIA_DATABASE_URL": filepath.Join(dir, "vigia.db")}
	r := runVigia(t, env, "staff", "disable", "nadie")
	if !strings.Contains(r.stderr, "readable by other users") {
		t.Errorf("no warning for a 0644 key file: %v\n%s", r.err, r.stderr)
	}
	os.Chmod(keyFile, 0o600)
	if r := runVigia(t, env, "staff", "disable", "nadie"); strings.Contains(r.stderr, "readable by other users") {
		t.Error("a 0600 key file is warned about")
	}
}
