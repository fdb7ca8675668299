package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/storage"
)

// tagStore is what tag editing changes.
type tagStore interface {
	Tags(ctx context.Context) ([]storage.TagCount, error)
	AddTags(ctx context.Context, ids []int64, tags ...string) error
	RemoveTags(ctx context.Context, ids []int64, tags ...string) error
	RenameTag(ctx context.Context, old, new string) error
	DeleteTag(ctx context.Context, name string) error
}

// maxCompletions is how many existing tags the entry offers at once.
const maxCompletions = 12

// tagEditor shows an article's (or a selection's) tags as chips with a
// remove button, and an entry that completes from the library's tags.
type tagEditor struct {
	u       *UI
	ids     []int64
	tags    []string
	chips   *fyne.Container
	entry   *widget.SelectEntry
	suggest *fyne.Container // matching tags, shown under the entry as you type
}

func newTagEditor(u *UI) *tagEditor {
	return &tagEditor{u: u}
}

func (t *tagEditor) build() fyne.CanvasObject {
	t.chips = container.New(layout.NewRowWrapLayout())
	t.entry = widget.NewSelectEntry(nil)
	t.entry.SetPlaceHolder("Add a tag…")
	t.entry.OnChanged = t.complete
	t.entry.OnSubmitted = func(s string) { t.add(s) }
	add := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { t.add(t.entry.Text) })
	add.Importance = widget.LowImportance
	entryBox := container.New(&fixedWidthLayout{width: 220}, t.entry)
	// Suggestions sit inline rather than in a pop-up, which would take the
	// keyboard away from the entry.
	t.suggest = container.New(layout.NewRowWrapLayout())
	return container.NewVBox(t.chips, container.NewHBox(entryBox, add), t.suggest)
}

// set shows the tags of the given articles.
func (t *tagEditor) set(ids []int64, tags []string) {
	t.ids, t.tags = ids, tags
	objs := make([]fyne.CanvasObject, 0, len(tags))
	for _, tag := range tags {
		objs = append(objs, t.chip(tag))
	}
	t.chips.Objects = objs
	t.chips.Refresh()
	t.entry.SetText("")
	t.showSuggestions(nil)
}

// chip is one tag with a remove button.
func (t *tagEditor) chip(tag string) fyne.CanvasObject {
	b := widget.NewButtonWithIcon(tag, theme.CancelIcon(), func() { t.remove(tag) })
	b.IconPlacement = widget.ButtonIconTrailingText
	b.Importance = widget.MediumImportance
	return b
}

// complete offers the library's tags that start with (or contain) what was
// typed, best first.
func (t *tagEditor) complete(typed string) {
	typed = strings.ToLower(strings.TrimSpace(typed))
	if typed == "" {
		t.entry.SetOptions(nil)
		t.showSuggestions(nil)
		return
	}
	var prefix, inside []string
	have := map[string]bool{}
	for _, tag := range t.tags {
		have[strings.ToLower(tag)] = true
	}
	for _, name := range t.u.sidebar.tagNames() {
		low := strings.ToLower(name)
		switch {
		case have[low] || low == typed:
		case strings.HasPrefix(low, typed):
			prefix = append(prefix, name)
		case strings.Contains(low, typed):
			inside = append(inside, name)
		}
	}
	opts := append(prefix, inside...)
	if len(opts) > maxCompletions {
		opts = opts[:maxCompletions]
	}
	t.entry.SetOptions(opts)
	t.showSuggestions(opts[:min(len(opts), 6)])
}

func (t *tagEditor) showSuggestions(tags []string) {
	objs := make([]fyne.CanvasObject, 0, len(tags))
	for _, tag := range tags {
		b := widget.NewButtonWithIcon(tag, theme.ContentAddIcon(), func() { t.add(tag) })
		b.Importance = widget.LowImportance
		objs = append(objs, b)
	}
	t.suggest.Objects = objs
	t.suggest.Refresh()
}

// add tags the articles; commas separate several tags.
func (t *tagEditor) add(text string) {
	var tags []string
	for _, s := range strings.Split(text, ",") {
		if s = strings.TrimSpace(s); s != "" {
			tags = append(tags, s)
		}
	}
	if len(tags) == 0 || len(t.ids) == 0 {
		return
	}
	ids := t.ids
	t.entry.SetText("")
	t.u.bg.run(func(ctx context.Context) func() {
		err := t.u.lib.AddTags(ctx, ids, tags...)
		return func() {
			if err != nil {
				t.u.fail("add tags", err)
				return
			}
			t.tags = changeTags(t.tags, tags, nil)
			t.set(ids, t.tags)
			t.u.view.tagsChanged(ids, tags, nil)
		}
	})
}

func (t *tagEditor) remove(tag string) {
	ids := t.ids
	t.u.bg.run(func(ctx context.Context) func() {
		err := t.u.lib.RemoveTags(ctx, ids, tag)
		return func() {
			if err != nil {
				t.u.fail("remove tag", err)
				return
			}
			t.set(ids, changeTags(t.tags, nil, []string{tag}))
			t.u.view.tagsChanged(ids, nil, []string{tag})
		}
	})
}
