package importer

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// Importing the same links from two services: the earliest saved time and a
// real title over one that is only the link win, whichever import came
// first, and an http and an https copy of a link are one article.
func TestRunMergeAcrossImports(t *testing.T) {
	early := time.Date(2016, 3, 1, 0, 0, 0, 0, time.UTC)
	late := time.Date(2023, 9, 1, 0, 0, 0, 0, time.UTC)
	for _, fetch := range []bool{false, true} {
		name := "no fetch"
		if fetch {
			name = "fetch"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			lib := openLib(t)
			srv := newSite(t)
			// Dead links on the local server (the https ones fail the TLS
			// handshake with it): every fetch fails and leaves a bookmark.
			host := strings.TrimPrefix(srv.URL, "http://")
			post, other := "://"+host+"/dead/post", "://"+host+"/dead/other"
			first := []Item{
				{URL: "http" + post, Title: "http" + post, Saved: late},
				{URL: "https" + other, Title: "Other post", Saved: early},
			}
			second := []Item{
				{URL: "https" + post, Title: "The post", Saved: early, Read: true},
				{URL: "http" + other + "/", Title: "http" + other + "/", Saved: late},
			}
			var f Fetcher
			if fetch {
				f = reader.New(srv.Client())
			}
			for i, items := range [][]Item{first, second} {
				if _, err := Run(ctx, lib, f, items, Options{NoFetch: !fetch}); err != nil {
					t.Fatalf("import %d: %v", i+1, err)
				}
			}
			if n, _ := lib.Count(ctx, storage.Filter{}); n != 2 {
				t.Fatalf("%d articles, want 2", n)
			}
			for _, want := range []struct {
				link, title string
				read        bool
			}{
				{"https" + post, "The post", true},
				{"http" + other, "Other post", false},
			} {
				id, err := lib.Lookup(ctx, want.link)
				if err != nil {
					t.Fatal(err)
				}
				a, _ := lib.Get(ctx, id)
				if a.Title != want.title || !a.Saved.Equal(early) || a.Read != want.read {
					t.Errorf("%s: title %q saved %v read %v; want %q, %v, %v", want.link, a.Title, a.Saved, a.Read, want.title, early, want.read)
				}
			}
		})
	}
}

// Within one export, rows naming the http and https copies of a link fold
// into one, keeping the real title.
func TestDedupeSchemesAndTitles(t *testing.T) {
	items, dups := dedupe([]Item{
		{URL: "http://a.example/x", Title: "http://a.example/x"},
		{URL: "https://a.example/x/", Title: "Real"},
		{URL: "https://a.example/x", Title: "Later real"},
	})
	if dups != 2 || len(items) != 1 || items[0].Title != "Real" {
		t.Errorf("dedupe: %d dups, %+v", dups, items)
	}
}
