// Command vigia is the observatory's single binary: it imports SESNSP
// releases, writes analyst briefs, and (later) serves the web observatory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "vigia:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError marks a mistake in the command line (exit status 2).
type usageError struct{ error }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

const usage = `vigia: an observatory of human-trafficking figures in Mexico

Usage:
  vigia serve  [--db DB] [--addr 127.0.0.1:8080] [--role all|intake|console|observatory]
               the observatory, the hotline's public intake and its staff console (env VIGIA_ADDR)
  vigia import [--db DB] [--vintage V] FILE|URL...   import SESNSP releases (.csv, .zip, .gz, .bz2)
               from files or https:// URLs [--max-bytes N] [--timeout 15m] [--insecure-http]
  vigia brief  [--db DB] --from YYYY-MM --to YYYY-MM [--states A,B] [--vintage V]
               [--measure trata|comparable|trafico-menores] [--format text|markdown|json] [--lang es|en]
  vigia screen [--out F] [--clusters F] [--strict] [--save] FILE|-   screen job ads (JSONL or CSV: id,text[,posted_at,city,url])
  vigia ads --contact "55 1234 5678" | --token T   screened ads (saved with --save) that gave a contact
  vigia staff add USER --role operador|supervisor|analista|administrador [--team T] [--scope own|team|all]
               create a console account (password on standard input; prints the TOTP secret)
  vigia staff disable|enable USER               lock an account out (ends its sessions) or let it back in
  vigia staff unlock USER                       clear an account's failed sign-ins (it may sign in at once)
  vigia audit verify [--db DB] [--head SEQ:MAC] check the hotline's audit log (hash chain and MACs)
  vigia audit head [--db DB]                    print the audit log's keyed head, to keep outside
  vigia retention [--db DB] [--retention 17520h]  delete closed reports and cases past retention
  vigia backup  [--db DB] FILE                  a consistent copy while the server runs (SQLite file or pg_dump -Fc)
  vigia restore [--db DB] FILE                  put a backup in place (the target must be empty) and verify it
  vigia keys split -k 3 -n 5 | combine SHARE... | rotate [--finish]
               share the hotline key among custodians, rebuild it, or replace it (docs/hotline.md)
  vigia releases [--db DB]                      list the releases held
  vigia revisions [--db DB] --source S --from-vintage A --to-vintage B [--from M --to M]

DB is a SQLite file (default ./vigia.db) or a postgres:// URL; without --db,
VIGIA_DATABASE_URL is read. A new database is seeded with the bundled releases.
`

// stdin is where commands read secrets typed by a person; tests replace it.
var stdin io.Reader = os.Stdin

// run is main without the process: tests call it with their own arguments,
// environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{errors.New("no command given")}
	}
	env := &environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	env.log = newLogger(getenv, stderr)
	switch args[0] {
	case "import":
		return cmdImport(ctx, env, args[1:])
	case "brief":
		return cmdBrief(ctx, env, args[1:])
	case "serve":
		return cmdServe(ctx, env, args[1:])
	case "screen":
		return cmdScreen(ctx, env, args[1:])
	case "ads":
		return cmdAds(ctx, env, args[1:])
	case "releases":
		return cmdReleases(ctx, env, args[1:])
	case "revisions":
		return cmdRevisions(ctx, env, args[1:])
	case "staff":
		return cmdStaff(ctx, env, args[1:])
	case "audit":
		return cmdAudit(ctx, env, args[1:])
	case "retention":
		return cmdRetention(ctx, env, args[1:])
	case "backup":
		return cmdBackup(ctx, env, args[1:])
	case "restore":
		return cmdRestore(ctx, env, args[1:])
	case "keys":
		return cmdKeys(ctx, env, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Errorf("unknown command %q", args[0])}
	}
}

type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

// newLogger writes text logs to stderr; VIGIA_LOG_FORMAT=json and
// VIGIA_LOG_LEVEL=debug|info|warn|error change that.
func newLogger(getenv func(string) string, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(getenv("VIGIA_LOG_LEVEL"))); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if getenv("VIGIA_LOG_FORMAT") == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// dbFlag adds --db to a command's flags.
func dbFlag(fs *flag.FlagSet, env *environment) *string {
	def := env.getenv("VIGIA_DATABASE_URL")
	if def == "" {
		def = "vigia.db"
	}
	return fs.String("db", def, "SQLite file or postgres:// URL (env VIGIA_DATABASE_URL)")
}

func newFlags(name string, env *environment) *flag.FlagSet {
	fs := flag.NewFlagSet("vigia "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}
