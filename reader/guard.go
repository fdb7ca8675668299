package reader

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// The guard: Folio's clean-up runs on a copy of readability's body and is
// kept only when it did not cost content readability found. Content is
// measured in prose, blocks of sentences, so that a menu or a teaser list
// removed costs nothing and a paragraph removed does.

// The clean-up may cost at most these shares of what readability alone
// found: of its prose (blocks of sentences), and of all its text. On a
// short article a couple of sentences (an author box) is a large share,
// so up to lostProseAllowance runes of prose may go whatever the share,
// but never more than maxLostProseShort of it.
const (
	maxLostProse       = 0.2
	maxLostProseShort  = 0.4
	lostProseAllowance = 250
	maxLostText        = 0.3
)

// choose returns Folio's cleaned reading unless it cost content that
// readability alone keeps: more than a small share of its prose or text,
// or all of its article.
func choose(cleaned, plain *candidate, sig pageSignals) *candidate {
	if plain.body == nil {
		return cleaned
	}
	if cleaned.body == nil || !isArticle(cleaned.textBlocks(), sig) && isArticle(plain.textBlocks(), sig) {
		return plain
	}
	if costsContent(plain, cleaned) {
		return plain
	}
	return cleaned
}

// costsContent tells whether cleaned lost more of plain than the clean-up
// may.
func costsContent(plain, cleaned *candidate) bool {
	lost, total := lostProse(plain, cleaned)
	if total > 0 {
		share := float64(lost) / float64(total)
		if share > maxLostProseShort || share > maxLostProse && lost > lostProseAllowance {
			return true
		}
	}
	return lostText(plain.text, cleaned.text) > maxLostText
}

// textBlock is one innermost block of an article body.
type textBlock struct {
	node  *html.Node
	text  string
	links int // runes of link text
	runes int
}

// textBlocks lists the innermost blocks of body that hold text directly.
func textBlocks(body *html.Node) []textBlock {
	var out []textBlock
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		hasBlockChild := false
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && blockTags[c.Data] {
				hasBlockChild = true
				break
			}
		}
		if !hasBlockChild {
			if t := blockText(n); t != "" {
				links := 0
				for _, a := range elements(n, "a") {
					links += textLen(a)
				}
				out = append(out, textBlock{node: n, text: t, links: links, runes: textRunes(t)})
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				visit(c)
			} else if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
				t := collapse(c.Data)
				out = append(out, textBlock{node: n, text: t, runes: textRunes(t)})
			}
		}
	}
	visit(body)
	return out
}

// isProse tells a block of sentences from a label, a link or a menu entry.
func (b textBlock) isProse() bool {
	if b.links*2 > b.runes {
		return false
	}
	words, cjk := wordsAndCJK(b.text)
	return (words >= 10 || cjk >= 25) && endsSentence(b.text)
}

// endsSentence tells text that ends as a sentence does, in any script:
// headlines, teasers and menu entries mostly do not.
func endsSentence(t string) bool {
	t = strings.TrimRightFunc(t, func(r rune) bool {
		return isSpace(r) || strings.ContainsRune("\"'”’»)]*", r) || unicode.Is(unicode.So, r)
	})
	if t == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	return unicode.Is(unicode.Sentence_Terminal, r) || r == ':' || r == ';' || r == '…'
}

// lostProse counts the runes of plain's prose blocks that cleaned lacks,
// and of all its prose blocks.
func lostProse(plain, cleaned *candidate) (lost, total int) {
	have := map[string]bool{}
	for _, b := range cleaned.textBlocks() {
		have[normalizeForMatch(b.text)] = true
	}
	all := ""
	for _, b := range plain.textBlocks() {
		if !b.isProse() {
			continue
		}
		total += b.runes
		t := normalizeForMatch(b.text)
		if have[t] {
			continue
		}
		// A block the clean-up trimmed (a credit off a caption) is kept
		// when most of it is still there.
		if all == "" {
			all = normalizeForMatch(cleaned.text)
		}
		r := []rune(t)
		if !strings.Contains(all, string(r[:len(r)*4/5])) {
			lost += b.runes
		}
	}
	return lost, total
}

// lostText is the share of the words of plain that cleaned lacks.
func lostText(plain, cleaned string) float64 {
	have := map[string]int{}
	for _, w := range strings.FieldsFunc(cleaned, notWordRune) {
		have[w]++
	}
	total, lost := 0, 0
	for _, w := range strings.FieldsFunc(plain, notWordRune) {
		total++
		if have[w] > 0 {
			have[w]--
		} else {
			lost++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(lost) / float64(total)
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
}

func normalizeForMatch(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
