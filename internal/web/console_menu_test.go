package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/staff"
)

// TestConsoleMenuMatchesHandlers: for every console route a menu or a
// form leads to, and every role, the page shows the way in exactly when
// the handler behind it lets that role through. Everything is synthetic.
func TestConsoleMenuMatchesHandlers(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	roles := []struct {
		name  string
		role  staff.Role
		scope string
	}{
		{"op", staff.Operador, "own"},
		{"sup", staff.Supervisor, "team"},
		{"ana", staff.Analista, "own"},
		{"adm", staff.Administrador, "own"},
	}
	clients := map[string]*hotClient{}
	for _, r := range roles {
		clients[r.name] = e.login(e.addUser("menu_"+r.name, r.role, "norte", r.scope))
	}
	// A case of op's in evaluation, with a closure op asked for and no
	// consent recorded.
	_, rid := e.submit(syntheticReport("[SINTÉTICO] menú"))
	op := e.actor(clients["op"])
	caseID, err := e.d.OpenCase(e.ctx, op, rid)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.d.Move(e.ctx, op, caseID, hotline.Evaluacion); err != nil {
		t.Fatal(err)
	}
	if err := e.d.RequestClose(e.ctx, op, caseID, "[SINTÉTICO] cierre"); err != nil {
		t.Fatal(err)
	}
	caseURL := fmt.Sprintf("/consola/casos/%d", caseID)
	// The administrator reaches the case only through break-glass; the
	// analyst not at all.
	if err := e.d.BreakGlass(e.ctx, e.actor(clients["adm"]), caseID, "[SINTÉTICO] revisión de emergencia"); err != nil {
		t.Fatal(err)
	}

	// Each row: the page that would show the way in, what marks it there,
	// and the request the handler answers.
	rows := []struct {
		name   string
		page   string
		marker string
		method string
		target string
		form   func() map[string]string
	}{
		{"search", "/consola", `action="/consola/buscar`, "GET", "/consola/buscar", nil},
		{"staff", "/consola", `href="/consola/personal`, "GET", "/consola/personal", nil},
		{"phone report", "/consola", `href="/consola/telefono`, "GET", "/consola/telefono", nil},
		{"caseload", "/consola", `href="/consola/carga`, "GET", "/consola/carga", nil},
		{"directory", "/consola", `href="/consola/directorio`, "GET", "/consola/directorio", nil},
		{"export htcds", "/consola", `href="/consola/exportar/htcds.csv"`, "GET", "/consola/exportar/htcds.csv", nil},
		{"export ctdc", "/consola", `href="/consola/exportar/ctdc.csv"`, "GET", "/consola/exportar/ctdc.csv", nil},
		{"export sesnsp", "/consola", `href="/consola/exportar/sesnsp.csv"`, "GET", "/consola/exportar/sesnsp.csv", nil},
		{"pending report", "/consola", fmt.Sprintf(`href="/consola/reportes/`), "GET", "", nil},
		{"reply", caseURL, fmt.Sprintf("/consola/reportes/%d/responder", rid), "POST", fmt.Sprintf("/consola/reportes/%d/responder", rid), func() map[string]string {
			return map[string]string{"texto": "[SINTÉTICO] respuesta", "volver": fmt.Sprint(caseID)}
		}},
		{"note", caseURL, "/nota", "POST", caseURL + "/nota", func() map[string]string { return map[string]string{"texto": "[SINTÉTICO] nota"} }},
		{"override consent", caseURL, `name="motivo_excepcion"`, "POST", caseURL + "/canalizar", func() map[string]string {
			return map[string]string{"institucion": "dif", "detalles": "[SINTÉTICO]", "motivo_excepcion": "[SINTÉTICO] una menor en peligro"}
		}},
		{"approve closure", caseURL, "/decidir-cierre", "POST", caseURL + "/decidir-cierre", func() map[string]string { return map[string]string{"aprobar": "no"} }},
		{"assign", caseURL, "/asignar", "POST", caseURL + "/asignar", func() map[string]string {
			return map[string]string{"responsable": fmt.Sprint(op.ID)}
		}},
	}
	for _, row := range rows {
		for _, r := range roles {
			c := clients[r.name]
			page := c.get(row.page)
			shown := page.Code == http.StatusOK && strings.Contains(page.Body.String(), row.marker)
			target := row.target
			if target == "" { // a pending report
				_, id := e.submit(syntheticReport("[SINTÉTICO] pendiente"))
				target = fmt.Sprintf("/consola/reportes/%d", id)
				page = c.get(row.page)
				shown = page.Code == http.StatusOK && strings.Contains(page.Body.String(), fmt.Sprintf(`href="/consola/reportes/%d?`, id))
			}
			var resp int
			if row.method == "GET" {
				resp = c.get(target).Code
			} else {
				form := vals()
				for k, v := range row.form() {
					form.Set(k, v)
				}
				resp = c.consolePost(target, form).Code
			}
			allowed := resp == http.StatusOK || resp == http.StatusSeeOther
			if shown != allowed {
				t.Errorf("%s as %s: shown on %s: %t, but the handler answers %d", row.name, r.name, row.page, shown, resp)
			}
		}
	}
}
