package archive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// records is a Source of fixed records; cancel, when set, runs before
// record number n is read.
type records struct {
	recs   map[int64]*storage.Record
	at     int64
	cancel func()
}

func (s records) Record(_ context.Context, id int64) (*storage.Record, error) {
	if id == s.at && s.cancel != nil {
		s.cancel()
	}
	r, ok := s.recs[id]
	if !ok {
		return nil, fmt.Errorf("article %d: %w", id, storage.ErrNotFound)
	}
	return r, nil
}

func sample() records {
	recs := map[int64]*storage.Record{}
	for i := int64(1); i <= 3; i++ {
		r := &storage.Record{Aliases: []string{fmt.Sprintf("https://example.com/%d", i)}}
		r.ID = i
		r.Article.Article = reader.Article{URL: fmt.Sprintf("https://example.com/%d", i), Title: fmt.Sprintf("Bài %d: <tiêu đề> & ký tự", i),
			HTML: "<p>nội dung</p>", Text: "nội dung", Page: []byte("<html>trang</html>"),
			Images: []reader.Image{{URL: "https://example.com/a.png", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\nxx")}}}
		r.Saved = time.Date(2024, 1, int(i), 0, 0, 0, 7, time.UTC)
		r.Updated = r.Saved
		r.Fetched = true
		recs[i] = r
	}
	return records{recs: recs}
}

func TestExportPlacesTheArchive(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 6, 9, 30, 0, 0, time.UTC)
	base := t.TempDir()

	// An empty folder the person made is used as it is.
	empty := filepath.Join(base, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := Export(ctx, empty, sample(), []int64{1, 2, 3}, Options{Now: now})
	if err != nil || got != empty {
		t.Fatalf("Export into an empty folder = %q, %v", got, err)
	}
	entries, _ := os.ReadDir(empty)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"0001-bai-1-tieu-de-ky-tu", "0002-bai-2-tieu-de-ky-tu", "0003-bai-3-tieu-de-ky-tu", "library.json"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("archive holds %v, want %v", names, want)
	}
	page := string(readFile(t, filepath.Join(empty, want[0], "article.html")))
	if !strings.Contains(page, "<title>Bài 1: &lt;tiêu đề&gt; &amp; ký tự</title>") || !strings.Contains(page, htmlStart+"<p>nội dung</p>"+htmlEnd) {
		t.Errorf("article.html:\n%s", page)
	}

	// A folder with something in it gets a dated archive folder inside,
	// and another beside that the next time.
	for _, want := range []string{"folio-archive-2026-05-06", "folio-archive-2026-05-06-2"} {
		got, err := Export(ctx, empty, sample(), []int64{1}, Options{Now: now})
		if err != nil || got != filepath.Join(empty, want) {
			t.Errorf("Export into a full folder = %q, %v; want %s inside it", got, err, want)
		}
	}
	if b := readFile(t, filepath.Join(empty, "library.json")); !Sniff(os.DirFS(empty), Index) || len(b) == 0 {
		t.Error("the first archive's index changed")
	}
	idx, err := Open(os.DirFS(empty))
	if err != nil || len(idx.Articles) != 3 || !idx.Exported.Equal(now) {
		t.Fatalf("Open = %+v, %v", idx, err)
	}
	r, err := Load(os.DirFS(empty), idx.Articles[0])
	if err != nil {
		t.Fatal(err)
	}
	if r.HTML != "<p>nội dung</p>" || string(r.Page) != "<html>trang</html>" || string(r.Images[0].Data) != "\x89PNG\r\n\x1a\nxx" || !r.Saved.Equal(sample().recs[1].Saved) {
		t.Errorf("Load = %+v", r)
	}
}

func TestExportFailureLeavesNothing(t *testing.T) {
	base := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	src := sample()
	src.at, src.cancel = 2, cancel
	if _, err := Export(ctx, filepath.Join(base, "out"), src, []int64{1, 2, 3}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Export = %v", err)
	}
	if _, err := Export(context.Background(), filepath.Join(base, "out"), sample(), []int64{1, 9}, Options{}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Export of a missing article = %v", err)
	}
	if entries, _ := os.ReadDir(base); len(entries) != 0 {
		t.Errorf("failed exports left %v", entries)
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(os.DirFS(dir)); !errors.Is(err, ErrNotArchive) {
		t.Errorf("empty folder: %v", err)
	}
	for name, body := range map[string]string{
		"other json": `{"format": "something-else", "articles": []}`,
		"not json":   `hello`,
	} {
		os.WriteFile(filepath.Join(dir, Index), []byte(body), 0o644)
		if _, err := Open(os.DirFS(dir)); !errors.Is(err, ErrNotArchive) {
			t.Errorf("%s: %v, want ErrNotArchive", name, err)
		}
	}
	for name, body := range map[string]string{
		"cut short":      `{"format": "folio-archive", "version": 1, "articles": [{"url": "https://a"`,
		"escaping path":  `{"format": "folio-archive", "version": 1, "articles": [{"url": "https://a", "folder": "../x"}]}`,
		"article no url": `{"format": "folio-archive", "version": 1, "articles": [{"folder": "x"}]}`,
	} {
		os.WriteFile(filepath.Join(dir, Index), []byte(body), 0o644)
		if _, err := Open(os.DirFS(dir)); !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: %v, want ErrDamaged", name, err)
		}
	}
	// A file name in the index cannot lead out of the article's folder.
	_, err := Load(os.DirFS(dir), Entry{URL: "https://a", Folder: "x", HTML: "../../etc/passwd"})
	if !errors.Is(err, ErrDamaged) {
		t.Errorf("Load with an escaping file name = %v", err)
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
