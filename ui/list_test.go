package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/folio-app/folio/storage"
)

// TestRowsLeaveWhenTheSelectionMoves checks the mail-app rule: a row that
// stops belonging to its view (read in Unread, unfavourited in Favourites,
// unarchived in Archive, untagged in a tag) stays while it is selected and
// leaves when the selection moves to another row.
func TestRowsLeaveWhenTheSelectionMoves(t *testing.T) {
	titles := []string{"Một", "Hai", "Ba"}
	tests := []struct {
		name   string
		filter storage.Filter
		setup  storage.Mark // applied to every article before the window opens
		act    func(h *harness)
	}{
		{name: "read in Unread", filter: storage.Filter{State: storage.StateUnread},
			act: func(h *harness) {}}, // opening it marks it read after a moment
		{name: "unfavourite in Favourites", filter: storage.Filter{State: storage.StateFavorite}, setup: storage.MarkFavorite,
			act: func(h *harness) { test.Tap(h.u.view.favBtn) }},
		{name: "unarchive in Archive", filter: storage.Filter{State: storage.StateArchived}, setup: storage.MarkArchive,
			act: func(h *harness) { test.Tap(h.u.view.archiveBtn) }},
		{name: "untag in a tag", filter: storage.Filter{Tag: "đọc sau"},
			act: func(h *harness) { h.u.view.tags.remove("đọc sau") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(lib *storage.Library) {
				seedArticles(t, titles, [][]string{{"đọc sau"}, {"đọc sau"}, {"đọc sau"}})(lib)
				if tt.setup != 0 {
					if err := lib.Mark(context.Background(), []int64{1, 2, 3}, tt.setup); err != nil {
						t.Fatal(err)
					}
				}
			})
			u := h.u
			u.list.setFilter(tt.filter.State, tt.filter.Tag)
			h.eventually("the filtered list", func() bool { return !u.list.loading && len(u.list.rows) == 3 })
			u.list.click(1, 0)
			id, below := u.list.rows[1].ID, u.list.rows[2].ID
			h.eventually("the article open", func() bool { return u.view.id == id })
			tt.act(h)
			h.eventually("the change saved", func() bool {
				a, err := h.lib.Get(context.Background(), id)
				if err != nil {
					return false
				}
				s := summaryOf(a)
				return !fits(&s, tt.filter)
			})
			h.settle()
			if u.list.indexOf(id) != 1 {
				t.Fatalf("the changed row left while selected: rows %v", ids(u.list.rows))
			}

			u.list.move(1) // Down: the selection moves on
			if i := u.list.indexOf(id); i >= 0 {
				t.Errorf("the changed row stayed after the selection moved: rows %v", ids(u.list.rows))
			}
			if len(u.list.rows) != 2 || u.list.count != 2 {
				t.Errorf("rows %v, count %d; want the other two", ids(u.list.rows), u.list.count)
			}
			// the keyboard and the selection are on the row that was below
			if got := u.list.cursorID(); got != below {
				t.Errorf("cursor on article %d, want %d", got, below)
			}
			if sel := u.list.selectedIDs(); len(sel) != 1 || sel[0] != below {
				t.Errorf("selection %v, want [%d]", sel, below)
			}
		})
	}
}

// TestRowStaysWhenChangedBack checks that undoing the change before moving
// on keeps the row.
func TestRowStaysWhenChangedBack(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai"}, nil))
	u := h.u
	h.u.markReadAfter = 0
	u.list.setFilter(storage.StateUnread, "")
	h.eventually("the unread list", func() bool { return !u.list.loading && len(u.list.rows) == 2 })
	u.list.click(0, 0)
	id := u.list.rows[0].ID
	h.eventually("read", func() bool { return len(u.list.stale) == 1 })
	u.mark([]int64{id}, storage.MarkUnread)
	h.eventually("unread again", func() bool { return len(u.list.stale) == 0 })
	u.list.click(1, 0)
	if u.list.indexOf(id) < 0 {
		t.Errorf("the row marked unread again left the Unread list")
	}
}

func ids(rows []listRow) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}
