package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/storage"
)

// TestRowsLineUp: read and unread rows start their text at the same x (read
// rows sat 7 px to the left), and a bookmark's third line says why it has
// no text instead of being empty.
func TestRowsLineUp(t *testing.T) {
	seed := func(lib *storage.Library) {
		ctx := context.Background()
		a, opts := fixedArticle(0, "read one")
		opts.Read = true
		lib.Add(ctx, a, opts)
		b, opts := fixedArticle(1, "unread one")
		lib.Add(ctx, b, opts)
		c, opts := fixedArticle(2, "bookmark")
		opts.Bookmark, opts.FetchError = true, "fetch: dial tcp: no such host"
		c.URL = "https://www.bookmarks.example/page"
		c.SiteName = ""
		lib.Add(ctx, c, opts)
	}
	h := newHarness(t, seed)
	h.w.Resize(fyne.NewSize(1280, 800))
	rows := find[*articleRow](h.u.list.widget)
	xs := map[string]float32{}
	var bookmark *articleRow
	for _, r := range rows {
		if r.index < 0 || r.index >= len(h.u.list.rows) {
			continue
		}
		title := h.u.list.rows[r.index].Title
		xs[title] = fyne.CurrentApp().Driver().AbsolutePositionForObject(r.text).X
		if title == "bookmark" {
			bookmark = r
		}
	}
	if xs["read one"] != xs["unread one"] || xs["read one"] == 0 {
		t.Errorf("text starts at %v in a read row, %v in an unread one", xs["read one"], xs["unread one"])
	}
	if bookmark == nil {
		t.Fatal("no bookmark row")
	}
	text := bookmark.text.String()
	if !strings.Contains(text, "Couldn't be fetched") || strings.Contains(text, "dial tcp") {
		t.Errorf("bookmark row reads %q", text)
	}
	if !strings.Contains(text, "bookmarks.example") || strings.Contains(text, "www.") {
		t.Errorf("bookmark row names its site as %q, want the host without www.", text)
	}
}

func TestSiteName(t *testing.T) {
	for _, tt := range []struct{ name, link, want string }{
		{"Tuổi Trẻ", "https://tuoitre.vn/x", "Tuổi Trẻ"},
		{"", "https://www.example.org/a", "example.org"},
		{"https://www.example.org/", "https://www.example.org/a", "example.org"},
	} {
		if got := siteName(tt.name, tt.link); got != tt.want {
			t.Errorf("siteName(%q, %q) = %q, want %q", tt.name, tt.link, got, tt.want)
		}
	}
}

// TestSidebarCountVisible: a selected entry's count is drawn in the
// foreground colour, not the muted one that vanished on the light theme's
// selection.
func TestSidebarCountVisible(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một"}, nil))
	for _, r := range find[*sideRow](h.u.sidebar.list) {
		if r.count.Importance == widget.LowImportance {
			t.Fatal("sidebar counts are drawn muted")
		}
	}
}

// TestImportDialogSaysWhatItReads: the dialog lists the formats and shows
// no "none" as if it were a value.
func TestImportDialogSaysWhatItReads(t *testing.T) {
	f := newImportForm()
	var texts []string
	for _, l := range find[*widget.Label](f.box) {
		texts = append(texts, l.Text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"Pocket", "Instapaper", "Omnivore", "Wallabag", "Bookmarks"} {
		if !strings.Contains(all, want) {
			t.Errorf("the import dialog does not name %s:\n%s", want, all)
		}
	}
	if f.tag.PlaceHolder == "none" {
		t.Error("the tag field shows “none”")
	}
}

// TestDeleteTag: a tag's menu deletes it after a dialog naming it and its
// count; the articles stay.
func TestDeleteTag(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai"}, [][]string{{"đọc sau"}, {"đọc sau", "giữ"}}))
	h.u.sidebar.confirmDeleteTag("đọc sau", 2)
	if got := overlayTexts(h.w); !strings.Contains(got, "Delete tag “đọc sau”?") || !strings.Contains(got, "2 articles") {
		t.Fatalf("dialog says %q", got)
	}
	test.Tap(button(t, h.w.Canvas().Overlays().Top(), "Delete tag"))
	h.eventually("the tag gone from the sidebar", func() bool { return sidebarIndex(h.u, "đọc sau") < 0 && sidebarIndex(h.u, "giữ") >= 0 })
	h.settle()
	if n := h.u.sidebar.entries[0].count; n != 2 {
		t.Errorf("%d articles after deleting a tag, want 2", n)
	}
}

func TestDropFavoritesLog(t *testing.T) {
	var out strings.Builder
	d := &dropFavorites{w: &out}
	for _, line := range []string{
		"2026/12/01 20:00:00 Fyne error:  Getting favorite locations\n",
		"2026/12/01 20:00:00   Cause: this computer does not define a VIDEOS folder\n",
		"2026/12/01 20:00:00   At: /x/dialog/file.go:396\n",
		"2026/12/01 20:00:01 ERROR save link=x\n",
		"2026/12/01 20:00:02 Fyne error:  something else\n",
		"2026/12/01 20:00:02   Cause: a real one\n",
	} {
		d.Write([]byte(line))
	}
	got := out.String()
	if strings.Contains(got, "VIDEOS") || strings.Contains(got, "favorite") {
		t.Errorf("the favourite-folder report got through:\n%s", got)
	}
	if !strings.Contains(got, "ERROR save") || !strings.Contains(got, "a real one") {
		t.Errorf("other log lines were dropped:\n%s", got)
	}
}
