package web

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/conapo"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// api wraps a JSON handler: read-only CORS (the data is public) and errors
// as JSON with a status.
func (s *Server) api(h func(r *http.Request) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setCORS(w)
		v, err := h(r)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		var bad badRequest
		switch {
		case errors.As(err, &bad):
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": bad.msg})
			return
		case errors.Is(err, errNotFound):
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]string{"error": "not found"})
			return
		case err != nil:
			s.log.Error("api", "path", r.URL.Path, "err", err)
			w.WriteHeader(http.StatusInternalServerError)
			json.NewEncoder(w).Encode(map[string]string{"error": "internal error"})
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		enc.Encode(v)
	})
}

func setCORS(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Methods", "GET, OPTIONS")
	w.Header().Set("Access-Control-Allow-Headers", "Accept, Content-Type")
	w.Header().Set("Access-Control-Max-Age", "86400")
}

func (s *Server) preflight(w http.ResponseWriter, r *http.Request) {
	setCORS(w)
	w.WriteHeader(http.StatusNoContent)
}

// SeriesPoint is one month of a series in the API.
type SeriesPoint struct {
	Month   string `json:"month"`
	Value   int64  `json:"value"`
	Vintage string `json:"vintage"`
}

// SeriesResponse is /api/v1/series.
type SeriesResponse struct {
	Source   string        `json:"source"`
	Measure  string        `json:"measure"`
	State    *string       `json:"state"` // INEGI code, null for national
	Vintages []string      `json:"vintages"`
	Points   []SeriesPoint `json:"points"`
}

func (s *Server) apiSeries(r *http.Request) (any, error) {
	q := r.URL.Query()
	src, m, state, from, to, vintage, err := seriesQuery(r)
	if err != nil {
		return nil, err
	}
	ser, err := brief.LoadSeries(r.Context(), s.store, src, m, from, to, vintage)
	if err != nil {
		return nil, err
	}
	resp := SeriesResponse{Source: string(src), Measure: m.ID, Vintages: []string{}, Points: []SeriesPoint{}}
	if q.Get("state") != "" {
		c := fmt.Sprintf("%02d", state)
		resp.State = &c
	}
	for _, r := range ser.Used {
		if len(resp.Vintages) == 0 || resp.Vintages[len(resp.Vintages)-1] != r.Vintage {
			resp.Vintages = append(resp.Vintages, r.Vintage)
		}
	}
	for mo := from; mo <= to; mo++ {
		if !ser.Published(mo) {
			continue
		}
		v := ser.National[mo]
		if state != 0 {
			v = ser.ByState[state][mo]
		}
		resp.Points = append(resp.Points, SeriesPoint{Month: mo.String(), Value: v, Vintage: ser.Release[mo].Vintage})
	}
	return resp, nil
}

func seriesQuery(r *http.Request) (src sesnsp.Source, m sesnsp.Measure, state int, from, to sesnsp.YM, vintage string, err error) {
	q := r.URL.Query()
	src = sesnsp.Source(q.Get("source"))
	if src == "" {
		src = sesnsp.Carpetas
	}
	if src != sesnsp.Carpetas && src != sesnsp.Victimas {
		return src, m, 0, 0, 0, "", badRequest{msg: "source: carpetas or victimas"}
	}
	id := q.Get("measure")
	if id == "" {
		id = "trata"
	}
	var ok bool
	if m, ok = sesnsp.MeasureByID(id); !ok {
		return src, m, 0, 0, 0, "", badRequest{msg: "measure: trata, comparable or trafico-menores"}
	}
	if v := q.Get("state"); v != "" {
		st, err := sesnsp.LookupState(v)
		if err != nil {
			return src, m, 0, 0, 0, "", badRequest{msg: err.Error()}
		}
		state = st.Code
	}
	from, to = seriesStart, sesnsp.MakeYM(time.Now().Year(), 12)
	if v := q.Get("from"); v != "" {
		if from, ok = parseMonth(v); !ok {
			return src, m, 0, 0, 0, "", badRequest{msg: "from: YYYY-MM"}
		}
	}
	if v := q.Get("to"); v != "" {
		if to, ok = parseMonth(v); !ok {
			return src, m, 0, 0, 0, "", badRequest{msg: "to: YYYY-MM"}
		}
	}
	if from > to {
		return src, m, 0, 0, 0, "", badRequest{msg: "from must not be after to"}
	}
	vintage = q.Get("vintage")
	if vintage != "" {
		if _, err := sesnsp.ParseVintage(vintage); err != nil {
			return src, m, 0, 0, 0, "", badRequest{msg: err.Error()}
		}
	}
	return src, m, state, from, to, vintage, nil
}

func (s *Server) apiBrief(r *http.Request) (any, error) {
	q := r.URL.Query()
	measure := q.Get("measure")
	if measure == "" {
		measure = q.Get("medida")
	}
	p, err := briefParams(q.Get("from"), q.Get("to"), q.Get("states"), q.Get("vintage"), measure)
	if err != nil {
		return nil, err
	}
	b, err := s.summaryBrief(r.Context(), p)
	if err != nil {
		return nil, badRequest{msg: err.Error()}
	}
	return b, nil
}

// StateInfo is one state in /api/v1/states.
type StateInfo struct {
	Code   string `json:"code"`
	ISO    string `json:"iso_3166_2"`
	Name   string `json:"name"`
	SESNSP string `json:"name_sesnsp"`
	Region string `json:"region"`
}

func (s *Server) apiStates(r *http.Request) (any, error) {
	out := []StateInfo{}
	for _, st := range sesnsp.States {
		out = append(out, StateInfo{fmt.Sprintf("%02d", st.Code), st.ISO, st.Name, st.SESNSP, st.Region})
	}
	return out, nil
}

// ReleaseInfo is one imported file in /api/v1/releases.
type ReleaseInfo struct {
	Vintage    string `json:"vintage"`
	Source     string `json:"source"`
	Level      string `json:"level"`
	Format     string `json:"format"`
	From       string `json:"from"`
	To         string `json:"to"`
	File       string `json:"file"`
	SHA256     string `json:"sha256"`
	Cells      int64  `json:"cells"`
	ImportedAt string `json:"imported_at"`
}

func (s *Server) apiReleases(r *http.Request) (any, error) {
	rels, err := s.store.Releases(r.Context())
	if err != nil {
		return nil, err
	}
	out := []ReleaseInfo{}
	for _, x := range rels {
		out = append(out, ReleaseInfo{x.Vintage, string(x.Source), string(x.Level), string(x.Format), x.First.String(), x.Last.String(),
			x.FileName, x.SHA256, x.Cells, x.ImportedAt.Format(time.RFC3339)})
	}
	return out, nil
}

// seriesCSV is the tidy download behind every chart: one row per place and
// month, UTF-8, with ISO codes so it drops into any mapping tool.
func (s *Server) seriesCSV(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// The pages use Spanish parameter names; accept both.
	if q.Get("source") == "" && q.Get("fuente") != "" {
		q.Set("source", q.Get("fuente"))
	}
	if q.Get("measure") == "" && q.Get("medida") != "" {
		q.Set("measure", q.Get("medida"))
	}
	r.URL.RawQuery = q.Encode()
	src, m, state, from, to, vintage, err := seriesQuery(r)
	var bad badRequest
	if errors.As(err, &bad) {
		http.Error(w, bad.msg, http.StatusBadRequest)
		return
	}
	ser, err := brief.LoadSeries(r.Context(), s.store, src, m, from, to, vintage)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="vigia_%s_%s.csv"`, src, m.ID))
	cw := csv.NewWriter(w)
	cw.Write([]string{"cve_ent", "iso_3166_2", "entidad", "anio", "mes", "fuente", "medida", "valor", "poblacion", "tasa_100k_anualizada", "corte_sesnsp"})
	for mo := from; mo <= to; mo++ {
		if !ser.Published(mo) {
			continue
		}
		codes := []int{0}
		if state != 0 {
			codes = []int{state}
		} else {
			for c := 1; c <= 32; c++ {
				codes = append(codes, c)
			}
		}
		for _, c := range codes {
			v := ser.National[mo]
			iso, name := "MX", "Nacional"
			if c != 0 {
				v = ser.ByState[c][mo]
				st, _ := sesnsp.StateByCode(c)
				iso, name = st.ISO, st.Name
			}
			pop, rate := "", ""
			if s.pop != nil {
				if p, ok := s.pop.Mid(c, mo.Year(), conapo.Total); ok {
					pop = strconv.FormatFloat(p, 'f', 0, 64)
					rate = strconv.FormatFloat(float64(v)*12/p*1e5, 'f', 4, 64)
				}
			}
			cw.Write([]string{fmt.Sprintf("%02d", c), iso, name, strconv.Itoa(mo.Year()), strconv.Itoa(mo.Month()), string(src), m.ID,
				strconv.FormatInt(v, 10), pop, rate, ser.Release[mo].Vintage})
		}
	}
	cw.Flush()
}

// dictionary describes the columns of the CSV download.
var dictionary = [][3]string{
	{"cve_ent", "Clave INEGI de la entidad (00 = nacional)", "INEGI state code (00 = national)"},
	{"iso_3166_2", "Código ISO 3166-2 (MX = nacional)", "ISO 3166-2 code (MX = national)"},
	{"entidad", "Nombre de la entidad", "State name"},
	{"anio", "Año", "Year"},
	{"mes", "Mes (1–12)", "Month (1–12)"},
	{"fuente", "carpetas (carpetas de investigación) o victimas", "carpetas (investigations) or victimas (victims)"},
	{"medida", "trata, comparable o trafico-menores (ver metodología)", "trata, comparable or trafico-menores (see methodology)"},
	{"valor", "Conteo publicado por el SESNSP en el corte indicado", "Count published by SESNSP in the given release"},
	{"poblacion", "Población a mitad de año, CONAPO 2023", "Mid-year population, CONAPO 2023"},
	{"tasa_100k_anualizada", "valor × 12 / población × 100,000 (tasa mensual anualizada)", "value × 12 / population × 100,000 (monthly rate, annualised)"},
	{"corte_sesnsp", "Corte (publicación) del SESNSP del que proviene el mes", "SESNSP release the month comes from"},
}

func (s *Server) dictionaryCSV(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="vigia_diccionario.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"columna", "descripcion", "description"})
	for _, d := range dictionary {
		cw.Write(d[:])
	}
	cw.Flush()
}
