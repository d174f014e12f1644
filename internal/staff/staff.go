// Package staff holds the security primitives of the hotline's staff console:
// roles, password hashing, second factor (TOTP), lockout after repeated
// failures, session tokens and session timeouts.
//
// The console guards case files about victims of trafficking, so every
// primitive here fails closed: a malformed stored hash, secret, code or token
// is an error or a refusal, never a pass. The package is pure — no HTTP, no
// SQL, no clock of its own (callers pass the time in) — so that the web server
// and the store can be tested against it and it can be audited on its own.
package staff

import (
	"fmt"
)

// Role is what a member of staff may see and do. Roles are stored as these
// strings, so the values must never change.
type Role string

// The four roles.
const (
	Operador      Role = "operador"      // handles own reports/cases
	Supervisor    Role = "supervisor"    // team cases, approves closure, consent override
	Analista      Role = "analista"      // aggregates only, never case data
	Administrador Role = "administrador" // accounts; all cases only through break-glass
)

// Roles lists every role, in order of the console's menus.
func Roles() []Role {
	return []Role{Operador, Supervisor, Analista, Administrador}
}

// ParseRole accepts exactly the stored spelling of a role. It is strict on
// purpose: a role read from the database or an admin form that does not match
// is a bug or tampering, and granting a guess would be worse than refusing.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("unknown staff role %q (want operador, supervisor, analista or administrador)", s)
	}
	return r, nil
}

// Valid reports whether r is one of the four roles; the zero Role is not.
func (r Role) Valid() bool {
	switch r {
	case Operador, Supervisor, Analista, Administrador:
		return true
	}
	return false
}
