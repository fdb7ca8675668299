package storage

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
)

func TestAddMany(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	old := mustAdd(t, lib, simpleArticle("https://old.example/story", "Old story", "already here"), AddOptions{Tags: []string{"Cũ"}})
	saved := time.Date(2019, 4, 5, 6, 7, 8, 0, time.UTC)
	items := []NewArticle{
		{Article: seedArticle(t, "https://news.example"), Options: AddOptions{Tags: []string{"Việt Nam", "chính trị"}, Favorite: true}},
		{Article: &reader.Article{URL: "https://blog.example/post?utm_source=x", Title: "Một dấu trang Đzyx", Text: "dropped for a bookmark"},
			Options: AddOptions{Bookmark: true, Saved: saved, Read: true, Tags: []string{"VIỆT NAM", "cũ"}}},
		{Article: &reader.Article{URL: "ftp://files.example/f"}},
		{Article: nil},
		{Article: simpleArticle("https://x.example/empty-tag", "Empty tag", "x"), Options: AddOptions{Tags: []string{" "}}},
		// The same link as item 1 once normalized.
		{Article: &reader.Article{URL: "https://BLOG.example/post#top", Title: "again"}, Options: AddOptions{Bookmark: true}},
		// Already in the library before the batch.
		{Article: simpleArticle("https://old.example/story?fbclid=1", "Old again", "x")},
		// Its alias is item 7's canonical URL: a later item naming either is a duplicate.
		{Article: &reader.Article{URL: "https://amp.example/7", Canonical: "https://site.example/7", Title: "Seven", Text: "bảy quokka"},
			Options: AddOptions{Aliases: []string{"https://short.example/7"}}},
		{Article: &reader.Article{URL: "https://short.example/7", Title: "seven by its short link"}},
		{Article: simpleArticle("https://other.example/a", "Other", "durian season"), Options: AddOptions{Tags: []string{"chính trị"}}},
	}
	res, err := lib.AddMany(ctx, items)
	if err != nil {
		t.Fatalf("AddMany: %v", err)
	}
	if len(res) != len(items) {
		t.Fatalf("%d results for %d items", len(res), len(items))
	}
	for _, i := range []int{2, 3, 4} {
		if !errors.Is(res[i].Err, ErrInvalid) || res[i].ID != 0 || res[i].Duplicate {
			t.Errorf("item %d: %+v, want ErrInvalid", i, res[i])
		}
	}
	for _, i := range []int{0, 1, 7, 9} {
		if res[i].Err != nil || res[i].Duplicate || res[i].ID == 0 || res[i].ID == old {
			t.Errorf("item %d: %+v, want a new article", i, res[i])
		}
	}
	for _, dup := range []struct{ item, of int }{{5, 1}, {8, 7}} {
		if r := res[dup.item]; !r.Duplicate || r.Err != nil || r.ID != res[dup.of].ID {
			t.Errorf("item %d: %+v, want a duplicate of article %d", dup.item, r, res[dup.of].ID)
		}
	}
	if r := res[6]; !r.Duplicate || r.ID != old {
		t.Errorf("item 6: %+v, want a duplicate of article %d", r, old)
	}
	if n := count(t, lib, "articles"); n != 5 {
		t.Errorf("%d articles, want 5", n)
	}

	seed, err := lib.Get(ctx, res[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if seed.Text != items[0].Article.Text || len(seed.Images) != 4 || !seed.Favorite || !seed.Fetched ||
		!reflect.DeepEqual(seed.Tags, []string{"chính trị", "Việt Nam"}) {
		t.Errorf("seed article: %d images, fav %v, fetched %v, tags %v", len(seed.Images), seed.Favorite, seed.Fetched, seed.Tags)
	}
	if page, err := lib.Page(ctx, res[0].ID); err != nil || len(page) == 0 {
		t.Errorf("seed page: %d bytes, %v", len(page), err)
	}
	bm, err := lib.Get(ctx, res[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	// A tag named again in another spelling joins the existing tag.
	if bm.Fetched || bm.Text != "" || !bm.Read || !bm.Saved.Equal(saved) || !reflect.DeepEqual(bm.Tags, []string{"Cũ", "Việt Nam"}) {
		t.Errorf("bookmark: fetched %v, text %q, read %v, saved %v, tags %v", bm.Fetched, bm.Text, bm.Read, bm.Saved, bm.Tags)
	}
	if got := tagCounts(t, lib); !reflect.DeepEqual(got, map[string]int{"Việt Nam": 2, "chính trị": 2, "Cũ": 2}) {
		t.Errorf("Tags = %v", got)
	}
	for q, want := range map[string][]int64{
		"dân vận":   {res[0].ID},            // text
		"dzyx":      {res[1].ID},            // title, đ folded
		"viet nam":  {res[0].ID, res[1].ID}, // tags
		"chinh tri": {res[0].ID, res[9].ID},
		"durian":    {res[9].ID},
		"quokka":    {res[7].ID},
		"dropped":   nil, // a bookmark keeps no text
		"Empty":     nil,
		"Old again": nil,
	} {
		hits, err := lib.Search(ctx, q, Filter{})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		var ids []int64
		for _, h := range hits {
			ids = append(ids, h.ID)
		}
		if !sameIDs(ids, want) {
			t.Errorf("Search(%q) = %v, want %v", q, ids, want)
		}
	}
	for link, want := range map[string]int64{"https://site.example/7": res[7].ID, "https://short.example/7": res[7].ID,
		"https://blog.example/post": res[1].ID} {
		if got, err := lib.Lookup(ctx, link); err != nil || got != want {
			t.Errorf("Lookup(%s) = %d, %v; want %d", link, got, err, want)
		}
	}

	t.Run("again in a later batch", func(t *testing.T) {
		again, err := lib.AddMany(ctx, items)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range again {
			switch {
			case res[i].Err != nil:
				if !errors.Is(r.Err, ErrInvalid) {
					t.Errorf("item %d: %+v, want ErrInvalid", i, r)
				}
			case !r.Duplicate || r.ID != res[i].ID:
				t.Errorf("item %d: %+v, want a duplicate of %d", i, r, res[i].ID)
			}
		}
		if n := count(t, lib, "articles"); n != 5 {
			t.Errorf("%d articles, want 5", n)
		}
	})
	t.Run("empty and all invalid", func(t *testing.T) {
		for _, batch := range [][]NewArticle{nil, {{Article: &reader.Article{URL: "not a link"}}}} {
			r, err := lib.AddMany(ctx, batch)
			if err != nil || len(r) != len(batch) {
				t.Errorf("AddMany(%d items) = %+v, %v", len(batch), r, err)
			}
		}
	})
}

// sameIDs reports whether a and b hold the same ids in any order.
func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int64]int{}
	for _, id := range a {
		seen[id]++
	}
	for _, id := range b {
		if seen[id] == 0 {
			return false
		}
		seen[id]--
	}
	return true
}

// batchOf builds n small tagged articles; their texts all hold "batchword".
func batchOf(n int, prefix string) []NewArticle {
	items := make([]NewArticle, n)
	for i := range items {
		items[i] = NewArticle{
			Article: simpleArticle(fmt.Sprintf("https://%s.example/%d", prefix, i), fmt.Sprintf("%s %d", prefix, i), "batchword text"),
			Options: AddOptions{Tags: []string{prefix, "shared"}},
		}
	}
	return items
}

func TestAddManyIsAtomic(t *testing.T) {
	tables := []string{"articles", "article_content", "pages", "article_urls", "blobs",
		"article_images", "tags", "article_tags", "search"}
	// setup leaves one article, with images and tags, that a failed batch
	// must not disturb.
	setup := func(t *testing.T) (*Library, map[string]int) {
		t.Helper()
		lib := MustOpen(t)
		mustAdd(t, lib, seedArticle(t, "https://before.example"), AddOptions{Tags: []string{"shared"}})
		before := map[string]int{}
		for _, table := range tables {
			before[table] = count(t, lib, table)
		}
		return lib, before
	}
	check := func(t *testing.T, lib *Library, before map[string]int) {
		t.Helper()
		for _, table := range tables {
			if n := count(t, lib, table); n != before[table] {
				t.Errorf("%s has %d rows after a failed batch, had %d", table, n, before[table])
			}
		}
		if got := tagCounts(t, lib); !reflect.DeepEqual(got, map[string]int{"shared": 1}) {
			t.Errorf("Tags = %v", got)
		}
		if hits, err := lib.Search(context.Background(), "batchword", Filter{}); err != nil || len(hits) != 0 {
			t.Errorf("Search found %d rows of a failed batch, %v", len(hits), err)
		}
	}
	for _, step := range []string{"article", "images", "tags", "search"} {
		t.Run(step, func(t *testing.T) {
			lib, before := setup(t)
			items := batchOf(5, "atomic")
			// Seed images in the batch too, so blobs are at stake.
			items[1] = NewArticle{Article: seedArticle(t, "https://in-batch.example")}
			boom := errors.New("injected failure")
			calls := 0
			lib.failAt = func(s string) error {
				if s == step {
					if calls++; calls == 4 { // the fourth article, after three were written
						return boom
					}
				}
				return nil
			}
			res, err := lib.AddMany(context.Background(), items)
			if !errors.Is(err, boom) || res != nil {
				t.Fatalf("AddMany = %v, %v; want nil and the injected failure", res, err)
			}
			check(t, lib, before)
			lib.failAt = nil
			res, err = lib.AddMany(context.Background(), items)
			if err != nil {
				t.Fatalf("AddMany after failure: %v", err)
			}
			for i, r := range res {
				if r.Err != nil || r.Duplicate {
					t.Errorf("retry item %d: %+v", i, r)
				}
			}
			if got := tagCounts(t, lib); got["shared"] != 5 || got["atomic"] != 4 {
				t.Errorf("Tags after retry = %v", got)
			}
		})
	}
	t.Run("cancelled context", func(t *testing.T) {
		lib, before := setup(t)
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		lib.failAt = func(s string) error {
			if s == "search" {
				if calls++; calls == 2 {
					cancel()
				}
			}
			return nil
		}
		if _, err := lib.AddMany(ctx, batchOf(5, "cancel")); err == nil {
			t.Fatal("AddMany with a context cancelled mid-way succeeded")
		}
		check(t, lib, before)
	})
}

// A deleted article's id can be given to the next new one (no
// AUTOINCREMENT); its search entry must not come back with it.
func TestAddManyReusedID(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	mustAdd(t, lib, simpleArticle("https://a.example/1", "One", "first"), AddOptions{})
	gone := mustAdd(t, lib, simpleArticle("https://a.example/2", "Two", "vanished"), AddOptions{Tags: []string{"old"}})
	if err := lib.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	res, err := lib.AddMany(ctx, batchOf(2, "fresh"))
	if err != nil {
		t.Fatal(err)
	}
	if res[0].ID != gone {
		t.Fatalf("new article got id %d, not the freed %d: the test proves nothing", res[0].ID, gone)
	}
	for q, want := range map[string]int{"vanished": 0, "old": 0, "batchword": 2, "fresh": 2} {
		if hits, err := lib.Search(ctx, q, Filter{}); err != nil || len(hits) != want {
			t.Errorf("Search(%q): %d results, %v; want %d", q, len(hits), err, want)
		}
	}
}
