package reader

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const pagesDir = "../testdata/pages"

// expected is a case's expected.json: metadata to compare when set, and
// snippets that must or must not appear.
type expected struct {
	Title          string   `json:"title"`
	Byline         string   `json:"byline"`
	SiteName       string   `json:"siteName"`
	Lang           string   `json:"lang"`
	Published      string   `json:"published"`
	Excerpt        string   `json:"excerpt"`
	LeadImage      string   `json:"leadImage"`
	Canonical      string   `json:"canonical"`
	ArticleImages  []string `json:"articleImages"`
	Images         []string `json:"images"`
	MustContain    []string `json:"mustContain"`
	MustNotContain []string `json:"mustNotContain"`
	HTMLContains   []string `json:"htmlContains"`
}

func loadExpected(t testing.TB, name string) expected {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(pagesDir, name, "expected.json"))
	if err != nil {
		t.Fatalf("read expected: %v", err)
	}
	var e expected
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("parse expected.json of %s: %v", name, err)
	}
	return e
}

// pageServer serves testdata/pages/<name> as the web root.
func pageServer(t testing.TB, name string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join(pagesDir, name))))
	t.Cleanup(srv.Close)
	return srv
}

// serve starts a test server around one handler.
func serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func testReader(srv *httptest.Server) *Reader {
	r := New(srv.Client())
	r.Timeout = 5 * time.Second
	return r
}

func normalizeSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func imageList(a *Article) []string {
	var out []string
	for _, img := range a.Images {
		out = append(out, img.URL)
	}
	return out
}

func prefixAll(base string, paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = base + p
	}
	return out
}
