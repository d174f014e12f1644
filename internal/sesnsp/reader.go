package sesnsp

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/cosnicolaou/pbzip2"
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
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	// Hash on another core, from a second handle: the page cache serves
	// both reads, and the parse does not wait for the hash.
	sumc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		h, err := os.Open(path)
		if err != nil {
			errc <- err
			return
		}
		defer h.Close()
		d := sha256.New()
		if _, err := io.Copy(d, h); err != nil {
			errc <- err
			return
		}
		sumc <- hex.EncodeToString(d.Sum(nil))
	}()
	hashed := func(out *File, err error) (*File, error) {
		select {
		case sum := <-sumc:
			if out != nil {
				out.SHA256 = sum
			}
		case herr := <-errc:
			if err == nil {
				return nil, fmt.Errorf("hash %s: %w", path, herr)
			}
		}
		return out, err
	}
	var head [4]byte
	n, _ := io.ReadFull(f, head[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return hashed(nil, fmt.Errorf("read %s: %w", path, err))
	}
	if n >= 4 && bytes.Equal(head[:4], []byte("PK\x03\x04")) {
		return hashed(readZip(path, f, fi.Size(), "", opts))
	}
	var src io.Reader = f
	if opts.Progress != nil {
		src = &progressReader{r: f, total: fi.Size(), fn: opts.Progress}
	}
	return hashed(read(path, path, src, opts))
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
		// bzip2 blocks decompress independently: on every core, bzip2 costs
		// less than the parse instead of twice as much.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r = pbzip2.NewReader(ctx, br, pbzip2.DecompressionOptions(pbzip2.BZConcurrency(runtime.GOMAXPROCS(0))))
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
	p := &parser{label: label, opts: opts}
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
