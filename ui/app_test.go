package ui

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/storage"
)

// TestSaveReadTagNoteSearchDelete walks the main flow a person follows, on a
// real library and the seed page served locally.
func TestSaveReadTagNoteSearchDelete(t *testing.T) {
	h := newHarness(t, nil)
	u := h.u
	ctx := context.Background()
	const title = "Nâng cao năng lực dự báo, tầm nhìn chiến lược trong công tác dân vận"

	if u.body.Objects[0] != u.welcome {
		t.Fatal("an empty library should show the first-run screen")
	}

	// Paste a link → it is saved and appears in the list.
	submit(u.linkBar, h.link("/index.html"))
	if u.linkBar.Text != "" {
		t.Errorf("link bar keeps %q after saving", u.linkBar.Text)
	}
	h.eventually("the article in the list", func() bool { return len(u.list.rows) == 1 })
	if got := u.list.rows[0].Title; got != title {
		t.Fatalf("list title = %q, want %q", got, title)
	}
	if u.body.Objects[0] != u.panes {
		t.Fatal("the first-run screen should give way to the panes once an article is saved")
	}
	if s := u.queue.jobs[0].status.Text; s != "Saved" {
		t.Errorf("queue status = %q, want Saved", s)
	}
	id := u.list.rows[0].ID

	// Selecting it shows its title and text in the reader.
	h.settle()
	rows := find[*articleRow](u.list.widget)
	if len(rows) == 0 {
		t.Fatal("no rows drawn")
	}
	test.Tap(rows[0])
	h.eventually("the article in the reader", func() bool { return u.view.id == id })
	if got := u.view.page.head[0].text; !strings.Contains(got, title) {
		t.Errorf("reader title = %q", got)
	}
	expected, err := os.ReadFile(seedDir + "/expected.txt")
	if err != nil {
		t.Fatal(err)
	}
	body := u.view.page.doc.plainText()
	for _, line := range []string{"Hội nghị được tổ chức trực tuyến", "Thanh Hà - TTTĐ"} {
		if !strings.Contains(string(expected), line) {
			t.Fatalf("fixture changed: %q not in expected.txt", line)
		}
		if !strings.Contains(body, line) {
			t.Errorf("reader body lacks %q", line)
		}
	}
	if n := countKind(u.view.page.doc, blockImage); n != 4 {
		t.Errorf("reader shows %d images, want the 4 stored ones", n)
	}

	// Opening it marks it read after a moment.
	h.eventually("the article marked read", func() bool {
		a, err := h.lib.Get(ctx, id)
		return err == nil && a.Read
	})

	// Add a tag → the chip shows, and the sidebar filter finds it.
	submit(&u.view.tags.entry.Entry, "Việt Nam")
	h.eventually("the tag chip", func() bool { return len(u.view.tags.chips.Objects) == 1 })
	h.eventually("the tag in the sidebar", func() bool { return sidebarIndex(u, "Việt Nam") >= 0 })
	u.sidebar.list.Select(sidebarIndex(u, "Việt Nam"))
	h.eventually("the tag filter", func() bool {
		return u.list.filter.Tag == "Việt Nam" && !u.list.loading && len(u.list.rows) == 1
	})
	if got := u.list.header.Text; !strings.HasPrefix(got, "#Việt Nam") {
		t.Errorf("list header = %q", got)
	}

	// Add a note: saved without a Save button, after typing pauses.
	test.Tap(u.view.notes.addBtn)
	if len(u.view.notes.notes) != 1 {
		t.Fatalf("notes after Add note = %d", len(u.view.notes.notes))
	}
	test.Type(u.view.notes.notes[0].entry, "Đọc lại phần dân vận")
	h.eventually("the note saved", func() bool {
		notes, err := h.lib.Notes(ctx, id)
		return err == nil && len(notes) == 1 && notes[0].Text == "Đọc lại phần dân vận"
	})
	h.eventually("the saved indicator", func() bool {
		return strings.HasPrefix(u.view.notes.notes[0].status.Text, "Saved ")
	})

	// Search `dan van` finds it, with the match highlighted.
	u.sidebar.list.Select(0)
	test.Type(u.search, "dan van")
	h.eventually("search results", func() bool { return u.list.query == "dan van" && !u.list.loading })
	if len(u.list.rows) != 1 || u.list.rows[0].ID != id {
		t.Fatalf("search rows = %+v", u.list.rows)
	}
	if !strings.Contains(u.list.rows[0].Snippet, storage.SnippetOpen) {
		t.Errorf("snippet has no highlighted match: %q", u.list.rows[0].Snippet)
	}
	u.search.SetText("")
	h.eventually("the list without search", func() bool { return u.list.query == "" && !u.list.loading })

	// Favourite and archive from the reader's buttons.
	test.Tap(u.view.favBtn)
	test.Tap(u.view.archiveBtn)
	h.eventually("favourite and archived", func() bool {
		a, err := h.lib.Get(ctx, id)
		return err == nil && a.Favorite && a.Archived
	})
	h.settle()
	if got := u.view.favBtn.Text; got != "Unfavourite" {
		t.Errorf("favourite button = %q after favouriting", got)
	}
	if n := u.sidebar.entries[3].count; n != 1 {
		t.Errorf("Archive count = %d, want 1", n)
	}

	// Delete, confirming in the dialog.
	test.Tap(button(t, u.view.actions, "Delete"))
	top := h.w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("delete asked no confirmation")
	}
	test.Tap(button(t, top, "Delete"))
	h.eventually("the article deleted", func() bool {
		n, err := h.lib.Count(ctx, storage.Filter{})
		return err == nil && n == 0
	})
	h.eventually("the first-run screen again", func() bool { return u.body.Objects[0] == u.welcome })
	if u.view.id != 0 {
		t.Errorf("the reader still shows deleted article %d", u.view.id)
	}
}

func sidebarIndex(u *UI, tag string) int {
	for i, e := range u.sidebar.entries {
		if e.tag == tag {
			return i
		}
	}
	return -1
}

// countKind counts a document's blocks of one kind.
func countKind(d *document, k blockKind) int {
	n := 0
	for _, b := range d.blocks {
		if b.kind == k {
			n++
		}
	}
	return n
}

// TestQueueExplains checks that failed saves say what happened in words.
func TestQueueExplains(t *testing.T) {
	tests := []struct {
		name  string
		path  string
		want  string
		retry bool
	}{
		{name: "missing page", path: "/gone", want: "The server answered 404 — the page may have moved."},
		{name: "broken pdf", path: "/paper.pdf", want: "That PDF can't be read: it may be damaged or locked with a password."},
		{name: "no article", path: "/images/logo.png", want: "That link isn't a web page (image/png)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			submit(h.u.linkBar, h.link(tt.path))
			j := h.u.queue.jobs[0]
			h.eventually("the job to end", func() bool { return j.state == jobFailed || j.state == jobDone })
			if j.status.Text != tt.want {
				t.Errorf("status = %q, want %q", j.status.Text, tt.want)
			}
			if j.state != jobFailed {
				t.Errorf("state = %v, want failed", j.state)
			}
		})
	}
}

func TestQueueDuplicateSelectsExisting(t *testing.T) {
	h := newHarness(t, nil)
	submit(h.u.linkBar, h.link("/index.html"))
	h.eventually("the first save", func() bool { return len(h.u.list.rows) == 1 })
	h.settle()
	id := h.u.list.rows[0].ID
	h.u.view.clear()

	// The same page again, with a tracking parameter and a fragment.
	submit(h.u.linkBar, h.link("/index.html?utm_source=x#top"))
	j := h.u.queue.jobs[1]
	h.eventually("the duplicate", func() bool { return j.state == jobDone })
	if j.status.Text != "Already in your library" {
		t.Errorf("status = %q", j.status.Text)
	}
	h.eventually("the existing article opened", func() bool { return h.u.view.id == id })
	if got := h.u.list.selectedIDs(); len(got) != 1 || got[0] != id {
		t.Errorf("selection = %v, want [%d]", got, id)
	}
	if n, _ := h.lib.Count(context.Background(), storage.Filter{}); n != 1 {
		t.Errorf("library holds %d articles, want 1", n)
	}
}

func TestQueueCancel(t *testing.T) {
	h := newHarness(t, nil)
	j := h.slowSave()
	test.Tap(j.stop)
	h.eventually("the job to stop", func() bool { return j.state == jobDone })
	if j.status.Text != "Cancelled." {
		t.Errorf("status = %q, want Cancelled.", j.status.Text)
	}
}

func TestLinkBarSeveralLinks(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		queued int
		status string
	}{
		{name: "spaces and newlines", text: "https://a.example/1 https://b.example/2\nhttps://c.example/3", queued: 3},
		{name: "not a link", text: "hello world", queued: 0, status: "That isn't a web link. Paste an address starting with http:// or https://."},
		{name: "mixed", text: "ftp://x.example/f https://a.example/1", queued: 1, status: "Some words weren't web links and were skipped: ftp://x.example/f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			// Cancel at once: this test is about parsing, not fetching.
			h.u.stop()
			if n := h.u.queueText(tt.text); n != tt.queued {
				t.Errorf("queued %d, want %d", n, tt.queued)
			}
			if len(h.u.queue.jobs) != tt.queued {
				t.Errorf("queue rows = %d, want %d", len(h.u.queue.jobs), tt.queued)
			}
			if tt.status != "" && h.u.queue.message.Text != tt.status {
				t.Errorf("message = %q, want %q", h.u.queue.message.Text, tt.status)
			}
		})
	}
}

func TestKeyboardAndMultiSelect(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai", "Ba", "Bốn"}, nil))
	u := h.u
	if len(u.list.rows) != 4 || u.list.rows[0].Title != "Bốn" {
		t.Fatalf("rows = %d, first %q; want 4, newest first", len(u.list.rows), u.list.rows[0].Title)
	}

	key := func(k fyne.KeyName) { u.list.widget.TypedKey(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	key(fyne.KeyUp)
	key(fyne.KeyDown)
	key(fyne.KeyReturn)
	h.eventually("the article opened by Enter", func() bool { return u.view.id == u.list.rows[1].ID })

	// Ctrl-click another row: both are selected and actions apply to both.
	u.list.click(3, fyne.KeyModifierShortcutDefault)
	ids := u.list.selectedIDs()
	if len(ids) != 2 {
		t.Fatalf("selection = %v, want two articles", ids)
	}
	if u.view.stack.Objects[0] != u.view.manyPane {
		t.Error("a multi-selection should show the selection pane")
	}
	test.Tap(u.view.readBtn)
	h.eventually("both marked read", func() bool {
		for _, id := range ids {
			if a, err := h.lib.Get(context.Background(), id); err != nil || !a.Read {
				return false
			}
		}
		return true
	})
	// Shift-click selects a range.
	u.list.click(0, 0)
	u.list.click(2, fyne.KeyModifierShift)
	if n := len(u.list.selectedIDs()); n != 3 {
		t.Errorf("shift range selected %d, want 3", n)
	}
	// Tags apply to the whole selection.
	submit(&u.view.manyTags.entry.Entry, "đọc sau")
	h.eventually("the tag on all three", func() bool {
		tags, err := h.lib.Tags(context.Background())
		return err == nil && len(tags) == 1 && tags[0].Count == 3
	})
}

func TestTextSizeRemembered(t *testing.T) {
	h := newHarness(t, nil)
	base := h.u.view.theme.Size("text")
	h.u.menuItems["larger"].Action()
	h.u.menuItems["larger"].Action()
	if got := h.u.app.Preferences().Float(prefTextScale); got < 1.19 || got > 1.21 {
		t.Errorf("remembered scale = %v, want 1.2", got)
	}
	if got := h.u.view.theme.Size("text"); got <= base {
		t.Errorf("text size %v did not grow from %v", got, base)
	}
	for range 30 {
		h.u.menuItems["smaller"].Action()
	}
	if got := h.u.view.scale; got != minTextScale {
		t.Errorf("scale = %v after many steps down, want the floor %v", got, minTextScale)
	}
}

func TestRenameTagMerges(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"article golang", "article Go"}, [][]string{{"golang"}, {"Go"}}))
	h.u.sidebar.list.Select(sidebarIndex(h.u, "golang"))
	h.settle()
	h.u.sidebar.applyRename("golang", "Go")
	h.eventually("the merged tag", func() bool {
		return sidebarIndex(h.u, "golang") < 0 && sidebarIndex(h.u, "Go") >= 0 && !h.u.list.loading
	})
	if n := h.u.sidebar.entries[sidebarIndex(h.u, "Go")].count; n != 2 {
		t.Errorf("Go count = %d after merge, want 2", n)
	}
	if h.u.list.filter.Tag != "Go" || len(h.u.list.rows) != 2 {
		t.Errorf("filter %q shows %d rows; want the merged tag with 2", h.u.list.filter.Tag, len(h.u.list.rows))
	}
}

func TestPasteAndDrop(t *testing.T) {
	tests := []struct {
		name   string
		do     func(h *harness)
		queued int
		status string
	}{
		{name: "ctrl+v on the list", queued: 1, do: func(h *harness) {
			clip := h.w.Clipboard()
			clip.SetContent(h.link("/index.html"))
			h.u.list.widget.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
		}},
		{name: "ctrl+v without a link", queued: 0, status: "The clipboard holds no web link to save.", do: func(h *harness) {
			clip := h.w.Clipboard()
			clip.SetContent("just words")
			h.u.list.widget.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
		}},
		{name: "dropped link", queued: 1, do: func(h *harness) {
			u, err := fynestorage.ParseURI(h.link("/index.html"))
			if err != nil {
				t.Fatal(err)
			}
			h.u.dropped(fyne.Position{}, []fyne.URI{u})
		}},
		{name: "dropped non-page file", queued: 0, status: "notes.txt isn't a saved web page (.html), so it wasn't added.", do: func(h *harness) {
			h.u.dropped(fyne.Position{}, []fyne.URI{fynestorage.NewFileURI("/tmp/notes.txt")})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			tt.do(h)
			if len(h.u.queue.jobs) != tt.queued {
				t.Fatalf("queued %d, want %d", len(h.u.queue.jobs), tt.queued)
			}
			if tt.status != "" && h.u.queue.message.Text != tt.status {
				t.Errorf("message = %q, want %q", h.u.queue.message.Text, tt.status)
			}
			if tt.queued > 0 {
				j := h.u.queue.jobs[0]
				h.eventually("the save", func() bool { return j.state == jobDone })
			}
		})
	}
}

func TestRefetchKeepsTags(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	submit(h.u.linkBar, h.link("/index.html"))
	h.eventually("the save", func() bool { return len(h.u.list.rows) == 1 })
	id := h.u.list.rows[0].ID
	if err := h.lib.AddTags(ctx, []int64{id}, "giữ lại"); err != nil {
		t.Fatal(err)
	}
	h.u.reveal(id)
	h.eventually("the article open", func() bool { return h.u.view.id == id })
	test.Tap(button(t, h.u.view.actions, "Re-fetch"))
	j := h.u.queue.jobs[len(h.u.queue.jobs)-1]
	h.eventually("the re-fetch", func() bool { return j.state == jobDone || j.state == jobFailed })
	if j.status.Text != "Fetched again" {
		t.Fatalf("status = %q", j.status.Text)
	}
	a, err := h.lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Tags) != 1 || a.Tags[0] != "giữ lại" {
		t.Errorf("tags after re-fetch = %v", a.Tags)
	}
	if n, _ := h.lib.Count(ctx, storage.Filter{}); n != 1 {
		t.Errorf("re-fetch made %d articles, want 1", n)
	}
}

func TestCloseCancelsSaving(t *testing.T) {
	h := newHarness(t, nil)
	j := h.slowSave()
	h.u.close()
	if h.u.bg.ctx.Err() == nil {
		t.Error("closing did not cancel the root context")
	}
	if !h.u.bg.wait(time.Second) {
		t.Error("saving still runs after close")
	}
	h.drain()
	if j.status.Text != "Cancelled." {
		t.Errorf("status = %q, want Cancelled.", j.status.Text)
	}
	if got := h.u.app.Preferences().Float(prefWindowWidth); got != 1280 {
		t.Errorf("remembered width = %v, want 1280", got)
	}
}

func TestFits(t *testing.T) {
	a := &storage.Summary{Tags: []string{"Việt Nam"}, Favorite: true}
	a.SiteName = "VnExpress"
	tests := []struct {
		name string
		f    storage.Filter
		want bool
	}{
		{"all", storage.Filter{}, true},
		{"unread", storage.Filter{State: storage.StateUnread}, true},
		{"favourites", storage.Filter{State: storage.StateFavorite}, true},
		{"archive", storage.Filter{State: storage.StateArchived}, false},
		{"tag any case", storage.Filter{Tag: "việt nam"}, true},
		{"other tag", storage.Filter{Tag: "go"}, false},
		{"site", storage.Filter{Site: "vnexpress"}, true},
		{"other site", storage.Filter{Site: "BBC"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fits(a, tt.f); got != tt.want {
				t.Errorf("fits = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSaveAnyway(t *testing.T) {
	h := newHarness(t, nil)
	submit(h.u.linkBar, h.link("/no-article"))
	j := h.u.queue.jobs[0]
	h.eventually("the refusal", func() bool { return j.state == jobFailed })
	if j.status.Text != "That page has no article text Folio can find. Save it anyway?" {
		t.Errorf("status = %q", j.status.Text)
	}
	if !j.retry.Visible() {
		t.Fatal("no Save anyway button")
	}
	test.Tap(j.retry)
	h.eventually("the forced save", func() bool { return len(h.u.list.rows) == 1 })
	if len(h.u.queue.jobs) != 1 || h.u.queue.jobs[0].status.Text != "Saved" {
		t.Errorf("queue after saving anyway: %d jobs, status %q", len(h.u.queue.jobs), h.u.queue.jobs[0].status.Text)
	}
}

func TestTagSuggestions(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"article Việt Nam", "article việc làm", "article go"},
		[][]string{{"Việt Nam"}, {"việc làm"}, {"go"}}))
	h.u.list.click(0, 0) // "article go"
	h.settle()
	test.Type(h.u.view.tags.entry, "vi")
	var got []string
	for _, o := range h.u.view.tags.suggest.Objects {
		got = append(got, o.(*widget.Button).Text)
	}
	sort.Strings(got)
	if strings.Join(got, "|") != "Việt Nam|việc làm" {
		t.Fatalf("suggestions for vi = %q, want both tags starting with vi, not go", got)
	}
	test.Tap(h.u.view.tags.suggest.Objects[0].(*widget.Button))
	h.eventually("the suggested tag added", func() bool { return len(h.u.view.tags.chips.Objects) == 2 })
	if n := len(h.u.view.tags.suggest.Objects); n != 0 {
		t.Errorf("%d suggestions left after choosing one", n)
	}
}

// TestCloseSavesTypedNote closes the window straight after a note is typed,
// before the pause that saves it: the note is stored all the same.
func TestCloseSavesTypedNote(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Bài một"}, nil))
	u := h.u
	id := u.list.rows[0].ID
	u.view.show(id)
	h.eventually("the article in the reader", func() bool { return u.view.id == id })
	h.settle()
	test.Tap(u.view.notes.addBtn)
	test.Type(u.view.notes.notes[0].entry, "Ghi chú cuối")
	u.close()
	notes, err := h.lib.Notes(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Text != "Ghi chú cuối" {
		t.Errorf("notes after closing = %+v, want the typed one", notes)
	}
}

// TestDeleteSelectionClearsReader deletes a multi-selection that leaves out
// the article opened before it: the reader goes back to its placeholder
// rather than go on offering actions on the deleted articles.
func TestDeleteSelectionClearsReader(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai", "Ba", "Bốn"}, nil))
	u := h.u
	u.list.click(0, 0)
	h.eventually("the first article open", func() bool { return u.view.id == u.list.rows[0].ID })
	h.settle()
	ctrl := fyne.KeyModifierShortcutDefault
	u.list.click(2, ctrl)
	u.list.click(3, ctrl)
	u.list.click(0, ctrl) // the open article leaves the selection
	ids := u.list.selectedIDs()
	if len(ids) != 2 || u.view.stack.Objects[0] != u.view.manyPane {
		t.Fatalf("selection = %v; want two articles in the selection pane", ids)
	}
	u.deleteArticles(ids)
	h.eventually("the articles deleted", func() bool { return len(u.list.rows) == 2 })
	if u.view.stack.Objects[0] == u.view.manyPane {
		t.Error("the reader still offers actions on the deleted selection")
	}
	if u.view.id != 0 {
		t.Errorf("reader keeps article %d open after the delete", u.view.id)
	}
}
