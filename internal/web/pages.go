package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/chart"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/store"
)

const seriesStart = sesnsp.SeriesStart // defined once, in sesnsp

// latest is the analysis of the last 12 months of one source, ending with
// its last published month.
type latest struct {
	Source string
	From   string
	To     string
	Brief  *brief.SourceBrief
}

// loadLatest finds each source's last published month and analyses the 12
// months to it.
// With national, the series holds national figures only (enough for a
// national chart, and much cheaper to read).
func (s *Server) loadLatest(ctx context.Context, m sesnsp.Measure, src sesnsp.Source, national bool) (*latest, *brief.Series, error) {
	end := sesnsp.MakeYM(s.now().Year(), 12)
	load := brief.LoadSeries
	if national {
		load = brief.LoadNationalSeries
	}
	ser, err := load(ctx, s.store, src, m, seriesStart, end, "")
	if err != nil {
		return nil, nil, err
	}
	last := ser.Last()
	if last == 0 {
		return nil, ser, nil
	}
	b, err := s.summaryBrief(ctx, brief.Params{From: last - 11, To: last, Measure: m})
	if err != nil {
		return nil, nil, err
	}
	sb := b.Carpetas
	if src == sesnsp.Victimas {
		sb = b.Victimas
	}
	return &latest{Source: string(src), From: (last - 11).String(), To: last.String(), Brief: sb}, ser, nil
}

func measureParam(r *http.Request) (sesnsp.Measure, error) {
	id := r.URL.Query().Get("medida")
	if id == "" {
		id = "trata"
	}
	m, ok := sesnsp.MeasureByID(id)
	if !ok {
		return m, badKey("err.measure", id)
	}
	return m, nil
}

// measureAndSource reads the measure (medida) and the source (fuente, def
// when absent) that most pages take.
func measureAndSource(r *http.Request, def sesnsp.Source) (sesnsp.Measure, sesnsp.Source, error) {
	m, err := measureParam(r)
	if err != nil {
		return m, "", err
	}
	src, err := sourceParam(r, def)
	return m, src, err
}

func sourceParam(r *http.Request, def sesnsp.Source) (sesnsp.Source, error) {
	switch v := r.URL.Query().Get("fuente"); v {
	case "":
		return def, nil
	case "carpetas", "victimas":
		return sesnsp.Source(v), nil
	default:
		return "", badKey("err.source", v)
	}
}

func seriesPoints(ser *brief.Series, from, to sesnsp.YM, state int) []chart.Point {
	var pts []chart.Point
	for m := from; m <= to; m++ {
		p := chart.Point{Label: m.String()}
		if !ser.Published(m) {
			p.Missing = true
		} else if state == 0 {
			p.Y = float64(ser.National[m])
		} else {
			p.Y = float64(ser.ByState[state][m])
		}
		pts = append(pts, p)
	}
	return pts
}

// trendChart draws carpetas and víctimas month by month since 2015.
func trendChart(l locale.Lang, title string, sers []*brief.Series, state int, compact bool) template.HTML {
	c := trendLine(l, title, sers, state, compact)
	if compact {
		return c.SVG()
	}
	return twoWidths(c)
}

// trendLine is the chart trendChart draws (and GET /grafica/tendencia.svg).
func trendLine(l locale.Lang, title string, sers []*brief.Series, state int, compact bool) chart.LineChart {
	to := seriesStart
	for _, s := range sers {
		to = max(to, s.Last())
	}
	c := chart.LineChart{Title: title, Width: 720, Height: 260, TickEvery: 12, YLabel: locale.T(l, "chart.count"), Compact: compact}
	if compact {
		c.Width, c.Height = 240, 90
	}
	var desc []string
	for _, s := range sers {
		name := locale.T(l, "source."+string(s.Source))
		c.Series = append(c.Series, chart.Series{Name: name, Class: string(s.Source), Points: seriesPoints(s, seriesStart, to, state)})
		if last := s.Last(); last != 0 {
			v := s.National[last]
			if state != 0 {
				v = s.ByState[state][last]
			}
			desc = append(desc, locale.T(l, "chart.desc.last", name, monthName(l, last.String()), brief.Int(v)))
		}
	}
	if to >= sesnsp.MakeYM(2026, 1) {
		c.Breaks = []chart.Break{{Label: "2026-01", Text: "RNID 2026"}}
	}
	c.Desc = locale.T(l, "chart.desc.trend") + " " + strings.Join(desc, " ")
	return c
}

// twoWidths draws a chart twice: as asked, for wide screens, and at 360
// units wide for phones, where the wide drawing would be shrunk to half
// its size and its text to 5 px. The phone's drawing keeps the same data
// with a tick every three years and its legend wrapped; the stylesheet
// shows one of the two.
func twoWidths(c chart.LineChart) template.HTML {
	wide := c.SVG()
	n := c
	n.ID = chart.ID("line", c.Title, c.Desc) + "-narrow"
	n.Width, n.Height = 360, 280
	n.TickEvery = 36
	return template.HTML(`<div class="only-wide">`) + wide + template.HTML(`</div><div class="only-narrow">`) + n.SVG() + template.HTML(`</div>`)
}

type mapRow struct {
	Code, ISO, Name string
	Count           int64
	Rate            *float64
	Low, High       *float64
	Rank            int
	RankByRate      int
}

func rateMap(l locale.Lang, lt *latest, title string) (template.HTML, []float64, []mapRow) {
	c, rows := rateChoropleth(l, lt, title)
	return c.SVG() + c.LegendHTML(), c.Breaks(), rows
}

// rateChoropleth is the map rateMap draws (and GET /grafica/mapa.svg).
func rateChoropleth(l locale.Lang, lt *latest, title string) (chart.Choropleth, []mapRow) {
	var vals []chart.MapValue
	var rows []mapRow
	for _, f := range lt.Brief.ByState {
		mv := chart.MapValue{ISO: f.ISO, Href: "/estados/" + strings.ToLower(f.ISO) + "?lang=" + string(l)}
		if f.Rate == nil {
			mv.Missing = true
			mv.Label = f.Name + ": " + locale.T(l, "nodata")
		} else {
			mv.Value = *f.Rate
			mv.Label = fmt.Sprintf("%s: %s %s (%s)", f.Name, brief.Dec(*f.Rate, 2), locale.T(l, "per100k"), brief.Int(f.Count))
		}
		vals = append(vals, mv)
		rows = append(rows, mapRow{Code: f.Code, ISO: f.ISO, Name: f.Name, Count: f.Count, Rate: f.Rate, Low: f.RateLow, High: f.RateHigh, Rank: f.Rank, RankByRate: f.RankByRate})
	}
	slices.SortStableFunc(rows, func(a, b mapRow) int { return a.RankByRate - b.RankByRate })
	c := chart.Choropleth{Title: title, Desc: locale.T(l, "map.desc"), Values: vals, Classes: 5, LegendTitle: locale.T(l, "per100k"),
		ValueFormat: func(x float64) string { return brief.Dec(x, 2) }, NoDataText: locale.T(l, "nodata"), InsetTitle: locale.T(l, "map.inset")}
	return c, rows
}

type homeData struct {
	Latest      []*latest
	Trend       template.HTML
	TrendTools  template.HTML // downloads and embed code (export.go)
	MapTools    template.HTML
	Map         template.HTML
	MapBreaks   []float64
	MapRows     []mapRow
	MapSource   string
	MapMeasure  string
	MapPeriod   string
	Measure     sesnsp.Measure
	Measures    []sesnsp.Measure
	MeasureName string
	// Fresh and RNID: freshness.go.
	Fresh freshness
	RNID  *rnidNote
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) (*view, error) {
	l := locale.FromRequest(r)
	m, err := measureParam(r)
	if err != nil {
		return nil, err
	}
	mapSrc, err := sourceParam(r, sesnsp.Victimas)
	if err != nil {
		return nil, err
	}
	d := homeData{Measure: m, Measures: sesnsp.Measures, MapSource: string(mapSrc), MapMeasure: m.ID, MeasureName: measureName(l, m)}
	var sers []*brief.Series
	for _, src := range []sesnsp.Source{sesnsp.Carpetas, sesnsp.Victimas} {
		lt, ser, err := s.loadLatest(r.Context(), m, src, true)
		if err != nil {
			return nil, err
		}
		sers = append(sers, ser)
		if lt != nil {
			d.Latest = append(d.Latest, lt)
			if src == mapSrc {
				period := periodCovered(l, lt.From, lt.To, lt.Brief.Unpublished)
				title := locale.T(l, "map.title", locale.T(l, "source."+string(src)), period)
				d.Map, d.MapBreaks, d.MapRows = rateMap(l, lt, title)
				d.MapPeriod = period
				d.MapTools = homeMapTools(r, l, m, mapSrc, title)
			}
		}
	}
	d.Trend = trendChart(l, locale.T(l, "home.trend.title", measureName(l, m)), sers, 0, false)
	d.TrendTools = trendTools(r, l, m, nil, locale.T(l, "home.trend.title", measureName(l, m)))
	if crossesRNID(sers) {
		d.RNID = newRNIDNote(l, m, "/", r.URL.Query())
	}
	if d.Fresh, err = s.loadFreshness(r.Context()); err != nil {
		return nil, err
	}
	return &view{Template: "home", Title: locale.T(l, "home.title"), Data: d}, nil
}

func measureName(l locale.Lang, m sesnsp.Measure) string {
	if l == locale.EN {
		return m.NameEN
	}
	return m.Name
}

type stateData struct {
	State     sesnsp.State
	Trend     template.HTML
	Tools     template.HTML // downloads and embed code (export.go)
	Latest    []*latest
	Figures   []stateFigureRow
	Revisions []revisionTable
	// Municipal holds the counts by municipality, when a municipal release
	// is held (municipal.go).
	Municipal []munTable
	RNID      *rnidNote // freshness.go
}

type stateFigureRow struct {
	Source string
	From   string
	To     string
	Fig    brief.StateFigure
	Of     int
	// Unpublished are the months of From…To not published: the figures
	// add up the others, and the period label says so.
	Unpublished []string
	BySex       []brief.Breakdown
	ByAge       []brief.Breakdown
}

// revisionTable shows a state's yearly totals in every release that holds
// them, so that a reader sees how SESNSP revised them.
type revisionTable struct {
	Source   string
	Vintages []string
	Rows     []revisionRow
}

type revisionRow struct {
	Year    int
	Values  []*int64
	Revised bool
}

func (s *Server) state(w http.ResponseWriter, r *http.Request) (*view, error) {
	l := locale.FromRequest(r)
	st, err := sesnsp.LookupState(r.PathValue("iso"))
	if err != nil {
		return nil, errNotFound
	}
	m, err := measureParam(r)
	if err != nil {
		return nil, err
	}
	d := stateData{State: st}
	var sers []*brief.Series
	for _, src := range []sesnsp.Source{sesnsp.Carpetas, sesnsp.Victimas} {
		lt, ser, err := s.loadLatest(r.Context(), m, src, false)
		if err != nil {
			return nil, err
		}
		sers = append(sers, ser)
		if lt == nil {
			continue
		}
		row := stateFigureRow{Source: string(src), From: lt.From, To: lt.To, Of: len(lt.Brief.ByState), Unpublished: lt.Brief.Unpublished}
		for _, f := range lt.Brief.ByState {
			if f.Code == fmt.Sprintf("%02d", st.Code) {
				row.Fig = f
			}
		}
		if src == sesnsp.Victimas {
			row.BySex, row.ByAge = stateSexAge(ser, st.Code, lt)
		}
		d.Figures = append(d.Figures, row)
		rt, err := s.revisionTable(r.Context(), src, m, st.Code)
		if err != nil {
			return nil, err
		}
		if len(rt.Vintages) > 1 {
			d.Revisions = append(d.Revisions, rt)
		}
	}
	if d.Municipal, err = s.municipalTables(r.Context(), m, st.Code); err != nil {
		return nil, err
	}
	d.Trend = trendChart(l, locale.T(l, "state.trend.title", measureName(l, m), st.Name), sers, st.Code, false)
	d.Tools = trendTools(r, l, m, &st, locale.T(l, "state.trend.title", measureName(l, m), st.Name))
	if crossesRNID(sers) {
		d.RNID = newRNIDNote(l, m, r.URL.Path, r.URL.Query())
	}
	return &view{Template: "state", Title: st.Name, Data: d}, nil
}

func stateSexAge(ser *brief.Series, code int, lt *latest) (sex, age []brief.Breakdown) {
	from, to := parseYM(lt.From), parseYM(lt.To)
	bs, ba := map[string]int64{}, map[string]int64{}
	var total int64
	for _, r := range ser.BySexAge {
		if r.Ent == code && r.Month >= from && r.Month <= to && ser.Measure.Counts(r.Month.Year(), r.Tipo) {
			bs[r.Sexo] += r.Value
			ba[r.Edad] += r.Value
			total += r.Value
		}
	}
	conv := func(m map[string]int64) []brief.Breakdown {
		var out []brief.Breakdown
		for k, v := range m {
			b := brief.Breakdown{Key: k, Count: v}
			if total > 0 {
				p := float64(v) / float64(total) * 100
				b.SharePct = &p
			}
			out = append(out, b)
		}
		slices.SortFunc(out, func(a, b brief.Breakdown) int {
			if a.Count != b.Count {
				return int(b.Count - a.Count)
			}
			return strings.Compare(a.Key, b.Key)
		})
		return out
	}
	return conv(bs), conv(ba)
}

func parseYM(s string) sesnsp.YM {
	m, _ := sesnsp.ParseYM(s)
	return m
}

func (s *Server) revisionTable(ctx context.Context, src sesnsp.Source, m sesnsp.Measure, code int) (revisionTable, error) {
	yr, err := brief.RevisionsByYear(ctx, s.store, src, m, code)
	rt := revisionTable{Source: string(src), Vintages: yr.Vintages}
	for _, r := range yr.Rows {
		rt.Rows = append(rt.Rows, revisionRow{Year: r.Year, Values: r.Values, Revised: r.Revised})
	}
	return rt, err
}

type statesData struct {
	Tools   template.HTML // downloads of the small multiples as one image (export.go)
	Source  string
	Latest  *latest
	Panels  []panel
	Measure sesnsp.Measure
	RNID    *rnidNote // freshness.go: the small multiples' rule has no room for text
}

type panel struct {
	Fig   brief.StateFigure
	Chart template.HTML
	Href  string
}

func (s *Server) states(w http.ResponseWriter, r *http.Request) (*view, error) {
	l := locale.FromRequest(r)
	m, src, err := measureAndSource(r, sesnsp.Victimas)
	if err != nil {
		return nil, err
	}
	lt, ser, err := s.loadLatest(r.Context(), m, src, false)
	if err != nil {
		return nil, err
	}
	d := statesData{Source: string(src), Latest: lt, Measure: m}
	if lt != nil {
		d.Tools = statesTools(r, l, m, src)
		figs := slices.Clone(lt.Brief.ByState)
		slices.SortStableFunc(figs, func(a, b brief.StateFigure) int { return a.RankByRate - b.RankByRate })
		for _, f := range figs {
			var code int
			fmt.Sscanf(f.Code, "%d", &code)
			c := trendChart(l, f.Name, []*brief.Series{ser}, code, true)
			d.Panels = append(d.Panels, panel{Fig: f, Chart: c, Href: "/estados/" + strings.ToLower(f.ISO) + "?lang=" + string(l)})
		}
		if crossesRNID([]*brief.Series{ser}) {
			d.RNID = newRNIDNote(l, m, "/estados", r.URL.Query())
		}
	}
	return &view{Template: "states", Title: locale.T(l, "states.title"), Data: d}, nil
}

type analysisData struct {
	Form     analysisForm
	Chart    template.HTML // rate by state with intervals (analysis_chart.go)
	Tools    template.HTML
	Brief    *brief.Brief
	Text     string
	Markdown string
	APIURL   string
	Vintages []string
	Measures []sesnsp.Measure
	States   []sesnsp.State
	Presets  []string
}

type analysisForm struct {
	From, To, States, Vintage, Measure string
}

func (s *Server) analysis(w http.ResponseWriter, r *http.Request) (*view, error) {
	l := locale.FromRequest(r)
	q := r.URL.Query()
	f := analysisForm{From: q.Get("from"), To: q.Get("to"), States: q.Get("states"), Vintage: q.Get("vintage"), Measure: q.Get("medida")}
	if f.Measure == "" {
		f.Measure = "trata"
	}
	d := analysisData{Form: f, Measures: sesnsp.Measures, States: sesnsp.States,
		Presets: []string{"frontera-norte", "frontera-sur", "noroeste", "noreste", "occidente", "centro", "sureste"}}
	rels, err := s.store.Releases(r.Context())
	if err != nil {
		return nil, err
	}
	for _, rel := range rels {
		if !slices.Contains(d.Vintages, rel.Vintage) {
			d.Vintages = append(d.Vintages, rel.Vintage)
		}
	}
	if f.From == "" && f.To == "" {
		// Default: the newest year-to-date of the victims series.
		lt, _, err := s.loadLatest(r.Context(), sesnsp.Measures[0], sesnsp.Victimas, true)
		if err != nil {
			return nil, err
		}
		if lt != nil {
			to := parseYM(lt.To)
			f.From, f.To = sesnsp.MakeYM(to.Year(), 1).String(), lt.To
			d.Form = f
		}
	}
	p, err := briefParams(f.From, f.To, f.States, f.Vintage, f.Measure)
	if err != nil {
		return &view{Template: "analysis", Title: locale.T(l, "analysis.title"), Data: analysisData{Form: f, Measures: d.Measures, States: d.States, Vintages: d.Vintages, Presets: d.Presets, Text: errText(l, err)}, Status: http.StatusBadRequest}, nil
	}
	b, err := s.summaryBrief(r.Context(), p)
	if err != nil {
		return nil, badRequest{msg: err.Error(), key: "err.brief"}
	}
	d.Brief = b
	d.Chart, d.Tools = analysisChartHTML(r, l, f, b)
	var text, md strings.Builder
	b.Write(&text, brief.Text, string(l))
	b.Write(&md, brief.Markdown, string(l))
	d.Text, d.Markdown = text.String(), md.String()
	d.APIURL = "/api/v1/brief?" + r.URL.Query().Encode()
	return &view{Template: "analysis", Title: locale.T(l, "analysis.title"), Data: d}, nil
}

// briefParams validates what the analysis page and the API accept.
func briefParams(from, to, states, vintage, measure string) (brief.Params, error) {
	var p brief.Params
	var ok bool
	if p.From, ok = parseMonth(from); !ok {
		return p, badKey("err.from", from)
	}
	if p.To, ok = parseMonth(to); !ok {
		return p, badKey("err.to", to)
	}
	if p.From > p.To || p.To-p.From > 12*20 {
		return p, badKey("err.order")
	}
	var err error
	if p.States, err = sesnsp.ParseStates(states); err != nil {
		return p, badRequest{msg: err.Error(), key: "err.states", args: []any{states}}
	}
	if vintage != "" {
		if _, err := sesnsp.ParseVintage(vintage); err != nil {
			return p, badRequest{msg: err.Error(), key: "err.vintage", args: []any{vintage}}
		}
	}
	p.Vintage = vintage
	if measure == "" {
		measure = "trata"
	}
	if p.Measure, ok = sesnsp.MeasureByID(measure); !ok {
		return p, badKey("err.measure", measure)
	}
	return p, nil
}

func parseMonth(s string) (sesnsp.YM, bool) {
	m, err := sesnsp.ParseYM(s)
	return m, err == nil && sesnsp.InSeries(m)
}

type dataPage struct {
	Releases []store.Release
	Measures []sesnsp.Measure
	Fresh    freshness // freshness.go
}

func (s *Server) data(w http.ResponseWriter, r *http.Request) (*view, error) {
	l := locale.FromRequest(r)
	rels, err := s.store.Releases(r.Context())
	if err != nil {
		return nil, err
	}
	return &view{Template: "data", Title: locale.T(l, "data.title"), Data: dataPage{Releases: rels, Measures: sesnsp.Measures, Fresh: newFreshness(rels, s.now())}}, nil
}

func (s *Server) method(w http.ResponseWriter, r *http.Request) (*view, error) {
	l := locale.FromRequest(r)
	return &view{Template: "method", Title: locale.T(l, "method.title"), Data: sesnsp.Measures}, nil
}

// errText is an error in the reader's language when it is a user's mistake.
func errText(l locale.Lang, err error) string {
	var bad badRequest
	if errors.As(err, &bad) {
		return bad.text(l)
	}
	return err.Error()
}
