package storage

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
)

// An http and an https copy of a link are one article: found by Lookup,
// refused by Add as a duplicate, whichever was saved first.
func TestHTTPAndHTTPSAreOneArticle(t *testing.T) {
	for _, first := range []string{"http", "https"} {
		t.Run(first+" first", func(t *testing.T) {
			lib := MustOpen(t)
			ctx := context.Background()
			other := map[string]string{"http": "https", "https": "http"}[first]
			id, err := lib.Add(ctx, &reader.Article{URL: first + "://example.com/post"}, AddOptions{Bookmark: true})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := lib.Lookup(ctx, other+"://Example.com/post/"); err != nil || got != id {
				t.Errorf("Lookup(%s) = %d, %v; want %d", other, got, err, id)
			}
			dup, err := lib.Add(ctx, &reader.Article{URL: other + "://example.com/post"}, AddOptions{Bookmark: true})
			if !errors.Is(err, ErrDuplicate) || dup != id {
				t.Errorf("Add(%s) = %d, %v; want a duplicate of %d", other, dup, err, id)
			}
		})
	}
}

// A library that already holds both copies as two articles (written
// before the rule) keeps both, each found by its own address.
func TestHTTPAndHTTPSCopiesAlreadyTwo(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	var ids []int64
	for _, scheme := range []string{"http", "https"} {
		res, err := lib.db.ExecContext(ctx, `INSERT INTO articles(url, published, saved, updated) VALUES (?, 0, 0, 0)`, scheme+"://example.com/a")
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := lib.db.ExecContext(ctx, `INSERT INTO article_urls(norm, article_id) VALUES (?, ?)`, scheme+"://example.com/a", id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for i, scheme := range []string{"http", "https"} {
		if got, err := lib.Lookup(ctx, scheme+"://example.com/a"); err != nil || got != ids[i] {
			t.Errorf("Lookup(%s) = %d, %v; want %d", scheme, got, err, ids[i])
		}
	}
}

func TestMerge(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	saved := time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC)
	id, err := lib.Add(ctx, &reader.Article{URL: "https://example.com/a", Title: "https://example.com/a"},
		AddOptions{Bookmark: true, Saved: saved, Favorite: true, Tags: []string{"one"}})
	if err != nil {
		t.Fatal(err)
	}
	earlier := saved.AddDate(-3, 0, 0)
	title, err := lib.Merge(ctx, id, Merge{Tags: []string{"two"}, Read: true, Saved: earlier, Title: "A real title",
		Aliases: []string{"https://short.example/x"}})
	if err != nil || title != "A real title" {
		t.Fatalf("Merge = %q, %v", title, err)
	}
	// Later: a later time, a link as title and false flags change nothing.
	if title, err = lib.Merge(ctx, id, Merge{Saved: saved.AddDate(1, 0, 0), Title: "https://example.com/a"}); err != nil || title != "A real title" {
		t.Fatalf("second Merge = %q, %v", title, err)
	}
	if title, err = lib.Merge(ctx, id, Merge{Title: "Another title"}); err != nil || title != "A real title" {
		t.Fatalf("a real title replaced a real title: %q, %v", title, err)
	}
	a, err := lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Saved.Equal(earlier) || a.Title != "A real title" || !a.Read || !a.Favorite || a.Archived ||
		!slices.Equal(a.Tags, []string{"one", "two"}) {
		t.Errorf("merged: saved %v title %q read %v fav %v arch %v tags %v", a.Saved, a.Title, a.Read, a.Favorite, a.Archived, a.Tags)
	}
	if got, err := lib.Lookup(ctx, "https://short.example/x"); err != nil || got != id {
		t.Errorf("alias lookup = %d, %v", got, err)
	}
	if hits, err := lib.Search(ctx, "real title two", Filter{}); err != nil || len(hits) != 1 {
		t.Errorf("search after merge: %d hits, %v", len(hits), err)
	}
	if sorted, _, err := lib.List(ctx, Filter{Sort: SortTitle}); err != nil || len(sorted) != 1 || sorted[0].Title != "A real title" {
		t.Errorf("list by title: %+v, %v", sorted, err)
	}
	if _, err := lib.Merge(ctx, id+1, Merge{Read: true}); !errors.Is(err, ErrNotFound) {
		t.Errorf("Merge of a missing article: %v", err)
	}
	if _, err := lib.Merge(ctx, id, Merge{Tags: []string{" "}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Merge of an empty tag: %v", err)
	}
}

func TestIsLinkTitle(t *testing.T) {
	for title, want := range map[string]bool{
		"": true, "  ": true, "https://example.com/a": true, "HTTP://x.y": true, "www.example.com/a": true,
		"A title": false, "https://example.com is down": false, "Go 1.26": false,
	} {
		if got := IsLinkTitle(title); got != want {
			t.Errorf("IsLinkTitle(%q) = %v", title, got)
		}
	}
}
