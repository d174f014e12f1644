package staff

import (
	"math"
	"testing"
	"time"
)

func TestLockoutUntil(t *testing.T) {
	last := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		failures int
		want     time.Duration // 0: not locked
	}{
		{-1, 0}, {0, 0}, {1, 0}, {4, 0},
		{5, 15 * time.Minute},
		{6, 30 * time.Minute},
		{7, time.Hour},
		{8, 2 * time.Hour},
		{9, 4 * time.Hour},
		{10, 8 * time.Hour},
		{11, 16 * time.Hour},
		{12, 24 * time.Hour}, // 32 h, capped
		{13, 24 * time.Hour},
		{1000, 24 * time.Hour},
		{math.MaxInt, 24 * time.Hour},
	}
	for _, pol := range []struct {
		name string
		l    Lockout
	}{{"default", DefaultLockout}, {"zero value", Lockout{}}} {
		for _, tt := range tests {
			got := pol.l.Until(tt.failures, last)
			var want time.Time
			if tt.want != 0 {
				want = last.Add(tt.want)
			}
			if !got.Equal(want) {
				t.Errorf("%s: Until(%d) = %v, want %v", pol.name, tt.failures, got, want)
			}
		}
	}
}

func TestLockoutCustom(t *testing.T) {
	last := time.Unix(1e9, 0)
	l := Lockout{Threshold: 3, Base: time.Minute, Max: 5 * time.Minute}
	for _, tt := range []struct {
		failures int
		want     time.Duration
	}{{2, 0}, {3, time.Minute}, {4, 2 * time.Minute}, {5, 4 * time.Minute}, {6, 5 * time.Minute}, {60, 5 * time.Minute}} {
		got := l.Until(tt.failures, last)
		if (tt.want == 0 && !got.IsZero()) || (tt.want != 0 && !got.Equal(last.Add(tt.want))) {
			t.Errorf("Until(%d) = %v, want +%v", tt.failures, got, tt.want)
		}
	}
	// Doubling from 1 ns towards the largest Duration must not overflow.
	huge := Lockout{Threshold: 1, Base: 1, Max: math.MaxInt64}
	if got := huge.Until(math.MaxInt, last); !got.Equal(last.Add(math.MaxInt64)) {
		t.Errorf("huge.Until = %v, want last + MaxInt64", got)
	}
	// A cap below the base still caps.
	if got := (Lockout{Threshold: 1, Base: time.Hour, Max: time.Minute}).Until(1, last); !got.Equal(last.Add(time.Minute)) {
		t.Errorf("Max < Base: Until = %v, want +1m", got)
	}
}

func TestLockoutLocked(t *testing.T) {
	last := time.Unix(1e9, 0)
	l := DefaultLockout
	tests := []struct {
		failures int
		now      time.Time
		want     bool
	}{
		{4, last, false},
		{5, last, true},
		{5, last.Add(15*time.Minute - time.Nanosecond), true},
		{5, last.Add(15 * time.Minute), false},
		{6, last.Add(20 * time.Minute), true},
		{50, last.Add(23 * time.Hour), true},
		{50, last.Add(24 * time.Hour), false},
	}
	for _, tt := range tests {
		if got := l.Locked(tt.failures, last, tt.now); got != tt.want {
			t.Errorf("Locked(%d, +%v) = %v, want %v", tt.failures, tt.now.Sub(last), got, tt.want)
		}
	}
}
