package web

import (
	"crypto/subtle"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/vigia-mx/vigia/internal/desk"
)

// consoleAttach takes a file for a case. The multipart body is read part
// by part into memory (never ParseMultipartForm, which spills large files
// to temporary files in the clear), with the file limited to the desk's
// maximum, and handed to the desk, which sniffs, seals and stores it. The
// form puts the CSRF token before the file.
func (s *Server) consoleAttach(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.deskError(w, r, desk.ErrNotFound)
		return
	}
	max := s.hot.Desk.MaxAttachment()
	r.Body = http.MaxBytesReader(w, r.Body, max+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	var token, name string
	var data []byte
	for {
		p, err := mr.NextPart()
		if err != nil {
			// io.EOF, or the body passed its limit (the file was read
			// up to the limit already, and the desk refuses it).
			break
		}
		switch p.FormName() {
		case "csrf":
			b, _ := io.ReadAll(io.LimitReader(p, 256))
			token = string(b)
		case "archivo":
			if data != nil {
				break // one file per upload
			}
			name = p.FileName()
			// One byte past the limit is enough to refuse it.
			if data, err = io.ReadAll(io.LimitReader(p, max+1)); err != nil && int64(len(data)) <= max {
				http.Error(w, "bad form", http.StatusBadRequest)
				return
			}
			if data == nil {
				data = []byte{}
			}
		}
		p.Close()
	}
	want := consoleFrom(r).CSRF
	if want == "" || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		http.Error(w, "CSRF token missing or wrong", http.StatusForbidden)
		return
	}
	if _, err := s.hot.Desk.Attach(r.Context(), consoleFrom(r).Actor, id, name, data); err != nil {
		s.deskError(w, r, err)
		return
	}
	s.back(w, r, "/consola/casos/"+strconv.FormatInt(id, 10), "attached")
}

// consoleAttachment downloads an attachment: always as a download, with
// the type sniffed when it was stored, never sniffed again by the browser,
// under a name the desk made safe, and sandboxed should a browser open it
// anyway.
func (s *Server) consoleAttachment(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if !ok || err != nil || aid <= 0 {
		s.deskError(w, r, desk.ErrNotFound)
		return
	}
	f, err := s.hot.Desk.Attachment(r.Context(), consoleFrom(r).Actor, id, aid)
	if err != nil {
		s.deskError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.Type)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	w.Write(f.Data)
}

// sizeText writes a size in bytes as people read it.
func sizeText(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KiB", (n+1<<9)>>10)
	}
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
