package audit

import (
	"errors"
	"fmt"
	"testing"
)

func chain(n int) []Entry {
	var out []Entry
	var prev *Entry
	for i := range n {
		e := Next(prev, fmt.Sprintf("2026-11-27T10:00:%02dZ", i), Event{Actor: "staff:1", Action: "case.read", Object: fmt.Sprintf("case:%d", i)})
		out = append(out, e)
		prev = &out[len(out)-1]
	}
	return out
}

func verify(es []Entry) error {
	var v Verifier
	for _, e := range es {
		if err := v.Add(e); err != nil {
			return err
		}
	}
	return nil
}

func TestVerify(t *testing.T) {
	if err := verify(chain(10)); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	tamper := map[string]func([]Entry) []Entry{
		"edit detail": func(es []Entry) []Entry { es[4].Detail = "x"; return es },
		"edit actor":  func(es []Entry) []Entry { es[4].Actor = "staff:2"; return es },
		"rehash one":  func(es []Entry) []Entry { es[4].Object = "case:99"; es[4].Hash = es[4].Sum(); return es },
		"delete":      func(es []Entry) []Entry { return append(es[:4], es[5:]...) },
		"swap":        func(es []Entry) []Entry { es[3], es[4] = es[4], es[3]; return es },
		"insert": func(es []Entry) []Entry {
			e := Next(&es[3], "x", Event{})
			return append(es[:4], append([]Entry{e}, es[4:]...)...)
		},
		"first deleted": func(es []Entry) []Entry { return es[1:] },
	}
	for name, f := range tamper {
		err := verify(f(chain(10)))
		var b *Break
		if !errors.As(err, &b) {
			t.Errorf("%s: not detected (%v)", name, err)
			continue
		}
		if b.Seq > 6 || b.Seq < 1 {
			t.Errorf("%s: break reported at %d, want 1-6", name, b.Seq)
		}
	}
}

func TestFieldsAreDelimited(t *testing.T) {
	a := Entry{Seq: 1, At: "t", Event: Event{Actor: "ab", Action: "c"}, Prev: Genesis}
	b := Entry{Seq: 1, At: "t", Event: Event{Actor: "a", Action: "bc"}, Prev: Genesis}
	if a.Sum() == b.Sum() {
		t.Fatal("moving a character between fields keeps the hash")
	}
}
