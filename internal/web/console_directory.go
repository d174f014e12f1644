package web

import (
	"net/http"
	"strconv"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/store"
)

// directoryPage is the referral directory as administrators keep it.
type directoryPage struct {
	Entries []store.DirectoryEntry
	States  []stateOption
}

// consoleDirectory lists the referral directory and saves additions and
// corrections (administrators).
func (s *Server) consoleDirectory(w http.ResponseWriter, r *http.Request) {
	a := consoleFrom(r).Actor
	if !desk.Can(a, desk.ManageDirectory) {
		s.deskError(w, r, desk.ErrForbidden)
		return
	}
	if r.Method == http.MethodPost {
		f := r.PostForm
		id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
		state, _ := strconv.Atoi(f.Get("estado"))
		e := store.DirectoryEntry{ID: id, State: state, Kind: f.Get("tipo"), Name: f.Get("nombre"), Phone: f.Get("telefono"),
			Source: f.Get("fuente"), Note: f.Get("nota"), Verified: f.Get("verificado") == "si", Active: f.Get("activa") == "si" || id == 0}
		if _, err := s.hot.Desk.SaveDirectoryEntry(r.Context(), a, e); err != nil {
			s.deskError(w, r, err)
			return
		}
		s.back(w, r, "/consola/directorio", "saved")
		return
	}
	entries, err := s.hot.Desk.Directory(r.Context(), a, 0)
	if err != nil {
		s.deskError(w, r, err)
		return
	}
	s.consoleView(w, r, "console_directory", "directory.title", directoryPage{Entries: entries, States: s.stateOptions()}, http.StatusOK)
}
