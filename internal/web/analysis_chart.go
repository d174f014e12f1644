package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vigia-mx/vigia/internal/brief"
	"github.com/vigia-mx/vigia/internal/chart"
	"github.com/vigia-mx/vigia/internal/locale"
	"github.com/vigia-mx/vigia/internal/sesnsp"
)

// analysisChart draws the analysed period's rate per 100,000 by state,
// highest first, with 95 % intervals; the states of the analysed group are
// highlighted. It uses víctimas, or carpetas when the victims series does
// not cover the period.
func analysisChart(l locale.Lang, b *brief.Brief, width int) (chart.BarChart, *brief.SourceBrief, bool) {
	sb := b.Victimas
	if sb == nil || !sb.Available || len(sb.ByState) == 0 {
		sb = b.Carpetas
	}
	if sb == nil || !sb.Available || len(sb.ByState) == 0 {
		return chart.BarChart{}, nil, false
	}
	mname := b.Measure.Name
	if l == locale.EN {
		mname = b.Measure.NameEN
	}
	period := periodCovered(l, b.Period.From, b.Period.To, sb.Unpublished)
	title := locale.T(l, "x.analysis.chart.title", mname, srcLower(l, sb.Source), period)
	c := chart.BarChart{ID: "analysis-rank", Title: title, Desc: locale.T(l, "x.analysis.chart.desc"), Width: width, Unit: locale.T(l, "per100k"),
		ValueFormat: func(x float64) string { return brief.Dec(x, 2) }}
	figs := append([]brief.StateFigure(nil), sb.ByState...)
	// By rate, highest first; states without a rate last, by name.
	sortFigs(figs)
	for _, f := range figs {
		if f.Rate == nil {
			continue
		}
		bar := chart.Bar{Label: f.Name, Value: *f.Rate, Highlight: f.InGroup, Href: "/estados/" + strings.ToLower(f.ISO) + "?lang=" + string(l)}
		if f.RateLow != nil && f.RateHigh != nil {
			bar.Low, bar.High, bar.HasInterval = *f.RateLow, *f.RateHigh, true
		}
		c.Bars = append(c.Bars, bar)
	}
	return c, sb, len(c.Bars) > 0
}

func sortFigs(figs []brief.StateFigure) {
	slices.SortStableFunc(figs, func(a, b brief.StateFigure) int {
		switch {
		case a.Rate != nil && b.Rate != nil && *a.Rate != *b.Rate:
			if *a.Rate > *b.Rate {
				return -1
			}
			return 1
		case a.Rate != nil && b.Rate == nil:
			return -1
		case a.Rate == nil && b.Rate != nil:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// analysisQuery is the analysis form as chart parameters.
func analysisQuery(f analysisForm) url.Values {
	q := url.Values{"from": {f.From}, "to": {f.To}, "medida": {f.Measure}}
	if f.States != "" {
		q.Set("states", f.States)
	}
	if f.Vintage != "" {
		q.Set("vintage", f.Vintage)
	}
	return q
}

// analysisDoc is the chart of /analisis for the same parameters.
func (s *Server) analysisDoc(r *http.Request, l locale.Lang) (*chartDoc, error) {
	q := r.URL.Query()
	f := analysisForm{From: q.Get("from"), To: q.Get("to"), States: q.Get("states"), Vintage: q.Get("vintage"), Measure: q.Get("medida")}
	if f.From == "" && f.To == "" {
		// As the page: the newest year-to-date of the victims series.
		lt, _, err := s.loadLatest(r.Context(), sesnsp.Measures[0], sesnsp.Victimas, true)
		if err != nil {
			return nil, err
		}
		if lt != nil {
			to := parseYM(lt.To)
			f.From, f.To = sesnsp.MakeYM(to.Year(), 1).String(), lt.To
		}
	}
	p, err := briefParams(f.From, f.To, f.States, f.Vintage, f.Measure)
	if err != nil {
		return nil, err
	}
	b, err := s.summaryBrief(r.Context(), p)
	if err != nil {
		return nil, badRequest{msg: err.Error(), key: "err.brief"}
	}
	if f.Measure == "" {
		f.Measure = p.Measure.ID
	}
	c, sb, ok := analysisChart(l, b, 640)
	if !ok {
		return nil, badKey("x.err.nodata")
	}
	aq := analysisQuery(f)
	return &chartDoc{Title: c.Title, SVG: c.SVG(), Page: twoWidthsBar(c), Query: aq, Share: "/analisis?" + aq.Encode() + "#grafica", Height: 160 + 26*len(c.Bars),
		Frame: chart.Frame{Title: c.Title, Subtitle: locale.T(l, "x.compare.ci"), Source: locale.T(l, "x.frame.source.rate", srcLower(l, sb.Source)),
			Release: releaseText(l, anyVintages(sb.Vintage))}}, nil
}

// analysisChartHTML is what the analysis page shows: the chart at both
// widths and its tools.
func analysisChartHTML(r *http.Request, l locale.Lang, f analysisForm, b *brief.Brief) (template.HTML, template.HTML) {
	c, _, ok := analysisChart(l, b, 640)
	if !ok {
		return "", ""
	}
	aq := analysisQuery(f)
	tools := chartTools(r, l, &chartDoc{Name: "analisis", Title: c.Title, Query: aq, Share: "/analisis?" + aq.Encode() + "#grafica", Height: 160 + 26*len(c.Bars)})
	return twoWidthsBar(c), tools
}
