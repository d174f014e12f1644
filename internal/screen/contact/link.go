package contact

import (
	"sort"
	"strings"
)

// linkMarkers start a link. Known platform hosts are found even without
// "http://" ("wa.me/52…" is how ads write them); any other site only with
// a scheme or "www.", so that "gmail.com" or "sueldo.mx" in prose is not a
// link.
var linkMarkers = []string{
	"://", "www.",
	"wa.me/", "whatsapp.com/", "t.me/", "telegram.me/", "telegram.dog/",
	"instagram.com/", "instagr.am/", "facebook.com/", "fb.com/", "fb.me/",
	"tiktok.com/", "twitter.com/", "x.com/", "m.me/",
}

// links finds URLs, classifies the platform ones and canonicalises them.
func (x *extractor) links() {
	f := x.f
	if strings.IndexByte(f, '.') < 0 {
		return
	}
	// Every marker but "www." contains a slash, and slashes are rare: look
	// for markers only around them.
	var starts []int
	for off := 0; ; {
		k := strings.IndexByte(f[off:], '/')
		if k < 0 {
			break
		}
		slash := off + k
		off = slash + 1
		for _, m := range linkMarkers {
			if m == "www." {
				continue
			}
			k := strings.IndexByte(m, '/')
			if ms := slash - k; ms >= 0 && ms+len(m) <= len(f) && f[ms:ms+len(m)] == m {
				starts = append(starts, ms)
			}
		}
	}
	for off := 0; ; {
		k := strings.Index(f[off:], "www.")
		if k < 0 {
			break
		}
		starts = append(starts, off+k)
		off += k + 4
	}
	if len(starts) == 0 {
		return
	}
	sort.Ints(starts)
	done := -1 // end of the last link processed: markers inside it are skipped
	for _, at := range starts {
		if at < done {
			continue
		}
		s, e, ok := linkBounds(f, at)
		if !ok || s < done {
			continue
		}
		done = e
		x.link(s, e)
	}
}

func isHostChar(c byte) bool { return isAlnum(c) || c == '.' || c == '-' || c == '_' }

// isURLChar reports the characters a URL keeps outside brackets and quotes.
func isURLChar(c byte) bool {
	if isAlnum(c) {
		return true
	}
	return strings.IndexByte("-._~%!$&*+,;=:@/?#", c) >= 0
}

// linkBounds returns the folded range of the link around marker offset at.
func linkBounds(f string, at int) (s, e int, ok bool) {
	s = at
	if strings.HasPrefix(f[at:], "://") {
		// Scheme before the marker.
		for s > 0 && isLower(f[s-1]) {
			s--
		}
		if s == at {
			return 0, 0, false
		}
	} else {
		for s > 0 && isHostChar(f[s-1]) {
			s--
		}
		// "…@facebook.com/" is an e-mail domain with a slash after it, and
		// "://" before a host belongs to this link.
		if s > 0 && f[s-1] == '@' {
			return 0, 0, false
		}
		if s >= 3 && f[s-3:s] == "://" {
			s -= 3
			for s > 0 && isLower(f[s-1]) {
				s--
			}
		}
	}
	e = at
	for e < len(f) && isURLChar(f[e]) {
		e++
	}
	// Sentence punctuation after a link is not part of it.
	for e > at && strings.IndexByte(".,;:!?'*", f[e-1]) >= 0 {
		e--
	}
	return s, e, e > s
}

// link classifies the link f[s:e].
func (x *extractor) link(s, e int) {
	f := x.f
	u := f[s:e]
	explicit := false // written with a scheme or www., so any site counts
	if k := strings.Index(u, "://"); k >= 0 {
		u = u[k+3:]
		explicit = true
	}
	hs := e - len(u) // folded offset of the host
	hostEnd := len(u)
	for i := 0; i < len(u); i++ {
		if c := u[i]; c == '/' || c == '?' || c == '#' || c == ':' {
			hostEnd = i
			break
		}
	}
	host := u[:hostEnd]
	rest := u[hostEnd:]
	for _, p := range []string{"www.", "m.", "mobile.", "web."} {
		if strings.HasPrefix(host, p) && strings.Contains(host[len(p):], ".") {
			host = host[len(p):]
			explicit = explicit || p == "www."
		}
	}
	if !strings.Contains(host, ".") || strings.HasPrefix(host, ".") || strings.HasSuffix(host, ".") {
		return
	}
	path, query := rest, ""
	if k := strings.IndexAny(rest, "?#"); k >= 0 {
		path, query = rest[:k], rest[k:]
	}
	path = strings.TrimPrefix(path, "/")
	first, after := cut(path)
	pathOff := hs + hostEnd + 1 // folded offset of path, if any

	switch {
	case host == "wa.me":
		if d, ok := waDigits(first); ok {
			x.addWhatsApp(d, s, e)
			return
		}
	case hostIs(host, "whatsapp.com"):
		if host == "chat.whatsapp.com" {
			code := first
			off := pathOff
			if code == "invite" {
				code, _ = cut(after)
				off += len("invite/")
			}
			if len(code) >= 10 && len(code) <= 40 && alnum(code) {
				code = x.caseKept(off, off+len(code), code)
				x.add(Identifier{Kind: KindWhatsApp, Value: "chat.whatsapp.com/" + code}, s, e)
				return
			}
			break
		}
		if first == "send" || first == "" {
			if d, ok := waDigits(queryParam(query, "phone")); ok {
				x.addWhatsApp(d, s, e)
				return
			}
		}
	case host == "t.me" || host == "telegram.me" || host == "telegram.dog":
		if x.telegramLink(first, after, pathOff, s, e) {
			return
		}
	case host == "instagram.com" || host == "instagr.am":
		h := first
		if h == "stories" {
			h, _ = cut(after)
		}
		if !igReserved[h] {
			if h = handle(h, 30, true); h != "" {
				x.add(Identifier{Kind: KindHandle, Value: "instagram:" + h}, s, e)
				return
			}
		}
	case hostIs(host, "facebook.com") || host == "fb.com" || host == "fb.me" || host == "m.me":
		if x.facebookLink(host, first, after, query, s, e) {
			return
		}
	case hostIs(host, "tiktok.com"):
		if strings.HasPrefix(first, "@") {
			if h := handle(first[1:], 24, true); h != "" {
				x.add(Identifier{Kind: KindHandle, Value: "tiktok:" + h}, s, e)
				return
			}
		}
	case host == "twitter.com" || host == "x.com":
		if !xReserved[first] {
			if h := handle(first, 15, false); h != "" {
				x.add(Identifier{Kind: KindHandle, Value: "x:" + h}, s, e)
				return
			}
		}
	default:
		if !explicit {
			return
		}
	}
	// Any other link, or a platform link that is not a profile (a post, a
	// share link): the normalised address still links ads.
	v := host
	if p := strings.TrimRight(path, "/"); p != "" {
		v += "/" + p
	}
	x.add(Identifier{Kind: KindURL, Value: v}, s, e)
}

// hostIs reports whether host is domain or one of its subdomains.
func hostIs(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// cut splits a path at its first slash.
func cut(p string) (first, rest string) {
	if k := strings.IndexByte(p, '/'); k >= 0 {
		return p[:k], p[k+1:]
	}
	return p, ""
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return s != ""
}

// handle validates a social handle: letters, digits, '_' and (if dots) '.',
// at most max long, without a trailing dot. It returns "" if invalid.
func handle(h string, max int, dots bool) string {
	h = strings.TrimRight(h, ".")
	if h == "" || len(h) > max {
		return ""
	}
	letters := false
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case isLower(c):
			letters = true
		case isDigit(c) || c == '_' || (dots && c == '.'):
		default:
			return ""
		}
	}
	if !letters && !dots {
		return ""
	}
	return h
}

// caseKept returns the original spelling of a folded ASCII code, because
// invite codes are case-sensitive; it falls back to the folded form when
// the original was not plain ASCII (full-width letters, say).
func (x *extractor) caseKept(fs, fe int, folded string) string {
	o := x.original(fs, fe)
	if len(o) == len(folded) && strings.EqualFold(o, folded) {
		return o
	}
	return folded
}

// waDigits reads the number of a WhatsApp link: digits, possibly after "+"
// or its URL escape "%2b".
func waDigits(s string) (string, bool) {
	s = strings.TrimPrefix(s, "+")
	s = strings.TrimPrefix(s, "%2b")
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n < 8 || n > 15 || s[0] == '0' {
		return "", false
	}
	return s[:n], true
}

// addWhatsApp records a WhatsApp number. Links carry the number in
// international form, often the legacy "521…"; a Mexican one becomes
// E.164, any other keeps its digits so that foreign recruiters link too.
func (x *extractor) addWhatsApp(d string, s, e int) {
	if nat, ok := mxNational(d, false); ok {
		v := "+52" + nat
		x.add(Identifier{Kind: KindWhatsApp, Value: v, E164: v}, s, e)
		return
	}
	x.add(Identifier{Kind: KindWhatsApp, Value: "+" + d}, s, e)
}

// queryParam returns the value of name in a "?a=b&c=d" query.
func queryParam(q, name string) string {
	q = strings.TrimLeft(q, "?#")
	for q != "" {
		var kv string
		if k := strings.IndexByte(q, '&'); k >= 0 {
			kv, q = q[:k], q[k+1:]
		} else {
			kv, q = q, ""
		}
		if strings.HasPrefix(kv, name+"=") {
			return kv[len(name)+1:]
		}
	}
	return ""
}

// telegramLink handles t.me/<handle>, t.me/s/<handle> (channel preview)
// and the invite forms t.me/+<code> and t.me/joinchat/<code>.
func (x *extractor) telegramLink(first, after string, pathOff, s, e int) bool {
	code, off := "", pathOff
	switch {
	case strings.HasPrefix(first, "+"):
		code, off = first[1:], pathOff+1
	case first == "joinchat":
		code, _ = cut(after)
		off = pathOff + len("joinchat/")
	}
	if code != "" {
		if len(code) < 10 || len(code) > 40 || !alnumDash(code) {
			return false
		}
		code = x.caseKept(off, off+len(code), code)
		x.add(Identifier{Kind: KindTelegram, Value: "t.me/+" + code}, s, e)
		return true
	}
	if first == "s" {
		first, _ = cut(after)
	}
	if tgReserved[first] {
		return false
	}
	h := handle(first, 32, false)
	if len(h) < 5 {
		return false
	}
	x.add(Identifier{Kind: KindTelegram, Value: "telegram:" + h}, s, e)
	return true
}

func alnumDash(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' && s[i] != '-' {
			return false
		}
	}
	return true
}

// facebookLink handles profile links: facebook.com/<username>,
// profile.php?id=<n>, people/<name>/<id>, and pages/<name>/<id>.
// Groups and share links are not profiles; they become URLs.
func (x *extractor) facebookLink(host, first, after, query string, s, e int) bool {
	var h string
	switch first {
	case "profile.php":
		id := queryParam(query, "id")
		n := 0
		for n < len(id) && isDigit(id[n]) {
			n++
		}
		h = id[:n]
	case "people", "pages":
		_, rest := cut(after)
		id, _ := cut(rest)
		if alnum(id) && !strings.ContainsFunc(id, func(r rune) bool { return r < '0' || r > '9' }) {
			h = id
		}
	default:
		if fbReserved[first] || strings.HasSuffix(first, ".php") {
			return false
		}
		h = handle(first, 50, true)
		if len(h) < 5 {
			h = ""
		}
	}
	if h == "" {
		return false
	}
	x.add(Identifier{Kind: KindHandle, Value: "facebook:" + h}, s, e)
	return true
}

// Paths that are site features, not profiles.
var (
	igReserved = map[string]bool{
		"": true, "p": true, "reel": true, "reels": true, "tv": true, "explore": true,
		"accounts": true, "direct": true, "about": true, "legal": true, "developer": true,
		"stories": true, "web": true,
	}
	fbReserved = map[string]bool{
		"": true, "groups": true, "share": true, "sharer": true, "watch": true, "events": true,
		"marketplace": true, "photo": true, "photos": true, "login": true, "help": true,
		"reel": true, "hashtag": true, "search": true, "dialog": true, "plugins": true,
		"ads": true, "business": true, "policies": true, "tr": true, "home": true,
		"gaming": true, "notes": true, "media": true, "stories": true, "video": true,
		"videos": true, "l.php": true, "messages": true, "jobs": true,
	}
	xReserved = map[string]bool{
		"": true, "home": true, "i": true, "intent": true, "share": true, "search": true,
		"hashtag": true, "explore": true, "settings": true, "messages": true,
		"notifications": true, "login": true, "tos": true, "privacy": true,
	}
	tgReserved = map[string]bool{
		"": true, "share": true, "addstickers": true, "proxy": true, "socks": true,
		"iv": true, "c": true, "addemoji": true, "setlanguage": true, "login": true,
	}
)
