package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/store"
)

// ReferralView is a decrypted referral.
type ReferralView struct {
	ID          int64
	Institution string
	Status      string
	Override    bool
	At          string
	UpdatedAt   string
	Details     string
	Next        []string
}

type sealedReferral struct {
	Details  string `json:"details"`
	Override string `json:"override,omitempty"`
}

// Refer sends a referral. Without recorded consent it is blocked, unless a
// supervisor overrides with a reason (a legal duty, a child in danger),
// which is audited.
func (d *Desk) Refer(ctx context.Context, a Actor, id int64, institution, details, override string) error {
	c, err := d.loadCase(ctx, a, id)
	if err != nil {
		return err
	}
	if !hotline.Institutions.Has(institution) {
		return &InputError{"institution", "unknown institution"}
	}
	override = strings.TrimSpace(override)
	e := store.Entry{CaseID: id, AuthorID: a.ID, Institution: institution}
	action := "referral.create"
	if !c.Consent {
		may, err := d.May(ctx, a, OverrideConsent, &c)
		if err != nil {
			return err
		}
		if !may || override == "" {
			if err := d.st.Audit(ctx, a.ev("referral.blocked", fmt.Sprintf("case:%d", id))); err != nil {
				return err
			}
			return ErrNoConsent
		}
		e.OverrideBy = a.ID
		action = "referral.create_override"
	} else {
		override = ""
	}
	if utf8.RuneCountInString(details) > 4000 || utf8.RuneCountInString(override) > 2000 {
		return &InputError{"details", "too long"}
	}
	b, _ := json.Marshal(sealedReferral{Details: strings.TrimSpace(details), Override: override})
	if e.Sealed, err = d.keys.Seal(b); err != nil {
		return err
	}
	ev := a.ev(action, fmt.Sprintf("case:%d", id))
	ev.Detail = "institution=" + institution
	_, err = d.st.AddReferral(ctx, e, ev)
	return err
}

// MoveReferral records an institution's answer or the referral's end.
func (d *Desk) MoveReferral(ctx context.Context, a Actor, id, refID int64, to hotline.ReferralStatus) error {
	if _, err := d.loadCase(ctx, a, id); err != nil {
		return err
	}
	_, _, refs, _, err := d.st.CaseEntries(ctx, id)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if r.ID == refID {
			if err := hotline.MoveReferral(hotline.ReferralStatus(r.Status), to); err != nil {
				return fmt.Errorf("%w: %v", ErrState, err)
			}
			ev := a.ev("referral.move", fmt.Sprintf("case:%d", id))
			ev.Detail = fmt.Sprintf("referral=%d %s->%s", refID, r.Status, to)
			return d.st.MoveReferral(ctx, id, refID, r.Status, string(to), ev)
		}
	}
	return ErrNotFound
}
