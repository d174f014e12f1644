package sesnsp

import (
	"bytes"
	"os"
	"testing"
	"unicode/utf8"
)

// seeds gives the fuzzers the first lines of each bundled layout.
func seeds(f *testing.F) {
	for _, p := range []string{
		"sesnsp/IDEFC_NM_jun22.csv",
		"sesnsp/lapanquecita/jul23/timeseries_victimas.csv",
		"sesnsp/rnid/lapanquecita/mar2026/estatal_n.csv",
	} {
		b, err := os.ReadFile(bundled + p)
		if err != nil {
			f.Fatal(err)
		}
		lines := bytes.SplitAfterN(b, []byte("\n"), 6)
		f.Add(bytes.Join(lines[:len(lines)-1], nil))
	}
	f.Add([]byte("date_year_month,n_year,n_month,cve_ent,nombre_estado,bien_juridico_afectado,tipo_de_delito,subtipo_de_delito,modalidad,genero,rango_de_edad,n_victimas\n2015-01-15,2015,01,01,Aguascalientes,La sociedad,Trata de personas,Trata de personas,Trata de personas,Mujer,Menores de edad (0-17),1\n"))
	f.Add([]byte("\xef\xbb\xbfA\xf1o,Clave_Ent\r\n"))
	f.Add([]byte{0x1f, 0x8b, 0, 0})
	f.Add([]byte("BZh91AY&SY"))
	f.Add([]byte("PK\x03\x04"))
}

// FuzzRead: whatever the bytes, the reader returns an error or a file whose
// cells respect the release; it never panics or hangs.
func FuzzRead(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Read("fuzz.csv", bytes.NewReader(b), Options{})
		if err != nil {
			return
		}
		for _, c := range file.Cells {
			if c.Month > file.Vintage.Cutoff || c.Month < file.First {
				t.Fatalf("cell %s outside %s…%s", c.Month, file.First, file.Vintage)
			}
			if c.Ent < 1 || c.Ent > 32 {
				t.Fatalf("state %d", c.Ent)
			}
			if !utf8.ValidString(c.Tipo) || !utf8.ValidString(c.Subtipo) {
				t.Fatalf("invalid UTF-8 in %q", c.Tipo)
			}
		}
	})
}

// FuzzDecode: a Windows-1252 decode always yields valid UTF-8 and never
// loses a byte; sniffing never panics.
func FuzzDecode(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		s := decode1252(b)
		if !utf8.ValidString(s) {
			t.Fatalf("decode1252 produced invalid UTF-8 from %q", b)
		}
		if n := utf8.RuneCountInString(s); n != len(b) {
			t.Fatalf("%d bytes became %d runes", len(b), n)
		}
		sniff(b)
	})
}

func FuzzParseVintage(f *testing.F) {
	for _, s := range []string{"jun22", "jun2022", "2022-06", "mar2026", "set23", "", "dic99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVintage(s)
		if err != nil {
			return
		}
		again, err := ParseVintage(v.String())
		if err != nil || again != v {
			t.Fatalf("%q → %s → %v, %v", s, v, again, err)
		}
	})
}
