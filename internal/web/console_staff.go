package web

import (
	"net/http"
	"strings"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
)

type staffPage struct {
	Staff  []store.Staff
	Secret string
	URI    string
	New    string
	Roles  []staff.Role
}

func (s *Server) consoleStaff(w http.ResponseWriter, r *http.Request) {
	a := consoleFrom(r).Actor
	p := staffPage{Roles: staff.Roles()}
	if r.Method == http.MethodPost {
		role, _ := staff.ParseRole(r.PostForm.Get("rol"))
		n := desk.NewStaff{Username: r.PostForm.Get("usuario"), Password: r.PostForm.Get("contrasena"), Role: role, Team: r.PostForm.Get("equipo"), Scope: r.PostForm.Get("alcance")}
		// A name already taken is the administrator's mistake, not a
		// server error (the store would only fail its unique index).
		if list, err := s.hot.Desk.Staff(r.Context(), a); err == nil {
			for _, u := range list {
				if u.Username == strings.TrimSpace(n.Username) {
					s.deskError(w, r, &desk.InputError{Field: "username", Reason: "already taken"})
					return
				}
			}
		}
		secret, err := s.hot.Desk.AddStaffAs(r.Context(), a, n)
		if err != nil {
			s.deskError(w, r, err)
			return
		}
		// Shown once, on this no-store page, for the new person's app.
		p.Secret, p.New, p.URI = secret, n.Username, staff.OTPAuthURI("Vigía", n.Username, secret)
	}
	var err error
	if p.Staff, err = s.hot.Desk.Staff(r.Context(), a); err != nil {
		s.deskError(w, r, err)
		return
	}
	s.consoleView(w, r, "console_staff", "console.staff.title", p, http.StatusOK)
}
