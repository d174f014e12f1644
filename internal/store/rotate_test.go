package store

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// Every sealed column in the migrations is re-sealed by a key rotation: a
// new one added without telling rotate.go would stay sealed to the old key
// and be lost when the rotation finishes.
func TestRotationCoversSealedColumns(t *testing.T) {
	create := regexp.MustCompile(`(?i)^\s*CREATE TABLE (?:IF NOT EXISTS )?(\w+)`)
	alter := regexp.MustCompile(`(?i)ALTER TABLE (\w+) ADD COLUMN (?:IF NOT EXISTS )?(\w*sealed\w*)`)
	column := regexp.MustCompile(`(?i)^\s*(\w*sealed\w*)\s+(BLOB|BYTEA)`)
	found := 0
	err := fs.WalkDir(migrations, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(path)
		if err != nil {
			return err
		}
		table := ""
		for _, line := range strings.Split(string(b), "\n") {
			if m := create.FindStringSubmatch(line); m != nil {
				table = m[1]
			}
			var tbl, col string
			if m := alter.FindStringSubmatch(line); m != nil {
				tbl, col = m[1], m[2]
			} else if m := column.FindStringSubmatch(line); m != nil {
				tbl, col = table, m[1]
			} else {
				continue
			}
			found++
			if tbl == "staff" && col == "totp_sealed" {
				continue // re-sealed with the account's MAC (ResignStaff)
			}
			covered := false
			for _, tc := range sealedColumn {
				covered = covered || tc == [2]string{tbl, col}
			}
			if !covered {
				t.Errorf("%s: %s.%s is sealed but key rotation does not re-seal it (rotate.go)", path, tbl, col)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 2*8 {
		t.Fatalf("found %d sealed columns in the migrations; the patterns no longer match them", found)
	}
}
