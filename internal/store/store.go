// Package store keeps SESNSP releases in SQLite (the default, one file) or
// PostgreSQL, behind one Store type over database/sql.
//
// The SQL is written once, with $n placeholders, which both modernc's SQLite
// and pgx accept; what differs between the two lives in the per-dialect
// migrations and in the dialect struct below.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

//go:embed migrations
var migrations embed.FS

// Store is the database.
type Store struct {
	db *sql.DB
	d  dialect
	// writeMu queues this process's hotline writes on SQLite.
	writeMu sync.Mutex
	// clockFn, when set, dates the hotline's rows (tests use a fake one).
	clockFn func() time.Time
	// auditKey, in the console, MACs the audit log (SetAuditKey).
	auditKey []byte
}

type dialect struct {
	name string
	// lock serialises imports, so that two at once cannot both pass the
	// overlap check. SQLite takes its write lock at BEGIN (_txlock=immediate).
	lock string
	// positional makes bulk inserts use "?": SQLite looks up each "$n" by
	// name, which costs time quadratic in the parameters of a statement.
	positional bool
}

var (
	sqliteDialect   = dialect{name: "sqlite", positional: true}
	postgresDialect = dialect{name: "postgres", lock: "LOCK TABLE releases IN SHARE ROW EXCLUSIVE MODE"}
)

// IsPostgres reports whether url names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Open opens (creating if needed) the database named by target: a SQLite
// file path, or a postgres:// URL. It brings the schema up to date.
func Open(ctx context.Context, target string) (*Store, error) {
	var s *Store
	if IsPostgres(target) {
		db, err := sql.Open("pgx", target)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		s = &Store{db: db, d: postgresDialect}
	} else {
		if target == "" {
			return nil, errors.New("store: no database given")
		}
		// A new database file is made readable by its owner only; SQLite
		// gives its -wal and -shm files the same mode.
		if f, err := os.OpenFile(target, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
			f.Close()
		} else if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("store: create sqlite %s: %w", target, err)
		}
		// WAL lets readers (the web server) go on while an import writes;
		// busy_timeout makes a second writer wait instead of failing;
		// immediate transactions take the write lock up front so that two
		// imports cannot interleave their checks.
		q := url.Values{}
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "busy_timeout(30000)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		// Deleted hotline data is overwritten, not left in free pages.
		q.Add("_pragma", "secure_delete(1)")
		// The write-ahead log is cut back to 1 MiB whenever it is reset,
		// so old page images (of deleted reports too) do not pile up in
		// it; retention also checkpoints and truncates it (purgeWAL).
		q.Add("_pragma", "journal_size_limit(1048576)")
		q.Set("_txlock", "immediate")
		db, err := sql.Open("sqlite", "file:"+target+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite %s: %w", target, err)
		}
		s = &Store{db: db, d: sqliteDialect}
	}
	// Keep connections open: the web server's requests would otherwise
	// open and close one each (database/sql keeps 2 idle by default), and a
	// PostgreSQL connection costs a fork on the server.
	s.db.SetMaxOpenConns(32)
	s.db.SetMaxIdleConns(32)
	s.db.SetConnMaxIdleTime(5 * time.Minute)
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect names the backend: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// migrate applies, in order and each in its own transaction, the embedded
// migrations not yet recorded in schema_migrations.
//
// A schema already up to date is only read: the PostgreSQL roles of the
// intake and the console may not create or lock tables
// (deploy/postgres/), so only the owner role migrates.
func (s *Store) migrate(ctx context.Context) error {
	dir := path.Join("migrations", s.d.name)
	names, err := fs.Glob(migrations, dir+"/*.sql")
	if err != nil {
		return fmt.Errorf("store: list migrations: %w", err)
	}
	slices.Sort(names)
	type migration struct {
		name string
		v    int
	}
	var all []migration
	for _, name := range names {
		base := path.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("store: migration %s: name must start with its number", base)
		}
		all = append(all, migration{name, v})
	}
	if applied, err := s.appliedMigrations(ctx); err == nil && len(all) > 0 {
		missing := false
		for _, m := range all {
			if !applied[m.v] {
				missing = true
				break
			}
		}
		if !missing {
			return nil
		}
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: create schema_migrations (the schema is not up to date: run vigia once as the database's owner role): %w", err)
	}
	for _, m := range all {
		if err := s.migrateOne(ctx, m.name, m.v); err != nil {
			return err
		}
	}
	return nil
}

// appliedMigrations reads schema_migrations; it fails if there is none.
func (s *Store) appliedMigrations(ctx context.Context) (map[int]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out[v] = true
	}
	return out, rows.Err()
}

func (s *Store) migrateOne(ctx context.Context, name string, v int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", name, err)
	}
	defer tx.Rollback()
	if s.d.name == "postgres" {
		// Two processes starting at once must not both apply a migration.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("store: migration %s: lock: %w", name, err)
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, v).Scan(&n); err != nil {
		return fmt.Errorf("store: migration %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("store: migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("store: apply migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, v, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("store: record migration %s: %w", name, err)
	}
	return tx.Commit()
}
