package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/store"
)

// The staff console. Every page is no-store; every POST needs the
// session's CSRF token and a same-origin request; every decision about
// what a person may see is the Desk's.

const sessionCookie = "vigia_consola"

type actorKey struct{}

type consoleCtx struct {
	Actor desk.Actor
	CSRF  string
	Token string
}

func (s *Server) consoleRoutes(csrf *http.CrossOriginProtection) {
	get := func(pattern, name string, h http.HandlerFunc) {
		s.mux.Handle("GET "+pattern, s.instrument(name, s.signedIn(h)))
	}
	post := func(pattern, name string, h http.HandlerFunc) {
		s.mux.Handle("POST "+pattern, s.instrument(name, csrf.Handler(s.signedIn(s.checkCSRF(h)))))
	}
	s.mux.Handle("GET /consola/entrar", s.instrument("console_login", http.HandlerFunc(s.consoleLogin)))
	s.mux.Handle("POST /consola/entrar", s.instrument("console_login_post", csrf.Handler(http.HandlerFunc(s.consoleLogin))))
	get("/consola", "console_home", s.consoleHome)
	post("/consola/salir", "console_logout", s.consoleLogout)
	get("/consola/reportes/{id}", "console_report", s.consoleReport)
	post("/consola/reportes/{id}/{action}", "console_report_action", s.consoleReportAction)
	get("/consola/casos/{id}", "console_case", s.consoleCase)
	get("/consola/casos/{id}/adjuntos/{aid}", "console_attachment", s.consoleAttachment)
	// Multipart: its own CSRF check, reading the token from the body.
	s.mux.Handle("POST /consola/casos/{id}/adjuntos", s.instrument("console_attach", csrf.Handler(s.signedIn(s.consoleAttach))))
	post("/consola/casos/{id}/{action}", "console_case_action", s.consoleCaseAction)
	get("/consola/buscar", "console_search", s.consoleSearch)
	post("/consola/buscar", "console_search_post", s.consoleSearch)
	get("/consola/personal", "console_staff", s.consoleStaff)
	post("/consola/personal", "console_staff_post", s.consoleStaff)
	get("/consola/exportar/{file}", "console_export", s.consoleExport)
	get("/consola/telefono", "console_phone", s.consolePhone)
	post("/consola/telefono", "console_phone_post", s.consolePhone)
	get("/consola/carga", "console_caseload", s.consoleCaseload)
	get("/consola/directorio", "console_directory", s.consoleDirectory)
	post("/consola/directorio", "console_directory_post", s.consoleDirectory)
}

func consoleFrom(r *http.Request) consoleCtx {
	c, _ := r.Context().Value(actorKey{}).(consoleCtx)
	return c
}

// signedIn finds the session or sends the person to the login page.
func (s *Server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		c, err := r.Cookie(sessionCookie)
		if err == nil {
			a, csrf, err := s.hot.Desk.Session(r.Context(), c.Value)
			if err == nil {
				ctx := context.WithValue(r.Context(), actorKey{}, consoleCtx{Actor: a, CSRF: csrf, Token: c.Value})
				h(w, r.WithContext(ctx))
				return
			}
			if !errors.Is(err, desk.ErrSession) {
				s.serverError(w, r, err)
				return
			}
		}
		if r.Method != http.MethodGet {
			http.Error(w, "session expired", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, "/consola/entrar?lang="+string(locale.FromRequest(r)), http.StatusSeeOther)
	}
}

// checkCSRF compares the form's token with the session's.
func (s *Server) checkCSRF(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxReportBody)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		want := consoleFrom(r).CSRF
		if want == "" || subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(want)) != 1 {
			http.Error(w, "CSRF token missing or wrong", http.StatusForbidden)
			return
		}
		h(w, r)
	}
}

// consoleData is what every console page receives.
type consoleData struct {
	Actor   desk.Actor
	CSRF    string
	Flash   string
	Error   string
	Can     map[string]bool
	Voc     vocabs
	Page    any
	StateOf func(int) string
	// Now is the desk's clock, for "hace 12 minutos"; MuniName names an
	// INEGI municipality code from the bundled catalog.
	Now      time.Time
	MuniName func(string) string
	// Urgency names an urgency level in words.
	Urgency func(int) string
	// SLA is the response-time targets, in words.
	SLA desk.SLA
}

type vocabs struct {
	Kinds, Statuses, Trafficking, DecidedBy, Institutions, ReferralStatuses, Exploit, Recruit, Ages, Sexes, Groups, Contacts, StaffChannels hotline.Vocab
	Canned                                                                                                                                  []hotline.CannedReply
}

var allVocabs = vocabs{hotline.Kinds, hotline.Statuses, hotline.Trafficking, hotline.DecidedBy, hotline.Institutions, hotline.ReferralStatuses, hotline.Exploitation, hotline.Recruitment, hotline.AgeBands, hotline.Sexes, hotline.Groups, hotline.ContactMethods, hotline.StaffChannels, hotline.CannedReplies}

func (s *Server) consoleView(w http.ResponseWriter, r *http.Request, tpl, titleKey string, page any, status int) {
	l := locale.FromRequest(r)
	c := consoleFrom(r)
	d := consoleData{Actor: c.Actor, CSRF: c.CSRF, Voc: allVocabs, Page: page, Can: map[string]bool{}, StateOf: stateName,
		Now: s.hot.Desk.Now(), MuniName: s.muniName, SLA: s.hot.Desk.SLA(),
		Urgency: func(u int) string { return locale.T(l, "urgency."+hotline.UrgencyWord(u)) }}
	// Only a known message is shown: T falls back to the key itself, so an
	// unknown ?ok= would put text of a link's author on a staff page.
	if ok := r.URL.Query().Get("ok"); ok != "" && locale.Has("console.flash."+ok) {
		d.Flash = locale.T(l, "console.flash."+ok)
	}
	// Menus and forms ask the desk's one table; they decide nothing.
	for _, act := range desk.Actions() {
		d.Can[string(act)] = desk.Can(c.Actor, act)
	}
	if e, ok := page.(errPage); ok {
		d.Error = e.msg
	}
	s.renderNoStore(w, r, l, &view{Template: tpl, Title: locale.T(l, titleKey), Data: d, Status: status})
}

type errPage struct{ msg string }

func stateName(c int) string {
	if c == 0 {
		return ""
	}
	if st, ok := stateByCodeName(c); ok {
		return st
	}
	return strconv.Itoa(c)
}

type consoleHomeData struct {
	Tasks         []store.DueTask
	Today         string
	Queue         []desk.QueueItem
	Cases         []store.Case
	CloseRequests []store.Case
	Notifications []store.Notification
}

func (s *Server) consoleHome(w http.ResponseWriter, r *http.Request) {
	a := consoleFrom(r).Actor
	var d consoleHomeData
	var err error
	if desk.Can(a, desk.Triage) {
		if d.Queue, err = s.hot.Desk.Queue(r.Context(), a); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if desk.Can(a, desk.ListCases) {
		if d.Cases, err = s.hot.Desk.Cases(r.Context(), a); err != nil {
			s.serverError(w, r, err)
			return
		}
		if d.CloseRequests, err = s.hot.Desk.CloseRequests(r.Context(), a); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if d.Tasks, err = s.hot.Desk.DueTasks(r.Context(), a); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Today = s.hot.Desk.Today()
	if d.Notifications, err = s.hot.Desk.Notifications(r.Context(), a); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.consoleView(w, r, "console_home", "console.title", d, http.StatusOK)
}

// deskError turns a Desk error into a status and message.
func (s *Server) deskError(w http.ResponseWriter, r *http.Request, err error) {
	l := locale.FromRequest(r)
	var in *desk.InputError
	var verrs hotline.Errors
	switch {
	case errors.Is(err, desk.ErrNotFound):
		s.consoleView(w, r, "console_error", "notfound.title", errPage{locale.T(l, "notfound.text")}, http.StatusNotFound)
	case errors.Is(err, desk.ErrForbidden):
		s.consoleView(w, r, "console_error", "console.forbidden", errPage{locale.T(l, "console.forbidden.text")}, http.StatusForbidden)
	case errors.Is(err, desk.ErrNoConsent):
		s.consoleView(w, r, "console_error", "console.noconsent", errPage{locale.T(l, "console.noconsent.text")}, http.StatusConflict)
	case errors.Is(err, desk.ErrState), errors.Is(err, store.ErrConflict):
		s.consoleView(w, r, "console_error", "console.state", errPage{locale.T(l, "console.state.text")}, http.StatusConflict)
	case errors.Is(err, desk.ErrTooLarge):
		s.consoleView(w, r, "console_error", "bad.title", errPage{locale.T(l, "console.attach.toolarge") + " " + sizeText(int(s.hot.Desk.MaxAttachment()))}, http.StatusRequestEntityTooLarge)
	case errors.Is(err, desk.ErrFileType):
		s.consoleView(w, r, "console_error", "bad.title", errPage{locale.T(l, "console.attach.type")}, http.StatusUnsupportedMediaType)
	case errors.Is(err, desk.ErrBusy):
		w.Header().Set("Retry-After", "5")
		s.consoleView(w, r, "console_error", "console.state", errPage{locale.T(l, "console.login.busy")}, http.StatusServiceUnavailable)
	case errors.As(err, &in):
		msg := in.Field + ": " + in.Reason
		if locale.Has("console.err." + in.Field) {
			msg = locale.T(l, "console.err."+in.Field)
		}
		s.consoleView(w, r, "console_error", "bad.title", errPage{msg}, http.StatusBadRequest)
	case errors.As(err, &verrs):
		s.consoleView(w, r, "console_error", "bad.title", errPage{verrs.Error()}, http.StatusBadRequest)
	default:
		s.serverError(w, r, err)
	}
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func (s *Server) back(w http.ResponseWriter, r *http.Request, path, ok string) {
	http.Redirect(w, r, path+"?lang="+string(locale.FromRequest(r))+"&ok="+ok, http.StatusSeeOther)
}

// muniName names a municipality by its INEGI code: "Puebla (21114)".
// An unknown code is shown as it is.
func (s *Server) muniName(code string) string {
	if m, ok := s.hot.Desk.Geo().Municipality(code); ok {
		return m.Name
	}
	return code
}
