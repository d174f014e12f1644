package desk

import (
	"context"
	"errors"
	"strings"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/store"
)

// seedDirectory fills an empty directory from the bundled file, once.
func (d *Desk) seedDirectory(ctx context.Context) error {
	b, err := hotline.BundledDirectory()
	if err != nil {
		return err
	}
	entries := make([]store.DirectoryEntry, len(b))
	for i, in := range b {
		entries[i] = store.DirectoryEntry{State: in.State, Kind: in.Kind, Name: in.Name, Phone: in.Phone, Source: in.Source, Verified: in.Verified, Note: in.Note, Active: true}
	}
	_, err = d.st.SeedDirectory(ctx, entries, audit.Event{Actor: "system", Action: "directory.seed", Object: "institutions"})
	return err
}

// Directory lists the referral directory: for a case's state (the active
// entries of that state and the national ones) to those who work cases,
// or, with state 0, all of it to those who keep it.
func (d *Desk) Directory(ctx context.Context, a Actor, state int) ([]store.DirectoryEntry, error) {
	switch {
	case state == 0 && !Can(a, ManageDirectory):
		return nil, ErrForbidden
	case state != 0 && !Can(a, WorkCase) && !Can(a, ManageDirectory):
		return nil, ErrForbidden
	}
	if err := d.seedDirectory(ctx); err != nil {
		return nil, err
	}
	return d.st.Directory(ctx, state)
}

// DirectoryEntry returns one active entry, for a referral.
func (d *Desk) DirectoryEntry(ctx context.Context, a Actor, id int64) (store.DirectoryEntry, error) {
	if !Can(a, WorkCase) {
		return store.DirectoryEntry{}, ErrForbidden
	}
	e, err := d.st.DirectoryEntryByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && !e.Active {
		return e, &InputError{"directory", "unknown institution"}
	}
	return e, err
}

// SaveDirectoryEntry adds an entry (ID 0) or corrects one; administrators
// keep the directory.
func (d *Desk) SaveDirectoryEntry(ctx context.Context, a Actor, e store.DirectoryEntry) (int64, error) {
	if err := mustCan(a, ManageDirectory); err != nil {
		return 0, err
	}
	e.Name, e.Phone, e.Source, e.Note = strings.TrimSpace(e.Name), strings.TrimSpace(e.Phone), strings.TrimSpace(e.Source), strings.TrimSpace(e.Note)
	in := hotline.Institution{State: e.State, Kind: e.Kind, Name: e.Name, Phone: e.Phone, Source: e.Source, Note: e.Note}
	if f, ok := in.Validate(); !ok {
		return 0, &InputError{f, "invalid"}
	}
	if err := d.seedDirectory(ctx); err != nil {
		return 0, err
	}
	action := "directory.update"
	if e.ID == 0 {
		action = "directory.add"
	}
	id, err := d.st.SaveDirectoryEntry(ctx, e, a.ev(action, "institution:{id}"))
	if errors.Is(err, store.ErrNotFound) {
		return 0, ErrNotFound
	}
	return id, err
}
