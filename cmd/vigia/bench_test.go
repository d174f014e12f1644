package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
)

// BenchmarkBrief is `vigia brief` on the bundled data, in process: open the
// store, read the population, build and print the brief. The end-to-end
// figure (with process start) is measured by bench/run.sh.
func BenchmarkBrief(b *testing.B) {
	db := filepath.Join(b.TempDir(), "vigia.db")
	env := map[string]string{"VIGIA_DATABASE_URL": db}
	getenv := func(k string) string { return env[k] }
	if err := run(context.Background(), []string{"releases"}, getenv, io.Discard, io.Discard); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := run(context.Background(), []string{"brief", "--from", "2022-01", "--to", "2022-06", "--states", "02,08,19"}, getenv, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
