package web

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/screen"
)

// A SYNTHETIC offer with two signs and no pay figure: the model puts it in
// the middle tier.
const mediumOffer = "Busco chicas para trabajar de meseras en bar, buena presentacion, ganancias altas, se da hospedaje"

var (
	// ruleID is the shape of a rule's internal id (A1_PAY_UNREALISTIC).
	ruleID = regexp.MustCompile(`\b[A-H][0-9]_[A-Z_]{3,}\b`)
	// verdictRE is the verdict section of the page.
	verdictRE = regexp.MustCompile(`(?s)<section id="veredicto".*?</section>`)
	markRE    = regexp.MustCompile(`(?s)<mark[^>]*>(.*?)<sup>`)
)

// TestOfertaVerdicts posts texts to /oferta and reads the verdict as the
// person would: an honest heading, evidence for every medio or alto, no
// id or percentage, whole words marked, and the verdict before the form.
func TestOfertaVerdicts(t *testing.T) {
	s := testServer(t)
	for _, tc := range []struct {
		name, lang, text string
		kind             string
		want, never      []string
		marks            bool // at least one highlighted reason
	}{
		{name: "greeting", lang: "es", text: "Hola", kind: verdictShort,
			want:  []string{"No hay suficiente texto para evaluar", "Pega la oferta completa"},
			never: []string{"Riesgo", "señales de alerta", "<mark", "Antes de responder", "Reportar esta oferta"}},
		{name: "greeting en", lang: "en", text: "Hola, ¿sigue disponible?", kind: verdictShort,
			want:  []string{"There is not enough text to judge", "Paste the whole offer"},
			never: []string{"High risk", "Medium risk", "<mark"}},
		{name: "ordinary posting", lang: "es", text: plainJob, kind: verdictNone,
			want: []string{"No encontramos las señales de engaño que buscamos", "no quiere decir que la oferta sea segura",
				"Antes de responder, verifica", "empresa exista", "dirección real", "contrato por escrito", "Nunca pagues",
				"Nunca entregues tu INE", "alguien de confianza", "Qué revisamos", es("check.checked.text", len(checkedFlags(locale.ES)))},
			// The contradiction the page once printed.
			never: []string{"Riesgo", "tiene algunas señales", "<mark", "segura.</h2>"}},
		{name: "ordinary posting en", lang: "en", text: plainJob, kind: verdictNone,
			want:  []string{"We found none of the warning signs we look for", "does not mean the offer is safe", "Before you reply, check", "What we checked"},
			never: []string{"High risk", "Medium risk", "<mark"}},
		{name: "medium", lang: "es", text: mediumOffer, kind: verdictMedium, marks: true,
			want:  []string{"Riesgo medio: esta oferta tiene algunas señales de alerta", "Por qué", "Dónde aparecen en el texto", "Antes de responder"},
			never: []string{"No encontramos"}},
		{name: "high", lang: "es", text: lure, kind: verdictHigh, marks: true,
			want:  []string{"Riesgo alto", "hospedaje incluido</q>", "Nunca pagues"},
			never: []string{"No encontramos", "100", "Qué revisamos", "¿Te parece sospechosa"}},
		{name: "high en", lang: "en", text: lure, kind: verdictHigh, marks: true,
			want:  []string{"High risk", "The pay is far too high"},
			never: []string{"We found none"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := postForm(t, s, "/oferta?lang="+tc.lang, url.Values{"texto": {tc.text}})
			if w.Code != http.StatusOK {
				t.Fatalf("status %d", w.Code)
			}
			body := w.Body.String()
			sec := verdictRE.FindString(body)
			if sec == "" {
				t.Fatalf("no verdict section:\n%s", body)
			}
			if !strings.Contains(sec, `class="result verdict-`+tc.kind+`"`) {
				t.Errorf("verdict is not %q: %.300s", tc.kind, sec)
			}
			for _, x := range tc.want {
				if !strings.Contains(sec, x) {
					t.Errorf("verdict lacks %q", x)
				}
			}
			for _, x := range tc.never {
				if strings.Contains(sec, x) {
					t.Errorf("verdict shows %q", x)
				}
			}
			if m := ruleID.FindString(body); m != "" {
				t.Errorf("the page shows the internal id %s", m)
			}
			if strings.Contains(sec, "%") {
				t.Error("the verdict shows a percentage")
			}
			// On a phone the verdict must come before the form.
			if strings.Index(body, `<section id="veredicto"`) > strings.Index(body, `<form method="post" action="/oferta`) {
				t.Error("the verdict comes after the form")
			}
			marks := markRE.FindAllStringSubmatch(sec, -1)
			if tc.marks && (len(marks) == 0 || !strings.Contains(sec, `<ol class="reasons">`)) {
				t.Errorf("a %s verdict without highlighted reasons", tc.kind)
			}
			for _, m := range marks {
				checkWholeWords(t, tc.text, html.UnescapeString(m[1]))
			}
		})
	}
}

// checkWholeWords: the marked text occurs in the ad without a letter or
// digit right before or after it.
func checkWholeWords(t *testing.T, text, mark string) {
	t.Helper()
	i := strings.Index(text, mark)
	if i < 0 {
		t.Errorf("marked %q is not in the text", mark)
		return
	}
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	after, _ := utf8.DecodeRuneInString(text[i+len(mark):])
	if wordRune(before) || wordRune(after) {
		t.Errorf("mark %q cuts a word", mark)
	}
}

func TestOfertaWordSpan(t *testing.T) {
	text := "Hospedaje incluido. Niñas y jóvenes, pago 3000."
	for _, tc := range []struct {
		s, e int
		want string
		ok   bool
	}{
		{0, 9, "Hospedaje", true},
		{0, 17, "Hospedaje incluido", true}, // "incluid" is widened
		{3, 5, "Hospedaje", true},           // from inside a word
		{9, 10, " ", true},                  // a space takes in no word
		{9, 17, " incluido", true},
		{22, 23, "Niñas", true},   // ends inside "ñ"
		{31, 32, "jóvenes", true}, // starts on the second byte of "ó"
		{len(text) - 3, len(text), "3000.", true},
		{-1, 3, "", false},
		{5, len(text) + 1, "", false},
		{4, 4, "", false},
	} {
		s, e, ok := wordSpan(text, tc.s, tc.e)
		got := ""
		if ok {
			got = text[s:e]
		}
		if ok != tc.ok || got != tc.want {
			t.Errorf("wordSpan(%d, %d) = %q %v, want %q %v", tc.s, tc.e, got, ok, tc.want, tc.ok)
		}
	}
}

// TestOfertaBuildVerdict covers results the bundled model rarely gives a
// short text (phrases without a rule, a tier without evidence), built by
// hand, and renders each through the page's template.
func TestOfertaBuildVerdict(t *testing.T) {
	const text = "Trabajo desde casa en México, hospedaje incluido."
	at := func(sub string) (int, int) {
		i := strings.Index(text, sub)
		return i, i + len(sub)
	}
	phrase := func(sub string) screen.Phrase {
		s, e := at(sub)
		return screen.Phrase{StartByte: s, EndByte: e, Evidence: sub}
	}
	flag := func(id, sub, es, en string) screen.Flag {
		s, e := at(sub)
		return screen.Flag{ID: id, StartByte: s, EndByte: e, Evidence: sub, Reason: es, ReasonEN: en}
	}
	housing := flag("C2_EMPLOYER_HOUSING", "hospedaje incluid", "El patrón te da cuarto.", "The employer gives you a room.")
	vague := flag("A4_VAGUE_DUTIES", "desde casa", "No explican qué harías.", "It does not say what you would do.")
	for _, tc := range []struct {
		name     string
		lang     locale.Lang
		res      screen.Result
		kind     string
		reasons  []string // each reason's text and evidence, "text: ev | ev"
		marked   []string
		phraseMk int // marks styled as phrases
	}{
		{name: "phrases only", lang: locale.ES,
			res:  screen.Result{Tier: "medio", Phrases: []screen.Phrase{phrase("desde casa"), phrase("Méxic")}},
			kind: verdictMedium, reasons: []string{"Estas palabras aparecen sobre todo en ofertas engañosas que revisamos.: desde casa | México"},
			marked: []string{"desde casa", "México"}, phraseMk: 2},
		{name: "phrases only en", lang: locale.EN,
			res:  screen.Result{Tier: "alto", Phrases: []screen.Phrase{phrase("casa")}},
			kind: verdictHigh, reasons: []string{"These words appear mostly in deceptive offers we reviewed.: casa"},
			marked: []string{"casa"}, phraseMk: 1},
		{name: "rule and phrase, strongest first", lang: locale.ES,
			res: screen.Result{Tier: "alto", Flags: []screen.Flag{vague, housing}, Phrases: []screen.Phrase{phrase("México")},
				Reasons: []string{housing.Reason, vague.Reason, screen.PhraseReason}},
			kind: verdictHigh,
			reasons: []string{"El patrón te da cuarto.: hospedaje incluido", "No explican qué harías.: desde casa",
				"Estas palabras aparecen sobre todo en ofertas engañosas que revisamos.: México"},
			marked: []string{"desde casa", "México", "hospedaje incluido"}, phraseMk: 1},
		{name: "phrase overlapping a rule", lang: locale.ES,
			res:  screen.Result{Tier: "medio", Flags: []screen.Flag{vague}, Phrases: []screen.Phrase{phrase("casa en México")}},
			kind: verdictMedium, reasons: []string{"No explican qué harías.: desde casa", "Estas palabras aparecen sobre todo en ofertas engañosas que revisamos.: casa en México"},
			marked: []string{"desde casa en México"}},
		{name: "tier without evidence", lang: locale.ES, res: screen.Result{Tier: "medio"}, kind: verdictUnexplained},
		{name: "low with a rule", lang: locale.EN, res: screen.Result{Tier: "bajo", Flags: []screen.Flag{vague}},
			kind: verdictWeak, reasons: []string{"It does not say what you would do.: desde casa"}, marked: []string{"desde casa"}},
		{name: "low", lang: locale.ES, res: screen.Result{Tier: "bajo"}, kind: verdictNone},
		{name: "too short", lang: locale.ES, res: screen.Result{Tier: "bajo", Insufficient: true, Identifiers: []screen.Identifier{{Kind: "phone"}}}, kind: verdictShort},
		// Not given today (too little text means no rule fired), but a rule's
		// evidence is never hidden behind "too little text".
		{name: "too short with a rule", lang: locale.ES, res: screen.Result{Tier: "bajo", Insufficient: true, Flags: []screen.Flag{vague}},
			kind: verdictWeak, reasons: []string{"No explican qué harías.: desde casa"}, marked: []string{"desde casa"}},
		{name: "span outside the text", lang: locale.ES,
			res:  screen.Result{Tier: "medio", Flags: []screen.Flag{{ID: "X", StartByte: 10, EndByte: 999, Reason: "x"}}},
			kind: verdictUnexplained},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := buildVerdict(tc.lang, text, tc.res)
			if v.Kind != tc.kind {
				t.Errorf("kind %q, want %q", v.Kind, tc.kind)
			}
			var got []string
			for i, r := range v.Reasons {
				if r.N != i+1 {
					t.Errorf("reason %d numbered %d", i+1, r.N)
				}
				got = append(got, r.Text+": "+strings.Join(r.Evidence, " | "))
			}
			if !reflect.DeepEqual(got, tc.reasons) {
				t.Errorf("reasons\n got %q\nwant %q", got, tc.reasons)
			}
			var marked []string
			var joined strings.Builder
			phr := 0
			for _, sg := range v.Segments {
				joined.WriteString(sg.Text)
				if sg.Mark {
					marked = append(marked, sg.Text)
					if len(sg.Refs) == 0 {
						t.Errorf("mark %q supports no reason", sg.Text)
					}
				}
				if sg.Phrase {
					phr++
				}
			}
			if len(v.Segments) > 0 && joined.String() != text {
				t.Errorf("segments do not rebuild the text: %q", joined.String())
			}
			if !reflect.DeepEqual(marked, tc.marked) {
				t.Errorf("marked %q, want %q", marked, tc.marked)
			}
			if phr != tc.phraseMk {
				t.Errorf("%d phrase marks, want %d", phr, tc.phraseMk)
			}
			// Every medio or alto the page calls so shows a reason.
			if (v.Kind == verdictMedium || v.Kind == verdictHigh) && len(marked) == 0 {
				t.Error("a medio or alto verdict with nothing highlighted")
			}
			var buf bytes.Buffer
			if err := templates["check"].Execute(&buf, page{Lang: tc.lang, Data: checkData{Text: text, Verdict: v, Checked: checkedFlags(tc.lang)}}); err != nil {
				t.Fatal(err)
			}
			sec := verdictRE.FindString(buf.String())
			if !strings.Contains(sec, locale.T(tc.lang, "check.v."+tc.kind+".h")) {
				t.Errorf("the page lacks the %s heading", tc.kind)
			}
			if m := ruleID.FindString(sec); m != "" || strings.Contains(sec, `"X"`) {
				t.Errorf("the page shows an id %q", m)
			}
			if strings.Contains(sec, "%") {
				t.Error("the verdict shows a percentage")
			}
			if tc.phraseMk > 0 && !strings.Contains(sec, `<mark class="phrase"`) {
				t.Error("phrases are not marked as such")
			}
			if tc.kind == verdictShort && strings.Contains(sec, "kind.") {
				t.Error("a too-short verdict lists contacts")
			}
		})
	}
}

// TestOfertaReport: "Reportar esta oferta" carries the text to /reportar in
// a POST body (never a URL), fills the offer field, submits nothing, and the
// report form keeps its cross-origin protection and validation.
func TestOfertaReport(t *testing.T) {
	// Without the hotline there is no form to report to.
	if w := postForm(t, testServer(t), "/oferta?lang=es", url.Values{"texto": {lure}}); strings.Contains(w.Body.String(), `action="/reportar`) {
		t.Error("a server without the hotline offers to report")
	}
	e := hotlineServer(t)
	c := e.client()
	const secret = "OFERTA-SINTÉTICA-7f3a"
	offer := lure + " " + secret
	w := c.postForm("/oferta?lang=es", vals("texto", offer))
	body := w.Body.String()
	sec := verdictRE.FindString(body)
	if !strings.Contains(sec, `<form method="post" action="/reportar?lang=es" class="report-offer">`) ||
		!strings.Contains(sec, `<input type="hidden" name="desde" value="oferta">`) || !strings.Contains(sec, "Reportar esta oferta") {
		t.Fatalf("no report button in the verdict:\n%s", sec)
	}
	if w := c.postForm("/oferta?lang=es", vals("texto", "Hola")); strings.Contains(w.Body.String(), "Reportar esta oferta") {
		t.Error("a greeting offers to be reported")
	}
	// The button's form, as the browser would post it.
	m := regexp.MustCompile(`name="oferta" value="([^"]*)"`).FindStringSubmatch(sec)
	if m == nil || html.UnescapeString(m[1]) != offer {
		t.Fatalf("the button carries %q", m)
	}
	before := e.count("reports")
	long := strings.Repeat("ñ", hotline.MaxOffer+50)
	for _, tc := range []struct {
		name, lang string
		form       url.Values
		hdr        []string
		status     int
		want       []string
	}{
		{name: "prefill", lang: "es", form: vals("desde", "oferta", "oferta", offer), status: http.StatusOK,
			want: []string{">" + html.EscapeString(offer) + "</textarea>", es("report.prefilled"), `<form method="post" action="/reportar?lang=es" class="report state-step">`}},
		{name: "prefill en", lang: "en", form: vals("desde", "oferta", "oferta", offer), status: http.StatusOK,
			want: []string{esc(locale.T(locale.EN, "report.prefilled"))}},
		{name: "prefill with a state", lang: "es", form: vals("desde", "oferta", "oferta", offer, "estado", "21"), status: http.StatusOK,
			want: []string{`<option value="21" selected>`, `<option value="21114">`, html.EscapeString(secret) + "</textarea>"}},
		{name: "too long is clipped", lang: "es", form: vals("desde", "oferta", "oferta", long), status: http.StatusOK,
			want: []string{">" + strings.Repeat("ñ", hotline.MaxOffer) + "</textarea>", es("report.prefilled.clipped")}},
		// The longest text /oferta takes, in 4-byte characters, still fits
		// the report form's body limit once form-encoded.
		{name: "longest check text", lang: "es", form: vals("desde", "oferta", "oferta", strings.Repeat("😀", maxFormText/4)), status: http.StatusOK,
			want: []string{">" + strings.Repeat("😀", maxFormText/4) + "</textarea>"}},
		{name: "cross-site prefill", lang: "es", form: vals("desde", "oferta", "oferta", offer), hdr: []string{"Sec-Fetch-Site", "cross-site"}, status: http.StatusForbidden},
		{name: "foreign origin", lang: "es", form: vals("desde", "oferta", "oferta", offer), hdr: []string{"Sec-Fetch-Site", "", "Origin", "https://evil.example"}, status: http.StatusForbidden},
		// A full report with "desde" still only fills the form.
		{name: "prefill never submits", lang: "es", form: vals("desde", "oferta", "oferta", offer, "tipo", "informacion", "descripcion", "[SINTÉTICO] x", "estado", "9"), status: http.StatusOK,
			want: []string{es("report.prefilled")}},
		// The form as sent afterwards goes through the usual validation.
		{name: "then an incomplete report", lang: "es", form: vals("oferta", offer, "contacto", "ninguno"), status: http.StatusBadRequest,
			want: []string{es("report.err.fix"), html.EscapeString(secret) + "</textarea>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := c.postForm("/reportar?lang="+tc.lang, tc.form, tc.hdr...)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			b := w.Body.String()
			for _, x := range tc.want {
				if !strings.Contains(b, x) {
					t.Errorf("page lacks %.80q", x)
				}
			}
			if strings.Contains(b, "data-receipt") {
				t.Error("a report was filed")
			}
			if tc.status == http.StatusOK && strings.Contains(b, `name="desde"`) && !strings.Contains(b, "state-step") {
				t.Error("the report form itself carries the prefill marker")
			}
		})
	}
	if n := e.count("reports"); n != before {
		t.Errorf("%d reports stored by prefills", n-before)
	}
	// The text never comes from a URL.
	if b := c.get("/reportar?lang=es&oferta=" + url.QueryEscape(secret)).Body.String(); strings.Contains(b, secret) {
		t.Error("/reportar reads the offer from the query string")
	}
	// The report, completed, is filed with the offer.
	w = c.postForm("/reportar?lang=es", vals("tipo", "situacion_riesgo", "descripcion", "[SINTÉTICO] me llegó esta oferta por WhatsApp", "estado", "21",
		"oferta", offer, "contacto", "ninguno"))
	if r := regexp.MustCompile(`data-receipt="([0-9]{16})"`).FindStringSubmatch(w.Body.String()); w.Code != http.StatusOK || r == nil {
		t.Errorf("completing the report: %d", w.Code)
	}
	if strings.Contains(e.logs.String(), secret) {
		t.Error("the offer's text reached the log")
	}
}

// TestScreenAPIContentType: only JSON is screened, so that a page on another
// site cannot post text/plain (no preflight) through a visitor's browser.
func TestScreenAPIContentType(t *testing.T) {
	s := testServer(t)
	body := `{"text": "` + plainJob + `"}`
	for _, tc := range []struct {
		ct     string
		hdr    []string
		status int
	}{
		{"application/json", nil, 200},
		{"application/json; charset=utf-8", nil, 200},
		{"text/plain", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, 415},
		{"text/plain;charset=UTF-8", nil, 415},
		{"application/x-www-form-urlencoded", nil, 415},
		{"multipart/form-data; boundary=x", nil, 415},
		{"", nil, 415},
		{"application/json-seq", nil, 415},
	} {
		r := httptest.NewRequest("POST", "/api/v1/screen", strings.NewReader(body))
		if tc.ct != "" {
			r.Header.Set("Content-Type", tc.ct)
		}
		for i := 0; i+1 < len(tc.hdr); i += 2 {
			r.Header.Set(tc.hdr[i], tc.hdr[i+1])
		}
		r.RemoteAddr = "192.0.2.9:1234"
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != tc.status {
			t.Errorf("Content-Type %q: %d, want %d", tc.ct, w.Code, tc.status)
		}
		var got map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Errorf("Content-Type %q: not JSON: %s", tc.ct, w.Body)
		}
		if tc.status == 415 && got["error"] == nil {
			t.Errorf("Content-Type %q: no error message", tc.ct)
		}
	}
}

// TestOpenAPIScreenResult: every field of a screening result is documented,
// with the fields always sent listed as required, and so is the 415.
func TestOpenAPIScreenResult(t *testing.T) {
	s := testServer(t)
	var doc struct {
		Paths      map[string]map[string]struct{ Responses map[string]any } `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Required   []string                  `json:"required"`
				Properties map[string]map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(get(t, s, "/api/v1/openapi.json").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	sch := doc.Components.Schemas["ScreenResult"]
	fields := []string{"id"}
	rt := reflect.TypeOf(screen.Result{})
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name != "-" && name != "" {
			fields = append(fields, name)
		}
	}
	for _, f := range fields {
		if _, ok := sch.Properties[f]; !ok {
			t.Errorf("ScreenResult does not document %q", f)
		}
	}
	for _, f := range []string{"risk_pasted", "insufficient", "phrases"} {
		if !contains(sch.Required, f) {
			t.Errorf("ScreenResult: %q is sent always but not required", f)
		}
	}
	// The phrases' items name their span and evidence.
	items, _ := sch.Properties["phrases"]["items"].(map[string]any)
	props, _ := items["properties"].(map[string]any)
	for _, f := range []string{"start", "end", "evidence"} {
		if _, ok := props[f]; !ok {
			t.Errorf("phrases[] does not document %q", f)
		}
	}
	if _, ok := doc.Paths["/api/v1/screen"]["post"].Responses["415"]; !ok {
		t.Error("POST /api/v1/screen does not document 415")
	}
	// And the handler sends them.
	r := httptest.NewRequest("POST", "/api/v1/screen", strings.NewReader(`{"text":"Hola"}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	var got map[string]any
	json.Unmarshal(w.Body.Bytes(), &got)
	for _, f := range sch.Required {
		if _, ok := got[f]; !ok {
			t.Errorf("the handler does not send required %q", f)
		}
	}
	if got["insufficient"] != true || got["tier"] != "bajo" {
		t.Errorf("\"Hola\": insufficient %v, tier %v", got["insufficient"], got["tier"])
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
