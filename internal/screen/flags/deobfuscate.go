package flags

import "github.com/vigia-mx/vigia/internal/screen/normalize"

// leet maps the digits and signs that stand for letters in obfuscated ads
// ("tr4bajo", "s3xo", "ch4mba") to those letters.
// "@" and "$" are left alone: e-mail addresses and prices need them.
var leet = [256]byte{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't'}

func isLetterByte(c byte) bool { return 'a' <= c && c <= 'z' }

// deobfuscate returns t with the look-alike digits inside words replaced by
// letters. A digit counts as a letter only between letters, or at the end
// of a word of two or more letters ("s3x0"): numbers, prices, phones and
// codes such as "mp3" or "covid19" keep their digits, except a lone final
// digit. The replacement keeps every byte in place, so spans map back to
// the original text unchanged.
func deobfuscate(t normalize.Text) normalize.Text {
	s := t.Folded
	var b []byte
	for i := 1; i < len(s); i++ {
		c := s[i]
		r := leet[c]
		if r == 0 || !isLetterByte(s[i-1]) {
			continue
		}
		next := byte(' ')
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch {
		case isLetterByte(next) || leet[next] != 0 && i+2 < len(s) && isLetterByte(s[i+2]):
		case !isTokenByte(next) && next != '@' && i >= 2 && isLetterByte(s[i-2]):
		default:
			continue
		}
		if b == nil {
			b = []byte(s)
		}
		b[i] = r
	}
	if b == nil {
		return t
	}
	t.Folded = string(b)
	return t
}
