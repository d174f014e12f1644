package web

// The console's attachments over HTTP. Every account, file and text here
// is synthetic.

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/staff"
)

// upload posts a file to a case as the console's form does: the CSRF token
// first, then the file with the type the browser declared.
func (c *hotClient) upload(caseID int64, csrf, name, declared string, data []byte) *httptest.ResponseRecorder {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", csrf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="archivo"; filename=%q`, name))
	h.Set("Content-Type", declared)
	p, _ := mw.CreatePart(h)
	p.Write(data)
	mw.Close()
	return c.do("POST", fmt.Sprintf("/consola/casos/%d/adjuntos?lang=es", caseID), &b, "Content-Type", mw.FormDataContentType(), "Sec-Fetch-Site", "same-origin")
}

// TestConsoleAttachments: upload through the case page's form, refusals
// in words with their status, and the download's headers.
func TestConsoleAttachments(t *testing.T) {
	t.Parallel()
	e := hotlineServer(t)
	opU := e.addUser("op", staff.Operador, "norte", "own")
	op := e.login(opU)
	other := e.login(e.addUser("op2", staff.Operador, "norte", "own"))
	ana := e.login(e.addUser("ana", staff.Analista, "general", "own"))
	_, rid := e.submit(syntheticReport("[SINTÉTICO] caso con adjuntos"))
	c, err := e.d.OpenCase(e.ctx, e.actor(op), rid)
	if err != nil {
		t.Fatal(err)
	}
	page := op.get(fmt.Sprintf("/consola/casos/%d?lang=es", c)).Body.String()
	if !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, es("console.attachments")) || !strings.Contains(page, "5 MiB") {
		t.Fatalf("the case page offers no upload form")
	}

	// A GIF the browser called text/html: the bytes win.
	gif := append([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00"), "[SINTÉTICO] CANARIO-WEB"...)
	if w := op.upload(c, op.csrf, "captura <b>.html.gif", "text/html", gif); w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %.300s", w.Code, w.Body)
	}
	if w := op.upload(c, "", "x.txt", "text/plain", []byte("hola")); w.Code != http.StatusForbidden {
		t.Errorf("upload without the CSRF token: %d", w.Code)
	}
	if w := op.upload(c, op.csrf, "foto.png", "image/png", []byte("<html><script>alert(1)</script></html>")); w.Code != http.StatusUnsupportedMediaType || !strings.Contains(w.Body.String(), es("console.attach.type")) {
		t.Errorf("HTML named .png: %d", w.Code)
	}
	big := append([]byte("GIF89a"), make([]byte, desk.DefaultMaxAttachment)...)
	if w := op.upload(c, op.csrf, "grande.gif", "image/gif", big); w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), es("console.attach.toolarge")) {
		t.Errorf("a file over 5 MiB: %d", w.Code)
	}

	if w := op.upload(c, op.csrf, "", "application/octet-stream", nil); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), es("console.err.file")) {
		t.Errorf("an empty upload: %d", w.Code)
	}
	page = op.get(fmt.Sprintf("/consola/casos/%d?lang=es", c)).Body.String()
	href := fmt.Sprintf("/consola/casos/%d/adjuntos/1", c)
	if !strings.Contains(page, `href="`+href+`"`) || !strings.Contains(page, "image/gif") || !strings.Contains(page, es("console.tl.case.attach")) {
		t.Fatalf("the case page does not list the file")
	}
	w := op.get(href)
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), gif) {
		t.Fatalf("download: %d, %d bytes", w.Code, w.Body.Len())
	}
	h := w.Header()
	if h.Get("Content-Type") != "image/gif" || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Disposition") != `attachment; filename=captura_b.gif` || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
		!strings.Contains(h.Get("Cache-Control"), "no-store") {
		t.Errorf("download headers: %v", h)
	}
	if w := other.get(href); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "CANARIO") {
		t.Errorf("another operator: %d", w.Code)
	}
	if w := ana.get(href); w.Code != http.StatusForbidden {
		t.Errorf("an analyst: %d", w.Code)
	}
	if w := ana.upload(c, ana.csrf, "x.txt", "text/plain", []byte("hola")); w.Code != http.StatusForbidden {
		t.Errorf("an analyst's upload: %d", w.Code)
	}
}
