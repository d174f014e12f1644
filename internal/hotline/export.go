package hotline

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-mx/vigia/internal/disclosure"
)

// Exports for partners and for comparison with official figures
// (HOTLINE.md §4.7, item 23).
//
// No export ever carries free text: not the description, not the job offer,
// not the contact details, not case notes. The writers go further than
// leaving those fields out: every coded value is checked against its
// vocabulary before anything is written, so a free-text string that ended
// up in a coded field by mistake fails the export instead of leaking, and
// the error names the case and field but never the value.

// ExportReferral is what the exports need of one referral.
type ExportReferral struct {
	Institution string // a value of Institutions
	Status      ReferralStatus
	Sent        time.Time
}

// ExportCase is one case as the exports see it: the workflow's coded fields
// and the decrypted first report.
type ExportCase struct {
	// CaseID is the internal case id. It must not be the reporter's receipt
	// (folio), which works as a key for following the report up.
	CaseID      string
	Status      Status
	Opened      time.Time
	Closed      time.Time // zero if open
	Trafficking string    // a value of Trafficking, or ""
	DecidedBy   string    // a value of DecidedBy, or ""
	Report      Report
	Referrals   []ExportReferral
}

// exportZone is the zone dates and months are counted in: central Mexico,
// UTC−6 all year since daylight saving time ended in October 2022. A fixed
// offset avoids depending on the host's tz database; states on other
// offsets shift by an hour or two only around midnight.
var exportZone = time.FixedZone("UTC-6", -6*60*60)

// check refuses a case whose coded fields are not codes (see above).
func (c ExportCase) check() error {
	bad := func(field string) error {
		return fmt.Errorf("hotline: export: case %q: %s: missing or outside its vocabulary", c.CaseID, field)
	}
	r := c.Report
	switch {
	case !Statuses.Has(string(c.Status)):
		return bad("status")
	case c.Opened.IsZero():
		return bad("opened")
	case c.Trafficking != "" && !Trafficking.Has(c.Trafficking):
		return bad("trafficking")
	case c.DecidedBy != "" && !DecidedBy.Has(c.DecidedBy):
		return bad("decided_by")
	case !Kinds.Has(string(r.Kind)):
		return bad("report.kind")
	case r.State < 1 || r.State > 32:
		return bad("report.state")
	case r.Municipality != "" && !validMunicipality(r.Municipality, r.State):
		return bad("report.municipality")
	case !allIn(r.Exploitation, Exploitation):
		return bad("report.exploitation")
	case !allIn(r.Recruitment, Recruitment):
		return bad("report.recruitment")
	}
	for i, v := range r.Victims {
		f := fmt.Sprintf("report.victims[%d]", i)
		switch {
		case v.AgeBand != "" && !AgeBands.Has(v.AgeBand):
			return bad(f + ".age_band")
		case v.Sex != "" && !Sexes.Has(v.Sex):
			return bad(f + ".sex")
		case v.Nationality != "" && !validCountry(v.Nationality):
			return bad(f + ".nationality")
		case !allIn(v.Groups, Groups):
			return bad(f + ".groups")
		}
	}
	for i, ref := range c.Referrals {
		f := fmt.Sprintf("referrals[%d]", i)
		switch {
		case !Institutions.Has(ref.Institution):
			return bad(f + ".institution")
		case !ReferralStatuses.Has(string(ref.Status)):
			return bad(f + ".status")
		}
	}
	return nil
}

func allIn(vs []string, vocab Vocab) bool {
	for _, v := range vs {
		if !vocab.Has(v) {
			return false
		}
	}
	return true
}

func validMunicipality(code string, state int) bool {
	if len(code) != 5 || code[:2] != fmt.Sprintf("%02d", state) {
		return false
	}
	for i := range len(code) {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

func checkAll(cases []ExportCase) error {
	for _, c := range cases {
		if err := c.check(); err != nil {
			return err
		}
	}
	return nil
}

// htcdsName is the HTCDS value name of v, or "" for "" or a term without one.
func htcdsName(vocab Vocab, v string) string {
	for _, t := range vocab {
		if t.Value == v {
			return t.HTCDS
		}
	}
	return ""
}

// joinIn joins name(t) for the terms of vocab whose value is in vs, in
// vocabulary order and once each, as HTCDS multiselects and CTDC's
// *Concatenated columns are serialised.
func joinIn(vs []string, vocab Vocab, name func(Term) string) string {
	var out []string
	for _, t := range vocab {
		if n := name(t); n != "" && slices.Contains(vs, t.Value) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return strings.Join(out, ";")
}

// recruitmentApps are the channels that are social networks or messaging
// apps. HTCDS records such a channel twice: as the method
// ThroughOnlineSocialNetworks and as the app in
// vic_RecruitmentWebsitesAndApps, which is what Recruitment's HTCDS column
// holds for them.
var recruitmentApps = map[string]bool{
	"facebook": true, "whatsapp": true, "instagram": true, "tiktok": true, "telegram": true, "otra_red": true,
}

func recruitmentMethod(t Term) string {
	if recruitmentApps[t.Value] {
		return "ThroughOnlineSocialNetworks"
	}
	return t.HTCDS
}

func recruitmentApp(t Term) string {
	if recruitmentApps[t.Value] {
		return t.HTCDS
	}
	return ""
}

// flagOf writes a 1/0 flag for value among vs, or "" when vs is empty: an
// empty list means nothing was recorded, and 0 would claim a known absence.
func flagOf(vs []string, values ...string) string {
	if len(vs) == 0 {
		return ""
	}
	for _, v := range values {
		if slices.Contains(vs, v) {
			return "1"
		}
	}
	return "0"
}

var htcdsColumns = []string{
	"mx_CaseID",
	"cas_Status",
	"cas_OutgoingReferralDate",
	"prs_Gender",
	"mx_AgeBand",
	"prs_Citizenship",
	"vic_TraffickingStatus",
	"vic_TraffickingStatusDecisionMakingOrg",
	"vic_MethodOfRecruitment",
	"vic_RecruitmentWebsitesAndApps",
	"vic_TypeOfExploitation",
	"hte_State",
	"mx_Municipality",
	"mx_Esclavitud",
	"mx_ExplotacionLaboral",
	"mx_UsoMenoresDelictivas",
	"mx_ExperimentacionBiomedica",
	"mx_VulnerableGroups",
	"mx_ReportKind",
}

// HTCDSColumns returns the header WriteHTCDS writes, so that tests and the
// published JSON Schema can check against it. Columns prefixed mx_ are our
// declared extensions (HOTLINE.md §3.4); HTCDS has no case id field, hence
// mx_CaseID.
func HTCDSColumns() []string { return slices.Clone(htcdsColumns) }

// WriteHTCDS writes cases as HTCDS 2.0 CSV, one row per victim, for
// partners working the same cases under a data-sharing agreement. It is
// row-level and pseudonymous (it carries the case id), so it is not for
// publication: published microdata goes through WriteCTDC.
//
// A case without victims gives one row whose person fields (prs_Gender,
// mx_AgeBand, prs_Citizenship, mx_VulnerableGroups) are empty; the fields
// that describe the case (status, trafficking status, recruitment,
// exploitation, place) are filled all the same.
//
// Conventions: multiselects are ';'-joined HTCDS value names, once each;
// cas_Status is ClosedReferred for a closed case with a completed referral;
// cas_OutgoingReferralDate is the date of the first referral sent, in
// central Mexico time; a channel that is an app counts as the method
// ThroughOnlineSocialNetworks and is named in
// vic_RecruitmentWebsitesAndApps; vic_AgeWhenTrafficked is left out, since
// we only hold age bands; the mx_ flags are 1/0, empty when no form of
// exploitation was recorded.
//
// Never exported: Description, Offer, Contact, or any other free text.
func WriteHTCDS(w io.Writer, cases []ExportCase) error {
	if err := checkAll(cases); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(htcdsColumns); err != nil {
		return err
	}
	for _, c := range cases {
		for _, row := range htcdsRows(c) {
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func htcdsRows(c ExportCase) [][]string {
	r := c.Report
	status := htcdsName(Statuses, string(c.Status))
	var first time.Time
	for _, ref := range c.Referrals {
		if c.Status == Cerrado && ref.Status == Completada {
			status = "ClosedReferred"
		}
		if !ref.Sent.IsZero() && (first.IsZero() || ref.Sent.Before(first)) {
			first = ref.Sent
		}
	}
	referred := ""
	if !first.IsZero() {
		referred = first.In(exportZone).Format(time.DateOnly)
	}
	victims := r.Victims
	if len(victims) == 0 {
		victims = []Victim{{}}
	}
	rows := make([][]string, 0, len(victims))
	for _, v := range victims {
		rows = append(rows, []string{
			c.CaseID,
			status,
			referred,
			htcdsName(Sexes, v.Sex),
			v.AgeBand,
			v.Nationality,
			htcdsName(Trafficking, c.Trafficking),
			htcdsName(DecidedBy, c.DecidedBy),
			joinIn(r.Recruitment, Recruitment, recruitmentMethod),
			joinIn(r.Recruitment, Recruitment, recruitmentApp),
			joinIn(r.Exploitation, Exploitation, func(t Term) string { return t.HTCDS }),
			fmt.Sprintf("%02d", r.State),
			r.Municipality,
			flagOf(r.Exploitation, "esclavitud"),
			flagOf(r.Exploitation, "explotacion_laboral"),
			flagOf(r.Exploitation, "menores_delictivas"),
			flagOf(r.Exploitation, "experimentacion_biomedica"),
			joinIn(v.Groups, Groups, func(t Term) string { return t.Value }),
			string(r.Kind),
		})
	}
	return rows
}

var ctdcColumns = []string{
	"yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation", "traffickMonths",
	"meansDebtBondageEarnings", "meansThreats", "meansAbusePsyPhySex", "meansFalsePromises",
	"meansDrugsAlcohol", "meansDenyBasicNeeds", "meansExcessiveWorkHours", "meansWithholdDocs",
	"isForcedLabour", "isSexualExploit", "isOtherExploit",
	"sectorOfLabourAgriculture", "sectorOfLabourConstruction", "sectorOfLabourDomesticWork", "sectorOfLabourHospitality",
	"sectorOfSexProstitution", "sectorOfSexPornography",
	"recruiterRelationIntimatePartner", "recruiterRelationFriend", "recruiterRelationFamily", "recruiterRelationOther",
}

// CTDCColumns returns the 27-column header WriteCTDC writes.
func CTDCColumns() []string { return slices.Clone(ctdcColumns) }

// ctdcGender maps Sexes to CTDC's gender; "no_se" stays empty (unknown).
var ctdcGender = map[string]string{
	"mujer":  "Woman",
	"hombre": "Man",
	"otro":   "Trans/Transgender/NonConforming",
}

// ctdcAge maps an age band to ageBroad only where every age in our band
// falls inside one CTDC band. The others straddle CTDC bands (0-12 spans
// 0--8 and 9--17; 18-29 spans four; 30-60 spans three), and guessing one
// would put people in a band they may not belong to, so they stay empty.
var ctdcAge = map[string]string{
	"13-17": "9--17",
	"61+":   "48+",
}

// alpha3 turns the ISO 3166 alpha-2 codes the hotline meets most (Mexico,
// the migration corridor through it, and the usual origins of victims
// registered in Mexico) into the alpha-3 codes CTDC uses. Other codes give
// an empty citizenship rather than a guess.
var alpha3 = map[string]string{
	"MX": "MEX", "GT": "GTM", "HN": "HND", "SV": "SLV", "NI": "NIC", "CR": "CRI", "PA": "PAN", "BZ": "BLZ",
	"CU": "CUB", "HT": "HTI", "DO": "DOM", "JM": "JAM",
	"VE": "VEN", "CO": "COL", "EC": "ECU", "PE": "PER", "BO": "BOL", "BR": "BRA", "AR": "ARG", "CL": "CHL",
	"PY": "PRY", "UY": "URY",
	"US": "USA", "CA": "CAN", "ES": "ESP",
	"CN": "CHN", "IN": "IND", "VN": "VNM", "PH": "PHL", "AF": "AFG",
	"UA": "UKR", "RU": "RUS",
	"NG": "NGA", "CM": "CMR", "GH": "GHA", "SN": "SEN",
}

// The art. 10 forms behind CTDC's three exploitation flags. Forced begging
// and the use of children in crime count as forced labour because CTDC
// files them as types of labour (legacy typeOfLabourBegging and
// typeOfLabourIllicitActivities); slavery and servitude go to "other" as
// CTDC's slavery-and-practices category did.
var (
	ctdcForcedLabour = []string{"explotacion_laboral", "trabajo_forzado", "mendicidad_forzosa", "menores_delictivas"}
	ctdcSexual       = []string{"explotacion_sexual"}
	ctdcOther        = []string{"esclavitud", "servidumbre", "adopcion_ilegal", "matrimonio_forzoso", "trafico_organos", "experimentacion_biomedica"}
)

// WriteCTDC writes cases in the 27-column schema of CTDC's global synthetic
// dataset (HOTLINE.md §3.2), one row per victim, and k-anonymised: a row
// whose 27 values together occur in fewer than k rows is dropped. It
// returns how many rows were dropped. k must be at least 1 (1 drops
// nothing); HOTLINE.md §4.7 sets 10 as the default for publication.
//
// What we do not collect stays empty, which CTDC reads as unknown:
// traffickMonths, every means* and sector* column. The exploitation and
// recruiter flags are empty when the report recorded no form or channel.
// yearOfRegistration is the year the case was opened (central Mexico time);
// CountryOfExploitation is MEX, since every report is placed in a Mexican
// state. Recruiter relations: pareja → IntimatePartner, conocido → Friend,
// familiar → Family, any other channel → Other.
//
// The rows are sorted, so that their order cannot be matched against the
// case order of an HTCDS export or of the case list.
func WriteCTDC(w io.Writer, cases []ExportCase, k int) (dropped int, err error) {
	if k < 1 {
		return 0, fmt.Errorf("hotline: export: k must be at least 1, not %d", k)
	}
	if err := checkAll(cases); err != nil {
		return 0, err
	}
	var rows [][]string
	count := map[string]int{}
	for _, c := range cases {
		for _, row := range ctdcRows(c) {
			rows = append(rows, row)
			count[rowKey(row)]++
		}
	}
	total := len(rows)
	kept := slices.DeleteFunc(rows, func(row []string) bool { return count[rowKey(row)] < k })
	dropped = total - len(kept)
	slices.SortFunc(kept, func(a, b []string) int { return slices.Compare(a, b) })
	cw := csv.NewWriter(w)
	if err := cw.Write(ctdcColumns); err != nil {
		return 0, err
	}
	if err := cw.WriteAll(kept); err != nil {
		return 0, err
	}
	return dropped, nil
}

// rowKey joins a row with a byte no value can hold.
func rowKey(row []string) string { return strings.Join(row, "\x00") }

func ctdcRows(c ExportCase) [][]string {
	r := c.Report
	year := strconv.Itoa(c.Opened.In(exportZone).Year())
	ex := r.Exploitation
	forced, sexual, other := flagOf(ex, ctdcForcedLabour...), flagOf(ex, ctdcSexual...), flagOf(ex, ctdcOther...)
	rec := r.Recruitment
	var relOther []string
	for _, t := range Recruitment {
		if t.Value != "pareja" && t.Value != "conocido" && t.Value != "familiar" {
			relOther = append(relOther, t.Value)
		}
	}
	partner, friend, family, others := flagOf(rec, "pareja"), flagOf(rec, "conocido"), flagOf(rec, "familiar"), flagOf(rec, relOther...)
	victims := r.Victims
	if len(victims) == 0 {
		victims = []Victim{{}}
	}
	rows := make([][]string, 0, len(victims))
	for _, v := range victims {
		row := []string{
			year, ctdcGender[v.Sex], ctdcAge[v.AgeBand], alpha3[v.Nationality], "MEX", "",
			"", "", "", "", "", "", "", "", // means*
			forced, sexual, other,
			"", "", "", "", "", "", // sector*
			partner, friend, family, others,
		}
		rows = append(rows, row)
	}
	return rows
}

// GridCell is one cell of hotline aggregates on the SESNSP victims grid
// (HOTLINE.md §3.4), so that hotline signals compare cell by cell with the
// official victims of Trata de personas.
type GridCell struct {
	State   int    `json:"state"` // Clave_Ent, 1–32
	Year    int    `json:"year"`
	Month   int    `json:"month"` // 1–12
	Sex     string `json:"sex"`   // Sexo
	Age     string `json:"age"`   // Rango de edad
	Victims int    `json:"victims"`
}

// The SESNSP labels, in the order the grid is sorted in.
var (
	sesnspSexes = []string{"Hombre", "Mujer", "No identificado"}
	sesnspAges  = []string{"Menores de edad (0-17)", "Adultos (18 y más)", "No especificado"}
)

// SESNSPGrid counts hotline victims on the SESNSP grid: state × month ×
// Sexo × Rango de edad. It is a Vigía convention, not SESNSP's, and every
// publication of it must say so:
//
//   - SESNSP counts people, so this counts victims, not reports or cases;
//     a case without victims counts one victim of unknown sex and age.
//   - A case counts when its trafficking status is "posible" or
//     "confirmada", or, before anyone has assessed it, when the report
//     was classed posible_trata. A case assessed "no_victima" does not
//     count whatever the reporter's class, since counting it would set a
//     known non-case against official victims.
//   - Clave_Ent is the state given in the report (where it happened, as
//     the reporter places it), not where the case is handled.
//   - The month is that of Opened, in central Mexico time.
//   - mujer → Mujer, hombre → Hombre; otro, no_se or unstated → No
//     identificado. An age band under 18 → Menores de edad (0-17), 18 or
//     over → Adultos (18 y más), unknown → No especificado (see Minor).
//
// Only non-empty cells are returned, sorted by state, year, month, then
// sex and age in the order above. The cells are raw counts: publishing
// them needs the small-cell rules of HOTLINE.md §4.7 first.
func SESNSPGrid(cases []ExportCase) []GridCell {
	type key struct {
		state, year, month int
		sex, age           string
	}
	counts := map[key]int{}
	for _, c := range cases {
		if !countsAsTrafficking(c) {
			continue
		}
		opened := c.Opened.In(exportZone)
		victims := c.Report.Victims
		if len(victims) == 0 {
			victims = []Victim{{}}
		}
		for _, v := range victims {
			counts[key{c.Report.State, opened.Year(), int(opened.Month()), sesnspSex(v.Sex), sesnspAge(v.AgeBand)}]++
		}
	}
	cells := make([]GridCell, 0, len(counts))
	for k, n := range counts {
		cells = append(cells, GridCell{k.state, k.year, k.month, k.sex, k.age, n})
	}
	slices.SortFunc(cells, func(a, b GridCell) int {
		return cmp.Or(
			cmp.Compare(a.State, b.State),
			cmp.Compare(a.Year, b.Year),
			cmp.Compare(a.Month, b.Month),
			cmp.Compare(slices.Index(sesnspSexes, a.Sex), slices.Index(sesnspSexes, b.Sex)),
			cmp.Compare(slices.Index(sesnspAges, a.Age), slices.Index(sesnspAges, b.Age)),
		)
	})
	return cells
}

func countsAsTrafficking(c ExportCase) bool {
	switch c.Trafficking {
	case "posible", "confirmada":
		return true
	case "":
		return c.Report.Kind == PosibleTrata
	}
	return false
}

func sesnspSex(sex string) string {
	switch sex {
	case "mujer":
		return "Mujer"
	case "hombre":
		return "Hombre"
	}
	return "No identificado"
}

func sesnspAge(band string) string {
	minor, known := Minor(band)
	switch {
	case !known:
		return "No especificado"
	case minor:
		return "Menores de edad (0-17)"
	}
	return "Adultos (18 y más)"
}

// PublishedCell is a grid cell as it may be handed to someone who must not
// see small counts: a Hidden cell carries no count (Victims is 0) and is
// written as suppressed.
type PublishedCell struct {
	GridCell
	Hidden bool
}

// SuppressGrid applies the small-cell rules (HOTLINE.md §4.7) to a grid:
// within each state and month, the Sexo × Rango de edad table is
// suppressed with disclosure.Suppress at k, so that no count from 1 to k−1
// is shown and none can be derived from the shown cells and the
// sub-table's totals (published elsewhere or not). The cells are those of
// the grid, plus any zero cell hidden to protect another (a hidden zero
// is written like any hidden cell). Limits are those of the disclosure
// package: totals over several months, from other tables, can still be
// differenced.
func SuppressGrid(cells []GridCell, k int) ([]PublishedCell, error) {
	type group struct{ state, year, month int }
	groups := map[group][][]int{}
	var order []group
	for _, c := range cells {
		g := group{c.State, c.Year, c.Month}
		t, ok := groups[g]
		if !ok {
			t = make([][]int, len(sesnspSexes))
			for i := range t {
				t[i] = make([]int, len(sesnspAges))
			}
			groups[g] = t
			order = append(order, g)
		}
		i, j := slices.Index(sesnspSexes, c.Sex), slices.Index(sesnspAges, c.Age)
		if i < 0 || j < 0 {
			return nil, fmt.Errorf("hotline: grid cell with sex %q and age %q", c.Sex, c.Age)
		}
		t[i][j] += c.Victims
	}
	var out []PublishedCell
	for _, g := range order { // the grid's order: by state, year, month
		res, err := disclosure.Suppress(disclosure.Table{Rows: sesnspSexes, Cols: sesnspAges, Counts: groups[g]}, k)
		if err != nil {
			return nil, err
		}
		for i, sex := range sesnspSexes {
			for j, age := range sesnspAges {
				n, shown := res.Cell(i, j)
				if shown && n == 0 {
					continue // as in the grid, empty cells are left out
				}
				if !shown {
					n = 0
				}
				out = append(out, PublishedCell{GridCell: GridCell{g.state, g.year, g.month, sex, age, n}, Hidden: !shown})
			}
		}
	}
	return out, nil
}
