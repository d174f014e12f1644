package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// TestAuditKeyedCLI: the log written before it was keyed is MACed behind an
// audit.keyed entry; `vigia audit head` prints SEQ:MAC; `vigia audit verify`
// passes an intact log (the intake's unMACed tail included), and with
// --head catches a log cut short; a log rewritten whole is caught by its
// MACs, and with the MACs deleted too, by the head. All data is SYNTHETIC.
func TestAuditKeyedCLI(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			db := be.Target(t)
			keyFile := filepath.Join(t.TempDir(), "vigia-hotline.key")
			keys, err := seal.Generate()
			if err != nil {
				t.Fatal(err)
			}
			if err := keys.WriteNew(keyFile); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"VIGIA_DATABASE_URL": db, "VIGIA_HOTLINE_KEY": keyFile}
			geo, _ := hotline.Bundled()
			// The intake, in a process of its own, cannot MAC.
			intakeStore := storetest.Open(t, db)
			intake := desk.New(desk.Config{Store: intakeStore, Keys: keys.Intake(), Geo: geo})
			submit := func(label string) {
				t.Helper()
				if _, err := intake.Submit(ctx, synthetic(label)); err != nil {
					t.Fatal(err)
				}
			}
			submit("antes-1")
			submit("antes-2")

			r := runVigia(t, env, "audit", "head")
			if r.err != nil {
				t.Fatalf("audit head: %v\n%s", r.err, r.stderr)
			}
			head, err := audit.ParseHead(r.stdout)
			if err != nil {
				t.Fatalf("audit head printed %q: %v", r.stdout, err)
			}
			st := storetest.Open(t, db)
			var actions []string
			st.AuditLog(ctx, func(e audit.Entry) error { actions = append(actions, e.Action+" "+e.Detail); return nil })
			if len(actions) != 3 || actions[2] != "audit.keyed unkeyed=1-2" || head.Seq != 3 {
				t.Fatalf("after keying: head %v, log %q; want the two intake entries, then audit.keyed unkeyed=1-2", head, actions)
			}

			first := head
			submit("despues-1")
			submit("despues-2")
			r = runVigia(t, env, "audit", "verify", "--head", head.String())
			if r.err != nil || !strings.Contains(r.stdout, "audit log intact: 5 entries, 3 with a valid MAC") || !strings.Contains(r.stdout, "last 2 have no MAC yet") {
				t.Fatalf("verify of an intact log with the intake's tail: %v\n%s", r.err, r.stdout)
			}
			if r := runVigia(t, env, "audit", "verify", "--hotline-key", keyFile+".intake"); r.err == nil {
				t.Error("audit verify ran with the intake's key file")
			}

			r = runVigia(t, env, "audit", "head")
			head, err = audit.ParseHead(r.stdout)
			if err != nil || head.Seq != 5 {
				t.Fatalf("second head %q (%v): want entry 5, the intake's tail MACed", r.stdout, err)
			}
			submit("despues-3")
			if r := runVigia(t, env, "audit", "verify", "--head", head.String()); r.err != nil {
				t.Fatalf("verify with the head after more entries: %v\n%s", r.err, r.stdout)
			}

			// Truncation: the last three entries deleted.
			storetest.Exec(t, db, `DELETE FROM audit_macs WHERE seq > 3`)
			storetest.Exec(t, db, `DELETE FROM audit_log WHERE seq > 3`)
			if r := runVigia(t, env, "audit", "verify"); r.err != nil {
				t.Fatalf("a cut log without the head: %v (it should look whole)", r.err)
			}
			r = runVigia(t, env, "audit", "verify", "--head", head.String())
			if r.err == nil || !strings.Contains(r.err.Error(), "cut short") {
				t.Fatalf("a cut log checked against the head: %v\n%s", r.err, r.stdout)
			}

			// Rewrite whole: every hash recomputed, as anyone with the
			// database can.
			rewrite := func(keepMACs bool) {
				t.Helper()
				var es []audit.Entry
				st.AuditLog(ctx, func(e audit.Entry) error { es = append(es, e); return nil })
				storetest.Exec(t, db, `DELETE FROM audit_log`)
				if !keepMACs {
					storetest.Exec(t, db, `DELETE FROM audit_macs`)
				}
				var prev *audit.Entry
				for i, e := range es {
					ev := e.Event
					if i == 0 {
						ev.Detail = "reescrito"
					}
					n := audit.Next(prev, e.At, ev)
					storetest.Exec(t, db, `INSERT INTO audit_log (seq, at, actor, action, object, detail, prev, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
						n.Seq, n.At, n.Actor, n.Action, n.Object, n.Detail, n.Prev, n.Hash)
					prev = &n
				}
			}
			rewrite(true)
			if r := runVigia(t, env, "audit", "verify", "--unkeyed"); r.err != nil {
				t.Fatalf("the hash chain alone should be fooled by a rewrite: %v", r.err)
			}
			r = runVigia(t, env, "audit", "verify")
			if r.err == nil || !strings.Contains(r.err.Error(), "entry 1") || !strings.Contains(r.err.Error(), "MAC does not match") {
				t.Fatalf("a rewritten log: %v\n%s", r.err, r.stdout)
			}
			rewrite(false)
			r = runVigia(t, env, "audit", "verify", "--head", first.String())
			if r.err == nil || !strings.Contains(r.err.Error(), "entry 3") || !strings.Contains(r.err.Error(), "differs from the head kept outside") {
				t.Fatalf("a rewritten log with its MACs deleted, checked against the head: %v\n%s", r.err, r.stdout)
			}
		})
	}
}
