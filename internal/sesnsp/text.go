package sesnsp

import "strings"

// fold lower-cases s and drops Spanish accents, so that header names and
// catalog strings match whatever case or accents a release uses
// ("AÑO" = "Año", "Tipo de Delito" = "Tipo de delito").
func fold(s string) string {
	s = strings.TrimSpace(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || ('A' <= s[i] && s[i] <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'á', 'à', 'ä', 'â':
			r = 'a'
		case 'é', 'è', 'ë', 'ê':
			r = 'e'
		case 'í', 'ì', 'ï', 'î':
			r = 'i'
		case 'ó', 'ò', 'ö', 'ô':
			r = 'o'
		case 'ú', 'ù', 'ü', 'û':
			r = 'u'
		case 'ñ':
			r = 'n'
		case '\ufeff':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Same reports whether two catalog strings name the same thing.
func Same(a, b string) bool { return fold(a) == fold(b) }

var monthNames = [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}

// Key is the form under which catalog strings are compared and stored for
// lookup: lower case, no accents, trimmed.
func Key(s string) string { return fold(s) }
