package desk

import (
	"context"
	"crypto/hmac"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
)

// NewStaff is an account to create.
type NewStaff struct {
	Username, Password string
	Role               staff.Role
	Team, Scope        string
}

// AddStaff creates an account and returns its TOTP secret, to be shown
// once and entered into an authenticator app. by names who did it.
func (d *Desk) AddStaff(ctx context.Context, by string, n NewStaff) (secret string, err error) {
	if !d.keys.CanOpen() {
		return "", ErrIntakeOnly
	}
	n.Username = strings.TrimSpace(n.Username)
	if n.Username == "" || len(n.Username) > 64 || strings.ContainsAny(n.Username, " \t\r\n<>\"'") {
		return "", &InputError{"username", "1–64 characters, no spaces or quotes"}
	}
	if !n.Role.Valid() {
		return "", &InputError{"role", "unknown role"}
	}
	if n.Scope == "" {
		n.Scope = map[staff.Role]string{staff.Operador: "own", staff.Supervisor: "team"}[n.Role]
		if n.Scope == "" {
			n.Scope = "own"
		}
	}
	if !contains(Scopes, n.Scope) {
		return "", &InputError{"scope", "want own, team or all"}
	}
	if n.Team == "" {
		n.Team = "general"
	}
	if _, err := d.st.StaffByUsername(ctx, n.Username); err == nil {
		return "", &InputError{"username", "already taken"}
	}
	release, err := d.cfg.Hashes.Acquire(ctx)
	if err != nil {
		return "", err
	}
	hash, err := staff.HashPassword(n.Password)
	release()
	if err != nil {
		return "", &InputError{"password", err.Error()}
	}
	secret, err = staff.NewTOTPSecret()
	if err != nil {
		return "", err
	}
	sealed, err := d.keys.Seal([]byte(secret))
	if err != nil {
		return "", err
	}
	_, err = d.st.CreateStaff(ctx, store.Staff{Username: n.Username, Password: hash, TOTPSealed: sealed, Role: string(n.Role), Team: n.Team, Scope: n.Scope, Sign: d.SignStaff},
		audit.Event{Actor: by, Action: "staff.create", Object: "staff:{id}", Detail: "role=" + string(n.Role) + " scope=" + n.Scope})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// Staff lists accounts, for administrators.
func (d *Desk) Staff(ctx context.Context, a Actor) ([]store.Staff, error) {
	if err := mustCan(a, ManageStaff); err != nil {
		return nil, err
	}
	us, err := d.st.StaffList(ctx)
	if err != nil {
		return nil, err
	}
	for i := range us {
		us[i].Password, us[i].TOTPSealed = "", nil
	}
	sort.Slice(us, func(i, j int) bool { return us[i].Username < us[j].Username })
	return us, nil
}

// AddStaffAs creates an account on behalf of an administrator.
func (d *Desk) AddStaffAs(ctx context.Context, a Actor, n NewStaff) (string, error) {
	if err := mustCan(a, ManageStaff); err != nil {
		return "", err
	}
	return d.AddStaff(ctx, a.tag(), n)
}

// Assignees lists who a supervisor may give a case to.
func (d *Desk) Assignees(ctx context.Context, a Actor, team string) ([]store.Staff, error) {
	if !Can(a, AssignCase) {
		return nil, nil
	}
	us, err := d.st.StaffList(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.Staff
	for _, u := range us {
		if u.Active && (u.Role == string(staff.Operador) || u.Role == string(staff.Supervisor)) && (a.Scope == "all" || u.Team == team) {
			out = append(out, store.Staff{ID: u.ID, Username: u.Username, Role: u.Role, Team: u.Team})
		}
	}
	return out, nil
}

// SignStaff computes an account row's MAC (console keys only).
func (d *Desk) SignStaff(u store.Staff) (string, error) {
	return d.keys.StaffMAC(strconv.FormatInt(u.ID, 10), u.Username, u.Password, fmt.Sprintf("%x", u.TOTPSealed), u.Role, u.Team, u.Scope, strconv.FormatBool(u.Active))
}

// staffGenuine checks an account row's MAC: a row written by someone who
// holds only the public key (a compromised intake) does not pass.
func (d *Desk) staffGenuine(u store.Staff) bool {
	want, err := d.SignStaff(u)
	return err == nil && hmac.Equal([]byte(want), []byte(u.MAC))
}
