package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Key rotation reads every sealed column in batches and writes each value
// back re-sealed to the new key. Each write is a compare-and-swap on the old
// value, so a row changed or deleted meanwhile is left alone rather than
// overwritten, and the work can stop and resume at any point: a value is
// either still sealed to the old key (which the key file keeps until the
// rotation is finished) or to the new one.

// SealedTables are the tables with a sealed column, apart from staff (whose
// rows carry a MAC and are re-signed with ResignStaff).
// An attachment has two sealed columns: its bytes ("attachments") and what
// describes it ("attachments.meta").
var SealedTables = []string{"reports", "messages", "case_notes", "tasks", "referrals", "assessments", "cases", "attachments", "attachments.meta"}

// sealedColumn names each entry of SealedTables as table and column.
var sealedColumn = map[string][2]string{
	"reports": {"reports", "sealed"}, "messages": {"messages", "sealed"}, "case_notes": {"case_notes", "sealed"}, "tasks": {"tasks", "sealed"},
	"referrals": {"referrals", "sealed"}, "assessments": {"assessments", "sealed"}, "cases": {"cases", "close_sealed"},
	"attachments": {"attachments", "sealed"}, "attachments.meta": {"attachments", "meta_sealed"},
}

// BatchLimit is the most rows of a sealed table to re-seal at once: an
// attachment can hold megabytes, so those go a few at a time.
func BatchLimit(table string, limit int) int {
	if table == "attachments" {
		return min(limit, 4)
	}
	return limit
}

// SealedRow is one sealed value. Extra is a recipient it is sealed to
// besides the hotline: the reporter's reply key, for staff replies.
type SealedRow struct {
	ID     int64
	Sealed []byte
	Extra  string
}

// SealedRows returns up to limit sealed values of a table with ids above
// after, in id order.
func (s *Store) SealedRows(ctx context.Context, table string, after int64, limit int) ([]SealedRow, error) {
	tc, ok := sealedColumn[table]
	if !ok {
		return nil, fmt.Errorf("store: no sealed table %q", table)
	}
	col := tc[1]
	q := `SELECT id, ` + col + `, '' FROM ` + tc[0] + ` WHERE id > $1 AND ` + col + ` IS NOT NULL ORDER BY id LIMIT $2`
	if table == "messages" {
		q = `SELECT m.id, m.sealed, CASE WHEN m.direction = 'staff' THEN r.reply_recipient ELSE '' END
			FROM messages m JOIN reports r ON r.id = m.report_id WHERE m.id > $1 ORDER BY m.id LIMIT $2`
	}
	rows, err := s.db.QueryContext(ctx, q, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: reading sealed %s: %w", table, err)
	}
	defer rows.Close()
	var out []SealedRow
	for rows.Next() {
		var r SealedRow
		if err := rows.Scan(&r.ID, &r.Sealed, &r.Extra); err != nil {
			return nil, fmt.Errorf("store: reading sealed %s: %w", table, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Resealed is a sealed value and what replaces it.
type Resealed struct {
	ID       int64
	Old, New []byte
}

// Reseal writes a batch of re-sealed values in one transaction and returns
// how many rows still held the old value (and so were changed).
func (s *Store) Reseal(ctx context.Context, table string, rows []Resealed) (int, error) {
	tc, ok := sealedColumn[table]
	if !ok {
		return 0, fmt.Errorf("store: no sealed table %q", table)
	}
	col := tc[1]
	n := 0
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			res, err := tx.ExecContext(ctx, `UPDATE `+tc[0]+` SET `+col+` = $1 WHERE id = $2 AND `+col+` = $3`, r.New, r.ID, r.Old)
			if err != nil {
				return fmt.Errorf("store: resealing %s %d: %w", table, r.ID, err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	return n, err
}

// ResignStaff replaces an account's sealed TOTP secret and its MAC, if
// neither changed since they were read.
func (s *Store) ResignStaff(ctx context.Context, id int64, oldTOTP, newTOTP []byte, oldMAC, newMAC string) (bool, error) {
	var changed bool
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET totp_sealed = $1, mac = $2 WHERE id = $3 AND totp_sealed = $4 AND mac = $5`, newTOTP, newMAC, id, oldTOTP, oldMAC)
		if err != nil {
			return fmt.Errorf("store: re-signing account %d: %w", id, err)
		}
		k, _ := res.RowsAffected()
		changed = k == 1
		return nil
	})
	return changed, err
}

// EndAllSessions signs every account out.
func (s *Store) EndAllSessions(ctx context.Context) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions`)
		return err
	})
}

// writeTx runs fn in a transaction, queued behind this process's other
// hotline writes on SQLite (see inTx).
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.d.name == "sqlite" {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}
