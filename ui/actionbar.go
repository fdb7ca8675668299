package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// actionBar is one row of labelled buttons that never wraps. When the pane
// is too narrow for all of them, the least needed ones move into a "More"
// menu at the end of the row, the way desktop mail and document apps keep a
// toolbar on one line. Labels stay: Fyne has no tooltips, and an icon alone
// would leave a person guessing what "archive" or "re-fetch" looks like.
type actionBar struct {
	widget.BaseWidget
	buttons []*widget.Button // in display order
	// drop lists indexes into buttons in the order they leave the row.
	drop []int
	more *widget.Button
	// shown records which buttons the last layout kept on the row.
	shown []bool
}

// newActionBar makes a bar of buttons; drop names, by index, the order in
// which buttons move into the "More" menu as space runs out (buttons not
// named never move).
func newActionBar(buttons []*widget.Button, drop []int) *actionBar {
	b := &actionBar{buttons: buttons, drop: drop, shown: make([]bool, len(buttons))}
	for i := range b.shown {
		b.shown[i] = true
	}
	b.more = widget.NewButtonWithIcon("", theme.MoreHorizontalIcon(), b.showMore)
	b.more.Importance = widget.LowImportance
	b.more.Hide()
	b.ExtendBaseWidget(b)
	return b
}

func (b *actionBar) CreateRenderer() fyne.WidgetRenderer {
	objs := make([]fyne.CanvasObject, 0, len(b.buttons)+1)
	for _, btn := range b.buttons {
		objs = append(objs, btn)
	}
	objs = append(objs, b.more)
	return &actionBarRenderer{bar: b, objs: objs}
}

// setEnabled enables or disables every action, "More" included.
func (b *actionBar) setEnabled(on bool) {
	for _, btn := range append(append([]*widget.Button{}, b.buttons...), b.more) {
		if on {
			btn.Enable()
		} else {
			btn.Disable()
		}
	}
}

// overflow lists the buttons that the last layout moved into the menu.
func (b *actionBar) overflow() []*widget.Button {
	var out []*widget.Button
	for i, btn := range b.buttons {
		if !b.shown[i] {
			out = append(out, btn)
		}
	}
	return out
}

// menu is the "More" menu: the moved buttons with their current labels.
func (b *actionBar) menu() *fyne.Menu {
	var items []*fyne.MenuItem
	for _, btn := range b.overflow() {
		it := fyne.NewMenuItemWithIcon(btn.Text, btn.Icon, btn.OnTapped)
		it.Disabled = btn.Disabled()
		items = append(items, it)
	}
	return fyne.NewMenu("", items...)
}

func (b *actionBar) showMore() {
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil {
		return
	}
	widget.ShowPopUpMenuAtRelativePosition(b.menu(), c, fyne.NewPos(0, b.more.Size().Height), b.more)
}

// fit decides which buttons stay on a row of width w.
func (b *actionBar) fit(w float32) []bool {
	shown := make([]bool, len(b.buttons))
	total := float32(0)
	for i, btn := range b.buttons {
		shown[i] = true
		total += btn.MinSize().Width
	}
	if total <= w {
		return shown
	}
	total += b.more.MinSize().Width
	for _, i := range b.drop {
		if total <= w {
			break
		}
		shown[i] = false
		total -= b.buttons[i].MinSize().Width
	}
	return shown
}

type actionBarRenderer struct {
	bar  *actionBar
	objs []fyne.CanvasObject
}

func (r *actionBarRenderer) Layout(size fyne.Size) {
	b := r.bar
	b.shown = b.fit(size.Width)
	x := float32(0)
	moved := false
	for i, btn := range b.buttons {
		if !b.shown[i] {
			btn.Hide()
			moved = true
			continue
		}
		btn.Show()
		w := btn.MinSize().Width
		btn.Move(fyne.NewPos(x, 0))
		btn.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
	if !moved {
		b.more.Hide()
		return
	}
	b.more.Show()
	b.more.Move(fyne.NewPos(x, 0))
	b.more.Resize(fyne.NewSize(b.more.MinSize().Width, size.Height))
}

// MinSize is the row with every movable button in the menu, so the pane
// can narrow freely.
func (r *actionBarRenderer) MinSize() fyne.Size {
	b := r.bar
	movable := make(map[int]bool, len(b.drop))
	for _, i := range b.drop {
		movable[i] = true
	}
	var w, h float32
	for i, btn := range b.buttons {
		m := btn.MinSize()
		h = max(h, m.Height)
		if !movable[i] {
			w += m.Width
		}
	}
	if len(b.drop) > 0 {
		w += b.more.MinSize().Width
	}
	return fyne.NewSize(w, h)
}

func (r *actionBarRenderer) Refresh() {
	r.Layout(r.bar.Size())
	for _, o := range r.objs {
		o.Refresh()
	}
}

func (r *actionBarRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *actionBarRenderer) Destroy()                     {}
