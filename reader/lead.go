package reader

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// leadWords are class or id words of the standfirst news sites print
// between the headline and the body ("sapo" in Vietnamese and French
// newsrooms). Readability sometimes keeps only the body div and loses it.
var leadWords = map[string]bool{
	"sapo": true, "lead": true, "standfirst": true, "summary": true, "intro": true,
	"dek": true, "deck": true, "subtitle": true, "subhead": true, "chapeau": true,
	"chapo": true, "lede": true, "strapline": true,
	"abstract": true, "excerpt": true, "description": true,
}

// notLeadWords mark boxes that look like a standfirst by their class but
// are about the author or another story.
var notLeadWords = map[string]bool{
	"author": true, "bio": true, "byline": true, "profile": true, "teaser": true,
	"related": true, "card": true, "promo": true,
}

// standfirst is the page's standfirst as found before readability, and the
// start of the paragraph that follows it: a standfirst introduces the body,
// so it is put back only when the body begins with that paragraph.
type standfirst struct {
	node *html.Node // a copy
	next string
}

// findLead returns the page's standfirst, if it has one inside an
// <article> or <main>, taken before readability rearranges the page. A
// heading is a subheading, not a standfirst; a box in a teaser card (with
// a linked headline) or about the author is not one either.
func findLead(doc *html.Node) *standfirst {
	var lead *standfirst
	walk(doc, func(n *html.Node) bool {
		if lead != nil {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		if n.Data == "head" {
			return false
		}
		isLead := strings.Contains(attr(n, "itemprop"), "description")
		for _, w := range classWords(n) {
			if notLeadWords[w] {
				return true
			}
			isLead = isLead || leadWords[w]
		}
		if !isLead || !hasAncestor(n, "article", "main") {
			return true
		}
		l := textLen(n)
		if l < 40 || l > 1500 || len(elements(n, "p", "div")) > 3 {
			return true
		}
		if headingLevel(n) > 0 || len(elements(n, "h1", "h2", "h3", "h4", "h5", "h6")) > 0 || hasAncestor(n, "a", "h1", "h2", "h3", "h4", "h5", "h6") || inTeaserCard(n) {
			return false
		}
		links := 0
		for _, a := range elements(n, "a") {
			links += textLen(a)
		}
		if links*2 > l {
			return false
		}
		lead = &standfirst{node: cloneNode(n), next: followingParagraph(n)}
		return false
	})
	return lead
}

// inTeaserCard tells a box that sits beside a linked headline: the summary
// of another story in a list.
func inTeaserCard(n *html.Node) bool {
	for p, depth := n.Parent, 0; p != nil && depth < 2; p, depth = p.Parent, depth+1 {
		for _, h := range elements(p, "h2", "h3", "h4", "h5", "h6") {
			if first(h, "a") != nil {
				return true
			}
		}
	}
	return false
}

// followingParagraph returns the text of the first paragraph after n in
// document order, or "".
func followingParagraph(n *html.Node) string {
	for cur := n; cur != nil; cur = cur.Parent {
		for s := cur.NextSibling; s != nil; s = s.NextSibling {
			if s.Type != html.ElementNode {
				continue
			}
			for _, p := range elements(s, "p") {
				if textLen(p) >= 20 {
					return textOf(p)
				}
			}
		}
	}
	return ""
}

// keepLead puts the standfirst back at the top of the article body when
// readability left it out and the body starts where the standfirst led.
func keepLead(body *html.Node, lead *standfirst) {
	if lead == nil || lead.next == "" {
		return
	}
	text := textOf(lead.node)
	bodyText := textOf(body)
	if strings.Contains(bodyText, text) {
		return
	}
	// The paragraph after the standfirst must open the body.
	start := 0
	for i, p := range elements(body, "p") {
		if i >= 3 {
			return
		}
		if textOf(p) == lead.next {
			break
		}
		start++
	}
	if start >= len(elements(body, "p")) {
		return
	}
	src := cloneNode(lead.node)
	p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
	for c := src.FirstChild; c != nil; {
		next := c.NextSibling
		src.RemoveChild(c)
		p.AppendChild(c)
		c = next
	}
	target := body
	// readability wraps the body in one or two divs; the lead goes where
	// the paragraphs start.
	for {
		fc := firstElementChild(target)
		if fc == nil || fc.Data != "div" || fc.NextSibling != nil && nextElement(fc) != nil {
			break
		}
		target = fc
	}
	target.InsertBefore(p, target.FirstChild)
}

func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			return s
		}
	}
	return nil
}

func cloneNode(n *html.Node) *html.Node {
	c := &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace}
	c.Attr = append([]html.Attribute(nil), n.Attr...)
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		c.AppendChild(cloneNode(k))
	}
	return c
}
