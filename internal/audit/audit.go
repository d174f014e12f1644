// Package audit defines the hotline's tamper-evident log: every read and
// write of case data is an entry whose hash covers the entry before it, so
// that editing, inserting or deleting an entry anywhere breaks the chain
// from that point on. The store appends entries in the same transaction as
// the change they record; Verify walks the chain.
//
// Entries hold ids and actions, never personal data or free text.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
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

// Break says where and why a chain is broken.
type Break struct {
	Seq    int64
	Reason string
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", b.Seq, b.Reason)
}

// Verifier checks entries one at a time, in order, so that a log of any
// length is verified in constant memory.
type Verifier struct {
	prev *Entry
	n    int64
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
	v.prev = &e
	v.n++
	return nil
}

// Count is how many entries were verified.
func (v *Verifier) Count() int64 { return v.n }

// Head is the hash of the last verified entry, to be kept elsewhere (printed,
// signed, mailed to oversight) so that truncating the log is noticed too.
func (v *Verifier) Head() string {
	if v.prev == nil {
		return Genesis
	}
	return v.prev.Hash
}
