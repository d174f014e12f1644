package contact

import (
	"strings"
)

// Mexican numbers (SCREENING.md, "Mexican phone numbers"). Since August
// 2019 a number is 10 national digits, written +52 and the 10 digits. Ads
// still carry the older forms, which are normalised here before validation:
//
//	+52 1 + 10 digits, 521…   mobile "1" after the country code: dropped
//	044 / 045 + 10 digits     old mobile prefixes: dropped
//	01 + 10 digits            old long-distance prefix: dropped
//
// A national number starts with its area code (lada), whose first digit is
// 2–9: no Mexican number starts with 0 or 1.

// mxNational returns the 10 national digits of d, a run of digits as
// written, or false if d is not a Mexican number. intl says the run was
// written after a '+', which allows only the 52 forms.
func mxNational(d string, intl bool) (string, bool) {
	var nat string
	switch {
	case len(d) == 13 && strings.HasPrefix(d, "521"):
		nat = d[3:]
	case len(d) == 12 && strings.HasPrefix(d, "52"):
		nat = d[2:]
	case intl:
		return "", false
	case len(d) == 10:
		nat = d
	case len(d) == 13 && (strings.HasPrefix(d, "044") || strings.HasPrefix(d, "045")):
		nat = d[3:]
	case len(d) == 12 && strings.HasPrefix(d, "01"):
		nat = d[2:]
	default:
		return "", false
	}
	if !validNational(nat) {
		return "", false
	}
	return nat, true
}

func validNational(nat string) bool {
	if len(nat) != 10 || nat[0] < '2' || nat[0] > '9' {
		return false
	}
	for i := 0; i < len(nat); i++ {
		if !isDigit(nat[i]) {
			return false
		}
	}
	return true
}

// group is a run of digits in the phone-candidate view: ASCII digits
// (emoji and full-width digits are already ASCII after folding) or a
// spelled-out Spanish number ("cinco", "cincuenta y cinco").
type group struct {
	digits  string
	fs, fe  int // folded-text range
	spelled bool
}

// phones finds Mexican numbers written in the text.
func (x *extractor) phones() {
	f := x.f
	var run []group
	flush := func() {
		if len(run) > 0 {
			x.phoneRun(run)
		}
		run = run[:0]
	}
	for i := 0; i < len(f); {
		c := f[i]
		var g group
		switch {
		case isDigit(c):
			j := i + 1
			for j < len(f) && isDigit(f[j]) {
				j++
			}
			g = group{digits: f[i:j], fs: i, fe: j}
			i = j
		case isLower(c):
			j := i + 1
			for j < len(f) && isLetter(f[j]) {
				j++
			}
			if i > 0 && f[i-1] >= 0x80 {
				i = j // a word glued to a non-ASCII letter is not a number
				continue
			}
			d, end, ok := spelledNumber(f, i, j)
			if !ok {
				i = j
				continue
			}
			g = group{digits: d, fs: i, fe: end, spelled: true}
			i = end
		default:
			i++
			continue
		}
		if x.maskedRange(g.fs, g.fe) {
			flush()
			continue
		}
		if len(run) > 0 && !joinable(f, run[len(run)-1], g) {
			flush()
		}
		run = append(run, g)
	}
	flush()
}

// joinable reports whether g continues the number that prev is part of:
// only phone separators between them ("55 1234-5678", "(55) 1234.5678"),
// and at most three of them, so digits are not joined across text.
func joinable(f string, prev, g group) bool {
	gap := f[prev.fe:g.fs]
	if len(gap) == 0 {
		// "5512cinco": glued digits and words are not one number.
		return false
	}
	n := 0
	for i := 0; i < len(gap); i++ {
		switch c := gap[i]; c {
		case ' ', '-', '.', '(', ')':
			n++
		case ',':
			// "cinco, cinco, uno…" is a dictated number; "15,000" is a price.
			if !prev.spelled || !g.spelled {
				return false
			}
			n++
		case 0xe2:
			// en and em dashes, U+2013 and U+2014.
			if strings.HasPrefix(gap[i:], "\u2013") || strings.HasPrefix(gap[i:], "\u2014") {
				i += 2
				n++
				continue
			}
			return false
		default:
			return false
		}
	}
	return n <= 3
}

// phoneRun picks the Mexican numbers in a run of joinable groups. A run may
// hold more than one number ("55 1234 5678 33 8765 4321") or a number next
// to other figures ("CP 06600 55 1234 5678"), so it is split at group
// boundaries, choosing the split that covers the most digits with valid
// numbers and, between equal covers, the most phone-like grouping.
func (x *extractor) phoneRun(run []group) {
	f := x.f
	// A run after "+" and another country code is a foreign number: none of
	// its tails is Mexican ("+1 555 123 4567").
	if hasPlus(f, run[0].fs) && !strings.HasPrefix(run[0].digits, "52") {
		return
	}
	type seg struct {
		j   int // last group, inclusive
		nat string
	}
	n := len(run)
	// Runs are short; the arrays keep the common case off the heap.
	var bestArr [16]int
	var choiceArr [16]seg
	best, choice := bestArr[:0], choiceArr[:0]
	if n+1 > len(bestArr) {
		best, choice = make([]int, 0, n+1), make([]seg, 0, n+1)
	}
	best = best[:n+1]     // best score from group i on
	choice = choice[:n+1] // segment starting at i in the best split, j<0 for none
	best[n] = 0
	var buf [13]byte // the longest form, 521 or 044 and 10 digits
	for i := n - 1; i >= 0; i-- {
		best[i] = best[i+1]
		choice[i] = seg{j: -1}
		d := buf[:0]
		for j := i; j < n; j++ {
			if len(d)+len(run[j].digits) > len(buf) {
				break
			}
			d = append(d, run[j].digits...)
			digits := len(d)
			if digits < 10 {
				continue
			}
			nat, ok := x.validPhone(run[i:j+1], string(d))
			if !ok {
				continue
			}
			s := digits*4 + shape(run[i:j+1]) + best[j+1]
			if s > best[i] {
				best[i] = s
				choice[i] = seg{j: j, nat: nat}
			}
		}
	}
	for i := 0; i < n; {
		c := choice[i]
		if c.j < 0 {
			i++
			continue
		}
		fs := run[i].fs
		if p := plusAt(f, fs); p >= 0 {
			fs = p
		}
		e := "+52" + c.nat
		x.add(Identifier{Kind: KindPhone, Value: e, E164: e}, fs, run[c.j].fe)
		i = c.j + 1
	}
}

// validPhone applies the Mexican rules and the guards against figures that
// look like phones: prices, thousands, and reference numbers.
func (x *extractor) validPhone(gs []group, d string) (string, bool) {
	f := x.f
	nat, ok := mxNational(d, hasPlus(f, gs[0].fs))
	if !ok {
		return "", false
	}
	numeric := 0
	for _, g := range gs {
		if !g.spelled {
			numeric++
		}
	}
	// "20000-25000": a salary range, not a 5+5 number.
	if len(gs) == 2 && numeric == 2 && len(gs[0].digits) == 5 && len(gs[1].digits) == 5 {
		return "", false
	}
	// "2.500.000.000", "1 500 000 000": thousands, not a 1-3-3-3 number.
	if len(gs) >= 3 && numeric == len(gs) && len(gs[0].digits) <= 3 {
		thousands := true
		for _, g := range gs[1:] {
			if len(g.digits) != 3 {
				thousands = false
				break
			}
		}
		if thousands {
			return "", false
		}
	}
	// "$ 5512345678" or "5512345678 pesos": money.
	b := gs[0].fs
	for b > 0 && (f[b-1] == ' ' || f[b-1] == '(') {
		b--
	}
	if b > 0 && f[b-1] == '$' {
		return "", false
	}
	if w := nextWord(f, gs[len(gs)-1].fe); moneyWords[w] {
		return "", false
	}
	if refBefore(f, gs[0].fs) {
		return "", false
	}
	return nat, true
}

// shape scores how phone-like a grouping is, to choose between splits that
// cover the same digits: "2019 55 1234 5678" is a year and a number, not
// 2019551234 and a stray 5678.
func shape(gs []group) int {
	s := 0
	first, last := gs[0], gs[len(gs)-1]
	switch {
	case len(gs) == 1, first.spelled, len(first.digits) <= 3:
		s += 2
	}
	allShort := true
	for _, g := range gs {
		if len(g.digits) > 2 {
			allShort = false
		}
	}
	if len(last.digits) >= 4 || allShort {
		s++
	}
	return s
}

// hasPlus reports whether a '+' is written just before offset i.
func hasPlus(f string, i int) bool { return plusAt(f, i) >= 0 }

// plusAt returns the offset of a '+' (or "+ ", "+(") just before i, or -1.
func plusAt(f string, i int) int {
	for k := 0; k < 2 && i > 0; k++ {
		switch f[i-1] {
		case '+':
			return i - 1
		case ' ', '(':
			i--
		default:
			return -1
		}
	}
	return -1
}

// nextWord returns the ASCII word after offset i, skipping a space.
func nextWord(f string, i int) string {
	if i < len(f) && f[i] == ' ' {
		i++
	}
	j := i
	for j < len(f) && isLower(f[j]) {
		j++
	}
	return f[i:j]
}

var moneyWords = map[string]bool{
	"pesos": true, "peso": true, "mxn": true, "mn": true, "usd": true, "dls": true,
	"dlls": true, "dolares": true, "mil": true, "k": true, "millones": true,
}

// refWords are labels of numbers that are not phones: bank accounts,
// identity documents, order and tracking numbers.
var refWords = map[string]bool{
	"folio": true, "clabe": true, "cuenta": true, "tarjeta": true, "rfc": true,
	"curp": true, "nss": true, "ref": true, "referencia": true, "pedido": true,
	"orden": true, "guia": true, "id": true, "codigo": true, "cp": true,
}

// refBefore reports whether one of refWords labels the number at i: it is
// the last word within a few characters before it ("folio: 2345678901",
// "cuenta no. 4152…").
func refBefore(f string, i int) bool {
	lo := i - 16
	if lo < 0 {
		lo = 0
	}
	w := f[lo:i]
	// Walk back over words; skip filler ("no", "num", "de") and symbols.
	for k := 0; k < 3; k++ {
		w = strings.TrimRight(w, " :#.-(")
		j := len(w)
		for j > 0 && isLower(w[j-1]) {
			j--
		}
		word := w[j:]
		if word == "" {
			return false
		}
		if refWords[word] {
			return true
		}
		if word != "no" && word != "num" && word != "numero" && word != "de" && word != "n" {
			return false
		}
		w = w[:j]
	}
	return false
}

// Spelled-out Spanish numbers, as written in ads dictating a phone
// ("cinco cinco, uno dos…", "cincuenta y cinco, doce…"). Folded text has
// no accents: "dieciséis" is "dieciseis".
var units = map[string]string{
	"cero": "0", "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4",
	"cinco": "5", "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
}

var teens = map[string]string{
	"diez": "10", "once": "11", "doce": "12", "trece": "13", "catorce": "14",
	"quince": "15", "dieciseis": "16", "diecisiete": "17", "dieciocho": "18",
	"diecinueve": "19", "veinte": "20", "veintiuno": "21", "veintiun": "21",
	"veintidos": "22", "veintitres": "23", "veinticuatro": "24",
	"veinticinco": "25", "veintiseis": "26", "veintisiete": "27",
	"veintiocho": "28", "veintinueve": "29",
}

var tens = map[string]string{
	"treinta": "3", "cuarenta": "4", "cincuenta": "5", "sesenta": "6",
	"setenta": "7", "ochenta": "8", "noventa": "9",
}

// spelledNumber reads the word f[i:j] (and, for "treinta y cinco", the
// words after it) as digits. It returns the digits and the end offset.
func spelledNumber(f string, i, j int) (string, int, bool) {
	if j < len(f) && f[j] >= 0x80 {
		return "", 0, false
	}
	w := f[i:j]
	// Most words are not numbers: skip the map lookups for them.
	if len(w) < 3 || len(w) > 12 || strings.IndexByte("cudtsonqv", w[0]) < 0 {
		return "", 0, false
	}
	if d, ok := units[w]; ok {
		return d, j, true
	}
	if d, ok := teens[w]; ok {
		return d, j, true
	}
	t, ok := tens[w]
	if !ok {
		return "", 0, false
	}
	// "treinta y cinco" → 35; "treinta" alone → 30.
	if strings.HasPrefix(f[j:], " y ") {
		k := j + 3
		e := k
		for e < len(f) && isLetter(f[e]) {
			e++
		}
		if u, ok := units[f[k:e]]; ok && f[k:e] != "cero" {
			return t + u, e, true
		}
	}
	return t + "0", j, true
}
