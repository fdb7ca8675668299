package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func unix(y int, mo time.Month, d, h, mi, s int) int64 {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC).Unix()
}

// webkit is Chrome's microseconds since 1601 as Unix seconds.
func webkit(us int64) int64 { return us/1_000_000 - 11644473600 }

// TestParseFormats reads a fixture of every format beyond the first ones,
// each written from the service's exporter as it writes them, and checks
// count, titles, tags, times, states and notes. Each is also a case of
// issue 10's misdetection: Raindrop was taken for Instapaper, Readwise and
// Matter for Pocket, Wallabag's CSV for a list of 792 links.
func TestParseFormats(t *testing.T) {
	const base = "http://news.test"
	vi := "Nâng cao năng lực dự báo"
	tests := []struct {
		fixture string
		format  Format
		items   []want
		broken  []int
		skipped int
	}{
		{
			fixture: "raindrop.csv", format: Raindrop,
			items: []want{
				{path: "/tin-tuc/nang-cao.html", title: vi, tags: []string{"Work", "Invoices", "việt nam", "chính trị"},
					saved: unix(2022, 1, 13, 13, 20, 0), fav: true, notes: []string{
						"From Raindrop.io (note):\nĐọc lại phần 2",
						"From Raindrop.io (highlights):\n> Tầm nhìn chiến lược\n\nquan trọng\n\n> Một đoạn thứ hai"}},
				{path: "/pages/ja.html", title: "日本語の記事", saved: unix(2022, 4, 15, 5, 20, 0)},
				{path: "/pages/en.html", title: "An English post, with a comma", tags: []string{"Reading", "long read"},
					saved: unix(2022, 8, 8, 23, 6, 40), notes: []string{"From Raindrop.io (note):\nA note\non two lines"}},
			},
			broken: []int{9},
		},
		{
			fixture: "readwise.csv", format: Readwise, skipped: 1,
			items: []want{
				{path: "/tin-tuc/nang-cao.html", title: vi, tags: []string{"việt nam", "chính trị"}, saved: unix(2022, 12, 20, 19, 47, 0)},
				{path: "/pages/ja.html", title: "日本語の記事", saved: unix(2022, 12, 15, 0, 16, 25), read: true, arch: true},
				{path: "/pages/en.html", title: "An English post, with a comma", tags: []string{"reading"}, saved: unix(2023, 1, 2, 3, 4, 5), read: true},
			},
		},
		{
			fixture: "matter.csv", format: Matter,
			items: []want{
				{path: "/tin-tuc/nang-cao.html", title: vi, tags: []string{"design", "ux"}, saved: unix(2023, 3, 4, 5, 6, 7), fav: true},
				{path: "/pages/ja.html", title: "日本語の記事", saved: unix(2023, 2, 1, 0, 0, 0), read: true, arch: true},
			},
		},
		{
			fixture: "wallabag.csv", format: WallabagCSV,
			items: []want{
				{path: "/gone/wallabag-article.html", title: "Bài viết lưu trong Wallabag", tags: []string{"khoa học", "đọc sau"},
					saved: unix(2021, 5, 3, 8, 20, 30), has: true},
				{path: "/gone/short.html", title: "Ngắn", saved: unix(2022, 1, 1, 12, 0, 0), has: true},
			},
		},
		{
			fixture: "wallabag-v1.json", format: WallabagV1,
			items: []want{
				{path: "/gone/v1.html", title: "Bài cũ từ Wallabag 1", tags: []string{"cũ", "wallabag"}, read: true, arch: true, has: true},
				{path: "/pages/en.html", title: "An English post", fav: true},
			},
		},
		{
			fixture: "pinboard.json", format: Pinboard,
			items: []want{
				{path: "/pages/en.html", title: "An English post", tags: []string{"reading", "en"}, saved: unix(2019, 6, 1, 12, 0, 0),
					notes: []string{"From Pinboard (description):\nWorth a second read."}},
				{path: "/pages/ja.html", title: "日本語の記事", saved: unix(2018, 1, 2, 3, 4, 5), read: true},
			},
			broken: []int{3},
		},
		{
			fixture: "firefox.json", format: FirefoxJSON,
			items: []want{
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực", tags: []string{"Tin tức", "dân vận", "hội nghị"}, saved: 1642080000},
				{path: "/pages/ja.html", title: "日本語の記事", saved: 1650000000,
					notes: []string{"From Firefox bookmarks (description):\nMột mô tả tôi viết"}},
				{path: "/pages/en.html", title: "An English post", saved: 1660000000},
			},
			broken: []int{5},
		},
		{
			fixture: "Bookmarks", format: ChromeJSON,
			items: []want{
				{path: "/pages/en.html", title: "An English post", saved: webkit(13290000000000000)},
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực", tags: []string{"Tin tức"}, saved: webkit(13285000000000000)},
				{path: "/pages/ja.html", title: "日本語の記事", saved: webkit(13295000000000000)},
			},
			broken: []int{58},
		},
		{
			fixture: "instapaper.html", format: InstapaperHTML,
			items: []want{
				{path: "/pages/en.html", title: "An English post & more"},
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực", fav: true},
				{path: "/pages/ja.html", title: "日本語の記事", read: true, arch: true},
				{path: "/dead/x.html", title: "Cooking notes", tags: []string{"Recipes"}},
			},
			broken: []int{27},
		},
		{
			fixture: "linkwarden.json", format: Linkwarden,
			items: []want{
				{path: "/pages/en.html", title: "An English post", tags: []string{"reading"}, saved: unix(2024, 2, 3, 4, 5, 6),
					notes: []string{"From Linkwarden (description):\nRead with the team"}},
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực", tags: []string{"Work"}, saved: unix(2021, 5, 6, 7, 8, 9), fav: true},
				{path: "/pages/ja.html", title: "日本語の記事", tags: []string{"Work", "Invoices", "日本"}, saved: unix(2024, 3, 1, 0, 0, 0)},
			},
		},
		{
			fixture: "karakeep.json", format: Karakeep,
			items: []want{
				{path: "/pages/en.html", title: "An English post", tags: []string{"reading", "Projects", "Folio"}, saved: 1700000000,
					notes: []string{"From Karakeep (note):\nFollow up on this"}},
				{path: "/tin-tuc/nang-cao.html", saved: 1690000000, read: true, arch: true},
			},
			broken: []int{7},
		},
		{
			fixture: "goodlinks.json", format: GoodLinks,
			items: []want{
				{path: "/pages/en.html", title: "An English post", tags: []string{"reading", "en"}, saved: 1690000000, read: true, fav: true,
					notes: []string{"From GoodLinks (highlights):\n> A passage worth keeping\n\nMy thought on it"}},
				{path: "/pages/ja.html", title: "日本語の記事", saved: 1680000000},
			},
		},
		{
			fixture: "onetab.txt", format: OneTab,
			items: []want{
				{path: "/pages/en.html", title: "An English post"},
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực | dự báo"},
				{path: "/pages/ja.html", title: "日本語の記事"},
			},
			broken: []int{5},
		},
		{
			fixture: "linkding.html", format: Netscape,
			items: []want{
				{path: "/pages/en.html", title: "An English post", tags: []string{"reading"}, saved: 1660000000, arch: true,
					notes: []string{"From bookmarks file (description):\nA description & more", "From linkding (notes):\nMy note\nsecond line"}},
				{path: "/pages/ja.html", title: "日本語の記事", tags: []string{"日本"}, saved: 1650000000, read: true, arch: true},
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực", saved: 1642080000, read: true,
					notes: []string{"From linkding (notes):\nOnly a note"}},
			},
		},
		{
			fixture: "safari.html", format: Netscape,
			items: []want{
				{path: "/pages/en.html", title: "An English post"},
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực", tags: []string{"Travail"}},
				{path: "/pages/ja.html", title: "日本語の記事"},
			},
		},
		{
			fixture: "google-bookmarks.html", format: Netscape,
			items: []want{
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực", tags: []string{"Tin tức"}, saved: 1642080000,
					notes: []string{"From bookmarks file (description):\nGhi chú của tôi"}},
				{path: "/pages/en.html", title: "An English post", saved: 1660000000},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			e, err := Read(context.Background(), materialize(t, base, tc.fixture), ParseOptions{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if e.Format != tc.format {
				t.Errorf("format = %q, want %q", e.Format, tc.format)
			}
			checkItems(t, base, e.Items, tc.items)
			var lines []int
			for _, b := range e.Broken {
				lines = append(lines, b.Line)
			}
			if !slices.Equal(lines, tc.broken) {
				t.Errorf("broken rows at lines %v, want %v (%v)", lines, tc.broken, e.Broken)
			}
			if e.Skipped != tc.skipped {
				t.Errorf("skipped %d, want %d", e.Skipped, tc.skipped)
			}
		})
	}
}

func TestParseReadwiseFeed(t *testing.T) {
	e, err := Read(context.Background(), materialize(t, "http://news.test", "readwise.csv"), ParseOptions{Feed: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Items) != 4 || e.Skipped != 0 || e.Items[2].URL != "http://news.test/feed/issue-12.html" || e.Items[2].Read {
		t.Errorf("with Feed: %d items, %d skipped, third %+v; want the feed item kept, unread", len(e.Items), e.Skipped, e.Items[2])
	}
}

// TestParseFirefoxCompressed reads the .jsonlz4 backup Firefox keeps: the
// same bookmarks as its .json.
func TestParseFirefoxCompressed(t *testing.T) {
	plain, err := Read(context.Background(), filepath.Join(fixtures, "firefox.json"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	packed, err := Read(context.Background(), filepath.Join(fixtures, "firefox.jsonlz4"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if packed.Format != FirefoxJSON || len(packed.Items) != 3 || len(plain.Items) != 3 {
		t.Fatalf("jsonlz4: %q with %d items; json %d", packed.Format, len(packed.Items), len(plain.Items))
	}
	for i := range plain.Items {
		a, b := plain.Items[i], packed.Items[i]
		if a.URL != b.URL || a.Title != b.Title || !a.Saved.Equal(b.Saved) || !slices.Equal(a.Tags, b.Tags) {
			t.Errorf("item %d: %+v from jsonlz4, %+v from json", i, b, a)
		}
	}
	// A declared size over the limit is refused before anything is
	// allocated.
	bomb := append([]byte(mozLz4Magic), 0xff, 0xff, 0xff, 0x7f, 0)
	path := filepath.Join(t.TempDir(), "bomb.jsonlz4")
	os.WriteFile(path, bomb, 0o644)
	if _, err := Read(context.Background(), path, ParseOptions{}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "512 MiB") {
		t.Errorf("bomb: %v, want ErrTooLarge naming the limit", err)
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // Unix seconds, 0 for none
	}{
		{"1660000000", 1660000000},
		{"1660000000.75", 1660000000},
		{"1660000000123", 1660000000},       // milliseconds
		{"1660000000123456", 1660000000},    // microseconds (Google, Firefox)
		{"1660000000123456789", 1660000000}, // nanoseconds
		{"0", 0},
		{"-868878000", 0},
		{"1", 0}, // 1970: nonsense, not a date
		{"2022-08-08T23:06:40Z", 1659999999 + 1},
		{"2022-08-08T23:06:40.000Z", 1660000000},
		{"2022-08-09T01:06:40+0200", 1660000000},
		{"2022-08-08 23:06:40.442000+00:00", 1660000000},
		{"2022-08-08 23:06:40+00:00", 1660000000},
		{"2022-08-08 23:06:40", 1660000000},
		{"Mon, 08 Aug 2022 23:06:40 +0000", 1660000000},
		{"2022-08-08", 1659916800},
		{"yesterday", 0},
		{"", 0},
		{"NaN", 0},
		{"+1660000000", 0},
	}
	for _, tc := range tests {
		var got int64
		if tm := parseTime(tc.in); !tm.IsZero() {
			got = tm.Unix()
		}
		if got != tc.want {
			t.Errorf("parseTime(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// TestParseRootFolders: the folders browsers put everything under are not
// tags in any language; the person's folders are.
func TestParseRootFolders(t *testing.T) {
	for _, root := range []string{"Bookmarks Toolbar", "Other bookmarks", "Mobile bookmarks", "Favoris", "Unlabeled",
		"Lesezeichenleiste", "Weitere Lesezeichen", "Barra de marcadores", "Thanh dấu trang", "ブックマーク バー", "书签栏"} {
		data := "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><H3>" + root + "</H3>\n<DL><p>\n" +
			"<DT><H3>Mine</H3>\n<DL><p>\n<DT><A HREF=\"https://x.test/a\">A</A>\n</DL><p>\n" +
			"<DT><A HREF=\"https://x.test/b\">B</A>\n</DL><p>\n</DL>\n"
		_, items, _, err := ParseReader("bookmarks.html", strings.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 || !slices.Equal(items[0].Tags, []string{"Mine"}) || len(items[1].Tags) != 0 {
			t.Errorf("%s: tags %q and %q, want [Mine] and none", root, items[0].Tags, items[1].Tags)
		}
	}
}
