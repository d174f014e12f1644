package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

func cmdImport(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("import", env)
	db := dbFlag(fs, env)
	vintage := fs.String("vintage", "", "release of the files (jun22, mar2026) when their names don't say")
	noSeed := fs.Bool("no-seed", false, "don't seed a new database with the bundled releases")
	dl := downloadFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{fmt.Errorf("import: name at least one file")}
	}
	for _, arg := range fs.Args() {
		if isURL(arg) {
			if err := dl.check(arg); err != nil {
				return usageError{err}
			}
		}
	}
	var opts sesnsp.Options
	if *vintage != "" {
		v, err := sesnsp.ParseVintage(*vintage)
		if err != nil {
			return usageError{err}
		}
		opts.Vintage = v
	}
	st, err := openStore(ctx, env, *db, !*noSeed)
	if err != nil {
		return err
	}
	defer st.Close()
	tty := isTerminal(env.stderr)
	var failed []string
	for _, arg := range fs.Args() {
		path := shownArg(arg)
		start := time.Now()
		o := opts
		if tty {
			o.Progress = func(done, total int64) { progressBar(env, path, done, total) }
		}
		var res ingest.Result
		var err error
		if isURL(path) {
			res, err = dl.importURL(ctx, env, st, arg, o)
		} else {
			res, err = ingest.File(ctx, st, arg, o)
		}
		if tty {
			fmt.Fprint(env.stderr, "\r\033[K")
		}
		if err != nil {
			// Each file is all or nothing; one bad file doesn't stop the rest.
			env.log.Error("import failed; nothing of this file was stored", "file", path, "err", err)
			failed = append(failed, path)
			continue
		}
		r := res.Release
		state := "imported"
		if !res.New {
			state = "already held (same sha256); nothing to do"
		}
		fmt.Fprintf(env.stdout, "%s: %s — release %s (%s from %s), %s %s, %s, %s…%s, %d rows read, %d cells kept, %s\n",
			path, state, r.Vintage, r.Source, r.VintageFrom, r.Format, r.Level, r.Encoding, r.First, r.Last, r.Rows, r.Cells,
			time.Since(start).Round(time.Millisecond))
		if r.Negatives > 0 {
			fmt.Fprintf(env.stdout, "  note: %d negative cells (SESNSP corrections) were kept as published\n", r.Negatives)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("import: %d of %d files failed: %s", len(failed), fs.NArg(), strings.Join(failed, ", "))
	}
	return nil
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func progressBar(env *environment, name string, done, total int64) {
	if total <= 0 {
		return
	}
	const width = 30
	frac := float64(done) / float64(total)
	n := int(frac * width)
	fmt.Fprintf(env.stderr, "\r\033[K%s [%s%s] %3.0f%%", name, strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100)
}
