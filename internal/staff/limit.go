package staff

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// ErrBusy is returned when too many password checks are running or waiting:
// the caller answers at once (503 with Retry-After) instead of queueing.
var ErrBusy = errors.New("staff: too many sign-ins at once; try again shortly")

// HashLimit bounds the password hashes that run at once. Each Argon2id
// check allocates its memory (19 MiB) for as long as it runs, and sign-in
// is open to anyone who reaches the console, so without a bound a few
// hundred made-up sign-ins at once would take gigabytes. Slots hashes run;
// up to Queue more wait, each at most Wait; anything beyond is refused at
// once with ErrBusy.
type HashLimit struct {
	slots chan struct{}
	queue chan struct{}
	wait  time.Duration
	cur   atomic.Int64
	peak  atomic.Int64
}

// Defaults of NewHashLimit's arguments when zero: 4 × 19 MiB is the most
// password hashing ever holds; 16 sign-ins may wait up to 2 s.
const (
	DefaultHashSlots = 4
	DefaultHashQueue = 16
	DefaultHashWait  = 2 * time.Second
)

// NewHashLimit returns a limit of slots concurrent hashes with queue
// waiters. A zero argument takes its default; a negative queue means none.
func NewHashLimit(slots, queue int, wait time.Duration) *HashLimit {
	if slots <= 0 {
		slots = DefaultHashSlots
	}
	if queue == 0 {
		queue = DefaultHashQueue
	}
	if queue < 0 {
		queue = 0
	}
	if wait <= 0 {
		wait = DefaultHashWait
	}
	return &HashLimit{slots: make(chan struct{}, slots), queue: make(chan struct{}, queue), wait: wait}
}

// Acquire takes a slot, waiting briefly if the queue has room, and returns
// the function that gives it back. It returns ErrBusy when the slots and
// the queue are full or the wait runs out, and the context's error if it
// ends first.
func (l *HashLimit) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
		return l.took(), nil
	default:
	}
	select {
	case l.queue <- struct{}{}:
	default:
		return nil, ErrBusy
	}
	defer func() { <-l.queue }()
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return l.took(), nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *HashLimit) took() func() {
	n := l.cur.Add(1)
	for {
		p := l.peak.Load()
		if n <= p || l.peak.CompareAndSwap(p, n) {
			break
		}
	}
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			l.cur.Add(-1)
			<-l.slots
		}
	}
}

// Slots is how many hashes may run at once.
func (l *HashLimit) Slots() int { return cap(l.slots) }

// Peak is the most slots ever held at once, for tests and metrics.
func (l *HashLimit) Peak() int { return int(l.peak.Load()) }
