package screen

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/vigia-mx/vigia/internal/screen/contact"
	"github.com/vigia-mx/vigia/internal/screen/flags"
	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

// Screener checks ads. Its key makes the identifier tokens: the same key
// links the same phone across runs; without the key a token reveals nothing.
type Screener struct {
	key []byte
	tok *contact.Tokener
}

// New returns a screener with the HMAC key for identifier tokens.
func New(key []byte) (*Screener, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("screen: the token key must be at least 16 bytes")
	}
	return &Screener{key: key, tok: contact.NewTokener(key)}, nil
}

// ExternalID is what is stored for a caller's own id of an ad (the API's
// "id"): a keyed hash under the screening key, so that a saved ad can be
// matched to the caller's id by whoever holds the key, while the id itself
// (which may be a URL, an account or a listing number that names someone)
// is never kept. The label keeps it apart from the contact tokens.
func (s *Screener) ExternalID(id string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("vigia ext id v1\x00"))
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Flag is a red flag found in an ad, with its evidence.
type Flag struct {
	ID        string  `json:"id"`
	Start     int     `json:"start"` // code points into the original text
	End       int     `json:"end"`
	StartByte int     `json:"start_byte"`
	EndByte   int     `json:"end_byte"`
	Weight    float64 `json:"weight"`
	Evidence  string  `json:"evidence"`
	Reason    string  `json:"reason"`
	ReasonEN  string  `json:"reason_en"`
	Version   string  `json:"rules_version"`
}

// Identifier is a contact found in an ad. Value and E164 are the raw
// identifier: they go to the person who screens, never to logs or the store.
type Identifier struct {
	Kind      string `json:"kind"`
	E164      string `json:"e164,omitempty"`
	Value     string `json:"value,omitempty"`
	Token     string `json:"token"`
	Last4     string `json:"last4,omitempty"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	StartByte int    `json:"-"`
	EndByte   int    `json:"-"`
}

// Phrase is a stretch of the ad whose words raise the model's risk, shown as
// evidence when no rule (or not only a rule) explains it.
type Phrase struct {
	Start     int    `json:"start"` // code points into the original text
	End       int    `json:"end"`
	StartByte int    `json:"start_byte"`
	EndByte   int    `json:"end_byte"`
	Evidence  string `json:"evidence"`
}

// Reasons shown for phrase evidence and for too little text.
const (
	PhraseReason       = "Estas palabras aparecen sobre todo en ofertas engañosas que revisamos."
	PhraseReasonEN     = "These words appear mostly in deceptive offers we reviewed."
	InsufficientReason = "No hay suficiente texto para evaluar."
	InsufficientEN     = "There is not enough text to judge."
)

// Result is the screening of one ad.
type Result struct {
	Tier string  `json:"tier"` // bajo, medio, alto
	Risk float64 `json:"risk"` // calibrated to a job-board feed
	// RiskPasted is calibrated to the assumed share of deceptive offers
	// among texts people paste into /oferta.
	RiskPasted float64 `json:"risk_pasted"`
	// Insufficient: too little text to judge (the tier is then bajo).
	Insufficient bool         `json:"insufficient"`
	Flags        []Flag       `json:"flags"`
	Phrases      []Phrase     `json:"phrases"`
	Identifiers  []Identifier `json:"identifiers"`
	Reasons      []string     `json:"reasons"`
	ReasonsEN    []string     `json:"reasons_en"`
	ModelVersion string       `json:"model_version"`
	RulesVersion string       `json:"rules_version"`
	// Folded is the normalised text, for near-duplicate detection.
	Folded string `json:"-"`
}

// Screen checks one ad's text.
func (s *Screener) Screen(text string) Result {
	t := normalize.New(text)
	ids := contact.ExtractText(t)
	// The model was trained on the features the flags package derives from
	// the text; using the same ones keeps its calibration.
	hits, feat := flags.MatchFeatures(t)
	a := flags.AssessHits(t.Folded, hits, feat)
	res := Result{Tier: a.Tier, Risk: a.Risk, RiskPasted: a.RiskPasted, Insufficient: a.Insufficient,
		Flags: []Flag{}, Phrases: []Phrase{}, Identifiers: []Identifier{}, Reasons: []string{}, ReasonsEN: []string{},
		ModelVersion: a.ModelVersion, RulesVersion: a.RulesVersion, Folded: t.Folded}
	for _, p := range a.Phrases {
		os, oe := t.Span(p.Start, p.End)
		os, oe = max(os, 0), min(oe, len(text))
		if os >= oe {
			continue
		}
		ph := Phrase{StartByte: os, EndByte: oe, Evidence: text[os:oe]}
		ph.Start, ph.End = normalize.RuneSpan(text, os, oe)
		res.Phrases = append(res.Phrases, ph)
	}
	for _, h := range hits {
		fl := Flag{ID: h.ID, StartByte: h.Start, EndByte: h.End, Weight: h.Weight, Evidence: h.Evidence, Version: h.Version}
		fl.Start, fl.End = normalize.RuneSpan(text, h.Start, h.End)
		if def, ok := flags.Lookup(h.ID); ok {
			fl.Reason, fl.ReasonEN = def.Reason(), def.ReasonEN()
		}
		res.Flags = append(res.Flags, fl)
	}
	sort.SliceStable(res.Flags, func(i, j int) bool { return res.Flags[i].StartByte < res.Flags[j].StartByte })
	for _, r := range a.Reasons {
		res.Reasons = append(res.Reasons, r.Text)
		res.ReasonsEN = append(res.ReasonsEN, r.TextEN)
	}
	if len(res.Phrases) > 0 {
		res.Reasons = append(res.Reasons, PhraseReason)
		res.ReasonsEN = append(res.ReasonsEN, PhraseReasonEN)
	}
	if res.Insufficient {
		res.Reasons = append(res.Reasons, InsufficientReason)
		res.ReasonsEN = append(res.ReasonsEN, InsufficientEN)
	}
	for _, id := range ids {
		out := Identifier{Kind: string(id.Kind), Token: s.token(id), Last4: contact.Last4(id), StartByte: id.Start, EndByte: id.End}
		if id.E164 != "" {
			out.E164 = id.E164
		} else {
			out.Value = id.Value
		}
		out.Start, out.End = normalize.RuneSpan(text, id.Start, id.End)
		res.Identifiers = append(res.Identifiers, out)
	}
	return res
}

func (s *Screener) token(id contact.Identifier) string {
	if s.tok == nil { // a Screener not made by New
		return contact.Token(s.key, id)
	}
	return s.tok.Token(id)
}

// Tokens returns the identifier tokens of a result, for linking ads.
func (r Result) Tokens() []string {
	var out []string
	for _, id := range r.Identifiers {
		out = append(out, id.Token)
	}
	return out
}
