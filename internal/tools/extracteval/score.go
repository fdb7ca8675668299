package main

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The corpus README's scoring: bag-of-words token F1 between the extracted
// plain text and the truth.

// ignored runes are deleted before tokenising: soft hyphen, ZWNJ, ZWJ, word
// joiner, BOM.
func ignored(r rune) bool {
	switch r {
	case '\u00ad', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return false
}

// single tells the scripts whose characters are one token each.
func single(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan)
}

func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || r == '_'
}

// tokens splits text as the README says: NFC, lower case, ignored runes
// deleted, maximal runs of letters, marks, numbers and '_', each character
// of a script without spaces its own token.
func tokens(text string) []string {
	text = strings.ToLower(norm.NFC.String(text))
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range text {
		switch {
		case ignored(r):
		case single(r):
			flush()
			out = append(out, string(r))
		case wordRune(r):
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// score is one page's precision, recall and F1.
type score struct{ P, R, F1 float64 }

// compare scores extracted text against the truth: TP is the sum over
// tokens of the smaller count, P = TP/|extracted|, R = TP/|truth|.
func compare(extracted, truth string) score {
	got, want := tokens(extracted), tokens(truth)
	if len(got) == 0 || len(want) == 0 {
		return score{}
	}
	counts := map[string]int{}
	for _, t := range want {
		counts[t]++
	}
	tp := 0
	for _, t := range got {
		if counts[t] > 0 {
			counts[t]--
			tp++
		}
	}
	if tp == 0 {
		return score{}
	}
	p := float64(tp) / float64(len(got))
	r := float64(tp) / float64(len(want))
	return score{P: p, R: r, F1: 2 * p * r / (p + r)}
}
