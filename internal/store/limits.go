package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The public intake's limits are counted here rather than in a process's
// memory, so that two `vigia serve` processes on one database enforce one
// limit. Each count is a single statement (an upsert that only increments
// below the limit), so requests at once, in one process or several, cannot
// all pass a check made before any of them was counted.

// Take counts one use of bucket by client in window if fewer than limit
// were counted there, and reports whether it did. expires is when the
// window's count may be deleted.
func (s *Store) Take(ctx context.Context, bucket, client, window string, limit int, expires time.Time) (bool, error) {
	if s.d.name == "sqlite" {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	var n int
	err := s.db.QueryRowContext(ctx, `INSERT INTO client_limits (bucket, client, win, n, expires) VALUES ($1, $2, $3, 1, $5)
ON CONFLICT (bucket, client, win) DO UPDATE SET n = client_limits.n + 1 WHERE client_limits.n < $4
RETURNING n`, bucket, client, window, limit, expires.UTC().Format(time.RFC3339)).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // at the limit: nothing was counted
	}
	if err != nil {
		return false, fmt.Errorf("store: counting a use of %s: %w", bucket, err)
	}
	return n <= limit, nil
}

// GiveBack undoes one Take (a receipt that proved known is not a failure).
func (s *Store) GiveBack(ctx context.Context, bucket, client, window string) error {
	if s.d.name == "sqlite" {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE client_limits SET n = n - 1 WHERE bucket = $1 AND client = $2 AND win = $3 AND n > 0`, bucket, client, window); err != nil {
		return fmt.Errorf("store: giving back a use of %s: %w", bucket, err)
	}
	return nil
}

// PurgeLimits deletes the counts of windows that are over.
func (s *Store) PurgeLimits(ctx context.Context, now time.Time) (int64, error) {
	if s.d.name == "sqlite" {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	res, err := s.db.ExecContext(ctx, `DELETE FROM client_limits WHERE expires < $1`, now.UTC().Format(time.RFC3339))
	if err != nil {
		return 0, fmt.Errorf("store: purging old limits: %w", err)
	}
	return res.RowsAffected()
}
