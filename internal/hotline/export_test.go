package hotline

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Canaries stand for free text. None may reach an export.
const (
	canaryDescription = "CANARIO-DESCRIPCION-7f3a"
	canaryOffer       = "CANARIO-OFERTA-91bc"
	canaryContact     = "CANARIO-CONTACTO-5d20"
	canarySafe        = "CANARIO-SEGURO-c44e"
	canaryChannel     = "CANARIO-CANAL-0b19"
)

var canaries = []string{canaryDescription, canaryOffer, canaryContact, canarySafe, canaryChannel}

// withText fills every free-text field of a report with canaries.
func withText(r Report) Report {
	r.Description = canaryDescription + " (texto libre sintético)"
	r.Offer = canaryOffer
	r.Contact = Contact{Method: "telefono", Value: canaryContact, Safe: canarySafe}
	r.Channel = canaryChannel
	r.When = "2026-03"
	return r
}

// exportFixture is a small SYNTHETIC set of cases: no real case, person or
// place is behind any of them. It is built to touch each convention once:
// the referral date across midnight UTC, ClosedReferred against Closed, a
// year boundary in UTC−6, cases without victims, and two victims that share
// every CTDC value so that one CTDC row survives k = 2.
func exportFixture() []ExportCase {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	return []ExportCase{
		{
			CaseID: "caso-0001", Status: Seguimiento, Opened: utc(2026, 3, 10, 16, 0),
			Trafficking: "posible", DecidedBy: "ong",
			Report: withText(Report{
				Kind: PosibleTrata, State: 9, Municipality: "09015",
				Exploitation: []string{"explotacion_sexual"},
				Recruitment:  []string{"facebook", "whatsapp", "conocido"},
				Victims: []Victim{
					{AgeBand: "13-17", Sex: "mujer", Nationality: "MX", Groups: []string{"nna_no_acompanado"}},
					{AgeBand: "18-29", Sex: "mujer", Nationality: "GT", Groups: []string{"migrante", "indigena"}},
				},
			}),
			Referrals: []ExportReferral{
				{Institution: "fiscalia", Status: Aceptada, Sent: utc(2026, 3, 12, 10, 0)},
				// 03:00 UTC is still the 10th in central Mexico.
				{Institution: "refugio", Status: Enviada, Sent: utc(2026, 3, 11, 3, 0)},
			},
		},
		{
			// Opened on New Year's Eve in Mexico, New Year's Day in UTC.
			CaseID: "caso-0002", Status: Cerrado, Opened: utc(2026, 1, 1, 5, 30), Closed: utc(2026, 4, 2, 18, 0),
			Trafficking: "confirmada", DecidedBy: "fiscalia",
			Report: withText(Report{
				Kind: PosibleTrata, State: 7,
				Exploitation: []string{"esclavitud", "servidumbre", "explotacion_laboral", "trabajo_forzado"},
				Recruitment:  []string{"otra_red", "agencia"},
				Victims: []Victim{
					{AgeBand: "30-60", Sex: "hombre", Nationality: "HN"},
					{AgeBand: "61+", Sex: "hombre"},
					{AgeBand: "0-12", Sex: "no_se", Nationality: "ZZ"},
				},
			}),
			Referrals: []ExportReferral{
				{Institution: "ceav", Status: Completada, Sent: utc(2026, 1, 3, 17, 0)},
			},
		},
		{
			CaseID: "caso-0003", Status: Nuevo, Opened: utc(2026, 3, 20, 12, 0),
			Report: withText(Report{
				Kind: SituacionRiesgo, State: 14,
				Recruitment: []string{"bolsa_trabajo"},
			}),
		},
		{
			CaseID: "caso-0004", Status: Evaluacion, Opened: utc(2026, 3, 31, 23, 0),
			Report: withText(Report{
				Kind: PosibleTrata, State: 9,
				Exploitation: []string{"mendicidad_forzosa", "menores_delictivas", "experimentacion_biomedica"},
				Recruitment:  []string{"familiar", "pareja"},
			}),
		},
		{
			CaseID: "caso-0005", Status: Cerrado, Opened: utc(2026, 2, 14, 9, 0), Closed: utc(2026, 2, 20, 9, 0),
			Trafficking: "no_victima", DecidedBy: "ong",
			Report: withText(Report{
				Kind: PosibleTrata, State: 21,
				Exploitation: []string{"explotacion_laboral"},
				Victims:      []Victim{{AgeBand: "18-29", Sex: "otro", Nationality: "VE"}},
			}),
			Referrals: []ExportReferral{
				{Institution: "legal", Status: Rechazada, Sent: utc(2026, 2, 15, 9, 0)},
			},
		},
		{
			// Shares every CTDC value with the first victim of caso-0001.
			CaseID: "caso-0006", Status: Plan, Opened: utc(2026, 5, 2, 15, 0),
			Trafficking: "posible", DecidedBy: "ong",
			Report: withText(Report{
				Kind: PosibleTrata, State: 15, Municipality: "15033",
				Exploitation: []string{"explotacion_sexual"},
				Recruitment:  []string{"whatsapp", "facebook", "conocido"},
				Victims:      []Victim{{AgeBand: "13-17", Sex: "mujer", Nationality: "MX"}},
			}),
		},
	}
}

// victimRows is how many victim rows the cases give: one per victim,
// and one for each case without victims.
func victimRows(cases []ExportCase) int {
	n := 0
	for _, c := range cases {
		n += max(1, len(c.Report.Victims))
	}
	return n
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test -update if the change is intended):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// readCSV parses an export and checks every record has the header's width.
func readCSV(t *testing.T, data []byte, header []string) [][]string {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = len(header)
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv cannot read the export: %v", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		t.Fatalf("header = %v, want %v", recs[0], header)
	}
	return recs[1:]
}

func TestHTCDSColumns(t *testing.T) {
	want := []string{
		"mx_CaseID", "cas_Status", "cas_OutgoingReferralDate", "prs_Gender", "mx_AgeBand", "prs_Citizenship",
		"vic_TraffickingStatus", "vic_TraffickingStatusDecisionMakingOrg", "vic_MethodOfRecruitment",
		"vic_RecruitmentWebsitesAndApps", "vic_TypeOfExploitation", "hte_State", "mx_Municipality",
		"mx_Esclavitud", "mx_ExplotacionLaboral", "mx_UsoMenoresDelictivas", "mx_ExperimentacionBiomedica",
		"mx_VulnerableGroups", "mx_ReportKind",
	}
	cols := HTCDSColumns()
	if !slices.Equal(cols, want) {
		t.Errorf("HTCDSColumns() = %v\nwant %v", cols, want)
	}
	cols[0] = "x"
	if HTCDSColumns()[0] != "mx_CaseID" {
		t.Error("changing the result of HTCDSColumns changed the header")
	}
	if n := len(CTDCColumns()); n != 27 {
		t.Errorf("CTDC has %d columns, want 27", n)
	}
}

func TestWriteHTCDS(t *testing.T) {
	cases := exportFixture()
	var buf bytes.Buffer
	if err := WriteHTCDS(&buf, cases); err != nil {
		t.Fatal(err)
	}
	golden(t, "htcds.golden.csv", buf.Bytes())
	rows := readCSV(t, buf.Bytes(), HTCDSColumns())
	if len(rows) != victimRows(cases) {
		t.Errorf("%d rows, want %d", len(rows), victimRows(cases))
	}
	// Spot checks of conventions the golden file would let slip if it were
	// regenerated carelessly.
	col := func(name string) int { return slices.Index(HTCDSColumns(), name) }
	byCase := map[string][]string{}
	for _, r := range rows {
		byCase[r[col("mx_CaseID")]] = r
	}
	checks := []struct{ caseID, column, want string }{
		{"caso-0001", "cas_OutgoingReferralDate", "2026-03-10"},
		{"caso-0001", "vic_MethodOfRecruitment", "ThroughOnlineSocialNetworks;ThroughFriendsOrSocialEvents"},
		{"caso-0001", "vic_RecruitmentWebsitesAndApps", "Facebook;WhatsApp"},
		{"caso-0002", "cas_Status", "ClosedReferred"},
		{"caso-0002", "vic_TypeOfExploitation", "Servitude;ForcedLabour"},
		{"caso-0002", "mx_Esclavitud", "1"},
		{"caso-0002", "hte_State", "07"},
		{"caso-0003", "prs_Gender", ""},
		{"caso-0003", "mx_Esclavitud", ""},
		{"caso-0005", "cas_Status", "Closed"},
		{"caso-0005", "vic_TraffickingStatus", "NotAVictimOfTrafficking"},
	}
	for _, c := range checks {
		if got := byCase[c.caseID][col(c.column)]; got != c.want {
			t.Errorf("%s %s = %q, want %q", c.caseID, c.column, got, c.want)
		}
	}
}

func TestWriteCTDC(t *testing.T) {
	cases := exportFixture()
	tests := []struct {
		k, dropped int
		file       string
	}{
		// Every row but the two twin girls' is unique in the fixture.
		{1, 0, "ctdc-k1.golden.csv"},
		{2, victimRows(cases) - 2, "ctdc-k2.golden.csv"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("k=", tt.k), func(t *testing.T) {
			var buf bytes.Buffer
			dropped, err := WriteCTDC(&buf, cases, tt.k)
			if err != nil {
				t.Fatal(err)
			}
			if dropped != tt.dropped {
				t.Errorf("dropped %d rows, want %d", dropped, tt.dropped)
			}
			golden(t, tt.file, buf.Bytes())
			rows := readCSV(t, buf.Bytes(), CTDCColumns())
			if len(rows)+dropped != victimRows(cases) {
				t.Errorf("%d rows kept + %d dropped, want %d in all", len(rows), dropped, victimRows(cases))
			}
		})
	}
	if _, err := WriteCTDC(&bytes.Buffer{}, cases, 0); err == nil {
		t.Error("k = 0 accepted")
	}
}

// The CTDC mapping, victim by victim, on single synthetic cases.
func TestCTDCMapping(t *testing.T) {
	base := ExportCase{CaseID: "sintetico", Status: Nuevo, Opened: time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC), Report: Report{Kind: PosibleTrata, State: 1}}
	col := func(name string) int { return slices.Index(CTDCColumns(), name) }
	tests := []struct {
		name   string
		victim Victim
		ex     []string
		rec    []string
		want   map[string]string
	}{
		{"year in central Mexico time, unknowns empty", Victim{}, nil, nil, map[string]string{
			"yearOfRegistration": "2025", "gender": "", "ageBroad": "", "citizenship": "", "CountryOfExploitation": "MEX",
			"isForcedLabour": "", "isSexualExploit": "", "isOtherExploit": "", "recruiterRelationOther": "", "meansThreats": "",
		}},
		{"bands inside one CTDC band", Victim{AgeBand: "13-17", Sex: "otro", Nationality: "CM"}, nil, nil, map[string]string{
			"ageBroad": "9--17", "gender": "Trans/Transgender/NonConforming", "citizenship": "CMR",
		}},
		{"61+ is 48+", Victim{AgeBand: "61+", Sex: "hombre", Nationality: "US"}, nil, nil, map[string]string{"ageBroad": "48+", "gender": "Man", "citizenship": "USA"}},
		{"straddling bands stay empty", Victim{AgeBand: "0-12", Sex: "no_se"}, nil, nil, map[string]string{"ageBroad": "", "gender": ""}},
		{"18-29 straddles", Victim{AgeBand: "18-29"}, nil, nil, map[string]string{"ageBroad": ""}},
		{"30-60 straddles", Victim{AgeBand: "30-60"}, nil, nil, map[string]string{"ageBroad": ""}},
		{"unknown country", Victim{Sex: "mujer", Nationality: "XK"}, nil, nil, map[string]string{"citizenship": "", "gender": "Woman"}},
		{"begging and crime are labour", Victim{}, []string{"mendicidad_forzosa", "menores_delictivas"}, nil, map[string]string{
			"isForcedLabour": "1", "isSexualExploit": "0", "isOtherExploit": "0",
		}},
		{"slavery is other", Victim{}, []string{"esclavitud", "explotacion_sexual"}, nil, map[string]string{
			"isForcedLabour": "0", "isSexualExploit": "1", "isOtherExploit": "1",
		}},
		{"relations", Victim{}, nil, []string{"pareja", "familiar"}, map[string]string{
			"recruiterRelationIntimatePartner": "1", "recruiterRelationFriend": "0", "recruiterRelationFamily": "1", "recruiterRelationOther": "0",
		}},
		{"a channel is another relation", Victim{}, nil, []string{"conocido", "tiktok"}, map[string]string{
			"recruiterRelationIntimatePartner": "0", "recruiterRelationFriend": "1", "recruiterRelationFamily": "0", "recruiterRelationOther": "1",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			c.Report.Exploitation, c.Report.Recruitment = tt.ex, tt.rec
			c.Report.Victims = []Victim{tt.victim}
			var buf bytes.Buffer
			if _, err := WriteCTDC(&buf, []ExportCase{c}, 1); err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, buf.Bytes(), CTDCColumns())
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			for name, want := range tt.want {
				if got := rows[0][col(name)]; got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestExportsCarryNoFreeText(t *testing.T) {
	cases := exportFixture()
	var h, c bytes.Buffer
	if err := WriteHTCDS(&h, cases); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteCTDC(&c, cases, 1); err != nil {
		t.Fatal(err)
	}
	for _, out := range []struct {
		name string
		data string
	}{{"HTCDS", h.String()}, {"CTDC", c.String()}} {
		for _, canary := range canaries {
			if strings.Contains(out.data, canary) {
				t.Errorf("%s export contains free text %q", out.name, canary)
			}
		}
	}
}

// Free text that lands in a coded field by mistake must stop the export,
// and the error must not repeat it.
func TestExportsRefuseTextInCodedFields(t *testing.T) {
	const canary = "CANARIO-CAMPO-CODIFICADO-2e61"
	tests := []struct {
		name  string
		spoil func(c *ExportCase)
	}{
		{"exploitation", func(c *ExportCase) { c.Report.Exploitation = append(c.Report.Exploitation, canary) }},
		{"recruitment", func(c *ExportCase) { c.Report.Recruitment = []string{canary} }},
		{"municipality", func(c *ExportCase) { c.Report.Municipality = canary }},
		{"municipality of another state", func(c *ExportCase) { c.Report.Municipality = "15033" }},
		{"kind", func(c *ExportCase) { c.Report.Kind = canary }},
		{"state", func(c *ExportCase) { c.Report.State = 33 }},
		{"victim sex", func(c *ExportCase) { c.Report.Victims[0].Sex = canary }},
		{"victim age band", func(c *ExportCase) { c.Report.Victims[0].AgeBand = canary }},
		{"victim nationality", func(c *ExportCase) { c.Report.Victims[0].Nationality = canary }},
		{"lower-case nationality", func(c *ExportCase) { c.Report.Victims[0].Nationality = "mx" }},
		{"victim groups", func(c *ExportCase) { c.Report.Victims[1].Groups = []string{"migrante", canary} }},
		{"status", func(c *ExportCase) { c.Status = canary }},
		{"trafficking", func(c *ExportCase) { c.Trafficking = canary }},
		{"decided by", func(c *ExportCase) { c.DecidedBy = canary }},
		{"referral institution", func(c *ExportCase) { c.Referrals[0].Institution = canary }},
		{"referral status", func(c *ExportCase) { c.Referrals[0].Status = canary }},
		{"no opening date", func(c *ExportCase) { c.Opened = time.Time{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases := exportFixture()
			// Break the first case, so that nothing may have been written
			// before the check.
			tt.spoil(&cases[0])
			var h, c bytes.Buffer
			herr := WriteHTCDS(&h, cases)
			_, cerr := WriteCTDC(&c, cases, 1)
			for _, e := range []struct {
				name string
				err  error
				out  *bytes.Buffer
			}{{"WriteHTCDS", herr, &h}, {"WriteCTDC", cerr, &c}} {
				if e.err == nil {
					t.Errorf("%s accepted the broken case", e.name)
					continue
				}
				if strings.Contains(e.err.Error(), canary) {
					t.Errorf("%s error repeats the value: %v", e.name, e.err)
				}
				if e.out.Len() != 0 {
					t.Errorf("%s wrote %d bytes before failing", e.name, e.out.Len())
				}
			}
		})
	}
}

// randomCases makes SYNTHETIC cases from a fixed seed, drawn from small
// vocabularies so that CTDC rows repeat and every k suppresses something.
func randomCases(n int) []ExportCase {
	rng := rand.New(rand.NewPCG(2026, 11))
	pick := func(vs ...string) string { return vs[rng.IntN(len(vs))] }
	var cases []ExportCase
	for i := range n {
		c := ExportCase{
			CaseID: fmt.Sprintf("sintetico-%04d", i),
			Status: Nuevo,
			Opened: time.Date(2025+rng.IntN(2), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), 0, 0, 0, time.UTC),
			Report: Report{
				Kind:  PosibleTrata,
				State: 1 + rng.IntN(32),
			},
		}
		if rng.IntN(3) > 0 {
			c.Report.Exploitation = []string{pick("explotacion_sexual", "trabajo_forzado", "esclavitud")}
		}
		if rng.IntN(2) > 0 {
			c.Report.Recruitment = []string{pick("pareja", "conocido", "facebook")}
		}
		for range rng.IntN(4) {
			c.Report.Victims = append(c.Report.Victims, Victim{
				AgeBand:     pick("", "13-17", "18-29", "61+"),
				Sex:         pick("", "mujer", "hombre"),
				Nationality: pick("", "MX", "GT", "HN"),
			})
		}
		cases = append(cases, c)
	}
	return cases
}

func TestCTDCKAnonymity(t *testing.T) {
	cases := randomCases(400)
	total := victimRows(cases)
	// The k = 1 export holds every row, so it tells how often each
	// combination occurs before suppression.
	var all bytes.Buffer
	if d, err := WriteCTDC(&all, cases, 1); err != nil || d != 0 {
		t.Fatalf("k = 1: dropped %d, err %v", d, err)
	}
	before := map[string]int{}
	allRows := readCSV(t, all.Bytes(), CTDCColumns())
	if len(allRows) != total {
		t.Fatalf("k = 1 wrote %d rows, want %d", len(allRows), total)
	}
	for _, r := range allRows {
		before[rowKey(r)]++
	}
	for _, k := range []int{2, 3, 5, 10, 1000} {
		t.Run(fmt.Sprint("k=", k), func(t *testing.T) {
			var buf bytes.Buffer
			dropped, err := WriteCTDC(&buf, cases, k)
			if err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, buf.Bytes(), CTDCColumns())
			after := map[string]int{}
			for _, r := range rows {
				after[rowKey(r)]++
			}
			for key, n := range after {
				if n < k {
					t.Errorf("a combination occurs %d times, fewer than k = %d", n, k)
				}
				if n != before[key] {
					t.Errorf("a kept combination occurs %d times, but %d before suppression", n, before[key])
				}
			}
			wantDropped := 0
			for _, n := range before {
				if n < k {
					wantDropped += n
				}
			}
			if dropped != wantDropped || len(rows)+dropped != total {
				t.Errorf("dropped %d, kept %d of %d; want %d dropped", dropped, len(rows), total, wantDropped)
			}
			if k <= 3 && dropped == 0 || k == 1000 && len(rows) != 0 {
				t.Errorf("k = %d: dropped %d of %d, the synthetic data no longer exercises suppression", k, dropped, total)
			}
			if !slices.IsSortedFunc(rows, func(a, b []string) int { return slices.Compare(a, b) }) {
				t.Error("rows are not sorted")
			}
		})
	}
}

func TestSESNSPGrid(t *testing.T) {
	// SYNTHETIC cases, one convention each.
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	mk := func(trafficking string, kind Kind, state int, opened time.Time, victims ...Victim) ExportCase {
		return ExportCase{CaseID: "sintetico", Status: Evaluacion, Opened: opened, Trafficking: trafficking,
			Report: Report{Kind: kind, State: state, Description: canaryDescription, Victims: victims}}
	}
	girl := Victim{Sex: "mujer", AgeBand: "13-17"}
	man := Victim{Sex: "hombre", AgeBand: "30-60"}
	tests := []struct {
		name  string
		cases []ExportCase
		want  []GridCell
	}{
		{"no cases", nil, []GridCell{}},
		{"victims, not cases", []ExportCase{mk("posible", PosibleTrata, 9, at(2026, 3, 5, 12), girl, girl, man)}, []GridCell{
			{9, 2026, 3, "Hombre", "Adultos (18 y más)", 1},
			{9, 2026, 3, "Mujer", "Menores de edad (0-17)", 2},
		}},
		{"a case without victims is one unknown victim", []ExportCase{mk("confirmada", OtroDelito, 2, at(2026, 4, 1, 12))}, []GridCell{
			{2, 2026, 4, "No identificado", "No especificado", 1},
		}},
		{"unassessed posible_trata counts", []ExportCase{mk("", PosibleTrata, 5, at(2026, 6, 1, 12), man)}, []GridCell{
			{5, 2026, 6, "Hombre", "Adultos (18 y más)", 1},
		}},
		{"unassessed other kinds do not count", []ExportCase{
			mk("", SituacionRiesgo, 5, at(2026, 6, 1, 12), man),
			mk("", Informacion, 5, at(2026, 6, 1, 12), man),
			mk("", OtroDelito, 5, at(2026, 6, 1, 12), man),
		}, []GridCell{}},
		{"assessed not a victim does not count, whatever the kind", []ExportCase{mk("no_victima", PosibleTrata, 5, at(2026, 6, 1, 12), man)}, []GridCell{}},
		{"assessed possible counts, whatever the kind", []ExportCase{mk("posible", SituacionRiesgo, 5, at(2026, 6, 1, 12), man)}, []GridCell{
			{5, 2026, 6, "Hombre", "Adultos (18 y más)", 1},
		}},
		{"other, don't know and unstated sex are No identificado", []ExportCase{mk("posible", PosibleTrata, 1, at(2026, 1, 10, 12),
			Victim{Sex: "otro", AgeBand: "61+"}, Victim{Sex: "no_se", AgeBand: "0-12"}, Victim{AgeBand: "no_se"}, Victim{Nationality: "GT"})}, []GridCell{
			{1, 2026, 1, "No identificado", "Menores de edad (0-17)", 1},
			{1, 2026, 1, "No identificado", "Adultos (18 y más)", 1},
			{1, 2026, 1, "No identificado", "No especificado", 2},
		}},
		{"the month is central Mexico's", []ExportCase{mk("posible", PosibleTrata, 9, at(2026, 4, 1, 5), girl)}, []GridCell{
			{9, 2026, 3, "Mujer", "Menores de edad (0-17)", 1},
		}},
		{"sorted by state, year, month, sex, age", []ExportCase{
			mk("posible", PosibleTrata, 30, at(2026, 1, 15, 12), man),
			mk("posible", PosibleTrata, 9, at(2026, 2, 15, 12), man, girl, Victim{}),
			mk("posible", PosibleTrata, 9, at(2025, 12, 15, 12), girl),
			mk("posible", PosibleTrata, 9, at(2026, 2, 20, 12), Victim{Sex: "mujer", AgeBand: "18-29"}),
		}, []GridCell{
			{9, 2025, 12, "Mujer", "Menores de edad (0-17)", 1},
			{9, 2026, 2, "Hombre", "Adultos (18 y más)", 1},
			{9, 2026, 2, "Mujer", "Menores de edad (0-17)", 1},
			{9, 2026, 2, "Mujer", "Adultos (18 y más)", 1},
			{9, 2026, 2, "No identificado", "No especificado", 1},
			{30, 2026, 1, "Hombre", "Adultos (18 y más)", 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SESNSPGrid(tt.cases)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SESNSPGrid =\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

// The grid of the fixture adds up to the victims it should count.
func TestSESNSPGridTotals(t *testing.T) {
	cases := exportFixture()
	got := 0
	for _, c := range SESNSPGrid(cases) {
		got += c.Victims
	}
	// caso-0001: 2 victims; caso-0002: 3; caso-0004: 1 without victims;
	// caso-0006: 1. caso-0003 is a risk situation, caso-0005 not a victim.
	if got != 7 {
		t.Errorf("grid counts %d victims, want 7", got)
	}
}

// The suppressed grid shows no count from 1 to k−1, a hidden cell carries
// no count, and complementary suppression keeps a small cell from being
// worked out from its line's total. SYNTHETIC cases.
func TestSuppressGrid(t *testing.T) {
	at := time.Date(2026, 3, 5, 18, 0, 0, 0, time.UTC)
	mk := func(state int, victims ...Victim) ExportCase {
		return ExportCase{CaseID: "sintetico", Status: Evaluacion, Opened: at, Trafficking: "posible",
			Report: Report{Kind: PosibleTrata, State: state, Description: canaryDescription, Victims: victims}}
	}
	many := func(n int, v Victim) []Victim {
		var out []Victim
		for range n {
			out = append(out, v)
		}
		return out
	}
	woman := Victim{Sex: "mujer", AgeBand: "18-29"}
	girl := Victim{Sex: "mujer", AgeBand: "13-17"}
	man := Victim{Sex: "hombre", AgeBand: "30-60"}
	cases := []ExportCase{
		mk(9, many(12, woman)...), mk(9, many(3, girl)...), mk(9, many(11, man)...),
		mk(14, many(20, woman)...),
		mk(30, girl),
	}
	const k = 10
	raw := SESNSPGrid(cases)
	got, err := SuppressGrid(raw, k)
	if err != nil {
		t.Fatal(err)
	}
	find := func(state int, sex, age string) (PublishedCell, bool) {
		i := slices.IndexFunc(got, func(c PublishedCell) bool { return c.State == state && c.Sex == sex && c.Age == age })
		if i < 0 {
			return PublishedCell{}, false
		}
		return got[i], true
	}
	for _, c := range got {
		if !c.Hidden && c.Victims > 0 && c.Victims < k {
			t.Errorf("cell %+v shows a count under %d", c, k)
		}
		if c.Hidden && c.Victims != 0 {
			t.Errorf("hidden cell %+v carries its count", c)
		}
	}
	for _, c := range raw {
		if p, ok := find(c.State, c.Sex, c.Age); !ok || (c.Victims < k && !p.Hidden) {
			t.Errorf("small cell %+v: published as %+v, %v", c, p, ok)
		}
	}
	// Mujer in state 9 is 12 adults and 3 girls: with the 12 shown, the
	// row's total (15) would give the 3 away.
	if p, _ := find(9, "Mujer", "Adultos (18 y más)"); !p.Hidden {
		t.Errorf("the 3 girls can be worked out from the row: %+v", got)
	}
	// A lone big cell needs no protection.
	if p, _ := find(14, "Mujer", "Adultos (18 y más)"); p.Hidden || p.Victims != 20 {
		t.Errorf("a lone big cell: %+v", p)
	}
}
