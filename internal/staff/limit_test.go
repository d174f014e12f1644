package staff

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// Beyond its slots and queue the limit refuses at once; a waiter gets the
// first slot given back, or ErrBusy when its wait runs out.
func TestHashLimit(t *testing.T) {
	ctx := context.Background()
	l := NewHashLimit(2, 1, 200*time.Millisecond)
	r1, err := l.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := l.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// One waits in the queue...
	got := make(chan error, 1)
	go func() {
		r, err := l.Acquire(ctx)
		if err == nil {
			defer r()
		}
		got <- err
	}()
	// ...so, once it is queued, the next is refused without waiting.
	deadline := time.Now().Add(time.Second)
	for len(l.queue) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if _, err := l.Acquire(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("beyond slots and queue: %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("refusal took %v, want at once", d)
	}
	r1()
	r1() // a second release gives back nothing
	if err := <-got; err != nil {
		t.Fatalf("queued waiter: %v", err)
	}
	r2()
	if l.Peak() != 2 {
		t.Errorf("peak %d, want 2", l.Peak())
	}
	// A waiter whose wait runs out is refused.
	a, _ := l.Acquire(ctx)
	b, _ := l.Acquire(ctx)
	if _, err := l.Acquire(ctx); !errors.Is(err, ErrBusy) {
		t.Errorf("after the wait: %v, want ErrBusy", err)
	}
	a()
	b()
}

// 200 sign-ins at once never run more hashes than the slots: the memory
// password hashing holds stays under slots × 19 MiB.
func TestHashLimitBoundsConcurrentChecks(t *testing.T) {
	l := NewHashLimit(2, 4, time.Second)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ran, busy := 0, 0
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := l.Acquire(context.Background())
			if errors.Is(err, ErrBusy) {
				mu.Lock()
				busy++
				mu.Unlock()
				return
			}
			if err != nil {
				t.Error(err)
				return
			}
			defer release()
			time.Sleep(2 * time.Millisecond) // stands in for the hash
			mu.Lock()
			ran++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if l.Peak() > 2 {
		t.Errorf("%d hashes ran at once, want at most 2", l.Peak())
	}
	if ran == 0 || busy == 0 || ran+busy != 200 {
		t.Errorf("ran %d, refused %d", ran, busy)
	}
}
