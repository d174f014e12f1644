package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

// account is a console account made by `vigia staff add` for the test.
type account struct {
	user, password, secret string
}

// readAccounts reads "user password secret" lines (run.sh writes them,
// 0600, next to the test database).
func readAccounts(path string) ([]account, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []account
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 {
			continue
		}
		out = append(out, account{fs[0], fs[1], fs[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no accounts", path)
	}
	return out, nil
}

// totp is RFC 6238 as the console checks it: HMAC-SHA1 over the 30-second
// step, dynamic truncation (RFC 4226 §5.3), six digits. It is written here
// rather than imported so that the test checks the server against the RFC,
// not against itself.
func totp(secret string, t time.Time) (string, error) {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(strings.ToUpper(secret), "="))
	if err != nil {
		return "", fmt.Errorf("TOTP secret: %w", err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	code := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", code%1_000_000), nil
}

// staffClient is one person's browser: its own cookie jar, and redirects
// not followed, so that each request is timed on its own.
func staffClient(tr http.RoundTripper) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Timeout: 30 * time.Second, Transport: tr, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var errGaveUp = errors.New("gave up signing in")

// signIn posts the password and a fresh TOTP code. A 503 (too many
// password hashes at once) is retried after a pause; a 401 waits for the
// next 30-second step, since a code may be used once only and this
// account's may have been spent by an earlier try. Bounded: 12 tries.
func signIn(ctx context.Context, c *http.Client, base string, a account, rec *recorder, r *rand.Rand) error {
	for try := 0; try < 12 && ctx.Err() == nil; try++ {
		code, err := totp(a.secret, time.Now())
		if err != nil {
			return err
		}
		form := url.Values{"usuario": {a.user}, "contrasena": {a.password}, "codigo": {code}}
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/consola/entrar", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		t0 := time.Now()
		resp, err := c.Do(req)
		d := time.Since(t0)
		if err != nil {
			rec.bad("login", 0)
			sleep(ctx, time.Second)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/consola"):
			rec.ok("login", d)
			return nil
		case resp.StatusCode == http.StatusServiceUnavailable:
			rec.bad("login", resp.StatusCode)
			sleep(ctx, time.Second+time.Duration(r.Int64N(int64(2*time.Second))))
		default:
			rec.bad("login", resp.StatusCode)
			next := time.Unix((time.Now().Unix()/30+1)*30, 0)
			sleep(ctx, time.Until(next)+100*time.Millisecond)
		}
	}
	return errGaveUp
}

var (
	reportLink = regexp.MustCompile(`href="/consola/reportes/(\d+)`)
	caseLink   = regexp.MustCompile(`href="/consola/casos/(\d+)`)
	csrfField  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// get fetches a console page; it returns the body of a 200, and
// signedOut when the session is gone (a redirect to the sign-in page).
func get(ctx context.Context, c *http.Client, base, path, kind string, rec *recorder) (body string, signedOut bool) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			rec.bad(kind, 0)
			sleep(ctx, 200*time.Millisecond)
		}
		return "", false
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	d := time.Since(t0)
	if resp.StatusCode == http.StatusSeeOther && strings.Contains(resp.Header.Get("Location"), "/consola/entrar") {
		rec.bad(kind, resp.StatusCode)
		return "", true
	}
	if resp.StatusCode != http.StatusOK || err != nil {
		rec.bad(kind, resp.StatusCode)
		return "", false
	}
	rec.ok(kind, d)
	return string(b), false
}

func ids(re *regexp.Regexp, body string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// reader is one member of staff at work: sign in, then over and over the
// queue, one of its reports and one case, pausing between pages.
func reader(ctx context.Context, tr http.RoundTripper, base string, a account, think time.Duration, maxRounds int, rec *recorder, r *rand.Rand) {
	c := staffClient(tr)
	pause := func() { sleep(ctx, think/2+time.Duration(r.Int64N(int64(think)+1))) }
	signedIn := false
	for round := 0; round < maxRounds && ctx.Err() == nil; round++ {
		if !signedIn {
			if err := signIn(ctx, c, base, a, rec, r); err != nil {
				return
			}
			signedIn = true
		}
		body, out := get(ctx, c, base, "/consola", "queue", rec)
		if out {
			signedIn = false
			continue
		}
		reports, cases := ids(reportLink, body), ids(caseLink, body)
		pause()
		if len(reports) > 0 {
			if _, out := get(ctx, c, base, "/consola/reportes/"+reports[r.IntN(len(reports))], "report_page", rec); out {
				signedIn = false
				continue
			}
			pause()
		}
		if len(cases) > 0 {
			if _, out := get(ctx, c, base, "/consola/casos/"+cases[r.IntN(len(cases))], "case_page", rec); out {
				signedIn = false
				continue
			}
			pause()
		}
	}
}

// openCases signs in as a and opens a case from each of the first n
// reports in the queue, so that the readers have case pages to read.
func openCases(ctx context.Context, tr http.RoundTripper, base string, a account, n int) (int, error) {
	rec := newRecorder()
	c := staffClient(tr)
	r := rand.New(rand.NewPCG(1, 2))
	if err := signIn(ctx, c, base, a, rec, r); err != nil {
		return 0, err
	}
	body, _ := get(ctx, c, base, "/consola", "queue", rec)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		return 0, errors.New("no CSRF token on the console's home page")
	}
	opened := 0
	for _, id := range ids(reportLink, body) {
		if opened == n {
			break
		}
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/consola/reportes/"+id+"/caso", strings.NewReader(url.Values{"csrf": {m[1]}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			return opened, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/consola/casos/") {
			return opened, fmt.Errorf("opening a case from report %s: status %d", id, resp.StatusCode)
		}
		opened++
	}
	return opened, nil
}

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
