package storage

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldDD replaces đ/Đ by d/D. unicode61's remove_diacritics treats đ as a
// letter of its own (it has no decomposition), so Vietnamese readers typing
// "dang" would not find "Đảng" without this. The replacement keeps the rune
// count, so offsets in folded text are offsets in the original.
var foldDD = strings.NewReplacer("đ", "d", "Đ", "D")

// foldRune folds one rune for matching and sorting: the base letter of its
// canonical decomposition, đ→d, lower-cased. Combining marks fold to 0 (the
// caller skips them). Each rune maps to at most one rune, so a folded string
// can be mapped back to the original rune by rune.
func foldRune(r rune) rune {
	switch r {
	case 'đ', 'Đ':
		return 'd'
	}
	if r < 0x80 {
		return unicode.ToLower(r)
	}
	if unicode.Is(unicode.Mn, r) {
		return 0
	}
	// Properties looks the decomposition up without allocating: this runs
	// for every letter of every snippet candidate.
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	if d := norm.NFD.Properties(buf[:n]).Decomposition(); len(d) > 0 {
		base, _ := utf8.DecodeRune(d)
		return unicode.ToLower(base)
	}
	return unicode.ToLower(r)
}

// foldKey folds s whole: used for the title sort key.
func foldKey(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f := foldRune(r); f != 0 {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// tagKey is the identity of a tag: Unicode lower case of its NFC form, so
// "Việt Nam" and "VIỆT NAM" are one tag whether typed precomposed or not.
func tagKey(name string) string {
	return strings.ToLower(norm.NFC.String(strings.TrimSpace(name)))
}

// isTokenRune says what unicode61 keeps inside a token: letters, numbers,
// and combining marks (which remove_diacritics then drops).
func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Co, r)
}

// token is one word of a text: its folded form and its byte span in the
// original.
type token struct {
	folded     string
	start, end int
}

// tokenize splits s into tokens the way the FTS tokenizer does, keeping
// where each one sits in s.
func tokenize(s string) []token {
	var toks []token
	var b strings.Builder
	start := -1
	for i, r := range s {
		if isTokenRune(r) {
			if start < 0 {
				start = i
				b.Reset()
			}
			if f := foldRune(r); f != 0 {
				b.WriteRune(f)
			}
			continue
		}
		if start >= 0 {
			toks = append(toks, token{folded: b.String(), start: start, end: i})
			start = -1
		}
	}
	if start >= 0 {
		toks = append(toks, token{folded: b.String(), start: start, end: len(s)})
	}
	return toks
}
