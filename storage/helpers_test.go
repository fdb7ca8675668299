package storage

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
)

const seedDir = "../testdata/pages/seed-vi"

// MustOpen opens a new library in a temporary directory, closed with the
// test. Its clock starts at a fixed time and moves one second per call.
func MustOpen(tb testing.TB) *Library {
	tb.Helper()
	lib, err := Open(context.Background(), filepath.Join(tb.TempDir(), "lib", "folio.db"))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := lib.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	lib.now = steppingClock(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC))
	return lib
}

// steppingClock returns a clock that advances one second per reading.
func steppingClock(start time.Time) func() time.Time {
	t := start
	return func() time.Time {
		t = t.Add(time.Second)
		return t
	}
}

// seedArticle builds the Vietnamese reference article from the fixture's
// expected text and metadata, with its four images, as the reader would
// hand it over, at base (e.g. "https://news.example").
func seedArticle(tb testing.TB, base string) *reader.Article {
	tb.Helper()
	text, err := os.ReadFile(filepath.Join(seedDir, "expected.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(seedDir, "index.html"))
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(seedDir, "expected.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var meta struct {
		Title, Byline, SiteName, Lang, Published, Excerpt, LeadImage string
		ArticleImages                                                []string
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		tb.Fatal(err)
	}
	pub, err := time.Parse(time.RFC3339, meta.Published)
	if err != nil {
		tb.Fatal(err)
	}
	a := &reader.Article{
		URL:       base + "/tin-tuc/nang-cao-nang-luc-du-bao.html",
		Canonical: base + "/nang-cao-nang-luc-du-bao.html",
		Title:     meta.Title, Byline: meta.Byline, SiteName: meta.SiteName, Lang: meta.Lang,
		Excerpt: meta.Excerpt, LeadImage: base + meta.LeadImage, Published: pub,
		Text: string(text), Words: len(strings.Fields(string(text))), ReadingTime: 5 * time.Minute,
		Page: page,
	}
	var html strings.Builder
	for _, p := range strings.Split(string(text), "\n\n") {
		html.WriteString("<p>" + p + "</p>\n")
	}
	for _, src := range meta.ArticleImages {
		data, err := os.ReadFile(filepath.Join(seedDir, src))
		if err != nil {
			tb.Fatal(err)
		}
		html.WriteString(`<img src="` + base + src + `">` + "\n")
		a.Images = append(a.Images, reader.Image{URL: base + src, ContentType: "image/png", Data: data})
	}
	a.HTML = html.String()
	return a
}

// mustAdd adds a and fails the test on error.
func mustAdd(tb testing.TB, lib *Library, a *reader.Article, opts AddOptions) int64 {
	tb.Helper()
	id, err := lib.Add(context.Background(), a, opts)
	if err != nil {
		tb.Fatalf("Add %s: %v", a.URL, err)
	}
	return id
}

// simpleArticle is a small English article at url.
func simpleArticle(url, title, text string) *reader.Article {
	return &reader.Article{URL: url, Title: title, Text: text, HTML: "<p>" + text + "</p>",
		SiteName: "Example", Words: len(strings.Fields(text))}
}

// count returns SELECT COUNT(*) from table, for checking what was written.
func count(tb testing.TB, lib *Library, table string) int {
	tb.Helper()
	var n int
	if err := lib.db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		tb.Fatalf("count %s: %v", table, err)
	}
	return n
}
