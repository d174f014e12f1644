package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// All values here are synthetic.

func TestHotline(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			t.Run("ReportCaseFlow", func(t *testing.T) { testReportCaseFlow(t, storetest.Open(t, be.Target(t))) })
			t.Run("ConcurrentAuditChain", func(t *testing.T) { testConcurrentAudit(t, storetest.Open(t, be.Target(t))) })
			t.Run("Retention", func(t *testing.T) { testRetention(t, storetest.Open(t, be.Target(t))) })
		})
	}
}

func newReport(i int, tokens ...store.Token) store.NewReport {
	return store.NewReport{
		Lookup: []byte(fmt.Sprintf("lookup-%032d", i)), ReplyRecipient: "age1synthetic", ReplyKey: []byte("wrapped"),
		Kind: "posible_trata", State: 21, Urgency: 3, ReceivedOn: "2026-11-27", Channel: "web", Screen: "{}", Sealed: []byte("sealed"), Tokens: tokens,
	}
}

func verifyChain(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var v audit.Verifier
	if err := st.AuditLog(context.Background(), v.Add); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	return v.Count()
}

func testReportCaseFlow(t *testing.T, st *store.Store) {
	ctx := context.Background()
	ev := func(a string) audit.Event { return audit.Event{Actor: "test", Action: a, Object: "x:{id}"} }
	r1, err := st.CreateReport(ctx, newReport(1, store.Token{Kind: "phone", Value: "tok-a"}), ev("report.create"))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := st.CreateReport(ctx, newReport(2, store.Token{Kind: "phone", Value: "tok-a"}), ev("report.create"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateReport(ctx, newReport(1), ev("report.create")); err == nil {
		t.Fatal("a second report with the same receipt lookup was stored")
	}
	got, err := st.ReportByLookup(ctx, []byte(fmt.Sprintf("lookup-%032d", 1)))
	if err != nil || got.ID != r1 || got.Triage != "pendiente" {
		t.Fatalf("ReportByLookup = %+v, %v", got, err)
	}
	if _, err := st.ReportByLookup(ctx, []byte("nope")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown lookup: %v", err)
	}
	uid, err := st.CreateStaff(ctx, store.Staff{Username: "ana", Password: "x", TOTPSealed: []byte("s"), Role: "operador", Team: "norte", Scope: "own"}, ev("staff.create"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateStaff(ctx, store.Staff{Username: "ana", Password: "x", TOTPSealed: []byte("s"), Role: "operador", Team: "norte", Scope: "own"}, ev("staff.create")); err == nil {
		t.Fatal("duplicate username accepted")
	}
	if _, err := st.CreateStaff(ctx, store.Staff{Username: "x", Password: "x", TOTPSealed: []byte("s"), Role: "root", Team: "norte", Scope: "own"}, ev("staff.create")); err == nil {
		t.Fatal("unknown role accepted")
	}
	// One-time codes cannot be replayed: the same step twice fails.
	if err := st.LoginSucceeded(ctx, uid, 100, []byte("session-1"), "csrf", nil, ev("login")); err != nil {
		t.Fatal(err)
	}
	if err := st.LoginSucceeded(ctx, uid, 100, []byte("session-2"), "csrf", nil, ev("login")); err == nil {
		t.Fatal("a TOTP step was accepted twice")
	}
	ss, err := st.SessionByHash(ctx, []byte("session-1"))
	if err != nil || ss.Staff.ID != uid || ss.CSRF != "csrf" {
		t.Fatalf("SessionByHash = %+v, %v", ss, err)
	}
	q, err := st.Reports(ctx, store.QueueFilter{})
	if err != nil || len(q) != 2 {
		t.Fatalf("queue = %d reports, %v", len(q), err)
	}
	cid, err := st.OpenCase(ctx, r1, uid, "norte", ev("case.open"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.OpenCase(ctx, r1, uid, "norte", ev("case.open")); err == nil {
		t.Fatal("a report made two cases")
	}
	dups, err := st.Duplicates(ctx, r2)
	if err != nil || len(dups) != 1 || dups[0].ReportID != r1 || dups[0].CaseID != cid || dups[0].Decided {
		t.Fatalf("Duplicates = %+v, %v", dups, err)
	}
	if err := st.DecideDuplicate(ctx, r2, r1, uid, true, ev("dup")); err != nil {
		t.Fatal(err)
	}
	if err := st.DecideDuplicate(ctx, r1, r2, uid, false, ev("dup")); err != nil {
		t.Fatal(err)
	}
	if dups, _ = st.Duplicates(ctx, r2); !dups[0].Decided || dups[0].Same {
		t.Fatalf("a later decision did not reverse the earlier one: %+v", dups)
	}
	if err := st.JoinCase(ctx, r2, cid, ev("case.join")); err != nil {
		t.Fatal(err)
	}
	ev1 := "evaluacion"
	if err := st.UpdateCase(ctx, cid, store.CaseUpdate{Guard: "nuevo", Status: &ev1}, ev("case.move")); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateCase(ctx, cid, store.CaseUpdate{Guard: "nuevo", Status: &ev1}, ev("case.move")); err == nil {
		t.Fatal("a stale move was applied")
	}
	if _, err := st.AddNote(ctx, store.Entry{CaseID: cid, AuthorID: uid, Sealed: []byte("n")}, ev("note")); err != nil {
		t.Fatal(err)
	}
	ref, err := st.AddReferral(ctx, store.Entry{CaseID: cid, AuthorID: uid, Institution: "ceav", Sealed: []byte("r")}, ev("referral"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MoveReferral(ctx, cid, ref, "enviada", "aceptada", ev("referral.move")); err != nil {
		t.Fatal(err)
	}
	if err := st.MoveReferral(ctx, cid, ref, "enviada", "rechazada", ev("referral.move")); err == nil {
		t.Fatal("a referral moved from a status it is no longer in")
	}
	notes, _, refs, _, err := st.CaseEntries(ctx, cid)
	if err != nil || len(notes) != 1 || len(refs) != 1 || refs[0].Status != "aceptada" {
		t.Fatalf("CaseEntries: %d notes, %+v, %v", len(notes), refs, err)
	}
	cs, err := st.Cases(ctx, store.CaseFilter{OwnerID: uid})
	if err != nil || len(cs) != 1 || cs[0].Status != "evaluacion" {
		t.Fatalf("Cases = %+v, %v", cs, err)
	}
	if cs, _ := st.Cases(ctx, store.CaseFilter{Team: "sur"}); len(cs) != 0 {
		t.Fatal("another team's filter saw the case")
	}
	counts, err := st.ReportCounts(ctx)
	if err != nil || len(counts) != 1 || counts[0].N != 2 || counts[0].Month != "2026-11" {
		t.Fatalf("ReportCounts = %+v, %v", counts, err)
	}
	if n := verifyChain(t, st); n < 12 {
		t.Fatalf("audit log has %d entries, want one per change", n)
	}
}

func testConcurrentAudit(t *testing.T, st *store.Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.CreateReport(ctx, newReport(i), audit.Event{Actor: "intake", Action: "report.create", Object: "report:{id}"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := verifyChain(t, st); n != 40 {
		t.Fatalf("audit entries = %d, want 40", n)
	}
}

func testRetention(t *testing.T, st *store.Store) {
	ctx := context.Background()
	ev := audit.Event{Actor: "test", Action: "x", Object: "x:{id}"}
	r1, _ := st.CreateReport(ctx, newReport(1), ev)
	r2, _ := st.CreateReport(ctx, newReport(2), ev)
	if err := st.DiscardReport(ctx, r1, ev); err != nil {
		t.Fatal(err)
	}
	// Nothing closed before today is older than a cutoff of today.
	if n, _, err := st.DeleteExpired(ctx, time.Now(), "system"); err != nil || n != 0 {
		t.Fatalf("DeleteExpired(today) = %d, %v", n, err)
	}
	n, _, err := st.DeleteExpired(ctx, time.Now().AddDate(0, 0, 2), "system")
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpired = %d, %v; want 1", n, err)
	}
	if _, err := st.ReportByID(ctx, r1); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("expired report still there")
	}
	if _, err := st.ReportByID(ctx, r2); err != nil {
		t.Fatal("open report deleted")
	}
	verifyChain(t, st)
}
