package ui

import (
	"image/color"
	"math"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// docPage is the reader's page: Folio's own text view on Fyne's canvas
// primitives. Fyne's RichText lays out and draws a whole article on every
// change (2.5 s for a 40-minute article, minutes and gigabytes for one 10 MB
// paragraph) and can neither select nor draw behind text. docPage lays each
// block out by itself, with word widths measured once and cached, and only
// the blocks that are seen; the rest have estimated heights until they come
// into view. Only the lines on screen (and a screen either side) exist as
// canvas.Text objects.
//
// Offsets: every line keeps its byte range in its block's text, and every
// block its place in the document's plain text, so a point maps to a text
// offset (offsetAt) and a range of text to the lines it covers: what
// selection and highlights build on.
type docPage struct {
	widget.BaseWidget

	scroll *wheelScroll // the page's viewport
	theme  fyne.Theme   // the reader's theme (text size)
	style  *docStyle
	meas   *measurer
	open   func(*url.URL)

	head  []*block // title, byline, dates, tag editor: not part of the document's text
	doc   *document
	items []*block // head then doc.blocks: what is laid out
	lay   []blockLayout

	width   float32 // page width laid out at
	colX    float32 // the column's left edge and width
	colW    float32
	anchor  int     // item at the top of the viewport
	anchorY float32 // how far into it the viewport starts
	top     float32 // the viewport's offset (content coordinates)

	// the band of content with objects made for it
	bandTop, bandBottom float32
	objs                []fyne.CanvasObject
	drawn               int          // objs before the hovered link's underlines
	pieces              []placedText // the texts in objs, for taps
	images              map[*block]*canvas.Image
	widgets             map[*block]fyne.CanvasObject
	hover               *url.URL
	onMove              func() // told when the viewport moves
}

// placedText is a drawn piece of a line and where its text comes from.
type placedText struct {
	t          *canvas.Text
	item       int
	start, end int // bytes in the block's text
	link       *url.URL
}

// blockLayout is a block laid out at the page's width: its lines and
// height, or only an estimate of its height until it is seen.
type blockLayout struct {
	laid   bool
	height float32 // space above included
	above  float32 // space above the block's content
	lines  []textLine
	lineH  float32
	size   float32 // text size
	indent float32
}

// textLine is one line of a block: its bytes in the block's text.
type textLine struct {
	start, end int32
}

var (
	_ fyne.Tappable      = (*docPage)(nil)
	_ desktop.Hoverable  = (*docPage)(nil)
	_ desktop.Cursorable = (*docPage)(nil)
)

func newDocPage(th fyne.Theme, style *docStyle, open func(*url.URL)) *docPage {
	p := &docPage{theme: th, style: style, meas: newMeasurer(), open: open,
		images: map[*block]*canvas.Image{}, widgets: map[*block]fyne.CanvasObject{}}
	p.doc = &document{}
	p.ExtendBaseWidget(p)
	return p
}

// setDocument shows a new document (and header) from its top.
func (p *docPage) setDocument(head []*block, doc *document) {
	p.head, p.doc = head, doc
	p.items = append(append(make([]*block, 0, len(head)+len(doc.blocks)), head...), doc.blocks...)
	p.images = map[*block]*canvas.Image{}
	for b, w := range p.widgets {
		if b.kind != blockWidget {
			delete(p.widgets, b)
		} else {
			_ = w
		}
	}
	p.anchor, p.anchorY = 0, 0
	p.invalidate()
}

// restyle lays everything out again (text size, font or theme changed),
// keeping the line at the top of the viewport in place.
func (p *docPage) restyle() {
	p.meas.reset()
	p.invalidate()
}

func (p *docPage) invalidate() {
	p.lay = make([]blockLayout, len(p.items))
	p.width = -1
	p.bandTop, p.bandBottom = 1, 0
	if s := p.Size(); s.Width > 0 {
		p.relayout(s.Width)
	}
}

// docStyle is how the reader draws text: sizes, fonts and colours.
type docStyle struct {
	size  float32 // body text size
	serif bool
}

// fonts are the bundled serif faces; nil means the theme's sans.
func (p *docPage) font(s fyne.TextStyle) fyne.Resource {
	if !p.style.serif || s.Monospace {
		return nil
	}
	return serifFont(s)
}

// kindSize is a block's text size relative to the body's.
func kindSize(b *block) float32 {
	switch b.kind {
	case blockTitle:
		return 1.75
	case blockHeading:
		switch b.level {
		case 1:
			return 1.5
		case 2:
			return 1.3
		case 3:
			return 1.12
		}
	case blockMeta, blockCaption:
		return 0.88
	case blockCode:
		return 0.88
	}
	return 1
}

// lineHeight is a block's line height as a multiple of its text size.
func lineHeight(b *block) float32 {
	switch b.kind {
	case blockTitle, blockHeading:
		return 1.25
	case blockCode, blockMeta:
		return 1.4
	}
	return 1.5
}

// spaceAbove is the gap before item i, in ems of body text: more above a
// heading than below it, little between the pieces of one thing.
func (p *docPage) spaceAbove(i int) float32 {
	if i == 0 {
		return 0
	}
	b, prev := p.items[i], p.items[i-1]
	switch {
	case b.cont:
		return 0
	case b.kind == blockHeading:
		return 1.6
	case prev.kind == blockHeading || prev.kind == blockTitle:
		return 0.5
	case b.kind == blockMeta:
		return 0.35
	case b.kind == blockCaption && prev.kind == blockImage:
		return 0.4
	case b.list > 0 && prev.list > 0 && b.mark != "":
		return 0.3
	case b.kind == blockWidget:
		return 0.6
	}
	return 0.9
}

// measureChars is the column's width in average letters: greedy breaking
// then gives lines of about 60 to 70.
const measureChars = 70

// measureWidth is the page's column: measureChars average letters of body
// text at the current size and font, so the measure holds at any size.
func (p *docPage) measureWidth() float32 {
	const sample = "The quick brown fox jumps over the lazy dog, Việt Nam đổi mới 1234."
	w := p.meas.width(sample, p.style.size, fyne.TextStyle{}, p.font(fyne.TextStyle{}))
	return w / float32(utf8.RuneCountInString(sample)) * measureChars
}

// relayout sets the column for page width w and lays out what is seen.
func (p *docPage) relayout(w float32) {
	pad := p.theme.Size(theme.SizeNamePadding) * 3
	p.colW = max(80, min(w-2*pad, p.measureWidth()))
	p.colX = max(pad, (w-p.colW)/2)
	if w != p.width {
		for i := range p.lay {
			p.lay[i] = blockLayout{}
		}
		p.width = w
	}
	p.materialize()
}

// estimate gives item i a height without laying it out: lines from its
// length at an average letter width.
func (p *docPage) estimate(i int) {
	b := p.items[i]
	l := &p.lay[i]
	l.size = p.style.size * kindSize(b)
	l.lineH = l.size * lineHeight(b)
	l.above = p.spaceAbove(i) * p.style.size
	if i == 0 {
		l.above = p.theme.Size(theme.SizeNamePadding) * 3 // the page's top margin
	}
	l.indent = p.indent(b)
	avail := max(1, p.colW-l.indent)
	switch b.kind {
	case blockImage:
		_, h := p.imageSize(b, avail)
		l.height = l.above + h
	case blockRule:
		l.height = l.above + l.size
	case blockWidget, blockTable:
		l.height = l.above + l.lineH*float32(max(1, strings.Count(b.text, "\n")+1))
	default:
		perLine := max(1, avail/(l.size*0.5))
		lines := float32(math.Ceil(float64(float32(utf8.RuneCountInString(b.text)) / perLine)))
		if b.kind == blockCode {
			lines += float32(strings.Count(b.text, "\n"))
		}
		l.height = l.above + max(1, lines)*l.lineH + p.padBelow(b)
	}
}

func (p *docPage) padBelow(b *block) float32 {
	if b.kind == blockCode {
		return p.style.size * 0.8 // shading inside the block
	}
	return 0
}

func (p *docPage) indent(b *block) float32 {
	em := p.style.size
	in := float32(b.quote) * 1.3 * em
	if b.list > 0 {
		in += float32(b.list) * 1.6 * em
	}
	if b.kind == blockCode {
		in += 0.6 * em
	}
	return in
}

// imageSize fits an image to the column: a large one shrinks to fit, a
// small one grows at most to twice its size.
func (p *docPage) imageSize(b *block, avail float32) (float32, float32) {
	img := b.image
	w := min(avail, float32(img.w)*2)
	return w, w * float32(img.h) / float32(img.w)
}

// layBlock lays item i out at the column width.
func (p *docPage) layBlock(i int) {
	p.estimate(i)
	b := p.items[i]
	l := &p.lay[i]
	l.laid = true
	avail := max(1, p.colW-l.indent)
	switch b.kind {
	case blockImage, blockRule:
		return
	case blockWidget, blockTable:
		o := p.widget(b)
		o.Resize(fyne.NewSize(avail, max(1, o.MinSize().Height)))
		h := o.MinSize().Height // a table knows its height once it has a width
		o.Resize(fyne.NewSize(avail, h))
		l.height = l.above + h
		return
	}
	l.lines = breakLines(b, avail, l.size, p.meas, p.font)
	l.height = l.above + float32(len(l.lines))*l.lineH + p.padBelow(b)
}

// widget is the Fyne object a table or widget block draws with.
func (p *docPage) widget(b *block) fyne.CanvasObject {
	if o, ok := p.widgets[b]; ok {
		return o
	}
	var o fyne.CanvasObject
	if b.kind == blockWidget {
		o = b.obj
	} else {
		o = container.NewThemeOverride(newTableView(b.table.rows, b.table.header), p.theme)
	}
	p.widgets[b] = o
	return o
}

// tops are the items' top edges with the page's total height last.
func (p *docPage) tops() []float32 {
	out := make([]float32, len(p.items)+1)
	y := float32(0)
	for i := range p.items {
		if p.lay[i].size == 0 {
			p.estimate(i)
		}
		out[i] = y
		y += p.lay[i].height
	}
	out[len(p.items)] = y + p.style.size*3
	return out
}

func (p *docPage) totalHeight() float32 {
	t := p.tops()
	return t[len(t)-1]
}

func (p *docPage) viewport() (top, height float32) {
	if p.scroll == nil {
		return 0, p.Size().Height
	}
	return p.top, p.scroll.Size().Height
}

// materialize lays out the items around the viewport, keeps the anchor
// line where it was if items above it changed height, and makes the
// objects of the band around the viewport.
func (p *docPage) materialize() {
	if len(p.lay) != len(p.items) || p.colW == 0 {
		return
	}
	_, vh := p.viewport()
	if vh <= 0 {
		vh = 800
	}
	// Lay out from the anchor down to a screen below the viewport, and a
	// screen above it; an item laid out above moves the anchor, not the view.
	tops := p.tops()
	y := tops[p.anchor] + p.anchorY
	for i := p.anchor; i < len(p.items) && tops[i] < y+2*vh; i++ {
		if !p.lay[i].laid {
			p.layBlock(i)
			tops = p.tops()
		}
	}
	for i := p.anchor - 1; i >= 0 && tops[i+1] > y-vh; i-- {
		if !p.lay[i].laid {
			p.layBlock(i)
			tops = p.tops()
		}
	}
	newTop := tops[p.anchor] + p.anchorY
	total := tops[len(tops)-1]
	if newTop != p.top {
		p.top = newTop
		if p.scroll != nil {
			p.scroll.moveTo(newTop, total)
		}
	}
	p.build(tops, newTop-vh, newTop+2*vh)
	if p.scroll != nil && math.Abs(float64(total-p.Size().Height)) > 0.5 {
		p.scroll.contentChanged()
	}
}

// scrolled is told the viewport's new offset by the scroll container.
func (p *docPage) scrolled(top float32) {
	if top == p.top && p.bandTop <= p.bandBottom {
		return
	}
	p.top = top
	if p.onMove != nil {
		p.onMove()
	}
	tops := p.tops()
	p.anchor = max(0, searchTops(tops, top))
	p.anchorY = top - tops[p.anchor]
	_, vh := p.viewport()
	if top >= p.bandTop+vh/2 && top+vh <= p.bandBottom-vh/2 {
		return // still well inside what is drawn
	}
	p.materialize()
}

// searchTops finds the item whose span holds y.
func searchTops(tops []float32, y float32) int {
	lo, hi := 0, len(tops)-2
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if tops[mid] <= y {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// build makes the objects for the items between y0 and y1.
func (p *docPage) build(tops []float32, y0, y1 float32) {
	c := p.colors()
	objs := p.objs[:0]
	p.pieces = p.pieces[:0]
	first := max(0, searchTops(tops, max(0, y0)))
	for i := first; i < len(p.items) && tops[i] < y1; i++ {
		if !p.lay[i].laid {
			p.layBlock(i)
		}
		objs = p.buildItem(objs, i, tops[i], y0, y1, c)
	}
	p.objs = objs
	p.drawn = len(objs)
	p.underline()
	p.bandTop, p.bandBottom = y0, y1
	p.Refresh()
}

func (p *docPage) buildItem(objs []fyne.CanvasObject, i int, top, y0, y1 float32, c docColors) []fyne.CanvasObject {
	b, l := p.items[i], &p.lay[i]
	x := p.colX + l.indent
	y := top + l.above
	h := l.height - l.above
	avail := p.colW - l.indent
	em := p.style.size
	for q := 0; q < b.quote; q++ {
		rule := canvas.NewRectangle(c.rule)
		rule.Move(fyne.NewPos(p.colX+float32(q)*1.3*em+2, top+min(l.above, em*0.2)))
		rule.Resize(fyne.NewSize(3, h+l.above-min(l.above, em*0.2)))
		objs = append(objs, rule)
	}
	switch b.kind {
	case blockImage:
		img := p.images[b]
		if img == nil {
			img = canvas.NewImageFromImage(b.image.img)
			img.FillMode = canvas.ImageFillContain
			img.ScaleMode = canvas.ImageScaleSmooth
			p.images[b] = img
		}
		w, ih := p.imageSize(b, avail)
		img.Move(fyne.NewPos(x+(avail-w)/2, y))
		img.Resize(fyne.NewSize(w, ih))
		return append(objs, img)
	case blockRule:
		r := canvas.NewRectangle(c.rule)
		r.Move(fyne.NewPos(x, y+l.size/2))
		r.Resize(fyne.NewSize(avail, 1))
		return append(objs, r)
	case blockWidget, blockTable:
		o := p.widget(b)
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(avail, h))
		return append(objs, o)
	case blockCode:
		bg := canvas.NewRectangle(c.codeBg)
		bg.CornerRadius = p.theme.Size(theme.SizeNameInputRadius)
		bg.Move(fyne.NewPos(x-0.6*em, y))
		bg.Resize(fyne.NewSize(avail+0.6*em, h))
		objs = append(objs, bg)
		y += p.padBelow(b) / 2
	}
	if b.mark != "" {
		m := canvas.NewText(b.mark, c.muted)
		m.TextSize = l.size
		m.TextStyle = fyne.TextStyle{Bold: b.mark != "•"}
		m.FontSource = p.font(m.TextStyle)
		mw := p.meas.width(b.mark, l.size, m.TextStyle, m.FontSource)
		m.Move(fyne.NewPos(x-mw-0.5*em, y+(l.lineH-l.size*1.35)/2))
		m.Resize(fyne.NewSize(mw, l.size*1.35))
		objs = append(objs, m)
	}
	color := c.text
	switch b.kind {
	case blockMeta, blockCaption:
		color = c.muted
	}
	for li, ln := range l.lines {
		ly := y + float32(li)*l.lineH
		if ly+l.lineH < y0 || ly > y1 {
			continue
		}
		lx := x
		if b.kind == blockCaption {
			lx += (avail - p.rangeWidth(b, int(ln.start), int(ln.end), l.size)) / 2
		}
		objs = p.lineTexts(objs, i, b, ln, lx, ly+(l.lineH-l.size*1.35)/2, l.size, color, c)
	}
	return objs
}

// lineTexts draws one line: a canvas.Text per run on it.
func (p *docPage) lineTexts(objs []fyne.CanvasObject, i int, b *block, ln textLine, x, y, size float32, col color.Color, c docColors) []fyne.CanvasObject {
	start, end := int(ln.start), int(ln.end)
	rs := 0
	for _, r := range b.runs {
		re := r.end
		if re <= start {
			rs = re
			continue
		}
		a, z := max(rs, start), min(re, end)
		rs = re
		if a >= z {
			if re >= end {
				break
			}
			continue
		}
		t := canvas.NewText(expandTabs(b.text[a:z]), col)
		t.TextSize = size
		t.TextStyle = r.style
		if r.link != nil {
			t.Color = c.link
		}
		t.FontSource = p.font(r.style)
		t.Move(fyne.NewPos(x+p.rangeWidth(b, start, a, size), y))
		t.Resize(fyne.NewSize(p.rangeWidth(b, a, z, size), size*1.35))
		objs = append(objs, t)
		p.pieces = append(p.pieces, placedText{t: t, item: i, start: a, end: z, link: r.link})
		if re >= end {
			break
		}
	}
	return objs
}

func expandTabs(s string) string {
	if strings.IndexByte(s, '\t') < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\t", "    ")
}

// rangeWidth is the width of b.text[a:z] as laid out.
func (p *docPage) rangeWidth(b *block, a, z int, size float32) float32 {
	if a >= z {
		return 0
	}
	w := float32(0)
	rs := 0
	for _, r := range b.runs {
		s, e := max(rs, a), min(r.end, z)
		rs = r.end
		if s < e {
			w += textWidth(b.text[s:e], size, r.style, p.meas, p.font)
		}
		if r.end >= z {
			break
		}
	}
	return w
}

// textWidth measures s word by word, as the line breaker does.
func textWidth(s string, size float32, st fyne.TextStyle, m *measurer, font func(fyne.TextStyle) fyne.Resource) float32 {
	src := font(st)
	w := float32(0)
	for s != "" {
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			return w + m.width(s, size, st, src)
		}
		if i > 0 {
			w += m.width(s[:i], size, st, src)
		}
		if s[i] == '\t' {
			w += 4 * m.width(" ", size, st, src)
		} else {
			w += m.width(" ", size, st, src)
		}
		s = s[i+1:]
	}
	return w
}

// breakLines breaks a block's text into lines at most avail wide, at
// spaces (and newlines in code); a word wider than a line is cut between
// letters.
func breakLines(b *block, avail, size float32, m *measurer, font func(fyne.TextStyle) fyne.Resource) []textLine {
	text := b.text
	var lines []textLine
	styleAt := func(pos int) fyne.TextStyle {
		for _, r := range b.runs {
			if pos < r.end {
				return r.style
			}
		}
		if n := len(b.runs); n > 0 {
			return b.runs[n-1].style
		}
		return fyne.TextStyle{}
	}
	// wordWidth measures text[a:z], which may cross runs.
	wordWidth := func(a, z int) float32 {
		w := float32(0)
		rs := 0
		for _, r := range b.runs {
			s, e := max(rs, a), min(r.end, z)
			rs = r.end
			if s < e {
				w += m.width(text[s:e], size, r.style, font(r.style))
			}
			if r.end >= z {
				break
			}
		}
		if len(b.runs) == 0 {
			w = m.width(text[a:z], size, fyne.TextStyle{}, font(fyne.TextStyle{}))
		}
		return w
	}
	lineStart, lineEnd := 0, 0
	x := float32(0)
	pos := 0
	pending := float32(0) // the spaces before the next word
	newLine := func(at int) {
		lines = append(lines, textLine{start: int32(lineStart), end: int32(lineEnd)})
		lineStart, lineEnd, x, pending = at, at, 0, 0
	}
	for pos < len(text) {
		c := text[pos]
		switch c {
		case '\n':
			newLine(pos + 1)
			pos++
			continue
		case ' ', '\t':
			st := styleAt(pos)
			sw := m.width(" ", size, st, font(st))
			if c == '\t' {
				sw *= 4
			}
			if x == 0 && lineStart == pos && b.kind != blockCode {
				// a line never starts with the space it broke at
				lineStart, lineEnd = pos+1, pos+1
			} else {
				pending += sw
			}
			pos++
			continue
		}
		end := pos
		for end < len(text) && text[end] != ' ' && text[end] != '\n' && text[end] != '\t' {
			end++
		}
		ww := wordWidth(pos, end)
		if x > 0 && x+pending+ww > avail {
			newLine(pos)
		}
		if ww > avail {
			// too long for any line: cut it between letters
			for pos < end {
				fit := pos
				w := x + pending
				for fit < end {
					_, n := utf8.DecodeRuneInString(text[fit:end])
					st := styleAt(fit)
					cw := m.width(text[fit:fit+n], size, st, font(st))
					if w+cw > avail && fit > pos {
						break
					}
					w += cw
					fit += n
				}
				lineEnd = fit
				x = w
				pending = 0
				pos = fit
				if pos < end {
					newLine(pos)
				}
			}
			continue
		}
		x += pending + ww
		pending = 0
		lineEnd = end
		pos = end
	}
	if lineEnd > lineStart || len(lines) == 0 {
		lines = append(lines, textLine{start: int32(lineStart), end: int32(lineEnd)})
	}
	return lines
}

// offsetAt maps a point on the page to the document's plain-text offset
// of the letter under it, or -1 off the text (the header, images, gaps
// between blocks keep the nearest line's ends).
func (p *docPage) offsetAt(pos fyne.Position) int {
	tops := p.tops()
	i := searchTops(tops, pos.Y)
	if i < len(p.head) || i >= len(p.items) {
		return -1
	}
	b, l := p.items[i], &p.lay[i]
	if !l.laid {
		p.layBlock(i)
	}
	if len(l.lines) == 0 {
		return b.start
	}
	y := pos.Y - tops[i] - l.above
	li := max(0, min(len(l.lines)-1, int(y/l.lineH)))
	ln := l.lines[li]
	x := pos.X - p.colX - l.indent
	off := int(ln.start)
	for off < int(ln.end) {
		_, n := utf8.DecodeRuneInString(b.text[off:])
		if p.rangeWidth(b, int(ln.start), off+n, l.size) > x {
			break
		}
		off += n
	}
	return b.start + off
}

// position is the plain-text offset at the top of the viewport, for
// remembering where the reader was.
func (p *docPage) position() int {
	if p.anchor < len(p.head) || p.anchor >= len(p.items) {
		return 0
	}
	b, l := p.items[p.anchor], &p.lay[p.anchor]
	if !l.laid || len(l.lines) == 0 {
		return b.start
	}
	li := max(0, min(len(l.lines)-1, int((p.anchorY-l.above)/l.lineH)))
	return b.start + int(l.lines[li].start)
}

// scrollToOffset puts the line holding plain-text offset off at the top.
func (p *docPage) scrollToOffset(off int) {
	if off <= 0 || len(p.doc.blocks) == 0 {
		p.anchor, p.anchorY = 0, 0
		p.materialize()
		return
	}
	bi := p.doc.blockAt(off)
	i := len(p.head) + bi
	if !p.lay[i].laid {
		p.layBlock(i)
	}
	l := &p.lay[i]
	y := float32(0)
	rel := int32(off - p.items[i].start)
	for li, ln := range l.lines {
		if rel >= ln.start {
			y = l.above + float32(li)*l.lineH
		}
	}
	p.anchor, p.anchorY = i, y
	p.materialize()
}

// fraction is how far through the document the viewport's top is, 0–1.
func (p *docPage) fraction() float64 {
	if p.doc.size == 0 {
		return 0
	}
	_, vh := p.viewport()
	if p.top+vh >= p.totalHeight()-1 {
		return 1
	}
	return math.Min(1, float64(p.position())/float64(p.doc.size))
}

// Tapped opens the link under the pointer.
func (p *docPage) Tapped(ev *fyne.PointEvent) {
	if l := p.linkAt(ev.Position); l != nil && p.open != nil {
		p.open(l)
	}
}

func (p *docPage) linkAt(pos fyne.Position) *url.URL {
	for _, pc := range p.pieces {
		if pc.link == nil {
			continue
		}
		tp, ts := pc.t.Position(), pc.t.Size()
		if pos.X >= tp.X && pos.X < tp.X+ts.Width && pos.Y >= tp.Y && pos.Y < tp.Y+ts.Height {
			return pc.link
		}
	}
	return nil
}

func (p *docPage) MouseIn(ev *desktop.MouseEvent) { p.MouseMoved(ev) }
func (p *docPage) MouseMoved(ev *desktop.MouseEvent) {
	if l := p.linkAt(ev.Position); l != p.hover {
		p.hover = l
		p.underline()
		p.Refresh()
	}
}

// underline draws a line under each piece of the link under the mouse
// (canvas.Text cannot underline), after the page's other objects.
func (p *docPage) underline() {
	p.objs = p.objs[:p.drawn]
	if p.hover == nil {
		return
	}
	c := p.colors()
	for _, pc := range p.pieces {
		if pc.link != p.hover {
			continue
		}
		r := canvas.NewRectangle(c.link)
		tp, ts := pc.t.Position(), pc.t.Size()
		r.Move(fyne.NewPos(tp.X, tp.Y+ts.Height-2))
		r.Resize(fyne.NewSize(ts.Width, 1))
		p.objs = append(p.objs, r)
	}
}
func (p *docPage) MouseOut() {
	p.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(-1, -1)}})
}

func (p *docPage) Cursor() desktop.Cursor {
	if p.hover != nil {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// Resize lays the page out again when its width changes.
func (p *docPage) Resize(s fyne.Size) {
	old := p.Size()
	p.BaseWidget.Resize(s)
	if s.Width != old.Width || p.width != s.Width {
		p.relayout(s.Width)
	}
}

// Move is how the scroll container scrolls the page: the page follows.
func (p *docPage) Move(pos fyne.Position) {
	p.BaseWidget.Move(pos)
	p.scrolled(-pos.Y)
}

func (p *docPage) MinSize() fyne.Size {
	return fyne.NewSize(0, p.totalHeight())
}

func (p *docPage) CreateRenderer() fyne.WidgetRenderer {
	return &docRenderer{p: p}
}

type docRenderer struct{ p *docPage }

func (r *docRenderer) Layout(fyne.Size)             {}
func (r *docRenderer) MinSize() fyne.Size           { return r.p.MinSize() }
func (r *docRenderer) Objects() []fyne.CanvasObject { return r.p.objs }
func (r *docRenderer) Destroy()                     {}
func (r *docRenderer) Refresh() {
	for _, o := range r.p.objs {
		if _, ok := o.(*canvas.Text); !ok {
			o.Refresh()
		}
	}
	canvas.Refresh(r.p)
}

// measurer measures words once per size, style and font: a relayout then
// only adds up cached widths. Safe for use from several goroutines.
type measurer struct {
	mu    sync.Mutex
	cache map[measureKey]float32
}

type measureKey struct {
	s     string
	size  float32
	style fyne.TextStyle
	font  fyne.Resource
}

// maxMeasured bounds the cache: an article of random letters cannot grow it
// without end.
const maxMeasured = 200_000

func newMeasurer() *measurer { return &measurer{cache: map[measureKey]float32{}} }

func (m *measurer) reset() {
	m.mu.Lock()
	clear(m.cache)
	m.mu.Unlock()
}

func (m *measurer) width(s string, size float32, style fyne.TextStyle, font fyne.Resource) float32 {
	style.Underline = false
	k := measureKey{s: s, size: size, style: style, font: font}
	m.mu.Lock()
	w, ok := m.cache[k]
	m.mu.Unlock()
	if ok {
		return w
	}
	sz, _ := fyne.CurrentApp().Driver().RenderedTextSize(s, size, style, font)
	m.mu.Lock()
	if len(m.cache) >= maxMeasured {
		clear(m.cache)
	}
	// the key keeps its own copy: s may be a slice of a 10 MB paragraph
	k.s = strings.Clone(s)
	m.cache[k] = sz.Width
	m.mu.Unlock()
	return sz.Width
}

// docColors are the reader's colours in the current theme variant, chosen
// to meet WCAG AA (4.5:1) against the background.
type docColors struct {
	text, muted, link, rule, codeBg color.Color
}

func (p *docPage) colors() docColors {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	return readerColors(p.theme, v)
}

func readerColors(th fyne.Theme, v fyne.ThemeVariant) docColors {
	bg := th.Color(theme.ColorNameBackground, v)
	fg := th.Color(theme.ColorNameForeground, v)
	text := fg
	if luminance(bg) > 0.5 {
		// near-black on a light page, not the theme's grey
		text = color.NRGBA{R: 0x1a, G: 0x1a, B: 0x1c, A: 0xff}
	}
	return docColors{
		text:   text,
		muted:  towards(text, bg, 4.8),
		link:   readable(th.Color(theme.ColorNameHyperlink, v), text, bg, 4.6),
		rule:   th.Color(theme.ColorNamePrimary, v),
		codeBg: th.Color(theme.ColorNameInputBackground, v),
	}
}

// towards mixes from into bg as far as it can while keeping contrast
// ratio at least want against bg.
func towards(from, bg color.Color, want float64) color.Color {
	best := toNRGBA(from)
	for t := 0.0; t <= 1.0; t += 0.02 {
		c := mix(from, bg, t)
		if contrast(c, bg) < want {
			break
		}
		best = c
	}
	return best
}

// readable returns c if it has contrast want against bg, else c moved
// towards text until it does.
func readable(c, text, bg color.Color, want float64) color.Color {
	for t := 0.0; t <= 1.0; t += 0.05 {
		m := mix(c, text, t)
		if contrast(m, bg) >= want {
			return m
		}
	}
	return text
}

func toNRGBA(c color.Color) color.NRGBA {
	return color.NRGBAModel.Convert(c).(color.NRGBA)
}

func mix(a, b color.Color, t float64) color.NRGBA {
	x, y := toNRGBA(a), toNRGBA(b)
	f := func(p, q uint8) uint8 { return uint8(math.Round(float64(p)*(1-t) + float64(q)*t)) }
	return color.NRGBA{R: f(x.R, y.R), G: f(x.G, y.G), B: f(x.B, y.B), A: 0xff}
}

// luminance is WCAG's relative luminance of c (alpha ignored).
func luminance(c color.Color) float64 {
	n := toNRGBA(c)
	ch := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(n.R) + 0.7152*ch(n.G) + 0.0722*ch(n.B)
}

// contrast is WCAG's contrast ratio of a against b.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// wheelScroll is a vertical scroll container whose mouse wheel moves about
// three lines of reader text a notch (Fyne's 25 units a notch is barely one
// line), and which tells its docPage where it is.
type wheelScroll struct {
	container.Scroll
	page *docPage
}

// notch is the distance Fyne's desktop driver reports for one wheel notch.
const notch = 25

func newWheelScroll(p *docPage) *wheelScroll {
	s := &wheelScroll{page: p}
	s.Direction = container.ScrollVerticalOnly
	s.Content = p
	p.scroll = s
	s.ExtendBaseWidget(s)
	return s
}

func (s *wheelScroll) Scrolled(ev *fyne.ScrollEvent) {
	e := *ev
	e.Scrolled.DY = ev.Scrolled.DY / notch * 3 * s.page.style.size * 1.5
	s.Scroll.Scrolled(&e)
}

// moveTo scrolls to top without telling the page (which asked for it).
func (s *wheelScroll) moveTo(top, total float32) {
	top = max(0, min(top, total-s.Size().Height))
	s.Offset = fyne.NewPos(0, top)
	s.page.top = top
	s.Scroll.Refresh()
}

// contentChanged lets the container see the page's new height.
func (s *wheelScroll) contentChanged() {
	s.Scroll.Refresh()
}
