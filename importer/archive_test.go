package importer

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/archive"
	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// richLibrary is a library with every kind of data Folio keeps: articles
// with images (stored, failed, in several formats), original pages, tags,
// notes, every state, a bookmark that failed to fetch, aliases, published
// dates with their offsets, times to the nanosecond, and text in
// Vietnamese, Arabic and Japanese, one of them holding the archive's own
// HTML marker.
func richLibrary(t *testing.T) (*storage.Library, []int64) {
	t.Helper()
	ctx := context.Background()
	lib := openLib(t)
	png := func(name string) []byte {
		return mustRead(t, filepath.Join(seedDir, "images/2022/01", name))
	}
	ict := time.FixedZone("ICT", 7*3600)
	vi := &reader.Article{
		URL: "https://news.example/tin-tuc/nang-cao.html", Canonical: "https://news.example/nang-cao.html",
		Title: "Nâng cao năng lực dự báo", Byline: "Thanh Hà - TTTĐ", SiteName: "Kinh tế & Xã hội", Lang: "vi",
		Excerpt: "Ngày 13/1, Ban Dân vận Trung ương…", LeadImage: "https://news.example/images/a.png",
		Published: time.Date(2022, 1, 13, 19, 28, 0, 0, ict),
		HTML: `<p>Đoạn một với <a href="https://news.example/x">liên kết</a>.</p><figure><img src="https://news.example/images/a.png"><figcaption>Chú thích</figcaption></figure>` +
			`<img src="https://news.example/images/b.webp"><img src="https://news.example/images/gone.png">`,
		Text: "Đoạn một với liên kết.\n\nChú thích", Words: 6, ReadingTime: 90 * time.Second,
		Images: []reader.Image{
			{URL: "https://news.example/images/a.png", ContentType: "image/png", Data: png("hoi-nghi-dan-van.png")},
			{URL: "https://news.example/images/b.webp", ContentType: "image/webp", Data: mustRead(t, "../testdata/export/video-001.lossy.webp")},
			{URL: "https://news.example/images/gone.png", Err: "the server answered 404 Not Found"},
		},
		Page: mustRead(t, filepath.Join(seedDir, "index.html")),
	}
	ar := &reader.Article{
		URL: "https://ar.example/مقالة", Title: "مقالة باللغة العربية", SiteName: "موقع", Lang: "ar",
		HTML: "<p>نص عربي.</p><p>A comment that looks like the archive's marker: <!--/folio:article--> and text after it.</p>",
		Text: "نص عربي.", Words: 2, Page: []byte("<html><body><p>نص عربي.</p></body></html>"),
		Images: []reader.Image{{URL: "https://ar.example/i.png", ContentType: "", Data: png("bui-thi-minh-hoai.png")}},
	}
	ja := &reader.Article{URL: "http://ja.example/記事?id=1", Title: "日本語の記事", Lang: "ja",
		HTML: "<p>本文です。</p>", Text: "本文です。", Words: 1}
	ids := []int64{}
	add := func(a *reader.Article, o storage.AddOptions) int64 {
		id, err := lib.Add(ctx, a, o)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		return id
	}
	v := add(vi, storage.AddOptions{Tags: []string{"Dân vận", "khí tượng"}, Read: true, Favorite: true,
		Saved: time.Date(2021, 5, 6, 7, 8, 9, 123456789, time.UTC), Aliases: []string{"https://short.example/abc"}})
	add(ar, storage.AddOptions{Tags: []string{"عربي"}, Archived: true, Saved: time.Date(2020, 1, 2, 3, 4, 5, 6, ict)})
	j := add(ja, storage.AddOptions{Tags: []string{"日本"}})
	add(&reader.Article{URL: "https://gone.example/page", Title: "https://gone.example/page"},
		storage.AddOptions{Bookmark: true, FetchError: "the server answered 410 Gone", Tags: []string{"later"}})
	for id, notes := range map[int64][]string{v: {"Ghi chú đầu tiên", "Hai dòng\nthứ hai"}, j: {"メモ"}} {
		for _, n := range notes {
			if _, err := lib.AddNote(ctx, id, n); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A note edited after it was written keeps both times.
	notes, _ := lib.Notes(ctx, v)
	time.Sleep(2 * time.Millisecond)
	if _, err := lib.UpdateNote(ctx, notes[0].ID, "Ghi chú đầu tiên, sửa lại"); err != nil {
		t.Fatal(err)
	}
	// Highlights: one with a colour and a note, one detached.
	if _, err := lib.AddHighlight(ctx, v, storage.Highlight{Exact: "với liên kết", Color: storage.Pink, Note: "đánh dấu"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := lib.AddHighlights(ctx, v, []storage.Highlight{{Exact: "a passage no longer there", Note: "kept"}}, true); err != nil {
		t.Fatal(err)
	}
	return lib, ids
}

// sameRecord compares two records field by field, ids aside.
func sameRecord(t *testing.T, got, want *storage.Record) {
	t.Helper()
	g, w := *got, *want
	g.ID, w.ID = 0, 0
	strip := func(ns []storage.Note) []storage.Note {
		out := append([]storage.Note(nil), ns...)
		for i := range out {
			out[i].ID, out[i].ArticleID = 0, 0
		}
		return out
	}
	g.Notes, w.Notes = strip(g.Notes), strip(w.Notes)
	stripH := func(hs []storage.Highlight) []storage.Highlight {
		out := append([]storage.Highlight(nil), hs...)
		for i := range out {
			out[i].ID, out[i].ArticleID = 0, 0
		}
		return out
	}
	g.Highlights, w.Highlights = stripH(g.Highlights), stripH(w.Highlights)
	_, gOff := g.Published.Zone()
	_, wOff := w.Published.Zone()
	if !g.Published.Equal(w.Published) || gOff != wOff {
		t.Errorf("%s: published %v, want %v", w.URL, g.Published, w.Published)
	}
	g.Published, w.Published = time.Time{}, time.Time{}
	if reflect.DeepEqual(g, w) {
		return
	}
	check := func(name string, a, b any) {
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: %s = %.200v, want %.200v", w.URL, name, a, b)
		}
	}
	gv, wv := reflect.ValueOf(g.Article.Article), reflect.ValueOf(w.Article.Article)
	for i := range gv.NumField() {
		check(gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
	}
	check("Saved", g.Saved, w.Saved)
	check("Updated", g.Updated, w.Updated)
	check("flags", []bool{g.Read, g.Favorite, g.Archived, g.Fetched}, []bool{w.Read, w.Favorite, w.Archived, w.Fetched})
	check("FetchError", g.FetchError, w.FetchError)
	check("Tags", g.Tags, w.Tags)
	check("Aliases", g.Aliases, w.Aliases)
	check("Notes", g.Notes, w.Notes)
	check("Highlights", g.Highlights, w.Highlights)
}

func TestArchiveRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, ids := richLibrary(t)
	out := filepath.Join(t.TempDir(), "archive")
	dir, err := archive.Export(ctx, out, src, ids, archive.Options{Generator: "Folio test"})
	if err != nil {
		t.Fatal(err)
	}
	if dir != out {
		t.Errorf("archive written to %s, want %s (it did not exist)", dir, out)
	}

	// Plain files anyone can read.
	idx, err := archive.Open(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if idx.Format != "folio-archive" || idx.Version != 1 || len(idx.Articles) != len(ids) {
		t.Fatalf("index: format %q version %d, %d articles", idx.Format, idx.Version, len(idx.Articles))
	}
	first := filepath.Join(dir, idx.Articles[0].Folder)
	md := string(mustRead(t, filepath.Join(first, "article.md")))
	for _, want := range []string{"title: Nâng cao năng lực dự báo", "](images/01-", "## Notes", "Ghi chú đầu tiên, sửa lại"} {
		if !strings.Contains(md, want) {
			t.Errorf("article.md lacks %q", want)
		}
	}
	if h := string(mustRead(t, filepath.Join(first, "article.html"))); !strings.Contains(h, `<meta charset="utf-8">`) || !strings.Contains(h, "Đoạn một") {
		t.Errorf("article.html does not open as a UTF-8 page:\n%.300s", h)
	}
	for _, f := range []string{"article.txt", "original.html.gz"} {
		if _, err := os.Stat(filepath.Join(first, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
	if imgs, _ := filepath.Glob(filepath.Join(first, "images", "*")); len(imgs) != 2 {
		t.Errorf("images folder holds %v, want the two stored images", imgs)
	}

	// Into a fresh library: every article back, field by field.
	dst := openLib(t)
	sum, err := Import(ctx, dst, nil, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Format != FolioArchive || sum.Imported != len(ids) || sum.FromExport != len(ids) || len(sum.Errors) > 0 {
		t.Fatalf("import summary %+v", sum)
	}
	for _, id := range ids {
		want, err := src.Record(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		newID, err := dst.Lookup(ctx, want.URL)
		if err != nil {
			t.Fatalf("%s not in the new library: %v", want.URL, err)
		}
		got, err := dst.Record(ctx, newID)
		if err != nil {
			t.Fatal(err)
		}
		sameRecord(t, got, want)
	}
	if r, err := dst.Check(ctx); err != nil || !r.OK() {
		t.Errorf("Check of the new library = %+v, %v", r, err)
	}
	hits, err := dst.Search(ctx, "ghi chu sua lai", storage.Filter{})
	if err != nil || len(hits) != 1 {
		t.Errorf("search the new library for a note: %v, %v", hits, err)
	}

	// Again: nothing doubles.
	sum, err = Import(ctx, dst, nil, dir, Options{})
	if err != nil || sum.Merged != len(ids) || sum.Imported != 0 {
		t.Errorf("second import: %+v, %v; want every article merged", sum, err)
	}
	if n, _ := dst.Count(ctx, storage.Filter{}); n != len(ids) {
		t.Errorf("after a second import: %d articles, want %d", n, len(ids))
	}
	v, _ := dst.Lookup(ctx, "https://news.example/tin-tuc/nang-cao.html")
	if notes, _ := dst.Notes(ctx, v); len(notes) != 2 {
		t.Errorf("after a second import the article has %d notes, want 2", len(notes))
	}
	if hs, _ := dst.Highlights(ctx, v); len(hs) != 2 || hs[0].Color != storage.Pink || !hs[1].Detached {
		t.Errorf("after a second import the article has highlights %+v, want its 2", hs)
	}
}

func TestArchiveIntoExistingLibrary(t *testing.T) {
	ctx := context.Background()
	src, ids := richLibrary(t)
	dir, err := archive.Export(ctx, filepath.Join(t.TempDir(), "a"), src, ids, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dst := openLib(t)
	// The library has the Japanese article already, under its own tag and
	// with a note of its own, and an article of its own.
	mine, err := dst.Add(ctx, &reader.Article{URL: "http://ja.example/記事?id=1", Title: "Mine", HTML: "<p>x</p>", Text: "x"},
		storage.AddOptions{Tags: []string{"mine"}, Notes: []string{"my note"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Add(ctx, &reader.Article{URL: "https://other.example/", Title: "Other"}, storage.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	sum, err := Import(ctx, dst, nil, filepath.Join(dir, "library.json"), Options{Tag: "from archive"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Imported != len(ids)-1 || sum.Merged != 1 {
		t.Errorf("summary %+v, want %d imported and 1 merged", sum, len(ids)-1)
	}
	a, err := dst.Get(ctx, mine)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Mine" || !reflect.DeepEqual(a.Tags, []string{"from archive", "mine", "日本"}) {
		t.Errorf("merged article: title %q tags %q; want its own title and every tag", a.Title, a.Tags)
	}
	notes, _ := dst.Notes(ctx, mine)
	if len(notes) != 2 {
		t.Errorf("merged article has notes %+v, want its own and the archive's", notes)
	}
	if n, _ := dst.Count(ctx, storage.Filter{}); n != len(ids)+1 {
		t.Errorf("%d articles, want %d", n, len(ids)+1)
	}
}

func TestArchiveRefusals(t *testing.T) {
	ctx := context.Background()
	src, ids := richLibrary(t)
	dir, err := archive.Export(ctx, filepath.Join(t.TempDir(), "a"), src, ids[:1], archive.Options{})
	if err != nil {
		t.Fatal(err)
	}

	// A zipped archive is refused with what to do.
	zpath := filepath.Join(t.TempDir(), "archive.zip")
	f, err := os.Create(zpath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Dir(dir), p)
		w, _ := zw.Create(filepath.ToSlash(rel))
		w.Write(mustRead(t, p))
		return nil
	})
	zw.Close()
	f.Close()
	_, err = Read(ctx, zpath, ParseOptions{})
	if !errors.Is(err, ErrUnrecognised) || !strings.Contains(err.Error(), "unzip it and import the folder") {
		t.Errorf("zipped archive: %v", err)
	}

	// An article file edited out of shape names itself, and nothing of
	// that article is stored.
	idx, _ := archive.Open(os.DirFS(dir))
	html := filepath.Join(dir, idx.Articles[0].Folder, "article.html")
	if err := os.WriteFile(html, []byte("<p>rewritten by hand</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := openLib(t)
	sum, err := Import(ctx, dst, nil, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Errors) != 1 || !strings.Contains(sum.Errors[0].Err.Error(), "article.html lost its") {
		t.Errorf("damaged article: summary %+v", sum)
	}
	if n, _ := dst.Count(ctx, storage.Filter{}); n != 0 {
		t.Errorf("%d articles stored from a damaged article", n)
	}

	// A newer archive is refused.
	newer := strings.Replace(string(mustRead(t, filepath.Join(dir, "library.json"))), `"version": 1`, `"version": 9`, 1)
	if err := os.WriteFile(filepath.Join(dir, "library.json"), []byte(newer), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(ctx, dir, ParseOptions{}); !errors.Is(err, archive.ErrNewer) || !strings.Contains(err.Error(), "update Folio") {
		t.Errorf("newer archive: %v", err)
	}
}
