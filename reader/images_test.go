package reader

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestFetchImagesRecordsFailures(t *testing.T) {
	png, err := os.ReadFile(filepath.Join(pagesDir, "seed-vi", "images", "logo.png"))
	if err != nil {
		t.Fatal(err)
	}
	var inFlight, peak atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond) // let downloads overlap
		// Leave the count before writing: a client that stops reading early
		// (/big.png) moves on to its next download while this handler may
		// still be finishing its write, which is not a fourth download.
		inFlight.Add(-1)
		switch r.URL.Path {
		case "/ok.png", "/ok2.png", "/ok3.png", "/ok4.png", "/ok5.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(png)
		case "/mislabelled.jpg": // a PNG served as JPEG: sniffing wins
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(png)
		case "/icon.svg":
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Write([]byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>`)) // offline-ok: an XML namespace, never fetched
		case "/html.png": // an error page served with a 200
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>Not here</body></html>"))
		case "/big.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(png)
			w.Write(make([]byte, 4096))
		default:
			http.NotFound(w, r)
		}
	})
	r := testReader(srv)
	r.MaxImageBytes = 2048
	r.ImageWorkers = 3
	u := srv.URL
	a := &Article{
		URL: u + "/article",
		HTML: `<p><img src="` + u + `/ok.png"><img src="` + u + `/missing.png"><img src="` + u + `/ok.png">` +
			`<img src="` + u + `/html.png"><img src="` + u + `/big.png"><img src="` + u + `/mislabelled.jpg">` +
			`<img src="` + u + `/icon.svg"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><img src="` + u + `/ok2.png">` +
			`<img src="` + u + `/ok3.png"><img src="` + u + `/ok4.png"></p>`,
		LeadImage: u + "/ok5.png",
	}
	r.FetchImages(context.Background(), a)

	want := []struct{ path, contentType, errPart string }{
		{"/ok.png", "image/png", ""},
		{"/missing.png", "", "404 Not Found"},
		{"/html.png", "", "text/html, not an image"},
		{"/big.png", "", "more than the 2048 bytes allowed"},
		{"/mislabelled.jpg", "image/png", ""},
		{"/icon.svg", "image/png", ""}, // drawn: an SVG is never stored as a document
		{"/ok2.png", "image/png", ""},
		{"/ok3.png", "image/png", ""},
		{"/ok4.png", "image/png", ""},
		{"/ok5.png", "image/png", ""}, // the lead image, appended
	}
	if len(a.Images) != len(want) {
		t.Fatalf("got %d images %q, want %d", len(a.Images), imageList(a), len(want))
	}
	for i, w := range want {
		img := a.Images[i]
		t.Run(w.path, func(t *testing.T) {
			if img.URL != u+w.path {
				t.Fatalf("image %d = %s, want %s", i, img.URL, u+w.path)
			}
			if img.ContentType != w.contentType {
				t.Errorf("content type %q, want %q", img.ContentType, w.contentType)
			}
			if w.errPart == "" && (img.Err != "" || len(img.Data) == 0) {
				t.Errorf("failed: %s", img.Err)
			}
			if w.errPart != "" && (img.Data != nil || !strings.Contains(img.Err, w.errPart)) {
				t.Errorf("Err = %q, want it to contain %q and no data", img.Err, w.errPart)
			}
		})
	}
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak concurrent downloads = %d, want 2..3 (ImageWorkers = 3)", p)
	}
}

func TestParseSrcset(t *testing.T) {
	tests := []struct {
		name, in string
		want     []srcCandidate
	}{
		{"widths", "a.jpg 300w, b.jpg 1200w", []srcCandidate{{"a.jpg", 300}, {"b.jpg", 1200}}},
		{"densities", "a.jpg, b.jpg 2x", []srcCandidate{{"a.jpg", 1e-6}, {"b.jpg", 2e-6}}},
		{"commas in URL", "https://cdn.test/w_300,h_200/a.jpg 300w, https://cdn.test/w_900,h_600/a.jpg 900w",
			[]srcCandidate{{"https://cdn.test/w_300,h_200/a.jpg", 300}, {"https://cdn.test/w_900,h_600/a.jpg", 900}}},
		{"extra space", "  a.jpg   100w ,\n b.jpg 200w  ", []srcCandidate{{"a.jpg", 100}, {"b.jpg", 200}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseSrcset(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("parseSrcset(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCountWords(t *testing.T) {
	tests := []struct {
		name, text string
		words      int
		time       time.Duration
	}{
		{"english", strings.Repeat("one two three four ", 50), 200, time.Minute},
		{"contractions", "don't well-known it's", 3, time.Second},
		{"vietnamese", strings.Repeat("Hội nghị được tổ chức ", 40), 200, time.Minute},
		{"japanese", strings.Repeat("東京の桜は満開", 50), 350, 42 * time.Second},
		{"mixed", strings.Repeat("Go言語 ", 100), 300, 54 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, d := countWords(tt.text)
			if w != tt.words || d != tt.time {
				t.Errorf("countWords = %d, %v; want %d, %v", w, d, tt.words, tt.time)
			}
		})
	}
}
