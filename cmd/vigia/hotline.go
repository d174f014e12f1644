package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
)

// hotlineKeyPath is where the hotline's keys live: beside a SQLite file, or
// in the working folder for PostgreSQL. The intake role reads NAME.intake,
// which holds no private key.
func hotlineKeyPath(flagValue, db string) string {
	if flagValue != "" {
		return flagValue
	}
	if db != "" && !store.IsPostgres(db) {
		return filepath.Join(filepath.Dir(db), "vigia-hotline.key")
	}
	return "vigia-hotline.key"
}

// hotlineFlags are the flags every hotline command shares.
type hotlineFlags struct {
	keyFile   *string
	retention *time.Duration
	// slaUrgent and slaNormal are the first-response targets the console's
	// queue counts down.
	slaUrgent, slaNormal *time.Duration
	// attachMiB is the largest file a case takes, in MiB.
	attachMiB *int
}

func addHotlineFlags(fs *flag.FlagSet, env *environment) hotlineFlags {
	ret := desk.DefaultRetention
	if v := env.getenv("VIGIA_RETENTION"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			ret = d
		}
	}
	dur := func(name string, def time.Duration) time.Duration {
		if d, err := time.ParseDuration(env.getenv(name)); err == nil && d > 0 {
			return d
		}
		return def
	}
	return hotlineFlags{
		keyFile:   fs.String("hotline-key", env.getenv("VIGIA_HOTLINE_KEY"), "hotline key file (created if missing; the intake role reads FILE.intake; env VIGIA_HOTLINE_KEY)"),
		retention: fs.Duration("retention", ret, "how long closed reports and cases are kept (env VIGIA_RETENTION)"),
		slaUrgent: fs.Duration("sla-urgent", dur("VIGIA_SLA_URGENT", desk.DefaultSLA.Urgent), "first response to a report of immediate danger is due within this (env VIGIA_SLA_URGENT)"),
		slaNormal: fs.Duration("sla-normal", dur("VIGIA_SLA_NORMAL", desk.DefaultSLA.Normal), "first response to any other report is due within this (env VIGIA_SLA_NORMAL)"),
		attachMiB: fs.Int("max-attachment-mib", attachDefault(env), "largest file staff may attach to a case, in MiB, at most 64 (env VIGIA_MAX_ATTACHMENT_MIB)"),
	}
}

// openDesk builds the hotline over a store. With intakeOnly it loads the
// key file without the private key, and never creates keys.
func openDesk(env *environment, st *store.Store, db string, hf hotlineFlags, sc *screen.Screener, intakeOnly bool) (*desk.Desk, error) {
	path := hotlineKeyPath(*hf.keyFile, db)
	var keys *seal.Keys
	var err error
	if intakeOnly {
		if keys, err = seal.Load(path+".intake", false); err != nil {
			return nil, fmt.Errorf("the intake role needs %s.intake (made with the console's keys): %w", path, err)
		}
		if keys.CanOpen() {
			return nil, fmt.Errorf("%s.intake holds a private key: the intake must hold only the public key", path)
		}
	} else if keys, err = seal.Load(path, true); err != nil {
		return nil, err
	}
	// Files made here are 0600; one copied in with a looser mode is
	// readable by other local users.
	file := path
	if intakeOnly {
		file += ".intake"
	}
	if fi, err := os.Stat(file); err == nil && fi.Mode().Perm()&0o077 != 0 {
		env.log.Warn("the hotline key file is readable by other users: chmod 600 it", "file", file, "mode", fi.Mode().Perm().String())
	}
	geo, err := hotline.Bundled()
	if err != nil {
		return nil, err
	}
	env.log.Info("hotline keys", "fingerprint", keys.Fingerprint(), "can_read", keys.CanOpen())
	if *hf.slaUrgent <= 0 || *hf.slaNormal <= 0 {
		return nil, usageError{fmt.Errorf("--sla-urgent and --sla-normal must be positive")}
	}
	// A file is held in memory, sealed, while it is stored and served.
	if *hf.attachMiB < 1 || *hf.attachMiB > 64 {
		return nil, usageError{fmt.Errorf("--max-attachment-mib must be from 1 to 64")}
	}
	return desk.New(desk.Config{Store: st, Keys: keys, Geo: geo, Screener: sc, Retention: *hf.retention, SLA: desk.SLA{Urgent: *hf.slaUrgent, Normal: *hf.slaNormal},
		MaxAttachment: int64(*hf.attachMiB) << 20}), nil
}

// attachDefault is VIGIA_MAX_ATTACHMENT_MIB, or 5.
func attachDefault(env *environment) int {
	if n, err := strconv.Atoi(env.getenv("VIGIA_MAX_ATTACHMENT_MIB")); err == nil {
		return n
	}
	return desk.DefaultMaxAttachment >> 20
}

// cmdStaff manages console accounts: vigia staff add USER --role R.
func cmdStaff(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 && (args[0] == "disable" || args[0] == "enable") {
		return cmdStaffActive(ctx, env, args[0] == "enable", args[1:])
	}
	if len(args) > 0 && args[0] == "unlock" {
		return cmdStaffUnlock(ctx, env, args[1:])
	}
	if len(args) == 0 || args[0] != "add" {
		return usageError{errors.New("staff: want `vigia staff add USER --role operador|supervisor|analista|administrador [--team T] [--scope own|team|all]`, `vigia staff disable|enable USER` or `vigia staff unlock USER`")}
	}
	fs := newFlags("staff add", env)
	db := dbFlag(fs, env)
	hf := addHotlineFlags(fs, env)
	role := fs.String("role", "operador", "operador, supervisor, analista or administrador")
	team := fs.String("team", "general", "team")
	scope := fs.String("scope", "", "own, team or all (default by role)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	rest := fs.Args()
	// Flags may follow the user name.
	if len(rest) > 1 {
		if err := parseFlags(fs, rest[1:]); err != nil {
			return err
		}
		rest = append(rest[:1], fs.Args()...)
	}
	if len(rest) != 1 {
		return usageError{errors.New("staff add: give exactly one user name")}
	}
	r, err := staff.ParseRole(*role)
	if err != nil {
		return usageError{err}
	}
	st, err := openStore(ctx, env, *db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := openDesk(env, st, *db, hf, nil, false)
	if err != nil {
		return err
	}
	// The password comes on standard input, so it never sits in the
	// shell's history or the process list.
	fmt.Fprintln(env.stderr, "password (12 characters or more), then Enter:")
	sc := bufio.NewScanner(env.stdin)
	if !sc.Scan() {
		return errors.New("staff add: no password on standard input")
	}
	pw := strings.TrimRight(sc.Text(), "\r")
	secret, err := d.AddStaff(ctx, "cli", desk.NewStaff{Username: rest[0], Password: pw, Role: r, Team: *team, Scope: *scope})
	if err != nil {
		return fmt.Errorf("staff add: %w", err)
	}
	fmt.Fprintf(env.stdout, "account %s created (%s)\nTOTP secret: %s\n%s\n", rest[0], r, secret, staff.OTPAuthURI("Vigía", rest[0], secret))
	return nil
}

// cmdAudit checks the audit log, or prints its keyed head:
// vigia audit verify [--head SEQ:MAC] [--unkeyed], vigia audit head.
func cmdAudit(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "head") {
		return usageError{errors.New("audit: want `vigia audit verify [--head SEQ:MAC]` or `vigia audit head`")}
	}
	fs := newFlags("audit "+args[0], env)
	db := dbFlag(fs, env)
	keyFile := fs.String("hotline-key", env.getenv("VIGIA_HOTLINE_KEY"), "the console's hotline key file, whose index key makes the audit MACs (env VIGIA_HOTLINE_KEY)")
	var head *string
	var noKey *bool
	if args[0] == "verify" {
		head = fs.String("head", "", "SEQ:MAC printed by `vigia audit head` and kept outside the system: the log must still reach it")
		noKey = fs.Bool("unkeyed", false, "check the hash chain only, without the console key (a log rewritten whole, or cut short, passes)")
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	var want *audit.Head
	if head != nil && *head != "" {
		h, err := audit.ParseHead(*head)
		if err != nil {
			return usageError{err}
		}
		want = &h
	}
	var keys *seal.Keys
	if noKey == nil || !*noKey {
		path := hotlineKeyPath(*keyFile, *db)
		k, err := seal.Load(path, false)
		if err != nil {
			return fmt.Errorf("audit: the audit MACs need the console's key: %w (give --hotline-key; `--unkeyed` checks the hash chain only)", err)
		}
		if !k.CanIndex() {
			return fmt.Errorf("audit: %s is an intake key file: the audit MACs need the console's key", path)
		}
		keys = k
	}
	st, err := openStore(ctx, env, *db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	d := desk.New(desk.Config{Store: st, Keys: keys})
	if args[0] == "head" {
		h, err := d.AuditHead(ctx)
		if err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		if h.Seq == 0 {
			return errors.New("audit head: the audit log is empty")
		}
		// The head alone on stdout, to be copied or piped elsewhere.
		fmt.Fprintln(env.stdout, h)
		fmt.Fprintln(env.stderr, "keep this outside the system; `vigia audit verify --head` checks the log still reaches it")
		return nil
	}
	r, err := d.CheckAudit(ctx, want)
	if err != nil {
		return fmt.Errorf("audit: %w (after %d good entries)", err, r.Entries)
	}
	if !r.Keyed {
		fmt.Fprintf(env.stdout, "audit log hash chain intact (MACs not checked): %d entries, head hash %s\n", r.Entries, r.Hash)
		return nil
	}
	fmt.Fprintf(env.stdout, "audit log intact: %d entries, %d with a valid MAC, head %s", r.Entries, r.Sealed, r.Head)
	if r.Unsealed > 0 {
		fmt.Fprintf(env.stdout, "; the last %d have no MAC yet (written by the intake since the console last wrote; `vigia audit head` MACs them)", r.Unsealed)
	}
	if want != nil {
		fmt.Fprintf(env.stdout, "; reaches %s", want)
	}
	fmt.Fprintln(env.stdout)
	if r.Sealed == 0 && r.Entries > 0 {
		// A log whose MACs were all deleted looks like this too.
		fmt.Fprintln(env.stderr, "warning: no entry has a MAC yet; only a head kept outside (--head) shows whether this log was rewritten")
	}
	return nil
}

// cmdRetention deletes what is past its retention period.
func cmdRetention(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("retention", env)
	db := dbFlag(fs, env)
	hf := addHotlineFlags(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, env, *db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	d := desk.New(desk.Config{Store: st, Retention: *hf.retention})
	reports, cases, err := d.Retention(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "deleted %d reports and %d cases closed more than %s ago\n", reports, cases, *hf.retention)
	return nil
}

// cmdStaffActive disables or re-enables an account; disabling signs it out
// everywhere at once.
func cmdStaffActive(ctx context.Context, env *environment, active bool, args []string) error {
	fs := newFlags("staff", env)
	db := dbFlag(fs, env)
	hf := addHotlineFlags(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("staff disable|enable: give exactly one user name")}
	}
	st, err := openStore(ctx, env, *db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := openDesk(env, st, *db, hf, nil, false)
	if err != nil {
		return err
	}
	u, err := st.StaffByUsername(ctx, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("staff: %s: %w", fs.Arg(0), err)
	}
	u.Active = active
	// The row's MAC covers the active flag: re-sign it with the console key.
	u.Sign = d.SignStaff
	action := "staff.disable"
	if active {
		action = "staff.enable"
	}
	if err := st.SetStaff(ctx, u, audit.Event{Actor: "cli", Action: action, Object: fmt.Sprintf("staff:%d", u.ID)}); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "account %s %sd\n", u.Username, strings.TrimPrefix(action, "staff."))
	return nil
}

// cmdStaffUnlock clears an account's failed sign-ins: vigia staff unlock
// USER.
func cmdStaffUnlock(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("staff unlock", env)
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("staff unlock: give exactly one user name")}
	}
	st, err := openStore(ctx, env, *db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	d := desk.New(desk.Config{Store: st})
	if err := d.Unlock(ctx, "cli", fs.Arg(0)); err != nil {
		return fmt.Errorf("staff unlock: %s: %w", fs.Arg(0), err)
	}
	fmt.Fprintf(env.stdout, "account %s unlocked\n", fs.Arg(0))
	return nil
}
