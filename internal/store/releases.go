package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// Release is one imported file of a SESNSP release.
type Release struct {
	ID          int64
	Source      sesnsp.Source
	Vintage     string // "jun22", "mar2026"
	Cutoff      sesnsp.YM
	First, Last sesnsp.YM // published months held
	Level       sesnsp.Level
	Format      sesnsp.Format
	RNID        bool
	FileName    string
	SHA256      string
	Encoding    string
	VintageFrom string
	Rows        int64
	Cells       int64
	Negatives   int64
	ImportedAt  time.Time
}

// Covers reports whether the release holds month m.
func (r Release) Covers(m sesnsp.YM) bool { return m >= r.First && m <= r.Last }

// ErrOverlap is returned when a file would hold the same months of the same
// release as a file already imported: summing both would double-count.
var ErrOverlap = errors.New("overlaps a file already imported")

// Import stores a file's cells as a release, all or nothing. A file already
// imported (same sha256) is a no-op: it returns the existing release and
// false. A newer release never replaces an older one; both are kept.
func (s *Store) Import(ctx context.Context, f *sesnsp.File) (Release, bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Release{}, false, fmt.Errorf("store: import %s: begin: %w", f.Name, err)
	}
	defer tx.Rollback()
	if s.d.lock != "" {
		if _, err := tx.ExecContext(ctx, s.d.lock); err != nil {
			return Release{}, false, fmt.Errorf("store: import %s: lock: %w", f.Name, err)
		}
	}
	if r, err := releaseWhere(ctx, tx, `sha256 = $1`, f.SHA256); err == nil {
		return r, false, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Release{}, false, fmt.Errorf("store: import %s: %w", f.Name, err)
	}
	r := Release{
		Source: f.Source, Vintage: f.Vintage.String(), Cutoff: f.Vintage.Cutoff, First: f.First,
		Level: f.Level, Format: f.Format, RNID: f.RNID, FileName: f.Name, SHA256: f.SHA256,
		Encoding: string(f.Encoding), VintageFrom: f.VintageFrom, Rows: int64(f.Rows),
		Cells: int64(len(f.Cells)), Negatives: int64(f.Negatives), ImportedAt: time.Now().UTC().Truncate(time.Second),
	}
	r.Last = f.First
	for _, c := range f.Cells {
		r.Last = max(r.Last, c.Month)
	}
	if len(f.Cells) == 0 {
		return Release{}, false, fmt.Errorf("store: import %s: no cells of the measured catalog lines (trata de personas, tráfico de menores, pornografía infantil)", f.Name)
	}
	// Another file of the same release, source and level holding any of the
	// same months would be summed twice.
	var other string
	err = tx.QueryRowContext(ctx, `SELECT file_name FROM releases
		WHERE source = $1 AND cutoff = $2 AND level = $3 AND first_month <= $4 AND last_month >= $5 LIMIT 1`,
		string(r.Source), int(r.Cutoff), string(r.Level), int(r.Last), int(r.First)).Scan(&other)
	if err == nil {
		return Release{}, false, fmt.Errorf("store: import %s: release %s (%s, %s) %w: %s", f.Name, r.Vintage, r.Source, r.Level, ErrOverlap, other)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Release{}, false, fmt.Errorf("store: import %s: overlap check: %w", f.Name, err)
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO releases (source, vintage, cutoff, first_month, last_month, level, format, rnid,
		file_name, sha256, encoding, vintage_from, rows_read, cells, negatives, imported_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		string(r.Source), r.Vintage, int(r.Cutoff), int(r.First), int(r.Last), string(r.Level), string(r.Format), boolInt(r.RNID),
		r.FileName, r.SHA256, r.Encoding, r.VintageFrom, r.Rows, r.Cells, r.Negatives, r.ImportedAt.Format(time.RFC3339)).Scan(&r.ID)
	if err != nil {
		return Release{}, false, fmt.Errorf("store: import %s: insert release: %w", f.Name, err)
	}
	if err := s.insertCells(ctx, tx, r.ID, f.Cells); err != nil {
		return Release{}, false, fmt.Errorf("store: import %s: %w", f.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return Release{}, false, fmt.Errorf("store: import %s: commit: %w", f.Name, err)
	}
	return r, true, nil
}

// insertCells writes in multi-row statements: one round trip per batch is
// what makes a large import fast on both backends.
func (s *Store) insertCells(ctx context.Context, tx *sql.Tx, id int64, cells []sesnsp.Cell) error {
	const cols, batch = 12, 500
	var stmt *sql.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	args := make([]any, 0, cols*batch)
	keys := map[string]string{}
	for start := 0; start < len(cells); start += batch {
		part := cells[start:min(start+batch, len(cells))]
		args = args[:0]
		for _, c := range part {
			k, ok := keys[c.Tipo]
			if !ok {
				k = sesnsp.Key(c.Tipo)
				keys[c.Tipo] = k
			}
			args = append(args, id, int(c.Month), c.Ent, c.Mun, c.Bien, c.Tipo, k, c.Subtipo, c.Modalidad, c.Sexo, c.Edad, c.Value)
		}
		q := s.insertSQL(len(part), cols)
		var err error
		if len(part) == batch {
			if stmt == nil {
				if stmt, err = tx.PrepareContext(ctx, q); err != nil {
					return fmt.Errorf("prepare insert: %w", err)
				}
			}
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, q, args...)
		}
		if err != nil {
			return fmt.Errorf("insert observations: %w", err)
		}
	}
	return nil
}

func (s *Store) insertSQL(rows, cols int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO observations (release_id, month, ent, mun, bien, tipo, tipo_key, subtipo, modalidad, sexo, edad, value) VALUES `)
	n := 1
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			if s.d.positional {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", n)
			}
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

const releaseCols = `id, source, vintage, cutoff, first_month, last_month, level, format, rnid, file_name, sha256, encoding, vintage_from, rows_read, cells, negatives, imported_at`

func scanRelease(sc interface{ Scan(...any) error }) (Release, error) {
	var r Release
	var source, level, format, at string
	var cutoff, first, last, rnid int
	err := sc.Scan(&r.ID, &source, &r.Vintage, &cutoff, &first, &last, &level, &format, &rnid, &r.FileName, &r.SHA256,
		&r.Encoding, &r.VintageFrom, &r.Rows, &r.Cells, &r.Negatives, &at)
	if err != nil {
		return r, err
	}
	r.Source, r.Level, r.Format = sesnsp.Source(source), sesnsp.Level(level), sesnsp.Format(format)
	r.Cutoff, r.First, r.Last, r.RNID = sesnsp.YM(cutoff), sesnsp.YM(first), sesnsp.YM(last), rnid != 0
	r.ImportedAt, _ = time.Parse(time.RFC3339, at)
	return r, nil
}

func releaseWhere(ctx context.Context, q queryer, where string, args ...any) (Release, error) {
	return scanRelease(q.QueryRowContext(ctx, `SELECT `+releaseCols+` FROM releases WHERE `+where, args...))
}

// Releases lists every imported file, oldest release first.
func (s *Store) Releases(ctx context.Context) ([]Release, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+releaseCols+` FROM releases ORDER BY cutoff, source, first_month, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list releases: %w", err)
	}
	defer rows.Close()
	var out []Release
	for rows.Next() {
		r, err := scanRelease(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list releases: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Generation changes whenever a release is imported or removed: caches of
// anything derived from the store are keyed by it.
func (s *Store) Generation(ctx context.Context) (string, error) {
	var n, maxID int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM releases`).Scan(&n, &maxID); err != nil {
		return "", fmt.Errorf("store: generation: %w", err)
	}
	return fmt.Sprintf("%d-%d", n, maxID), nil
}
