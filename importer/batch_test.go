package importer

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/folio-app/folio/storage"
)

// bookmarkItems builds n distinct links, each tagged "bulk".
func bookmarkItems(n int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{URL: fmt.Sprintf("https://site%d.test/post/%d", i%7, i), Title: fmt.Sprintf("Post %d", i), Tags: []string{"bulk"}}
	}
	return items
}

// Without fetching, items are written in batches; cancelling leaves the
// unwritten ones to do and a second run completes the import.
func TestRunBatchesResume(t *testing.T) {
	const n = 2*batchSize + 50
	lib := openLib(t)
	items := bookmarkItems(n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var progress []Progress
	first, err := Run(ctx, lib, nil, items, Options{Progress: func(p Progress) {
		progress = append(progress, p)
		if p.Done == batchSize {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v, want context.Canceled", err)
	}
	// The batch that reported the cancel was committed; none after it.
	if first.Bookmarks != batchSize || first.Left != n-batchSize || len(first.Errors) != 0 {
		t.Fatalf("first run %+v", first)
	}
	if got := len(progress); got != batchSize {
		t.Errorf("%d progress reports, want %d", got, batchSize)
	}
	for i, p := range progress {
		if p.Total != n || p.Done != i+1 || p.Bookmarks != p.Done || p.Left != n-p.Done {
			t.Errorf("progress %d: %+v", i, p)
		}
	}
	if present, err := lib.Count(context.Background(), storage.Filter{}); err != nil || present != batchSize {
		t.Fatalf("%d articles after the first run (%v), want %d", present, err, batchSize)
	}

	second, err := Run(context.Background(), lib, nil, items, Options{MarkRead: true})
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if second.Merged != batchSize || second.Bookmarks != n-batchSize || second.Left != 0 || len(second.Errors) != 0 {
		t.Errorf("second run %+v", second)
	}
	if total, _ := lib.Count(context.Background(), storage.Filter{}); total != n {
		t.Errorf("%d articles, want %d", total, n)
	}
	// Merged articles were marked read too, not only the new ones.
	if unread, _ := lib.Count(context.Background(), storage.Filter{State: storage.StateUnread}); unread != 0 {
		t.Errorf("%d unread articles, want 0", unread)
	}
	if tags, _ := lib.Tags(context.Background()); len(tags) != 1 || tags[0].Count != n {
		t.Errorf("tags %+v", tags)
	}
	// Search rows were written by both runs' batches.
	for _, i := range []int{0, batchSize - 1, batchSize, n - 1} {
		q := fmt.Sprintf(`"post %d" bulk`, i)
		if hits, err := lib.Search(context.Background(), q, storage.Filter{}); err != nil || len(hits) != 1 || hits[0].URL != items[i].URL {
			t.Errorf("Search(%s): %d hits, %v; want %s", q, len(hits), err, items[i].URL)
		}
	}
}

// failingBatches is a library whose AddMany always fails, as if the
// transaction hit an error.
type failingBatches struct {
	*storage.Library
	calls int
}

func (f *failingBatches) AddMany(ctx context.Context, items []storage.NewArticle) ([]storage.AddResult, error) {
	f.calls++
	return nil, errors.New("disk I/O error")
}

// A batch that fails as a whole is stored item by item: nothing is lost
// and each error names its own item.
func TestRunBatchFallsBackToSingleAdds(t *testing.T) {
	lib := &failingBatches{Library: openLib(t)}
	items := append(bookmarkItems(batchSize+3), Item{URL: "ftp://files.test/x", Title: "not a web link"})
	sum, err := runInto(context.Background(), lib, nil, items, Options{Tag: "import"})
	if err != nil {
		t.Fatal(err)
	}
	if lib.calls != 2 {
		t.Errorf("AddMany called %d times, want 2 (one full batch, one rest)", lib.calls)
	}
	if sum.Bookmarks != batchSize+3 || len(sum.Errors) != 1 || sum.Errors[0].URL != "ftp://files.test/x" ||
		!errors.Is(sum.Errors[0].Err, storage.ErrInvalid) {
		t.Errorf("summary %+v", sum)
	}
	if n, _ := lib.Count(context.Background(), storage.Filter{}); n != batchSize+3 {
		t.Errorf("%d articles, want %d", n, batchSize+3)
	}
}
