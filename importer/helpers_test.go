package importer

import (
	"archive/zip"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/folio-app/folio/storage"
)

const (
	fixtures = "../testdata/import"
	seedDir  = "../testdata/pages/seed-vi"
	// placeholder is the host fixture links are written with; tests put
	// the local server's address in its place.
	placeholder = "http://FOLIO_TEST_HOST"
)

// site is the local web the fixtures link to: the Vietnamese seed article
// at /tin-tuc/nang-cao.html with its images under /images/, small pages
// under /pages/, 404s under /dead/ and /gone/, /r/<path> redirecting to
// /<path>, and /slow/ which answers
// only when the request is cancelled.
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newSite(t testing.TB) *site {
	t.Helper()
	seed, err := os.ReadFile(filepath.Join(seedDir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := &site{hits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/tin-tuc/nang-cao.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(seed)
	})
	mux.Handle("/images/", http.FileServer(http.Dir(seedDir)))
	mux.Handle("/pages/", http.StripPrefix("/pages/", http.FileServer(http.Dir(filepath.Join(fixtures, "pages")))))
	mux.HandleFunc("/r/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.TrimPrefix(r.URL.Path, "/r"), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/slow/", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		mux.ServeHTTP(w, r) // /dead/, /gone/ and anything else: 404
	}))
	t.Cleanup(s.Close)
	return s
}

// hit returns how many requests path got.
func (s *site) hit(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// total returns how many requests the site got.
func (s *site) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.hits {
		n += c
	}
	return n
}

// materialize copies fixture name (a file or a folder) into a temporary
// directory with the placeholder host replaced by base, and returns the
// copy's path.
func materialize(t testing.TB, base, name string) string {
	t.Helper()
	src := filepath.Join(fixtures, name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, []byte(strings.ReplaceAll(string(data), placeholder, base)), 0o644)
	})
	if err != nil {
		t.Fatalf("materialize %s: %v", name, err)
	}
	return dst
}

// zipDir zips folder dir (under a top folder named after it, as exports
// do) and returns the ZIP's path.
func zipDir(t testing.TB, dir string) string {
	t.Helper()
	path := dir + ".zip"
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Dir(dir), p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// openLib opens a new library in a temporary directory, closed with the test.
func openLib(t testing.TB) *storage.Library {
	t.Helper()
	lib, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := lib.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return lib
}

// articles returns every article of lib by URL path (the host differs per
// test server).
func articles(t testing.TB, lib *storage.Library) map[string]*storage.Article {
	t.Helper()
	ctx := context.Background()
	out := map[string]*storage.Article{}
	after := ""
	for {
		page, next, err := lib.List(ctx, storage.Filter{State: storage.StateAll, Limit: 1000, After: after})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		for _, s := range page {
			a, err := lib.Get(ctx, s.ID)
			if err != nil {
				t.Fatalf("Get %d: %v", s.ID, err)
			}
			key := pathOf(a.URL)
			if _, dup := out[key]; dup {
				t.Errorf("two articles at %s", key)
			}
			out[key] = a
		}
		if next == "" {
			return out
		}
		after = next
	}
}

// pathOf strips scheme and host from a link.
func pathOf(link string) string {
	if i := strings.Index(link, "://"); i >= 0 {
		if j := strings.IndexByte(link[i+3:], '/'); j >= 0 {
			return link[i+3+j:]
		}
	}
	return link
}
