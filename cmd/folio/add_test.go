package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// A page whose canonical address is already in the library is answered
// "exists" after one page fetch: its images are not downloaded again.
func TestAddKnownCanonicalSkipsImages(t *testing.T) {
	files := http.FileServer(http.Dir(seedDir))
	var images atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/images/") {
			images.Add(1)
		}
		if r.URL.Path == "/mirror" { // the same page under another address
			r.URL.Path = "/"
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	f := newFolio(t)
	f.client = srv.Client()
	f.ok("add", srv.URL+"/index.html")
	first := images.Load()
	if first == 0 {
		t.Fatal("the first save downloaded no image")
	}
	out := f.ok("add", srv.URL+"/mirror")
	if !strings.HasPrefix(out, "exists") {
		t.Errorf("add of the mirror printed %q, want exists", out)
	}
	if got := images.Load(); got != first {
		t.Errorf("%d image downloads after adding the mirror, want %d", got, first)
	}
}

// paperPDF is a small paper made with fpdf, with its title in the metadata.
func paperPDF(t *testing.T) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle("A Mathematical Theory of Communication", true)
	p.SetAuthor("Claude Shannon", true)
	p.SetFont("Helvetica", "", 11)
	p.AddPage()
	for i := 0; i < 5; i++ {
		p.MultiCell(0, 5, strings.Repeat("The fundamental problem of communication is that of reproducing at one point a message selected at another point. ", 4), "", "J", false)
		p.Ln(4)
	}
	p.MultiCell(0, 5, "Entropy is measured in bits.", "", "L", false)
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A PDF link saves, searches, reads and exports as the PDF itself; a PDF
// file saves too.
func TestAddPDF(t *testing.T) {
	doc := paperPDF(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(doc)
	}))
	defer srv.Close()
	f := newFolio(t)
	f.client = srv.Client()
	out := f.ok("add", srv.URL+"/shannon.pdf")
	if !strings.HasPrefix(out, "saved") || !strings.Contains(out, "A Mathematical Theory of Communication") {
		t.Fatalf("add printed %q", out)
	}
	list := listJSON(t, f)
	if len(list) != 1 || list[0].Byline != "Claude Shannon" {
		t.Fatalf("list %+v", list)
	}
	id := itoa(list[0].ID)
	if out := f.ok("search", "entropy"); !strings.Contains(out, "A Mathematical Theory") {
		t.Errorf("search printed %q", out)
	}
	if out := f.ok("show", id); !strings.Contains(out, "Entropy is measured in bits.") {
		t.Errorf("show printed %q", out)
	}
	dir := t.TempDir()
	f.ok("export", "--format", "pdf", "--out", dir, id)
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(files) != 1 {
		t.Fatalf("exported %q", files)
	}
	if b, _ := os.ReadFile(files[0]); !bytes.Equal(b, doc) {
		t.Errorf("the export is not the original PDF (%d bytes, want %d)", len(b), len(doc))
	}
	if out := f.ok("refetch", "--offline", id); !strings.HasPrefix(out, "same") {
		t.Errorf("refetch --offline printed %q", out)
	}

	path := filepath.Join(t.TempDir(), "copy.pdf")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out := f.ok("add", path); !strings.HasPrefix(out, "saved") {
		t.Errorf("add of the file printed %q", out)
	}
	if out := f.ok("add", path); !strings.HasPrefix(out, "exists") {
		t.Errorf("second add of the file printed %q", out)
	}
	code, _, errs := f.run("refetch", itoa(list[0].ID+1))
	if code != exitFailure || !strings.Contains(errs, "saved from a file") {
		t.Errorf("online refetch of the file: exit %d, %q", code, errs)
	}
}
