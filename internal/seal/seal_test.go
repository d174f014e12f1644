package seal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testKeys(t *testing.T) *Keys {
	t.Helper()
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	k := testKeys(t)
	msg := []byte("synthetic report: canary-7f3a")
	sealed, err := k.Seal(msg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("canary")) {
		t.Fatal("sealed data contains the plain text")
	}
	got, err := k.Open(sealed)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := k.Intake().Open(sealed); !errors.Is(err, ErrNoIdentity) {
		t.Fatalf("intake keys opened sealed data: %v", err)
	}
	other := testKeys(t)
	if _, err := other.Open(sealed); err == nil {
		t.Fatal("another hotline's key opened the data")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := k.Open(sealed); err == nil {
		t.Fatal("tampered data opened")
	}
}

func TestMarshalParse(t *testing.T) {
	k := testKeys(t)
	k2, err := Parse("k.json", k.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if !k2.CanOpen() || k2.Recipient() != k.Recipient() || k2.Index("phone", "+525512345678") != k.Index("phone", "+525512345678") {
		t.Fatal("keys changed through Marshal/Parse")
	}
	in, err := Parse("k.intake", k.Intake().Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if in.CanOpen() || strings.Contains(string(k.Intake().Marshal()), "AGE-SECRET") {
		t.Fatal("intake key file holds the private key")
	}
	if in.CanIndex() || strings.Contains(string(k.Intake().Marshal()), `"index"`) {
		t.Fatal("intake key file holds the index key")
	}
	other := testKeys(t)
	for name, b := range map[string]string{
		"garbage":   "nope",
		"version":   `{"version":2}`,
		"recipient": `{"version":1,"recipient":"x","pepper":"","index":""}`,
		"mismatch":  strings.Replace(string(k.Marshal()), k.Recipient(), other.Recipient(), 1),
		"pepper":    strings.Replace(string(k.Marshal()), `"pepper": "`, `"pepper": "zz`, 1),
		"unknown":   `{"version":1,"extra":1}`,
	} {
		if _, err := Parse("k.json", []byte(b)); err == nil || !strings.Contains(err.Error(), "k.json") {
			t.Errorf("%s: Parse error = %v, want one naming the file", name, err)
		}
	}
}

func TestLoadCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "hotline.key")
	k, err := Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + ".intake"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", p, fi.Mode().Perm())
		}
	}
	again, err := Load(path, true)
	if err != nil || again.Recipient() != k.Recipient() {
		t.Fatalf("second Load made new keys: %v", err)
	}
	in, err := Load(path+".intake", false)
	if err != nil || in.CanOpen() || in.Recipient() != k.Recipient() {
		t.Fatalf("intake file: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none"), false); err == nil {
		t.Fatal("Load of a missing file without create succeeded")
	}
}

func TestReceipts(t *testing.T) {
	k := testKeys(t)
	seen := map[string]bool{}
	for range 2000 {
		r, err := NewReceipt()
		if err != nil {
			t.Fatal(err)
		}
		if len(r) != 16 || strings.Trim(r, "0123456789") != "" {
			t.Fatalf("receipt %q is not 16 digits", r)
		}
		if seen[r] {
			t.Fatalf("receipt %s repeated", r)
		}
		seen[r] = true
	}
	r, _ := NewReceipt()
	d1, d2 := k.DeriveReceipt(r), k.DeriveReceipt(r)
	if !bytes.Equal(d1.Lookup, d2.Lookup) {
		t.Fatal("derivation is not deterministic")
	}
	r2, _ := NewReceipt()
	if bytes.Equal(k.DeriveReceipt(r2).Lookup, d1.Lookup) {
		t.Fatal("two receipts derive one lookup")
	}
	if bytes.Equal(testKeys(t).DeriveReceipt(r).Lookup, d1.Lookup) {
		t.Fatal("the pepper does not change the lookup")
	}

	rk, err := d1.NewReplyKey()
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := k.Seal([]byte("respuesta sintética"), rk.Recipient)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d2.OpenReply(rk.Wrapped, sealed)
	if err != nil || string(got) != "respuesta sintética" {
		t.Fatalf("OpenReply = %q, %v", got, err)
	}
	if staff, err := k.Open(sealed); err != nil || string(staff) != "respuesta sintética" {
		t.Fatalf("staff cannot read their own reply: %v", err)
	}
	if _, err := k.DeriveReceipt(r2).OpenReply(rk.Wrapped, sealed); err == nil {
		t.Fatal("another receipt opened the reply")
	}
	if _, err := d1.OpenReply(rk.Wrapped[:5], sealed); err == nil {
		t.Fatal("a truncated wrapped key opened")
	}
}

func TestNormalizeReceipt(t *testing.T) {
	for in, want := range map[string]string{
		"1234 5678 9012 3456": "1234567890123456",
		"1234-5678-9012-3456": "1234567890123456",
		"1234567890123456":    "1234567890123456",
		"123456789012345":     "",
		"12345678901234567":   "",
		"1234 5678 9012 345a": "",
		"' OR 1=1 --":         "",
		"١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦":    "",
		"":                    "",
	} {
		got, ok := NormalizeReceipt(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeReceipt(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestIndex(t *testing.T) {
	k := testKeys(t)
	a := k.Index("phone", "+525512345678")
	if a != k.Index("phone", "+525512345678") || a == k.Index("whatsapp", "+525512345678") || a == k.Index("phone", "+525512345679") {
		t.Fatal("blind index is not a keyed function of kind and value")
	}
	if strings.Contains(a, "5512345678") || a == testKeys(t).Index("phone", "+525512345678") {
		t.Fatal("blind index does not depend on the key")
	}
	if k.Daily("2026-11-27", "127.0.0.1") == k.Daily("2026-11-28", "127.0.0.1") {
		t.Fatal("daily key does not rotate")
	}
}

func BenchmarkDeriveReceipt(b *testing.B) {
	k, _ := Generate()
	for b.Loop() {
		k.DeriveReceipt("1234567890123456")
	}
}

func BenchmarkSeal(b *testing.B) {
	k, _ := Generate()
	msg := bytes.Repeat([]byte("x"), 2000)
	for b.Loop() {
		if _, err := k.Seal(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzParse: a damaged key file is an error naming the file, never a panic
// and never keys that half work.
func FuzzParse(f *testing.F) {
	k, _ := Generate()
	f.Add(k.Marshal())
	f.Add(k.Intake().Marshal())
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Parse("k.json", b)
		if err != nil {
			if !strings.Contains(err.Error(), "k.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if got.recipient == nil || len(got.pepper) != 32 || (got.CanOpen() && !got.CanIndex()) {
			t.Fatal("Parse accepted incomplete keys")
		}
	})
}

func FuzzNormalizeReceipt(f *testing.F) {
	f.Add("1234 5678 9012 3456")
	f.Add("１２３４５６７８９０１２３４５６")
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := NormalizeReceipt(s)
		if ok != (len(n) == 16) || (ok && strings.Trim(n, "0123456789") != "") {
			t.Fatalf("NormalizeReceipt(%q) = %q, %v", s, n, ok)
		}
	})
}
