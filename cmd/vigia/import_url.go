package main

// vigia import https://… : the one place Vigía reaches the network, and only
// when an operator names a URL. The release is downloaded whole into a
// private temporary folder, checked against its announced length, hashed,
// and then imported exactly as a local file would be (all or nothing).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

// Defaults for downloads. SESNSP's largest file (municipal, zipped) is
// tens of megabytes; the cap stops a wrong link from filling the disk.
const (
	defaultMaxDownload     = 1 << 30 // 1 GiB
	defaultDownloadTimeout = 15 * time.Minute
)

// downloadTransport is the HTTP transport downloads use; tests point it at
// an httptest TLS server. Nil means http.DefaultTransport.
var downloadTransport http.RoundTripper

// downloader holds the import command's network flags.
type downloader struct {
	maxBytes     int64
	timeout      time.Duration
	insecureHTTP bool
}

func downloadFlags(fs *flag.FlagSet) *downloader {
	d := &downloader{}
	fs.Int64Var(&d.maxBytes, "max-bytes", defaultMaxDownload, "largest download accepted from a URL, in bytes")
	fs.DurationVar(&d.timeout, "timeout", defaultDownloadTimeout, "time allowed for each download from a URL")
	fs.BoolVar(&d.insecureHTTP, "insecure-http", false, "allow plain http:// URLs (not recommended: the file can be altered on the way)")
	return d
}

// isURL says whether an import argument names a URL rather than a file.
func isURL(arg string) bool {
	i := strings.Index(arg, "://")
	if i <= 0 {
		return false
	}
	for _, c := range arg[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// check refuses, before anything is opened, URLs the command won't fetch.
func (d *downloader) check(arg string) error {
	u, err := url.Parse(arg)
	if err != nil {
		return fmt.Errorf("import: %q is not a valid URL: %w", arg, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !d.insecureHTTP {
			return fmt.Errorf("import: %s: plain http is refused (anyone on the way could alter the file); use https, or --insecure-http", redact(u))
		}
	default:
		return fmt.Errorf("import: %s: only https:// URLs can be imported", redact(u))
	}
	if u.Host == "" {
		return fmt.Errorf("import: %q names no host", arg)
	}
	if d.maxBytes <= 0 || d.timeout <= 0 {
		return errors.New("import: --max-bytes and --timeout must be positive")
	}
	return nil
}

// redact drops what must not reach a log or the releases table: user
// information, the query (which may carry a token) and the fragment.
func redact(u *url.URL) string {
	c := *u
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	return c.String()
}

// renamedError is an error whose message names the URL instead of the
// temporary path; errors.Is still sees what it wraps.
type renamedError struct {
	msg string
	err error
}

func (e renamedError) Error() string { return e.msg }
func (e renamedError) Unwrap() error { return e.err }

// download is one fetched file, in a temporary folder the caller removes.
type download struct {
	dir, path string
	size      int64
	sha256    string
}

// importURL downloads a release and imports it like a local file.
func (d *downloader) importURL(ctx context.Context, env *environment, st *store.Store, raw string, opts sesnsp.Options) (ingest.Result, error) {
	dl, err := d.fetch(ctx, env, raw)
	if dl.dir != "" {
		defer os.RemoveAll(dl.dir)
	}
	if err != nil {
		return ingest.Result{}, err
	}
	u, _ := url.Parse(raw)
	fmt.Fprintf(env.stdout, "%s: downloaded %d bytes, sha256 %s\n", redact(u), dl.size, dl.sha256)
	opts.Keep = sesnsp.Stored
	f, err := sesnsp.ReadFile(dl.path, opts)
	if err != nil {
		// Name the URL, not the temporary file that is about to go.
		return ingest.Result{}, renamedError{strings.ReplaceAll(err.Error(), dl.path, redact(u)), err}
	}
	if f.SHA256 != dl.sha256 {
		// The file changed on disk between download and parse.
		return ingest.Result{}, fmt.Errorf("import: %s: the downloaded file changed before it was read", redact(u))
	}
	// The release records where it came from, not the temporary path.
	f.Name = strings.Replace(f.Name, dl.path, redact(u), 1)
	r, isNew, err := st.Import(ctx, f)
	return ingest.Result{Release: r, New: isNew}, err
}

func (d *downloader) fetch(ctx context.Context, env *environment, raw string) (dl download, err error) {
	if err := d.check(raw); err != nil {
		return dl, err
	}
	u, _ := url.Parse(raw)
	shown := redact(u)
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	client := &http.Client{
		Transport: downloadTransport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("too many redirects")
			}
			if req.URL.Scheme != "https" && !d.insecureHTTP {
				return fmt.Errorf("redirected to %s: plain http is refused", redact(req.URL))
			}
			return nil
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return dl, fmt.Errorf("import: %s: %w", shown, err)
	}
	// The file as published, so that its sha256 is the publisher's: no
	// transparent decompression by the transport.
	req.Header.Set("Accept-Encoding", "identity")
	req.Header.Set("User-Agent", "vigia-import (+https://github.com/vigia-mx/vigia)")
	resp, err := client.Do(req)
	if err != nil {
		return dl, fmt.Errorf("import: download %s: %w", shown, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return dl, fmt.Errorf("import: download %s: server answered %s", shown, resp.Status)
	}
	if resp.ContentLength > d.maxBytes {
		return dl, fmt.Errorf("import: download %s: %d bytes announced, more than --max-bytes %d", shown, resp.ContentLength, d.maxBytes)
	}
	dir, name := downloadName(u, resp)
	if dl.dir, err = os.MkdirTemp("", "vigia-import-"); err != nil {
		return dl, fmt.Errorf("import: %w", err)
	}
	folder := dl.dir
	if dir != "" {
		// The parent segment may name the release (…/jun25/estatal.csv).
		folder = filepath.Join(dl.dir, dir)
		if err := os.Mkdir(folder, 0o700); err != nil {
			return dl, fmt.Errorf("import: %w", err)
		}
	}
	dl.path = filepath.Join(folder, name)
	out, err := os.OpenFile(dl.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return dl, fmt.Errorf("import: %w", err)
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("import: %s: %w", dl.path, cerr)
		}
	}()
	h := sha256.New()
	pw := &progressWriter{env: env, name: name, total: resp.ContentLength, tty: isTerminal(env.stderr), start: time.Now()}
	// One byte past the cap tells a body that is too long from one that
	// is exactly the cap.
	n, err := io.Copy(io.MultiWriter(out, h, pw), io.LimitReader(resp.Body, d.maxBytes+1))
	pw.finish(err == nil)
	switch {
	case err != nil:
		return dl, fmt.Errorf("import: download %s: interrupted after %d bytes: %w", shown, n, err)
	case n > d.maxBytes:
		return dl, fmt.Errorf("import: download %s: more than --max-bytes %d", shown, d.maxBytes)
	case resp.ContentLength >= 0 && n != resp.ContentLength:
		return dl, fmt.Errorf("import: download %s: got %d bytes of the %d announced", shown, n, resp.ContentLength)
	case n == 0:
		return dl, fmt.Errorf("import: download %s: empty file", shown)
	}
	if err := out.Sync(); err != nil {
		return dl, fmt.Errorf("import: %s: %w", dl.path, err)
	}
	dl.size, dl.sha256 = n, hex.EncodeToString(h.Sum(nil))
	env.log.Info("downloaded", "url", shown, "file", name, "bytes", n, "sha256", dl.sha256)
	return dl, nil
}

// downloadName is the file name the release is read under, which is what
// names its vintage (IDEFC_NM_jun22.csv): the server's Content-Disposition
// file name if it gives one, else the URL's last path segment. dir is the
// segment before it (a folder such as "jun25" may name the release too).
func downloadName(u *url.URL, resp *http.Response) (dir, name string) {
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) >= 2 {
		dir = safeName(segs[len(segs)-2])
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		if fn := safeName(params["filename"]); fn != "" {
			return dir, fn
		}
	}
	if fn := safeName(path.Base(u.Path)); fn != "" {
		return dir, fn
	}
	// After a redirect, the final URL may be the only one with a name.
	if resp.Request != nil && resp.Request.URL != nil {
		if fn := safeName(path.Base(resp.Request.URL.Path)); fn != "" {
			return "", fn
		}
	}
	return dir, "download"
}

// safeName keeps a name usable as one file in a folder of ours: no path,
// no leading dot, printable characters only.
func safeName(s string) string {
	s = strings.ReplaceAll(s, "\\", "/")
	s = s[strings.LastIndexByte(s, '/')+1:]
	if un, err := url.PathUnescape(s); err == nil {
		s = un
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' || r == ':' {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimLeft(s, ".")
	if len(s) > 200 {
		s = s[len(s)-200:]
	}
	return s
}

// progressWriter shows a download's progress on stderr: a line redrawn in
// place on a terminal, otherwise a log line every few seconds.
type progressWriter struct {
	env       *environment
	name      string
	total     int64 // -1 when the server did not say
	done      int64
	tty       bool
	start     time.Time
	lastShown time.Time
}

func (p *progressWriter) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	now := time.Now()
	every := 5 * time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	if now.Sub(p.lastShown) >= every {
		p.lastShown = now
		p.show(false)
	}
	return len(b), nil
}

func (p *progressWriter) show(final bool) {
	if p.tty {
		fmt.Fprintf(p.env.stderr, "\r\033[K%s %s", p.name, p.status())
		if final {
			fmt.Fprintln(p.env.stderr)
		}
		return
	}
	msg := "downloading"
	if final {
		msg = "download finished"
	}
	args := []any{"file", p.name, "bytes", p.done}
	if p.total > 0 {
		args = append(args, "total", p.total, "percent", p.done*100/p.total)
	}
	p.env.log.Info(msg, args...)
}

func (p *progressWriter) status() string {
	s := fmt.Sprintf("%d bytes", p.done)
	if p.total > 0 {
		s = fmt.Sprintf("%d of %d bytes (%d%%)", p.done, p.total, p.done*100/p.total)
	}
	return s
}

func (p *progressWriter) finish(ok bool) {
	if ok {
		p.show(true)
	} else if p.tty {
		fmt.Fprintln(p.env.stderr)
	}
}

// shownArg is an import argument as messages show it: a URL without its
// query or credentials.
func shownArg(arg string) string {
	if !isURL(arg) {
		return arg
	}
	u, err := url.Parse(arg)
	if err != nil {
		return arg
	}
	return redact(u)
}
