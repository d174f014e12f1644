package main

import (
	"context"
	"fmt"

	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/store"
)

// openStore opens the database and, if it holds no release yet, seeds it
// with the bundled ones.
func openStore(ctx context.Context, env *environment, target string, seed bool) (*store.Store, error) {
	st, err := store.Open(ctx, target)
	if err != nil {
		return nil, err
	}
	if seed {
		n, err := ingest.Seed(ctx, st, env.log)
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("seed bundled releases: %w", err)
		}
		if n > 0 {
			env.log.Info("new database seeded with the bundled releases", "files", n)
		}
	}
	return st, nil
}
