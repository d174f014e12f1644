// Package audit defines the hotline's tamper-evident log: every read and
// write of case data is an entry whose hash covers the entry before it, so
// that editing, inserting or deleting an entry anywhere breaks the chain
// from that point on. The store appends entries in the same transaction as
// the change they record; Verify walks the chain.
//
// A hash chain alone can be recomputed whole, or cut at the tail, by anyone
// who can write to the database. So each entry also gets a MAC under a key
// only the console holds: a rewritten entry's MAC cannot be made again, and
// a head (sequence number and MAC) copied outside the system shows whether
// the log was cut short. The intake, which holds no such key, appends
// entries without a MAC; the console MACs them, in order, when it next
// appends one of its own, so MACed entries always come first and the
// unMACed ones are a short tail.
//
// Entries hold ids and actions, never personal data or free text.
package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Genesis is the previous hash of the first entry.
var Genesis = strings.Repeat("0", 64)

// Event is what happened, before it has a place in the chain.
type Event struct {
	Actor  string // "staff:12", "intake", "system"
	Action string // "report.create", "case.read", ...
	Object string // "report:7", "case:3"
	Detail string // ids and values from fixed vocabularies only
}

// Entry is an event in the chain.
type Entry struct {
	Seq int64
	At  string // RFC 3339, UTC
	Event
	Prev string
	Hash string
	// MAC is the keyed MAC of the entry ("" until the console makes it).
	MAC string
}

// Sum computes the entry's hash from its fields and the previous hash.
// Fields are length-prefixed so that no two entries encode alike.
func (e Entry) Sum() string {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	h.Write(n[:])
	for _, f := range []string{e.At, e.Actor, e.Action, e.Object, e.Detail, e.Prev} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Next makes the entry that follows prev (nil for the first).
func Next(prev *Entry, at string, ev Event) Entry {
	e := Entry{Seq: 1, At: at, Event: ev, Prev: Genesis}
	if prev != nil {
		e.Seq, e.Prev = prev.Seq+1, prev.Hash
	}
	e.Hash = e.Sum()
	return e
}

// MAC is an entry's keyed MAC, over its sequence number and hash. The hash
// covers every entry before it, so one MAC vouches for the whole log up to
// that entry.
func MAC(key []byte, seq int64, hash string) string {
	m := hmac.New(sha256.New, key)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(seq))
	m.Write([]byte("vigia audit mac v1\x00"))
	m.Write(n[:])
	m.Write([]byte(hash))
	return hex.EncodeToString(m.Sum(nil))
}

// Head is a keyed head of the log, written SEQ:MAC, to be kept outside the
// system (printed, mailed to oversight) and given back to Verify, which
// then notices a log cut short before SEQ or rewritten up to it.
type Head struct {
	Seq int64
	MAC string
}

func (h Head) String() string { return fmt.Sprintf("%d:%s", h.Seq, h.MAC) }

// ParseHead reads SEQ:MAC.
func ParseHead(s string) (Head, error) {
	seq, mac, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 {
		return Head{}, fmt.Errorf("audit: head %q: want SEQ:MAC, as `vigia audit head` prints it", s)
	}
	if b, err := hex.DecodeString(mac); err != nil || len(b) != sha256.Size {
		return Head{}, fmt.Errorf("audit: head %q: the MAC must be 64 hex digits", s)
	}
	return Head{Seq: n, MAC: strings.ToLower(mac)}, nil
}

// Break says where and why a chain is broken.
type Break struct {
	Seq    int64
	Reason string
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", b.Seq, b.Reason)
}

// Verifier checks entries one at a time, in order, so that a log of any
// length is verified in constant memory. Without Key it checks the hash
// chain only; with Key it checks every MAC too, and that the MACed entries
// come first. With Want it checks the head kept outside; call Finish after
// the last entry.
type Verifier struct {
	Key  []byte
	Want *Head

	prev     *Entry
	n        int64
	sealed   int64
	unsealed int64
	head     Head // the last MACed entry
	wantSeen bool
}

// Add checks the next entry.
func (v *Verifier) Add(e Entry) error {
	wantSeq, wantPrev := int64(1), Genesis
	if v.prev != nil {
		wantSeq, wantPrev = v.prev.Seq+1, v.prev.Hash
	}
	switch {
	case e.Seq != wantSeq:
		return &Break{wantSeq, fmt.Sprintf("entry %d missing (found %d)", wantSeq, e.Seq)}
	case e.Prev != wantPrev:
		return &Break{e.Seq, "does not follow the entry before it (that one, or this link, was changed)"}
	case e.Sum() != e.Hash:
		return &Break{e.Seq, "its contents were changed"}
	}
	if v.Key != nil {
		switch {
		case e.MAC == "":
			v.unsealed++
		case v.unsealed > 0:
			return &Break{e.Seq, "has a MAC but an entry before it has none (a MAC was removed)"}
		case !hmac.Equal([]byte(e.MAC), []byte(MAC(v.Key, e.Seq, e.Hash))):
			return &Break{e.Seq, "its MAC does not match: this entry, or the log before it, was rewritten without the console's key"}
		default:
			v.sealed++
			v.head = Head{e.Seq, e.MAC}
		}
	}
	if v.Want != nil && e.Seq == v.Want.Seq {
		if !hmac.Equal([]byte(e.MAC), []byte(v.Want.MAC)) {
			return &Break{e.Seq, "differs from the head kept outside the system: the log was rewritten up to here"}
		}
		v.wantSeen = true
	}
	v.prev = &e
	v.n++
	return nil
}

// Finish reports a head kept outside that the log no longer reaches.
func (v *Verifier) Finish() error {
	if v.Want != nil && !v.wantSeen {
		return &Break{v.Want.Seq, fmt.Sprintf("missing: the log ends at entry %d, before the head kept outside the system (it was cut short)", v.n)}
	}
	return nil
}

// Count is how many entries were verified.
func (v *Verifier) Count() int64 { return v.n }

// Sealed and Unsealed count the verified entries with and without a MAC
// (with Key only): the unsealed ones are the tail the intake wrote since
// the console last appended.
func (v *Verifier) Sealed() int64   { return v.sealed }
func (v *Verifier) Unsealed() int64 { return v.unsealed }

// KeyedHead is the last MACed entry (with Key only; Seq 0 if none).
func (v *Verifier) KeyedHead() Head { return v.head }

// Head is the hash of the last verified entry.
func (v *Verifier) Head() string {
	if v.prev == nil {
		return Genesis
	}
	return v.prev.Hash
}
