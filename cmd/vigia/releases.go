package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

func cmdReleases(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("releases", env)
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, env, *db, true)
	if err != nil {
		return err
	}
	defer st.Close()
	rs, err := st.Releases(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RELEASE\tSOURCE\tLEVEL\tMONTHS\tCELLS\tIMPORTED\tSHA256\tFILE")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s…%s\t%d\t%s\t%.12s\t%s\n", r.Vintage, r.Source, r.Level, r.First, r.Last, r.Cells,
			r.ImportedAt.Format(time.DateOnly), r.SHA256, r.FileName)
	}
	return tw.Flush()
}

// cmdRevisions lists the national monthly counts that changed between two
// releases of a source.
func cmdRevisions(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("revisions", env)
	db := dbFlag(fs, env)
	source := fs.String("source", "carpetas", "carpetas or victimas")
	a := fs.String("from-vintage", "", "older release")
	b := fs.String("to-vintage", "", "newer release")
	measure := fs.String("measure", "trata", "trata, comparable or trafico-menores")
	from := fs.String("from", "2015-01", "first month")
	to := fs.String("to", "2100-12", "last month")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	src := sesnsp.Source(*source)
	if src != sesnsp.Carpetas && src != sesnsp.Victimas {
		return usageError{fmt.Errorf("--source %q: want carpetas or victimas", *source)}
	}
	m, ok := sesnsp.MeasureByID(*measure)
	if !ok {
		return usageError{fmt.Errorf("--measure %q: unknown", *measure)}
	}
	for _, v := range []string{*a, *b} {
		if _, err := sesnsp.ParseVintage(v); err != nil {
			return usageError{fmt.Errorf("--from-vintage and --to-vintage: %w", err)}
		}
	}
	fm, err := parseMonth("--from", *from)
	if err != nil {
		return usageError{err}
	}
	tm, err := parseMonth("--to", *to)
	if err != nil {
		return usageError{err}
	}
	st, err := openStore(ctx, env, *db, true)
	if err != nil {
		return err
	}
	defer st.Close()
	revs, err := brief.Compare(ctx, st, src, m, fm, tm, *a, *b)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "MONTH\t%s\t%s\tCHANGE\n", *a, *b)
	for _, r := range revs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Month, brief.Int(r.Old), brief.Int(r.New), brief.SignedInt(r.New-r.Old))
	}
	tw.Flush()
	fmt.Fprintf(env.stdout, "%d months revised (%s, %s) between %s and %s\n", len(revs), src, m.ID, *a, *b)
	return nil
}
