package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/staff"
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
	post("/consola/casos/{id}/{action}", "console_case_action", s.consoleCaseAction)
	get("/consola/buscar", "console_search", s.consoleSearch)
	post("/consola/buscar", "console_search_post", s.consoleSearch)
	get("/consola/personal", "console_staff", s.consoleStaff)
	post("/consola/personal", "console_staff_post", s.consoleStaff)
	get("/consola/exportar/{file}", "console_export", s.consoleExport)
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
}

type vocabs struct {
	Kinds, Statuses, Trafficking, DecidedBy, Institutions, ReferralStatuses, Exploit, Recruit, Ages, Sexes, Groups, Contacts hotline.Vocab
}

var allVocabs = vocabs{hotline.Kinds, hotline.Statuses, hotline.Trafficking, hotline.DecidedBy, hotline.Institutions, hotline.ReferralStatuses,
	hotline.Exploitation, hotline.Recruitment, hotline.AgeBands, hotline.Sexes, hotline.Groups, hotline.ContactMethods}

func (s *Server) consoleView(w http.ResponseWriter, r *http.Request, tpl, titleKey string, page any, status int) {
	l := locale.FromRequest(r)
	c := consoleFrom(r)
	d := consoleData{Actor: c.Actor, CSRF: c.CSRF, Voc: allVocabs, Page: page, Can: map[string]bool{}, StateOf: stateName}
	// Only a known message is shown: T falls back to the key itself, so an
	// unknown ?ok= would put text of a link's author on a staff page.
	if ok := r.URL.Query().Get("ok"); ok != "" && locale.Has("console.flash."+ok) {
		d.Flash = locale.T(l, "console.flash."+ok)
	}
	for _, k := range []string{"queue", "cases", "staff", "stats"} {
		d.Can[k] = roleAllowed(c.Actor.Role, k)
	}
	d.Can["approve"] = c.Actor.Role == staff.Supervisor
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
	if roleAllowed(a.Role, "queue") {
		if d.Queue, err = s.hot.Desk.Queue(r.Context(), a); err != nil {
			s.serverError(w, r, err)
			return
		}
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
	case errors.Is(err, desk.ErrBusy):
		w.Header().Set("Retry-After", "5")
		s.consoleView(w, r, "console_error", "console.state", errPage{locale.T(l, "console.login.busy")}, http.StatusServiceUnavailable)
	case errors.As(err, &in):
		s.consoleView(w, r, "console_error", "bad.title", errPage{in.Field + ": " + in.Reason}, http.StatusBadRequest)
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

func (s *Server) consoleReport(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.deskError(w, r, desk.ErrNotFound)
		return
	}
	v, err := s.hot.Desk.Report(r.Context(), consoleFrom(r).Actor, id)
	if err != nil {
		s.deskError(w, r, err)
		return
	}
	s.consoleView(w, r, "console_report", "console.report.title", v, http.StatusOK)
}

func (s *Server) back(w http.ResponseWriter, r *http.Request, path, ok string) {
	http.Redirect(w, r, path+"?lang="+string(locale.FromRequest(r))+"&ok="+ok, http.StatusSeeOther)
}

func (s *Server) consoleReportAction(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.deskError(w, r, desk.ErrNotFound)
		return
	}
	a := consoleFrom(r).Actor
	ctx := r.Context()
	f := r.PostForm
	self := "/consola/reportes/" + strconv.FormatInt(id, 10)
	var err error
	switch r.PathValue("action") {
	case "caso":
		var cid int64
		if cid, err = s.hot.Desk.OpenCase(ctx, a, id); err == nil {
			s.back(w, r, "/consola/casos/"+strconv.FormatInt(cid, 10), "case_opened")
			return
		}
	case "unir":
		cid, _ := strconv.ParseInt(f.Get("caso"), 10, 64)
		if err = s.hot.Desk.JoinCase(ctx, a, id, cid); err == nil {
			s.back(w, r, "/consola/casos/"+strconv.FormatInt(cid, 10), "joined")
			return
		}
	case "descartar":
		if err = s.hot.Desk.Discard(ctx, a, id); err == nil {
			s.back(w, r, "/consola", "discarded")
			return
		}
	case "responder":
		err = s.hot.Desk.Reply(ctx, a, id, f.Get("texto"))
	case "duplicado":
		other, _ := strconv.ParseInt(f.Get("otro"), 10, 64)
		err = s.hot.Desk.DecideDuplicate(ctx, a, id, other, f.Get("mismo") == "si")
	default:
		err = desk.ErrNotFound
	}
	if err != nil {
		s.deskError(w, r, err)
		return
	}
	// Actions taken from a case page go back to it.
	if cid, err := strconv.ParseInt(f.Get("volver"), 10, 64); err == nil && cid > 0 {
		self = "/consola/casos/" + strconv.FormatInt(cid, 10)
	}
	s.back(w, r, self, "saved")
}

func (s *Server) consoleCase(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.deskError(w, r, desk.ErrNotFound)
		return
	}
	v, err := s.hot.Desk.Case(r.Context(), consoleFrom(r).Actor, id)
	if errors.Is(err, desk.ErrNotFound) {
		// Out of reach: offer break-glass without saying whether the case
		// exists.
		s.consoleView(w, r, "console_breakglass", "console.breakglass.title", id, http.StatusNotFound)
		return
	}
	if err != nil {
		s.deskError(w, r, err)
		return
	}
	type casePage struct {
		desk.CaseView
		Next        []string
		Instruments []hotline.Instrument
		Assignees   []store.Staff
	}
	p := casePage{CaseView: v, Instruments: hotline.Instruments()}
	if p.Assignees, err = s.hot.Desk.Assignees(r.Context(), consoleFrom(r).Actor, v.Team); err != nil {
		s.deskError(w, r, err)
		return
	}
	for _, st := range hotline.Next(hotline.Status(v.Status)) {
		p.Next = append(p.Next, string(st))
	}
	s.consoleView(w, r, "console_case", "console.case.title", p, http.StatusOK)
}

func (s *Server) consoleCaseAction(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.deskError(w, r, desk.ErrNotFound)
		return
	}
	a := consoleFrom(r).Actor
	ctx := r.Context()
	f := r.PostForm
	self := "/consola/casos/" + strconv.FormatInt(id, 10)
	var err error
	switch r.PathValue("action") {
	case "mover":
		err = s.hot.Desk.Move(ctx, a, id, hotline.Status(f.Get("a")))
	case "asignar":
		to, _ := strconv.ParseInt(f.Get("responsable"), 10, 64)
		err = s.hot.Desk.Assign(ctx, a, id, to)
	case "nota":
		err = s.hot.Desk.AddNote(ctx, a, id, f.Get("texto"))
	case "tarea":
		err = s.hot.Desk.AddTask(ctx, a, id, f.Get("texto"), f.Get("vence"))
	case "tarea-hecha":
		tid, _ := strconv.ParseInt(f.Get("tarea"), 10, 64)
		err = s.hot.Desk.CompleteTask(ctx, a, id, tid)
	case "consentimiento":
		err = s.hot.Desk.SetConsent(ctx, a, id, f.Get("consentimiento") == "si")
	case "trata":
		err = s.hot.Desk.SetTrafficking(ctx, a, id, f.Get("estatus"), f.Get("decidio"))
	case "canalizar":
		err = s.hot.Desk.Refer(ctx, a, id, f.Get("institucion"), f.Get("detalles"), f.Get("motivo_excepcion"))
	case "canalizacion":
		rid, _ := strconv.ParseInt(f.Get("canalizacion"), 10, 64)
		err = s.hot.Desk.MoveReferral(ctx, a, id, rid, hotline.ReferralStatus(f.Get("a")))
	case "cierre":
		err = s.hot.Desk.RequestClose(ctx, a, id, f.Get("motivo"))
	case "decidir-cierre":
		err = s.hot.Desk.DecideClose(ctx, a, id, f.Get("aprobar") == "si")
	case "evaluar":
		answers := hotline.Answers{}
		for k, v := range f {
			if strings.HasPrefix(k, "q_") && len(v) > 0 && v[0] != "" {
				answers[strings.TrimPrefix(k, "q_")] = v[0]
			}
		}
		_, err = s.hot.Desk.Assess(ctx, a, id, f.Get("instrumento"), answers)
	case "emergencia":
		err = s.hot.Desk.BreakGlass(ctx, a, id, f.Get("motivo"))
	default:
		err = desk.ErrNotFound
	}
	if err != nil {
		s.deskError(w, r, err)
		return
	}
	s.back(w, r, self, "saved")
}

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

type searchPage struct {
	Q       string
	Results []desk.QueueItem
	Done    bool
}

// consoleSearch looks reports up by a contact. The contact travels in the
// query string of a no-store page, is turned into its blind index and is
// never logged (the request log keeps the path, not the query).
// consoleSearch searches by a contact sent in a POST body: in a URL the
// number would stay in the browser's history and in proxies' logs. A GET
// shows the form only.
func (s *Server) consoleSearch(w http.ResponseWriter, r *http.Request) {
	var p searchPage
	if r.Method == http.MethodPost {
		p.Q = r.PostForm.Get("q")
	}
	if strings.TrimSpace(p.Q) != "" {
		res, err := s.hot.Desk.Search(r.Context(), consoleFrom(r).Actor, p.Q)
		if err != nil {
			s.deskError(w, r, err)
			return
		}
		p.Results, p.Done = res, true
	}
	s.consoleView(w, r, "console_search", "console.search", p, http.StatusOK)
}
