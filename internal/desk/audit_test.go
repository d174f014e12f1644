package desk_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, to tamper with the file

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// All data in these tests is synthetic.

// texts are the free-text values of a full flow, one per field.
type texts struct {
	description, offer, contactValue, contactSafe, addInfo, note, task,
	details, override, closeReason, reply, breakGlass string
}

// fullFlow runs every kind of operation once: intake, triage, a case
// through its whole workflow with notes, tasks, referrals (one by override),
// an assessment, a reply, closure and break-glass. It returns the receipt.
func fullFlow(t *testing.T, e *env, tx texts) string {
	t.Helper()
	ctx := e.ctx
	tm := newTeam(e)
	r := sampleReport()
	r.Description = tx.description
	r.Offer = tx.offer
	r.Contact = hotline.Contact{Method: "correo", Value: tx.contactValue, Safe: tx.contactSafe}
	receipt, rid := e.submit(r)
	_, other := e.submit(plainReport("descartable"))
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("AddInfo", e.d.AddInfo(ctx, receipt, tx.addInfo))
	if _, err := e.d.Follow(ctx, receipt); err != nil {
		t.Fatal(err)
	}
	if _, err := e.d.Queue(ctx, tm.op1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.d.Report(ctx, tm.op1, rid); err != nil {
		t.Fatal(err)
	}
	must("Discard", e.d.Discard(ctx, tm.op1, other))
	c, err := e.d.OpenCase(ctx, tm.op1, rid)
	must("OpenCase", err)
	must("Move", e.d.Move(ctx, tm.op1, c, hotline.Evaluacion))
	must("AddNote", e.d.AddNote(ctx, tm.op1, c, tx.note))
	must("AddTask", e.d.AddTask(ctx, tm.op1, c, tx.task, "2030-01-31"))
	must("Refer", e.d.Refer(ctx, tm.sup1, c, "dif", tx.details, tx.override))
	must("SetConsent", e.d.SetConsent(ctx, tm.op1, c, true))
	must("Refer", e.d.Refer(ctx, tm.op1, c, "legal", tx.details, ""))
	oit, _ := hotline.InstrumentByID("oit-11")
	_, err = e.d.Assess(ctx, tm.op1, c, "oit-11", hotline.Answers{oit.Questions[0].ID: hotline.AnswerSi})
	must("Assess", err)
	must("SetTrafficking", e.d.SetTrafficking(ctx, tm.op1, c, "posible", "ong"))
	must("Reply", e.d.Reply(ctx, tm.op1, rid, tx.reply))
	must("Move", e.d.Move(ctx, tm.op1, c, hotline.Seguimiento))
	must("RequestClose", e.d.RequestClose(ctx, tm.op1, c, tx.closeReason))
	must("DecideClose", e.d.DecideClose(ctx, tm.sup1, c, true))
	must("BreakGlass", e.d.BreakGlass(ctx, tm.adm, c, tx.breakGlass))
	v, err := e.d.Case(ctx, tm.adm, c)
	must("Case", err)
	// What went in sealed comes back out.
	got := []string{v.Reports[0].Content.Description, v.Reports[0].Content.Offer, v.Reports[0].Content.Contact.Value,
		v.Reports[0].Content.Contact.Safe, v.Reports[0].Messages[0].Text, v.Notes[0].Text, v.Tasks[0].Text,
		v.Referrals[0].Details, v.CloseReason, v.Reports[0].Messages[1].Text, v.Notes[1].Text}
	want := []string{tx.description, tx.offer, tx.contactValue, tx.contactSafe, tx.addInfo, tx.note, tx.task,
		tx.details, "", tx.reply, "Acceso de emergencia: " + tx.breakGlass}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d read back as %q, want %q", i, got[i], want[i])
		}
	}
	if f, err := e.d.Follow(ctx, receipt); err != nil || f.Status != "cerrado" || len(f.Replies) != 1 || f.Replies[0].Text != tx.reply {
		t.Fatalf("Follow = %+v, %v", f, err)
	}
	return receipt
}

func plainTexts() texts {
	return texts{
		description:  "[SINTÉTICO] descripción",
		offer:        "[SINTÉTICO] Se buscan meseras, buen sueldo, informes al 55 1234 5678",
		contactValue: "persona.sintetica@example.org",
		contactSafe:  "[SINTÉTICO] por la tarde",
		addInfo:      "[SINTÉTICO] más datos",
		note:         "[SINTÉTICO] nota",
		task:         "[SINTÉTICO] tarea",
		details:      "[SINTÉTICO] detalles",
		override:     "[SINTÉTICO] menor en peligro",
		closeReason:  "[SINTÉTICO] atendido",
		reply:        "[SINTÉTICO] respuesta",
		breakGlass:   "[SINTÉTICO] revisión de calidad",
	}
}

func TestAuditChain(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		fullFlow(t, e, plainTexts())
		n := e.checkAudit()
		if n <= 20 {
			t.Fatalf("VerifyAudit counted %d entries, want more than 20", n)
		}
		// Entries carry ids and fixed words, never free text.
		err := e.st.AuditLog(e.ctx, func(en audit.Entry) error {
			for _, f := range []string{en.Actor, en.Action, en.Object, en.Detail} {
				if strings.Contains(f, "SINTÉTICO") || strings.Contains(f, "@") {
					t.Errorf("audit entry %d holds free text: %+v", en.Seq, en)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// Tamper with entry 3 behind the store's back.
		driver := "sqlite"
		if store.IsPostgres(e.target) {
			driver = "pgx"
		}
		db, err := sql.Open(driver, e.target)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		res, err := db.ExecContext(context.Background(), `UPDATE audit_log SET detail = 'x' WHERE seq = 3`)
		if err != nil {
			t.Fatalf("tampering: %v", err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			t.Fatalf("tampering changed %d rows", k)
		}
		got, _, err := e.d.VerifyAudit(e.ctx)
		var b *audit.Break
		if !errors.As(err, &b) || b.Seq != 3 {
			t.Fatalf("VerifyAudit after tampering = %d, %v; want a break at 3", got, err)
		}
		if got != 2 {
			t.Errorf("VerifyAudit verified %d entries before the break, want 2", got)
		}
	})
}

// TestCanary runs a full flow with a distinct marker in every free-text
// field and checks that none reaches the database files (or the logs) in
// the clear.
func TestCanary(t *testing.T) {
	var logs bytes.Buffer
	oldOut, oldFlags := log.Writer(), log.Flags()
	oldSlog := slog.Default()
	log.SetOutput(&logs)
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() {
		log.SetOutput(oldOut)
		log.SetFlags(oldFlags)
		slog.SetDefault(oldSlog)
	})

	canaries := map[string]string{}
	canary := func(field string) string {
		c := "CANARIO-" + randHex(t, 12)
		canaries[field] = c
		return c
	}
	tx := texts{
		description:  "[SINTÉTICO] " + canary("description"),
		offer:        "[SINTÉTICO] Se buscan meseras, buen sueldo, informes al 55 1234 5678 " + canary("offer"),
		contactValue: strings.ToLower(canary("contact value")) + "@example.org",
		contactSafe:  "[SINTÉTICO] " + canary("contact safe"),
		addInfo:      "[SINTÉTICO] " + canary("AddInfo"),
		note:         "[SINTÉTICO] " + canary("note"),
		task:         "[SINTÉTICO] " + canary("task"),
		details:      "[SINTÉTICO] " + canary("referral details"),
		override:     "[SINTÉTICO] " + canary("override reason"),
		closeReason:  "[SINTÉTICO] " + canary("close reason"),
		reply:        "[SINTÉTICO] " + canary("reply"),
		breakGlass:   "[SINTÉTICO] " + canary("break-glass reason"),
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "vigia.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			st.Close()
		}
	})
	e := newEnvOn(t, "sqlite", path, st)
	receipt := fullFlow(t, e, tx)
	// Secrets of staff accounts: a password and a TOTP secret.
	pw := "[SINTÉTICO] " + canary("password")
	secret, err := e.d.AddStaff(e.ctx, "test", desk.NewStaff{Username: "canario", Password: pw, Role: staff.Operador})
	if err != nil {
		t.Fatal(err)
	}
	canaries["TOTP secret"] = secret
	canaries["receipt"] = receipt
	canaries["phone"] = "5512345678"
	for _, u := range e.users {
		canaries["TOTP secret of "+u.name] = u.secret
		canaries["session token of "+u.name] = u.token
	}
	e.checkAudit()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	closed = true

	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		if f.IsDir() {
			continue
		}
		names = append(names, f.Name())
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if f.Name() == "vigia.db" && len(b) < 4096 {
			t.Fatalf("vigia.db is %d bytes", len(b))
		}
		low := asciiLower(b)
		for field, c := range canaries {
			if bytes.Contains(b, []byte(c)) || bytes.Contains(low, asciiLower([]byte(c))) {
				t.Errorf("%s: the %s is in the clear", f.Name(), field)
			}
		}
	}
	if len(names) == 0 || names[0] != "vigia.db" {
		t.Fatalf("database files: %v", names)
	}
	t.Logf("checked %v for %d canaries", names, len(canaries))
	for field, c := range canaries {
		if strings.Contains(logs.String(), c) {
			t.Errorf("the %s was logged", field)
		}
	}
}

func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

func TestRetention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		const days = 30
		e := newEnv(t, be, func(c *desk.Config) { c.Retention = days * 24 * time.Hour })
		ctx := e.ctx
		tm := newTeam(e)

		discardedReceipt, discarded := e.submit(plainReport("descartado"))
		pendingReceipt, pending := e.submit(plainReport("pendiente"))
		openCase, openReport, openReceipt := e.openCase(tm.op1)
		closedCase, closedReport, closedReceipt := e.openCase(tm.op1)
		if err := e.d.Discard(ctx, tm.op1, discarded); err != nil {
			t.Fatal(err)
		}
		if err := e.d.Discard(ctx, tm.op1, discarded); !errors.Is(err, desk.ErrState) {
			t.Fatalf("Discard twice = %v, want ErrState", err)
		}
		if err := e.d.Discard(ctx, tm.ana, pending); !errors.Is(err, desk.ErrForbidden) {
			t.Fatalf("Discard by an analyst = %v, want ErrForbidden", err)
		}
		if f, err := e.d.Follow(ctx, discardedReceipt); err != nil || f.Status != "cerrado" {
			t.Fatalf("Follow of a discarded report = %+v, %v", f, err)
		}
		// New information on a discarded report sends it back to the queue;
		// discarded again, its retention clock starts again.
		if err := e.d.AddInfo(ctx, discardedReceipt, "[SINTÉTICO] algo nuevo"); err != nil {
			t.Fatal(err)
		}
		if acts := e.auditActions(); acts[len(acts)-1] != "report.reopen_new_info" {
			t.Fatalf("last audit action %q, want report.reopen_new_info", acts[len(acts)-1])
		}
		if err := e.d.Discard(ctx, tm.op1, discarded); err != nil {
			t.Fatalf("Discard after new information: %v", err)
		}
		for _, s := range []hotline.Status{hotline.Evaluacion, hotline.Seguimiento} {
			if err := e.d.Move(ctx, tm.op1, closedCase, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.d.RequestClose(ctx, tm.op1, closedCase, "[SINTÉTICO] atendido"); err != nil {
			t.Fatal(err)
		}
		if err := e.d.DecideClose(ctx, tm.sup1, closedCase, true); err != nil {
			t.Fatal(err)
		}
		if err := e.d.AddNote(ctx, tm.op1, closedCase, "[SINTÉTICO] nota final"); err != nil {
			t.Fatal(err)
		}

		// Nothing is old enough yet.
		for _, wait := range []time.Duration{0, (days - 1) * 24 * time.Hour} {
			e.clock.Advance(wait)
			if r, c, err := e.d.Retention(ctx); err != nil || r != 0 || c != 0 {
				t.Fatalf("Retention after %v = %d reports, %d cases, %v; want nothing", wait, r, c, err)
			}
		}
		e.clock.Advance(3 * 24 * time.Hour)
		r, c, err := e.d.Retention(ctx)
		if err != nil || r != 2 || c != 1 {
			t.Fatalf("Retention after %d days = %d reports, %d cases, %v; want 2 and 1", days+2, r, c, err)
		}
		for _, rc := range []string{discardedReceipt, closedReceipt} {
			if _, err := e.d.Follow(ctx, rc); !errors.Is(err, desk.ErrUnknownReceipt) {
				t.Errorf("Follow of a deleted report = %v, want ErrUnknownReceipt", err)
			}
		}
		if _, err := e.st.CaseByID(ctx, closedCase); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the closed case survived retention: %v", err)
		}
		if _, err := e.st.ReportByID(ctx, closedReport); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the closed case's report survived retention: %v", err)
		}
		// Open work is kept however old.
		for _, rc := range []string{pendingReceipt, openReceipt} {
			if _, err := e.d.Follow(ctx, rc); err != nil {
				t.Errorf("Follow of a kept report: %v", err)
			}
		}
		if _, err := e.st.ReportByID(ctx, pending); err != nil {
			t.Errorf("pending report deleted: %v", err)
		}
		if _, err := e.st.ReportByID(ctx, openReport); err != nil {
			t.Errorf("open case's report deleted: %v", err)
		}
		if _, err := e.st.CaseByID(ctx, openCase); err != nil {
			t.Errorf("open case deleted: %v", err)
		}
		if r, c, err := e.d.Retention(ctx); err != nil || r != 0 || c != 0 {
			t.Fatalf("second Retention = %d, %d, %v", r, c, err)
		}
		acts := e.auditActions()
		if !strings.Contains(strings.Join(acts, " "), "retention.deleted") {
			t.Errorf("audit log lacks retention.deleted: %v", acts)
		}
		e.checkAudit()
	})
}

// A report retention deleted leaves no copy of its sealed bytes in the
// SQLite file or its write-ahead log (secure_delete zeroes the row; the
// log, which kept the page as first written, is checkpointed and cut).
// On PostgreSQL the rows are gone. SYNTHETIC report.
func TestRetentionLeavesNoCopyInWAL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		const days = 30
		e := newEnv(t, be, func(c *desk.Config) { c.Retention = days * 24 * time.Hour })
		op := e.staffUser("op1", staff.Operador, "norte", "own")
		keep := plainReport("se queda")
		e.submit(keep)
		receipt, id := e.submit(plainReport("se borra"))
		if err := e.d.AddInfo(e.ctx, receipt, "[SINTÉTICO] algo más que se borra"); err != nil {
			t.Fatal(err)
		}
		row, err := e.st.ReportByID(e.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sealed := row.Sealed
		msgs, err := e.st.Messages(e.ctx, id)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("messages: %v, %v", msgs, err)
		}
		blobs := [][]byte{sealed, msgs[0].Sealed}
		if err := e.d.Discard(e.ctx, op, id); err != nil {
			t.Fatal(err)
		}
		// The bytes on disk, in the database and its log; 24-byte windows
		// of a blob, since a large one may be split across pages, after
		// age's fixed header ("age-encryption.org/v1\n-> X25519 "), which
		// every sealed blob starts with.
		onDisk := func() []byte {
			var all []byte
			for _, f := range []string{e.target, e.target + "-wal"} {
				b, err := os.ReadFile(f)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				all = append(all, b...)
			}
			return all
		}
		found := func(disk, blob []byte) bool {
			for off := 32; off+24 <= len(blob); off += 24 {
				if bytes.Contains(disk, blob[off:off+24]) {
					return true
				}
			}
			return false
		}
		if be.Name == "sqlite" && !found(onDisk(), sealed) {
			t.Fatal("the sealed report is not on disk before retention: the test proves nothing")
		}
		e.clock.Advance((days + 2) * 24 * time.Hour)
		if r, _, err := e.d.Retention(e.ctx); err != nil || r != 1 {
			t.Fatalf("Retention = %d reports, %v; want 1", r, err)
		}
		if _, err := e.st.ReportByID(e.ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the report survived retention: %v", err)
		}
		if be.Name != "sqlite" {
			return
		}
		disk := onDisk()
		for i, b := range blobs {
			if found(disk, b) {
				t.Errorf("sealed blob %d of the deleted report is still in %s or its -wal", i, filepath.Base(e.target))
			}
		}
		if fi, err := os.Stat(e.target + "-wal"); err == nil && fi.Size() != 0 {
			t.Errorf("the write-ahead log holds %d bytes after retention, want 0", fi.Size())
		}
	})
}
