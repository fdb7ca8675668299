package ui

import (
	"context"
	"testing"
	"time"

	"github.com/folio-app/folio/storage"
)

// TestWatchSeesTheCommandLine changes the library through a second handle
// on its file, as `folio add`, `refetch` and `delete` do while the window is
// open: counts, list and open article follow within the watch's interval,
// and the selection stays.
func TestWatchSeesTheCommandLine(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai"}, nil))
	u := h.u
	cli, err := storage.Open(ctx, h.lib.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	u.watch(10 * time.Millisecond)
	u.list.click(1, 0)
	open := u.list.rows[1].ID
	h.eventually("the article open", func() bool { return u.view.id == open })
	h.settle()

	a, opts := fixedArticle(5, "Ba, from the command line")
	if _, err := cli.Add(ctx, a, opts); err != nil {
		t.Fatal(err)
	}
	h.eventually("the new article listed and counted", func() bool {
		return len(u.list.rows) == 3 && u.sidebar.entries[0].count == 3
	})
	if ids := u.list.selectedIDs(); len(ids) != 1 || ids[0] != open || u.view.id != open {
		t.Errorf("selection %v, reader %d after the change; want %d kept", ids, u.view.id, open)
	}

	b, _ := fixedArticle(1, "Hai")
	b.Title = "Hai, fetched again"
	if err := cli.Replace(ctx, open, b); err != nil {
		t.Fatal(err)
	}
	h.eventually("the open article shown as fetched again", func() bool {
		return u.view.art != nil && u.view.art.Title == "Hai, fetched again"
	})

	if err := cli.Delete(ctx, open); err != nil {
		t.Fatal(err)
	}
	h.eventually("the deleted article gone from the reader and the list", func() bool {
		return u.view.art == nil && u.list.indexOf(open) < 0 && u.sidebar.entries[0].count == 2
	})
}
