package desk

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
)

// Login checks a password and a one-time code and opens a session. The
// answer is the same for an unknown user, a wrong password and a wrong
// code, and costs about the same time.
func (d *Desk) Login(ctx context.Context, username, password, code string) (token, csrf string, err error) {
	if !d.keys.CanOpen() {
		return "", "", ErrIntakeOnly
	}
	// Every path below runs one Argon2id hash (19 MiB): a bounded number
	// run at once, and beyond the queue a sign-in is refused at once rather
	// than left to pile up memory.
	release, err := d.cfg.Hashes.Acquire(ctx)
	if err != nil {
		return "", "", err
	}
	defer release()
	now := d.now()
	var u store.Staff
	for try := 0; ; try++ {
		u, err = d.st.StaffByUsername(ctx, strings.TrimSpace(username))
		if errors.Is(err, store.ErrNotFound) {
			staff.DummyCheck(password)
			return "", "", ErrLogin
		}
		if err != nil {
			return "", "", err
		}
		if !u.Active || !d.staffGenuine(u) {
			staff.DummyCheck(password)
			if u.Active {
				if err := d.st.Audit(ctx, audit.Event{Actor: fmt.Sprintf("staff:%d", u.ID), Action: "login.forged_account", Object: fmt.Sprintf("staff:%d", u.ID)}); err != nil {
					return "", "", err
				}
			}
			return "", "", ErrLogin
		}
		if d.cfg.Lockout.Locked(u.Failures, u.LastFailure, now) {
			// The same answer as a wrong password: a distinct one would tell
			// which user names exist. The audit log says what happened.
			staff.DummyCheck(password)
			if err := d.st.Audit(ctx, audit.Event{Actor: fmt.Sprintf("staff:%d", u.ID), Action: "login.locked", Object: fmt.Sprintf("staff:%d", u.ID)}); err != nil {
				return "", "", err
			}
			return "", "", ErrLocked
		}
		// The attempt is counted as a failure before the password is
		// checked, if no other attempt was counted since the check above.
		counted, err := d.st.LoginAttempt(ctx, u.ID, u.Failures)
		if err != nil {
			return "", "", err
		}
		if counted {
			break
		}
		if try == 4 {
			// Many attempts on one account at once: an attack.
			staff.DummyCheck(password)
			return "", "", ErrLocked
		}
	}
	fail := func() (string, string, error) {
		if err := d.st.Audit(ctx, audit.Event{Actor: fmt.Sprintf("staff:%d", u.ID), Action: "login.failed", Object: fmt.Sprintf("staff:%d", u.ID)}); err != nil {
			return "", "", err
		}
		return "", "", ErrLogin
	}
	ok, err := staff.CheckPassword(u.Password, password)
	if err != nil || !ok {
		return fail()
	}
	secret, err := d.keys.Open(u.TOTPSealed)
	if err != nil {
		return "", "", err
	}
	step, ok := staff.VerifyTOTP(string(secret), code, now, u.TOTPLastStep)
	if !ok {
		return fail()
	}
	token, hash, err := staff.NewToken()
	if err != nil {
		return "", "", err
	}
	csrf, _, err = staff.NewToken()
	if err != nil {
		return "", "", err
	}
	// A fresh token at every login: a session id planted before login is
	// never promoted (session fixation).
	sign := func(created string) (string, error) { return d.sessionMAC(hash, u.ID, csrf, created) }
	if err := d.st.LoginSucceeded(ctx, u.ID, step, hash, csrf, sign, audit.Event{Actor: fmt.Sprintf("staff:%d", u.ID), Action: "login", Object: fmt.Sprintf("staff:%d", u.ID)}); err != nil {
		return fail()
	}
	return token, csrf, nil
}

// Unlock clears an account's failed sign-ins, so that a member of staff
// kept out by someone else's guesses can sign in again at once. by names
// who did it (the command line: "cli").
func (d *Desk) Unlock(ctx context.Context, by, username string) error {
	u, err := d.st.StaffByUsername(ctx, strings.TrimSpace(username))
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	ev := audit.Event{Actor: by, Action: "staff.unlock", Object: fmt.Sprintf("staff:%d", u.ID), Detail: fmt.Sprintf("failures=%d", u.Failures)}
	return d.st.UnlockStaff(ctx, u.ID, ev)
}

// Session returns the actor of a session token and its CSRF token.
func (d *Desk) Session(ctx context.Context, token string) (Actor, string, error) {
	h := staff.HashToken(token)
	if h == nil {
		return Actor{}, "", ErrSession
	}
	s, err := d.st.SessionByHash(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return Actor{}, "", ErrSession
	}
	if err != nil {
		return Actor{}, "", err
	}
	if !d.sessionGenuine(h, s) {
		// Planted by someone who can write to the database but holds no
		// private key (or copied from another session): it signs no one
		// in, and the audit log says so.
		_ = d.st.EndSession(ctx, h)
		if err := d.st.Audit(ctx, audit.Event{Actor: fmt.Sprintf("staff:%d", s.Staff.ID), Action: "session.forged", Object: fmt.Sprintf("staff:%d", s.Staff.ID)}); err != nil {
			return Actor{}, "", err
		}
		return Actor{}, "", ErrSession
	}
	if !s.Staff.Active || !d.staffGenuine(s.Staff) || !d.cfg.Sessions.Valid(s.Created, s.LastSeen, d.now()) {
		_ = d.st.EndSession(ctx, h)
		return Actor{}, "", ErrSession
	}
	role, err := staff.ParseRole(s.Staff.Role)
	if err != nil {
		return Actor{}, "", ErrSession
	}
	if err := d.st.TouchSession(ctx, h); err != nil {
		return Actor{}, "", err
	}
	return Actor{ID: s.Staff.ID, Username: s.Staff.Username, Role: role, Team: s.Staff.Team, Scope: s.Staff.Scope}, s.CSRF, nil
}

// Logout ends a session.
func (d *Desk) Logout(ctx context.Context, token string) error {
	if h := staff.HashToken(token); h != nil {
		return d.st.EndSession(ctx, h)
	}
	return nil
}

// sessionMAC is a session row's MAC: it binds the token's hash to the
// account, the CSRF token and the creation time (so that neither the
// account nor the absolute expiry can be changed), under a key only the
// console holds.
func (d *Desk) sessionMAC(hash []byte, staffID int64, csrf, created string) (string, error) {
	return d.keys.SessionMAC(hex.EncodeToString(hash), strconv.FormatInt(staffID, 10), csrf, created)
}

func (d *Desk) sessionGenuine(hash []byte, s store.Session) bool {
	want, err := d.sessionMAC(hash, s.Staff.ID, s.CSRF, s.CreatedAt)
	return err == nil && s.MAC != "" && hmac.Equal([]byte(want), []byte(s.MAC))
}
