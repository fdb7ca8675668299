package reader

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// The rules here work on readability's article body, block by block,
// and remove what is text of the page rather than of the article: a
// caption printed again by a gallery, gallery counters and buttons, photo
// credits, and the headline, byline, date or address printed again above
// the first paragraph. They look at the text and its place, not at class
// names, so they hold across sites and languages; each removal is
// recorded so the guard in Extract and the scorer can see what fired.

// removal is one thing the clean-up took out of the body.
type removal struct {
	rule string
	text string
}

// articleFacts are what the page says about its article, for recognising
// them when the body repeats them.
type articleFacts struct {
	title, byline string
	urls          []string // the page's own addresses
}

// counterText matches a gallery counter: "1 of 23", "Image 1 of / 23",
// "2/9", "1of4", "Photo 3 de 12", "Bild 2 von 5".
var counterText = regexp.MustCompile(`(?i)^(\pL+\s*)?\d{1,3}\s*(\pL{1,4}|[/／|]|\pL{1,4}\s*[/／|])\s*\d{1,3}$`)

// uiWords are the whole text of a gallery's or player's controls, in the
// languages Folio's users read.
var uiWords = map[string]bool{
	"close": true, "caption": true, "hide caption": true, "toggle caption": true, "show caption": true,
	"expand": true, "enlarge": true, "zoom": true, "fullscreen": true, "full screen": true,
	"previous": true, "prev": true, "next": true, "play": true, "pause": true, "replay": true,
	"view gallery": true, "open gallery": true, "view all": true, "see all": true, "launch gallery": true,
	"advertisement": true, "advertising": true, "ad": true, "sponsored": true, "loading": true,
	"back to top": true, "print": true, "copy link": true, "skip ad": true, "skip": true,
	"skip to content": true, "skip to main content": true, "advert": true, "this slideshow requires javascript": true,
	"schließen": true, "weiter": true, "zurück": true, "vollbild": true, "anzeige": true, "werbung": true,
	"fermer": true, "suivant": true, "précédent": true, "agrandir": true, "publicité": true,
	"cerrar": true, "siguiente": true, "anterior": true, "publicidad": true,
	"fechar": true, "próximo": true, "publicidade": true,
	"chiudi": true, "avanti": true, "indietro": true, "pubblicità": true,
	"đóng": true, "tiếp": true, "quảng cáo": true, "xem thêm": true,
	"閉じる": true, "次へ": true, "前へ": true, "広告": true, "拡大": true,
	"关闭": true, "广告": true, "닫기": true, "광고": true,
}

// shortcode matches a CMS shortcode left in the text: "[button link=…]
// Send us your review[/button]".
var shortcode = regexp.MustCompile(`^\[(\w+)[^\]]*\].*\[/(\w+)\]$`)

// creditWords are class words of photo credits.
var creditWords = map[string]bool{
	"credit": true, "credits": true, "copyright": true, "photographer": true, "courtesy": true,
}

// creditText matches a credit line: "Photo: …", "Credit: …", "Foto: …",
// "© Reuters", "Image: Getty".
var creditText = regexp.MustCompile(`(?i)^(\(?(photo|photos|photograph|image|images|picture|credit|credits|foto|fotos|bild|bilder|crédit|crédito|créditos|ảnh|nguồn ảnh|写真|画像|提供)\s*(:|：|by\b|credit\b)|©|\(c\)\s)`)

// creditTail matches a credit at the end of a caption: "(Image: GETTY)",
// "Credit: Vesti".
var creditTail = regexp.MustCompile(`(?i)\s*(\((photo|image|picture|credit|foto|bild|ảnh)s?\s*:[^()]{1,80}\)|(photo|image|credit|foto|bild)\s*:\s*[^.:]{1,60})\s*$`)

// tidyBody applies the rules to body and returns what they removed.
func tidyBody(body *html.Node, facts articleFacts) []removal {
	var out []removal
	drop := func(n *html.Node, rule string) {
		out = append(out, removal{rule: rule, text: textOf(n)})
		detach(n)
	}
	// Controls, counters and credits, wherever they are.
	walk(body, func(n *html.Node) bool {
		if n == body {
			return true
		}
		switch n.Type {
		case html.TextNode:
			t := collapse(n.Data)
			if inFigure(n) && (counterText.MatchString(t) || isNumber(t)) {
				drop(n, "counter")
			}
			return false
		case html.ElementNode:
		default:
			return false
		}
		// Every rule is about a short text: longer boxes are only walked.
		t, short := shortText(n, 160)
		if !short || t == "" || len(elements(n, "img", "picture", "video", "iframe", "svg")) > 0 {
			return true
		}
		switch {
		case uiWords[strings.ToLower(strings.Trim(t, " .…:>»›×✕"))]:
			drop(n, "ui")
			return false
		case counterText.MatchString(t) && (inFigure(n) || blockTags[n.Data] || n.Data == "span"):
			drop(n, "counter")
			return false
		case isNumber(t) && inFigure(n):
			drop(n, "counter")
			return false
		case shortcode.MatchString(t) && blockTags[n.Data]:
			drop(n, "shortcode")
			return false
		case hasWord(n, creditWords) && len([]rune(t)) <= 150:
			drop(n, "credit")
			return false
		case creditText.MatchString(t) && len(strings.Fields(t)) <= 12 && (inFigure(n) || blockTags[n.Data]):
			drop(n, "credit")
			return false
		}
		return true
	})
	// Credits at the end of a caption.
	for _, c := range captionBlocks(body) {
		for t := lastText(c); t != nil; t = nil {
			if loc := creditTail.FindStringIndex(t.Data); loc != nil && loc[0] > 0 {
				out = append(out, removal{rule: "credit", text: t.Data[loc[0]:]})
				t.Data = t.Data[:loc[0]]
			}
		}
	}
	out = append(out, dropLinkRuns(body)...)
	out = append(out, dropRepeats(body)...)
	out = append(out, dropHeadAndTail(body, facts)...)
	return out
}

// minLinkRun is the shortest run of link-only lines taken for a list of
// other stories.
const minLinkRun = 3

// dropLinkRuns removes runs of lines that are each only a link to another
// page ("More from…", "Don't miss", a teaser rail whose heading is not
// recognised), with the short label just above them. Links within the
// page (a table of contents) stay.
func dropLinkRuns(body *html.Node) []removal {
	blocks := textBlocks(body)
	isLinkLine := func(b textBlock) bool {
		if b.node == body || b.links*10 < b.runes*9 || b.isProse() {
			return false
		}
		for _, a := range elements(b.node, "a") {
			if strings.HasPrefix(strings.TrimSpace(attr(a, "href")), "#") {
				return false
			}
		}
		return len(strings.Fields(b.text)) >= 3
	}
	var out []removal
	for i := 0; i < len(blocks); {
		j := i
		for j < len(blocks) && isLinkLine(blocks[j]) {
			j++
		}
		if j-i < minLinkRun {
			i = max(j, i+1)
			continue
		}
		start := i
		if i > 0 {
			if l := blocks[i-1]; l.links == 0 && !l.isProse() && len(strings.Fields(l.text)) <= 5 && l.node != body {
				start = i - 1
			}
		}
		for _, b := range blocks[start:j] {
			if b.node.Parent != nil {
				out = append(out, removal{rule: "link-run", text: b.text})
				detach(b.node)
			}
		}
		i = j
	}
	return out
}

// captionBlocks lists the figcaptions of body and the other innermost
// blocks that belong to an image.
func captionBlocks(body *html.Node) []*html.Node {
	out := elements(body, "figcaption")
	for _, b := range textBlocks(body) {
		if b.node == body || b.node.Data == "figcaption" || b.runes >= 400 || !creditTail.MatchString(tail(b.text, 100)) {
			continue // the look-ups below are for the few blocks ending with a credit
		}
		if !hasAncestor(b.node, "figcaption") && isCaptionLike(b.node) {
			out = append(out, b.node)
		}
	}
	return out
}

// dropRepeats keeps the first of captions printed more than once: under
// the photo and again in the gallery, or the same caption under every
// photo; and of a pull quote that repeats a paragraph. Other repeated
// blocks stay: an interview may ask each guest the same question.
func dropRepeats(body *html.Node) []removal {
	var out []removal
	seen := map[string]bool{}
	for _, b := range textBlocks(body) {
		if b.runes < 25 || b.node == body {
			continue
		}
		key := strings.ToLower(normalizeForMatch(b.text))
		if !seen[key] {
			seen[key] = true
			continue
		}
		if b.node.Parent != nil && (isCaptionLike(b.node) || b.node.Data == "blockquote" || hasAncestor(b.node, "blockquote")) && normalizeForMatch(blockText(b.node)) == normalizeForMatch(b.text) {
			out = append(out, removal{rule: "repeat", text: b.text})
			detach(b.node)
		}
	}
	return out
}

// dropHeadAndTail removes, above the body's second paragraph of prose (a
// standfirst may come before the byline and date), the lines that repeat
// the page's headline, byline, date or address and the reading time; and
// from the end of the body up, the lines that are only an address (an
// author's e-mail or profile link), a copyright or a date. A byline under
// the article is the article's signature and stays.
func dropHeadAndTail(body *html.Node, facts articleFacts) []removal {
	blocks := textBlocks(body)
	prose := 0
	head := len(blocks)
	for i, b := range blocks {
		if b.isProse() {
			prose++
			if prose == 2 {
				head = i
				break
			}
		}
	}
	if prose == 0 {
		return nil
	}
	var out []removal
	// removable tells a block that is a line of its own, not text beside
	// other blocks nor an image's box.
	removable := func(b textBlock) bool {
		if b.node == body || b.node.Parent == nil || len(elements(b.node, "img", "picture", "video", "iframe")) > 0 {
			return false
		}
		return normalizeForMatch(blockText(b.node)) == normalizeForMatch(b.text)
	}
	drop := func(b textBlock, rule string) {
		out = append(out, removal{rule: rule, text: b.text})
		detach(b.node)
	}
	for _, b := range blocks[:head] {
		if b.isProse() || !removable(b) {
			continue
		}
		switch {
		case isAddressLine(b.text, facts):
			drop(b, "address")
		case facts.title != "" && sameText(b.text, facts.title):
			drop(b, "title")
		case isBylineLine(b.text, facts.byline):
			drop(b, "byline")
		case isDateLine(b.text, facts.byline):
			drop(b, "date")
		case readingTime.MatchString(b.text):
			drop(b, "reading-time")
		}
	}
	for i := len(blocks) - 1; i >= head; i-- {
		b := blocks[i]
		if b.node.Parent == nil {
			continue // already gone
		}
		if !removable(b) {
			break
		}
		switch {
		case isAddressLine(b.text, facts):
			drop(b, "address")
		case isCopyrightLine(b.text):
			drop(b, "copyright")
		case !b.isProse() && isDateLine(b.text, facts.byline):
			drop(b, "date")
		default:
			i = -1 // the article's last line
		}
	}
	return out
}

var copyrightText = regexp.MustCompile(`(?i)©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|tous droits réservés|alle rechte vorbehalten|todos los derechos reservados|todos os direitos reservados|tutti i diritti riservati|bảo lưu mọi quyền|無断転載|版权所有`)

// isCopyrightLine tells a short line that states a copyright.
func isCopyrightLine(t string) bool {
	return len(strings.Fields(t)) <= 30 && copyrightText.MatchString(t)
}

var readingTime = regexp.MustCompile(`(?i)^(\pL+\s+){0,3}(\d+\s*(min|mins|minute|minutes|minuto|minutos|minuten|phút)\.?\s*(read|de lecture|de leitura|de lectura|lesezeit|đọc)?|(reading time|tempo de leitura|temps de lecture|tiempo de lectura|lesezeit|thời gian đọc)\s*[:：]?\s*\d+.{0,12}|読了時間.{0,10})$`)

var (
	urlLine     = regexp.MustCompile(`(?i)^(https?://|www\.)\S+$|^[\pL\pN.-]+\.[a-z]{2,}(/\S*)?$`)
	emailLine   = regexp.MustCompile(`^\S+@\S+\.\S+$`)
	yearOrDay   = regexp.MustCompile(`\b(19|20)\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}[:h]\d\d\b|\d+\s*(年|月|日)|\b\d+\s*(min|mins|hours?|days?|weeks?)\s+ago\b`)
	digitGroups = regexp.MustCompile(`\d+`)
	agoText     = regexp.MustCompile(`(?i)\bago\b|\btrước\b|\bvor\b|\bil y a\b|\bhace\b|\bhá\b|前`)
	bylineBy    = regexp.MustCompile(`(?i)^(by|von|par|por|di|door|av|af|przez|bởi|tác giả|viết bởi)\s*:?\s+`)
)

// isAddressLine tells a block that is only a web address or an e-mail
// address, or the page's own address.
func isAddressLine(t string, facts articleFacts) bool {
	t = strings.TrimSpace(t)
	for _, u := range facts.urls {
		if u != "" && strings.TrimRight(t, "/") == strings.TrimRight(u, "/") {
			return true
		}
	}
	return !strings.ContainsAny(t, " \t\n") && (urlLine.MatchString(t) || emailLine.MatchString(t))
}

func sameText(a, b string) bool {
	return strings.EqualFold(normalizeForMatch(strings.Trim(a, " .")), normalizeForMatch(strings.Trim(b, " .")))
}

// isBylineLine tells "By Jane Doe", "JANE DOE" when the byline is Jane
// Doe, "Par Jean Dupont".
func isBylineLine(t, byline string) bool {
	if len(strings.Fields(t)) > 12 || strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "Jr.") {
		return false
	}
	rest := bylineBy.ReplaceAllString(t, "")
	if byline != "" && (sameText(t, byline) || sameText(rest, byline)) {
		return true
	}
	if rest == t {
		return false
	}
	// "By" and up to five capitalised names, joined by "and", commas.
	names := 0
	for _, w := range strings.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == ',' || r == '|' }) {
		r := []rune(w)[0]
		switch {
		case unicode.IsUpper(r):
			names++
		case len(w) <= 4: // and, und, et, y, e, và
		default:
			return false
		}
	}
	return names >= 1 && names <= 6
}

// isDateLine tells a line that is a date, maybe with its labels and the
// byline: "Updated Nov 19, 9:41 AM; Posted Nov 18", "PUBLISHED: 10:48,
// Tue, Nov 19, 2019", "segunda-feira, 22 de janeiro de 2018 às 0:13".
func isDateLine(t, byline string) bool {
	if len([]rune(t)) > 120 || !yearOrDay.MatchString(t) || len(digitGroups.FindAllString(t, 3)) < 2 && !agoText.MatchString(t) {
		return false
	}
	if byline != "" {
		t = strings.ReplaceAll(strings.ToLower(t), strings.ToLower(byline), " ")
	}
	words := 0
	for _, w := range strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		if len([]rune(w)) > 1 {
			words++
		}
	}
	return words <= 9 && !strings.HasSuffix(strings.TrimSpace(t), ".") || words <= 4
}

var captionWords = map[string]bool{
	"caption": true, "captions": true, "figcaption": true, "gallery": true, "slide": true, "slideshow": true,
	"carousel": true, "photo": true, "image": true, "media": true, "credit": true, "legend": true,
	"pullquote": true, "quote": true,
}

// isCaptionLike tells a block that belongs to an image: in a figure, beside
// an image in the same box, or in a box named for captions or galleries.
func isCaptionLike(n *html.Node) bool {
	if inFigure(n) {
		return true
	}
	for p, depth := n, 0; p != nil && depth < 3; p, depth = p.Parent, depth+1 {
		if p.Type != html.ElementNode {
			continue
		}
		if hasWord(p, captionWords) {
			return true
		}
		if depth > 0 && len(elements(p, "img", "picture")) > 0 && textLen(p) < 2*textLen(n)+40 {
			return true
		}
	}
	return false
}

func isNumber(t string) bool {
	if t == "" || len(t) > 3 {
		return false
	}
	for _, r := range t {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func inFigure(n *html.Node) bool {
	return hasAncestor(n, "figure", "figcaption") || n.Type == html.ElementNode && (n.Data == "figure" || n.Data == "figcaption")
}

func hasWord(n *html.Node, set map[string]bool) bool {
	for _, w := range classWords(n) {
		if set[w] {
			return true
		}
	}
	return false
}

func lastText(n *html.Node) *html.Node {
	var last *html.Node
	walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			last = c
		}
		return true
	})
	return last
}

// shortText returns the text of n, white space collapsed, when it has at
// most max runes; ok is false, and the walk stops early, when it has more.
func shortText(n *html.Node, max int) (text string, ok bool) {
	var b strings.Builder
	count := 0
	var visit func(c *html.Node) bool
	visit = func(c *html.Node) bool {
		switch c.Type {
		case html.TextNode:
			count += utf8.RuneCountInString(c.Data)
			if count > 4*max {
				return false
			}
			b.WriteString(c.Data)
			b.WriteByte(' ')
		case html.ElementNode:
			if c.Data == "script" || c.Data == "style" || c.Data == "template" {
				return true
			}
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			if !visit(k) {
				return false
			}
		}
		return true
	}
	if !visit(n) {
		return "", false
	}
	t := collapse(b.String())
	if utf8.RuneCountInString(t) > max {
		return "", false
	}
	return t, true
}

// tail returns about the last n bytes of s, cut at a rune boundary.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[i:]
}
