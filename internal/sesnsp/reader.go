package sesnsp

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Options tune a read.
type Options struct {
	// Vintage names the release when the file name does not (SESNSP
	// files carry it; third-party copies often don't). It wins over the name.
	Vintage Vintage
	// Keep selects the catalog lines (by Tipo de delito) whose cells are
	// returned. Every line is still parsed and checked, so a bad cell
	// anywhere fails the read. Nil keeps everything.
	Keep func(tipo string) bool
	// Progress, if set, is told how many bytes of the file have been read,
	// out of total (ReadFile only; total is the file's size).
	Progress func(done, total int64)
}

// progressReader reports bytes read, at most every 4 MiB.
type progressReader struct {
	r           io.Reader
	done, total int64
	last        int64
	fn          func(done, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if p.done-p.last >= 4<<20 || err == io.EOF {
		p.last = p.done
		p.fn(p.done, p.total)
	}
	return n, err
}

// File is what a read yields: the cells of the kept lines plus what is known
// about the release.
type File struct {
	Name        string // as given: path, or zip path and member
	SHA256      string // of the bytes as given (the zip, the .bz2, the .csv)
	Format      Format
	Source      Source
	Level       Level
	Encoding    Encoding
	Vintage     Vintage
	VintageFrom string // "option", "name" or "data" (last month with a non-zero count)
	RNID        bool   // holds 2026-methodology rows (Año ≥ 2026)
	Rows        int    // data rows read
	First       YM     // first published month
	Cells       []Cell // kept cells, months up to the cut-off only
	Negatives   int    // cells below zero (SESNSP corrections in re-issues)
}

// ParseError says where a file is wrong, precisely enough for an analyst to
// open the file and see it.
type ParseError struct {
	File   string
	Line   int
	Column string // header name, or "" when the row itself is malformed
	Value  string
	Err    error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: line %d", e.File, e.Line)
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %q", e.Column)
	}
	if e.Column != "" || e.Value != "" {
		v := e.Value
		if len(v) > 80 {
			v = v[:80] + "…"
		}
		fmt.Fprintf(&b, ", value %q", v)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// MaxMembers caps what a zip may hold before we refuse it as not a SESNSP
// release (SESNSP's municipal zip holds a CSV, yearly XLSX files and a PDF).
const maxMembers = 200

// ReadFile reads a SESNSP file or a derivative, plain or inside .zip, .gz or
// .bz2 (sniffed from the bytes, not the extension).
func ReadFile(path string, opts Options) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	var head [4]byte
	n, _ := io.ReadFull(f, head[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if n >= 4 && bytes.Equal(head[:4], []byte("PK\x03\x04")) {
		return readZip(path, f, size, sum, opts)
	}
	var src io.Reader = f
	if opts.Progress != nil {
		src = &progressReader{r: f, total: size, fn: opts.Progress}
	}
	out, err := read(path, path, src, opts)
	if out != nil {
		out.SHA256 = sum
	}
	return out, err
}

// Read reads from r; name is used for messages and for finding the vintage.
// Compressed streams are recognised from their first bytes.
func Read(name string, r io.Reader, opts Options) (*File, error) {
	h := sha256.New()
	br := bufio.NewReader(io.TeeReader(r, h))
	head, _ := br.Peek(4)
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		// zip needs random access.
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		sum := sha256.Sum256(data)
		return readZip(name, bytes.NewReader(data), int64(len(data)), hex.EncodeToString(sum[:]), opts)
	}
	out, err := read(name, name, br, opts)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, br) // hash what the CSV reader left unread
	out.SHA256 = hex.EncodeToString(h.Sum(nil))
	return out, nil
}

func readZip(name string, ra io.ReaderAt, size int64, sum string, opts Options) (*File, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable zip: %w", name, err)
	}
	if len(zr.File) > maxMembers {
		return nil, fmt.Errorf("%s: zip holds %d members; a SESNSP release holds a few", name, len(zr.File))
	}
	var member *zip.File
	for _, zf := range zr.File {
		if strings.HasSuffix(fold(zf.Name), ".csv") && !strings.HasPrefix(filepath.Base(zf.Name), "._") {
			if member != nil {
				return nil, fmt.Errorf("%s: zip holds more than one CSV (%s, %s); import them one by one", name, member.Name, zf.Name)
			}
			member = zf
		}
	}
	if member == nil {
		return nil, fmt.Errorf("%s: zip holds no .csv file", name)
	}
	rc, err := member.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: open %s: %w", name, member.Name, err)
	}
	defer rc.Close()
	// The release is named by the zip (what the operator downloaded) or,
	// failing that, by the member.
	vname := name
	if _, ok := VintageFromName(name); !ok {
		vname = member.Name
	}
	out, err := read(name+":"+member.Name, vname, rc, opts)
	if out != nil {
		out.SHA256 = sum
	}
	return out, err
}

// read undoes gzip or bzip2 and parses the CSV.
func read(label, vname string, r io.Reader, opts Options) (*File, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 256<<10)
	}
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", label, err)
		}
		defer gz.Close()
		r = gz
	case bytes.HasPrefix(head, []byte("BZh")):
		r = bzip2.NewReader(br)
	default:
		r = br
	}
	if r != io.Reader(br) {
		// Decompress on another core while this one parses: bzip2 alone
		// costs as much as the parse.
		pr, pw := io.Pipe()
		go func(src io.Reader) {
			_, err := io.Copy(pw, src)
			pw.CloseWithError(err)
		}(r)
		defer pr.Close()
		r = pr
	}
	p := &parser{label: label, opts: opts, in: interner{}}
	p.file.Name = label
	if !opts.Vintage.IsZero() {
		p.file.Vintage, p.file.VintageFrom = opts.Vintage, "option"
	} else if v, ok := VintageFromName(vname); ok {
		p.file.Vintage, p.file.VintageFrom = v, "name"
	}
	if err := p.parse(r); err != nil {
		return nil, err
	}
	return &p.file, nil
}

type parser struct {
	label  string
	opts   Options
	in     interner
	file   File
	line   int
	header []string
	col    map[string]int // folded header name → index
	seen   map[string]int // key of a kept row → line, to reject duplicates
	// lastNonZero is the last month with a non-zero count anywhere in the
	// file: the cut-off when nothing names the release.
	lastNonZero YM
}

func (p *parser) errorf(col int, value string, format string, args ...any) error {
	name := ""
	if col >= 0 && col < len(p.header) {
		name = p.header[col]
	}
	return &ParseError{File: p.label, Line: p.line, Column: name, Value: value, Err: fmt.Errorf(format, args...)}
}

func (p *parser) parse(r io.Reader) error {
	dec := newDecoder(r)
	cr := csv.NewReader(dec)
	cr.ReuseRecord = true
	hdr, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return fmt.Errorf("%s: empty file", p.label)
		}
		return p.csvError(err)
	}
	p.line = 1
	p.header = make([]string, len(hdr))
	p.col = make(map[string]int, len(hdr))
	for i, h := range hdr {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		p.header[i] = h
		p.col[fold(h)] = i
	}
	p.file.Encoding = dec.Encoding()
	cr.FieldsPerRecord = len(hdr)
	var row func([]string) error
	switch {
	case p.has("ano", "clave_ent", "tipo de delito", "enero", "diciembre"):
		row, err = p.wideRow()
	case p.has("n_year", "n_month", "cve_ent", "tipo_de_delito", "n_victimas"):
		row, err = p.longRow()
	case p.has("isodate", "entidad", "delito", "total"):
		row, err = p.serieRow()
	default:
		if _, ok := p.col["aã±o"]; ok {
			return fmt.Errorf("%s: header reads %q: the file was decoded with the wrong character set", p.label, hdr[0])
		}
		return fmt.Errorf("%s: header %q is not a SESNSP layout Vigía knows (want Año, Clave_Ent, …, Enero…Diciembre; or a known derivative)", p.label, strings.Join(p.header, ","))
	}
	if err != nil {
		return err
	}
	p.seen = map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return p.csvError(err)
		}
		p.line, _ = cr.FieldPos(0)
		p.file.Rows++
		if err := row(rec); err != nil {
			return err
		}
	}
	if p.file.Rows == 0 {
		return fmt.Errorf("%s: header but no data rows", p.label)
	}
	return p.finish()
}

func (p *parser) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			msg = fmt.Errorf("row has the wrong number of fields (the header has %d)", len(p.header))
		}
		return &ParseError{File: p.label, Line: pe.Line, Err: msg}
	}
	if errors.Is(err, errMixedEncoding) {
		return fmt.Errorf("%s: after line %d: %w", p.label, p.line, err)
	}
	return fmt.Errorf("%s: after line %d: %w", p.label, p.line, err)
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

// wideRow handles every official layout: one row per year × place ×
// catalog line (× sex × age), one column per month.
func (p *parser) wideRow() (func([]string) error, error) {
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
	return func(rec []string) error {
		year, err := strconv.Atoi(strings.TrimSpace(rec[cYear]))
		if err != nil || year < 2015 || year > 2100 {
			return p.errorf(cYear, rec[cYear], "want a year from 2015 on")
		}
		ent, err := p.ent(rec, cEnt)
		if err != nil {
			return err
		}
		mun := 0
		if cMun >= 0 {
			mun, err = strconv.Atoi(strings.TrimSpace(rec[cMun]))
			if err != nil || mun/1000 != ent {
				return p.errorf(cMun, rec[cMun], "want the state code followed by a 3-digit municipal code (%d001 …)", ent)
			}
		}
		if year >= 2026 {
			p.file.RNID = true
		}
		tipo := strings.TrimSpace(rec[cTipo])
		keep := p.opts.Keep == nil || p.opts.Keep(tipo)
		c := Cell{Ent: ent, Mun: mun}
		if keep {
			c.Bien, c.Tipo = p.in.get(strings.TrimSpace(rec[cBien])), p.in.get(tipo)
			c.Subtipo, c.Modalidad = p.in.get(strings.TrimSpace(rec[cSub])), p.in.get(strings.TrimSpace(rec[cMod]))
			if victims {
				c.Sexo, c.Edad = p.in.get(strings.TrimSpace(rec[cSexo])), p.in.get(strings.TrimSpace(rec[cEdad]))
			}
			if err := p.unique(year, c); err != nil {
				return err
			}
		}
		for i, mc := range months {
			s := rec[mc]
			if s == "" {
				continue // not yet published
			}
			v, err := parseCount(s)
			if err != nil {
				return p.errorf(mc, s, "%v", err)
			}
			m := MakeYM(year, i+1)
			if err := p.cell(m, v, mc, s); err != nil {
				return err
			}
			if keep {
				c.Month, c.Value = m, v
				p.file.Cells = append(p.file.Cells, c)
			}
		}
		return nil
	}, nil
}

func (p *parser) ent(rec []string, col int) (int, error) {
	ent, err := strconv.Atoi(strings.TrimSpace(rec[col]))
	if err != nil || ent < 1 || ent > 32 {
		return 0, p.errorf(col, rec[col], "want an INEGI state code from 1 to 32")
	}
	return ent, nil
}

// cell records what every published cell tells about the file, and rejects
// a non-zero count after a known cut-off: that is not a placeholder but a
// file from another release.
func (p *parser) cell(m YM, v int64, col int, raw string) error {
	if p.file.First == 0 || m < p.file.First {
		p.file.First = m
	}
	if v != 0 && m > p.lastNonZero {
		p.lastNonZero = m
	}
	if v < 0 {
		p.file.Negatives++
	}
	if !p.file.Vintage.IsZero() && m > p.file.Vintage.Cutoff && v != 0 {
		return p.errorf(col, raw, "a count for %s, after the cut-off of release %s: is the release right?", m, p.file.Vintage)
	}
	return nil
}

func (p *parser) unique(year int, c Cell) error {
	key := fmt.Sprint(year, "|", c.Month, "|", c.Ent, "|", c.Mun, "|", c.Bien, "|", c.Tipo, "|", c.Subtipo, "|", c.Modalidad, "|", c.Sexo, "|", c.Edad)
	if prev, dup := p.seen[key]; dup {
		return p.errorf(-1, "", "repeats the line of line %d (same year, place and catalog line)", prev)
	}
	p.seen[key] = p.line
	return nil
}

func parseCount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Spreadsheets write "12.0"; accept a zero fraction, nothing else.
		if w, ok := strings.CutSuffix(s, ".0"); ok {
			if v, err2 := strconv.ParseInt(w, 10, 64); err2 == nil {
				return v, nil
			}
		}
		return 0, errors.New("want a whole number of cases")
	}
	return v, nil
}

// longRow reads the tidy derivative: one row per month × state × catalog
// line × sex × age.
func (p *parser) longRow() (func([]string) error, error) {
	cY, cM, cEnt := p.colOf("n_year"), p.colOf("n_month"), p.colOf("cve_ent")
	cBien, cTipo, cSub, cMod := p.colOf("bien_juridico_afectado"), p.colOf("tipo_de_delito"), p.colOf("subtipo_de_delito"), p.colOf("modalidad")
	cSexo, cEdad, cV := p.colOf("genero"), p.colOf("rango_de_edad"), p.colOf("n_victimas")
	if cBien < 0 || cSub < 0 || cMod < 0 || cSexo < 0 || cEdad < 0 {
		return nil, fmt.Errorf("%s: long layout lacks one of bien_juridico_afectado, subtipo_de_delito, modalidad, genero, rango_de_edad", p.label)
	}
	p.file.Format, p.file.Level, p.file.Source = FormatLargoVictimas, Estatal, Victimas
	return func(rec []string) error {
		year, err := strconv.Atoi(strings.TrimSpace(rec[cY]))
		if err != nil || year < 2015 || year > 2100 {
			return p.errorf(cY, rec[cY], "want a year from 2015 on")
		}
		mo, err := strconv.Atoi(strings.TrimSpace(rec[cM]))
		if err != nil || mo < 1 || mo > 12 {
			return p.errorf(cM, rec[cM], "want a month from 1 to 12")
		}
		ent, err := p.ent(rec, cEnt)
		if err != nil {
			return err
		}
		if rec[cV] == "" {
			return nil
		}
		v, err := parseCount(rec[cV])
		if err != nil {
			return p.errorf(cV, rec[cV], "%v", err)
		}
		m := MakeYM(year, mo)
		if err := p.cell(m, v, cV, rec[cV]); err != nil {
			return err
		}
		tipo := strings.TrimSpace(rec[cTipo])
		if p.opts.Keep != nil && !p.opts.Keep(tipo) {
			return nil
		}
		c := Cell{Month: m, Ent: ent, Value: v,
			Bien: p.in.get(strings.TrimSpace(rec[cBien])), Tipo: p.in.get(tipo),
			Subtipo: p.in.get(strings.TrimSpace(rec[cSub])), Modalidad: p.in.get(strings.TrimSpace(rec[cMod])),
			Sexo: p.in.get(strings.TrimSpace(rec[cSexo])), Edad: p.in.get(strings.TrimSpace(rec[cEdad]))}
		if err := p.unique(year, c); err != nil {
			return err
		}
		p.file.Cells = append(p.file.Cells, c)
		return nil
	}, nil
}

// serieRow reads lapanquecita's timeseries_victimas.csv: victims summed over
// modalidad, sex and age, per subtipo × state × month. Its "Nacional" rows
// are a sum of the states and are skipped; its unpublished months are 0
// placeholders, trimmed later by the cut-off.
func (p *parser) serieRow() (func([]string) error, error) {
	cD, cE, cDel, cT := p.colOf("isodate"), p.colOf("entidad"), p.colOf("delito"), p.colOf("total")
	p.file.Format, p.file.Level, p.file.Source = FormatSerieVictimas, Estatal, Victimas
	return func(rec []string) error {
		d := strings.TrimSpace(rec[cD])
		var y, mo int
		if len(d) < 7 || d[4] != '-' {
			return p.errorf(cD, rec[cD], "want a date YYYY-MM-DD")
		}
		y, err1 := strconv.Atoi(d[:4])
		mo, err2 := strconv.Atoi(d[5:7])
		if err1 != nil || err2 != nil || y < 2015 || mo < 1 || mo > 12 {
			return p.errorf(cD, rec[cD], "want a date YYYY-MM-DD from 2015 on")
		}
		name := strings.TrimSpace(rec[cE])
		ent := 0
		if !Same(name, "Nacional") {
			st, err := LookupState(name)
			if err != nil {
				return p.errorf(cE, rec[cE], "not a state name")
			}
			ent = st.Code
		}
		v, err := parseCount(rec[cT])
		if err != nil {
			return p.errorf(cT, rec[cT], "%v", err)
		}
		if ent == 0 {
			return nil
		}
		m := MakeYM(y, mo)
		if err := p.cell(m, v, cT, rec[cT]); err != nil {
			return err
		}
		del := strings.TrimSpace(rec[cDel])
		if p.opts.Keep != nil && !p.opts.Keep(del) {
			return nil
		}
		// Only the subtipo is given. The trafficking subtipos of the old
		// catalog share their tipo's name, which is all the measures need.
		c := Cell{Month: m, Ent: ent, Value: v, Tipo: p.in.get(del), Subtipo: p.in.get(del)}
		if err := p.unique(y, c); err != nil {
			return err
		}
		p.file.Cells = append(p.file.Cells, c)
		return nil
	}, nil
}

// finish settles the release and drops cells after its cut-off.
func (p *parser) finish() error {
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
	p.seen = nil
	return nil
}
