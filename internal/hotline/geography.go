package hotline

import (
	"sync"

	"encoding/csv"
	"fmt"
	"github.com/vigia-mx/vigia/data"
	"io"
	"sort"
	"strconv"
)

// Municipality is one entry of INEGI's municipal catalog.
type Municipality struct {
	Code  string // 5-digit CVEGEO
	State int
	Name  string
}

// Geography is the municipal catalog, keyed by code: places are joined on
// codes, never on names (two pairs of Oaxaca municipalities share a name).
type Geography struct {
	byCode  map[string]Municipality
	byState map[int][]Municipality
}

// Municipality looks a code up.
func (g *Geography) Municipality(code string) (Municipality, bool) {
	if g == nil {
		return Municipality{}, false
	}
	m, ok := g.byCode[code]
	return m, ok
}

// InState returns the municipalities of a state, sorted by name.
func (g *Geography) InState(state int) []Municipality { return g.byState[state] }

// Len is the number of municipalities.
func (g *Geography) Len() int { return len(g.byCode) }

// ReadGeography reads cve_nom_municipios.csv (header cve_geo, nombre_estado,
// cve_ent, nombre_municipio, cve_mun). name is the file name for errors.
func ReadGeography(name string, r io.Reader) (*Geography, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 5
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading header: %w", name, err)
	}
	if head[0] != "cve_geo" || head[2] != "cve_ent" || head[3] != "nombre_municipio" {
		return nil, fmt.Errorf("%s:1: unexpected header %q", name, head)
	}
	g := &Geography{byCode: map[string]Municipality{}, byState: map[int][]Municipality{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		code := rec[0]
		st, err := strconv.Atoi(rec[2])
		if len(code) != 5 || err != nil || st < 1 || st > 32 || code[:2] != rec[2] {
			return nil, fmt.Errorf("%s:%d: field cve_geo/cve_ent: bad code %q/%q", name, line, code, rec[2])
		}
		if _, dup := g.byCode[code]; dup {
			return nil, fmt.Errorf("%s:%d: field cve_geo: duplicate code %s", name, line, code)
		}
		m := Municipality{Code: code, State: st, Name: rec[3]}
		g.byCode[code] = m
		g.byState[st] = append(g.byState[st], m)
	}
	for _, ms := range g.byState {
		sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
	}
	return g, nil
}

// Bundled returns the municipal catalog that ships with Vigía (read once).
var Bundled = sync.OnceValues(func() (*Geography, error) {
	f, err := data.FS().Open(data.Municipalities)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadGeography(data.Municipalities, f)
})
