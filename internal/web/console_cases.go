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

// casePage is the case page: the case and the choices its forms offer.
type casePage struct {
	desk.CaseView
	Next        []string
	Instruments []hotline.Instrument
	Assignees   []store.Staff
	// Referral is the referral form as typed; Blocked says it was stopped
	// for want of recorded consent, so the page offers to record it.
	Referral referralForm
	Blocked  bool
	// Directory is the referral directory for the case's state and the
	// national institutions.
	Directory []store.DirectoryEntry
	// MaxAttachment is the largest file the case takes, for the form.
	MaxAttachment int
}

// referralForm is what was typed into the referral form.
type referralForm struct {
	Institution, Details, Override string
	// Directory is the id of the directory entry chosen, if any.
	Directory string
}

func (s *Server) consoleCase(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.deskError(w, r, desk.ErrNotFound)
		return
	}
	s.renderCase(w, r, id, nil, http.StatusOK)
}

// renderCase shows a case; blocked, if set, is a referral stopped for want
// of consent, kept as typed.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, id int64, blocked *referralForm, status int) {
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
	p := casePage{CaseView: v, Instruments: hotline.Instruments(), MaxAttachment: int(s.hot.Desk.MaxAttachment())}
	if blocked != nil {
		p.Referral, p.Blocked = *blocked, true
	}
	if p.Directory, err = s.hot.Desk.Directory(r.Context(), consoleFrom(r).Actor, v.State); err != nil {
		s.deskError(w, r, err)
		return
	}
	if v.May[string(desk.AssignCase)] {
		if p.Assignees, err = s.hot.Desk.Assignees(r.Context(), consoleFrom(r).Actor, v.Team); err != nil {
			s.deskError(w, r, err)
			return
		}
	}
	for _, st := range hotline.Next(hotline.Status(v.Status)) {
		p.Next = append(p.Next, string(st))
	}
	s.consoleView(w, r, "console_case", "console.case.title", p, status)
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
	case "canalizar", "consentir-canalizar":
		typed := referralForm{Institution: f.Get("institucion"), Details: f.Get("detalles"), Override: f.Get("motivo_excepcion"), Directory: f.Get("directorio")}
		institution, details := typed.Institution, typed.Details
		if typed.Directory != "" {
			// An institution from the directory names the kind and heads
			// the sealed details with its name and phone.
			did, _ := strconv.ParseInt(typed.Directory, 10, 64)
			entry, derr := s.hot.Desk.DirectoryEntry(ctx, a, did)
			if derr != nil {
				err = derr
				break
			}
			institution = entry.Kind
			head := entry.Name
			if entry.Phone != "" {
				head += " · " + entry.Phone
			}
			details = strings.TrimSpace(head + "\n" + details)
		}
		if r.PathValue("action") == "consentir-canalizar" {
			// The person's consent, given on the page that stopped the
			// referral: recorded first, then the referral as typed.
			if err = s.hot.Desk.SetConsent(ctx, a, id, true); err != nil {
				break
			}
		}
		err = s.hot.Desk.Refer(ctx, a, id, institution, details, typed.Override)
		if errors.Is(err, desk.ErrNoConsent) {
			// Nothing typed is lost: the page comes back with the form as
			// it was and the way to record the consent.
			s.renderCase(w, r, id, &typed, http.StatusConflict)
			return
		}
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
