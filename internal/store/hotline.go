package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/audit"
)

// The hotline's tables hold sealed blobs the store cannot read; it keeps them,
// the few clear fields triage needs, and the audit chain. Every method that
// touches case data takes the audit event and appends it in the same
// transaction, so a change and its record land together or not at all.

// ErrNotFound is returned for a row that does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a row changed since it was read (someone
// else moved the case or the referral), or is gone.
var ErrConflict = errors.New("store: changed meanwhile or gone")

// NewReport is a sealed report as the intake stores it.
type NewReport struct {
	Lookup         []byte
	ReplyRecipient string
	ReplyKey       []byte
	Kind           string
	State          int
	Urgency        int
	ReceivedOn     string // YYYY-MM-DD: the day, not the moment
	Channel        string
	Screen         string // JSON of flag ids and tier, no text
	Sealed         []byte
	Tokens         []Token
	// Indexed says Tokens are complete (the console made them); the
	// intake stores reports unindexed.
	Indexed bool
	// ReceivedAt is the moment it arrived (RFC 3339, UTC): for a report
	// taken by phone, when the call began. Empty: now.
	ReceivedAt string
	// TakenBy is the member of staff who entered it (0: the reporter).
	TakenBy int64
}

// Token is a blind index of an identifier in a report.
type Token struct{ Kind, Value string }

// Report is a stored report.
type Report struct {
	ID             int64
	ReplyRecipient string
	ReplyKey       []byte
	Kind           string
	State          int
	Urgency        int
	ReceivedOn     string
	Channel        string
	Screen         string
	Sealed         []byte
	Triage         string
	CaseID         int64 // 0 if none
	ClosedOn       string
	// ReceivedAt is the moment it arrived ("" for reports stored before
	// it was kept); FirstActionAt when staff first acted on it ("" if
	// not yet); TakenBy who entered it (0: the reporter).
	ReceivedAt    string
	FirstActionAt string
	TakenBy       int64
}

const reportCols = `id, reply_recipient, reply_key, kind, state, urgency, received_on, channel, screen, sealed, triage, COALESCE(case_id, 0), COALESCE(closed_on, ''), COALESCE(received_at, ''), COALESCE(first_action_at, ''), COALESCE(taken_by, 0)`

// receiptCols are reportCols without the sealed report.
var receiptCols = strings.Replace(reportCols, " sealed,", " NULL,", 1)

func scanReport(sc interface{ Scan(...any) error }) (Report, error) {
	var r Report
	err := sc.Scan(&r.ID, &r.ReplyRecipient, &r.ReplyKey, &r.Kind, &r.State, &r.Urgency, &r.ReceivedOn, &r.Channel, &r.Screen, &r.Sealed, &r.Triage, &r.CaseID, &r.ClosedOn, &r.ReceivedAt, &r.FirstActionAt, &r.TakenBy)
	return r, err
}

// inTx runs fn in a transaction and appends ev to the audit chain in it.
// ev.Object may contain "{id}", replaced by the id fn returns.
func (s *Store) inTx(ctx context.Context, ev audit.Event, fn func(tx *sql.Tx) (int64, error)) (int64, error) {
	if s.d.name == "sqlite" {
		// SQLite has one writer. Left to itself, a writer that finds the
		// lock taken sleeps in steps of up to 100 ms (busy_timeout), so 200
		// reporters at once would wait seconds; queueing them here hands
		// the lock over as soon as it is free.
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	id, err := fn(tx)
	if err != nil {
		return 0, err
	}
	ev.Object = strings.ReplaceAll(ev.Object, "{id}", strconv.FormatInt(id, 10))
	ev.Detail = strings.ReplaceAll(ev.Detail, "{id}", strconv.FormatInt(id, 10))
	if err := s.appendAudit(ctx, tx, ev); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: commit: %w", err)
	}
	return id, nil
}

// SetAuditKey makes this store MAC the audit log (console only): each
// entry it appends, and every entry before it not yet MACed (the intake's,
// and all of them the first time), in the same transaction.
func (s *Store) SetAuditKey(key []byte) { s.auditKey = key }

// lockAudit takes the chain's one-writer lock. On PostgreSQL it is an
// advisory lock, not LOCK TABLE: locking audit_log in EXCLUSIVE mode would
// need UPDATE or DELETE on it, which no process is granted
// (docs/postgres-roles.sql). SQLite has one writer already.
func (s *Store) lockAudit(ctx context.Context, tx *sql.Tx) error {
	if s.d.name == "postgres" {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7165826531)`); err != nil {
			return fmt.Errorf("store: lock audit log: %w", err)
		}
	}
	return nil
}

func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, ev audit.Event) error {
	if err := s.lockAudit(ctx, tx); err != nil {
		return err
	}
	prev, err := auditHead(ctx, tx)
	if err != nil {
		return err
	}
	if s.auditKey != nil {
		if prev, err = s.markKeyed(ctx, tx, prev); err != nil {
			return err
		}
	}
	if _, err := s.insertAudit(ctx, tx, prev, ev); err != nil {
		return err
	}
	if s.auditKey != nil {
		return s.sealAudit(ctx, tx)
	}
	return nil
}

func auditHead(ctx context.Context, tx *sql.Tx) (*audit.Entry, error) {
	var p audit.Entry
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&p.Seq, &p.Hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("store: reading the audit head: %w", err)
	}
	return &p, nil
}

func (s *Store) insertAudit(ctx context.Context, tx *sql.Tx, prev *audit.Entry, ev audit.Event) (*audit.Entry, error) {
	e := audit.Next(prev, s.now(), ev)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor, action, object, detail, prev, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.Seq, e.At, e.Actor, e.Action, e.Object, e.Detail, e.Prev, e.Hash); err != nil {
		return nil, fmt.Errorf("store: appending to the audit log: %w", err)
	}
	return &e, nil
}

// markKeyed appends audit.keyed the first time a keyed store writes to a
// log that already holds entries no one MACed: they were written before
// the log was keyed (or by the intake before the console first ran), and
// are vouched for from here on only as they stand now.
func (s *Store) markKeyed(ctx context.Context, tx *sql.Tx, prev *audit.Entry) (*audit.Entry, error) {
	if prev == nil {
		return nil, nil
	}
	var seq int64
	err := tx.QueryRowContext(ctx, `SELECT seq FROM audit_macs LIMIT 1`).Scan(&seq)
	switch {
	case err == nil:
		return prev, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("store: reading the audit MACs: %w", err)
	}
	return s.insertAudit(ctx, tx, prev, audit.Event{Actor: "system", Action: "audit.keyed", Object: "audit_log", Detail: fmt.Sprintf("unkeyed=1-%d", prev.Seq)})
}

// sealAudit MACs, in order, every entry after the last MACed one.
func (s *Store) sealAudit(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT seq, hash FROM audit_log WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM audit_macs) ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("store: reading unsealed audit entries: %w", err)
	}
	var pending []audit.Entry
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.Seq, &e.Hash); err != nil {
			rows.Close()
			return err
		}
		pending = append(pending, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range pending {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_macs (seq, mac) VALUES ($1, $2)`, e.Seq, audit.MAC(s.auditKey, e.Seq, e.Hash)); err != nil {
			return fmt.Errorf("store: sealing audit entry %d: %w", e.Seq, err)
		}
	}
	return nil
}

// SealAudit MACs every audit entry not yet MACed and returns the keyed
// head: the last entry and its MAC (Seq 0 for an empty log). It needs the
// audit key (SetAuditKey).
func (s *Store) SealAudit(ctx context.Context) (audit.Head, error) {
	if s.auditKey == nil {
		return audit.Head{}, errors.New("store: sealing the audit log needs the console's key")
	}
	if s.d.name == "sqlite" {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return audit.Head{}, fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	if err := s.lockAudit(ctx, tx); err != nil {
		return audit.Head{}, err
	}
	prev, err := auditHead(ctx, tx)
	if err != nil {
		return audit.Head{}, err
	}
	if _, err := s.markKeyed(ctx, tx, prev); err != nil {
		return audit.Head{}, err
	}
	if err := s.sealAudit(ctx, tx); err != nil {
		return audit.Head{}, err
	}
	var h audit.Head
	err = tx.QueryRowContext(ctx, `SELECT seq, mac FROM audit_macs ORDER BY seq DESC LIMIT 1`).Scan(&h.Seq, &h.MAC)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return audit.Head{}, fmt.Errorf("store: reading the audit head: %w", err)
	}
	return h, tx.Commit()
}

// Audit records an event on its own (a read, a login).
func (s *Store) Audit(ctx context.Context, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(*sql.Tx) (int64, error) { return 0, nil })
	return err
}

// AuditLog calls fn for every entry in order, with its MAC if it has one.
func (s *Store) AuditLog(ctx context.Context, fn func(audit.Entry) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT l.seq, l.at, l.actor, l.action, l.object, l.detail, l.prev, l.hash, COALESCE(m.mac, '') FROM audit_log l LEFT JOIN audit_macs m ON m.seq = l.seq ORDER BY l.seq`)
	if err != nil {
		return fmt.Errorf("store: reading the audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.Prev, &e.Hash, &e.MAC); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// insertID runs an INSERT and returns the new row's id.
func (s *Store) insertID(ctx context.Context, tx *sql.Tx, q string, args ...any) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, q+` RETURNING id`, args...).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

// CreateReport stores a sealed report and its tokens.
func (s *Store) CreateReport(ctx context.Context, r NewReport, ev audit.Event) (int64, error) {
	return s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		if r.ReceivedAt == "" {
			r.ReceivedAt = s.now()
		}
		var takenBy any
		if r.TakenBy != 0 {
			takenBy = r.TakenBy
		}
		id, err := s.insertID(ctx, tx, `INSERT INTO reports (receipt_lookup, reply_recipient, reply_key, kind, state, urgency, received_on, channel, screen, sealed, indexed, received_at, taken_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			r.Lookup, r.ReplyRecipient, r.ReplyKey, r.Kind, r.State, r.Urgency, r.ReceivedOn, r.Channel, r.Screen, r.Sealed, boolInt(r.Indexed), r.ReceivedAt, takenBy)
		if err != nil {
			return 0, fmt.Errorf("store: saving a report: %w", err)
		}
		if err := insertTokens(ctx, tx, id, r.Tokens); err != nil {
			return 0, err
		}
		return id, nil
	})
}

// insertTokens adds a report's tokens in one statement: preparing one per
// token was most of the cost of storing a report.
func insertTokens(ctx context.Context, tx *sql.Tx, id int64, tokens []Token) error {
	if len(tokens) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO report_tokens (report_id, kind, token) VALUES `)
	args := make([]any, 0, 1+2*len(tokens))
	args = append(args, id)
	for i, t := range tokens {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($1, $%d, $%d)", len(args)+1, len(args)+2)
		args = append(args, t.Kind, t.Value)
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("store: saving a report's tokens: %w", err)
	}
	return nil
}

// Unindexed returns up to n reports whose tokens the console has not made.
func (s *Store) Unindexed(ctx context.Context, n int) ([]Report, error) {
	return s.queryReports(ctx, "listing unindexed reports", `SELECT `+reportCols+` FROM reports WHERE indexed = 0 ORDER BY id LIMIT $1`, n)
}

// queryReports runs a query selecting reportCols; what says what for errors.
func (s *Store) queryReports(ctx context.Context, what, q string, args ...any) ([]Report, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetTokens stores the tokens the console made for a report.
func (s *Store) SetTokens(ctx context.Context, id int64, tokens []Token, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		res, err := tx.ExecContext(ctx, `UPDATE reports SET indexed = 1 WHERE id = $1 AND indexed = 0`, id)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return id, nil // indexed meanwhile by another console
		}
		return id, insertTokens(ctx, tx, id, tokens)
	})
	return err
}

// ReportByLookup finds a report by its receipt's lookup value.
func (s *Store) ReportByLookup(ctx context.Context, lookup []byte) (Report, error) {
	r, err := scanReport(s.db.QueryRowContext(ctx, `SELECT `+reportCols+` FROM reports WHERE receipt_lookup = $1`, lookup))
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, ErrNotFound
	}
	return r, err
}

// ReportForReceipt is ReportByLookup without the sealed report (Sealed is
// nil), for answering a receipt: the intake, which does that, is not
// granted the sealed column on PostgreSQL.
func (s *Store) ReportForReceipt(ctx context.Context, lookup []byte) (Report, error) {
	r, err := scanReport(s.db.QueryRowContext(ctx, `SELECT `+receiptCols+` FROM reports WHERE receipt_lookup = $1`, lookup))
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, ErrNotFound
	}
	return r, err
}

// ReportByID returns a report.
func (s *Store) ReportByID(ctx context.Context, id int64) (Report, error) {
	r, err := scanReport(s.db.QueryRowContext(ctx, `SELECT `+reportCols+` FROM reports WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, ErrNotFound
	}
	return r, err
}

// QueueFilter selects reports for triage.
type QueueFilter struct {
	Triage string // "pendiente" by default
	CaseID int64  // reports of one case
	Limit  int
}

// Reports lists reports, most urgent first.
func (s *Store) Reports(ctx context.Context, f QueueFilter) ([]Report, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	if f.CaseID != 0 {
		return s.queryReports(ctx, "listing reports", `SELECT `+reportCols+` FROM reports WHERE case_id = $1 ORDER BY id LIMIT $2`, f.CaseID, f.Limit)
	}
	if f.Triage == "" {
		f.Triage = "pendiente"
	}
	return s.queryReports(ctx, "listing reports", `SELECT `+reportCols+` FROM reports WHERE triage = $1 ORDER BY urgency DESC, id LIMIT $2`, f.Triage, f.Limit)
}

// Message is one message on a report's receipt channel.
type Message struct {
	ID        int64
	ReportID  int64
	Direction string // "reporter" or "staff"
	AuthorID  int64
	At        string
	Sealed    []byte
}

// AddMessage stores a sealed message on a report.
func (s *Store) AddMessage(ctx context.Context, m Message, ev audit.Event) (int64, error) {
	return s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		var author any
		if m.AuthorID != 0 {
			author = m.AuthorID
		}
		id, err := s.insertID(ctx, tx, `INSERT INTO messages (report_id, direction, author_id, at, sealed) VALUES ($1, $2, $3, $4, $5)`, m.ReportID, m.Direction, author, m.At, m.Sealed)
		if err != nil {
			return 0, fmt.Errorf("store: saving a message: %w", err)
		}
		if m.Direction == "staff" {
			// A reply is a first action on the report.
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET first_action_at = COALESCE(first_action_at, $1) WHERE id = $2`, s.now(), m.ReportID); err != nil {
				return 0, err
			}
		}
		return id, nil
	})
}

// Messages lists a report's messages, oldest first.
func (s *Store) Messages(ctx context.Context, reportID int64) ([]Message, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, report_id, direction, COALESCE(author_id, 0), at, sealed FROM messages WHERE report_id = $1 ORDER BY id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("store: listing messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.ReportID, &m.Direction, &m.AuthorID, &m.At, &m.Sealed); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Staff is a console account.
type Staff struct {
	ID           int64
	Username     string
	Password     string // Argon2id PHC string
	TOTPSealed   []byte
	TOTPLastStep int64
	Role         string
	Team         string
	Scope        string // own, team or all
	MAC          string
	// Sign, when set, computes MAC as the row is written (it needs the id).
	Sign        func(Staff) (string, error)
	Active      bool
	Failures    int
	LastFailure time.Time
}

const staffCols = `id, username, password, totp_sealed, totp_last_step, role, team, scope, mac, active, failures, COALESCE(last_failure, '')`

func scanStaff(sc interface{ Scan(...any) error }) (Staff, error) {
	var u Staff
	var active int
	var last string
	err := sc.Scan(&u.ID, &u.Username, &u.Password, &u.TOTPSealed, &u.TOTPLastStep, &u.Role, &u.Team, &u.Scope, &u.MAC, &active, &u.Failures, &last)
	u.Active = active == 1
	if last != "" {
		u.LastFailure, _ = time.Parse(time.RFC3339Nano, last)
	}
	return u, err
}

// CreateStaff adds an account.
func (s *Store) CreateStaff(ctx context.Context, u Staff, ev audit.Event) (int64, error) {
	return s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		id, err := s.insertID(ctx, tx, `INSERT INTO staff (username, password, totp_sealed, role, team, scope, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			u.Username, u.Password, u.TOTPSealed, u.Role, u.Team, u.Scope, s.now())
		if err != nil {
			return 0, fmt.Errorf("store: adding account %q: %w", u.Username, err)
		}
		if u.Sign != nil {
			u.ID, u.Active = id, true
			mac, err := u.Sign(u)
			if err != nil {
				return 0, err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE staff SET mac = $1 WHERE id = $2`, mac, id); err != nil {
				return 0, err
			}
		}
		return id, nil
	})
}

// StaffByUsername finds an account.
func (s *Store) StaffByUsername(ctx context.Context, name string) (Staff, error) {
	u, err := scanStaff(s.db.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE username = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Staff{}, ErrNotFound
	}
	return u, err
}

// StaffByID finds an account.
func (s *Store) StaffByID(ctx context.Context, id int64) (Staff, error) {
	u, err := scanStaff(s.db.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Staff{}, ErrNotFound
	}
	return u, err
}

// StaffList lists accounts.
func (s *Store) StaffList(ctx context.Context) ([]Staff, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+staffCols+` FROM staff ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("store: listing accounts: %w", err)
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		u, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UnlockStaff clears an account's failed sign-ins, so that it may sign in
// again at once (vigia staff unlock).
func (s *Store) UnlockStaff(ctx context.Context, id int64, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET failures = 0, last_failure = NULL WHERE id = $1`, id)
		if err != nil {
			return 0, fmt.Errorf("store: unlocking account %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, ErrNotFound
		}
		return id, nil
	})
	return err
}

// LoginAttempt counts a sign-in attempt as a failure before its password
// is checked (LoginSucceeded resets the count), provided the account's
// count is still the one the lockout decision was made on. Checking and
// counting are one statement, so sign-ins made at once cannot all pass a
// check made before any of them was counted. It reports false when another
// attempt was counted first: read the account again and decide again.
func (s *Store) LoginAttempt(ctx context.Context, id int64, seenFailures int) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE staff SET failures = failures + 1, last_failure = $1 WHERE id = $2 AND failures = $3`, s.now(), id, seenFailures)
	if err != nil {
		return false, fmt.Errorf("store: counting a sign-in attempt: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LoginSucceeded resets failures, records the TOTP step used (so the code
// cannot be replayed) and opens a session. sign, when set, computes the
// session row's MAC from its creation time (SessionMAC's fields).
func (s *Store) LoginSucceeded(ctx context.Context, id, step int64, tokenHash []byte, csrf string, sign func(created string) (string, error), ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET failures = 0, last_failure = NULL, totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, id)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, errors.New("store: this one-time code was already used")
		}
		t := s.now()
		mac := ""
		if sign != nil {
			if mac, err = sign(t); err != nil {
				return 0, err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, staff_id, csrf, created_at, last_seen, mac) VALUES ($1, $2, $3, $4, $4, $5)`, tokenHash, id, csrf, t, mac); err != nil {
			return 0, fmt.Errorf("store: opening a session: %w", err)
		}
		return id, nil
	})
	return err
}

// Session is a signed-in account.
type Session struct {
	Staff    Staff
	CSRF     string
	Created  time.Time
	LastSeen time.Time
	// CreatedAt is created_at as stored, and MAC the row's MAC over it
	// (see seal.Keys.SessionMAC).
	CreatedAt string
	MAC       string
}

// SessionByHash finds a live session and its account.
func (s *Store) SessionByHash(ctx context.Context, hash []byte) (Session, error) {
	var ss Session
	var created, seen string
	row := s.db.QueryRowContext(ctx, `SELECT s.csrf, s.created_at, s.last_seen, s.mac, u.id, u.username, u.password, u.totp_sealed, u.totp_last_step, u.role, u.team, u.scope, u.mac, u.active, u.failures, COALESCE(u.last_failure, '') FROM sessions s JOIN staff u ON u.id = s.staff_id WHERE s.token_hash = $1`, hash)
	var u Staff
	var active int
	var last string
	err := row.Scan(&ss.CSRF, &created, &seen, &ss.MAC, &u.ID, &u.Username, &u.Password, &u.TOTPSealed, &u.TOTPLastStep, &u.Role, &u.Team, &u.Scope, &u.MAC, &active, &u.Failures, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("store: reading a session: %w", err)
	}
	u.Active = active == 1
	ss.Staff = u
	ss.CreatedAt = created
	ss.Created, _ = time.Parse(time.RFC3339Nano, created)
	ss.LastSeen, _ = time.Parse(time.RFC3339Nano, seen)
	return ss, nil
}

// TouchSession records activity on a session.
func (s *Store) TouchSession(ctx context.Context, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE token_hash = $2`, s.now(), hash)
	return err
}

// EndSession signs a session out.
func (s *Store) EndSession(ctx context.Context, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return err
}

func (s *Store) now() string { return s.clock().UTC().Format(time.RFC3339Nano) }

func (s *Store) clock() time.Time {
	if s.clockFn != nil {
		return s.clockFn()
	}
	return time.Now()
}

// SetClock makes the hotline's timestamps (sessions, failures, closures,
// break-glass) come from now, so that they agree with the desk's clock.
// Call it before use.
func (s *Store) SetClock(now func() time.Time) { s.clockFn = now }

// Now is the store's timestamp format, for callers that build rows.
func Now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// SetStaff changes an account's role, team, scope or active flag, and
// signs it out everywhere so that the change takes effect at once.
func (s *Store) SetStaff(ctx context.Context, u Staff, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		mac := u.MAC
		if u.Sign != nil {
			var err error
			if mac, err = u.Sign(u); err != nil {
				return 0, err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE staff SET role = $1, team = $2, scope = $3, active = $4, mac = $5 WHERE id = $6`, u.Role, u.Team, u.Scope, boolInt(u.Active), mac, u.ID)
		if err != nil {
			return 0, fmt.Errorf("store: updating account %d: %w", u.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE staff_id = $1`, u.ID)
		return u.ID, err
	})
	return err
}

// BreakGlass grants an account access to a case until a time.
func (s *Store) BreakGlass(ctx context.Context, staffID, caseID int64, until time.Time, ev audit.Event) error {
	_, err := s.inTx(ctx, ev, func(tx *sql.Tx) (int64, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO break_glass (staff_id, case_id, until) VALUES ($1, $2, $3)`, staffID, caseID, until.UTC().Format(time.RFC3339Nano))
		return caseID, err
	})
	return err
}

// HasBreakGlass reports whether an account holds unexpired break-glass
// access to a case.
func (s *Store) HasBreakGlass(ctx context.Context, staffID, caseID int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM break_glass WHERE staff_id = $1 AND case_id = $2 AND until > $3`, staffID, caseID, s.now()).Scan(&n)
	return n > 0, err
}

// CountRows counts a hotline table's rows, for tests and checks. table
// must be one of the hotline's own tables.
func (s *Store) CountRows(ctx context.Context, table string) (int, error) {
	switch table {
	case "reports", "report_tokens", "messages", "staff", "sessions", "cases", "case_notes", "tasks", "referrals", "assessments", "audit_log":
	default:
		return 0, fmt.Errorf("store: no table %q", table)
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
	return n, err
}

// ReportTokens lists a report's blind-index tokens, for checks and tests.
func (s *Store) ReportTokens(ctx context.Context, id int64) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, token FROM report_tokens WHERE report_id = $1 ORDER BY kind, token`, id)
	if err != nil {
		return nil, fmt.Errorf("store: listing a report's tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.Kind, &t.Value); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
