// Package anchor places a quoted passage in a text that may have changed
// since it was quoted, as the W3C Web Annotation model describes it: a
// TextQuoteSelector (the passage with some text before and after it) and a
// TextPositionSelector (its offsets, in Unicode code points). Highlights use
// it to survive a re-extraction of their article, and the reader, the
// library and the exports use it to find one passage in their own renderings
// of the same article, which differ in white space only.
//
// Matching ignores white space differences: every run of white space counts
// as one space, and the text's ends are trimmed. Offsets into that
// normalised form are the common currency between renderings (Text.Norm,
// Text.Src).
package anchor

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ContextLen is how many code points of context a Quote keeps on each side.
const ContextLen = 32

// MinSimilarity is how close a fuzzy match must be to the quote: at most a
// quarter of its code points may differ.
const MinSimilarity = 0.75

// Quote is a TextQuoteSelector: the exact passage and the text just before
// and after it, as they were when it was quoted.
type Quote struct {
	Exact  string
	Prefix string
	Suffix string
}

// Method is how Locate placed a quote.
type Method int

const (
	// Detached: the quote is nowhere in the text any more.
	Detached Method = iota
	// Position: the text at the old offsets is still the quote.
	Position
	// Exact: the quote is there, word for word, elsewhere; its context (and
	// the old position) chose among several.
	Exact
	// Fuzzy: a passage close enough to the quote (MinSimilarity) was found.
	Fuzzy
)

func (m Method) String() string {
	return [...]string{"detached", "position", "exact", "fuzzy"}[m]
}

// Text is a text prepared for anchoring. Build it once per text with New and
// use it for many quotes; it is not changed by use and is safe for
// concurrent reads.
type Text struct {
	src  string
	norm string
	// brk maps normalised offsets back to source offsets: at each entry
	// the difference src−norm changes, and holds up to the next entry.
	brk []shift
	// runeAt[i] is the byte offset of code point i*runeStep in src.
	runeAt []int
}

type shift struct{ norm, src int }

const runeStep = 256

// New prepares src for anchoring.
func New(src string) *Text {
	t := &Text{src: src}
	var b strings.Builder
	b.Grow(len(src))
	space := false // a space is pending
	runes := 0
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		if runes%runeStep == 0 {
			t.runeAt = append(t.runeAt, i)
		}
		runes++
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			i += size
			continue
		}
		if space {
			b.WriteByte(' ') // for the white space ending just before i
			space = false
		}
		if d := i - b.Len(); len(t.brk) == 0 && d != 0 || len(t.brk) > 0 && t.brk[len(t.brk)-1].src-t.brk[len(t.brk)-1].norm != d {
			t.brk = append(t.brk, shift{norm: b.Len(), src: i})
		}
		if r == utf8.RuneError && size == 1 {
			// an invalid byte: the normalised form stays valid UTF-8, the
			// same length as the source
			b.WriteByte('?')
		} else {
			b.WriteString(src[i : i+size])
		}
		i += size
	}
	t.norm = b.String()
	return t
}

// Source is the text as given.
func (t *Text) Source() string { return t.src }

// Normalized is the text with white space collapsed.
func (t *Text) Normalized() string { return t.norm }

// Src is the source byte offset of normalised offset n. The space standing
// for a run of white space maps to the run's start.
func (t *Text) Src(n int) int {
	n = min(max(n, 0), len(t.norm))
	lo, hi := 0, len(t.brk)
	for lo < hi {
		mid := (lo + hi) / 2
		if t.brk[mid].norm <= n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return n
	}
	b := t.brk[lo-1]
	return n + b.src - b.norm
}

// SrcEnd is the source byte offset where a passage ending at normalised
// offset n ends: just after its last character, not after the white space
// that follows it.
func (t *Text) SrcEnd(n int) int {
	if n <= 0 {
		return t.Src(0)
	}
	_, size := utf8.DecodeLastRuneInString(t.norm[:min(n, len(t.norm))])
	return t.Src(n-size) + size
}

// Norm is the normalised offset of source byte offset s: of the character
// there, or of the space standing for the white space there.
func (t *Text) Norm(s int) int {
	s = min(max(s, 0), len(t.src))
	lo, hi := 0, len(t.brk)
	for lo < hi {
		mid := (lo + hi) / 2
		if t.brk[mid].src <= s {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	var n int
	if lo == 0 {
		n = s
	} else {
		b := t.brk[lo-1]
		n = s - (b.src - b.norm)
	}
	// inside collapsed white space: no further than the next character
	if lo < len(t.brk) && n > t.brk[lo].norm {
		n = t.brk[lo].norm
	}
	return min(n, len(t.norm))
}

// Runes is the number of code points before source byte offset s.
func (t *Text) Runes(s int) int {
	s = min(max(s, 0), len(t.src))
	// the checkpoint at or before s
	lo, hi := 0, len(t.runeAt)
	for lo < hi {
		mid := (lo + hi) / 2
		if t.runeAt[mid] <= s {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return 0
	}
	return (lo-1)*runeStep + utf8.RuneCountInString(t.src[t.runeAt[lo-1]:s])
}

// Byte is the source byte offset of code point r (the text's length past
// its end).
func (t *Text) Byte(r int) int {
	if r <= 0 || len(t.runeAt) == 0 {
		return 0
	}
	k := r / runeStep
	if k >= len(t.runeAt) {
		k = len(t.runeAt) - 1
	}
	i, left := t.runeAt[k], r-k*runeStep
	for left > 0 && i < len(t.src) {
		_, size := utf8.DecodeRuneInString(t.src[i:])
		i += size
		left--
	}
	return i
}

// Cut makes the Quote of the source range [start, end) (byte offsets): its
// exact text as the source has it and ContextLen code points of
// normalised context on each side.
func (t *Text) Cut(start, end int) Quote {
	start, end = min(max(start, 0), len(t.src)), min(max(end, 0), len(t.src))
	if end < start {
		start, end = end, start
	}
	q := Quote{Exact: t.src[start:end]}
	ns, ne := t.Norm(start), t.Norm(end)
	q.Prefix = lastRunes(t.norm[:ns], ContextLen)
	q.Suffix = firstRunes(t.norm[ne:], ContextLen)
	return q
}

// Trim narrows the source range [start, end) to leave out white space at
// either end.
func (t *Text) Trim(start, end int) (int, int) {
	start, end = min(max(start, 0), len(t.src)), min(max(end, 0), len(t.src))
	for start < end {
		r, size := utf8.DecodeRuneInString(t.src[start:])
		if !unicode.IsSpace(r) {
			break
		}
		start += size
	}
	for end > start {
		r, size := utf8.DecodeLastRuneInString(t.src[:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
	}
	return start, end
}

func lastRunes(s string, n int) string {
	i := len(s)
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}

func firstRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// Normalize collapses white space as Text does.
func Normalize(s string) string { return New(s).norm }
