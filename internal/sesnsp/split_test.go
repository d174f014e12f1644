package sesnsp

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"testing"
)

// records splits data with the chunk parser's splitter.
func records(data []byte) ([][]string, error) {
	w := &worker{p: &parser{label: "t"}, line: 1}
	var out [][]string
	for len(data) > 0 {
		if n := blankLine(data); n > 0 {
			data = data[n:]
			continue
		}
		rec, rest, nl, err := w.split(data)
		if err != nil {
			return nil, err
		}
		data = rest
		w.line += nl
		var r []string
		for _, f := range rec {
			r = append(r, string(f))
		}
		out = append(out, r)
	}
	return out, nil
}

func TestSplitQuotes(t *testing.T) {
	tests := []struct {
		in   string
		want [][]string
		err  string
	}{
		{in: "a,b\n", want: [][]string{{"a", "b"}}},
		{in: "a,b\r\nc,d", want: [][]string{{"a", "b"}, {"c", "d"}}},
		{in: `"Robo de cables, tubos",x` + "\r\n", want: [][]string{{"Robo de cables, tubos", "x"}}},
		{in: `"dice ""hola""",,` + "\n", want: [][]string{{`dice "hola"`, "", ""}}},
		{in: "\"dos\nlíneas\",z\nq,r\n", want: [][]string{{"dos\nlíneas", "z"}, {"q", "r"}}},
		{in: "a,,\n\n,b\n", want: [][]string{{"a", "", ""}, {"", "b"}}},
		{in: `"sin cerrar,b` + "\n", err: "never closed"},
		{in: `a"b,c` + "\n", err: "bare"},
		{in: `"a"b,c` + "\n", err: "extraneous"},
	}
	for _, tt := range tests {
		got, err := records([]byte(tt.in))
		if tt.err != "" {
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tt.err)) {
				t.Errorf("%q: err %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("%q: got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// FuzzSplitMatchesCSV: wherever encoding/csv reads a record stream, the
// chunk parser's splitter reads the same records.
func FuzzSplitMatchesCSV(f *testing.F) {
	for _, s := range []string{"a,b\nc,d\n", `"x,y",z` + "\n", `"a""b",c`, "\"m\nn\",o\n", "a,,\n\n,b"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.ContainsRune(b, '\r') {
			return // encoding/csv rewrites \r\n inside quotes; SESNSP quotes never hold line breaks
		}
		cr := csv.NewReader(bytes.NewReader(b))
		cr.FieldsPerRecord = -1
		var want [][]string
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return // not CSV: the splitter may say so in its own words
			}
			want = append(want, rec)
		}
		got, err := records(b)
		if err != nil {
			t.Fatalf("csv reads %q but the splitter fails: %v", b, err)
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("%q: splitter %q, csv %q", b, got, want)
		}
	})
}
