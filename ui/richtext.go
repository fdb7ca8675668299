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

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxFigureWidth is the widest an article image is drawn, in Fyne units; it
// matches the reader's text column so a figure never overhangs the text.
const maxFigureWidth = 720

// captionStyle is that of a figure's caption.
func captionStyle() widget.RichTextStyle {
	return widget.RichTextStyle{
		Alignment: fyne.TextAlignCenter,
		ColorName: theme.ColorNamePlaceHolder,
		SizeName:  theme.SizeNameText,
		TextStyle: fyne.TextStyle{Italic: true},
	}
}

// wrapHint starts every run of text that follows another in a paragraph;
// see htmlRenderer.flush. It is no part of the text.
const wrapHint = "\u200b"

// renderHTML turns an article's stored HTML into RichText segments. It is
// deliberately our own walk over the DOM rather than Fyne's Markdown parser:
// the stored HTML is the source of truth and it carries figures, tables and
// nested lists that Markdown would lose.
//
// images maps an <img src> to a resource built from the library's bytes (nil
// when the library has none: the image is then left out, never fetched).
// openURL is called when a link is tapped. base resolves relative links.
func renderHTML(body string, base *url.URL, images func(src string) fyne.Resource, openURL func(*url.URL)) []widget.RichTextSegment {
	nodes, err := html.ParseFragment(strings.NewReader(body), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		// ParseFragment only fails on reader errors; a strings.Reader has none.
		return []widget.RichTextSegment{&widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: body}}
	}
	r := &htmlRenderer{base: base, images: images, openURL: openURL, space: true}
	var out []widget.RichTextSegment
	r.sink = &out
	for _, n := range nodes {
		r.node(n)
	}
	r.flush()
	return out
}

// htmlRenderer holds the state of one walk: the block list being filled, the
// inline run of the paragraph being built and the inline style in force.
type htmlRenderer struct {
	base    *url.URL
	images  func(string) fyne.Resource
	openURL func(*url.URL)

	sink   *[]widget.RichTextSegment // where finished blocks go
	inline []widget.RichTextSegment  // the paragraph being built

	bold, italic, mono int // nesting counts of <b>, <i>, <code>…
	link               *url.URL
	space              bool // the text so far ends in a space (or a block just started)
	listDepth          int
}

// blockAtoms are elements that start a new block; anything else is inline.
var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Main: true, atom.Aside: true, atom.Nav: true, atom.Address: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Details: true, atom.Summary: true,
	atom.Center: true, atom.Caption: true,
}

func (r *htmlRenderer) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		r.text(n.Data)
		return
	case html.ElementNode:
	default:
		r.children(n)
		return
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Svg, atom.Iframe,
		atom.Form, atom.Button, atom.Input, atom.Select, atom.Textarea, atom.Object, atom.Embed:
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		r.heading(n)
	case atom.Ul, atom.Ol:
		r.list(n)
	case atom.Blockquote:
		r.quoteBlock(n)
	case atom.Pre:
		r.flush()
		if text := strings.TrimRight(textContent(n), "\n "); text != "" {
			r.emit(&widget.TextSegment{Style: widget.RichTextStyleCodeBlock, Text: text})
		}
		r.space = true
	case atom.Hr:
		r.flush()
		r.emit(&widget.SeparatorSegment{})
	case atom.Br:
		r.lineBreak()
	case atom.Img:
		r.image(n)
	case atom.Picture:
		// <source> siblings were resolved by the reader into the <img> src.
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Img {
				r.image(c)
			}
		}
	case atom.Figure:
		r.flush()
		r.children(n)
		r.flush()
	case atom.Figcaption:
		r.flush()
		if text := strings.TrimSpace(collapse(textContent(n))); text != "" {
			r.emit(&widget.TextSegment{Text: text, Style: captionStyle()})
		}
		r.space = true
	case atom.Table:
		r.table(n)
	case atom.A:
		r.anchor(n)
	case atom.B, atom.Strong:
		r.bold++
		r.children(n)
		r.bold--
	case atom.I, atom.Em, atom.Cite, atom.Dfn, atom.Var:
		r.italic++
		r.children(n)
		r.italic--
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		r.mono++
		r.children(n)
		r.mono--
	default:
		if blockAtoms[n.DataAtom] {
			r.flush()
			r.children(n)
			r.flush()
			return
		}
		r.children(n)
	}
}

func (r *htmlRenderer) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.node(c)
	}
}

func (r *htmlRenderer) emit(seg widget.RichTextSegment) {
	*r.sink = append(*r.sink, seg)
}

// text adds a text node to the current paragraph, collapsing white space as
// a browser does.
func (r *htmlRenderer) text(s string) {
	s = collapse(s)
	if s == "" {
		return
	}
	if r.space {
		s = strings.TrimLeft(s, " ")
	}
	if s == "" {
		return
	}
	r.space = strings.HasSuffix(s, " ")
	textStyle := fyne.TextStyle{Bold: r.bold > 0, Italic: r.italic > 0, Monospace: r.mono > 0}
	style := widget.RichTextStyleInline
	style.TextStyle = textStyle
	if r.link != nil {
		style = linkStyle(textStyle)
	}
	// Merge with the previous run when the style (and link) is the same, so
	// a paragraph is as few segments as its formatting needs.
	if n := len(r.inline); n > 0 {
		prev, prevLink := inlineText(r.inline[n-1])
		if prev != nil {
			if prev.Style == style && (prevLink == nil || prevLink.URL == r.link) {
				prev.Text += s
				return
			}
			// A run that starts with a space makes Fyne wrap the whole
			// run to the next line: the space goes to the run before,
			// unless that is a link, whose underline would then run on.
			if strings.HasPrefix(s, " ") && prevLink == nil {
				prev.Text += " "
				s = s[1:]
			}
		}
	}
	if s == "" {
		return
	}
	if r.link != nil {
		r.inline = append(r.inline, newLinkSegment(s, textStyle, r.link, r.openURL))
		return
	}
	r.inline = append(r.inline, &widget.TextSegment{Style: style, Text: s})
}

// inlineText is the text segment of an inline run and, for link text, its
// link.
func inlineText(seg widget.RichTextSegment) (*widget.TextSegment, *linkSegment) {
	switch s := seg.(type) {
	case *widget.TextSegment:
		return s, nil
	case *linkSegment:
		return s.Text, s
	}
	return nil, nil
}

func (r *htmlRenderer) anchor(n *html.Node) {
	href := attr(n, "href")
	u, err := url.Parse(strings.TrimSpace(href))
	if href == "" || err != nil || strings.HasPrefix(href, "#") || strings.HasPrefix(strings.ToLower(href), "javascript:") {
		r.children(n)
		return
	}
	if r.base != nil {
		u = r.base.ResolveReference(u)
	}
	prev := r.link
	r.link = u
	r.children(n)
	r.link = prev
}

// lineBreak ends the current line without ending the paragraph's spacing.
func (r *htmlRenderer) lineBreak() {
	if len(r.inline) == 0 {
		return
	}
	r.inline = append(r.inline, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
	r.space = true
}

// flush ends the paragraph being built, if it has any text.
func (r *htmlRenderer) flush() {
	texts := r.inline
	r.inline = nil
	r.space = true
	// Drop trailing breaks and the trailing space of the last run.
	for len(texts) > 0 {
		if t, _ := inlineText(texts[len(texts)-1]); t != nil && strings.TrimSpace(t.Text) == "" {
			texts = texts[:len(texts)-1]
			continue
		}
		break
	}
	if len(texts) == 0 {
		return
	}
	if t, _ := inlineText(texts[len(texts)-1]); t != nil {
		t.Text = strings.TrimRight(t.Text, " ")
	}
	// Fyne 2.7 lays a run whose first letter does not fit in what is left
	// of a line out one letter per line, to the end of the run. A run
	// starting with a zero-width space always fits its first letter: it
	// then moves to the next line, as it should.
	for i := 1; i < len(texts); i++ {
		if t, _ := inlineText(texts[i]); t != nil && texts[i-1].Inline() && t.Text != "" {
			t.Text = wrapHint + t.Text
		}
	}
	// The closing non-inline segment ends the row, as Fyne's own Markdown
	// renderer does for a paragraph.
	texts = append(texts, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
	r.emit(&widget.ParagraphSegment{Texts: texts})
}

// quoteBlock renders a block quote's content as blocks of their own, in
// italics, drawn indented behind a rule by quoteSegment. Fyne's own
// Blockquote style indents only a lone text segment, which would lose the
// quote's links and emphasis.
func (r *htmlRenderer) quoteBlock(n *html.Node) {
	r.flush()
	outer := r.sink
	var inner []widget.RichTextSegment
	r.sink = &inner
	r.italic++
	r.children(n)
	r.flush()
	r.italic--
	r.sink = outer
	if len(inner) > 0 {
		r.emit(&quoteSegment{Segments: inner})
	}
}

func (r *htmlRenderer) heading(n *html.Node) {
	r.flush()
	text := strings.TrimSpace(collapse(textContent(n)))
	if text == "" {
		return
	}
	style := widget.RichTextStyleParagraph
	switch n.DataAtom {
	case atom.H1:
		style = widget.RichTextStyleHeading
	case atom.H2:
		style = widget.RichTextStyleSubHeading
	default:
		style.TextStyle.Bold = true
	}
	r.emit(&widget.TextSegment{Style: style, Text: text})
}

func (r *htmlRenderer) list(n *html.Node) {
	r.flush()
	list := &widget.ListSegment{Ordered: n.DataAtom == atom.Ol}
	if start, err := strconv.Atoi(attr(n, "start")); err == nil && list.Ordered {
		list.SetStartNumber(start)
	}
	outer := r.sink
	r.listDepth++
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		var item []widget.RichTextSegment
		r.sink = &item
		if c.DataAtom == atom.Li {
			r.children(c)
		} else {
			r.node(c) // stray content directly inside <ul>
		}
		r.flush()
		if len(item) > 0 {
			list.Items = append(list.Items, &widget.ParagraphSegment{Texts: item})
		}
	}
	r.listDepth--
	r.sink = outer
	if len(list.Items) == 0 {
		return
	}
	if r.listDepth > 0 {
		r.emit(&indentedList{List: list, Depth: r.listDepth})
		return
	}
	r.emit(list)
}

func (r *htmlRenderer) image(n *html.Node) {
	src := attr(n, "src")
	if src == "" || r.images == nil {
		return
	}
	if r.base != nil {
		if u, err := url.Parse(src); err == nil {
			src = r.base.ResolveReference(u).String()
		}
	}
	res := r.images(src)
	if res == nil {
		return
	}
	seg := newImageSegment(res, attr(n, "alt"))
	if seg == nil {
		return
	}
	r.flush()
	r.emit(seg)
}

func (r *htmlRenderer) table(n *html.Node) {
	r.flush()
	t := &tableSegment{}
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
					if len(t.Rows) == 0 && header {
						t.Header = true
					}
					t.Rows = append(t.Rows, row)
				}
			case atom.Table:
				// a nested table is flattened into its parent's rows
				walk(c)
			case atom.Caption:
				if text := strings.TrimSpace(collapse(textContent(c))); text != "" {
					t.Caption = text
				}
			default:
				walk(c)
			}
		}
	}
	walk(n)
	if len(t.Rows) == 0 {
		return
	}
	if t.Caption != "" {
		r.emit(&widget.TextSegment{Style: widget.RichTextStyle{SizeName: theme.SizeNameText,
			TextStyle: fyne.TextStyle{Italic: true}, ColorName: theme.ColorNamePlaceHolder}, Text: t.Caption})
	}
	r.emit(t)
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

// indentedList is a list nested in another: Fyne's ListSegment draws every
// level at the left margin, so this block indents its rows by depth.
type indentedList struct {
	List  *widget.ListSegment
	Depth int

	rows []widget.RichTextSegment // built once: RichText caches visuals by segment
}

var (
	_ widget.RichTextSegment = (*indentedList)(nil)
	_ widget.RichTextBlock   = (*indentedList)(nil)
)

func (l *indentedList) Segments() []widget.RichTextSegment {
	if l.rows == nil {
		indent := strings.Repeat("\u2003\u2003", l.Depth) // em spaces: a plain space is narrow
		for _, row := range l.List.Segments() {
			p := row.(*widget.ParagraphSegment)
			texts := append([]widget.RichTextSegment{&widget.TextSegment{Style: widget.RichTextStyleInline, Text: indent}}, p.Texts...)
			l.rows = append(l.rows, &widget.ParagraphSegment{Texts: texts})
		}
	}
	return l.rows
}
func (l *indentedList) Inline() bool              { return false }
func (l *indentedList) Textual() string           { return "" }
func (l *indentedList) Visual() fyne.CanvasObject { return nil }
func (l *indentedList) Update(fyne.CanvasObject)  {}
func (l *indentedList) Select(_, _ fyne.Position) {}
func (l *indentedList) SelectedText() string      { return "" }
func (l *indentedList) Unselect()                 {}

// imageSegment draws an article image from the library's bytes. Fyne's
// ImageSegment only takes a URI and draws at the image's pixel size; this one
// takes a resource and scales down to the text column, keeping its shape.
// The image is decoded when the segment is made, on the reader's goroutine:
// a canvas.Image built from a resource decodes it again on every Refresh,
// on the UI goroutine, so each text-size step would decode every picture.
type imageSegment struct {
	Resource fyne.Resource
	Title    string
	img      image.Image // decoded, at most maxImagePixelWidth wide
	size     fyne.Size   // display size at most maxFigureWidth wide
}

// maxImagePixelWidth is the widest a decoded image is kept: the text column
// at twice the pixel density. A wider photo is scaled down once, so an
// article of camera-sized pictures does not hold them all at full size.
const maxImagePixelWidth = 2 * maxFigureWidth

// maxImagePixels bounds the images the reader decodes: a few compressed
// bytes can claim gigabytes once decoded (an 8000×8000 16-bit PNG is 130 KB
// and 768 MB), and 40 megapixels is far beyond what the text column shows.
const maxImagePixels = 40_000_000

// newImageSegment returns nil for data that is not a decodable image, so a
// broken download never breaks the article, and a caption in place of an
// image too large to decode.
func newImageSegment(res fyne.Resource, title string) widget.RichTextSegment {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(res.Content()))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return nil
	}
	if cfg.Width*cfg.Height > maxImagePixels {
		text := fmt.Sprintf("Image too large to show (%d × %d)", cfg.Width, cfg.Height)
		if title = strings.TrimSpace(collapse(title)); title != "" {
			text += ": " + title
		}
		return &widget.TextSegment{Text: text, Style: captionStyle()}
	}
	img, _, err := image.Decode(bytes.NewReader(res.Content()))
	if err != nil {
		return nil
	}
	w := float32(cfg.Width)
	if w > maxFigureWidth {
		w = maxFigureWidth
	}
	h := w * float32(cfg.Height) / float32(cfg.Width)
	return &imageSegment{Resource: res, Title: title, img: shrink(img, maxImagePixelWidth), size: fyne.NewSize(w, h)}
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

func (i *imageSegment) Inline() bool    { return false }
func (i *imageSegment) Textual() string { return "Image " + i.Title }
func (i *imageSegment) Visual() fyne.CanvasObject {
	img := canvas.NewImageFromImage(i.img)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleSmooth
	// RichText gives a block the whole line width and its MinSize height;
	// the width here stays small so narrow windows are not forced wider.
	img.SetMinSize(fyne.NewSize(1, i.size.Height))
	return img
}
func (i *imageSegment) Update(o fyne.CanvasObject) {
	img := o.(*canvas.Image)
	img.Image = i.img
	img.SetMinSize(fyne.NewSize(1, i.size.Height))
	img.Refresh()
}
func (i *imageSegment) Select(_, _ fyne.Position) {}
func (i *imageSegment) SelectedText() string      { return "" }
func (i *imageSegment) Unselect()                 {}

// plainText is the text of segments as a person reads them, one block per
// line; used by tests and to copy an article's text.
func plainText(segs []widget.RichTextSegment) string {
	var b strings.Builder
	var walk func([]widget.RichTextSegment)
	walk = func(segs []widget.RichTextSegment) {
		for _, s := range segs {
			if blk, ok := s.(widget.RichTextBlock); ok {
				walk(blk.Segments())
			} else {
				b.WriteString(s.Textual())
			}
			// one line per block, however deeply blocks nest
			if !s.Inline() && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
				b.WriteByte('\n')
			}
		}
	}
	walk(segs)
	return strings.ReplaceAll(b.String(), wrapHint, "")
}
