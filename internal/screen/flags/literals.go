package flags

import "sync"

// One pass of an Aho–Corasick automaton finds every literal that any rule
// needs (its prefilter literals and the words its matches can start with),
// instead of a strings.Index per literal per rule: with ~240 rules that was
// a third of the time of screening an ad.

// literals is the automaton over the literals of a rule set. Edges are kept
// sorted per state (a complete 256-way table per state would take ~100 MB
// for the ~100,000 states of the rules' literals); the root alone has a
// full table, since most bytes of a text leave the automaton there.
type literals struct {
	ids   map[string]int32
	lens  []int32
	root  [256]int32
	edges []int32 // per state: offsets into eb/et, edges[s]..edges[s+1]
	eb    []byte
	et    []int32
	fail  []int32
	// outIDs[outAt[st]:outAt[st+1]] are the literal ids ending at state st,
	// suffix outputs included, longest first.
	outAt  []int32
	outIDs []int32
	dense  []int32 // dense[st<<8|c]: step(st, c) for st < k
	k      int

	// pool keeps scan results for reuse: one per literal id is ~100 KB to
	// allocate and clear per ad, more than the scan itself.
	pool sync.Pool
}

func newLiterals() *literals { return &literals{ids: map[string]int32{}} }

// add registers a literal and returns its id.
func (l *literals) add(s string) int32 {
	if id, ok := l.ids[s]; ok {
		return id
	}
	id := int32(len(l.lens))
	l.ids[s] = id
	l.lens = append(l.lens, int32(len(s)))
	return id
}

// build makes the automaton; call it after the last add.
func (l *literals) build() {
	// The trie, with a map per state while it is built.
	next := []map[byte]int32{{}}
	var outs [][]int32 = [][]int32{nil}
	for s, id := range l.ids {
		cur := int32(0)
		for i := 0; i < len(s); i++ {
			n, ok := next[cur][s[i]]
			if !ok {
				n = int32(len(next))
				next = append(next, map[byte]int32{})
				outs = append(outs, nil)
				next[cur][s[i]] = n
			}
			cur = n
		}
		outs[cur] = append(outs[cur], id)
	}
	// Number the states breadth first, so that the shallow states, where
	// a scan spends most of its time, are the lowest ids and get the dense
	// table below.
	{
		order := make([]int32, 0, len(next))
		order = append(order, 0)
		for k := 0; k < len(order); k++ {
			m := next[order[k]]
			bs := make([]byte, 0, len(m))
			for b := range m {
				bs = append(bs, b)
			}
			sortBytes(bs)
			for _, b := range bs {
				order = append(order, m[b])
			}
		}
		perm := make([]int32, len(next))
		for nw, old := range order {
			perm[old] = int32(nw)
		}
		next2 := make([]map[byte]int32, len(next))
		outs2 := make([][]int32, len(next))
		for old, m := range next {
			for b, v := range m {
				m[b] = perm[v]
			}
			next2[perm[old]] = m
			outs2[perm[old]] = outs[old]
		}
		next, outs = next2, outs2
	}
	// Flatten the edges, sorted by byte.
	l.edges = make([]int32, len(next)+1)
	for st, m := range next {
		l.edges[st] = int32(len(l.eb))
		bs := make([]byte, 0, len(m))
		for b := range m {
			bs = append(bs, b)
		}
		sortBytes(bs)
		for _, b := range bs {
			l.eb = append(l.eb, b)
			l.et = append(l.et, m[b])
		}
	}
	l.edges[len(next)] = int32(len(l.eb))
	for c := range l.root {
		if n, ok := next[0][byte(c)]; ok {
			l.root[c] = n
		}
	}
	// Failure links, breadth first, so a state's link is final before its
	// children need it.
	l.fail = make([]int32, len(next))
	queue := make([]int32, 0, len(next))
	for _, n := range next[0] {
		queue = append(queue, n)
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		outs[u] = append(outs[u], outs[l.fail[u]]...)
		for b, v := range next[u] {
			l.fail[v] = l.stepSparse(l.fail[u], b)
			queue = append(queue, v)
		}
	}
	// Flattened outputs: ids of state st are outIDs[outAt[st]:outAt[st+1]].
	l.outAt = make([]int32, len(outs)+1)
	for st, o := range outs {
		l.outAt[st] = int32(len(l.outIDs))
		l.outIDs = append(l.outIDs, o...)
	}
	l.outAt[len(outs)] = int32(len(l.outIDs))
	// The complete transition table (failure links resolved) of the first
	// denseStates states.
	l.k = min(len(next), denseStates)
	l.dense = make([]int32, l.k*256)
	for st := range l.k {
		for c := range 256 {
			l.dense[st<<8|c] = l.stepSparse(int32(st), byte(c))
		}
	}
}

// denseStates is how many states (breadth first) have a complete 256-way
// transition row: 1 KiB each.
const denseStates = 256

// step is the transition from state st on byte c, following failure links.
func (l *literals) step(st int32, c byte) int32 {
	for int(st) >= l.k {
		lo, hi := l.edges[st], l.edges[st+1]
		for lo < hi {
			m := (lo + hi) / 2
			switch {
			case l.eb[m] < c:
				lo = m + 1
			case l.eb[m] > c:
				hi = m
			default:
				return l.et[m]
			}
		}
		st = l.fail[st]
	}
	return l.dense[int(st)<<8|int(c)]
}

// stepSparse is step without the dense table (which it builds).
func (l *literals) stepSparse(st int32, c byte) int32 {
	for st != 0 {
		lo, hi := l.edges[st], l.edges[st+1]
		for lo < hi {
			m := (lo + hi) / 2
			switch {
			case l.eb[m] < c:
				lo = m + 1
			case l.eb[m] > c:
				hi = m
			default:
				return l.et[m]
			}
		}
		st = l.fail[st]
	}
	return l.root[c]
}

func sortBytes(b []byte) {
	for i := 1; i < len(b); i++ {
		for j := i; j > 0 && b[j] < b[j-1]; j-- {
			b[j], b[j-1] = b[j-1], b[j]
		}
	}
}

// occurrences are where each literal occurs in one text.
type occurrences struct {
	starts  [][]int32 // per literal id, ascending start offsets; empty when absent
	present []uint64  // bit id: starts[id] is not empty (a few cache lines to test, not 24 bytes per id)
	touched []int32   // the ids with a non-empty starts, for release
	pool    *sync.Pool
}

// scan finds every occurrence of every literal in s. The caller may hand
// the result back with release once done with it.
func (l *literals) scan(s string) *occurrences {
	o, _ := l.pool.Get().(*occurrences)
	if o == nil {
		o = &occurrences{starts: make([][]int32, len(l.lens)), present: make([]uint64, (len(l.lens)+63)/64), pool: &l.pool}
	}
	state := int32(0)
	dense, k := l.dense, int32(l.k)
	for i := 0; i < len(s); i++ {
		if state < k {
			state = dense[int(state)<<8|int(s[i])]
		} else {
			state = l.step(state, s[i])
		}
		a, b := l.outAt[state], l.outAt[state+1]
		if a == b {
			continue
		}
		for _, id := range l.outIDs[a:b] {
			if len(o.starts[id]) == 0 {
				o.touched = append(o.touched, id)
				o.present[id>>6] |= 1 << (id & 63)
			}
			o.starts[id] = append(o.starts[id], int32(i+1)-l.lens[id])
		}
	}
	// Outputs at one state come longest first, so a literal's starts are
	// appended in ascending order already.
	return o
}

// release empties o and keeps it for the next scan; o must not be used
// after.
func (o *occurrences) release() {
	for _, id := range o.touched {
		o.starts[id] = o.starts[id][:0]
		o.present[id>>6] = 0
	}
	o.touched = o.touched[:0]
	o.pool.Put(o)
}

func (o *occurrences) has(id int32) bool { return o.present[id>>6]&(1<<(id&63)) != 0 }

// next returns the first occurrence of any of ids at or after from, or -1.
func (o *occurrences) next(ids []int32, from int) int {
	best := -1
	for _, id := range ids {
		if !o.has(id) {
			continue
		}
		st := o.starts[id]
		if int(st[len(st)-1]) < from {
			continue
		}
		// The first start >= from: a literal occurs a few times in an ad,
		// so a linear search, binary beyond that.
		lo := 0
		if len(st) <= 8 {
			for int(st[lo]) < from {
				lo++
			}
		} else {
			hi := len(st)
			for lo < hi {
				m := (lo + hi) / 2
				if int(st[m]) < from {
					lo = m + 1
				} else {
					hi = m
				}
			}
		}
		if best < 0 || int(st[lo]) < best {
			best = int(st[lo])
		}
	}
	return best
}
