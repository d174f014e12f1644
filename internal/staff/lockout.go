package staff

import "time"

// Lockout: after repeated failures an account backs off: each further
// attempt must wait, the wait doubling up to a cap. The cap is short on
// purpose: anyone can fail an account's sign-in, and a long lock would let
// them keep the staff out of the console for a day; a password and a
// one-time code cannot be guessed at four tries an hour either, and an
// administrator can clear the count at once (vigia staff unlock). A zero
// field takes its default, so a zero Lockout is DefaultLockout rather than
// no lockout.
type Lockout struct {
	Threshold int           // failures before the first wait, default 5
	Base      time.Duration // first wait, default 1 min
	Max       time.Duration // cap, default 15 min
}

// DefaultLockout is the policy for staff logins.
var DefaultLockout = Lockout{Threshold: 5, Base: time.Minute, Max: 15 * time.Minute}

func (l Lockout) withDefaults() Lockout {
	if l.Threshold <= 0 {
		l.Threshold = DefaultLockout.Threshold
	}
	if l.Base <= 0 {
		l.Base = DefaultLockout.Base
	}
	if l.Max <= 0 {
		l.Max = DefaultLockout.Max
	}
	return l
}

// Until returns when an account with `failures` consecutive failures, the
// last at `last`, is unlocked (zero time if it is not locked). Reaching the
// threshold locks for Base; each failure beyond it doubles the lock, capped at
// Max. The caller compares the result with the current time (see Locked).
func (l Lockout) Until(failures int, last time.Time) time.Time {
	l = l.withDefaults()
	if failures < l.Threshold {
		return time.Time{}
	}
	d := l.Base
	// The loop stops once the cap is reached, so it runs at most ~63 times
	// however large failures is, and the doubling never overflows.
	for i := l.Threshold; i < failures && d < l.Max; i++ {
		if d > l.Max/2 {
			d = l.Max
			break
		}
		d *= 2
	}
	if d > l.Max {
		d = l.Max
	}
	return last.Add(d)
}

// Locked reports whether the account is locked at now.
func (l Lockout) Locked(failures int, last, now time.Time) bool {
	until := l.Until(failures, last)
	return !until.IsZero() && now.Before(until)
}
