package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Synthetic ads (invented for the test): two copies of one lure with the
// same WhatsApp number, a plain job, and a malformed line.
const adsJSONL = `{"id":"ad-1","text":"Se solicitan edecanes, $3,000 diarios, viaje pagado, sin experiencia. Solo mujeres de 18 a 25. WhatsApp 55 1234 5678","city":"Puebla","posted_at":"2026-10-01"}
{"id":"ad-2","text":"Se solicitan edecanes, $3,000 diarios, viaje pagado, sin experiencia. Solo mujeres de 18 a 25. WhatsApp 55 1234 5678","city":"Tlaxcala","posted_at":"2026-10-03"}
{"id":"ad-3","text":"Empresa de logística solicita auxiliar contable con licenciatura y 2 años de experiencia. Sueldo $14,000 mensuales y prestaciones de ley."}
{"id":"ad-4", "text": 
{"id":"ad-5","text":"Buscamos modelos para eventos en Cancún, pago por adelantado, hospedaje incluido. Manda fotos al 998 765 4321"}
`

type screenLine struct {
	Line  int      `json:"line"`
	ID    *string  `json:"id"`
	Tier  string   `json:"tier"`
	Risk  *float64 `json:"risk"`
	Flags []struct {
		ID    string `json:"id"`
		Start int    `json:"start"`
		End   int    `json:"end"`
	} `json:"flags"`
	Identifiers []struct {
		Kind  string `json:"kind"`
		E164  string `json:"e164"`
		Value string `json:"value"`
	} `json:"identifiers"`
	Cluster *string `json:"cluster"`
	Error   string  `json:"error"`
}

func TestScreenCLI(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "ads.jsonl")
	os.WriteFile(in, []byte(adsJSONL), 0o644)
	env := map[string]string{"VIGIA_SCREEN_KEY_FILE": filepath.Join(dir, "k.key")}
	r := runVigia(t, env, "screen", "--format", "jsonl", "--clusters", filepath.Join(dir, "clusters.json"), in)
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d output lines for 5 input lines:\n%s", len(lines), r.stdout)
	}
	var out []screenLine
	for _, l := range lines {
		var s screenLine
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		out = append(out, s)
	}
	if out[3].Error == "" || out[3].Line != 4 || !strings.Contains(r.stderr, "line=4") {
		t.Errorf("malformed line 4: %+v\nstderr: %s", out[3], r.stderr)
	}
	if out[0].Tier != "alto" || out[2].Tier != "bajo" {
		t.Errorf("tiers: %s, %s", out[0].Tier, out[2].Tier)
	}
	if out[0].Cluster == nil || out[1].Cluster == nil || *out[0].Cluster != *out[1].Cluster {
		t.Errorf("the two copies are not one cluster: %v %v", out[0].Cluster, out[1].Cluster)
	}
	if out[2].Cluster != nil {
		t.Errorf("the plain job is in cluster %s", *out[2].Cluster)
	}
	runes := []rune(`Se solicitan edecanes, $3,000 diarios, viaje pagado, sin experiencia. Solo mujeres de 18 a 25. WhatsApp 55 1234 5678`)
	for _, f := range out[0].Flags {
		if f.Start < 0 || f.End > len(runes) || f.Start >= f.End {
			t.Errorf("flag %s at %d-%d", f.ID, f.Start, f.End)
		}
	}
	found := false
	for _, id := range out[0].Identifiers {
		if id.E164 == "+525512345678" {
			found = true
		}
	}
	if !found {
		t.Errorf("identifiers: %+v", out[0].Identifiers)
	}
	if strings.Contains(r.stderr, "5512345678") || strings.Contains(r.stderr, "1234 5678") {
		t.Error("a phone number reached the log")
	}
	var clusters []map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "clusters.json"))
	if err := json.Unmarshal(b, &clusters); err != nil || len(clusters) == 0 {
		t.Errorf("cluster report: %v %s", err, b)
	}
	// Tokens are stable across runs with the same key.
	again := runVigia(t, env, "screen", in)
	if again.stdout != r.stdout {
		t.Error("a second run with the same key gave other output")
	}
	// --strict stops at the malformed line.
	if r := runVigia(t, env, "screen", "--strict", in); r.err == nil || !strings.Contains(r.err.Error(), "line 4") {
		t.Errorf("--strict: %v", r.err)
	}
}

func TestScreenCLICSVAndBadInput(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"VIGIA_SCREEN_KEY_FILE": filepath.Join(dir, "k.key")}
	csvPath := filepath.Join(dir, "ads.csv")
	os.WriteFile(csvPath, []byte("id,text,city\n"+`c1,"Se solicitan edecanes, viaje pagado, sin experiencia",Puebla`+"\n"+`c2,"Auxiliar contable, sueldo $14,000 mensuales, prestaciones de ley",CDMX`+"\n"), 0o644)
	r := runVigia(t, env, "screen", csvPath)
	if r.err != nil || strings.Count(r.stdout, "\n") != 2 {
		t.Fatalf("csv: %v\n%s%s", r.err, r.stdout, r.stderr)
	}
	for name, body := range map[string][]byte{
		"empty.jsonl":  {},
		"binary.jsonl": {0, 1, 2, 3, 0xff},
		"nohdr.csv":    []byte("a,b\n1,2\n"),
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, body, 0o644)
		if r := runVigia(t, env, "screen", p); r.err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(r.err.Error(), name) {
			t.Errorf("%s: error does not name the file: %v", name, r.err)
		}
	}
}

// FuzzReadAds: the ad reader never panics or hangs, and every ad it passes
// on either carries an error or has an id and a text.
func FuzzReadAds(f *testing.F) {
	f.Add([]byte(adsJSONL))
	f.Add([]byte("id,text\n1,hola\n2,\"a,b\"\n"))
	f.Add([]byte("{\"id\":1}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ch := make(chan *adIn, 16)
		done := make(chan error, 1)
		go func() { done <- readAds(t.Context(), "fuzz", strings.NewReader(string(b)), ch) }()
		for ad := range ch {
			if ad.err == nil && (ad.ID == "" || ad.Text == "" && ad.line == 0) {
				t.Fatalf("ad without id passed: %+v", ad)
			}
			if ad.line < 1 {
				t.Fatalf("ad with line %d", ad.line)
			}
		}
		<-done
	})
}

// Saved ads are found again by a contact written another way, and the
// database holds neither the text nor the number.
func TestScreenSaveAndFind(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "ads.jsonl")
	os.WriteFile(in, []byte(adsJSONL), 0o644)
	db := filepath.Join(dir, "v.db")
	env := map[string]string{"VIGIA_SCREEN_KEY_FILE": filepath.Join(dir, "k.key"), "VIGIA_DATABASE_URL": db}
	if r := runVigia(t, env, "screen", "--save", in); r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	r := runVigia(t, env, "ads", "--contact", "whats: 55-1234-5678")
	if r.err != nil || !strings.Contains(r.stdout, "ad-1") || !strings.Contains(r.stdout, "ad-2") || !strings.Contains(r.stdout, "2 ads") ||
		!strings.Contains(r.stdout, "(2 ads, 2026-10-01…2026-10-03)") {
		t.Fatalf("ads --contact: %v\n%s", r.err, r.stdout)
	}
	for _, f := range []string{"v.db", "v.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		for _, raw := range []string{"5512345678", "1234 5678", "edecanes"} {
			if strings.Contains(string(b), raw) {
				t.Errorf("%s holds %q in plain text", f, raw)
			}
		}
	}
}

// Awareness ads that all print the national hotline are not a network.
func TestScreenHotlineIsAHub(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	texts := []string{
		"Campaña: si te ofrecen trabajo con viaje pagado y sin requisitos, desconfía y llama al 800 5533 000.",
		"Denuncia la trata de personas de forma anónima al 800 5533 000, las 24 horas, desde cualquier lugar del país.",
		"Empresa de limpieza en Monterrey contrata personal con prestaciones de ley. Dudas sobre trata: 800 5533 000",
	}
	for i, tx := range texts {
		fmt.Fprintf(&b, `{"id":"aw-%d","text":%q}`+"\n", i, tx)
	}
	in := filepath.Join(dir, "aw.jsonl")
	os.WriteFile(in, []byte(b.String()), 0o644)
	r := runVigia(t, map[string]string{"VIGIA_SCREEN_KEY_FILE": filepath.Join(dir, "k.key")}, "screen", in)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if strings.Contains(r.stdout, `"cluster":"`) {
		t.Errorf("ads sharing only the hotline were clustered:\n%s", r.stdout)
	}
	if r := runVigia(t, map[string]string{"VIGIA_SCREEN_KEY_FILE": filepath.Join(dir, "k.key")}, "screen", "--hub", "nada", in); r.err == nil {
		t.Error("a --hub without a contact was accepted")
	}
}

// An over-long line is an error line with its number; the lines after it
// are still screened (and --strict stops there).
func TestScreenCLILongLine(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"VIGIA_SCREEN_KEY_FILE": filepath.Join(dir, "k.key")}
	p := filepath.Join(dir, "long.jsonl")
	body := `{"id":"a","text":"Se solicita cajera con experiencia, sueldo semanal y prestaciones"}` + "\n" +
		`{"id":"x","text":"` + strings.Repeat("a", maxAdBytes+10) + "\"}\n" +
		`{"id":"b","text":"Auxiliar contable, sueldo $14,000 mensuales, prestaciones de ley"}`
	os.WriteFile(p, []byte(body), 0o644)
	r := runVigia(t, env, "screen", p)
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d output lines for 3 input lines:\n%.500s", len(lines), r.stdout)
	}
	var mid, last screenLine
	json.Unmarshal([]byte(lines[1]), &mid)
	json.Unmarshal([]byte(lines[2]), &last)
	if mid.Line != 2 || !strings.Contains(mid.Error, "longer than") || mid.ID != nil {
		t.Errorf("long line: %+v", mid)
	}
	if last.Line != 3 || last.Error != "" || last.ID == nil || *last.ID != "b" {
		t.Errorf("the line after it: %+v", last)
	}
	if r := runVigia(t, env, "screen", "--strict", p); r.err == nil || !strings.Contains(r.err.Error(), "line 2") {
		t.Errorf("--strict: %v", r.err)
	}
}

// flags, phrases, identifiers and reasons are arrays on every line, empty
// when there are none, error lines included.
func TestScreenCLIArraysAlwaysPresent(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "ads.jsonl")
	os.WriteFile(in, []byte(adsJSONL), 0o644)
	r := runVigia(t, map[string]string{"VIGIA_SCREEN_KEY_FILE": filepath.Join(dir, "k.key")}, "screen", in)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for i, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, k := range []string{"flags", "phrases", "identifiers", "reasons"} {
			if v, ok := m[k]; !ok || len(v) == 0 || v[0] != '[' {
				t.Errorf("line %d: %q is %s, want an array: %.300s", i+1, k, v, l)
			}
		}
	}
}

// The cluster report is snake_case, explains its links in Spanish and shows
// the template with slots, not the phone.
func TestScreenCLIClusterReport(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "ads.jsonl")
	// ad-6 shares only the WhatsApp number of ad-1 and ad-2; ad-7 is a
	// third copy of them, so that their group shows a template.
	os.WriteFile(in, []byte(adsJSONL+`{"id":"ad-6","text":"Vendo camioneta 2015 en buen estado, informes al WhatsApp 55 1234 5678"}`+"\n"+
		`{"id":"ad-7","text":"Se solicitan edecanes, $3,000 diarios, viaje pagado, sin experiencia. Solo mujeres de 18 a 25. WhatsApp 55 1234 5678"}`+"\n"), 0o644)
	cf := filepath.Join(dir, "c.json")
	r := runVigia(t, map[string]string{"VIGIA_SCREEN_KEY_FILE": filepath.Join(dir, "k.key")}, "screen", "--clusters", cf, in)
	if r.err != nil {
		t.Fatal(r.err)
	}
	b, _ := os.ReadFile(cf)
	var cl []map[string]any
	if err := json.Unmarshal(b, &cl); err != nil || len(cl) != 1 {
		t.Fatalf("report: %v\n%s", err, b)
	}
	for _, k := range []string{"id", "members", "size", "cities", "shared_tokens", "template", "slots", "edges", "links"} {
		if _, ok := cl[0][k]; !ok {
			t.Errorf("cluster without %q: %s", k, b)
		}
	}
	var keys func(v any)
	keys = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k != strings.ToLower(k) || strings.ContainsAny(k, " -") {
					t.Errorf("key %q is not snake_case", k)
				}
				keys(x)
			}
		case []any:
			for _, x := range v {
				keys(x)
			}
		}
	}
	keys(cl)
	if !strings.Contains(string(b), `"reason": "misma plantilla"`) || !strings.Contains(string(b), `"reason": "mismo contacto"`) {
		t.Errorf("links not explained as misma plantilla / mismo contacto:\n%s", b)
	}
	if strings.Contains(string(b), "1234") || strings.Contains(string(b), "3,000") {
		t.Errorf("the report shows the phone or the pay:\n%s", b)
	}
	if tm, _ := cl[0]["template"].(string); !strings.Contains(tm, "{TELEFONO}") || !strings.Contains(tm, "{NUMERO}") {
		t.Errorf("template without its slots: %q", tm)
	}
	empty := filepath.Join(dir, "none.jsonl")
	os.WriteFile(empty, []byte(`{"id":"z","text":"Se solicita cajera"}`+"\n"), 0o644)
	if r := runVigia(t, map[string]string{"VIGIA_SCREEN_KEY_FILE": filepath.Join(dir, "k.key")}, "screen", "--clusters", cf, empty); r.err != nil {
		t.Fatal(r.err)
	}
	if b, _ := os.ReadFile(cf); strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("no clusters: report %s, want []", b)
	}
}

// A cluster keeps its id when unrelated ads are added, before or after it
// in the file and with ids that sort before its members.
func TestScreenCLIClusterIDsStable(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"VIGIA_SCREEN_KEY_FILE": filepath.Join(dir, "k.key")}
	clusterOf := func(body, id string) string {
		t.Helper()
		p := filepath.Join(dir, "in.jsonl")
		os.WriteFile(p, []byte(body), 0o644)
		r := runVigia(t, env, "screen", p)
		if r.err != nil {
			t.Fatal(r.err)
		}
		for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			var s screenLine
			json.Unmarshal([]byte(l), &s)
			if s.ID != nil && *s.ID == id && s.Cluster != nil {
				return *s.Cluster
			}
		}
		t.Fatalf("%s has no cluster", id)
		return ""
	}
	before := clusterOf(adsJSONL, "ad-2")
	var more strings.Builder
	for i := range 20 {
		fmt.Fprintf(&more, `{"id":"a%02d","text":"Empresa %d de logística busca chofer con licencia tipo %c, ruta %d"}`+"\n", i, i, 'A'+i, i*7)
	}
	after := clusterOf(more.String()+adsJSONL+more.String(), "ad-2")
	if before != after || !strings.HasPrefix(before, "c-") || strings.Contains(before, "ad-") {
		t.Errorf("cluster id %q, then %q after adding unrelated ads", before, after)
	}
}
