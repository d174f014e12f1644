package sesnsp

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// The parse splits the file into chunks of whole records and parses them on
// every core. Fields are byte slices into the chunk; only the strings of
// the kept catalog lines are ever decoded and copied. Delimiters are ASCII,
// so Latin-1 and UTF-8 files split the same way before decoding.

const chunkSize = 4 << 20

// parser holds what is fixed once the header is read.
type parser struct {
	label string
	opts  Options
	file  File
	enc   Encoding
	ncols int
	// header names, for messages
	header []string
	col    map[string]int
	// row parses one record into the worker's state.
	row func(w *worker, f [][]byte) error
	// lastNonZero is the last month with a non-zero count anywhere in the
	// file: the cut-off when nothing names the release.
	lastNonZero YM
	rnid        *atomic.Bool
}

// worker is the state of one goroutine over one chunk.
type worker struct {
	p           *parser
	line        int
	cells       []Cell
	keys        []keyedLine // kept rows, checked for duplicates when merged
	first       YM
	lastNonZero YM
	negatives   int
	rows        int
	in          map[string]string // raw bytes → decoded, interned
	keep        map[string]bool   // raw tipo → kept
	fields      [][]byte
	scratch     []byte
}

type keyedLine struct {
	key  string
	line int
}

func (p *parser) errorf(line, col int, value string, format string, args ...any) error {
	name := ""
	if col >= 0 && col < len(p.header) {
		name = p.header[col]
	}
	return &ParseError{File: p.label, Line: line, Column: name, Value: value, Err: fmt.Errorf(format, args...)}
}

func (w *worker) errorf(col int, raw []byte, format string, args ...any) error {
	return w.p.errorf(w.line, col, w.str(raw), format, args...)
}

// str decodes raw bytes of the file's encoding, keeping one copy of each
// distinct string.
func (w *worker) str(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if s, ok := w.in[string(raw)]; ok {
		return s
	}
	var s string
	if w.p.enc == Windows1252 {
		s = decode1252(raw)
	} else {
		s = string(raw)
	}
	w.in[string(raw)] = s
	return s
}

func (w *worker) kept(rawTipo []byte) bool {
	if w.p.opts.Keep == nil {
		return true
	}
	raw := bytes.TrimSpace(rawTipo)
	k, ok := w.keep[string(raw)]
	if !ok {
		k = w.p.opts.Keep(w.str(raw))
		w.keep[string(raw)] = k
	}
	return k
}

func decode1252(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for _, c := range b {
		switch {
		case c < 0x80:
			out = append(out, c)
		case c < 0xA0:
			out = utf8.AppendRune(out, win1252[c-0x80])
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return string(out)
}

// sniff decides the encoding from the first bytes that are not ASCII: a
// valid UTF-8 sequence means UTF-8; anything else Windows-1252.
func sniff(b []byte) Encoding {
	for i := 0; i < len(b); i++ {
		if b[i] < 0x80 {
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(b[i:]) && len(b)-i < utf8.UTFMax {
				return "" // cut short: undecided
			}
			return Windows1252
		}
		return UTF8
	}
	return ""
}

// parse reads the header, picks the layout, then parses the records.
func (p *parser) parse(r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<20)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
		p.enc = UTF8BOM
	}
	head, err := br.ReadSlice('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		if errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("%s: line 1 is longer than 1 MiB: not a SESNSP header", p.label)
		}
		return fmt.Errorf("%s: %w", p.label, err)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: empty file", p.label)
		}
		return fmt.Errorf("%s: line 1 is empty: want a header", p.label)
	}
	head = bytes.Clone(head)
	if p.enc == "" {
		p.enc = sniff(head)
	}
	var text string
	switch p.enc {
	case Windows1252:
		text = decode1252(head)
	default:
		if !utf8.Valid(head) {
			return fmt.Errorf("%s: line 1: invalid UTF-8 in a file that began as UTF-8", p.label)
		}
		text = string(head)
	}
	hdr, err := csv.NewReader(strings.NewReader(text)).Read()
	if err != nil {
		return fmt.Errorf("%s: line 1: header is not CSV: %v", p.label, err)
	}
	p.header = make([]string, len(hdr))
	p.col = make(map[string]int, len(hdr))
	for i, h := range hdr {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		p.header[i] = h
		p.col[fold(h)] = i
	}
	p.ncols = len(hdr)
	switch {
	case p.has("ano", "clave_ent", "tipo de delito", "enero", "diciembre"):
		p.row, err = p.wideRow()
	case p.has("n_year", "n_month", "cve_ent", "tipo_de_delito", "n_victimas"):
		p.row, err = p.longRow()
	case p.has("isodate", "entidad", "delito", "total"):
		p.row, err = p.serieRow()
	default:
		if _, ok := p.col["aã±o"]; ok {
			return fmt.Errorf("%s: header reads %q: the file was decoded with the wrong character set", p.label, hdr[0])
		}
		return fmt.Errorf("%s: header %q is not a SESNSP layout Vigía knows (want Año, Clave_Ent, …, Enero…Diciembre; or a known derivative)", p.label, strings.Join(p.header, ","))
	}
	if err != nil {
		return err
	}
	if err := p.records(br); err != nil {
		return err
	}
	if p.enc == "" {
		p.enc = UTF8 // pure ASCII
	}
	p.file.Encoding = p.enc
	if p.file.Rows == 0 {
		return fmt.Errorf("%s: header but no data rows", p.label)
	}
	return p.finish()
}

func (p *parser) has(names ...string) bool {
	for _, n := range names {
		if _, ok := p.col[n]; !ok {
			return false
		}
	}
	return true
}

func (p *parser) colOf(name string) int {
	if i, ok := p.col[name]; ok {
		return i
	}
	return -1
}

type chunk struct {
	idx   int
	line  int // line number of its first record
	data  []byte
	res   *worker
	err   error
	enc   Encoding
	ready chan struct{}
}

// records cuts the rest of the stream into chunks that end at a record
// boundary and parses them in parallel, merging the results in file order.
func (p *parser) records(br *bufio.Reader) error {
	nw := runtime.GOMAXPROCS(0)
	work := make(chan *chunk, nw)
	order := make(chan *chunk, 2*nw)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range nw {
		wg.Go(func() {
			for c := range work {
				if stop.Load() {
					c.err = errStopped
				} else {
					c.res, c.err = p.parseChunk(c)
					if c.err != nil {
						stop.Store(true)
					}
				}
				close(c.ready)
			}
		})
	}
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		line := 2
		var carry []byte
		for idx := 0; !stop.Load(); idx++ {
			buf := make([]byte, len(carry), max(chunkSize, 2*len(carry)))
			copy(buf, carry)
			n, err := io.ReadFull(br, buf[len(carry):cap(buf)])
			buf = buf[:len(carry)+n]
			eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
			if err != nil && !eof {
				readErr = err
				stop.Store(true)
				return
			}
			if p.enc == "" {
				p.enc = sniff(buf)
			}
			cut := len(buf)
			if !eof {
				cut = recordBoundary(buf)
				if cut < 0 { // one record larger than the buffer: read more
					carry = buf
					idx--
					if len(carry) > 64<<20 {
						readErr = fmt.Errorf("after line %d: a record longer than 64 MiB (an unclosed quote?)", line)
						stop.Store(true)
						return
					}
					continue
				}
			}
			c := &chunk{idx: idx, line: line, data: buf[:cut], enc: p.enc, ready: make(chan struct{})}
			line += bytes.Count(c.data, []byte{'\n'})
			carry = append([]byte(nil), buf[cut:]...)
			order <- c
			work <- c
			if eof {
				if len(carry) > 0 {
					c2 := &chunk{idx: idx + 1, line: line, data: carry, enc: p.enc, ready: make(chan struct{})}
					order <- c2
					work <- c2
				}
				return
			}
		}
	}()
	var firstErr error
	seen := map[string]int{}
	for c := range order {
		<-c.ready
		if firstErr != nil {
			continue
		}
		if c.err != nil {
			firstErr = c.err
			continue
		}
		if err := p.merge(c.res, seen); err != nil {
			firstErr = err
			stop.Store(true)
		}
	}
	wg.Wait()
	if firstErr != nil && !errors.Is(firstErr, errStopped) {
		return firstErr
	}
	if readErr != nil {
		if errors.Is(readErr, errMixedEncoding) {
			return fmt.Errorf("%s: %w", p.label, readErr)
		}
		return fmt.Errorf("%s: %w", p.label, readErr)
	}
	return firstErr
}

var errStopped = errors.New("stopped after an earlier error")

// recordBoundary returns the length of buf up to and including its last
// newline that is not inside a quoted field, or -1 if there is none. A
// chunk always starts outside quotes, so the parity of the quotes before a
// newline says whether it ends a record.
func recordBoundary(buf []byte) int {
	end := len(buf)
	for {
		i := bytes.LastIndexByte(buf[:end], '\n')
		if i < 0 {
			return -1
		}
		if bytes.Count(buf[:i], []byte{'"'})%2 == 0 {
			return i + 1
		}
		end = i
	}
}

func (p *parser) parseChunk(c *chunk) (*worker, error) {
	w := &worker{p: p, line: c.line, in: map[string]string{}, keep: map[string]bool{}, fields: make([][]byte, 0, p.ncols)}
	if c.enc != Windows1252 && !utf8.Valid(c.data) {
		// Find the line for the message.
		for i := 0; i < len(c.data); {
			j := bytes.IndexByte(c.data[i:], '\n')
			if j < 0 {
				j = len(c.data) - i
			}
			if !utf8.Valid(c.data[i : i+j]) {
				return nil, fmt.Errorf("%s: line %d: %w", p.label, c.line+bytes.Count(c.data[:i], []byte{'\n'}), errMixedEncoding)
			}
			i += j + 1
		}
		return nil, fmt.Errorf("%s: %w", p.label, errMixedEncoding)
	}
	data := c.data
	for len(data) > 0 {
		if n := blankLine(data); n > 0 {
			data = data[n:]
			w.line++
			continue // encoding/csv skips empty lines too
		}
		rec, rest, nl, err := w.split(data)
		if err != nil {
			return nil, err
		}
		data = rest
		if len(rec) != p.ncols {
			return nil, &ParseError{File: p.label, Line: w.line, Err: fmt.Errorf("row has the wrong number of fields (%d; the header has %d)", len(rec), p.ncols)}
		}
		w.rows++
		if err := p.row(w, rec); err != nil {
			return nil, err
		}
		w.line += nl
	}
	return w, nil
}

// blankLine returns the length of an empty line at the start of data
// ("\n" or "\r\n"), or 0.
func blankLine(data []byte) int {
	switch {
	case len(data) > 0 && data[0] == '\n':
		return 1
	case len(data) > 1 && data[0] == '\r' && data[1] == '\n':
		return 2
	}
	return 0
}

// split takes one record off data: its fields, the rest, and the number of
// newlines consumed. Quoted fields follow RFC 4180 ("" is a quote).
func (w *worker) split(data []byte) ([][]byte, []byte, int, error) {
	end := bytes.IndexByte(data, '\n')
	var line, rest []byte
	if end < 0 {
		line, rest = data, nil
	} else {
		line, rest = data[:end], data[end+1:]
	}
	nl := 1
	if bytes.IndexByte(line, '"') < 0 {
		line = bytes.TrimSuffix(line, []byte{'\r'})
		f := w.fields[:0]
		for {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				f = append(f, line)
				break
			}
			f = append(f, line[:i])
			line = line[i+1:]
		}
		w.fields = f
		return f, rest, nl, nil
	}
	return w.splitQuoted(data)
}

// splitQuoted is the slow path for records with quotes, which may run over
// several lines.
func (w *worker) splitQuoted(data []byte) ([][]byte, []byte, int, error) {
	w.scratch = w.scratch[:0]
	var bounds []int
	var rest []byte
	nl, i := 1, 0
	bad := func(msg string) ([][]byte, []byte, int, error) {
		return nil, nil, 0, &ParseError{File: w.p.label, Line: w.line, Err: errors.New(msg)}
	}
	endsLine := func(i int) bool { return data[i] == '\r' && (i+1 == len(data) || data[i+1] == '\n') }
fields:
	for {
		bounds = append(bounds, len(w.scratch))
		if i < len(data) && data[i] == '"' {
			i++
			for {
				if i >= len(data) {
					return bad("a quoted field is never closed")
				}
				c := data[i]
				if c == '"' {
					if i+1 < len(data) && data[i+1] == '"' {
						w.scratch = append(w.scratch, '"')
						i += 2
						continue
					}
					i++
					break
				}
				if c == '\n' {
					nl++
				}
				w.scratch = append(w.scratch, c)
				i++
			}
		} else {
			for i < len(data) && data[i] != ',' && data[i] != '\n' && !endsLine(i) {
				if data[i] == '"' {
					return bad(`bare " in a field that is not quoted`)
				}
				w.scratch = append(w.scratch, data[i])
				i++
			}
		}
		switch {
		case i >= len(data):
			break fields
		case data[i] == ',':
			i++
		case data[i] == '\n':
			rest = data[i+1:]
			break fields
		case endsLine(i):
			if i+1 < len(data) {
				rest = data[i+2:]
			}
			break fields
		default:
			return bad(fmt.Sprintf("extraneous %q after a quoted field", data[i]))
		}
	}
	// scratch is reused: fields must not alias it across records.
	buf := bytes.Clone(w.scratch)
	f := w.fields[:0]
	for k, b := range bounds {
		e := len(buf)
		if k+1 < len(bounds) {
			e = bounds[k+1]
		}
		f = append(f, buf[b:e])
	}
	w.fields = f
	return f, rest, nl, nil
}

// merge adds a chunk's results in file order and rejects kept lines that
// repeat one seen earlier.
func (p *parser) merge(w *worker, seen map[string]int) error {
	for _, k := range w.keys {
		if prev, dup := seen[k.key]; dup {
			return p.errorf(k.line, -1, "", "repeats the line of line %d (same year, place and catalog line)", prev)
		}
		seen[k.key] = k.line
	}
	f := &p.file
	f.Rows += w.rows
	f.Negatives += w.negatives
	if w.first != 0 && (f.First == 0 || w.first < f.First) {
		f.First = w.first
	}
	p.lastNonZero = max(p.lastNonZero, w.lastNonZero)
	f.Cells = append(f.Cells, w.cells...)
	return nil
}

// cell records what every published cell tells about the file, and rejects
// a non-zero count after a known cut-off: that is not a placeholder but a
// file from another release.
func (w *worker) cell(m YM, v int64, col int, raw []byte) error {
	if w.first == 0 || m < w.first {
		w.first = m
	}
	if v != 0 && m > w.lastNonZero {
		w.lastNonZero = m
	}
	if v < 0 {
		w.negatives++
	}
	if vt := w.p.file.Vintage; !vt.IsZero() && m > vt.Cutoff && v != 0 {
		return w.errorf(col, raw, "a count for %s, after the cut-off of release %s: is the release right?", m, vt)
	}
	return nil
}

func (w *worker) unique(year int, c Cell) {
	key := fmt.Sprint(year, "|", c.Month, "|", c.Ent, "|", c.Mun, "|", c.Bien, "|", c.Tipo, "|", c.Subtipo, "|", c.Modalidad, "|", c.Sexo, "|", c.Edad)
	w.keys = append(w.keys, keyedLine{key, w.line})
}

// atoi parses a trimmed, optionally signed decimal integer without
// allocating; ok is false for anything else.
func atoi(b []byte) (int64, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0, false
	}
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// parseCount reads a cell: a whole number, or a spreadsheet's "12.0".
func parseCount(b []byte) (int64, error) {
	if v, ok := atoi(b); ok {
		return v, nil
	}
	t := bytes.TrimSpace(b)
	if w, ok := bytes.CutSuffix(t, []byte(".0")); ok {
		if v, ok := atoi(w); ok {
			return v, nil
		}
	}
	return 0, errors.New("want a whole number of cases")
}

func (w *worker) ent(rec [][]byte, col int) (int, error) {
	v, ok := atoi(rec[col])
	if !ok || v < 1 || v > 32 {
		return 0, w.errorf(col, rec[col], "want an INEGI state code from 1 to 32")
	}
	return int(v), nil
}

// wideRow handles every official layout: one row per year × place ×
// catalog line (× sex × age), one column per month.
func (p *parser) wideRow() (func(*worker, [][]byte) error, error) {
	cYear, cEnt := p.colOf("ano"), p.colOf("clave_ent")
	cMun := p.colOf("cve. municipio")
	cBien, cTipo, cSub, cMod := p.colOf("bien juridico afectado"), p.colOf("tipo de delito"), p.colOf("subtipo de delito"), p.colOf("modalidad")
	cSexo, cEdad := p.colOf("sexo"), p.colOf("rango de edad")
	for _, c := range []int{cBien, cSub, cMod} {
		if c < 0 {
			return nil, fmt.Errorf("%s: header lacks one of Bien jurídico afectado, Subtipo de delito, Modalidad", p.label)
		}
	}
	if (cSexo < 0) != (cEdad < 0) {
		return nil, fmt.Errorf("%s: header has one of Sexo and Rango de edad but not the other", p.label)
	}
	var months [12]int
	for i, m := range monthNames {
		months[i] = p.colOf(m)
		if months[i] < 0 {
			return nil, fmt.Errorf("%s: header lacks the month column %q", p.label, strings.ToUpper(m[:1])+m[1:])
		}
	}
	victims := cSexo >= 0
	switch {
	case cMun >= 0 && victims:
		p.file.Format, p.file.Level = FormatVictimasMunicipal, Municipal
	case cMun >= 0:
		p.file.Format, p.file.Level = FormatIncidenciaMunicipal, Municipal
	case victims:
		p.file.Format, p.file.Level = FormatVictimasEstatal, Estatal
	default:
		p.file.Format, p.file.Level = FormatIncidenciaEstatal, Estatal
	}
	p.file.Source = Carpetas
	if victims {
		p.file.Source = Victimas
	}
	var rnid atomic.Bool
	p.rnid = &rnid
	return func(w *worker, rec [][]byte) error {
		y, ok := atoi(rec[cYear])
		if !ok || y < 2015 || y > 2100 {
			return w.errorf(cYear, rec[cYear], "want a year from 2015 on")
		}
		year := int(y)
		ent, err := w.ent(rec, cEnt)
		if err != nil {
			return err
		}
		mun := 0
		if cMun >= 0 {
			m, ok := atoi(rec[cMun])
			if !ok || int(m)/1000 != ent {
				return w.errorf(cMun, rec[cMun], "want the state code followed by a 3-digit municipal code (%d001 …)", ent)
			}
			mun = int(m)
		}
		if year >= 2026 {
			rnid.Store(true)
		}
		keep := w.kept(rec[cTipo])
		c := Cell{Ent: ent, Mun: mun}
		if keep {
			c.Bien, c.Tipo, c.Subtipo, c.Modalidad = w.str(rec[cBien]), w.str(rec[cTipo]), w.str(rec[cSub]), w.str(rec[cMod])
			if victims {
				c.Sexo, c.Edad = w.str(rec[cSexo]), w.str(rec[cEdad])
			}
			w.unique(year, c)
		}
		for i, mc := range months {
			s := rec[mc]
			if len(s) == 0 || (s[0] == ' ' && len(bytes.TrimSpace(s)) == 0) {
				continue // not yet published
			}
			v, err := parseCount(s)
			if err != nil {
				return w.errorf(mc, s, "%v", err)
			}
			m := MakeYM(year, i+1)
			if err := w.cell(m, v, mc, s); err != nil {
				return err
			}
			if keep {
				c.Month, c.Value = m, v
				w.cells = append(w.cells, c)
			}
		}
		return nil
	}, nil
}

// longRow reads the tidy derivative: one row per month × state × catalog
// line × sex × age.
func (p *parser) longRow() (func(*worker, [][]byte) error, error) {
	cY, cM, cEnt := p.colOf("n_year"), p.colOf("n_month"), p.colOf("cve_ent")
	cBien, cTipo, cSub, cMod := p.colOf("bien_juridico_afectado"), p.colOf("tipo_de_delito"), p.colOf("subtipo_de_delito"), p.colOf("modalidad")
	cSexo, cEdad, cV := p.colOf("genero"), p.colOf("rango_de_edad"), p.colOf("n_victimas")
	if cBien < 0 || cSub < 0 || cMod < 0 || cSexo < 0 || cEdad < 0 {
		return nil, fmt.Errorf("%s: long layout lacks one of bien_juridico_afectado, subtipo_de_delito, modalidad, genero, rango_de_edad", p.label)
	}
	p.file.Format, p.file.Level, p.file.Source = FormatLargoVictimas, Estatal, Victimas
	return func(w *worker, rec [][]byte) error {
		y, ok := atoi(rec[cY])
		if !ok || y < 2015 || y > 2100 {
			return w.errorf(cY, rec[cY], "want a year from 2015 on")
		}
		mo, ok := atoi(rec[cM])
		if !ok || mo < 1 || mo > 12 {
			return w.errorf(cM, rec[cM], "want a month from 1 to 12")
		}
		ent, err := w.ent(rec, cEnt)
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(rec[cV])) == 0 {
			return nil
		}
		v, err := parseCount(rec[cV])
		if err != nil {
			return w.errorf(cV, rec[cV], "%v", err)
		}
		m := MakeYM(int(y), int(mo))
		if err := w.cell(m, v, cV, rec[cV]); err != nil {
			return err
		}
		if !w.kept(rec[cTipo]) {
			return nil
		}
		c := Cell{Month: m, Ent: ent, Value: v,
			Bien: w.str(rec[cBien]), Tipo: w.str(rec[cTipo]), Subtipo: w.str(rec[cSub]), Modalidad: w.str(rec[cMod]),
			Sexo: w.str(rec[cSexo]), Edad: w.str(rec[cEdad])}
		w.unique(int(y), c)
		w.cells = append(w.cells, c)
		return nil
	}, nil
}

// serieRow reads lapanquecita's timeseries_victimas.csv: victims summed over
// modalidad, sex and age, per subtipo × state × month. Its "Nacional" rows
// are a sum of the states and are skipped; its unpublished months are 0
// placeholders, trimmed later by the cut-off.
func (p *parser) serieRow() (func(*worker, [][]byte) error, error) {
	cD, cE, cDel, cT := p.colOf("isodate"), p.colOf("entidad"), p.colOf("delito"), p.colOf("total")
	p.file.Format, p.file.Level, p.file.Source = FormatSerieVictimas, Estatal, Victimas
	return func(w *worker, rec [][]byte) error {
		d := bytes.TrimSpace(rec[cD])
		if len(d) < 7 || d[4] != '-' {
			return w.errorf(cD, rec[cD], "want a date YYYY-MM-DD")
		}
		y, ok1 := atoi(d[:4])
		mo, ok2 := atoi(d[5:7])
		if !ok1 || !ok2 || y < 2015 || y > 2100 || mo < 1 || mo > 12 {
			return w.errorf(cD, rec[cD], "want a date YYYY-MM-DD from 2015 on")
		}
		name := w.str(rec[cE])
		ent := 0
		if !Same(name, "Nacional") {
			st, err := LookupState(name)
			if err != nil {
				return w.errorf(cE, rec[cE], "not a state name")
			}
			ent = st.Code
		}
		v, err := parseCount(rec[cT])
		if err != nil {
			return w.errorf(cT, rec[cT], "%v", err)
		}
		if ent == 0 {
			return nil
		}
		m := MakeYM(int(y), int(mo))
		if err := w.cell(m, v, cT, rec[cT]); err != nil {
			return err
		}
		if !w.kept(rec[cDel]) {
			return nil
		}
		// Only the subtipo is given. The trafficking subtipos of the old
		// catalog share their tipo's name, which is all the measures need.
		del := w.str(rec[cDel])
		c := Cell{Month: m, Ent: ent, Value: v, Tipo: del, Subtipo: del}
		w.unique(int(y), c)
		w.cells = append(w.cells, c)
		return nil
	}, nil
}

// finish settles the release and drops cells after its cut-off.
func (p *parser) finish() error {
	if p.rnid != nil && p.rnid.Load() {
		p.file.RNID = true
	}
	if p.file.Vintage.IsZero() {
		if p.lastNonZero == 0 {
			return fmt.Errorf("%s: every count is zero or empty, so the release cannot be told from the data; name it with --vintage", p.label)
		}
		p.file.Vintage, p.file.VintageFrom = Vintage{p.lastNonZero}, "data"
	}
	if p.file.First > p.file.Vintage.Cutoff {
		return fmt.Errorf("%s: release %s ends before the first month in the file (%s)", p.label, p.file.Vintage, p.file.First)
	}
	kept := p.file.Cells[:0]
	for _, c := range p.file.Cells {
		if c.Month <= p.file.Vintage.Cutoff {
			kept = append(kept, c)
		}
	}
	p.file.Cells = kept
	return nil
}
