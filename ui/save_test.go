package ui

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"fyne.io/fyne/v2/test"
)

// countingSite serves the seed page at /article, a shortened link /s/1
// redirecting to it, and counts the requests per path. page, when set,
// replaces the article's HTML.
type countingSite struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
	page []byte
}

func newCountingSite(t *testing.T) *countingSite {
	t.Helper()
	seed, err := os.ReadFile(seedDir + "/index.html")
	if err != nil {
		t.Fatal(err)
	}
	s := &countingSite{hits: map[string]int{}, page: seed}
	files := http.FileServer(http.Dir(seedDir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		page := s.page
		s.mu.Unlock()
		switch r.URL.Path {
		case "/s/1":
			http.Redirect(w, r, "/article", http.StatusMovedPermanently)
		case "/article":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		default:
			files.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *countingSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// A shortened link saved from the window is recorded with the article, so
// saving it again answers at once without fetching it (the window's own
// copy of saving did not record it).
func TestSaveShortLinkTwiceFetchesOnce(t *testing.T) {
	h := newHarness(t, nil)
	s := newCountingSite(t)
	submit(h.u.linkBar, s.URL+"/s/1")
	h.eventually("the save", func() bool { return len(h.u.list.rows) == 1 })
	h.settle()
	submit(h.u.linkBar, s.URL+"/s/1")
	j := h.u.queue.jobs[len(h.u.queue.jobs)-1]
	h.eventually("the second save", func() bool { return j.state == jobDone || j.state == jobFailed })
	if j.status.Text != "Already in your library" {
		t.Errorf("status = %q", j.status.Text)
	}
	if n := s.count("/s/1"); n != 1 {
		t.Errorf("the short link was fetched %d times, want 1", n)
	}
	if n := s.count("/article"); n != 1 {
		t.Errorf("the article was fetched %d times, want 1", n)
	}
}

// A re-fetch whose page now holds far less text keeps the saved text and
// offers the shorter one.
func TestRefetchShorterAsks(t *testing.T) {
	h := newHarness(t, nil)
	s := newCountingSite(t)
	ctx := context.Background()
	submit(h.u.linkBar, s.URL+"/article")
	h.eventually("the save", func() bool { return len(h.u.list.rows) == 1 })
	id := h.u.list.rows[0].ID
	before, err := h.lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	end := bytes.Index(s.page, []byte("</p>"))
	s.page = append(append([]byte{}, s.page[:end]...), []byte("</p></div></body></html>")...)
	s.mu.Unlock()

	h.u.reveal(id)
	h.eventually("the article open", func() bool { return h.u.view.id == id })
	test.Tap(button(t, h.u.view.actions, "Re-fetch"))
	j := h.u.queue.jobs[len(h.u.queue.jobs)-1]
	h.eventually("the re-fetch", func() bool { return j.state == jobDone || j.state == jobFailed })
	if !j.retry.Visible() || j.retry.Text != "Use the shorter text" {
		t.Fatalf("status %q, retry %q visible %v", j.status.Text, j.retry.Text, j.retry.Visible())
	}
	if a, _ := h.lib.Get(ctx, id); a.Words != before.Words {
		t.Fatalf("the saved text changed: %d words, was %d", a.Words, before.Words)
	}
	test.Tap(j.retry)
	k := h.u.queue.jobs[len(h.u.queue.jobs)-1]
	h.eventually("the accepted re-fetch", func() bool { return k != j && (k.state == jobDone || k.state == jobFailed) })
	if k.status.Text != "Fetched again" {
		t.Errorf("status = %q", k.status.Text)
	}
	if a, _ := h.lib.Get(ctx, id); a.Words >= before.Words {
		t.Errorf("the shorter text was not stored: %d words, was %d", a.Words, before.Words)
	}
}

// A PDF link saved from the window reads as text and opens, from the
// library, in the system's viewer.
func TestSavePDFAndOpenIt(t *testing.T) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle("Report on the Algorithmic Language", true)
	p.SetFont("Helvetica", "", 11)
	p.AddPage()
	p.MultiCell(0, 5, strings.Repeat("A language for describing computational processes. ", 12), "", "J", false)
	var doc bytes.Buffer
	if err := p.Output(&doc); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(doc.Bytes())
	}))
	defer srv.Close()
	h := newHarness(t, nil)
	var opened []*url.URL
	h.u.openDoc = func(u *url.URL) { opened = append(opened, u) }
	submit(h.u.linkBar, srv.URL+"/algol.pdf")
	h.eventually("the save", func() bool { return len(h.u.list.rows) == 1 })
	id := h.u.list.rows[0].ID
	h.u.reveal(id)
	h.eventually("the article open", func() bool { return h.u.view.id == id })
	if got := h.u.view.page.doc.plainText(); !strings.Contains(got, "computational processes") {
		t.Errorf("reader body %q", got)
	}
	if h.u.view.original.Text != "Open PDF" {
		t.Fatalf("button %q, want Open PDF", h.u.view.original.Text)
	}
	test.Tap(h.u.view.original)
	h.eventually("the PDF opened", func() bool { return len(opened) == 1 })
	if opened[0].Scheme != "file" {
		t.Fatalf("opened %s", opened[0])
	}
	got, err := os.ReadFile(filepath.FromSlash(opened[0].Path))
	if err != nil || !bytes.Equal(got, doc.Bytes()) {
		t.Errorf("the opened file is not the PDF (%d bytes, %v)", len(got), err)
	}
	os.Remove(filepath.FromSlash(opened[0].Path))
}
