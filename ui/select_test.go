package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// overlayTexts is the text of the labels in the window's top overlay (a
// dialog), for checking what a dialog says.
func overlayTexts(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	for _, l := range find[*widget.Label](top) {
		b.WriteString(l.Text + "\n")
	}
	for _, r := range find[*widget.RichText](top) {
		b.WriteString(r.String() + "\n")
	}
	return b.String()
}

// TestSelectionOpensWhatDeleteDeletes: moving the selection with the keys
// opens the article under it, so the article on screen is the one the
// toolbar acts on; the dialog names it, and Undo brings it back whole.
func TestSelectionOpensWhatDeleteDeletes(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, seedArticles(t, []string{"C", "B", "A"}, [][]string{{"only-c", "shared"}, {"shared"}}))
	u := h.u
	u.list.openDelay = 0
	u.list.click(0, 0)
	h.eventually("A open", func() bool { return u.view.art != nil && u.view.art.Title == "A" })
	h.settle()
	key := func(k fyne.KeyName) { u.list.widget.TypedKey(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	h.eventually("C open after moving to it", func() bool { return u.view.art != nil && u.view.art.Title == "C" })
	c := u.view.id
	if _, err := h.lib.AddNote(ctx, c, "ghi chú"); err != nil {
		t.Fatal(err)
	}
	before, err := h.lib.Get(ctx, c)
	if err != nil {
		t.Fatal(err)
	}

	test.Tap(button(t, u.view.actions, "Delete"))
	if got := overlayTexts(h.w); !strings.Contains(got, "Delete “C”?") || !strings.Contains(got, "Its notes") {
		t.Fatalf("the delete dialog says %q, want it to name “C” and its notes", got)
	}
	test.Tap(button(t, h.w.Canvas().Overlays().Top(), "Delete"))
	h.eventually("C deleted", func() bool { return u.list.indexOf(c) < 0 })
	h.settle()
	if _, err := h.lib.Get(ctx, c); err == nil {
		t.Fatal("C is still in the library")
	}
	if !u.queue.action.Visible() || u.queue.action.Text != "Undo" {
		t.Fatal("no Undo offered after the delete")
	}
	test.Tap(u.queue.action)
	h.eventually("C back in the list and open", func() bool { return u.list.indexOf(c) >= 0 && u.view.id == c })
	h.settle()
	after, err := h.lib.Get(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if after.Title != before.Title || after.HTML != before.HTML || !slices.Equal(after.Tags, before.Tags) || !after.Saved.Equal(before.Saved) {
		t.Errorf("restored article differs: %q %v, want %q %v", after.Title, after.Tags, before.Title, before.Tags)
	}
	notes, err := h.lib.Notes(ctx, c)
	if err != nil || len(notes) != 1 || notes[0].Text != "ghi chú" {
		t.Errorf("notes after Undo = %v, %v", notes, err)
	}
	if n := u.sidebar.entries[0].count; n != 3 {
		t.Errorf("sidebar counts %d articles after Undo, want 3", n)
	}
}

// TestDeleteManyNamesTheCount: a multi-selection's dialog says how many.
func TestDeleteManyNamesTheCount(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai", "Ba"}, nil))
	u := h.u
	u.list.click(0, 0)
	u.list.click(2, fyne.KeyModifierShift)
	u.confirmDelete(u.targets())
	if got := overlayTexts(h.w); !strings.Contains(got, "Delete 3 articles?") || !strings.Contains(got, "Their notes") {
		t.Errorf("the dialog says %q", got)
	}
}
