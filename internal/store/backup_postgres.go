package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

// PostgreSQL backups are pg_dump's custom format (pg_dump -Fc), restored
// with pg_restore: both must be installed (Debian: postgresql-client, of
// the server's major version or newer). pg_dump reads one snapshot, so the
// copy is consistent while the server writes, and it takes only ACCESS
// SHARE locks, which block no report or audit entry.

// libpqTarget turns a database URL as Vigía takes it (pgx) into what
// libpq's tools take: the password moves to PGPASSWORD, so that it never
// shows in the process list, and search_path (which pgx accepts and libpq
// does not) becomes the schema to dump.
func libpqTarget(target string) (conn string, env []string, schema string, err error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", nil, "", fmt.Errorf("store: database URL: %w", err)
	}
	env = os.Environ()
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	q := u.Query()
	schema = q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	if strings.Contains(schema, ",") {
		return "", nil, "", errors.New("store: backup: search_path with several schemas: back up with pg_dump directly")
	}
	return u.String(), env, schema, nil
}

func pgTool(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("store: %s is needed for PostgreSQL backups and was not found: install postgresql-client (the server's major version or newer)", name)
	}
	return p, nil
}

func backupPostgres(ctx context.Context, target, path string) (err error) {
	tool, err := pgTool("pg_dump")
	if err != nil {
		return err
	}
	conn, env, schema, err := libpqTarget(target)
	if err != nil {
		return err
	}
	f, err := createExclusive(path)
	if err != nil {
		return err
	}
	defer func() {
		f.Close()
		if err != nil {
			os.Remove(path)
		}
	}()
	args := []string{"--format=custom", "--no-owner", "--dbname=" + conn}
	if schema != "" {
		args = append(args, "--schema="+schema)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, f, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("store: pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return checkDump(ctx, path)
}

// checkDump reads the archive's table of contents back: it must be one
// pg_restore can read, and hold the reports and the audit log.
func checkDump(ctx context.Context, path string) error {
	tool, err := pgTool("pg_restore")
	if err != nil {
		return err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, tool, "--list", path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("store: checking %s: pg_restore --list: %w: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	for _, table := range []string{"reports", "audit_log"} {
		if !regexp.MustCompile(`(?m)TABLE DATA \S+ ` + table + ` `).Match(stdout.Bytes()) {
			return fmt.Errorf("store: checking %s: the dump holds no data of table %s", path, table)
		}
	}
	return nil
}

func restorePostgres(ctx context.Context, backup, target string) error {
	tool, err := pgTool("pg_restore")
	if err != nil {
		return err
	}
	if _, err := os.Stat(backup); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	// Never restore over data: pg_restore would fail half-way on the
	// first table that exists, or, with --clean, drop what is there.
	db, err := sql.Open("pgx", target)
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	var found sql.NullString
	err = db.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations')::text`).Scan(&found)
	db.Close()
	if err != nil {
		return fmt.Errorf("store: restore: connect: %w", err)
	}
	if found.Valid {
		return fmt.Errorf("%w the database: it already holds Vigía's tables (restore into a new, empty database)", ErrExists)
	}
	conn, env, _, err := libpqTarget(target)
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, tool, "--no-owner", "--exit-on-error", "--single-transaction", "--dbname="+conn, backup)
	cmd.Env, cmd.Stderr = env, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("store: pg_restore: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
