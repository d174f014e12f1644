package staff

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP as every authenticator app implements it by default (RFC 6238 with
// HMAC-SHA1, 6 digits, 30 s). SHA-1 is fine here: HOTP relies on HMAC, not on
// collision resistance, and other choices are silently ignored by some apps,
// which would lock staff out.
const (
	totpDigits = 6
	totpPeriod = 30 // seconds
	totpSkew   = 1  // steps accepted either side, for clock drift and typing time

	totpSecretBytes = 20 // RFC 4226 recommends 160 bits
	minSecretBytes  = 16 // RFC 4226 requires at least 128 bits
	maxSecretBytes  = 64
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a fresh 160-bit secret in the unpadded upper-case
// base32 that authenticator apps expect.
func NewTOTPSecret() (string, error) {
	b := make([]byte, totpSecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making TOTP secret: %w", err)
	}
	return b32.EncodeToString(b), nil
}

// decodeSecret is lenient about spelling (case, spaces, padding), since a
// secret may have been copied by hand, and strict about strength.
func decodeSecret(secret string) ([]byte, error) {
	if len(secret) > 2*maxSecretBytes {
		return nil, errors.New("TOTP secret too long")
	}
	s := strings.ToUpper(strings.Join(strings.Fields(secret), ""))
	s = strings.TrimRight(s, "=")
	key, err := b32.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("TOTP secret is not base32: %w", err)
	}
	if len(key) < minSecretBytes || len(key) > maxSecretBytes {
		return nil, fmt.Errorf("TOTP secret of %d bytes, want %d..%d", len(key), minSecretBytes, maxSecretBytes)
	}
	return key, nil
}

// hotp is RFC 4226 §5.3: HMAC-SHA1 of the counter, dynamic truncation, and
// the low decimal digits, zero-padded.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpStep is the RFC 6238 time counter T = floor(unix / 30). Times before
// 1970 have no step.
func totpStep(t time.Time) (int64, bool) {
	u := t.Unix()
	if u < 0 {
		return 0, false
	}
	return u / totpPeriod, true
}

// TOTPCode returns the 6-digit code for the step containing t. The console
// itself only verifies; this is for tests and for showing a code while
// enrolling.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	step, ok := totpStep(t)
	if !ok {
		return "", fmt.Errorf("no TOTP step for %v: before 1970", t)
	}
	return hotp(key, uint64(step), totpDigits), nil
}

// normalizeCode strips the spaces people type or apps display ("123 456") and
// returns the code only if what is left is exactly six ASCII digits.
func normalizeCode(code string) (string, bool) {
	if len(code) > 32 {
		return "", false
	}
	c := strings.Join(strings.Fields(code), "")
	if len(c) != totpDigits {
		return "", false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < '0' || c[i] > '9' {
			return "", false
		}
	}
	return c, true
}

// VerifyTOTP accepts the code for the step of t and one step either side, but
// never a step <= lastStep, so an observed code cannot be replayed; it
// returns the matched step to be stored as the new lastStep. A malformed
// secret or code is simply not ok.
//
// All candidate steps are computed and compared in constant time. If two
// steps happen to share a code the later one is returned, which burns the
// most steps and so errs towards refusing a replay.
func VerifyTOTP(secret, code string, t time.Time, lastStep int64) (step int64, ok bool) {
	c, valid := normalizeCode(code)
	if !valid {
		return 0, false
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return 0, false
	}
	cur, valid := totpStep(t)
	if !valid {
		return 0, false
	}
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		if s < 0 || s <= lastStep {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), totpDigits)), []byte(c)) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}

// OTPAuthURI returns the otpauth:// URI (Google Authenticator key URI format)
// to show as a QR code at enrolment. Issuer and account are escaped with %20
// for spaces rather than '+', which some apps show literally, and a colon
// inside either is escaped so that it cannot shift the issuer:account split.
func OTPAuthURI(issuer, account, secret string) string {
	esc := func(s string) string {
		return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
	}
	label := esc(account)
	if issuer != "" {
		label = esc(issuer) + ":" + label
	}
	var b strings.Builder
	b.WriteString("otpauth://totp/")
	b.WriteString(label)
	b.WriteString("?secret=")
	b.WriteString(esc(secret))
	if issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(esc(issuer))
	}
	fmt.Fprintf(&b, "&algorithm=SHA1&digits=%d&period=%d", totpDigits, totpPeriod)
	return b.String()
}
