package web

import (
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/screen/flags"
)

// The verdicts /oferta can give. Each names its heading and text in the
// locale catalogs ("check.v.<kind>.h", "check.v.<kind>.text") and its CSS
// class, so that a template cannot pair a heading with the wrong text: the
// page once printed "Riesgo medio — esta oferta tiene algunas señales" next
// to "No encontramos señales de alerta".
const (
	// verdictShort: too little text to judge; no risk tier is shown.
	verdictShort = "insuficiente"
	// verdictNone: tier bajo and nothing to point at. It must not read as
	// "safe": the page says what was checked and what to verify.
	verdictNone = "ninguna"
	// verdictWeak: tier bajo, but a rule fired; its evidence is shown.
	verdictWeak   = "debil"
	verdictMedium = "medio"
	verdictHigh   = "alto"
	// verdictUnexplained: the model says medio or alto but there is no
	// evidence to show (no rule fired and no phrase stood out). A tier
	// banner saying "this offer has signs" without showing one would not be
	// honest, so the page says what it can and cannot tell.
	verdictUnexplained = "sinevidencia"
)

// verdict is what the /oferta page says about one pasted text.
type verdict struct {
	Kind     string
	Reasons  []verdictReason
	Segments []segment
	Contacts []screen.Identifier
	// ReportOffer is the text carried to /reportar, cut to what a report
	// may hold; Clipped says it was cut.
	ReportOffer string
	Clipped     bool
}

// verdictReason is one numbered reason with the words it rests on.
type verdictReason struct {
	N        int
	Text     string
	Evidence []string
	// Phrase: the reason is the model's phrases, not a named rule.
	Phrase bool
}

// segment is a run of the ad's text, marked when it is evidence; Refs are
// the numbers of the reasons it supports.
type segment struct {
	Text   string
	Mark   bool
	Phrase bool
	Title  string
	Refs   []int
}

// buildVerdict turns a screening result into what the page shows. It never
// shows a rule id or a number from the model: the tier is said in words
// and every medio or alto comes with at least one highlighted reason.
func buildVerdict(l locale.Lang, text string, res screen.Result) *verdict {
	v := &verdict{Contacts: res.Identifiers}
	v.ReportOffer, v.Clipped = clipRunes(text, hotline.MaxOffer)
	if res.Insufficient && len(res.Flags) == 0 {
		v.Kind = verdictShort
		v.Contacts = nil
		return v
	}
	type span struct {
		s, e int
		ref  int
		phr  bool
		why  string
	}
	var spans []span
	// Named rules first, strongest first: the screener lists its reasons
	// by how much each raised the risk.
	fl := append([]screen.Flag(nil), res.Flags...)
	rank := map[string]int{}
	for i, r := range res.Reasons {
		if _, ok := rank[r]; !ok {
			rank[r] = i
		}
	}
	pos := func(f screen.Flag) int {
		if i, ok := rank[f.Reason]; ok {
			return i
		}
		return len(rank)
	}
	sort.SliceStable(fl, func(i, j int) bool { return pos(fl[i]) < pos(fl[j]) })
	for _, f := range fl {
		s, e, ok := wordSpan(text, f.StartByte, f.EndByte)
		if !ok {
			continue
		}
		why := f.Reason
		if l == locale.EN {
			why = f.ReasonEN
		}
		if why == "" {
			why = locale.T(l, "check.reason.unnamed")
		}
		// Two rules with one wording (none today) read as one reason.
		n := 0
		for i := range v.Reasons {
			if v.Reasons[i].Text == why {
				n = v.Reasons[i].N
				v.Reasons[i].Evidence = appendNew(v.Reasons[i].Evidence, text[s:e])
			}
		}
		if n == 0 {
			n = len(v.Reasons) + 1
			v.Reasons = append(v.Reasons, verdictReason{N: n, Text: why, Evidence: []string{text[s:e]}})
		}
		spans = append(spans, span{s, e, n, false, why})
	}
	var phrase *verdictReason
	for _, p := range res.Phrases {
		s, e, ok := wordSpan(text, p.StartByte, p.EndByte)
		if !ok {
			continue
		}
		if phrase == nil {
			v.Reasons = append(v.Reasons, verdictReason{N: len(v.Reasons) + 1, Text: locale.T(l, "check.reason.phrase"), Phrase: true})
			phrase = &v.Reasons[len(v.Reasons)-1]
		}
		phrase.Evidence = appendNew(phrase.Evidence, text[s:e])
		spans = append(spans, span{s, e, phrase.N, true, phrase.Text})
	}
	switch {
	case len(v.Reasons) == 0 && res.Tier != "bajo":
		v.Kind = verdictUnexplained
	case len(v.Reasons) == 0:
		v.Kind = verdictNone
	case res.Tier == "alto":
		v.Kind = verdictHigh
	case res.Tier == "medio":
		v.Kind = verdictMedium
	default:
		v.Kind = verdictWeak
	}
	if len(spans) == 0 {
		return v
	}
	// Cut the text at the spans, merging overlaps, so that the template
	// puts each in one <mark>.
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].s < spans[j].s })
	at := 0
	for _, sp := range spans {
		if n := len(v.Segments); n > 0 && v.Segments[n-1].Mark && sp.s < at {
			last := &v.Segments[n-1]
			if sp.e > at {
				last.Text += text[at:sp.e]
				at = sp.e
			}
			last.Phrase = last.Phrase && sp.phr
			if !containsInt(last.Refs, sp.ref) {
				last.Refs = append(last.Refs, sp.ref)
				last.Title += "; " + sp.why
			}
			continue
		}
		if sp.s > at {
			v.Segments = append(v.Segments, segment{Text: text[at:sp.s]})
		}
		v.Segments = append(v.Segments, segment{Text: text[sp.s:sp.e], Mark: true, Phrase: sp.phr, Title: sp.why, Refs: []int{sp.ref}})
		at = sp.e
	}
	if at < len(text) {
		v.Segments = append(v.Segments, segment{Text: text[at:]})
	}
	return v
}

// wordSpan widens the byte span [s, e) of text to whole words, so that a
// highlight never cuts one ("hospedaje incluid" becomes "hospedaje
// incluido"). It reports false for a span outside the text or empty.
func wordSpan(text string, s, e int) (int, int, bool) {
	if s < 0 || e > len(text) || s >= e {
		return 0, 0, false
	}
	for s > 0 && !utf8.RuneStart(text[s]) {
		s--
	}
	for e < len(text) && !utf8.RuneStart(text[e]) {
		e++
	}
	// Only a span that starts (ends) inside a word grows: one that starts
	// at a space does not take in the word before it.
	if r, _ := utf8.DecodeRuneInString(text[s:]); wordRune(r) {
		for s > 0 {
			r, n := utf8.DecodeLastRuneInString(text[:s])
			if !wordRune(r) {
				break
			}
			s -= n
		}
	}
	if r, _ := utf8.DecodeLastRuneInString(text[:e]); wordRune(r) {
		for e < len(text) {
			r, n := utf8.DecodeRuneInString(text[e:])
			if !wordRune(r) {
				break
			}
			e += n
		}
	}
	return s, e, true
}

func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// clipRunes cuts s to at most n code points.
func clipRunes(s string, n int) (string, bool) {
	i := 0
	for j := range s {
		if i == n {
			return s[:j], true
		}
		i++
	}
	return s, false
}

func appendNew(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// checkedFlags lists the red flags a single pasted text is checked for.
// Flags found only across many ads (the same text in many cities, bursts)
// or that need the ad's city are left out: a pasted offer is not checked
// for them.
func checkedFlags(l locale.Lang) []string {
	var out []string
	for _, f := range flags.All() {
		if len(f.Patterns) == 0 {
			continue
		}
		if l == locale.EN {
			out = append(out, f.ReasonEN())
		} else {
			out = append(out, f.Reason())
		}
	}
	return out
}
