package importer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// Wallabag's placeholder for an article it failed to fetch is not content:
// the link is fetched instead, or kept as a bookmark to fetch later.
func TestRunWallabagPlaceholderIsFetched(t *testing.T) {
	ctx := context.Background()
	srv := newSite(t)
	placeholder := Item{
		URL: srv.URL + "/tin-tuc/nang-cao.html", Title: "No title found", Tags: []string{"wb"},
		HTML: `wallabag can't retrieve contents for this article. Please <a href="https://doc.wallabag.org/en/user/errors_during_fetching.html#how-can-i-help-to-fix-that">troubleshoot this issue</a>.`,
	}
	t.Run("fetched", func(t *testing.T) {
		lib := openLib(t)
		sum, err := Run(ctx, lib, reader.New(srv.Client()), []Item{placeholder}, Options{})
		if err != nil || sum.Imported != 1 || sum.FromExport != 0 {
			t.Fatalf("summary %+v, %v", sum, err)
		}
		id, _ := lib.Lookup(ctx, placeholder.URL)
		a, _ := lib.Get(ctx, id)
		if strings.Contains(a.Text, "retrieve contents") || a.Title == "No title found" || a.Words < 500 {
			t.Errorf("stored %q, %d words: %.80q", a.Title, a.Words, a.Text)
		}
	})
	t.Run("no fetch", func(t *testing.T) {
		lib := openLib(t)
		sum, err := Run(ctx, lib, nil, []Item{placeholder}, Options{NoFetch: true})
		if err != nil || sum.Bookmarks != 1 {
			t.Fatalf("summary %+v, %v", sum, err)
		}
		id, _ := lib.Lookup(ctx, placeholder.URL)
		a, _ := lib.Get(ctx, id)
		if a.Fetched || a.Title == "No title found" || a.Text != "" {
			t.Errorf("stored fetched=%v %q %q; want a bookmark to fetch", a.Fetched, a.Title, a.Text)
		}
	})
}

// Clean article HTML from an export is kept whole: page clean-up that
// would drop its lead and pull quotes (here in <aside>) does not run over
// it, and no published date is made up when the export gives none.
func TestFromContentKeepsCleanHTML(t *testing.T) {
	para := func(s string, n int) string { return "<p>" + strings.Repeat(s+" ", n) + "</p>" }
	html := "<aside>" + para("The lead says what the long report found after a year of work.", 8) + "</aside>" +
		"<p>Updated: March 3, 2019</p>" +
		strings.Repeat(para("The committee heard evidence from many witnesses over several long days.", 8), 4) +
		"<aside>" + para("A pull quote from the chair of the committee.", 10) + "</aside>"
	it := Item{URL: "https://news.example/report", Title: "The report", HTML: html}
	a, err := fromContent(it)
	if err != nil {
		t.Fatal(err)
	}
	want := len(strings.Fields(plainText(html)))
	if a.Words < want {
		t.Errorf("%d words kept of %d", a.Words, want)
	}
	for _, s := range []string{"The lead says what the long report found", "A pull quote from the chair"} {
		if !strings.Contains(a.Text, s) {
			t.Errorf("text lost %q", s)
		}
	}
	if !a.Published.IsZero() {
		t.Errorf("published %v, want none (the export gives none)", a.Published)
	}
	it.Published = time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)
	if a, _ := fromContent(it); !a.Published.Equal(it.Published) {
		t.Errorf("published %v, want the export's %v", a.Published, it.Published)
	}
}

// Omnivore keeps a PDF item's document as content/<slug>.pdf: it is
// imported as an article whose original is that PDF, its text searchable.
func TestRunOmnivorePDF(t *testing.T) {
	ctx := context.Background()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetFont("Helvetica", "", 11)
	p.AddPage()
	p.MultiCell(0, 5, strings.Repeat("Attention is all you need for sequence transduction. ", 20), "", "J", false)
	var doc bytes.Buffer
	if err := p.Output(&doc); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"metadata_0_to_1.json": `[{"id":"1","slug":"attention","title":"Attention Is All You Need","author":"Vaswani et al.",` +
			`"url":"https://arxiv.example/pdf/1706.03762","state":"SUCCEEDED","labels":["ml"],"savedAt":"2023-05-01T10:00:00.000Z","pageType":"FILE"}]`,
		"content/attention.pdf": doc.String(),
	})
	lib := openLib(t)
	sum, err := Import(ctx, lib, nil, dir, Options{NoFetch: true})
	if err != nil || sum.Imported != 1 || sum.FromExport != 1 {
		t.Fatalf("summary %+v, %v", sum, err)
	}
	id, err := lib.Lookup(ctx, "https://arxiv.example/pdf/1706.03762")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := lib.Get(ctx, id)
	if a.Title != "Attention Is All You Need" || a.Byline != "Vaswani et al." || a.PageType != reader.PDF || !a.Fetched {
		t.Errorf("stored %q by %q as %q fetched %v", a.Title, a.Byline, a.PageType, a.Fetched)
	}
	if hits, _ := lib.Search(ctx, "transduction", storage.Filter{}); len(hits) != 1 {
		t.Errorf("search found %d", len(hits))
	}
	if _, orig, _ := lib.Original(ctx, id); !bytes.Equal(orig, doc.Bytes()) {
		t.Errorf("the original is not the PDF (%d bytes)", len(orig))
	}
}

// writeFiles writes files (path → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
