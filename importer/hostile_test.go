package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/folio-app/folio/storage"
)

// snapshot is the library's content as text: every article with its title,
// flags, tags and notes.
func snapshot(t *testing.T, lib *storage.Library) string {
	t.Helper()
	var lines []string
	for p, a := range articles(t, lib) {
		ns, err := lib.Notes(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%s %q %v/%v/%v %q %d notes", p, a.Title, a.Read, a.Favorite, a.Archived, a.Tags, len(ns)))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// rawZip writes a ZIP whose entries declare the sizes given, whatever
// they hold: how a bomb or a lying archive looks from its directory.
func rawZip(t *testing.T, entries map[string]uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		data := []byte("title,url,time_added\nT,https://x.test/1,1700000000\n")
		w, err := zw.CreateRaw(&zip.FileHeader{Name: n, Method: zip.Store, CRC32: crc32.ChecksumIEEE(data),
			CompressedSize64: uint64(len(data)), UncompressedSize64: entries[n]})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportHostile: files that are not exports, damaged ones and crafted
// ones are each refused as a whole with an error of their class and a
// sentence naming what is wrong, and the library is left as it was.
func TestImportHostile(t *testing.T) {
	nested := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	nestedObj := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)
	binary := bytes.Repeat([]byte{0, 1, 2, 3, 0, 0, 7, 0xff}, 4096)
	tests := []struct {
		name  string
		data  any // []byte or string for a file; a func making a path otherwise
		class error
		words []string
	}{
		{"empty.csv", "", ErrUnrecognised, []string{"is empty"}},
		{"blank.txt", "\n \r\n\t\n", ErrUnrecognised, []string{"is empty"}},
		{"photo.jpg", "\xff\xd8\xff\xe0\x00\x10JFIF", ErrUnrecognised, []string{"a JPEG image"}},
		{"library.db", "SQLite format 3\x00\x10\x00", ErrUnrecognised, []string{"an SQLite database"}},
		{"blob.bin", binary, ErrUnrecognised, []string{"a binary file"}},
		{"people.csv", "name,email\nAn,an@x.test\n", ErrUnrecognised, []string{"a CSV with columns name, email"}},
		{"template.csv", "folder,url,title,note,tags,created\nF,https://x.test/,T,N,\"a, b\",1629980125\n", ErrUnrecognised,
			[]string{"a CSV with columns folder, url, title, note, tags, created"}},
		{"page.html", "<!doctype html><html><head><title>Sign in</title></head><body><a href=https://x.test/>x</a></body></html>",
			ErrUnrecognised, []string{`a web page titled "Sign in"`}},
		{"wallabag.xml", `<?xml version="1.0" encoding="UTF-8"?><entries><entry><url>https://x.test/</url></entry></entries>`,
			ErrUnrecognised, []string{"an XML document (<entries>)"}},
		{"settings.json", `{"theme":"dark","links":["https://x.test/"]}`, ErrUnrecognised, []string{"a JSON object with keys links, theme"}},
		{"numbers.json", `[1, 2, 3]`, ErrUnrecognised, []string{"a JSON list of numbers"}},
		{"notes.txt", "Shopping: milk, eggs.\nCall An.\n", ErrUnrecognised, []string{"a text file with no web links"}},
		{"header-only.csv", "title,url,time_added,tags,status\n", ErrNoEntries, []string{"a Pocket CSV export", "no entries"}},
		{"header-only-raindrop.csv", "id,title,note,excerpt,url,folder,tags,created,cover,highlights,favorite\r\n", ErrNoEntries,
			[]string{"a Raindrop.io CSV backup", "no entries"}},
		{"cut.json", `[{"url":"https://x.test/a","is_archived":1},{"url":"https://x.te`, ErrDamaged, []string{"cut short", "export it again"}},
		{"bad.json", "[{\"url\":\"https://x.test/a\",\"is_archived\":1},\n{\"url\" \"x\"}]", ErrDamaged, []string{"malformed at line 2"}},
		{"nested.json", nested, ErrDamaged, []string{"nests deeper than any export"}},
		{"nested-object.json", nestedObj, ErrDamaged, []string{"nests deeper than any export"}},
		{"bomb.jsonlz4", append([]byte(mozLz4Magic), 0x00, 0x00, 0x00, 0x40, 0x10, 'x'), ErrTooLarge, []string{"expands to 1024 MiB, over 512 MiB"}},
		{"broken.jsonlz4", append([]byte(mozLz4Magic), 0x10, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff), ErrDamaged, []string{"compressed Firefox backup is damaged"}},
		{"bomb.zip", rawZip(t, map[string]uint64{"part_000000.csv": 2 << 30}), ErrTooLarge, []string{"part_000000.csv expands to 2048 MiB, over 512 MiB"}},
		{"many.zip", rawZip(t, map[string]uint64{"a.csv": 400 << 20, "b.csv": 400 << 20, "c.csv": 400 << 20}), ErrTooLarge,
			[]string{"expand to over 1024 MiB"}},
		{"lying.zip", rawZip(t, map[string]uint64{"part_000000.csv": 4}), ErrDamaged, []string{"cannot be read", "download the export again"}},
		{"damaged.zip", "PK\x03\x04\x14\x00garbage", ErrDamaged, []string{"ZIP is damaged"}},
		{"empty.zip", rawZip(t, nil), ErrUnrecognised, []string{"an empty ZIP"}},
		{"roots.json", `{"roots":["bookmark_bar"],"version":1}`, ErrDamaged, []string{"roots cannot be read"}},
		{"empty-folder", func(dir string) string {
			p := filepath.Join(dir, "empty-folder")
			os.Mkdir(p, 0o755)
			return p
		}, ErrUnrecognised, []string{"an empty folder"}},
		{"missing.csv", func(dir string) string { return filepath.Join(dir, "missing.csv") }, os.ErrNotExist, []string{"no such file"}},
		{"omnivore-deleted", func(dir string) string {
			p := filepath.Join(dir, "omnivore-deleted")
			os.Mkdir(p, 0o755)
			os.WriteFile(filepath.Join(p, "metadata_0_to_1.json"), []byte(`[{"slug":"x","url":"https://x.test/x","state":"Deleted","savedAt":"2023-01-01T00:00:00Z"}]`), 0o644)
			return p
		}, ErrNoEntries, []string{"an Omnivore export ZIP", "nothing in it to import"}},
	}
	ctx := context.Background()
	lib := openLib(t)
	if _, err := Run(ctx, lib, nil, []Item{{URL: "https://x.test/kept", Title: "Kept", Tags: []string{"before"},
		Notes: []Note{{From: "test", Text: "a note"}}}}, Options{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, lib)
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			switch d := tc.data.(type) {
			case string:
				os.WriteFile(path, []byte(d), 0o644)
			case []byte:
				os.WriteFile(path, d, 0o644)
			case func(string) string:
				path = d(dir)
			}
			sum, err := Import(ctx, lib, nil, path, Options{})
			if !errors.Is(err, tc.class) {
				t.Fatalf("Import = %v, want %v", err, tc.class)
			}
			for _, w := range append(tc.words, filepath.Base(path)) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			if strings.Count(err.Error(), filepath.Base(path)) > 1 && !strings.Contains(tc.name, ".zip") {
				t.Errorf("message %q names the file twice", err)
			}
			if sum.Total != 0 {
				t.Errorf("summary %+v for a refused file", sum)
			}
			if after := snapshot(t, lib); after != before {
				t.Errorf("library changed:\n%s\nwas\n%s", after, before)
			}
		})
	}
}

// TestParseDamagedRows: damage confined to rows costs only those rows,
// each named with its line and what is wrong; the rest imports.
func TestParseDamagedRows(t *testing.T) {
	tests := []struct {
		name, data string
		urls       []string
		broken     map[int]error
	}{
		{
			name: "unclosed quote",
			data: "title,url,time_added\nA,https://x.test/a,1700000000\n\"B,https://x.test/b,1700000000\n" +
				"C,https://x.test/c,1700000000\nD,https://x.test/d,1700000000\n",
			urls:   []string{"https://x.test/a", "https://x.test/c", "https://x.test/d"},
			broken: map[int]error{3: ErrUnclosedQuote},
		},
		{
			name:   "NUL byte in a row",
			data:   "title,url,time_added\nA,https://x.test/a,1700000000\nB\x00,https://x.test/b,1700000000\nC,https://x.test/c,1700000000\n",
			urls:   []string{"https://x.test/a", "https://x.test/c"},
			broken: map[int]error{3: ErrNULByte},
		},
		{
			name:   "NUL byte in a JSON entry",
			data:   "[{\"url\":\"https://x.test/a\",\"is_archived\":1},\n{\"url\":\"https://x.test/b\x00\",\"is_archived\":0}]",
			urls:   []string{"https://x.test/a"},
			broken: map[int]error{2: ErrNULByte},
		},
		{
			name:   "NUL byte in a list of links",
			data:   "https://x.test/a\nhttps://x.test/\x00b\n",
			urls:   []string{"https://x.test/a"},
			broken: map[int]error{2: ErrNULByte},
		},
		{
			name:   "Markdown link first, not JSON",
			data:   "[A title](https://x.test/a)\n[B](https://x.test/b)\n",
			urls:   []string{"https://x.test/a", "https://x.test/b"},
			broken: map[int]error{},
		},
		{
			name:   "UTF-16 with a byte-order mark",
			data:   utf16LE("title,url,time_added\r\nÂ,https://x.test/a,1700000000\r\n"),
			urls:   []string{"https://x.test/a"},
			broken: map[int]error{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, items, rows, err := ParseReader("export.csv", strings.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			var urls []string
			for _, it := range items {
				urls = append(urls, it.URL)
			}
			if strings.Join(urls, " ") != strings.Join(tc.urls, " ") {
				t.Errorf("links %q, want %q", urls, tc.urls)
			}
			if len(rows) != len(tc.broken) {
				t.Fatalf("broken rows %v, want %v", rows, tc.broken)
			}
			for _, r := range rows {
				if !errors.Is(r.Err, tc.broken[r.Line]) {
					t.Errorf("row %d: %v, want %v", r.Line, r.Err, tc.broken[r.Line])
				}
			}
		})
	}
}

func utf16LE(s string) string {
	out := []byte{0xff, 0xfe}
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return string(out)
}

// TestParseLimits: the limits on bytes, files and entries hold while
// reading, whatever sizes a ZIP declares, and each error names its limit.
// They are lowered here so that the test need not make gigabytes.
func TestParseLimits(t *testing.T) {
	low := func() *parser {
		p := &parser{b: newBudget(context.Background())}
		p.b.maxFile, p.b.maxTotal, p.b.maxFiles, p.b.maxRows = 1<<20, 3<<20, 5, 100
		return p
	}
	rows := func(n int) string {
		var b strings.Builder
		b.WriteString("title,url,time_added\n")
		for i := range n {
			fmt.Fprintf(&b, "T,https://x.test/%d,1700000000\n", i)
		}
		return b.String()
	}
	t.Run("entries", func(t *testing.T) {
		_, err := low().reader("big.csv", strings.NewReader(rows(101)))
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 100 entries") {
			t.Errorf("%v, want the limit of 100 entries", err)
		}
		if _, err := low().reader("ok.csv", strings.NewReader(rows(100))); err != nil {
			t.Errorf("100 entries: %v", err)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		_, err := low().reader("big.txt", bytes.NewReader(bytes.Repeat([]byte("https://x.test/\n"), 70_000)))
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "over 1 MiB") {
			t.Errorf("%v, want the limit of 1 MiB", err)
		}
	})
	t.Run("files", func(t *testing.T) {
		files := map[string]string{}
		for i := range 6 {
			files[fmt.Sprintf("part_%06d.csv", i)] = rows(1)
		}
		_, err := low().reader("many.zip", bytes.NewReader(zipBytes(t, files)))
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than the 5") {
			t.Errorf("%v, want the limit of 5 files", err)
		}
	})
	t.Run("bytes in all", func(t *testing.T) {
		// Each file under the limit, declared truly; together over it.
		files := map[string]string{}
		for i := range 4 {
			files[fmt.Sprintf("part_%06d.csv", i)] = "title,url,time_added\n" + strings.Repeat("T,https://x.test/,1\n", 45_000)
		}
		_, err := low().reader("all.zip", bytes.NewReader(zipBytes(t, files)))
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "over 3 MiB") {
			t.Errorf("%v, want the limit of 3 MiB in all", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		path := filepath.Join(t.TempDir(), "part_000000.csv")
		os.WriteFile(path, []byte(rows(10)), 0o644)
		if _, err := Read(ctx, path, ParseOptions{}); !errors.Is(err, context.Canceled) {
			t.Errorf("Read with a cancelled context: %v", err)
		}
	})
}

// TestParseTagBounds: a folder 3,000 deep is not 3,000 tags, and a 1 MiB
// tag name is cut to a name's length.
func TestParseTagBounds(t *testing.T) {
	var b strings.Builder
	b.WriteString("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "<DT><H3>F%d</H3>\n<DL><p>\n", i)
	}
	b.WriteString(`<DT><A HREF="https://x.test/deep" TAGS="` + strings.Repeat("t", 1<<20) + `">Deep</A>` + "\n")
	b.WriteString(strings.Repeat("</DL><p>\n", 3001))
	_, items, _, err := ParseReader("deep.html", strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	tags := items[0].Tags
	if len(tags) != maxFolderDepth+1 || tags[0] != "F0" || len([]rune(tags[len(tags)-1])) != maxTagLen {
		t.Errorf("%d tags, first %q, last %d long; want %d folders and the tag cut to %d", len(tags), tags[0], len(tags[len(tags)-1]), maxFolderDepth, maxTagLen)
	}
}

// TestParseProseIsNotATable: a list of links whose first lines are prose
// with commas is a list of links, not a CSV of unknown columns.
func TestParseProseIsNotATable(t *testing.T) {
	data := "# Reading, mostly\n\nSome intro, with a comma.\n- https://x.test/a\n- [B, too](https://x.test/b)\n"
	format, items, _, err := ParseReader("links.md", strings.NewReader(data))
	if err != nil || format != URLList || len(items) != 2 {
		t.Errorf("%q, %d items, %v; want a list of 2 links", format, len(items), err)
	}
}

// TestParseDeepFolders: a bookmark file's folders are walked a hundred
// deep, and what is below is reported, not read level after level.
func TestParseDeepFolders(t *testing.T) {
	const depth = 300
	var b strings.Builder
	b.WriteString(`{"type":"text/x-moz-place-container","root":"placesRoot","children":[`)
	b.WriteString(`{"type":"text/x-moz-place","uri":"https://x.test/top","title":"Top"},`)
	for range depth {
		b.WriteString(`{"type":"text/x-moz-place-container","title":"F","children":[`)
	}
	b.WriteString(`{"type":"text/x-moz-place","uri":"https://x.test/deep","title":"Deep"}`)
	b.WriteString(strings.Repeat("]}", depth) + "]}")
	format, items, rows, err := ParseReader("firefox.json", strings.NewReader(b.String()))
	if err != nil || format != FirefoxJSON {
		t.Fatalf("%q, %v", format, err)
	}
	if len(items) != 1 || items[0].URL != "https://x.test/top" || len(rows) != 1 || !errors.Is(rows[0].Err, errTooDeep) {
		t.Errorf("%d items, rows %v; want the top link and one row for the folders too deep", len(items), rows)
	}
}
