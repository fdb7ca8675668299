package reader

import (
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Lazy-loading scripts keep the real image address in one of these
// attributes and put a placeholder in src until the image scrolls into view.
var lazySrcAttrs = []string{
	"data-src", "data-original", "data-lazy-src", "data-lazy", "data-url",
	"data-hi-res-src", "data-full-src", "data-orig-file", "data-echo", "data-img",
}

var lazySrcsetAttrs = []string{"srcset", "data-srcset", "data-lazy-srcset"}

// resolveImages rewrites every <img> under root so that src is the real,
// absolute address of the largest image offered: lazy-loading attributes,
// srcset candidates, <picture><source> and <noscript> fallbacks are all
// considered. Placeholders give way to a real address when there is one,
// and tracking pixels go.
func resolveImages(root *html.Node, base *url.URL) {
	unwrapNoscript(root, base)
	for _, img := range elements(root, "img") {
		if attr(img, "width") == "1" && attr(img, "height") == "1" {
			detach(img)
			continue
		}
		src := bestImageURL(img, base)
		if src == "" {
			continue
		}
		setAttr(img, "src", src)
		removeAttr(img, append(append([]string{"sizes", "loading", "decoding"}, lazySrcAttrs...), lazySrcsetAttrs...)...)
		// A <picture> keeps offering its <source>s to the browser; the
		// archive shows exactly the src chosen here.
		if p := img.Parent; p != nil && p.Type == html.ElementNode && p.Data == "picture" {
			for _, s := range elements(p, "source") {
				detach(s)
			}
		}
	}
}

// bestImageURL returns the absolute address an <img> really shows, or ""
// when it has none but a placeholder.
func bestImageURL(img *html.Node, base *url.URL) string {
	var sets []string
	for _, k := range lazySrcsetAttrs {
		if v := attr(img, k); v != "" {
			sets = append(sets, v)
		}
	}
	if p := img.Parent; p != nil && p.Type == html.ElementNode && p.Data == "picture" {
		for _, s := range elements(p, "source") {
			for _, k := range lazySrcsetAttrs {
				if v := attr(s, k); v != "" {
					sets = append(sets, v)
				}
			}
		}
	}
	best, bestSize := "", -1.0
	for _, set := range sets {
		for _, c := range parseSrcset(set) {
			if isPlaceholder(c.url) {
				continue
			}
			if c.size > bestSize {
				best, bestSize = c.url, c.size
			}
		}
	}
	if best == "" {
		for _, k := range lazySrcAttrs {
			if v := strings.TrimSpace(attr(img, k)); v != "" && !isPlaceholder(v) && !strings.ContainsAny(v, " {<") {
				best = v
				break
			}
		}
	}
	if best == "" {
		if v := strings.TrimSpace(attr(img, "src")); v != "" && !isPlaceholder(v) {
			best = v
		}
	}
	if best == "" {
		return ""
	}
	return absolute(best, base)
}

type srcCandidate struct {
	url  string
	size float64 // width in pixels for "w" descriptors, density*1e-6 for "x"
}

// parseSrcset reads a srcset attribute. URLs may contain commas (image CDNs
// use them), so a candidate's URL runs to the next white space.
func parseSrcset(s string) []srcCandidate {
	var out []srcCandidate
	for {
		s = strings.TrimLeft(s, " \t\n\r\f,")
		if s == "" {
			return out
		}
		end := strings.IndexAny(s, " \t\n\r\f")
		if end < 0 {
			end = len(s)
		}
		u := s[:end]
		s = s[end:]
		desc := ""
		if strings.HasSuffix(u, ",") {
			u = strings.TrimRight(u, ",")
		} else {
			comma := strings.IndexByte(s, ',')
			if comma < 0 {
				comma = len(s)
			}
			desc = strings.TrimSpace(s[:comma])
			s = s[comma:]
		}
		size := 1e-6 // no descriptor means 1x
		if n := len(desc); n > 1 {
			if v, err := strconv.ParseFloat(desc[:n-1], 64); err == nil {
				switch desc[n-1] {
				case 'w':
					size = v
				case 'x':
					size = v * 1e-6
				}
			}
		}
		out = append(out, srcCandidate{url: u, size: size})
	}
}

// isPlaceholder tells the stand-in images of lazy loaders from real ones.
func isPlaceholder(src string) bool {
	l := strings.ToLower(src)
	if strings.HasPrefix(l, "data:") || strings.HasPrefix(l, "about:") || strings.HasPrefix(l, "javascript:") {
		return true
	}
	name := l
	if i := strings.IndexAny(name, "?#"); i >= 0 {
		name = name[:i]
	}
	name = name[strings.LastIndexByte(name, '/')+1:]
	for _, p := range []string{"blank.", "spacer.", "pixel.", "placeholder", "transparent.", "lazy", "loading.", "1x1.", "grey.gif", "gray.gif"} {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// unwrapNoscript puts the <img> of a <noscript> fallback in place of the
// placeholder image before it (or of the noscript itself), and drops other
// noscript content, which only makes sense to a browser without scripts.
func unwrapNoscript(root *html.Node, base *url.URL) {
	for _, ns := range elements(root, "noscript") {
		var raw strings.Builder
		for c := ns.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				raw.WriteString(c.Data)
			} else {
				html.Render(&raw, c)
			}
		}
		nodes, err := html.ParseFragment(strings.NewReader(raw.String()), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
		var fallback *html.Node
		if err == nil {
			for _, n := range nodes {
				if img := first(n, "img"); img != nil {
					fallback = img
					break
				}
			}
		}
		if fallback == nil || ns.Parent == nil {
			detach(ns)
			continue
		}
		detach(fallback)
		prev := ns.PrevSibling
		for prev != nil && prev.Type != html.ElementNode {
			prev = prev.PrevSibling
		}
		var prevImg *html.Node
		if prev != nil {
			if prev.Data == "img" {
				prevImg = prev
			} else if imgs := elements(prev, "img"); len(imgs) == 1 && textLen(prev) == 0 {
				prevImg = imgs[0]
			}
		}
		switch {
		case prevImg != nil && bestImageURL(prevImg, base) != "":
			// The scripted image already names a real address.
			detach(ns)
		case prevImg != nil:
			if attr(fallback, "alt") == "" && attr(prevImg, "alt") != "" {
				setAttr(fallback, "alt", attr(prevImg, "alt"))
			}
			prevImg.Parent.InsertBefore(fallback, prevImg)
			detach(prevImg)
			detach(ns)
		default:
			ns.Parent.InsertBefore(fallback, ns)
			detach(ns)
		}
	}
}

// absolute resolves ref against base; it returns ref unchanged when it
// cannot be parsed.
func absolute(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || base == nil {
		return ref
	}
	if strings.HasPrefix(ref, "data:") {
		return ref
	}
	u, err := base.Parse(ref)
	if err != nil {
		return ref
	}
	return u.String()
}
