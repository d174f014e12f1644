package disclosure

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// solveByAlgebra is an independent attacker: it writes every published
// relation as an equation in the hidden values, runs exact Gauss–Jordan
// elimination, and returns the hidden values (as in Result.Cell) that some
// combination of relations isolates, with the value it finds. It reads only
// published values. The coefficients form the incidence matrix of a bipartite
// graph, which is totally unimodular, so every pivot is ±1 and integer
// arithmetic is exact; a pivot of any other size fails the test.
func solveByAlgebra(t *testing.T, r Result) map[[2]int]int {
	t.Helper()
	g := attackerView(r)
	index := map[[2]int]int{}
	var vars [][2]int
	for i := range g.r + 1 {
		for j := range g.c + 1 {
			if g.hidden(i, j) {
				index[[2]int{i, j}] = len(vars)
				vars = append(vars, [2]int{i, j})
			}
		}
	}
	nv := len(vars)
	var rows [][]int // nv coefficients, then the right-hand side
	for l := range g.lines() {
		eq := make([]int, nv+1)
		last := g.size(l) - 1
		for n := range last + 1 {
			i, j := g.at(l, n)
			sign := 1 // parts - whole = 0
			if n == last {
				sign = -1
			}
			if x, ok := index[[2]int{i, j}]; ok {
				eq[x] += sign
			} else {
				eq[nv] -= sign * g.val[i][j]
			}
		}
		rows = append(rows, eq)
	}
	pivotRow := make([]int, nv)
	next := 0
	for x := range nv {
		pivotRow[x] = -1
		p := slices.IndexFunc(rows[next:], func(eq []int) bool { return eq[x] != 0 })
		if p < 0 {
			continue
		}
		p += next
		rows[next], rows[p] = rows[p], rows[next]
		piv := rows[next]
		switch piv[x] {
		case 1:
		case -1:
			for y := range piv {
				piv[y] = -piv[y]
			}
		default:
			t.Fatalf("pivot %d: the relations are not totally unimodular?", piv[x])
		}
		for q, eq := range rows {
			if q == next || eq[x] == 0 {
				continue
			}
			f := eq[x]
			for y := range eq {
				eq[y] -= f * piv[y]
			}
		}
		pivotRow[x] = next
		next++
		if next == len(rows) {
			break
		}
	}
	out := map[[2]int]int{}
	for x, p := range pivotRow {
		if p < 0 {
			continue
		}
		alone := true
		for y := range nv {
			if y != x && rows[p][y] != 0 {
				alone = false
				break
			}
		}
		if alone {
			out[g.outside(vars[x])] = rows[p][nv]
		}
	}
	return out
}

// withHidden builds a Result for counts in which exactly the bordered-grid
// positions for which hide returns true are hidden (as Complementary; the
// audits do not care why a value is hidden).
func withHidden(counts [][]int, hide func(i, j int) bool) Result {
	tb := tableOf(counts)
	g := newGrid(len(tb.Rows), len(tb.Cols))
	for i, row := range counts {
		for j, v := range row {
			g.val[i][j] = v
			g.val[i][g.c] += v
			g.val[g.r][j] += v
			g.val[g.r][g.c] += v
		}
	}
	for i := range g.r + 1 {
		for j := range g.c + 1 {
			if hide(i, j) {
				g.hide(i, j, Complementary)
			}
		}
	}
	return g.result(tb, DefaultK)
}

func TestRecoverableHandChecked(t *testing.T) {
	counts := [][]int{{3, 20, 30}, {40, 50, 60}, {15, 25, 35}}
	tests := []struct {
		name   string
		hidden [][2]int // bordered-grid positions, 3 = margin
		want   [][2]int // as in Result.Cell
	}{
		{
			// Only the 3 hidden: row 0 gives it away.
			name:   "lone primary",
			hidden: [][2]int{{0, 0}},
			want:   [][2]int{{0, 0}},
		},
		{
			// 3 and 20 hidden: column 0 has one unknown, which solves
			// the 3; row 0 then has one unknown, the 20.
			name:   "pair in a row",
			hidden: [][2]int{{0, 0}, {0, 1}},
			want:   [][2]int{{0, 0}, {0, 1}},
		},
		{
			// Only the grand total: either line of totals gives it.
			name:   "grand total",
			hidden: [][2]int{{3, 3}},
			want:   [][2]int{{-1, -1}},
		},
		{
			// Row total 0 and grand total: column of row totals has two
			// unknowns, but row 0 solves its total, after which the
			// grand total follows.
			name:   "chain through the margins",
			hidden: [][2]int{{0, 3}, {3, 3}},
			want:   [][2]int{{-1, -1}, {0, -1}},
		},
		{
			// A rectangle: every line through it has two unknowns.
			name:   "rectangle",
			hidden: [][2]int{{0, 0}, {0, 1}, {2, 0}, {2, 1}},
			want:   [][2]int{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := withHidden(counts, func(i, j int) bool {
				return slices.Contains(tt.hidden, [2]int{i, j})
			})
			if got := Recoverable(res); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Recoverable = %v, want %v", got, tt.want)
			}
		})
	}
}

// On random hiding patterns, whatever simple elimination recovers must be
// the true value, Determined must agree exactly with Gauss–Jordan, and the
// simple bounds must contain the true value.
func TestAuditsAgainstAlgebra(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var recovered, determined int
	for n := range 3000 {
		r, c := 1+rng.IntN(5), 1+rng.IntN(5)
		counts := make([][]int, r)
		for i := range counts {
			counts[i] = make([]int, c)
			for j := range counts[i] {
				counts[i][j] = rng.IntN(30)
			}
		}
		p := 0.1 + 0.6*rng.Float64()
		res := withHidden(counts, func(i, j int) bool { return rng.Float64() < p })
		truth := attackerView(withHidden(counts, func(int, int) bool { return false }))
		value := func(q [2]int) int {
			i, j := q[0], q[1]
			if i == -1 {
				i = truth.r
			}
			if j == -1 {
				j = truth.c
			}
			return truth.val[i][j]
		}

		rec := Recoverable(res)
		g := attackerView(res)
		for q, v := range eliminate(g) {
			if want := value(g.outside(q)); v != want {
				t.Fatalf("pattern %d: elimination found %d at %v, true value %d", n, v, g.outside(q), want)
			}
		}
		alg := solveByAlgebra(t, res)
		for q, v := range alg {
			if want := value(q); v != want {
				t.Fatalf("pattern %d: algebra found %d at %v, true value %d", n, v, q, want)
			}
		}
		det := Determined(res)
		algPos := make([][2]int, 0, len(alg))
		for q := range alg {
			algPos = append(algPos, q)
		}
		slices.SortFunc(algPos, cmpPos)
		if !slices.Equal(det, algPos) {
			t.Fatalf("pattern %d: Determined = %v, Gauss–Jordan = %v\n%q", n, det, algPos, statusPicture(res))
		}
		for _, q := range rec {
			if !slices.Contains(det, q) {
				t.Fatalf("pattern %d: %v recoverable but not determined", n, q)
			}
		}
		for _, b := range Bounds(res) {
			if v := value(b.Cell); v < b.Lo || v > b.Hi {
				t.Fatalf("pattern %d: bound %+v excludes true value %d", n, b, v)
			}
		}
		recovered += len(rec)
		determined += len(det)
	}
	// Guard against a vacuous test: the patterns must exercise both audits,
	// and linear algebra must sometimes beat simple elimination.
	if recovered == 0 || determined <= recovered {
		t.Errorf("recovered %d, determined %d: patterns too easy", recovered, determined)
	}
	t.Logf("recovered %d by elimination, %d by linear algebra", recovered, determined)
}

func TestBoundsHandChecked(t *testing.T) {
	// The rectangle from TestSuppressHandChecked: 3 and 20 in row 0 (total
	// 53, shown 30) and 15 and 25 in row 2 (total 75, shown 35); columns 0
	// (total 58, shown 40) and 1 (total 95, shown 50). Each cell lies in
	// [0, smaller of its row and column residual].
	counts := [][]int{{3, 20, 30}, {40, 50, 60}, {15, 25, 35}}
	hidden := [][2]int{{0, 0}, {0, 1}, {2, 0}, {2, 1}}
	res := withHidden(counts, func(i, j int) bool { return slices.Contains(hidden, [2]int{i, j}) })
	want := []Bound{
		{Cell: [2]int{0, 0}, Lo: 0, Hi: 18}, // row 23, column 18
		{Cell: [2]int{0, 1}, Lo: 0, Hi: 23}, // row 23, column 45
		{Cell: [2]int{2, 0}, Lo: 0, Hi: 18}, // row 40, column 18
		{Cell: [2]int{2, 1}, Lo: 0, Hi: 40}, // row 40, column 45
	}
	if got := Bounds(res); !reflect.DeepEqual(got, want) {
		t.Errorf("Bounds = %+v\nwant %+v", got, want)
	}
}
