package export

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPDFsOnePerArticleNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	it := seedItem(t)
	// A file of the same name is already there: it must survive untouched.
	existing := filepath.Join(dir, Slug(it.Title)+".pdf")
	if err := os.WriteFile(existing, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	var calls int
	paths, err := PDFs(context.Background(), dir, []Item{it, it}, &dirStore{}, PDFOptions{Progress: func(done, total int) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{Slug(it.Title) + "-2.pdf", Slug(it.Title) + "-3.pdf"}
	if len(paths) != 2 || filepath.Base(paths[0]) != want[0] || filepath.Base(paths[1]) != want[1] {
		t.Fatalf("paths = %q, want %q", paths, want)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
			t.Errorf("%s is not a PDF (err %v)", p, err)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "mine" {
		t.Errorf("existing file was overwritten")
	}
	if calls != 2 {
		t.Errorf("progress called %d times, want 2", calls)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %q", leftovers)
	}
}

func TestPDFsCancelledWritesNothing(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	paths, err := PDFs(ctx, dir, []Item{seedItem(t)}, &dirStore{}, PDFOptions{})
	if err == nil || len(paths) != 0 {
		t.Fatalf("PDFs after cancel = %q, %v; want an error and nothing written", paths, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("folder holds %d entries after a cancelled export", len(entries))
	}
}

// originals is an ImageStore and OriginalStore holding one document.
type originals struct {
	dirStore
	doc []byte
}

func (o *originals) Original(ctx context.Context, id int64) (string, []byte, error) {
	return "application/pdf", o.doc, nil
}

// An article saved from a PDF is exported as the PDF itself.
func TestPDFsWriteTheOriginalDocument(t *testing.T) {
	dir := t.TempDir()
	doc := []byte("%PDF-1.7\n% the original document\n%%EOF\n")
	it := seedItem(t)
	it.PageType = "application/pdf"
	paths, err := PDFs(context.Background(), dir, []Item{it}, &originals{doc: doc}, PDFOptions{})
	if err != nil || len(paths) != 1 {
		t.Fatalf("PDFs = %q, %v", paths, err)
	}
	if b, _ := os.ReadFile(paths[0]); string(b) != string(doc) {
		t.Errorf("exported %d bytes, not the original document", len(b))
	}
	// A web page's article is still rendered.
	it.PageType = ""
	paths, err = PDFs(context.Background(), dir, []Item{it}, &originals{doc: doc}, PDFOptions{})
	if err != nil || len(paths) != 1 {
		t.Fatalf("PDFs = %q, %v", paths, err)
	}
	if b, _ := os.ReadFile(paths[0]); string(b) == string(doc) || !strings.HasPrefix(string(b), "%PDF-") {
		t.Errorf("a web article was not rendered")
	}
}
