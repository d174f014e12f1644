package web

// How current the data are (issue 11): the home page and /datos name the
// newest release held and the last month it covers and, when that month
// ended long ago, say that SESNSP has published newer releases and how an
// operator imports them. The 2026 RNID break is explained next to every
// monthly chart that crosses it.

import (
	"context"
	"net/url"
	"time"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

// staleAfter is how long after the end of the last month held the data
// count as behind. SESNSP publishes each month around the 20th of the next
// one, so 45 days means at least one release has come out since.
const staleAfter = 45 * 24 * time.Hour

// freshness is what the pages say about how current the data are.
type freshness struct {
	Vintage string // newest release held, "mar2026"
	Last    string // last month any release covers, "2026-03"
	Stale   bool
	// DaysBehind counts from the end of Last to today.
	DaysBehind int
}

// newFreshness looks at the releases held as of now (the request time).
func newFreshness(rels []store.Release, now time.Time) freshness {
	var f freshness
	var newest, last sesnsp.YM
	for _, r := range rels {
		if r.Cutoff > newest {
			newest, f.Vintage = r.Cutoff, r.Vintage
		}
		// A month after the cut-off is unpublished whatever the file holds.
		if l := min(r.Last, r.Cutoff); l > last {
			last = l
		}
	}
	if last == 0 {
		return freshness{}
	}
	f.Last = last.String()
	end := time.Date(last.Year(), time.Month(last.Month())+1, 1, 0, 0, 0, 0, time.UTC)
	behind := now.Sub(end)
	f.DaysBehind = max(0, int(behind/(24*time.Hour)))
	f.Stale = behind > staleAfter
	return f
}

// pageDay is the day pages are rendered for: a page that says how far
// behind today the data are is cached (and its ETag valid) for that day.
func (s *Server) pageDay() string { return s.now().UTC().Format(time.DateOnly) }

// loadFreshness is newFreshness over the releases held, at the request time.
func (s *Server) loadFreshness(ctx context.Context) (freshness, error) {
	rels, err := s.store.Releases(ctx)
	if err != nil {
		return freshness{}, err
	}
	return newFreshness(rels, s.now()), nil
}

// rnidNote is the text beside a monthly chart whose series cross January
// 2026, when SESNSP changed its methodology (RNID): which measure, if any,
// is comparable across the break, with a link to it.
type rnidNote struct {
	Text     string
	Href     string // the comparable series of this page, when there is one
	LinkText string
}

var rnidStart = sesnsp.MakeYM(2026, 1)

// crossesRNID reports whether any series holds months on both sides of
// January 2026.
func crossesRNID(sers []*brief.Series) bool {
	for _, s := range sers {
		if s != nil && s.Last() >= rnidStart {
			return true
		}
	}
	return false
}

// newRNIDNote explains the break for measure m on the page at path (its
// query q keeps the reader's other choices in the link).
func newRNIDNote(l locale.Lang, m sesnsp.Measure, path string, q url.Values) *rnidNote {
	switch m.ID {
	case "trata":
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("medida", "comparable")
		v.Set("lang", string(l))
		return &rnidNote{Text: locale.T(l, "rnid.note.trata"), Href: path + "?" + v.Encode(), LinkText: locale.T(l, "rnid.note.link")}
	case "comparable":
		return &rnidNote{Text: locale.T(l, "rnid.note.comparable")}
	default:
		return &rnidNote{Text: locale.T(l, "rnid.note.none")}
	}
}
