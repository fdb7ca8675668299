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

// findLead returns a copy of the page's standfirst, if it has one inside an
// <article> or <main>, taken before readability rearranges the page.
func findLead(doc *html.Node) *html.Node {
	var lead *html.Node
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
			isLead = isLead || leadWords[w]
		}
		if !isLead || !hasAncestor(n, "article", "main") {
			return true
		}
		if l := textLen(n); l >= 40 && l <= 1500 && len(elements(n, "p", "div")) <= 3 {
			lead = cloneNode(n)
			return false
		}
		return true
	})
	return lead
}

// keepLead puts the standfirst back at the top of the article body when
// readability left it out.
func keepLead(body, lead *html.Node) {
	if lead == nil {
		return
	}
	text := textOf(lead)
	if strings.Contains(textOf(body), text) {
		return
	}
	p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
	for c := lead.FirstChild; c != nil; {
		next := c.NextSibling
		lead.RemoveChild(c)
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
