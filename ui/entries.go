package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// maxLinkRows is how tall the link bar grows with several links pasted;
// past it the bar scrolls.
const maxLinkRows = 5

// linkEntry is the link bar: it grows a line for each link pasted into it,
// up to maxLinkRows, and Enter saves what it holds (Shift+Enter starts a
// new line).
type linkEntry struct {
	widget.Entry
	submit func()
	rows   int
	grew   func() // told when the bar changes height
}

func newLinkEntry(submit func()) *linkEntry {
	e := &linkEntry{submit: submit, rows: 1}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.ExtendBaseWidget(e)
	e.SetMinRowsVisible(1)
	e.OnChanged = func(string) { e.fit() }
	return e
}

// fit shows as many rows as the text has lines, within bounds.
func (e *linkEntry) fit() {
	rows := max(1, min(maxLinkRows, strings.Count(strings.TrimRight(e.Text, "\n"), "\n")+1))
	if rows == e.rows {
		return
	}
	e.rows = rows
	e.SetMinRowsVisible(rows)
	if e.grew != nil {
		e.grew()
	}
}

func (e *linkEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		if !shiftHeld() {
			e.submit()
			return
		}
	}
	e.Entry.TypedKey(ev)
}

// searchEntry is the search field: Escape leaves it.
type searchEntry struct {
	widget.Entry
	leave func()
}

func newSearchEntry(leave func()) *searchEntry {
	e := &searchEntry{leave: leave}
	e.ExtendBaseWidget(e)
	return e
}

func (e *searchEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		e.leave()
		return
	}
	e.Entry.TypedKey(ev)
}

// shiftHeld says whether Shift is down, where the driver can tell.
func shiftHeld() bool {
	if d, ok := fyne.CurrentApp().Driver().(interface{ CurrentKeyModifiers() fyne.KeyModifier }); ok {
		return d.CurrentKeyModifiers()&fyne.KeyModifierShift != 0
	}
	return false
}
