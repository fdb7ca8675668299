package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Blocks that Fyne's RichText has no segment for. Each draws a widget of
// its own whose height follows its width (the text inside wraps): RichText
// asks a block for its MinSize after giving it the line's width, and the
// driver lays the article out again when that height changes.

// quoteSegment is a block quote: its own blocks, links included, indented
// behind a vertical rule.
type quoteSegment struct {
	Segments []widget.RichTextSegment
}

var _ widget.RichTextSegment = (*quoteSegment)(nil)

func (q *quoteSegment) Inline() bool { return false }
func (q *quoteSegment) Textual() string {
	return strings.TrimSuffix(plainText(q.Segments), "\n")
}
func (q *quoteSegment) Visual() fyne.CanvasObject  { return newQuoteView(q.Segments) }
func (q *quoteSegment) Update(o fyne.CanvasObject) { o.Refresh() }
func (q *quoteSegment) Select(_, _ fyne.Position)  {}
func (q *quoteSegment) SelectedText() string       { return "" }
func (q *quoteSegment) Unselect()                  {}

type quoteView struct {
	widget.BaseWidget
	text *richText
	rule *canvas.Rectangle
}

func newQuoteView(segs []widget.RichTextSegment) *quoteView {
	q := &quoteView{text: newRichText(segs...), rule: canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))}
	q.ExtendBaseWidget(q)
	return q
}

func (q *quoteView) CreateRenderer() fyne.WidgetRenderer {
	return &quoteRenderer{q: q}
}

type quoteRenderer struct{ q *quoteView }

// ruleWidth is the quote rule's thickness; the rule sits where body text
// starts, and the quote's text starts a padding after it.
const ruleWidth = 3

func (r *quoteRenderer) indent() (rule, text float32) {
	pad := r.q.Theme().Size(theme.SizeNameInnerPadding)
	return pad, pad + ruleWidth + pad/2
}

func (r *quoteRenderer) Layout(size fyne.Size) {
	rx, tx := r.indent()
	pad := r.q.Theme().Size(theme.SizeNameInnerPadding)
	r.q.rule.Move(fyne.NewPos(rx, pad/2))
	r.q.rule.Resize(fyne.NewSize(ruleWidth, max(0, size.Height-pad)))
	r.q.text.Move(fyne.NewPos(tx, 0))
	r.q.text.Resize(fyne.NewSize(max(0, size.Width-tx), size.Height))
}

func (r *quoteRenderer) MinSize() fyne.Size {
	_, tx := r.indent()
	return r.q.text.MinSize().AddWidthHeight(tx, 0)
}

func (r *quoteRenderer) Refresh() {
	// the colour is read here so a light/dark switch reaches the rule
	r.q.rule.FillColor = r.q.Theme().Color(theme.ColorNamePrimary, fyne.CurrentApp().Settings().ThemeVariant())
	r.q.rule.Refresh()
	r.q.text.Refresh()
}

func (r *quoteRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.q.rule, r.q.text}
}
func (r *quoteRenderer) Destroy() {}

// tableSegment draws an HTML table as a grid of wrapping cells: RichText
// has no table segment.
type tableSegment struct {
	Rows    [][]string
	Header  bool // the first row is a header
	Caption string
}

var _ widget.RichTextSegment = (*tableSegment)(nil)

func (t *tableSegment) Inline() bool { return false }
func (t *tableSegment) Textual() string {
	var b strings.Builder
	for _, row := range t.Rows {
		b.WriteString(strings.Join(row, "\t"))
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}
func (t *tableSegment) Visual() fyne.CanvasObject  { return newTableView(t.Rows, t.Header) }
func (t *tableSegment) Update(o fyne.CanvasObject) { o.Refresh() }
func (t *tableSegment) Select(_, _ fyne.Position)  {}
func (t *tableSegment) SelectedText() string       { return "" }
func (t *tableSegment) Unselect()                  {}

// tableView lays a table out the way a browser's automatic table layout
// does: columns get their one-line width when the table fits, otherwise
// each keeps room for its longest word and the rest is shared by how much
// text a column holds; cells wrap within their column.
type tableView struct {
	widget.BaseWidget
	cells  [][]*widget.Label // [row][column], every row as wide as the widest
	header bool

	bg    *canvas.Rectangle
	lines []*canvas.Rectangle // between rows
	// rowHeights are those of the last layout: the table's height follows
	// from its width, which only Layout knows.
	rowHeights []float32
}

func newTableView(rows [][]string, header bool) *tableView {
	cols := 0
	for _, row := range rows {
		cols = max(cols, len(row))
	}
	t := &tableView{header: header, bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))}
	for ri, row := range rows {
		cells := make([]*widget.Label, cols)
		for c := range cells {
			text := ""
			if c < len(row) {
				text = row[c]
			}
			l := widget.NewLabel(text)
			l.Wrapping = fyne.TextWrapWord
			l.TextStyle.Bold = ri == 0 && header
			cells[c] = l
		}
		t.cells = append(t.cells, cells)
		if ri > 0 {
			t.lines = append(t.lines, canvas.NewRectangle(theme.Color(theme.ColorNameSeparator)))
		}
	}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tableView) CreateRenderer() fyne.WidgetRenderer {
	objs := []fyne.CanvasObject{t.bg}
	for _, l := range t.lines {
		objs = append(objs, l)
	}
	for _, row := range t.cells {
		for _, c := range row {
			objs = append(objs, c)
		}
	}
	return &tableRenderer{t: t, objs: objs}
}

// columns shares width w among the columns.
func (t *tableView) columns(w float32) []float32 {
	if len(t.cells) == 0 {
		return nil
	}
	th := t.Theme()
	size := th.Size(theme.SizeNameText)
	pad := 2 * th.Size(theme.SizeNameInnerPadding)
	n := len(t.cells[0])
	natural := make([]float32, n)
	least := make([]float32, n)
	for _, row := range t.cells {
		for c, l := range row {
			natural[c] = max(natural[c], fyne.MeasureText(l.Text, size, l.TextStyle).Width+pad)
			for _, word := range strings.Fields(l.Text) {
				least[c] = max(least[c], fyne.MeasureText(word, size, l.TextStyle).Width+pad)
			}
			least[c] = max(least[c], pad)
		}
	}
	sum := func(s []float32) (t float32) {
		for _, v := range s {
			t += v
		}
		return t
	}
	out := make([]float32, n)
	switch nat, min := sum(natural), sum(least); {
	case nat <= w:
		// everything fits on one line: spread the spare width evenly by size
		for c := range out {
			out[c] = natural[c] * w / nat
		}
	case min <= w:
		spare, want := w-min, nat-min
		for c := range out {
			out[c] = least[c] + spare*(natural[c]-least[c])/want
		}
	default:
		// too narrow for the longest words: they break
		for c := range out {
			out[c] = least[c] * w / min
		}
	}
	return out
}

type tableRenderer struct {
	t    *tableView
	objs []fyne.CanvasObject
}

func (r *tableRenderer) Layout(size fyne.Size) {
	t := r.t
	widths := t.columns(size.Width)
	t.rowHeights = t.rowHeights[:0]
	y := float32(0)
	for ri, row := range t.cells {
		h := float32(0)
		for c, l := range row {
			// the label wraps to its column first, then says how tall it is
			l.Resize(fyne.NewSize(widths[c], l.Size().Height))
			h = max(h, l.MinSize().Height)
		}
		x := float32(0)
		for c, l := range row {
			l.Move(fyne.NewPos(x, y))
			l.Resize(fyne.NewSize(widths[c], h))
			x += widths[c]
		}
		if ri > 0 {
			line := t.lines[ri-1]
			line.Move(fyne.NewPos(0, y))
			line.Resize(fyne.NewSize(size.Width, 1))
		}
		t.rowHeights = append(t.rowHeights, h)
		y += h
	}
	t.bg.Resize(fyne.NewSize(size.Width, y))
}

// MinSize is narrow, so a table never forces the reader wider, and as tall
// as the rows were at the last layout's width (one line each before it).
func (r *tableRenderer) MinSize() fyne.Size {
	t := r.t
	h := float32(0)
	if len(t.rowHeights) == len(t.cells) && len(t.cells) > 0 {
		for _, rh := range t.rowHeights {
			h += rh
		}
	} else {
		// a wrapping label has no useful height before it has a width
		th := t.Theme()
		line := fyne.MeasureText("M", th.Size(theme.SizeNameText), fyne.TextStyle{}).Height + 2*th.Size(theme.SizeNameInnerPadding)
		h = line * float32(len(t.cells))
	}
	w := float32(0)
	if len(t.cells) > 0 {
		w = float32(len(t.cells[0])) * 2 * t.Theme().Size(theme.SizeNameInnerPadding) * 3
	}
	return fyne.NewSize(w, h)
}

func (r *tableRenderer) Refresh() {
	t := r.t
	th, v := t.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	t.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	t.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	t.bg.Refresh()
	for _, l := range t.lines {
		l.FillColor = th.Color(theme.ColorNameSeparator, v)
		l.Refresh()
	}
	for _, row := range t.cells {
		for _, l := range row {
			l.Refresh()
		}
	}
	r.Layout(t.Size())
}

func (r *tableRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *tableRenderer) Destroy()                     {}
