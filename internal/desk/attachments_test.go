package desk_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// All data in these tests is synthetic.

// syntheticPNG is a small PNG whose pixels spell a canary: its bytes hold
// the canary in a tEXt-like trailer the PNG decoder ignores.
func syntheticPNG(t *testing.T, canary string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return append(b.Bytes(), canary...)
}

// rawColumn reads every value of a column behind the store's back, as
// someone holding the database would.
func rawColumn(t *testing.T, e *env, q string) [][]byte {
	t.Helper()
	driver := "sqlite"
	if store.IsPostgres(e.target) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, e.target)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var a, b []byte
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		out = append(out, a, b)
	}
	return out
}

// TestAttachmentsOnBothBackends: a file attached to a case is sniffed,
// limited in size, sealed before it is stored, downloaded only by those the
// permission table lets work the case, audited both ways, and deleted with
// the case at retention.
func TestAttachmentsOnBothBackends(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be storetest.Backend) {
		const days = 30
		e := newEnv(t, be, func(c *desk.Config) { c.MaxAttachment = 64 << 10; c.Retention = days * 24 * time.Hour })
		ctx := e.ctx
		tm := newTeam(e)
		c, _, _ := e.openCase(tm.op1)

		const canary = "CANARIO-SINTETICO-7f3a9c oferta edecán 55 1234 5678"
		pic := syntheticPNG(t, canary)
		// The browser said text/plain and the name says .txt: the bytes
		// say PNG, and PNG is what is kept.
		id, err := e.d.Attach(ctx, tm.op1, c, `C:\fotos\oferta de "trabajo".txt`, pic)
		if err != nil {
			t.Fatalf("Attach PNG: %v", err)
		}
		text := []byte("[SINTÉTICO] " + canary + "\nNotas de la llamada: 3 < 5 personas.\n")
		if _, err := e.d.Attach(ctx, tm.op1, c, "notas.txt", text); err != nil {
			t.Fatalf("Attach text: %v", err)
		}

		// Refused: too large, HTML renamed .png, SVG, a script, an
		// executable, nothing.
		big := append(syntheticPNG(t, ""), bytes.Repeat([]byte{0}, 64<<10)...)
		if _, err := e.d.Attach(ctx, tm.op1, c, "grande.png", big); !errors.Is(err, desk.ErrTooLarge) {
			t.Errorf("a file over the limit: %v, want ErrTooLarge", err)
		}
		for name, data := range map[string]string{
			"foto.png":      "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
			"foto2.png":     "<html><body>hola</body></html>",
			"dibujo.png":    `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`,
			"dibujo.svg":    "solo texto",
			"script.txt":    "#!/bin/sh\nrm -rf /\n",
			"programa.pdf":  "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
			"elf.png":       "\x7fELF\x02\x01\x01\x00",
			"codigo.js":     "alert(1)",
			"xml-sin-ext":   `<?xml version="1.0"?><svg/>`,
			"texto-nul.txt": "hola\x00mundo",
		} {
			if _, err := e.d.Attach(ctx, tm.op1, c, name, []byte(data)); !errors.Is(err, desk.ErrFileType) {
				t.Errorf("Attach(%q) = %v, want ErrFileType", name, err)
			}
		}
		if _, err := e.d.Attach(ctx, tm.op1, c, "vacio.txt", nil); err == nil {
			t.Error("an empty file was accepted")
		}

		// The case lists them by their sealed description.
		v, err := e.d.Case(ctx, tm.op1, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Attachments) != 2 {
			t.Fatalf("attachments on the case: %+v", v.Attachments)
		}
		if a := v.Attachments[0]; a.ID != id || a.Type != "image/png" || a.Name != "oferta_de_trabajo.png" || a.Size != len(pic) || a.By != "op1" {
			t.Errorf("first attachment: %+v", a)
		}
		if a := v.Attachments[1]; a.Type != "text/plain; charset=utf-8" || a.Name != "notas.txt" {
			t.Errorf("second attachment: %+v", a)
		}
		if !slices.ContainsFunc(v.Timeline, func(te desk.TimelineEntry) bool { return te.Kind == "case.attach" }) {
			t.Error("the upload is not on the case's timeline")
		}

		// Sealed: neither column holds the canary, nor the file name.
		for _, b := range rawColumn(t, e, `SELECT meta_sealed, sealed FROM attachments`) {
			if bytes.Contains(b, []byte("CANARIO")) || bytes.Contains(b, []byte("oferta_de")) || bytes.Contains(b, []byte("IHDR")) {
				t.Fatal("an attachment is stored in the clear")
			}
		}
		if be.Name == "sqlite" {
			for _, suffix := range []string{"", "-wal"} {
				raw, err := os.ReadFile(e.target + suffix)
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					t.Fatal(err)
				}
				if bytes.Contains(raw, []byte("CANARIO")) {
					t.Fatalf("the canary is in %s", filepath.Base(e.target+suffix))
				}
			}
		}

		// Downloads: the owner, the team's supervisor; not another
		// operator (out of reach: not found), not a supervisor of another
		// team, not an analyst (the role never may: forbidden), not an
		// administrator without break-glass.
		f, err := e.d.Attachment(ctx, tm.op1, c, id)
		if err != nil || !bytes.Equal(f.Data, pic) || f.Type != "image/png" || f.Name != "oferta_de_trabajo.png" {
			t.Fatalf("owner's download: %q %q %d bytes, %v", f.Name, f.Type, len(f.Data), err)
		}
		if _, err := e.d.Attachment(ctx, tm.sup1, c, id); err != nil {
			t.Errorf("the team's supervisor: %v", err)
		}
		for who, want := range map[string]error{"op2": desk.ErrNotFound, "sup2": desk.ErrNotFound, "ana": desk.ErrForbidden, "adm": desk.ErrNotFound} {
			a := map[string]desk.Actor{"op2": tm.op2, "sup2": tm.sup2, "ana": tm.ana, "adm": tm.adm}[who]
			if _, err := e.d.Attachment(ctx, a, c, id); !errors.Is(err, want) {
				t.Errorf("download by %s: %v, want %v", who, err, want)
			}
			if _, err := e.d.Attach(ctx, a, c, "x.txt", []byte("hola")); !errors.Is(err, want) {
				t.Errorf("upload by %s: %v, want %v", who, err, want)
			}
		}
		// Break-glass opens it to the administrator, audited.
		if err := e.d.BreakGlass(ctx, tm.adm, c, "[SINTÉTICO] orden judicial urgente"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.Attachment(ctx, tm.adm, c, id); err != nil {
			t.Errorf("administrator under break-glass: %v", err)
		}
		// An attachment of another case is not found through this one.
		c2, _, _ := e.openCase(tm.op1)
		if _, err := e.d.Attachment(ctx, tm.op1, c2, id); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("attachment through another case: %v", err)
		}

		acts := strings.Join(e.auditActions(), " ")
		for _, want := range []string{"case.attach ", "case.attach_refused", "case.attachment_read", "case.attach_denied"} {
			if !strings.Contains(acts+" ", want) {
				t.Errorf("audit log lacks %q", want)
			}
		}
		if n := strings.Count(acts, "case.attachment_read"); n != 3 {
			t.Errorf("%d downloads audited, want 3", n)
		}

		// Retention takes them with their case.
		for _, s := range []hotline.Status{hotline.Evaluacion, hotline.Seguimiento} {
			if err := e.d.Move(ctx, tm.op1, c, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.d.RequestClose(ctx, tm.op1, c, "[SINTÉTICO] atendido"); err != nil {
			t.Fatal(err)
		}
		if err := e.d.DecideClose(ctx, tm.sup1, c, true); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance((days + 2) * 24 * time.Hour)
		if _, cases, err := e.d.Retention(ctx); err != nil || cases != 1 {
			t.Fatalf("Retention = %d cases, %v", cases, err)
		}
		if left := rawColumn(t, e, `SELECT meta_sealed, sealed FROM attachments`); len(left) != 0 {
			t.Errorf("%d attachment values survived their case", len(left)/2)
		}
		e.checkAudit()
	})
}

func TestSafeFileName(t *testing.T) {
	for _, c := range []struct{ in, ext, want string }{
		{"foto.png", ".png", "foto.png"},
		{"../../etc/passwd", ".txt", "passwd.txt"},
		{`C:\Users\x\Mi oferta.tar.gz`, ".pdf", "Mi_oferta.pdf"},
		{"\"; rm -rf\r\n.png", ".png", "rm_-rf.png"},
		{"", ".jpg", "adjunto.jpg"},
		{"ñandú – ficha.pdf", ".pdf", "ñandú__ficha.pdf"},
		{strings.Repeat("a", 200), ".txt", strings.Repeat("a", 60) + ".txt"},
	} {
		if got := desk.SafeFileName(c.in, c.ext); got != c.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
