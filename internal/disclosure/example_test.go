package disclosure_test

import (
	"fmt"
	"strconv"

	"github.com/vigia-mx/vigia/internal/disclosure"
)

func ExampleSuppress() {
	t := disclosure.Table{
		Rows: []string{"Chiapas", "Oaxaca", "Puebla"},
		Cols: []string{"ene", "feb", "mar"},
		Counts: [][]int{
			{12, 4, 15},
			{20, 18, 25},
			{11, 16, 0},
		},
	}
	r, err := disclosure.Suppress(t, disclosure.DefaultK)
	if err != nil {
		panic(err)
	}
	// The 4 is below k. Hiding it alone would let 31 - 12 - 15 give it
	// back, so Suppress also hides 12, 11 and 16: every row and column
	// then has two unknowns. Zeros are published.
	cell := func(i, j int) string {
		if v, ok := r.Cell(i, j); ok {
			return strconv.Itoa(v)
		}
		return "—"
	}
	fmt.Printf("%-8s%5s%5s%5s%7s\n", "estado", "ene", "feb", "mar", "total")
	row := func(name string, i int) {
		fmt.Printf("%-8s%5s%5s%5s%7s\n", name, cell(i, 0), cell(i, 1), cell(i, 2), cell(i, -1))
	}
	for i, name := range r.Rows {
		row(name, i)
	}
	row("total", -1) // -1 addresses the column totals
	// Output:
	// estado    ene  feb  mar  total
	// Chiapas     —    —   15     31
	// Oaxaca     20   18   25     63
	// Puebla      —    —    0     27
	// total      43   38   40    121
}
