package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// recorder keeps the latency of every answered request by kind, and counts
// the answers that were not the expected one.
type recorder struct {
	mu sync.Mutex
	m  map[string]*series
}

type series struct {
	ok     []time.Duration
	status map[int]int // unexpected status codes
	neterr int         // no answer at all (refused, reset, timeout)
}

func newRecorder() *recorder { return &recorder{m: map[string]*series{}} }

func (r *recorder) get(kind string) *series {
	s := r.m[kind]
	if s == nil {
		s = &series{status: map[int]int{}}
		r.m[kind] = s
	}
	return s
}

// ok records an expected answer and how long it took.
func (r *recorder) ok(kind string, d time.Duration) {
	r.mu.Lock()
	r.get(kind).ok = append(r.get(kind).ok, d)
	r.mu.Unlock()
}

// bad records an unexpected status (0: no answer).
func (r *recorder) bad(kind string, status int) {
	r.mu.Lock()
	s := r.get(kind)
	if status == 0 {
		s.neterr++
	} else {
		s.status[status]++
	}
	r.mu.Unlock()
}

func (r *recorder) count(kind string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.m[kind]; s != nil {
		return len(s.ok)
	}
	return 0
}

// failed counts the unexpected answers of every kind, leaving out no
// answer at all (expected while the server is being killed) and 503 with
// Retry-After (a bounded refusal, not a failure).
func (r *recorder) failed() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.m {
		for st, c := range s.status {
			if st != 503 {
				n += c
			}
		}
	}
	return n
}

// print writes one line per kind: count, rate, p50, p90, p99, max and the
// unexpected answers.
func (r *recorder) print(w io.Writer, el time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	kinds := make([]string, 0, len(r.m))
	for k := range r.m {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "%-13s %8s %8s %9s %9s %9s %9s  %s\n", "kind", "ok", "rate/s", "p50", "p90", "p99", "max", "other answers")
	for _, k := range kinds {
		s := r.m[k]
		lat := s.ok
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		q := func(p float64) string {
			if len(lat) == 0 {
				return "-"
			}
			return fmtDur(lat[min(len(lat)-1, int(p*float64(len(lat))))])
		}
		var other []string
		codes := make([]int, 0, len(s.status))
		for c := range s.status {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			other = append(other, fmt.Sprintf("%d×%d", s.status[c], c))
		}
		if s.neterr > 0 {
			other = append(other, fmt.Sprintf("%d×no-answer", s.neterr))
		}
		if len(other) == 0 {
			other = []string{"none"}
		}
		fmt.Fprintf(w, "%-13s %8d %8.1f %9s %9s %9s %9s  %s\n", k, len(lat), float64(len(lat))/el.Seconds(), q(.5), q(.9), q(.99), q(1), strings.Join(other, " "))
	}
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	default:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
}

// sampler watches the server process and the SQLite WAL while the load
// runs: /proc is read four times a second, so the sampled peaks can miss a
// spike shorter than that; VmHWM (the kernel's own peak) does not.
type sampler struct {
	pid  int
	wal  string
	stop chan struct{}
	done chan struct{}

	rssFirst           int64 // bytes
	cpuFirst, cpuLast  time.Duration
	selfFirst          time.Duration
	started            time.Time
	rssPeak, hwm       int64
	walPeak, walLast   int64
	loadFirst, loadMax float64
	loadLast           float64
	loadN              int
	loadSum            float64
}

func startSampler(ctx context.Context, pid int, wal string) *sampler {
	s := &sampler{pid: pid, wal: wal, stop: make(chan struct{}), done: make(chan struct{}), loadFirst: -1, started: time.Now(), selfFirst: selfCPU(), cpuFirst: -1}
	go func() {
		defer close(s.done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			s.sample(i%4 == 0)
			select {
			case <-t.C:
			case <-s.stop:
				s.sample(true)
				return
			case <-ctx.Done():
				s.sample(true)
				return
			}
		}
	}()
	return s
}

func (s *sampler) sample(load bool) {
	if s.pid > 0 {
		if rss, hwm, ok := procMem(s.pid); ok {
			if s.rssFirst == 0 {
				s.rssFirst = rss
			}
			s.rssPeak = max(s.rssPeak, rss)
			s.hwm = max(s.hwm, hwm)
		}
		if cpu, ok := procCPU(s.pid); ok {
			if s.cpuFirst < 0 {
				s.cpuFirst = cpu
			}
			s.cpuLast = cpu
		}
	}
	if s.wal != "" {
		if fi, err := os.Stat(s.wal); err == nil {
			s.walLast = fi.Size()
			s.walPeak = max(s.walPeak, s.walLast)
		} else {
			s.walLast = 0
		}
	}
	if load {
		if b, err := os.ReadFile("/proc/loadavg"); err == nil {
			if f, err := strconv.ParseFloat(strings.Fields(string(b))[0], 64); err == nil {
				if s.loadFirst < 0 {
					s.loadFirst = f
				}
				s.loadMax = max(s.loadMax, f)
				s.loadLast = f
				s.loadSum += f
				s.loadN++
			}
		}
	}
}

func (s *sampler) finish(w io.Writer) {
	close(s.stop)
	<-s.done
	if s.pid > 0 {
		fmt.Fprintf(w, "server pid %d: RSS %.0f MB when the load began; peak RSS (VmHWM) %.0f MB; highest sampled VmRSS %.0f MB\n", s.pid, mb(s.rssFirst), mb(s.hwm), mb(s.rssPeak))
	}
	el := time.Since(s.started)
	if s.pid > 0 && s.cpuFirst >= 0 {
		c := s.cpuLast - s.cpuFirst
		fmt.Fprintf(w, "server CPU: %.1f s user+system in %.1f s (%.0f%% of %d cores)\n", c.Seconds(), el.Seconds(), 100*c.Seconds()/el.Seconds()/float64(runtime.NumCPU()), runtime.NumCPU())
	}
	self := selfCPU() - s.selfFirst
	fmt.Fprintf(w, "load tool CPU: %.1f s user+system (%.0f%% of %d cores)\n", self.Seconds(), 100*self.Seconds()/el.Seconds()/float64(runtime.NumCPU()), runtime.NumCPU())
	if s.wal != "" {
		fmt.Fprintf(w, "SQLite WAL %s: peak %.1f MB, at the end of the load %.1f MB\n", s.wal, mb(s.walPeak), mb(s.walLast))
	}
	if s.loadN > 0 {
		fmt.Fprintf(w, "load average (1 min) during the run: %.2f at start, %.2f mean, %.2f highest, %.2f at end (%d cores)\n",
			s.loadFirst, s.loadSum/float64(s.loadN), s.loadMax, s.loadLast, runtime.NumCPU())
	}
}

func mb(b int64) float64 { return float64(b) / 1e6 }

// procMem reads VmRSS and VmHWM of a process, in bytes.
func procMem(pid int) (rss, hwm int64, ok bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, found := strings.Cut(sc.Text(), ":")
		if !found || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		fs := strings.Fields(v)
		if len(fs) == 0 {
			continue
		}
		n, err := strconv.ParseInt(fs[0], 10, 64) // kB
		if err != nil {
			continue
		}
		if k == "VmRSS" {
			rss = n << 10
		} else {
			hwm = n << 10
		}
	}
	return rss, hwm, hwm > 0
}

// procCPU reads a process's user+system time from /proc/PID/stat (fields
// 14 and 15, in clock ticks of 1/100 s: USER_HZ on Linux).
func procCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, false
	}
	fs := strings.Fields(string(b[i+1:])) // fs[0] is field 3
	if len(fs) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(fs[11], 10, 64)
	st, err2 := strconv.ParseInt(fs[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(u+st) * 10 * time.Millisecond, true
}

// selfCPU is the load tool's own user+system time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
