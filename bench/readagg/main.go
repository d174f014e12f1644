// Command readagg is the Go side of the read + aggregate benchmark: it reads
// one SESNSP file with the project's reader (internal/sesnsp) and prints the
// national monthly totals of Tipo de delito == "Trata de personas", one line
// per month that has at least one published cell, sorted:
//
//	YYYY-MM,total
//
// The output must be byte-identical to bench/peers/pandas_readagg.py and
// bench/peers/duckdb_readagg.mjs on the same file; bench/run.sh checks it.
//
// Usage: go run ./bench/readagg FILE
package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"

	"github.com/vigia-mx/vigia/internal/sesnsp"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: readagg FILE")
		os.Exit(2)
	}
	f, err := sesnsp.ReadFile(os.Args[1], sesnsp.Options{
		Keep: func(tipo string) bool { return tipo == "Trata de personas" },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "readagg:", err)
		os.Exit(1)
	}
	totals := make(map[sesnsp.YM]int64)
	for _, c := range f.Cells {
		totals[c.Month] += c.Value
	}
	months := make([]sesnsp.YM, 0, len(totals))
	for m := range totals {
		months = append(months, m)
	}
	slices.Sort(months)
	w := bufio.NewWriter(os.Stdout)
	for _, m := range months {
		w.WriteString(m.String())
		w.WriteByte(',')
		w.WriteString(strconv.FormatInt(totals[m], 10))
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "readagg:", err)
		os.Exit(1)
	}
}
