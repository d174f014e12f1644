// Package brief builds the one-page analysis of a period: totals, change on
// the year before, year-end projection, rates with intervals, rankings,
// group shares, "the most since", victims by sex and age, and revisions.
// Every figure carries the release it comes from.
package brief

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/vigia-mx/vigia/internal/conapo"
	"github.com/vigia-mx/vigia/internal/sesnsp"
	"github.com/vigia-mx/vigia/internal/stats"
	"github.com/vigia-mx/vigia/internal/store"
)

// Level is the confidence level of every interval Vigía prints for a
// count or a rate.
const Level = 0.95

// ProjectionLevel is the level of the year-end projection's interval: an
// 80 % interval, whose coverage the backtest checks (TestProjectionBacktest).
const ProjectionLevel = 0.8

// dispersionMonths is the window the dispersion is estimated over: the five
// years ending with the period's last month, long enough for ~59 monthly
// changes, short enough to follow how the series is recorded now (victims
// 2015–2019 have a dispersion near 30, 2020–2024 near 3.5).
const dispersionMonths = 60

// seriesStart is where history (for projections, the dispersion and "the
// most since") is read from: the one definition is sesnsp.SeriesStart.
const seriesStart = sesnsp.SeriesStart

// Params choose the analysis.
type Params struct {
	From, To sesnsp.YM
	States   []int  // the group whose share is reported; may be empty
	Vintage  string // one release, or "" for the newest per month
	Measure  sesnsp.Measure
}

// Data is where figures come from; *store.Store satisfies it.
type Data interface {
	Cells(ctx context.Context, q store.Query) (store.Result, error)
	Releases(ctx context.Context) ([]store.Release, error)
}

// Brief is the analysis. Its JSON form is a contract: fields are added,
// never renamed.
type Brief struct {
	Measure  MeasureInfo    `json:"measure"`
	Period   Period         `json:"period"`
	Vintage  map[string]any `json:"vintage"` // per source: a release name, a list, or null
	Carpetas *SourceBrief   `json:"carpetas"`
	Victimas *SourceBrief   `json:"victimas"`
	Group    []StateRef     `json:"group_states"`
	Notes    []string       `json:"notes"`
}

// MeasureInfo names the measure.
type MeasureInfo struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	Note   string `json:"note"`
	NoteEN string `json:"note_en"`
}

// Period is the analysed span and its comparison base.
type Period struct {
	From         string `json:"from"`
	To           string `json:"to"`
	Months       int    `json:"months"`
	PreviousFrom string `json:"previous_from"`
	PreviousTo   string `json:"previous_to"`
	// PreviousShift is how many months back the comparison period lies: 12
	// for periods of up to a year; for longer ones the next multiple of 12,
	// so the two periods never overlap and still cover the same calendar
	// months.
	PreviousShift int    `json:"previous_shift_months"`
	Vintage       string `json:"requested_vintage,omitempty"`
}

// StateRef names a state.
type StateRef struct {
	Code string `json:"code"` // INEGI, two digits
	ISO  string `json:"iso_3166_2"`
	Name string `json:"name"`
}

// ReleaseRef is a release that contributed months.
type ReleaseRef struct {
	Vintage string `json:"vintage"`
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
	From    string `json:"from"` // months of the analysis taken from it
	To      string `json:"to"`
}

// SourceBrief holds the figures of one source (carpetas or víctimas).
// Pointers are null when a figure cannot be computed, with Reason saying why.
type SourceBrief struct {
	Source            string        `json:"source"`
	Available         bool          `json:"available"`
	Reason            *string       `json:"reason"`
	ReasonCode        string        `json:"reason_code,omitempty"` // no-file, not-covered
	Vintage           any           `json:"vintage"`               // string, or list when several releases were combined
	Releases          []ReleaseRef  `json:"releases"`
	PublishedMonths   int           `json:"published_months"`
	Unpublished       []string      `json:"unpublished_months"`
	Total             *int64        `json:"total"`
	TotalCI           *[2]float64   `json:"total_ci95"` // allows for overdispersion (see Dispersion); never narrower than TotalCIPoisson
	TotalCIPoisson    *[2]float64   `json:"total_ci95_poisson"`
	Dispersion        *Dispersion   `json:"dispersion"`
	PreviousYearTotal *int64        `json:"previous_year_total"`
	ChangeAbs         *int64        `json:"change_abs"`
	ChangePct         *float64      `json:"change_pct"` // null is "n.d." (base 0)
	Monthly           []MonthValue  `json:"monthly"`
	Rate              *RateInfo     `json:"rate"`
	Projection        *ProjInfo     `json:"projection"`
	Group             *GroupInfo    `json:"group"`
	ByState           []StateFigure `json:"by_state"`
	HighestSince      *int          `json:"highest_since"`
	HighestBasis      string        `json:"highest_since_basis,omitempty"` // "year" or "same-months"
	Record            bool          `json:"record"`                        // no earlier year as high
	// When a year between the period and the last one as high (or, with no
	// year as high, since 2015) is not published, "the most since" cannot
	// be said: HighestSince and Record stay unset, HigherThan lists the
	// published years the period exceeds and HighestUnpublished the years
	// that cannot be compared ("higher than 2024; 2025 not published").
	HigherThan         []int `json:"higher_than,omitempty"`
	HighestUnpublished []int `json:"highest_unpublished_years,omitempty"`
	// HighestNone says why no "the most since" comparison is made:
	// "unpublished-months" (the period has months not published) or
	// "several-years" (the period spans more than one calendar year).
	// "below-previous" (the period is not above the year before) or
	// "within-noise" (above the years it would pass over by less than
	// noise); then HighestVersus is the year that stops the claim.
	HighestNone   string     `json:"highest_none,omitempty"`
	HighestVersus *YearTotal `json:"highest_versus,omitempty"`
	// HighestAcrossBreak is true when a comparison reaches from 2026 (RNID)
	// back to the years before it; the text then says so.
	HighestAcrossBreak bool `json:"highest_across_break,omitempty"`
	// UnknownSexPct is the share of victims whose sex is not identified:
	// rates by sex leave them out, so both are lower bounds.
	UnknownSexPct *float64 `json:"unknown_sex_share_pct,omitempty"`
	// PreviousUnpublished lists the months a year earlier that are not
	// published, when they keep the year-on-year comparison from being made.
	PreviousUnpublished []string    `json:"previous_unpublished_months,omitempty"`
	YearTotals          []YearTotal `json:"year_totals,omitempty"`
	BySex               []Breakdown `json:"by_sex,omitempty"`
	ByAge               []Breakdown `json:"by_age,omitempty"`
	BySubtipo           []Breakdown `json:"by_subtipo,omitempty"`
	Revisions           []Revision  `json:"revisions"`
}

// MonthValue is one month's national count.
type MonthValue struct {
	Month   string `json:"month"`
	Count   int64  `json:"count"`
	Vintage string `json:"vintage"`
}

// Dispersion is how overdispersed the national monthly series is (see
// stats.Dispersion), over the months From…To.
type Dispersion struct {
	Phi   float64 `json:"phi"`  // as estimated
	Used  float64 `json:"used"` // at least 1: what the intervals use
	Pairs int     `json:"pairs"`
	From  string  `json:"from"`
	To    string  `json:"to"`
}

// RateInfo is a rate per 100,000 with its interval.
type RateInfo struct {
	Per100k     float64 `json:"per_100k"`
	Low         float64 `json:"low"` // allows for overdispersion
	High        float64 `json:"high"`
	LowPoisson  float64 `json:"low_poisson"`
	HighPoisson float64 `json:"high_poisson"`
	Annualised  bool    `json:"annualised"`
	Population  string  `json:"population"`
}

// ProjInfo is the year-end projection: the run-rate (Mid) with an interval
// at Level (Low–High), and how such intervals fared on the earlier years of
// the series (Backtest).
type ProjInfo struct {
	Year     int     `json:"year"`
	Months   int     `json:"months"`
	YTD      int64   `json:"ytd"`
	RunRate  float64 `json:"run_rate"`
	Low      float64 `json:"low"`
	Mid      float64 `json:"mid"`
	High     float64 `json:"high"`
	Level    float64 `json:"level"`
	Interval bool    `json:"interval"` // false with no complete earlier year: Low = Mid = High
	// BaseYears are the complete earlier years whose run-rate errors set
	// the interval's width (Dispersion).
	BaseYears  []int         `json:"base_years"`
	Dispersion float64       `json:"dispersion"`
	Seasonal   bool          `json:"seasonal"` // always false since the seasonal estimate was dropped
	Backtest   *BacktestInfo `json:"backtest"`
	// AcrossBreak is true when a 2026 (RNID) projection learns from years
	// before the change of methodology.
	AcrossBreak bool   `json:"across_break,omitempty"`
	Label       string `json:"label"`
}

// BacktestInfo is how the same projection fared on the complete years
// before the projected one: Covered of Cases intervals held the actual
// total.
type BacktestInfo struct {
	From     int     `json:"from"`
	To       int     `json:"to"`
	Cases    int     `json:"cases"`
	Covered  int     `json:"covered"`
	Coverage float64 `json:"coverage_pct"`
	MAPE     float64 `json:"mape_pct"` // mean absolute error of the run-rate, % of the actual total
}

// GroupInfo is the group of states asked for.
type GroupInfo struct {
	States   []string `json:"states"`
	Total    int64    `json:"total"`
	SharePct *float64 `json:"share_pct"`
}

// StateFigure is one state's line in the ranking.
type StateFigure struct {
	Code       string   `json:"code"`
	ISO        string   `json:"iso_3166_2"`
	Name       string   `json:"name"`
	Count      int64    `json:"count"`
	Rate       *float64 `json:"rate_per_100k"`
	RateLow    *float64 `json:"rate_low"`
	RateHigh   *float64 `json:"rate_high"`
	Rank       int      `json:"rank"`
	RankByRate int      `json:"rank_by_rate"`
	InGroup    bool     `json:"in_group"`
}

// YearTotal is a calendar year's total over the same months as the period.
type YearTotal struct {
	Year  int   `json:"year"`
	Total int64 `json:"total"`
}

// Breakdown is a count by sex, age group or subtipo.
type Breakdown struct {
	Key      string   `json:"key"`
	Count    int64    `json:"count"`
	SharePct *float64 `json:"share_pct"`
	Rate     *float64 `json:"rate_per_100k,omitempty"`
	RateLow  *float64 `json:"rate_low,omitempty"`
	RateHigh *float64 `json:"rate_high,omitempty"`
}

// Revision is a month whose national count changed between two releases.
type Revision struct {
	Month  string `json:"month"`
	Before string `json:"before_vintage"`
	Old    int64  `json:"before"`
	After  string `json:"after_vintage"`
	New    int64  `json:"after"`
}

// Build computes the brief.
func Build(ctx context.Context, d Data, pop *conapo.Table, p Params) (*Brief, error) {
	if p.From > p.To {
		return nil, fmt.Errorf("brief: period starts (%s) after it ends (%s)", p.From, p.To)
	}
	if p.From < seriesStart {
		return nil, fmt.Errorf("brief: the series starts in %s; %s is before it", seriesStart, p.From)
	}
	months := int(p.To-p.From) + 1
	shift := PreviousShift(months)
	b := &Brief{
		Measure: MeasureInfo{p.Measure.ID, p.Measure.Name, p.Measure.NameEN, p.Measure.Note, p.Measure.NoteEN},
		Period: Period{From: p.From.String(), To: p.To.String(), Months: months,
			PreviousFrom: (p.From - sesnsp.YM(shift)).String(), PreviousTo: (p.To - sesnsp.YM(shift)).String(),
			PreviousShift: shift, Vintage: p.Vintage},
		Vintage: map[string]any{},
	}
	for _, c := range p.States {
		b.Group = append(b.Group, stateRef(c))
	}
	for _, src := range []sesnsp.Source{sesnsp.Carpetas, sesnsp.Victimas} {
		sb, err := buildSource(ctx, d, pop, p, src)
		if err != nil {
			return nil, err
		}
		b.Vintage[string(src)] = sb.Vintage
		if src == sesnsp.Carpetas {
			b.Carpetas = sb
		} else {
			b.Victimas = sb
		}
	}
	if p.From.Year() <= 2025 && p.To.Year() >= 2026 {
		b.Notes = append(b.Notes, "methodology-break")
	}
	return b, nil
}

// PreviousShift is how far back, in months, a period of n months is
// compared: a year for up to 12 months, else the next multiple of 12 (a
// 24-month period against the 24 months before it, not against a window
// sharing 12 of its months).
func PreviousShift(n int) int {
	if n <= 12 {
		return 12
	}
	return (n + 11) / 12 * 12
}

func stateRef(c int) StateRef {
	s, _ := sesnsp.StateByCode(c)
	return StateRef{Code: fmt.Sprintf("%02d", c), ISO: s.ISO, Name: s.Name}
}

func reason(s string) *string { return &s }

func all(ctx context.Context, d Data) []store.Release {
	rs, _ := d.Releases(ctx)
	return rs
}

// holds reports whether a release of src named v is held at all.
func holds(rs []store.Release, src sesnsp.Source, v string) bool {
	want, err := sesnsp.ParseVintage(v)
	if err != nil {
		return false
	}
	for _, r := range rs {
		if r.Source == src && r.Cutoff == want.Cutoff {
			return true
		}
	}
	return false
}

func buildSource(ctx context.Context, d Data, pop *conapo.Table, p Params, src sesnsp.Source) (*SourceBrief, error) {
	sb := &SourceBrief{Source: string(src), Monthly: []MonthValue{}, Revisions: []Revision{}, Unpublished: []string{}}
	// The national history (for projections and "the most since") and the
	// detail of the period (states, sex, age) are two queries: the detail of
	// ten years would be tens of thousands of rows.
	// It reaches past To only for periods ending before the series has
	// five years, to fill the dispersion window.
	histTo := max(p.To, seriesStart+dispersionMonths-1)
	res, err := d.Cells(ctx, store.Query{Source: src, Tipos: p.Measure.AllTipos(), From: seriesStart, To: histTo, Vintage: p.Vintage, National: true})
	if err != nil {
		return nil, fmt.Errorf("brief: %s: %w", src, err)
	}
	detail, err := d.Cells(ctx, store.Query{Source: src, Tipos: p.Measure.AllTipos(), From: p.From, To: p.To, Vintage: p.Vintage})
	if err != nil {
		return nil, fmt.Errorf("brief: %s: %w", src, err)
	}
	// Which months of the period are published, and from which release.
	var pub []sesnsp.YM
	used := map[int64]*ReleaseRef{}
	var refs []*ReleaseRef
	for m := p.From; m <= p.To; m++ {
		r, ok := res.ByMonth[m]
		if !ok {
			sb.Unpublished = append(sb.Unpublished, m.String())
			continue
		}
		pub = append(pub, m)
		ref, ok := used[r.ID]
		if !ok {
			ref = &ReleaseRef{Vintage: r.Vintage, File: r.FileName, SHA256: r.SHA256, From: m.String()}
			used[r.ID] = ref
			refs = append(refs, ref)
		}
		ref.To = m.String()
	}
	sb.PublishedMonths = len(pub)
	var names []string
	for _, r := range refs {
		sb.Releases = append(sb.Releases, *r)
		if !slices.Contains(names, r.Vintage) {
			names = append(names, r.Vintage)
		}
	}
	switch len(names) {
	case 0:
		sb.Vintage = nil
	case 1:
		sb.Vintage = names[0]
	default:
		sb.Vintage = names
	}
	if len(pub) == 0 {
		switch {
		case p.Vintage != "" && len(res.Used) == 0 && !holds(all(ctx, d), src, p.Vintage):
			sb.ReasonCode = "no-file"
			sb.Reason = reason(fmt.Sprintf("release %s: no %s file of it is held", p.Vintage, src))
		case p.Vintage != "":
			sb.ReasonCode = "not-covered"
			sb.Reason = reason(fmt.Sprintf("release %s does not cover %s…%s", p.Vintage, p.From, p.To))
		default:
			sb.ReasonCode = "not-covered"
			sb.Reason = reason(fmt.Sprintf("no release held covers %s…%s", p.From, p.To))
		}
		return sb, nil
	}
	sb.Available = true

	// Aggregate what the measure counts.
	national := map[sesnsp.YM]int64{}
	byState := map[int]int64{}
	bySex, byAge, bySub := map[string]int64{}, map[string]int64{}, map[string]int64{}
	inPeriod := func(m sesnsp.YM) bool { return m >= p.From && m <= p.To }
	for _, r := range res.Rows {
		if p.Measure.Counts(r.Month.Year(), r.Tipo) {
			national[r.Month] += r.Value
		}
	}
	for _, r := range detail.Rows {
		if !p.Measure.Counts(r.Month.Year(), r.Tipo) || !inPeriod(r.Month) {
			continue
		}
		byState[r.Ent] += r.Value
		if r.Sexo != "" {
			bySex[r.Sexo] += r.Value
			byAge[r.Edad] += r.Value
		}
		bySub[r.Subtipo] += r.Value
	}
	var total int64
	for _, m := range pub {
		total += national[m]
		sb.Monthly = append(sb.Monthly, MonthValue{Month: m.String(), Count: national[m], Vintage: res.ByMonth[m].Vintage})
	}
	sb.Total = &total
	sb.Dispersion = dispersion(res, national, histTo)
	phi := sb.Dispersion.Used
	lo, hi := stats.DispersedInterval(max(total, 0), phi, Level)
	sb.TotalCI = &[2]float64{lo, hi}
	plo, phi0 := stats.PoissonInterval(max(total, 0), Level)
	sb.TotalCIPoisson = &[2]float64{plo, phi0}

	// The same months a year earlier (for periods over a year, the same
	// calendar months of the period just before), all of them published, or
	// no comparison.
	var prev int64
	prevOK := true
	shift := sesnsp.YM(PreviousShift(months(p)))
	for _, m := range pub {
		if _, ok := res.ByMonth[m-shift]; !ok {
			prevOK = false
			sb.PreviousUnpublished = append(sb.PreviousUnpublished, (m - shift).String())
			continue
		}
		prev += national[m-shift]
	}
	if prevOK {
		sb.PreviousYearTotal = &prev
		ch := stats.YoY(total, prev)
		sb.ChangeAbs = &ch.Abs
		if ch.PctOK {
			sb.ChangePct = &ch.Pct
		}
	}

	ym := toYearMonths(pub)
	sb.Rate = rate(pop, 0, conapo.Total, total, ym, phi)

	// Ranking of the states over the published months.
	var counts, rates []float64
	for c := 1; c <= 32; c++ {
		f := StateFigure{Count: byState[c], InGroup: slices.Contains(p.States, c)}
		ref := stateRef(c)
		f.Code, f.ISO, f.Name = ref.Code, ref.ISO, ref.Name
		if r := rate(pop, c, conapo.Total, byState[c], ym, phi); r != nil {
			f.Rate, f.RateLow, f.RateHigh = &r.Per100k, &r.Low, &r.High
			rates = append(rates, r.Per100k)
		} else {
			rates = append(rates, nan())
		}
		counts = append(counts, float64(byState[c]))
		sb.ByState = append(sb.ByState, f)
	}
	rc, rr := stats.RankDesc(counts), stats.RankDesc(rates)
	for i := range sb.ByState {
		sb.ByState[i].Rank, sb.ByState[i].RankByRate = rc[i], rr[i]
	}
	slices.SortStableFunc(sb.ByState, func(a, b StateFigure) int { return a.Rank - b.Rank })

	if len(p.States) > 0 {
		g := &GroupInfo{}
		for _, c := range p.States {
			g.States = append(g.States, fmt.Sprintf("%02d", c))
			g.Total += byState[c]
		}
		if s, ok := stats.Share(g.Total, total); ok {
			g.SharePct = &s
		}
		sb.Group = g
	}

	sb.Projection = project(res, national, p.To)
	highest(sb, res, national, p, phi)
	sexOf := func(k string) conapo.Sex {
		return map[string]conapo.Sex{"mujer": conapo.Mujeres, "hombre": conapo.Hombres}[sesnsp.Key(k)]
	}
	sb.BySex = breakdown(bySex, total, func(k string) *RateInfo {
		if sexOf(k) == "" {
			return nil
		}
		return rate(pop, 0, sexOf(k), bySex[k], ym, phi)
	})
	if len(sb.BySex) > 0 {
		var known, all int64
		for _, b := range sb.BySex {
			all += b.Count
			if sexOf(b.Key) != "" {
				known += b.Count
			}
		}
		if s, ok := stats.Share(all-known, all); ok {
			sb.UnknownSexPct = &s
		}
	}
	sb.ByAge = breakdown(byAge, total, nil)
	if len(bySub) > 1 {
		sb.BySubtipo = breakdown(bySub, total, nil)
	}
	revs, err := revisions(ctx, d, p, src, res, pub)
	if err != nil {
		return nil, err
	}
	sb.Revisions = revs
	return sb, nil
}

func months(p Params) int { return int(p.To-p.From) + 1 }

// dispersion estimates the national series' dispersion over the
// dispersionMonths months ending at end, differencing only consecutive
// published months.
func dispersion(res store.Result, national map[sesnsp.YM]int64, end sesnsp.YM) *Dispersion {
	return dispersionOver(func(m sesnsp.YM) bool { _, ok := res.ByMonth[m]; return ok }, national, end)
}

// Dispersion of a series: the phi its intervals for periods ending at end
// use (at least 1), estimated as the brief does, so that other pages' 95 %
// intervals agree with the brief's.
func (s *Series) Dispersion(end sesnsp.YM) float64 {
	return dispersionOver(s.Published, s.National, end).Used
}

func dispersionOver(published func(sesnsp.YM) bool, national map[sesnsp.YM]int64, end sesnsp.YM) *Dispersion {
	from := max(seriesStart, end-dispersionMonths+1)
	var runs [][]int64
	var run []int64
	var first, last sesnsp.YM
	for m := from; m <= end; m++ {
		if !published(m) {
			runs, run = append(runs, run), nil
			continue
		}
		if first == 0 {
			first = m
		}
		last = m
		run = append(run, national[m])
	}
	runs = append(runs, run)
	d := &Dispersion{Used: 1}
	if phi, n, ok := stats.Dispersion(runs); ok {
		d.Phi, d.Pairs, d.Used = phi, n, math.Max(1, phi)
	}
	if first != 0 {
		d.From, d.To = first.String(), last.String()
	}
	return d
}

func toYearMonths(ms []sesnsp.YM) []stats.YearMonth {
	out := make([]stats.YearMonth, len(ms))
	for i, m := range ms {
		out[i] = stats.YearMonth{Year: m.Year(), Month: m.Month()}
	}
	return out
}

// rate is count per 100,000 per year over the months given, with CONAPO's
// mid-year population of each month's year.
// The interval allows for the dispersion phi.
func rate(pop *conapo.Table, ent int, sex conapo.Sex, count int64, months []stats.YearMonth, phi float64) *RateInfo {
	if pop == nil || len(months) == 0 || count < 0 {
		return nil
	}
	py := map[int]float64{}
	for _, m := range months {
		v, ok := pop.Mid(ent, m.Year, sex)
		if !ok {
			return nil
		}
		py[m.Year] = v
	}
	exp, ok := stats.PersonYears(py, months)
	if !ok {
		return nil
	}
	r, ok := stats.RatePer100kDispersed(count, exp, len(months), Level, phi)
	if !ok {
		return nil
	}
	return &RateInfo{Per100k: r.Value, Low: r.Low, High: r.High, LowPoisson: r.PoissonLow, HighPoisson: r.PoissonHigh,
		Annualised: r.Annualised, Population: "CONAPO 2023, mid-year"}
}

func nan() float64 { return math.NaN() }

// project gives the year-end projection of To's year. The rules, also on
// /metodologia and in the README:
//   - the year to date runs from January to the last month of the period
//     that is published with every month before it; none when January is
//     not published or the year to date is a whole year (a December end);
//   - the estimate is the run-rate, year to date × 12 / months;
//   - its interval learns from every complete earlier year since 2015 (a
//     year with a month not published is skipped); with none there is no
//     interval;
//   - the backtest beside it replays the same projection on those years.
func project(res store.Result, national map[sesnsp.YM]int64, to sesnsp.YM) *ProjInfo {
	y := to.Year()
	var ytd int64
	m := 0
	for mo := 1; mo <= to.Month(); mo++ {
		if _, ok := res.ByMonth[sesnsp.MakeYM(y, mo)]; !ok {
			break
		}
		ytd += national[sesnsp.MakeYM(y, mo)]
		m = mo
	}
	if m == 0 || m == 12 {
		return nil
	}
	hist := completeYears(res, national, y)
	pr, ok := stats.ProjectYearEnd(y, ytd, m, hist, ProjectionLevel)
	if !ok {
		return nil
	}
	info := &ProjInfo{Year: y, Months: m, YTD: ytd, RunRate: pr.RunRate, Low: pr.Low, Mid: pr.Mid, High: pr.High,
		Level: pr.Level, Interval: pr.Interval, BaseYears: pr.BaseYears, Dispersion: pr.Dispersion,
		Label: "proyección, no dato oficial"}
	if info.BaseYears == nil {
		info.BaseYears = []int{}
	}
	if bt := stats.BacktestProjection(hist, y, ProjectionLevel); len(bt.Cases) > 0 {
		info.Backtest = &BacktestInfo{From: bt.From, To: bt.To, Cases: len(bt.Cases), Covered: bt.Covered,
			Coverage: bt.Coverage() * 100, MAPE: bt.MAPE * 100}
	}
	info.AcrossBreak = y >= rnidYear && len(pr.BaseYears) > 0 && pr.BaseYears[0] < rnidYear
	return info
}

// rnidYear is the first year of the RNID methodology.
const rnidYear = 2026

// completeYears returns the national monthly counts of every year from
// 2015 to before year whose twelve months are all published.
func completeYears(res store.Result, national map[sesnsp.YM]int64, before int) map[int][12]int64 {
	hist := map[int][12]int64{}
	for yy := seriesStart.Year(); yy < before; yy++ {
		var a [12]int64
		full := true
		for mo := 1; mo <= 12; mo++ {
			if _, pub := res.ByMonth[sesnsp.MakeYM(yy, mo)]; !pub {
				full = false
				break
			}
			a[mo-1] = national[sesnsp.MakeYM(yy, mo)]
		}
		if full {
			hist[yy] = a
		}
	}
	return hist
}

// CompleteYears returns the national monthly counts of every complete year
// of a source and measure held (every month published), for the backtest.
func CompleteYears(ctx context.Context, d Data, src sesnsp.Source, m sesnsp.Measure, vintage string) (map[int][12]int64, error) {
	res, err := d.Cells(ctx, store.Query{Source: src, Tipos: m.AllTipos(), From: seriesStart, To: sesnsp.MakeYM(2100, 12), Vintage: vintage, National: true})
	if err != nil {
		return nil, fmt.Errorf("brief: %s: %w", src, err)
	}
	national := map[sesnsp.YM]int64{}
	for _, r := range res.Rows {
		if m.Counts(r.Month.Year(), r.Tipo) {
			national[r.Month] += r.Value
		}
	}
	return completeYears(res, national, 2100), nil
}

// highest finds "the most since": for a period inside one calendar year, the
// latest earlier year whose same months add up to at least as much.
// The claim is withheld when the period is not above the year before, or
// beats the years it passes over by less than noise (stats.MostSince), and
// flagged when it reaches across the 2026 change of methodology.
func highest(sb *SourceBrief, res store.Result, national map[sesnsp.YM]int64, p Params, phi float64) {
	switch {
	case sb.Total == nil:
		return
	case p.From.Year() != p.To.Year():
		sb.HighestNone = "several-years"
		return
	case len(sb.Unpublished) > 0:
		sb.HighestNone = "unpublished-months"
		return
	}
	y := p.From.Year()
	totals := map[int]int64{y: *sb.Total}
	var missing []int
	for yy := seriesStart.Year(); yy < y; yy++ {
		var t int64
		ok := true
		for mo := p.From.Month(); mo <= p.To.Month(); mo++ {
			m := sesnsp.MakeYM(yy, mo)
			if _, pub := res.ByMonth[m]; !pub {
				ok = false
				break
			}
			t += national[m]
		}
		if ok {
			totals[yy] = t
			sb.YearTotals = append(sb.YearTotals, YearTotal{yy, t})
		} else {
			missing = append(missing, yy)
		}
	}
	sb.YearTotals = append(sb.YearTotals, YearTotal{y, *sb.Total})
	sb.HighestBasis = "same-months"
	if p.From.Month() == 1 && p.To.Month() == 12 {
		sb.HighestBasis = "year"
	}
	since, ok := stats.HighestSince(y, totals)
	first := seriesStart.Year() // the first year the claim covers
	if ok {
		first = since + 1
	}
	// Any comparison from 2026 with a year before it crosses the break.
	sb.HighestAcrossBreak = y >= rnidYear && len(totals) > 1 && (!ok || since < rnidYear || first < rnidYear)
	// A year not published inside the span the claim covers could have
	// been higher: name it instead of skipping it.
	var gaps []int
	for _, yy := range missing {
		if yy >= first {
			gaps = append(gaps, yy)
		}
	}
	if len(gaps) > 0 {
		sb.HighestUnpublished = gaps
		sb.HigherThan = []int{}
		for yy := first; yy < y; yy++ {
			if _, pub := totals[yy]; pub {
				sb.HigherThan = append(sb.HigherThan, yy)
			}
		}
		return
	}
	h := stats.MostSince(y, totals, phi, Level)
	switch {
	case h.None != "":
		sb.HighestNone = h.None
		sb.HighestVersus = &YearTotal{h.Versus, totals[h.Versus]}
	case h.OK:
		sb.HighestSince = &h.Since
	case h.Record:
		sb.Record = true
	}
	if h.None == "" && !h.OK && !h.Record {
		sb.HighestAcrossBreak = false
	}
}

func breakdown(m map[string]int64, total int64, rateOf func(string) *RateInfo) []Breakdown {
	var out []Breakdown
	for k, v := range m {
		b := Breakdown{Key: k, Count: v}
		if s, ok := stats.Share(v, total); ok {
			b.SharePct = &s
		}
		if rateOf != nil {
			if r := rateOf(k); r != nil {
				b.Rate, b.RateLow, b.RateHigh = &r.Per100k, &r.Low, &r.High
			}
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Breakdown) int {
		if a.Count != b.Count {
			return int(b.Count - a.Count)
		}
		if a.Key < b.Key {
			return -1
		}
		return 1
	})
	return out
}
