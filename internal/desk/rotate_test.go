package desk_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// openAll opens every sealed value in the database with keys and returns
// how many did not open.
func (e *env) openAll(keys *seal.Keys) (total, failed int) {
	e.t.Helper()
	for _, table := range store.SealedTables {
		var after int64
		for {
			rows, err := e.st.SealedRows(e.ctx, table, after, 50)
			if err != nil {
				e.t.Fatal(err)
			}
			if len(rows) == 0 {
				break
			}
			for _, r := range rows {
				after = r.ID
				if len(r.Sealed) == 0 {
					continue
				}
				total++
				if _, err := keys.Open(r.Sealed); err != nil {
					failed++
				}
			}
		}
	}
	accounts, err := e.st.StaffList(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, u := range accounts {
		total++
		if _, err := keys.Open(u.TOTPSealed); err != nil {
			failed++
		}
	}
	return total, failed
}

// Rotation re-seals everything to a new key while the intake, still holding
// the old public key, goes on taking reports. Reports sealed to the old key
// during the rotation open afterwards (the key file keeps the old key until
// the rotation is finished, and the finishing pass re-seals them); after
// it, the old key opens nothing and the new key opens everything; staff
// sign in again; a planted account is not laundered; receipts and replies
// still work.
func TestRotateKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		e := newEnv(t, be)
		receipt := fullFlow(t, e, plainTexts())
		old := e.keys
		// Six files on a case: more than one batch of attachments.
		withFiles, _, _ := e.openCase(e.users["op1"].actor)
		var lastFile int64
		for i := 0; i < 6; i++ {
			id, err := e.d.Attach(e.ctx, e.users["op1"].actor, withFiles, "nota.txt", []byte(fmt.Sprintf("[SINTÉTICO] CANARIO-adjunto-%d", i)))
			if err != nil {
				t.Fatal(err)
			}
			lastFile = id
		}

		// An account planted through the intake (public key only).
		intakeKeys := old.Intake()
		hash, _ := staff.HashPassword("contraseña del atacante")
		secret, _ := staff.NewTOTPSecret()
		sealedTOTP, _ := intakeKeys.Seal([]byte(secret))
		if _, err := e.st.CreateStaff(e.ctx, store.Staff{Username: "intruso", Password: hash, TOTPSealed: sealedTOTP, Role: "supervisor", Team: "norte", Scope: "all"},
			audit.Event{Actor: "intake", Action: "staff.create", Object: "staff:{id}"}); err != nil {
			t.Fatal(err)
		}

		next, err := old.Rotate()
		if err != nil {
			t.Fatal(err)
		}
		// Reports keep arriving at the intake, sealed to the old public
		// key, while the re-seal runs.
		oldIntake := e.intakeDesk()
		var wg sync.WaitGroup
		var stragglers []string
		var subErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 8; i++ {
				r := plainReport(fmt.Sprintf("CANARIO-rezagado-%d", i))
				rc, err := oldIntake.Submit(e.ctx, &r)
				if err != nil {
					subErr = err
					return
				}
				stragglers = append(stragglers, rc)
			}
		}()
		rot := desk.New(desk.Config{Store: e.st, Keys: next, Geo: geography(t), Screener: e.scr, Now: e.clock.Now})
		res, err := rot.Reseal(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if subErr != nil {
			t.Fatal(subErr)
		}
		if res.Resealed < 10 || res.Staff != 7 || res.Unsigned != 1 {
			t.Fatalf("Reseal = %+v, want ≥10 values, the 7 genuine accounts re-signed and the planted one left", res)
		}

		// The console, restarted with the new key file, reads everything,
		// the stragglers too.
		e.d, e.keys = rot, next
		if total, failed := e.openAll(next); failed != 0 {
			t.Fatalf("%d of %d sealed values do not open with the rotating key file", failed, total)
		}
		for _, rc := range append(stragglers, receipt) {
			if _, err := rot.Follow(e.ctx, rc); err != nil {
				t.Fatalf("receipt after rotation: %v", err)
			}
		}
		e.clock.Advance(31e9)
		e.signIn(e.users["sup1"])

		// The intake gets the new public key; the finishing pass re-seals
		// the stragglers and the old key can go.
		newIntake := desk.New(desk.Config{Store: e.st, Keys: next.Intake(), Geo: geography(t), Screener: e.scr, Now: e.clock.Now})
		_, fresh := e.submitVia(newIntake, plainReport("CANARIO-nueva-clave"))
		res, err = rot.Reseal(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.NewestStale || res.Staff != 0 || res.Unsigned != 1 {
			t.Fatalf("finishing Reseal = %+v", res)
		}
		// The planted account's TOTP secret, sealed by the intruder to the
		// old public key, is the one value left as it was.
		final := next.Retire()
		if total, failed := e.openAll(final); failed != 1 {
			t.Fatalf("%d of %d sealed values do not open with the new key alone, want 1 (the planted account)", failed, total)
		}
		if total, failed := e.openAll(old); total-failed != 1 {
			t.Fatalf("the old key opens %d of %d values, want only the planted account's", total-failed, total)
		}
		done := desk.New(desk.Config{Store: e.st, Keys: final, Geo: geography(t), Screener: e.scr, Now: e.clock.Now})
		e.d = done
		e.clock.Advance(31e9)
		sup := e.signIn(e.users["sup1"])
		if _, err := done.Report(e.ctx, sup, fresh); err != nil {
			t.Fatalf("report sealed to the new key: %v", err)
		}
		if f, err := done.Attachment(e.ctx, sup, withFiles, lastFile); err != nil || string(f.Data) != "[SINTÉTICO] CANARIO-adjunto-5" || f.Name != "nota.txt" {
			t.Fatalf("an attachment after rotation: %q %q, %v", f.Name, f.Data, err)
		}
		f, err := done.Follow(e.ctx, receipt)
		if err != nil || len(f.Replies) != 1 || f.Replies[0].Text != plainTexts().reply {
			t.Fatalf("the reporter's reply after rotation: %+v, %v", f, err)
		}
		code, _ := staff.TOTPCode(secret, e.clock.Now())
		if _, _, err := done.Login(e.ctx, "intruso", "contraseña del atacante", code); !errors.Is(err, desk.ErrLogin) {
			t.Fatalf("planted account after rotation: Login = %v, want ErrLogin", err)
		}
		e.checkAudit()
	})
}
