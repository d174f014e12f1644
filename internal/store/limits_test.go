package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/storetest"
)

// TestClientLimits: Take counts up to the limit and no further, also when
// called at once from two connections; GiveBack returns one; PurgeLimits
// deletes windows that are over.
func TestClientLimits(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			target := be.Target(t)
			a, b := storetest.Open(t, target), storetest.Open(t, target)
			ctx := context.Background()
			exp := time.Now().Add(time.Hour)
			var taken atomic.Int32
			var wg sync.WaitGroup
			for i := 0; i < 20; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st := a
					if i%2 == 1 {
						st = b
					}
					ok, err := st.Take(ctx, "report", "cliente-sintetico", "w1", 5, exp)
					if err != nil {
						t.Error(err)
					}
					if ok {
						taken.Add(1)
					}
				}()
			}
			wg.Wait()
			if taken.Load() != 5 {
				t.Errorf("20 takes at once with a limit of 5: %d counted", taken.Load())
			}
			if err := b.GiveBack(ctx, "report", "cliente-sintetico", "w1"); err != nil {
				t.Fatal(err)
			}
			if ok, _ := a.Take(ctx, "report", "cliente-sintetico", "w1", 5, exp); !ok {
				t.Error("a take after a give-back was refused")
			}
			if ok, _ := a.Take(ctx, "report", "cliente-sintetico", "w1", 5, exp); ok {
				t.Error("a take beyond the limit was counted")
			}
			if ok, _ := a.Take(ctx, "report", "otro-cliente", "w1", 5, exp); !ok {
				t.Error("another client was refused")
			}
			if n, err := a.PurgeLimits(ctx, exp.Add(time.Minute)); err != nil || n != 2 {
				t.Errorf("PurgeLimits = %d, %v; want 2", n, err)
			}
		})
	}
}
