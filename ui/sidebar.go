package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/storage"
)

// sideEntry is one line of the sidebar: a state filter, the "Tags" heading
// or a tag.
type sideEntry struct {
	label   string
	icon    fyne.Resource
	state   storage.State
	tag     string
	heading bool
	count   int
}

// sidebar lists the library's views (All, Unread, Favourites, Archive) and
// its tags with counts; a tag can be renamed or merged from its context menu.
type sidebar struct {
	u       *UI
	entries []sideEntry
	list    *widget.List
	current int
	gen     int
}

func newSidebar(u *UI) *sidebar {
	s := &sidebar{u: u}
	s.entries = s.fixed()
	return s
}

func (s *sidebar) fixed() []sideEntry {
	return []sideEntry{
		{label: "All articles", icon: theme.HomeIcon(), state: storage.StateAll},
		{label: "Unread", icon: theme.MailComposeIcon(), state: storage.StateUnread},
		{label: "Favourites", icon: starIcon(), state: storage.StateFavorite},
		{label: "Archive", icon: theme.StorageIcon(), state: storage.StateArchived},
		{label: "Tags", heading: true},
	}
}

func (s *sidebar) build() fyne.CanvasObject {
	s.list = widget.NewList(
		func() int { return len(s.entries) },
		func() fyne.CanvasObject { return newSideRow(s) },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*sideRow).bind(i, &s.entries[i]) },
	)
	s.list.OnSelected = func(i widget.ListItemID) {
		if i >= len(s.entries) {
			return
		}
		e := s.entries[i]
		if e.heading {
			// The heading is not a filter: go back to what was chosen.
			s.list.Select(s.current)
			return
		}
		s.current = i
		s.u.list.setFilter(e.state, e.tag)
	}
	return s.list
}

// reload fetches the counts and tags and keeps the current filter selected.
func (s *sidebar) reload() {
	s.gen++
	gen := s.gen
	// The entries (with their theme icons) are made on the UI goroutine:
	// a theme lookup from another one races with the reader's drawing.
	states := []storage.State{storage.StateAll, storage.StateUnread, storage.StateFavorite, storage.StateArchived}
	s.u.bg.run(func(ctx context.Context) func() {
		counts := map[storage.State]int{}
		for _, st := range states {
			n, err := s.u.lib.Count(ctx, storage.Filter{State: st})
			if err != nil {
				return func() { s.u.fail("count articles", err) }
			}
			counts[st] = n
		}
		tags, err := s.u.lib.Tags(ctx)
		if err != nil {
			return func() { s.u.fail("list tags", err) }
		}
		return func() {
			if gen != s.gen {
				return
			}
			entries := s.fixed()
			for i := range entries {
				if !entries[i].heading {
					entries[i].count = counts[entries[i].state]
				}
			}
			for _, t := range tags {
				entries = append(entries, sideEntry{label: t.Name, icon: tagIcon(), tag: t.Name, count: t.Count})
			}
			s.entries = entries
			s.selectCurrent()
			s.list.Refresh()
		}
	})
}

// selectCurrent highlights the entry matching the list's filter.
func (s *sidebar) selectCurrent() {
	if s.u.list.query != "" {
		return // a search covers the library: no entry is chosen
	}
	f := s.u.list.filter
	for i, e := range s.entries {
		if e.heading {
			continue
		}
		if (f.Tag != "" && strings.EqualFold(e.tag, f.Tag)) || (f.Tag == "" && e.tag == "" && e.state == f.State) {
			s.current = i
			s.list.Select(i)
			return
		}
	}
	// The remembered tag is gone (renamed or emptied): show everything.
	if f.Tag != "" {
		s.current = 0
		s.list.Select(0)
	}
}

// tagNames lists the library's tags, for completion.
func (s *sidebar) tagNames() []string {
	var names []string
	for _, e := range s.entries {
		if e.tag != "" {
			names = append(names, e.tag)
		}
	}
	return names
}

// renameTag asks for a new name for tag; an existing tag's name merges the
// two.
func (s *sidebar) renameTag(tag string) {
	entry := widget.NewSelectEntry(s.tagNames())
	entry.SetText(tag)
	hint := widget.NewLabel("Type a new name, or an existing tag's name to merge the two.")
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = theme.SizeNameCaptionText
	items := []*widget.FormItem{widget.NewFormItem("New name", entry), widget.NewFormItem("", hint)}
	d := dialog.NewForm("Rename tag “"+tag+"”", "Rename", "Cancel", items, func(ok bool) {
		if ok {
			s.applyRename(tag, strings.TrimSpace(entry.Text))
		}
	}, s.u.win)
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
}

// applyRename renames (or merges) a tag in the library and everywhere shown.
func (s *sidebar) applyRename(old, name string) {
	if name == "" || name == old {
		return
	}
	s.u.bg.run(func(ctx context.Context) func() {
		err := s.u.lib.RenameTag(ctx, old, name)
		return func() {
			if err != nil {
				s.u.fail("rename tag", err)
				return
			}
			if strings.EqualFold(s.u.list.filter.Tag, old) {
				s.u.list.filter.Tag = name
				s.u.app.Preferences().SetString(prefFilterTag, name)
			}
			s.u.refresh()
			s.u.view.reloadTags()
		}
	})
}

// confirmDeleteTag asks before taking a tag off its articles, naming it and
// how many carry it.
func (s *sidebar) confirmDeleteTag(tag string, count int) {
	d := dialog.NewConfirm("Delete tag “"+tag+"”?",
		"It is taken off "+plural(count, "article", "articles")+". The articles stay in your library.",
		func(ok bool) {
			if ok {
				s.deleteTag(tag)
			}
		}, s.u.win)
	d.SetConfirmText("Delete tag")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

func (s *sidebar) deleteTag(tag string) {
	s.u.bg.run(func(ctx context.Context) func() {
		err := s.u.lib.DeleteTag(ctx, tag)
		return func() {
			if err != nil {
				s.u.fail("delete tag", err)
				return
			}
			if strings.EqualFold(s.u.list.filter.Tag, tag) {
				s.u.list.setFilter(storage.StateAll, "")
			}
			s.u.refresh()
			s.u.view.reloadTags()
			s.u.showStatus("Tag “" + tag + "” deleted.")
		}
	})
}

// sideRow is one sidebar line; a right-click on a tag offers rename/merge.
type sideRow struct {
	widget.BaseWidget
	s     *sidebar
	index int
	icon  *widget.Icon
	label *widget.Label
	count *widget.Label
}

func newSideRow(s *sidebar) *sideRow {
	r := &sideRow{s: s, index: -1, icon: widget.NewIcon(theme.HomeIcon()), label: widget.NewLabel("Favourites"), count: widget.NewLabel("100,000")}
	r.label.Truncation = fyne.TextTruncateEllipsis
	// the foreground colour: a muted one vanished on the light theme's
	// selection
	r.ExtendBaseWidget(r)
	return r
}

func (r *sideRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, r.icon, r.count, r.label))
}

func (r *sideRow) bind(i int, e *sideEntry) {
	r.index = i
	r.label.TextStyle.Bold = e.heading
	if e.heading {
		r.icon.SetResource(nil)
		r.label.SetText(e.label)
		r.count.SetText("")
		return
	}
	r.icon.SetResource(e.icon)
	r.label.SetText(e.label)
	r.count.SetText(formatCount(e.count))
}

// TappedSecondary opens a tag's context menu.
func (r *sideRow) TappedSecondary(ev *fyne.PointEvent) {
	if r.index < 0 || r.index >= len(r.s.entries) || r.s.entries[r.index].tag == "" {
		return
	}
	tag := r.s.entries[r.index].tag
	count := r.s.entries[r.index].count
	menu := fyne.NewMenu("",
		fyne.NewMenuItem("Rename or merge…", func() { r.s.renameTag(tag) }),
		fyne.NewMenuItem("Delete tag…", func() { r.s.confirmDeleteTag(tag, count) }),
		fyne.NewMenuItem("Show articles", func() { r.s.list.Select(r.index) }),
	)
	widget.ShowPopUpMenuAtPosition(menu, r.s.u.win.Canvas(), ev.AbsolutePosition)
}
