// Package ingest brings SESNSP files into the store: from the command line,
// and from the bundled releases when a store is new.
package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/vigia-mx/vigia/data"
	"github.com/vigia-mx/vigia/internal/conapo"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

// Result says what one file became.
type Result struct {
	Release store.Release
	New     bool // false when the same bytes were imported before
}

// File reads path and imports it; opts.Keep is set to the measured lines.
func File(ctx context.Context, st *store.Store, path string, opts sesnsp.Options) (Result, error) {
	opts.Keep = sesnsp.Stored
	f, err := sesnsp.ReadFile(path, opts)
	if err != nil {
		return Result{}, err
	}
	r, isNew, err := st.Import(ctx, f)
	return Result{r, isNew}, err
}

// Seed imports the bundled releases into a store that holds none, so that a
// fresh install answers on real data with no download. It reports how many
// files it imported.
func Seed(ctx context.Context, st *store.Store, log *slog.Logger) (int, error) {
	held, err := st.Releases(ctx)
	if err != nil {
		return 0, err
	}
	if len(held) > 0 {
		return 0, nil
	}
	n := 0
	for _, b := range data.Releases {
		v, err := sesnsp.ParseVintage(b.Vintage)
		if err != nil {
			return n, fmt.Errorf("ingest: bundled %s: %w", b.Path, err)
		}
		fh, err := data.FS().Open(b.Path)
		if err != nil {
			return n, fmt.Errorf("ingest: bundled %s: %w", b.Path, err)
		}
		f, err := sesnsp.Read(b.Path, fh, sesnsp.Options{Vintage: v, Keep: sesnsp.Stored})
		fh.Close()
		if err != nil {
			return n, fmt.Errorf("ingest: bundled %s: %w", b.Path, err)
		}
		r, isNew, err := st.Import(ctx, f)
		if err != nil {
			return n, fmt.Errorf("ingest: bundled %s: %w", b.Path, err)
		}
		if isNew {
			n++
			log.Info("seeded bundled release", "file", b.Path, "vintage", r.Vintage, "source", r.Source, "cells", r.Cells)
		}
	}
	return n, nil
}

// Population returns the bundled CONAPO table, read once.
var Population = sync.OnceValues(func() (*conapo.Table, error) {
	f, err := data.FS().Open(data.Population)
	if err != nil {
		return nil, fmt.Errorf("ingest: population: %w", err)
	}
	defer f.Close()
	return conapo.Read(data.Population, f)
})
