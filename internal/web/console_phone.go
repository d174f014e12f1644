package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/locale"
)

// phonePage is the form for a report taken by phone or in person, and,
// once stored, its receipt to read to the caller.
type phonePage struct {
	Form     hotline.Report
	Start    string // as typed: 2026-12-06T14:05, Mexico City time
	End      string
	StateStr string
	States   []stateOption
	// Munis are every state's municipalities, for one select without
	// JavaScript.
	Munis    []muniGroup
	Errors   map[string]string
	Receipt  string
	Grouped  string
	ReportID int64
}

type muniGroup struct {
	State string
	Munis []hotline.Municipality
}

// localInput is the layout of <input type="datetime-local">.
const localInput = "2006-01-02T15:04"

// consolePhone enters a report an operator took by phone, WhatsApp,
// e-mail or in person. Everything a report from the form holds is sealed
// the same way; the channel, who took it and when the call began and ended
// go with it.
func (s *Server) consolePhone(w http.ResponseWriter, r *http.Request) {
	a := consoleFrom(r).Actor
	if !desk.Can(a, desk.EnterReport) {
		s.deskError(w, r, desk.ErrForbidden)
		return
	}
	l := locale.FromRequest(r)
	now := s.hot.Desk.Now().In(mexicoCity)
	p := phonePage{States: s.stateOptions(), Errors: map[string]string{}, End: now.Format(localInput), Start: now.Add(-10 * time.Minute).Format(localInput)}
	p.Form.Channel = "telefono"
	p.Form.Contact.Method = "ninguno"
	for _, st := range p.States {
		p.Munis = append(p.Munis, muniGroup{State: st.Name, Munis: s.hot.Desk.Geo().InState(st.Code)})
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		f := r.PostForm
		p.Form = hotline.Report{Kind: hotline.Kind(f.Get("tipo")), Description: f.Get("descripcion"), Municipality: f.Get("municipio"), When: f.Get("cuando"),
			Exploitation: f["explotacion"], Urgent: f.Get("urgente") == "si", Channel: f.Get("canal"),
			Contact: hotline.Contact{Method: f.Get("contacto"), Value: f.Get("contacto_valor"), Safe: f.Get("contacto_seguro")}}
		if v := (hotline.Victim{AgeBand: f.Get("edad"), Sex: f.Get("sexo")}); v.AgeBand != "" || v.Sex != "" {
			p.Form.Victims = []hotline.Victim{v}
		}
		p.StateStr = f.Get("estado")
		p.Form.State, _ = hotline.ParseState(p.StateStr)
		if p.Form.Municipality != "" && p.Form.State == 0 {
			// The municipality names its state.
			if m, ok := s.hot.Desk.Geo().Municipality(p.Form.Municipality); ok {
				p.Form.State = m.State
			}
		}
		p.Start, p.End = f.Get("inicio"), f.Get("fin")
		start, err1 := time.ParseInLocation(localInput, p.Start, mexicoCity)
		end, err2 := time.ParseInLocation(localInput, p.End, mexicoCity)
		if err1 != nil {
			p.Errors["call_start"] = locale.T(l, "phone.err.time")
		}
		if err2 != nil {
			p.Errors["call_end"] = locale.T(l, "phone.err.time")
		}
		if len(p.Errors) == 0 {
			rep := p.Form
			receipt, id, err := s.hot.Desk.EnterReport(r.Context(), a, &rep, desk.Call{Start: start, End: end})
			var verrs hotline.Errors
			var in *desk.InputError
			switch {
			case errors.As(err, &verrs):
				for _, e := range verrs {
					p.Errors[strings.SplitN(strings.SplitN(e.Field, "[", 2)[0], ".", 2)[0]] = locale.T(l, e.Key)
				}
			case errors.As(err, &in):
				key := "phone.err." + in.Field
				if !locale.Has(key) {
					key = "report.err.fix"
				}
				p.Errors[in.Field] = locale.T(l, key)
			case err != nil:
				s.deskError(w, r, err)
				return
			default:
				p.Receipt, p.Grouped, p.ReportID = receipt, groupReceipt(receipt), id
			}
		}
		if len(p.Errors) > 0 {
			status = http.StatusBadRequest
		}
	}
	s.consoleView(w, r, "console_phone", "phone.title", p, status)
}

// consoleCaseload shows a supervisor each person's open cases and tasks
// within the supervisor's scope.
func (s *Server) consoleCaseload(w http.ResponseWriter, r *http.Request) {
	rows, err := s.hot.Desk.Caseload(r.Context(), consoleFrom(r).Actor)
	if err != nil {
		s.deskError(w, r, err)
		return
	}
	s.consoleView(w, r, "console_caseload", "caseload.title", rows, http.StatusOK)
}
