package web

// Tests of the console as a shift uses it. Every account, password, report
// and text here is synthetic.

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/staff"
)

// TestStaffFormRefusesGuessablePasswords: the staff form refuses a common
// password, one with digits added and one character repeated, in words.
func TestStaffFormRefusesGuessablePasswords(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	adm := e.login(e.addUser("adm", staff.Administrador, "general", "own"))
	for _, pw := range []string{"password1234", "Contraseña2026!", "zzzzzzzzzzzzzz"} {
		w := adm.consolePost("/consola/personal", vals("usuario", "nueva", "contrasena", pw, "rol", "operador"))
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), es("console.err.password")) {
			t.Errorf("password %q: status %d: %.300s", pw, w.Code, w.Body)
		}
	}
	if _, err := e.st.StaffByUsername(e.ctx, "nueva"); err == nil {
		t.Error("an account was created with a guessable password")
	}
	w := adm.consolePost("/consola/personal", vals("usuario", "nueva", "contrasena", "caballo batería grapa correcta", "rol", "operador"))
	if w.Code != http.StatusOK {
		t.Errorf("a good password: status %d", w.Code)
	}
}

// TestTimesInWords: times read as people in Mexico read them.
func TestTimesInWords(t *testing.T) {
	at := time.Date(2026, 12, 6, 20, 5, 0, 0, time.UTC) // 14:05 in Mexico City
	if got := whenText(locale.ES, at); got != "6 dic 2026, 14:05" {
		t.Errorf("whenText = %q", got)
	}
	if got := whenText(locale.EN, at.Format(time.RFC3339Nano)); got != "6 Dec 2026, 14:05" {
		t.Errorf("whenText en = %q", got)
	}
	if got := whenText(locale.ES, "2026-12-06"); got != "6 dic 2026" {
		t.Errorf("whenText of a day = %q", got)
	}
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{12 * time.Minute, "hace 12 minutos"}, {time.Minute, "hace 1 minuto"}, {5 * time.Hour, "hace 5 horas"}, {72 * time.Hour, "hace 3 días"}, {10 * time.Second, "ahora mismo"}} {
		if got := agoText(locale.ES, at.Add(tc.d), at); got != tc.want {
			t.Errorf("agoText(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
	if got := dueText(locale.ES, at, at.Add(15*time.Minute)); got != "vence en 15 minutos" {
		t.Errorf("dueText = %q", got)
	}
	if got := dueText(locale.ES, at.Add(20*time.Minute), at.Add(15*time.Minute)); got != "venció hace 5 minutos" {
		t.Errorf("dueText overdue = %q", got)
	}
}

// queueRow returns the queue's row for a report, or "".
func queueRow(body string, id int64) string {
	i := strings.Index(body, fmt.Sprintf(`<a href="/consola/reportes/%d?`, id))
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<tr")
	end := strings.Index(body[i:], "</tr>")
	return body[start : i+end]
}

// TestQueueSLATimers: the queue says how long ago each report arrived and
// when its first response falls due (15 minutes for immediate danger, 24
// hours otherwise), marks what is overdue, and stops the clock at the first
// action.
func TestQueueSLATimers(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	op := e.login(e.addUser("op", staff.Operador, "norte", "own"))
	urgent := syntheticReport("[SINTÉTICO] peligro")
	urgent.Urgent = true
	_, u := e.submit(urgent)
	_, n := e.submit(syntheticReport("[SINTÉTICO] sin prisa"))
	_, replied := e.submit(func() hotline.Report { r := syntheticReport("[SINTÉTICO] respondido"); r.Urgent = true; return r }())
	body := op.get("/consola").Body.String()
	if row := queueRow(body, u); !strings.Contains(row, "vence en 15 minutos") || !strings.Contains(row, es("urgency.peligro_inmediato")) || !strings.Contains(row, "ahora mismo") {
		t.Errorf("urgent row: %s", row)
	}
	if row := queueRow(body, n); !strings.Contains(row, "vence en 24 horas") || !strings.Contains(row, es("urgency.media")) {
		t.Errorf("normal row: %s", row)
	}
	if w := op.consolePost(fmt.Sprintf("/consola/reportes/%d/responder", replied), vals("plantilla", "recibido:es")); w.Code != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", w.Code, w.Body)
	}
	// Sessions end after 15 idle minutes: look in between.
	e.clock.Advance(10 * time.Minute)
	op.get("/consola")
	e.clock.Advance(10 * time.Minute)
	body = op.get("/consola").Body.String()
	row := queueRow(body, u)
	if !strings.Contains(row, "overdue") || !strings.Contains(row, es("console.sla.overdue")) || !strings.Contains(row, "venció hace 5 minutos") || !strings.Contains(row, "hace 20 minutos") {
		t.Errorf("urgent row after 20 minutes: %s", row)
	}
	if row := queueRow(body, n); strings.Contains(row, "overdue") {
		t.Errorf("the normal report is marked overdue after 20 minutes: %s", row)
	}
	if row := queueRow(body, replied); strings.Contains(row, "overdue") || !strings.Contains(row, "atendido hace 20 minutos") {
		t.Errorf("the replied report: %s", row)
	}
}

// TestPhoneReport: an operator enters a report taken by phone, with the
// channel, when the call began and ended and who took it; the caller's
// receipt works; the analyst may not enter one.
func TestPhoneReport(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	opU := e.addUser("op_tel", staff.Operador, "norte", "own")
	op := e.login(opU)
	ana := e.login(e.addUser("ana", staff.Analista, "norte", "own"))
	now := e.clock.Now().In(mexicoCity)
	start, end := now.Add(-20*time.Minute).Format(localInput), now.Add(-5*time.Minute).Format(localInput)
	form := vals("canal", "telefono", "inicio", start, "fin", end, "tipo", "posible_trata", "urgente", "si",
		"descripcion", "[SINTÉTICO] Llamó una vecina: una joven no puede salir de una fonda.", "estado", "21", "municipio", "21114", "contacto", "ninguno")
	wantStatus(t, "analyst", ana.consolePost("/consola/telefono", form), http.StatusForbidden)
	wantStatus(t, "analyst GET", ana.get("/consola/telefono"), http.StatusForbidden)
	bad := vals()
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("fin", now.Add(-30*time.Minute).Format(localInput))
	w := op.consolePost("/consola/telefono", bad)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), es("phone.err.call_end")) || !strings.Contains(w.Body.String(), "fonda") {
		t.Errorf("a call ending before it began: %d (the form must keep what was typed): %.400s", w.Code, w.Body)
	}
	w = op.consolePost("/consola/telefono", form)
	m := regexp.MustCompile(`id="folio">([0-9 ]+)<`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		t.Fatalf("phone report: %d %.500s", w.Code, w.Body)
	}
	rep := e.report(m[1])
	if rep.Channel != "telefono" || rep.TakenBy == 0 || rep.Urgency < 10 {
		t.Errorf("stored: channel %q taken by %d urgency %d", rep.Channel, rep.TakenBy, rep.Urgency)
	}
	if at, _ := time.Parse(time.RFC3339Nano, rep.ReceivedAt); at.In(mexicoCity).Format(localInput) != start {
		t.Errorf("received at %s, want the call's start %s", rep.ReceivedAt, start)
	}
	page := op.get(fmt.Sprintf("/consola/reportes/%d", rep.ID)).Body.String()
	for _, want := range []string{"op_tel", "Llamada telefónica", "Puebla", es("urgency.peligro_inmediato")} {
		if !strings.Contains(page, want) {
			t.Errorf("the report page lacks %q", want)
		}
	}
	if strings.Contains(page, ">21114<") {
		t.Error("the report page shows the municipality's code instead of its name")
	}
	// The caller's receipt works on the public side.
	if w := e.client().postForm("/seguimiento", vals("folio", m[1])); w.Code != http.StatusOK {
		t.Errorf("following with the phone receipt: %d", w.Code)
	}
}

// TestCaseTimelineAndCaseload: the case page lists every action, note,
// task, referral and reply in order; a supervisor sees each person's load.
func TestCaseTimelineAndCaseload(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	opU := e.addUser("op_tl", staff.Operador, "norte", "own")
	op := e.login(opU)
	sup := e.login(e.addUser("sup_tl", staff.Supervisor, "norte", "team"))
	_, rid := e.submit(syntheticReport("[SINTÉTICO] línea de tiempo"))
	cid := op.openCaseHTTP(rid)
	base := fmt.Sprintf("/consola/casos/%d/", cid)
	steps := []struct {
		action string
		form   url.Values
	}{
		{"nota", vals("texto", "[SINTÉTICO] nota uno")},
		{"tarea", vals("texto", "[SINTÉTICO] tarea vencida", "vence", "2020-01-01")},
		{"consentimiento", vals("consentimiento", "si")},
		{"canalizar", vals("institucion", "dif", "detalles", "[SINTÉTICO] detalle")},
	}
	for _, s := range steps {
		e.clock.Advance(time.Minute)
		if w := op.consolePost(base+s.action, s.form); w.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", s.action, w.Code, w.Body)
		}
	}
	e.clock.Advance(time.Minute)
	if w := op.consolePost(fmt.Sprintf("/consola/reportes/%d/responder", rid), vals("texto", "[SINTÉTICO] respuesta", "volver", fmt.Sprint(cid))); w.Code != http.StatusSeeOther {
		t.Fatalf("reply: %d", w.Code)
	}
	body := op.get(fmt.Sprintf("/consola/casos/%d", cid)).Body.String()
	i := strings.Index(body, `class="timeline"`)
	if i < 0 {
		t.Fatal("no timeline on the case page")
	}
	tl := body[i : i+strings.Index(body[i:], "</ol>")]
	last := -1
	for _, want := range []string{es("console.tl.report.create"), es("console.tl.case.open"), "[SINTÉTICO] nota uno", "[SINTÉTICO] tarea vencida", es("console.tl.case.consent"), es("console.tl.referral.create") + ": DIF", "[SINTÉTICO] respuesta"} {
		j := strings.Index(tl, want)
		if j < 0 {
			t.Errorf("the timeline lacks %q", want)
			continue
		}
		if j < last {
			t.Errorf("%q is out of order in the timeline", want)
		}
		last = j
	}
	// Caseload: the supervisor sees op_tl with one open case and one
	// overdue task; the operator may not see the page.
	wantStatus(t, "operator caseload", op.get("/consola/carga"), http.StatusForbidden)
	w := sup.get("/consola/carga")
	wantStatus(t, "supervisor caseload", w, http.StatusOK)
	row := regexp.MustCompile(`<tr class="overdue"><td>op_tl</td><td>norte</td><td>1</td><td>0</td><td>1</td><td><strong class="error">1</strong>`)
	if !row.MatchString(w.Body.String()) {
		t.Errorf("caseload: %s", w.Body)
	}
}

// TestReferralBlockedKeepsTyped: a referral stopped for want of consent
// comes back with what was typed and a way to record the consent, which
// then sends it.
func TestReferralBlockedKeepsTyped(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	op := e.login(e.addUser("op_ref", staff.Operador, "norte", "own"))
	_, rid := e.submit(syntheticReport("[SINTÉTICO] sin consentimiento"))
	cid := op.openCaseHTTP(rid)
	details := "[SINTÉTICO] Canalizar a DIF Puebla, la adolescente pide albergue"
	w := op.consolePost(fmt.Sprintf("/consola/casos/%d/canalizar", cid), vals("institucion", "dif", "detalles", details))
	body := w.Body.String()
	if w.Code != http.StatusConflict || !strings.Contains(body, esc(details)) || !strings.Contains(body, `<option value="dif" selected>`) ||
		!strings.Contains(body, fmt.Sprintf(`action="/consola/casos/%d/consentir-canalizar`, cid)) {
		t.Fatalf("blocked referral: %d %.600s", w.Code, body)
	}
	w = op.consolePost(fmt.Sprintf("/consola/casos/%d/consentir-canalizar", cid), vals("institucion", "dif", "detalles", details))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("record consent and refer: %d %s", w.Code, w.Body)
	}
	cv, err := e.d.Case(e.ctx, e.actor(op), cid)
	if err != nil {
		t.Fatal(err)
	}
	if !cv.Consent || len(cv.Referrals) != 1 || cv.Referrals[0].Details != details || cv.Referrals[0].Institution != "dif" {
		t.Errorf("after recording consent: consent %t, referrals %+v", cv.Consent, cv.Referrals)
	}
}

// TestCannedReplies: a ready-made reply reaches the reporter, in the
// language chosen, with what was typed after it.
func TestCannedReplies(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	op := e.login(e.addUser("op_can", staff.Operador, "norte", "own"))
	receipt, rid := e.submit(syntheticReport("[SINTÉTICO] respuestas"))
	page := op.get(fmt.Sprintf("/consola/reportes/%d", rid)).Body.String()
	for _, c := range hotline.CannedReplies {
		if !strings.Contains(page, `value="`+c.ID+`:es"`) || !strings.Contains(page, `value="`+c.ID+`:en"`) {
			t.Errorf("the reply form lacks canned reply %s", c.ID)
		}
	}
	op.consolePost(fmt.Sprintf("/consola/reportes/%d/responder", rid), vals("plantilla", "mas_informacion:en", "texto", "[SINTÉTICO] y algo más"))
	f, err := e.d.Follow(e.ctx, receipt)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := hotline.CannedReplyByID("mas_informacion")
	if len(f.Replies) != 1 || f.Replies[0].Text != c.EN+"\n\n[SINTÉTICO] y algo más" {
		t.Errorf("replies: %+v", f.Replies)
	}
	if w := op.consolePost(fmt.Sprintf("/consola/reportes/%d/responder", rid), vals("plantilla", "no-existe")); w.Code != http.StatusBadRequest {
		t.Errorf("an unknown canned reply and no text: %d", w.Code)
	}
}

// receiptOf posts the public form and returns the receipt page.
func receiptOf(t *testing.T, e *hotEnv, urgent bool) string {
	t.Helper()
	form := vals("tipo", "situacion_riesgo", "descripcion", "[SINTÉTICO] Me ofrecieron trabajo en otro estado y me quitaron el teléfono.", "estado", "19", "contacto", "ninguno")
	if urgent {
		form.Set("urgente", "si")
	}
	w := e.client().postForm("/reportar", form)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="folio"`) {
		t.Fatalf("report form: %d %.400s", w.Code, w.Body)
	}
	return w.Body.String()
}

// TestReceiptPageSaysWhatComesNext: with "peligro inmediato" ticked the
// receipt page says first to call 911 and the 24-hour line; every receipt
// page says when the report will be read; a closed report says what
// closing means and how to add information.
func TestReceiptPageSaysWhatComesNext(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	urgent := receiptOf(t, e, true)
	danger := strings.Index(urgent, `href="tel:911"`)
	folio := strings.Index(urgent, `id="folio"`)
	if danger < 0 || danger > folio || !strings.Contains(urgent[:folio], `href="tel:8005533000"`) {
		t.Error("the urgent receipt page does not put 911 and the 24-hour line before the receipt")
	}
	if !strings.Contains(urgent, es("receipt.read", "15 minutos")) {
		t.Error("the urgent receipt page does not say it will be read within 15 minutes")
	}
	normal := receiptOf(t, e, false)
	if strings.Contains(normal, `href="tel:911"`) {
		t.Error("a receipt page without immediate danger leads with 911")
	}
	if !strings.Contains(normal, es("receipt.read", "24 horas")) {
		t.Error("the receipt page does not say it will be read within 24 hours")
	}
	// A closed report: its case approved for closing.
	op := e.addUser("op_c", staff.Operador, "norte", "own")
	sup := e.addUser("sup_c", staff.Supervisor, "norte", "team")
	receipt, rid := e.submit(syntheticReport("[SINTÉTICO] se cerrará"))
	opC, supC := e.login(op), e.login(sup)
	cid := opC.openCaseHTTP(rid)
	for _, step := range []struct {
		c      *hotClient
		action string
		form   url.Values
	}{{opC, "mover", vals("a", "evaluacion")}, {opC, "cierre", vals("motivo", "[SINTÉTICO] canalizado")}, {supC, "decidir-cierre", vals("aprobar", "si")}} {
		if w := step.c.consolePost(fmt.Sprintf("/consola/casos/%d/%s", cid, step.action), step.form); w.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step.action, w.Code, w.Body)
		}
	}
	w := e.client().postForm("/seguimiento", vals("folio", receipt))
	body := w.Body.String()
	if !strings.Contains(body, es("follow.status.cerrado")) || !strings.Contains(body, es("follow.closed.means")) || !strings.Contains(body, es("follow.closed.add")) {
		t.Errorf("the closed report's page does not explain closing: %.800s", body)
	}
	// A report not yet read says when it will be.
	fresh, _ := e.submit(syntheticReport("[SINTÉTICO] sin leer"))
	if body := e.client().postForm("/seguimiento", vals("folio", fresh)).Body.String(); !strings.Contains(body, es("follow.status.recibido.when", "24 horas")) {
		t.Error("a report not yet read does not say when it will be")
	}
}

// TestReferralDirectory: the directory is seeded from the bundled file,
// administrators add to and correct it, and the referral form offers the
// case's state's institutions and the national ones. SYNTHETIC entries.
func TestReferralDirectory(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	adm := e.login(e.addUser("adm_dir", staff.Administrador, "general", "own"))
	op := e.login(e.addUser("op_dir", staff.Operador, "norte", "own"))
	wantStatus(t, "operator on the directory", op.get("/consola/directorio"), http.StatusForbidden)
	page := adm.get("/consola/directorio").Body.String()
	for _, want := range []string{"FEVIMTRA", "Fiscalía del estado (Puebla)", "800 5533 000"} {
		if !strings.Contains(page, esc(want)) {
			t.Errorf("the seeded directory lacks %q", want)
		}
	}
	w := adm.consolePost("/consola/directorio", vals("estado", "21", "tipo", "refugio", "nombre", "[SINTÉTICO] Refugio Puebla", "telefono", "222 000 0000", "fuente", "[SINTÉTICO]"))
	wantStatus(t, "adding an entry", w, http.StatusSeeOther)
	wantStatus(t, "a phone with letters", adm.consolePost("/consola/directorio", vals("estado", "21", "tipo", "refugio", "nombre", "x", "telefono", "llama a Juan")), http.StatusBadRequest)
	entries, err := e.st.Directory(e.ctx, 21)
	if err != nil {
		t.Fatal(err)
	}
	var shelter int64
	for _, x := range entries {
		if x.Name == "[SINTÉTICO] Refugio Puebla" {
			shelter = x.ID
		}
		if x.State != 0 && x.State != 21 {
			t.Errorf("the directory for Puebla lists %s of state %d", x.Name, x.State)
		}
	}
	if shelter == 0 {
		t.Fatal("the new entry is not in Puebla's directory")
	}
	r := syntheticReport("[SINTÉTICO] canalizar con directorio")
	r.State = 21
	_, rid := e.submit(r)
	cid := op.openCaseHTTP(rid)
	casePage := op.get(fmt.Sprintf("/consola/casos/%d", cid)).Body.String()
	if !strings.Contains(casePage, fmt.Sprintf(`<option value="%d"`, shelter)) || strings.Contains(casePage, "Fiscalía del estado (Jalisco)") || !strings.Contains(casePage, "FEVIMTRA") {
		t.Error("the referral form does not offer Puebla's and the national institutions only")
	}
	op.consolePost(fmt.Sprintf("/consola/casos/%d/consentimiento", cid), vals("consentimiento", "si"))
	if w := op.consolePost(fmt.Sprintf("/consola/casos/%d/canalizar", cid), vals("directorio", fmt.Sprint(shelter), "institucion", "otra", "detalles", "[SINTÉTICO] cupo para dos")); w.Code != http.StatusSeeOther {
		t.Fatalf("referral from the directory: %d %s", w.Code, w.Body)
	}
	cv, err := e.d.Case(e.ctx, e.actor(op), cid)
	if err != nil {
		t.Fatal(err)
	}
	if len(cv.Referrals) != 1 || cv.Referrals[0].Institution != "refugio" || !strings.HasPrefix(cv.Referrals[0].Details, "[SINTÉTICO] Refugio Puebla · 222 000 0000\n") {
		t.Errorf("referral: %+v", cv.Referrals)
	}
	// Deactivated, it is no longer offered.
	w = adm.consolePost("/consola/directorio", vals("id", fmt.Sprint(shelter), "estado", "21", "tipo", "refugio", "nombre", "[SINTÉTICO] Refugio Puebla", "telefono", "222 000 0000"))
	wantStatus(t, "deactivating", w, http.StatusSeeOther)
	if strings.Contains(op.get(fmt.Sprintf("/consola/casos/%d", cid)).Body.String(), fmt.Sprintf(`<option value="%d"`, shelter)) {
		t.Error("a deactivated entry is still offered")
	}
}
