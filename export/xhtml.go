package export

import (
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// An EPUB's pages are XHTML that e-readers and epubcheck hold to HTML's
// content model: a <div> inside a <p> or a <span>, an <li> outside a list
// or a figcaption in the middle of a figure are errors there, and stored
// article HTML has all of them. xconv rebuilds the article as valid XHTML:
// phrasing elements that hold blocks are split around them (as browsers
// lay them out), headings and code keep only their text runs, lists,
// definition lists, figures and tables are put back in order, attributes
// are kept from a short list, and ids and links are checked.

// xnode is one node of the XHTML being built: an element, or text when tag
// is empty.
type xnode struct {
	tag   string
	text  string
	attrs []xattr
	kids  []*xnode
}

type xattr struct{ key, val string }

func xtext(s string) *xnode { return &xnode{text: s} }

func xel(tag string, kids ...*xnode) *xnode { return &xnode{tag: tag, kids: kids} }

func (n *xnode) set(key, val string) *xnode {
	for i := range n.attrs {
		if n.attrs[i].key == key {
			n.attrs[i].val = val
			return n
		}
	}
	n.attrs = append(n.attrs, xattr{key, val})
	return n
}

func (n *xnode) get(key string) string {
	for _, a := range n.attrs {
		if a.key == key {
			return a.val
		}
	}
	return ""
}

func (n *xnode) unset(key string) {
	for i, a := range n.attrs {
		if a.key == key {
			n.attrs = append(n.attrs[:i], n.attrs[i+1:]...)
			return
		}
	}
}

// voidTags are written as <tag/> when empty (an OPF <meta> has text);
// every other element gets an end tag, as a reader that parses the page as
// HTML would otherwise nest what follows.
var voidTags = map[string]bool{"br": true, "hr": true, "img": true, "wbr": true, "col": true, "link": true, "meta": true}

// write serialises n as XML.
func (n *xnode) write(b *strings.Builder) {
	if n.tag == "" {
		escapeXML(b, n.text, false)
		return
	}
	b.WriteByte('<')
	b.WriteString(n.tag)
	for _, a := range n.attrs {
		b.WriteByte(' ')
		b.WriteString(a.key)
		b.WriteString(`="`)
		escapeXML(b, a.val, true)
		b.WriteByte('"')
	}
	if voidTags[n.tag] && len(n.kids) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	for _, k := range n.kids {
		k.write(b)
	}
	b.WriteString("</")
	b.WriteString(n.tag)
	b.WriteByte('>')
}

// escapeXML writes s escaped for XML text or a quoted attribute, in NFC
// (decomposed Vietnamese shows as loose accents on many e-readers) and
// without the characters XML forbids (C0 controls, U+FFFE, U+FFFF, broken
// UTF-8).
func escapeXML(b *strings.Builder, s string, attr bool) {
	s = norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\n' && attr:
			b.WriteString("&#10;")
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r == '\r':
			// XML turns CR into LF anyway; HTML white space ignores it.
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
		default:
			b.WriteRune(r)
		}
	}
}

// Element classes of the stored HTML.
var (
	// dropped with everything inside: not content an e-book can show.
	xDropped = map[atom.Atom]bool{
		atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Iframe: true,
		atom.Svg: true, atom.Math: true, atom.Button: true, atom.Input: true, atom.Select: true,
		atom.Textarea: true, atom.Head: true, atom.Object: true, atom.Embed: true, atom.Video: true,
		atom.Audio: true, atom.Canvas: true, atom.Map: true, atom.Source: true, atom.Track: true,
		atom.Link: true, atom.Meta: true, atom.Title: true, atom.Base: true, atom.Dialog: true,
		atom.Colgroup: true, atom.Col: true, atom.Param: true, atom.Frame: true, atom.Frameset: true,
	}
	// phrasing elements kept under their own name.
	xPhrasing = map[atom.Atom]string{
		atom.A: "a", atom.Em: "em", atom.Strong: "strong", atom.B: "b", atom.I: "i", atom.U: "u",
		atom.S: "s", atom.Strike: "s", atom.Del: "del", atom.Ins: "ins", atom.Sub: "sub", atom.Sup: "sup",
		atom.Small: "small", atom.Mark: "mark", atom.Q: "q", atom.Cite: "cite", atom.Abbr: "abbr",
		atom.Dfn: "dfn", atom.Code: "code", atom.Kbd: "kbd", atom.Samp: "samp", atom.Var: "var",
		atom.Tt: "code", atom.Time: "span", atom.Span: "span", atom.Bdi: "bdi", atom.Bdo: "span",
		atom.Data: "span", atom.Font: "span", atom.Big: "span", atom.Nobr: "span", atom.Label: "span",
		atom.Acronym: "abbr", atom.Output: "span", atom.Ruby: "ruby", atom.Rt: "rt", atom.Rp: "rp",
	}
	// containers of flow content written as <div>.
	xDivs = map[atom.Atom]bool{
		atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true, atom.Header: true,
		atom.Footer: true, atom.Nav: true, atom.Aside: true, atom.Address: true, atom.Center: true,
		atom.Details: true, atom.Hgroup: true, atom.Form: true, atom.Fieldset: true, atom.Legend: true,
		atom.Figcaption: true, atom.Dd: true, atom.Dt: true, atom.Caption: true, atom.Thead: true,
		atom.Tbody: true, atom.Tfoot: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Optgroup: true,
		atom.Search: true, atom.Summary: true, atom.Listing: true, atom.Xmp: true, atom.Plaintext: true,
	}
)

// heading is one heading of an article, for the table of contents.
type heading struct {
	level int
	id    string
	text  string
}

// xconv converts one article's HTML.
type xconv struct {
	base *url.URL
	// prefix starts every id, so that ids stay unique when articles share
	// a page and never collide with the ids the book adds.
	prefix string
	// image returns the book's link for an image URL; ok false when the
	// image is not in the book.
	image func(src string) (href string, ok bool)
	// pages maps the links of the book's articles (without fragment) to
	// their page, so that a link between them stays inside the book.
	pages map[string]string
	// self is this article's own page in pages.
	self string

	headings []heading
	// noHeadings counts the enclosing elements that may not hold a heading
	// (a header cell) or are reduced to text (a caption, a heading).
	noHeadings int
	nextID     int
	used       map[string]bool // ids given out on this page
}

// convert returns the article's body as XHTML nodes.
func (c *xconv) convert(src string) []*xnode {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return []*xnode{xel("p", xtext(src))}
	}
	c.used = map[string]bool{c.prefix: true}
	kids := c.flowChildren(doc)
	c.fixIDs(kids)
	return kids
}

// flowChildren converts n's children where flow content (blocks and
// phrasing alike) is allowed.
func (c *xconv) flowChildren(n *html.Node) []*xnode {
	var out []*xnode
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		out = append(out, c.flow(ch)...)
	}
	return out
}

func (c *xconv) flow(n *html.Node) []*xnode {
	switch n.Type {
	case html.TextNode:
		return []*xnode{xtext(n.Data)}
	case html.ElementNode:
	default:
		return c.flowChildren(n) // the document, a doctype, a comment
	}
	if isBlock(n) {
		return c.block(n)
	}
	var out []*xnode
	for _, p := range c.inline(n) {
		out = append(out, p.n)
	}
	return out
}

// isBlock reports an element that makes a block of its own.
func isBlock(n *html.Node) bool {
	if n.Type != html.ElementNode || xDropped[n.DataAtom] {
		return false
	}
	switch n.DataAtom {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre, atom.Blockquote,
		atom.Ul, atom.Ol, atom.Menu, atom.Dir, atom.Li, atom.Dl, atom.Figure, atom.Table, atom.Hr, atom.Body, atom.Html:
		return true
	}
	return xDivs[n.DataAtom]
}

// piece is a converted node and whether it is a block.
type piece struct {
	n     *xnode
	block bool
}

// inline converts n where only phrasing content is allowed; blocks inside
// it come back as block pieces for the caller to lift out.
func (c *xconv) inline(n *html.Node) []piece {
	switch n.Type {
	case html.TextNode:
		return []piece{{n: xtext(n.Data)}}
	case html.ElementNode:
	default:
		return c.inlineChildren(n)
	}
	if xDropped[n.DataAtom] {
		return nil
	}
	if isBlock(n) {
		var out []piece
		for _, b := range c.block(n) {
			out = append(out, piece{n: b, block: b.tag != ""})
		}
		return out
	}
	switch n.DataAtom {
	case atom.Br:
		return []piece{{n: xel("br")}}
	case atom.Wbr:
		return []piece{{n: xel("wbr")}}
	case atom.Img:
		return []piece{{n: c.img(n)}}
	case atom.Picture:
		// The <img> inside is the fallback every reader understands.
		return c.inlineChildren(n)
	}
	tag, ok := xPhrasing[n.DataAtom]
	if !ok {
		return c.inlineChildren(n) // unknown or custom element: keep its content
	}
	kids := c.inlineChildren(n)
	proto := xel(tag)
	c.attrs(n, proto)
	if tag == "a" {
		c.link(n, proto)
		kids = unnestLinks(kids)
	}
	if len(kids) == 0 {
		if proto.get("id") == "" {
			return nil
		}
		return []piece{{n: proto}} // an anchor: a link target
	}
	// Split around blocks: <em>a<div>b</div>c</em> is <em>a</em>, the
	// block, <em>c</em>.
	var out []piece
	var run []*xnode
	flush := func() {
		if len(run) > 0 {
			e := &xnode{tag: proto.tag, attrs: append([]xattr(nil), proto.attrs...), kids: run}
			if len(out) > 0 {
				e.unset("id") // the first part keeps the id
			}
			out = append(out, piece{n: e})
			run = nil
		}
	}
	for _, p := range kids {
		if p.block {
			flush()
			out = append(out, p)
			continue
		}
		run = append(run, p.n)
	}
	flush()
	return out
}

func (c *xconv) inlineChildren(n *html.Node) []piece {
	var out []piece
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		out = append(out, c.inline(ch)...)
	}
	return out
}

// unnestLinks removes links inside a link (an error in HTML), keeping
// their content.
func unnestLinks(ps []piece) []piece {
	var strip func(n *xnode) []*xnode
	strip = func(n *xnode) []*xnode {
		var kids []*xnode
		for _, k := range n.kids {
			kids = append(kids, strip(k)...)
		}
		n.kids = kids
		if n.tag == "a" {
			return n.kids
		}
		return []*xnode{n}
	}
	var out []piece
	for _, p := range ps {
		if p.block {
			out = append(out, p)
			continue
		}
		for _, k := range strip(p.n) {
			out = append(out, piece{n: k})
		}
	}
	return out
}

// phrasingIn groups n's converted children for an element that holds
// phrasing content only (<p>): runs of phrasing go into copies of proto,
// blocks are lifted out between them.
func (c *xconv) phrasingIn(n *html.Node, proto *xnode) []*xnode {
	var out []*xnode
	var run []*xnode
	flush := func() {
		if hasContent(run) {
			e := &xnode{tag: proto.tag, attrs: append([]xattr(nil), proto.attrs...), kids: run}
			if len(out) > 0 {
				e.unset("id")
			}
			out = append(out, e)
		} else if len(out) > 0 && len(run) > 0 {
			out = append(out, run...) // white space between blocks
		}
		run = nil
	}
	for _, p := range c.inlineChildren(n) {
		if p.block {
			flush()
			out = append(out, p.n)
			continue
		}
		run = append(run, p.n)
	}
	flush()
	return out
}

// flat converts n's children to phrasing content only, blocks inside
// reduced to their text runs (a heading or a code block cannot hold a
// list, and splitting them would leave empty headings).
func (c *xconv) flat(n *html.Node) []*xnode {
	c.noHeadings++
	defer func() { c.noHeadings-- }()
	var out []*xnode
	for _, p := range c.inlineChildren(n) {
		if !p.block {
			out = append(out, p.n)
			continue
		}
		if len(out) > 0 {
			out = append(out, xtext(" "))
		}
		out = append(out, flatten(p.n)...)
	}
	return out
}

// flatten reduces a converted block to its phrasing content.
func flatten(n *xnode) []*xnode {
	if n.tag == "" || phrasingTag(n.tag) {
		return []*xnode{n}
	}
	var out []*xnode
	for i, k := range n.kids {
		if i > 0 && k.tag != "" && !phrasingTag(k.tag) {
			out = append(out, xtext(" "))
		}
		out = append(out, flatten(k)...)
	}
	return out
}

func phrasingTag(tag string) bool {
	switch tag {
	case "br", "wbr", "img":
		return true
	}
	for _, t := range xPhrasing {
		if t == tag {
			return true
		}
	}
	return false
}

// hasContent reports whether nodes hold more than white space.
func hasContent(nodes []*xnode) bool {
	for _, n := range nodes {
		if n.tag != "" || strings.TrimSpace(n.text) != "" {
			return true
		}
	}
	return false
}

// block converts a block element.
func (c *xconv) block(n *html.Node) []*xnode {
	switch n.DataAtom {
	case atom.Html, atom.Body:
		return c.flowChildren(n)
	case atom.P:
		p := xel("p")
		c.attrs(n, p)
		return c.phrasingIn(n, p)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return c.heading(n)
	case atom.Pre:
		pre := xel("pre", c.flat(n)...)
		c.attrs(n, pre)
		if !hasContent(pre.kids) {
			return nil
		}
		return []*xnode{pre}
	case atom.Blockquote:
		q := xel("blockquote", c.flowChildren(n)...)
		c.attrs(n, q)
		if !hasContent(q.kids) {
			return nil
		}
		return []*xnode{q}
	case atom.Ul, atom.Ol, atom.Menu, atom.Dir:
		return c.list(n)
	case atom.Li:
		// An item outside a list gets a list of its own.
		li := xel("li", c.flowChildren(n)...)
		c.attrs(n, li)
		return []*xnode{xel("ul", li)}
	case atom.Dl:
		return c.dl(n)
	case atom.Figure:
		return c.figure(n)
	case atom.Table:
		return c.table(n)
	case atom.Hr:
		return []*xnode{xel("hr")}
	}
	d := xel("div", c.flowChildren(n)...)
	c.attrs(n, d)
	if !hasContent(d.kids) && d.get("id") == "" {
		return nil
	}
	return []*xnode{d}
}

func (c *xconv) heading(n *html.Node) []*xnode {
	kids := c.flat(n)
	if !hasContent(kids) {
		return nil
	}
	if c.noHeadings > 0 {
		// A header cell may not hold a heading; in a caption or a heading
		// it is text.
		p := xel("p", xel("strong", kids...))
		c.attrs(n, p)
		return []*xnode{p}
	}
	h := xel(n.Data, kids...)
	c.attrs(n, h)
	if h.get("id") == "" {
		c.nextID++
		c.used[c.prefix+"h"+strconv.Itoa(c.nextID)] = true
		// The ids the stored HTML brings are prefix + "-" + id: this
		// one cannot meet them.
		h.set("id", c.prefix+"h"+strconv.Itoa(c.nextID))
	}
	c.headings = append(c.headings, heading{level: int(n.Data[1] - '0'), id: h.get("id"), text: oneLine(plainXText(h))})
	return []*xnode{h}
}

// plainXText is the text of a converted node.
func plainXText(n *xnode) string {
	if n.tag == "" {
		return n.text
	}
	if n.tag == "img" {
		return n.get("alt")
	}
	var b strings.Builder
	for _, k := range n.kids {
		b.WriteString(plainXText(k))
	}
	return b.String()
}

func (c *xconv) list(n *html.Node) []*xnode {
	tag := "ul"
	if n.DataAtom == atom.Ol {
		tag = "ol"
	}
	l := xel(tag)
	c.attrs(n, l)
	if tag == "ol" {
		if v, ok := intAttr(attr(n, "start"), -1<<31, 1<<31-1); ok {
			l.set("start", strconv.Itoa(v))
		}
		if hasAttr(n, "reversed") {
			l.set("reversed", "reversed")
		}
		switch t := attr(n, "type"); t {
		case "1", "a", "A", "i", "I":
			l.set("type", t)
		}
	}
	var loose []*xnode // content outside any <li>, gathered into one
	flushLoose := func() {
		if hasContent(loose) {
			l.kids = append(l.kids, xel("li", loose...))
		}
		loose = nil
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		switch {
		case ch.Type == html.ElementNode && ch.DataAtom == atom.Li:
			flushLoose()
			li := xel("li", c.flowChildren(ch)...)
			c.attrs(ch, li)
			if v, ok := intAttr(attr(ch, "value"), -1<<31, 1<<31-1); ok && tag == "ol" {
				li.set("value", strconv.Itoa(v))
			}
			l.kids = append(l.kids, li)
		case ch.Type == html.ElementNode && (ch.DataAtom == atom.Ul || ch.DataAtom == atom.Ol) && len(loose) == 0 && len(l.kids) > 0:
			// A list directly in a list belongs to the item before it.
			last := l.kids[len(l.kids)-1]
			last.kids = append(last.kids, c.list(ch)...)
		case ch.Type == html.TextNode && strings.TrimSpace(ch.Data) == "" && len(loose) == 0:
		default:
			loose = append(loose, c.flow(ch)...)
		}
	}
	flushLoose()
	if len(l.kids) == 0 {
		return nil
	}
	return []*xnode{l}
}

// dl keeps a definition list when its terms and definitions come in the
// order HTML requires (groups of terms, then definitions); otherwise the
// terms become bold paragraphs and the definitions blocks.
func (c *xconv) dl(n *html.Node) []*xnode {
	var seq []*xnode
	var walkDL func(n *html.Node)
	walkDL = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			switch {
			case ch.Type == html.ElementNode && ch.DataAtom == atom.Dt:
				dt := xel("dt", c.flat(ch)...)
				c.attrs(ch, dt)
				seq = append(seq, dt)
			case ch.Type == html.ElementNode && ch.DataAtom == atom.Dd:
				dd := xel("dd", c.flowChildren(ch)...)
				c.attrs(ch, dd)
				seq = append(seq, dd)
			case ch.Type == html.ElementNode && ch.DataAtom == atom.Div:
				walkDL(ch) // HTML allows a <div> around each group
			case ch.Type == html.TextNode && strings.TrimSpace(ch.Data) == "":
			default:
				if kids := c.flow(ch); hasContent(kids) {
					seq = append(seq, xel("dd", kids...))
				}
			}
		}
	}
	walkDL(n)
	if len(seq) == 0 {
		return nil
	}
	if seq[0].tag == "dt" && seq[len(seq)-1].tag == "dd" {
		d := xel("dl", seq...)
		c.attrs(n, d)
		return []*xnode{d}
	}
	var out []*xnode
	for _, e := range seq {
		if e.tag == "dt" {
			out = append(out, &xnode{tag: "p", attrs: e.attrs, kids: []*xnode{xel("strong", e.kids...)}})
		} else {
			out = append(out, &xnode{tag: "div", attrs: append(e.attrs, xattr{"class", "dd"}), kids: e.kids})
		}
	}
	return out
}

// figure puts the first caption last (HTML allows it first or last only);
// further captions become blocks.
func (c *xconv) figure(n *html.Node) []*xnode {
	f := xel("figure")
	c.attrs(n, f)
	var caption *xnode
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && ch.DataAtom == atom.Figcaption {
			kids := c.flowChildren(ch)
			if !hasContent(kids) {
				continue
			}
			if caption == nil {
				caption = xel("figcaption", kids...)
				c.attrs(ch, caption)
			} else {
				f.kids = append(f.kids, xel("div", kids...).set("class", "caption"))
			}
			continue
		}
		f.kids = append(f.kids, c.flow(ch)...)
	}
	if caption != nil {
		f.kids = append(f.kids, caption)
	}
	if !hasContent(f.kids) {
		return nil
	}
	return []*xnode{f}
}

// table rebuilds a table as caption, head, bodies and foot, each of rows of
// cells; rows directly in the table go into a body.
func (c *xconv) table(n *html.Node) []*xnode {
	t := xel("table")
	c.attrs(n, t)
	var caption, thead, tfoot *xnode
	var bodies []*xnode
	var loose []*xnode // rows outside any section
	flushRows := func() {
		if len(loose) > 0 {
			bodies = append(bodies, xel("tbody", loose...))
			loose = nil
		}
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type != html.ElementNode {
			continue
		}
		switch ch.DataAtom {
		case atom.Caption:
			if kids := c.flat(ch); caption == nil && hasContent(kids) {
				caption = xel("caption", kids...)
			}
		case atom.Thead, atom.Tbody, atom.Tfoot:
			flushRows()
			rows := c.rows(ch)
			if len(rows) == 0 {
				continue
			}
			switch {
			case ch.DataAtom == atom.Thead && thead == nil:
				thead = xel("thead", rows...)
			case ch.DataAtom == atom.Tfoot && tfoot == nil:
				tfoot = xel("tfoot", rows...)
			default:
				bodies = append(bodies, xel("tbody", rows...))
			}
		case atom.Tr:
			if tr := c.row(ch); tr != nil {
				loose = append(loose, tr)
			}
		}
	}
	flushRows()
	if thead == nil && len(bodies) == 0 && tfoot == nil {
		if caption != nil {
			return []*xnode{xel("p", caption.kids...)}
		}
		return nil
	}
	for _, part := range []*xnode{caption, thead} {
		if part != nil {
			t.kids = append(t.kids, part)
		}
	}
	t.kids = append(t.kids, bodies...)
	if tfoot != nil {
		t.kids = append(t.kids, tfoot)
	}
	return []*xnode{t}
}

func (c *xconv) rows(section *html.Node) []*xnode {
	var rows []*xnode
	for ch := section.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && ch.DataAtom == atom.Tr {
			if tr := c.row(ch); tr != nil {
				rows = append(rows, tr)
			}
		}
	}
	return rows
}

func (c *xconv) row(tr *html.Node) *xnode {
	row := xel("tr")
	for ch := tr.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type != html.ElementNode || (ch.DataAtom != atom.Td && ch.DataAtom != atom.Th) {
			continue
		}
		th := ch.DataAtom == atom.Th
		if th {
			c.noHeadings++
		}
		cell := xel(ch.Data, c.flowChildren(ch)...)
		if th {
			c.noHeadings--
			switch s := attr(ch, "scope"); s {
			case "row", "col", "rowgroup", "colgroup":
				cell.set("scope", s)
			}
		}
		c.attrs(ch, cell)
		if v, ok := intAttr(attr(ch, "colspan"), 1, 1000); ok && v > 1 {
			cell.set("colspan", strconv.Itoa(v))
		}
		if v, ok := intAttr(attr(ch, "rowspan"), 0, 65534); ok && v != 1 {
			cell.set("rowspan", strconv.Itoa(v))
		}
		row.kids = append(row.kids, cell)
	}
	if len(row.kids) == 0 {
		return nil
	}
	return row
}

// img converts an image: the book's copy when it has one, otherwise a link
// to the original so the reader can still go and look.
func (c *xconv) img(n *html.Node) *xnode {
	alt := oneLine(attr(n, "alt"))
	src := absURL(c.base, attr(n, "src"))
	if src == "" {
		return xtext("")
	}
	if href, ok := c.image(src); ok {
		return xel("img").set("src", href).set("alt", alt)
	}
	label := "[image]"
	if alt != "" {
		label = "[image: " + alt + "]"
	}
	if u, ok := webLink(src); ok {
		return xel("a", xtext(label)).set("href", u).set("class", "missing")
	}
	return xel("span", xtext(label)).set("class", "missing")
}

// attrs copies the attributes every element may keep: id, lang, dir,
// title.
func (c *xconv) attrs(n *html.Node, to *xnode) {
	id := attr(n, "id")
	if id == "" && n.DataAtom == atom.A {
		id = attr(n, "name") // an old-style anchor
	}
	if id != "" {
		// A repeated id stays with its first element, where links go.
		if x := c.idFor(id); !c.used[x] {
			c.used[x] = true
			to.set("id", x)
		}
	}
	if l := attr(n, "lang"); l != "" {
		if tag, ok := langTag(l); ok {
			to.set("lang", tag).set("xml:lang", tag)
		}
	}
	switch d := strings.ToLower(attr(n, "dir")); d {
	case "ltr", "rtl", "auto":
		to.set("dir", d)
	}
	if t := attr(n, "title"); t != "" && n.DataAtom != atom.Img {
		to.set("title", oneLine(t))
	}
}

// idFor maps an id of the stored HTML to the book's, prefixed and reduced
// to the characters an XML id may hold.
func (c *xconv) idFor(id string) string {
	var b strings.Builder
	b.WriteString(c.prefix)
	b.WriteByte('-')
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		case r > 0x7f && (r < 0xD800 || r > 0xDFFF) && r != 0xFFFE && r != 0xFFFF && !isSpaceRune(r):
			b.WriteRune(r) // XML names allow most letters beyond ASCII
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func isSpaceRune(r rune) bool {
	return strings.ContainsRune("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\ufeff", r)
}

// link sets the href of a converted <a>: links inside the article point at
// the converted ids, links to another article of the book at its page,
// web links stay; anything else (javascript:, a relative link with no
// base) is dropped, keeping the text.
func (c *xconv) link(n *html.Node, to *xnode) {
	h := strings.TrimSpace(attr(n, "href"))
	if h == "" {
		return
	}
	if strings.HasPrefix(h, "#") {
		if frag := h[1:]; frag != "" {
			to.set("href", "#"+c.idFor(fragment(frag)))
		}
		return
	}
	abs := absURL(c.base, h)
	u, err := url.Parse(abs)
	if err != nil {
		return
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		page := *u
		page.Fragment, page.RawFragment = "", ""
		if p, ok := c.pages[page.String()]; ok {
			switch {
			case p == c.self && u.Fragment != "":
				to.set("href", "#"+c.idFor(u.Fragment))
			case p == c.self:
				to.set("href", "#"+c.prefix)
			default:
				to.set("href", p) // the ids of another page are not known here
			}
			return
		}
	}
	if s, ok := webLink(abs); ok {
		to.set("href", s)
	}
}

func fragment(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// webLink returns link as a URL an e-reader can open (http, https, mailto,
// tel), re-encoded so it is valid; ok false for anything else.
func webLink(link string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
	case "mailto", "tel":
	default:
		return "", false
	}
	return u.String(), true
}

// fixIDs drops repeated ids and links to ids the page does not have (a
// target that was dropped with a script, or never existed).
func (c *xconv) fixIDs(nodes []*xnode) {
	ids := map[string]bool{c.prefix: true}
	var collect func(n *xnode)
	collect = func(n *xnode) {
		if id := n.get("id"); id != "" {
			if ids[id] {
				n.unset("id")
			} else {
				ids[id] = true
			}
		}
		for _, k := range n.kids {
			collect(k)
		}
	}
	var links func(n *xnode)
	links = func(n *xnode) {
		if h := n.get("href"); n.tag == "a" && strings.HasPrefix(h, "#") && !ids[h[1:]] {
			n.unset("href")
		}
		for _, k := range n.kids {
			links(k)
		}
	}
	for _, n := range nodes {
		collect(n)
	}
	for _, n := range nodes {
		links(n)
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

// intAttr parses a whole-number attribute within [lo, hi].
func intAttr(s string, lo, hi int) (int, bool) {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < lo || v > hi {
		return 0, false
	}
	return v, true
}

// langTag returns a language tag in canonical form (vi, en-GB, zh-Hant),
// ok false when s is not one.
func langTag(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	if s == "" {
		return "", false
	}
	t, err := language.Parse(s)
	if err != nil || t == language.Und {
		return "", false
	}
	return t.String(), true
}
