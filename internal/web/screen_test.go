package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A synthetic offer in the style of the example (not a real ad).
const lure = "Se solicitan edecanes y modelos, $3,000 diarios, viaje pagado y hospedaje incluido, sin experiencia. " +
	"Solo mujeres de 18 a 25 años. Manda fotos por WhatsApp al 55 1234 5678, no se requiere entrevista."

const plainJob = "Empresa de logística en Querétaro solicita auxiliar contable. Requisitos: licenciatura en contaduría, " +
	"2 años de experiencia. Ofrecemos sueldo de $14,000 mensuales y prestaciones de ley. Enviar CV a través de nuestra página."

func postForm(t testing.TB, h http.Handler, path string, form url.Values, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestCheckPage(t *testing.T) {
	s := testServer(t)
	for _, lang := range []string{"es", "en"} {
		w := get(t, s, "/oferta?lang="+lang)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `<textarea id="texto"`) || !strings.Contains(w.Body.String(), "800 5533 000") {
			t.Errorf("GET /oferta (%s): %d", lang, w.Code)
		}
		checkHeaders(t, "/oferta", w.Header())
	}
	w := postForm(t, s, "/oferta?lang=es", url.Values{"texto": {lure}})
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "<mark") || !strings.Contains(body, "Riesgo alto") {
		t.Fatalf("POST lure: %d\n%s", w.Code, body)
	}
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Error("the check page must not be cached")
	}
	if w := postForm(t, s, "/oferta?lang=es", url.Values{"texto": {plainJob}}); !strings.Contains(w.Body.String(), `class="result verdict-ninguna"`) {
		t.Errorf("a plain office job was not low risk:\n%s", w.Body)
	}
	if w := postForm(t, s, "/oferta", url.Values{"texto": {"  "}}); w.Code != http.StatusBadRequest {
		t.Errorf("empty: %d", w.Code)
	}
	if w := postForm(t, s, "/oferta", url.Values{"texto": {strings.Repeat("a", maxFormText+1)}}); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("too long: %d", w.Code)
	}
	// A form posted from another site is refused (CSRF).
	if w := postForm(t, s, "/oferta", url.Values{"texto": {lure}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); w.Code != http.StatusForbidden {
		t.Errorf("cross-site post: %d", w.Code)
	}
	// Stored XSS is impossible (nothing is stored), but reflected text must be escaped.
	if w := postForm(t, s, "/oferta", url.Values{"texto": {`<script>alert(1)</script> viaje pagado`}}); strings.Contains(w.Body.String(), "<script>alert") {
		t.Error("the pasted text was not escaped")
	}
}

func TestCheckSharesOnlyTokens(t *testing.T) {
	dir := t.TempDir()
	s := newEmptyServer(t, filepath.Join(dir, "share.db"))
	w := postForm(t, s, "/oferta", url.Values{"texto": {lure}, "compartir": {"si"}})
	if w.Code != 200 {
		t.Fatalf("%d", w.Code)
	}
	res := s.screener.Screen(lure)
	if len(res.Identifiers) == 0 {
		t.Fatal("no contact found in the lure")
	}
	ads, err := s.store.AdsByToken(t.Context(), res.Identifiers[0].Token, 10)
	if err != nil || len(ads) != 1 || ads[0].Source != "public" {
		t.Fatalf("shared ad: %+v, %v", ads, err)
	}
	s.store.Close()
	for _, f := range []string{"share.db", "share.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		for _, raw := range []string{"1234 5678", "5512345678", "edecanes", "fotos"} {
			if bytes.Contains(b, []byte(raw)) {
				t.Errorf("%s holds %q in plain text", f, raw)
			}
		}
	}
}

func TestScreenAPI(t *testing.T) {
	s := testServer(t)
	post := func(body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/api/v1/screen", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.RemoteAddr = "192.0.2.7:1234"
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	b, _ := json.Marshal(map[string]string{"id": "x1", "text": lure})
	w := post(string(b))
	var one struct {
		ID    string  `json:"id"`
		Tier  string  `json:"tier"`
		Risk  float64 `json:"risk"`
		Flags []struct {
			ID         string `json:"id"`
			Start, End int
		} `json:"flags"`
		Identifiers []struct {
			Kind, E164 string
		} `json:"identifiers"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &one); err != nil || w.Code != 200 {
		t.Fatalf("single: %d %s", w.Code, w.Body)
	}
	if one.ID != "x1" || one.Tier != "alto" || one.Risk <= 0.5 || len(one.Flags) == 0 {
		t.Errorf("single: %+v", one)
	}
	runes := []rune(lure)
	for _, f := range one.Flags {
		if f.Start < 0 || f.End > len(runes) || f.Start >= f.End {
			t.Errorf("flag %s span %d-%d outside the text", f.ID, f.Start, f.End)
		}
	}
	if len(one.Identifiers) == 0 || one.Identifiers[0].E164 != "+525512345678" {
		t.Errorf("identifiers: %+v", one.Identifiers)
	}
	batch, _ := json.Marshal(map[string]any{"ads": []map[string]string{{"id": "a", "text": lure}, {"id": "b", "text": plainJob}}})
	w = post(string(batch))
	var many struct {
		Results []struct {
			ID, Tier string
		} `json:"results"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &many); err != nil || len(many.Results) != 2 || many.Results[1].Tier != "bajo" {
		t.Errorf("batch: %d %s", w.Code, w.Body)
	}
	for _, tc := range []struct {
		body string
		code int
	}{
		{`{"text": ""}`, 400},
		{`{"text": "x", "unknown": 1}`, 400},
		{`not json`, 400},
		{`{"text": "` + strings.Repeat("a", maxAPIText+1) + `"}`, 413},
		{`{"ads": [` + strings.TrimSuffix(strings.Repeat(`{"id":"a","text":"b"},`, maxAPIBatch+1), ",") + `]}`, 413},
	} {
		if w := post(tc.body); w.Code != tc.code {
			t.Errorf("%.40s…: %d, want %d", tc.body, w.Code, tc.code)
		}
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now })
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "198.51.100.1:5555"
	for i := 0; i < ratePerMinute; i++ {
		if !l.allow(r, 1) {
			t.Fatalf("request %d refused", i)
		}
	}
	if l.allow(r, 1) {
		t.Error("request over the limit allowed")
	}
	other := httptest.NewRequest("GET", "/", nil)
	other.RemoteAddr = "198.51.100.2:5555"
	if !l.allow(other, 1) {
		t.Error("another client was limited")
	}
	now = now.Add(time.Minute)
	if !l.allow(r, 1) {
		t.Error("the bucket did not refill")
	}
	for k := range l.buckets {
		if strings.Contains(k, "198.51") {
			t.Error("the limiter keeps client addresses")
		}
	}
}

// TestScreenAPIStoresKeyedExtID: the caller's id of a stored ad is kept only
// as a keyed hash; the API's answer still carries the id as sent.
func TestScreenAPIStoresKeyedExtID(t *testing.T) {
	dir := t.TempDir()
	s := newEmptyServer(t, filepath.Join(dir, "api.db"))
	const ext = "https://anuncios.example/ad/998877?user=persona.sintetica"
	b, _ := json.Marshal(map[string]any{"id": ext, "text": lure, "store": true})
	r := httptest.NewRequest("POST", "/api/v1/screen", bytes.NewReader(b))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	var got struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 || got.ID != ext {
		t.Fatalf("answer: %d %s", w.Code, w.Body)
	}
	res := s.screener.Screen(lure)
	ads, err := s.store.AdsByToken(t.Context(), res.Identifiers[0].Token, 10)
	if err != nil || len(ads) != 1 {
		t.Fatalf("stored ads: %+v, %v", ads, err)
	}
	if ads[0].ExtID == ext || ads[0].ExtID != s.screener.ExternalID(ext) {
		t.Errorf("stored ext_id %q, want the keyed hash %q", ads[0].ExtID, s.screener.ExternalID(ext))
	}
	s.store.Close()
	for _, f := range []string{"api.db", "api.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if bytes.Contains(b, []byte("998877")) || bytes.Contains(b, []byte("persona.sintetica")) {
			t.Errorf("%s holds the caller's ad id in the clear", f)
		}
	}
}
