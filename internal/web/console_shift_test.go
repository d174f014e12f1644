package web

// Tests of the console as a shift uses it. Every account, password, report
// and text here is synthetic.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/staff"
)

// TestStaffFormRefusesGuessablePasswords: the staff form refuses a common
// password, one with digits added and one character repeated, in words.
func TestStaffFormRefusesGuessablePasswords(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	adm := e.login(e.addUser("adm", staff.Administrador, "general", "own"))
	for _, pw := range []string{"password1234", "Contraseña2026!", "zzzzzzzzzzzzzz"} {
		w := adm.consolePost("/consola/personal", vals("usuario", "nueva", "contrasena", pw, "rol", "operador"))
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), es("console.err.password")) {
			t.Errorf("password %q: status %d: %.300s", pw, w.Code, w.Body)
		}
	}
	if _, err := e.st.StaffByUsername(e.ctx, "nueva"); err == nil {
		t.Error("an account was created with a guessable password")
	}
	w := adm.consolePost("/consola/personal", vals("usuario", "nueva", "contrasena", "caballo batería grapa correcta", "rol", "operador"))
	if w.Code != http.StatusOK {
		t.Errorf("a good password: status %d", w.Code)
	}
}
