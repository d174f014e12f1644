// Package locale holds the Spanish (es-MX, the default) and English texts
// of the web observatory and picks the language of a request.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

//go:embed *.json
var files embed.FS

// Lang is a supported language.
type Lang string

// Supported languages; Spanish is the default.
const (
	ES Lang = "es"
	EN Lang = "en"
)

var catalogs = func() map[Lang]map[string]string {
	out := map[Lang]map[string]string{}
	for _, l := range []Lang{ES, EN} {
		b, err := files.ReadFile(string(l) + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("locale %s: %v", l, err))
		}
		out[l] = m
	}
	return out
}()

// T returns the text of key in l, falling back to Spanish and then to the
// key itself, so that a missing translation shows rather than breaks a page.
func T(l Lang, key string, args ...any) string {
	s, ok := catalogs[l][key]
	if !ok {
		s, ok = catalogs[ES][key]
	}
	if !ok {
		s = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key is in the Spanish catalog (every key is), so
// that a key taken from a request can be checked before it is shown.
func Has(key string) bool {
	_, ok := catalogs[ES][key]
	return ok
}

// Prefixed returns the texts of l whose keys start with prefix, keyed by
// the rest of the key: a package with a table of its own texts (the brief)
// reads it from this one catalog.
func Prefixed(l Lang, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range catalogs[l] {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}

// Keys returns the keys of a catalog, for tests that check both agree.
func Keys(l Lang) []string {
	var out []string
	for k := range catalogs[l] {
		out = append(out, k)
	}
	return out
}

// FromRequest picks the language: ?lang= first, then Accept-Language,
// then Spanish.
func FromRequest(r *http.Request) Lang {
	switch Lang(r.URL.Query().Get("lang")) {
	case ES:
		return ES
	case EN:
		return EN
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "es"):
			return ES
		case strings.HasPrefix(tag, "en"):
			return EN
		}
	}
	return ES
}

// Months are month names, January first.
func Months(l Lang) [12]string {
	if l == EN {
		return [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	}
	return [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}
}
