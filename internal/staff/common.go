package staff

import (
	_ "embed"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed common_passwords.txt
var commonPasswordsFile string

// commonPasswords is the bundled list of passwords too common to accept,
// lower-cased (see the file's header for where it comes from).
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsFile, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// Errors for a new password that is long enough but guessable.
var (
	ErrPasswordCommon   = errors.New("password is too common (it is, or starts with, a well-known password)")
	ErrPasswordRepeated = errors.New("password is one character repeated")
)

// sequences hold digit runs people type for "a long password".
const digitRuns = "123456789012345678901234567890" + "|" + "098765432109876543210987654321"

// checkGuessable refuses a new password that is on the common list, that
// is such a password with only digits, punctuation or spaces added at the
// end ("contraseña2026!"), that is a run of consecutive digits, or that is
// one character repeated. NIST SP 800-63B asks for such a check instead of
// composition rules.
func checkGuessable(password string) error {
	first, _ := utf8.DecodeRuneInString(password)
	if strings.Trim(password, string(first)) == "" {
		return ErrPasswordRepeated
	}
	p := strings.ToLower(strings.TrimSpace(password))
	if commonPasswords[p] {
		return ErrPasswordCommon
	}
	stem := strings.TrimRightFunc(p, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
	})
	if commonPasswords[stem] {
		return ErrPasswordCommon
	}
	if stem == "" && strings.Contains(digitRuns, p) {
		return ErrPasswordCommon
	}
	return nil
}
