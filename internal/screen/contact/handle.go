package contact

import (
	"strings"
)

// Handles written in the text. An @handle alone says nothing about where
// it lives, so it counts only with a platform word next to it ("IG:
// @vacantes_mx", "búscame en insta @ana.b", "@ana.b (tiktok)"). After a
// platform word and a colon the "@" may be missing ("Instagram:
// vacantes_mx").

// platforms maps the words ads use for a platform to its canonical name.
var platforms = map[string]string{
	"ig": "instagram", "insta": "instagram", "instagram": "instagram", "inst": "instagram",
	"fb": "facebook", "face": "facebook", "facebook": "facebook", "feis": "facebook", "feisbuk": "facebook",
	"tiktok": "tiktok", "tik": "tiktok",
	"telegram": "telegram", "telegrama": "telegram", "tg": "telegram",
	"twitter": "x", "tw": "x",
}

// handleStop are words that follow "Instagram:" in prose rather than
// being a handle.
var handleStop = map[string]bool{
	"como": true, "para": true, "por": true, "en": true, "el": true, "la": true,
	"los": true, "las": true, "de": true, "del": true, "al": true, "y": true,
	"o": true, "con": true, "sin": true, "mismo": true, "misma": true, "disponible": true,
	"privado": true, "inbox": true, "mensaje": true, "dm": true,
}

const platformWindow = 28 // bytes searched around an @handle for a platform word

func (x *extractor) handles() {
	f := x.f
	for off := 0; off < len(f); {
		k := strings.IndexByte(f[off:], '@')
		if k < 0 {
			break
		}
		at := off + k
		off = at + 1
		if x.masked(at) || at > 0 && (isAlnum(f[at-1]) || f[at-1] == '_' || f[at-1] == '.') {
			continue
		}
		e := at + 1
		for e < len(f) && (isAlnum(f[e]) || f[e] == '_' || f[e] == '.') {
			e++
		}
		for e > at+1 && f[e-1] == '.' {
			e--
		}
		h := f[at+1 : e]
		if h == "" {
			continue
		}
		p := platformNear(f, at, e)
		if p == "" {
			continue
		}
		x.addHandle(p, h, at, e)
	}
	x.colonHandles()
}

// platformNear finds the platform word closest to the handle f[at:e]:
// before it, or else just after it ("@ana (ig)").
func platformNear(f string, at, e int) string {
	lo := at - platformWindow
	if lo < 0 {
		lo = 0
	}
	best, prev := "", ""
	forEachWord(f[lo:at], func(w string, _, _ int) {
		if p := platforms[w]; p != "" && w != "tik" {
			best = p // the last one is the closest
		} else if w == "tok" && prev == "tik" {
			best = "tiktok"
		}
		prev = w
	})
	if best != "" {
		return best
	}
	hi := e + 16
	if hi > len(f) {
		hi = len(f)
	}
	forEachWord(f[e:hi], func(w string, _, _ int) {
		if best == "" && w != "tik" {
			best = platforms[w]
		}
	})
	return best
}

// forEachWord calls fn with each maximal run of ASCII letters and digits.
func forEachWord(s string, fn func(w string, s, e int)) {
	for i := 0; i < len(s); {
		if !isAlnum(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isAlnum(s[j]) {
			j++
		}
		fn(s[i:j], i, j)
		i = j
	}
}

func (x *extractor) addHandle(platform, h string, s, e int) {
	switch platform {
	case "telegram":
		if h = handle(h, 32, false); len(h) >= 5 {
			x.add(Identifier{Kind: KindTelegram, Value: "telegram:" + h}, s, e)
		}
	case "x":
		if h = handle(h, 15, false); h != "" {
			x.add(Identifier{Kind: KindHandle, Value: "x:" + h}, s, e)
		}
	case "tiktok":
		if h = handle(h, 24, true); h != "" {
			x.add(Identifier{Kind: KindHandle, Value: "tiktok:" + h}, s, e)
		}
	default: // instagram, facebook
		if h = handle(h, 50, true); h != "" {
			x.add(Identifier{Kind: KindHandle, Value: platform + ":" + h}, s, e)
		}
	}
}

// colonHandles reads "Instagram: vacantes_mx", a handle without "@" after
// a platform word and a colon.
func (x *extractor) colonHandles() {
	f := x.f
	if strings.IndexByte(f, ':') < 0 {
		return
	}
	forEachWord(f, func(w string, s, e int) {
		if len(w) > 9 || strings.IndexByte("iftx", w[0]) < 0 {
			return // not a platform word; spares the map lookup
		}
		p := platforms[w]
		if w == "tik" && strings.HasPrefix(f[e:], " tok") {
			p, e = "tiktok", e+4
		}
		if p == "" || s > 0 && isAlnum(f[s-1]) {
			return
		}
		i := e
		if i < len(f) && f[i] == ' ' {
			i++
		}
		if i >= len(f) || f[i] != ':' {
			return
		}
		i++
		if i < len(f) && f[i] == ' ' {
			i++
		}
		j := i
		for j < len(f) && (isAlnum(f[j]) || f[j] == '_' || f[j] == '.') {
			j++
		}
		for j > i && f[j-1] == '.' {
			j--
		}
		h := f[i:j]
		if len(h) < 3 || handleStop[h] || x.maskedRange(i, j) {
			return
		}
		// Followed by "@" it is an e-mail; by a non-ASCII letter, a word cut
		// short.
		if j < len(f) && (f[j] == '@' || f[j] >= 0x80) {
			return
		}
		// A Facebook name is usually a person's name ("FB: Ana Pérez"); only
		// a username-looking token counts.
		if p == "facebook" && !strings.ContainsAny(h, "._0123456789") {
			return
		}
		x.addHandle(p, h, i, j)
	})
}
