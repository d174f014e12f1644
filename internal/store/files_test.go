package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// A new SQLite database, and the log and shared-memory files beside it,
// are readable by their owner only: they hold the hotline's sealed reports
// and its audit log.
func TestSQLiteFilesOwnerOnly(t *testing.T) {
	path := storetest.SQLite(t)
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CountRows(context.Background(), "reports"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
}
