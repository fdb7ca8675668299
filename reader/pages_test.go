package reader

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReadSeedPage(t *testing.T) {
	srv := pageServer(t, "seed-vi")
	want := loadExpected(t, "seed-vi")
	var stages []Stage
	a, err := testReader(srv).Read(context.Background(), srv.URL+"/", Options{Progress: func(s Stage) { stages = append(stages, s) }})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if !slices.Equal(stages, []Stage{StageFetching, StageExtracting, StageImages}) {
		t.Errorf("stages = %v", stages)
	}

	raw, err := os.ReadFile(filepath.Join(pagesDir, "seed-vi", "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := normalizeSpace(a.Text)
	for _, line := range strings.Split(string(raw), "\n") {
		if line = normalizeSpace(line); line != "" && !strings.Contains(text, line) {
			t.Errorf("Text lacks paragraph %q", line)
		}
	}
	for _, bad := range want.MustNotContain {
		if strings.Contains(a.Text, bad) || strings.Contains(a.HTML, bad) {
			t.Errorf("article contains clutter %q", bad)
		}
	}
	for _, bad := range []string{"Tags:", "link bài gốc", "tuoitrethudo.com.vn", "Chia sẻ"} {
		if strings.Contains(a.Text, bad) {
			t.Errorf("Text contains widget %q", bad)
		}
	}

	published, _ := time.Parse(time.RFC3339, want.Published)
	checks := []struct{ name, got, want string }{
		{"title", a.Title, want.Title},
		{"byline", a.Byline, want.Byline},
		{"siteName", a.SiteName, want.SiteName},
		{"lang", a.Lang, want.Lang},
		{"excerpt", a.Excerpt, want.Excerpt},
		{"leadImage", a.LeadImage, srv.URL + want.LeadImage},
		{"url", a.URL, srv.URL + "/"},
		{"canonical", a.Canonical, srv.URL + "/nang-cao-nang-luc-du-bao-tam-nhin-chien-luoc-trong-cong-tac-dan-van-187933.html"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !a.Published.Equal(published) {
		t.Errorf("published = %v, want %v", a.Published, published)
	}
	if a.Words < 1500 || a.ReadingTime < 7*time.Minute || a.ReadingTime > 10*time.Minute {
		t.Errorf("words %d, reading time %v: want ~1800 words, ~9 min", a.Words, a.ReadingTime)
	}

	wantImages := prefixAll(srv.URL, want.ArticleImages)
	if got := imageList(a); !slices.Equal(got, wantImages) {
		t.Fatalf("images = %q, want %q", got, wantImages)
	}
	for i, img := range a.Images {
		data, err := os.ReadFile(filepath.Join(pagesDir, "seed-vi", filepath.FromSlash(want.ArticleImages[i])))
		if err != nil {
			t.Fatal(err)
		}
		if img.Err != "" || img.ContentType != "image/png" || !bytes.Equal(img.Data, data) {
			t.Errorf("image %s: type %q, %d bytes (want %d), err %q", img.URL, img.ContentType, len(img.Data), len(data), img.Err)
		}
		if !strings.Contains(a.HTML, `src="`+img.URL+`"`) {
			t.Errorf("HTML does not show %s", img.URL)
		}
	}
	if !bytes.Contains(a.Page, []byte("sapo-detail")) {
		t.Error("Page does not hold the original HTML")
	}
}

// TestPages reads every case under testdata/pages/<case> with its
// expected.json through Read against a local server.
func TestPages(t *testing.T) {
	for _, name := range []string{"en-blog", "news-cookie", "comments", "docs", "lazy-images", "news-sapo"} {
		t.Run(name, func(t *testing.T) {
			srv := pageServer(t, name)
			want := loadExpected(t, name)
			a, err := testReader(srv).Read(context.Background(), srv.URL+"/", Options{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			text := normalizeSpace(a.Text)
			for _, s := range want.MustContain {
				if !strings.Contains(text, normalizeSpace(s)) {
					t.Errorf("Text lacks %q", s)
				}
			}
			for _, s := range want.MustNotContain {
				if strings.Contains(a.Text, s) || strings.Contains(a.HTML, s) {
					t.Errorf("article still contains %q", s)
				}
			}
			for _, s := range want.HTMLContains {
				if !strings.Contains(a.HTML, s) {
					t.Errorf("HTML lacks %q", s)
				}
			}
			checks := []struct{ name, got, want string }{
				{"title", a.Title, want.Title},
				{"byline", a.Byline, want.Byline},
				{"siteName", a.SiteName, want.SiteName},
				{"lang", a.Lang, want.Lang},
			}
			if want.LeadImage != "" {
				checks = append(checks, struct{ name, got, want string }{"leadImage", a.LeadImage, srv.URL + want.LeadImage})
			}
			if want.Canonical != "" {
				checks = append(checks, struct{ name, got, want string }{"canonical", a.Canonical, srv.URL + want.Canonical})
			}
			for _, c := range checks {
				if c.want != "" && c.got != c.want {
					t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
				}
			}
			if want.Published != "" {
				p, _ := time.Parse(time.RFC3339, want.Published)
				if !a.Published.Equal(p) {
					t.Errorf("published = %v, want %v", a.Published, p)
				}
			}
			if want.Images != nil {
				if got, w := imageURLs(a.HTML), prefixAll(srv.URL, want.Images); !slices.Equal(got, w) {
					t.Errorf("HTML images = %q, want %q", got, w)
				}
			}
		})
	}
}

func TestLazyImagesDownloaded(t *testing.T) {
	srv := pageServer(t, "lazy-images")
	a, err := testReader(srv).Read(context.Background(), srv.URL+"/", Options{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(a.Images) != 5 {
		t.Fatalf("got %d images, want 5: %q", len(a.Images), imageList(a))
	}
	for _, img := range a.Images {
		if img.Err != "" || img.ContentType != "image/png" || len(img.Data) == 0 {
			t.Errorf("image %s not downloaded: %q", img.URL, img.Err)
		}
	}
}

func TestNoArticle(t *testing.T) {
	srv := pageServer(t, "no-article")
	r := testReader(srv)
	t.Run("refused", func(t *testing.T) {
		_, err := r.Read(context.Background(), srv.URL+"/", Options{})
		if !errors.Is(err, ErrNotArticle) {
			t.Fatalf("err = %v, want ErrNotArticle", err)
		}
		if !strings.Contains(err.Error(), srv.URL) {
			t.Errorf("message %q should name the link", err) // the CLI and the window say how to force it
		}
	})
	t.Run("forced", func(t *testing.T) {
		a, err := r.Read(context.Background(), srv.URL+"/", Options{Force: true})
		if err != nil {
			t.Fatalf("forced Read: %v", err)
		}
		if a.Title != "Login" || a.SiteName != "Example Portal" || a.Lang != "en" {
			t.Errorf("title %q site %q lang %q", a.Title, a.SiteName, a.Lang)
		}
		if !strings.Contains(a.Text, "Welcome back.") {
			t.Errorf("forced text = %q", a.Text)
		}
	})
	t.Run("title falls back to URL", func(t *testing.T) {
		a, err := Extract([]byte("<html><body><p>hi</p></body></html>"), "https://example.test/x", Options{Force: true})
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != "https://example.test/x" {
			t.Errorf("title = %q", a.Title)
		}
	})
}

func TestExtractIsRepeatable(t *testing.T) {
	srv := pageServer(t, "seed-vi")
	a, err := testReader(srv).Read(context.Background(), srv.URL+"/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Extract(a.Page, a.URL, Options{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if b.HTML != a.HTML || b.Text != a.Text || b.Title != a.Title {
		t.Error("re-extraction from Page differs from the first extraction")
	}
}

func BenchmarkExtractSeed(b *testing.B) {
	page, err := os.ReadFile(filepath.Join(pagesDir, "seed-vi", "index.html"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(page, "http://127.0.0.1/index.html", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadSeed(b *testing.B) {
	srv := pageServer(b, "seed-vi")
	r := testReader(srv)
	b.ReportAllocs()
	for b.Loop() {
		a, err := r.Read(context.Background(), srv.URL+"/", Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(a.Images) != 4 {
			b.Fatalf("%d images", len(a.Images))
		}
	}
}
