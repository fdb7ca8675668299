package importer

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// want is what a parsed item must hold; URLs are compared by path.
type want struct {
	path, title          string
	tags                 []string
	saved                int64    // Unix seconds; 0 for none
	read, fav, arch, has bool     // has: content from the export
	notes                []string // each note as stored (Note.String)
}

func TestParse(t *testing.T) {
	const base = "http://news.test"
	vi := "Nâng cao năng lực dự báo, tầm nhìn chiến lược"
	tests := []struct {
		name    string
		fixture string
		zip     bool
		format  Format
		items   []want
		broken  []int // line numbers of the rows that could not be read
	}{
		{
			name: "pocket folder", fixture: "pocket", format: PocketCSV,
			items: []want{
				{path: "/tin-tuc/nang-cao.html", title: vi, tags: []string{"việt nam", "chính trị"}, saved: 1642080000},
				{path: "/pages/ja.html", title: "日本語の記事", saved: 1650000000, read: true, arch: true},
				{path: "/pages/en.html", title: "An English post, with a comma", tags: []string{"reading", "long read"}, saved: 1660000000},
				{path: "/dead/gone.html", title: "Dead link", tags: []string{"old"}, saved: 1670000000, read: true, arch: true},
				{path: "/pages/en.html?utm_source=pocket", title: "Duplicate of English", tags: []string{"dup"}, saved: 1650000000, read: true, arch: true},
				{path: "/pages/notarticle.html", title: "Sign in page", saved: 1680000000},
			},
			broken: []int{6, 7},
		},
		{
			name: "pocket zip", fixture: "pocket", zip: true, format: PocketCSV,
			items: []want{
				{path: "/tin-tuc/nang-cao.html", title: vi, tags: []string{"việt nam", "chính trị"}, saved: 1642080000},
				{path: "/pages/ja.html", title: "日本語の記事", saved: 1650000000, read: true, arch: true},
				{path: "/pages/en.html", title: "An English post, with a comma", tags: []string{"reading", "long read"}, saved: 1660000000},
				{path: "/dead/gone.html", title: "Dead link", tags: []string{"old"}, saved: 1670000000, read: true, arch: true},
				{path: "/pages/en.html?utm_source=pocket", title: "Duplicate of English", tags: []string{"dup"}, saved: 1650000000, read: true, arch: true},
				{path: "/pages/notarticle.html", title: "Sign in page", saved: 1680000000},
			},
			broken: []int{6, 7},
		},
		{
			name: "pocket single csv", fixture: "pocket/part_000001.csv", format: PocketCSV,
			items: []want{
				{path: "/pages/en.html?utm_source=pocket", title: "Duplicate of English", tags: []string{"dup"}, saved: 1650000000, read: true, arch: true},
				{path: "/pages/notarticle.html", title: "Sign in page", saved: 1680000000},
			},
		},
		{
			name: "pocket html", fixture: "pocket.html", format: PocketHTML,
			items: []want{
				{path: "/pages/ja.html", title: "日本語の記事", tags: []string{"日本", "news"}, saved: 1650000000},
				{path: "/pages/en.html", title: "An English post & more", saved: 1660000000},
				{path: "/dead/a.html", title: "Old & dead", tags: []string{"old"}, saved: 1600000000, read: true, arch: true},
			},
			broken: []int{17},
		},
		{
			name: "instapaper", fixture: "instapaper.csv", format: Instapaper,
			items: []want{
				{path: "/pages/en.html", title: `An English post, quoted "nicely"`, tags: []string{"reading", "en"}, saved: 1660000000},
				{path: "/pages/ja.html", title: "日本語の記事", saved: 1650000000, read: true, arch: true,
					notes: []string{"From Instapaper (selection):\na selection, with a comma"}},
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực dự báo", saved: 1642080000, fav: true},
				{path: "/dead/x.html", title: "Cooking notes", tags: []string{"food", "Recipes"}, saved: 1600000000},
			},
			broken: []int{6},
		},
		{
			name: "netscape with folders and linkding tags", fixture: "bookmarks.html", format: Netscape,
			items: []want{
				{path: "/pages/en.html", title: "An English post", saved: 1660000000, read: true},
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực", tags: []string{"Tin tức", "dân vận", "hội nghị"}, saved: 1642080000, read: true},
				{path: "/pages/ja.html", title: "日本語の記事", tags: []string{"Tin tức", "Nhật Bản"}, saved: 1650000000},
				{path: "/dead/b.html", title: "Top-level dead", saved: 1600000000, read: true,
					notes: []string{"From bookmarks file (description):\nA description that is not a title"}},
			},
			broken: []int{20},
		},
		{
			name: "netscape from firefox", fixture: "bookmarks-firefox.html", format: Netscape,
			items: []want{
				{path: "/pages/ja.html", title: "日本語の記事", saved: 1650000000},
				{path: "/pages/en.html", title: "An English post", tags: []string{"Đọc sau"}, saved: 1660000000},
				{path: "/dead/f.html", title: "Gone", saved: 1600000000},
			},
		},
		{
			name: "wallabag", fixture: "wallabag.json", format: Wallabag,
			items: []want{
				{path: "/gone/wallabag-article.html", title: "Bài viết lưu trong Wallabag", tags: []string{"khoa học", "đọc sau"},
					saved: time.Date(2021, 5, 3, 8, 20, 30, 0, time.UTC).Unix(), read: true, fav: true, arch: true, has: true},
				{path: "/gone/short.html", title: "Ngắn", tags: []string{"ngắn"}, saved: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), has: true},
				{path: "/pages/en.html", saved: time.Date(2020, 2, 2, 2, 2, 2, 0, time.UTC).Unix()},
			},
			broken: []int{39},
		},
		{
			name: "omnivore zip", fixture: "omnivore", zip: true, format: Omnivore,
			items: []want{
				{path: "/gone/omnivore-viet.html", title: "Omnivore: bài tiếng Việt", tags: []string{"omnivore", "tiếng Việt"},
					saved: time.Date(2023, 2, 3, 4, 5, 6, 0, time.UTC).Unix(), read: true, arch: true, has: true,
					notes: []string{"From Omnivore (highlights):\n> Đoạn đầu tiên được tô sáng.\n> \nĐoạn thứ hai của cùng một chỗ tô sáng. \n\n#quan-trọng\n\nGhi chú của tôi về đoạn này.\n\n> Một chỗ tô sáng khác."}},
				{path: "/pages/ja.html", title: "日本語の記事 (Omnivore)", saved: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC).Unix()},
			},
			broken: []int{38},
		},
		{
			name: "omnivore folder", fixture: "omnivore", format: Omnivore,
			items: []want{
				{path: "/gone/omnivore-viet.html", title: "Omnivore: bài tiếng Việt", tags: []string{"omnivore", "tiếng Việt"},
					saved: time.Date(2023, 2, 3, 4, 5, 6, 0, time.UTC).Unix(), read: true, arch: true, has: true,
					notes: []string{"From Omnivore (highlights):\n> Đoạn đầu tiên được tô sáng.\n> \nĐoạn thứ hai của cùng một chỗ tô sáng. \n\n#quan-trọng\n\nGhi chú của tôi về đoạn này.\n\n> Một chỗ tô sáng khác."}},
				{path: "/pages/ja.html", title: "日本語の記事 (Omnivore)", saved: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC).Unix()},
			},
			broken: []int{38},
		},
		{
			name: "omnivore metadata alone", fixture: "omnivore/metadata_0_to_49.json", format: Omnivore,
			items: []want{
				{path: "/gone/omnivore-viet.html", title: "Omnivore: bài tiếng Việt", tags: []string{"omnivore", "tiếng Việt"},
					saved: time.Date(2023, 2, 3, 4, 5, 6, 0, time.UTC).Unix(), read: true, arch: true},
				{path: "/pages/ja.html", title: "日本語の記事 (Omnivore)", saved: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC).Unix()},
			},
			broken: []int{38},
		},
		{
			name: "markdown list of urls", fixture: "urls.md", format: URLList,
			items: []want{
				{path: "/tin-tuc/nang-cao.html", title: "Nâng cao năng lực dự báo"},
				{path: "/pages/en.html"},
				{path: "/pages/ja.html"},
				{path: "/dead/c.html"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := materialize(t, base, tc.fixture)
			if tc.zip {
				path = zipDir(t, path)
			}
			format, items, broken, err := Parse(path)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if format != tc.format {
				t.Errorf("format = %q, want %q", format, tc.format)
			}
			checkItems(t, base, items, tc.items)
			var lines []int
			for _, b := range broken {
				lines = append(lines, b.Line)
				if b.File == "" || b.Err == nil || !strings.Contains(b.Error(), ":") {
					t.Errorf("row error without file or reason: %#v", b)
				}
			}
			if !slices.Equal(lines, tc.broken) {
				t.Errorf("broken rows at lines %v, want %v (%v)", lines, tc.broken, broken)
			}
		})
	}
}

func checkItems(t *testing.T, base string, got []Item, want []want) {
	t.Helper()
	if len(got) != len(want) {
		for _, it := range got {
			t.Logf("got %s %q", it.URL, it.Title)
		}
		t.Fatalf("%d items, want %d", len(got), len(want))
	}
	for i, w := range want {
		it := got[i]
		if it.URL != base+w.path {
			t.Errorf("item %d: URL %q, want %q", i, it.URL, base+w.path)
		}
		if it.Title != w.title {
			t.Errorf("item %d: title %q, want %q", i, it.Title, w.title)
		}
		if !slices.Equal(it.Tags, w.tags) {
			t.Errorf("item %d: tags %q, want %q", i, it.Tags, w.tags)
		}
		var saved int64
		if !it.Saved.IsZero() {
			saved = it.Saved.Unix()
		}
		if saved != w.saved {
			t.Errorf("item %d: saved %v, want %v", i, it.Saved, time.Unix(w.saved, 0).UTC())
		}
		if it.Read != w.read || it.Favorite != w.fav || it.Archived != w.arch {
			t.Errorf("item %d: read/fav/arch %v/%v/%v, want %v/%v/%v", i, it.Read, it.Favorite, it.Archived, w.read, w.fav, w.arch)
		}
		if (it.HTML != "") != w.has {
			t.Errorf("item %d: has content %v, want %v", i, it.HTML != "", w.has)
		}
		if it.Line <= 0 || it.File == "" {
			t.Errorf("item %d: no source position (%q:%d)", i, it.File, it.Line)
		}
		var notes []string
		for _, n := range it.Notes {
			notes = append(notes, n.String())
		}
		if !slices.Equal(notes, w.notes) {
			t.Errorf("item %d: notes %q, want %q", i, notes, w.notes)
		}
	}
}

func TestParseWallabagMetadata(t *testing.T) {
	path := materialize(t, "http://news.test", "wallabag.json")
	_, items, _, err := Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	it := items[0]
	if it.Byline != "Nguyễn Văn An" || it.Lang != "vi" {
		t.Errorf("byline %q lang %q", it.Byline, it.Lang)
	}
	if want := time.Date(2021, 5, 1, 1, 0, 0, 0, time.UTC); !it.Published.Equal(want) {
		t.Errorf("published %v, want %v", it.Published, want)
	}
	if !strings.Contains(it.HTML, "Wallabag đã giữ lại") {
		t.Errorf("content not kept: %q", it.HTML)
	}
}

func TestParseUnrecognised(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		data  []byte
		looks string
	}{
		{"empty.txt", nil, "empty"},
		{"blank.csv", []byte(" \n\r\n\t\n"), "empty"},
		{"notes.txt", mustRead(t, filepath.Join(fixtures, "notes.txt")), "a text file with no web links in it"},
		{"unknown.json", mustRead(t, filepath.Join(fixtures, "unknown.json")), "a JSON object with keys note"},
		{"empty-array.json", []byte("[]"), "an empty JSON list"},
		{"strings.json", []byte(`["https://x.test/a"]`), "a JSON list of strings"},
		{"other-list.json", []byte(`[{"name":"An","email":"an@x.test","link":"https://x.test/"}]`), "a JSON list of 1 entries with keys email, link, name"},
		{"page.html", []byte("<!DOCTYPE html><html><head><title>My page</title></head><body><a href='https://x.test/'>x</a></body></html>"), `a web page titled "My page"`},
		{"feed.xml", []byte(`<?xml version="1.0"?><rss version="2.0"><channel><link>https://x.test/</link></channel></rss>`), "an XML document (<rss>)"},
		{"photo.png", mustRead(t, filepath.Join(seedDir, "images", "logo.png")), "a PNG image"},
		{"other.csv", []byte("name,email\nAn,an@x.test\n"), "a CSV with columns name, email"},
		// Raindrop's import template is not its export: no excerpt, no signature.
		{"wide.csv", []byte("a;b;c;d;e;f;g;url\n1;2;3;4;5;6;7;https://x.test/\n"), "a CSV (separated by semicolons) with columns a, b, c, d, e, f…"},
		{"readme-only.zip", zipBytes(t, map[string]string{"README.txt": "no links here"}), "a ZIP of 1 file (README.txt is a text file with no web links in it)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, _, err := Parse(path)
			if !errors.Is(err, ErrUnrecognised) {
				t.Fatalf("Parse = %v, want ErrUnrecognised", err)
			}
			if want := path + " is " + tc.looks + ", not an export Folio knows"; err.Error() != want {
				t.Errorf("message %q, want %q", err.Error(), want)
			}
		})
	}
}

func TestParseFolderWithOtherFiles(t *testing.T) {
	dir := materialize(t, "http://news.test", "pocket")
	files := map[string]string{
		"README.txt":    "Exported from Pocket, see https://getpocket.example/export for help.\n",
		"notes.json":    `{"exported": true}`,
		".DS_Store":     "\x00\x01binary",
		"img/photo.png": string(mustRead(t, filepath.Join(seedDir, "images", "logo.png"))),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{dir, zipDir(t, dir)} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			format, items, broken, err := Parse(path)
			if err != nil {
				t.Fatal(err)
			}
			if format != PocketCSV || len(items) != 6 || len(broken) != 2 {
				t.Errorf("format %q, %d items, %d broken; want pocket-csv, 6, 2", format, len(items), len(broken))
			}
			for _, it := range items {
				if strings.Contains(it.URL, "getpocket") {
					t.Errorf("README link imported: %s", it.URL)
				}
			}
		})
	}
}

func TestParseMissing(t *testing.T) {
	_, _, _, err := Parse(filepath.Join(t.TempDir(), "nope.csv"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Parse = %v, want ErrNotExist", err)
	}
}

func TestParseVariants(t *testing.T) {
	tests := []struct {
		name, data string
		format     Format
		items      []want
		broken     []int
	}{
		{
			name:   "pocket header reordered, upper case, CRLF, extra columns",
			data:   "\ufeffSTATUS,Tags,URL,Extra,Title,Time_Added\r\narchive,a|b|,https://x.test/1,,\"T, 1\",1700000000\r\n",
			format: PocketCSV,
			items:  []want{{path: "/1", title: "T, 1", tags: []string{"a", "b"}, saved: 1700000000, read: true, arch: true}},
		},
		{
			name:   "pocket short row and lazy quote",
			data:   "title,url,time_added,tags,status\nHe said \"hi\",https://x.test/2\n",
			format: PocketCSV,
			items:  []want{{path: "/2", title: `He said "hi"`}},
		},
		{
			name:   "instapaper tags that are not JSON",
			data:   "URL,Title,Selection,Folder,Timestamp,Tags\nhttps://x.test/3,T,,Unread,1700000000,\"[a, b]\"\n",
			format: Instapaper,
			items:  []want{{path: "/3", title: "T", tags: []string{"a", "b"}, saved: 1700000000}},
		},
		{
			name:   "plain urls with trailing punctuation and brackets",
			data:   "see https://x.test/4.\r\n(https://x.test/wiki/Go_(language))\nmailto:a@x.test\nhttps://x.test/5, https://x.test/6\n",
			format: URLList,
			items:  []want{{path: "/4"}, {path: "/wiki/Go_(language)"}, {path: "/5"}, {path: "/6"}},
		},
		{
			name:   "netscape without doctype",
			data:   "<DL><p>\n<DT><A HREF=\"https://x.test/7\" ADD_DATE=\"1700000000\" TAGS=\"x, y\">Seven</A>\n</DL>\n",
			format: Netscape,
			items:  []want{{path: "/7", title: "Seven", tags: []string{"x", "y"}, saved: 1700000000}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			format, items, broken, err := ParseReader("variant", strings.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if format != tc.format {
				t.Errorf("format %q, want %q", format, tc.format)
			}
			checkItems(t, "https://x.test", items, tc.items)
			if len(broken) != len(tc.broken) {
				t.Errorf("broken %v, want lines %v", broken, tc.broken)
			}
		})
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func zipBytes(t testing.TB, files map[string]string) []byte {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "z")
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return bytes.Clone(mustRead(t, zipDir(t, dir)))
}
