package sesnsp

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const bundled = "../../data/"

func trata(t string) bool { return Same(t, "Trata de personas") }

// sum adds the cells of the kept lines between two months for the given
// states (all when none are given).
func sum(cells []Cell, from, to YM, ents ...int) int64 {
	var n int64
	for _, c := range cells {
		if c.Month < from || c.Month > to {
			continue
		}
		if len(ents) > 0 && !containsInt(ents, c.Ent) {
			continue
		}
		n += c.Value
	}
	return n
}

func containsInt(a []int, x int) bool {
	for _, v := range a {
		if v == x {
			return true
		}
	}
	return false
}

func TestBundledReleases(t *testing.T) {
	h1 := func(y int) (YM, YM) { return MakeYM(y, 1), MakeYM(y, 6) }
	tests := []struct {
		path        string
		vintage     string
		format      Format
		source      Source
		enc         Encoding
		rows        int
		from, to    YM
		ents        []int
		want        int64
		wantVintage string
	}{
		{path: "sesnsp/IDEFC_NM_jun22.csv", format: FormatIncidenciaEstatal, source: Carpetas, enc: Windows1252, rows: 25088, want: 411, wantVintage: "jun22"},
		{path: "sesnsp/lapanquecita/nov24/estatal.csv", format: FormatIncidenciaEstatal, source: Carpetas, enc: Windows1252, rows: 31360, want: 416, wantVintage: "nov24"},
		{path: "sesnsp/lapanquecita/jul23/estatal.csv", format: FormatIncidenciaEstatal, source: Carpetas, enc: Windows1252, rows: 28224, want: 412, wantVintage: "jul23"},
		{path: "sesnsp/lapanquecita/jul23/timeseries_victimas.csv", format: FormatSerieVictimas, source: Victimas, enc: UTF8, rows: 53460, want: 486, wantVintage: "jul23"},
		{path: "sesnsp/isaacarroyov/jun25/db_victimas_delitos_ent_long.csv.bz2", format: FormatLargoVictimas, source: Victimas, enc: UTF8, rows: 927360, want: 490, wantVintage: "jun25"},
		{path: "sesnsp/IDEFC_NM_jun22.csv", ents: []int{2, 8, 19}, format: FormatIncidenciaEstatal, source: Carpetas, enc: Windows1252, rows: 25088, want: 95, wantVintage: "jun22"},
		{path: "sesnsp/lapanquecita/jul23/timeseries_victimas.csv", ents: []int{2, 8, 19}, format: FormatSerieVictimas, source: Victimas, enc: UTF8, rows: 53460, want: 122, wantVintage: "jul23"},
		{path: "sesnsp/rnid/lapanquecita/mar2026/estatal_n.csv", from: MakeYM(2026, 1), to: MakeYM(2026, 3), format: FormatIncidenciaEstatal, source: Carpetas, enc: Windows1252, rows: 3648, want: 156, wantVintage: "mar2026"},
		{path: "sesnsp/rnid/lapanquecita/ene2026/estatal_n.csv", from: MakeYM(2026, 1), to: MakeYM(2026, 1), format: FormatIncidenciaEstatal, source: Carpetas, enc: Windows1252, rows: 3648, want: 38, wantVintage: "ene2026"},
		{path: "sesnsp/rnid/lapanquecita/feb2026/estatal_n.csv", from: MakeYM(2026, 1), to: MakeYM(2026, 1), format: FormatIncidenciaEstatal, source: Carpetas, enc: Windows1252, rows: 3648, want: 42, wantVintage: "feb2026"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, err := ReadFile(bundled+tt.path, Options{Keep: trata})
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != tt.format || f.Source != tt.source || f.Encoding != tt.enc || f.Rows != tt.rows {
				t.Errorf("got format %s source %s encoding %s rows %d; want %s %s %s %d", f.Format, f.Source, f.Encoding, f.Rows, tt.format, tt.source, tt.enc, tt.rows)
			}
			if f.Vintage.String() != tt.wantVintage {
				t.Errorf("vintage = %s (from %s), want %s", f.Vintage, f.VintageFrom, tt.wantVintage)
			}
			from, to := tt.from, tt.to
			if from == 0 {
				from, to = h1(2022)
			}
			if got := sum(f.Cells, from, to, tt.ents...); got != tt.want {
				t.Errorf("trata %s…%s states %v = %d, want %d", from, to, tt.ents, got, tt.want)
			}
		})
	}
}

func TestMonthlyJun22(t *testing.T) {
	f, err := ReadFile(bundled+"sesnsp/IDEFC_NM_jun22.csv", Options{Keep: trata})
	if err != nil {
		t.Fatal(err)
	}
	want22 := []int64{47, 90, 76, 55, 64, 79}
	want21 := []int64{32, 42, 64, 83, 64, 49}
	for i := range 6 {
		if got := sum(f.Cells, MakeYM(2022, i+1), MakeYM(2022, i+1)); got != want22[i] {
			t.Errorf("2022-%02d = %d, want %d", i+1, got, want22[i])
		}
		if got := sum(f.Cells, MakeYM(2021, i+1), MakeYM(2021, i+1)); got != want21[i] {
			t.Errorf("2021-%02d = %d, want %d", i+1, got, want21[i])
		}
	}
	// July–December 2022 are empty in the file: unpublished, never zero.
	for _, c := range f.Cells {
		if c.Month > MakeYM(2022, 6) {
			t.Fatalf("cell for unpublished month %s", c.Month)
		}
	}
}

// The derivative writes unpublished months as 0; the release trims them.
func TestSeriePlaceholdersTrimmed(t *testing.T) {
	f, err := ReadFile(bundled+"sesnsp/lapanquecita/jul23/timeseries_victimas.csv", Options{Keep: trata})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cells {
		if c.Month > MakeYM(2023, 7) {
			t.Fatalf("placeholder month %s kept", c.Month)
		}
	}
	if got := sum(f.Cells, MakeYM(2022, 1), MakeYM(2022, 12)); got != 936 {
		t.Errorf("2022 = %d, want 936", got)
	}
	if got := sum(f.Cells, MakeYM(2015, 1), MakeYM(2015, 12)); got != 1171 {
		t.Errorf("2015 = %d, want 1171", got)
	}
}

func TestRNIDPurposes(t *testing.T) {
	f, err := ReadFile(bundled+"sesnsp/rnid/lapanquecita/mar2026/estatal_n.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !f.RNID {
		t.Error("RNID file not recognised as such")
	}
	by := map[string]int64{}
	var porn int64
	for _, c := range f.Cells {
		if Same(c.Tipo, "Trata de personas") {
			by[c.Subtipo] += c.Value
		}
		if Same(c.Tipo, "Pornografía infantil") {
			porn += c.Value
		}
	}
	want := map[string]int64{
		"Trata de personas con fines de explotación sexual":           40,
		"Trata de personas con fines de trabajo o servicios forzados": 16,
		"Trata de personas con fines de tráfico de órganos":           0,
		"Trata de personas con otros fines":                           100,
	}
	for k, v := range want {
		if got, ok := by[k]; !ok || got != v {
			t.Errorf("%s = %d (present %v), want %d", k, got, ok, v)
		}
	}
	if porn != 83 {
		t.Errorf("pornografía infantil = %d, want 83", porn)
	}
}

func TestJun25BySexAndAge(t *testing.T) {
	f, err := ReadFile(bundled+"sesnsp/isaacarroyov/jun25/db_victimas_delitos_ent_long.csv.bz2", Options{Keep: trata})
	if err != nil {
		t.Fatal(err)
	}
	sex, age := map[string]int64{}, map[string]int64{}
	for _, c := range f.Cells {
		if c.Month >= MakeYM(2022, 1) && c.Month <= MakeYM(2022, 6) {
			sex[c.Sexo] += c.Value
			age[c.Edad] += c.Value
		}
	}
	for k, v := range map[string]int64{"Mujer": 331, "Hombre": 76, "No identificado": 83} {
		if sex[k] != v {
			t.Errorf("sexo %s = %d, want %d", k, sex[k], v)
		}
	}
	for k, v := range map[string]int64{"Menores de edad (0-17)": 218, "Adultos (18 y más)": 122, "No especificado": 67, "No identificado": 83} {
		if age[k] != v {
			t.Errorf("edad %s = %d, want %d", k, age[k], v)
		}
	}
}

// Compressed copies read the same as the plain file, and the vintage comes
// from the name of the file inside.
func TestCompressedAndZip(t *testing.T) {
	raw, err := os.ReadFile(bundled + "sesnsp/IDEFC_NM_jun22.csv")
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(raw)
	w.Close()
	dir := t.TempDir()
	gzPath := filepath.Join(dir, "IDEFC_NM_jun22.csv.gz")
	os.WriteFile(gzPath, gz.Bytes(), 0o644)
	zipPath := filepath.Join(dir, "IDEFC_NM_jun22.zip")
	writeZip(t, zipPath, map[string][]byte{"IDEFC_NM_jun22.csv": raw, "LEEME.pdf": []byte("%PDF")})
	for _, p := range []string{gzPath, zipPath} {
		f, err := ReadFile(p, Options{Keep: trata})
		if err != nil {
			t.Fatal(err)
		}
		if got := sum(f.Cells, MakeYM(2022, 1), MakeYM(2022, 6)); got != 411 || f.Vintage.String() != "jun22" {
			t.Errorf("%s: H1 2022 = %d vintage %s, want 411 jun22", p, got, f.Vintage)
		}
	}
}

// Synthetic fixtures for the traps DATA.md lists.
func TestSyntheticTraps(t *testing.T) {
	const hdr = "Año,Clave_Ent,Entidad,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\n"
	const row = "2026,01,Aguascalientes,La sociedad,Trata de personas,Trata de personas con otros fines,Trata de personas con otros fines,"
	tests := []struct {
		name    string
		body    string
		opts    Options
		wantErr string // substring; "" means success
		want    int64
		vintage string
	}{
		{name: "utf8 bom and crlf", body: "\ufeff" + strings.ReplaceAll(hdr+row+"1,2,3,,,,,,,,,\n", "\n", "\r\n"), want: 6, vintage: "mar2026"},
		{name: "zeros after cut-off are placeholders", body: hdr + row + "1,2,3,0,0,0,0,0,0,0,0,0\n", opts: Options{Vintage: mustVintage("mar2026")}, want: 6, vintage: "mar2026"},
		{name: "cut-off from data when unnamed", body: hdr + row + "1,2,3,0,0,0,0,0,0,0,0,0\n", want: 6, vintage: "mar2026"},
		{name: "non-zero after cut-off", body: hdr + row + "1,2,3,4,,,,,,,,\n", opts: Options{Vintage: mustVintage("mar2026")}, wantErr: `line 2, column "Abril", value "4"`},
		{name: "bad count", body: hdr + row + "1,x,3,,,,,,,,,\n", wantErr: `line 2, column "Febrero", value "x"`},
		{name: "bad state", body: hdr + strings.Replace(row, ",01,", ",33,", 1) + "1,2,3,,,,,,,,,\n", wantErr: `column "Clave_Ent", value "33"`},
		{name: "field count", body: hdr + row + "1,2,3\n", wantErr: "line 2: row has the wrong number of fields"},
		{name: "duplicate line", body: hdr + row + "1,2,3,,,,,,,,,\n" + row + "1,2,3,,,,,,,,,\n", wantErr: "line 3: repeats the line of line 2"},
		{name: "mis-decoded header", body: "AÃ±o,Clave_Ent\n1,2\n", wantErr: "wrong character set"},
		{name: "unknown layout", body: "a,b\n1,2\n", wantErr: "not a SESNSP layout"},
		{name: "empty", body: "", wantErr: "empty file"},
		{name: "header only", body: hdr, wantErr: "no data rows"},
		{name: "negative correction accepted", body: hdr + row + "1,-1,3,,,,,,,,,\n", want: 3, vintage: "mar2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Keep = trata
			f, err := Read("synthetic.csv", strings.NewReader(tt.body), tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := sum(f.Cells, 0, MakeYM(2100, 1)); got != tt.want {
				t.Errorf("sum = %d, want %d", got, tt.want)
			}
			if f.Vintage.String() != tt.vintage {
				t.Errorf("vintage = %s, want %s", f.Vintage, tt.vintage)
			}
		})
	}
}

func TestParseErrorUnwraps(t *testing.T) {
	_, err := Read("x.csv", strings.NewReader("Año,Clave_Ent,Entidad,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\n2020,1,A,B,C,D,E,z,,,,,,,,,,,\n"), Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || pe.Column != "Enero" || pe.Value != "z" {
		t.Fatalf("got %#v", err)
	}
}

func mustVintage(s string) Vintage {
	v, err := ParseVintage(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Truncated or corrupted releases fail with an error naming the file; they
// never panic and never yield a partial file.
func TestTruncatedAndCorrupt(t *testing.T) {
	raw, err := os.ReadFile(bundled + "sesnsp/IDEFC_NM_jun22.csv")
	if err != nil {
		t.Fatal(err)
	}
	bz, err := os.ReadFile(bundled + "sesnsp/isaacarroyov/jun25/db_victimas_delitos_ent_long.csv.bz2")
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "IDEFC_NM_jun22.zip")
	writeZip(t, zipPath, map[string][]byte{"IDEFC_NM_jun22.csv": raw})
	zipBytes, _ := os.ReadFile(zipPath)
	corrupt := bytes.Clone(bz)
	for i := len(corrupt) / 2; i < len(corrupt)/2+64; i++ {
		corrupt[i] ^= 0x5a
	}
	cases := map[string][]byte{
		"IDEFC_NM_jun22.csv":                     raw[:len(raw)/2+7], // cut inside a row
		"IDEFC_NM_jun22.csv.gz":                  gz.Bytes()[:gz.Len()/2],
		"db_victimas_jun25.csv.bz2":              bz[:len(bz)/2],
		"db_victimas_jun25_corrupt.csv.bz2":      corrupt,
		"IDEFC_NM_jun22.zip":                     zipBytes[:len(zipBytes)/2],
		"IDEFC_NM_jun22_binary.csv":              bytes.Repeat([]byte{0, 0xff, 0x13, 0x80}, 4096),
		"IDEFC_NM_jun22_header_then_garbage.csv": append(append([]byte(nil), raw[:400]...), 0x00, 0x01, '"', 0x02),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			os.WriteFile(p, b, 0o644)
			f, err := ReadFile(p, Options{Keep: trata})
			if err == nil {
				t.Fatalf("read a damaged file without error (%d cells)", len(f.Cells))
			}
			if f != nil {
				t.Error("a failed read returned a file")
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

// Municipal layouts (synthetic rows in the published shapes of DATA.md):
// the RNID victims file is sparse, UTF-8 with a BOM from ago2026, with
// unpadded state codes and catch-all buckets that still count for the state.
func TestMunicipalLayouts(t *testing.T) {
	victims := "\ufeffAño,Clave_Ent,Entidad,Cve. Municipio,Municipio,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Sexo,Rango de edad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\r\n" +
		"2026,2,Baja California,2002,Mexicali,La sociedad,Trata de personas,Trata de personas con fines de explotación sexual,Trata de personas con fines de explotación sexual,Mujer,13 a 17 años,0,1,0,0,0,0,0,0,0,0,0,0\r\n" +
		"2026,2,Baja California,2002,Mexicali,La sociedad,Trata de personas,Trata de personas con fines de explotación sexual,Trata de personas con fines de explotación sexual,Mujer,18 a 29 años,1,0,0,0,0,0,0,0,0,0,0,0\r\n" +
		"2026,2,Baja California,2999,No especificado,La sociedad,Trata de personas,Trata de personas con otros fines,Trata de personas con otros fines,No identificado,0 a 12 años,2,0,0,0,0,0,0,0,0,0,0,0\r\n"
	f, err := Read("RNID-Víctimas_Municipal-2026-feb2026.csv", strings.NewReader(victims), Options{Keep: trata})
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatVictimasMunicipal || f.Source != Victimas || f.Level != Municipal || f.Encoding != UTF8BOM || f.Vintage.String() != "feb2026" {
		t.Errorf("got %s %s %s %s %s", f.Format, f.Source, f.Level, f.Encoding, f.Vintage)
	}
	if got := sum(f.Cells, MakeYM(2026, 1), MakeYM(2026, 2), 2); got != 4 {
		t.Errorf("Baja California Jan–Feb = %d, want 4 (catch-all bucket included)", got)
	}
	for _, c := range f.Cells {
		if c.Month > MakeYM(2026, 2) {
			t.Fatalf("month %s after the cut-off kept (zeros there are placeholders)", c.Month)
		}
	}
	incid := "Año,Clave_Ent,Entidad,Cve. Municipio,Municipio,Bien jurídico afectado,Tipo de delito,Subtipo de delito,Modalidad,Enero,Febrero,Marzo,Abril,Mayo,Junio,Julio,Agosto,Septiembre,Octubre,Noviembre,Diciembre\n" +
		"2021,15,México,15104,Tlalnepantla de Baz,La sociedad,Trata de personas,Trata de personas,Trata de personas,1,2,3,4,5,6,7,8,9,10,11,12\n" +
		"2021,15,México,16001,Morelia,La sociedad,Trata de personas,Trata de personas,Trata de personas,1,,,,,,,,,,,\n"
	_, err = Read("IDM_NM_dic21.csv", strings.NewReader(incid), Options{Keep: trata})
	if err == nil || !strings.Contains(err.Error(), `line 3, column "Cve. Municipio", value "16001"`) {
		t.Errorf("a municipality of another state: %v", err)
	}
}
