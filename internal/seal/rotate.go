package seal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"filippo.io/age"
)

// A rotation replaces the hotline's key pair. The pepper and the index key
// stay: every receipt in a reporter's hands derives from the pepper, and
// every stored token from the index key, so changing either would cut
// reporters off and orphan the tokens. The old private key is kept as
// "retired" in the key file until the rotation is finished, so that data
// sealed to it (by an intake not yet given the new public key, or not yet
// re-sealed) still opens.

// Rotate returns keys with a new key pair, the same pepper and index key,
// and the current private key (with any already retired) kept as retired.
func (k *Keys) Rotate() (*Keys, error) {
	if k.identity == nil {
		return nil, ErrNoIdentity
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("generating the hotline key: %w", err)
	}
	n := *k
	n.identity, n.recipient = id, id.Recipient()
	n.retired = append([]*age.X25519Identity{k.identity}, k.retired...)
	return &n, nil
}

// Retire returns the keys without their retired private keys: what the key
// file holds once a rotation is finished.
func (k *Keys) Retire() *Keys {
	n := *k
	n.retired = nil
	return &n
}

// Rotating reports whether the keys still hold retired private keys.
func (k *Keys) Rotating() bool { return len(k.retired) > 0 }

// RetiredKeys returns one set of keys per retired private key, as it was
// when current, to check what was signed with it (staff rows).
func (k *Keys) RetiredKeys() []*Keys {
	var out []*Keys
	for _, id := range k.retired {
		n := *k
		n.identity, n.recipient, n.retired = id, id.Recipient(), nil
		out = append(out, &n)
	}
	return out
}

// Current reports whether sealed data opens with the current private key
// alone. Only the header is read, so it is cheap.
func (k *Keys) Current(sealed []byte) bool {
	if k.identity == nil {
		return false
	}
	_, err := age.Decrypt(bytes.NewReader(sealed), k.identity)
	return err == nil
}

// Reseal re-encrypts data sealed to a retired key to the current key (and
// to the extra recipients it was sealed to, such as a reporter's reply key,
// which the caller names). It returns nil when the data already opens with
// the current key.
func (k *Keys) Reseal(sealed []byte, extra ...string) ([]byte, error) {
	if k.Current(sealed) {
		return nil, nil
	}
	plain, err := k.Open(sealed)
	if err != nil {
		return nil, err
	}
	return k.Seal(plain, extra...)
}

// WriteFile replaces a key file (and NAME.intake beside it) atomically:
// each is written to a temporary file with mode 0600, synced, and renamed
// over the old one, so that a crash leaves the old or the new file, never
// half of one.
func (k *Keys) WriteFile(path string) error {
	if k.identity == nil {
		return ErrNoIdentity
	}
	// The full key first: if the intake's copy were written first and the
	// process died, the intake could seal to a key nobody holds.
	if err := replaceFile(path, k.Marshal()); err != nil {
		return err
	}
	return replaceFile(path+".intake", k.Intake().Marshal())
}

func replaceFile(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".vigia-key-*")
	if err != nil {
		return fmt.Errorf("writing hotline keys: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("writing hotline keys: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("writing hotline keys: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing hotline keys: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing hotline keys: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing hotline keys: %w", err)
	}
	ok = true
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteNew writes a key file that must not exist yet (mode 0600), and its
// intake copy beside it when that is missing too.
func (k *Keys) WriteNew(path string) error {
	if k.identity == nil {
		return ErrNoIdentity
	}
	if err := writeNew(path, k.Marshal()); err != nil {
		return err
	}
	if err := writeNew(path+".intake", k.Intake().Marshal()); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}
