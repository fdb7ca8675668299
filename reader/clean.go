package reader

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Readability keeps much of what surrounds an article: cookie banners,
// newsletter boxes, share bars, "related" lists, comment threads. The rules
// here remove those before readability scores the page (so they cannot
// pull the choice of body their way) and after (for the inline leftovers).
// Class names are matched by whole words, so "content-share" is a share
// bar but "shared-content" with a paragraph about sharing is not touched
// unless its words say so, and nothing that holds the article's main run
// of paragraphs is ever removed.

// clutterTags are removed wherever they appear: they hold page furniture
// or controls, never article prose.
var clutterTags = map[string]bool{
	"script": true, "style": true, "template": true, "noscript": true,
	"nav": true, "aside": true, "footer": true, "form": true, "button": true,
	"input": true, "select": true, "textarea": true, "dialog": true,
}

// clutterWords are words of a class, id or aria-label that mark a widget.
var clutterWords = map[string]bool{
	"newsletter": true, "newsletters": true, "subscribe": true, "subscription": true,
	"signup": true, "share": true, "sharing": true, "sharebar": true, "sharethis": true,
	"addthis": true, "social": true, "socials": true, "related": true, "readmore": true,
	"recommend": true, "recommended": true, "recommendation": true, "recommendations": true,
	"comment": true, "comments": true, "disqus": true, "cookie": true, "cookies": true,
	"consent": true, "gdpr": true, "promo": true, "promos": true, "promotion": true,
	"advert": true, "adverts": true, "advertisement": true, "ad": true, "ads": true,
	"adsbygoogle": true, "sponsor": true, "sponsored": true, "popup": true, "modal": true,
	"paywall": true, "breadcrumb": true, "breadcrumbs": true, "tags": true, "outbrain": true,
	"taboola": true, "sidebar": true, "trending": true, "popular": true,
	"bio": true, "biography": true,
}

// clutterPairs are two-word phrases of a class or id that mark a widget.
var clutterPairs = map[string]bool{
	"read more": true, "sign up": true, "most viewed": true, "most read": true,
	"more stories": true, "you may": true, "also like": true, "tag list": true,
	"post tags": true, "article tags": true, "quang cao": true,
	"author box": true, "author bio": true, "about author": true, "author info": true,
	"author card": true, "author profile": true, "author details": true, "author description": true,
	"author about": true, "the author": true,
}

var clutterRoles = map[string]bool{
	"navigation": true, "complementary": true, "contentinfo": true, "search": true,
	"dialog": true, "alertdialog": true, "banner": true,
}

// teaserHeading matches the whole text of a heading that introduces a box
// of links or a comment thread rather than a section of the article.
var teaserHeading = regexp.MustCompile(`(?i)^(xem nhiều|đọc nhiều|có thể bạn quan tâm|bạn có thể quan tâm|tin liên quan|bài liên quan|tin cùng chuyên mục|tin mới|tin mới nhất|mới nhất|bình luận|ý kiến bạn đọc|xem thêm|đọc thêm|related|related (articles|stories|posts|content|news|reading)|read more|read next|more stories|more from .{1,40}|you (may|might) also like|recommended( for you)?|most (popular|read|viewed)|popular (posts|stories|articles)|trending( now)?|\d* ?comments?|leave a (reply|comment)|join the (discussion|conversation)|sign up.{0,40}|subscribe.{0,40}|(our |the )?newsletter|share( this)?( article| story| post)?|don'?t miss|more on this (story|topic)|editor'?s picks|top stories|latest news|most shared|also read|` +
	`à lire aussi|lire aussi|à voir aussi|sur le même sujet|dans la même rubrique|les plus lus|articles similaires|vous aimerez aussi|commentaires|` +
	`mehr zum thema|mehr aus .{1,40}|das könnte sie auch interessieren|auch interessant|weitere artikel|ähnliche artikel|lesen sie auch|meistgelesen|meist gelesen|kommentare|` +
	`te puede interesar|también te puede interesar|noticias relacionadas|lo más leído|comentarios|leia também|veja também|mais lidas|notícias relacionadas|comentários|você pode gostar|` +
	`関連記事|あわせて読みたい|おすすめ記事|人気記事|こちらもおすすめ|コメント)$`)

// labelledLinks matches the label of a paragraph that only points elsewhere:
// "Read more: <a>…</a>", "Tags: <a>…</a>", a source-link line.
var labelledLinks = regexp.MustCompile(`(?i)^(read more|read also|also read|related|see also|more|tags?|topics?|keywords|source|via|link bài gốc|nguồn|xem thêm|đọc thêm|tin liên quan|từ khóa|chủ đề)\s*[:：»›>\-–—]*$`)

// classWords splits class, id and aria-label values into lower-case words:
// "content-share", "shareBar" and "share_bar" all contain "share".
func classWords(n *html.Node) []string {
	var words []string
	for _, a := range n.Attr {
		if a.Namespace != "" || a.Key != "class" && a.Key != "id" && a.Key != "aria-label" || a.Val == "" {
			continue
		}
		words = appendWords(words, a.Val)
		words = append(words, "") // no pair across attributes
	}
	return words
}

// appendWords appends the lower-case words of v: runs of letters and
// digits, split again where a lower-case letter meets an upper-case one.
// The words are substrings of one lower-cased copy of v.
func appendWords(words []string, v string) []string {
	lower := strings.ToLower(v)
	if len(lower) != len(v) {
		return appendWordsSlow(words, v)
	}
	start := -1
	prevLower := false
	for i, r := range v {
		alnum := r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') ||
			r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
		switch {
		case !alnum:
			if start >= 0 {
				words = append(words, lower[start:i])
				start = -1
			}
			prevLower = false
		default:
			upper := 'A' <= r && r <= 'Z' || r >= utf8.RuneSelf && unicode.IsUpper(r)
			if start >= 0 && upper && prevLower {
				words = append(words, lower[start:i])
				start = -1
			}
			if start < 0 {
				start = i
			}
			prevLower = 'a' <= r && r <= 'z' || r >= utf8.RuneSelf && unicode.IsLower(r)
		}
	}
	if start >= 0 {
		words = append(words, lower[start:])
	}
	return words
}

// appendWordsSlow is appendWords for the few values whose lower-case form
// has another length in bytes.
func appendWordsSlow(words []string, v string) []string {
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	prevLower := false
	for _, r := range v {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsUpper(r) && prevLower {
				flush()
			}
			cur = append(cur, r)
			prevLower = unicode.IsLower(r)
		default:
			flush()
			prevLower = false
		}
	}
	flush()
	return words
}

// isClutter tells whether n's tag, role or names mark it as a widget.
func isClutter(n *html.Node) bool {
	if clutterTags[n.Data] {
		return true
	}
	if clutterRoles[strings.ToLower(attr(n, "role"))] {
		return true
	}
	if n.Data == "header" && !hasAncestor(n, "article", "main") && first(n, "h1") == nil {
		return true
	}
	words := classWords(n)
	for i, w := range words {
		if clutterWords[w] {
			return true
		}
		if i > 0 && clutterPairs[words[i-1]+" "+w] {
			return true
		}
	}
	return false
}

// maxWidgetShare is the largest share of the article's text one removed
// widget may hold: a box holding more is the article itself, whatever its
// class says ("with-sidebar", "has-paywall").
const maxWidgetShare = 0.35

// widgetAttr marks, before readability runs, the boxes the rules below see
// as widgets. Readability merges nested wrappers and so loses the class
// names that told them; the mark survives on what it keeps (it copies a
// merged wrapper's attributes to the child). Marking removes nothing:
// the page readability scores is the page as it came.
const widgetAttr = "data-folio-widget"

// markWidgets marks the widgets of a whole page.
func markWidgets(doc *html.Node) {
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return n.Type == html.DocumentNode
		}
		if n.Data == "head" {
			return false
		}
		if n.Data == "html" || n.Data == "body" {
			return true
		}
		if isClutter(n) {
			setAttr(n, widgetAttr, "1")
			return false
		}
		return true
	})
	forTeaserBoxes(doc, func(n *html.Node) bool { return false }, func(n *html.Node) {
		if n.Type == html.ElementNode {
			setAttr(n, widgetAttr, "1")
		}
	})
}

// removeClutter strips widgets from the article body readability found:
// the boxes marked before it ran and those its rules see now.
func removeClutter(body *html.Node) {
	total := textLen(body)
	protected := func(n *html.Node) bool {
		return float64(textLen(n)) > maxWidgetShare*float64(total)
	}
	walk(body, func(n *html.Node) bool {
		switch n.Type {
		case html.CommentNode:
			detach(n)
			return false
		case html.ElementNode:
		default:
			return true
		}
		if n == body {
			return true
		}
		if (attr(n, widgetAttr) != "" || isClutter(n)) && !protected(n) {
			detach(n)
			return false
		}
		return true
	})
	forTeaserBoxes(body, protected, detach)
}

// forTeaserBoxes finds the boxes introduced by a "Related", "Xem nhiều" or
// "Comments" heading and hands them to fn: the heading's own box when it
// has one, or else the heading and what follows it up to the next heading.
func forTeaserBoxes(root *html.Node, protected func(*html.Node) bool, fn func(*html.Node)) {
	for _, h := range elements(root, "h1", "h2", "h3", "h4", "h5", "h6", "header", "strong", "span", "div") {
		if h.Parent == nil || !isTeaserHeading(h) {
			continue
		}
		box := h.Parent
		if box.Type == html.ElementNode && box.Data != "body" && box.Data != "article" && box.Data != "main" && box != root && !protected(box) && firstElementChild(box) == h {
			fn(box)
			continue
		}
		if h.Data == "span" || h.Data == "strong" || h.Data == "div" {
			continue // inline labels only count as titles of their own box
		}
		level := headingLevel(h)
		for s := h.NextSibling; s != nil; {
			next := s.NextSibling
			if s.Type == html.ElementNode && headingLevel(s) > 0 && headingLevel(s) <= level {
				break
			}
			if s.Type == html.ElementNode && protected(s) {
				break
			}
			fn(s)
			s = next
		}
		fn(h)
	}
}

func isTeaserHeading(n *html.Node) bool {
	if n.Data == "span" || n.Data == "strong" || n.Data == "div" {
		// Box titles written as <div class="box-title">.
		hasTitle := false
		for _, w := range classWords(n) {
			if w == "title" || w == "heading" || w == "header" {
				hasTitle = true
			}
		}
		if !hasTitle {
			return false
		}
	}
	t, short := shortText(n, 60)
	if !short || t == "" {
		return false
	}
	t = strings.TrimRight(t, " :：»›>.…")
	return teaserHeading.MatchString(t)
}

func headingLevel(n *html.Node) int {
	if len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6' {
		return int(n.Data[1] - '0')
	}
	if n.Data == "header" {
		return 1
	}
	return 0
}

func firstElementChild(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}

// cleanBody removes what readability left in the article body that is not
// article: paragraphs that are only a label and links ("Read more: …",
// "Tags: …", a "source link" line) and leftover controls.
func cleanBody(body *html.Node) {
	for _, n := range elements(body, "p", "div", "section", "ul", "ol", "li") {
		if n.Parent == nil || n == body {
			continue
		}
		if isLabelledLinks(n) {
			detach(n)
		}
	}
	for _, n := range elements(body, "form", "button", "input", "select", "textarea") {
		detach(n)
	}
}

// isLabelledLinks tells a block made of a short label followed by links
// and little else.
func isLabelledLinks(n *html.Node) bool {
	total := textLen(n)
	if total == 0 || total > 400 || len(elements(n, "img")) > 0 {
		return false
	}
	// Only innermost blocks: a container's "label" would be the article
	// text before its first link.
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && blockTags[c.Data] && (n.Data != "ul" && n.Data != "ol" || c.Data != "li") {
			return false
		}
	}
	links := 0
	for _, a := range elements(n, "a") {
		links += textLen(a)
	}
	if links == 0 {
		return false
	}
	// The label is the text before the first link.
	var label strings.Builder
	done := false
	walk(n, func(c *html.Node) bool {
		if done {
			return false
		}
		if c.Type == html.ElementNode && c.Data == "a" {
			done = true
			return false
		}
		if c.Type == html.TextNode {
			label.WriteString(c.Data)
		}
		return true
	})
	l := collapse(label.String())
	if l == "" || len([]rune(l)) > 30 {
		return false
	}
	// Past the label, nearly everything must be link text (allowing for
	// the commas and dashes between links).
	if rest := total - textRunes(l); float64(links) < 0.8*float64(rest) {
		return false
	}
	return labelledLinks.MatchString(l) || strings.HasSuffix(l, ":")
}

// textRunes counts the non-space runes of s.
func textRunes(s string) int {
	n := 0
	for _, r := range s {
		if !isSpace(r) {
			n++
		}
	}
	return n
}
