package reader

import (
	"math"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html"
)

// Reading speeds used for ReadingTime: words for scripts that separate
// words with spaces, characters for those that do not.
const (
	wordsPerMinute = 200
	cjkPerMinute   = 500
)

var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "dd": true,
	"details": true, "div": true, "dl": true, "dt": true, "fieldset": true,
	"figcaption": true, "figure": true, "footer": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "header": true, "hr": true,
	"li": true, "main": true, "nav": true, "ol": true, "p": true, "pre": true,
	"section": true, "summary": true, "table": true, "tbody": true, "thead": true,
	"tfoot": true, "tr": true, "ul": true, "caption": true,
}

// Private-use runes stand for hard breaks inside a block while runs of
// ordinary white space are collapsed.
const (
	hardNewline = '\uE000'
	hardTab     = '\uE001'
)

// blockText renders n as plain text: one paragraph, heading, list item or
// caption per block, blocks separated by a blank line. <br> becomes a line
// break, table cells are separated by tabs, <pre> keeps its layout.
func blockText(n *html.Node) string {
	var blocks []string
	var cur strings.Builder
	flush := func() {
		if t := collapseKeep(cur.String()); t != "" {
			blocks = append(blocks, t)
		}
		cur.Reset()
	}
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
		default:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				visit(c)
			}
			return
		}
		switch n.Data {
		case "script", "style", "template", "noscript", "head":
			return
		case "br":
			cur.WriteRune(hardNewline)
			return
		case "pre":
			flush()
			var b strings.Builder
			walk(n, func(c *html.Node) bool {
				if c.Type == html.TextNode {
					b.WriteString(c.Data)
				} else if c.Type == html.ElementNode && c.Data == "br" {
					b.WriteByte('\n')
				}
				return true
			})
			if t := strings.Trim(b.String(), "\n"); strings.TrimSpace(t) != "" {
				blocks = append(blocks, t)
			}
			return
		case "td", "th":
			if cur.Len() > 0 {
				cur.WriteRune(hardTab)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				visit(c)
			}
			return
		}
		block := blockTags[n.Data]
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
		if block {
			flush()
		}
	}
	visit(n)
	flush()
	return strings.Join(blocks, "\n\n")
}

// collapseKeep collapses white space like collapse, then turns the hard
// break markers into real ones, trimming spaces around them.
func collapseKeep(s string) string {
	s = collapse(s)
	if !strings.ContainsRune(s, hardNewline) && !strings.ContainsRune(s, hardTab) {
		return s
	}
	s = strings.NewReplacer(" "+string(hardNewline), string(hardNewline), string(hardNewline)+" ", string(hardNewline),
		" "+string(hardTab), string(hardTab), string(hardTab)+" ", string(hardTab)).Replace(s)
	s = strings.Trim(s, string(hardNewline)+string(hardTab))
	return strings.NewReplacer(string(hardNewline), "\n", string(hardTab), "\t").Replace(s)
}

// isCJK reports runes of scripts written without spaces between words.
func isCJK(r rune) bool {
	switch {
	case r < 0x0E00: // below Thai: Latin, Cyrillic, Greek, Arabic, Indic…
		return false
	case r < 0x2E80: // Thai, Lao, Myanmar, Hangul Jamo and Khmer among Georgian, Latin Extended (Vietnamese) and symbols
		return r <= 0x0EFF || r >= 0x1000 && r <= 0x109F || r >= 0x1100 && r <= 0x11FF || r >= 0x1780 && r <= 0x17FF
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// countWords counts the words of text, each CJK character counting as one,
// and estimates the reading time at 200 words or 500 CJK characters a
// minute.
func countWords(text string) (int, time.Duration) {
	words, cjk := wordsAndCJK(text)
	minutes := float64(words)/wordsPerMinute + float64(cjk)/cjkPerMinute
	return words + cjk, time.Duration(math.Round(minutes*60)) * time.Second
}

// wordsAndCJK counts space-separated words and CJK characters apart.
func wordsAndCJK(text string) (words, cjk int) {
	inWord := false
	for _, r := range text {
		switch {
		case isCJK(r):
			cjk++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if !inWord {
				words++
				inWord = true
			}
		case r == '\'' || r == '’' || r == '-':
			// "don't", "well-known" stay one word
		default:
			inWord = false
		}
	}
	return words, cjk
}
