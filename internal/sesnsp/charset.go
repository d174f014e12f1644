package sesnsp

import "errors"

// Encoding is the character set a file was decoded from.
type Encoding string

// Encodings seen in SESNSP files and their derivatives.
const (
	UTF8        Encoding = "utf-8"
	UTF8BOM     Encoding = "utf-8-bom"
	Windows1252 Encoding = "windows-1252"
)

// win1252 maps the bytes 0x80–0x9F, where Windows-1252 differs from Latin-1.
// Unassigned bytes map to U+FFFD so that nothing is silently dropped.
var win1252 = [32]rune{
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0xFFFD,
}

// errMixedEncoding is returned when a file that started as UTF-8 turns out
// to hold bytes that are not: the file is damaged or was concatenated.
var errMixedEncoding = errors.New("invalid UTF-8 in a file that began as UTF-8")
