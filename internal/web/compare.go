package web

// The compare page: up to six states over time, as counts or as rates per
// 100,000 with exact Poisson 95 % intervals, and a ranking of the same
// states over the last 12 months.

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/chart"
	"github.com/vigia-mx/vigia/internal/conapo"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/stats"
)

// maxCompare is how many states one comparison holds: more lines than
// that cannot be told apart.
const maxCompare = 6

func init() {
	templates["compare"] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
		"templates/layout.html", "templates/console_parts.html", "templates/compare.html"))
}

type compareForm struct {
	States  []sesnsp.State
	Measure sesnsp.Measure
	Source  sesnsp.Source
	Rates   bool // false: counts
}

// query is the form as URL parameters (without lang), in a stable order.
func (f compareForm) query() url.Values {
	q := url.Values{}
	for _, st := range f.States {
		q.Add("e", strings.ToLower(st.ISO))
	}
	q.Set("medida", f.Measure.ID)
	q.Set("fuente", string(f.Source))
	if f.Rates {
		q.Set("modo", "tasas")
	} else {
		q.Set("modo", "conteos")
	}
	return q
}

// compareParams reads the form; with no state chosen it picks none and the
// caller fills in a default.
func compareParams(r *http.Request) (compareForm, error) {
	q := r.URL.Query()
	f := compareForm{Rates: true}
	m, err := measureParam(r)
	if err != nil {
		return f, err
	}
	f.Measure = m
	if f.Source, err = sourceParam(r, sesnsp.Victimas); err != nil {
		return f, err
	}
	switch q.Get("modo") {
	case "", "tasas":
	case "conteos":
		f.Rates = false
	default:
		return f, badKey("x.err.mode", q.Get("modo"))
	}
	var vals []string
	for _, v := range q["e"] {
		vals = append(vals, strings.Split(v, ",")...)
	}
	for _, v := range vals {
		if strings.TrimSpace(v) == "" {
			continue
		}
		st, err := sesnsp.LookupState(v)
		if err != nil {
			return f, badKey("err.states", v)
		}
		if !slices.ContainsFunc(f.States, func(s sesnsp.State) bool { return s.Code == st.Code }) {
			f.States = append(f.States, st)
		}
	}
	if len(f.States) > maxCompare {
		return f, badKey("x.err.six", maxCompare, len(f.States))
	}
	return f, nil
}

// yearPoint is one state's figure for one calendar year.
type yearPoint struct {
	Year      int
	Months    int // months published
	Value     float64
	Low, High float64
	OK        bool
}

type compareSeries struct {
	State  sesnsp.State
	Points []yearPoint
}

type compareResult struct {
	Form     compareForm
	Series   []compareSeries
	Years    []int
	Last     sesnsp.YM // last published month
	Latest   *latest
	Vintages []string
}

// compareData computes the yearly series and the latest 12 months.
func (s *Server) compareData(r *http.Request) (*compareResult, error) {
	f, err := compareParams(r)
	if err != nil {
		return nil, err
	}
	lt, ser, err := s.loadLatest(r.Context(), f.Measure, f.Source, false)
	if err != nil {
		return nil, err
	}
	res := &compareResult{Form: f, Latest: lt, Vintages: seriesVintages(ser)}
	if lt == nil {
		return res, nil
	}
	if len(f.States) == 0 {
		// Default: the three highest rates of the last 12 months.
		figs := slices.Clone(lt.Brief.ByState)
		slices.SortStableFunc(figs, func(a, b brief.StateFigure) int { return a.RankByRate - b.RankByRate })
		for _, fg := range figs[:min(3, len(figs))] {
			if st, err := sesnsp.LookupState(fg.ISO); err == nil {
				f.States = append(f.States, st)
			}
		}
		res.Form = f
	}
	res.Last = ser.Last()
	for y := seriesStart.Year(); y <= res.Last.Year(); y++ {
		res.Years = append(res.Years, y)
	}
	for _, st := range f.States {
		cs := compareSeries{State: st}
		for _, y := range res.Years {
			p := yearPoint{Year: y}
			var months []stats.YearMonth
			var count int64
			for mo := 1; mo <= 12; mo++ {
				ym := sesnsp.MakeYM(y, mo)
				if ym > res.Last || !ser.Published(ym) {
					continue
				}
				months = append(months, stats.YearMonth{Year: y, Month: mo})
				count += ser.ByState[st.Code][ym]
			}
			p.Months = len(months)
			if p.Months > 0 {
				// The brief's dispersion for a period ending with this
				// year, so these intervals agree with the brief's.
				phi := ser.Dispersion(min(sesnsp.MakeYM(y, 12), res.Last))
				if f.Rates {
					pop := map[int]float64{}
					if v, ok := s.pop.Mid(st.Code, y, conapo.Total); ok {
						pop[y] = v
					}
					if py, ok := stats.PersonYears(pop, months); ok {
						if rt, ok := stats.RatePer100kDispersed(count, py, p.Months, 0.95, phi); ok {
							p.Value, p.Low, p.High, p.OK = rt.Value, rt.Low, rt.High, true
						}
					}
				} else {
					lo, hi := stats.DispersedInterval(count, phi, 0.95)
					p.Value, p.Low, p.High, p.OK = float64(count), lo, hi, true
				}
			}
			cs.Points = append(cs.Points, p)
		}
		res.Series = append(res.Series, cs)
	}
	return res, nil
}

// yearLabel marks a year with fewer than 12 published months with "*".
func yearLabel(p yearPoint) string {
	if p.Months > 0 && p.Months < 12 {
		return strconv.Itoa(p.Year) + "*"
	}
	return strconv.Itoa(p.Year)
}

func (res *compareResult) names() string {
	var ns []string
	for _, st := range res.Form.States {
		ns = append(ns, st.Name)
	}
	return strings.Join(ns, ", ")
}

func (res *compareResult) seriesChart(l locale.Lang) chart.LineChart {
	f := res.Form
	unit := locale.T(l, "x.compare.unit.counts")
	if f.Rates {
		unit = locale.T(l, "x.compare.unit.rates")
	}
	title := locale.T(l, "x.compare.series.title", measureName(l, f.Measure), srcLower(l, string(f.Source)), unit)
	c := chart.LineChart{ID: "compare-series", Title: title, Width: 720, Height: 320, TickEvery: 1, YLabel: unit}
	var desc []string
	for _, cs := range res.Series {
		se := chart.Series{Name: cs.State.Name, Class: strings.ToLower(cs.State.ISO)}
		for _, p := range cs.Points {
			pt := chart.Point{Label: yearLabel(p), Missing: !p.OK}
			if p.OK {
				pt.Y, pt.Low, pt.High, pt.HasInterval = p.Value, p.Low, p.High, true
			}
			se.Points = append(se.Points, pt)
		}
		if n := len(cs.Points); n > 0 && cs.Points[n-1].OK {
			p := cs.Points[n-1]
			desc = append(desc, fmt.Sprintf("%s %s: %s (%s %s–%s).", cs.State.Name, yearLabel(p), res.format(p.Value), locale.T(l, "ci95"), res.format(p.Low), res.format(p.High)))
		}
		c.Series = append(c.Series, se)
	}
	c.Desc = locale.T(l, "x.compare.series.desc") + " " + strings.Join(desc, " ")
	if f.Rates {
		c.YFormat = nil
	}
	return c
}

func (res *compareResult) format(v float64) string {
	if res.Form.Rates {
		return brief.Dec(v, 2)
	}
	return brief.Dec(v, 0)
}

func (res *compareResult) rankingChart(l locale.Lang, width int) chart.BarChart {
	f := res.Form
	unit := locale.T(l, "x.compare.unit.counts12")
	if f.Rates {
		unit = locale.T(l, "per100k")
	}
	period := ""
	if res.Latest != nil {
		period = periodCovered(l, res.Latest.From, res.Latest.To, res.Latest.Brief.Unpublished)
	}
	title := locale.T(l, "x.compare.rank.title", measureName(l, f.Measure), srcLower(l, string(f.Source)), period)
	c := chart.BarChart{ID: "compare-ranking", Title: title, Width: width, Unit: unit, Desc: locale.T(l, "x.compare.rank.desc"),
		ValueFormat: res.format}
	if res.Latest == nil {
		return c
	}
	for _, fg := range res.Latest.Brief.ByState {
		if !slices.ContainsFunc(f.States, func(s sesnsp.State) bool { return s.ISO == fg.ISO }) {
			continue
		}
		b := chart.Bar{Label: fg.Name, Href: "/estados/" + strings.ToLower(fg.ISO) + "?lang=" + string(l)}
		if f.Rates {
			if fg.Rate == nil {
				continue
			}
			b.Value = *fg.Rate
			if fg.RateLow != nil && fg.RateHigh != nil {
				b.Low, b.High, b.HasInterval = *fg.RateLow, *fg.RateHigh, true
			}
		} else {
			phi := 1.0
			if d := res.Latest.Brief.Dispersion; d != nil {
				phi = d.Used
			}
			lo, hi := stats.DispersedInterval(fg.Count, phi, 0.95)
			b.Value, b.Low, b.High, b.HasInterval = float64(fg.Count), lo, hi, true
		}
		c.Bars = append(c.Bars, b)
	}
	slices.SortStableFunc(c.Bars, func(a, b chart.Bar) int {
		switch {
		case a.Value > b.Value:
			return -1
		case a.Value < b.Value:
			return 1
		}
		return strings.Compare(a.Label, b.Label)
	})
	return c
}

func (res *compareResult) source(l locale.Lang) string {
	if res.Form.Rates {
		return locale.T(l, "x.frame.source.rate", srcLower(l, string(res.Form.Source)))
	}
	return locale.T(l, "x.frame.source.count")
}

func (s *Server) compareSeriesDoc(r *http.Request, l locale.Lang) (*chartDoc, error) {
	res, err := s.compareData(r)
	if err != nil {
		return nil, err
	}
	if res.Latest == nil {
		return nil, badKey("x.err.nodata")
	}
	c := res.seriesChart(l)
	q := res.Form.query()
	return &chartDoc{Title: c.Title, SVG: c.SVG(), Page: twoWidthsYearly(c), Query: q, Share: "/comparar?" + q.Encode() + "#serie", Height: 520,
		Frame: chart.Frame{Title: c.Title, Subtitle: locale.T(l, "x.compare.partial") + " " + locale.T(l, "x.compare.ci"), Source: res.source(l), Release: releaseText(l, res.Vintages)}}, nil
}

func (s *Server) compareRankingDoc(r *http.Request, l locale.Lang) (*chartDoc, error) {
	res, err := s.compareData(r)
	if err != nil {
		return nil, err
	}
	if res.Latest == nil {
		return nil, badKey("x.err.nodata")
	}
	c := res.rankingChart(l, 640)
	q := res.Form.query()
	return &chartDoc{Title: c.Title, SVG: c.SVG(), Page: twoWidthsBar(c), Query: q, Share: "/comparar?" + q.Encode() + "#ranking", Height: 200 + 30*len(c.Bars),
		Frame: chart.Frame{Title: c.Title, Subtitle: locale.T(l, "x.compare.ci"), Source: res.source(l), Release: releaseText(l, anyVintages(res.Latest.Brief.Vintage))}}, nil
}

// twoWidthsYearly is twoWidths for a yearly series: the phone's drawing
// labels every third year.
func twoWidthsYearly(c chart.LineChart) template.HTML {
	wide := c.SVG()
	n := c
	n.ID = c.ID + "-narrow"
	n.Width, n.Height = 360, 300
	n.TickEvery = 3
	return template.HTML(`<div class="only-wide">`) + wide + template.HTML(`</div><div class="only-narrow">`) + n.SVG() + template.HTML(`</div>`)
}

// twoWidthsBar draws a bar chart for wide screens and, 360 units wide, for
// phones, where the wide drawing's text would shrink below 10 px.
func twoWidthsBar(c chart.BarChart) template.HTML {
	wide := c.SVG()
	n := c
	n.ID = chart.ID("bar", c.Title, c.Desc) + "-narrow"
	if c.ID != "" {
		n.ID = c.ID + "-narrow"
	}
	n.Width = 360
	return template.HTML(`<div class="only-wide">`) + wide + template.HTML(`</div><div class="only-narrow">`) + n.SVG() + template.HTML(`</div>`)
}

type compareView struct {
	Form                      compareForm
	Selected                  map[int]bool
	States                    []sesnsp.State
	Measures                  []sesnsp.Measure
	Error                     string
	Series, Ranking           template.HTML
	SeriesTools, RankingTools template.HTML
	Columns                   []string
	Rows                      []compareTableRow
	RatesURL, CountsURL       string
	Period                    string
	HasData                   bool
	Max                       int
}

type compareTableRow struct {
	Year  string
	Cells []string
}

func (s *Server) compare(w http.ResponseWriter, r *http.Request) (*view, error) {
	l := locale.FromRequest(r)
	v := compareView{States: sesnsp.States, Measures: sesnsp.Measures, Selected: map[int]bool{}, Max: maxCompare}
	title := locale.T(l, "x.compare.title")
	res, err := s.compareData(r)
	if err != nil {
		f, _ := compareParams(r)
		if f.Measure.ID == "" {
			f.Measure = sesnsp.Measures[0]
		}
		if f.Source == "" {
			f.Source = sesnsp.Victimas
		}
		v.Form = f
		for _, st := range f.States {
			v.Selected[st.Code] = true
		}
		v.Error = errText(l, err)
		return &view{Template: "compare", Title: title, Data: v, Status: http.StatusBadRequest}, nil
	}
	v.Form = res.Form
	for _, st := range res.Form.States {
		v.Selected[st.Code] = true
	}
	q := res.Form.query()
	rq, cq := cloneValues(q), cloneValues(q)
	rq.Set("modo", "tasas")
	cq.Set("modo", "conteos")
	v.RatesURL, v.CountsURL = withLang("/comparar", rq, l)+"#serie", withLang("/comparar", cq, l)+"#serie"
	if res.Latest == nil {
		return &view{Template: "compare", Title: title, Data: v}, nil
	}
	v.HasData = true
	v.Period = periodCovered(l, res.Latest.From, res.Latest.To, res.Latest.Brief.Unpublished)
	sc := res.seriesChart(l)
	v.Series = twoWidthsYearly(sc)
	v.SeriesTools = chartTools(r, l, &chartDoc{Name: "comparar", Title: sc.Title, Query: q, Share: "/comparar?" + q.Encode() + "#serie", Height: 520})
	rc := res.rankingChart(l, 640)
	v.Ranking = twoWidthsBar(rc)
	v.RankingTools = chartTools(r, l, &chartDoc{Name: "comparar-ranking", Title: rc.Title, Query: q, Share: "/comparar?" + q.Encode() + "#ranking", Height: 200 + 30*len(rc.Bars)})
	for _, st := range res.Form.States {
		v.Columns = append(v.Columns, st.Name)
	}
	for i, y := range res.Years {
		row := compareTableRow{}
		for _, cs := range res.Series {
			p := cs.Points[i]
			row.Year = yearLabel(p)
			if !p.OK {
				row.Cells = append(row.Cells, "—")
				continue
			}
			row.Cells = append(row.Cells, fmt.Sprintf("%s (%s–%s)", res.format(p.Value), res.format(p.Low), res.format(p.High)))
		}
		if row.Year == "" {
			row.Year = strconv.Itoa(y)
		}
		v.Rows = append(v.Rows, row)
	}
	return &view{Template: "compare", Title: title, Data: v}, nil
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		out[k] = slices.Clone(vs)
	}
	return out
}
