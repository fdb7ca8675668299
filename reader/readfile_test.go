package reader

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFile(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join(pagesDir, "seed-vi", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	srv := pageServer(t, "seed-vi")
	page := string(seed)
	canonical := `<link rel="canonical" href="/nang-cao-nang-luc-du-bao-tam-nhin-chien-luoc-trong-cong-tac-dan-van-187933.html">`
	withoutCanonical := strings.Replace(page, canonical, "", 1)
	tests := []struct {
		name, html, link, wantURL string
		wantErr                   error
	}{
		{"canonical", strings.Replace(page, canonical, `<link rel="canonical" href="`+srv.URL+`/saved.html">`, 1), "", srv.URL + "/saved.html", nil},
		{"og:url", strings.Replace(withoutCanonical, `<meta property="og:type"`, `<meta property="og:url" content="`+srv.URL+`/og.html"><meta property="og:type"`, 1), "", srv.URL + "/og.html", nil},
		{"given URL wins", page, srv.URL + "/given.html", srv.URL + "/given.html", nil},
		{"none", withoutCanonical, "", "", ErrNoURL},
		{"relative canonical only", page, "", "", ErrNoURL},
		{"bad given URL", page, "ftp://x/y", "", ErrUnsupportedScheme},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "saved.html")
			if err := os.WriteFile(path, []byte(tt.html), 0o600); err != nil {
				t.Fatal(err)
			}
			a, err := testReader(srv).ReadFile(context.Background(), path, tt.link, Options{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if errors.Is(err, ErrNoURL) && !strings.Contains(err.Error(), "--url") {
					t.Errorf("message %q should ask for --url", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if a.URL != tt.wantURL {
				t.Errorf("URL = %q, want %q", a.URL, tt.wantURL)
			}
			if len(a.Images) != 4 {
				t.Fatalf("%d images, want 4", len(a.Images))
			}
			for _, img := range a.Images {
				if !strings.HasPrefix(img.URL, srv.URL+"/images/") || img.Err != "" || len(img.Data) == 0 {
					t.Errorf("image %s: %q", img.URL, img.Err)
				}
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "big.html")
		if err := os.WriteFile(path, seed, 0o600); err != nil {
			t.Fatal(err)
		}
		r := testReader(srv)
		r.MaxPageBytes = 1000
		if _, err := r.ReadFile(context.Background(), path, srv.URL, Options{}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
	})
}
