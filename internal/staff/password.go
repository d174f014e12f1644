package staff

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new hashes: OWASP's minimum recommendation
// (19 MiB, 2 passes, 1 lane). They are written into every hash, so raising
// them later only affects new hashes; NeedsRehash tells when to upgrade.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds on what a stored hash may ask for. A corrupt or planted row must not
// make a login allocate gigabytes or spin for minutes; these are far above
// anything this server would choose.
const (
	maxArgonMemory  = 256 * 1024 // KiB
	maxArgonTime    = 16
	maxArgonThreads = 16
	minSaltLen      = 8 // the Argon2 specification's minimum
	maxSaltLen      = 64
	minKeyLen       = 16
	maxKeyLen       = 64
)

// Password length limits. The minimum follows NIST SP 800-63B for passwords
// that are the only memorised secret; the maximum only stops a login form
// from being used to feed megabytes into the hash.
const (
	MinPasswordRunes = 12
	MaxPasswordBytes = 1024
)

// Errors a caller may want to tell apart.
var (
	ErrPasswordTooShort = fmt.Errorf("password must have at least %d characters", MinPasswordRunes)
	ErrPasswordTooLong  = fmt.Errorf("password must be at most %d bytes", MaxPasswordBytes)
	ErrMalformedHash    = errors.New("malformed password hash")
)

// argonParams is what a PHC string carries besides salt and key.
type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

var currentParams = argonParams{memory: argonMemory, time: argonTime, threads: argonThreads}

// HashPassword hashes a new password with Argon2id and a fresh random salt and
// returns it in PHC string format. Length limits are enforced here, when a
// password is chosen, and not in CheckPassword, so that tightening them never
// locks anyone out of an existing account.
func HashPassword(password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	if !utf8.ValidString(password) {
		// Counting characters of invalid UTF-8 is meaningless, and no
		// browser form sends it.
		return "", errors.New("password is not valid UTF-8")
	}
	if utf8.RuneCountInString(password) < MinPasswordRunes {
		return "", ErrPasswordTooShort
	}
	if err := checkGuessable(password); err != nil {
		return "", err
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hashing password: reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, currentParams.time, currentParams.memory, currentParams.threads, argonKeyLen)
	return encodeHash(currentParams, salt, key), nil
}

func encodeHash(p argonParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches an encoded hash. The Argon2
// parameters are taken from the hash itself, so hashes made under older
// parameters keep working. It returns an error only when encoded is not a
// well-formed Argon2id PHC string; a wrong password is (false, nil).
func CheckPassword(encoded, password string) (bool, error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > MaxPasswordBytes {
		// No hash was made from a password this long, so skip the work.
		return false, nil
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash reports whether a stored hash was made with parameters other
// than the current ones (or is unreadable), so that the caller can replace it
// with HashPassword right after a successful login, while it has the password.
func NeedsRehash(encoded string) bool {
	p, salt, key, err := decodeHash(encoded)
	return err != nil || p != currentParams || len(salt) != argonSaltLen || len(key) != argonKeyLen
}

// dummyHash has the current parameters but a random salt and a random key
// that is the hash of no known password, so nothing can log in against it.
// It is a constant rather than computed at start-up so that importing the
// package costs nothing and the first failed login is not slower than the
// rest; TestDummyHashMatchesParams keeps it in step with currentParams.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$AAW06khM3cAgy+//8RqY/A$GFEwtyT/851oQESWYmShNc8wPkiOYrfXeWBiAQeHY0U"

// DummyCheck does the work of CheckPassword against a hash that matches
// nothing. Call it when the username does not exist, so that a failed login
// takes as long whether or not the account exists and the login form cannot
// be used to enumerate staff.
func DummyCheck(password string) {
	_, _ = CheckPassword(dummyHash, password)
}

// decodeHash parses "$argon2id$v=19$m=M,t=T,p=P$salt$key" strictly: fields in
// that order, canonical decimals, unpadded standard base64. Anything else is
// refused rather than guessed at, since a stored hash is only ever written by
// this package.
func decodeHash(encoded string) (argonParams, []byte, []byte, error) {
	var p argonParams
	fail := func(format string, args ...any) (argonParams, []byte, []byte, error) {
		return argonParams{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, fmt.Sprintf(format, args...))
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("want 5 $-separated fields, got %d", len(parts)-1)
	}
	if parts[1] != "argon2id" {
		return fail("algorithm %q is not argon2id", truncate(parts[1]))
	}
	v, ok := strings.CutPrefix(parts[2], "v=")
	if !ok {
		return fail("missing version")
	}
	if n, err := parseDecimal(v, 1<<31); err != nil || n != argon2.Version {
		return fail("unsupported version %q", truncate(v))
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return fail("want parameters m,t,p, got %q", truncate(parts[3]))
	}
	var vals [3]uint64
	for i, name := range [3]string{"m", "t", "p"} {
		s, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return fail("want parameter %s, got %q", name, truncate(kv[i]))
		}
		n, err := parseDecimal(s, 1<<32-1)
		if err != nil {
			return fail("parameter %s: %v", name, err)
		}
		vals[i] = n
	}
	m, t, th := vals[0], vals[1], vals[2]
	switch {
	case th < 1 || th > maxArgonThreads:
		return fail("parallelism %d out of range 1..%d", th, maxArgonThreads)
	case m < 8*th || m > maxArgonMemory:
		return fail("memory %d KiB out of range %d..%d", m, 8*th, maxArgonMemory)
	case t < 1 || t > maxArgonTime:
		return fail("time %d out of range 1..%d", t, maxArgonTime)
	}
	p = argonParams{memory: uint32(m), time: uint32(t), threads: uint8(th)}
	// Strict decoding refuses non-zero padding bits, so one hash has exactly
	// one spelling.
	salt, err := base64.RawStdEncoding.Strict().DecodeString(parts[4])
	if err != nil {
		return fail("salt: %v", err)
	}
	if len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return fail("salt of %d bytes, want %d..%d", len(salt), minSaltLen, maxSaltLen)
	}
	key, err := base64.RawStdEncoding.Strict().DecodeString(parts[5])
	if err != nil {
		return fail("key: %v", err)
	}
	if len(key) < minKeyLen || len(key) > maxKeyLen {
		return fail("key of %d bytes, want %d..%d", len(key), minKeyLen, maxKeyLen)
	}
	return p, salt, key, nil
}

// parseDecimal accepts only canonical non-negative decimals (no sign, no
// leading zeros, no spaces) up to max.
func parseDecimal(s string, max uint64) (uint64, error) {
	if s == "" || len(s) > 10 {
		return 0, fmt.Errorf("bad number %q", truncate(s))
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("leading zero in %q", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("bad number %q", s)
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > max {
		return 0, fmt.Errorf("number %s out of range", s)
	}
	return n, nil
}

// truncate keeps error messages short when a whole garbage row is passed in.
func truncate(s string) string {
	const n = 32
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
