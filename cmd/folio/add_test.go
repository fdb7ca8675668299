package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
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
