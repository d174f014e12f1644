package disclosure

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func tableOf(counts [][]int) Table {
	c := 0
	if len(counts) > 0 {
		c = len(counts[0])
	}
	return Table{Rows: names("r", len(counts)), Cols: names("c", c), Counts: counts}
}

// statusPicture draws a Result's statuses as one string per row of the
// bordered table: '.' shown, 'P' primary, 'C' complementary, '|' before the
// row total; the last string is the column totals and the grand total.
func statusPicture(r Result) []string {
	ch := func(s Status) byte { return ".PC"[s] }
	var out []string
	for i := range r.Status {
		var b strings.Builder
		for _, s := range r.Status[i] {
			b.WriteByte(ch(s))
		}
		b.WriteByte('|')
		b.WriteByte(ch(r.RowStatus[i]))
		out = append(out, b.String())
	}
	var b strings.Builder
	for _, s := range r.ColStatus {
		b.WriteByte(ch(s))
	}
	b.WriteByte('|')
	b.WriteByte(ch(r.TotalStatus))
	return append(out, b.String())
}

func TestSuppressHandChecked(t *testing.T) {
	tests := []struct {
		name   string
		counts [][]int
		k      int
		want   []string
	}{
		{
			// Every cell and total is 0 or at least 10: nothing to hide.
			name:   "nothing below k",
			counts: [][]int{{10, 0}, {25, 12}},
			k:      10,
			want:   []string{"..|.", "..|.", "..|."},
		},
		{
			// Only the 3 is primary. Row 0 then has one hidden value;
			// no candidate's column has a hidden value yet, so the
			// smallest, 20, goes. Column 0 now has one hidden value:
			// smallest is 15 in row 2. Row 2 now has one: 25 is
			// preferred over 35 because column 1 already hides the 20,
			// and hiding it leaves every line with two hidden values.
			name:   "single primary closes a rectangle",
			counts: [][]int{{3, 20, 30}, {40, 50, 60}, {15, 25, 35}},
			k:      10,
			want:   []string{"PC.|.", "...|.", "CC.|.", "...|."},
		},
		{
			// As above, but in row 2 the smallest value, 25, sits in a
			// column with nothing hidden. Hiding it would leave column 2
			// with one hidden value and start another round; 45, whose
			// column already hides the 20, closes the rectangle instead.
			name:   "prefer a complement whose column is already hidden",
			counts: [][]int{{3, 20, 30}, {40, 50, 60}, {15, 45, 25}},
			k:      10,
			want:   []string{"PC.|.", "...|.", "CC.|.", "...|."},
		},
		{
			// Row 0 is 2, 3, 0 with total 5: all of 2, 3 and 5 are
			// primary, the 0 is shown. Column 0 has one hidden value:
			// 20 beats its total 22. Row 1 then has one: 30 (column 1
			// already hides the 3) beats 40 and 90. The line of row
			// totals now hides only the 5: the 90 is preferred over the
			// grand total 95 because row 1 already hides values.
			// Otherwise 95 - 90 would give away the 5.
			name:   "primary row total",
			counts: [][]int{{2, 3, 0}, {20, 30, 40}},
			k:      10,
			want:   []string{"PP.|P", "CC.|C", "...|."},
		},
		{
			// A single count below k: the cell, its row total, its
			// column total and the grand total are all the same 5.
			name:   "1x1 below k",
			counts: [][]int{{5}},
			k:      10,
			want:   []string{"P|P", "P|P"},
		},
		{
			name:   "1x1 zero is shown",
			counts: [][]int{{0}},
			k:      10,
			want:   []string{".|.", ".|."},
		},
		{
			// Every cell and every row and column total is below 10,
			// but the grand total is exactly 10 and may be shown: the
			// line of row totals and the line of column totals each
			// hide two values, so it gives nothing away.
			name:   "everything below k but the grand total",
			counts: [][]int{{1, 2}, {3, 4}},
			k:      10,
			want:   []string{"PP|P", "PP|P", "PP|."},
		},
		{
			// One row, 3 and 40, total 43. The 3 is primary and so is
			// its column total. Row 0 has one hidden value: 40 beats
			// 43. The line of column totals then hides only the 3; the
			// 40 column total is preferred to the grand total because
			// column 1 already hides its cell.
			name:   "single row",
			counts: [][]int{{3, 40}},
			k:      10,
			want:   []string{"PC|.", "PC|."},
		},
		{
			// The 4 is primary. Zeros are never chosen while a positive
			// value remains: row 1 hides 30 (not the 0 before it),
			// column 1 then hides 25, and row 2 hides 12 because column
			// 2 already hides the 30. The all-zero row and column stay
			// visible.
			name:   "zeros are not complements",
			counts: [][]int{{0, 0, 0}, {0, 4, 30}, {0, 25, 12}},
			k:      10,
			want:   []string{"...|.", ".PC|.", ".CC|.", "...|."},
		},
		{
			// Nine primary cells: a 2x2 block in rows 0-1 × columns
			// 0-1, a 2x2 block in rows 2-3 × columns 2-3, and the 3 at
			// (0,2) joining them. Every line has 0, 2 or 3 hidden
			// values, so no single relation gives anything away, but
			// row0 + row1 - col0 - col1 cancels the blocks:
			// 56 + 139 - 96 - 109 = x02 + (50 + 60 + 70) - (80 + 11 + 90 + 12)
			// so x02 = -10 + 13 = 3. The joining cell is a bridge. Any
			// cell with its row in one block and its column in the
			// other closes a cycle through it; the smallest is the 11
			// at (3,0).
			name: "bridge between two blocks",
			counts: [][]int{
				{1, 2, 3, 50},
				{4, 5, 60, 70},
				{80, 90, 6, 7},
				{11, 12, 8, 9},
			},
			k: 10,
			want: []string{
				"PPP.|.",
				"PP..|.",
				"..PP|.",
				"C.PP|.",
				"....|.",
			},
		},
		{
			// With k = 1 nothing is ever primary.
			name:   "k = 1",
			counts: [][]int{{1, 0}, {0, 2}},
			k:      1,
			want:   []string{"..|.", "..|.", "..|."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Suppress(tableOf(tt.counts), tt.k)
			if err != nil {
				t.Fatal(err)
			}
			if got := statusPicture(res); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("statuses\n got %q\nwant %q", got, tt.want)
			}
			checkInvariants(t, tableOf(tt.counts), tt.k, res)
		})
	}
}

// Without the bridge step, the table above would be published with only
// its nine primary cells hidden. Check that the audits see the leak the
// comment works out by hand, and that simple elimination does not.
func TestBridgeLeakIsReal(t *testing.T) {
	counts := [][]int{
		{1, 2, 3, 50},
		{4, 5, 60, 70},
		{80, 90, 6, 7},
		{11, 12, 8, 9},
	}
	res, err := Suppress(tableOf(counts), 10)
	if err != nil {
		t.Fatal(err)
	}
	res.Status[3][0] = Shown // undo the bridge step
	if got := Recoverable(res); len(got) != 0 {
		t.Errorf("Recoverable = %v, want none (every line has two or more unknowns)", got)
	}
	if got, want := Determined(res), [][2]int{{0, 2}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Determined = %v, want %v", got, want)
	}
	if got := solveByAlgebra(t, res); !reflect.DeepEqual(got, map[[2]int]int{{0, 2}: 3}) {
		t.Errorf("Gauss–Jordan recovers %v, want (0,2) = 3", got)
	}
}

func TestSuppressErrors(t *testing.T) {
	ok := [][]int{{1, 2}, {3, 4}}
	tests := []struct {
		name string
		t    Table
		k    int
		want error
	}{
		{"k = 0", tableOf(ok), 0, ErrThreshold},
		{"negative k", tableOf(ok), -3, ErrThreshold},
		{"ragged", Table{Rows: names("r", 2), Cols: names("c", 2), Counts: [][]int{{1, 2}, {3}}}, 10, ErrShape},
		{"too few row names", Table{Rows: names("r", 1), Cols: names("c", 2), Counts: ok}, 10, ErrShape},
		{"too many row names", Table{Rows: names("r", 3), Cols: names("c", 2), Counts: ok}, 10, ErrShape},
		{"too few column names", Table{Rows: names("r", 2), Cols: names("c", 1), Counts: ok}, 10, ErrShape},
		{"negative count", tableOf([][]int{{1, -2}, {3, 4}}), 10, ErrNegative},
		{"overflow", tableOf([][]int{{math.MaxInt, 1}}), 10, ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Suppress(tt.t, tt.k)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSuppressEmptyTable(t *testing.T) {
	for _, tb := range []Table{
		{},
		{Rows: nil, Cols: names("c", 3), Counts: nil},
		{Rows: names("r", 2), Cols: nil, Counts: [][]int{{}, {}}},
	} {
		res, err := Suppress(tb, DefaultK)
		if err != nil {
			t.Fatalf("%+v: %v", tb, err)
		}
		checkInvariants(t, tb, DefaultK, res)
	}
}

func TestSuppressDoesNotAliasInput(t *testing.T) {
	tb := tableOf([][]int{{3, 20}, {40, 50}})
	res, err := Suppress(tb, 10)
	if err != nil {
		t.Fatal(err)
	}
	tb.Counts[0][0] = 99
	tb.Rows[0] = "changed"
	if res.Counts[0][0] != 3 || res.Rows[0] != "r0" {
		t.Errorf("Result shares memory with the input table: %+v", res)
	}
}

func TestCell(t *testing.T) {
	res, err := Suppress(tableOf([][]int{{3, 20, 30}, {40, 50, 60}, {15, 25, 35}}), 10)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		i, j int
		v    int
		ok   bool
	}{
		{0, 0, 0, false},  // primary
		{0, 1, 0, false},  // complementary
		{0, 2, 30, true},  // shown
		{0, -1, 53, true}, // row total
		{-1, 0, 58, true}, // column total
		{-1, -1, 278, true},
		{3, 0, 0, false}, // out of range
		{0, 3, 0, false},
		{-2, 0, 0, false},
	}
	for _, tt := range tests {
		v, ok := res.Cell(tt.i, tt.j)
		if v != tt.v || ok != tt.ok {
			t.Errorf("Cell(%d, %d) = %d, %v; want %d, %v", tt.i, tt.j, v, ok, tt.v, tt.ok)
		}
	}
}

// randomTable draws tables meant to stress suppression: many counts below k,
// all-zero rows and columns, and whole tables below k.
func randomTable(rng *rand.Rand, k int) Table {
	r, c := 1+rng.IntN(32), 1+rng.IntN(24)
	if rng.IntN(4) == 0 { // small tables are where margins bite hardest
		r, c = 1+rng.IntN(4), 1+rng.IntN(4)
	}
	regime := rng.IntN(5)
	draw := func() int {
		switch regime {
		case 0: // everything below k
			return rng.IntN(k)
		case 1: // mostly below k
			if rng.IntN(4) == 0 {
				return rng.IntN(4 * k)
			}
			return rng.IntN(k)
		case 2: // sparse
			if rng.IntN(10) < 7 {
				return 0
			}
			return 1 + rng.IntN(2*k)
		case 3: // heavy tail: a few big states, many small ones
			if rng.IntN(8) == 0 {
				return rng.IntN(500)
			}
			return rng.IntN(k + 3)
		default: // mostly safe, occasional small cell
			if rng.IntN(6) == 0 {
				return rng.IntN(k)
			}
			return k + rng.IntN(50)
		}
	}
	counts := make([][]int, r)
	zeroCol := make([]bool, c)
	for j := range zeroCol {
		zeroCol[j] = rng.IntN(8) == 0
	}
	for i := range counts {
		counts[i] = make([]int, c)
		if rng.IntN(6) == 0 {
			continue // all-zero row
		}
		for j := range counts[i] {
			if !zeroCol[j] {
				counts[i][j] = draw()
			}
		}
	}
	return tableOf(counts)
}

func TestSuppressProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 10))
	ks := []int{DefaultK, DefaultK, DefaultK, 1, 2, 5, 20}
	var hidden, cells, zerosHidden int
	for n := range 800 {
		k := ks[rng.IntN(len(ks))]
		tb := randomTable(rng, k)
		res, err := Suppress(tb, k)
		if err != nil {
			t.Fatalf("table %d: %v", n, err)
		}
		if !checkInvariants(t, tb, k, res) {
			t.Fatalf("table %d (k=%d) failed:\n%v\n%q", n, k, tb.Counts, statusPicture(res))
		}
		again, _ := Suppress(tb, k)
		if !reflect.DeepEqual(res, again) {
			t.Fatalf("table %d: Suppress is not deterministic", n)
		}
		if len(tb.Rows)*len(tb.Cols) <= 64 {
			if got := solveByAlgebra(t, res); len(got) != 0 {
				t.Fatalf("table %d: Gauss–Jordan recovers %v\n%v\n%q", n, got, tb.Counts, statusPicture(res))
			}
		}
		for i := range res.Status {
			for j, s := range res.Status[i] {
				cells++
				if s != Shown {
					hidden++
					if res.Counts[i][j] == 0 {
						zerosHidden++
					}
				}
			}
		}
	}
	t.Logf("hid %d of %d cells (%.1f%%); %d hidden zeros", hidden, cells, 100*float64(hidden)/float64(cells), zerosHidden)
}

// checkInvariants checks everything Suppress promises about res and reports
// whether it all held.
func checkInvariants(t *testing.T, tb Table, k int, res Result) bool {
	t.Helper()
	ok := true
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
		ok = false
	}
	g := newGrid(len(tb.Rows), len(tb.Cols))
	for i, row := range tb.Counts {
		for j, v := range row {
			g.val[i][j] = v
			g.val[i][g.c] += v
			g.val[g.r][j] += v
			g.val[g.r][g.c] += v
		}
	}
	view := attackerView(res)
	// (f) the true counts and totals come back unchanged, and Cell shows
	// exactly the Shown ones.
	if !reflect.DeepEqual(res.Rows, tb.Rows) || !reflect.DeepEqual(res.Cols, tb.Cols) || res.K != k {
		fail("names or k changed")
	}
	for i := range g.r + 1 {
		for j := range g.c + 1 {
			ei, ej := i, j
			if i == g.r {
				ei = -1
			}
			if j == g.c {
				ej = -1
			}
			truth := g.val[i][j]
			var stored int
			var st Status
			switch {
			case ei == -1 && ej == -1:
				stored, st = res.Total, res.TotalStatus
			case ei == -1:
				stored, st = res.ColTotals[j], res.ColStatus[j]
			case ej == -1:
				stored, st = res.RowTotals[i], res.RowStatus[i]
			default:
				stored, st = res.Counts[i][j], res.Status[i][j]
			}
			if stored != truth {
				fail("(%d,%d) = %d, true value %d", ei, ej, stored, truth)
			}
			v, shown := res.Cell(ei, ej)
			if shown != (st == Shown) || (shown && v != truth) || (!shown && v != 0) {
				fail("Cell(%d,%d) = %d, %v with status %v and value %d", ei, ej, v, shown, st, truth)
			}
			// (a), (b): primary exactly where 0 < value < k.
			if small := truth > 0 && truth < k; small != (st == Primary) {
				fail("(%d,%d) = %d has status %v with k = %d", ei, ej, truth, st, k)
			}
		}
	}
	// (c) no relation has exactly one hidden value.
	for l := range view.lines() {
		if view.hiddenOn(l) == 1 {
			fail("line %+v has exactly one hidden value", l)
		}
	}
	// (d) neither simple elimination nor linear algebra recovers anything.
	if got := Recoverable(res); len(got) != 0 {
		fail("Recoverable = %v", got)
	}
	if got := Determined(res); len(got) != 0 {
		fail("Determined = %v", got)
	}
	// The simple bounds contain the truth and are never a single point.
	for _, b := range Bounds(res) {
		i, j := b.Cell[0], b.Cell[1]
		if i == -1 {
			i = g.r
		}
		if j == -1 {
			j = g.c
		}
		if v := g.val[i][j]; v < b.Lo || v > b.Hi || b.Lo >= b.Hi {
			fail("bound %+v for true value %d", b, v)
		}
	}
	return ok
}

func BenchmarkSuppress32x120(b *testing.B) {
	// 32 states × 120 months of hotline reports: most state-months see a
	// handful of reports, a few see many.
	rng := rand.New(rand.NewPCG(32, 120))
	counts := make([][]int, 32)
	for i := range counts {
		counts[i] = make([]int, 120)
		for j := range counts[i] {
			counts[i][j] = rng.IntN(15)
			if rng.IntN(10) == 0 {
				counts[i][j] += rng.IntN(200)
			}
		}
	}
	tb := tableOf(counts)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Suppress(tb, DefaultK); err != nil {
			b.Fatal(err)
		}
	}
}
