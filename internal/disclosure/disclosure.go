// Package disclosure decides which cells of a two-way table of report counts
// (for example states × months, or states × kind of exploitation) may be
// published without letting a reader single out a reporter or a victim.
//
// Nothing here does I/O: the package takes counts and returns, for every cell
// and every margin, whether it may be shown.
//
// # Method
//
// Primary suppression: a cell, row total, column total or grand total t with
// 0 < t < k is hidden (Primary). The default threshold is DefaultK. Zeros are
// shown: "nobody reported" points at no one, and hiding zeros would blank
// most of a sparse table.
//
// Complementary suppression: the published margins are linear relations. Think
// of the table bordered by its totals, a (rows+1) × (cols+1) grid in which
// every line (each row and each column of the bordered grid, including the
// line of column totals and the line of row totals) says "the parts add up to
// the whole". A line with exactly one hidden value gives that value away, so
// Suppress hides more values until no line has exactly one hidden value.
// The choice is deterministic: in the first offending line (rows top to
// bottom, then columns left to right) it hides the shown value that
//
//  1. is positive (a zero is chosen only when no positive value remains),
//  2. lies on a crossing line that already has a hidden value, so that it
//     does not start a new offending line,
//  3. is the smallest,
//  4. comes first (cells in order, the line's total last).
//
// "No line with exactly one hidden value" is necessary but not sufficient.
// Two blocks of hidden cells joined by one hidden cell leave every line with
// two or more unknowns, yet adding two row relations and subtracting two
// column relations isolates the joining cell. In general a hidden value is
// fixed by the relations exactly when, in the graph whose vertices are lines
// and whose edges are hidden values, its edge lies on no cycle (it is a
// bridge). Suppress therefore also breaks every bridge by hiding the smallest
// positive shown value that closes a cycle through it, and repeats both steps
// until neither applies. Determined reports the bridges of a published table;
// Recoverable reports what simple one-unknown-at-a-time elimination finds.
//
// # Limits
//
//   - The guarantee is against exact recovery only. There is no protection
//     interval: with counts known to be non-negative a reader can bound hidden
//     cells, and two small primary cells hidden together in a row reveal that
//     each is below their sum. Bounds gives the simple bounds; finding the
//     tightest bounds needs a linear program per hidden value, which this
//     package does not solve.
//   - In the rare case where the only way to close a cycle is through a zero,
//     a zero is hidden; together with non-negativity that can give a reader a
//     one-sided bound equal to the true value of a hidden cell.
//   - Each table is protected on its own. Tables that share margins (states ×
//     months and states × kind share the state totals), successive releases,
//     cumulative figures and different thresholds can be subtracted from one
//     another; releases must be planned and audited together.
//   - k counts reports, not people: one person reporting several times, or a
//     row whose reports all fall in one cell, can still point at someone.
//   - The choice is greedy, not a minimum-loss (optimal) suppression pattern.
package disclosure

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
)

// DefaultK is the threshold used by Vigía's public statistics: counts from 1
// to 9 are never published.
const DefaultK = 10

// Table is a two-way table of non-negative counts, e.g. states × months.
type Table struct {
	Rows, Cols []string
	Counts     [][]int // len(Rows) × len(Cols)
}

// Status says whether a value may be published and, if not, why.
type Status uint8

const (
	Shown         Status = iota
	Primary              // 0 < count < k
	Complementary        // hidden so that a Primary value cannot be derived
)

func (s Status) String() string {
	switch s {
	case Shown:
		return "shown"
	case Primary:
		return "primary"
	case Complementary:
		return "complementary"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Result is the table as it may be published.
type Result struct {
	Rows, Cols  []string
	K           int
	Counts      [][]int // the true counts (callers must only publish cells whose Status is Shown)
	Status      [][]Status
	RowTotals   []int
	RowStatus   []Status // a row total is itself Primary when 0 < total < k
	ColTotals   []int
	ColStatus   []Status
	Total       int
	TotalStatus Status
}

// Errors returned by Suppress, wrapped with details.
var (
	ErrThreshold = errors.New("disclosure: threshold k must be at least 1")
	ErrShape     = errors.New("disclosure: table shape does not match its row and column names")
	ErrNegative  = errors.New("disclosure: negative count")
	ErrOverflow  = errors.New("disclosure: total overflows int")
)

// Suppress applies primary suppression (0 < count < k; zeros are shown) to
// cells and to the row, column and grand totals, then complementary
// suppression until no line of the bordered table has exactly one hidden
// value and no hidden value is otherwise fixed by the published relations
// (see the package documentation). The input is not modified or retained.
func Suppress(t Table, k int) (Result, error) {
	if err := validate(t, k); err != nil {
		return Result{}, err
	}
	g := newGrid(len(t.Rows), len(t.Cols))
	for i, row := range t.Counts {
		for j, v := range row {
			g.val[i][j] = v
			g.val[i][g.c] += v
			g.val[g.r][j] += v
			g.val[g.r][g.c] += v
		}
	}
	for i := range g.r + 1 {
		for j := range g.c + 1 {
			if v := g.val[i][j]; v > 0 && v < k {
				g.hide(i, j, Primary)
			}
		}
	}
	for {
		g.protectLines()
		bridges := g.bridges()
		if len(bridges) == 0 {
			break
		}
		// One bridge at a time: closing a cycle can turn other bridges
		// into cycle edges as well, and a fresh search keeps the choice
		// independent of how the previous one happened to be found.
		g.closeCycle(bridges[0])
	}
	return g.result(t, k), nil
}

func validate(t Table, k int) error {
	if k < 1 {
		return fmt.Errorf("%w (got %d)", ErrThreshold, k)
	}
	if len(t.Counts) != len(t.Rows) {
		return fmt.Errorf("%w: %d rows of counts for %d row names", ErrShape, len(t.Counts), len(t.Rows))
	}
	total := 0
	for i, row := range t.Counts {
		if len(row) != len(t.Cols) {
			return fmt.Errorf("%w: row %d (%q) has %d counts for %d column names", ErrShape, i, t.Rows[i], len(row), len(t.Cols))
		}
		for j, v := range row {
			if v < 0 {
				return fmt.Errorf("%w: %d at row %q, column %q", ErrNegative, v, t.Rows[i], t.Cols[j])
			}
			// The grand total bounds every other sum, so checking it
			// alone rules out overflow anywhere in the margins.
			if v > math.MaxInt-total {
				return ErrOverflow
			}
			total += v
		}
	}
	return nil
}

// Cell returns the value to publish for a cell and whether it is shown.
// An index of -1 addresses a margin: Cell(i, -1) is the total of row i,
// Cell(-1, j) the total of column j and Cell(-1, -1) the grand total. Out of
// range indices give (0, false), so a caller's mistake publishes nothing.
func (r Result) Cell(i, j int) (int, bool) {
	var v int
	var s Status
	switch {
	case i == -1 && j == -1:
		v, s = r.Total, r.TotalStatus
	case i == -1 && j >= 0 && j < len(r.ColTotals) && j < len(r.ColStatus):
		v, s = r.ColTotals[j], r.ColStatus[j]
	case j == -1 && i >= 0 && i < len(r.RowTotals) && i < len(r.RowStatus):
		v, s = r.RowTotals[i], r.RowStatus[i]
	case i >= 0 && j >= 0 && i < len(r.Counts) && i < len(r.Status) &&
		j < len(r.Counts[i]) && j < len(r.Status[i]):
		v, s = r.Counts[i][j], r.Status[i][j]
	default:
		return 0, false
	}
	if s != Shown {
		return 0, false
	}
	return v, true
}

// grid is the table bordered by its margins: index r is the line of column
// totals, index c the line of row totals, and (r, c) the grand total. In this
// form all four kinds of relation are the same: along any line the last value
// (the whole) is the sum of the others (the parts).
type grid struct {
	r, c        int
	val         [][]int
	status      [][]Status
	hiddenInRow []int // hidden values on each row line, 0..r
	hiddenInCol []int // hidden values on each column line, 0..c
}

func newGrid(r, c int) *grid {
	g := &grid{
		r: r, c: c,
		val:         make([][]int, r+1),
		status:      make([][]Status, r+1),
		hiddenInRow: make([]int, r+1),
		hiddenInCol: make([]int, c+1),
	}
	for i := range g.val {
		g.val[i] = make([]int, c+1)
		g.status[i] = make([]Status, c+1)
	}
	return g
}

func (g *grid) hidden(i, j int) bool { return g.status[i][j] != Shown }

func (g *grid) hide(i, j int, s Status) {
	if g.hidden(i, j) {
		return
	}
	g.status[i][j] = s
	g.hiddenInRow[i]++
	g.hiddenInCol[j]++
}

// line is one relation of the bordered table: a row line (parts (idx, 0..c-1),
// whole (idx, c)) or a column line (parts (0..r-1, idx), whole (r, idx)).
type line struct {
	col bool
	idx int
}

// lines lists every relation in the fixed order that makes Suppress
// deterministic: row lines top to bottom, then column lines left to right.
func (g *grid) lines() iter.Seq[line] {
	return func(yield func(line) bool) {
		for i := range g.r + 1 {
			if !yield(line{idx: i}) {
				return
			}
		}
		for j := range g.c + 1 {
			if !yield(line{col: true, idx: j}) {
				return
			}
		}
	}
}

// size is the number of values on l; the last one is the whole.
func (g *grid) size(l line) int {
	if l.col {
		return g.r + 1
	}
	return g.c + 1
}

// at is the position of the n-th value on l.
func (g *grid) at(l line, n int) (int, int) {
	if l.col {
		return n, l.idx
	}
	return l.idx, n
}

func (g *grid) hiddenOn(l line) int {
	if l.col {
		return g.hiddenInCol[l.idx]
	}
	return g.hiddenInRow[l.idx]
}

// crossHidden is the number of hidden values on the other line through the
// n-th value of l.
func (g *grid) crossHidden(l line, n int) int {
	if l.col {
		return g.hiddenInRow[n]
	}
	return g.hiddenInCol[n]
}

// rank orders candidate complementary values; smaller is better.
type rank struct {
	zero   bool // a hidden zero protects little, see the package limits
	lonely bool // its crossing line has no hidden value yet
	v      int  // hide as little as possible
}

func (a rank) less(b rank) bool {
	if a.zero != b.zero {
		return !a.zero
	}
	if a.lonely != b.lonely {
		return !a.lonely
	}
	return a.v < b.v
}

// protectLines hides values until no line has exactly one hidden value. Each
// step hides one more value, so it ends; in the worst case everything is
// hidden, and then every line has at least two hidden values.
func (g *grid) protectLines() {
	for {
		l, ok := g.offendingLine()
		if !ok {
			return
		}
		i, j := g.complement(l)
		g.hide(i, j, Complementary)
	}
}

func (g *grid) offendingLine() (line, bool) {
	for l := range g.lines() {
		if g.hiddenOn(l) == 1 {
			return l, true
		}
	}
	return line{}, false
}

func (g *grid) complement(l line) (int, int) {
	best, bestRank := -1, rank{}
	for n := range g.size(l) {
		i, j := g.at(l, n)
		if g.hidden(i, j) {
			continue
		}
		v := g.val[i][j]
		rk := rank{zero: v == 0, lonely: g.crossHidden(l, n) == 0, v: v}
		if best < 0 || rk.less(bestRank) {
			best, bestRank = n, rk
		}
	}
	if best < 0 {
		// A line with one hidden value has at least one shown value
		// because every line has at least two values.
		panic("disclosure: line with one hidden value has no shown value")
	}
	return g.at(l, best)
}

// The bridge search works on the bipartite graph whose vertices are the lines
// (row line i is vertex i, column line j is vertex r+1+j) and whose edges are
// the hidden values. Every relation is "sum of the values on a vertex's edges,
// with signs, is known", and the only combinations of relations that cancel
// all unknowns but one are those around the cut of a bridge. So a hidden value
// is fixed by the published table exactly when its edge is a bridge.

func (g *grid) vertices() int { return g.r + g.c + 2 }

func (g *grid) neighbours(u int) iter.Seq[int] {
	return func(yield func(int) bool) {
		if u <= g.r {
			for j := range g.c + 1 {
				if g.hidden(u, j) && !yield(g.r+1+j) {
					return
				}
			}
			return
		}
		j := u - g.r - 1
		for i := range g.r + 1 {
			if g.hidden(i, j) && !yield(i) {
				return
			}
		}
	}
}

// edge is the grid position of the hidden value joining vertices u and w.
func (g *grid) edge(u, w int) [2]int {
	if u > w {
		u, w = w, u
	}
	return [2]int{u, w - g.r - 1}
}

// bridges returns the positions of hidden values that lie on no cycle,
// in row-major order (Tarjan's bridge-finding algorithm).
func (g *grid) bridges() [][2]int {
	n := g.vertices()
	disc, low := make([]int, n), make([]int, n)
	clock := 0
	var out [][2]int
	var visit func(u, parent int)
	visit = func(u, parent int) {
		clock++
		disc[u], low[u] = clock, clock
		for w := range g.neighbours(u) {
			// The graph is simple (one value per row–column pair),
			// so skipping the parent vertex skips exactly the tree edge.
			if w == parent {
				continue
			}
			if disc[w] == 0 {
				visit(w, u)
				low[u] = min(low[u], low[w])
				if low[w] > disc[u] {
					out = append(out, g.edge(u, w))
				}
			} else {
				low[u] = min(low[u], disc[w])
			}
		}
	}
	for u := range n {
		if disc[u] == 0 {
			visit(u, -1)
		}
	}
	slices.SortFunc(out, cmpPos)
	return out
}

func cmpPos(a, b [2]int) int {
	if a[0] != b[0] {
		return a[0] - b[0]
	}
	return a[1] - b[1]
}

// closeCycle hides one shown value so that the bridge e lies on a cycle.
// Removing e splits its component into a side holding e's row line and a side
// holding e's column line; any value whose row line is on one side and whose
// column line is on the other closes a cycle. Such values exist and are all
// shown: both sides contain a row line and a column line (no line has a single
// hidden value), and a hidden one would already have been a second edge
// across the cut.
func (g *grid) closeCycle(e [2]int) {
	side := make([]int8, g.vertices())
	rowV, colV := e[0], g.r+1+e[1]
	g.mark(side, rowV, 1, rowV, colV)
	g.mark(side, colV, 2, rowV, colV)
	best, bestRank := [2]int{-1, -1}, rank{}
	for i := range g.r + 1 {
		for j := range g.c + 1 {
			si, sj := side[i], side[g.r+1+j]
			if si == 0 || sj == 0 || si == sj || g.hidden(i, j) {
				continue
			}
			v := g.val[i][j]
			rk := rank{zero: v == 0, v: v}
			if best[0] < 0 || rk.less(bestRank) {
				best, bestRank = [2]int{i, j}, rk
			}
		}
	}
	if best[0] < 0 {
		panic("disclosure: no value closes a cycle through a bridge")
	}
	g.hide(best[0], best[1], Complementary)
}

// mark labels with s every vertex reachable from start without using the
// edge between a and b.
func (g *grid) mark(side []int8, start int, s int8, a, b int) {
	side[start] = s
	stack := []int{start}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for w := range g.neighbours(u) {
			if side[w] != 0 || (u == a && w == b) || (u == b && w == a) {
				continue
			}
			side[w] = s
			stack = append(stack, w)
		}
	}
}

func (g *grid) result(t Table, k int) Result {
	res := Result{
		Rows:        slices.Clone(t.Rows),
		Cols:        slices.Clone(t.Cols),
		K:           k,
		Counts:      make([][]int, g.r),
		Status:      make([][]Status, g.r),
		RowTotals:   make([]int, g.r),
		RowStatus:   make([]Status, g.r),
		ColTotals:   make([]int, g.c),
		ColStatus:   make([]Status, g.c),
		Total:       g.val[g.r][g.c],
		TotalStatus: g.status[g.r][g.c],
	}
	for i := range g.r {
		res.Counts[i] = slices.Clone(g.val[i][:g.c])
		res.Status[i] = slices.Clone(g.status[i][:g.c])
		res.RowTotals[i] = g.val[i][g.c]
		res.RowStatus[i] = g.status[i][g.c]
	}
	for j := range g.c {
		res.ColTotals[j] = g.val[g.r][j]
		res.ColStatus[j] = g.status[g.r][j]
	}
	return res
}
