package reader

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Small helpers over golang.org/x/net/html nodes.

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *html.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func removeAttr(n *html.Node, keys ...string) {
	out := n.Attr[:0]
	for _, a := range n.Attr {
		keep := true
		for _, k := range keys {
			if a.Key == k {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, a)
		}
	}
	n.Attr = out
}

// walk visits n and its descendants depth first; fn returns false to skip
// the children of a node. fn may remove the node it is given.
func walk(n *html.Node, fn func(*html.Node) bool) {
	if !fn(n) {
		return
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		walk(c, fn)
		c = next
	}
}

// elements returns the elements under n (n included) with one of the tags.
func elements(n *html.Node, tags ...string) []*html.Node {
	var out []*html.Node
	walk(n, func(c *html.Node) bool {
		if c.Type == html.ElementNode {
			for _, t := range tags {
				if c.Data == t {
					out = append(out, c)
					break
				}
			}
		}
		return true
	})
	return out
}

func first(n *html.Node, tag string) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) bool {
		if found != nil {
			return false
		}
		if c.Type == html.ElementNode && c.Data == tag {
			found = c
			return false
		}
		return true
	})
	return found
}

func detach(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

func hasAncestor(n *html.Node, tags ...string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode {
			for _, t := range tags {
				if p.Data == t {
					return true
				}
			}
		}
	}
	return false
}

// textOf is the text content of n with runs of white space collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		if c.Type == html.ElementNode && (c.Data == "script" || c.Data == "style" || c.Data == "template") {
			return false
		}
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteByte(' ')
		}
		return true
	})
	return collapse(b.String())
}

// textLen is the length in runes of n's text, white space ignored.
func textLen(n *html.Node) int {
	count := 0
	walk(n, func(c *html.Node) bool {
		if c.Type == html.ElementNode && (c.Data == "script" || c.Data == "style" || c.Data == "template") {
			return false
		}
		if c.Type == html.TextNode {
			for _, r := range c.Data {
				if !isSpace(r) {
					count++
				}
			}
		}
		return true
	})
	return count
}

func hasAncestorNode(n, ancestor *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == ancestor {
			return true
		}
	}
	return false
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', 0xa0, 0x2007, 0x202f, 0x200b, 0xfeff:
		return true
	}
	return r == 0x85 || (r >= 0x2000 && r <= 0x200a) || r == 0x3000 || r == 0x1680 || r == 0x205f
}

// collapse trims s and turns every run of white space into one space.
func collapse(s string) string {
	if isCollapsed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isCollapsed tells s that collapse would leave as it is: no white space
// at the ends, none but single ASCII spaces inside.
func isCollapsed(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		case c < 0x20 || c == 0x7f:
			return false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if isSpace(r) {
				return false
			}
			i += size - 1
		}
		prevSpace = false
	}
	return true
}
