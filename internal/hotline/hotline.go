// Package hotline is the domain of the hotline: what a report from the public
// holds, the vocabularies it is coded with (the Línea Nacional's four classes,
// the eleven forms of exploitation of art. 10 of the Ley General, recruitment
// channels, victims' age bands, sex and vulnerable groups), how a report is
// validated, and the case workflow that grows out of it.
//
// It knows nothing of HTTP, SQL or keys: the web server fills a Report from a
// form or JSON, the store keeps it sealed, and this package says whether it is
// valid and what its values mean in Spanish and English.
package hotline

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is the top-level class of a report, as the Línea Nacional contra la
// Trata de Personas classifies its contacts.
type Kind string

// The four classes.
const (
	Informacion     Kind = "informacion"
	SituacionRiesgo Kind = "situacion_riesgo"
	OtroDelito      Kind = "otro_delito"
	PosibleTrata    Kind = "posible_trata"
)

// Report is what a person tells the hotline, through the form or a partner
// channel. Everything in it except Kind, State, Urgent and Channel is sealed
// before it is stored.
type Report struct {
	Kind        Kind   `json:"kind"`
	Description string `json:"description"`
	// State is the INEGI entity code, 1–32.
	State int `json:"state"`
	// Municipality is the 5-digit INEGI code (CVEGEO), optional.
	Municipality string `json:"municipality,omitempty"`
	// When is when it happened: YYYY, YYYY-MM or YYYY-MM-DD, optional.
	When         string   `json:"when,omitempty"`
	Exploitation []string `json:"exploitation,omitempty"`
	Recruitment  []string `json:"recruitment,omitempty"`
	// Offer is the text of a job offer, screened automatically.
	Offer   string   `json:"offer,omitempty"`
	Victims []Victim `json:"victims,omitempty"`
	// Urgent says someone is in danger now: such reports go first.
	Urgent  bool    `json:"urgent,omitempty"`
	Contact Contact `json:"contact"`
	// Channel is where the report came from: "web", "api" or a partner's name.
	Channel string `json:"channel,omitempty"`
	// Call is set on a report staff took by phone or in person (never by
	// the public form or API).
	Call *Call `json:"call,omitempty"`
}

// Call is when a report taken by staff was given, and who took it.
type Call struct {
	Start   string `json:"start"` // RFC 3339
	End     string `json:"end"`
	TakenBy string `json:"taken_by"`
}

// Victim describes one possible victim, in structured fields only.
type Victim struct {
	AgeBand     string   `json:"age_band,omitempty"`
	Sex         string   `json:"sex,omitempty"`
	Nationality string   `json:"nationality,omitempty"` // ISO 3166 alpha-2
	Groups      []string `json:"groups,omitempty"`
}

// Contact says whether and how the reporter wants to be contacted. Method
// "ninguno" (the default) means follow-up only through the receipt.
type Contact struct {
	Method string `json:"method,omitempty"`
	Value  string `json:"value,omitempty"`
	// Safe says when or how it is safe to call or write.
	Safe string `json:"safe,omitempty"`
}

// Term is one value of a vocabulary with its labels.
type Term struct {
	Value string `json:"value"`
	ES    string `json:"es"`
	EN    string `json:"en"`
	// HTCDS is the value name in the HTCDS 2.0 standard, where one exists.
	HTCDS string `json:"htcds,omitempty"`
}

// Label returns the label in lang ("es" or "en").
func (t Term) Label(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.ES
}

// Vocab is an ordered vocabulary.
type Vocab []Term

// Has reports whether v is a value of the vocabulary.
func (vs Vocab) Has(v string) bool {
	return slices.ContainsFunc(vs, func(t Term) bool { return t.Value == v })
}

// Label returns the label of value v in lang, or v itself.
func (vs Vocab) Label(v, lang string) string {
	for _, t := range vs {
		if t.Value == v {
			return t.Label(lang)
		}
	}
	return v
}

// Kinds are the four classes of a report.
var Kinds = Vocab{
	{string(Informacion), "Quiero información u orientación", "I want information or advice", ""},
	{string(SituacionRiesgo), "Situación de riesgo (por ejemplo, un intento de reclutamiento)", "Risk situation (for example, an attempt to recruit)", ""},
	{string(OtroDelito), "Otro delito", "Another crime", ""},
	{string(PosibleTrata), "Posible trata de personas", "Possible human trafficking", ""},
}

// Exploitation holds the eleven forms of exploitation of article 10 of the
// Ley General, with the HTCDS value each maps to (HOTLINE.md §3.4).
var Exploitation = Vocab{
	{"esclavitud", "Esclavitud", "Slavery", "Servitude"},
	{"servidumbre", "Condición de siervo", "Servitude", "Servitude"},
	{"explotacion_sexual", "Prostitución ajena u otras formas de explotación sexual", "Prostitution of others or other sexual exploitation", "SexualExploitation"},
	{"explotacion_laboral", "Explotación laboral", "Labour exploitation", "ForcedLabour"},
	{"trabajo_forzado", "Trabajo o servicios forzados", "Forced labour or services", "ForcedLabour"},
	{"mendicidad_forzosa", "Mendicidad forzosa", "Forced begging", "ForcedBegging"},
	{"menores_delictivas", "Uso de menores de 18 años en actividades delictivas", "Use of children under 18 in criminal activities", "Other"},
	{"adopcion_ilegal", "Adopción ilegal", "Illegal adoption", "ForcedAdoption"},
	{"matrimonio_forzoso", "Matrimonio forzoso o servil", "Forced or servile marriage", "ForcedMarriage"},
	{"trafico_organos", "Tráfico de órganos, tejidos y células", "Trafficking in organs, tissues and cells", "OrganRemoval"},
	{"experimentacion_biomedica", "Experimentación biomédica ilícita", "Illicit biomedical experimentation", "Other"},
}

// Recruitment holds how a person was approached.
var Recruitment = Vocab{
	{"facebook", "Facebook", "Facebook", "Facebook"},
	{"whatsapp", "WhatsApp", "WhatsApp", "WhatsApp"},
	{"instagram", "Instagram", "Instagram", "Instagram"},
	{"tiktok", "TikTok", "TikTok", "TikTok"},
	{"telegram", "Telegram", "Telegram", "Telegram"},
	{"otra_red", "Otra red social o aplicación", "Another social network or app", "Other"},
	{"bolsa_trabajo", "Bolsa de trabajo o anuncio en línea", "Job board or online ad", "ThroughAnOnlineAdvertisement"},
	{"anuncio_impreso", "Anuncio impreso, volante o radio", "Printed ad, flyer or radio", "ThroughANewspaperAdvert"},
	{"agencia", "Agencia o enganchador", "Agency or recruiter", "AtAPlaceOfBusiness"},
	{"conocido", "Una persona conocida o amistad", "An acquaintance or friend", "ThroughFriendsOrSocialEvents"},
	{"familiar", "Un familiar", "A relative", "ThroughFamilyOrFamilyEvents"},
	{"pareja", "Pareja o novio(a)", "Partner or boyfriend/girlfriend", "Other"},
	{"otro", "Otro", "Other", "Other"},
}

// AgeBands follow the finer grid of the 2026 SESNSP RNID files, which also
// maps onto the older minor/adult grid.
var AgeBands = Vocab{
	{"0-12", "0 a 12 años", "0 to 12", ""},
	{"13-17", "13 a 17 años", "13 to 17", ""},
	{"18-29", "18 a 29 años", "18 to 29", ""},
	{"30-60", "30 a 60 años", "30 to 60", ""},
	{"61+", "Más de 60 años", "Over 60", ""},
	{"no_se", "No sé", "Don't know", ""},
}

// Sexes are the victim's sex as the reporter perceives it.
var Sexes = Vocab{
	{"mujer", "Mujer", "Woman", "Feminine"},
	{"hombre", "Hombre", "Man", "Masculine"},
	{"otro", "Otro / no binario", "Other / non-binary", "NonConforming"},
	{"no_se", "No sé", "Don't know", "NonSpecifiedUnknown"},
}

// Groups are vulnerable groups, as structured fields (HTCDS lacks most).
var Groups = Vocab{
	{"indigena", "Persona indígena", "Indigenous person", ""},
	{"migrante", "Persona migrante", "Migrant", ""},
	{"solicitante_asilo", "Solicitante de asilo o refugiada", "Asylum seeker or refugee", ""},
	{"nna_no_acompanado", "Niña, niño o adolescente sin compañía", "Unaccompanied child", ""},
	{"lgbti", "Persona LGBTI+", "LGBTI+ person", ""},
	{"discapacidad", "Persona con discapacidad", "Person with a disability", ""},
	{"situacion_calle", "En situación de calle", "Homeless", ""},
	{"trabajo_informal", "Trabajo informal o del hogar", "Informal or domestic work", ""},
	{"embarazada", "Embarazada", "Pregnant", ""},
}

// ContactMethods are the ways a reporter may ask to be contacted.
var ContactMethods = Vocab{
	{"ninguno", "No quiero que me contacten; usaré mi folio", "Do not contact me; I will use my receipt", ""},
	{"telefono", "Llamada telefónica", "Phone call", ""},
	{"whatsapp", "WhatsApp", "WhatsApp", ""},
	{"correo", "Correo electrónico", "E-mail", ""},
}

// Limits on what a report may hold, so that one report cannot fill a disk.
const (
	MaxDescription = 10_000 // characters
	MaxOffer       = 10_000
	MaxShort       = 200
	MaxVictims     = 20
)

// FieldError names the field a value is wrong in and why, as a locale key
// the web layer translates ("hotline.err.required" and so on).
type FieldError struct {
	Field string
	Key   string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Key }

// Errors is every problem with a report, by field.
type Errors []FieldError

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "invalid report: " + strings.Join(parts, "; ")
}

// Has reports whether field has an error.
func (es Errors) Has(field string) bool {
	return slices.ContainsFunc(es, func(e FieldError) bool { return e.Field == field })
}

// Validate checks a report against the vocabularies and the municipal
// catalog and normalises it in place (trims text, drops duplicate choices).
// It returns Errors, or nil.
func (r *Report) Validate(geo *Geography) error {
	var es Errors
	add := func(field, key string) { es = append(es, FieldError{field, key}) }
	r.Description = strings.TrimSpace(r.Description)
	r.Offer = strings.TrimSpace(r.Offer)
	r.Municipality = strings.TrimSpace(r.Municipality)
	r.When = strings.TrimSpace(r.When)
	if !Kinds.Has(string(r.Kind)) {
		add("kind", "hotline.err.kind")
	}
	switch n := utf8.RuneCountInString(r.Description); {
	case n == 0:
		add("description", "hotline.err.required")
	case n > MaxDescription:
		add("description", "hotline.err.too_long")
	}
	if !utf8.ValidString(r.Description) || !utf8.ValidString(r.Offer) {
		add("description", "hotline.err.encoding")
	}
	if utf8.RuneCountInString(r.Offer) > MaxOffer {
		add("offer", "hotline.err.too_long")
	}
	if r.State < 1 || r.State > 32 {
		add("state", "hotline.err.state")
	}
	if r.Municipality != "" {
		if m, ok := geo.Municipality(r.Municipality); !ok {
			add("municipality", "hotline.err.municipality")
		} else if m.State != r.State {
			add("municipality", "hotline.err.municipality_state")
		}
	}
	if r.When != "" && !validWhen(r.When) {
		add("when", "hotline.err.when")
	}
	var bad bool
	r.Exploitation, bad = choices(r.Exploitation, Exploitation)
	if bad {
		add("exploitation", "hotline.err.choice")
	}
	r.Recruitment, bad = choices(r.Recruitment, Recruitment)
	if bad {
		add("recruitment", "hotline.err.choice")
	}
	if len(r.Victims) > MaxVictims {
		add("victims", "hotline.err.too_many")
	}
	for i := range r.Victims {
		v := &r.Victims[i]
		f := fmt.Sprintf("victims[%d]", i)
		if v.AgeBand != "" && !AgeBands.Has(v.AgeBand) {
			add(f+".age_band", "hotline.err.choice")
		}
		if v.Sex != "" && !Sexes.Has(v.Sex) {
			add(f+".sex", "hotline.err.choice")
		}
		v.Nationality = strings.ToUpper(strings.TrimSpace(v.Nationality))
		if v.Nationality != "" && !validCountry(v.Nationality) {
			add(f+".nationality", "hotline.err.country")
		}
		v.Groups, bad = choices(v.Groups, Groups)
		if bad {
			add(f+".groups", "hotline.err.choice")
		}
	}
	r.Victims = slices.DeleteFunc(r.Victims, func(v Victim) bool {
		return v.AgeBand == "" && v.Sex == "" && v.Nationality == "" && len(v.Groups) == 0
	})
	if r.Contact.Method == "" {
		r.Contact.Method = "ninguno"
	}
	r.Contact.Value = strings.TrimSpace(r.Contact.Value)
	r.Contact.Safe = strings.TrimSpace(r.Contact.Safe)
	if r.Contact.Method == "ninguno" {
		// A person who asked not to be contacted leaves no number behind,
		// even one typed before they changed their mind.
		r.Contact.Value, r.Contact.Safe = "", ""
	}
	if !ContactMethods.Has(r.Contact.Method) {
		add("contact.method", "hotline.err.choice")
	} else if r.Contact.Method != "ninguno" && r.Contact.Value == "" {
		add("contact.value", "hotline.err.contact_value")
	}
	if utf8.RuneCountInString(r.Contact.Value) > MaxShort || utf8.RuneCountInString(r.Contact.Safe) > MaxShort {
		add("contact.value", "hotline.err.too_long")
	}
	// The channel is stored in the clear: a name, never a number.
	if r.Channel != "" && !validChannel(r.Channel) {
		add("channel", "hotline.err.channel")
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

// choices keeps the known values once each, in vocabulary order, and says
// whether any value was unknown.
func choices(in []string, vocab Vocab) ([]string, bool) {
	var out []string
	bad := false
	seen := map[string]bool{}
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		if !vocab.Has(v) {
			bad = true
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool { return vocabIndex(vocab, out[i]) < vocabIndex(vocab, out[j]) })
	return out, bad
}

func vocabIndex(vs Vocab, v string) int {
	return slices.IndexFunc(vs, func(t Term) bool { return t.Value == v })
}

func validWhen(s string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil && len(s) == len(layout) {
			return t.Year() >= 1990 && t.Year() <= 2100
		}
	}
	return false
}

// validChannel accepts a partner channel's name: 1–40 lowercase letters,
// "_" or "-" (no digits, so no phone number can be put there).
func validChannel(s string) bool {
	if len(s) == 0 || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func validCountry(s string) bool {
	if len(s) != 2 {
		return false
	}
	for i := 0; i < 2; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// ParseState reads an INEGI entity code written as a number or a string
// ("9", "09").
func ParseState(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 32 {
		return 0, false
	}
	return n, true
}

// Minor reports whether an age band is under 18, and whether it is known.
func Minor(band string) (minor, known bool) {
	switch band {
	case "0-12", "13-17":
		return true, true
	case "18-29", "30-60", "61+":
		return false, true
	}
	return false, false
}
