package staff

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// Argon2id vectors of the reference implementation (P-H-C/phc-winner-argon2,
// src/test.c, "Test Argon2id version number: 13"). They were made by another
// implementation with other parameters, so verifying them checks both that
// parameters are read from the string and that the hash is the real Argon2id.
var referenceHashes = []struct{ password, encoded string }{
	{"password", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"},
	{"password", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"},
	{"password", "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc"},
	{"password", "$argon2id$v=19$m=65536,t=1,p=1$c29tZXNhbHQ$9qWtwbpyPd3vm1rB1GThgPzZ3/ydHL92zKL+15XZypg"},
	{"differentpassword", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$C4TWUs9rDEvq7w3+J4umqA32aWKB1+DSiRuBfYxFj94"},
	{"password", "$argon2id$v=19$m=65536,t=2,p=1$ZGlmZnNhbHQ$vfMrBczELrFdWP0ZsfhWsRPaHppYdP3MVEMIVlqoFBw"},
}

func TestReferenceVectors(t *testing.T) {
	for _, v := range referenceHashes {
		ok, err := CheckPassword(v.encoded, v.password)
		if err != nil || !ok {
			t.Errorf("CheckPassword(%s, %q) = %v, %v; want true", v.encoded, v.password, ok, err)
		}
		ok, err = CheckPassword(v.encoded, v.password+"x")
		if err != nil || ok {
			t.Errorf("CheckPassword(%s, wrong) = %v, %v; want false, nil", v.encoded, ok, err)
		}
		if !NeedsRehash(v.encoded) {
			t.Errorf("NeedsRehash(%s) = false; its parameters are not the current ones", v.encoded)
		}
	}
}

// TestEncodeReference checks our encoder against the reference raw output
// and string, so that hashes we write are readable by other Argon2 tools.
func TestEncodeReference(t *testing.T) {
	const (
		wantHex = "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"
		wantPHC = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	)
	key := argon2.IDKey([]byte("password"), []byte("somesalt"), 2, 65536, 1, 32)
	if got := hex.EncodeToString(key); got != wantHex {
		t.Fatalf("argon2id raw = %s, want %s", got, wantHex)
	}
	if got := encodeHash(argonParams{memory: 65536, time: 2, threads: 1}, []byte("somesalt"), key); got != wantPHC {
		t.Errorf("encodeHash = %s, want %s", got, wantPHC)
	}
}

var phcFormat = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashPasswordRoundTrip(t *testing.T) {
	const pw = "caballo correcto batería grapa"
	h1, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !phcFormat.MatchString(h1) {
		t.Errorf("HashPassword = %s, not in the documented format", h1)
	}
	if NeedsRehash(h1) {
		t.Errorf("NeedsRehash of a fresh hash = true")
	}
	tests := []struct {
		password string
		want     bool
	}{
		{pw, true},
		{pw + " ", false},
		{strings.ToUpper(pw), false},
		{pw[:len(pw)-1], false},
		{"", false},
	}
	for _, tt := range tests {
		got, err := CheckPassword(h1, tt.password)
		if err != nil || got != tt.want {
			t.Errorf("CheckPassword(h, %q) = %v, %v; want %v, nil", tt.password, got, err, tt.want)
		}
	}

	h2, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if ok, err := CheckPassword(h2, pw); err != nil || !ok {
		t.Errorf("second hash does not verify: %v, %v", ok, err)
	}
}

func TestOtherParamsVerify(t *testing.T) {
	// A hash written with parameters unlike the current ones, as if they had
	// been changed since: it must still verify, with its own parameters.
	salt := []byte("0123456789abcdef")
	for _, p := range []argonParams{{64, 1, 1}, {256, 3, 2}, {1024, 1, 4}} {
		key := argon2.IDKey([]byte("contraseña vieja"), salt, p.time, p.memory, p.threads, 24)
		enc := encodeHash(p, salt, key)
		if ok, err := CheckPassword(enc, "contraseña vieja"); err != nil || !ok {
			t.Errorf("CheckPassword(%s) = %v, %v; want true", enc, ok, err)
		}
		if ok, err := CheckPassword(enc, "contraseña nueva"); err != nil || ok {
			t.Errorf("CheckPassword(%s, wrong) = %v, %v; want false", enc, ok, err)
		}
	}
}

func TestPasswordLength(t *testing.T) {
	tests := []struct {
		name     string
		password string
		want     error // nil: accepted
	}{
		{"empty", "", ErrPasswordTooShort},
		{"11 ASCII", "abcdefghijk", ErrPasswordTooShort},
		{"12 ASCII", "hbcdefgxijkl", nil},
		{"11 runes, 22 bytes", strings.Repeat("ñ", 11), ErrPasswordTooShort},
		{"12 runes", strings.Repeat("ñá", 6), nil},
		{"1024 bytes", strings.Repeat("ab", MaxPasswordBytes/2), nil},
		{"1025 bytes", strings.Repeat("a", MaxPasswordBytes+1), ErrPasswordTooLong},
		{"1026 bytes of ñ", strings.Repeat("ñ", 513), ErrPasswordTooLong},
	}
	for _, tt := range tests {
		h, err := HashPassword(tt.password)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: HashPassword err = %v, want %v", tt.name, err, tt.want)
			continue
		}
		if err == nil {
			if ok, err := CheckPassword(h, tt.password); err != nil || !ok {
				t.Errorf("%s: round trip = %v, %v", tt.name, ok, err)
			}
		}
	}
	if _, err := HashPassword("abcdefghijk\xff"); err == nil {
		t.Error("HashPassword accepted invalid UTF-8")
	}
	// Longer than any password we hash: refused without an error.
	if ok, err := CheckPassword(referenceHashes[1].encoded, strings.Repeat("a", MaxPasswordBytes+1)); ok || err != nil {
		t.Errorf("CheckPassword(over-long) = %v, %v; want false, nil", ok, err)
	}
}

func b64(n int) string { return base64.RawStdEncoding.EncodeToString(make([]byte, n)) }

func TestMalformedHash(t *testing.T) {
	salt, key := "c29tZXNhbHQ", "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
	good := "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key
	if _, _, _, err := decodeHash(good); err != nil {
		t.Fatalf("control case fails: %v", err)
	}
	tests := []struct{ name, encoded string }{
		{"empty", ""},
		{"plain text", "password"},
		{"bcrypt", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"},
		{"argon2i", "$argon2i$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"argon2d", "$argon2d$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"upper-case algorithm", "$ARGON2ID$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"no leading $", "argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"trailing $", good + "$"},
		{"extra field", good + "$AAAA"},
		{"missing key", "$argon2id$v=19$m=256,t=2,p=1$" + salt},
		{"empty key", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$"},
		{"empty salt", "$argon2id$v=19$m=256,t=2,p=1$$" + key},
		{"missing version", "$argon2id$m=256,t=2,p=1$" + salt + "$" + key},
		{"version 16", "$argon2id$v=16$m=256,t=2,p=1$" + salt + "$" + key},
		{"version 019", "$argon2id$v=019$m=256,t=2,p=1$" + salt + "$" + key},
		{"version empty", "$argon2id$v=$m=256,t=2,p=1$" + salt + "$" + key},
		{"params reordered", "$argon2id$v=19$t=2,m=256,p=1$" + salt + "$" + key},
		{"param missing", "$argon2id$v=19$m=256,t=2$" + salt + "$" + key},
		{"param repeated", "$argon2id$v=19$m=256,t=2,p=1,p=1$" + salt + "$" + key},
		{"keyid param", "$argon2id$v=19$m=256,t=2,p=1,keyid=AA$" + salt + "$" + key},
		{"space", "$argon2id$v=19$m=256, t=2,p=1$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=0256,t=2,p=1$" + salt + "$" + key},
		{"plus sign", "$argon2id$v=19$m=+256,t=2,p=1$" + salt + "$" + key},
		{"negative", "$argon2id$v=19$m=256,t=-2,p=1$" + salt + "$" + key},
		{"not a number", "$argon2id$v=19$m=256,t=two,p=1$" + salt + "$" + key},
		{"huge number", "$argon2id$v=19$m=99999999999999999999,t=2,p=1$" + salt + "$" + key},
		{"memory over cap", "$argon2id$v=19$m=262145,t=2,p=1$" + salt + "$" + key},
		{"memory under 8p", "$argon2id$v=19$m=15,t=2,p=2$" + salt + "$" + key},
		{"time 0", "$argon2id$v=19$m=256,t=0,p=1$" + salt + "$" + key},
		{"time over cap", "$argon2id$v=19$m=256,t=17,p=1$" + salt + "$" + key},
		{"parallelism 0", "$argon2id$v=19$m=256,t=2,p=0$" + salt + "$" + key},
		{"parallelism over cap", "$argon2id$v=19$m=256,t=2,p=17$" + salt + "$" + key},
		{"parallelism over uint8", "$argon2id$v=19$m=4096,t=2,p=257$" + salt + "$" + key},
		{"salt too short", "$argon2id$v=19$m=256,t=2,p=1$" + b64(7) + "$" + key},
		{"salt too long", "$argon2id$v=19$m=256,t=2,p=1$" + b64(65) + "$" + key},
		{"salt padded", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "=$" + key},
		{"salt URL alphabet", "$argon2id$v=19$m=256,t=2,p=1$" + b64(16)[:20] + "-_$" + key},
		{"key too short", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + b64(15)},
		{"key too long", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + b64(65)},
		{"key non-canonical bits", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key[:len(key)-1] + "5"},
		{"key truncated to bad length", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key[:len(key)-2]},
		{"NUL", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key + "\x00"},
	}
	for _, tt := range tests {
		ok, err := CheckPassword(tt.encoded, "password")
		if err == nil || ok {
			t.Errorf("%s: CheckPassword = %v, %v; want false and an error", tt.name, ok, err)
			continue
		}
		if !errors.Is(err, ErrMalformedHash) {
			t.Errorf("%s: error %v does not wrap ErrMalformedHash", tt.name, err)
		}
		if !NeedsRehash(tt.encoded) {
			t.Errorf("%s: NeedsRehash = false for a malformed hash", tt.name)
		}
	}
}

func TestDummyHashMatchesParams(t *testing.T) {
	// DummyCheck only hides which accounts exist if it costs what a real
	// check costs, i.e. if the dummy hash has the current parameters.
	if NeedsRehash(dummyHash) {
		t.Fatalf("dummyHash %s is out of step with currentParams %+v; regenerate it", dummyHash, currentParams)
	}
	for _, pw := range []string{"", "password", "caballo correcto batería grapa"} {
		if ok, err := CheckPassword(dummyHash, pw); ok || err != nil {
			t.Errorf("CheckPassword(dummyHash, %q) = %v, %v; want false, nil", pw, ok, err)
		}
	}
	DummyCheck("anything at all")
	DummyCheck(strings.Repeat("x", 5000))
}

func FuzzCheckPassword(f *testing.F) {
	for _, v := range referenceHashes[1:3] { // the cheap ones
		f.Add(v.encoded, v.password)
	}
	f.Add("$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"+b64(32), "x")
	f.Add("", "")
	f.Add("$argon2id$v=19$m=256,t=2,p=1$$", "password")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$c29tZXNhbHQ$"+b64(32), "a")
	f.Fuzz(func(t *testing.T, encoded, password string) {
		p, salt, key, perr := decodeHash(encoded)
		if perr == nil {
			// Only the current, strict encoding parses, so parsing and
			// re-encoding must give back the input exactly.
			if re := encodeHash(p, salt, key); re != encoded {
				t.Fatalf("decodeHash(%q) re-encodes as %q", encoded, re)
			}
			if p.memory > 1024 || p.time > 2 {
				return // valid but too slow to hash on every execution
			}
		}
		ok, err := CheckPassword(encoded, password)
		switch {
		case perr != nil && (ok || err == nil || !errors.Is(err, ErrMalformedHash)):
			t.Fatalf("malformed %q: CheckPassword = %v, %v", encoded, ok, err)
		case perr == nil && err != nil:
			t.Fatalf("well-formed %q: CheckPassword error %v", encoded, err)
		}
	})
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("caballo correcto batería grapa"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	h, err := HashPassword("caballo correcto batería grapa")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, err := CheckPassword(h, "caballo correcto batería grapa"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkDummyCheck(b *testing.B) {
	for b.Loop() {
		DummyCheck("caballo correcto batería grapa")
	}
}

// TestGuessablePasswordsRefused: 12 characters are not enough when they
// are a well-known password, one with digits added, a digit run or one
// character repeated.
func TestGuessablePasswordsRefused(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want error
	}{
		{"password1234", ErrPasswordCommon},
		{"Contraseña2026!", ErrPasswordCommon},
		{"qwertyuiopasdfghjkl", ErrPasswordCommon},
		{"123456789012", ErrPasswordCommon},
		{"Bienvenido 2026", ErrPasswordCommon},
		{"aaaaaaaaaaaa", ErrPasswordRepeated},
		{"ññññññññññññ", ErrPasswordRepeated},
		{"short", ErrPasswordTooShort},
		{"caballo batería grapa correcta", nil},
		{"contraseña sintética de op1", nil},
		{"483920175546", nil},
	} {
		_, err := HashPassword(tc.pw)
		if !errors.Is(err, tc.want) && !(err == nil && tc.want == nil) {
			t.Errorf("HashPassword(%q) = %v, want %v", tc.pw, err, tc.want)
		}
	}
	if len(commonPasswords) < 300 {
		t.Errorf("the bundled list has %d passwords, want a few hundred", len(commonPasswords))
	}
}
