package save

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// seedDir is the replica of the reference Vietnamese news page: four
// images and a canonical link.
const seedDir = "../testdata/pages/seed-vi"

// site serves the seed page at /article (and a copy at /copy.html, /short
// redirecting to it) and counts the requests each path gets.
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
	// page, when set, replaces the seed page's HTML at /article.
	page []byte
}

func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{hits: map[string]int{}}
	files := http.FileServer(http.Dir(seedDir))
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		page := s.page
		s.mu.Unlock()
		switch {
		case r.URL.Path == "/short":
			http.Redirect(w, r, "/article", http.StatusFound)
		case r.URL.Path == "/article" || r.URL.Path == "/copy.html":
			if r.URL.Path == "/copy.html" {
				page = nil
			}
			if page == nil {
				page, _ = os.ReadFile(filepath.Join(seedDir, "index.html"))
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		case r.URL.Path == "/gone":
			http.Error(w, "gone", http.StatusNotFound)
		default:
			files.ServeHTTP(w, r)
		}
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// images counts the requests for the seed page's pictures.
func (s *site) images() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for p, c := range s.hits {
		if strings.HasPrefix(p, "/images/") {
			n += c
		}
	}
	return n
}

func (s *site) setPage(b []byte) {
	s.mu.Lock()
	s.page = b
	s.mu.Unlock()
}

func openLib(t testing.TB) *storage.Library {
	t.Helper()
	lib, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "library.db"))
	if err != nil {
		t.Fatalf("open library: %v", err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

func newSaver(t *testing.T, s *site) (*Saver, *storage.Library) {
	t.Helper()
	lib := openLib(t)
	return New(lib, reader.New(s.Client())), lib
}

func mustSave(t *testing.T, sv *Saver, req Request) Result {
	t.Helper()
	r, err := sv.Save(context.Background(), req)
	if err != nil {
		t.Fatalf("save %+v: %v", req, err)
	}
	return r
}
