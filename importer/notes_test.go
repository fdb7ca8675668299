package importer

import (
	"context"
	"slices"
	"testing"

	"github.com/folio-app/folio/storage"
)

// TestImportNotes: what the person wrote in the export (Raindrop's note
// here) becomes notes of the article, marked with where they came from,
// found by search; its highlights, on links that could not be fetched,
// wait as detached highlights for the text; importing again adds none
// twice, and a note new in the second export is added to the article
// already there.
func TestImportNotes(t *testing.T) {
	ctx := context.Background()
	lib := openLib(t)
	path := materialize(t, "http://news.test", "raindrop.csv")
	sum, err := Import(ctx, lib, nil, path, Options{})
	if err != nil || sum.Format != Raindrop || sum.Bookmarks != 3 || len(sum.Broken) != 1 {
		t.Fatalf("Import: %+v, %v", sum, err)
	}
	notesOf := func(p string) []string {
		t.Helper()
		a := articles(t, lib)[p]
		if a == nil {
			t.Fatalf("no article at %s", p)
		}
		ns, err := lib.Notes(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, n := range ns {
			texts = append(texts, n.Text)
		}
		return texts
	}
	want := []string{"From Raindrop.io (note):\nĐọc lại phần 2"}
	if got := notesOf("/tin-tuc/nang-cao.html"); !slices.Equal(got, want) {
		t.Errorf("notes %q, want %q", got, want)
	}
	if got := notesOf("/pages/ja.html"); len(got) != 0 {
		t.Errorf("an item without a note got %q", got)
	}
	if hits, err := lib.Search(ctx, "phan 2", storage.Filter{}); err != nil || len(hits) != 1 {
		t.Errorf("search for a note: %d hits, %v", len(hits), err)
	}
	highlightsOf := func(p string) []string {
		t.Helper()
		hs, err := lib.Highlights(ctx, articles(t, lib)[p].ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hs {
			if !h.Detached {
				t.Errorf("a bookmark's highlight is placed: %+v", h)
			}
			out = append(out, h.Exact+" / "+h.Note)
		}
		return out
	}
	wantH := []string{"Tầm nhìn chiến lược / quan trọng", "Một đoạn thứ hai / "}
	if got := highlightsOf("/tin-tuc/nang-cao.html"); !slices.Equal(got, wantH) {
		t.Errorf("highlights %q, want %q", got, wantH)
	}

	// The same export again: merged, no note twice.
	if sum, err := Import(ctx, lib, nil, path, Options{}); err != nil || sum.Merged != 3 {
		t.Fatalf("second import: %+v, %v", sum, err)
	}
	if got := notesOf("/tin-tuc/nang-cao.html"); !slices.Equal(got, want) {
		t.Errorf("after a second import, notes %q, want %q", got, want)
	}
	if got := highlightsOf("/tin-tuc/nang-cao.html"); !slices.Equal(got, wantH) {
		t.Errorf("after a second import, highlights %q, want %q", got, wantH)
	}
	// A later export with one more note: only that one is added.
	items := []Item{{URL: "http://news.test/tin-tuc/nang-cao.html", Notes: []Note{{From: "Raindrop.io (note)", Text: "Đọc lại phần 2"}, {From: "Pinboard (description)", Text: "Mới"}}}}
	if _, err := Run(ctx, lib, nil, items, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := notesOf("/tin-tuc/nang-cao.html"); len(got) != 2 || got[1] != "From Pinboard (description):\nMới" {
		t.Errorf("after a new note, notes %q", got)
	}
}
