package main

import (
	"context"
	"fmt"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

func cmdBrief(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("brief", env)
	db := dbFlag(fs, env)
	from := fs.String("from", "", "first month, YYYY-MM")
	to := fs.String("to", "", "last month, YYYY-MM")
	states := fs.String("states", "", "group of states: INEGI codes, names, ISO 3166-2 ids or presets (frontera-norte, noroeste…)")
	vintage := fs.String("vintage", "", "one release (jun22, mar2026); default: each month from the newest release holding it")
	measure := fs.String("measure", "trata", "trata, comparable or trafico-menores")
	format := fs.String("format", "text", "text, markdown or json")
	lang := fs.String("lang", "es", "es or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var p brief.Params
	var err error
	if p.From, err = parseMonth("--from", *from); err != nil {
		return usageError{err}
	}
	if p.To, err = parseMonth("--to", *to); err != nil {
		return usageError{err}
	}
	if p.States, err = sesnsp.ParseStates(*states); err != nil {
		return usageError{err}
	}
	if *vintage != "" {
		if _, err := sesnsp.ParseVintage(*vintage); err != nil {
			return usageError{err}
		}
	}
	p.Vintage = *vintage
	m, ok := sesnsp.MeasureByID(*measure)
	if !ok {
		return usageError{fmt.Errorf("--measure %q: want trata, comparable or trafico-menores", *measure)}
	}
	p.Measure = m
	f := brief.Format(*format)
	if f != brief.Text && f != brief.Markdown && f != brief.JSON {
		return usageError{fmt.Errorf("--format %q: want text, markdown or json", *format)}
	}
	if *lang != "es" && *lang != "en" {
		return usageError{fmt.Errorf("--lang %q: want es or en", *lang)}
	}
	st, err := openStore(ctx, env, *db, true)
	if err != nil {
		return err
	}
	defer st.Close()
	pop, err := ingest.Population()
	if err != nil {
		return err
	}
	b, err := brief.Build(ctx, st, pop, p)
	if err != nil {
		return err
	}
	return b.Write(env.stdout, f, *lang)
}

func parseMonth(flag, s string) (sesnsp.YM, error) {
	if s == "" {
		return 0, fmt.Errorf("%s is required (YYYY-MM)", flag)
	}
	m, err := sesnsp.ParseYM(s)
	if err != nil || !sesnsp.InSeries(m) {
		return 0, fmt.Errorf("%s %q: want a month as YYYY-MM from 2015-01 on", flag, s)
	}
	return m, nil
}
