package flags

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

// taxonomy lists every id of SCREENING.md "Red-flag taxonomy (v0)".
var taxonomy = []string{
	"A1_PAY_UNREALISTIC", "A2_NO_REQUIREMENTS", "A3_EMPLOYER_ANON", "A4_VAGUE_DUTIES", "A5_BRAND_IMPERSONATION", "A6_URGENCY", "A7_HIRE_NO_INTERVIEW", "A8_MLM_RECRUIT", "A9_HOME_ASSEMBLY", "A10_TASK_SCAM",
	"B1_CHAT_ONLY", "B2_PUBLIC_PLACE_INTERVIEW", "B3_PERSONAL_DOCS_UPFRONT", "B4_PHOTOS_REQUESTED", "B5_AREA_CODE_MISMATCH",
	"C1_TRAVEL_PAID", "C2_EMPLOYER_HOUSING", "C3_NEW_IN_TOWN", "C4_ISOLATION_SECRECY",
	"D1_YOUNG_FEMALE_APPEARANCE", "D2_MINORS", "D3_NO_PAPERS", "D4_STUDENTS_OUT_OF_TOWN",
	"E1_HOSTESS_MODEL_ROLES", "E2_TIPS_COMMISSION_PAY", "E3_NIGHT_VENUE", "E4_MODEL_CONTRACT_ABROAD",
	"F1_UPFRONT_FEE", "F2_ADVANCE_DEDUCTED", "F3_DOC_CUSTODY", "F4_DEFERRED_PAY", "F5_PAPERS_ARRANGED",
	"G1_EXCESSIVE_HOURS", "G2_HIGH_RISK_SECTOR", "G3_SECURITY_GUARD_LURE", "G4_OVERSEAS_CALLCENTER", "G5_CRIMINAL_RECRUITMENT",
	"E5_SEXUAL_SERVICES", "H1_TEMPLATE_CLUSTER", "H2_SHARED_ID_MULTI_CITY", "H3_MULTI_IDENTIFIER_AD", "H4_BURST", "H5_HUB_IDENTIFIER",
}

func TestRulesFile(t *testing.T) {
	rs, err := ParseRules(rulesJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d{4}\.\d{2}-v\d+$`).MatchString(rs.Version) {
		t.Errorf("version %q", rs.Version)
	}
	seen := map[string]bool{}
	for _, f := range rs.Flags {
		if seen[f.ID] {
			t.Errorf("duplicate %s", f.ID)
		}
		seen[f.ID] = true
		if strings.TrimSpace(f.ES) == "" || strings.TrimSpace(f.EN) == "" {
			t.Errorf("%s: missing wording", f.ID)
		}
		if len(f.Sources) == 0 {
			t.Errorf("%s: no sources", f.ID)
		}
		if f.Category != f.ID[:1] {
			t.Errorf("%s: category %q", f.ID, f.Category)
		}
		if strings.HasPrefix(f.ID, "H") || f.ID == "B5_AREA_CODE_MISMATCH" {
			if !f.Computed || len(f.Patterns) > 0 {
				t.Errorf("%s: network signals are computed, without patterns", f.ID)
			}
		} else if f.Computed || len(f.Patterns) == 0 {
			t.Errorf("%s: text flag without patterns", f.ID)
		}
		for _, p := range append(append([]string{}, f.Patterns...), f.RequireAny...) {
			if _, err := regexp.Compile(p); err != nil {
				t.Errorf("%s: %v", f.ID, err)
			}
		}
	}
	for _, id := range taxonomy {
		if !seen[id] {
			t.Errorf("taxonomy id %s missing", id)
		}
		if f, ok := Lookup(id); !ok || f.ES == "" || f.EN == "" {
			t.Errorf("Lookup(%s)", id)
		}
	}
	if len(rs.Flags) != len(taxonomy) {
		t.Errorf("rules has %d flags, taxonomy %d", len(rs.Flags), len(taxonomy))
	}
	if _, ok := Lookup("Z9_NOPE"); ok {
		t.Error("Lookup of unknown id")
	}
}

func hitIDs(s string) map[string]Hit {
	out := map[string]Hit{}
	for _, h := range Match(normalize.New(s)) {
		out[h.ID] = h
	}
	return out
}

// Synthetic snippets (not taken from any real ad).
var matchCases = []struct {
	text      string
	want, not []string
}{
	{"Gana $3,000 diarios sin salir de casa", []string{"A1_PAY_UNREALISTIC", "A4_VAGUE_DUTIES"}, nil},
	{"Ganas $5 mil diarios medio tiempo", []string{"A1_PAY_UNREALISTIC"}, nil},
	{"Sueldo de $2,300 semanales más prestaciones", nil, []string{"A1_PAY_UNREALISTIC"}},
	{"Pago de $12,000 a la semana", []string{"A1_PAY_UNREALISTIC"}, nil},
	{"Earn $2,500/week from home!", []string{"A1_PAY_UNREALISTIC", "A4_VAGUE_DUTIES"}, nil},
	{"No se requiere experiencia ni estudios", []string{"A2_NO_REQUIREMENTS"}, nil},
	{"Importante empresa solicita personal", []string{"A3_EMPLOYER_ANON"}, nil},
	{"Mercado Libre te contrata por WhatsApp", []string{"A5_BRAND_IMPERSONATION", "B1_CHAT_ONLY"}, nil},
	{"Compré en Mercado Libre un escritorio", nil, []string{"A5_BRAND_IMPERSONATION"}},
	{"URGE personal, solo 6 vacantes, sales este viernes", []string{"A6_URGENCY"}, nil},
	{"Quedas contratada sin entrevista", []string{"A7_HIRE_NO_INTERVIEW"}, nil},
	{"Gana por cada persona que invites", []string{"A8_MLM_RECRUIT"}, nil},
	{"Informes solo por WhatsApp", []string{"B1_CHAT_ONLY"}, nil},
	{"Manda inbox para más info", []string{"B1_CHAT_ONLY"}, nil},
	{"La entrevista es en la plaza, te recogemos en la terminal", []string{"B2_PUBLIC_PLACE_INTERVIEW"}, nil},
	{"Manda foto de tu INE y CURP por aquí", []string{"B3_PERSONAL_DOCS_UPFRONT"}, nil},
	{"Dame el código que te llegó por SMS", []string{"B3_PERSONAL_DOCS_UPFRONT"}, nil},
	{"Presentarse con INE y comprobante de domicilio", nil, []string{"B3_PERSONAL_DOCS_UPFRONT"}},
	{"Envía 3 fotos de cuerpo completo", []string{"B4_PHOTOS_REQUESTED"}, nil},
	{"Viaje pagado y hospedaje incluido", []string{"C1_TRAVEL_PAID", "C2_EMPLOYER_HOUSING"}, nil},
	{"No ofrecemos hospedaje", nil, []string{"C2_EMPLOYER_HOUSING"}},
	{"Nueva en la ciudad, recién llegada", []string{"C3_NEW_IN_TOWN"}, nil},
	{"Solo mujeres de 18 a 25 años", []string{"D1_YOUNG_FEMALE_APPEARANCE"}, nil},
	{"Edad de 18 a 45 años, ambos sexos", nil, []string{"D1_YOUNG_FEMALE_APPEARANCE", "D2_MINORS"}},
	{"Aceptamos desde 16 años", []string{"D2_MINORS"}, nil},
	{"No importa si no tienes papeles", []string{"D3_NO_PAPERS"}, nil},
	{"Universitarias foráneas, medio tiempo", []string{"D4_STUDENTS_OUT_OF_TOWN"}, nil},
	{"Se buscan edecanes y modelos", []string{"E1_HOSTESS_MODEL_ROLES"}, nil},
	{"Nuevo modelo de negocio para tu empresa", nil, []string{"E1_HOSTESS_MODEL_ROLES"}},
	{"Ganancias por ficha y propinas", []string{"E2_TIPS_COMMISSION_PAY"}, nil},
	{"Trabajo de noche en centro nocturno", []string{"E3_NIGHT_VENUE"}, nil},
	{"Contrato como modelo en Asia, book gratis", []string{"E4_MODEL_CONTRACT_ABROAD"}, nil},
	{"Cuota de $500 para tu uniforme", []string{"F1_UPFRONT_FEE"}, nil},
	{"Pago de examen médico antes de iniciar", []string{"F1_UPFRONT_FEE"}, nil},
	{"No cobramos ninguna cuota por contratarte", nil, []string{"F1_UPFRONT_FEE"}},
	{"No cobramos cuota por el uniforme", nil, []string{"F1_UPFRONT_FEE"}},
	{"Uniforme proporcionado sin costo y capacitación pagada", nil, []string{"F1_UPFRONT_FEE"}},
	{"Te adelantamos el pasaje y se descuenta de tu sueldo", []string{"F2_ADVANCE_DEDUCTED", "C1_TRAVEL_PAID"}, nil},
	{"Nosotros resguardamos tu pasaporte", []string{"F3_DOC_CUSTODY"}, nil},
	{"We will keep your passport during the contract", []string{"F3_DOC_CUSTODY"}, nil},
	{"El pago se entrega al terminar la temporada", []string{"F4_DEFERRED_PAY"}, nil},
	{"Disponibilidad total, de lunes a domingo, turnos de 12 horas", []string{"G1_EXCESSIVE_HOURS"}, nil},
	{"Se solicitan jornaleros para el norte, traslado gratis", []string{"G2_HIGH_RISK_SECTOR", "C1_TRAVEL_PAID"}, nil},
	{"Se solicitan jornaleros, pago semanal, IMSS", nil, []string{"G2_HIGH_RISK_SECTOR"}},
	{"Guardias, $4,000 semanales, pasaje y comida", []string{"G3_SECURITY_GUARD_LURE", "C1_TRAVEL_PAID"}, nil},
	{"Guardias con experiencia, sueldo $9,500 mensuales, prestaciones", nil, []string{"G3_SECURITY_GUARD_LURE"}},
	{"Call center en Asia, vuelo y vivienda pagados", []string{"G4_OVERSEAS_CALLCENTER", "C1_TRAVEL_PAID"}, nil},
	{"Call center en Zapopan, sueldo base más bonos", nil, []string{"G4_OVERSEAS_CALLCENTER"}},
	{"Gerente de planta para fábrica de alimentos", nil, []string{"C2_EMPLOYER_HOUSING", "G2_HIGH_RISK_SECTOR"}},
	{"Auxiliar contable, licenciatura, sueldo $11,000 mensuales, prestaciones de ley", nil, nil},
	// Synthetic phrases (written for these tests) for the families of issue 9.
	// Minors however the age is written; adults and childcare stay clean.
	{"Buscamos chicas de 16 en adelante para atender clientes", []string{"D2_MINORS"}, nil},
	{"Edad: 15 a 25 años, no necesitas experiencia", []string{"D2_MINORS"}, nil},
	{"no importa si eres menor de edad, te capacitamos", []string{"D2_MINORS"}, nil},
	{"aceptamos desde los dieciséis años", []string{"D2_MINORS"}, nil},
	{"menores bienvenidas, pago diario", []string{"D2_MINORS"}, nil},
	{"ideal para estudiantes de secundaria, medio tiempo", []string{"D2_MINORS"}, nil},
	{"Requisitos: mayor de edad, secundaria terminada", nil, []string{"D2_MINORS"}},
	{"No se aceptan menores de edad", nil, []string{"D2_MINORS"}},
	{"Niñera para cuidar a dos menores de edad, con referencias", nil, []string{"D2_MINORS"}},
	// Isolation and secrecy; papers arranged; lodging; debt.
	{"no le digas a tu familia hasta que llegues", []string{"C4_ISOLATION_SECRECY"}, nil},
	{"nosotros te tramitamos el pasaporte y la visa", []string{"F5_PAPERS_ARRANGED"}, nil},
	{"te damos departamento cerca del trabajo", []string{"C2_EMPLOYER_HOUSING"}, nil},
	{"el pasaje te lo adelantamos y se descuenta de tu sueldo", []string{"F2_ADVANCE_DEDUCTED"}, nil},
	{"Gestor de cobranza para recuperación de deuda, prestaciones de ley, descuentos en tiendas", nil, []string{"F2_ADVANCE_DEDUCTED"}},
	// Slang and obfuscation.
	{"se buscan morras guapas para chamba bien pagada", []string{"D1_YOUNG_FEMALE_APPEARANCE", "A4_VAGUE_DUTIES"}, nil},
	{"tr4bajo para d4mas, solo por inbox", []string{"D1_YOUNG_FEMALE_APPEARANCE"}, nil},
	{"Prestaciones atractivas y sueldo competitivo", nil, []string{"D1_YOUNG_FEMALE_APPEARANCE"}},
	{"se buscan señoritas para convivir con clientes", []string{"E5_SEXUAL_SERVICES"}, nil},
	{"Sexo: indistinto. Política contra el acoso sexual. Turno de 16 a 20 horas", nil, []string{"E5_SEXUAL_SERVICES", "D2_MINORS"}},
	{"Deben abonar un cupo de 3000 pesos ahora y cada 6 meses", []string{"F1_UPFRONT_FEE"}, nil},
	{"asistente cariñosa para empresario, sexo casual", []string{"E5_SEXUAL_SERVICES"}, nil},
	{"Recepcionista hostess para agencia de autos, prestaciones", []string{"E1_HOSTESS_MODEL_ROLES"}, []string{"E5_SEXUAL_SERVICES"}},
	// Criminal recruitment, packing from home, task scams.
	{"las cuatro letras están reclutando, te pagamos el adiestramiento", []string{"G5_CRIMINAL_RECRUITMENT"}, nil},
	{"empaca dulces desde tu casa y gana por pieza", []string{"A9_HOME_ASSEMBLY"}, nil},
	{"te pagamos por dar likes y calificar productos desde tu celular", []string{"A10_TASK_SCAM"}, nil},
	{"Analista de modelos de datos, disponibilidad para viajar, viáticos pagados", nil, []string{"E1_HOSTESS_MODEL_ROLES", "C1_TRAVEL_PAID"}},
	{"Promotora de ventas en tienda de autoservicio", nil, []string{"E1_HOSTESS_MODEL_ROLES"}},
	{"Cartel publicitario y diseño dentro de la organización; adiestramiento canino", nil, []string{"G5_CRIMINAL_RECRUITMENT"}},
}

func TestMatch(t *testing.T) {
	if len(matchCases) < 30 {
		t.Fatal("need at least 30 cases")
	}
	for _, c := range matchCases {
		got := hitIDs(c.text)
		for _, id := range c.want {
			if _, ok := got[id]; !ok {
				t.Errorf("%q: want %s, got %v", c.text, id, keys(got))
			}
		}
		for _, id := range c.not {
			if h, ok := got[id]; ok {
				t.Errorf("%q: unexpected %s on %q", c.text, id, h.Evidence)
			}
		}
		if c.want == nil && c.not == nil && len(got) > 0 {
			t.Errorf("%q: want no flags, got %v", c.text, keys(got))
		}
	}
}

func keys(m map[string]Hit) []string {
	var k []string
	for id := range m {
		k = append(k, id)
	}
	return k
}

func loadTexts(t testing.TB) []string {
	f, err := os.Open("testdata/dev_es.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var d struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d.Text)
	}
	return out
}

func checkSpans(t testing.TB, s string, hits []Hit) {
	for _, h := range hits {
		if h.Start < 0 || h.End > len(s) || h.Start > h.End {
			t.Fatalf("%s: span [%d,%d) outside text of %d bytes", h.ID, h.Start, h.End, len(s))
		}
		if s[h.Start:h.End] != h.Evidence {
			t.Fatalf("%s: evidence %q != original %q", h.ID, h.Evidence, s[h.Start:h.End])
		}
		if h.Version != RulesVersion() {
			t.Fatalf("%s: version %q", h.ID, h.Version)
		}
	}
}

func TestSpans(t *testing.T) {
	texts := append(loadTexts(t), "¡¡URGE!! Edecánes 👠 GANA $３,０００ DIARIOS — viaje pagado\n\n  sólo   WhatsApp 5️⃣5️⃣")
	n := 0
	for _, s := range texts {
		hits := Match(normalize.New(s))
		checkSpans(t, s, hits)
		for _, h := range hits {
			if h.Start == h.End {
				t.Errorf("%s: empty evidence in %q", h.ID, s)
			}
			// The evidence folds back to the text the rule matched.
			if !strings.Contains(normalize.New(s).Folded, normalize.New(h.Evidence).Folded) {
				t.Errorf("%s: evidence %q does not fold into the text", h.ID, h.Evidence)
			}
		}
		n += len(hits)
	}
	if n == 0 {
		t.Fatal("no hits at all")
	}
	h := hitIDs("¡¡URGE!! Edecánes 👠 GANA $３,０００ DIARIOS")
	if got := h["A1_PAY_UNREALISTIC"].Evidence; got != "$３,０００ DIARIOS" {
		t.Errorf("A1 evidence %q", got)
	}
	if got := h["E1_HOSTESS_MODEL_ROLES"].Evidence; got != "Edecánes" {
		t.Errorf("E1 evidence %q", got)
	}
}

func TestModelLoads(t *testing.T) {
	m, err := ParseModel(modelJSON)
	if err != nil {
		t.Fatal(err)
	}
	if m.RulesVersion != RulesVersion() {
		t.Fatalf("model trained on rules %s, embedded %s", m.RulesVersion, RulesVersion())
	}
	if m.Version == "" || m.Version == "bootstrap" || ModelVersion() != m.Version {
		t.Fatalf("model version %q", m.Version)
	}
	if !(0 < m.Thresholds.Medio && m.Thresholds.Medio < m.Thresholds.Alto && m.Thresholds.Alto < 1) {
		t.Fatalf("thresholds %+v", m.Thresholds)
	}
	if m.PlattA <= 0 {
		t.Fatalf("Platt slope %v must be positive", m.PlattA)
	}
	names := InputNames()
	for i, n := range names {
		if _, isFlag := Lookup(n); isFlag && m.Weights[i] < 0 {
			t.Errorf("flag %s has negative weight %v", n, m.Weights[i])
		}
	}
	a := Assess(normalize.New("x"), Features{})
	if a.ModelVersion != m.Version || a.RulesVersion != RulesVersion() {
		t.Errorf("assessment versions %s/%s", a.ModelVersion, a.RulesVersion)
	}
}

func TestOfficeJobIsBajo(t *testing.T) {
	for _, s := range []string{
		"Despacho contable en Puebla solicita auxiliar administrativo. Licenciatura en contaduría, manejo de Excel. Sueldo $10,500 mensuales más prestaciones de ley. Envía tu CV a rh@despachopuebla.mx. Entrevistas en Av. Juárez 1200.",
		"Se solicita recepcionista para clínica dental, horario de 9 a 18 h de lunes a viernes, sueldo $8,200 mensuales, entrevistas en la clínica con cita previa.",
	} {
		tx := normalize.New(s)
		a := Assess(tx, FeaturesFromText(tx))
		if a.Tier != "bajo" {
			t.Errorf("office job: tier %s risk %.2f reasons %+v", a.Tier, a.Risk, a.Reasons)
		}
	}
	s := "Se buscan edecanes para eventos en Cancún, gana $4,500 por día. Viaje y hospedaje pagados. Solo señoritas de 18 a 24 años, delgadas. Informes únicamente por WhatsApp."
	tx := normalize.New(s)
	a := Assess(tx, FeaturesFromText(tx))
	if a.Tier != "alto" || len(a.Reasons) == 0 {
		t.Fatalf("lure: tier %s risk %.2f", a.Tier, a.Risk)
	}
	for _, r := range a.Reasons {
		if s[r.Start:r.End] != r.Evidence || r.Text == "" || r.TextEN == "" {
			t.Errorf("reason %+v", r)
		}
	}
}

// TestMonotone: adding a flag never lowers the risk (goal G4).
func TestMonotone(t *testing.T) {
	var ids []string
	for _, f := range All() {
		if !f.Computed {
			ids = append(ids, f.ID)
		}
	}
	feats := []Features{{}, {Length: 300, HasCompanyName: true, HasSalary: true, HasEmail: true}, {Length: 90, HasWhatsApp: true, HasPhone: true}}
	for _, f := range feats {
		// base sets: empty, each single flag, and a few growing prefixes
		bases := [][]string{nil}
		for i := range ids {
			bases = append(bases, ids[i:i+1], ids[:i])
		}
		for _, base := range bases {
			hs := make([]Hit, len(base))
			for i, id := range base {
				hs[i] = Hit{ID: id}
			}
			r0 := AssessHits("", hs, f).Risk
			for _, id := range ids {
				r1 := AssessHits("", append(hs[:len(hs):len(hs)], Hit{ID: id}), f).Risk
				if r1 < r0 {
					t.Fatalf("adding %s to %v lowered risk %.4f -> %.4f", id, base, r0, r1)
				}
			}
		}
	}
}

func FuzzAssess(f *testing.F) {
	for _, c := range matchCases {
		f.Add(c.text)
	}
	f.Add("\xff\xfe $９９,９９９ diarios 🅰️ 5️⃣ wa.me/521")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		tx := normalize.New(s)
		a := Assess(tx, FeaturesFromText(tx))
		if !(a.Risk >= 0 && a.Risk <= 1) {
			t.Fatalf("risk %v", a.Risk)
		}
		switch a.Tier {
		case "bajo", "medio", "alto":
		default:
			t.Fatalf("tier %q", a.Tier)
		}
		for _, r := range a.Reasons {
			if r.Start < 0 || r.End > len(s) || r.Start > r.End || s[r.Start:r.End] != r.Evidence {
				t.Fatalf("reason span %+v in %q", r, s)
			}
		}
		checkSpans(t, s, Match(tx))
	})
}

const benchAd = "¡¡Chicas!! Se buscan edecanes y modelos para eventos en Cancún y Playa del Carmen 🌴 " +
	"Gana hasta $4,500 por día, pago diario. Viaje y hospedaje cubiertos por la agencia, comida incluida. " +
	"Requisitos: señoritas de 18 a 24 años, delgadas y de buena presentación, con disponibilidad para viajar " +
	"de inmediato. No necesitas experiencia, nosotros te capacitamos. Manda 3 fotos de cuerpo completo y una " +
	"foto de tu INE por inbox para apartar tu lugar. Cupo limitado, salimos este viernes de la central de " +
	"autobuses. Informes únicamente por WhatsApp 55 1234 5678. ¡No dejes pasar esta oportunidad!!"

func BenchmarkAssess(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchAd)))
	for b.Loop() {
		tx := normalize.New(benchAd)
		_ = Assess(tx, FeaturesFromText(tx))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ads/s")
}

const benchLegit = "Despacho contable en Mérida, Yucatán, solicita auxiliar administrativo para el área de cuentas por pagar. " +
	"Requisitos: licenciatura trunca o terminada en contaduría o administración, manejo intermedio de Excel y CONTPAQi, " +
	"experiencia mínima de un año en puesto similar. Ofrecemos sueldo de $11,000 mensuales, prestaciones de ley, " +
	"vales de despensa, fondo de ahorro y capacitación continua. Horario de lunes a viernes de 9 a 18 h con una hora " +
	"de comida. Interesados enviar CV actualizado a vacantes@contadoresmid.mx indicando pretensiones económicas. " +
	"Las entrevistas se realizan en nuestras oficinas de Calle 60 número 345, colonia Centro, con cita previa."

func BenchmarkAssessLegit(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		tx := normalize.New(benchLegit)
		_ = Assess(tx, FeaturesFromText(tx))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ads/s")
}
