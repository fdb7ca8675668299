package replica

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// openLib opens a new library in a temporary folder.
func openLib(tb testing.TB) *storage.Library {
	tb.Helper()
	lib, err := storage.Open(bg, filepath.Join(tb.TempDir(), "library.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lib.Close() })
	return lib
}

// connected opens n libraries all set up on one new hub database.
func connected(tb testing.TB, n int) (string, []*storage.Library) {
	tb.Helper()
	db := newDB(tb)
	libs := make([]*storage.Library, n)
	for i := range libs {
		libs[i] = openLib(tb)
		if err := Setup(bg, libs[i], Hub{URL: db}, testCreds, nil); err != nil {
			tb.Fatalf("Setup: %v", err)
		}
	}
	return db, libs
}

func mustSync(tb testing.TB, lib *storage.Library) Result {
	tb.Helper()
	res, err := Sync(bg, lib, Options{Credentials: testCreds})
	if err != nil {
		tb.Fatalf("Sync: %v", err)
	}
	return res
}

// syncAll syncs the libraries in order, twice: after two rounds every
// library has seen every change.
func syncAll(tb testing.TB, libs ...*storage.Library) {
	tb.Helper()
	for range 2 {
		for _, l := range libs {
			mustSync(tb, l)
		}
	}
}

// article is a small article at link with one image.
func article(link, title string) *reader.Article {
	img := []byte("PNG of " + link)
	return &reader.Article{URL: link, Title: title, Text: "Text of " + title + ".",
		HTML: "<p>Text of " + title + `.</p><img src="` + link + `/a.png">`, SiteName: "Example",
		Words: 3, Page: []byte("<html>page of " + link + "</html>"),
		Images: []reader.Image{{URL: link + "/a.png", ContentType: "image/png", Data: img}}}
}

func mustAdd(tb testing.TB, lib *storage.Library, a *reader.Article, opts storage.AddOptions) int64 {
	tb.Helper()
	id, err := lib.Add(bg, a, opts)
	if err != nil {
		tb.Fatalf("Add %s: %v", a.URL, err)
	}
	return id
}

// idOf returns the local id of the article saved from link.
func idOf(tb testing.TB, lib *storage.Library, link string) int64 {
	tb.Helper()
	id, err := lib.Lookup(bg, link)
	if err != nil {
		tb.Fatalf("Lookup %s: %v", link, err)
	}
	return id
}

// dump is a canonical text of everything a library holds that syncs:
// libraries that agree dump alike.
func dump(tb testing.TB, lib *storage.Library) string {
	tb.Helper()
	var b strings.Builder
	f := storage.Filter{State: storage.StateAll, Limit: 1000}
	var all []storage.Summary
	for {
		page, next, err := lib.List(bg, f)
		if err != nil {
			tb.Fatal(err)
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		f.After = next
	}
	sort.Slice(all, func(i, j int) bool { return all[i].URL < all[j].URL })
	for _, s := range all {
		a, err := lib.Get(bg, s.ID)
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&b, "article %s\n title %q byline %q site %q lang %q canonical %q\n", a.URL, a.Title, a.Byline, a.SiteName, a.Lang, a.Canonical)
		fmt.Fprintf(&b, " saved %s published %s words %d read %v favorite %v archived %v fetched %v %q\n",
			a.Saved.UTC().Format(time.RFC3339Nano), a.Published.Format(time.RFC3339), a.Words, a.Read, a.Favorite, a.Archived, a.Fetched, a.FetchError)
		fmt.Fprintf(&b, " tags %q\n position %d %.3f\n text %s html %s\n", a.Tags, a.Position, a.Progress, sum([]byte(a.Text)), sum([]byte(a.HTML)))
		if p, err := lib.Page(bg, s.ID); err == nil {
			fmt.Fprintf(&b, " page %s\n", sum(p))
		}
		for _, im := range a.Images {
			ct, data, err := lib.Image(bg, s.ID, im.URL)
			fmt.Fprintf(&b, " image %s %s %s %v\n", im.URL, ct, sum(data), err != nil)
		}
		notes, err := lib.Notes(bg, s.ID)
		if err != nil {
			tb.Fatal(err)
		}
		var texts []string
		for _, n := range notes {
			texts = append(texts, fmt.Sprintf("%s %q", n.Created.UTC().Format(time.RFC3339Nano), n.Text))
		}
		sort.Strings(texts)
		for _, t := range texts {
			fmt.Fprintf(&b, " note %s\n", t)
		}
	}
	tags, err := lib.Tags(bg)
	if err != nil {
		tb.Fatal(err)
	}
	for _, t := range tags {
		fmt.Fprintf(&b, "tag %q %d\n", t.Name, t.Count)
	}
	return b.String()
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:6])
}

// sameDumps fails unless every library dumps alike, and returns the dump.
func sameDumps(tb testing.TB, libs ...*storage.Library) string {
	tb.Helper()
	first := dump(tb, libs[0])
	for i, l := range libs[1:] {
		if d := dump(tb, l); d != first {
			tb.Fatalf("library %d differs from library 0:\n--- 0:\n%s\n--- %d:\n%s", i+1, first, i+1, d)
		}
	}
	for i, l := range libs {
		problems, err := l.SyncCheck(bg)
		if err != nil {
			tb.Fatal(err)
		}
		if len(problems) > 0 {
			tb.Fatalf("library %d: %v", i, problems)
		}
	}
	return first
}
