// Package ingest brings SESNSP files into the store: from the command line,
// and from the bundled releases when a store is new.
package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
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

// Seed imports the bundled releases a store does not hold yet, so that a
// fresh install answers on real data with no download, and an install
// stopped in the middle of its first seeding completes it on the next start
// (each file is imported whole or not at all). A bundled file whose months
// the store already holds from another copy of the same release is left
// out. It reports how many files it imported.
func Seed(ctx context.Context, st *store.Store, log *slog.Logger) (int, error) {
	held, err := st.Releases(ctx)
	if err != nil {
		return 0, err
	}
	have, seeded := map[string]bool{}, map[string]bool{}
	for _, r := range held {
		have[r.SHA256] = true
		seeded[r.FileName] = true
	}
	n := 0
	for _, b := range data.Releases {
		// Seeded before under its bundle path: no need to read and hash it
		// (every command starts here).
		if seeded[b.Path] {
			continue
		}
		raw, err := fs.ReadFile(data.FS(), b.Path)
		if err != nil {
			return n, fmt.Errorf("ingest: bundled %s: %w", b.Path, err)
		}
		sum := sha256.Sum256(raw)
		if have[hex.EncodeToString(sum[:])] {
			continue
		}
		v, err := sesnsp.ParseVintage(b.Vintage)
		if err != nil {
			return n, fmt.Errorf("ingest: bundled %s: %w", b.Path, err)
		}
		f, err := sesnsp.Read(b.Path, bytes.NewReader(raw), sesnsp.Options{Vintage: v, Keep: sesnsp.Stored})
		if err != nil {
			return n, fmt.Errorf("ingest: bundled %s: %w", b.Path, err)
		}
		r, isNew, err := st.Import(ctx, f)
		if errors.Is(err, store.ErrOverlap) {
			log.Info("bundled release left out: the store holds another copy of it", "file", b.Path)
			continue
		}
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
