package contact

import (
	"strings"
)

// E-mail addresses, plain or obfuscated the way ads write them to get past
// filters: "juan arroba gmail punto com", "juan(at)gmail(dot)com",
// "juan @ gmail . com". An obfuscated address must end in a known
// top-level domain, so ordinary prose around "punto" or "@" is not read as
// an address.

// atMarker is a way of writing "@".
type atMarker struct {
	s          string
	obfuscated bool
	word       bool // needs word boundaries ("arroba", "at")
}

var atMarkers = []atMarker{
	{"@", false, false},
	{"arroba", true, true},
	{"(at)", true, false},
	{"[at]", true, false},
	{"{at}", true, false},
	{"(arroba)", true, false},
	{"[arroba]", true, false},
	{" at ", true, false},
}

// dotTokens are ways of writing "." in an obfuscated address; the first is
// the real dot.
var dotTokens = []string{
	".", " . ", " punto ", " dot ", "(punto)", "(dot)", "[punto]", "[dot]", "{dot}",
	" (punto) ", " (dot) ", " [punto] ", " [dot] ", "(.)", " (.) ", "[.]", " [.] ",
}

// tlds are the top-level domains accepted after an obfuscated dot or "@":
// the common ones in Mexican and Latin American ads.
var tlds = map[string]bool{
	"com": true, "mx": true, "net": true, "org": true, "edu": true, "gob": true,
	"es": true, "info": true, "co": true, "us": true, "io": true, "me": true,
	"biz": true, "online": true, "live": true, "xyz": true, "app": true,
	"site": true, "store": true, "shop": true, "club": true, "pro": true,
	"ar": true, "cl": true, "pe": true, "ve": true, "gt": true, "hn": true,
	"sv": true, "ni": true, "cr": true, "pa": true, "do": true, "ec": true,
	"bo": true, "py": true, "uy": true, "br": true, "ca": true, "uk": true,
	"eu": true, "de": true, "fr": true, "it": true, "cu": true, "tech": true,
}

// providers are mail domains often written without their ".com"
// ("juan arroba gmail").
var providers = map[string]bool{
	"gmail": true, "hotmail": true, "outlook": true, "yahoo": true,
	"live": true, "icloud": true, "protonmail": true, "aol": true,
}

func isLocalChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func (x *extractor) emails() {
	f := x.f
	if strings.IndexByte(f, '@') < 0 && !strings.Contains(f, "arroba") && !strings.Contains(f, "at") {
		return
	}
	for _, m := range atMarkers {
		for off := 0; off < len(f); {
			k := strings.Index(f[off:], m.s)
			if k < 0 {
				break
			}
			at := off + k
			off = at + len(m.s)
			if m.word && (at > 0 && isAlnum(f[at-1]) || off < len(f) && isAlnum(f[off])) {
				continue
			}
			if x.maskedRange(at, off) {
				continue
			}
			x.emailAt(at, off, m)
		}
	}
}

// emailAt tries to read an address around the "@" written as f[ms:me].
func (x *extractor) emailAt(ms, me int, m atMarker) {
	f := x.f
	obf := m.obfuscated
	// Spaces around a plain "@" ("juan @ gmail.com") are an obfuscation too.
	// But "word @name" with a space only before the "@" is a handle
	// ("TikTok @ana.mx"), not an address.
	ls, rs := ms, me
	if m.s != " at " {
		before := ls > 0 && f[ls-1] == ' '
		after := rs < len(f) && f[rs] == ' '
		if m.s == "@" && before && !after {
			return
		}
		if before {
			ls--
			obf = true
		}
		if after {
			rs++
			obf = true
		}
	}

	// Local part, leftwards; inside an obfuscated address its labels may be
	// joined by obfuscated dots too ("juan punto perez arroba …"), but not
	// after " at ", whose local part is a plain word.
	start := ls
	var local []string
	for {
		j := start
		for j > 0 && isLocalChar(f[j-1]) {
			j--
		}
		if j == start {
			break
		}
		local = append(local, f[j:start])
		start = j
		if !m.obfuscated || m.s == " at " {
			break
		}
		dot := ""
		for _, t := range dotTokens[1:] {
			if start > len(t) && strings.HasSuffix(f[:start], t) && isAlnum(f[start-len(t)-1]) {
				dot = t
				break
			}
		}
		if dot == "" {
			break
		}
		start -= len(dot)
	}
	if len(local) == 0 {
		return
	}
	for i, j := 0, len(local)-1; i < j; i, j = i+1, j-1 {
		local[i], local[j] = local[j], local[i]
	}
	joined := strings.Join(local, ".")
	lp := strings.TrimLeft(joined, ".-+")
	start += len(joined) - len(lp) // the leftmost label is contiguous in f
	if lp == "" || len(lp) > 64 || strings.HasSuffix(lp, ".") || strings.Contains(lp, "..") {
		return
	}

	// Domain, rightwards.
	end := rs
	var labels []string
	obfDot := false
	for {
		j := end
		for j < len(f) && (isAlnum(f[j]) || f[j] == '-') {
			j++
		}
		if j == end {
			break
		}
		label := f[end:j]
		labels = append(labels, label)
		end = j
		next := ""
		for i, t := range dotTokens {
			if strings.HasPrefix(f[end:], t) && end+len(t) < len(f) && isAlnum(f[end+len(t)]) {
				next = t
				obfDot = i > 0
				break
			}
		}
		if next == "" {
			break
		}
		// An obfuscated dot must be followed by a known TLD: in "… punto com
		// punto de encuentro", "de" is prose.
		save := end
		end += len(next)
		k := end
		for k < len(f) && (isAlnum(f[k]) || f[k] == '-') {
			k++
		}
		if obfDot && !tlds[f[end:k]] {
			end = save
			break
		}
		if next != "." {
			obf = true
		}
	}
	if len(labels) == 0 {
		return
	}
	if len(labels) == 1 {
		if !providers[labels[0]] {
			return
		}
		labels = append(labels, "com") // "juan arroba gmail"
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || !allLetters(tld) || obf && !tlds[tld] {
		return
	}
	// " at " is English prose unless the dots are obfuscated too.
	if m.s == " at " && !obfDot {
		return
	}
	for _, l := range labels {
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return
		}
	}
	if start < 0 || x.maskedRange(start, end) {
		return
	}
	domain := strings.Join(labels, ".")
	x.add(Identifier{Kind: KindEmail, Value: canonEmail(lp, domain)}, start, end)
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLower(s[i]) {
			return false
		}
	}
	return s != ""
}

// canonEmail lower-cases (the folded text already is) and, for Gmail,
// which ignores dots and "+tags" in the local part, removes them so that
// j.uan+vacantes@gmail.com and juan@gmail.com are one contact.
func canonEmail(local, domain string) string {
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		if k := strings.IndexByte(local, '+'); k >= 0 {
			local = local[:k]
		}
		local = strings.ReplaceAll(local, ".", "")
	}
	return local + "@" + domain
}
