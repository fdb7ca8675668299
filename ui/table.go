package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

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
