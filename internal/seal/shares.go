package seal

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"filippo.io/age"
)

// The console's keys can be split among custodians with Shamir's secret
// sharing over GF(2^8): each byte of the secret is the constant term of a
// random polynomial of degree k-1, and share i holds every polynomial's
// value at x = i. Any k shares determine the polynomials; k-1 or fewer are
// consistent with every possible secret, each equally likely, so they
// reveal nothing about it.
//
// A share is one line of text: a version, the threshold, the share's index,
// a random set id (so shares of different splits are not mixed up), the
// payload in base32 and a checksum of all of it (so a share copied by hand
// with a typo is refused before it is combined):
//
//	VIGIA-SHARE-1-K3-I2-5F3A9C1B-<BASE32>-<CHECK>
//
// Whitespace anywhere is ignored, so the payload can be printed in groups.

// Share is one custodian's part of a secret.
type Share struct {
	K     int     // shares needed to rebuild the secret
	Index int     // x, 1 to 255
	Set   [4]byte // the same for every share of one split
	Data  []byte  // one byte per byte of the secret
}

const sharePrefix = "VIGIA-SHARE-1"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// gfMul multiplies in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (AES's
// polynomial), without branches or tables that depend on the values, so
// that its timing says nothing about the secret.
func gfMul(a, b byte) byte {
	var p byte
	for i := 0; i < 8; i++ {
		p ^= -(b & 1) & a
		hi := -(a >> 7)
		a = a<<1 ^ (0x1b & hi)
		b >>= 1
	}
	return p
}

// gfInv is a^254 = a^-1 (and 0 for 0).
func gfInv(a byte) byte {
	// a^254 = a^(2+4+8+16+32+64+128)
	r := byte(1)
	sq := gfMul(a, a)
	for i := 0; i < 7; i++ {
		r = gfMul(r, sq)
		sq = gfMul(sq, sq)
	}
	return r
}

// Split divides secret into n shares, any k of which rebuild it.
func Split(secret []byte, k, n int) ([]Share, error) {
	if k < 2 || n < k || n > 255 {
		return nil, fmt.Errorf("seal: split: want 2 ≤ k ≤ n ≤ 255, got k=%d n=%d", k, n)
	}
	if len(secret) == 0 {
		return nil, errors.New("seal: split: empty secret")
	}
	var set [4]byte
	if _, err := rand.Read(set[:]); err != nil {
		return nil, err
	}
	shares := make([]Share, n)
	for i := range shares {
		shares[i] = Share{K: k, Index: i + 1, Set: set, Data: make([]byte, len(secret))}
	}
	coef := make([]byte, k)
	defer clear(coef)
	for j, s := range secret {
		coef[0] = s
		if _, err := rand.Read(coef[1:]); err != nil {
			return nil, err
		}
		for i := range shares {
			// Horner's rule at x = index.
			x := byte(shares[i].Index)
			var y byte
			for c := k - 1; c >= 0; c-- {
				y = gfMul(y, x) ^ coef[c]
			}
			shares[i].Data[j] = y
		}
	}
	return shares, nil
}

// Combine rebuilds the secret from k or more shares of one split.
func Combine(shares []Share) ([]byte, error) {
	if len(shares) == 0 {
		return nil, errors.New("seal: combine: no shares")
	}
	first := shares[0]
	seen := map[int]bool{}
	for _, s := range shares {
		switch {
		case s.Set != first.Set:
			return nil, fmt.Errorf("seal: combine: share %d comes from another split (set %X, not %X)", s.Index, s.Set, first.Set)
		case s.K != first.K:
			return nil, fmt.Errorf("seal: combine: share %d says %d are needed, share %d says %d", s.Index, s.K, first.Index, first.K)
		case len(s.Data) != len(first.Data):
			return nil, fmt.Errorf("seal: combine: share %d has another length", s.Index)
		case seen[s.Index]:
			return nil, fmt.Errorf("seal: combine: share %d given twice", s.Index)
		}
		seen[s.Index] = true
	}
	if len(shares) < first.K {
		return nil, fmt.Errorf("seal: combine: %d shares given, %d needed", len(shares), first.K)
	}
	// Shares beyond k must lie on the same polynomials: one that does not
	// was altered (or belongs to another key split with the same id).
	base := shares[:first.K]
	for _, extra := range shares[first.K:] {
		if !bytes.Equal(interpolateAt(base, byte(extra.Index)), extra.Data) {
			return nil, fmt.Errorf("seal: combine: share %d does not agree with shares %v: one of them was altered", extra.Index, shareIndexes(base))
		}
	}
	return interpolate(base), nil
}

func shareIndexes(ss []Share) []int {
	var out []int
	for _, s := range ss {
		out = append(out, s.Index)
	}
	return out
}

// interpolate evaluates at x = 0 the polynomial through the shares'
// points (Lagrange). With fewer shares than the threshold the result is
// not the secret.
func interpolate(shares []Share) []byte { return interpolateAt(shares, 0) }

// interpolateAt evaluates at x the polynomials through the shares' points.
func interpolateAt(shares []Share, x byte) []byte {
	out := make([]byte, len(shares[0].Data))
	for i, si := range shares {
		// The Lagrange basis at x: prod over j≠i of (x - x_j) / (x_i - x_j);
		// subtraction is XOR in GF(2^8).
		num, den := byte(1), byte(1)
		xi := byte(si.Index)
		for j, sj := range shares {
			if i == j {
				continue
			}
			xj := byte(sj.Index)
			num = gfMul(num, x^xj)
			den = gfMul(den, xi^xj)
		}
		l := gfMul(num, gfInv(den))
		for b := range out {
			out[b] ^= gfMul(si.Data[b], l)
		}
	}
	return out
}

func (s Share) head() string {
	return fmt.Sprintf("%s-K%d-I%d-%X", sharePrefix, s.K, s.Index, s.Set)
}

func shareCheck(head, payload string) string {
	h := sha256.Sum256([]byte("vigia share\x00" + head + "\x00" + payload))
	return strings.ToUpper(hex.EncodeToString(h[:4]))
}

// String is the share on one line.
func (s Share) String() string {
	head, payload := s.head(), b32.EncodeToString(s.Data)
	return head + "-" + payload + "-" + shareCheck(head, payload)
}

// Format is the share for paper: the header on its own line, then the
// payload in groups of five, eight groups a line, then the checksum.
func (s Share) Format() string {
	head, payload := s.head(), b32.EncodeToString(s.Data)
	var b strings.Builder
	b.WriteString(head + "-\n")
	for i := 0; i < len(payload); i += 5 {
		end := min(i+5, len(payload))
		b.WriteString(payload[i:end])
		switch {
		case end == len(payload):
			b.WriteString("-\n")
		case (i/5)%8 == 7:
			b.WriteString("\n")
		default:
			b.WriteString(" ")
		}
	}
	b.WriteString(shareCheck(head, payload) + "\n")
	return b.String()
}

// ParseShare reads a share as String or Format wrote it. Lines starting
// with # are comments; whitespace is ignored; letters may be in any case.
func ParseShare(text string) (Share, error) {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, r := range line {
			switch r {
			case ' ', '\t', '\r', '\n':
			default:
				b.WriteRune(r)
			}
		}
	}
	s := strings.ToUpper(b.String())
	if !strings.HasPrefix(s, sharePrefix+"-") {
		return Share{}, errors.New("seal: not a Vigía key share (it must start with " + sharePrefix + ")")
	}
	parts := strings.Split(strings.TrimPrefix(s, sharePrefix+"-"), "-")
	if len(parts) != 5 {
		return Share{}, fmt.Errorf("seal: share: want 5 parts after %s, found %d", sharePrefix, len(parts))
	}
	var sh Share
	var err error
	if sh.K, err = shareNumber(parts[0], "K"); err != nil {
		return Share{}, err
	}
	if sh.Index, err = shareNumber(parts[1], "I"); err != nil {
		return Share{}, err
	}
	if sh.K < 2 {
		return Share{}, fmt.Errorf("seal: share: threshold K%d is below 2", sh.K)
	}
	set, err := hex.DecodeString(parts[2])
	if err != nil || len(set) != 4 {
		return Share{}, errors.New("seal: share: the set id must be 8 hex digits")
	}
	copy(sh.Set[:], set)
	head := sh.head()
	if got := shareCheck(head, parts[3]); got != parts[4] {
		return Share{}, fmt.Errorf("seal: share %d: checksum %s does not match (want %s): a character was mistyped", sh.Index, parts[4], got)
	}
	if sh.Data, err = b32.DecodeString(parts[3]); err != nil || len(sh.Data) == 0 {
		return Share{}, fmt.Errorf("seal: share %d: the payload is not base32", sh.Index)
	}
	return sh, nil
}

func shareNumber(s, prefix string) (int, error) {
	v, ok := strings.CutPrefix(s, prefix)
	n, err := strconv.Atoi(v)
	if !ok || err != nil || n < 1 || n > 255 || v != strconv.Itoa(n) {
		return 0, fmt.Errorf("seal: share: want %s followed by a number from 1 to 255, found %q", prefix, s)
	}
	return n, nil
}

// The secret split is the private keys, the pepper and the index key,
// compactly, so that a share stays short enough to copy by hand:
//
//	version (1) · count (1) · per identity: length (1), "AGE-SECRET-KEY-1…" · pepper (32) · index (32)
const secretVersion = 1

// Secret is the console keys as the bytes Split divides.
func (k *Keys) Secret() ([]byte, error) {
	if k.identity == nil || !k.CanIndex() {
		return nil, errors.New("seal: only the console's keys (with the private key) can be split")
	}
	ids := append([]*age.X25519Identity{k.identity}, k.retired...)
	b := []byte{secretVersion, byte(len(ids))}
	for _, id := range ids {
		s := id.String()
		b = append(b, byte(len(s)))
		b = append(b, s...)
	}
	b = append(b, k.pepper...)
	return append(b, k.index...), nil
}

// FromSecret rebuilds console keys from Secret's bytes.
func FromSecret(b []byte) (*Keys, error) {
	bad := errors.New("seal: the combined shares are not a hotline key (shares of different keys, or too few?)")
	if len(b) < 2 || b[0] != secretVersion || b[1] == 0 {
		return nil, bad
	}
	n, rest := int(b[1]), b[2:]
	var ids []*age.X25519Identity
	for range n {
		if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
			return nil, bad
		}
		id, err := age.ParseX25519Identity(string(rest[1 : 1+int(rest[0])]))
		if err != nil {
			return nil, bad
		}
		ids = append(ids, id)
		rest = rest[1+int(rest[0]):]
	}
	if len(rest) != 64 {
		return nil, bad
	}
	return &Keys{
		recipient: ids[0].Recipient(), identity: ids[0], retired: ids[1:],
		pepper: append([]byte(nil), rest[:32]...), index: append([]byte(nil), rest[32:]...),
		Receipt: DefaultReceiptCost,
	}, nil
}
