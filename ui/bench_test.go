package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

const benchArticles = 100_000

// benchLibrary returns a 100,000-article library. The storage package's
// benchmark library is used when a run of it left one in os.TempDir (it is
// opened, never written); otherwise one is built here with Library.Add and
// cached for later runs.
func benchLibrary(b *testing.B) string {
	b.Helper()
	pattern := filepath.Join(os.TempDir(), fmt.Sprintf("folio-bench-s%d-d*-n%d.db", storage.SchemaVersion(), benchArticles))
	if found, _ := filepath.Glob(pattern); len(found) > 0 {
		return found[len(found)-1]
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("folio-ui-bench-s%d-n%d.db", storage.SchemaVersion(), benchArticles))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	start := time.Now()
	tmp := path + ".building"
	for _, f := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		os.Remove(f)
	}
	ctx := context.Background()
	lib, err := storage.Open(ctx, tmp)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	vocab := strings.Fields("công tác dân vận Đảng nhân dân phát triển kinh tế xã hội Việt Nam chính sách the of and market energy climate school health city river library museum")
	sites := []string{"Tuổi Trẻ", "VnExpress", "Kênh thông tin giới trẻ", "The Guardian", "BBC News"}
	tags := []string{"Việt Nam", "chính trị", "kinh tế", "tech", "later"}
	words := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = vocab[rng.IntN(len(vocab))]
		}
		return strings.Join(w, " ")
	}
	base := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchArticles {
		text := words(300 + rng.IntN(500))
		a := &reader.Article{
			URL:   fmt.Sprintf("https://news%d.example/%d.html", i%50, i),
			Title: words(8), SiteName: sites[i%len(sites)], Excerpt: text[:120],
			HTML: "<p>" + text + "</p>", Text: text, Words: 500, ReadingTime: 3 * time.Minute,
			Published: base.Add(time.Duration(i) * time.Hour),
		}
		opts := storage.AddOptions{Saved: base.Add(time.Duration(i) * time.Hour), Read: i%3 == 0}
		if i%4 == 0 {
			opts.Tags = []string{tags[i%len(tags)]}
		}
		if _, err := lib.Add(ctx, a, opts); err != nil {
			b.Fatal(err)
		}
	}
	if err := lib.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s in %v", path, time.Since(start).Round(time.Second))
	return path
}

// BenchmarkOpenWindow100k measures building the window on a 100,000-article
// library until the first page of the list and the sidebar counts are shown.
func BenchmarkOpenWindow100k(b *testing.B) {
	path := benchLibrary(b)
	lib, err := storage.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	b.ResetTimer()
	for b.Loop() {
		h := openHarness(b, lib) // returns once the list and sidebar are loaded
		if len(h.u.list.rows) != pageSize || h.u.sidebar.entries[0].count != benchArticles {
			b.Fatalf("loaded %d rows, count %d", len(h.u.list.rows), h.u.sidebar.entries[0].count)
		}
	}
}

// BenchmarkScrollList100k measures what scrolling costs: fetching the next
// page of rows through the cursor, and binding rows to the list's widgets.
func BenchmarkScrollList100k(b *testing.B) {
	path := benchLibrary(b)
	lib, err := storage.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	h := openHarness(b, lib)
	b.Run("next-page", func(b *testing.B) {
		for b.Loop() {
			n := len(h.u.list.rows)
			h.u.list.loadMore()
			h.eventually("the next page", func() bool { return len(h.u.list.rows) == n+pageSize })
		}
		b.ReportMetric(float64(len(h.u.list.rows)), "rows-loaded")
	})
	b.Run("bind-row", func(b *testing.B) {
		row := newArticleRow(h.u.list)
		i := 0
		for b.Loop() {
			i = (i + 1) % len(h.u.list.rows)
			row.bind(i, &h.u.list.rows[i], false)
		}
	})
}

// longArticle is a 40-minute read: words of prose in paragraphs of 60–90
// words with a heading every ten paragraphs.
func longArticle(words int) string {
	var b strings.Builder
	for n, i := 0, 0; n < words; i++ {
		if i%10 == 0 {
			b.WriteString("<h2>Part " + fmt.Sprint(i/10+1) + "</h2>")
		}
		k := 60 + i%30
		b.WriteString("<p>" + prose(k) + " <a href=\"https://example.org/x\">a link</a> and <em>some emphasis</em>.</p>")
		n += k + 5
	}
	return b.String()
}

// BenchmarkOpenArticle10k measures opening a 10,000-word article: reading
// its HTML into blocks (on the reader's goroutine) and laying out and
// drawing the first screen (on the UI goroutine).
func BenchmarkOpenArticle10k(b *testing.B) {
	html := longArticle(10_000)
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			parseDocument(html, nil, nil)
		}
	})
	b.Run("first-screen", func(b *testing.B) {
		p, _ := pageAt(b, "", fyne.NewSize(1000, 800), 1, true)
		docs := make([]*document, 0, 64)
		for b.Loop() {
			b.StopTimer()
			if len(docs) == 0 {
				for range 64 {
					docs = append(docs, parseDocument(html, nil, nil))
				}
			}
			d := docs[len(docs)-1]
			docs = docs[:len(docs)-1]
			p.meas = newMeasurer() // a new article: nothing measured yet
			b.StartTimer()
			p.setDocument(nil, d)
		}
		b.ReportMetric(float64(len(p.objs)), "objects")
	})
}

// BenchmarkRelayout10k measures laying a 10,000-word article out again at
// a new width, as a window resize does, scrolled to its middle.
func BenchmarkRelayout10k(b *testing.B) {
	p, w := pageAt(b, longArticle(10_000), fyne.NewSize(1000, 800), 1, true)
	p.scrollToOffset(p.doc.size / 2)
	widths := []float32{1000, 760}
	i := 0
	for b.Loop() {
		i++
		w.Resize(fyne.NewSize(widths[i%2], 800))
	}
}

// BenchmarkHugeParagraph measures an article of one 10 MB paragraph, from
// its HTML to the first screen, and the memory that takes.
func BenchmarkHugeParagraph(b *testing.B) {
	html := "<p>" + prose(1_700_000) + "</p>"
	var peak uint64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		p, _ := pageAt(b, html, fyne.NewSize(1000, 800), 1, true)
		runtime.ReadMemStats(&after)
		peak = max(peak, after.HeapInuse-min(after.HeapInuse, before.HeapInuse))
		_ = p
	}
	b.ReportMetric(float64(len(html))/1e6, "MB-text")
	b.ReportMetric(float64(peak)/1e6, "MB-heap-kept")
}
