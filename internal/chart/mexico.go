package chart

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// MapAttribution is the credit that CC BY 4.0 requires on every page that
// shows the Choropleth.
const MapAttribution = "Mapa: svg-maps/MapSVG, CC BY 4.0"

//go:embed mexico/mexico.json
var mexicoJSON []byte

// mexicoMap is the vendored @svg-maps/mexico 2.0.0 data (see mexico/README.md).
type mexicoMap struct {
	Label     string        `json:"label"`
	ViewBox   string        `json:"viewBox"`
	Locations []mapLocation `json:"locations"`
}

type mapLocation struct {
	Name string `json:"name"` // English
	ID   string `json:"id"`   // lowercase ISO 3166-2:MX suffix
	Path string `json:"path"`
}

var (
	mapOnce sync.Once
	mapData mexicoMap
	mapErr  error
)

// loadMap decodes the embedded map once and checks that every id belongs
// to a known state.
func loadMap() (mexicoMap, error) {
	mapOnce.Do(func() {
		if err := json.Unmarshal(mexicoJSON, &mapData); err != nil {
			mapErr = fmt.Errorf("chart: decoding mexico.json: %w", err)
			return
		}
		for _, l := range mapData.Locations {
			if _, ok := stateByISO(isoOf(l.ID)); !ok {
				mapErr = fmt.Errorf("chart: mexico.json: unknown state id %q", l.ID)
				return
			}
		}
	})
	return mapData, mapErr
}

func isoOf(id string) string { return "MX-" + strings.ToUpper(id) }

// State is one of Mexico's 32 federal entities.
type State struct {
	CVE  string // INEGI CVE_ENT, "01".."32"
	ISO  string // ISO 3166-2:MX, "MX-AGU"
	Name string // Spanish common name
}

var states = [...]State{
	{"01", "MX-AGU", "Aguascalientes"},
	{"02", "MX-BCN", "Baja California"},
	{"03", "MX-BCS", "Baja California Sur"},
	{"04", "MX-CAM", "Campeche"},
	{"05", "MX-COA", "Coahuila"},
	{"06", "MX-COL", "Colima"},
	{"07", "MX-CHP", "Chiapas"},
	{"08", "MX-CHH", "Chihuahua"},
	{"09", "MX-CMX", "Ciudad de México"},
	{"10", "MX-DUR", "Durango"},
	{"11", "MX-GUA", "Guanajuato"},
	{"12", "MX-GRO", "Guerrero"},
	{"13", "MX-HID", "Hidalgo"},
	{"14", "MX-JAL", "Jalisco"},
	{"15", "MX-MEX", "México"},
	{"16", "MX-MIC", "Michoacán"},
	{"17", "MX-MOR", "Morelos"},
	{"18", "MX-NAY", "Nayarit"},
	{"19", "MX-NLE", "Nuevo León"},
	{"20", "MX-OAX", "Oaxaca"},
	{"21", "MX-PUE", "Puebla"},
	{"22", "MX-QUE", "Querétaro"},
	{"23", "MX-ROO", "Quintana Roo"},
	{"24", "MX-SLP", "San Luis Potosí"},
	{"25", "MX-SIN", "Sinaloa"},
	{"26", "MX-SON", "Sonora"},
	{"27", "MX-TAB", "Tabasco"},
	{"28", "MX-TAM", "Tamaulipas"},
	{"29", "MX-TLA", "Tlaxcala"},
	{"30", "MX-VER", "Veracruz"},
	{"31", "MX-YUC", "Yucatán"},
	{"32", "MX-ZAC", "Zacatecas"},
}

// States returns the 32 states in CVE_ENT order.
func States() []State {
	out := make([]State, len(states))
	copy(out, states[:])
	return out
}

func stateByISO(iso string) (State, bool) {
	for _, s := range states {
		if s.ISO == iso {
			return s, true
		}
	}
	return State{}, false
}

// smallStates are hard to see or click at map scale; the choropleth
// repeats them as labelled tiles (in this order) in an inset.
var smallStates = []string{"MX-AGU", "MX-CMX", "MX-COL", "MX-MOR", "MX-TLA"}
