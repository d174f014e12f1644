package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/store"
)

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
	if v.May[string(desk.AssignCase)] {
		if p.Assignees, err = s.hot.Desk.Assignees(r.Context(), consoleFrom(r).Actor, v.Team); err != nil {
			s.deskError(w, r, err)
			return
		}
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
