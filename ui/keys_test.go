package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestLinkBarGrows: with several links the bar shows a line for each, up to
// five, instead of one line and half of the next; then it scrolls.
func TestLinkBarGrows(t *testing.T) {
	h := newHarness(t, nil)
	bar := h.u.linkBar
	one := bar.MinSize().Height
	bar.SetText("https://a.example/1\nhttps://b.example/2\nhttps://c.example/3")
	three := bar.MinSize().Height
	bar.SetText(strings.Repeat("https://a.example/x\n", 12))
	most := bar.MinSize().Height
	bar.SetText(strings.Repeat("https://a.example/x\n", 5))
	five := bar.MinSize().Height
	if !(three > one*2 && most == five && five > three) {
		t.Errorf("bar heights: 1 link %v, 3 links %v, 5 links %v, 12 links %v", one, three, five, most)
	}
	if h.w.Content().MinSize().Height > 800 {
		t.Error("a full link bar pushes the window taller")
	}
}

// TestPasteAnywhere: Ctrl+V with no text field focused saves the links on
// the clipboard; in the search field it pastes into the field.
func TestPasteAnywhere(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một"}, nil))
	h.u.stop() // about queueing, not fetching
	clip := h.u.app.Clipboard()
	clip.SetContent("https://a.example/1 https://b.example/2")
	h.w.Canvas().Unfocus()
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
	if n := len(h.u.queue.jobs); n != 2 {
		t.Errorf("Ctrl+V over the window queued %d links, want 2", n)
	}
	h.w.Canvas().Focus(h.u.search)
	h.u.search.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
	if n := len(h.u.queue.jobs); n != 2 || !strings.Contains(h.u.search.Text, "a.example") {
		t.Errorf("Ctrl+V in the search field: %d queued, field %q", n, h.u.search.Text)
	}
}

// TestEscapeLeavesSearch: Escape takes the keyboard from the search field
// to the list, the search staying.
func TestEscapeLeavesSearch(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một"}, nil))
	h.w.Canvas().Focus(h.u.search)
	test.Type(h.u.search, "mot")
	h.u.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f := h.w.Canvas().Focused(); f != h.u.list.widget {
		t.Errorf("focus after Escape is %T, want the list", f)
	}
	if h.u.search.Text != "mot" {
		t.Errorf("Escape changed the search to %q", h.u.search.Text)
	}
}

// TestFirstRunPasteSaves: the first-run screen's Paste button saves the
// copied link, not only puts it in the bar.
func TestFirstRunPasteSaves(t *testing.T) {
	h := newHarness(t, nil)
	h.u.app.Clipboard().SetContent(h.link("/index.html"))
	test.Tap(button(t, h.u.welcome, "Paste a link"))
	if len(h.u.queue.jobs) != 1 {
		t.Fatalf("Paste a link queued %d saves, want 1", len(h.u.queue.jobs))
	}
	h.eventually("the article saved", func() bool { return len(h.u.list.rows) == 1 })
}

// TestWheelNotch: one notch of the wheel moves the reader about three
// lines of text.
func TestWheelNotch(t *testing.T) {
	test.NewTempApp(t)
	p, _ := pageAt(t, "<p>"+prose(3000)+"</p>", fyne.NewSize(800, 600), 1, true)
	p.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -notch)})
	lines := p.scroll.Offset.Y / p.lay[0].lineH
	if lines < 2.5 || lines > 3.5 {
		t.Errorf("a notch moved %.1f lines, want about 3", lines)
	}
}
