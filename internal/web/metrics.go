package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// metrics is a small Prometheus exposition of request counts and latency;
// a client library would be the only dependency for a dozen lines.
type metrics struct {
	mu      sync.Mutex
	counts  map[[2]string]uint64 // route, status
	buckets map[string][]uint64  // route → cumulative counts per bound
	sums    map[string]float64
	totals  map[string]uint64
	started time.Time
}

var bounds = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

func newMetrics() *metrics {
	return &metrics{counts: map[[2]string]uint64{}, buckets: map[string][]uint64{}, sums: map[string]float64{}, totals: map[string]uint64{}, started: time.Now()}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[[2]string{route, fmt.Sprint(status)}]++
	b := m.buckets[route]
	if b == nil {
		b = make([]uint64, len(bounds))
		m.buckets[route] = b
	}
	for i, ub := range bounds {
		if sec <= ub {
			b[i]++
		}
	}
	m.sums[route] += sec
	m.totals[route]++
}

func (m *metrics) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP vigia_http_requests_total HTTP requests by route and status.")
	fmt.Fprintln(w, "# TYPE vigia_http_requests_total counter")
	keys := make([][2]string, 0, len(m.counts))
	for k := range m.counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int {
		if a[0] != b[0] {
			return strings.Compare(a[0], b[0])
		}
		return strings.Compare(a[1], b[1])
	})
	for _, k := range keys {
		fmt.Fprintf(w, "vigia_http_requests_total{route=%q,status=%q} %d\n", k[0], k[1], m.counts[k])
	}
	fmt.Fprintln(w, "# HELP vigia_http_request_duration_seconds Time to answer a request.")
	fmt.Fprintln(w, "# TYPE vigia_http_request_duration_seconds histogram")
	routes := make([]string, 0, len(m.totals))
	for r := range m.totals {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	for _, r := range routes {
		for i, ub := range bounds {
			fmt.Fprintf(w, "vigia_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", r, ub, m.buckets[r][i])
		}
		fmt.Fprintf(w, "vigia_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, m.totals[r])
		fmt.Fprintf(w, "vigia_http_request_duration_seconds_sum{route=%q} %g\n", r, m.sums[r])
		fmt.Fprintf(w, "vigia_http_request_duration_seconds_count{route=%q} %d\n", r, m.totals[r])
	}
	fmt.Fprintln(w, "# HELP vigia_uptime_seconds Seconds since the server started.")
	fmt.Fprintln(w, "# TYPE vigia_uptime_seconds gauge")
	fmt.Fprintf(w, "vigia_uptime_seconds %g\n", time.Since(m.started).Seconds())
}
