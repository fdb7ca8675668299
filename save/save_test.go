package save

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

func TestSaveLinkStoresArticleWithImages(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	var stages []Stage
	r := mustSave(t, sv, Request{Link: s.URL + "/article", Options: storage.AddOptions{Tags: []string{"news"}},
		Progress: func(st Stage) { stages = append(stages, st) }})
	if r.Existed || r.ID == 0 || r.Title == "" {
		t.Fatalf("result %+v", r)
	}
	if want := []Stage{Fetching, Extracting, Images, Storing}; !slices.Equal(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	a, err := lib.Get(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Images) != 4 || a.Images[0].ContentType == "" || !slices.Equal(a.Tags, []string{"news"}) {
		t.Errorf("stored %d images (%+v), tags %v", len(a.Images), a.Images, a.Tags)
	}
}

// A link already saved is not fetched again; the request's tags are added.
func TestSaveKnownLinkIsNotFetched(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	first := mustSave(t, sv, Request{Link: s.URL + "/article"})
	pages := s.count("/article")
	again := mustSave(t, sv, Request{Link: s.URL + "/article?utm_source=feed#top", Options: storage.AddOptions{Tags: []string{"later"}}})
	if !again.Existed || again.ID != first.ID || again.Title != first.Title {
		t.Errorf("second save %+v, first %+v", again, first)
	}
	if got := s.count("/article"); got != pages {
		t.Errorf("page fetched %d times, want %d", got, pages)
	}
	if a, _ := lib.Get(context.Background(), first.ID); !slices.Equal(a.Tags, []string{"later"}) {
		t.Errorf("tags %v, want [later]", a.Tags)
	}
}

// A shortened link that redirects is recorded with the article, so saving
// it again needs no fetch (the window's copy of saving forgot this).
func TestSaveRecordsTheLinkGiven(t *testing.T) {
	s := newSite(t)
	sv, _ := newSaver(t, s)
	first := mustSave(t, sv, Request{Link: s.URL + "/short"})
	if first.Existed || s.count("/short") != 1 {
		t.Fatalf("first save %+v, /short fetched %d times", first, s.count("/short"))
	}
	again := mustSave(t, sv, Request{Link: s.URL + "/short"})
	if !again.Existed || again.ID != first.ID {
		t.Errorf("second save %+v", again)
	}
	if n := s.count("/short"); n != 1 {
		t.Errorf("/short fetched %d times, want 1", n)
	}
}

// A page whose canonical address is already in the library costs one page
// fetch: its images are not downloaded again.
func TestSaveCanonicalKnownSkipsImages(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	first := mustSave(t, sv, Request{Link: s.URL + "/article"})
	images := s.images()
	if images == 0 {
		t.Fatal("the first save downloaded no image")
	}
	again := mustSave(t, sv, Request{Link: s.URL + "/copy.html", Options: storage.AddOptions{Tags: []string{"copy"}}})
	if !again.Existed || again.ID != first.ID {
		t.Fatalf("save of a copy %+v, want the first article %d", again, first.ID)
	}
	if got := s.images(); got != images {
		t.Errorf("%d image requests after saving the copy, want %d", got, images)
	}
	// The copy's address is now known without a fetch.
	if id, err := lib.Lookup(context.Background(), s.URL+"/copy.html"); err != nil || id != first.ID {
		t.Errorf("Lookup(copy) = %d, %v", id, err)
	}
	if n, _ := lib.Count(context.Background(), storage.Filter{}); n != 1 {
		t.Errorf("%d articles, want 1", n)
	}
}

func TestSaveFailures(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	tests := []struct {
		name string
		req  Request
		is   error
	}{
		{"not a link", Request{Link: "ftp://example.com/x"}, reader.ErrUnsupportedScheme},
		{"server refuses", Request{Link: s.URL + "/gone"}, reader.ErrHTTPStatus},
		{"missing file", Request{Path: filepath.Join(t.TempDir(), "nope.html"), Origin: "https://example.com/a"}, os.ErrNotExist},
		{"nothing", Request{}, storage.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sv.Save(context.Background(), tc.req)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err %v, want %v", err, tc.is)
			}
			if read := errors.Is(err, ErrNotRead); read != (tc.is != storage.ErrInvalid) {
				t.Errorf("errors.Is(err, ErrNotRead) = %v for %v", read, err)
			}
		})
	}
	if n, _ := lib.Count(context.Background(), storage.Filter{}); n != 0 {
		t.Errorf("%d articles stored by failed saves", n)
	}
}

// A saved page on disk is stored under the address given for it, which is
// then known.
func TestSaveFile(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	origin := s.URL + "/original-article"
	r := mustSave(t, sv, Request{Path: filepath.Join(seedDir, "index.html"), Origin: origin})
	if r.Existed {
		t.Fatalf("result %+v", r)
	}
	if id, err := lib.Lookup(context.Background(), origin); err != nil || id != r.ID {
		t.Errorf("Lookup(origin) = %d, %v; want %d", id, err, r.ID)
	}
	again := mustSave(t, sv, Request{Path: filepath.Join(seedDir, "index.html"), Origin: origin})
	if !again.Existed || again.ID != r.ID {
		t.Errorf("second save %+v", again)
	}
}

// An article given whole (an export's content) is stored with the
// request's state, its images downloaded, and the request's title kept
// unless it is only a link.
func TestSaveArticle(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	page, err := os.ReadFile(filepath.Join(seedDir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := reader.Extract(page, s.URL+"/exported", reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	saved := time.Date(2019, 5, 1, 8, 0, 0, 0, time.UTC)
	r := mustSave(t, sv, Request{Link: s.URL + "/exported", Article: a, Title: "My title",
		Options: storage.AddOptions{Saved: saved, Archived: true}})
	got, err := lib.Get(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "My title" || !got.Saved.Equal(saved) || !got.Archived || len(got.Images) != 4 || got.Images[0].ContentType == "" {
		t.Errorf("stored %q saved %v archived %v, %d images", got.Title, got.Saved, got.Archived, len(got.Images))
	}
	if s.count("/exported") != 0 {
		t.Error("the link of an article given whole was fetched")
	}
}

// Saving an article already in the library merges the request into it: the
// earliest saved time and a real title over a bare link win, flags are set
// and never cleared.
func TestSaveMergesIntoExisting(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	ctx := context.Background()
	link := "https://example.com/post"
	late := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	early := time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC)
	id, err := lib.Add(ctx, &reader.Article{URL: link, Title: link}, storage.AddOptions{Bookmark: true, Saved: late, Favorite: true})
	if err != nil {
		t.Fatal(err)
	}
	r := mustSave(t, sv, Request{Link: "http://example.com/post/", Title: "The real title",
		Options: storage.AddOptions{Saved: early, Read: true, Tags: []string{"x"}}})
	if !r.Existed || r.ID != id || r.Title != "The real title" {
		t.Fatalf("result %+v", r)
	}
	a, _ := lib.Get(ctx, id)
	if !a.Saved.Equal(early) || a.Title != "The real title" || !a.Read || !a.Favorite || !slices.Equal(a.Tags, []string{"x"}) {
		t.Errorf("merged: saved %v title %q read %v fav %v tags %v", a.Saved, a.Title, a.Read, a.Favorite, a.Tags)
	}
	// A later save neither moves the saved time forward nor puts a link
	// back as the title.
	mustSave(t, sv, Request{Link: link, Title: link, Options: storage.AddOptions{Saved: late}})
	a, _ = lib.Get(ctx, id)
	if !a.Saved.Equal(early) || a.Title != "The real title" {
		t.Errorf("after a later save: saved %v title %q", a.Saved, a.Title)
	}
	if hits, err := lib.Search(ctx, "real title", storage.Filter{}); err != nil || len(hits) != 1 {
		t.Errorf("search for the new title: %d hits, %v", len(hits), err)
	}
}
