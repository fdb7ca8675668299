package export

import (
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"

	"github.com/folio-app/folio/reader"
)

// The PDF writer lays out a small block model rather than HTML: the stored
// article HTML is already cleaned by the reader, so a handful of block
// kinds covers it.

type style struct {
	bold, italic, mono bool
	link               string
}

// span is a run of text in one style. Text "\n" is a hard line break.
type span struct {
	text string
	style
}

type blockKind int

const (
	blockPara blockKind = iota
	blockHeading
	blockList
	blockQuote
	blockCode
	blockImage
	blockTable
	blockRule
)

type block struct {
	kind  blockKind
	level int    // heading level 1–6
	spans []span // paragraph, heading

	ordered bool      // list
	start   int       // first number of an ordered list
	items   [][]block // list items

	children []block // quote

	code string // code block, whitespace kept

	src, alt, caption string // image

	rows [][]cell // table
}

type cell struct {
	spans  []span
	header bool
}

// parseBlocks turns article HTML into blocks, resolving links against base.
func parseBlocks(src string, base *url.URL) ([]block, error) {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return nil, err
	}
	return (&blockParser{base: base}).sub(doc, style{}), nil
}

type blockParser struct {
	base   *url.URL
	blocks []block
	inl    []span
}

// sub parses n's children into a fresh list of blocks.
func (p *blockParser) sub(n *html.Node, st style) []block {
	q := &blockParser{base: p.base}
	q.children(n, st)
	q.flush()
	return q.blocks
}

func (p *blockParser) children(n *html.Node, st style) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.node(c, st)
	}
}

// flush ends the pending inline run as a paragraph.
func (p *blockParser) flush() {
	if spans := cleanSpans(p.inl); len(spans) > 0 {
		p.blocks = append(p.blocks, block{kind: blockPara, spans: spans})
	}
	p.inl = nil
}

func (p *blockParser) add(b block) {
	p.flush()
	p.blocks = append(p.blocks, b)
}

func (p *blockParser) node(n *html.Node, st style) {
	switch n.Type {
	case html.TextNode:
		p.inl = append(p.inl, span{text: n.Data, style: st})
		return
	case html.ElementNode:
	default:
		p.children(n, st)
		return
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe,
		atom.Svg, atom.Button, atom.Input, atom.Select, atom.Textarea, atom.Head:
		return
	case atom.Br:
		p.inl = append(p.inl, span{text: "\n", style: st})
	case atom.B, atom.Strong:
		st.bold = true
		p.children(n, st)
	case atom.I, atom.Em, atom.Cite, atom.Var, atom.Dfn:
		st.italic = true
		p.children(n, st)
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		st.mono = true
		p.children(n, st)
	case atom.A:
		// Only web and mail links become clickable: javascript:,
		// vbscript: and data: links are kept as plain text.
		if h := strings.TrimSpace(attr(n, "href")); h != "" && !strings.HasPrefix(h, "#") && reader.SafeLink(h) {
			if l := absURL(p.base, h); reader.SafeLink(l) {
				st.link = l
			}
		}
		p.children(n, st)
	case atom.Img:
		if src := absURL(p.base, attr(n, "src")); src != "" {
			p.add(block{kind: blockImage, src: src, alt: oneLine(attr(n, "alt"))})
		}
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		p.flush()
		st.bold = true
		if spans := cleanSpans(p.inline(n, st)); len(spans) > 0 {
			p.add(block{kind: blockHeading, level: int(n.Data[1] - '0'), spans: spans})
		}
	case atom.Ul, atom.Ol:
		b := block{kind: blockList, ordered: n.DataAtom == atom.Ol, start: 1}
		if s := attr(n, "start"); s != "" {
			var v int
			for _, r := range s {
				if r < '0' || r > '9' {
					v = -1
					break
				}
				v = v*10 + int(r-'0')
			}
			if v >= 0 {
				b.start = v
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if item := p.sub(c, st); len(item) > 0 {
					b.items = append(b.items, item)
				}
			}
		}
		if len(b.items) > 0 {
			p.add(b)
		}
	case atom.Blockquote:
		if kids := p.sub(n, st); len(kids) > 0 {
			p.add(block{kind: blockQuote, children: kids})
		}
	case atom.Pre:
		code := strings.TrimRight(strings.ReplaceAll(textContent(n), "\t", "    "), "\n ")
		code = strings.TrimLeft(code, "\n")
		if code != "" {
			p.add(block{kind: blockCode, code: norm.NFC.String(code)})
		}
	case atom.Figure:
		p.flush()
		var caption string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Figcaption {
				caption = oneLine(norm.NFC.String(textContent(c)))
			}
		}
		kids := p.sub(n, st)
		// The caption goes under the figure's (last) image.
		placed := false
		for i := len(kids) - 1; i >= 0 && caption != ""; i-- {
			if kids[i].kind == blockImage {
				kids[i].caption = caption
				placed = true
				break
			}
		}
		for _, k := range kids {
			if placed && k.kind == blockPara && plainText(k.spans) == caption {
				continue
			}
			p.blocks = append(p.blocks, k)
		}
	case atom.Table:
		if b := p.table(n, st); len(b.rows) > 0 {
			p.add(b)
		}
	case atom.Hr:
		p.add(block{kind: blockRule})
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Header, atom.Footer,
		atom.Main, atom.Aside, atom.Nav, atom.Dl, atom.Dt, atom.Dd, atom.Address,
		atom.Figcaption, atom.Details, atom.Summary, atom.Li, atom.Body, atom.Html, atom.Center:
		p.flush()
		p.children(n, st)
		p.flush()
	default:
		p.children(n, st)
	}
}

// inline collects n's text as spans, ignoring block structure inside it.
func (p *blockParser) inline(n *html.Node, st style) []span {
	q := &blockParser{base: p.base}
	q.children(n, st)
	spans := q.inl
	for _, b := range q.blocks {
		spans = append(spans, span{text: " "})
		spans = append(spans, b.spans...)
	}
	return spans
}

func (p *blockParser) table(n *html.Node, st style) block {
	b := block{kind: blockTable}
	var rows func(n *html.Node, head bool)
	rows = func(n *html.Node, head bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Thead:
				rows(c, true)
			case atom.Tbody, atom.Tfoot:
				rows(c, false)
			case atom.Tr:
				var row []cell
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
						cst := st
						h := head || td.DataAtom == atom.Th
						cst.bold = cst.bold || h
						row = append(row, cell{spans: cleanSpans(p.inline(td, cst)), header: h})
					}
				}
				if len(row) > 0 {
					b.rows = append(b.rows, row)
				}
			}
		}
	}
	rows(n, false)
	return b
}

// cleanSpans normalises text to NFC, collapses white space as a browser
// does, drops characters the embedded fonts cannot carry and merges
// neighbours of the same style. It returns nil when nothing visible is left.
func cleanSpans(in []span) []span {
	var out []span
	space := true // at the start, or after a space or break: drop spaces
	for _, s := range in {
		if s.text == "\n" {
			// Trim the space before a break.
			if n := len(out); n > 0 {
				out[n-1].text = strings.TrimRight(out[n-1].text, " ")
			}
			out = append(out, s)
			space = true
			continue
		}
		var b strings.Builder
		for _, r := range norm.NFC.String(s.text) {
			if unicode.IsSpace(r) {
				if !space {
					b.WriteByte(' ')
					space = true
				}
				continue
			}
			if r > 0xFFFF || unicode.IsControl(r) || r == '\u00ad' || r == '\u200b' {
				// fpdf's UTF-8 fonts cover the Basic Multilingual Plane
				// only; emoji and the like are dropped, not garbled.
				continue
			}
			b.WriteRune(r)
			space = false
		}
		if b.Len() == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].style == s.style && out[n-1].text != "\n" {
			out[n-1].text += b.String()
		} else {
			out = append(out, span{text: b.String(), style: s.style})
		}
	}
	// Trim the end, breaks included.
	for len(out) > 0 {
		n := len(out) - 1
		out[n].text = strings.TrimRight(out[n].text, " ")
		if out[n].text != "" && out[n].text != "\n" {
			break
		}
		out = out[:n]
	}
	return out
}

func plainText(spans []span) string {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.text)
	}
	return b.String()
}

func textContent(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}
