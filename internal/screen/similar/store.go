package similar

// arena stores many small []uint32 back to back in fixed-size chunks. One
// slice per ad would cost a 24-byte header, an allocation and a GC pointer
// each; one growing slice would copy everything (and briefly hold it twice)
// every time it doubled. Chunks are never copied.
type arena struct {
	chunks [][]uint32
}

const chunkSize = 1 << 20

// ref locates a stored run: chunk index in the high half, offset in the low.
type ref uint64

func (a *arena) put(v []uint32) ref {
	if len(v) == 0 {
		return 0
	}
	n := len(a.chunks)
	if n == 0 || len(a.chunks[n-1])+len(v) > cap(a.chunks[n-1]) {
		a.chunks = append(a.chunks, make([]uint32, 0, max(chunkSize, len(v))))
		n++
	}
	c := a.chunks[n-1]
	off := len(c)
	a.chunks[n-1] = append(c, v...)
	return ref(uint64(n-1)<<32 | uint64(off))
}

func (a *arena) get(r ref, n uint32) []uint32 {
	if n == 0 {
		return nil
	}
	c := a.chunks[r>>32]
	off := uint32(r)
	return c[off : off+n : off+n]
}

func (a *arena) bytes() int {
	s := 0
	for _, c := range a.chunks {
		s += 4 * cap(c)
	}
	return s
}

// forest is a union-find over ad indexes with union by size and path
// halving. It also keeps, at each root, the member whose ID sorts first, so
// that a cluster's ID is known without listing its members. Which of two
// equal-sized roots wins depends only on the indexes, so the same sequence
// of unions always gives the same forest.
type forest struct {
	parent, size, min []uint32
}

func (f *forest) add() {
	i := uint32(len(f.parent))
	f.parent = append(f.parent, i)
	f.size = append(f.size, 1)
	f.min = append(f.min, i)
}

func (f *forest) find(i uint32) uint32 {
	p := f.parent
	for p[i] != i {
		p[i] = p[p[i]]
		i = p[i]
	}
	return i
}

// union joins the sets of a and b and reports whether they were apart.
func (f *forest) union(a, b uint32, ids []string) bool {
	ra, rb := f.find(a), f.find(b)
	if ra == rb {
		return false
	}
	if f.size[ra] < f.size[rb] || f.size[ra] == f.size[rb] && rb < ra {
		ra, rb = rb, ra
	}
	f.parent[rb] = ra
	f.size[ra] += f.size[rb]
	if ids[f.min[rb]] < ids[f.min[ra]] {
		f.min[ra] = f.min[rb]
	}
	return true
}

// copyFrom overwrites f with g, reusing f's memory.
func (f *forest) copyFrom(g *forest) {
	f.parent = append(f.parent[:0], g.parent...)
	f.size = append(f.size[:0], g.size...)
	f.min = append(f.min[:0], g.min...)
}
