// Package synth generates SYNTHETIC job ads for the screening benchmarks.
//
// Everything it writes is made up: the names, phone numbers, agencies and
// networks do not exist, and the ads must never be shown as, or mixed with,
// real data. They only have the shape that the near-duplicate and network
// code has to cope with:
//
//   - recruiter networks: a network posts one or two templates (long
//     classified-style ads, or short WhatsApp-forward style ads, which the
//     index shingles by characters) with slots filled from small per-network
//     pools (contact name, city, salary, age range, phone), the occasional
//     dropped or added word, and either a shared phone pool or rotating
//     phones (a fresh number on some ads; those copy the network's main
//     template word for word apart from city and phone, so that the text
//     links them);
//   - planted hubs: a trafficking hotline quoted in 5 % of all ads and an
//     agency switchboard in 2 % (the agency reposts for unrelated
//     employers), which must not glue the networks together;
//   - unrelated singleton ads built from the same phrase bank.
//
// Ground truth: every network ad carries its network id ("n<k>"); singleton
// ads have none. The identifier tokens (Ad.Tokens) stand in for what the
// contact extractor would produce from the text: "tel:+52…" for phones.
//
// Output is deterministic for a given n and seed.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Ad is one synthetic ad.
type Ad struct {
	ID       string    `json:"id"`
	Text     string    `json:"text"`
	PostedAt time.Time `json:"posted_at"`
	City     string    `json:"city"`
	Tokens   []string  `json:"tokens,omitempty"`
	// Network is the ground truth ("" for singletons); not written to the
	// ads file.
	Network string `json:"-"`
}

// Planted hub identifiers.
const (
	HotlineToken     = "tel:+528005533000"
	SwitchboardToken = "tel:+525550000000"
)

const (
	networkShare = 0.45 // of ads that belong to a network
	hotlineRate  = 0.05
	switchRate   = 0.02
)

var (
	cities = []string{"cdmx", "guadalajara", "monterrey", "puebla", "tijuana", "leon", "juarez", "zapopan",
		"merida", "cancun", "queretaro", "toluca", "chihuahua", "aguascalientes", "morelia", "veracruz",
		"villahermosa", "tapachula", "oaxaca", "acapulco", "culiacan", "hermosillo", "saltillo", "reynosa",
		"matamoros", "tuxtla", "xalapa", "pachuca", "cuernavaca", "durango", "tepic", "colima"}
	names = []string{"ana", "lupita", "karla", "sofia", "daniela", "mariana", "fernanda", "paola", "jessica",
		"rosa", "carmen", "patricia", "luis", "jorge", "carlos", "miguel", "ricardo", "alejandro", "roberto",
		"javier", "licenciada martinez", "lic gomez", "senora rocio", "don pedro", "maestra elena"}
	roles = []string{"edecanes", "meseras", "modelos", "recepcionistas", "empleadas domesticas", "ayudantes generales",
		"cajeras", "promotoras", "bailarinas", "jornaleros", "albaniles", "guardias de seguridad", "operarias",
		"cocineras", "niñeras", "hostess", "vendedoras", "choferes", "cortadores de fresa", "costureras",
		"masajistas", "afanadoras", "auxiliares de oficina", "damas de compania", "cargadores"}
	places = []string{"restaurante", "bar", "hotel", "fabrica", "rancho", "casa particular", "agencia", "club",
		"plaza comercial", "empacadora", "maquiladora", "spa", "constructora", "oficina", "centro nocturno",
		"invernadero", "estetica", "taller", "bodega", "empresa de limpieza"}
	adjs    = []string{"urgente", "inmediato", "sin experiencia", "con experiencia", "jovenes", "guapas", "responsables", "foraneas", "de buena presentacion", "solteras", "trabajadoras", "mayores de edad"}
	perks   = []string{"hospedaje incluido", "comida incluida", "transporte pagado", "pasaje pagado", "propinas altas", "pago semanal", "pago diario", "bonos por productividad", "prestaciones de ley", "uniforme gratis", "vivienda", "seguro medico", "adelanto de sueldo"}
	reqs    = []string{"no se requiere experiencia", "traer ine", "mandar foto de cuerpo completo", "disponibilidad para viajar", "edad de {age}", "secundaria terminada", "ganas de trabajar", "buena actitud", "sin tatuajes", "no importa escolaridad", "papeles en regla", "disponibilidad inmediata", "facilidad de palabra"}
	hours   = []string{"lunes a viernes", "lunes a sabado", "fines de semana", "turno nocturno", "turno matutino", "horario flexible", "rol de turnos", "de 8 a 5", "de noche", "medio tiempo"}
	verbs   = []string{"se solicitan", "solicitamos", "contratamos", "buscamos", "se buscan", "requerimos", "urgen", "vacantes para"}
	closers = []string{"interesadas mandar mensaje", "informes por whatsapp", "llamar o mandar mensaje", "no pierdas esta oportunidad",
		"cupo limitado", "entrevista el mismo dia", "contratacion inmediata", "preguntar por {name}", "manda tu solicitud",
		"comunicate ya", "te esperamos", "solo personas serias", "no es venta", "trabajo seguro y bien pagado"}
	fillers = []string{"muy", "excelente", "gran", "buen", "el", "la", "para", "con", "en", "de", "y", "tu", "nuestro", "equipo", "ambiente", "oportunidad", "crecimiento", "ingresos", "zona", "centro"}
)

// sentence patterns; {x} are per-template picks (fixed for a template) and
// {name} {city} {salary} {age} {phone} are per-ad slots.
var patterns = []string{
	"{verb} {role} {adj} para {place} en {city}",
	"{verb} {role} para trabajar en {place} {adj}",
	"sueldo de {salary} pesos semanales mas {perk}",
	"ofrecemos {perk} y {perk} ademas de {perk}",
	"pagamos {salary} a la semana {perk}",
	"requisitos {req} {req} y {req}",
	"horario de {hours} con {perk}",
	"trabajo en {place} de {hours} {adj}",
	"{closer} al {phone}",
	"{closer} {closer}",
	"informes con {name} al {phone}",
	"whatsapp {phone} preguntar por {name}",
	"edad de {age} {adj}",
	"{filler} {filler} {filler} {filler} {filler} {filler} {filler}",
	"vacante disponible en {city} y alrededores {adj}",
	"se ofrece {perk} {perk} y {perk}",
	"no cobramos nada solo {req}",
	"tambien aceptamos {role} de otros estados {perk}",
	"mandanos tu foto y edad al {phone}",
	"trabajo en {city} {hours} {salary} libres",
}

// piece is a template token: literal words or a per-ad slot.
type piece struct {
	lit  string
	slot string // name, city, salary, age, phone
}

type template []piece

type network struct {
	id        string
	templates []template
	names     []string
	cities    []string
	salaries  []string
	age       string
	phones    []string
	format    int     // phone format in text; -1: varies per ad
	rotate    float64 // probability an ad gets a fresh phone
	start     time.Time
	span      time.Duration
}

// Generator makes ads one at a time.
type Generator struct {
	rng      *rand.Rand
	n, next  int
	plan     []int32 // per ad: network index, or -1 for a singleton
	nets     []*network
	base     time.Time
	phoneSeq uint64
}

// New plans n ads.
func New(n int, seed uint64) *Generator {
	g := &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), n: n,
		base: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	g.plan = make([]int32, 0, n)
	target := int(float64(n) * networkShare)
	for len(g.plan) < target {
		size := 2 + int(g.rng.ExpFloat64()*10)
		if g.rng.Float64() < 0.05 {
			size = 40 + g.rng.IntN(160) // a few big networks
		}
		size = min(size, target-len(g.plan))
		if size < 2 {
			break
		}
		k := int32(len(g.nets))
		g.nets = append(g.nets, g.newNetwork(len(g.nets)))
		for range size {
			g.plan = append(g.plan, k)
		}
	}
	for len(g.plan) < n {
		g.plan = append(g.plan, -1)
	}
	g.rng.Shuffle(len(g.plan), func(i, j int) { g.plan[i], g.plan[j] = g.plan[j], g.plan[i] })
	return g
}

func (g *Generator) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func (g *Generator) newTemplate(short bool) template {
	nsent := 7 + g.rng.IntN(6)
	if short {
		nsent = 2 + g.rng.IntN(2)
	}
	var t template
	used := map[int]bool{}
	hasPhone := false
	for range nsent {
		pi := g.rng.IntN(len(patterns))
		if used[pi] {
			pi = g.rng.IntN(len(patterns))
		}
		used[pi] = true
		for f := range strings.FieldsSeq(patterns[pi]) {
			switch f {
			case "{verb}":
				t = append(t, piece{lit: g.pick(verbs)})
			case "{role}":
				t = append(t, piece{lit: g.pick(roles)})
			case "{adj}":
				t = append(t, piece{lit: g.pick(adjs)})
			case "{place}":
				t = append(t, piece{lit: g.pick(places)})
			case "{perk}":
				t = append(t, piece{lit: g.pick(perks)})
			case "{hours}":
				t = append(t, piece{lit: g.pick(hours)})
			case "{filler}":
				t = append(t, piece{lit: g.pick(fillers)})
			case "{closer}", "{req}":
				src := closers
				if f == "{req}" {
					src = reqs
				}
				for w := range strings.FieldsSeq(g.pick(src)) {
					switch w {
					case "{name}", "{age}":
						t = append(t, piece{slot: w[1 : len(w)-1]})
					default:
						t = append(t, piece{lit: w})
					}
				}
			case "{name}", "{city}", "{salary}", "{age}", "{phone}":
				t = append(t, piece{slot: f[1 : len(f)-1]})
				hasPhone = hasPhone || f == "{phone}"
			default:
				t = append(t, piece{lit: f})
			}
		}
	}
	if !hasPhone {
		t = append(t, piece{lit: "tel"}, piece{slot: "phone"})
	}
	return t
}

func (g *Generator) newPhone() string {
	g.phoneSeq++
	// 10-digit numbers in a made-up 55/33/81 range, unique per call.
	area := []string{"55", "33", "81", "22", "66"}[g.rng.IntN(5)]
	return fmt.Sprintf("%s%08d", area, (g.phoneSeq*2654435761)%100000000)
}

func (g *Generator) newNetwork(k int) *network {
	nw := &network{id: fmt.Sprintf("n%d", k)}
	short := g.rng.Float64() < 0.25
	nt := 1
	if g.rng.Float64() < 0.3 {
		nt = 2
	}
	for range nt {
		nw.templates = append(nw.templates, g.newTemplate(short))
	}
	for range 1 + g.rng.IntN(2) {
		nw.names = append(nw.names, g.pick(names))
	}
	for range 1 + g.rng.IntN(4) {
		nw.cities = append(nw.cities, g.pick(cities))
	}
	for range 1 + g.rng.IntN(2) {
		nw.salaries = append(nw.salaries, fmt.Sprintf("%d", 2000+500*g.rng.IntN(20)))
	}
	lo := 18 + g.rng.IntN(5)
	nw.age = fmt.Sprintf("%d a %d", lo, lo+10+g.rng.IntN(15))
	for range 1 + g.rng.IntN(3) {
		nw.phones = append(nw.phones, g.newPhone())
	}
	nw.format = g.rng.IntN(3)
	if g.rng.Float64() < 0.2 {
		nw.format = -1
	}
	if g.rng.Float64() < 0.3 {
		nw.rotate = 0.2 + 0.4*g.rng.Float64()
	}
	nw.start = g.base.Add(time.Duration(g.rng.IntN(365*24)) * time.Hour)
	nw.span = time.Duration(1+g.rng.IntN(60*24)) * time.Hour
	return nw
}

func phoneText(p string, format int) string {
	switch format {
	case 0:
		return p
	case 1:
		return p[:2] + " " + p[2:6] + " " + p[6:]
	default:
		return p[:2] + "-" + p[2:6] + "-" + p[6:]
	}
}

// render fills a template. drop/add are word edits (a dropped literal, an
// inserted filler) so that copies are near, not exact, duplicates.
func (g *Generator) render(t template, slots map[string]string, edit bool) string {
	var b strings.Builder
	dropAt, addAt := -1, -1
	if edit {
		switch g.rng.IntN(3) {
		case 0:
			dropAt = g.rng.IntN(len(t))
		case 1:
			addAt = g.rng.IntN(len(t))
		}
	}
	for i, p := range t {
		if i == addAt {
			b.WriteString(g.pick(fillers))
			b.WriteByte(' ')
		}
		if i == dropAt && p.slot == "" {
			continue
		}
		if p.slot != "" {
			b.WriteString(slots[p.slot])
		} else {
			b.WriteString(p.lit)
		}
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

// Next returns the next ad; ok is false after n ads.
func (g *Generator) Next() (ad Ad, ok bool) {
	if g.next >= g.n {
		return Ad{}, false
	}
	i := g.next
	g.next++
	ad.ID = fmt.Sprintf("ad%07d", i)
	var text string
	var phone string
	if k := g.plan[i]; k >= 0 {
		nw := g.nets[k]
		ad.Network = nw.id
		phone = nw.phones[g.rng.IntN(len(nw.phones))]
		rotated := nw.rotate > 0 && g.rng.Float64() < nw.rotate
		if rotated {
			phone = g.newPhone()
		}
		format := nw.format
		if format < 0 {
			format = g.rng.IntN(3)
		}
		ad.City = nw.cities[g.rng.IntN(len(nw.cities))]
		slots := map[string]string{
			"name":   nw.names[g.rng.IntN(len(nw.names))],
			"city":   ad.City,
			"salary": nw.salaries[g.rng.IntN(len(nw.salaries))],
			"age":    nw.age,
			"phone":  phoneText(phone, format),
		}
		tpl := nw.templates[g.rng.IntN(len(nw.templates))]
		edit := g.rng.Float64() < 0.3
		if rotated {
			// A fresh number: the ad copies the network's main text
			// (only city and phone vary), which is what links it.
			tpl, edit = nw.templates[0], false
			slots["name"], slots["salary"] = nw.names[0], nw.salaries[0]
		}
		text = g.render(tpl, slots, edit)
		ad.PostedAt = nw.start.Add(time.Duration(g.rng.Int64N(int64(nw.span))))
		ad.Tokens = []string{"tel:+52" + phone}
		if g.rng.Float64() < 0.1 && len(nw.phones) > 1 {
			// "citas" and "informes": a second number in the same ad.
			p2 := nw.phones[g.rng.IntN(len(nw.phones))]
			if p2 != phone {
				text += " o al " + phoneText(p2, format)
				ad.Tokens = append(ad.Tokens, "tel:+52"+p2)
			}
		}
	} else {
		ad.City = g.pick(cities)
		t := g.newTemplate(g.rng.Float64() < 0.25)
		lo := 18 + g.rng.IntN(5)
		phone = g.newPhone()
		slots := map[string]string{
			"name":   g.pick(names),
			"city":   ad.City,
			"salary": fmt.Sprintf("%d", 2000+500*g.rng.IntN(20)),
			"age":    fmt.Sprintf("%d a %d", lo, lo+10+g.rng.IntN(15)),
			"phone":  phoneText(phone, g.rng.IntN(3)),
		}
		text = g.render(t, slots, false)
		ad.PostedAt = g.base.Add(time.Duration(g.rng.Int64N(int64(400 * 24 * time.Hour))))
		ad.Tokens = []string{"tel:+52" + phone}
	}
	if g.rng.Float64() < switchRate {
		text += " informes en agencia empleos del centro conmutador 55 5000 0000"
		ad.Tokens = append(ad.Tokens, SwitchboardToken)
	}
	if g.rng.Float64() < hotlineRate {
		text += " si sospechas de trata denuncia al 800 5533 000 linea nacional contra la trata"
		ad.Tokens = append(ad.Tokens, HotlineToken)
	}
	ad.Text = text
	ad.PostedAt = ad.PostedAt.Truncate(time.Minute)
	return ad, true
}

// Generate returns all n ads at once (for tests).
func Generate(n int, seed uint64) []Ad {
	g := New(n, seed)
	out := make([]Ad, 0, n)
	for {
		ad, ok := g.Next()
		if !ok {
			return out
		}
		out = append(out, ad)
	}
}
