package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/audit"
)

// Case is a case as stored.
type Case struct {
	ID               int64
	CreatedAt        string
	UpdatedAt        string
	Status           string
	OwnerID          int64
	Team             string
	State            int
	Kind             string
	Trafficking      string
	DecidedBy        string
	Consent          bool
	ConsentBy        int64
	ConsentAt        string
	CloseRequestedBy int64
	CloseSealed      []byte
	ClosedAt         string
}

const caseCols = `id, created_at, updated_at, status, owner_id, team, state, kind, trafficking, decided_by, consent, COALESCE(consent_by, 0), COALESCE(consent_at, ''), COALESCE(close_requested_by, 0), close_sealed, COALESCE(closed_at, '')`

func scanCase(sc interface{ Scan(...any) error }) (Case, error) {
	var c Case
	var consent int
	err := sc.Scan(&c.ID, &c.CreatedAt, &c.UpdatedAt, &c.Status, &c.OwnerID, &c.Team, &c.State, &c.Kind, &c.Trafficking, &c.DecidedBy, &consent, &c.ConsentBy, &c.ConsentAt, &c.CloseRequestedBy, &c.CloseSealed, &c.ClosedAt)
	c.Consent = consent == 1
	return c, err
}

// CaseByID returns a case.
func (s *Store) CaseByID(ctx context.Context, id int64) (Case, error) {
	c, err := scanCase(s.db.QueryRowContext(ctx, `SELECT `+caseCols+` FROM cases WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, ErrNotFound
	}
	return c, err
}

// CaseFilter selects cases. Zero values select everything; the caller
// applies the account's scope through OwnerID or Team.
type CaseFilter struct {
	OwnerID    int64
	Team       string
	OpenOnly   bool
	CloseAsked bool
	Limit      int
}

// Cases lists cases, newest activity first.
func (s *Store) Cases(ctx context.Context, f CaseFilter) ([]Case, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.OwnerID != 0 {
		where = append(where, "owner_id = "+arg(f.OwnerID))
	}
	if f.Team != "" {
		where = append(where, "team = "+arg(f.Team))
	}
	if f.OpenOnly {
		where = append(where, "status <> 'cerrado'")
	}
	if f.CloseAsked {
		where = append(where, "close_requested_by IS NOT NULL AND status <> 'cerrado'")
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	q := `SELECT ` + caseCols + ` FROM cases`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY updated_at DESC, id DESC LIMIT " + arg(f.Limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: listing cases: %w", err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// OpenCase makes a case out of a pending report, owned by ownerID.
func (s *Store) OpenCase(ctx context.Context, reportID, ownerID int64, team string, ev audit.Event) (int64, error) {
	return s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		var state int
		var kind, triage string
		if err := tx.QueryRowContext(ctx, `SELECT state, kind, triage FROM reports WHERE id = $1`, reportID).Scan(&state, &kind, &triage); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return 0, ErrNotFound
			}
			return 0, err
		}
		if triage != "pendiente" {
			return 0, fmt.Errorf("store: report %d was already triaged (%s)", reportID, triage)
		}
		t := s.now()
		id, err := s.insertID(ctx, tx, `INSERT INTO cases (created_at, updated_at, status, owner_id, team, state, kind) VALUES ($1, $1, 'nuevo', $2, $3, $4, $5)`, t, ownerID, team, state, kind)
		if err != nil {
			return 0, fmt.Errorf("store: opening a case: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET triage = 'en_caso', case_id = $1, first_action_at = COALESCE(first_action_at, $2) WHERE id = $3`, id, t, reportID); err != nil {
			return 0, err
		}
		return id, nil
	})
}

// JoinCase adds a pending report to an existing case.
func (s *Store) JoinCase(ctx context.Context, reportID, caseID int64, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		res, err := tx.ExecContext(ctx, `UPDATE reports SET triage = 'en_caso', case_id = $1, first_action_at = COALESCE(first_action_at, $2) WHERE id = $3 AND triage = 'pendiente'`, caseID, s.now(), reportID)
		if err != nil {
			return 0, fmt.Errorf("store: joining a report to a case: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, fmt.Errorf("store: report %d is not pending", reportID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE cases SET updated_at = $1 WHERE id = $2`, s.now(), caseID)
		return caseID, err
	})
	return err
}

// DiscardReport closes a pending report without a case (information
// requests, spam), starting its retention clock.
func (s *Store) DiscardReport(ctx context.Context, reportID int64, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		res, err := tx.ExecContext(ctx, `UPDATE reports SET triage = 'descartado', closed_on = $1, first_action_at = COALESCE(first_action_at, $2) WHERE id = $3 AND triage = 'pendiente'`, s.clock().UTC().Format("2006-01-02"), s.now(), reportID)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, fmt.Errorf("store: report %d is not pending", reportID)
		}
		return reportID, nil
	})
	return err
}

// CaseUpdate changes a case's fields; nil fields are left alone. Guard, if
// set, must match the current status (optimistic concurrency: two people
// moving one case at once do not overwrite each other silently).
type CaseUpdate struct {
	Guard            string
	Status           *string
	OwnerID          *int64
	Trafficking      *string
	DecidedBy        *string
	Consent          *bool
	ConsentBy        int64
	CloseRequestedBy *int64 // 0 clears
	CloseSealed      []byte
	Closed           *bool
}

// UpdateCase applies u to a case.
func (s *Store) UpdateCase(ctx context.Context, id int64, u CaseUpdate, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		sets := []string{"updated_at = $1"}
		args := []any{s.now()}
		set := func(col string, v any) {
			args = append(args, v)
			sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
		}
		if u.Status != nil {
			set("status", *u.Status)
		}
		if u.OwnerID != nil {
			set("owner_id", *u.OwnerID)
		}
		if u.Trafficking != nil {
			set("trafficking", *u.Trafficking)
		}
		if u.DecidedBy != nil {
			set("decided_by", *u.DecidedBy)
		}
		if u.Consent != nil {
			set("consent", boolInt(*u.Consent))
			set("consent_by", u.ConsentBy)
			set("consent_at", s.now())
		}
		if u.CloseRequestedBy != nil {
			if *u.CloseRequestedBy == 0 {
				set("close_requested_by", nil)
			} else {
				set("close_requested_by", *u.CloseRequestedBy)
				set("close_sealed", u.CloseSealed)
			}
		}
		if u.Closed != nil {
			if *u.Closed {
				set("closed_at", s.now())
			} else {
				set("closed_at", nil)
			}
		}
		args = append(args, id)
		q := "UPDATE cases SET " + strings.Join(sets, ", ") + fmt.Sprintf(" WHERE id = $%d", len(args))
		if u.Guard != "" {
			args = append(args, u.Guard)
			q += fmt.Sprintf(" AND status = $%d", len(args))
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return 0, fmt.Errorf("store: updating case %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, fmt.Errorf("%w: case %d", ErrConflict, id)
		}
		if u.Closed != nil && *u.Closed {
			// Reports of a closed case start their retention clock with it.
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET closed_on = $1 WHERE case_id = $2`, s.clock().UTC().Format("2006-01-02"), id); err != nil {
				return 0, err
			}
		}
		if u.Closed != nil && !*u.Closed {
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET closed_on = NULL WHERE case_id = $1`, id); err != nil {
				return 0, err
			}
		}
		return id, nil
	})
	return err
}

// Entry is a sealed item attached to a case: a note, task, referral or
// assessment, with its clear fields.
type Entry struct {
	ID       int64
	CaseID   int64
	AuthorID int64
	At       string
	Sealed   []byte
	// Tasks
	DueOn  string
	DoneAt string
	// Referrals
	Institution string
	Status      string
	OverrideBy  int64
	UpdatedAt   string
	// Assessments
	Instrument, Version, Level, Present string
}

// AddNote stores a sealed note.
func (s *Store) AddNote(ctx context.Context, e Entry, ev audit.Event) (int64, error) {
	return s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		return s.insertTouch(ctx, tx, e.CaseID, `INSERT INTO case_notes (case_id, author_id, at, sealed) VALUES ($1, $2, $3, $4)`, e.CaseID, e.AuthorID, s.now(), e.Sealed)
	})
}

// AddTask stores a task with a due date.
func (s *Store) AddTask(ctx context.Context, e Entry, ev audit.Event) (int64, error) {
	return s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		return s.insertTouch(ctx, tx, e.CaseID, `INSERT INTO tasks (case_id, assignee_id, due_on, sealed, created_at) VALUES ($1, $2, $3, $4, $5)`, e.CaseID, e.AuthorID, e.DueOn, e.Sealed, s.now())
	})
}

// CompleteTask marks a task done.
func (s *Store) CompleteTask(ctx context.Context, caseID, taskID int64, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET done_at = $1 WHERE id = $2 AND case_id = $3 AND done_at IS NULL`, s.now(), taskID, caseID)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, ErrNotFound
		}
		return taskID, nil
	})
	return err
}

// AddReferral stores a referral in status "enviada".
func (s *Store) AddReferral(ctx context.Context, e Entry, ev audit.Event) (int64, error) {
	return s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		var override any
		if e.OverrideBy != 0 {
			override = e.OverrideBy
		}
		t := s.now()
		return s.insertTouch(ctx, tx, e.CaseID, `INSERT INTO referrals (case_id, institution, status, override_by, created_by, created_at, updated_at, sealed) VALUES ($1, $2, 'enviada', $3, $4, $5, $5, $6)`,
			e.CaseID, e.Institution, override, e.AuthorID, t, e.Sealed)
	})
}

// MoveReferral changes a referral's status if it is still from.
func (s *Store) MoveReferral(ctx context.Context, caseID, id int64, from, to string, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		res, err := tx.ExecContext(ctx, `UPDATE referrals SET status = $1, updated_at = $2 WHERE id = $3 AND case_id = $4 AND status = $5`, to, s.now(), id, caseID, from)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, fmt.Errorf("%w: referral %d", ErrConflict, id)
		}
		return id, nil
	})
	return err
}

// AddAssessment stores a screening instrument's result.
func (s *Store) AddAssessment(ctx context.Context, e Entry, ev audit.Event) (int64, error) {
	return s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		return s.insertTouch(ctx, tx, e.CaseID, `INSERT INTO assessments (case_id, instrument, version, level, present, by_id, at, sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			e.CaseID, e.Instrument, e.Version, e.Level, e.Present, e.AuthorID, s.now(), e.Sealed)
	})
}

func (s *Store) insertTouch(ctx context.Context, tx *sql.Tx, caseID int64, q string, args ...any) (int64, error) {
	id, err := s.insertID(ctx, tx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: adding to case %d: %w", caseID, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE cases SET updated_at = $1 WHERE id = $2`, s.now(), caseID)
	return id, err
}

// CaseEntries returns a case's notes, tasks, referrals and assessments.
func (s *Store) CaseEntries(ctx context.Context, caseID int64) (notes, tasks, referrals, assessments []Entry, err error) {
	q := func(sqlq string, scan func(*sql.Rows) (Entry, error)) ([]Entry, error) {
		rows, err := s.db.QueryContext(ctx, sqlq, caseID)
		if err != nil {
			return nil, fmt.Errorf("store: reading case %d: %w", caseID, err)
		}
		defer rows.Close()
		var out []Entry
		for rows.Next() {
			e, err := scan(rows)
			if err != nil {
				return nil, err
			}
			e.CaseID = caseID
			out = append(out, e)
		}
		return out, rows.Err()
	}
	if notes, err = q(`SELECT id, author_id, at, sealed FROM case_notes WHERE case_id = $1 ORDER BY id`, func(r *sql.Rows) (Entry, error) {
		var e Entry
		return e, r.Scan(&e.ID, &e.AuthorID, &e.At, &e.Sealed)
	}); err != nil {
		return
	}
	if tasks, err = q(`SELECT id, assignee_id, due_on, COALESCE(done_at, ''), sealed, COALESCE(created_at, '') FROM tasks WHERE case_id = $1 ORDER BY due_on, id`, func(r *sql.Rows) (Entry, error) {
		var e Entry
		return e, r.Scan(&e.ID, &e.AuthorID, &e.DueOn, &e.DoneAt, &e.Sealed, &e.At)
	}); err != nil {
		return
	}
	if referrals, err = q(`SELECT id, created_by, created_at, institution, status, COALESCE(override_by, 0), updated_at, sealed FROM referrals WHERE case_id = $1 ORDER BY id`, func(r *sql.Rows) (Entry, error) {
		var e Entry
		return e, r.Scan(&e.ID, &e.AuthorID, &e.At, &e.Institution, &e.Status, &e.OverrideBy, &e.UpdatedAt, &e.Sealed)
	}); err != nil {
		return
	}
	assessments, err = q(`SELECT id, by_id, at, instrument, version, level, present, sealed FROM assessments WHERE case_id = $1 ORDER BY id`, func(r *sql.Rows) (Entry, error) {
		var e Entry
		return e, r.Scan(&e.ID, &e.AuthorID, &e.At, &e.Instrument, &e.Version, &e.Level, &e.Present, &e.Sealed)
	})
	return
}

// Duplicate is a suggested duplicate of a report: another report sharing a
// blind-indexed identifier, and the newest human decision on the pair.
type Duplicate struct {
	ReportID int64
	CaseID   int64
	Kind     string
	Decided  bool
	Same     bool
}

// Duplicates suggests reports sharing a token with reportID.
func (s *Store) Duplicates(ctx context.Context, reportID int64) ([]Duplicate, error) {
	rows, err := s.db.QueryContext(ctx, `
SELECT DISTINCT o.report_id, COALESCE(r.case_id, 0), o.kind
FROM report_tokens t
JOIN report_tokens o ON o.token = t.token AND o.report_id <> t.report_id
JOIN reports r ON r.id = o.report_id
WHERE t.report_id = $1
ORDER BY o.report_id
LIMIT 500`, reportID)
	if err != nil {
		return nil, fmt.Errorf("store: suggesting duplicates: %w", err)
	}
	// One suggestion per other report, named by the most telling thing
	// they share: a contact, then a number written differently, then the
	// offer's template, then similar text.
	rank := func(kind string) int {
		switch kind {
		case "numero":
			return 1
		case "plantilla":
			return 2
		case "texto":
			return 3
		}
		return 0
	}
	var out []Duplicate
	for rows.Next() {
		var d Duplicate
		if err := rows.Scan(&d.ReportID, &d.CaseID, &d.Kind); err != nil {
			rows.Close()
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].ReportID == d.ReportID {
			if rank(d.Kind) < rank(out[n-1].Kind) || rank(d.Kind) == rank(out[n-1].Kind) && d.Kind < out[n-1].Kind {
				out[n-1].Kind = d.Kind
			}
			continue
		}
		if len(out) == 50 {
			break
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		a, b := min(reportID, out[i].ReportID), max(reportID, out[i].ReportID)
		var same int
		err := s.db.QueryRowContext(ctx, `SELECT same FROM duplicate_decisions WHERE report_a = $1 AND report_b = $2 ORDER BY id DESC LIMIT 1`, a, b).Scan(&same)
		if err == nil {
			out[i].Decided, out[i].Same = true, same == 1
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	return out, nil
}

// DecideDuplicate records a person's decision on a pair; a later decision
// reverses an earlier one.
func (s *Store) DecideDuplicate(ctx context.Context, a, b, by int64, same bool, ev audit.Event) error {
	a, b = min(a, b), max(a, b)
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		return s.insertID(ctx, tx, `INSERT INTO duplicate_decisions (report_a, report_b, same, by_id, at) VALUES ($1, $2, $3, $4, $5)`, a, b, boolInt(same), by, s.now())
	})
	return err
}

// NotifyCase leaves a notification about a case for every active account
// with role that has the case within reach: scope all, scope team and the
// case's team, or the case's owner (desk.inScope, in SQL). Telling
// everyone with the role would name cases to people who may not open them.
func (s *Store) NotifyCase(ctx context.Context, role string, caseID int64, kind string, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (staff_id, at, kind, object)
			SELECT u.id, $1, $2, $3 FROM staff u JOIN cases c ON c.id = $4
			WHERE u.role = $5 AND u.active = 1 AND (u.scope = 'all' OR (u.scope = 'team' AND u.team = c.team) OR u.id = c.owner_id)`,
			s.now(), kind, fmt.Sprintf("case:%d", caseID), caseID, role); err != nil {
			return 0, fmt.Errorf("store: notifying: %w", err)
		}
		return 0, nil
	})
	return err
}

// Notification is a message to one account.
type Notification struct {
	ID           int64
	At           string
	Kind, Object string
}

// Notifications lists an account's unseen notifications.
func (s *Store) Notifications(ctx context.Context, staffID int64) ([]Notification, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, kind, object FROM notifications WHERE staff_id = $1 AND seen = 0 ORDER BY id DESC LIMIT 50`, staffID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.ID, &n.At, &n.Kind, &n.Object); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// ReportCount is one cell of report counts by state, month and class.
type ReportCount struct {
	State int
	Month string // YYYY-MM
	Kind  string
	N     int
}

// ReportCounts counts the reports staff accepted into a case by state ×
// month × class, from the clear columns only.
func (s *Store) ReportCounts(ctx context.Context) ([]ReportCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, substr(received_on, 1, 7) AS month, kind, COUNT(*) FROM reports WHERE case_id IS NOT NULL GROUP BY state, month, kind ORDER BY state, month, kind`)
	if err != nil {
		return nil, fmt.Errorf("store: counting reports: %w", err)
	}
	defer rows.Close()
	var out []ReportCount
	for rows.Next() {
		var c ReportCount
		if err := rows.Scan(&c.State, &c.Month, &c.Kind, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DeleteExpired deletes reports closed (discarded, or in a closed case)
// before cutoff, and closed cases with no report left, with everything
// attached to them; it records the counts, not the contents, in the audit
// log.
func (s *Store) DeleteExpired(ctx context.Context, cutoff time.Time, actor string) (reports, cases int64, err error) {
	day := cutoff.UTC().Format("2006-01-02")
	_, err = s.inTx(ctx, audit.Event{Actor: actor, Action: "retention.delete", Object: "reports"}, func(tx *sql.Tx) (int64, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM reports WHERE closed_on IS NOT NULL AND closed_on < $1`, day)
		if err != nil {
			return 0, fmt.Errorf("store: deleting expired reports: %w", err)
		}
		reports, _ = res.RowsAffected()
		res, err = tx.ExecContext(ctx, `DELETE FROM cases WHERE status = 'cerrado' AND closed_at IS NOT NULL AND closed_at < $1 AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.case_id = cases.id)`, day)
		if err != nil {
			return 0, fmt.Errorf("store: deleting expired cases: %w", err)
		}
		cases, _ = res.RowsAffected()
		return 0, nil
	})
	if err == nil && reports+cases > 0 {
		err = s.Audit(ctx, audit.Event{Actor: actor, Action: "retention.deleted", Object: "reports", Detail: fmt.Sprintf("reports=%d cases=%d cutoff=%s", reports, cases, day)})
	}
	if err == nil && reports+cases > 0 {
		err = s.purgeWAL(ctx)
	}
	return reports, cases, err
}

// purgeWAL moves everything in SQLite's write-ahead log into the database
// and truncates the log to nothing. secure_delete zeroes deleted rows in
// the database, but the log keeps earlier copies of their pages (the
// report as it was stored) until it is checkpointed and cut, so without
// this a deleted report lived on in vigia.db-wal. It retries while readers
// hold old snapshots; PostgreSQL has nothing to do here.
func (s *Store) purgeWAL(ctx context.Context) error {
	if s.d.name != "sqlite" {
		return nil
	}
	for attempt := 0; ; attempt++ {
		var busy, logged, done int
		if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil {
			return fmt.Errorf("store: checkpointing after deleting: %w", err)
		}
		if busy == 0 {
			return nil
		}
		if attempt == 20 {
			return errors.New("store: checkpointing after deleting: the write-ahead log is still in use; deleted data stays in it until the next checkpoint")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ReportsByToken lists reports carrying a blind-indexed identifier.
func (s *Store) ReportsByToken(ctx context.Context, token string, limit int) ([]Report, error) {
	return s.queryReports(ctx, "searching reports", `SELECT `+reportCols+` FROM reports WHERE id IN (SELECT report_id FROM report_tokens WHERE token = $1) ORDER BY id DESC LIMIT $2`, token, limit)
}

// DueTask is an open task with its case, for a person's list.
type DueTask struct {
	ID, CaseID int64
	DueOn      string
}

// OpenTasks lists an account's open tasks due on or before a day
// (YYYY-MM-DD), earliest first.
func (s *Store) OpenTasks(ctx context.Context, staffID int64, dueBy string) ([]DueTask, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, case_id, due_on FROM tasks WHERE assignee_id = $1 AND done_at IS NULL AND due_on <= $2 ORDER BY due_on, id LIMIT 100`, staffID, dueBy)
	if err != nil {
		return nil, fmt.Errorf("store: listing tasks: %w", err)
	}
	defer rows.Close()
	var out []DueTask
	for rows.Next() {
		var t DueTask
		if err := rows.Scan(&t.ID, &t.CaseID, &t.DueOn); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ReopenReport stops a report's retention clock after its reporter added
// information: a discarded report goes back to the queue; a report of a
// closed case stays in it.
func (s *Store) ReopenReport(ctx context.Context, id int64, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		_, err := tx.ExecContext(ctx, `UPDATE reports SET closed_on = NULL, triage = CASE WHEN triage = 'descartado' THEN 'pendiente' ELSE triage END WHERE id = $1`, id)
		return id, err
	})
	return err
}

// AuditFor returns the audit entries about the given objects ("case:7",
// "report:12"), oldest first, for a case's timeline.
func (s *Store) AuditFor(ctx context.Context, objects []string) ([]audit.Entry, error) {
	if len(objects) == 0 {
		return nil, nil
	}
	var ph []string
	args := make([]any, len(objects))
	for i, o := range objects {
		args[i] = o
		ph = append(ph, fmt.Sprintf("$%d", i+1))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, actor, action, object, detail, prev, hash FROM audit_log WHERE object IN (`+strings.Join(ph, ", ")+`) ORDER BY seq LIMIT 5000`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: reading a case's audit entries: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.Prev, &e.Hash); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Load is one person's caseload: open cases they own, and their open
// tasks on those and other cases within the filter.
type Load struct {
	StaffID      int64
	OpenCases    int
	CloseAsked   int
	OpenTasks    int
	OverdueTasks int
}

// Caseload counts open cases by owner and open tasks by assignee, over
// the cases f selects (its OwnerID or Team: the reader's scope). today is
// YYYY-MM-DD, for overdue tasks.
func (s *Store) Caseload(ctx context.Context, f CaseFilter, today string) (map[int64]*Load, error) {
	where := "c.status <> 'cerrado'"
	var args []any
	if f.OwnerID != 0 {
		args = append(args, f.OwnerID)
		where += fmt.Sprintf(" AND c.owner_id = $%d", len(args))
	}
	if f.Team != "" {
		args = append(args, f.Team)
		where += fmt.Sprintf(" AND c.team = $%d", len(args))
	}
	out := map[int64]*Load{}
	get := func(id int64) *Load {
		if out[id] == nil {
			out[id] = &Load{StaffID: id}
		}
		return out[id]
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.owner_id, COUNT(*), SUM(CASE WHEN c.close_requested_by IS NOT NULL THEN 1 ELSE 0 END) FROM cases c WHERE `+where+` GROUP BY c.owner_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: counting caseloads: %w", err)
	}
	for rows.Next() {
		var id int64
		var n, asked int
		if err := rows.Scan(&id, &n, &asked); err != nil {
			rows.Close()
			return nil, err
		}
		l := get(id)
		l.OpenCases, l.CloseAsked = n, asked
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	args = append(args, today)
	rows, err = s.db.QueryContext(ctx, fmt.Sprintf(`SELECT t.assignee_id, COUNT(*), SUM(CASE WHEN t.due_on < $%d THEN 1 ELSE 0 END) FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.done_at IS NULL AND `+where+` GROUP BY t.assignee_id`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: counting tasks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n, late int
		if err := rows.Scan(&id, &n, &late); err != nil {
			return nil, err
		}
		l := get(id)
		l.OpenTasks, l.OverdueTasks = n, late
	}
	return out, rows.Err()
}
