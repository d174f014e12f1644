package desk_test

import (
	"errors"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// All data in these tests is synthetic.

// TestShiftOnBothBackends: phone reports, first-response timers, the
// caseload and the timeline behave alike on SQLite and PostgreSQL.
func TestShiftOnBothBackends(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be, func(c *desk.Config) { c.SLA = desk.SLA{Urgent: 10 * time.Minute, Normal: time.Hour} })
		tm := newTeam(e)
		now := e.clock.Now()

		// A phone report: its arrival is the call's start.
		r := plainReport("llamada")
		r.Channel, r.Urgent = "telefono", true
		_, id, err := e.d.EnterReport(e.ctx, tm.op1, &r, desk.Call{Start: now.Add(-8 * time.Minute), End: now.Add(-2 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		bad := plainReport("mal")
		bad.Channel = "telefono"
		if _, _, err := e.d.EnterReport(e.ctx, tm.op1, &bad, desk.Call{Start: now, End: now.Add(-time.Minute)}); err == nil {
			t.Error("a call ending before it began was accepted")
		}
		bad.Channel = "web"
		if _, _, err := e.d.EnterReport(e.ctx, tm.op1, &bad, desk.Call{Start: now.Add(-time.Minute), End: now}); err == nil {
			t.Error("a staff report on the web channel was accepted")
		}
		if _, _, err := e.d.EnterReport(e.ctx, tm.ana, &bad, desk.Call{Start: now.Add(-time.Minute), End: now}); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("an analyst entering a report: %v", err)
		}
		_, plain := e.submit(plainReport("normal"))

		item := func(id int64) desk.QueueItem {
			t.Helper()
			q, err := e.d.Queue(e.ctx, tm.op1)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range q {
				if it.ID == id {
					return it
				}
			}
			t.Fatalf("report %d not in the queue", id)
			return desk.QueueItem{}
		}
		it := item(id)
		if !it.ByStaff || it.Channel != "telefono" || !it.Due.Equal(it.ReceivedAt.Add(10*time.Minute)) || it.Overdue {
			t.Errorf("phone report in the queue: %+v", it)
		}
		if d := it.ReceivedAt.Sub(now.Add(-8 * time.Minute)); d > time.Second || d < -time.Second {
			t.Errorf("received at %s, want the call's start", it.ReceivedAt)
		}
		e.clock.Advance(5 * time.Minute)
		if it := item(id); !it.Overdue {
			t.Errorf("13 minutes after the call began, the urgent report is not overdue: %+v", it)
		}
		if it := item(plain); it.Overdue {
			t.Error("the normal report is overdue after 5 minutes")
		}
		// A reply stops the clock.
		if err := e.d.Reply(e.ctx, tm.op1, plain, "[SINTÉTICO] recibido"); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(2 * time.Hour)
		if it := item(plain); it.Overdue || it.FirstAction.IsZero() {
			t.Errorf("a report replied to in time: %+v", it)
		}

		// Caseload and timeline.
		cid, err := e.d.OpenCase(e.ctx, tm.op1, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.d.AddTask(e.ctx, tm.op1, cid, "[SINTÉTICO] tarea", "2020-01-01"); err != nil {
			t.Fatal(err)
		}
		if err := e.d.Move(e.ctx, tm.op1, cid, hotline.Evaluacion); err != nil {
			t.Fatal(err)
		}
		rows, err := e.d.Caseload(e.ctx, tm.sup1)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rows {
			if r.Username == "op1" {
				found = true
				if r.OpenCases != 1 || r.OpenTasks != 1 || r.OverdueTasks != 1 {
					t.Errorf("op1's load: %+v", r)
				}
			}
			if r.Team != "norte" {
				t.Errorf("sup1 (team norte) sees %s of team %s", r.Username, r.Team)
			}
		}
		if !found {
			t.Error("op1 is not in sup1's caseload")
		}
		if _, err := e.d.Caseload(e.ctx, tm.op1); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("an operator's caseload: %v", err)
		}
		cv, err := e.d.Case(e.ctx, tm.op1, cid)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, te := range cv.Timeline {
			kinds = append(kinds, te.Kind)
		}
		want := []string{"report.enter", "case.open", "task", "case.move"}
		j := 0
		for _, k := range kinds {
			if j < len(want) && k == want[j] {
				j++
			}
		}
		if j != len(want) {
			t.Errorf("timeline %v, want %v in order", kinds, want)
		}
	})
}

// TestDirectoryOnBothBackends: the directory is seeded once from the
// bundled file, kept by administrators only, and listed by state.
func TestDirectoryOnBothBackends(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		tm := newTeam(e)
		all, err := e.d.Directory(e.ctx, tm.adm, 0)
		if err != nil {
			t.Fatal(err)
		}
		bundled, _ := hotline.BundledDirectory()
		if len(all) != len(bundled) {
			t.Errorf("seeded %d entries, the file has %d", len(all), len(bundled))
		}
		if _, err := e.d.Directory(e.ctx, tm.op1, 0); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("an operator listing the whole directory: %v", err)
		}
		id, err := e.d.SaveDirectoryEntry(e.ctx, tm.adm, store.DirectoryEntry{State: 9, Kind: "refugio", Name: "[SINTÉTICO] Refugio", Phone: "55 0000 0000", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.SaveDirectoryEntry(e.ctx, tm.sup1, store.DirectoryEntry{State: 9, Kind: "refugio", Name: "x"}); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("a supervisor editing the directory: %v", err)
		}
		cdmx, err := e.d.Directory(e.ctx, tm.op1, 9)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range cdmx {
			found = found || x.ID == id
			if x.State != 0 && x.State != 9 {
				t.Errorf("Mexico City's directory lists state %d", x.State)
			}
		}
		if !found {
			t.Error("the new entry is not listed")
		}
		// Seeding again adds nothing.
		again, _ := e.d.Directory(e.ctx, tm.adm, 0)
		if len(again) != len(bundled)+1 {
			t.Errorf("after one addition: %d entries", len(again))
		}
	})
}
