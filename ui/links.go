package ui

import (
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Links in article text. Fyne 2.7's HyperlinkSegment is laid out whole: at
// the end of a line it overflows, and the text after it then wraps one
// character per line (fyne-io/fyne#3393, fixed in 2.8). So link text here is
// an ordinary TextSegment, which wraps like any text, held in a linkSegment
// that knows the URL; richText finds the laid-out pieces of each link and
// opens the one tapped.

// linkStyle is the style of link text.
func linkStyle(s fyne.TextStyle) widget.RichTextStyle {
	return widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameHyperlink, SizeName: theme.SizeNameText, TextStyle: s}
}

// linkSegment is a link within a paragraph: RichText lays out its one text
// segment inline, wrapping it across lines as needed.
type linkSegment struct {
	Text *widget.TextSegment
	URL  *url.URL
	open func(*url.URL)
}

var (
	_ widget.RichTextSegment = (*linkSegment)(nil)
	_ widget.RichTextBlock   = (*linkSegment)(nil)
)

func newLinkSegment(text string, style fyne.TextStyle, u *url.URL, open func(*url.URL)) *linkSegment {
	return &linkSegment{Text: &widget.TextSegment{Style: linkStyle(style), Text: text}, URL: u, open: open}
}

func (l *linkSegment) Segments() []widget.RichTextSegment { return []widget.RichTextSegment{l.Text} }
func (l *linkSegment) Inline() bool                       { return true }
func (l *linkSegment) Textual() string {
	return strings.ReplaceAll(l.Text.Text, wrapHint, "")
}
func (l *linkSegment) Visual() fyne.CanvasObject { return nil }
func (l *linkSegment) Update(fyne.CanvasObject)  {}
func (l *linkSegment) Select(_, _ fyne.Position) {}
func (l *linkSegment) SelectedText() string      { return "" }
func (l *linkSegment) Unselect()                 {}

// tap opens the link.
func (l *linkSegment) tap() {
	if l.open != nil && l.URL != nil {
		l.open(l.URL)
	}
}

// richText is a word-wrapping RichText whose linkSegments open when tapped,
// show a pointer and are underlined while the mouse is over them.
type richText struct {
	widget.RichText

	r     *richTextRenderer // the current renderer, for the laid-out text
	hover *linkSegment
}

var (
	_ fyne.Tappable      = (*richText)(nil)
	_ desktop.Hoverable  = (*richText)(nil)
	_ desktop.Cursorable = (*richText)(nil)
)

func newRichText(segs ...widget.RichTextSegment) *richText {
	t := &richText{}
	t.Segments = segs
	t.Wrapping = fyne.TextWrapWord
	t.Scroll = fyne.ScrollNone // the pieces of text are then the renderer's own objects
	t.ExtendBaseWidget(t)
	return t
}

func (t *richText) CreateRenderer() fyne.WidgetRenderer {
	r := &richTextRenderer{t: t, inner: t.RichText.CreateRenderer()}
	t.r = r
	return r
}

func (t *richText) Tapped(e *fyne.PointEvent) {
	if l := t.linkAt(e.Position); l != nil {
		l.tap()
	}
}

func (t *richText) Cursor() desktop.Cursor {
	if t.hover != nil {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

func (t *richText) MouseIn(e *desktop.MouseEvent)    { t.setHover(t.linkAt(e.Position)) }
func (t *richText) MouseMoved(e *desktop.MouseEvent) { t.setHover(t.linkAt(e.Position)) }
func (t *richText) MouseOut()                        { t.setHover(nil) }

func (t *richText) setHover(l *linkSegment) {
	if l == t.hover {
		return
	}
	t.hover = l
	if t.r != nil {
		t.r.underline()
		canvas.Refresh(t)
	}
}

// linkAt is the link drawn at pos, nil if none.
func (t *richText) linkAt(pos fyne.Position) *linkSegment {
	if t.r == nil {
		return nil
	}
	for _, p := range t.r.linkPieces() {
		x, w := p.span()
		at := p.obj.Position()
		if pos.X >= x && pos.X < x+w && pos.Y >= at.Y && pos.Y < at.Y+p.obj.Size().Height {
			return p.link
		}
	}
	return nil
}

// linkPiece is the part of a link laid out on one line.
type linkPiece struct {
	obj  *canvas.Text
	link *linkSegment
}

// span is where the piece's text is drawn across: RichText stretches the
// last text object of a row to the row's end, and that blank is no link.
func (p linkPiece) span() (x, w float32) {
	text := p.obj.Text
	trimmed := strings.TrimLeft(text, " ")
	lead := fyne.MeasureText(text[:len(text)-len(trimmed)], p.obj.TextSize, p.obj.TextStyle).Width
	w = fyne.MeasureText(strings.TrimRight(trimmed, " "), p.obj.TextSize, p.obj.TextStyle).Width
	full := fyne.MeasureText(text, p.obj.TextSize, p.obj.TextStyle).Width
	x = p.obj.Position().X
	switch p.obj.Alignment {
	case fyne.TextAlignTrailing:
		x += p.obj.Size().Width - full
	case fyne.TextAlignCenter:
		x += (p.obj.Size().Width - full) / 2
	}
	return x + lead, w
}

// richTextRenderer is RichText's own renderer plus the hovered link's
// underline.
type richTextRenderer struct {
	t     *richText
	inner fyne.WidgetRenderer

	pieces []linkPiece // nil until asked for after a refresh
	under  []fyne.CanvasObject
	objs   []fyne.CanvasObject // inner's objects and the underline, when there is one
}

func (r *richTextRenderer) Layout(s fyne.Size) {
	r.inner.Layout(s)
	r.underline()
}

func (r *richTextRenderer) MinSize() fyne.Size { return r.inner.MinSize() }

func (r *richTextRenderer) Refresh() {
	r.inner.Refresh() // lays the text out again: new objects
	r.pieces = nil
	if r.t.hover != nil && !r.hasLink(r.t.hover) {
		r.t.hover = nil
	}
	r.underline()
}

func (r *richTextRenderer) Objects() []fyne.CanvasObject {
	if len(r.under) == 0 {
		return r.inner.Objects()
	}
	return r.objs
}

func (r *richTextRenderer) Destroy() {
	r.inner.Destroy()
	if r.t.r == r {
		r.t.r = nil
	}
}

func (r *richTextRenderer) hasLink(l *linkSegment) bool {
	for _, p := range r.linkPieces() {
		if p.link == l {
			return true
		}
	}
	return false
}

// linkPieces pairs each laid-out piece of link text with its link.
// RichText makes one text object per text segment per line, in segment
// order, and a segment's pieces share out its text bar the spaces where
// lines break: so the letters of the text objects, in order, are those of
// the text segments, and counting them tells which segment each piece is
// from. A piece that does not match gives up: no link rather than the
// wrong one.
func (r *richTextRenderer) linkPieces() []linkPiece {
	if r.pieces != nil {
		return r.pieces
	}
	type leaf struct {
		letters []rune
		link    *linkSegment
	}
	var leaves []leaf
	var walk func(segs []widget.RichTextSegment, link *linkSegment)
	walk = func(segs []widget.RichTextSegment, link *linkSegment) {
		for _, s := range segs {
			switch s := s.(type) {
			case *widget.TextSegment:
				if l := letters(s.Text); len(l) > 0 {
					leaves = append(leaves, leaf{letters: l, link: link})
				}
			case *linkSegment:
				walk(s.Segments(), s)
			case widget.RichTextBlock:
				walk(s.Segments(), link)
			}
		}
	}
	walk(r.t.Segments, nil)
	r.pieces = []linkPiece{}
	next, seen := 0, 0
	for _, o := range r.inner.Objects() {
		txt, ok := o.(*canvas.Text)
		if !ok {
			continue
		}
		l := letters(txt.Text)
		if len(l) == 0 {
			continue // an empty paragraph end, or a space where a line broke
		}
		if next >= len(leaves) || seen+len(l) > len(leaves[next].letters) ||
			string(l) != string(leaves[next].letters[seen:seen+len(l)]) {
			r.pieces = []linkPiece{}
			return r.pieces
		}
		if leaves[next].link != nil {
			r.pieces = append(r.pieces, linkPiece{obj: txt, link: leaves[next].link})
		}
		if seen += len(l); seen == len(leaves[next].letters) {
			next, seen = next+1, 0
		}
	}
	return r.pieces
}

// underline draws a line under each piece of the hovered link.
func (r *richTextRenderer) underline() {
	r.under = nil
	if l := r.t.hover; l != nil {
		th := r.t.Theme()
		c := th.Color(theme.ColorNameHyperlink, fyne.CurrentApp().Settings().ThemeVariant())
		for _, p := range r.linkPieces() {
			if p.link != l {
				continue
			}
			x, w := p.span()
			h := fyne.MeasureText(p.obj.Text, p.obj.TextSize, p.obj.TextStyle).Height
			line := canvas.NewRectangle(c)
			line.Move(fyne.NewPos(x, p.obj.Position().Y+h))
			line.Resize(fyne.NewSize(w, 1))
			r.under = append(r.under, line)
		}
	}
	r.objs = nil
	if len(r.under) > 0 {
		r.objs = append(append([]fyne.CanvasObject{}, r.inner.Objects()...), r.under...)
	}
}

// letters is s without its spaces.
func letters(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, c := range s {
		if c != ' ' {
			out = append(out, c)
		}
	}
	return out
}
