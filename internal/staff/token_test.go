package staff

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestTokenHash(t *testing.T) {
	tok, h, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 43 || len(h) != sha256.Size {
		t.Fatalf("NewToken = %q (%d chars), hash of %d bytes", tok, len(tok), len(h))
	}
	if got := HashToken(tok); !bytes.Equal(got, h) {
		t.Errorf("HashToken(token) = %x, NewToken hash %x", got, h)
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q is not 32 bytes of base64url: %v", tok, err)
	}
	if want := sha256.Sum256(raw); !bytes.Equal(h, want[:]) {
		t.Errorf("hash is not SHA-256 of the token bytes")
	}
}

func TestHashTokenGarbage(t *testing.T) {
	tok, _, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	// The last of 43 characters carries 2 padding bits, which must be zero.
	last := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", tok[42])
	nonCanonical := tok[:42] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last|1])
	garbage := []string{
		"",
		"x",
		tok[:42],
		tok + "A",
		tok + "=",
		tok[:41] + "+A",
		tok[:41] + "/A",
		tok[:41] + " A",
		tok[:41] + ".A",
		tok[:41] + "ñ",
		strings.Repeat("A", 44),
		strings.Repeat("\x00", 43),
		nonCanonical,
		"' OR 1=1 --                                ",
	}
	for _, g := range garbage {
		if h := HashToken(g); h != nil {
			t.Errorf("HashToken(%q) = %x, want nil", g, h)
		}
	}
	if HashToken(strings.Repeat("A", 43)) == nil {
		t.Error("HashToken refused 43 A's, a well-formed (if unlucky) token")
	}
}

func TestTokensUnique(t *testing.T) {
	const n = 5000
	seen := make(map[string]bool, n)
	hashes := make(map[string]bool, n)
	for range n {
		tok, h, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if seen[tok] || hashes[string(h)] {
			t.Fatalf("NewToken repeated %s", tok)
		}
		seen[tok], hashes[string(h)] = true, true
	}
}

func TestSessionValid(t *testing.T) {
	created := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return created.Add(d) }
	tests := []struct {
		name          string
		lastSeen, now time.Time
		want          bool
	}{
		{"just created", created, created, true},
		{"idle 14m59s", created, at(15*time.Minute - time.Second), true},
		{"idle exactly 15m", created, at(15 * time.Minute), false},
		{"idle 2h", at(time.Hour), at(3 * time.Hour), false},
		{"active, 7h59m old", at(7*time.Hour + 50*time.Minute), at(7*time.Hour + 59*time.Minute), true},
		{"active, exactly 8h old", at(7*time.Hour + 59*time.Minute), at(8 * time.Hour), false},
		{"active, 9h old", at(9*time.Hour - time.Minute), at(9 * time.Hour), false},
		{"lastSeen before created", at(-time.Minute), created, false},
	}
	for _, tt := range tests {
		for _, p := range []SessionPolicy{DefaultSessions, {}} {
			if got := p.Valid(created, tt.lastSeen, tt.now); got != tt.want {
				t.Errorf("%s (policy %+v): Valid = %v, want %v", tt.name, p, got, tt.want)
			}
		}
	}
	if (DefaultSessions).Valid(time.Time{}, time.Time{}, time.Time{}) {
		t.Error("a session with zero times is valid")
	}
	short := SessionPolicy{Idle: time.Minute, Absolute: time.Hour}
	if short.Valid(created, created, at(2*time.Minute)) {
		t.Error("custom idle timeout not applied")
	}
	if got := short.Expires(created, at(59*time.Minute+30*time.Second)); !got.Equal(at(time.Hour)) {
		t.Errorf("Expires = %v, want the absolute deadline %v", got, at(time.Hour))
	}
}
