package audit

import (
	"errors"
	"fmt"
	"strings"
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

var testKey = []byte("a test key for the audit log MACs")

// sealed is a chain whose entries all carry their MAC.
func sealed(n int, key []byte) []Entry {
	es := chain(n)
	for i := range es {
		es[i].MAC = MAC(key, es[i].Seq, es[i].Hash)
	}
	return es
}

func verifyKeyed(es []Entry, want *Head) error {
	v := Verifier{Key: testKey, Want: want}
	for _, e := range es {
		if err := v.Add(e); err != nil {
			return err
		}
	}
	return v.Finish()
}

// rewrite recomputes the whole hash chain after changing one entry, as
// someone with write access to the database but no key can.
func rewrite(es []Entry, keepMACs bool) []Entry {
	out := make([]Entry, len(es))
	var prev *Entry
	for i, e := range es {
		ev := e.Event
		if i == 4 {
			ev.Detail = "rewritten"
		}
		out[i] = Next(prev, e.At, ev)
		if keepMACs {
			out[i].MAC = e.MAC
		}
		prev = &out[i]
	}
	return out
}

func TestKeyedChainIntact(t *testing.T) {
	es := sealed(10, testKey)
	h := Head{Seq: 10, MAC: es[9].MAC}
	if err := verifyKeyed(es, &h); err != nil {
		t.Fatalf("intact chain with its head: %v", err)
	}
	// A head taken earlier still checks against a log that grew since.
	early := Head{Seq: 6, MAC: es[5].MAC}
	if err := verifyKeyed(es, &early); err != nil {
		t.Fatalf("intact chain with an earlier head: %v", err)
	}
	// The intake's unsealed tail is allowed, and counted.
	es[8].MAC, es[9].MAC = "", ""
	v := Verifier{Key: testKey}
	for _, e := range es {
		if err := v.Add(e); err != nil {
			t.Fatalf("unsealed tail: %v", err)
		}
	}
	if v.Sealed() != 8 || v.Unsealed() != 2 || v.KeyedHead().Seq != 8 {
		t.Errorf("sealed %d, unsealed %d, head %v; want 8, 2, 8", v.Sealed(), v.Unsealed(), v.KeyedHead())
	}
	if s := v.KeyedHead().String(); !strings.HasPrefix(s, "8:") {
		t.Errorf("head string %q", s)
	}
	if h, err := ParseHead(v.KeyedHead().String()); err != nil || h != v.KeyedHead() {
		t.Errorf("ParseHead(String()) = %v, %v", h, err)
	}
}

func TestKeyedChainRewriteWholeDetected(t *testing.T) {
	es := sealed(10, testKey)
	head := Head{Seq: 10, MAC: es[9].MAC}
	// The unkeyed verifier is fooled: that is the finding.
	if err := verify(rewrite(es, true)); err != nil {
		t.Fatalf("unkeyed verify of a rewritten chain: %v (the test's rewrite is wrong)", err)
	}
	var b *Break
	// MACs left in place no longer match.
	if err := verifyKeyed(rewrite(es, true), nil); !errors.As(err, &b) || b.Seq != 5 {
		t.Errorf("rewritten chain with the old MACs: %v, want a break at 5", err)
	}
	// MACs made up without the key do not match either.
	forged := rewrite(es, false)
	for i := range forged {
		forged[i].MAC = MAC([]byte("a guessed key"), forged[i].Seq, forged[i].Hash)
	}
	if err := verifyKeyed(forged, nil); !errors.As(err, &b) || b.Seq != 1 {
		t.Errorf("rewritten chain with forged MACs: %v, want a break at 1", err)
	}
	// MACs removed: the head kept outside catches it.
	if err := verifyKeyed(rewrite(es, false), &head); !errors.As(err, &b) || b.Seq != 10 {
		t.Errorf("rewritten chain without MACs, checked against the head: %v, want a break at 10", err)
	}
	// One MAC removed in the middle: MACed entries must come first.
	es[3].MAC = ""
	if err := verifyKeyed(es, nil); !errors.As(err, &b) || b.Seq != 5 {
		t.Errorf("a MAC removed in the middle: %v, want a break at 5", err)
	}
}

func TestKeyedChainTruncationDetectedWithHead(t *testing.T) {
	es := sealed(10, testKey)
	head := Head{Seq: 10, MAC: es[9].MAC}
	cut := es[:7]
	// Without a head kept outside a cut log looks whole: that is why the
	// head is printed.
	if err := verifyKeyed(cut, nil); err != nil {
		t.Fatalf("cut log without a head: %v", err)
	}
	var b *Break
	if err := verifyKeyed(cut, &head); !errors.As(err, &b) || b.Seq != 10 || !strings.Contains(b.Reason, "cut short") {
		t.Errorf("cut log with the head: %v, want a break at 10 (cut short)", err)
	}
	// Cut and new entries appended past the old head: the MAC differs.
	regrown := append([]Entry{}, cut...)
	prev := &regrown[len(regrown)-1]
	for i := range 3 {
		e := Next(prev, fmt.Sprintf("2026-11-28T10:00:%02dZ", i), Event{Actor: "intake", Action: "report.create", Object: "report:1"})
		regrown = append(regrown, e)
		prev = &regrown[len(regrown)-1]
	}
	if err := verifyKeyed(regrown, &head); !errors.As(err, &b) || b.Seq != 10 {
		t.Errorf("cut and regrown log with the head: %v, want a break at 10", err)
	}
}

func TestParseHead(t *testing.T) {
	for _, bad := range []string{"", "12", "0:" + strings.Repeat("a", 64), "x:" + strings.Repeat("a", 64), "3:abc", "3:" + strings.Repeat("g", 64)} {
		if _, err := ParseHead(bad); err == nil {
			t.Errorf("ParseHead(%q) accepted", bad)
		}
	}
}
