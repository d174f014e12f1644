package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// Hotline configures the hotline's faces on the server.
type Hotline struct {
	Desk *desk.Desk
	// Intake mounts the public form, follow-up and the reports API;
	// Console mounts the staff console. A separate intake process holds
	// only the public key and mounts no console.
	Intake, Console bool
	// PerMinute is how many reports one client may send per minute
	// (default 5); the bench raises it.
	PerMinute int
	// ReceiptPerMinute is how many receipt look-ups one client may make per
	// minute (default 20); ReceiptFailures how many unknown receipts it may
	// try in a day (default 10). The bench raises both.
	ReceiptPerMinute int
	ReceiptFailures  int
	// K is the smallest count published in hotline statistics (default 10).
	K int
	// SecureCookies marks the console cookie Secure (behind TLS).
	SecureCookies bool
	// TrustProxy takes clients' addresses from X-Forwarded-For: set it
	// only behind a reverse proxy that appends it, or every visitor would
	// share the proxy's limits (and a client could pick its own address).
	TrustProxy bool
}

const (
	maxReportBody = 64 << 10
	// receiptFailures is how many unknown receipts one client may try in a
	// day before it is locked out, on top of the per-minute limit.
	receiptFailures = 10
)

// EnableHotline mounts the hotline's routes.
func (s *Server) EnableHotline(h Hotline) {
	if h.PerMinute == 0 {
		h.PerMinute = 5
	}
	if h.K == 0 {
		h.K = 10
	}
	if h.ReceiptPerMinute == 0 {
		h.ReceiptPerMinute = 20
	}
	if h.ReceiptFailures == 0 {
		h.ReceiptFailures = receiptFailures
	}
	s.hot = &h
	// Request counts by route tell when reports and follow-ups arrive:
	// not for the public. They are served on --metrics-addr instead.
	s.metricsHidden = h.Intake
	csrf := http.NewCrossOriginProtection()
	if h.Intake {
		s.mux.Handle("GET /reportar", s.instrument("report_form", http.HandlerFunc(s.reportForm)))
		s.mux.Handle("POST /reportar", s.instrument("report_post", csrf.Handler(http.HandlerFunc(s.reportForm))))
		s.mux.Handle("GET /seguimiento", s.instrument("follow", http.HandlerFunc(s.follow)))
		s.mux.Handle("POST /seguimiento", s.instrument("follow_post", csrf.Handler(http.HandlerFunc(s.follow))))
		s.mux.Handle("POST /api/v1/reports", s.instrument("api_report", http.HandlerFunc(s.apiReport)))
		s.mux.Handle("GET /api/v1/reports/mine", s.instrument("api_report_mine", http.HandlerFunc(s.apiReportMine)))
		s.mux.HandleFunc("GET /salir", s.quickExit)
		s.mux.Handle("GET /linea", s.instrument("hotline_stats", http.HandlerFunc(s.hotlineStats)))
	}
	if h.Console {
		s.consoleRoutes(csrf)
	}
}

// noStore marks a response as not to be kept anywhere: hotline pages may
// be opened on a phone someone else checks.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store, max-age=0")
	w.Header().Set("Pragma", "no-cache")
}

// quickExit clears what the browser holds of the site and leaves for a
// page that gives nothing away.
func (s *Server) quickExit(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	http.Redirect(w, r, "https://www.google.com/search?q=clima", http.StatusSeeOther)
}

type reportData struct {
	Form     reportForm
	Errors   map[string]string
	Receipt  string
	Grouped  string
	Error    string
	Kinds    hotline.Vocab
	Exploit  hotline.Vocab
	Recruit  hotline.Vocab
	Ages     hotline.Vocab
	Sexes    hotline.Vocab
	Groups   hotline.Vocab
	Contacts hotline.Vocab
	States   []stateOption
	Munis    []hotline.Municipality
	Flags    []string
	// Prefilled: the form was opened from /oferta with the offer's text;
	// Clipped: that text was cut to what a report may hold.
	Prefilled, Clipped bool
	// ReadWithin is, on the receipt page, how soon the hotline aims to
	// read the report (its first-response target), in words.
	ReadWithin string
}

type stateOption struct {
	Code int
	Name string
}

// reportForm is the form as posted, kept to re-fill it after an error.
type reportForm struct {
	hotline.Report
	StateStr string
	// People are the form's victim fieldsets: the first open, two more
	// behind "otra persona" (a form without JavaScript cannot add rows).
	People [formVictims]hotline.Victim
}

const formVictims = 3

// victimField names a victim field of the form: the first person's
// fields have no suffix, so that a short form stays short.
func victimField(name string, i int) string {
	if i == 0 {
		return name
	}
	return fmt.Sprintf("%s_%d", name, i+1)
}

func (f reportForm) Has(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (s *Server) stateOptions() []stateOption {
	var out []stateOption
	for i := 1; i <= 32; i++ {
		if st, ok := sesnsp.StateByCode(i); ok {
			out = append(out, stateOption{i, st.Name})
		}
	}
	return out
}

func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) {
	l := locale.FromRequest(r)
	noStore(w)
	d := reportData{Errors: map[string]string{}, Kinds: hotline.Kinds, Exploit: hotline.Exploitation, Recruit: hotline.Recruitment,
		Ages: hotline.AgeBands, Sexes: hotline.Sexes, Groups: hotline.Groups, Contacts: hotline.ContactMethods, States: s.stateOptions()}
	status := http.StatusOK
	if st, ok := hotline.ParseState(r.URL.Query().Get("estado")); ok {
		d.Form.State, d.Form.StateStr = st, strconv.Itoa(st)
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxReportBody)
		if err := r.ParseForm(); err != nil {
			d.Error, status = locale.T(l, "report.err.toolarge"), http.StatusRequestEntityTooLarge
		} else if r.PostForm.Get("desde") == "oferta" {
			// "Reportar esta oferta" on /oferta: fill the form with the
			// offer and submit nothing. The text comes in a POST body, not a
			// URL, so it stays out of access logs, browser history and
			// Referer headers; this route's cross-origin protection still
			// applies, and the person sends the report with the ordinary
			// form, through the ordinary validation.
			d.Form.Offer, d.Clipped = clipRunes(r.PostForm.Get("oferta"), hotline.MaxOffer)
			d.Prefilled = true
			// The form's "municipios" step posts back here with the offer,
			// so that choosing the state first does not lose it.
			if st, ok := hotline.ParseState(r.PostForm.Get("estado")); ok {
				d.Form.State, d.Form.StateStr = st, strconv.Itoa(st)
			}
		} else {
			f := r.PostForm
			d.Form.Kind = hotline.Kind(f.Get("tipo"))
			d.Form.Description = f.Get("descripcion")
			d.Form.StateStr = f.Get("estado")
			d.Form.State, _ = hotline.ParseState(d.Form.StateStr)
			d.Form.Municipality = f.Get("municipio")
			d.Form.When = f.Get("cuando")
			d.Form.Exploitation = f["explotacion"]
			d.Form.Recruitment = f["reclutamiento"]
			d.Form.Offer = f.Get("oferta")
			d.Form.Urgent = f.Get("urgente") == "si"
			d.Form.Victims = nil
			for i := range formVictims {
				v := hotline.Victim{AgeBand: f.Get(victimField("edad", i)), Sex: f.Get(victimField("sexo", i)),
					Nationality: f.Get(victimField("nacionalidad", i)), Groups: f[victimField("grupos", i)]}
				d.Form.People[i] = v
				d.Form.Victims = append(d.Form.Victims, v)
			}
			d.Form.Contact = hotline.Contact{Method: f.Get("contacto"), Value: f.Get("contacto_valor"), Safe: f.Get("contacto_seguro")}
			d.Form.Channel = "web"
			rep := d.Form.Report
			allowed, lerr := s.allowReport(r)
			switch {
			case lerr != nil:
				s.log.Error("counting a report against its limit", "err", lerr)
				d.Error, status = locale.T(l, "report.err.server"), http.StatusInternalServerError
			case !allowed:
				d.Error, status = locale.T(l, "report.err.rate"), http.StatusTooManyRequests
			default:
				receipt, err := s.hot.Desk.Submit(r.Context(), &rep)
				var verrs hotline.Errors
				switch {
				case errors.As(err, &verrs):
					for _, e := range verrs {
						// The template marks fields by their top name:
						// "contact.value" under "contact", "victims[0].sex"
						// under "victims".
						d.Errors[strings.SplitN(strings.SplitN(e.Field, "[", 2)[0], ".", 2)[0]] = locale.T(l, e.Key)
						if strings.HasPrefix(e.Field, "victims") {
							d.Errors["victims"] = locale.T(l, e.Key)
						}
					}
					d.Error, status = locale.T(l, "report.err.fix"), http.StatusBadRequest
				case err != nil:
					s.log.Error("storing a report", "err", err)
					d.Error, status = locale.T(l, "report.err.server"), http.StatusInternalServerError
				default:
					d.Receipt, d.Grouped = receipt, groupReceipt(receipt)
					sla := s.hot.Desk.SLA()
					d.ReadWithin = spanText(l, sla.For(hotline.Urgency(rep.Kind, rep.Urgent)))
				}
			}
		}
	}
	if d.Form.State != 0 {
		d.Munis = s.hot.Desk.Geo().InState(d.Form.State)
	}
	title := locale.T(l, "report.title")
	tpl := "report"
	if d.Receipt != "" {
		tpl = "receipt"
	}
	s.renderNoStore(w, r, l, &view{Template: tpl, Title: title, Data: d, Status: status})
}

func groupReceipt(r string) string {
	var b strings.Builder
	for i := 0; i < len(r); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(r[i:min(i+4, len(r))])
	}
	return b.String()
}

func (s *Server) renderNoStore(w http.ResponseWriter, r *http.Request, l locale.Lang, v *view) {
	body, err := s.render(r, l, v)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	noStore(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	status := v.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	w.Write(body)
}

type followData struct {
	Follow  *desk.Followup
	Receipt string
	Added   bool
	Error   string
	// ReadWithin is the first-response target for reports that are not
	// of immediate danger, in words, for a report not yet read.
	ReadWithin string
}

// follow lets a reporter return with the receipt. The receipt travels in
// the form body, never in a URL that a browser's history would keep.
func (s *Server) follow(w http.ResponseWriter, r *http.Request) {
	l := locale.FromRequest(r)
	d := followData{ReadWithin: spanText(l, s.hot.Desk.SLA().Normal)}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxReportBody)
		if err := r.ParseForm(); err != nil {
			d.Error, status = locale.T(l, "report.err.toolarge"), http.StatusRequestEntityTooLarge
		} else if ok, st, settle, lerr := s.receiptAllowed(r); lerr != nil {
			s.log.Error("counting a receipt attempt", "err", lerr)
			d.Error, status = locale.T(l, "report.err.server"), http.StatusInternalServerError
		} else if !ok {
			d.Error, status = locale.T(l, "follow.err.rate"), st
		} else {
			failed := false
			defer func() { settle(failed) }()
			receipt := r.PostForm.Get("folio")
			if text := strings.TrimSpace(r.PostForm.Get("agregar")); text != "" {
				err := s.hot.Desk.AddInfo(r.Context(), receipt, text)
				var verrs hotline.Errors
				switch {
				case errors.Is(err, desk.ErrUnknownReceipt):
				case errors.As(err, &verrs):
					d.Error, status = locale.T(l, "follow.err.text"), http.StatusBadRequest
				case err != nil:
					s.log.Error("adding to a report", "err", err)
					d.Error, status = locale.T(l, "report.err.server"), http.StatusInternalServerError
				default:
					d.Added = true
				}
			}
			if d.Error == "" {
				f, err := s.hot.Desk.Follow(r.Context(), receipt)
				switch {
				case errors.Is(err, desk.ErrUnknownReceipt):
					failed = true
					d.Error, status = locale.T(l, "follow.err.unknown"), http.StatusNotFound
				case err != nil:
					s.log.Error("following a report", "err", err)
					d.Error, status = locale.T(l, "report.err.server"), http.StatusInternalServerError
				default:
					d.Follow = &f
					if n, ok := normalizeReceipt(receipt); ok {
						d.Receipt = n
					}
				}
			}
		}
	}
	s.renderNoStore(w, r, l, &view{Template: "follow", Title: locale.T(l, "follow.title"), Data: d, Status: status})
}

func normalizeReceipt(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r != ' ' && r != '-' {
			return "", false
		}
	}
	return b.String(), b.Len() == 16
}

func (s *Server) clientKey(r *http.Request) string {
	return s.hot.Desk.Keys().Daily(s.now().UTC().Format(time.DateOnly), clientAddr(r, s.hot.TrustProxy))
}

// The intake's limits are counted in the database (store.Take), so that
// several `vigia serve` processes on one database hold one count per
// client. The client is the daily keyed hash of its address (clientKey):
// the same in every process that holds the key file, and never the address.

// window names the fixed window of length d that holds now, and when its
// count may be deleted.
func (s *Server) window(d time.Duration) (string, time.Time) {
	now := s.now().UTC()
	if d >= 24*time.Hour {
		day := now.Truncate(24 * time.Hour)
		return day.Format(time.DateOnly), day.Add(2 * d)
	}
	start := now.Truncate(d)
	return start.Format(time.RFC3339), start.Add(2 * d)
}

// take counts one use of bucket by r's client in the current window of d,
// if fewer than limit were counted; a failure to count is an error, never
// a free pass.
func (s *Server) take(r *http.Request, bucket string, limit int, d time.Duration) (bool, error) {
	win, expires := s.window(d)
	ok, err := s.store.Take(r.Context(), bucket, s.clientKey(r), win, limit, expires)
	if err == nil && s.purgeDue() {
		if _, perr := s.store.PurgeLimits(r.Context(), s.now()); perr != nil {
			s.log.Warn("purging old intake limits", "err", perr)
		}
	}
	return ok, err
}

// purgeDue says whether old limit counts are due to be deleted (once a
// minute per process).
func (s *Server) purgeDue() bool {
	now := s.now().Unix() / 60
	last := s.lastPurge.Load()
	return now != last && s.lastPurge.CompareAndSwap(last, now)
}

// allowReport counts a report against its client's per-minute limit.
func (s *Server) allowReport(r *http.Request) (bool, error) {
	return s.take(r, "report", s.hot.PerMinute, time.Minute)
}

// receiptAllowed rate-limits receipt attempts and locks a client out for
// the day after too many unknown receipts: 10^16 receipts cannot be
// enumerated at 10 guesses a day. Only a client's own failures count
// against it: a client that has not failed is never refused for what
// others did.
//
// The attempt is counted as a failure in the same statement as the check,
// and settle gives it back unless the receipt proved unknown: attempts
// sent at once, to one process or to several on one database, cannot all
// pass a check made before any of them was counted.
func (s *Server) receiptAllowed(r *http.Request) (ok bool, status int, settle func(failed bool), err error) {
	failWin, _ := s.window(24 * time.Hour)
	client := s.clientKey(r)
	counted, err := s.take(r, "receipt_fail", s.hot.ReceiptFailures, 24*time.Hour)
	if err != nil || !counted {
		return false, http.StatusTooManyRequests, nil, err
	}
	settle = func(failed bool) {
		if failed {
			return
		}
		// The request's context may be over; the count must still be given back.
		if err := s.store.GiveBack(context.WithoutCancel(r.Context()), "receipt_fail", client, failWin); err != nil {
			s.log.Error("giving back a receipt attempt", "err", err)
		}
	}
	perMinute, err := s.take(r, "receipt", s.hot.ReceiptPerMinute, time.Minute)
	if err != nil || !perMinute {
		settle(false)
		return false, http.StatusTooManyRequests, nil, err
	}
	return true, 0, settle, nil
}

// ReportRequest is the partner API's body: the form's fields as JSON.
type ReportRequest struct {
	Kind         string           `json:"kind"`
	Description  string           `json:"description"`
	State        json.RawMessage  `json:"state"`
	Municipality string           `json:"municipality,omitempty"`
	When         string           `json:"when,omitempty"`
	Exploitation []string         `json:"exploitation,omitempty"`
	Recruitment  []string         `json:"recruitment,omitempty"`
	Offer        string           `json:"offer,omitempty"`
	Victims      []hotline.Victim `json:"victims,omitempty"`
	Urgent       bool             `json:"urgent,omitempty"`
	Contact      *hotline.Contact `json:"contact,omitempty"`
	Channel      string           `json:"channel,omitempty"`
}

func apiJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	noStore(w)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// apiReport takes a report from a partner channel under the form's rules.
func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	// Only JSON: a form post from another site cannot send it without a
	// CORS preflight, which this API does not grant, so no page can make a
	// visitor's browser file a report.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		apiJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "send Content-Type: application/json"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReportBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	var req ReportRequest
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			apiJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("body larger than %d bytes", maxReportBody)})
			return
		}
		apiJSON(w, http.StatusBadRequest, map[string]string{"error": "body: " + err.Error()})
		return
	}
	if dec.More() {
		apiJSON(w, http.StatusBadRequest, map[string]string{"error": "body: one JSON object expected"})
		return
	}
	rep := hotline.Report{Kind: hotline.Kind(req.Kind), Description: req.Description, Municipality: req.Municipality, When: req.When,
		Exploitation: req.Exploitation, Recruitment: req.Recruitment, Offer: req.Offer, Victims: req.Victims, Urgent: req.Urgent, Channel: req.Channel}
	if rep.Channel == "" {
		rep.Channel = "api"
	}
	if req.Contact != nil {
		rep.Contact = *req.Contact
	}
	// The state may come as 9, "9" or "09".
	var n int
	var str string
	switch {
	case json.Unmarshal(req.State, &n) == nil:
		rep.State = n
	case json.Unmarshal(req.State, &str) == nil:
		rep.State, _ = hotline.ParseState(str)
	}
	if allowed, err := s.allowReport(r); err != nil {
		s.log.Error("counting a report against its limit", "err", err)
		apiJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	} else if !allowed {
		w.Header().Set("Retry-After", "60")
		apiJSON(w, http.StatusTooManyRequests, map[string]string{"error": "rate limit"})
		return
	}
	receipt, err := s.hot.Desk.Submit(r.Context(), &rep)
	var verrs hotline.Errors
	switch {
	case errors.As(err, &verrs):
		fields := map[string]string{}
		for _, e := range verrs {
			fields[e.Field] = locale.T(locale.EN, e.Key)
		}
		apiJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid report", "fields": fields})
	case err != nil:
		s.log.Error("storing a report", "err", err)
		apiJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
	default:
		apiJSON(w, http.StatusCreated, map[string]string{"receipt": receipt})
	}
}

// apiReportMine answers a reporter holding a receipt.
func (s *Server) apiReportMine(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	const prefix = "Receipt "
	if len(auth) <= len(prefix) || subtle.ConstantTimeCompare([]byte(strings.ToLower(auth[:len(prefix)])), []byte(strings.ToLower(prefix))) != 1 {
		w.Header().Set("WWW-Authenticate", `Receipt realm="vigia"`)
		apiJSON(w, http.StatusUnauthorized, map[string]string{"error": "send the header Authorization: Receipt <16 digits>"})
		return
	}
	ok, st, settle, err := s.receiptAllowed(r)
	if err != nil {
		s.log.Error("counting a receipt attempt", "err", err)
		apiJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	}
	if !ok {
		w.Header().Set("Retry-After", "3600")
		apiJSON(w, st, map[string]string{"error": "too many attempts"})
		return
	}
	f, err := s.hot.Desk.Follow(r.Context(), strings.TrimSpace(auth[len(prefix):]))
	settle(errors.Is(err, desk.ErrUnknownReceipt))
	switch {
	case errors.Is(err, desk.ErrUnknownReceipt):
		apiJSON(w, http.StatusNotFound, map[string]string{"error": "unknown receipt"})
	case err != nil:
		s.log.Error("following a report", "err", err)
		apiJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
	default:
		apiJSON(w, http.StatusOK, f)
	}
}
