package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigia-mx/vigia/internal/audit"
)

// Attachment is a file attached to a case, as stored: its bytes (Sealed)
// and its description (MetaSealed) are both sealed to the hotline key.
type Attachment struct {
	ID         int64
	CaseID     int64
	AuthorID   int64
	At         string
	MetaSealed []byte
	Sealed     []byte
}

// AddAttachment stores a sealed attachment, with its audit entry in the
// same transaction.
func (s *Store) AddAttachment(ctx context.Context, a Attachment, ev audit.Event) (int64, error) {
	return s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		return s.insertTouch(ctx, tx, a.CaseID, `INSERT INTO attachments (case_id, author_id, at, meta_sealed, sealed) VALUES ($1, $2, $3, $4, $5)`,
			a.CaseID, a.AuthorID, s.now(), a.MetaSealed, a.Sealed)
	})
}

// Attachments lists a case's attachments without their bytes.
func (s *Store) Attachments(ctx context.Context, caseID int64) ([]Attachment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, author_id, at, meta_sealed FROM attachments WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: listing attachments of case %d: %w", caseID, err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		a := Attachment{CaseID: caseID}
		if err := rows.Scan(&a.ID, &a.AuthorID, &a.At, &a.MetaSealed); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AttachmentData returns one attachment of a case with its bytes, and
// records the read in the audit log in the same transaction: a download
// leaves a trace or does not happen.
func (s *Store) AttachmentData(ctx context.Context, caseID, id int64, ev audit.Event) (Attachment, error) {
	a := Attachment{ID: id, CaseID: caseID}
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		err := tx.QueryRowContext(ctx, `SELECT author_id, at, meta_sealed, sealed FROM attachments WHERE id = $1 AND case_id = $2`, id, caseID).Scan(&a.AuthorID, &a.At, &a.MetaSealed, &a.Sealed)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, ErrNotFound
		}
		if err != nil {
			return 0, fmt.Errorf("store: reading attachment %d: %w", id, err)
		}
		return id, nil
	})
	return a, err
}
