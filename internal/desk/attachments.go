package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigia-mx/vigia/internal/store"
)

// Attachments: a file staff add to a case (a photo of an offer, a PDF from
// an institution). Its bytes and its description (name, type, size) are
// sealed to the hotline key before they reach the store, as notes are;
// nothing is written to disk in the clear. Only the case, who added it and
// when are clear. They go with their case at retention (the foreign key
// cascades).

// DefaultMaxAttachment is the largest file a case takes by default.
const DefaultMaxAttachment = 5 << 20

// Errors an upload can meet besides those of any case action.
var (
	ErrTooLarge = errors.New("desk: the file is larger than the limit")
	ErrFileType = errors.New("desk: only images (PNG, JPEG, GIF, WebP), PDF and plain text can be attached")
)

// attachmentTypes are the types a file may have, as http.DetectContentType
// names them from its first bytes, with the extension its download gets.
// What the uploader's browser or the file's name claims is never used.
var attachmentTypes = map[string]string{
	"image/png":                 ".png",
	"image/jpeg":                ".jpg",
	"image/gif":                 ".gif",
	"image/webp":                ".webp",
	"application/pdf":           ".pdf",
	"text/plain; charset=utf-8": ".txt",
}

// refusedExtensions are refused whatever the content looks like: a script
// sniffs as plain text, and a file named .html or .svg is asking to be
// opened by a browser.
var refusedExtensions = map[string]bool{
	".html": true, ".htm": true, ".xhtml": true, ".shtml": true, ".svg": true, ".svgz": true, ".xml": true, ".xsl": true,
	".js": true, ".mjs": true, ".jse": true, ".vbs": true, ".vbe": true, ".wsf": true, ".hta": true, ".ps1": true, ".psm1": true,
	".bat": true, ".cmd": true, ".sh": true, ".bash": true, ".php": true, ".py": true, ".pl": true, ".rb": true,
	".exe": true, ".dll": true, ".scr": true, ".com": true, ".msi": true, ".jar": true, ".apk": true, ".elf": true, ".bin": true,
	".lnk": true, ".reg": true, ".swf": true, ".mht": true, ".mhtml": true,
}

// SniffAttachment returns the type of a file from its bytes, and the
// extension its download is given, or ErrFileType. name is only checked
// against the refused extensions.
func SniffAttachment(name string, data []byte) (typ, ext string, err error) {
	lower := strings.ToLower(strings.TrimSpace(name))
	for e := range refusedExtensions {
		if strings.HasSuffix(lower, e) {
			return "", "", ErrFileType
		}
	}
	typ = http.DetectContentType(data)
	ext, ok := attachmentTypes[typ]
	if !ok {
		return "", "", ErrFileType
	}
	if strings.HasPrefix(typ, "text/plain") && !plainText(data) {
		return "", "", ErrFileType
	}
	return typ, ext, nil
}

// plainText: valid UTF-8 with no NUL, no markup (a tag opening, as in
// "<svg" or "<!DOCTYPE": SVG and HTML without a leading declaration sniff
// as plain text) and no interpreter line.
func plainText(data []byte) bool {
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 || bytes.HasPrefix(bytes.TrimLeft(data, "\ufeff \t\r\n"), []byte("#!")) {
		return false
	}
	for i := 0; i+1 < len(data); i++ {
		if data[i] != '<' {
			continue
		}
		c := data[i+1]
		if c == '!' || c == '?' || c == '/' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return false
		}
	}
	return true
}

// SafeFileName makes a download name from what the uploader called the
// file: its base, without its extension, in letters, digits, '-' and '_'
// only, at most 60 of them, with the extension of its sniffed type.
func SafeFileName(name, ext string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name = name[:i]
	}
	var b strings.Builder
	n := 0
	for _, r := range name {
		if n == 60 {
			break
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteRune('_')
		default:
			continue
		}
		n++
	}
	base := strings.Trim(b.String(), "_-")
	if base == "" {
		base = "adjunto"
	}
	return base + ext
}

// attachmentMeta is what is sealed of an attachment besides its bytes.
type attachmentMeta struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int    `json:"size"`
}

// AttachmentView describes an attachment on a case's page.
type AttachmentView struct {
	ID   int64
	Name string
	Type string
	Size int
	By   string
	At   string
}

// AttachmentFile is an attachment to download.
type AttachmentFile struct {
	Name string
	Type string
	Data []byte
}

// MaxAttachment is the largest file a case takes.
func (d *Desk) MaxAttachment() int64 {
	if d.cfg.MaxAttachment > 0 {
		return d.cfg.MaxAttachment
	}
	return DefaultMaxAttachment
}

// attachCase loads a case a may attach to or download from. A role that
// never may gets ErrForbidden; a case out of reach looks like one that does
// not exist, as everywhere else.
func (d *Desk) attachCase(ctx context.Context, a Actor, caseID int64) (store.Case, error) {
	if err := mustCan(a, Attach); err != nil {
		if err := d.st.Audit(ctx, a.ev("case.attach_denied", fmt.Sprintf("case:%d", caseID))); err != nil {
			return store.Case{}, err
		}
		return store.Case{}, err
	}
	if !d.keys.CanOpen() {
		return store.Case{}, ErrIntakeOnly
	}
	c, err := d.loadCase(ctx, a, caseID)
	if err != nil {
		return c, err
	}
	if ok, err := d.May(ctx, a, Attach, &c); err != nil || !ok {
		return c, cmpErr(err, ErrForbidden)
	}
	return c, nil
}

// Attach seals a file and adds it to a case. The type is sniffed from the
// bytes and must be on the allow-list; what the uploader declared is not
// trusted. A refused upload is audited too.
func (d *Desk) Attach(ctx context.Context, a Actor, caseID int64, name string, data []byte) (int64, error) {
	if _, err := d.attachCase(ctx, a, caseID); err != nil {
		return 0, err
	}
	obj := fmt.Sprintf("case:%d", caseID)
	refuse := func(reason string, err error) (int64, error) {
		ev := a.ev("case.attach_refused", obj)
		ev.Detail = "reason=" + reason
		return 0, cmpErr(d.st.Audit(ctx, ev), err)
	}
	if len(data) == 0 {
		return 0, &InputError{"file", "required"}
	}
	if int64(len(data)) > d.MaxAttachment() {
		return refuse("size", ErrTooLarge)
	}
	if !utf8.ValidString(name) || len(name) > 1000 {
		name = ""
	}
	typ, ext, err := SniffAttachment(name, data)
	if err != nil {
		return refuse("type", err)
	}
	meta, _ := json.Marshal(attachmentMeta{Name: SafeFileName(name, ext), Type: typ, Size: len(data)})
	sealedMeta, err := d.keys.Seal(meta)
	if err != nil {
		return 0, err
	}
	sealed, err := d.keys.Seal(data)
	if err != nil {
		return 0, err
	}
	ev := a.ev("case.attach", obj)
	ev.Detail = "attachment={id}"
	return d.st.AddAttachment(ctx, store.Attachment{CaseID: caseID, AuthorID: a.ID, MetaSealed: sealedMeta, Sealed: sealed}, ev)
}

// Attachment opens one attachment of a case for a, and records the
// download in the audit log.
func (d *Desk) Attachment(ctx context.Context, a Actor, caseID, id int64) (AttachmentFile, error) {
	if _, err := d.attachCase(ctx, a, caseID); err != nil {
		return AttachmentFile{}, err
	}
	ev := a.ev("case.attachment_read", fmt.Sprintf("case:%d", caseID))
	ev.Detail = fmt.Sprintf("attachment=%d", id)
	st, err := d.st.AttachmentData(ctx, caseID, id, ev)
	if errors.Is(err, store.ErrNotFound) {
		return AttachmentFile{}, ErrNotFound
	}
	if err != nil {
		return AttachmentFile{}, err
	}
	var m attachmentMeta
	b, err := d.keys.Open(st.MetaSealed)
	if err != nil {
		return AttachmentFile{}, err
	}
	if err := unmarshal(b, &m); err != nil {
		return AttachmentFile{}, err
	}
	data, err := d.keys.Open(st.Sealed)
	if err != nil {
		return AttachmentFile{}, err
	}
	return AttachmentFile{Name: m.Name, Type: m.Type, Data: data}, nil
}

// attachments lists a case's attachments for its page (the case was
// already checked).
func (d *Desk) attachments(ctx context.Context, caseID int64, name func(int64) string) ([]AttachmentView, error) {
	as, err := d.st.Attachments(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var out []AttachmentView
	for _, x := range as {
		b, err := d.keys.Open(x.MetaSealed)
		if err != nil {
			return nil, err
		}
		var m attachmentMeta
		if err := unmarshal(b, &m); err != nil {
			return nil, err
		}
		out = append(out, AttachmentView{ID: x.ID, Name: m.Name, Type: m.Type, Size: m.Size, By: name(x.AuthorID), At: x.At})
	}
	return out, nil
}
