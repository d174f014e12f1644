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
	rs := ruleSet()
	occ := rs.lits.scan(t.Folded)
	defer occ.release()
	return rs.features(t, occ)
}

// MatchFeatures is Match and FeaturesFromText at once, sharing one scan of
// the text for the literals of the rules and of the feature patterns.
func MatchFeatures(t normalize.Text) ([]Hit, Features) {
	rs := ruleSet()
	t = deobfuscate(t)
	occ := rs.lits.scan(t.Folded)
	defer occ.release()
	return rs.matchIn(t, occ), rs.features(t, occ)
}

// featPatterns are the feature patterns that search with the rule set's
// automaton, registered in it like the rules' patterns.
type featPatterns struct {
	whatsApp, email, url, company pattern
}

func (rs *RuleSet) features(t normalize.Text, occ *occurrences) Features {
	s := t.Folded
	fp := &rs.feat
	// Each pattern runs only when the text holds what every one of its
	// matches must contain, found by the automaton's scan; phone and salary
	// are hand-written scanners (same result as the patterns, which
	// TestFeatureGuards and FuzzFeatureScanners check, a fraction of the
	// time).
	f := Features{
		Length:      len(t.Original),
		HasPhone:    hasPhone(s),
		HasWhatsApp: fp.whatsApp.mayMatchIn(occ) && fp.whatsApp.matchesIn(s, occ),
		HasEmail:    fp.email.mayMatchIn(occ) && fp.email.matchesIn(s, occ),
		HasURL:      fp.url.mayMatchIn(occ) && hasURL(s),
		HasSalary:   hasSalary(s),
	}
	f.HasCompanyName = fp.company.mayMatchIn(occ) && fp.company.matchesIn(s, occ)
	// Every reFeatCapName match holds a capital letter and ends in one of
	// capNameVerbs.
	if !f.HasCompanyName && hasCapital(t.Original) && containsAny(t.Original, capNameVerbs) {
		capNames(" "+t.Original, func(m string) bool {
			if !reFeatCapStop.MatchString(trimLead(m)) {
				f.HasCompanyName = true
				return false
			}
			return true
		})
	}
	return f
}

// capNameStarter is reFeatCapName without its "^" branch, start-anchored:
// the text it runs on starts with a space, so "^" followed by a capital
// never matches and the matches are the same.
var capNameStarter = func() *starter {
	const p = `(?:[.!?] |, )(?:[A-ZÁÉÍÓÚÑ][\p{L}]+ ){1,4}(?:solicita|contrata|busca|requiere|invita)\b`
	if reFeatCapName.String() != `(?:^|[.!?] |, )`+p[len(`(?:[.!?] |, )`):] {
		panic("flags: capNameStarter is out of step with reFeatCapName")
	}
	return newStarter(p)
}()

// capNames calls yield with the matches of reFeatCapName.FindAllString(s,
// -1) in order, while it returns true, for s that starts with a space. A
// match starts with ". ", "! ", "? " or ", " and then a capital, so only
// those places are tried, anchored.
func capNames(s string, yield func(string) bool) {
	st := capNameStarter
	for from := 0; from < len(s); {
		pos := -1
		for _, lit := range st.starts {
			for k := from; ; {
				i := strings.Index(s[k:], lit)
				if i < 0 || (pos >= 0 && k+i >= pos) {
					break
				}
				if k+i+2 < len(s) && isCapitalAt(s, k+i+2) {
					pos = k + i
					break
				}
				k += i + 1
			}
		}
		if pos < 0 {
			return
		}
		e, ok := st.matchAt(s, pos)
		if !ok {
			from = pos + 1
			continue
		}
		if !yield(s[pos:e]) {
			return
		}
		from = max(e, pos+1)
	}
}

// isCapitalAt reports whether one of [A-ZÁÉÍÓÚÑ] starts at s[i].
func isCapitalAt(s string, i int) bool {
	c := s[i]
	if 'A' <= c && c <= 'Z' {
		return true
	}
	if c == 0xC3 && i+1 < len(s) {
		switch s[i+1] {
		case 0x81, 0x89, 0x8D, 0x93, 0x9A, 0x91: // Á É Í Ó Ú Ñ
			return true
		}
	}
	return false
}

// hasURL is reFeatURL.re.MatchString(s):
//
//	https?://|\bwww\.|#url_|\b[a-z0-9-]+\.(?:com|mx|org|net)(?:\.mx)?/
//
// The last branch is tried at every "." followed by a domain ending and a
// "/": it matches if some start of the run of [a-z0-9-] before the point
// has a word boundary.
func hasURL(s string) bool {
	if strings.Contains(s, "http://") || strings.Contains(s, "https://") || strings.Contains(s, "#url_") {
		return true
	}
	for k := 0; ; {
		i := strings.Index(s[k:], "www.")
		if i < 0 {
			break
		}
		if boundary(s, k+i) {
			return true
		}
		k += i + 1
	}
	for k := 0; ; {
		i := strings.IndexByte(s[k:], '.')
		if i < 0 {
			return false
		}
		j := k + i
		k = j + 1
		if !urlEnding(s[j+1:]) {
			continue
		}
		for p := j - 1; p >= 0 && isHostByte(s[p]); p-- {
			if boundary(s, p) {
				return true
			}
		}
	}
}

// urlEnding reports whether s starts with (?:com|mx|org|net)(?:\.mx)?/.
func urlEnding(s string) bool {
	for _, tld := range [...]string{"com", "mx", "org", "net"} {
		if rest, ok := strings.CutPrefix(s, tld); ok && (strings.HasPrefix(rest, "/") || strings.HasPrefix(rest, ".mx/")) {
			return true
		}
	}
	return false
}

func isHostByte(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' }

// hasCapital reports whether s holds one of the capitals reFeatCapName
// starts a word with: A–Z, Á, É, Í, Ó, Ú, Ñ.
func hasCapital(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			return true
		}
		if c == 0xC3 && i+1 < len(s) {
			switch s[i+1] {
			case 0x81, 0x89, 0x8D, 0x93, 0x9A, 0x91: // Á É Í Ó Ú Ñ
				return true
			}
		}
	}
	return false
}

// hasPhone is reFeatPhone.re.MatchString(s):
//
//	(?:\+?52[ .-]?)?(?:\(?\d{2,3}\)?[ .-]?)(?:\d[ .-]?){6,8}\d|#phone_
//
// The optional "+52" and "(" only extend a match to the left, and a
// three-digit area code holds a two-digit one (its last two digits), so a
// match exists iff somewhere two adjacent digits are followed by an
// optional ")", an optional separator, and a run of at least seven digits
// with at most one separator between neighbours (more digits after the
// seventh do not hurt: nothing follows the pattern).
func hasPhone(s string) bool {
	if strings.Contains(s, "#phone_") {
		return true
	}
	n := len(s)
	for i := 0; i+1 < n; i++ {
		if !isDigitByte(s[i]) {
			continue
		}
		if !isDigitByte(s[i+1]) {
			i++ // s[i+1] starts no pair either
			continue
		}
		j := i + 2
		if j < n && s[j] == ')' {
			j++
		}
		if j < n && isPhoneSep(s[j]) {
			j++
		}
		if digitChain(s, j) >= 7 {
			return true
		}
	}
	return false
}

func isPhoneSep(c byte) bool { return c == ' ' || c == '.' || c == '-' }

// digitChain counts the digits from s[j] on, each after the previous one
// directly or after one phone separator; it stops counting at 7.
func digitChain(s string, j int) int {
	k := 0
	for j < len(s) && isDigitByte(s[j]) {
		k++
		if k >= 7 {
			return k
		}
		j++
		if j < len(s) && isPhoneSep(s[j]) && j+1 < len(s) && isDigitByte(s[j+1]) {
			j++
		}
	}
	return k
}

// salaryWords are the words after an amount in reFeatSalary.
var salaryWords = []string{"pesos", "mxn", "usd", "dolares", "dlls", "mil pesos"}

// hasSalary is reFeatSalary.re.MatchString(s):
//
//	\$ ?\d|\b\d[\d,.]* ?(?:pesos|mxn|usd|dolares|dlls|mil pesos)\b|\b\d[\d,.]*k?\s?-\s?\d[\d,.]*k?\b
//
// In the last two branches [\d,.]* must take the whole run of digits,
// commas and points: what follows it (a space, a letter, "k", a dash) is
// none of those. So every digit after a non-word byte is tried with the
// end of its run, once per run.
func hasSalary(s string) bool {
	n := len(s)
	for k := 0; ; k++ {
		d := strings.IndexByte(s[k:], '$')
		if d < 0 {
			break
		}
		k += d
		j := k + 1
		if j < n && s[j] == ' ' {
			j++
		}
		if j < n && isDigitByte(s[j]) {
			return true
		}
	}
	for i := 0; i < n; i++ {
		if !isDigitByte(s[i]) || (i > 0 && isWordByte(s[i-1])) {
			continue
		}
		e := i + 1
		for e < n && isAmountByte(s[e]) {
			e++
		}
		// "… pesos": an optional space, a word, \b.
		j := e
		if j < n && s[j] == ' ' {
			j++
		}
		for _, w := range salaryWords {
			if strings.HasPrefix(s[j:], w) && !wordAt(s, j+len(w)) {
				return true
			}
		}
		// "… - …": k?, \s?, "-", \s?, a digit, its run, k?, \b.
		j = e
		if j < n && s[j] == 'k' {
			j++
		}
		if j < n && isRegexpSpace(s[j]) {
			j++
		}
		if j < n && s[j] == '-' {
			j++
			if j < n && isRegexpSpace(s[j]) {
				j++
			}
			if j < n && isDigitByte(s[j]) {
				e2 := j + 1
				for e2 < n && isAmountByte(s[e2]) {
					e2++
				}
				for q := j + 1; q <= e2; q++ {
					if boundary(s, q) {
						return true
					}
				}
				if e2 < n && s[e2] == 'k' && boundary(s, e2+1) {
					return true
				}
			}
		}
		i = e - 1 // a later start in the same run ends at e too
	}
	return false
}

func isAmountByte(c byte) bool { return isDigitByte(c) || c == ',' || c == '.' }

// isRegexpSpace is \s in Go's regexp: [\t\n\f\r ].
func isRegexpSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// wordAt reports whether s[i] is a word byte (false at the end).
func wordAt(s string, i int) bool { return i < len(s) && isWordByte(s[i]) }

// boundary is \b at offset i.
func boundary(s string, i int) bool { return (i > 0 && isWordByte(s[i-1])) != wordAt(s, i) }

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
