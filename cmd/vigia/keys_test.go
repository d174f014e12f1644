package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/storetest"
)

func readKeys(t *testing.T, path string) *seal.Keys {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := seal.Parse(path, b)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func synthetic(label string) *hotline.Report {
	return &hotline.Report{Kind: hotline.SituacionRiesgo, Description: "[SINTÉTICO] " + label, State: 9, Contact: hotline.Contact{Method: "ninguno"}}
}

// The key is split among five custodians; it is lost; any three rebuild it
// and fewer do not; then it is rotated while reports keep arriving. All
// data is SYNTHETIC.
func TestKeysCLI(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			db := be.Target(t)
			dir := t.TempDir()
			keyFile := filepath.Join(dir, "vigia-hotline.key")
			orig, err := seal.Generate()
			if err != nil {
				t.Fatal(err)
			}
			if err := orig.WriteNew(keyFile); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"VIGIA_DATABASE_URL": db, "VIGIA_HOTLINE_KEY": keyFile}
			st := storetest.Open(t, db)
			geo, _ := hotline.Bundled()
			d := desk.New(desk.Config{Store: st, Keys: orig, Geo: geo})
			if _, err := d.AddStaff(ctx, "test", desk.NewStaff{Username: "sup1", Password: "contraseña sintética sup1", Role: staff.Supervisor, Team: "norte"}); err != nil {
				t.Fatal(err)
			}
			var receipts []string
			for _, l := range []string{"CANARIO-a", "CANARIO-b"} {
				rc, err := d.Submit(ctx, synthetic(l))
				if err != nil {
					t.Fatal(err)
				}
				receipts = append(receipts, rc)
			}

			// Split.
			shareDir := t.TempDir()
			r := runVigia(t, env, "keys", "split", "-k", "3", "-n", "5", "--out", shareDir)
			if r.err != nil {
				t.Fatalf("split: %v\n%s", r.err, r.stderr)
			}
			share := func(i int) string {
				return filepath.Join(shareDir, "vigia-hotline-share-"+string(rune('0'+i))+"-of-5.txt")
			}
			for i := 1; i <= 5; i++ {
				fi, err := os.Stat(share(i))
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != 0o600 {
					t.Errorf("share %d mode %v", i, fi.Mode().Perm())
				}
				b, _ := os.ReadFile(share(i))
				if strings.Contains(string(b), "AGE-SECRET-KEY") {
					t.Fatalf("share %d holds the key in the clear", i)
				}
			}

			// The key is lost.
			os.Rename(keyFile, keyFile+".lost")
			os.Remove(keyFile + ".intake")
			if r := runVigia(t, env, "keys", "combine", share(2), share(4)); r.err == nil || !strings.Contains(r.err.Error(), "3 needed") {
				t.Fatalf("combine with 2 of 3: %v", r.err)
			}
			b, _ := os.ReadFile(share(1))
			typo := strings.Replace(string(b), "-K3-I1-", "-K3-I2-", 1)
			typoFile := filepath.Join(dir, "typo.txt")
			os.WriteFile(typoFile, []byte(typo), 0o600)
			if r := runVigia(t, env, "keys", "combine", typoFile, share(3), share(5)); r.err == nil || !strings.Contains(r.err.Error(), "checksum") {
				t.Fatalf("combine with a mistyped share: %v", r.err)
			}
			// Three shares, two of them pasted on standard input.
			s3, _ := os.ReadFile(share(3))
			s5, _ := os.ReadFile(share(5))
			stdin = strings.NewReader(string(s3) + "\n" + string(s5))
			defer func() { stdin = os.Stdin }()
			r = runVigia(t, env, "keys", "combine", share(1), "-")
			if r.err != nil {
				t.Fatalf("combine: %v\n%s", r.err, r.stderr)
			}
			got, _ := os.ReadFile(keyFile)
			if string(got) != string(orig.Marshal()) {
				t.Fatal("the rebuilt key file differs from the original")
			}
			if readKeys(t, keyFile+".intake").CanOpen() {
				t.Fatal("the rebuilt intake file holds the private key")
			}
			if r := runVigia(t, env, "keys", "combine", share(1), share(2), share(3)); r.err == nil || !strings.Contains(r.err.Error(), "never overwritten") {
				t.Fatalf("combine over an existing key file: %v", r.err)
			}

			// Rotate while the intake holds the old public key.
			oldIntake := desk.New(desk.Config{Store: st, Keys: orig.Intake(), Geo: geo})
			r = runVigia(t, env, "keys", "rotate")
			if r.err != nil || !strings.Contains(r.stdout, "re-signed 1 accounts") {
				t.Fatalf("rotate: %v\n%s%s", r.err, r.stdout, r.stderr)
			}
			rotating := readKeys(t, keyFile)
			if rotating.Recipient() == orig.Recipient() || !rotating.Rotating() {
				t.Fatal("rotate did not replace the key pair")
			}
			if readKeys(t, keyFile+".intake").Recipient() != rotating.Recipient() {
				t.Fatal("the intake file was not updated")
			}
			// A report sealed to the old key during the rotation.
			straggler, err := oldIntake.Submit(ctx, synthetic("CANARIO-rezagado"))
			if err != nil {
				t.Fatal(err)
			}
			receipts = append(receipts, straggler)
			if r := runVigia(t, env, "keys", "rotate", "--finish"); r.err == nil || !strings.Contains(r.err.Error(), "still running with the old") {
				t.Fatalf("finish with the intake on the old key: %v\n%s", r.err, r.stdout)
			}
			newIntake := desk.New(desk.Config{Store: st, Keys: rotating.Intake(), Geo: geo})
			rc, err := newIntake.Submit(ctx, synthetic("CANARIO-nueva"))
			if err != nil {
				t.Fatal(err)
			}
			receipts = append(receipts, rc)
			r = runVigia(t, env, "keys", "rotate", "--finish")
			if r.err != nil || !strings.Contains(r.stdout, "dropped") {
				t.Fatalf("finish: %v\n%s%s", r.err, r.stdout, r.stderr)
			}
			final := readKeys(t, keyFile)
			if final.Rotating() || final.Recipient() != rotating.Recipient() {
				t.Fatal("finish left the old key in the file")
			}
			for _, rc := range receipts {
				rep, err := st.ReportByLookup(ctx, final.DeriveReceipt(rc).Lookup)
				if err != nil {
					t.Fatalf("receipt after rotation: %v", err)
				}
				if _, err := final.Open(rep.Sealed); err != nil {
					t.Fatalf("report %d does not open with the new key: %v", rep.ID, err)
				}
				if _, err := orig.Open(rep.Sealed); err == nil {
					t.Fatalf("report %d still opens with the old key", rep.ID)
				}
			}
			u, err := st.StaffByUsername(ctx, "sup1")
			if err != nil {
				t.Fatal(err)
			}
			if mac, _ := desk.New(desk.Config{Store: st, Keys: final}).SignStaff(u); mac != u.MAC {
				t.Fatal("the account is not signed with the new key")
			}

			// Audited, and the chain holds.
			var actions []string
			st.AuditLog(ctx, func(e audit.Entry) error {
				if strings.HasPrefix(e.Action, "keys.") {
					actions = append(actions, e.Action+" "+e.Detail)
				}
				return nil
			})
			joined := strings.Join(actions, "\n")
			for _, want := range []string{"keys.rotate from=" + orig.Fingerprint(), "keys.reseal resealed=", "keys.retire retired=" + orig.Fingerprint()} {
				if !strings.Contains(joined, want) {
					t.Errorf("audit log lacks %q:\n%s", want, joined)
				}
			}
			if r := runVigia(t, env, "audit", "verify"); r.err != nil {
				t.Fatalf("audit verify: %v", r.err)
			}
		})
	}
}

func TestBackupKeysUsage(t *testing.T) {
	env := map[string]string{"VIGIA_DATABASE_URL": filepath.Join(t.TempDir(), "x.db")}
	for _, args := range [][]string{
		{"backup"},
		{"backup", "a", "b"},
		{"restore"},
		{"keys"},
		{"keys", "nope"},
		{"keys", "combine"},
		{"keys", "split", "extra"},
	} {
		r := runVigia(t, env, args...)
		if r.err == nil || exitCode(r.err) != 2 {
			t.Errorf("vigia %v: err %v, want a usage error", args, r.err)
		}
	}
	// No database, no backup (and no empty file left behind).
	out := filepath.Join(t.TempDir(), "b.db")
	if r := runVigia(t, env, "backup", out); r.err == nil {
		t.Error("backup of a database that does not exist succeeded")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed backup left %s behind", out)
	}
}
