package staff

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"
)

// Session tokens are 256 random bits. The cookie carries the token; the
// database keeps only its SHA-256, so a leaked sessions table cannot be
// replayed as cookies. A plain hash is enough (no salt, no Argon2) because the
// token has full entropy: there is nothing to guess.
const tokenBytes = 32

var (
	tokenEncoding = base64.RawURLEncoding.Strict()
	tokenLen      = base64.RawURLEncoding.EncodedLen(tokenBytes)
)

// NewToken returns a fresh session token for the cookie and the hash to
// store.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("making session token: %w", err)
	}
	sum := sha256.Sum256(b)
	return tokenEncoding.EncodeToString(b), sum[:], nil
}

// HashToken returns the stored form of a token presented in a cookie, or nil
// if the token is not well-formed (wrong length or alphabet, or non-canonical
// padding bits), so that garbage never reaches the database. The hash is of
// the decoded bytes; strict decoding guarantees that each token has one
// spelling, so two cookies never map to one session.
func HashToken(token string) []byte {
	if len(token) != tokenLen {
		return nil
	}
	b, err := tokenEncoding.DecodeString(token)
	if err != nil || len(b) != tokenBytes {
		return nil
	}
	sum := sha256.Sum256(b)
	return sum[:]
}

// SessionPolicy bounds a session by inactivity (Idle) and by age (Absolute):
// an unattended console locks itself soon, and even an active session must
// log in again each shift. A zero field takes its default, so a zero policy
// is DefaultSessions rather than sessions that never expire.
type SessionPolicy struct{ Idle, Absolute time.Duration }

// DefaultSessions is the policy for the staff console.
var DefaultSessions = SessionPolicy{Idle: 15 * time.Minute, Absolute: 8 * time.Hour}

func (p SessionPolicy) withDefaults() SessionPolicy {
	if p.Idle <= 0 {
		p.Idle = DefaultSessions.Idle
	}
	if p.Absolute <= 0 {
		p.Absolute = DefaultSessions.Absolute
	}
	return p
}

// Valid reports whether a session created at created and last used at
// lastSeen is still valid at now. Expiry is exclusive: a session idle for
// exactly Idle is expired. A zero created time, or a lastSeen before created,
// can only come from a bug or a forged row and is invalid.
func (p SessionPolicy) Valid(created, lastSeen, now time.Time) bool {
	if created.IsZero() || lastSeen.Before(created) {
		return false
	}
	return now.Before(p.Expires(created, lastSeen))
}

// Expires returns when a session expires if it is not used again: the
// earlier of the idle and absolute deadlines. It suits a cookie's Expires or
// a clean-up job.
func (p SessionPolicy) Expires(created, lastSeen time.Time) time.Time {
	p = p.withDefaults()
	idle := lastSeen.Add(p.Idle)
	abs := created.Add(p.Absolute)
	if idle.Before(abs) {
		return idle
	}
	return abs
}
