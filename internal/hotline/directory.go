package hotline

import (
	"bufio"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

//go:embed directory/instituciones.csv
var directoryCSV string

// Institution is an entry of the referral directory: an institution of a
// state (0: national) that referrals go to, with its public phone and
// where that came from.
type Institution struct {
	State    int    // INEGI state code, 0 for national
	Kind     string // a value of Institutions
	Name     string
	Phone    string
	Source   string
	Verified bool
	Note     string
}

// Validate checks an entry as an administrator or the bundled file gives
// it; it returns the field at fault.
func (in Institution) Validate() (field string, ok bool) {
	switch {
	case in.State < 0 || in.State > 32:
		return "state", false
	case !Institutions.Has(in.Kind):
		return "kind", false
	case strings.TrimSpace(in.Name) == "" || len(in.Name) > 300:
		return "name", false
	case len(in.Phone) > 60 || len(in.Source) > 1000 || len(in.Note) > 1000:
		return "phone", false
	}
	for _, r := range in.Phone {
		if !(r >= '0' && r <= '9' || r == ' ' || r == '-' || r == '+' || r == '(' || r == ')') {
			return "phone", false
		}
	}
	return "", true
}

// BundledDirectory reads the directory that seeds a new hotline
// (directory/instituciones.csv; its header says what was and was not
// verified). An error names the line and field.
func BundledDirectory() ([]Institution, error) {
	var body strings.Builder
	sc := bufio.NewScanner(strings.NewReader(directoryCSV))
	skipped := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			skipped++
			continue
		}
		body.WriteString(sc.Text() + "\n")
	}
	r := csv.NewReader(strings.NewReader(body.String()))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("hotline: instituciones.csv: %w", err)
	}
	var out []Institution
	for i, rec := range recs[1:] {
		line := skipped + i + 2
		if len(rec) != 7 {
			return nil, fmt.Errorf("hotline: instituciones.csv line %d: want 7 fields, got %d", line, len(rec))
		}
		st, err := strconv.Atoi(rec[0])
		if err != nil {
			return nil, fmt.Errorf("hotline: instituciones.csv line %d, field estado: %q is not a number", line, rec[0])
		}
		in := Institution{State: st, Kind: rec[1], Name: rec[2], Phone: rec[3], Source: rec[4], Verified: rec[5] == "si", Note: rec[6]}
		if f, ok := in.Validate(); !ok {
			return nil, fmt.Errorf("hotline: instituciones.csv line %d, field %s: invalid", line, f)
		}
		out = append(out, in)
	}
	return out, nil
}
