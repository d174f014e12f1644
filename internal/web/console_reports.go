package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
)

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
		err = s.hot.Desk.Reply(ctx, a, id, cannedReply(f.Get("plantilla"), f.Get("texto")))
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
	if !desk.Can(consoleFrom(r).Actor, desk.Search) {
		s.deskError(w, r, desk.ErrForbidden)
		return
	}
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

// cannedReply puts a ready-made reply ("id:es" or "id:en") before what was
// typed; an unknown choice adds nothing.
func cannedReply(choice, typed string) string {
	id, lang, _ := strings.Cut(choice, ":")
	c, ok := hotline.CannedReplyByID(id)
	if !ok {
		return typed
	}
	text := c.ES
	if lang == "en" {
		text = c.EN
	}
	if typed = strings.TrimSpace(typed); typed != "" {
		text += "\n\n" + typed
	}
	return text
}
