package sesnsp

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var mesAbbr = [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"}

// Vintage is a SESNSP release, named after the last month of data it holds
// (its cut-off). jun22 holds data up to June 2022.
type Vintage struct{ Cutoff YM }

// String names the vintage as SESNSP does: "jun22" for releases before the
// 2026 RNID methodology, "mar2026" from 2026 on.
func (v Vintage) String() string {
	if v.Cutoff == 0 {
		return ""
	}
	m := mesAbbr[v.Cutoff.Month()-1]
	if v.Cutoff.Year() >= 2026 {
		return fmt.Sprintf("%s%04d", m, v.Cutoff.Year())
	}
	return fmt.Sprintf("%s%02d", m, v.Cutoff.Year()%100)
}

// IsZero reports whether the vintage is unset.
func (v Vintage) IsZero() bool { return v.Cutoff == 0 }

// Covers reports whether month m is published in this vintage: any month
// after the cut-off is unpublished whatever the file holds, because RNID
// releases from ago2026 write future months as 0.
func (v Vintage) Covers(m YM) bool { return m <= v.Cutoff }

// ParseVintage accepts "jun22", "jun2022", "JUN22", "2022-06" and "sep", "set"
// spellings; both two- and four-digit years name the same release.
func ParseVintage(s string) (Vintage, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if m := isoVintage.FindStringSubmatch(t); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo >= 1 && mo <= 12 && y >= 2015 && y <= 2099 {
			return Vintage{MakeYM(y, mo)}, nil
		}
	}
	if m := nameVintage.FindStringSubmatch(t); m != nil {
		if v, ok := vintageFrom(m[1], m[2]); ok {
			return v, nil
		}
	}
	return Vintage{}, fmt.Errorf("vintage %q: want a SESNSP release name such as jun22, mar2026 or 2022-06", s)
}

var (
	isoVintage  = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	nameVintage = regexp.MustCompile(`^(ene|feb|mar|abr|may|jun|jul|ago|sep|set|oct|nov|dic)(\d{2}|\d{4})$`)
	// In file names the release follows "_" or "-" and ends the name (before
	// the extension): IDEFC_NM_jun22.csv, RNID-Delitos_Estatal-2026-mar2026.zip.
	fileVintage = regexp.MustCompile(`(?i)[_-](ene|feb|mar|abr|may|jun|jul|ago|sep|set|oct|nov|dic)(\d{4}|\d{2})(?:\.[a-z0-9]+)*$`)
)

func vintageFrom(mes, year string) (Vintage, bool) {
	if mes == "set" {
		mes = "sep"
	}
	idx := -1
	for i, a := range mesAbbr {
		if a == mes {
			idx = i
		}
	}
	y, err := strconv.Atoi(year)
	if idx < 0 || err != nil {
		return Vintage{}, false
	}
	if len(year) == 2 {
		y += 2000
	}
	if y < 2015 || y > 2099 {
		return Vintage{}, false
	}
	return Vintage{MakeYM(y, idx+1)}, true
}

// VintageFromName finds the release in a file name or, for the copies that
// third parties renamed (estatal.csv), in the name of the folder holding it:
// "IDEFC_NM_jun22.csv", "RNID-Delitos_Estatal-2026-mar2026.csv",
// "lapanquecita/nov24/estatal.csv". It reports false when neither names one.
func VintageFromName(path string) (Vintage, bool) {
	path = strings.ReplaceAll(path, "\\", "/")
	parts := strings.Split(path, "/")
	base := parts[len(parts)-1]
	if m := fileVintage.FindStringSubmatch(base); m != nil {
		if v, ok := vintageFrom(strings.ToLower(m[1]), m[2]); ok {
			return v, true
		}
	}
	if len(parts) >= 2 {
		dir := strings.ToLower(parts[len(parts)-2])
		if m := nameVintage.FindStringSubmatch(dir); m != nil {
			if v, ok := vintageFrom(m[1], m[2]); ok {
				return v, true
			}
		}
		// A folder such as "historico-ene2026" names the release it came with.
		if m := fileVintage.FindStringSubmatch(dir); m != nil {
			if v, ok := vintageFrom(strings.ToLower(m[1]), m[2]); ok {
				return v, true
			}
		}
	}
	return Vintage{}, false
}
