package disclosure

import (
	"math"
	"slices"
)

// The audits below look at a Result the way a reader of the published table
// does: they read the value of a Shown entry and only the status of a hidden
// one. They expect a Result shaped like the ones Suppress returns.

// attackerView rebuilds the bordered grid with hidden values left at zero, so
// that nothing computed from it can depend on a value that was not published.
func attackerView(r Result) *grid {
	g := newGrid(len(r.RowStatus), len(r.ColStatus))
	set := func(i, j, v int, s Status) {
		if s != Shown {
			g.hide(i, j, s)
			return
		}
		g.val[i][j] = v
	}
	for i := range g.r {
		for j := range g.c {
			set(i, j, r.Counts[i][j], r.Status[i][j])
		}
		set(i, g.c, r.RowTotals[i], r.RowStatus[i])
	}
	for j := range g.c {
		set(g.r, j, r.ColTotals[j], r.ColStatus[j])
	}
	set(g.r, g.c, r.Total, r.TotalStatus)
	return g
}

// outside turns a grid position into the caller's indices, margins as -1.
func (g *grid) outside(p [2]int) [2]int {
	if p[0] == g.r {
		p[0] = -1
	}
	if p[1] == g.c {
		p[1] = -1
	}
	return p
}

func (g *grid) outsideAll(ps [][2]int) [][2]int {
	out := make([][2]int, len(ps))
	for n, p := range ps {
		out[n] = g.outside(p)
	}
	slices.SortFunc(out, cmpPos)
	return out
}

// Recoverable runs an attacker's elimination on the published table:
// repeatedly take any relation (row, column, line of column totals or line of
// row totals) with exactly one unknown and solve it. It returns the hidden
// values the attacker recovers exactly, as [2]int{i, j} with -1 for a margin
// (see Result.Cell), sorted. After Suppress it returns none.
//
// This is the attack most readers would try, not the strongest one: see
// Determined for everything the published relations fix.
func Recoverable(r Result) [][2]int {
	g := attackerView(r)
	found := eliminate(g)
	ps := make([][2]int, 0, len(found))
	for p := range found {
		ps = append(ps, p)
	}
	return g.outsideAll(ps)
}

// eliminate solves one-unknown relations until none is left and returns the
// recovered values by grid position. It marks them Shown in g as it goes.
func eliminate(g *grid) map[[2]int]int {
	found := map[[2]int]int{}
	for progress := true; progress; {
		progress = false
		for l := range g.lines() {
			if g.hiddenOn(l) != 1 {
				continue
			}
			last := g.size(l) - 1
			unknown, parts := -1, 0
			for n := range last + 1 {
				i, j := g.at(l, n)
				switch {
				case g.hidden(i, j):
					unknown = n
				case n < last:
					parts += g.val[i][j]
				}
			}
			i, j := g.at(l, unknown)
			v := parts
			if unknown != last {
				wi, wj := g.at(l, last)
				v = g.val[wi][wj] - parts
			}
			g.val[i][j] = v
			g.status[i][j] = Shown
			g.hiddenInRow[i]--
			g.hiddenInCol[j]--
			found[[2]int{i, j}] = v
			progress = true
		}
	}
	return found
}

// Determined returns every hidden value that the published relations fix,
// by any combination of them, in the same form as Recoverable. It is a
// superset of Recoverable: a value is fixed exactly when it is a bridge of the
// graph of lines and hidden values (see the package documentation). It
// ignores that counts are non-negative integers, which can pin down more; see
// Bounds. After Suppress it returns none.
func Determined(r Result) [][2]int {
	g := attackerView(r)
	return g.outsideAll(g.bridges())
}

// Bound is the interval a reader can place a hidden value in.
type Bound struct {
	Cell   [2]int // as in Result.Cell, margins as -1
	Lo, Hi int    // Hi is math.MaxInt when no published relation bounds it
}

// Bounds returns, for each hidden value, the attacker's interval from simple
// bounds read off each relation through it, one relation at a time:
//
//   - as a part of a relation whose whole is shown it lies between 0 and the
//     residual (the whole minus the shown parts);
//   - as the whole of a relation it is at least the sum of the shown parts.
//
// This is a simple bound, not a linear-programming audit: combining
// relations, or using that the other hidden values are non-negative too, can
// narrow the intervals further. The intervals always contain the true value,
// so a hidden value with Lo == Hi is disclosed.
func Bounds(r Result) []Bound {
	g := attackerView(r)
	var out []Bound
	for i := range g.r + 1 {
		for j := range g.c + 1 {
			if !g.hidden(i, j) {
				continue
			}
			b := Bound{Cell: g.outside([2]int{i, j}), Lo: 0, Hi: math.MaxInt}
			for _, lp := range [2]struct {
				l line
				n int
			}{{line{idx: i}, j}, {line{col: true, idx: j}, i}} {
				last := g.size(lp.l) - 1
				shownParts, wholeShown, whole := 0, false, 0
				for n := range last + 1 {
					pi, pj := g.at(lp.l, n)
					switch {
					case g.hidden(pi, pj):
					case n == last:
						wholeShown, whole = true, g.val[pi][pj]
					default:
						shownParts += g.val[pi][pj]
					}
				}
				switch {
				case lp.n == last:
					b.Lo = max(b.Lo, shownParts)
				case wholeShown:
					b.Hi = min(b.Hi, whole-shownParts)
				}
			}
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b Bound) int { return cmpPos(a.Cell, b.Cell) })
	return out
}
