package sesnsp

import (
	"regexp"
	"strings"
)

// labelsEN are the English names of the SESNSP catalog values that Vigía
// prints as data labels (sex, age group, subtipo), keyed by Key.
var labelsEN = map[string]string{
	"mujer":                             "Women",
	"hombre":                            "Men",
	"no identificado":                   "Not identified",
	"no especificado":                   "Not specified",
	"menores de edad (0-17)":            "Minors (0–17)",
	"menores de edad":                   "Minors",
	"adultos (18 y mas)":                "Adults (18 and over)",
	"adultos":                           "Adults",
	"trata de personas":                 "Human trafficking",
	"trafico de menores":                "Trafficking of minors",
	"trata de personas con otros fines": "Trafficking for other purposes",
	"trata de personas con fines de explotacion sexual":           "Trafficking for sexual exploitation",
	"trata de personas con fines de trabajo o servicios forzados": "Trafficking for forced labour or services",
	"trata de personas con fines de trafico de organos":           "Trafficking for organ removal",
}

// Label returns a catalog value (sex, age group, subtipo) as it is shown
// in lang: SESNSP's own Spanish for "es", its English name for "en", or
// the Spanish unchanged when Vigía knows no English for it.
func Label(lang, s string) string {
	if lang != "en" {
		return s
	}
	k := Key(strings.Join(strings.Fields(s), " "))
	if en, ok := labelsEN[k]; ok {
		return en
	}
	// The RNID's age groups ("13 a 17 años", "60 años y más").
	for _, r := range ageRules {
		if r.re.MatchString(k) {
			return r.re.ReplaceAllString(k, r.en)
		}
	}
	return s
}

var ageRules = []struct {
	re *regexp.Regexp
	en string
}{
	{regexp.MustCompile(`^(\d+) a (\d+) anos$`), "${1}–${2} years"},
	{regexp.MustCompile(`^(\d+) anos y mas$`), "${1} years and over"},
	{regexp.MustCompile(`^(\d+) y mas anos$`), "${1} years and over"},
	{regexp.MustCompile(`^menos de (\d+) anos$`), "under ${1} years"},
	{regexp.MustCompile(`^menores de (\d+) anos$`), "under ${1} years"},
}
