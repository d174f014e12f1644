package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/screen/similar"
	"github.com/vigia-mx/vigia/internal/store"
)

// maxAdBytes bounds one input line: an ad is a few KB; a line of megabytes
// is not an ad (or is binary data) and is refused with its line number.
const maxAdBytes = 256 << 10

type adIn struct {
	line     int
	ID       string `json:"id"`
	Text     string `json:"text"`
	PostedAt string `json:"posted_at"`
	City     string `json:"city"`
	URL      string `json:"url"`
	err      error
}

type adOut struct {
	Line int      `json:"line"`
	ID   *string  `json:"id"`
	Tier string   `json:"tier,omitempty"`
	Risk *float64 `json:"risk,omitempty"`
	// The lists are always present, empty when there is nothing (and on
	// error lines), so that a reader never has to tell a missing field
	// from an empty one.
	Flags        []screen.Flag       `json:"flags"`
	Phrases      []screen.Phrase     `json:"phrases"`
	Identifiers  []screen.Identifier `json:"identifiers"`
	Reasons      []string            `json:"reasons"`
	Cluster      *string             `json:"cluster"`
	Error        string              `json:"error,omitempty"`
	folded       string
	tokens       []string
	rulesVersion string
	modelVersion string
	city         string
	posted       time.Time
	// Filled by the workers, so that the ordered goroutine only inserts
	// and writes: the ad's near-duplicate sketch and its JSON line.
	sketch *similar.Sketch
	line   []byte
}

// cmdScreen screens a file of ads (JSONL or CSV with id,text[,posted_at,city,url]).
func cmdScreen(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("screen", env)
	format := fs.String("format", "jsonl", "output format: jsonl")
	out := fs.String("out", "", "write results here instead of standard output")
	clusters := fs.String("clusters", "", "write the cluster report (JSON) to this file")
	strict := fs.Bool("strict", false, "stop at the first malformed line")
	keyFile := fs.String("key-file", env.getenv("VIGIA_SCREEN_KEY_FILE"), "file holding the HMAC key for identifier tokens (created if missing; env VIGIA_SCREEN_KEY_FILE)")
	memLimit := fs.Int("mem-limit-mb", 1536, "soft memory limit for the Go runtime in MiB (0: none; GOMEMLIMIT wins): the near-duplicate index of a million ads holds ~0.9 GB, and without a limit the heap may double it")
	var hubs multiFlag
	fs.Var(&hubs, "hub", `a contact that links nothing (a hotline, an agency switchboard), as written ("800 5533 000"); repeatable; the national anti-trafficking line is always one`)
	save := fs.Bool("save", false, "keep the results (flags, score, cluster, contact tokens; never the text) in the database")
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "jsonl" {
		return usageError{fmt.Errorf("--format %q: only jsonl", *format)}
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("screen: name one file, or - for standard input")}
	}
	if *memLimit > 0 && env.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(*memLimit) << 20)
		// With the limit bounding the peak, the collector need not run
		// every time the heap doubles: a quarter of the CPU went to it on
		// a million ads (bench/screen/README.md). GOGC still wins.
		if env.getenv("GOGC") == "" {
			old := debug.SetGCPercent(400)
			defer debug.SetGCPercent(old)
			defer debug.SetMemoryLimit(math.MaxInt64)
		}
	}
	name := fs.Arg(0)
	var in io.Reader
	if name == "-" {
		in = os.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("screen: %w", err)
		}
		defer f.Close()
		in = f
	}
	key, err := loadKey(screenKeyPath(*keyFile, ""))
	if err != nil {
		return err
	}
	sc, err := screen.New(key)
	if err != nil {
		return err
	}
	w := env.stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("screen: %w", err)
		}
		defer f.Close()
		w = f
	}
	start := time.Now()
	// Results are written to a temporary file in input order as they come,
	// without keeping a million ads in memory; clusters are known only at
	// the end, so each line ends in "cluster":null, patched in the final copy.
	tmp, err := os.CreateTemp("", "vigia-screen-*.jsonl")
	if err != nil {
		return fmt.Errorf("screen: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	cfg := similar.DefaultConfig()
	// Ads that warn about trafficking print the hotline; it must never
	// join them into one network.
	for _, h := range append([]string{nationalLine}, hubs...) {
		res := sc.Screen(h)
		if len(res.Identifiers) == 0 {
			return usageError{fmt.Errorf("--hub %q: no phone, link, e-mail or handle recognised", h)}
		}
		cfg.HubAllow = append(cfg.HubAllow, res.Tokens()...)
	}
	ix := similar.NewIndex(cfg)
	tw := bufio.NewWriterSize(tmp, 1<<20)
	var ids []string // id per output line, "" for malformed lines
	var kept []store.ScreenedAd
	batch := time.Now().UTC().Format("20060102T150405")
	// Sketching (shingles, MinHash) and JSON encoding are per ad and run in
	// the workers; only inserting into the index, in input order, is serial.
	prep := func(r *adOut) error {
		if r.Error == "" {
			r.sketch = ix.Sketch(similar.Ad{ID: *r.ID, Text: r.folded, Tokens: r.tokens, City: r.city, PostedAt: r.posted})
		}
		var err error
		r.line, err = json.Marshal(r)
		return err
	}
	n, bad, err := screenAll(ctx, env, name, in, sc, *strict, prep, func(r *adOut) error {
		if r.Error == "" {
			ix.AddSketch(r.sketch)
			ids = append(ids, *r.ID)
			if *save {
				kept = append(kept, r.stored(batch))
			}
		} else {
			ids = append(ids, "")
		}
		if r.line == nil {
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			r.line = b
		}
		tw.Write(r.line)
		return tw.WriteByte('\n')
	})
	if err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("screen: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("screen: %w", err)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	sr := bufio.NewScanner(tmp)
	sr.Buffer(make([]byte, 1<<20), 64<<20)
	for i := 0; sr.Scan(); i++ {
		line := sr.Bytes()
		if ids[i] != "" {
			if c, ok := ix.ClusterOf(ids[i]); ok {
				cj, _ := json.Marshal(c)
				// A new slice: appending to line would write into the
				// scanner's buffer, over the next line.
				head := bytes.TrimSuffix(line, []byte("null}"))
				patched := make([]byte, 0, len(head)+len(cj)+1)
				line = append(append(append(patched, head...), cj...), '}')
			}
		}
		bw.Write(line)
		bw.WriteByte('\n')
	}
	if err := sr.Err(); err != nil {
		return fmt.Errorf("screen: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("screen: write: %w", err)
	}
	cl := ix.Clusters()
	if *save {
		for i := range kept {
			if c, ok := ix.ClusterOf(kept[i].ExtID); ok {
				kept[i].Cluster = c
			}
		}
		st, err := openStore(ctx, env, *db, false)
		if err != nil {
			return err
		}
		defer st.Close()
		for start := 0; start < len(kept); start += 5000 {
			if err := st.SaveAds(ctx, kept[start:min(start+5000, len(kept))]); err != nil {
				return err
			}
		}
		if err := st.SaveClusters(ctx, storedClusters(batch, cl)); err != nil {
			return err
		}
		env.log.Info("screened ads saved", "ads", len(kept), "batch", batch)
	}
	if *clusters != "" {
		if cl == nil {
			cl = []similar.Cluster{} // [] rather than null
		}
		b, err := json.MarshalIndent(cl, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*clusters, b, 0o644); err != nil {
			return fmt.Errorf("screen: clusters: %w", err)
		}
	}
	secs := time.Since(start).Seconds()
	env.log.Info("screened", "ads", n, "malformed", bad, "clusters", len(cl), "seconds", secs, "ads_per_second", float64(n)/secs)
	return nil
}

// screenKeyPath is where the token key lives: the flag, else beside a
// SQLite database, else the working directory.
func screenKeyPath(flagValue, db string) string {
	if flagValue != "" {
		return flagValue
	}
	if db != "" && !store.IsPostgres(db) {
		return filepath.Join(filepath.Dir(db), "vigia-screen.key")
	}
	return "vigia-screen.key"
}

// loadKey reads the token key, creating a random one (0600) the first time.
func loadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		k := make([]byte, 32)
		rand.Read(k)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("screen: key: %w", err)
		}
		if err := os.WriteFile(path, []byte(fmt.Sprintf("%x\n", k)), 0o600); err != nil {
			return nil, fmt.Errorf("screen: key: %w", err)
		}
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("screen: key: %w", err)
	}
	k, err := hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(k) < 16 {
		return nil, fmt.Errorf("screen: key file %s: want at least 32 hex digits", path)
	}
	return k, nil
}

// screenAll reads every line and screens the ads on every core; emit
// receives the results one by one in input order.
// prep, if not nil, runs in the workers on each result before emit runs on
// it in input order.
func screenAll(ctx context.Context, env *environment, name string, in io.Reader, sc *screen.Screener, strict bool, prep, emit func(*adOut) error) (n, bad int, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ads := make(chan *adIn, 1024)
	readErr := make(chan error, 1)
	go func() { readErr <- readAds(ctx, name, in, ads) }()
	type job struct {
		i  int
		ad *adIn
	}
	type done struct {
		i int
		r *adOut
	}
	jobs := make(chan job, 1024)
	results := make(chan done, 1024)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				r := screenOne(sc, j.ad)
				if prep != nil {
					if err := prep(r); err != nil && r.Error == "" {
						r.Error = "encoding the result: " + err.Error()
					}
				}
				results <- done{j.i, r}
			}
		})
	}
	go func() {
		i := 0
		for ad := range ads {
			jobs <- job{i, ad}
			i++
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	tty := isTerminal(env.stderr)
	pending := map[int]*adOut{}
	next := 0
	var firstErr error
	for d := range results {
		pending[d.i] = d.r
		for r, ok := pending[next]; ok; r, ok = pending[next] {
			delete(pending, next)
			next++
			if firstErr != nil {
				continue
			}
			if r.Error != "" {
				bad++
				env.log.Warn("malformed line", "file", name, "line", r.Line, "err", r.Error)
				if strict {
					firstErr = fmt.Errorf("%s: line %d: %s", name, r.Line, r.Error)
					cancel()
					continue
				}
			}
			if err := emit(r); err != nil {
				firstErr = fmt.Errorf("screen: %w", err)
				cancel()
				continue
			}
			n++
			if tty && n%10000 == 0 {
				fmt.Fprintf(env.stderr, "\r%d ads", n)
			}
		}
	}
	if tty {
		fmt.Fprint(env.stderr, "\r\033[K")
	}
	if rerr := <-readErr; rerr != nil && firstErr == nil && !errors.Is(rerr, context.Canceled) {
		firstErr = rerr
	}
	if firstErr != nil {
		return n, bad, firstErr
	}
	return n, bad, ctx.Err()
}

// storedClusters is what the database keeps of the clusters: no template
// (ad text, which can hold a contact), contacts as tokens.
func storedClusters(batch string, cl []similar.Cluster) []store.AdCluster {
	out := make([]store.AdCluster, 0, len(cl))
	for _, c := range cl {
		sc := store.AdCluster{Batch: batch, ID: c.ID, Size: c.Size, Cities: c.Cities,
			TemplateEdges: c.Edges.Template, ContactEdges: c.Edges.Contact}
		if !c.First.IsZero() {
			sc.First, sc.Last = c.First.Format(time.DateOnly), c.Last.Format(time.DateOnly)
		}
		for _, t := range c.SharedTokens {
			sc.SharedTokens = append(sc.SharedTokens, t.Token)
		}
		out = append(out, sc)
	}
	return out
}

// nationalLine is the Línea Nacional contra la Trata de Personas.
const nationalLine = "800 5533 000"

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ", ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// stored is what the database keeps of a screened ad.
func (r *adOut) stored(batch string) store.ScreenedAd {
	a := store.ScreenedAd{ExtID: *r.ID, Source: "cli", Batch: batch, ScreenedAt: time.Now(), Tier: r.Tier, Risk: *r.Risk,
		City: r.city, RulesVersion: r.rulesVersion, ModelVersion: r.modelVersion}
	if !r.posted.IsZero() {
		a.PostedAt = r.posted.Format(time.DateOnly)
	}
	for _, f := range r.Flags {
		a.Flags = append(a.Flags, f.ID)
	}
	for _, id := range r.Identifiers {
		a.Identifiers = append(a.Identifiers, store.AdIdentifier{Kind: id.Kind, Token: id.Token, Last4: id.Last4})
	}
	return a
}

func screenOne(sc *screen.Screener, ad *adIn) *adOut {
	out := &adOut{Line: ad.line, Flags: []screen.Flag{}, Phrases: []screen.Phrase{}, Identifiers: []screen.Identifier{}, Reasons: []string{}}
	if ad.err != nil {
		out.Error = ad.err.Error()
		if ad.ID != "" {
			out.ID = &ad.ID
		}
		return out
	}
	res := sc.Screen(ad.Text)
	id := ad.ID
	out.ID, out.Tier, out.Risk = &id, res.Tier, &res.Risk
	if res.Flags != nil {
		out.Flags = res.Flags
	}
	if res.Phrases != nil {
		out.Phrases = res.Phrases
	}
	if res.Identifiers != nil {
		out.Identifiers = res.Identifiers
	}
	if res.Reasons != nil {
		out.Reasons = res.Reasons
	}
	out.folded, out.tokens, out.city = res.Folded, res.Tokens(), ad.City
	out.rulesVersion, out.modelVersion = res.RulesVersion, res.ModelVersion
	if t, err := time.Parse(time.RFC3339, ad.PostedAt); err == nil {
		out.posted = t
	} else if t, err := time.Parse(time.DateOnly, ad.PostedAt); err == nil {
		out.posted = t
	}
	return out
}

// readAds sends one adIn per input line (CSV records may span lines; their
// first line is the one reported). The format is JSONL when the first
// non-blank byte is '{', else CSV with a header.
func readAds(ctx context.Context, name string, in io.Reader, out chan<- *adIn) error {
	defer close(out)
	br := bufio.NewReaderSize(in, 1<<20)
	head, _ := br.Peek(512)
	if bytes.IndexByte(head, 0) >= 0 {
		return fmt.Errorf("%s: binary data, not JSONL or CSV", name)
	}
	if first := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(first) > 0 && first[0] == '{' {
		return readJSONL(ctx, name, br, out)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return fmt.Errorf("%s: empty input", name)
	}
	return readCSVAds(ctx, name, br, out)
}

func readJSONL(ctx context.Context, name string, br *bufio.Reader, out chan<- *adIn) error {
	line := 0
	var buf []byte
	for {
		// A line longer than maxAdBytes is not an ad: it becomes an error
		// line with its number, its bytes are skipped, and the run goes on
		// (bufio.Scanner would stop the whole file there).
		b, tooLong, err := readLine(br, buf[:0], maxAdBytes)
		buf = b
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: after line %d: %w", name, line, err)
		}
		if len(b) == 0 && !tooLong && errors.Is(err, io.EOF) {
			return nil
		}
		line++
		var ad *adIn
		if tooLong {
			ad = &adIn{line: line, err: fmt.Errorf("line longer than %d KiB: not an ad", maxAdBytes>>10)}
		} else {
			b = bytes.TrimSpace(b)
			if len(b) == 0 {
				if errors.Is(err, io.EOF) {
					return nil
				}
				continue
			}
			ad = &adIn{}
			if err := json.Unmarshal(b, ad); err != nil {
				ad.err = fmt.Errorf("not a JSON object: %v", err)
			} else if ad.ID == "" {
				ad.err = errors.New(`field "id" is missing or empty`)
			} else if strings.TrimSpace(ad.Text) == "" {
				ad.err = errors.New(`field "text" is missing or empty`)
			}
			ad.line = line
		}
		select {
		case out <- ad:
		case <-ctx.Done():
			return ctx.Err()
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
	}
}

// readLine appends the next line of br, without its newline, to buf. If the
// line is longer than limit it returns tooLong and skips the rest of it, so
// that memory stays bounded. err is io.EOF at the end of the input (the
// last line may still be in the result).
func readLine(br *bufio.Reader, buf []byte, limit int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > limit+1 { // +1: the newline
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case err == nil:
			return bytes.TrimSuffix(buf, []byte("\n")), tooLong, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return buf, tooLong, err
		}
	}
}

func readCSVAds(ctx context.Context, name string, br *bufio.Reader, out chan<- *adIn) error {
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	hdr, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: line 1: header: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range hdr {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	ci, okID := col["id"]
	ct, okText := col["text"]
	if !okID || !okText {
		return fmt.Errorf("%s: line 1: the header needs the columns id and text (and may have posted_at, city, url)", name)
	}
	get := func(rec []string, k string) string {
		if i, ok := col[k]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line := 0
		if err == nil {
			line, _ = cr.FieldPos(0) // FieldPos panics after a failed read
		}
		ad := &adIn{line: line}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			ad.line, ad.err = pe.StartLine, fmt.Errorf("malformed CSV: %v", pe.Err)
		case err != nil:
			return fmt.Errorf("%s: after line %d: %w", name, line, err)
		case len(rec) != len(hdr):
			ad.err = fmt.Errorf("%d fields; the header has %d", len(rec), len(hdr))
		default:
			ad.ID, ad.Text = rec[ci], rec[ct]
			ad.PostedAt, ad.City, ad.URL = get(rec, "posted_at"), get(rec, "city"), get(rec, "url")
			if ad.ID == "" {
				ad.err = errors.New(`field "id" is empty`)
			} else if len(ad.Text) > maxAdBytes {
				ad.err = fmt.Errorf(`field "text" is longer than %d KiB`, maxAdBytes>>10)
			}
		}
		select {
		case out <- ad:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
