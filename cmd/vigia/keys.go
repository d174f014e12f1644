package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/seal"
)

const keysUsage = "keys: want `vigia keys split -k 3 -n 5 [--out DIR]`, `vigia keys combine SHARE-FILE...` or `vigia keys rotate [--finish]`"

// cmdKeys looks after the hotline key: vigia keys split|combine|rotate.
func cmdKeys(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		return usageError{errors.New(keysUsage)}
	}
	switch args[0] {
	case "split":
		return cmdKeysSplit(env, args[1:])
	case "combine":
		return cmdKeysCombine(env, args[1:])
	case "rotate":
		return cmdKeysRotate(ctx, env, args[1:])
	}
	return usageError{errors.New(keysUsage)}
}

// cmdKeysSplit divides the console key file among custodians.
func cmdKeysSplit(env *environment, args []string) error {
	fs := newFlags("keys split", env)
	db := dbFlag(fs, env)
	hf := addHotlineFlags(fs, env)
	k := fs.Int("k", 3, "shares needed to rebuild the key")
	n := fs.Int("n", 5, "shares to make, one per custodian")
	out := fs.String("out", "", "folder to write one file per share (mode 0600); without it the shares are printed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{errors.New("keys split: unexpected arguments: " + strings.Join(fs.Args(), " "))}
	}
	path := hotlineKeyPath(*hf.keyFile, *db)
	keys, err := seal.Load(path, false)
	if err != nil {
		return err
	}
	secret, err := keys.Secret()
	if err != nil {
		return fmt.Errorf("keys split: %s: %w", path, err)
	}
	shares, err := seal.Split(secret, *k, *n)
	clear(secret)
	if err != nil {
		return usageError{err}
	}
	day := time.Now().UTC().Format("2006-01-02")
	for _, s := range shares {
		text := fmt.Sprintf("# Vigía hotline key, share %d of %d: any %d of them rebuild the key, fewer reveal nothing.\n"+
			"# Key fingerprint %s, split %s. Keep this apart from the other shares and from the database.\n"+
			"# Rebuild with: vigia keys combine SHARE-FILE...\n%s", s.Index, *n, *k, keys.Fingerprint(), day, s.Format())
		if *out == "" {
			fmt.Fprintf(env.stdout, "%s\n", text)
			continue
		}
		name := filepath.Join(*out, fmt.Sprintf("vigia-hotline-share-%d-of-%d.txt", s.Index, *n))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("keys split: %w", err)
		}
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("keys split: %w", err)
		}
		fmt.Fprintf(env.stdout, "share %d of %d: %s\n", s.Index, *n, name)
	}
	fmt.Fprintf(env.stderr, "key %s split into %d shares, any %d of which rebuild it\n", keys.Fingerprint(), *n, *k)
	return nil
}

// splitShares cuts a text holding one or more shares at each line that
// starts a share; comment lines go with the share that follows them.
func splitShares(text string) []string {
	var out []string
	var cur strings.Builder
	started := false // cur holds more than comments
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(strings.ToUpper(t), "VIGIA-SHARE-") && started {
			out = append(out, cur.String())
			cur.Reset()
			started = false
		}
		if t != "" && !strings.HasPrefix(t, "#") {
			started = true
		}
		cur.WriteString(line + "\n")
	}
	if started {
		out = append(out, cur.String())
	}
	return out
}

// cmdKeysCombine rebuilds the key file from shares given as files (or on
// standard input with "-"). It never overwrites a key file.
func cmdKeysCombine(env *environment, args []string) error {
	fs := newFlags("keys combine", env)
	db := dbFlag(fs, env)
	hf := addHotlineFlags(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{errors.New("keys combine: give the share files (or - to read them from standard input)")}
	}
	var shares []seal.Share
	for _, name := range fs.Args() {
		var b []byte
		var err error
		if name == "-" {
			b, err = io.ReadAll(env.stdin)
		} else {
			b, err = os.ReadFile(name)
		}
		if err != nil {
			return fmt.Errorf("keys combine: %w", err)
		}
		for _, text := range splitShares(string(b)) {
			s, err := seal.ParseShare(text)
			if err != nil {
				return fmt.Errorf("keys combine: %s: %w", name, err)
			}
			shares = append(shares, s)
		}
	}
	secret, err := seal.Combine(shares)
	if err != nil {
		return fmt.Errorf("keys combine: %w", err)
	}
	keys, err := seal.FromSecret(secret)
	clear(secret)
	if err != nil {
		return fmt.Errorf("keys combine: %w", err)
	}
	path := hotlineKeyPath(*hf.keyFile, *db)
	if err := keys.WriteNew(path); err != nil {
		return fmt.Errorf("keys combine: %w (the key file is never overwritten)", err)
	}
	if b, err := os.ReadFile(path + ".intake"); err == nil {
		if ik, err := seal.Parse(path+".intake", b); err != nil || ik.Recipient() != keys.Recipient() {
			fmt.Fprintf(env.stderr, "warning: %s.intake is for another key; replace it with the intake copy of this one\n", path)
		}
	}
	fmt.Fprintf(env.stdout, "key %s rebuilt from %d shares: %s (and %s.intake)\n", keys.Fingerprint(), len(shares), path, path)
	return nil
}

// cmdKeysRotate replaces the hotline's key pair and re-seals everything to
// the new one; with --finish it re-seals what arrived sealed to the old
// key meanwhile and drops the old key.
func cmdKeysRotate(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("keys rotate", env)
	db := dbFlag(fs, env)
	hf := addHotlineFlags(fs, env)
	finish := fs.Bool("finish", false, "re-seal stragglers and drop the old key (after the intake has the new public key)")
	force := fs.Bool("force", false, "with --finish: drop the old key even if the newest report was sealed to it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	path := hotlineKeyPath(*hf.keyFile, *db)
	keys, err := seal.Load(path, false)
	if err != nil {
		return err
	}
	if !keys.CanOpen() {
		return fmt.Errorf("keys rotate: %s holds no private key", path)
	}
	st, err := openStore(ctx, env, *db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	ev := func(action, detail string) audit.Event {
		return audit.Event{Actor: "cli", Action: action, Object: "keys:" + keys.Fingerprint(), Detail: detail}
	}
	if *finish {
		if !keys.Rotating() {
			return errors.New("keys rotate --finish: no rotation in progress (the key file holds no retired key)")
		}
	} else if keys.Rotating() {
		fmt.Fprintf(env.stdout, "an unfinished rotation to key %s: re-sealing again\n", keys.Fingerprint())
	} else {
		from := keys.Fingerprint()
		next, err := keys.Rotate()
		if err != nil {
			return err
		}
		// The new key file, still holding the old key, goes to disk
		// before anything is sealed to the new key: a crash at any later
		// point loses nothing.
		if err := next.WriteFile(path); err != nil {
			return err
		}
		keys = next
		if err := st.Audit(ctx, ev("keys.rotate", "from="+from)); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "new key %s written to %s (the old key %s is kept in it until --finish)\n", keys.Fingerprint(), path, from)
	}
	d := desk.New(desk.Config{Store: st, Keys: keys})
	res, err := d.Reseal(ctx)
	if err != nil {
		return fmt.Errorf("keys rotate: %w (run it again: what was done is kept)", err)
	}
	// Sessions opened under the old key end: everyone signs in again.
	// (When finishing, the console already runs with the new key.)
	if !*finish {
		if err := st.EndAllSessions(ctx); err != nil {
			return err
		}
	}
	detail := fmt.Sprintf("resealed=%d staff=%d unsigned=%d", res.Resealed, res.Staff, res.Unsigned)
	if err := st.Audit(ctx, ev("keys.reseal", detail)); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "re-sealed %d values and re-signed %d accounts to key %s\n", res.Resealed, res.Staff, keys.Fingerprint())
	if res.Unsigned > 0 {
		fmt.Fprintf(env.stdout, "warning: %d accounts pass no key's check and were not re-signed (planted rows?): they still cannot sign in\n", res.Unsigned)
	}
	if !*finish {
		fmt.Fprintf(env.stdout, "next: start the console again; copy %s.intake to the intake and restart it; then run `vigia keys rotate --finish`\n", path)
		return nil
	}
	if res.NewestStale && !*force {
		return fmt.Errorf("keys rotate --finish: the newest report was sealed to the old key: is the intake still running with the old %s.intake? Give it the new one, restart it, and run --finish again (or --force)", filepath.Base(path))
	}
	var retired []string
	for _, k := range keys.RetiredKeys() {
		retired = append(retired, k.Fingerprint())
	}
	if err := keys.Retire().WriteFile(path); err != nil {
		return err
	}
	if err := st.Audit(ctx, ev("keys.retire", "retired="+strings.Join(retired, ","))); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "old key %s dropped from %s; backups made before the rotation need it: split the new key (vigia keys split) and take a new backup now\n", strings.Join(retired, ","), path)
	return nil
}
