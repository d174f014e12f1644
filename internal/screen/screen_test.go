package screen

import (
	"testing"
	"unicode/utf8"
)

// A synthetic offer with an emoji and accents before the evidence, so that
// code-point and byte offsets differ.
const lure = "🌟 ¡Atención! Se solicitan edecanes, $3,000 diarios, viaje pagado, sin experiencia. " +
	"Solo mujeres de 18 a 25. Manda fotos al WhatsApp 55 1234 5678"

func TestScreen(t *testing.T) {
	s, err := New([]byte("synthetic key for the test, 32 b"))
	if err != nil {
		t.Fatal(err)
	}
	res := s.Screen(lure)
	if res.Tier != "alto" || res.Risk < 0.5 || len(res.Flags) < 3 || len(res.Reasons) == 0 {
		t.Fatalf("got %+v", res)
	}
	runes := []rune(lure)
	for _, f := range res.Flags {
		if lure[f.StartByte:f.EndByte] != f.Evidence {
			t.Errorf("%s: byte span %q, evidence %q", f.ID, lure[f.StartByte:f.EndByte], f.Evidence)
		}
		if string(runes[f.Start:f.End]) != f.Evidence {
			t.Errorf("%s: code-point span %q, evidence %q", f.ID, string(runes[f.Start:f.End]), f.Evidence)
		}
		if f.Reason == "" || f.ReasonEN == "" {
			t.Errorf("%s has no reason", f.ID)
		}
	}
	if len(res.Identifiers) != 1 || res.Identifiers[0].E164 != "+525512345678" || res.Identifiers[0].Last4 != "5678" {
		t.Fatalf("identifiers %+v", res.Identifiers)
	}
	id := res.Identifiers[0]
	if got := string(runes[id.Start:id.End]); !utf8.ValidString(got) || got == "" {
		t.Errorf("identifier span %q", got)
	}
	// The token depends on the key: the same contact links within one key
	// and cannot be matched across keys.
	again := s.Screen("llama al +52 1 55 1234 5678")
	if len(again.Identifiers) != 1 || again.Identifiers[0].Token != id.Token {
		t.Errorf("the same number written another way got another token: %+v", again.Identifiers)
	}
	other, _ := New([]byte("another synthetic key, 32 bytes!"))
	if o := other.Screen(lure); o.Identifiers[0].Token == id.Token {
		t.Error("two keys gave the same token")
	}
	if _, err := New([]byte("short")); err == nil {
		t.Error("a short key was accepted")
	}
	if plain := s.Screen("Auxiliar contable, licenciatura y 2 años de experiencia, sueldo $14,000 mensuales y prestaciones de ley."); plain.Tier != "bajo" {
		t.Errorf("a plain office job: %s (%v)", plain.Tier, plain.Flags)
	}
}
