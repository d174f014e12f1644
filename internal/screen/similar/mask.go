package similar

import (
	"strings"
	"sync"

	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/screen/normalize"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// Slot markers: what masking puts in place of the parts of an ad that change
// from one copy of a recruitment template to the next. They are words for
// shingling and appear as they are in cluster templates. Words never
// contain braces, so a marker cannot collide with a word of the ad.
const (
	SlotNumber = "{NUMERO}"   // amounts, pay, ages, dates, any digits
	SlotPhone  = "{TELEFONO}" // a run of 8 or more digits, written or spelled
	SlotEmail  = "{CORREO}"
	SlotURL    = "{URL}"
	SlotHandle = "{USUARIO}" // @handle
	SlotName   = "{NOMBRE}"  // a common given name
	SlotPlace  = "{LUGAR}"   // a municipality or state of the INEGI catalog
)

// IsSlot reports whether a template word is a slot marker (including Slot,
// the free-text gap of cluster templates).
func IsSlot(w string) bool { return len(w) > 1 && w[0] == '{' }

// phoneDigits: a run of digits this long is a phone number, not an amount.
// Mexican numbers have 10 digits and are written in 2–4 groups; pay rarely
// reaches 7 digits ("$1,000,000"), and a group of 8 is never a salary.
const phoneDigits = 8

// maxPlaceWords bounds a place name in words ("heroica ciudad de huajuapan
// de leon" is the longest that matters).
const maxPlaceWords = 8

type wordInfo struct {
	name      bool
	place1    bool  // a one-word place
	placeLen  uint8 // longest multi-word place starting with this word, 0 if none
	spelled   bool  // a spelled-out digit: cero … nueve
	spelledOf uint8
}

// maskDict is the masking vocabulary: one map lookup per word tells what
// the word may start.
type maskDict struct {
	words  map[string]wordInfo
	places map[uint64]struct{} // phraseHash of multi-word places
}

// Place names that are ordinary words in job ads ("centro", "dias libres",
// "la compania", "progreso"): masking them would hide text that is the
// template, not a slot. Kept short and explicit.
var notPlaces = map[string]bool{
	"altar": true, "asientos": true, "calera": true, "cardonal": true, "casas": true, "catorce": true,
	"centro": true, "cerritos": true, "china": true, "colon": true, "concordia": true, "empalme": true,
	"espinal": true, "esperanza": true, "frontera": true, "fronteras": true, "higueras": true, "honey": true,
	"isla": true, "jala": true, "libres": true, "madera": true, "mama": true, "mani": true, "mina": true,
	"oriental": true, "palmillas": true, "paraiso": true, "pinos": true, "progreso": true, "reforma": true,
	"rodeo": true, "solidaridad": true, "suma": true, "tala": true, "venado": true, "union": true,
	"la compania": true, "la libertad": true, "la independencia": true, "el porvenir": true,
	"la grandeza": true, "el bosque": true, "la mision": true, "la reforma": true, "la concordia": true,
}

// placeAliases are how ads write places the catalog names otherwise (the
// capital, metro areas, resort towns that are not municipalities).
var placeAliases = []string{
	"cdmx", "df", "d f", "ciudad de mexico", "edomex", "edo mex", "estado de mexico", "gdl", "mty", "qro",
	"cancun", "playa del carmen", "tuxtla", "acapulco", "cd juarez", "ciudad juarez", "los cabos",
	"cabo san lucas", "san jose del cabo", "puerto vallarta", "vallarta", "zona metropolitana",
	"nuevo leon", "baja california", "san luis", "slp", "bcs", "qroo", "nl", "coatza", "poza rica",
	"ciudad obregon", "cd obregon", "ciudad victoria", "cd victoria", "lazaro cardenas", "ciudad del carmen",
	"cd del carmen", "los mochis", "guanajuato capital", "aguascalientes", "tlaquepaque", "ecatepec",
	"naucalpan", "neza", "satelite", "santa fe", "polanco", "zona rosa", "tlalnepantla",
}

var spelledDigits = []string{"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"}

// dict builds the vocabulary once: the given names, the 2,475 municipalities
// of the bundled INEGI catalog, the 32 states and the aliases above, all
// folded as ads are.
var dict = sync.OnceValue(func() *maskDict {
	d := &maskDict{words: map[string]wordInfo{}, places: map[uint64]struct{}{}}
	for _, n := range givenNames {
		wi := d.words[n]
		wi.name = true
		d.words[n] = wi
	}
	for i, s := range spelledDigits {
		wi := d.words[s]
		wi.spelled, wi.spelledOf = true, uint8(i)
		d.words[s] = wi
	}
	var places []string
	if geo, err := hotline.Bundled(); err == nil {
		for st := 1; st <= 32; st++ {
			for _, m := range geo.InState(st) {
				places = append(places, m.Name)
			}
		}
	}
	for _, s := range sesnsp.States {
		places = append(places, s.Name, s.SESNSP)
	}
	places = append(places, placeAliases...)
	for _, p := range places {
		words := Words(normalize.New(p).Folded)
		if len(words) == 0 || len(words) > maxPlaceWords || notPlaces[strings.Join(words, " ")] {
			continue
		}
		wi := d.words[words[0]]
		if len(words) == 1 {
			wi.place1 = true
		} else {
			wi.placeLen = max(wi.placeLen, uint8(len(words)))
			d.places[phraseHash(words)] = struct{}{}
		}
		d.words[words[0]] = wi
	}
	return d
})

// phraseHash identifies a sequence of words (a place name) without joining
// them into a new string.
func phraseHash(words []string) uint64 {
	h := uint64(0x6c7567617221) // "lugar!"
	for _, w := range words {
		h = mix64(h ^ hashString(w))
	}
	return h
}

// tok is a word of the ad, or a slot already recognised in its chunk.
type tok struct {
	s      string
	slot   string
	dollar bool // first word of a chunk that starts with "$": a new amount
	chunk  int  // which whitespace-separated chunk it came from
}

// Mask returns the words of a folded text with the parts that change
// between copies of a template replaced by slot markers: numbers and money
// ({NUMERO}), phone numbers ({TELEFONO}), e-mails ({CORREO}), links
// ({URL}), @handles ({USUARIO}), common given names ({NOMBRE}) and places
// of the INEGI catalog ({LUGAR}). Adjacent slots of one kind are one slot
// ("juarez chihuahua" is one place, "$3,500.00" one amount).
//
// vals holds, for each slot marker in order, a hash of the text it hides,
// so that a cluster can say which slots differ between its members without
// keeping the text.
func Mask(text string) (words []string, vals []uint32) {
	return mask(nil, nil, text)
}

func mask(words []string, vals []uint32, text string) ([]string, []uint32) {
	d := dict()
	tp := tokPool.Get().(*[]tok)
	defer tokPool.Put(tp)
	toks := (*tp)[:0]
	defer func() { *tp = toks[:0] }()
	if words == nil {
		words = make([]string, 0, len(text)/6+4)
	}
	var scratch []string
	for chunkNo := 0; len(text) > 0; chunkNo++ {
		// One whitespace-separated chunk at a time: e-mails, links and
		// handles are recognised whole, before punctuation splits them.
		i := 0
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		j := i
		for j < len(text) && !isSpace(text[j]) {
			j++
		}
		chunk := text[i:j]
		text = text[j:]
		if chunk == "" {
			continue
		}
		core := trimChunk(chunk)
		if s := chunkSlot(core); s != "" {
			toks = append(toks, tok{s: core, slot: s})
			continue
		}
		scratch = appendWords(scratch[:0], chunk)
		for k, w := range scratch {
			toks = append(toks, tok{s: w, dollar: k == 0 && strings.HasPrefix(core, "$"), chunk: chunkNo})
		}
	}

	emit := func(slot string, v uint64) {
		if n := len(words); n > 0 && words[n-1] == slot && slot != Slot {
			// The same kind again: one slot, whose value covers both.
			vals[len(vals)-1] = fold32(mix64(uint64(vals[len(vals)-1])<<32 ^ v))
			return
		}
		words = append(words, slot)
		vals = append(vals, fold32(v))
	}
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.slot != "" {
			emit(t.slot, hashString(t.s))
			i++
			continue
		}
		wi, known := d.words[t.s]
		digit := hasDigit(t.s)
		if known && wi.placeLen > 0 && !digit {
			// Longest multi-word place first: "san luis potosi" before
			// "luis", "cuatro cienegas" before the digit "cuatro".
			if n := d.placeAt(toks[i:], int(wi.placeLen), &scratch); n > 0 {
				emit(SlotPlace, phraseHash(scratch))
				i += n
				continue
			}
		}
		if digit || known && wi.spelled {
			// A run of digit groups and spelled digits: a phone if it
			// has enough digits, else amounts (spelled words that are
			// not part of a phone stay words: "dos turnos").
			// An amount written with "$" is never part of a phone.
			j, digits, h := i, 0, uint64(0)
			for j < len(toks) && toks[j].slot == "" && (j == i || !toks[j].dollar && !(t.dollar && toks[j].chunk != t.chunk)) {
				s := toks[j].s
				if n := countDigits(s); n > 0 {
					digits += n
				} else if w, ok := d.words[s]; ok && w.spelled {
					digits++
				} else {
					break
				}
				h = mix64(h ^ hashString(s))
				j++
			}
			if digits >= phoneDigits {
				emit(SlotPhone, h)
				i = j
				continue
			}
			for ; i < j; i++ {
				if hasDigit(toks[i].s) {
					emit(SlotNumber, hashString(toks[i].s))
				} else {
					words = append(words, toks[i].s)
				}
			}
			continue
		}
		switch {
		case known && wi.name:
			emit(SlotName, hashString(t.s))
		case known && wi.place1:
			emit(SlotPlace, hashString(t.s))
		default:
			words = append(words, t.s)
		}
		i++
	}
	return words, vals
}

// placeAt returns how many tokens at the start of toks form a multi-word
// place (the longest, up to maxLen), leaving its words in *scratch, or 0.
func (d *maskDict) placeAt(toks []tok, maxLen int, scratch *[]string) int {
	for n := min(maxLen, len(toks)); n >= 2; n-- {
		ws := (*scratch)[:0]
		for _, x := range toks[:n] {
			if x.slot != "" {
				break
			}
			ws = append(ws, x.s)
		}
		*scratch = ws
		if len(ws) == n {
			if _, ok := d.places[phraseHash(ws)]; ok {
				return n
			}
		}
	}
	return 0
}

var tokPool = sync.Pool{New: func() any { return new([]tok) }}

// trimChunk drops the punctuation around a chunk ("(ana@x.com).") before
// it is tested as an e-mail, link or handle. Written out because
// strings.Trim with a non-ASCII cutset builds the set on every call.
func trimChunk(c string) string {
	for len(c) > 0 {
		if strings.IndexByte("([{\"'<*", c[0]) >= 0 {
			c = c[1:]
		} else if strings.HasPrefix(c, "¿") || strings.HasPrefix(c, "¡") {
			c = c[len("¿"):]
		} else {
			break
		}
	}
	for len(c) > 0 && strings.IndexByte(".,;:!?)]}\"'>*", c[len(c)-1]) >= 0 {
		c = c[:len(c)-1]
	}
	return c
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
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

// chunkSlot recognises a whole chunk as an e-mail, a link or a handle.
func chunkSlot(c string) string {
	if len(c) < 2 {
		return ""
	}
	if at := strings.IndexByte(c, '@'); at >= 0 {
		switch {
		case at == 0 && isWordByte(c[1]):
			return SlotHandle
		case at > 0 && isDomain(c[at+1:]):
			return SlotEmail
		}
	}
	if strings.HasPrefix(c, "http://") || strings.HasPrefix(c, "https://") || strings.HasPrefix(c, "www.") ||
		strings.Contains(c, "://") {
		return SlotURL
	}
	host := c
	if k := strings.IndexByte(c, '/'); k >= 0 {
		host = c[:k]
	}
	if isDomain(host) {
		return SlotURL
	}
	return ""
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

// topLevel are the domain endings ads use; "cd.juarez" or "s.a." must not
// look like links.
var topLevel = map[string]bool{"com": true, "mx": true, "net": true, "org": true, "me": true, "ly": true,
	"gl": true, "io": true, "co": true, "info": true, "biz": true, "app": true, "link": true, "site": true,
	"online": true, "store": true, "shop": true, "tv": true, "us": true, "es": true, "lat": true, "gob": true,
	"edu": true, "page": true, "live": true, "xyz": true, "work": true, "jobs": true}

// isDomain: labels of letters, digits and hyphens, at least two, the last
// a known top-level domain.
func isDomain(h string) bool {
	labels := 0
	last := ""
	for h != "" {
		k := strings.IndexByte(h, '.')
		l := h
		if k >= 0 {
			l, h = h[:k], h[k+1:]
		} else {
			h = ""
		}
		if l == "" {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
		labels++
		last = l
	}
	return labels >= 2 && topLevel[last]
}
