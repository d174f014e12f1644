package staff

import "testing"

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		ok   bool
	}{
		{"operador", Operador, true},
		{"supervisor", Supervisor, true},
		{"analista", Analista, true},
		{"administrador", Administrador, true},
		{"", "", false},
		{"Operador", "", false},
		{" operador", "", false},
		{"operador\x00", "", false},
		{"admin", "", false},
		{"root", "", false},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	for _, r := range Roles() {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v: every listed role must parse", r, got, err)
		}
	}
	if Role("").Valid() {
		t.Error("the zero Role must not be valid")
	}
}
