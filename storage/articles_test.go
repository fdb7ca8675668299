package storage

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
)

func TestAddGetRoundTrip(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	a := seedArticle(t, "https://news.example")
	id := mustAdd(t, lib, a, AddOptions{Tags: []string{"Việt Nam", "chính trị"}, Favorite: true})

	got, err := lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"url", got.URL, a.URL},
		{"canonical", got.Canonical, a.Canonical},
		{"title", got.Title, a.Title},
		{"byline", got.Byline, a.Byline},
		{"site", got.SiteName, a.SiteName},
		{"lang", got.Lang, a.Lang},
		{"excerpt", got.Excerpt, a.Excerpt},
		{"lead image", got.LeadImage, a.LeadImage},
		{"published", got.Published.Format(time.RFC3339), "2022-01-13T19:28:00+07:00"},
		{"html", got.HTML, reader.Sanitize(a.HTML)}, // as every reader gets it
		{"text", got.Text, a.Text},
		{"words", got.Words, a.Words},
		{"reading time", got.ReadingTime, a.ReadingTime},
		{"favorite", got.Favorite, true},
		{"read", got.Read, false},
		{"fetched", got.Fetched, true},
		{"tags", len(got.Tags), 2},
		{"images", len(got.Images), 4},
		{"page", got.Page == nil, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if got.Saved.IsZero() || !got.Saved.Equal(got.Updated) {
		t.Errorf("saved %v, updated %v: want equal, non-zero", got.Saved, got.Updated)
	}
	for i, img := range got.Images {
		if img.URL != a.Images[i].URL || img.ContentType != "image/png" || img.Data != nil {
			t.Errorf("image %d = %+v", i, img)
		}
		ct, data, err := lib.Image(ctx, id, img.URL)
		if err != nil || ct != "image/png" || !bytes.Equal(data, a.Images[i].Data) {
			t.Errorf("Image(%s) = %q, %d bytes, %v", img.URL, ct, len(data), err)
		}
	}
	page, err := lib.Page(ctx, id)
	if err != nil || !bytes.Equal(page, a.Page) {
		t.Errorf("Page: %d bytes (want %d), %v", len(page), len(a.Page), err)
	}
	if _, err := lib.Get(ctx, id+100); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get missing: %v, want ErrNotFound", err)
	}
}

func TestAddBookmark(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	a := seedArticle(t, "https://news.example")
	saved := time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)
	id := mustAdd(t, lib, a, AddOptions{Bookmark: true, FetchError: "timeout", Saved: saved, Read: true})
	got, err := lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fetched || got.FetchError != "timeout" || got.Text != "" || len(got.Images) != 0 ||
		got.Title != a.Title || !got.Saved.Equal(saved) || !got.Read {
		t.Errorf("bookmark = fetched %v, error %q, %d text bytes, %d images, title %q, saved %v, read %v",
			got.Fetched, got.FetchError, len(got.Text), len(got.Images), got.Title, got.Saved, got.Read)
	}
	if _, err := lib.Page(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Page of bookmark: %v, want ErrNotFound", err)
	}
	// Fetching it later fills it in.
	if err := lib.Replace(ctx, id, a); err != nil {
		t.Fatal(err)
	}
	got, _ = lib.Get(ctx, id)
	if !got.Fetched || got.FetchError != "" || got.Text != a.Text {
		t.Errorf("after Replace: fetched %v, error %q, text %d bytes", got.Fetched, got.FetchError, len(got.Text))
	}
}

func TestDuplicates(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	first := &reader.Article{URL: "https://News.Example/a/story/?utm_source=x&id=7", Canonical: "https://news.example/canonical-story", Title: "Story"}
	id := mustAdd(t, lib, first, AddOptions{})
	tests := []struct {
		name, url, canonical string
		dup                  bool
	}{
		{"same", "https://News.Example/a/story/?utm_source=x&id=7", "", true},
		{"tracking and fragment", "https://news.example/a/story?id=7&utm_medium=email&fbclid=1#comments", "", true},
		{"case and slash", "HTTPS://NEWS.EXAMPLE:443/a/story/?id=7", "", true},
		{"canonical of new is old url", "https://m.news.example/x", "https://news.example/a/story?id=7", true},
		{"url of new is old canonical", "https://news.example/canonical-story/", "", true},
		{"same canonical", "https://amp.news.example/1", "https://news.example/canonical-story", true},
		{"other query", "https://news.example/a/story?id=8", "", false},
		{"other path", "https://news.example/a/other", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lib.Add(ctx, &reader.Article{URL: tt.url, Canonical: tt.canonical, Title: "x"}, AddOptions{})
			if tt.dup {
				if !errors.Is(err, ErrDuplicate) || got != id {
					t.Errorf("Add = %d, %v; want %d, ErrDuplicate", got, err, id)
				}
			} else if err != nil || got == id {
				t.Errorf("Add = %d, %v; want a new article", got, err)
			}
			if tt.dup {
				if l, err := lib.Lookup(ctx, tt.url); tt.canonical == "" && (err != nil || l != id) {
					t.Errorf("Lookup = %d, %v; want %d", l, err, id)
				}
			}
		})
	}
	if _, err := lib.Lookup(ctx, "https://nowhere.example/"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Lookup unknown: %v, want ErrNotFound", err)
	}
	if _, err := lib.Add(ctx, &reader.Article{URL: "ftp://x.example/f"}, AddOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Add ftp link: %v, want ErrInvalid", err)
	}
}

func TestAliasesAreRecognised(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	// The link the person gave redirected to the article's final address.
	id := mustAdd(t, lib, &reader.Article{URL: "https://news.example/2024/story", Title: "Story"},
		AddOptions{Aliases: []string{"https://short.example/x1?utm_source=feed", "not a link", ""}})
	if got, err := lib.Lookup(ctx, "https://SHORT.example/x1"); err != nil || got != id {
		t.Errorf("Lookup(alias) = %d, %v; want %d", got, err, id)
	}
	if got, err := lib.Add(ctx, &reader.Article{URL: "https://short.example/x1"}, AddOptions{}); !errors.Is(err, ErrDuplicate) || got != id {
		t.Errorf("Add(alias) = %d, %v; want %d, ErrDuplicate", got, err, id)
	}
}

func TestReplaceKeepsUserData(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	a := seedArticle(t, "https://news.example")
	id := mustAdd(t, lib, a, AddOptions{Tags: []string{"keep"}, Favorite: true, Read: true})
	if _, err := lib.AddNote(ctx, id, "my note"); err != nil {
		t.Fatal(err)
	}
	before, _ := lib.Get(ctx, id)

	b := seedArticle(t, "https://news.example")
	b.Title = "Tiêu đề mới"
	b.Text = "Nội dung mới về quả sầu riêng"
	b.Images = b.Images[:1]
	if err := lib.Replace(ctx, id, b); err != nil {
		t.Fatal(err)
	}
	got, err := lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != b.Title || got.Text != b.Text || len(got.Images) != 1 {
		t.Errorf("content not replaced: %q, %q, %d images", got.Title, got.Text, len(got.Images))
	}
	if !got.Favorite || !got.Read || len(got.Tags) != 1 || !got.Saved.Equal(before.Saved) || !got.Updated.After(before.Updated) {
		t.Errorf("user data lost: fav %v read %v tags %v saved %v (was %v) updated %v (was %v)",
			got.Favorite, got.Read, got.Tags, got.Saved, before.Saved, got.Updated, before.Updated)
	}
	if n := count(t, lib, "blobs"); n != 1 {
		t.Errorf("%d blobs after replace, want 1 (old images dropped)", n)
	}
	if notes, _ := lib.Notes(ctx, id); len(notes) != 1 {
		t.Errorf("notes = %v", notes)
	}
	for q, want := range map[string]int{"sau rieng": 1, "dân vận": 0, "keep": 1, "note": 1} {
		res, err := lib.Search(ctx, q, Filter{})
		if err != nil || len(res) != want {
			t.Errorf("Search(%q) after replace: %d results, %v; want %d", q, len(res), err, want)
		}
	}
	if err := lib.Replace(ctx, id+1, b); !errors.Is(err, ErrNotFound) {
		t.Errorf("Replace missing: %v, want ErrNotFound", err)
	}
}

func TestAddIsAtomic(t *testing.T) {
	steps := []string{"article", "images", "tags", "search"}
	for _, step := range steps {
		t.Run(step, func(t *testing.T) {
			lib := MustOpen(t)
			boom := errors.New("injected failure")
			lib.failAt = func(s string) error {
				if s == step {
					return boom
				}
				return nil
			}
			_, err := lib.Add(context.Background(), seedArticle(t, "https://news.example"), AddOptions{Tags: []string{"x"}})
			if !errors.Is(err, boom) {
				t.Fatalf("Add: %v, want the injected failure", err)
			}
			for _, table := range []string{"articles", "article_content", "pages", "article_urls", "blobs",
				"article_images", "tags", "article_tags", "search"} {
				if n := count(t, lib, table); n != 0 {
					t.Errorf("%s has %d rows after a failed Add", table, n)
				}
			}
			lib.failAt = nil
			if _, err := lib.Add(context.Background(), seedArticle(t, "https://news.example"), AddOptions{}); err != nil {
				t.Errorf("Add after failure: %v", err)
			}
		})
	}
	t.Run("cancelled context", func(t *testing.T) {
		lib := MustOpen(t)
		ctx, cancel := context.WithCancel(context.Background())
		lib.failAt = func(s string) error {
			if s == "images" {
				cancel()
			}
			return nil
		}
		if _, err := lib.Add(ctx, seedArticle(t, "https://news.example"), AddOptions{}); err == nil {
			t.Fatal("Add with a context cancelled mid-way succeeded")
		}
		if n := count(t, lib, "articles"); n != 0 {
			t.Errorf("%d articles after a cancelled Add", n)
		}
	})
}

func TestImagesDeduplicated(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	a := seedArticle(t, "https://news.example")
	b := seedArticle(t, "https://other.example") // same bytes, other URLs
	b.Images = append(b.Images, reader.Image{URL: "https://other.example/broken.png", Err: "404 Not Found"})
	ida := mustAdd(t, lib, a, AddOptions{})
	idb := mustAdd(t, lib, b, AddOptions{})
	if n := count(t, lib, "blobs"); n != 4 {
		t.Fatalf("%d blobs for two articles sharing 4 images, want 4", n)
	}
	imgs, err := lib.Images(ctx, idb)
	if err != nil || len(imgs) != 5 || imgs[4].Err != "404 Not Found" || imgs[4].ContentType != "" {
		t.Fatalf("Images = %+v, %v", imgs, err)
	}
	if _, _, err := lib.Image(ctx, idb, "https://other.example/broken.png"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Image of failed download: %v, want ErrNotFound", err)
	}
	if ct, data, err := lib.ImageByURL(ctx, b.Images[0].URL); err != nil || ct != "image/png" || !bytes.Equal(data, b.Images[0].Data) {
		t.Errorf("ImageByURL = %q, %d bytes, %v", ct, len(data), err)
	}
	if err := lib.Delete(ctx, ida); err != nil {
		t.Fatal(err)
	}
	if n := count(t, lib, "blobs"); n != 4 {
		t.Errorf("%d blobs after deleting one article, want 4 (still used)", n)
	}
	if _, _, err := lib.Image(ctx, idb, b.Images[1].URL); err != nil {
		t.Errorf("Image after other article deleted: %v", err)
	}
	if err := lib.Delete(ctx, idb); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"blobs", "article_images", "articles", "article_urls", "search", "pages", "article_content"} {
		if n := count(t, lib, table); n != 0 {
			t.Errorf("%s: %d rows after deleting both, want 0", table, n)
		}
	}
}

func TestDeleteCascades(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	id := mustAdd(t, lib, seedArticle(t, "https://news.example"), AddOptions{Tags: []string{"only-here"}})
	keep := mustAdd(t, lib, simpleArticle("https://example.com/k", "Keep", "kept text"), AddOptions{Tags: []string{"shared"}})
	if err := lib.AddTags(ctx, []int64{id}, "shared"); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddNote(ctx, id, "ghi chú"); err != nil {
		t.Fatal(err)
	}
	if err := lib.Delete(ctx, id, 12345); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Get(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get deleted: %v", err)
	}
	for table, want := range map[string]int{"notes": 0, "article_tags": 1, "tags": 1, "search": 1, "article_urls": 1} {
		if n := count(t, lib, table); n != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}
	if _, err := lib.Lookup(ctx, "https://news.example/tin-tuc/nang-cao-nang-luc-du-bao.html"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Lookup of deleted: %v", err)
	}
	if _, err := lib.Get(ctx, keep); err != nil {
		t.Error(err)
	}
}

func TestMark(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	id := mustAdd(t, lib, simpleArticle("https://example.com/m", "M", "t"), AddOptions{})
	tests := []struct {
		mark            Mark
		read, fav, arch bool
	}{
		{MarkRead, true, false, false},
		{MarkFavorite, true, true, false},
		{MarkArchive, true, true, true},
		{MarkUnread, false, true, true},
		{MarkUnfavorite, false, false, true},
		{MarkUnarchive, false, false, false},
	}
	for _, tt := range tests {
		if err := lib.Mark(ctx, []int64{id}, tt.mark); err != nil {
			t.Fatal(err)
		}
		a, _ := lib.Get(ctx, id)
		if a.Read != tt.read || a.Favorite != tt.fav || a.Archived != tt.arch {
			t.Errorf("after mark %d: read %v fav %v arch %v", tt.mark, a.Read, a.Favorite, a.Archived)
		}
	}
	if err := lib.Mark(ctx, []int64{id}, Mark(99)); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown mark: %v", err)
	}
}

func TestPageRoundTripLarge(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	page, err := os.ReadFile(filepath.Join(seedDir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat(page, 50)
	a := simpleArticle("https://example.com/big", "Big", "x")
	a.Page = big
	id := mustAdd(t, lib, a, AddOptions{})
	got, err := lib.Page(ctx, id)
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("Page: %d bytes, %v; want %d", len(got), err, len(big))
	}
	var stored int
	if err := lib.db.QueryRow("SELECT length(gz) FROM pages WHERE article_id = ?", id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored >= len(big)/5 {
		t.Errorf("page stored as %d bytes for %d: not compressed", stored, len(big))
	}
}
