package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
)

// Backups. A SQLite backup is a database file that --db can point at
// directly, made with VACUUM INTO: it reads one snapshot (a read
// transaction) while the server goes on writing, and writes a compact copy
// with no WAL beside it. A PostgreSQL backup is pg_dump's custom format,
// also one snapshot (backup_postgres.go). Backups never overwrite a file
// and are written with mode 0600: they hold the sealed data, the clear
// triage fields and the audit log.
//
// The hotline key is never in a backup: a stolen backup alone opens
// nothing. Keep the key apart (vigia keys split).

// ErrExists is returned when a backup or restore would overwrite a file or
// a database that holds data.
var ErrExists = errors.New("store: refusing to overwrite")

// Backup writes a consistent copy of the database named by target (a SQLite
// file or a postgres:// URL) to path, which must not exist.
func Backup(ctx context.Context, target, path string) error {
	if IsPostgres(target) {
		return backupPostgres(ctx, target, path)
	}
	return backupSQLite(ctx, target, path)
}

// createExclusive makes an empty file with mode 0600 that did not exist.
func createExclusive(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("%w %s: it exists", ErrExists, path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	return f, nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func backupSQLite(ctx context.Context, target, path string) (err error) {
	if _, err := os.Stat(target); err != nil {
		return fmt.Errorf("store: backup: the database %s: %w", target, err)
	}
	// The file is made here, empty and 0600, so that SQLite (which accepts
	// an empty file as VACUUM INTO's target) never creates it with the
	// umask's mode, and so that an existing file is never touched.
	f, err := createExclusive(path)
	if err != nil {
		return err
	}
	f.Close()
	defer func() {
		if err != nil {
			os.Remove(path)
		}
	}()
	db, err := sql.Open("sqlite", "file:"+target+"?_pragma=busy_timeout(30000)")
	if err != nil {
		return fmt.Errorf("store: backup: open %s: %w", target, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("store: backup: VACUUM INTO %s: %w", path, err)
	}
	if err := syncFile(path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return checkSQLite(ctx, path)
}

// openSnapshot opens a SQLite file read-only, without locks or a WAL, for a
// file nothing else writes (a backup).
func openSnapshot(path string) (*sql.DB, error) {
	u := url.URL{Scheme: "file", Opaque: path, RawQuery: "mode=ro&immutable=1"}
	return sql.Open("sqlite", u.String())
}

// checkSQLite runs SQLite's integrity check on a backup file.
func checkSQLite(ctx context.Context, path string) error {
	db, err := openSnapshot(path)
	if err != nil {
		return fmt.Errorf("store: checking %s: %w", path, err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("store: checking %s: not a Vigía SQLite database: %w", path, err)
	}
	if res != "ok" {
		return fmt.Errorf("store: checking %s: integrity check failed: %s", path, res)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("store: checking %s: not a Vigía database: %w", path, err)
	}
	return nil
}

// OpenBackup opens a SQLite backup read-only to inspect it (its audit
// chain, its counts) without changing a byte of it. It runs no migrations.
func OpenBackup(ctx context.Context, path string) (*Store, error) {
	if err := checkSQLite(ctx, path); err != nil {
		return nil, err
	}
	db, err := openSnapshot(path)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, d: sqliteDialect}, nil
}

// Restore puts a backup in place as the database named by target, which
// must not hold data: a SQLite file that does not exist, or a PostgreSQL
// database (or schema) without Vigía's tables. Open the store afterwards
// to bring an older backup's schema up to date.
func Restore(ctx context.Context, backup, target string) error {
	if IsPostgres(target) {
		return restorePostgres(ctx, backup, target)
	}
	return restoreSQLite(ctx, backup, target)
}

func restoreSQLite(ctx context.Context, backup, target string) (err error) {
	if err := checkSQLite(ctx, backup); err != nil {
		return err
	}
	for _, p := range []string{target, target + "-wal", target + "-journal"} {
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("%w %s: it exists (move it aside first)", ErrExists, p)
		}
	}
	in, err := os.Open(backup)
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	out, err := os.CreateTemp(filepath.Dir(target), ".vigia-restore-*")
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	tmp := out.Name()
	defer os.Remove(tmp)
	if err := out.Chmod(0o600); err != nil {
		out.Close()
		return fmt.Errorf("store: restore: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	// A hard link fails if the target appeared meanwhile; rename would
	// replace it.
	if err := os.Link(tmp, target); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%w %s: it exists", ErrExists, target)
		}
		return fmt.Errorf("store: restore: %w", err)
	}
	return syncFile(target)
}
