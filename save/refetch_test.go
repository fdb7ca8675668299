package save

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// seedPage is the seed page's HTML.
func seedPage(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(seedDir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shortened is the seed page with all but the first paragraph of its
// article gone, as a page that has since put up a paywall.
func shortened(t testing.TB) []byte {
	t.Helper()
	page := seedPage(t)
	first := bytes.Index(page, []byte("<p"))
	end := bytes.LastIndex(page, []byte("</p>"))
	if first < 0 || end < first {
		t.Fatal("seed page has no paragraphs")
	}
	start := bytes.Index(page[first+2:], []byte("<p"))
	if start < 0 {
		t.Fatal("seed page has one paragraph")
	}
	start += first + 2
	// Keep the first few paragraphs of the body, drop the rest.
	var b bytes.Buffer
	b.Write(page[:start])
	b.Write(page[end+len("</p>"):])
	return b.Bytes()
}

func decorate(t *testing.T, lib *storage.Library, id int64) {
	t.Helper()
	ctx := context.Background()
	if err := lib.AddTags(ctx, []int64{id}, "keep"); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddNote(ctx, id, "my note"); err != nil {
		t.Fatal(err)
	}
	if err := lib.Mark(ctx, []int64{id}, storage.MarkFavorite); err != nil {
		t.Fatal(err)
	}
}

func checkDecorated(t *testing.T, lib *storage.Library, id int64) {
	t.Helper()
	ctx := context.Background()
	a, err := lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	notes, _ := lib.Notes(ctx, id)
	if !slices.Equal(a.Tags, []string{"keep"}) || !a.Favorite || len(notes) != 1 || notes[0].Text != "my note" {
		t.Errorf("after refetch: tags %v favourite %v notes %+v", a.Tags, a.Favorite, notes)
	}
}

func TestRefetchKeepsTagsNotesAndState(t *testing.T) {
	for _, offline := range []bool{false, true} {
		name := "online"
		if offline {
			name = "offline"
		}
		t.Run(name, func(t *testing.T) {
			s := newSite(t)
			sv, lib := newSaver(t, s)
			r := mustSave(t, sv, Request{Link: s.URL + "/article"})
			decorate(t, lib, r.ID)
			pages, images := s.count("/article"), s.images()
			got, err := sv.Refetch(context.Background(), r.ID, RefetchOptions{Offline: offline})
			if err != nil {
				t.Fatal(err)
			}
			if got.Shorter || got.OldWords == 0 || got.NewWords != got.OldWords {
				t.Errorf("refetched %+v", got)
			}
			if offline && (s.count("/article") != pages || s.images() != images) {
				t.Error("an offline re-extraction used the network")
			}
			if !offline && s.count("/article") != pages+1 {
				t.Error("an online refetch did not fetch the page")
			}
			checkDecorated(t, lib, r.ID)
			a, _ := lib.Get(context.Background(), r.ID)
			if len(a.Images) != 4 || a.Images[0].ContentType == "" {
				t.Errorf("images after refetch: %+v", a.Images)
			}
		})
	}
}

// A re-fetch whose page lost most of the article keeps the saved text
// unless told otherwise.
func TestRefetchShorterKeepsOldText(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	ctx := context.Background()
	r := mustSave(t, sv, Request{Link: s.URL + "/article"})
	before, _ := lib.Get(ctx, r.ID)
	s.setPage(shortened(t))

	got, err := sv.Refetch(ctx, r.ID, RefetchOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Shorter || got.Stored || got.NewWords >= got.OldWords*9/10 {
		t.Fatalf("refetched %+v, want Shorter and not stored", got)
	}
	if a, _ := lib.Get(ctx, r.ID); a.Text != before.Text || a.Words != before.Words {
		t.Errorf("the text changed: %d words, was %d", a.Words, before.Words)
	}

	got, err = sv.Refetch(ctx, r.ID, RefetchOptions{Force: true, AcceptShorter: true})
	if err != nil || !got.Shorter || !got.Stored {
		t.Fatalf("with AcceptShorter: %+v, %v", got, err)
	}
	if a, _ := lib.Get(ctx, r.ID); a.Words != got.NewWords || a.Words >= before.Words {
		t.Errorf("with AcceptShorter: %d words stored, want %d", a.Words, got.NewWords)
	}
}

func TestRefetchErrors(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	ctx := context.Background()
	id, err := lib.Add(ctx, &reader.Article{URL: s.URL + "/gone", Title: "Gone"}, storage.AddOptions{Bookmark: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sv.Refetch(ctx, id, RefetchOptions{Offline: true}); !errors.Is(err, ErrNoOriginal) {
		t.Errorf("offline refetch of a bookmark: %v, want ErrNoOriginal", err)
	}
	if _, err := sv.Refetch(ctx, id, RefetchOptions{}); !errors.Is(err, reader.ErrHTTPStatus) || !errors.Is(err, ErrNotRead) {
		t.Errorf("refetch of a gone page: %v", err)
	}
	if _, err := sv.Refetch(ctx, id+100, RefetchOptions{}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("refetch of a missing article: %v", err)
	}
	// The bookmark is as it was.
	if a, _ := lib.Get(ctx, id); a.Fetched || a.Title != "Gone" {
		t.Errorf("bookmark after failed refetches: %+v", a)
	}
}

// A bookmark fetched for the first time becomes an article.
func TestRefetchBookmark(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	ctx := context.Background()
	id, err := lib.Add(ctx, &reader.Article{URL: s.URL + "/article", Title: s.URL + "/article"}, storage.AddOptions{Bookmark: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sv.Refetch(ctx, id, RefetchOptions{})
	if err != nil || !got.Stored || got.OldWords != 0 {
		t.Fatalf("refetch of a bookmark: %+v, %v", got, err)
	}
	a, _ := lib.Get(ctx, id)
	if !a.Fetched || a.Words == 0 || strings.HasPrefix(a.Title, "http") {
		t.Errorf("after refetch: fetched %v, %d words, title %q", a.Fetched, a.Words, a.Title)
	}
}
