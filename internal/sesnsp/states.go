package sesnsp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// State is one of the 32 federal entities, keyed by its INEGI code.
type State struct {
	Code   int    // INEGI cve_ent, 1–32
	ISO    string // ISO 3166-2, "MX-BCN"
	Name   string // short name, as CONAPO and most readers write it
	SESNSP string // official long name, as SESNSP files write Entidad
	Region string // ONC region (noroeste, noreste, occidente, centro, sureste)
}

// States lists the 32 entities in INEGI order; States[i].Code == i+1.
//
// ONC publishes the membership of noroeste, noreste and occidente; its
// centro and sureste sets are not published in what we could read, so the
// remaining states are split by geography and the split is documented as
// Vigía's own in the README.
var States = []State{
	{1, "MX-AGU", "Aguascalientes", "Aguascalientes", "occidente"},
	{2, "MX-BCN", "Baja California", "Baja California", "noroeste"},
	{3, "MX-BCS", "Baja California Sur", "Baja California Sur", "noroeste"},
	{4, "MX-CAM", "Campeche", "Campeche", "sureste"},
	{5, "MX-COA", "Coahuila", "Coahuila de Zaragoza", "noreste"},
	{6, "MX-COL", "Colima", "Colima", "occidente"},
	{7, "MX-CHP", "Chiapas", "Chiapas", "sureste"},
	{8, "MX-CHH", "Chihuahua", "Chihuahua", "noroeste"},
	{9, "MX-CMX", "Ciudad de México", "Ciudad de México", "centro"},
	{10, "MX-DUR", "Durango", "Durango", "noreste"},
	{11, "MX-GUA", "Guanajuato", "Guanajuato", "occidente"},
	{12, "MX-GRO", "Guerrero", "Guerrero", "sureste"},
	{13, "MX-HID", "Hidalgo", "Hidalgo", "centro"},
	{14, "MX-JAL", "Jalisco", "Jalisco", "occidente"},
	{15, "MX-MEX", "Estado de México", "México", "centro"},
	{16, "MX-MIC", "Michoacán", "Michoacán de Ocampo", "occidente"},
	{17, "MX-MOR", "Morelos", "Morelos", "centro"},
	{18, "MX-NAY", "Nayarit", "Nayarit", "occidente"},
	{19, "MX-NLE", "Nuevo León", "Nuevo León", "noreste"},
	{20, "MX-OAX", "Oaxaca", "Oaxaca", "sureste"},
	{21, "MX-PUE", "Puebla", "Puebla", "centro"},
	{22, "MX-QUE", "Querétaro", "Querétaro", "occidente"},
	{23, "MX-ROO", "Quintana Roo", "Quintana Roo", "sureste"},
	{24, "MX-SLP", "San Luis Potosí", "San Luis Potosí", "noreste"},
	{25, "MX-SIN", "Sinaloa", "Sinaloa", "noroeste"},
	{26, "MX-SON", "Sonora", "Sonora", "noroeste"},
	{27, "MX-TAB", "Tabasco", "Tabasco", "sureste"},
	{28, "MX-TAM", "Tamaulipas", "Tamaulipas", "noreste"},
	{29, "MX-TLA", "Tlaxcala", "Tlaxcala", "centro"},
	{30, "MX-VER", "Veracruz", "Veracruz de Ignacio de la Llave", "sureste"},
	{31, "MX-YUC", "Yucatán", "Yucatán", "sureste"},
	{32, "MX-ZAC", "Zacatecas", "Zacatecas", "occidente"},
}

// Presets are named groups of states that analysts ask for by name.
var Presets = map[string][]int{
	"frontera-norte": {2, 26, 8, 5, 19, 28},
	"frontera-sur":   {7, 27, 4, 23},
	"noroeste":       regionCodes("noroeste"),
	"noreste":        regionCodes("noreste"),
	"occidente":      regionCodes("occidente"),
	"centro":         regionCodes("centro"),
	"sureste":        regionCodes("sureste"),
}

func regionCodes(r string) []int {
	var out []int
	for _, s := range States {
		if s.Region == r {
			out = append(out, s.Code)
		}
	}
	return out
}

var stateByKey = func() map[string]int {
	m := map[string]int{}
	for _, s := range States {
		for _, k := range []string{s.ISO, strings.TrimPrefix(s.ISO, "MX-"), s.Name, s.SESNSP} {
			m[fold(k)] = s.Code
		}
	}
	// Names other files use.
	m[fold("Coahuila de Zaragoza")] = 5
	m[fold("Michoacan de Ocampo")] = 16
	m[fold("Veracruz de Ignacio de la Llave")] = 30
	m[fold("CDMX")] = 9
	m[fold("Distrito Federal")] = 9
	m[fold("Edomex")] = 15
	return m
}()

// StateByCode returns the state with INEGI code c.
func StateByCode(c int) (State, bool) {
	if c < 1 || c > len(States) {
		return State{}, false
	}
	return States[c-1], true
}

// LookupState accepts an INEGI code ("2", "02"), a name in any of the forms
// SESNSP, CONAPO or INEGI write it, or an ISO 3166-2 id ("MX-BCN", "BCN").
func LookupState(s string) (State, error) {
	t := strings.TrimSpace(s)
	if n, err := strconv.Atoi(t); err == nil {
		if st, ok := StateByCode(n); ok {
			return st, nil
		}
		return State{}, fmt.Errorf("state %q: INEGI codes run from 1 to 32", s)
	}
	if c, ok := stateByKey[fold(t)]; ok {
		return States[c-1], nil
	}
	return State{}, fmt.Errorf("state %q: not an INEGI code, state name or ISO 3166-2 id", s)
}

// ParseStates reads a comma-separated list of states or preset names
// ("frontera-norte") into sorted, distinct INEGI codes.
func ParseStates(list string) ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		codes, ok := Presets[fold(part)]
		if !ok {
			st, err := LookupState(part)
			if err != nil {
				return nil, err
			}
			codes = []int{st.Code}
		}
		for _, c := range codes {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
