package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigia-mx/vigia/internal/audit"
)

// DirectoryEntry is a row of the referral directory.
type DirectoryEntry struct {
	ID       int64
	State    int
	Kind     string
	Name     string
	Phone    string
	Source   string
	Verified bool
	Note     string
	Active   bool
}

const directoryCols = `id, state, kind, name, phone, source, verified, note, active`

func scanDirectory(sc interface{ Scan(...any) error }) (DirectoryEntry, error) {
	var e DirectoryEntry
	var verified, active int
	err := sc.Scan(&e.ID, &e.State, &e.Kind, &e.Name, &e.Phone, &e.Source, &verified, &e.Note, &active)
	e.Verified, e.Active = verified == 1, active == 1
	return e, err
}

// Directory lists the directory's entries: with state > 0 the active ones
// of that state and the national ones; with state 0 every entry.
func (s *Store) Directory(ctx context.Context, state int) ([]DirectoryEntry, error) {
	q := `SELECT ` + directoryCols + ` FROM institutions ORDER BY state, kind, name`
	var args []any
	if state > 0 {
		q = `SELECT ` + directoryCols + ` FROM institutions WHERE active = 1 AND (state = 0 OR state = $1) ORDER BY state DESC, kind, name`
		args = append(args, state)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: reading the directory: %w", err)
	}
	defer rows.Close()
	var out []DirectoryEntry
	for rows.Next() {
		e, err := scanDirectory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// DirectoryEntryByID returns one entry.
func (s *Store) DirectoryEntryByID(ctx context.Context, id int64) (DirectoryEntry, error) {
	e, err := scanDirectory(s.db.QueryRowContext(ctx, `SELECT `+directoryCols+` FROM institutions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	return e, err
}

// SeedDirectory fills an empty directory with entries; it does nothing to
// one that has any row (administrators' edits are kept).
func (s *Store) SeedDirectory(ctx context.Context, entries []DirectoryEntry, ev audit.Event) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM institutions`).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	seeded := false
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM institutions`).Scan(&n); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, errSeeded // another process seeded it meanwhile
		}
		for _, e := range entries {
			if _, err := tx.ExecContext(ctx, `INSERT INTO institutions (state, kind, name, phone, source, verified, note, active, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)`,
				e.State, e.Kind, e.Name, e.Phone, e.Source, boolInt(e.Verified), e.Note, s.now()); err != nil {
				return 0, fmt.Errorf("store: seeding the directory: %w", err)
			}
		}
		seeded = true
		return int64(len(entries)), nil
	})
	if errors.Is(err, errSeeded) {
		return false, nil
	}
	return seeded, err
}

var errSeeded = errors.New("store: the directory was seeded meanwhile")

// SaveDirectoryEntry adds an entry (ID 0) or changes one, and returns its
// id.
func (s *Store) SaveDirectoryEntry(ctx context.Context, e DirectoryEntry, ev audit.Event) (int64, error) {
	return s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		if e.ID == 0 {
			return s.insertID(ctx, tx, `INSERT INTO institutions (state, kind, name, phone, source, verified, note, active, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				e.State, e.Kind, e.Name, e.Phone, e.Source, boolInt(e.Verified), e.Note, boolInt(e.Active), s.now())
		}
		res, err := tx.ExecContext(ctx, `UPDATE institutions SET state = $1, kind = $2, name = $3, phone = $4, source = $5, verified = $6, note = $7, active = $8, updated_at = $9 WHERE id = $10`,
			e.State, e.Kind, e.Name, e.Phone, e.Source, boolInt(e.Verified), e.Note, boolInt(e.Active), s.now(), e.ID)
		if err != nil {
			return 0, fmt.Errorf("store: saving directory entry %d: %w", e.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, ErrNotFound
		}
		return e.ID, nil
	})
}
