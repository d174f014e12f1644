package flags

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
	out   [][]int32 // literal ids ending at each state, suffix outputs included
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
			l.fail[v] = l.step(l.fail[u], b)
			queue = append(queue, v)
		}
	}
	l.out = outs
}

// step is the transition from state st on byte c, following failure links.
func (l *literals) step(st int32, c byte) int32 {
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
	starts [][]int32 // per literal id, ascending start offsets; nil when absent
}

// scan finds every occurrence of every literal in s.
func (l *literals) scan(s string) *occurrences {
	o := &occurrences{starts: make([][]int32, len(l.lens))}
	state := int32(0)
	for i := 0; i < len(s); i++ {
		state = l.step(state, s[i])
		for _, id := range l.out[state] {
			o.starts[id] = append(o.starts[id], int32(i+1)-l.lens[id])
		}
	}
	// Outputs at one state come longest first, so a literal's starts are
	// appended in ascending order already.
	return o
}

func (o *occurrences) has(id int32) bool { return len(o.starts[id]) > 0 }

// next returns the first occurrence of any of ids at or after from, or -1.
func (o *occurrences) next(ids []int32, from int) int {
	best := -1
	for _, id := range ids {
		st := o.starts[id]
		// Binary search for the first start >= from.
		lo, hi := 0, len(st)
		for lo < hi {
			m := (lo + hi) / 2
			if int(st[m]) < from {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < len(st) && (best < 0 || int(st[lo]) < best) {
			best = int(st[lo])
		}
	}
	return best
}
