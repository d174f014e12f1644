package brief

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// Format is an output form of the brief.
type Format string

// The forms vigia brief writes.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
)

// words are the brief's texts, from the one catalog the pages use too
// (internal/locale, keys "brief.*").
var words = map[string]map[string]string{
	"es": locale.Prefixed(locale.ES, "brief."),
	"en": locale.Prefixed(locale.EN, "brief."),
}

var monthsES = [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}
var monthsEN = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// Write renders the brief. lang is "es" (the default) or "en".
func (b *Brief) Write(w io.Writer, f Format, lang string) error {
	if f == JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	}
	if lang != "en" {
		lang = "es"
	}
	r := renderer{b: b, lang: lang, md: f == Markdown, t: words[lang]}
	r.write()
	_, err := io.WriteString(w, r.out.String())
	return err
}

type renderer struct {
	b    *Brief
	lang string
	md   bool
	t    map[string]string
	out  strings.Builder
}

func (r *renderer) p(format string, args ...any) { fmt.Fprintf(&r.out, format+"\n", args...) }

func (r *renderer) heading(level int, s string) {
	if r.md {
		r.p("%s %s", strings.Repeat("#", level), s)
	} else if level == 1 {
		r.p("%s\n%s", s, strings.Repeat("=", len([]rune(s))))
	} else {
		r.p("%s\n%s", s, strings.Repeat("-", len([]rune(s))))
	}
	r.p("")
}

func (r *renderer) item(format string, args ...any) {
	prefix := "  "
	if r.md {
		prefix = "- "
	}
	r.p(prefix+format, args...)
}

func (r *renderer) monthName(s string) string {
	ym, err := sesnsp.ParseYM(s)
	if err != nil {
		return s
	}
	y, m := ym.Year(), ym.Month()
	if r.lang == "en" {
		return fmt.Sprintf("%s %d", monthsEN[m-1], y)
	}
	return fmt.Sprintf("%s %d", monthsES[m-1], y)
}

func (r *renderer) period(from, to string) string {
	if from == to {
		return r.monthName(from)
	}
	return r.monthName(from) + " – " + r.monthName(to)
}

func (r *renderer) write() {
	b := r.b
	name := b.Measure.Name
	if r.lang == "en" {
		name = b.Measure.NameEN
	}
	r.heading(1, fmt.Sprintf("%s: %s", name, r.period(b.Period.From, b.Period.To)))
	note := b.Measure.Note
	if r.lang == "en" {
		note = b.Measure.NoteEN
	}
	r.p("%s", note)
	for _, n := range b.Notes {
		if n == "methodology-break" {
			r.p("%s", r.t["break"])
		}
	}
	r.p("")
	for _, sb := range []*SourceBrief{b.Carpetas, b.Victimas} {
		r.source(sb)
	}
	r.p("%s", r.t["source"])
}

func (r *renderer) vintages(sb *SourceBrief) string {
	var names []string
	for _, rel := range sb.Releases {
		names = append(names, fmt.Sprintf("%s (%s…%s)", rel.Vintage, rel.From, rel.To))
	}
	word := r.t["release"]
	if len(names) > 1 {
		word = r.t["releases"]
	}
	return word + " " + strings.Join(names, ", ")
}

func (r *renderer) source(sb *SourceBrief) {
	if !sb.Available {
		r.heading(2, r.t[sb.Source])
		why := ""
		switch {
		case sb.ReasonCode == "no-file" && r.lang == "es":
			why = fmt.Sprintf(": el corte %s no incluye archivo de %s", r.b.Period.Vintage, strings.ToLower(r.t[sb.Source]))
		case sb.ReasonCode == "no-file":
			why = fmt.Sprintf(": release %s has no %s file", r.b.Period.Vintage, strings.ToLower(r.t[sb.Source]))
		case r.lang == "es":
			why = ": ningún corte disponible cubre el periodo"
		default:
			why = ": no release held covers the period"
		}
		r.p("%s%s.", r.t["unavailable"], why)
		r.p("")
		return
	}
	r.heading(2, fmt.Sprintf("%s (%s)", r.t[sb.Source], r.vintages(sb)))
	r.item("%s: %s (%s %s–%s)", r.t["total"], Int(*sb.Total), r.t["ci"], Dec(sb.TotalCI[0], 1), Dec(sb.TotalCI[1], 1))
	if len(sb.Unpublished) > 0 {
		r.item("%s: %s", r.t["covered"], Coverage(r.lang, r.b.Period.From, r.b.Period.To, sb.Unpublished))
		r.item("%s: %s", r.t["unpublished"], strings.Join(sb.Unpublished, ", "))
	}
	prevHead := r.t["prev"]
	if r.b.Period.PreviousShift > 12 {
		prevHead = r.t["prevPeriod"]
	}
	if sb.PreviousYearTotal != nil {
		pct := r.t["nd"]
		if sb.ChangePct != nil {
			pct = Signed(*sb.ChangePct, 1) + " %"
		}
		r.item("%s (%s): %s (%s; %s)", prevHead, r.b.PreviousLabel(r.lang, sb), Int(*sb.PreviousYearTotal), SignedInt(*sb.ChangeAbs), pct)
	} else if len(sb.PreviousUnpublished) > 0 {
		r.item("%s: %s; %s", prevHead, r.t["nocmp"], sb.PreviousWhy(r.lang))
	}
	var ms []string
	for _, m := range sb.Monthly {
		ms = append(ms, fmt.Sprintf("%s %s", m.Month, Int(m.Count)))
	}
	r.item("%s: %s", r.t["monthly"], strings.Join(ms, " · "))
	if sb.Rate != nil {
		ann := ""
		if sb.Rate.Annualised {
			ann = ", " + r.t["annualised"]
		}
		r.item("%s: %s (%s %s–%s%s)", r.t["rate"], Dec(sb.Rate.Per100k, 2), r.t["ci"], Dec(sb.Rate.Low, 2), Dec(sb.Rate.High, 2), ann)
	}
	if d := sb.Dispersion; d != nil {
		if d.Pairs > 0 {
			r.item(r.t["disp"], d.From, d.To, Dec(d.Phi, 1))
		} else {
			r.item("%s", r.t["dispNone"])
		}
	}
	if pr := sb.Projection; pr != nil {
		r.item("%s", sb.ProjectionText(r.lang))
	}
	if g := sb.Group; g != nil {
		var names []string
		for _, c := range g.States {
			n, _ := strconv.Atoi(c)
			st, _ := sesnsp.StateByCode(n)
			names = append(names, fmt.Sprintf("%s %s", st.Name, Int(stateCount(sb, c))))
		}
		share := r.t["nd"]
		if g.SharePct != nil {
			share = Dec(*g.SharePct, 1) + " %"
		}
		r.item("%s (%s): %s, %s %s", r.t["group"], strings.Join(names, ", "), Int(g.Total), share, r.t["ofnational"])
	}
	if h := sb.HighestText(r.lang); h != "" {
		r.item("%s", h)
	}
	var top []string
	for i, s := range sb.ByState {
		if i == 5 || s.Count == 0 {
			break
		}
		rate := ""
		if s.Rate != nil {
			rate = fmt.Sprintf(", %s/100k", Dec(*s.Rate, 2))
		}
		top = append(top, fmt.Sprintf("%d. %s %s%s", s.Rank, s.Name, Int(s.Count), rate))
	}
	if len(top) > 0 {
		r.item("%s: %s", r.t["top"], strings.Join(top, "; "))
	}
	for _, part := range []struct {
		key string
		b   []Breakdown
	}{{"bysex", sb.BySex}, {"byage", sb.ByAge}, {"bysub", sb.BySubtipo}} {
		if len(part.b) == 0 {
			continue
		}
		var xs []string
		for _, x := range part.b {
			xs = append(xs, fmt.Sprintf("%s %s", sesnsp.Label(r.lang, x.Key), Int(x.Count)))
		}
		r.item("%s: %s", r.t[part.key], strings.Join(xs, "; "))
		if part.key == "bysex" {
			if s := sb.SexRatesText(r.lang); s != "" {
				r.item("%s", s)
			}
		}
	}
	if len(sb.Revisions) > 0 {
		var xs []string
		for _, v := range sb.Revisions {
			xs = append(xs, fmt.Sprintf("%s %s (%s) → %s (%s)", v.Month, Int(v.Old), v.Before, Int(v.New), v.After))
		}
		r.item("%s: %s", r.t["revisions"], strings.Join(xs, "; "))
	}
	r.p("")
}

func stateCount(sb *SourceBrief, code string) int64 {
	for _, s := range sb.ByState {
		if s.Code == code {
			return s.Count
		}
	}
	return 0
}

// Int formats a count as es-MX and en-US both do: 1,171.
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// SignedInt formats a difference with its sign.
func SignedInt(n int64) string {
	if n > 0 {
		return "+" + Int(n)
	}
	return Int(n)
}

// Dec formats a number with d decimals, grouping thousands.
func Dec(x float64, d int) string {
	s := strconv.FormatFloat(x, 'f', d, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	out := Int(n)
	if strings.HasPrefix(whole, "-") && n == 0 {
		out = "-0"
	}
	if frac != "" {
		out += "." + frac
	}
	return out
}

// Signed formats a percentage change with its sign.
func Signed(x float64, d int) string {
	if x > 0 {
		return "+" + Dec(x, d)
	}
	return Dec(x, d)
}

// HighestText is the "the most since" sentence of a source in lang ("es"
// or "en"), "" when there is none to say. When a year that could have been
// higher is not published it names the year instead of skipping it ("Mayor
// que 2024 (mismos meses); 2025 no publicado"), and when no comparison is
// made it says why.
func (sb *SourceBrief) HighestText(lang string) string {
	t := words["es"]
	if lang == "en" {
		t = words["en"]
	}
	basis, vsBasis := "", ""
	if sb.HighestBasis == "same-months" {
		basis = " (" + t["sameMonths"] + ")"
		vsBasis = ", " + t["sameMonths"]
	}
	brk := ""
	if sb.HighestAcrossBreak {
		brk = "; " + t["acrossBreak"]
	}
	switch {
	case sb.HighestSince != nil:
		return fmt.Sprintf("%s %d%s%s", t["since"], *sb.HighestSince, basis, brk)
	case sb.Record:
		return t["record"] + brk
	case sb.HighestNone == "below-previous" && sb.HighestVersus != nil:
		v := sb.HighestVersus
		return fmt.Sprintf("%s: %s; %s%s", t["since"], t["noClaim"], fmt.Sprintf(t["belowPrev"], v.Year, Int(v.Total)+vsBasis), brk)
	case sb.HighestNone == "within-noise" && sb.HighestVersus != nil:
		v := sb.HighestVersus
		return fmt.Sprintf("%s: %s; %s%s", t["since"], t["noClaim"], fmt.Sprintf(t["noise"], v.Year, Int(v.Total)+vsBasis), brk)
	case len(sb.HighestUnpublished) > 0:
		np := t["notpub1"]
		if len(sb.HighestUnpublished) > 1 {
			np = t["notpubN"]
		}
		gaps := yearList(sb.HighestUnpublished, t["and"]) + " " + np
		if len(sb.HigherThan) == 0 {
			return fmt.Sprintf("%s: %s; %s", t["since"], t["nocmp"], gaps)
		}
		return fmt.Sprintf("%s %s%s; %s%s", t["higher"], yearList(sb.HigherThan, t["and"]), basis, gaps, brk)
	case sb.HighestNone == "unpublished-months":
		return fmt.Sprintf("%s: %s; %s", t["since"], t["nocmp"], t["hasUnpub"])
	case sb.HighestNone == "several-years":
		return fmt.Sprintf("%s: %s; %s", t["since"], t["nocmp"], t["severalYears"])
	}
	return ""
}

// ProjectionText is the projection's sentence in lang: the run-rate, its
// interval and how such intervals fared on the earlier years; "" with no
// projection.
func (sb *SourceBrief) ProjectionText(lang string) string {
	pr := sb.Projection
	if pr == nil {
		return ""
	}
	t := words["es"]
	if lang == "en" {
		t = words["en"]
	}
	s := fmt.Sprintf("%s %d (%s): %s %s", t["proj"], pr.Year, t["projlabel"], Int(int64(pr.RunRate+0.5)), t["runrate"])
	if !pr.Interval {
		return s + " (" + t["nobase"] + ")"
	}
	s += fmt.Sprintf(" (%s: %s–%s", fmt.Sprintf(t["interval"], int(pr.Level*100+0.5)), Int(int64(pr.Low+0.5)), Int(int64(pr.High+0.5)))
	if bt := pr.Backtest; bt != nil {
		s += "; " + fmt.Sprintf(t["backtest"], bt.From, bt.To, bt.Covered, bt.Cases, Dec(bt.Coverage, 0))
	}
	if pr.AcrossBreak {
		s += "; " + t["learnsBreak"]
	}
	return s + ")"
}

// SexRatesText gives the rates by sex with their intervals and the share
// of victims whose sex is not identified; "" when no rate by sex exists.
func (sb *SourceBrief) SexRatesText(lang string) string {
	t := words["es"]
	if lang == "en" {
		t = words["en"]
	}
	var xs []string
	for _, x := range sb.BySex {
		if x.Rate == nil || x.RateLow == nil || x.RateHigh == nil {
			continue
		}
		xs = append(xs, fmt.Sprintf("%s %s (%s %s–%s)", sesnsp.Label(lang, x.Key), Dec(*x.Rate, 2), t["ci"], Dec(*x.RateLow, 2), Dec(*x.RateHigh, 2)))
	}
	if len(xs) == 0 {
		return ""
	}
	s := fmt.Sprintf("%s: %s", t["sexRates"], strings.Join(xs, "; "))
	if sb.UnknownSexPct != nil && *sb.UnknownSexPct > 0 {
		s += "; " + fmt.Sprintf(t["unknownSex"], Dec(*sb.UnknownSexPct, 1))
	}
	return s
}

// PreviousWhy says why the year-on-year comparison is missing: which
// months a year earlier are not published.
func (sb *SourceBrief) PreviousWhy(lang string) string {
	if len(sb.PreviousUnpublished) == 0 {
		return ""
	}
	t := words["es"]
	if lang == "en" {
		t = words["en"]
	}
	var ms []sesnsp.YM
	for _, m := range sb.PreviousUnpublished {
		ms = append(ms, parseYM(m))
	}
	np := t["notpub1"]
	if len(ms) > 1 {
		np = t["notpubN"]
	}
	return MonthRanges(lang, ms) + " " + np
}

// yearList writes years as ranges: 2019–2022, 2024 y 2025.
func yearList(ys []int, and string) string {
	var parts []string
	for i := 0; i < len(ys); {
		j := i
		for j+1 < len(ys) && ys[j+1] == ys[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, strconv.Itoa(ys[i]))
		default:
			parts = append(parts, fmt.Sprintf("%d–%d", ys[i], ys[j]))
		}
		i = j + 1
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + and + " " + parts[len(parts)-1]
}

// parseYM reads a month the brief itself wrote.
func parseYM(s string) sesnsp.YM {
	m, _ := sesnsp.ParseYM(s)
	return m
}

func monthOf(lang string, m sesnsp.YM) string {
	if lang == "en" {
		return monthsEN[m.Month()-1]
	}
	return monthsES[m.Month()-1]
}

// MonthRanges names months (sorted, ascending) as runs of consecutive
// months: "enero–marzo 2026", "noviembre 2025 – febrero 2026", "mayo 2024,
// julio 2024" ("January–March 2026" in English).
func MonthRanges(lang string, ms []sesnsp.YM) string {
	var parts []string
	for i := 0; i < len(ms); {
		j := i
		for j+1 < len(ms) && ms[j+1] == ms[j]+1 {
			j++
		}
		a, b := ms[i], ms[j]
		switch {
		case a == b:
			parts = append(parts, fmt.Sprintf("%s %d", monthOf(lang, a), a.Year()))
		case a.Year() == b.Year():
			parts = append(parts, fmt.Sprintf("%s–%s %d", monthOf(lang, a), monthOf(lang, b), b.Year()))
		default:
			parts = append(parts, fmt.Sprintf("%s %d – %s %d", monthOf(lang, a), a.Year(), monthOf(lang, b), b.Year()))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// Coverage says which months of from…to ("YYYY-MM") are published, given
// the unpublished ones: "" when every month is; otherwise, e.g., "enero–marzo
// 2026: 3 de 12 meses publicados" ("January–March 2026: 3 of 12 months
// published"). Every label of a figure summed over a period with months
// not published carries it.
func Coverage(lang, from, to string, unpublished []string) string {
	if len(unpublished) == 0 {
		return ""
	}
	t := words["es"]
	if lang == "en" {
		t = words["en"]
	}
	f, l := parseYM(from), parseYM(to)
	missing := map[sesnsp.YM]bool{}
	for _, m := range unpublished {
		missing[parseYM(m)] = true
	}
	var pub []sesnsp.YM
	for m := f; m <= l; m++ {
		if !missing[m] {
			pub = append(pub, m)
		}
	}
	n := int(l-f) + 1
	if len(pub) == 0 {
		return fmt.Sprintf("%s (0 %s %d)", t["nonePub"], t["of"], n)
	}
	return fmt.Sprintf("%s: %d %s %d %s", MonthRanges(lang, pub), len(pub), t["of"], n, t["monthsPub"])
}

// PreviousLabel names the months a source's year-on-year comparison adds
// up: the period a year earlier when every month of the period is
// published, otherwise only the months a year before the published ones
// ("abril–junio 2024: los 3 meses publicados del periodo, un año antes").
func (b *Brief) PreviousLabel(lang string, sb *SourceBrief) string {
	r := renderer{lang: lang}
	if r.lang != "en" {
		r.lang = "es"
	}
	shift := sesnsp.YM(max(b.Period.PreviousShift, 12))
	if len(sb.Unpublished) == 0 {
		if shift > 12 {
			t := words[r.lang]
			return r.period(b.Period.PreviousFrom, b.Period.PreviousTo) + ": " + fmt.Sprintf(t["prevMonths"], int(shift))
		}
		return r.period(b.Period.PreviousFrom, b.Period.PreviousTo)
	}
	var ms []sesnsp.YM
	for _, m := range sb.Monthly {
		ms = append(ms, parseYM(m.Month)-shift)
	}
	if shift > 12 {
		if r.lang == "en" {
			return fmt.Sprintf("%s: the %d published months of the period, %d months earlier", MonthRanges(r.lang, ms), len(ms), int(shift))
		}
		return fmt.Sprintf("%s: los %d meses publicados del periodo, %d meses antes", MonthRanges(r.lang, ms), len(ms), int(shift))
	}
	if r.lang == "en" {
		return fmt.Sprintf("%s: the %d published months of the period, a year earlier", MonthRanges(r.lang, ms), len(ms))
	}
	return fmt.Sprintf("%s: los %d meses publicados del periodo, un año antes", MonthRanges(r.lang, ms), len(ms))
}
