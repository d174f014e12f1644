// Package data embeds the official releases and population tables that ship
// with Vigía, so that a fresh database is seeded with no network.
//
// Every file is byte for byte the copy in the public repository named in
// sesnsp/SOURCES.md, sesnsp/rnid/SOURCES.md, conapo/SOURCES.md and
// inegi/SOURCES.md; only the
// folder names (which carry the release) were added.
package data

import (
	"embed"
	"io/fs"
)

//go:embed sesnsp conapo inegi
var files embed.FS

// FS returns the bundled files, rooted at this folder.
func FS() fs.FS { return files }

// Release is one bundled SESNSP file and the release its folder names.
type Release struct {
	Path    string // inside FS
	Vintage string // SESNSP release name
}

// Releases lists the bundled files that seed an empty store, oldest first.
// The MTEmmanue re-issue derivative is bundled for reference but not seeded:
// it keeps only Hombre and Mujer, so its totals are not all victims and it
// would shadow complete releases as the newest one (see README).
var Releases = []Release{
	{"sesnsp/IDEFC_NM_jun22.csv", "jun22"},
	{"sesnsp/lapanquecita/jul23/estatal.csv", "jul23"},
	{"sesnsp/lapanquecita/jul23/timeseries_victimas.csv", "jul23"},
	{"sesnsp/lapanquecita/nov24/estatal.csv", "nov24"},
	{"sesnsp/isaacarroyov/jun25/db_victimas_delitos_ent_long.csv.bz2", "jun25"},
	{"sesnsp/rnid/lapanquecita/ene2026/estatal_n.csv", "ene2026"},
	{"sesnsp/rnid/lapanquecita/feb2026/estatal_n.csv", "feb2026"},
	{"sesnsp/rnid/lapanquecita/mar2026/estatal_n.csv", "mar2026"},
}

// Population is the CONAPO 2023 table by entity × year × sex.
const Population = "conapo/conapo_pob_ent_gender_1950_2070.csv"

// Municipalities is INEGI's Marco Geoestadístico 2023 catalog of the 2,475
// municipalities, which the hotline validates places against.
const Municipalities = "inegi/cve_nom_municipios.csv"
