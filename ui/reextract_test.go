package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// File › Re-extract all articles… on a library stored by an older
// extractor: stale texts are replaced, the one that would lose half its
// words is kept and offered, tags stay.
func TestReextractAllFromTheWindow(t *testing.T) {
	page, err := os.ReadFile(seedDir + "/index.html")
	if err != nil {
		t.Fatal(err)
	}
	page = bytes.ReplaceAll(page, []byte(`rel="canonical"`), []byte(`rel="x"`))
	var ids []int64
	h := newHarness(t, func(lib *storage.Library) {
		for i, stale := range []string{"\n\nShare this article", "", "DOUBLE"} {
			link := fmt.Sprintf("https://news.example/%d", i)
			a, err := reader.ExtractPage(&reader.Page{URL: link, ContentType: "text/html", HTML: page}, reader.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if stale == "DOUBLE" {
				a.Text += "\n\n" + a.Text
			} else {
				a.Text += stale
			}
			a.Words = len(strings.Fields(a.Text))
			id, err := lib.Add(context.Background(), a, storage.AddOptions{Tags: []string{"kept"}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
	})
	if h.u.menuItems["reextract"] == nil {
		t.Fatal("no Re-extract all articles… menu item")
	}
	h.u.reextract.run()
	h.eventually("the re-extraction", func() bool { return h.u.reextract.running == nil && h.u.reextract.result != nil })
	f := h.u.reextract
	if want := "Re-extracted 3 of 3 articles: 1 changed, 1 was already as the current extractor reads it, 1 kept its text because the new one has more than 10% fewer words."; f.message != want {
		t.Errorf("summary %q\nwant    %q", f.message, want)
	}
	if len(f.shorter) != 1 || f.shorter[0].ID != ids[2] || f.accept == nil {
		t.Fatalf("shorter %+v", f.shorter)
	}
	ctx := context.Background()
	before, _ := h.lib.Get(ctx, ids[2])
	test.Tap(f.accept)
	h.eventually("the shorter text stored", func() bool {
		a, _ := h.lib.Get(ctx, ids[2])
		return a.Words < before.Words*6/10
	})
	for _, id := range ids {
		if a, _ := h.lib.Get(ctx, id); len(a.Tags) != 1 || strings.Contains(a.Text, "Share this article") {
			t.Errorf("article %d: tags %v, stale text %v", id, a.Tags, strings.Contains(a.Text, "Share this article"))
		}
	}
	h.settle()
}
