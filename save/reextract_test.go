package save

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// oldKind is how an article of the old library was extracted.
type oldKind int

const (
	asNow      oldKind = iota // what the current extractor gives
	withChrome                // plus a few lines of page chrome the current one drops
	doubled                   // twice the text: the current one finds half of it
)

// oldArticle is the seed page at link as an older extractor stored it.
func oldArticle(t testing.TB, link string, kind oldKind) *reader.Article {
	t.Helper()
	// Each copy is its own article: the seed page's canonical link would
	// make them one.
	page := bytes.ReplaceAll(seedPage(t), []byte(`rel="canonical"`), []byte(`rel="x-canonical"`))
	page = bytes.ReplaceAll(page, []byte(`og:url`), []byte(`x-og-url`))
	a, err := reader.ExtractPage(&reader.Page{URL: link, ContentType: "text/html", HTML: page}, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The old extraction's images are in the library.
	for _, u := range a.ImageURLs() {
		data, err := os.ReadFile(filepath.Join(seedDir, strings.TrimPrefix(u, "https://news.example/")))
		if err != nil {
			t.Fatal(err)
		}
		a.Images = append(a.Images, reader.Image{URL: u, ContentType: "image/png", Data: data})
	}
	switch kind {
	case withChrome:
		a.Text += "\n\nShare this article\n\nRelated: more news"
		a.HTML += "<p>Share this article</p><p>Related: more news</p>"
	case doubled:
		a.Text += "\n\n" + a.Text
		a.HTML += a.HTML
	}
	a.Words = len(strings.Fields(a.Text))
	return a
}

// oldLibrary stores n articles of each kind, each tagged, noted and read,
// plus a bookmark with no original.
func oldLibrary(t testing.TB, lib *storage.Library, n int) map[oldKind][]int64 {
	t.Helper()
	ctx := context.Background()
	ids := map[oldKind][]int64{}
	for i := 0; i < n; i++ {
		for _, kind := range []oldKind{asNow, withChrome, doubled} {
			a := oldArticle(t, fmt.Sprintf("https://news.example/%d/%d", kind, i), kind)
			id, err := lib.Add(ctx, a, storage.AddOptions{Tags: []string{"old"}, Read: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := lib.AddNote(ctx, id, "note on "+a.URL); err != nil {
				t.Fatal(err)
			}
			ids[kind] = append(ids[kind], id)
		}
	}
	if _, err := lib.Add(ctx, &reader.Article{URL: "https://news.example/bookmark"}, storage.AddOptions{Bookmark: true}); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestReextractAll(t *testing.T) {
	ctx := context.Background()
	lib := openLib(t)
	ids := oldLibrary(t, lib, 3)
	sv := New(lib, nil) // offline: no fetcher at all
	before := map[int64]*storage.Article{}
	for _, list := range ids {
		for _, id := range list {
			before[id], _ = lib.Get(ctx, id)
		}
	}
	var reports int
	rep, err := sv.ReextractAll(ctx, lib, ReextractOptions{Progress: func(ReextractReport) { reports++ }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 9 || rep.Done != 9 || rep.Changed != 3 || rep.Unchanged != 3 || len(rep.Shorter) != 3 || len(rep.Failed) != 0 || rep.Resumed {
		t.Fatalf("report %+v", rep)
	}
	if reports != 9 {
		t.Errorf("%d progress reports, want 9", reports)
	}
	for _, s := range rep.Shorter {
		if !slices.Contains(ids[doubled], s.ID) || s.Stored || s.NewWords > s.OldWords*6/10 {
			t.Errorf("shorter %+v", s)
		}
	}
	for kind, list := range ids {
		for _, id := range list {
			a, _ := lib.Get(ctx, id)
			notes, _ := lib.Notes(ctx, id)
			if !slices.Equal(a.Tags, []string{"old"}) || !a.Read || len(notes) != 1 {
				t.Errorf("article %d lost its tags, state or notes: %v %v %d", id, a.Tags, a.Read, len(notes))
			}
			switch kind {
			case asNow, doubled: // unchanged, or kept for being shorter
				if a.Text != before[id].Text {
					t.Errorf("article %d (kind %d) changed", id, kind)
				}
			case withChrome:
				if strings.Contains(a.Text, "Share this article") || a.Words >= before[id].Words {
					t.Errorf("article %d still has the old extraction", id)
				}
				if len(a.Images) != 4 || a.Images[0].ContentType == "" {
					t.Errorf("article %d images after re-extraction: %+v", id, a.Images)
				}
			}
		}
	}
	// Done: nothing to resume. With AcceptShorter the shorter texts are taken.
	rep, err = sv.ReextractAll(ctx, lib, ReextractOptions{AcceptShorter: true})
	if err != nil || rep.Resumed || rep.Changed != 3 || len(rep.Shorter) != 3 || !rep.Shorter[0].Stored {
		t.Fatalf("second run %+v, %v", rep, err)
	}
	for _, id := range ids[doubled] {
		if a, _ := lib.Get(ctx, id); a.Words > before[id].Words*6/10 {
			t.Errorf("article %d: %d words, want about half of %d", id, a.Words, before[id].Words)
		}
	}
}

// A cancelled run notes how far it got; the next resumes there, keeping
// the counts and the choice made at the start.
func TestReextractAllResumes(t *testing.T) {
	lib := openLib(t)
	oldLibrary(t, lib, 4) // 12 articles with an original
	sv := New(lib, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep, err := sv.ReextractAll(ctx, lib, ReextractOptions{AcceptShorter: true, Progress: func(r ReextractReport) {
		if r.Done == 5 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || rep.Done != 5 {
		t.Fatalf("first run %+v, %v", rep, err)
	}
	var seen []int64
	rep, err = sv.ReextractAll(context.Background(), lib, ReextractOptions{Progress: func(r ReextractReport) { seen = append(seen, r.After) }})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Resumed || rep.Total != 12 || rep.Done != 12 || len(seen) != 7 || !rep.Accept {
		t.Errorf("resumed run %+v, %d articles handled", rep, len(seen))
	}
	if rep.Changed+rep.Unchanged != 12 || len(rep.Shorter) != 4 {
		t.Errorf("counts over both runs: %+v", rep)
	}
	if _, err := lib.Job(context.Background(), reextractJob); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the finished run left its state: %v", err)
	}
	// Restart ignores an interrupted run.
	ctx2, cancel2 := context.WithCancel(context.Background())
	sv.ReextractAll(ctx2, lib, ReextractOptions{Progress: func(r ReextractReport) { cancel2() }})
	rep, err = sv.ReextractAll(context.Background(), lib, ReextractOptions{Restart: true})
	if err != nil || rep.Resumed || rep.Done != 12 {
		t.Errorf("restarted run %+v, %v", rep, err)
	}
}

// BenchmarkReextractAll re-extracts a library of 1,000 copies of the seed
// page stored with a stale extraction (b.N runs; before each, untimed, the
// stale text is put back), and reports ms per article.
func BenchmarkReextractAll(b *testing.B) {
	ctx := context.Background()
	lib := openLib(b)
	const n = 1000
	stale := make([]*reader.Article, n)
	ids := make([]int64, n)
	for i := range stale {
		stale[i] = oldArticle(b, fmt.Sprintf("https://news.example/%d", i), withChrome)
		id, err := lib.Add(ctx, stale[i], storage.AddOptions{})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = id
	}
	sv := New(lib, nil)
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		for i, id := range ids {
			if err := lib.Replace(ctx, id, stale[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		rep, err := sv.ReextractAll(ctx, lib, ReextractOptions{Restart: true})
		total += time.Since(start)
		if err != nil || rep.Changed != n {
			b.Fatalf("%+v, %v", rep, err)
		}
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N)/n, "ms/article")
}
