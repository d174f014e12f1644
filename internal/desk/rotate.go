package desk

import (
	"context"
	"fmt"

	"github.com/vigia-mx/vigia/internal/store"
)

// ResealResult is what a re-seal pass did.
type ResealResult struct {
	Resealed int // sealed values moved to the current key
	Staff    int // accounts re-signed
	// Unsigned counts accounts whose MAC checks under no key the file
	// holds (planted by someone without the private key): they are left
	// as they are, and so still cannot sign in.
	Unsigned int
	// NewestStale says the newest report was sealed to a retired key: the
	// intake is probably still running with the old public key.
	NewestStale bool
}

// resealBatch is how many rows one transaction re-seals: small enough that
// the intake's writes wait only briefly for SQLite's lock.
const resealBatch = 100

// Reseal moves every sealed value to the current key, and re-signs every
// genuine staff account with it. The keys must hold the retired private
// keys the data was sealed to (seal.Keys.Rotate). It can run while the
// intake takes reports (a report it seals to the old public key meanwhile is
// left for the next pass, and still opens with the retired key), and can be
// stopped and run again. The console must not be running with the old key:
// it could not read what was re-sealed, and its staff checks would fail.
func (d *Desk) Reseal(ctx context.Context) (ResealResult, error) {
	var res ResealResult
	if !d.keys.CanOpen() {
		return res, ErrIntakeOnly
	}
	for _, table := range store.SealedTables {
		var after int64
		for {
			rows, err := d.st.SealedRows(ctx, table, after, store.BatchLimit(table, resealBatch))
			if err != nil {
				return res, err
			}
			if len(rows) == 0 {
				break
			}
			var batch []store.Resealed
			for _, r := range rows {
				after = r.ID
				stale := false
				if len(r.Sealed) > 0 {
					extra := []string{}
					if r.Extra != "" {
						extra = append(extra, r.Extra)
					}
					n, err := d.keys.Reseal(r.Sealed, extra...)
					if err != nil {
						return res, fmt.Errorf("desk: resealing %s %d: no key held opens it: %w", table, r.ID, err)
					}
					if n != nil {
						batch = append(batch, store.Resealed{ID: r.ID, Old: r.Sealed, New: n})
						stale = true
					}
				}
				if table == "reports" {
					res.NewestStale = stale
				}
			}
			if len(batch) > 0 {
				n, err := d.st.Reseal(ctx, table, batch)
				res.Resealed += n
				if err != nil {
					return res, err
				}
			}
		}
	}
	if err := d.resignStaff(ctx, &res); err != nil {
		return res, err
	}
	return res, nil
}

// resignStaff re-seals each account's TOTP secret and signs its row with
// the current key, if the row is genuine under the current key or a
// retired one. A row that is genuine under none is never signed: rotation
// must not launder an account planted through the intake.
func (d *Desk) resignStaff(ctx context.Context, res *ResealResult) error {
	accounts, err := d.st.StaffList(ctx)
	if err != nil {
		return err
	}
	for _, u := range accounts {
		if d.keys.Current(u.TOTPSealed) && d.staffGenuine(u) {
			continue
		}
		genuine := d.staffGenuine(u)
		for _, k := range d.keys.RetiredKeys() {
			genuine = genuine || (&Desk{keys: k}).staffGenuine(u)
		}
		if !genuine {
			res.Unsigned++
			continue
		}
		n := u
		if !d.keys.Current(u.TOTPSealed) {
			if n.TOTPSealed, err = d.keys.Reseal(u.TOTPSealed); err != nil {
				return fmt.Errorf("desk: resealing account %d: %w", u.ID, err)
			}
		}
		if n.MAC, err = d.SignStaff(n); err != nil {
			return err
		}
		ok, err := d.st.ResignStaff(ctx, u.ID, u.TOTPSealed, n.TOTPSealed, u.MAC, n.MAC)
		if err != nil {
			return err
		}
		if ok {
			res.Staff++
		}
	}
	return nil
}
