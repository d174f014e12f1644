package desk_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// TestPostgresLeastPrivilege runs deploy/postgres/roles.sql and grants.sql
// as shipped (with role names of the test's own), migrates as the owner,
// and then runs the intake and the console under their own roles: the
// intake files a report, reads its status and adds to it; the console
// works the case and MACs the audit log. Neither may UPDATE or DELETE
// audit_log, and the intake reads no sealed report, staff secret or note.
// All data is SYNTHETIC.
func TestPostgresLeastPrivilege(t *testing.T) {
	if storetest.PostgresURL(t) == "" {
		t.Skip("no PostgreSQL")
	}
	ctx := context.Background()
	target := storetest.Postgres(t) // a schema of its own, dropped after
	var b [4]byte
	rand.Read(b[:])
	sfx := hex.EncodeToString(b[:])
	names := map[string]string{"vigia_owner": "vigia_owner_" + sfx, "vigia_intake": "vigia_intake_" + sfx, "vigia_console": "vigia_console_" + sfx}
	script := func(file string) string {
		body, err := os.ReadFile("../../deploy/postgres/" + file)
		if err != nil {
			t.Fatal(err)
		}
		s := string(body)
		for from, to := range names {
			s = strings.ReplaceAll(s, from, to)
		}
		return s
	}
	exec := func(u, q string) error {
		db, err := sql.Open("pgx", u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		_, err = db.ExecContext(ctx, q)
		return err
	}
	const password = "contraseña sintética de prueba"
	as := func(role string) string {
		u, err := url.Parse(target)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(names[role], password)
		return u.String()
	}

	if err := exec(target, script("roles.sql")); err != nil {
		t.Fatalf("roles.sql as the superuser: %v", err)
	}
	t.Cleanup(func() {
		for _, r := range names {
			exec(target, "DROP OWNED BY "+r+" CASCADE")
		}
		for _, r := range names {
			exec(target, "DROP ROLE IF EXISTS "+r)
		}
	})
	for _, r := range names {
		if err := exec(target, "ALTER ROLE "+r+" PASSWORD '"+password+"'"); err != nil {
			t.Fatal(err)
		}
	}
	// Before the owner migrates, the intake cannot make the schema.
	if st, err := store.Open(ctx, as("vigia_intake")); err == nil {
		st.Close()
		t.Fatal("the intake role created Vigía's tables")
	}
	owner, err := store.Open(ctx, as("vigia_owner"))
	if err != nil {
		t.Fatalf("migrations as the owner: %v", err)
	}
	owner.Close()
	if err := exec(as("vigia_owner"), script("grants.sql")); err != nil {
		t.Fatalf("grants.sql as the owner: %v", err)
	}
	// Run twice: it starts from nothing each time.
	if err := exec(as("vigia_owner"), script("grants.sql")); err != nil {
		t.Fatalf("grants.sql again: %v", err)
	}

	consoleStore := storetest.Open(t, as("vigia_console"))
	e := newEnvOn(t, "postgres", as("vigia_console"), consoleStore)
	intakeStore := storetest.Open(t, as("vigia_intake"))
	intake := desk.New(desk.Config{Store: intakeStore, Keys: e.keys.Intake(), Geo: geography(t), Screener: e.scr, Now: e.clock.Now})

	// The intake at work.
	receipt, err := intake.Submit(ctx, &hotline.Report{Kind: hotline.SituacionRiesgo, Description: "[SINTÉTICO] reporte de prueba", State: 9, Contact: hotline.Contact{Method: "ninguno"}})
	if err != nil {
		t.Fatalf("the intake files a report: %v", err)
	}
	if _, err := intake.Follow(ctx, receipt); err != nil {
		t.Fatalf("the intake answers a receipt: %v", err)
	}
	if err := intake.AddInfo(ctx, receipt, "[SINTÉTICO] más datos"); err != nil {
		t.Fatalf("the intake adds information: %v", err)
	}
	if ok, err := intakeStore.Take(ctx, "reportes", "cliente-sintetico", "w1", 5, e.clock.Now().Add(60e9)); err != nil || !ok {
		t.Fatalf("the intake counts a limit: %v, %v", ok, err)
	}
	if _, err := intakeStore.ReportCounts(ctx); err != nil {
		t.Fatalf("the intake counts reports for the public statistics: %v", err)
	}

	// The console at work: it opens a case on the report, replies, and
	// MACs the intake's audit entries.
	op := e.staffUser("op1", staff.Operador, "norte", "own")
	id := e.reportID(receipt)
	caseID, err := e.d.OpenCase(ctx, op, id)
	if err != nil {
		t.Fatalf("the console opens a case: %v", err)
	}
	if _, err := e.d.Case(ctx, op, caseID); err != nil {
		t.Fatalf("the console reads the case: %v", err)
	}
	if err := e.d.Reply(ctx, op, id, "[SINTÉTICO] gracias, le contactamos"); err != nil {
		t.Fatalf("the console replies: %v", err)
	}
	if f, err := intake.Follow(ctx, receipt); err != nil || len(f.Replies) != 1 {
		t.Fatalf("the reporter reads the reply through the intake: %+v, %v", f, err)
	}
	// New information on a discarded report puts it back in the queue; on
	// a closed case it tells the case's supervisors: both from the intake.
	receipt2, err := intake.Submit(ctx, &hotline.Report{Kind: hotline.Informacion, Description: "[SINTÉTICO] otro reporte", State: 9, Contact: hotline.Contact{Method: "ninguno"}})
	if err != nil {
		t.Fatal(err)
	}
	id2 := e.reportID(receipt2)
	if err := e.d.Discard(ctx, op, id2); err != nil {
		t.Fatalf("the console discards: %v", err)
	}
	if err := intake.AddInfo(ctx, receipt2, "[SINTÉTICO] sí era importante"); err != nil {
		t.Fatalf("the intake reopens a discarded report: %v", err)
	}
	if q, err := e.d.Queue(ctx, op); err != nil || !slices.ContainsFunc(q, func(x desk.QueueItem) bool { return x.ID == id2 }) {
		t.Fatalf("the reopened report is not in the queue: %v", err)
	}
	sup := e.staffUser("sup1", staff.Supervisor, "norte", "team")
	for _, to := range []hotline.Status{hotline.Evaluacion, hotline.Seguimiento} {
		if err := e.d.Move(ctx, op, caseID, to); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.d.RequestClose(ctx, op, caseID, "[SINTÉTICO] atendido"); err != nil {
		t.Fatal(err)
	}
	if err := e.d.DecideClose(ctx, sup, caseID, true); err != nil {
		t.Fatal(err)
	}
	if err := intake.AddInfo(ctx, receipt, "[SINTÉTICO] volvió a pasar"); err != nil {
		t.Fatalf("the intake adds to a closed case's report: %v", err)
	}
	if ns, err := e.d.Notifications(ctx, sup); err != nil || !hasNotification(ns, "informacion_nueva", caseID) {
		t.Fatalf("the supervisor was not told of new information: %+v, %v", ns, err)
	}

	if h, err := e.d.AuditHead(ctx); err != nil || h.Seq == 0 {
		t.Fatalf("the console MACs the log: %v, %v", h, err)
	}
	r, err := e.d.CheckAudit(ctx, nil)
	if err != nil || !r.Keyed || r.Unsealed != 0 {
		t.Fatalf("audit log after both roles wrote: %+v, %v", r, err)
	}

	// What the roles may never do.
	for _, tc := range []struct{ role, q string }{
		{"vigia_intake", `UPDATE audit_log SET detail = 'x' WHERE seq = 1`},
		{"vigia_intake", `DELETE FROM audit_log WHERE seq > 1`},
		{"vigia_intake", `DELETE FROM audit_log`},
		{"vigia_intake", `TRUNCATE audit_log`},
		{"vigia_intake", `INSERT INTO audit_macs (seq, mac) VALUES (999999, 'x')`},
		{"vigia_intake", `DELETE FROM audit_macs`},
		{"vigia_intake", `SELECT sealed FROM reports`},
		{"vigia_intake", `SELECT password FROM staff`},
		{"vigia_intake", `SELECT totp_sealed FROM staff`},
		{"vigia_intake", `SELECT * FROM sessions`},
		{"vigia_intake", `SELECT * FROM case_notes`},
		{"vigia_intake", `SELECT * FROM report_tokens`},
		{"vigia_intake", `UPDATE reports SET case_id = NULL`},
		{"vigia_intake", `DELETE FROM reports`},
		{"vigia_intake", `CREATE TABLE plantada (x int)`},
		{"vigia_console", `UPDATE audit_log SET detail = 'x' WHERE seq = 1`},
		{"vigia_console", `DELETE FROM audit_log`},
		{"vigia_console", `UPDATE audit_macs SET mac = 'x'`},
		{"vigia_console", `DELETE FROM audit_macs`},
	} {
		if err := exec(as(tc.role), tc.q); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s: %s: %v, want permission denied", tc.role, tc.q, err)
		}
	}
}
