package screen

// NFKC normalisation of ads (full-width digits, compatibility forms) is
// golang.org/x/text/unicode/norm: the standard library has none.
import _ "golang.org/x/text/unicode/norm"
