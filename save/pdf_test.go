package save

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// paperPDF is a two-page paper with a title and an author in its metadata.
func paperPDF(t testing.TB, title string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle(title, true)
	p.SetAuthor("Grace Hopper", true)
	p.SetFont("Helvetica", "", 11)
	for page := 0; page < 2; page++ {
		p.AddPage()
		for i := 0; i < 6; i++ {
			p.MultiCell(0, 5, strings.Repeat("Compilers translate programs written for people into code for machines. ", 6), "", "J", false)
			p.Ln(4)
		}
	}
	p.MultiCell(0, 5, "The last sentence mentions nanoseconds.", "", "L", false)
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A link that answers with a PDF is saved as an article whose original is
// the PDF: found by search, readable as text, extracted again offline.
func TestSavePDFLink(t *testing.T) {
	doc := paperPDF(t, "The Education of a Computer")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(doc)
	}))
	defer srv.Close()
	lib := openLib(t)
	sv := New(lib, reader.New(srv.Client()))
	ctx := context.Background()
	r := mustSave(t, sv, Request{Link: srv.URL + "/paper.pdf"})
	if r.Title != "The Education of a Computer" {
		t.Errorf("title %q", r.Title)
	}
	a, err := lib.Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.PageType != reader.PDF || a.Byline != "Grace Hopper" || !strings.Contains(a.Text, "nanoseconds") || a.Words < 300 {
		t.Errorf("stored type %q by %q, %d words", a.PageType, a.Byline, a.Words)
	}
	ct, orig, err := lib.Original(ctx, r.ID)
	if err != nil || ct != reader.PDF || !bytes.Equal(orig, doc) {
		t.Errorf("original: %q, %d bytes, %v", ct, len(orig), err)
	}
	if hits, err := lib.Search(ctx, "nanoseconds", storage.Filter{}); err != nil || len(hits) != 1 || hits[0].ID != r.ID {
		t.Errorf("search: %+v, %v", hits, err)
	}
	got, err := sv.Refetch(ctx, r.ID, RefetchOptions{Offline: true})
	if err != nil || got.Changed || got.NewWords != a.Words {
		t.Errorf("offline re-extraction of the PDF: %+v, %v", got, err)
	}
	if again := mustSave(t, sv, Request{Link: srv.URL + "/paper.pdf"}); !again.Existed || again.ID != r.ID {
		t.Errorf("second save %+v", again)
	}
}

// A PDF file saved without its address is known by its content: saved
// twice it is one article, and it cannot be fetched again, only
// re-extracted.
func TestSavePDFFile(t *testing.T) {
	sv, lib := newSaver(t, newSite(t))
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hopper.pdf")
	if err := os.WriteFile(path, paperPDF(t, "Keynote"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := mustSave(t, sv, Request{Path: path})
	if r.Existed || r.Title != "Keynote" {
		t.Fatalf("result %+v", r)
	}
	if again := mustSave(t, sv, Request{Path: path}); !again.Existed || again.ID != r.ID {
		t.Errorf("second save %+v", again)
	}
	if _, err := sv.Refetch(ctx, r.ID, RefetchOptions{}); !errors.Is(err, ErrFromFile) {
		t.Errorf("online refetch of a file: %v, want ErrFromFile", err)
	}
	if got, err := sv.Refetch(ctx, r.ID, RefetchOptions{Offline: true}); err != nil || got.Changed {
		t.Errorf("offline refetch: %+v, %v", got, err)
	}
	if a, _ := lib.Get(ctx, r.ID); !reader.IsLocal(a.URL) || a.PageType != reader.PDF {
		t.Errorf("stored at %q as %q", a.URL, a.PageType)
	}
}

// Other documents keep their clear refusal.
func TestSaveOtherDocumentsRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
		w.Write([]byte("PK\x03\x04 not a page"))
	}))
	defer srv.Close()
	lib := openLib(t)
	_, err := New(lib, reader.New(srv.Client())).Save(context.Background(), Request{Link: srv.URL + "/letter.docx"})
	if !errors.Is(err, reader.ErrNotHTML) || !errors.Is(err, ErrNotRead) {
		t.Errorf("err = %v, want ErrNotHTML", err)
	}
}
