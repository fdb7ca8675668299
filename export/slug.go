package export

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxSlug caps a slug in bytes: long enough to tell titles apart, short
// enough that folder + slug + "-99.assets/01-abcdef.jpeg" stays well under
// the 255-byte name and 260-character path limits of common systems.
const maxSlug = 80

// latinSpecial spells out Latin letters that Unicode does not decompose
// into a base letter and a mark.
var latinSpecial = map[rune]string{
	'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
	'ø': "o", 'Ø': "o", 'ł': "l", 'Ł': "l",
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae",
	'œ': "oe", 'Œ': "oe", 'þ': "th", 'Þ': "th",
	'ı': "i", 'ħ': "h", 'Ħ': "h", 'ŧ': "t", 'Ŧ': "t",
	'ŋ': "ng", 'Ŋ': "ng", 'ĸ': "k", 'ſ': "s",
}

// reserved are names Windows refuses for files, with any extension.
var reserved = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true,
	"com0": true, "com1": true, "com2": true, "com3": true, "com4": true,
	"com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt0": true, "lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true,
	"lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// Slug makes a readable file name (without extension) from a title. Latin
// letters lose their accents ("Nâng cao" → "nang-cao", đ → d, ß → ss);
// other scripts (CJK, Cyrillic, Arabic, ...) are kept as they are. The
// result is lower case, words are joined by "-", it is at most 80 bytes
// (cut on a word boundary when one is near), it holds only letters, digits
// and "-", so it is safe on Windows, macOS and Linux, and it is never
// empty ("untitled") nor a name Windows reserves (CON, NUL, COM1, ...).
func Slug(title string) string {
	var b strings.Builder
	dash := false // a separator is pending
	var prevBase rune
	for _, r := range norm.NFD.String(title) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// Accents on Latin letters go; marks of other scripts (Hindi
			// vowel signs, Arabic harakat) are part of the word and stay.
			if !unicode.Is(unicode.Latin, prevBase) {
				b.WriteRune(r)
			}
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			prevBase = r
			if s, ok := latinSpecial[r]; ok {
				b.WriteString(s)
			} else {
				b.WriteString(strings.ToLower(string(r)))
			}
		default:
			dash = true
			prevBase = 0
		}
	}
	s := norm.NFC.String(b.String())
	s = truncateSlug(s, maxSlug)
	if s == "" {
		return "untitled"
	}
	if reserved[s] {
		s += "-"
	}
	return s
}

// truncateSlug cuts s to at most n bytes, at the last "-" when that keeps
// at least half, otherwise on a rune boundary.
func truncateSlug(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	s = s[:cut]
	if i := strings.LastIndexByte(s, '-'); i >= n/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, "-")
}
