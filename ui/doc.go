package ui

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // article images come in every common format
	_ "image/jpeg"
	_ "image/png"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The reader's document model: an article as a flat list of blocks, each
// with its plain text, the styled runs that cover it and where it sits in
// the article's plain text. The reader widget (readerdoc.go) lays blocks
// out by themselves and only as far as they are seen, so a 10 MB paragraph
// costs what a screenful does; the offsets are what a selection or a
// highlight (issue 13) will be anchored to.

// blockKind is what a block is drawn as.
type blockKind int

const (
	blockPara    blockKind = iota
	blockTitle             // the article's title
	blockMeta              // byline and dates under the title: small, muted
	blockHeading           // h1–h6; level says which
	blockCode              // preformatted: kept lines, monospace, shaded
	blockCaption           // figure and table captions: small, italic, centred
	blockImage
	blockTable
	blockRule   // <hr>
	blockWidget // a Fyne widget laid in the column (the tag editor)
)

// run is a styled stretch of a block's text, from the end of the run
// before it (or 0) to end, in bytes.
type run struct {
	end   int
	style fyne.TextStyle
	link  *url.URL
}

// block is one paragraph, heading, list item, image… of the article.
type block struct {
	kind  blockKind
	level int    // heading level, 1–6
	quote int    // block-quote depth: indented behind a rule
	list  int    // list depth: indented
	mark  string // a list item's bullet or number, on its first block
	// cont marks a piece of a paragraph too long to lay out as one (see
	// maxBlockBytes): no space above it.
	cont bool

	text string
	runs []run
	// start is where text begins in the document's plain text (blocks
	// joined by "\n"), in bytes.
	start int

	image *docImage
	table *docTable
	obj   fyne.CanvasObject // blockWidget
}

// document is an article ready for the reader.
type document struct {
	blocks []*block
	size   int // bytes of plain text
}

// plainText is the article's text as the reader shows it, one block a line;
// block and run offsets point into it.
func (d *document) plainText() string {
	var b strings.Builder
	b.Grow(d.size)
	for i, bl := range d.blocks {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(bl.text)
	}
	return b.String()
}

// blockAt is the index of the block holding plain-text offset off.
func (d *document) blockAt(off int) int {
	lo, hi := 0, len(d.blocks)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.blocks[mid].start <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return max(lo, 0)
}

// docImage is an article image decoded from the library's bytes.
type docImage struct {
	img  image.Image // at most maxImagePixelWidth wide
	w, h int         // the image's own size, in pixels
	alt  string
}

// docTable is an HTML table's text, cell by cell.
type docTable struct {
	rows   [][]string
	header bool
}

// maxBlockBytes is the longest paragraph laid out as one block; a longer
// one is cut at a space into pieces laid out one by one, so that what is
// measured and held at once stays small.
const maxBlockBytes = 16 << 10

// maxImagePixelWidth is the widest a decoded image is kept: a wide column at
// twice the pixel density. A wider photo is scaled down once, so an article
// of camera-sized pictures does not hold them all at full size.
const maxImagePixelWidth = 1440

// maxImagePixels bounds the images the reader decodes: a few compressed
// bytes can claim gigabytes once decoded (an 8000×8000 16-bit PNG is 130 KB
// and 768 MB), and 40 megapixels is far beyond what the column shows.
const maxImagePixels = 40_000_000

// decodeImage decodes an article image, or says why it is not shown: nil
// for data that is not a decodable image (a broken download never breaks
// the article), a caption for one too large to decode. alt is the image's
// description, if known.
func decodeImage(data []byte, alt string) (*docImage, string) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return nil, ""
	}
	if cfg.Width*cfg.Height > maxImagePixels {
		return nil, fmt.Sprintf("Image too large to show (%d × %d)", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, ""
	}
	return &docImage{img: shrink(img, maxImagePixelWidth), w: cfg.Width, h: cfg.Height, alt: alt}, ""
}

// shrink scales img down to at most width pixels wide, keeping its shape.
func shrink(img image.Image, width int) image.Image {
	b := img.Bounds()
	if b.Dx() <= width {
		return img
	}
	h := max(1, b.Dy()*width/b.Dx())
	out := image.NewRGBA(image.Rect(0, 0, width, h))
	xdraw.ApproxBiLinear.Scale(out, out.Bounds(), img, b, xdraw.Src, nil)
	return out
}

// parseDocument turns an article's stored HTML into blocks. It is our own
// walk over the DOM: the stored HTML is the source of truth and carries
// figures, tables and nested lists. images gives the decoded image for an
// <img src> (nil: left out, never fetched; a non-empty reason: shown as a
// caption). base resolves relative links.
func parseDocument(body string, base *url.URL, images func(src string) (*docImage, string)) *document {
	d := &document{}
	nodes, err := html.ParseFragment(strings.NewReader(body), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		// ParseFragment only fails on reader errors; a strings.Reader has none.
		d.add(&block{kind: blockPara, text: body, runs: []run{{end: len(body)}}})
		return d
	}
	p := &docParser{doc: d, base: base, images: images, space: true}
	for _, n := range nodes {
		p.node(n)
	}
	p.flush()
	return d
}

// add appends a block, cutting an over-long paragraph into pieces.
func (d *document) add(b *block) {
	for len(b.text) > maxBlockBytes && (b.kind == blockPara || b.kind == blockCode) {
		cut := cutAt(b.text, maxBlockBytes)
		head := *b
		head.text = b.text[:cut]
		head.runs = nil
		rest := *b
		rest.text = b.text[cut:]
		rest.runs = nil
		rest.mark = ""
		rest.cont = true
		for _, r := range b.runs {
			if r.end <= cut {
				head.runs = append(head.runs, r)
				continue
			}
			if len(head.runs) == 0 || head.runs[len(head.runs)-1].end < cut {
				head.runs = append(head.runs, run{end: cut, style: r.style, link: r.link})
			}
			rest.runs = append(rest.runs, run{end: r.end - cut, style: r.style, link: r.link})
		}
		d.place(&head)
		b = &rest
	}
	d.place(b)
}

func (d *document) place(b *block) {
	if len(d.blocks) > 0 {
		d.size++ // the "\n" between blocks
	}
	b.start = d.size
	d.size += len(b.text)
	d.blocks = append(d.blocks, b)
}

// cutAt finds where to cut s near n bytes: after a space, else at a letter.
func cutAt(s string, n int) int {
	if i := strings.LastIndexByte(s[:n], ' '); i > n/2 {
		return i + 1
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// docParser holds the state of one walk: the inline text of the paragraph
// being built and the style and context in force.
type docParser struct {
	doc    *document
	base   *url.URL
	images func(string) (*docImage, string)

	text strings.Builder // the paragraph being built
	runs []run

	bold, italic, mono int // nesting counts of <b>, <i>, <code>…
	link               *url.URL
	space              bool // the text so far ends in a space (or a block just started)
	quote, list        int
	mark               string // the bullet waiting for the next block of a list item
	afterBreak         bool   // the paragraph goes on after a <br>
}

// blockAtoms are elements that start a new block; anything else is inline.
var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Main: true, atom.Aside: true, atom.Nav: true, atom.Address: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Details: true, atom.Summary: true,
	atom.Center: true, atom.Caption: true,
}

func (p *docParser) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		p.inline(n.Data)
		return
	case html.ElementNode:
	default:
		p.children(n)
		return
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Svg, atom.Iframe,
		atom.Form, atom.Button, atom.Input, atom.Select, atom.Textarea, atom.Object, atom.Embed:
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		p.flush()
		if text := strings.TrimSpace(collapse(textContent(n))); text != "" {
			level := int(n.Data[1] - '0')
			p.emit(&block{kind: blockHeading, level: level, text: text, runs: []run{{end: len(text), style: fyne.TextStyle{Bold: true}}}})
		}
	case atom.Ul, atom.Ol:
		p.listBlock(n)
	case atom.Blockquote:
		p.flush()
		p.quote++
		p.italic++
		p.children(n)
		p.flush()
		p.italic--
		p.quote--
	case atom.Pre:
		p.flush()
		if text := strings.TrimRight(textContent(n), "\n "); text != "" {
			text = strings.TrimLeft(text, "\n")
			p.emit(&block{kind: blockCode, text: text, runs: []run{{end: len(text), style: fyne.TextStyle{Monospace: true}}}})
		}
	case atom.Hr:
		p.flush()
		p.emit(&block{kind: blockRule})
	case atom.Br:
		p.lineBreak()
	case atom.Img:
		p.image(n)
	case atom.Picture:
		// <source> siblings were resolved by the reader into the <img> src.
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Img {
				p.image(c)
			}
		}
	case atom.Figure:
		p.flush()
		p.children(n)
		p.flush()
	case atom.Figcaption:
		p.flush()
		p.caption(textContent(n))
	case atom.Table:
		p.table(n)
	case atom.A:
		p.anchor(n)
	case atom.B, atom.Strong:
		p.bold++
		p.children(n)
		p.bold--
	case atom.I, atom.Em, atom.Cite, atom.Dfn, atom.Var:
		p.italic++
		p.children(n)
		p.italic--
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		p.mono++
		p.children(n)
		p.mono--
	default:
		if blockAtoms[n.DataAtom] {
			p.flush()
			p.children(n)
			p.flush()
			return
		}
		p.children(n)
	}
}

func (p *docParser) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.node(c)
	}
}

// emit adds a finished block in the current quote and list context.
func (p *docParser) emit(b *block) {
	b.quote, b.list = p.quote, p.list
	if p.mark != "" && b.kind != blockImage && b.kind != blockRule {
		b.mark, p.mark = p.mark, ""
	}
	p.doc.add(b)
}

func (p *docParser) caption(text string) {
	if text = strings.TrimSpace(collapse(text)); text != "" {
		p.emit(&block{kind: blockCaption, text: text, runs: []run{{end: len(text), style: fyne.TextStyle{Italic: true}}}})
	}
	p.space = true
}

// inline adds a text node to the current paragraph, collapsing white space
// as a browser does.
func (p *docParser) inline(s string) {
	s = collapse(s)
	if p.space {
		s = strings.TrimLeft(s, " ")
	}
	if s == "" {
		return
	}
	p.space = strings.HasSuffix(s, " ")
	p.write(s, fyne.TextStyle{Bold: p.bold > 0, Italic: p.italic > 0, Monospace: p.mono > 0}, p.link)
}

// write appends s in style, merging with the run before when it matches.
func (p *docParser) write(s string, style fyne.TextStyle, link *url.URL) {
	p.text.WriteString(s)
	end := p.text.Len()
	if n := len(p.runs); n > 0 && p.runs[n-1].style == style && p.runs[n-1].link == link {
		p.runs[n-1].end = end
		return
	}
	p.runs = append(p.runs, run{end: end, style: style, link: link})
}

func (p *docParser) anchor(n *html.Node) {
	href := strings.TrimSpace(attr(n, "href"))
	u, err := url.Parse(href)
	lower := strings.ToLower(href)
	if href == "" || err != nil || strings.HasPrefix(href, "#") || strings.HasPrefix(lower, "javascript:") ||
		strings.HasPrefix(lower, "vbscript:") || strings.HasPrefix(lower, "data:") {
		p.children(n)
		return
	}
	if p.base != nil {
		u = p.base.ResolveReference(u)
	}
	prev := p.link
	p.link = u
	p.children(n)
	p.link = prev
}

// lineBreak ends the current line: the text goes on in a new block with no
// space above it.
func (p *docParser) lineBreak() {
	if p.text.Len() == 0 {
		return
	}
	p.flushAs(true)
}

// flush ends the paragraph being built, if it has any text.
func (p *docParser) flush() { p.flushAs(false) }

func (p *docParser) flushAs(broken bool) {
	text := p.text.String()
	runs := p.runs
	p.text.Reset()
	p.runs = nil
	p.space = true
	trimmed := strings.TrimRight(text, " ")
	if strings.TrimSpace(trimmed) == "" {
		p.afterBreak = p.afterBreak && broken
		return
	}
	for i := range runs {
		runs[i].end = min(runs[i].end, len(trimmed))
	}
	for len(runs) > 1 && runs[len(runs)-2].end == len(trimmed) {
		runs = runs[:len(runs)-1]
	}
	b := &block{kind: blockPara, text: trimmed, runs: runs}
	if p.afterBreak {
		b.cont = true
	}
	p.afterBreak = broken
	p.emit(b)
}

func (p *docParser) listBlock(n *html.Node) {
	p.flush()
	ordered := n.DataAtom == atom.Ol
	num := 1
	if start, err := strconv.Atoi(attr(n, "start")); err == nil && ordered {
		num = start
	}
	p.list++
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if ordered {
			p.mark = strconv.Itoa(num) + "."
		} else {
			p.mark = "•"
		}
		before := len(p.doc.blocks)
		if c.DataAtom == atom.Li {
			p.children(c)
		} else {
			p.node(c) // stray content directly inside <ul>
		}
		p.flush()
		p.mark = ""
		if len(p.doc.blocks) > before {
			num++
		}
	}
	p.list--
}

func (p *docParser) image(n *html.Node) {
	src := attr(n, "src")
	if src == "" || p.images == nil {
		return
	}
	if p.base != nil {
		if u, err := url.Parse(src); err == nil {
			src = p.base.ResolveReference(u).String()
		}
	}
	img, why := p.images(src)
	if img == nil && why == "" {
		return
	}
	p.flush()
	if img == nil {
		if alt := strings.TrimSpace(collapse(attr(n, "alt"))); alt != "" {
			why += ": " + alt
		}
		p.caption(why)
		return
	}
	if img.alt == "" {
		img.alt = attr(n, "alt")
	}
	p.emit(&block{kind: blockImage, image: img})
}

func (p *docParser) table(n *html.Node) {
	p.flush()
	t := &docTable{}
	caption := ""
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Tr:
				var row []string
				header := true
				for cell := c.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.DataAtom == atom.Td || cell.DataAtom == atom.Th {
						row = append(row, strings.TrimSpace(collapse(textContent(cell))))
						header = header && cell.DataAtom == atom.Th
					}
				}
				if len(row) > 0 {
					if len(t.rows) == 0 && header {
						t.header = true
					}
					t.rows = append(t.rows, row)
				}
			case atom.Table:
				// a nested table is flattened into its parent's rows
				walk(c)
			case atom.Caption:
				caption = textContent(c)
			default:
				walk(c)
			}
		}
	}
	walk(n)
	if len(t.rows) == 0 {
		return
	}
	p.caption(caption)
	var text strings.Builder
	for i, row := range t.rows {
		if i > 0 {
			text.WriteByte('\n')
		}
		text.WriteString(strings.Join(row, "\t"))
	}
	p.emit(&block{kind: blockTable, table: t, text: text.String()})
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// textContent is the text of n and its descendants, <br> as a newline.
func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.DataAtom == atom.Br:
			b.WriteByte('\n')
		case n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style):
		default:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// collapse turns every run of white space (non-breaking spaces included)
// into one space, as HTML rendering does.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			pending = true
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteRune(r)
	}
	if pending {
		b.WriteByte(' ')
	}
	return b.String()
}
