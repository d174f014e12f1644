package sesnsp

import "strings"

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
	if en, ok := labelsEN[Key(strings.Join(strings.Fields(s), " "))]; ok {
		return en
	}
	return s
}

// LabelKnown reports whether Label has an English name for s.
func LabelKnown(s string) bool {
	_, ok := labelsEN[Key(strings.Join(strings.Fields(s), " "))]
	return ok
}
