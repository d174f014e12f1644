package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/store"
)

// cmdBackup writes a consistent copy of the database while the server
// runs: vigia backup [--db DB] FILE.
func cmdBackup(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("backup", env)
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("backup: give exactly one file to write (it must not exist)")}
	}
	out := fs.Arg(0)
	if err := store.Backup(ctx, *db, out); err != nil {
		return err
	}
	if store.IsPostgres(*db) {
		fmt.Fprintf(env.stdout, "backup written: %s (pg_dump custom format; restore with `vigia restore --db URL %s` into an empty database)\n", out, out)
	} else {
		// Check what was written, not what was meant to be.
		st, err := store.OpenBackup(ctx, out)
		if err != nil {
			return err
		}
		defer st.Close()
		n, head, err := desk.New(desk.Config{Store: st}).VerifyAudit(ctx)
		if err != nil {
			return fmt.Errorf("backup: %s was written but its audit log does not verify: %w", out, err)
		}
		reports, err := st.CountRows(ctx, "reports")
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "backup written: %s (%d reports; audit log intact, %d entries, head %s)\n", out, reports, n, head)
	}
	fmt.Fprintln(env.stdout, "the hotline key is not in the backup: without it the sealed data cannot be read (vigia keys split)")
	env.log.Info("backup written", "db", dialectName(*db))
	return nil
}

// cmdRestore puts a backup in place: vigia restore [--db DB] FILE. The
// target must not hold data.
func cmdRestore(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("restore", env)
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("restore: give exactly one backup file")}
	}
	if err := store.Restore(ctx, fs.Arg(0), *db); err != nil {
		return err
	}
	st, err := openStore(ctx, env, *db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	n, head, err := desk.New(desk.Config{Store: st}).VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("restore: the restored audit log does not verify: %w (after %d good entries)", err, n)
	}
	reports, err := st.CountRows(ctx, "reports")
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "restored: %d reports; audit log intact, %d entries, head %s\n", reports, n, head)
	return nil
}

func dialectName(db string) string {
	if store.IsPostgres(db) {
		return "postgres"
	}
	return "sqlite"
}
