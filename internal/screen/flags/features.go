package flags

import (
	"math"
	"regexp"
	"strings"

	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

// Features are cheap metadata fed to the model next to the rule hits.
type Features struct {
	Length         int  // bytes of the original text
	HasPhone       bool // a phone number (or an EMSCAD #PHONE_ mask)
	HasWhatsApp    bool // WhatsApp mentioned or wa.me link
	HasEmail       bool
	HasURL         bool
	HasCompanyName bool // the employer is named (legal suffix, "Empresa: X", a capitalised name before "solicita/contrata", or a company profile)
	HasSalary      bool // a concrete amount of money
}

var (
	reFeatPhone    = mustPattern(`(?:\+?52[ .-]?)?(?:\(?\d{2,3}\)?[ .-]?)(?:\d[ .-]?){6,8}\d|#phone_`)
	reFeatWhatsApp = mustPattern(`\bwhats ?app\b|\bwhats\b|\bwsp\b|\bwpp\b|wa\.me/|api\.whatsapp`)
	reFeatEmail    = mustPattern(`[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}|#email_`)
	reFeatURL      = mustPattern(`https?://|\bwww\.|#url_|\b[a-z0-9-]+\.(?:com|mx|org|net)(?:\.mx)?/`)
	reFeatCompany  = mustPattern(`\bs\.? ?a\.?(?: de c\.? ?v\.?)\b|\bs\. ?de r\.? ?l\.|\b(?:inc|llc|ltd|corp|gmbh|s\.a\.s)\b\.?|\b(?:empresa|company|razon social):`)
	reFeatCapName  = regexp.MustCompile(`(?:^|[.!?] |, )(?:[A-ZÁÉÍÓÚÑ][\p{L}]+ ){1,4}(?:solicita|contrata|busca|requiere|invita)\b`)
	reFeatCapStop  = regexp.MustCompile(`^(?:Se|Solicito|Busco|Urge|Urgen|Empresa|Importante|Agencia|Familia|Fábrica|Fabrica|Trabajo|Vacante|Gana|Chicas|Hoy|Si|We|Our|The|A)\b`)
	reFeatSalary   = mustPattern(`\$ ?\d|\b\d[\d,.]* ?(?:pesos|mxn|usd|dolares|dlls|mil pesos)\b|\b\d[\d,.]*k?\s?-\s?\d[\d,.]*k?\b`)
)

// FeaturesFromText derives Features from the ad text alone. Callers that
// know more (e.g. a verified company profile) can override fields.
func FeaturesFromText(t normalize.Text) Features {
	s := t.Folded
	// Each pattern runs only when the text holds what every one of its
	// matches must contain (same result, a fraction of the time).
	digits := countDigits(s)
	f := Features{
		Length:      len(t.Original),
		HasPhone:    (digits >= 9 || strings.Contains(s, "#phone_")) && reFeatPhone.matches(s),
		HasWhatsApp: reFeatWhatsApp.mayMatch(s) && reFeatWhatsApp.matches(s),
		HasEmail:    reFeatEmail.mayMatch(s) && reFeatEmail.matches(s),
		HasURL:      reFeatURL.mayMatch(s) && reFeatURL.matches(s),
		HasSalary:   digits > 0 && reFeatSalary.matches(s),
	}
	f.HasCompanyName = reFeatCompany.mayMatch(s) && reFeatCompany.matches(s)
	if !f.HasCompanyName && containsAny(t.Original, capNameVerbs) {
		for _, m := range reFeatCapName.FindAllString(" "+t.Original, -1) {
			m = trimLead(m)
			if !reFeatCapStop.MatchString(m) {
				f.HasCompanyName = true
				break
			}
		}
	}
	return f
}

// capNameVerbs are the verbs every reFeatCapName match ends with.
var capNameVerbs = []string{"solicita", "contrata", "busca", "requiere", "invita"}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

func trimLead(m string) string {
	for len(m) > 0 && (m[0] == ' ' || m[0] == '.' || m[0] == '!' || m[0] == '?' || m[0] == ',') {
		m = m[1:]
	}
	return m
}

// simpleNames are the model's non-flag inputs, in vector order.
var simpleNames = []string{"log_length", "has_phone", "has_whatsapp", "has_email", "has_url", "has_company_name", "has_salary"}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (f Features) vector() []float64 {
	l := math.Log1p(float64(max(f.Length, 0))) / math.Log1p(4000)
	l = min(l, 1.5)
	return []float64{l, b2f(f.HasPhone), b2f(f.HasWhatsApp), b2f(f.HasEmail), b2f(f.HasURL), b2f(f.HasCompanyName), b2f(f.HasSalary)}
}
