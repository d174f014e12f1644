package staff

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The RFC 6238 / RFC 4226 test secret, the ASCII bytes "12345678901234567890".
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

func TestRFCSecret(t *testing.T) {
	if rfcSecret != "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" {
		t.Fatalf("rfcSecret = %s", rfcSecret)
	}
}

// RFC 6238 appendix B, SHA-1 rows.
func TestTOTPRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	tests := []struct {
		unix int64
		want string // 8 digits, as in the RFC
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, tt := range tests {
		at := time.Unix(tt.unix, 0).UTC()
		step := tt.unix / 30
		if got := hotp(key, uint64(step), 8); got != tt.want {
			t.Errorf("hotp(T=%d, 8 digits) = %s, want %s", tt.unix, got, tt.want)
		}
		want6 := tt.want[2:]
		got, err := TOTPCode(rfcSecret, at)
		if err != nil || got != want6 {
			t.Errorf("TOTPCode(%v) = %q, %v; want %s", at, got, err, want6)
		}
		if s, ok := VerifyTOTP(rfcSecret, want6, at, 0); !ok || s != step {
			t.Errorf("VerifyTOTP(%s at %v) = %d, %v; want %d, true", want6, at, s, ok, step)
		}
	}
}

// RFC 4226 appendix D: HOTP values for counters 0..9, 6 digits.
func TestHOTPRFC4226(t *testing.T) {
	key := []byte("12345678901234567890")
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		if got := hotp(key, uint64(c), 6); got != w {
			t.Errorf("hotp(counter %d) = %s, want %s", c, got, w)
		}
	}
}

func TestVerifyTOTPSkew(t *testing.T) {
	now := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	cur := now.Unix() / 30
	for _, tt := range []struct {
		offset int64
		ok     bool
	}{{-2, false}, {-1, true}, {0, true}, {1, true}, {2, false}, {-10, false}, {10, false}} {
		code, err := TOTPCode(rfcSecret, now.Add(time.Duration(tt.offset)*30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		step, ok := VerifyTOTP(rfcSecret, code, now, 0)
		if ok != tt.ok || (ok && step != cur+tt.offset) {
			t.Errorf("offset %+d steps: VerifyTOTP = %d, %v; want %d, %v", tt.offset, step, ok, cur+tt.offset, tt.ok)
		}
	}
}

func TestVerifyTOTPReplay(t *testing.T) {
	now := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	code, _ := TOTPCode(rfcSecret, now)
	step, ok := VerifyTOTP(rfcSecret, code, now, 0)
	if !ok {
		t.Fatal("fresh code refused")
	}
	if _, ok := VerifyTOTP(rfcSecret, code, now, step); ok {
		t.Error("the same code was accepted twice in its step")
	}
	if _, ok := VerifyTOTP(rfcSecret, code, now.Add(20*time.Second), step); ok {
		t.Error("the same code was accepted again a little later")
	}
	// After a code of the next step is used, the older one is dead too.
	next, _ := TOTPCode(rfcSecret, now.Add(30*time.Second))
	s2, ok := VerifyTOTP(rfcSecret, next, now, step)
	if !ok || s2 != step+1 {
		t.Fatalf("next-step code: %d, %v", s2, ok)
	}
	prev, _ := TOTPCode(rfcSecret, now)
	if _, ok := VerifyTOTP(rfcSecret, prev, now, s2); ok {
		t.Error("an older code was accepted after a newer one")
	}
}

func TestVerifyTOTPSpaces(t *testing.T) {
	now := time.Unix(1234567890, 0)
	// 89005924 in the RFC; the 6-digit code is 005924.
	for _, code := range []string{"005924", "005 924", " 005924 ", "00 59 24", "005\t924"} {
		if _, ok := VerifyTOTP(rfcSecret, code, now, 0); !ok {
			t.Errorf("VerifyTOTP(%q) refused", code)
		}
	}
	// Leading zeros are digits, not padding.
	for _, code := range []string{"5924", "05924", "0005924"} {
		if _, ok := VerifyTOTP(rfcSecret, code, now, 0); ok {
			t.Errorf("VerifyTOTP(%q) accepted", code)
		}
	}
}

func TestVerifyTOTPMalformed(t *testing.T) {
	now := time.Unix(1234567890, 0)
	codes := []string{
		"", " ", "12345", "1234567", "12345a", "abcdef", "-12345", "+12345",
		"005-924", "005.924", "１２３４５６", "٠٠٥٩٢٤", "005924\x00",
		strings.Repeat(" ", 100) + "005924", strings.Repeat("0", 1000),
	}
	for _, c := range codes {
		if s, ok := VerifyTOTP(rfcSecret, c, now, 0); ok || s != 0 {
			t.Errorf("VerifyTOTP(code %q) = %d, %v; want refused", c, s, ok)
		}
	}
	secrets := []string{
		"",
		"12345678",                           // '1' and '8' are not base32
		"GEZDGNBV",                           // 5 bytes: too weak
		"GEZDGNBVGY3TQOJQGEZDGNB",            // 14 bytes: too weak, and a bad length
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ!",  // stray character
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ=A", // padding in the middle
		"GEZDGNBVGY3TQOJ",                    // bad length
		strings.Repeat("A", 104),             // 65 bytes: too long
		strings.Repeat("A", 1<<16),
	}
	for _, s := range secrets {
		if _, err := TOTPCode(s, now); err == nil {
			t.Errorf("TOTPCode(secret %.40q) succeeded", s)
		}
		if _, ok := VerifyTOTP(s, "005924", now, 0); ok {
			t.Errorf("VerifyTOTP(secret %.40q) accepted", s)
		}
	}
	// Spelling variants of a good secret are the same secret.
	for _, s := range []string{strings.ToLower(rfcSecret), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", rfcSecret + "==="} {
		if _, ok := VerifyTOTP(s, "005924", now, 0); !ok {
			t.Errorf("VerifyTOTP(secret %q) refused", s)
		}
	}
	// No steps before 1970.
	if _, err := TOTPCode(rfcSecret, time.Unix(-1, 0)); err == nil {
		t.Error("TOTPCode before 1970 succeeded")
	}
	if _, ok := VerifyTOTP(rfcSecret, "755224", time.Unix(-1, 0), -100); ok {
		t.Error("VerifyTOTP before 1970 accepted")
	}
}

func TestNewTOTPSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s, err := NewTOTPSecret()
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 32 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("NewTOTPSecret = %q, want 32 upper-case base32 characters", s)
		}
		if key, err := decodeSecret(s); err != nil || len(key) != 20 {
			t.Fatalf("decodeSecret(%q) = %d bytes, %v", s, len(key), err)
		}
		if seen[s] {
			t.Fatalf("NewTOTPSecret repeated %s", s)
		}
		seen[s] = true
	}
}

func TestOTPAuthURI(t *testing.T) {
	tests := []struct {
		issuer, account, want string
	}{
		{"Vigia", "ana", "otpauth://totp/Vigia:ana?secret=" + rfcSecret + "&issuer=Vigia&algorithm=SHA1&digits=6&period=30"},
		{"Vigía", "ana@example.org", "otpauth://totp/Vig%C3%ADa:ana%40example.org?secret=" + rfcSecret + "&issuer=Vig%C3%ADa&algorithm=SHA1&digits=6&period=30"},
		{"Línea Vigía: MX", "a&b=c?d+e/f", "otpauth://totp/L%C3%ADnea%20Vig%C3%ADa%3A%20MX:a%26b%3Dc%3Fd%2Be%2Ff?secret=" + rfcSecret + "&issuer=L%C3%ADnea%20Vig%C3%ADa%3A%20MX&algorithm=SHA1&digits=6&period=30"},
		{"", "ana", "otpauth://totp/ana?secret=" + rfcSecret + "&algorithm=SHA1&digits=6&period=30"},
	}
	for _, tt := range tests {
		got := OTPAuthURI(tt.issuer, tt.account, rfcSecret)
		if got != tt.want {
			t.Errorf("OTPAuthURI(%q, %q) =\n %s\nwant\n %s", tt.issuer, tt.account, got, tt.want)
		}
		// And a standard parser gets the parts back.
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("url.Parse(%s): %v", got, err)
		}
		q := u.Query()
		label := strings.TrimPrefix(u.Path, "/")
		wantLabel := tt.account
		if tt.issuer != "" {
			wantLabel = tt.issuer + ":" + tt.account
		}
		if u.Scheme != "otpauth" || u.Host != "totp" || label != wantLabel ||
			q.Get("secret") != rfcSecret || q.Get("issuer") != tt.issuer {
			t.Errorf("parsed %s: scheme %q host %q label %q query %v", got, u.Scheme, u.Host, label, q)
		}
	}
}

func FuzzVerifyTOTP(f *testing.F) {
	f.Add(rfcSecret, "287082", int64(59), int64(0))
	f.Add(rfcSecret, "005 924", int64(1234567890), int64(0))
	f.Add("gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "123456", int64(-1), int64(-5))
	f.Add("", "", int64(0), int64(0))
	f.Add("GEZDGNBV", "１２３４５６", int64(1<<62), int64(1<<62))
	f.Fuzz(func(t *testing.T, secret, code string, unix, lastStep int64) {
		at := time.Unix(unix, 0)
		step, ok := VerifyTOTP(secret, code, at, lastStep)
		c, codeOK := normalizeCode(code)
		key, keyErr := decodeSecret(secret)
		cur, timeOK := totpStep(at)
		if !ok {
			if step != 0 {
				t.Fatalf("refused with step %d", step)
			}
		} else {
			switch {
			case !codeOK || keyErr != nil || !timeOK:
				t.Fatalf("accepted malformed input: code %q secret %q time %d", code, secret, unix)
			case step <= lastStep:
				t.Fatalf("accepted step %d <= lastStep %d", step, lastStep)
			case step < cur-1 || step > cur+1:
				t.Fatalf("accepted step %d, current %d", step, cur)
			case hotp(key, uint64(step), 6) != c:
				t.Fatalf("accepted %q, the code of step %d is %s", code, step, hotp(key, uint64(step), 6))
			}
		}
		// The code of the current step is always accepted unless replayed.
		if keyErr == nil && timeOK && cur > lastStep {
			now, err := TOTPCode(secret, at)
			if err != nil {
				t.Fatalf("TOTPCode: %v", err)
			}
			if s, ok := VerifyTOTP(secret, now, at, lastStep); !ok || s < cur {
				t.Fatalf("own code %s refused at step %d: %d, %v", now, cur, s, ok)
			}
		}
	})
}

func BenchmarkVerifyTOTP(b *testing.B) {
	now := time.Unix(1234567890, 0)
	for b.Loop() {
		VerifyTOTP(rfcSecret, "005924", now, 0)
	}
}
