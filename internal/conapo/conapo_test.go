package conapo

import (
	"os"
	"strings"
	"testing"
)

func TestReferenceValues(t *testing.T) {
	f, err := os.Open("../../data/conapo/conapo_pob_ent_gender_1950_2070.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := Read("conapo", f)
	if err != nil {
		t.Fatal(err)
	}
	// DATA.md, "CONAPO population and rates".
	tests := []struct {
		ent, year int
		sex       Sex
		want      float64
	}{
		{0, 2020, Total, 128209170},
		{0, 2022, Total, 129960600},
		{0, 2022, Mujeres, 66407092},
		{2, 2022, Total, 3948201},
	}
	for _, tt := range tests {
		if got, ok := tab.Mid(tt.ent, tt.year, tt.sex); !ok || got != tt.want {
			t.Errorf("Mid(%d, %d, %s) = %v, %v; want %v", tt.ent, tt.year, tt.sex, got, ok, tt.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	for _, in := range []string{"", "a,b\n", "n_year,cve_ent,genero,pob_mid_year\n2020,40,Total,1\n", "n_year,cve_ent,genero,pob_mid_year\n2020,1,Otro,1\n"} {
		if _, err := Read("synthetic", strings.NewReader(in)); err == nil {
			t.Errorf("Read(%q) succeeded", in)
		}
	}
}
