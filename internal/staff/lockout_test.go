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
		{5, time.Minute},
		{6, 2 * time.Minute},
		{7, 4 * time.Minute},
		{8, 8 * time.Minute},
		{9, 15 * time.Minute}, // 16 min, capped
		{10, 15 * time.Minute},
		{1000, 15 * time.Minute},
		{math.MaxInt, 15 * time.Minute},
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
		{5, last.Add(time.Minute - time.Nanosecond), true},
		{5, last.Add(time.Minute), false},
		{6, last.Add(90 * time.Second), true},
		{50, last.Add(14 * time.Minute), true},
		{50, last.Add(15 * time.Minute), false},
	}
	for _, tt := range tests {
		if got := l.Locked(tt.failures, last, tt.now); got != tt.want {
			t.Errorf("Locked(%d, +%v) = %v, want %v", tt.failures, tt.now.Sub(last), got, tt.want)
		}
	}
}
