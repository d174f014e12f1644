package web

import (
	"errors"
	"net/http"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/locale"
)

type loginData struct {
	Error    string
	Username string
}

func (s *Server) consoleLogin(w http.ResponseWriter, r *http.Request) {
	l := locale.FromRequest(r)
	d := loginData{}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		d.Username = r.PostForm.Get("usuario")
		token, _, err := s.hot.Desk.Login(r.Context(), d.Username, r.PostForm.Get("contrasena"), r.PostForm.Get("codigo"))
		switch {
		case errors.Is(err, desk.ErrLogin), errors.Is(err, desk.ErrLocked):
			// One answer for both: a distinct "locked" would tell which
			// user names exist.
			d.Error, status = locale.T(l, "console.login.wrong"), http.StatusUnauthorized
		case errors.Is(err, desk.ErrBusy):
			// Too many sign-ins at once: answered at once, without a hash.
			w.Header().Set("Retry-After", "5")
			d.Error, status = locale.T(l, "console.login.busy"), http.StatusServiceUnavailable
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/consola", HttpOnly: true, Secure: s.hot.SecureCookies || r.TLS != nil, SameSite: http.SameSiteStrictMode})
			http.Redirect(w, r, "/consola?lang="+string(l), http.StatusSeeOther)
			return
		}
	}
	s.renderNoStore(w, r, l, &view{Template: "console_login", Title: locale.T(l, "console.login.title"), Data: d, Status: status})
}

func (s *Server) consoleLogout(w http.ResponseWriter, r *http.Request) {
	_ = s.hot.Desk.Logout(r.Context(), consoleFrom(r).Token)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/consola", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	http.Redirect(w, r, "/consola/entrar", http.StatusSeeOther)
}
