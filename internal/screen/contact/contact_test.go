package contact

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// Every snippet, number, address and handle in this file is synthetic:
// written for the tests, not taken from real ads or real people.

type extractCase struct {
	name string
	in   string
	want []string // "kind value"
}

var extractCases = []extractCase{
	// Phones as written in ads.
	{"spaces", "Solicito edecanes, informes al 55 1234 5678", []string{"phone +525512345678"}},
	{"parentheses dash", "Tel. (55) 1234-5678", []string{"phone +525512345678"}},
	{"dots", "Llama al 55.1234.5678 hoy mismo", []string{"phone +525512345678"}},
	{"scattered", "cel 5 5-1 2 3 4-5 6 7 8", []string{"phone +525512345678"}},
	{"legacy +52 1", "WhatsApp: +52 1 33 1234 5678", []string{"phone +523312345678"}},
	{"legacy 521", "Marca al 521 81 8123 4567", []string{"phone +528181234567"}},
	{"legacy 044", "Cel 044 55 8765 4321", []string{"phone +525587654321"}},
	{"legacy 01", "Lada sin costo 01 (999) 123 4567", []string{"phone +529991234567"}},
	{"+52", "Informes +52 998 123 4567", []string{"phone +529981234567"}},
	{"keycaps", "Informes 📱 5️⃣5️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣", []string{"phone +525512345678"}},
	{"full-width", "Ｔｅｌ ５５ ８７６５ ４３２１", []string{"phone +525587654321"}},
	{"spelled digits", "marca al cinco cinco, ocho siete, seis cinco, cuatro tres, dos uno", []string{"phone +525587654321"}},
	{"spelled pairs", "cincuenta y cinco doce treinta y cuatro cincuenta y seis setenta y ocho", []string{"phone +525512345678"}},
	{"zero width", "Tel 55\u200b1234\u200b5678", []string{"phone +525512345678"}},
	{"two numbers", "Tel 55 1234 5678 o 33 8765 4321", []string{"phone +525512345678", "phone +523387654321"}},
	{"two numbers slash", "Cel. 998 765 4321 / 998 123 4567", []string{"phone +529987654321", "phone +529981234567"}},
	{"postal code then phone", "CP 06600 tel 55 2345 6789", []string{"phone +525523456789"}},
	{"year then phone", "Empresa desde 2019 55 1234 5678", []string{"phone +525512345678"}},
	{"same number thrice", "55 1234 5678, 5512345678, +52 55 1234 5678", []string{"phone +525512345678"}},
	{"extension", "Teléfono: 81-8123-4567 ext. 12", []string{"phone +528181234567"}},
	{"pairs", "Whats 55-12-34-56-78", []string{"phone +525512345678"}},

	// WhatsApp links.
	{"wa.me legacy", "Escríbeme wa.me/5215512345678", []string{"whatsapp +525512345678"}},
	{"wa.me plus", "https://wa.me/+523312345678?text=Hola", []string{"whatsapp +523312345678"}},
	{"api send", "api.whatsapp.com/send?phone=5218112345678&text=info", []string{"whatsapp +528112345678"}},
	{"api send escaped plus", "https://api.whatsapp.com/send/?phone=%2B525512345678", []string{"whatsapp +525512345678"}},
	{"wa.me foreign", "Trabajo en Colombia wa.me/573001234567", []string{"whatsapp +573001234567"}},
	{"group", "Únete al grupo https://chat.whatsapp.com/Fk3LmN0pQrStUv", []string{"whatsapp chat.whatsapp.com/Fk3LmN0pQrStUv"}},
	{"link and number", "Informes 55 1234 5678 o wa.me/5215512345678", []string{"phone +525512345678", "whatsapp +525512345678"}},

	// Telegram.
	{"t.me", "Telegram: t.me/trabajos_vip_mx", []string{"telegram telegram:trabajos_vip_mx"}},
	{"telegram handle", "Escríbenos por telegram @ReclutaRapido", []string{"telegram telegram:reclutarapido"}},
	{"t.me invite", "grupo privado t.me/+AbCdEfGhIj12", []string{"telegram t.me/+AbCdEfGhIj12"}},

	// E-mail.
	{"gmail canonical", "correo: Vacantes.Mexico+cv@Gmail.com", []string{"email vacantesmexico@gmail.com"}},
	{"plain", "mándame tu CV a reclutamiento@empresa-ficticia.com.mx", []string{"email reclutamiento@empresa-ficticia.com.mx"}},
	{"upper case", "ENVIA CV A RH@EJEMPLO.COM.MX", []string{"email rh@ejemplo.com.mx"}},
	{"arroba punto", "ana.b arroba gmail punto com", []string{"email anab@gmail.com"}},
	{"(at)", "contacto(at)agencia-modelos.mx", []string{"email contacto@agencia-modelos.mx"}},
	{"spaced @", "citas.vip @ hotmail . com", []string{"email citas.vip@hotmail.com"}},
	{"punto in local", "escribe a juan punto perez arroba outlook punto com", []string{"email juan.perez@outlook.com"}},
	{"no tld", "manda fotos a modelos.sol arroba gmail", []string{"email modelossol@gmail.com"}},

	// Social profiles and handles.
	{"ig handle", "IG: @modelos_vip.mx", []string{"handle instagram:modelos_vip.mx"}},
	{"insta handle", "síguenos en insta @Casting.Edecanes", []string{"handle instagram:casting.edecanes"}},
	{"full-width handle", "ＩＧ：＠ｃａｓｔｉｎｇ＿ｍｘ", []string{"handle instagram:casting_mx"}},
	{"instagram url", "instagram.com/agencia.glam/", []string{"handle instagram:agencia.glam"}},
	{"facebook id", "https://www.facebook.com/profile.php?id=100087654321098", []string{"handle facebook:100087654321098"}},
	{"facebook name", "facebook.com/Empleos.Frontera", []string{"handle facebook:empleos.frontera"}},
	{"fb.me", "fb.me/ReclutaHoy", []string{"handle facebook:reclutahoy"}},
	{"tiktok url", "tiktok.com/@chambas_ya", []string{"handle tiktok:chambas_ya"}},
	{"tiktok handle", "Búscanos en TikTok @ganadinero.mx", []string{"handle tiktok:ganadinero.mx"}},
	{"twitter", "twitter.com/ReclutaMX", []string{"handle x:reclutamx"}},
	{"instagram colon", "Instagram: vacantes_cancun", []string{"handle instagram:vacantes_cancun"}},
	{"website", "Visita https://www.Vacantes-Ficticias.com/Registro/?ref=fb", []string{"url vacantes-ficticias.com/registro"}},

	// Negatives: figures and words that must not become contacts.
	{"prices", "Sueldo $3,000 semanales, bonos de 15,000 pesos", nil},
	{"age range", "Edad 18 a 35 años, horario 9 a 18 hrs", nil},
	{"postal code", "CP 06600, Col. Juárez, CDMX", nil},
	{"dates", "Fecha de inicio 15/08/2025, entrevistas 2025-08-20", nil},
	{"salary range", "sueldo de 20000-25000 mensuales", nil},
	{"reference", "Folio 2345678901", nil},
	{"big amount", "$ 2 500 000 de inversión", nil},
	{"thousands", "ganancias de 2.500.000.000 al año", nil},
	{"bare handle", "Contacto @rosa, sin plataforma", nil},
	{"counting words", "dos turnos, tres días de descanso, uno libre", nil},
	{"foreign number", "+1 555 123 4567 (USA)", nil},
	{"card number", "deposita a 4152313412341234", nil},
	{"too short", "Llama al 55 1234 567", nil},
	{"bare domain", "como en gmail.com o sueldo.mx", nil},
	{"english at", "meet us at the office at 9", nil},
}

func TestExtractTable(t *testing.T) {
	var tp, fp, fn int
	for _, tc := range extractCases {
		got := Extract(tc.in)
		checkIdentifiers(t, tc.in, got)
		gotSet := map[string]bool{}
		for _, id := range got {
			gotSet[string(id.Kind)+" "+id.Value] = true
		}
		wantSet := map[string]bool{}
		for _, w := range tc.want {
			wantSet[w] = true
		}
		for g := range gotSet {
			if wantSet[g] {
				tp++
			} else {
				fp++
				t.Logf("%s: unexpected %q", tc.name, g)
			}
		}
		for w := range wantSet {
			if !gotSet[w] {
				fn++
				t.Logf("%s: missed %q", tc.name, w)
			}
		}
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	t.Logf("%d snippets: tp=%d fp=%d fn=%d precision=%.3f recall=%.3f", len(extractCases), tp, fp, fn, precision, recall)
	if len(extractCases) < 40 {
		t.Errorf("only %d snippets, want at least 40", len(extractCases))
	}
	if precision < 0.95 || recall < 0.95 {
		t.Errorf("precision %.3f, recall %.3f: want both ≥ 0.95", precision, recall)
	}
}

func TestEvidence(t *testing.T) {
	tests := []struct {
		in, want string // want: the evidence of the first identifier
	}{
		{"Informes al 55 1234 5678.", "55 1234 5678"},
		{"WhatsApp +52 1 (33) 1234-5678", "+52 1 (33) 1234-5678"},
		{"Tel 5️⃣5️⃣ １２３４ 5678 ya", "5️⃣5️⃣ １２３４ 5678"},
		{"marca cinco cinco uno dos tres cuatro cinco seis siete ocho ya", "cinco cinco uno dos tres cuatro cinco seis siete ocho"},
		{"Escríbeme a https://wa.me/5215512345678.", "https://wa.me/5215512345678"},
		{"correo: Ana.B arroba Gmail punto com, gracias", "Ana.B arroba Gmail punto com"},
		{"IG: @Modelos_VIP.", "@Modelos_VIP"},
		{"Señorita: (55) 1234-5678", "55) 1234-5678"},
	}
	for _, tt := range tests {
		ids := Extract(tt.in)
		if len(ids) == 0 {
			t.Errorf("Extract(%q) found nothing", tt.in)
			continue
		}
		if got := tt.in[ids[0].Start:ids[0].End]; got != tt.want {
			t.Errorf("Extract(%q) evidence = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMXNational(t *testing.T) {
	tests := []struct {
		d    string
		intl bool
		want string // "" for invalid
	}{
		{"5512345678", false, "5512345678"},
		{"525512345678", false, "5512345678"},
		{"5215512345678", false, "5512345678"},
		{"5215512345678", true, "5512345678"},
		{"0445512345678", false, "5512345678"},
		{"0455512345678", false, "5512345678"},
		{"015512345678", false, "5512345678"},
		{"015512345678", true, ""},
		{"5512345678", true, ""},
		{"1512345678", false, ""}, // starts with 1
		{"0512345678", false, ""}, // starts with 0
		{"551234567", false, ""},  // 9 digits
		{"55123456789", false, ""},
		{"520512345678", false, ""},
	}
	for _, tt := range tests {
		got, ok := mxNational(tt.d, tt.intl)
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("mxNational(%q, %v) = %q, want %q", tt.d, tt.intl, got, tt.want)
		}
	}
}

func TestOrderAndDedup(t *testing.T) {
	in := "IG @ana_b y correo ana@ejemplo.mx; tel 55 1234 5678, wa.me/5215512345678, otra vez 55-1234-5678" // synthetic
	got := Extract(in)
	var kinds []string
	for _, id := range got {
		kinds = append(kinds, string(id.Kind))
	}
	want := []string{"handle", "email", "phone", "whatsapp"}
	if strings.Join(kinds, ",") != strings.Join(want, ",") {
		t.Errorf("kinds = %v, want %v", kinds, want)
	}
	if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i].Start < got[j].Start }) {
		t.Errorf("not sorted by Start: %+v", got)
	}
}

func TestToken(t *testing.T) {
	key := []byte("synthetic-test-key-0123456789")
	a := Identifier{Kind: KindPhone, Value: "+525512345678"}
	b := Identifier{Kind: KindWhatsApp, Value: "+525512345678"}
	ta, tb := Token(key, a), Token(key, b)
	if len(ta) != 64 {
		t.Errorf("token length %d, want 64 hex chars", len(ta))
	}
	if ta == tb {
		t.Errorf("kind is not part of the token")
	}
	if ta != Token(key, Identifier{Kind: KindPhone, Value: "+525512345678", Start: 9}) {
		t.Errorf("token depends on the evidence offsets")
	}
	if ta == Token([]byte("another-synthetic-key-98765432"), a) {
		t.Errorf("token does not depend on the key")
	}
	if strings.Contains(ta, "5512345678") {
		t.Errorf("token leaks the number")
	}
	// Pinned so that a change of the scheme, which would unlink every
	// stored ad, is noticed: HMAC-SHA256(key, "phone:+525512345678").
	if want := pinnedToken; ta != want {
		t.Errorf("Token = %s, want %s", ta, want)
	}
}

func TestLast4(t *testing.T) {
	tests := []struct {
		id   Identifier
		want string
	}{
		{Identifier{Kind: KindPhone, Value: "+525512345678", E164: "+525512345678"}, "5678"},
		{Identifier{Kind: KindWhatsApp, Value: "+525587654321", E164: "+525587654321"}, "4321"},
		{Identifier{Kind: KindWhatsApp, Value: "+573001234567"}, "4567"},
		{Identifier{Kind: KindWhatsApp, Value: "chat.whatsapp.com/Fk3LmN0pQrStUv"}, ""},
		{Identifier{Kind: KindEmail, Value: "ana1234@ejemplo.mx"}, ""},
		{Identifier{Kind: KindPhone, Value: ""}, ""},
	}
	for _, tt := range tests {
		if got := Last4(tt.id); got != tt.want {
			t.Errorf("Last4(%s) = %q, want %q", tt.id.Kind, got, tt.want)
		}
	}
}

var e164 = regexp.MustCompile(`^\+52\d{10}$`)

// checkIdentifiers verifies what every result must satisfy.
func checkIdentifiers(t *testing.T, text string, ids []Identifier) {
	t.Helper()
	bounds := runeBoundaries(text)
	seen := map[string]bool{}
	for i, id := range ids {
		if id.Start < 0 || id.End > len(text) || id.Start >= id.End {
			t.Fatalf("identifier %d (%s) has span [%d,%d) outside %d bytes", i, id.Kind, id.Start, id.End, len(text))
		}
		if !bounds[id.Start] || !bounds[id.End] {
			t.Fatalf("identifier %d (%s) span [%d,%d) not on character boundaries", i, id.Kind, id.Start, id.End)
		}
		if id.E164 != "" && !e164.MatchString(id.E164) {
			t.Fatalf("identifier %d: bad E164 %q", i, id.E164)
		}
		if id.Kind == KindPhone && id.E164 != id.Value {
			t.Fatalf("identifier %d: a phone's E164 must be its value", i)
		}
		if id.Value == "" {
			t.Fatalf("identifier %d (%s) has an empty value", i, id.Kind)
		}
		k := string(id.Kind) + " " + id.Value
		if seen[k] {
			t.Fatalf("duplicate %s identifier", id.Kind)
		}
		seen[k] = true
		if i > 0 && ids[i-1].Start > id.Start {
			t.Fatalf("not sorted by Start")
		}
	}
}

// runeBoundaries marks the offsets where a character starts, decoding as
// normalize does (an invalid byte is one character).
func runeBoundaries(s string) map[int]bool {
	b := map[int]bool{len(s): true}
	for i := 0; i < len(s); {
		b[i] = true
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return b
}

func FuzzExtract(f *testing.F) {
	for _, tc := range extractCases {
		f.Add(tc.in)
	}
	f.Add("\xff5\u20e35\u20e3 1234 5678 \xc3")
	f.Add("a@b.c @ @@ arroba arroba punto punto com wa.me/ t.me/+ facebook.com/people/x/")
	f.Fuzz(func(t *testing.T, s string) {
		checkIdentifiers(t, s, Extract(s))
	})
}

// benchAd is a typical synthetic ad of about 600 bytes.
const benchAd = `¡¡URGENTE!! Se solicitan SEÑORITAS de 18 a 28 años para trabajar como edecanes y meseras en bar de Cancún y Playa del Carmen. Sueldo de $15,000 a $25,000 semanales más propinas. No se requiere experiencia, nosotros te capacitamos. Hospedaje y transporte pagados, adelanto de sueldo para tu pasaje. Entrevistas del 15/08 al 20/08 en Av. Insurgentes Sur 1234, Col. Del Valle, CP 03100. Interesadas mandar foto de cuerpo completo por WhatsApp 5️⃣5️⃣ 1234 5678 o wa.me/5215587654321. También en IG: @edecanes_vip.mx o al correo reclutamiento.vip arroba gmail punto com. Cupo limitado, ¡no te quedes fuera!`

func BenchmarkExtract(b *testing.B) {
	b.SetBytes(int64(len(benchAd)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(benchAd)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ads/s")
}

func TestBenchAd(t *testing.T) {
	got := Extract(benchAd)
	var vals []string
	for _, id := range got {
		vals = append(vals, string(id.Kind)+" "+id.Value)
	}
	want := []string{
		"phone +525512345678",
		"whatsapp +525587654321",
		"handle instagram:edecanes_vip.mx",
		"email reclutamientovip@gmail.com",
	}
	if strings.Join(vals, "|") != strings.Join(want, "|") {
		t.Errorf("bench ad: got %v, want %v", vals, want)
	}
}

// pinnedToken is HMAC-SHA256("synthetic-test-key-0123456789",
// "phone:+525512345678"), computed independently with Python's hmac.
const pinnedToken = "d0a6a06f9988bd0aa5d736f6a6380ef2cd34310eb7d706c40aab5d5d39caaa8b"

// A Tokener gives the same tokens as Token, also when reused and shared.
func TestTokener(t *testing.T) {
	key := []byte("synthetic tokener key, 32 bytes!")
	tk := NewTokener(key)
	ids := []Identifier{{Kind: KindPhone, Value: "+525512345678"}, {Kind: KindEmail, Value: "a@b.mx"},
		{Kind: KindURL, Value: ""}, {Kind: KindHandle, Value: "instagram:x"}}
	done := make(chan bool)
	for range 4 {
		go func() {
			for range 50 {
				for _, id := range ids {
					if got, want := tk.Token(id), Token(key, id); got != want {
						t.Errorf("%v: %s, want %s", id, got, want)
					}
				}
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
}
