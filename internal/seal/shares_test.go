package seal

import (
	"bytes"
	"strings"
	"testing"
)

// gfMul against the textbook definition: carry-less multiplication, then
// reduction modulo x^8 + x^4 + x^3 + x + 1.
func TestGFMul(t *testing.T) {
	slow := func(a, b byte) byte {
		var p uint16
		for i := 0; i < 8; i++ {
			if b>>i&1 == 1 {
				p ^= uint16(a) << i
			}
		}
		for i := 15; i >= 8; i-- {
			if p>>i&1 == 1 {
				p ^= 0x11b << (i - 8)
			}
		}
		return byte(p)
	}
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			if got, want := gfMul(byte(a), byte(b)), slow(byte(a), byte(b)); got != want {
				t.Fatalf("gfMul(%#x, %#x) = %#x, want %#x", a, b, got, want)
			}
		}
		if a != 0 && gfMul(byte(a), gfInv(byte(a))) != 1 {
			t.Fatalf("gfInv(%#x) is not an inverse", a)
		}
	}
}

// With k = 2 a share at x is s + c·x: for every secret s and every x, the
// share's value runs over all 256 bytes exactly once as the random
// coefficient c does, so one share alone is uniform whatever the secret.
// The same holds for any k-1 of k, which is what "reveals nothing" means.
func TestOneShareIsUniform(t *testing.T) {
	for x := 1; x < 256; x++ {
		for s := 0; s < 256; s += 51 {
			var seen [256]bool
			for c := 0; c < 256; c++ {
				y := byte(s) ^ gfMul(byte(c), byte(x))
				if seen[y] {
					t.Fatalf("x=%d s=%d: value %d twice", x, s, y)
				}
				seen[y] = true
			}
		}
	}
}

func sampleKeys(t *testing.T) *Keys {
	t.Helper()
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Any k of n shares rebuild keys that open what the original sealed; any
// k-1 combine to something that does not.
func TestSharesRebuildKeys(t *testing.T) {
	keys := sampleKeys(t)
	sealed, err := keys.Seal([]byte("[SINTÉTICO] CANARIO-shares"))
	if err != nil {
		t.Fatal(err)
	}
	secret, err := keys.Secret()
	if err != nil {
		t.Fatal(err)
	}
	const k, n = 3, 5
	shares, err := Split(secret, k, n)
	if err != nil {
		t.Fatal(err)
	}
	subsets := func(size int, f func([]Share)) {
		var rec func(start int, cur []Share)
		rec = func(start int, cur []Share) {
			if len(cur) == size {
				f(append([]Share(nil), cur...))
				return
			}
			for i := start; i < n; i++ {
				rec(i+1, append(cur, shares[i]))
			}
		}
		rec(0, nil)
	}
	count := 0
	subsets(k, func(ss []Share) {
		count++
		// Through the text form, as custodians hand them back.
		var parsed []Share
		for _, s := range ss {
			p, err := ParseShare(s.Format())
			if err != nil {
				t.Fatal(err)
			}
			parsed = append(parsed, p)
		}
		b, err := Combine(parsed)
		if err != nil {
			t.Fatal(err)
		}
		got, err := FromSecret(b)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := got.Open(sealed)
		if err != nil || string(plain) != "[SINTÉTICO] CANARIO-shares" {
			t.Fatalf("shares %v: rebuilt keys do not open: %v", indexes(ss), err)
		}
		if !bytes.Equal(got.Marshal(), keys.Marshal()) {
			t.Fatalf("shares %v: rebuilt key file differs", indexes(ss))
		}
	})
	if count != 10 {
		t.Fatalf("%d subsets of 3, want 10", count)
	}
	subsets(k-1, func(ss []Share) {
		if _, err := Combine(ss); err == nil {
			t.Fatalf("shares %v: Combine accepted fewer than k", indexes(ss))
		}
		b := interpolate(ss)
		if bytes.Equal(b, secret) {
			t.Fatalf("shares %v: k-1 shares gave the secret", indexes(ss))
		}
		if got, err := FromSecret(b); err == nil {
			if _, err := got.Open(sealed); err == nil {
				t.Fatalf("shares %v: k-1 shares opened sealed data", indexes(ss))
			}
		}
		// Not even the fixed layout bytes survive.
		if bytes.Contains(b, []byte("AGE-SECRET-KEY")) {
			t.Fatalf("shares %v: k-1 shares reveal part of the secret", indexes(ss))
		}
	})
}

func indexes(ss []Share) []int {
	var out []int
	for _, s := range ss {
		out = append(out, s.Index)
	}
	return out
}

func TestShareErrors(t *testing.T) {
	keys := sampleKeys(t)
	secret, _ := keys.Secret()
	a, _ := Split(secret, 2, 3)
	b, _ := Split(secret, 2, 3)
	line := a[0].String()
	// A typo in the payload is caught by the checksum.
	i := len("VIGIA-SHARE-1-K2-I1-00000000-") + 3
	swap := "A"
	if line[i] == 'A' {
		swap = "B"
	}
	typo := line[:i] + swap + line[i+1:]
	for _, c := range []struct{ name, text, want string }{
		{"typo", typo, "checksum"},
		{"not a share", "hello", "not a Vigía key share"},
		{"missing part", strings.Join(strings.Split(line, "-")[:7], "-"), "want 5 parts"},
		{"k=1", strings.Replace(line, "-K2-", "-K1-", 1), "below 2"},
		{"index 0", strings.Replace(line, "-I1-", "-I0-", 1), "from 1 to 255"},
		{"leading zero", strings.Replace(line, "-I1-", "-I01-", 1), "from 1 to 255"},
	} {
		if _, err := ParseShare(c.text); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
	// Lower case, spaces and comments are fine.
	if _, err := ParseShare("# custodian copy\n" + strings.ToLower(a[1].Format())); err != nil {
		t.Errorf("lower-case formatted share: %v", err)
	}
	altered := a[2]
	altered.Data = append([]byte(nil), a[2].Data...)
	altered.Data[5] ^= 1
	if got, err := Combine([]Share{a[2], a[0], a[1]}); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("three consistent shares: %v", err)
	}
	for _, c := range []struct {
		name   string
		shares []Share
		want   string
	}{
		{"mixed splits", []Share{a[0], b[1]}, "another split"},
		{"twice", []Share{a[0], a[0]}, "twice"},
		{"too few", []Share{a[0]}, "2 needed"},
		{"altered", []Share{a[0], a[1], altered}, "does not agree"},
	} {
		if _, err := Combine(c.shares); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := Split(secret, 1, 3); err == nil {
		t.Error("Split accepted k=1")
	}
	if _, err := Split(secret, 4, 3); err == nil {
		t.Error("Split accepted k>n")
	}
	if _, err := keys.Intake().Secret(); err == nil {
		t.Error("intake keys (no private key) were split")
	}
}

// Retired keys travel in the shares too, so a split taken mid-rotation
// still opens everything.
func TestSharesKeepRetiredKeys(t *testing.T) {
	old := sampleKeys(t)
	sealedOld, _ := old.Seal([]byte("old"))
	k, err := old.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := k.Secret()
	shares, _ := Split(secret, 2, 2)
	b, err := Combine(shares)
	if err != nil {
		t.Fatal(err)
	}
	got, err := FromSecret(b)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := got.Open(sealedOld); err != nil || string(p) != "old" {
		t.Fatalf("retired key lost in the shares: %v", err)
	}
	if !bytes.Equal(got.Marshal(), k.Marshal()) {
		t.Fatal("rebuilt key file differs")
	}
}

func FuzzShareText(f *testing.F) {
	keys, err := Generate()
	if err != nil {
		f.Fatal(err)
	}
	secret, _ := keys.Secret()
	shares, _ := Split(secret, 2, 3)
	f.Add(shares[0].String())
	f.Add(shares[1].Format())
	f.Add("# comment\nVIGIA-SHARE-1-K2-I1-00000000-AA-00000000")
	f.Add("VIGIA-SHARE-1-K300-I-1--")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseShare(text)
		if err != nil {
			return
		}
		if s.K < 2 || s.Index < 1 || s.Index > 255 || len(s.Data) == 0 {
			t.Fatalf("accepted an impossible share: %+v", s)
		}
		again, err := ParseShare(s.String())
		if err != nil {
			t.Fatalf("a parsed share does not parse again: %v", err)
		}
		if again.K != s.K || again.Index != s.Index || again.Set != s.Set || !bytes.Equal(again.Data, s.Data) {
			t.Fatalf("round trip changed the share: %+v != %+v", again, s)
		}
		// Combining anything parsed must never panic.
		Combine([]Share{s, again})
		FromSecret(s.Data)
	})
}

// FuzzShareFields builds shares with a valid checksum around arbitrary
// fields, so that the parser past the checksum is exercised too.
func FuzzShareFields(f *testing.F) {
	f.Add("K2", "I1", "00000000", "AAAA")
	f.Add("K3", "I255", "DEADBEEF", "MZXW6YTBOI")
	f.Add("K0", "I-1", "xyz", "====")
	f.Fuzz(func(t *testing.T, k, i, set, payload string) {
		head := sharePrefix + "-" + k + "-" + i + "-" + set
		text := head + "-" + payload + "-" + shareCheck(strings.ToUpper(head), strings.ToUpper(payload))
		s, err := ParseShare(text)
		if err != nil {
			return
		}
		again, err := ParseShare(s.Format())
		if err != nil || again.K != s.K || again.Index != s.Index || again.Set != s.Set || !bytes.Equal(again.Data, s.Data) {
			t.Fatalf("round trip of %q: %+v, %v", text, again, err)
		}
		other := s
		other.Index = s.Index%255 + 1
		Combine([]Share{s, other, s})
		Combine([]Share{s, other})
	})
}

func TestRotateKeys(t *testing.T) {
	old := sampleKeys(t)
	sealedOld, _ := old.Seal([]byte("before"))
	reply, _ := Generate()
	sealedBoth, _ := old.Seal([]byte("reply"), reply.Recipient())
	k, err := old.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if k.Recipient() == old.Recipient() || !k.Rotating() {
		t.Fatal("Rotate kept the key pair")
	}
	if k.Current(sealedOld) {
		t.Fatal("old data counts as current")
	}
	// Retired keys survive the key file.
	k2, err := Parse("test", k.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if p, err := k2.Open(sealedOld); err != nil || string(p) != "before" {
		t.Fatalf("retired key does not open: %v", err)
	}
	re, err := k2.Reseal(sealedBoth, reply.Recipient())
	if err != nil || re == nil {
		t.Fatalf("reseal: %v", err)
	}
	if again, err := k2.Reseal(re, reply.Recipient()); err != nil || again != nil {
		t.Fatalf("resealing current data: %v %v", again, err)
	}
	done := k2.Retire()
	if p, err := done.Open(re); err != nil || string(p) != "reply" {
		t.Fatalf("new key does not open resealed data: %v", err)
	}
	if p, err := reply.Open(re); err != nil || string(p) != "reply" {
		t.Fatalf("the extra recipient lost access: %v", err)
	}
	if _, err := done.Open(sealedOld); err == nil {
		t.Fatal("finished keys still open data sealed to the retired key")
	}
	if _, err := old.Open(re); err == nil {
		t.Fatal("the old key opens resealed data")
	}
	if strings.Contains(string(k2.Intake().Marshal()), "SECRET") {
		t.Fatal("the intake file holds a retired private key")
	}
	if len(k2.RetiredKeys()) != 1 || k2.RetiredKeys()[0].Recipient() != old.Recipient() {
		t.Fatal("RetiredKeys")
	}
}
