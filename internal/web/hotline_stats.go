package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/disclosure"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

func stateByCodeName(c int) (string, bool) {
	st, ok := sesnsp.StateByCode(c)
	return st.Name, ok
}

type statsRow struct {
	Code     int
	Name     string
	Cells    []string // per class, "—" when hidden
	Total    string
	Official string
}

type statsData struct {
	From, To       string
	OfficialPeriod string
	K              int
	Kinds          hotline.Vocab
	Rows           []statsRow
	ColTotals      []string
	Total          string
	Hidden         int
}

func published(v int, ok bool) string {
	if !ok {
		return "—"
	}
	return strconv.Itoa(v)
}

// hotlineStats sets hotline reports by state beside official victims. Only
// cells of at least K reports are shown, with complementary suppression so
// that a hidden cell cannot be worked out from the totals.
func (s *Server) hotlineStats(w http.ResponseWriter, r *http.Request) {
	l := locale.FromRequest(r)
	// The last 12 complete months: a month still open would show each
	// report as it arrives.
	first := time.Date(s.now().UTC().Year(), s.now().UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	to := first.AddDate(0, -1, 0).Format("2006-01")
	from := first.AddDate(0, -12, 0).Format("2006-01")
	res, err := s.hot.Desk.PublicCounts(r.Context(), from, to, s.hot.K)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if r.URL.Query().Get("formato") == "csv" {
		if r.URL.Query().Get("tabla") == "mes" {
			// State × month, all classes: a second table suppressed on its
			// own; it shares only the state totals with the first, which
			// both publish alike, so neither helps undo the other.
			monthly, err := s.hot.Desk.PublicMonthly(r.Context(), from, to, s.hot.K)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			s.hotlineCSVTable(w, monthly, from, to, "mes", "vigia-linea-mensual.csv")
			return
		}
		s.hotlineCSV(w, r, res, from, to)
		return
	}
	d := statsData{From: from, To: to, K: s.hot.K, Kinds: hotline.Kinds}
	official, period, err := s.officialByState(r, l)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.OfficialPeriod = period
	for i := range res.Rows {
		code, _ := strconv.Atoi(res.Rows[i])
		name, _ := stateByCodeName(code)
		row := statsRow{Code: code, Name: name, Total: published(res.Cell(i, -1))}
		for j := range res.Cols {
			v, ok := res.Cell(i, j)
			if !ok {
				d.Hidden++
			}
			row.Cells = append(row.Cells, published(v, ok))
		}
		if v, ok := official[fmt.Sprintf("%02d", code)]; ok {
			row.Official = strconv.FormatInt(v, 10)
		} else if v, ok := official[strconv.Itoa(code)]; ok {
			row.Official = strconv.FormatInt(v, 10)
		}
		d.Rows = append(d.Rows, row)
	}
	for j := range res.Cols {
		d.ColTotals = append(d.ColTotals, published(res.Cell(-1, j)))
	}
	d.Total = published(res.Cell(-1, -1))
	s.renderNoStore(w, r, l, &view{Template: "hotline_stats", Title: locale.T(l, "hstats.title"), Data: d})
}

func (s *Server) hotlineCSV(w http.ResponseWriter, r *http.Request, res disclosure.Result, from, to string) {
	s.hotlineCSVTable(w, res, from, to, "tipo", "vigia-linea.csv")
}

// hotlineCSVTable writes a suppressed table as long CSV, one row per cell;
// col names the column variable ("tipo" or "mes").
func (s *Server) hotlineCSVTable(w http.ResponseWriter, res disclosure.Result, from, to, col, file string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	noStore(w)
	cw := csv.NewWriter(w)
	cw.Write([]string{"periodo_inicio", "periodo_fin", "cve_ent", col, "reportes", "k"})
	k := strconv.Itoa(res.K)
	for i := range res.Rows {
		for j := range res.Cols {
			v, ok := res.Cell(i, j)
			val := "suprimido"
			if ok {
				val = strconv.Itoa(v)
			}
			cw.Write([]string{from, to, fmt.Sprintf("%02s", res.Rows[i]), res.Cols[j], val, k})
		}
	}
	cw.Flush()
}

// consoleExport serves the standard exports to those allowed.
func (s *Server) consoleExport(w http.ResponseWriter, r *http.Request) {
	a := consoleFrom(r).Actor
	file := r.PathValue("file")
	what := map[string]string{"htcds.csv": "htcds", "ctdc.csv": "ctdc", "sesnsp.csv": "sesnsp"}[file]
	if what == "" {
		s.deskError(w, r, desk.ErrNotFound)
		return
	}
	cases, err := s.hot.Desk.ExportCases(r.Context(), a, what)
	if err != nil {
		s.deskError(w, r, err)
		return
	}
	if what != "sesnsp" { // the grid sets them once it cannot fail
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="vigia-`+file+`"`)
	}
	switch what {
	case "htcds":
		err = hotline.WriteHTCDS(w, cases)
	case "ctdc":
		_, err = hotline.WriteCTDC(w, cases, s.hot.K)
	case "sesnsp":
		// An analyst sees aggregates only, and no small cell among them:
		// counts from 1 to k−1 (and those that would give one away) are
		// written "suprimido". Supervisors, who may export the cases
		// themselves, get the raw grid.
		grid := hotline.SESNSPGrid(cases)
		var cells []hotline.PublishedCell
		if desk.Can(a, desk.RawGrid) {
			for _, c := range grid {
				cells = append(cells, hotline.PublishedCell{GridCell: c})
			}
		} else if cells, err = hotline.SuppressGrid(grid, s.hot.K); err != nil {
			s.serverError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="vigia-`+file+`"`)
		cw := csv.NewWriter(w)
		cw.Write([]string{"Clave_Ent", "Año", "Mes", "Sexo", "Rango de edad", "Víctimas", "Convención"})
		for _, c := range cells {
			n := strconv.Itoa(c.Victims)
			if c.Hidden {
				n = "suprimido"
			}
			cw.Write([]string{fmt.Sprintf("%02d", c.State), strconv.Itoa(c.Year), strconv.Itoa(c.Month), c.Sex, c.Age, n, "vigia-linea-v1"})
		}
		cw.Flush()
		err = cw.Error()
	}
	if err != nil {
		s.log.Error("export", "file", file, "err", err)
	}
}

// officialCache keeps the official victims by state for one generation of
// the store: building them reads every release (a quarter of a second),
// and they change only with an import.
type officialCache struct {
	mu     sync.Mutex
	key    string
	counts map[string]int64
	period string
}

// officialByState returns trafficking victims by state (keyed "01"…"32")
// for the last 12 published months, and that period's label.
func (s *Server) officialByState(r *http.Request, l locale.Lang) (map[string]int64, string, error) {
	gen, err := s.generation(r.Context())
	if err != nil {
		return nil, "", err
	}
	key := gen + " " + string(l) + " " + s.now().UTC().Format("2006")
	c := &s.official
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key == key {
		return c.counts, c.period, nil
	}
	counts := map[string]int64{}
	period := ""
	if m, ok := sesnsp.MeasureByID("trata"); ok {
		lt, _, err := s.loadLatest(r.Context(), m, sesnsp.Victimas, false)
		if err != nil {
			return nil, "", err
		}
		if lt != nil && lt.Brief != nil {
			period = monthName(l, lt.From) + " – " + monthName(l, lt.To)
			for _, f := range lt.Brief.ByState {
				counts[f.Code] = f.Count
			}
		}
	}
	c.key, c.counts, c.period = key, counts, period
	return counts, period, nil
}
