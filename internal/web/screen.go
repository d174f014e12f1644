package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/store"
)

// Limits of the public check and the screening API.
const (
	maxFormText   = 20 << 10 // an ad pasted into the form
	maxAPIText    = 64 << 10 // one ad in the API
	maxAPIBody    = 1 << 20  // a batch request
	maxAPIBatch   = 100      // ads in one batch request
	ratePerMinute = 60       // screenings per client per minute
	maxClients    = 100_000  // buckets kept before the limiter starts over
)

// limiter is a token bucket per client. Clients are keyed by an HMAC of
// their address under a key that changes every day, so the map holds no
// address and yesterday's keys cannot be linked to today's.
type limiter struct {
	mu      sync.Mutex
	day     string
	key     []byte
	buckets map[string]*bucket
	now     func() time.Time
	rate    float64
	// trustProxy takes the client from X-Forwarded-For (see clientAddr).
	trustProxy bool
}

// clientAddr is who a request comes from, for rate limits: the connection's
// address, or, behind a trusted reverse proxy, the last address in
// X-Forwarded-For (the one that proxy appended; earlier ones are the
// client's to forge). An IPv6 address counts by its /64, which one
// subscriber usually holds whole.
func clientAddr(r *http.Request, trustProxy bool) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if h := strings.TrimSpace(parts[len(parts)-1]); h != "" {
				host = h
			}
		}
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is6() && !ip.Is4In6() {
		if p, err := ip.Prefix(64); err == nil {
			return p.String()
		}
	}
	return host
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(now func() time.Time) *limiter { return newLimiterRate(now, ratePerMinute) }

// newLimiterRate is a limiter allowing perMinute requests a minute.
func newLimiterRate(now func() time.Time, perMinute float64) *limiter {
	return &limiter{buckets: map[string]*bucket{}, now: now, rate: perMinute}
}

// allow takes n tokens for the client of r.
func (l *limiter) allow(r *http.Request, n int) bool {
	host := clientAddr(r, l.trustProxy)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if d := now.UTC().Format(time.DateOnly); d != l.day {
		l.day, l.key, l.buckets = d, make([]byte, 32), map[string]*bucket{}
		rand.Read(l.key)
	}
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(host))
	k := hex.EncodeToString(m.Sum(nil)[:16])
	b, ok := l.buckets[k]
	if !ok && len(l.buckets) >= maxClients {
		// Many addresses in one day (a scan, a botnet): start over rather
		// than grow without bound; the limit is a courtesy, not a wall.
		l.buckets = map[string]*bucket{}
	}
	if !ok {
		b = &bucket{tokens: l.rate, last: now}
		l.buckets[k] = b
	}
	b.tokens = min(l.rate, b.tokens+now.Sub(b.last).Minutes()*l.rate)
	b.last = now
	if b.tokens < float64(n) {
		return false
	}
	b.tokens -= float64(n)
	return true
}

type checkData struct {
	Text    string
	Verdict *verdict
	Shared  bool
	Error   string
	// CanReport: the hotline's form is mounted, so the verdict offers
	// "Reportar esta oferta".
	CanReport bool
	// Checked is the list of red flags looked for, shown with a verdict.
	Checked []string
}

// check is the public page "¿Es real esta oferta de trabajo?". It is never
// cached: what a person pastes is theirs.
func (s *Server) check(w http.ResponseWriter, r *http.Request) {
	l := locale.FromRequest(r)
	w.Header().Set("Cache-Control", "no-store")
	d := checkData{CanReport: s.hot != nil && s.hot.Intake}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormText*4)
		if err := r.ParseForm(); err != nil {
			d.Error, status = locale.T(l, "check.toolong"), http.StatusRequestEntityTooLarge
		} else {
			d.Text = r.PostForm.Get("texto")
			d.Shared = r.PostForm.Get("compartir") == "si"
			switch {
			case strings.TrimSpace(d.Text) == "":
				d.Error, status = locale.T(l, "check.empty"), http.StatusBadRequest
			case len(d.Text) > maxFormText || !utf8.ValidString(d.Text):
				d.Error, status = locale.T(l, "check.toolong"), http.StatusRequestEntityTooLarge
			case !s.limits.allow(r, 1):
				d.Error, status = locale.T(l, "check.ratelimited"), http.StatusTooManyRequests
			default:
				res := s.screener.Screen(d.Text)
				d.Verdict = buildVerdict(l, d.Text, res)
				d.Checked = checkedFlags(l)
				if d.Shared {
					if err := s.saveScreened(r, "public", []screenedAd{{ext: "public", res: res}}); err != nil {
						s.log.Error("saving a shared ad", "err", err)
					}
				}
			}
		}
	}
	body, err := s.render(r, l, &view{Template: "check", Title: locale.T(l, "check.title"), Data: d})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

type screenedAd struct {
	ext, city, posted string
	res               screen.Result
}

// saveScreened keeps flags, score and contact tokens, never the text, and
// the caller's id of each ad only as a keyed hash (Screener.ExternalID).
func (s *Server) saveScreened(r *http.Request, source string, ads []screenedAd) error {
	batch := time.Now().UTC().Format("20060102T150405")
	var out []store.ScreenedAd
	for _, a := range ads {
		sa := store.ScreenedAd{ExtID: s.screener.ExternalID(a.ext), Source: source, Batch: batch, ScreenedAt: time.Now(), Tier: a.res.Tier, Risk: a.res.Risk,
			City: a.city, PostedAt: a.posted, RulesVersion: a.res.RulesVersion, ModelVersion: a.res.ModelVersion}
		for _, f := range a.res.Flags {
			sa.Flags = append(sa.Flags, f.ID)
		}
		for _, id := range a.res.Identifiers {
			sa.Identifiers = append(sa.Identifiers, store.AdIdentifier{Kind: id.Kind, Token: id.Token, Last4: id.Last4})
		}
		out = append(out, sa)
	}
	return s.store.SaveAds(r.Context(), out)
}

// ScreenRequest is the body of POST /api/v1/screen: one ad, or a batch.
type ScreenRequest struct {
	ID    string     `json:"id,omitempty"`
	Text  string     `json:"text,omitempty"`
	City  string     `json:"city,omitempty"`
	Ads   []ScreenAd `json:"ads,omitempty"`
	Store bool       `json:"store,omitempty"` // keep flags and contact tokens (never the text)
}

// ScreenAd is one ad of a batch.
type ScreenAd struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	City     string `json:"city,omitempty"`
	PostedAt string `json:"posted_at,omitempty"`
}

// ScreenResponse is one screened ad.
type ScreenResponse struct {
	ID string `json:"id"`
	screen.Result
}

func (s *Server) apiScreen(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fail := func(status int, msg string) {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
	}
	// Only JSON. A page on another site can make a visitor's browser post
	// text/plain (a "simple" request, no CORS preflight) whose body is
	// JSON; refusing every other type keeps such pages from spending the
	// visitor's rate limit or using the server as their screener. A JSON
	// post from another origin needs a preflight, which is not granted.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		fail(http.StatusUnsupportedMediaType, "send Content-Type: application/json")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	var req ScreenRequest
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", maxAPIBody))
			return
		}
		fail(http.StatusBadRequest, "body: "+err.Error())
		return
	}
	if dec.More() {
		fail(http.StatusBadRequest, "body: one JSON object expected")
		return
	}
	ads := req.Ads
	single := len(ads) == 0
	if single {
		ads = []ScreenAd{{ID: req.ID, Text: req.Text, City: req.City}}
	}
	if len(ads) > maxAPIBatch {
		fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("at most %d ads per request", maxAPIBatch))
		return
	}
	for i, a := range ads {
		switch {
		case strings.TrimSpace(a.Text) == "":
			fail(http.StatusBadRequest, fmt.Sprintf("ad %d: text is empty", i))
			return
		case len(a.Text) > maxAPIText:
			fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("ad %d: text longer than %d bytes", i, maxAPIText))
			return
		case !utf8.ValidString(a.Text):
			fail(http.StatusBadRequest, fmt.Sprintf("ad %d: text is not UTF-8", i))
			return
		}
	}
	if !s.limits.allow(r, len(ads)) {
		w.Header().Set("Retry-After", "60")
		fail(http.StatusTooManyRequests, fmt.Sprintf("rate limit: %d ads per minute", ratePerMinute))
		return
	}
	var out []ScreenResponse
	var keep []screenedAd
	for _, a := range ads {
		res := s.screener.Screen(a.Text)
		out = append(out, ScreenResponse{ID: a.ID, Result: res})
		keep = append(keep, screenedAd{ext: a.ID, city: a.City, posted: a.PostedAt, res: res})
	}
	if req.Store {
		if err := s.saveScreened(r, "api", keep); err != nil {
			s.log.Error("saving screened ads", "err", err)
			fail(http.StatusInternalServerError, "could not store the results")
			return
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if single {
		enc.Encode(out[0])
		return
	}
	enc.Encode(map[string]any{"results": out})
}
