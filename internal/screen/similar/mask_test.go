package similar

import (
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

func TestMask(t *testing.T) {
	tests := []struct {
		name, in, want string
		slots          int // values returned, one per slot marker
	}{
		{"plain words stay", "se solicitan meseras", "se solicitan meseras", 0},
		{"pay is one number", "Sueldo $3,500.00 semanales", "sueldo {NUMERO} semanales", 1},
		{"a range is two", "de 18 a 25 años", "de {NUMERO} a {NUMERO} anos", 2},
		{"phone in groups", "WhatsApp 55-1234-5678", "whatsapp {TELEFONO}", 1},
		{"phone with country code", "tel +52 1 (55) 1234 5678.", "tel {TELEFONO}", 1},
		{"pay then phone stay apart", "$8,000 55 1234 5678", "{NUMERO} {TELEFONO}", 2},
		{"spelled phone", "al cinco cinco uno dos tres cuatro cinco seis siete ocho", "al {TELEFONO}", 1},
		{"spelled digits in prose stay", "dos turnos y tres descansos", "dos turnos y tres descansos", 0},
		{"e-mail whole", "escribe a Ana.López@Gmail.com, gracias", "escribe a {CORREO} gracias", 1},
		{"links", "ver https://fb.com/Agencia_X o wa.me/5215512345678 o bit.ly/abc", "ver {URL} o {URL} o {URL}", 3},
		{"handle", "sigue a @chica.bonita en ig", "sigue a {USUARIO} en ig", 1},
		{"company suffix is not a link", "Empresa S.A. de C.V.", "empresa s a de c v", 0},
		{"given names, two as one", "informes con María José o Lupita", "informes con {NOMBRE} o {NOMBRE}", 2},
		{"multi-word place", "en San Luis Potosí y Cd. Juárez", "en {LUGAR} y {LUGAR}", 2},
		{"city and state as one", "Monterrey, Nuevo León", "{LUGAR}", 1},
		{"place with a spelled digit", "en Cuatro Ciénegas", "en {LUGAR}", 1},
		{"common words are not places", "trabajo en el centro, días libres, gran progreso", "trabajo en el centro dias libres gran progreso", 0},
	}
	for _, tt := range tests {
		words, vals := Mask(normalize.New(tt.in).Folded)
		if got := strings.Join(words, " "); got != tt.want {
			t.Errorf("%s: Mask(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
		if len(vals) != tt.slots {
			t.Errorf("%s: %d slot values, want %d", tt.name, len(vals), tt.slots)
		}
	}
	// The value says what was hidden: another city, another value; the
	// same city written otherwise, the same value.
	_, a := Mask(normalize.New("en Puebla").Folded)
	_, b := Mask(normalize.New("en Tlaxcala").Folded)
	_, c := Mask(normalize.New("en PUEBLA").Folded)
	if a[0] == b[0] || a[0] != c[0] {
		t.Errorf("place values: Puebla %x, Tlaxcala %x, PUEBLA %x", a[0], b[0], c[0])
	}
}

// Nearly every municipality of the bundled catalog is masked as one place;
// the rest are left out on purpose (ordinary words such as "Progreso", or
// given names such as "Guadalupe", masked as {NOMBRE}).
func TestMaskCatalog(t *testing.T) {
	geo, err := hotline.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	whole, n := 0, 0
	for st := 1; st <= 32; st++ {
		for _, m := range geo.InState(st) {
			n++
			w, _ := Mask(normalize.New(m.Name).Folded)
			if len(w) == 1 && (w[0] == SlotPlace || w[0] == SlotName) {
				whole++
			}
		}
	}
	if n != geo.Len() || float64(whole) < 0.97*float64(n) {
		t.Errorf("%d of %d municipalities masked whole, want ≥ 97 %%", whole, n)
	}
}

// FuzzMask: masking never panics, gives one value per slot marker (the
// template summary reads them back by position), and its words are words
// of the text or markers.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"sueldo $3,500 al 55 1234 5678 con ana en puebla", "a@b.com @x www.y.mx", "¿(ana@x.com)?", "cuatro cienegas uno dos", "$", "@", "¡¿"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, vals := Mask(s)
		slots := 0
		for _, w := range words {
			if IsSlot(w) {
				slots++
			} else if !strings.Contains(s, w) {
				t.Fatalf("word %q is not in the text", w)
			}
		}
		if slots != len(vals) {
			t.Fatalf("%d slot markers, %d values: %q", slots, len(vals), words)
		}
	})
}
