package hotline

import "fmt"

// Status is where a case is in its workflow.
type Status string

// The case workflow: nuevo → evaluacion → plan → canalizado → seguimiento →
// cerrado, reopenable. Closing needs a supervisor's approval.
const (
	Nuevo       Status = "nuevo"
	Evaluacion  Status = "evaluacion"
	Plan        Status = "plan"
	Canalizado  Status = "canalizado"
	Seguimiento Status = "seguimiento"
	Cerrado     Status = "cerrado"
)

// Statuses is the workflow in order, with labels.
var Statuses = Vocab{
	{string(Nuevo), "Nuevo", "New", "Active"},
	{string(Evaluacion), "Evaluación", "Assessment", "Active"},
	{string(Plan), "Plan de atención", "Action plan", "Active"},
	{string(Canalizado), "Canalizado", "Referred", "Active"},
	{string(Seguimiento), "Seguimiento", "Follow-up", "FollowUp"},
	{string(Cerrado), "Cerrado", "Closed", "Closed"},
}

// next lists the moves a case may make without approval. Closing is not
// among them: it is requested and a supervisor approves it.
var next = map[Status][]Status{
	Nuevo:       {Evaluacion},
	Evaluacion:  {Plan, Canalizado, Seguimiento},
	Plan:        {Canalizado, Seguimiento, Evaluacion},
	Canalizado:  {Seguimiento, Plan},
	Seguimiento: {Plan, Canalizado},
	Cerrado:     {Evaluacion}, // reopening
}

// Next returns the statuses a case in s may move to directly.
func Next(s Status) []Status { return next[s] }

// CanMove reports whether a case may move from one status to another
// without a closure approval.
func CanMove(from, to Status) bool {
	for _, s := range next[from] {
		if s == to {
			return true
		}
	}
	return false
}

// CanRequestClose reports whether closure may be requested from s.
func CanRequestClose(s Status) bool { return s != Cerrado && s != Nuevo }

// Trafficking is the victim status as HTCDS has it, plus who decided.
var Trafficking = Vocab{
	{"posible", "Posible víctima de trata", "Possible victim of trafficking", "PossibleVictimOfTrafficking"},
	{"confirmada", "Víctima de trata confirmada", "Confirmed victim of trafficking", "ActualVictimOfTrafficking"},
	{"no_victima", "No es víctima de trata", "Not a victim of trafficking", "NotAVictimOfTrafficking"},
}

// DecidedBy are the HTCDS decision-making organisations.
var DecidedBy = Vocab{
	{"ong", "Organización de la sociedad civil (esta línea)", "NGO (this hotline)", "NGO"},
	{"policia", "Policía", "Police", "Police"},
	{"fiscalia", "Fiscalía o juzgado", "Prosecution or court", "CourtOrProsecution"},
	{"gobierno", "Otra institución pública", "Other public institution", "NonPoliceGovernmentalOrganization"},
	{"otra", "Otra", "Other", "Other"},
}

// Institutions are where a case may be referred.
var Institutions = Vocab{
	{"fiscalia", "Fiscalía (estatal o FGR)", "Prosecutor's office (state or federal)", "LawEnforcement"},
	{"ceav", "CEAV (Comisión Ejecutiva de Atención a Víctimas)", "CEAV (victims' commission)", "CentralGovernmentOrganisation"},
	{"dif", "DIF / Procuraduría de Protección de NNA", "DIF / child protection office", "LocalGovernmentOrganisation"},
	{"comar", "COMAR (refugio)", "COMAR (refugee commission)", "ImmigrationService"},
	{"inm", "INM", "National Migration Institute", "ImmigrationService"},
	{"refugio", "Refugio o casa de acogida", "Shelter", "NGO"},
	{"salud", "Servicios de salud", "Health services", "HealthServiceOrganisation"},
	{"legal", "Asesoría jurídica", "Legal aid", "LegalService"},
	{"otra", "Otra organización", "Other organisation", "NGO"},
}

// ReferralStatus is where a referral stands: enviada → aceptada | rechazada;
// aceptada → completada | revocada; enviada → revocada.
type ReferralStatus string

// Referral statuses.
const (
	Enviada    ReferralStatus = "enviada"
	Aceptada   ReferralStatus = "aceptada"
	Rechazada  ReferralStatus = "rechazada"
	Completada ReferralStatus = "completada"
	Revocada   ReferralStatus = "revocada"
)

// ReferralStatuses has their labels, with the HTCDS-like transition names.
var ReferralStatuses = Vocab{
	{string(Enviada), "Enviada", "Sent", "in_progress"},
	{string(Aceptada), "Aceptada", "Accepted", "accepted"},
	{string(Rechazada), "Rechazada", "Rejected", "rejected"},
	{string(Completada), "Completada", "Completed", "done"},
	{string(Revocada), "Revocada", "Revoked", "revoked"},
}

// MoveReferral checks a referral's move.
func MoveReferral(from, to ReferralStatus) error {
	ok := false
	switch from {
	case Enviada:
		ok = to == Aceptada || to == Rechazada || to == Revocada
	case Aceptada:
		ok = to == Completada || to == Revocada
	}
	if !ok {
		return fmt.Errorf("a referral cannot go from %s to %s", from, to)
	}
	return nil
}

// Urgency orders the triage queue: immediate danger first, then possible
// trafficking, risk situations, other crimes and requests for information.
func Urgency(kind Kind, urgent bool) int {
	u := 0
	switch kind {
	case PosibleTrata:
		u = 3
	case SituacionRiesgo:
		u = 2
	case OtroDelito:
		u = 1
	}
	if urgent {
		u += 10
	}
	return u
}

// StaffChannels are the channels of a report entered by staff: a call or
// message taken by an operator, or a person who came in.
var StaffChannels = Vocab{
	{"telefono", "Llamada telefónica", "Phone call", ""},
	{"whatsapp", "WhatsApp", "WhatsApp", ""},
	{"presencial", "En persona", "In person", ""},
	{"correo", "Correo electrónico", "E-mail", ""},
}

// UrgencyWord names a report's urgency (Urgency's number) for people:
// "peligro_inmediato", "alta", "media", "baja" or "informativa".
func UrgencyWord(u int) string {
	switch {
	case u >= 10:
		return "peligro_inmediato"
	case u >= 3:
		return "alta"
	case u == 2:
		return "media"
	case u == 1:
		return "baja"
	}
	return "informativa"
}

// CannedReply is a ready-made reply to a reporter, in both languages.
type CannedReply struct {
	ID, ES, EN string
}

// CannedReplies are the reply form's ready-made texts. They say nothing
// about the report itself: a receipt found by someone else must not reveal
// what was said.
var CannedReplies = []CannedReply{
	{"recibido", "Recibimos tu reporte. Una persona de nuestro equipo ya lo está revisando.",
		"We received your report. A member of our team is already reviewing it."},
	{"mas_informacion", "Gracias. Para poder ayudar necesitamos un poco más de información: ¿puedes agregar, con tu folio, cuándo y dónde ocurrió y cómo podemos reconocer el lugar?",
		"Thank you. To help, we need a little more information: could you add, with your receipt, when and where it happened and how we can recognise the place?"},
	{"canalizado", "Tu reporte fue canalizado a una institución que puede atenderlo. Si algo cambia, agrega la información con tu folio.",
		"Your report was referred to an institution that can act on it. If anything changes, add the information with your receipt."},
	{"peligro", "Si tú o alguien más está en peligro ahora, llama al 911. También puedes llamar a la Línea Nacional contra la Trata de Personas, 800 5533 000, las 24 horas.",
		"If you or someone else is in danger now, call 911. You can also call the National Anti-Trafficking Hotline (Línea Nacional contra la Trata de Personas), 800 5533 000, 24 hours a day."},
	{"seguridad", "Por tu seguridad, borra este folio de lugares donde otra persona pueda verlo, y usa el botón «Salir rápido» al terminar.",
		"For your safety, keep this receipt where no one else can see it, and use the «Quick exit» button when you finish."},
	{"cierre", "Cerramos tu reporte: ya se hizo lo que estaba a nuestro alcance. Si tienes información nueva, agrégala con tu folio y lo revisaremos de nuevo.",
		"We closed your report: we did what was within our reach. If you have new information, add it with your receipt and we will review it again."},
}

// CannedReplyByID finds a ready-made reply.
func CannedReplyByID(id string) (CannedReply, bool) {
	for _, c := range CannedReplies {
		if c.ID == id {
			return c, true
		}
	}
	return CannedReply{}, false
}
