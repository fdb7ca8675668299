package importer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// stored is what an article must look like in the library once imported.
type stored struct {
	title           string
	tags            []string
	saved           int64 // Unix seconds; 0: not checked (import time)
	read, fav, arch bool
	fetched         bool
	fetchErr        string // substring of FetchError; "" means none
}

// counts is the part of Summary a case checks.
type counts struct {
	total, dups, imported, fromExport, merged, bookmarks, failed, errs int
}

func countsOf(s Summary) counts {
	return counts{s.Total, s.Duplicates, s.Imported, s.FromExport, s.Merged, s.Bookmarks, len(s.FetchFailed), len(s.Errors)}
}

func TestRun(t *testing.T) {
	const (
		seedTitle = "Nâng cao năng lực dự báo, tầm nhìn chiến lược"
		notFound  = "404"
	)
	tests := []struct {
		name    string
		fixture string
		zip     bool
		opts    Options
		want    counts
		library map[string]stored
		// noFetch lists paths the import must not request: their content
		// came with the export.
		noFetch []string
	}{
		{
			name: "pocket folder with an import tag", fixture: "pocket", opts: Options{Tag: "pocket"},
			want: counts{total: 5, dups: 1, imported: 3, failed: 2},
			library: map[string]stored{
				"/tin-tuc/nang-cao.html": {title: seedTitle, tags: []string{"việt nam", "chính trị", "pocket"}, saved: 1642080000, fetched: true},
				"/pages/ja.html":         {title: "日本語の記事", tags: []string{"pocket"}, saved: 1650000000, read: true, arch: true, fetched: true},
				"/pages/en.html": {title: "An English post, with a comma", tags: []string{"reading", "long read", "dup", "pocket"},
					saved: 1650000000, read: true, arch: true, fetched: true},
				"/dead/gone.html":        {title: "Dead link", tags: []string{"old", "pocket"}, saved: 1670000000, read: true, arch: true, fetchErr: notFound},
				"/pages/notarticle.html": {title: "Sign in page", tags: []string{"pocket"}, saved: 1680000000, fetchErr: reader.ErrNotArticle.Error()},
			},
		},
		{
			name: "pocket zip as bookmarks, all read", fixture: "pocket", zip: true, opts: Options{NoFetch: true, MarkRead: true},
			want: counts{total: 5, dups: 1, bookmarks: 5},
			library: map[string]stored{
				"/tin-tuc/nang-cao.html": {title: seedTitle, tags: []string{"việt nam", "chính trị"}, saved: 1642080000, read: true},
				"/pages/ja.html":         {title: "日本語の記事", saved: 1650000000, read: true, arch: true},
				"/pages/en.html":         {title: "An English post, with a comma", tags: []string{"reading", "long read", "dup"}, saved: 1650000000, read: true, arch: true},
				"/dead/gone.html":        {title: "Dead link", tags: []string{"old"}, saved: 1670000000, read: true, arch: true},
				"/pages/notarticle.html": {title: "Sign in page", saved: 1680000000, read: true},
			},
			noFetch: []string{"/tin-tuc/nang-cao.html", "/pages/ja.html", "/pages/en.html", "/dead/gone.html", "/pages/notarticle.html"},
		},
		{
			name: "pocket html", fixture: "pocket.html",
			want: counts{total: 3, imported: 2, failed: 1},
			library: map[string]stored{
				"/pages/ja.html": {title: "日本語の記事", tags: []string{"日本", "news"}, saved: 1650000000, fetched: true},
				"/pages/en.html": {title: "An English post & more", saved: 1660000000, fetched: true},
				"/dead/a.html":   {title: "Old & dead", tags: []string{"old"}, saved: 1600000000, read: true, arch: true, fetchErr: notFound},
			},
		},
		{
			name: "instapaper", fixture: "instapaper.csv",
			want: counts{total: 4, imported: 3, failed: 1},
			library: map[string]stored{
				"/pages/en.html":         {title: `An English post, quoted "nicely"`, tags: []string{"reading", "en"}, saved: 1660000000, fetched: true},
				"/pages/ja.html":         {title: "日本語の記事", saved: 1650000000, read: true, arch: true, fetched: true},
				"/tin-tuc/nang-cao.html": {title: "Nâng cao năng lực dự báo", saved: 1642080000, fav: true, fetched: true},
				"/dead/x.html":           {title: "Cooking notes", tags: []string{"food", "Recipes"}, saved: 1600000000, fetchErr: notFound},
			},
		},
		{
			name: "netscape bookmarks", fixture: "bookmarks.html",
			want: counts{total: 4, imported: 3, failed: 1},
			library: map[string]stored{
				"/pages/en.html":         {title: "An English post", saved: 1660000000, read: true, fetched: true},
				"/tin-tuc/nang-cao.html": {title: "Nâng cao năng lực", tags: []string{"Tin tức", "dân vận", "hội nghị"}, saved: 1642080000, read: true, fetched: true},
				"/pages/ja.html":         {title: "日本語の記事", tags: []string{"Tin tức", "Nhật Bản"}, saved: 1650000000, fetched: true},
				"/dead/b.html":           {title: "Top-level dead", saved: 1600000000, read: true, fetchErr: notFound},
			},
		},
		{
			name: "wallabag content used, not refetched", fixture: "wallabag.json",
			want: counts{total: 3, imported: 3, fromExport: 2},
			library: map[string]stored{
				"/gone/wallabag-article.html": {title: "Bài viết lưu trong Wallabag", tags: []string{"khoa học", "đọc sau"},
					saved: time.Date(2021, 5, 3, 8, 20, 30, 0, time.UTC).Unix(), read: true, fav: true, arch: true, fetched: true},
				"/gone/short.html": {title: "Ngắn", tags: []string{"ngắn"}, saved: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), fetched: true},
				"/pages/en.html":   {title: "Why slow reading matters", saved: time.Date(2020, 2, 2, 2, 2, 2, 0, time.UTC).Unix(), fetched: true},
			},
			noFetch: []string{"/gone/wallabag-article.html", "/gone/short.html"},
		},
		{
			name: "wallabag without fetching keeps its content", fixture: "wallabag.json", opts: Options{NoFetch: true},
			want: counts{total: 3, imported: 2, fromExport: 2, bookmarks: 1},
			library: map[string]stored{
				"/gone/wallabag-article.html": {title: "Bài viết lưu trong Wallabag", tags: []string{"khoa học", "đọc sau"},
					saved: time.Date(2021, 5, 3, 8, 20, 30, 0, time.UTC).Unix(), read: true, fav: true, arch: true, fetched: true},
				"/gone/short.html": {title: "Ngắn", tags: []string{"ngắn"}, saved: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), fetched: true},
				"/pages/en.html":   {saved: time.Date(2020, 2, 2, 2, 2, 2, 0, time.UTC).Unix()},
			},
			noFetch: []string{"/gone/wallabag-article.html", "/gone/short.html", "/pages/en.html", "/images/logo.png"},
		},
		{
			name: "omnivore zip", fixture: "omnivore", zip: true, opts: Options{Tag: "omnivore"},
			want: counts{total: 2, imported: 2, fromExport: 1},
			library: map[string]stored{
				"/gone/omnivore-viet.html": {title: "Omnivore: bài tiếng Việt", tags: []string{"omnivore", "tiếng Việt"},
					saved: time.Date(2023, 2, 3, 4, 5, 6, 0, time.UTC).Unix(), read: true, arch: true, fetched: true},
				"/pages/ja.html": {title: "日本語の記事 (Omnivore)", tags: []string{"omnivore"}, saved: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC).Unix(), fetched: true},
			},
			noFetch: []string{"/gone/omnivore-viet.html", "/pages/en.html"},
		},
		{
			name: "markdown list", fixture: "urls.md", opts: Options{Workers: 1},
			want: counts{total: 4, imported: 3, failed: 1},
			library: map[string]stored{
				"/tin-tuc/nang-cao.html": {title: "Nâng cao năng lực dự báo", fetched: true},
				"/pages/en.html":         {title: "Why slow reading matters", fetched: true},
				"/pages/ja.html":         {title: "ゆっくり読むことの大切さ", fetched: true},
				"/dead/c.html":           {fetchErr: notFound},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newSite(t)
			lib := openLib(t)
			path := materialize(t, srv.URL, tc.fixture)
			if tc.zip {
				path = zipDir(t, path)
			}
			var progress []Progress
			tc.opts.Progress = func(p Progress) { progress = append(progress, p) }
			sum, err := Import(context.Background(), lib, reader.New(srv.Client()), path, tc.opts)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if got := countsOf(sum); got != tc.want {
				t.Errorf("summary %+v, want %+v (failed %v, errors %v)", got, tc.want, sum.FetchFailed, sum.Errors)
			}
			checkProgress(t, progress, sum.Total)
			checkLibrary(t, lib, tc.library)
			for _, p := range tc.noFetch {
				if n := srv.hit(p); n != 0 {
					t.Errorf("%s requested %d times", p, n)
				}
			}
		})
	}
}

// checkProgress checks that progress came once per link, in order, and
// ended with nothing left.
func checkProgress(t *testing.T, ps []Progress, total int) {
	t.Helper()
	if len(ps) != total {
		t.Fatalf("%d progress reports, want %d", len(ps), total)
	}
	for i, p := range ps {
		if p.Total != total || p.Done != i+1 || p.Left != total-p.Done {
			t.Errorf("progress %d: %+v", i, p)
		}
		if sum := p.Imported + p.Merged + p.Bookmarks + p.Failed + p.Errors; sum != p.Done {
			t.Errorf("progress %d: outcomes add to %d, done %d", i, sum, p.Done)
		}
	}
}

// checkLibrary compares the whole library with want, keyed by URL path.
func checkLibrary(t *testing.T, lib *storage.Library, want map[string]stored) {
	t.Helper()
	got := articles(t, lib)
	if len(got) != len(want) {
		t.Errorf("%d articles, want %d", len(got), len(want))
	}
	for path, w := range want {
		a, ok := got[path]
		if !ok {
			t.Errorf("%s: not in the library", path)
			continue
		}
		if w.title != "" && a.Title != w.title {
			t.Errorf("%s: title %q, want %q", path, a.Title, w.title)
		}
		if !sameTags(a.Tags, w.tags) {
			t.Errorf("%s: tags %q, want %q", path, a.Tags, w.tags)
		}
		if w.saved != 0 && a.Saved.Unix() != w.saved {
			t.Errorf("%s: saved %v, want %v", path, a.Saved, time.Unix(w.saved, 0).UTC())
		}
		if a.Read != w.read || a.Favorite != w.fav || a.Archived != w.arch {
			t.Errorf("%s: read/fav/arch %v/%v/%v, want %v/%v/%v", path, a.Read, a.Favorite, a.Archived, w.read, w.fav, w.arch)
		}
		if a.Fetched != w.fetched {
			t.Errorf("%s: fetched %v, want %v", path, a.Fetched, w.fetched)
		}
		if w.fetched && (a.Words == 0 || a.Text == "") {
			t.Errorf("%s: fetched but no text", path)
		}
		if (w.fetchErr == "") != (a.FetchError == "") || !strings.Contains(a.FetchError, w.fetchErr) {
			t.Errorf("%s: fetch error %q, want one with %q", path, a.FetchError, w.fetchErr)
		}
	}
}

func sameTags(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

func TestRunContent(t *testing.T) {
	ctx := context.Background()
	srv := newSite(t)
	lib := openLib(t)

	t.Run("wallabag article with metadata and its image", func(t *testing.T) {
		if _, err := Import(ctx, lib, reader.New(srv.Client()), materialize(t, srv.URL, "wallabag.json"), Options{}); err != nil {
			t.Fatal(err)
		}
		id, err := lib.Lookup(ctx, srv.URL+"/gone/wallabag-article.html")
		if err != nil {
			t.Fatal(err)
		}
		a, err := lib.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Byline != "Nguyễn Văn An" || a.Lang != "vi" {
			t.Errorf("byline %q, lang %q", a.Byline, a.Lang)
		}
		if want := time.Date(2021, 5, 1, 1, 0, 0, 0, time.UTC); !a.Published.Equal(want) {
			t.Errorf("published %v, want %v", a.Published, want)
		}
		if !strings.Contains(a.Text, "Folio dùng chính nội dung ấy") {
			t.Errorf("text lost: %q", a.Text)
		}
		ct, data, err := lib.Image(ctx, id, srv.URL+"/images/logo.png")
		if err != nil || ct != "image/png" || len(data) == 0 {
			t.Errorf("image: %q, %d bytes, %v", ct, len(data), err)
		}
	})
	t.Run("seed article fetched with its images", func(t *testing.T) {
		if _, err := Import(ctx, lib, reader.New(srv.Client()), materialize(t, srv.URL, "instapaper.csv"), Options{}); err != nil {
			t.Fatal(err)
		}
		id, err := lib.Lookup(ctx, srv.URL+"/tin-tuc/nang-cao.html")
		if err != nil {
			t.Fatal(err)
		}
		a, err := lib.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.SiteName != "Kênh thông tin giới trẻ" || a.Byline != "Thanh Hà - TTTĐ" {
			t.Errorf("site %q, byline %q", a.SiteName, a.Byline)
		}
		if n := len(a.Images); n < 4 {
			t.Errorf("%d images, want the article's 4", n)
		}
		for _, clutter := range []string{"Xem nhiều", "Gửi bình luận"} {
			if strings.Contains(a.Text, clutter) {
				t.Errorf("text has clutter %q", clutter)
			}
		}
	})
}

func TestRunDeadLinks(t *testing.T) {
	srv := newSite(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/article"
	ln.Close()
	saved := time.Date(2019, 7, 1, 12, 0, 0, 0, time.UTC)

	tests := []struct {
		name, url string
		wantErr   error
	}{
		{"closed port", closed, nil},
		{"404", srv.URL + "/dead/page.html", reader.ErrHTTPStatus},
		{"an image, not a page", srv.URL + "/images/logo.png", reader.ErrNotHTML},
		{"no article text", srv.URL + "/pages/notarticle.html", reader.ErrNotArticle},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lib := openLib(t)
			item := Item{URL: tc.url, Title: "Kept: " + tc.name, Tags: []string{"x"}, Saved: saved, Favorite: true}
			sum, err := Run(context.Background(), lib, reader.New(srv.Client()), []Item{item}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(sum.FetchFailed) != 1 || sum.Imported != 0 {
				t.Fatalf("summary %+v", sum)
			}
			if tc.wantErr != nil && !errors.Is(sum.FetchFailed[0].Err, tc.wantErr) {
				t.Errorf("failure %v, want %v", sum.FetchFailed[0].Err, tc.wantErr)
			}
			id, err := lib.Lookup(context.Background(), tc.url)
			if err != nil {
				t.Fatal(err)
			}
			a, err := lib.Get(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Fetched || a.FetchError == "" || a.Title != item.Title || !a.Favorite || !a.Saved.Equal(saved) || !slices.Equal(a.Tags, []string{"x"}) {
				t.Errorf("bookmark %+v", a)
			}
		})
	}
}

func TestRunMerge(t *testing.T) {
	ctx := context.Background()
	srv := newSite(t)
	lib := openLib(t)
	link := srv.URL + "/pages/en.html"
	id, err := lib.Add(ctx, &reader.Article{URL: link, Title: "Mine"}, storage.AddOptions{
		Bookmark: true, Tags: []string{"Mine"}, Read: true, Saved: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	items := []Item{
		// Unread in the source: must not un-read; favourite: must be set.
		{URL: link + "?utm_medium=email#top", Title: "Theirs", Tags: []string{"mine", "new"}, Favorite: true},
		{URL: srv.URL + "/pages/ja.html", Archived: true},
	}
	sum, err := Run(ctx, lib, reader.New(srv.Client()), items, Options{Tag: "imported"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := countsOf(sum), (counts{total: 2, imported: 1, merged: 1}); got != want {
		t.Errorf("summary %+v, want %+v", got, want)
	}
	if n := srv.hit("/pages/en.html"); n != 0 {
		t.Errorf("present link fetched %d times", n)
	}
	a, err := lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Mine" || !a.Read || !a.Favorite || a.Archived || a.Saved.Year() != 2018 {
		t.Errorf("merged article %+v", a)
	}
	if !sameTags(a.Tags, []string{"Mine", "new", "imported"}) {
		t.Errorf("tags %q", a.Tags)
	}

	// Again, with the redirect case: a link that is new as written but
	// lands on a page already present is merged, not duplicated.
	redirect := srv.URL + "/r/pages/en.html"
	sum, err = Run(ctx, lib, reader.New(srv.Client()), []Item{{URL: redirect, Archived: true}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Merged != 1 || srv.hit("/r/pages/en.html") != 1 {
		t.Errorf("second run %+v", sum)
	}
	if a, _ := lib.Get(ctx, id); !a.Archived {
		t.Error("archived flag not merged")
	}
	if n, _ := lib.Count(ctx, storage.Filter{}); n != 2 {
		t.Errorf("%d articles, want 2", n)
	}
}

func TestRunResume(t *testing.T) {
	const n = 30
	srv := newSite(t)
	lib := openLib(t)
	var items []Item
	for i := range n {
		items = append(items, Item{URL: fmt.Sprintf("%s/pages/en.html?page=%d", srv.URL, i), Title: fmt.Sprintf("Post %d", i), Tags: []string{"resume"}})
	}
	// Cancel once a third is done.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first, err := Run(ctx, lib, reader.New(srv.Client()), items, Options{Workers: 3, Progress: func(p Progress) {
		if p.Done == n/3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v, want context.Canceled", err)
	}
	if first.Imported < n/3 || first.Imported >= n || first.Left != n-first.Imported || len(first.FetchFailed)+len(first.Errors) != 0 {
		t.Fatalf("first run %+v", first)
	}
	present, err := lib.Count(context.Background(), storage.Filter{})
	if err != nil || present != first.Imported {
		t.Fatalf("%d articles after the first run (%v), want %d", present, err, first.Imported)
	}
	hits := srv.hit("/pages/en.html")

	second, err := Run(context.Background(), lib, reader.New(srv.Client()), items, Options{Workers: 3})
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if second.Merged != first.Imported || second.Imported != n-first.Imported || second.Left != 0 {
		t.Errorf("second run %+v after first %+v", second, first)
	}
	if got := srv.hit("/pages/en.html") - hits; got != n-first.Imported {
		t.Errorf("second run fetched %d pages, want %d", got, n-first.Imported)
	}
	if total, _ := lib.Count(context.Background(), storage.Filter{}); total != n {
		t.Errorf("%d articles, want %d", total, n)
	}
	if tags, _ := lib.Tags(context.Background()); len(tags) != 1 || tags[0].Count != n {
		t.Errorf("tags %+v", tags)
	}
}

func TestRunCancelInFlight(t *testing.T) {
	srv := newSite(t)
	lib := openLib(t)
	items := []Item{{URL: srv.URL + "/slow/1"}, {URL: srv.URL + "/slow/2"}}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.hit("/slow/1")+srv.hit("/slow/2") < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	sum, err := Run(ctx, lib, reader.New(srv.Client()), items, Options{Workers: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	// A link cut off by cancelling is not a dead link: it stays to do.
	if sum.Left != 2 || len(sum.FetchFailed) != 0 {
		t.Errorf("summary %+v", sum)
	}
	if n, _ := lib.Count(context.Background(), storage.Filter{}); n != 0 {
		t.Errorf("%d articles stored", n)
	}
}

func TestRunNilFetcherIsNoFetch(t *testing.T) {
	lib := openLib(t)
	sum, err := Run(context.Background(), lib, nil, []Item{{URL: "https://x.test/a", Title: "A"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Bookmarks != 1 {
		t.Errorf("summary %+v", sum)
	}
}

func TestRunStoreErrors(t *testing.T) {
	lib := openLib(t)
	sum, err := Run(context.Background(), lib, nil, []Item{{URL: "ftp://x.test/a"}, {URL: "https://x.test/b"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Errors) != 1 || sum.Bookmarks != 1 || !errors.Is(sum.Errors[0].Err, storage.ErrInvalid) {
		t.Errorf("summary %+v", sum)
	}
}
