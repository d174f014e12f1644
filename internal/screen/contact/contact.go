// Package contact extracts the contacts an ad gives (Mexican phone numbers,
// WhatsApp numbers and groups, Telegram, e-mail, social handles and profile
// URLs), puts each in a canonical form so the same contact written two ways
// links two ads, and turns it into a keyed token for storage.
//
// Extraction follows SCREENING.md ("Identifiers"): candidates are found by
// hand-written scanners over the folded text of package normalize (so
// keycap, full-width and spelled-out digits, accents and zero-width tricks
// are already undone), and precision comes from validation: the Mexican
// numbering rules, known URL shapes, and a platform word next to an
// @handle. Evidence offsets always point into the original text.
//
// Raw identifiers are personal data: callers store Token, show Last4, and
// never log Value.
package contact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
	"sort"
	"sync"

	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

// Kind is the type of an identifier.
type Kind string

// The kinds Extract returns.
const (
	KindPhone    Kind = "phone"    // a number written in the text
	KindWhatsApp Kind = "whatsapp" // wa.me / api.whatsapp.com numbers, and chat.whatsapp.com groups
	KindTelegram Kind = "telegram" // t.me links and Telegram handles
	KindEmail    Kind = "email"
	KindHandle   Kind = "handle" // social-network handles: instagram, facebook, tiktok, x
	KindURL      Kind = "url"    // other links, normalised to host+path
)

// Identifier is one contact found in an ad.
type Identifier struct {
	Kind Kind
	// Value is the canonical form:
	//   - phone, whatsapp number: E.164, "+52" and 10 digits (a WhatsApp
	//     link to a non-Mexican number keeps its digits: "+57…");
	//   - whatsapp group: "chat.whatsapp.com/<invite code>" (case kept: codes
	//     are case-sensitive);
	//   - telegram: "telegram:<handle>", or "t.me/+<invite code>";
	//   - email: lower-case; for Gmail, without dots and "+tag" in the local
	//     part and with googlemail.com as gmail.com;
	//   - handle: "<platform>:<handle>", platform one of instagram, facebook,
	//     tiktok, x; a numeric Facebook profile id is the handle;
	//   - url: host (without "www.") and path, lower-case, without query,
	//     fragment or trailing slash.
	Value string
	// E164 is the Mexican number in E.164 form for phones and WhatsApp
	// numbers; "" otherwise (including non-Mexican WhatsApp numbers).
	E164 string
	// Start and End are the byte offsets of the evidence in the original
	// text, on character boundaries.
	Start, End int
}

// Extract returns the identifiers in text, one per (Kind, Value) at its
// first occurrence, sorted by Start.
func Extract(text string) []Identifier { return ExtractText(normalize.New(text)) }

// ExtractText is Extract for a text already folded by normalize.New, for
// callers that need the folded text themselves.
func ExtractText(nt normalize.Text) []Identifier {
	x := extractor{t: &nt, f: nt.Folded}
	// Order matters: each scanner masks what it consumed, so the digits of a
	// wa.me link are not also a phone and the domain of an e-mail is not a
	// handle.
	x.links()
	x.emails()
	x.handles()
	x.phones()
	if len(x.found) == 0 {
		return nil
	}
	out := make([]Identifier, len(x.found))
	for i, c := range x.found {
		id := c.id
		id.Start, id.End = nt.Span(c.fs, c.fe)
		out[i] = id
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Value < b.Value
	})
	type key struct {
		k Kind
		v string
	}
	seen := make(map[key]bool, len(out))
	kept := out[:0]
	for _, id := range out {
		k := key{id.Kind, id.Value}
		if seen[k] {
			continue
		}
		seen[k] = true
		kept = append(kept, id)
	}
	return kept
}

// Token is the keyed HMAC-SHA256 (hex) of kind+":"+value: what is stored
// and linked, never the raw identifier. Without the key a token reveals
// nothing, and the same key links the same contact across runs.
func Token(key []byte, id Identifier) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(string(id.Kind)))
	m.Write([]byte{':'})
	m.Write([]byte(id.Value))
	return hex.EncodeToString(m.Sum(nil))
}

// Tokener makes the Token of identifiers with one key, reusing the keyed
// hash state (HMAC's padded key) instead of deriving it for every token.
// It is safe for concurrent use.
type Tokener struct{ pool sync.Pool }

// NewTokener returns a Tokener for key.
func NewTokener(key []byte) *Tokener {
	key = slices.Clone(key)
	t := &Tokener{}
	t.pool.New = func() any { return hmac.New(sha256.New, key) }
	return t
}

// Token is Token(key, id).
func (t *Tokener) Token(id Identifier) string {
	m := t.pool.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(string(id.Kind)))
	m.Write([]byte{':'})
	m.Write([]byte(id.Value))
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0]))
	t.pool.Put(m)
	return out
}

// Last4 returns the last 4 digits of a phone or WhatsApp number, for
// display; "" for other kinds, such as WhatsApp groups.
func Last4(id Identifier) string {
	if id.Kind != KindPhone && id.Kind != KindWhatsApp {
		return ""
	}
	v := id.Value
	if len(v) < 5 || v[0] != '+' {
		return ""
	}
	for i := 1; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return ""
		}
	}
	return v[len(v)-4:]
}

// candidate is an identifier with its evidence in folded-text offsets.
type candidate struct {
	id     Identifier
	fs, fe int
}

// extractor holds the state shared by the scanners.
type extractor struct {
	t     *normalize.Text
	f     string // the folded text
	mask  []bool // folded bytes already consumed; nil until first use
	found []candidate
}

func (x *extractor) add(id Identifier, fs, fe int) {
	x.found = append(x.found, candidate{id: id, fs: fs, fe: fe})
	if x.mask == nil {
		x.mask = make([]bool, len(x.f))
	}
	for i := fs; i < fe; i++ {
		x.mask[i] = true
	}
}

func (x *extractor) masked(i int) bool {
	return x.mask != nil && i >= 0 && i < len(x.mask) && x.mask[i]
}

func (x *extractor) maskedRange(s, e int) bool {
	if x.mask == nil {
		return false
	}
	for i := s; i < e; i++ {
		if x.mask[i] {
			return true
		}
	}
	return false
}

// original returns the original text behind a folded range, for the parts
// of an identifier that are case-sensitive (invite codes).
func (x *extractor) original(fs, fe int) string {
	s, e := x.t.Span(fs, fe)
	return x.t.Original[s:e]
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLower(c byte) bool  { return 'a' <= c && c <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLower(c) }
func isLetter(c byte) bool { return isLower(c) || c >= 0x80 }
