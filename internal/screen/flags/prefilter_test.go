package flags

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/internal/screen/normalize"
)

// TestPrefilterSound: the literal prefilter never hides a match, on the
// dev texts, the snippets and every pattern's own literals.
func TestPrefilterSound(t *testing.T) {
	texts := loadTexts(t)
	for _, c := range matchCases {
		texts = append(texts, c.text)
	}
	for _, f := range ruleSet().Flags {
		for _, p := range append(append([]pattern{}, f.re...), f.reReq...) {
			for _, s := range texts {
				s = normalize.New(s).Folded
				if p.re.MatchString(s) && !p.mayMatch(s) {
					t.Errorf("%s: prefilter %q hides a match of %s in %q", f.ID, p.lits, p.re, s)
				}
			}
		}
	}
	cases := map[string]string{
		`\bfoo\w*bar\b`: "fooxxbar",
		`(?:ab)+c`:      "ababc",
		`\b(?:pag|cobr)a(?:mos|n)? el (?:uniforme|curso)`: "cobran el curso",
		`x[^.]{0,9}?y`: "x-----y",
	}
	for p, s := range cases {
		pt, err := compilePattern(p)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(p).MatchString(s) || !pt.mayMatch(s) {
			t.Errorf("%s on %q: lits %q", p, s, pt.lits)
		}
	}
	if pt, _ := compilePattern(`\bsin entrevista\b`); strings.Join(pt.lits, ",") != "sin entrevista" {
		t.Errorf("lits %q", pt.lits)
	}
}
