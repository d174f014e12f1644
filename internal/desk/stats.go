package desk

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/vigia-mx/vigia/internal/audit"
	"github.com/vigia-mx/vigia/internal/disclosure"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/store"
)

// PublicCounts returns reports by state × class for months from..to
// (YYYY-MM, inclusive), with cells under k and their complements hidden. It
// reads only the clear columns, so the intake role can publish it. Only
// reports staff accepted into a case count: anyone can file reports, and
// filing k−1 of them into a hidden cell would otherwise reveal it.
func (d *Desk) PublicCounts(ctx context.Context, from, to string, k int) (disclosure.Result, error) {
	cells, err := d.st.ReportCounts(ctx)
	if err != nil {
		return disclosure.Result{}, err
	}
	t := disclosure.Table{}
	for i := 1; i <= 32; i++ {
		t.Rows = append(t.Rows, strconv.Itoa(i))
		t.Counts = append(t.Counts, make([]int, len(hotline.Kinds)))
	}
	kindIndex := map[string]int{}
	for j, kd := range hotline.Kinds {
		t.Cols = append(t.Cols, kd.Value)
		kindIndex[kd.Value] = j
	}
	for _, c := range cells {
		if c.Month < from || c.Month > to || c.State < 1 || c.State > 32 {
			continue
		}
		t.Counts[c.State-1][kindIndex[c.Kind]] += c.N
	}
	return disclosure.Suppress(t, k)
}

// PublicMonthly returns reports by state × month for months from..to, with
// suppression, for the downloadable file.
func (d *Desk) PublicMonthly(ctx context.Context, from, to string, k int) (disclosure.Result, error) {
	cells, err := d.st.ReportCounts(ctx)
	if err != nil {
		return disclosure.Result{}, err
	}
	start, err1 := time.Parse("2006-01", from)
	end, err2 := time.Parse("2006-01", to)
	if err1 != nil || err2 != nil || end.Before(start) {
		return disclosure.Result{}, fmt.Errorf("desk: bad period %s..%s", from, to)
	}
	t := disclosure.Table{}
	col := map[string]int{}
	for m := start; !m.After(end); m = m.AddDate(0, 1, 0) {
		col[m.Format("2006-01")] = len(t.Cols)
		t.Cols = append(t.Cols, m.Format("2006-01"))
	}
	for i := 1; i <= 32; i++ {
		t.Rows = append(t.Rows, strconv.Itoa(i))
		t.Counts = append(t.Counts, make([]int, len(t.Cols)))
	}
	for _, c := range cells {
		j, ok := col[c.Month]
		if !ok || c.State < 1 || c.State > 32 {
			continue
		}
		t.Counts[c.State-1][j] += c.N
	}
	return disclosure.Suppress(t, k)
}

// ExportCases decrypts every case for a standard export. Supervisors may
// export (HTCDS carries no free text, but it is case-level); analysts only
// get the k-anonymised and aggregate files, which the caller decides.
func (d *Desk) ExportCases(ctx context.Context, a Actor, what string) ([]hotline.ExportCase, error) {
	act := map[string]Action{"htcds": ExportHTCDS, "ctdc": ExportCTDC, "sesnsp": ExportSESNSP}[what]
	if act == "" || !Can(a, act) {
		return nil, ErrForbidden
	}
	if !d.keys.CanOpen() {
		return nil, ErrIntakeOnly
	}
	// A supervisor exports what they could open: their team's cases, or
	// all with scope all. Analysts' files are aggregated or k-anonymised.
	f := store.CaseFilter{}
	if Can(a, ListCases) {
		f = ScopeFilter(a)
	}
	f.Limit = 1 << 30
	cs, err := d.st.Cases(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []hotline.ExportCase
	for _, c := range cs {
		rs, err := d.st.Reports(ctx, store.QueueFilter{CaseID: c.ID, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(rs) == 0 {
			continue
		}
		plain, err := d.keys.Open(rs[0].Sealed)
		if err != nil {
			return nil, err
		}
		var sr sealedReport
		if err := unmarshal(plain, &sr); err != nil {
			return nil, err
		}
		e := hotline.ExportCase{CaseID: strconv.FormatInt(c.ID, 10), Status: hotline.Status(c.Status), Trafficking: c.Trafficking, DecidedBy: c.DecidedBy, Report: sr.Report}
		e.Opened, _ = time.Parse(time.RFC3339Nano, c.CreatedAt)
		if c.ClosedAt != "" {
			e.Closed, _ = time.Parse(time.RFC3339Nano, c.ClosedAt)
		}
		_, _, refs, _, err := d.st.CaseEntries(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			at, _ := time.Parse(time.RFC3339Nano, r.At)
			e.Referrals = append(e.Referrals, hotline.ExportReferral{Institution: r.Institution, Status: hotline.ReferralStatus(r.Status), Sent: at})
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Opened.Before(out[j].Opened) })
	return out, d.st.Audit(ctx, audit.Event{Actor: a.tag(), Action: "export." + what, Object: "cases", Detail: fmt.Sprintf("cases=%d", len(out))})
}
