package sesnsp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
)

// Encoding is the character set a file was decoded from.
type Encoding string

// Encodings seen in SESNSP files and their derivatives.
const (
	UTF8        Encoding = "utf-8"
	UTF8BOM     Encoding = "utf-8-bom"
	Windows1252 Encoding = "windows-1252"
)

// win1252 maps the bytes 0x80–0x9F, where Windows-1252 differs from Latin-1.
// Unassigned bytes map to U+FFFD so that nothing is silently dropped.
var win1252 = [32]rune{
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0xFFFD,
}

// errMixedEncoding is returned when a file that started as UTF-8 turns out
// to hold bytes that are not: the file is damaged or was concatenated.
var errMixedEncoding = errors.New("invalid UTF-8 in a file that began as UTF-8")

// decoder turns a byte stream into UTF-8. It decides the encoding lazily,
// at the first non-ASCII byte, so that files of hundreds of megabytes are
// never held in memory: the SESNSP header holds "Año", so the decision is
// made on the first line. A BOM means UTF-8; a valid multi-byte sequence
// means UTF-8; anything else means Windows-1252 (a superset of the Latin-1
// that SESNSP writes).
type decoder struct {
	r   *bufio.Reader
	enc Encoding // "" until decided
	out []byte   // decoded bytes not yet returned
	err error
}

func newDecoder(r io.Reader) *decoder {
	d := &decoder{r: bufio.NewReaderSize(r, 256<<10)}
	if b, err := d.r.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		d.r.Discard(3)
		d.enc = UTF8BOM
	}
	return d
}

// Encoding reports the encoding decided so far; files that are pure ASCII
// report UTF-8.
func (d *decoder) Encoding() Encoding {
	if d.enc == "" {
		return UTF8
	}
	return d.enc
}

func (d *decoder) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		d.fill()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

func (d *decoder) fill() {
	buf := make([]byte, 0, 128<<10)
	chunk, err := d.r.Peek(64 << 10)
	if len(chunk) == 0 {
		if err == nil {
			err = io.EOF
		}
		d.err = err
		return
	}
	n := len(chunk)
	if d.enc != Windows1252 {
		// Don't split a multi-byte sequence across chunks.
		if err == nil {
			n = lastRuneBoundary(chunk)
		}
		if d.enc == "" {
			i := firstNonASCII(chunk[:n])
			if i >= 0 {
				if r, _ := utf8.DecodeRune(chunk[i:n]); r == utf8.RuneError {
					d.enc = Windows1252
				} else {
					d.enc = UTF8
				}
			}
		}
	}
	switch d.enc {
	case Windows1252:
		for _, c := range chunk[:n] {
			switch {
			case c < 0x80:
				buf = append(buf, c)
			case c < 0xA0:
				buf = utf8.AppendRune(buf, win1252[c-0x80])
			default:
				buf = utf8.AppendRune(buf, rune(c))
			}
		}
	default:
		if !utf8.Valid(chunk[:n]) {
			d.err = errMixedEncoding
			return
		}
		buf = append(buf, chunk[:n]...)
	}
	d.r.Discard(n)
	d.out = buf
}

func firstNonASCII(b []byte) int {
	for i, c := range b {
		if c >= 0x80 {
			return i
		}
	}
	return -1
}

// lastRuneBoundary returns the length of b without a trailing incomplete
// UTF-8 sequence.
func lastRuneBoundary(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-4; i-- {
		c := b[i]
		if c < 0x80 {
			return len(b)
		}
		if c >= 0xC0 { // start byte
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}
