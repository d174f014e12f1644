// Package seal keeps the hotline's personal data unreadable at rest.
//
// Reports are sealed with age (X25519) to the hotline's public key: the
// internet-facing intake holds only that public key, so a compromised intake
// cannot read past reports; the console holds the private key. Receipts are
// never stored: a slow, keyed hash (Argon2id salted with a secret pepper kept
// outside the database) gives a lookup value and a key that unwraps the
// reporter's own reply key, so staff replies are readable with the receipt
// and nothing else. Searchable fields (phones, WhatsApp links) are stored as
// keyed blind indexes (HMAC-SHA256), which match exactly and reveal nothing
// without the index key.
package seal

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// ErrNoIdentity is returned when opening sealed data in a process that holds
// only the public key (the intake role).
var ErrNoIdentity = errors.New("seal: this process holds only the public key and cannot read sealed data")

// Keys are one hotline's keys.
type Keys struct {
	recipient *age.X25519Recipient
	identity  *age.X25519Identity // nil in the intake role
	pepper    []byte              // receipts and rate-limit keys
	index     []byte              // blind indexes
	// Receipt is the Argon2id cost of receipts.
	Receipt ReceiptCost

	// retired are earlier private keys kept during a rotation, so that
	// data sealed to them still opens (rotate.go).
	retired []*age.X25519Identity
}

// ReceiptCost is the Argon2id cost of deriving a receipt's lookup value.
// Receipts carry 53 bits of entropy (16 random digits) and are salted with a
// pepper that is not in the database, so the cost guards against a stolen
// database plus key file; it is kept low enough that 200 people reporting at
// once are not kept waiting (bench/hotline).
type ReceiptCost struct {
	Time    uint32
	MemoryK uint32 // KiB
}

// DefaultReceiptCost is about 0.6 ms of one core (512 KiB fits in the
// cache; 1 MiB took 1.4 ms and halved the intake's throughput,
// bench/README.md). Enumerating half of the 10^16 receipts would still take
// some 10^5 core-years with the pepper stolen, and cannot start without it.
var DefaultReceiptCost = ReceiptCost{Time: 1, MemoryK: 512}

// file is the on-disk form of the keys. The intake file has no identity.
type file struct {
	Version   int    `json:"version"`
	Recipient string `json:"recipient"`
	Identity  string `json:"identity,omitempty"`
	Pepper    string `json:"pepper"`
	Index     string `json:"index,omitempty"`

	Retired []string `json:"retired,omitempty"` // during a rotation
}

// Generate makes a new set of console keys.
func Generate() (*Keys, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("generating the hotline key: %w", err)
	}
	k := &Keys{recipient: id.Recipient(), identity: id, pepper: make([]byte, 32), index: make([]byte, 32), Receipt: DefaultReceiptCost}
	if _, err := rand.Read(k.pepper); err != nil {
		return nil, err
	}
	if _, err := rand.Read(k.index); err != nil {
		return nil, err
	}
	return k, nil
}

// Intake returns the keys as the intake process should hold them: without
// the private key, and without the index key (with it, a compromised intake
// could hash every Mexican phone number, 10^10 of them, and find which
// reports hold which). Tokens are made by the console (desk.IndexPending).
func (k *Keys) Intake() *Keys {
	c := *k
	c.identity = nil
	c.index = nil
	c.retired = nil
	return &c
}

// CanIndex reports whether these keys make blind indexes (console only).
func (k *Keys) CanIndex() bool { return len(k.index) == 32 }

// CanOpen reports whether these keys can read sealed data.
func (k *Keys) CanOpen() bool { return k.identity != nil }

// Recipient is the public key, as an age recipient string.
func (k *Keys) Recipient() string { return k.recipient.String() }

// Marshal encodes the keys for a key file.
func (k *Keys) Marshal() []byte {
	f := file{Version: 1, Recipient: k.recipient.String(), Pepper: hex.EncodeToString(k.pepper)}
	if k.CanIndex() {
		f.Index = hex.EncodeToString(k.index)
	}
	if k.identity != nil {
		f.Identity = k.identity.String()
		for _, r := range k.retired {
			f.Retired = append(f.Retired, r.String())
		}
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	return append(b, '\n')
}

// Parse decodes a key file; name is used in errors.
func Parse(name string, b []byte) (*Keys, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: reading hotline keys: %w", name, err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("%s: field version: unsupported key file version %d", name, f.Version)
	}
	k := &Keys{Receipt: DefaultReceiptCost}
	var err error
	if k.recipient, err = age.ParseX25519Recipient(f.Recipient); err != nil {
		return nil, fmt.Errorf("%s: field recipient: %w", name, err)
	}
	if f.Identity != "" {
		if k.identity, err = age.ParseX25519Identity(f.Identity); err != nil {
			return nil, fmt.Errorf("%s: field identity: not an age secret key", name)
		}
		if k.identity.Recipient().String() != f.Recipient {
			return nil, fmt.Errorf("%s: field identity: does not match the recipient", name)
		}
	}
	for i, r := range f.Retired {
		id, err := age.ParseX25519Identity(r)
		if err != nil || k.identity == nil {
			return nil, fmt.Errorf("%s: field retired[%d]: not an age secret key beside a current one", name, i)
		}
		k.retired = append(k.retired, id)
	}
	if k.pepper, err = hex.DecodeString(f.Pepper); err != nil || len(k.pepper) != 32 {
		return nil, fmt.Errorf("%s: field pepper: want 64 hex digits", name)
	}
	if f.Index != "" || k.identity != nil {
		if k.index, err = hex.DecodeString(f.Index); err != nil || len(k.index) != 32 {
			return nil, fmt.Errorf("%s: field index: want 64 hex digits", name)
		}
	}
	return k, nil
}

// Load reads a key file. With create set and no file there, it generates
// console keys and writes them with mode 0600 (and the intake's copy, without
// the private key, beside it as NAME.intake).
func Load(path string, create bool) (*Keys, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		k, err := Generate()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("creating the key folder: %w", err)
		}
		if err := writeNew(path, k.Marshal()); err != nil {
			return nil, err
		}
		if err := writeNew(path+".intake", k.Intake().Marshal()); err != nil && !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading hotline keys: %w", err)
	}
	return Parse(path, b)
}

func writeNew(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("writing hotline keys: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("writing hotline keys: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Seal encrypts plaintext to the hotline and to any extra recipients (a
// reporter's reply key).
func (k *Keys) Seal(plaintext []byte, extra ...string) ([]byte, error) {
	rs := []age.Recipient{k.recipient}
	for _, e := range extra {
		r, err := age.ParseX25519Recipient(e)
		if err != nil {
			return nil, fmt.Errorf("sealing: bad recipient: %w", err)
		}
		rs = append(rs, r)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rs...)
	if err != nil {
		return nil, fmt.Errorf("sealing: %w", err)
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, fmt.Errorf("sealing: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("sealing: %w", err)
	}
	return buf.Bytes(), nil
}

// Open decrypts data sealed to the hotline.
func (k *Keys) Open(sealed []byte) ([]byte, error) {
	if k.identity == nil {
		return nil, ErrNoIdentity
	}
	ids := []age.Identity{k.identity}
	for _, r := range k.retired {
		ids = append(ids, r)
	}
	return open(sealed, ids...)
}

func open(sealed []byte, ids ...age.Identity) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(sealed), ids...)
	if err != nil {
		return nil, fmt.Errorf("opening sealed data: %w", err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("opening sealed data: %w", err)
	}
	return b, nil
}

// Index is a blind index of a value within a kind ("phone", "whatsapp"):
// equal values give equal indexes, and nothing can be learnt from one
// without the index key.
func (k *Keys) Index(kind, value string) string {
	if !k.CanIndex() {
		panic("seal: Index called with intake keys (no index key)")
	}
	m := hmac.New(sha256.New, k.index)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Daily is a keyed hash of a value that changes every day (day is
// "2006-01-02"), for rate limiting by network address without storing it.
func (k *Keys) Daily(day, value string) string {
	m := hmac.New(sha256.New, k.pepper)
	m.Write([]byte("daily\x00" + day + "\x00" + value))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// ReceiptDigits is the length of a receipt.
const ReceiptDigits = 16

// NewReceipt returns a uniformly random 16-digit receipt.
func NewReceipt() (string, error) {
	max := new(big.Int).Exp(big.NewInt(10), big.NewInt(ReceiptDigits), nil)
	n, err := rand.Int(rand.Reader, max)
	if err != nil {
		return "", fmt.Errorf("making a receipt: %w", err)
	}
	return fmt.Sprintf("%016d", n), nil
}

// NormalizeReceipt strips spaces and dashes a person may type and checks
// the result is 16 digits.
func NormalizeReceipt(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\t':
		default:
			return "", false
		}
	}
	if b.Len() != ReceiptDigits {
		return "", false
	}
	return b.String(), true
}

// Receipt is what a receipt derives: the lookup value stored in place of the
// receipt, and the key that wraps the reporter's reply key.
type Receipt struct {
	Lookup []byte
	wrap   []byte
}

// DeriveReceipt runs the slow hash of a receipt.
func (k *Keys) DeriveReceipt(receipt string) Receipt {
	out := argon2.IDKey([]byte(receipt), k.pepper, k.Receipt.Time, k.Receipt.MemoryK, 1, 64)
	return Receipt{Lookup: out[:32], wrap: out[32:]}
}

// ReplyKey is a reporter's own key pair: replies are sealed to its public
// half; its private half is stored wrapped under the receipt.
type ReplyKey struct {
	Recipient string
	Wrapped   []byte
}

// NewReplyKey makes a reporter's reply key and wraps it under the receipt.
func (rc Receipt) NewReplyKey() (ReplyKey, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return ReplyKey{}, err
	}
	aead, err := chacha20poly1305.NewX(rc.wrap)
	if err != nil {
		return ReplyKey{}, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return ReplyKey{}, err
	}
	wrapped := aead.Seal(nonce, nonce, []byte(id.String()), []byte("vigia reply key v1"))
	return ReplyKey{Recipient: id.Recipient().String(), Wrapped: wrapped}, nil
}

// OpenReply decrypts a reply sealed to the reporter, given the wrapped key
// stored with the report.
func (rc Receipt) OpenReply(wrapped, sealed []byte) ([]byte, error) {
	id, err := rc.unwrap(wrapped)
	if err != nil {
		return nil, err
	}
	return open(sealed, id)
}

func (rc Receipt) unwrap(wrapped []byte) (*age.X25519Identity, error) {
	aead, err := chacha20poly1305.NewX(rc.wrap)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < aead.NonceSize() {
		return nil, errors.New("seal: wrapped reply key too short")
	}
	s, err := aead.Open(nil, wrapped[:aead.NonceSize()], wrapped[aead.NonceSize():], []byte("vigia reply key v1"))
	if err != nil {
		return nil, errors.New("seal: the receipt does not open this reply key")
	}
	return age.ParseX25519Identity(string(s))
}

// Fingerprint is a short public fingerprint of the keys, safe to log, so an
// operator can tell which key a process holds.
func (k *Keys) Fingerprint() string {
	s := sha256.Sum256([]byte(k.recipient.String()))
	return base64.RawURLEncoding.EncodeToString(s[:6])
}

// StaffMAC authenticates a staff account's row with a key derived from
// the private key, so that whoever can write to the database but holds only
// the public key (the intake) cannot plant or promote an account.
func (k *Keys) StaffMAC(fields ...string) (string, error) {
	return k.mac("vigia staff mac v1", fields)
}

// SessionMAC authenticates a console session's row the same way, under a
// key of its own: a row written into the sessions table by someone with
// write access to the database but without the private key does not sign
// anyone in.
func (k *Keys) SessionMAC(fields ...string) (string, error) {
	return k.mac("vigia session mac v1", fields)
}

// AuditKey is the key of the audit log's MACs (audit.MAC). It is derived
// from the index key, which only the console holds and which a rotation
// keeps, so MACs made before a rotation still check after it, and a key
// rebuilt from shares checks them too. Intake keys have none (nil).
func (k *Keys) AuditKey() []byte {
	if !k.CanIndex() {
		return nil
	}
	key := sha256.Sum256(append([]byte("vigia audit mac v1\x00"), k.index...))
	return key[:]
}

// mac is an HMAC of length-prefixed fields under a key derived from the
// private key and a label that keeps each use apart.
func (k *Keys) mac(label string, fields []string) (string, error) {
	if k.identity == nil {
		return "", ErrNoIdentity
	}
	key := sha256.Sum256([]byte(label + "\x00" + k.identity.String()))
	m := hmac.New(sha256.New, key[:])
	for _, f := range fields {
		fmt.Fprintf(m, "%d:%s", len(f), f)
	}
	return hex.EncodeToString(m.Sum(nil)), nil
}
