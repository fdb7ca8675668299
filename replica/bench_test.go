package replica

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// fill adds n small articles (text, HTML, no page or images) with a tag
// and every tenth with a note.
func fill(b *testing.B, lib *storage.Library, n int) {
	b.Helper()
	const batch = 500
	for start := 0; start < n; start += batch {
		var items []storage.NewArticle
		for i := start; i < min(n, start+batch); i++ {
			link := fmt.Sprintf("https://bench.example/%d/article", i)
			items = append(items, storage.NewArticle{
				Article: &reader.Article{URL: link, Title: fmt.Sprintf("Article %d", i), SiteName: "Bench",
					Text: fmt.Sprintf("Body of article %d.", i), HTML: fmt.Sprintf("<p>Body of article %d.</p>", i), Words: 4},
				Options: storage.AddOptions{Tags: []string{fmt.Sprintf("tag%d", i%20)}, Read: i%3 == 0},
			})
		}
		if _, err := lib.AddMany(bg, items); err != nil {
			b.Fatal(err)
		}
	}
}

// benchFirstSync: one library holding n articles pushes them (timed
// apart), then each iteration a new library's first sync brings all their
// metadata (the content follows in a later sync).
func benchFirstSync(b *testing.B, n int) {
	db := newDB(b)
	src := openLib(b)
	must(b, Setup(bg, src, Hub{URL: db}, testCreds, nil))
	fill(b, src, n)
	start := time.Now()
	if _, err := Sync(bg, src, Options{Credentials: testCreds}); err != nil {
		b.Fatal(err)
	}
	push := time.Since(start)
	b.ResetTimer()
	var cpu time.Duration
	for range b.N {
		b.StopTimer()
		dst := openLib(b)
		must(b, Setup(bg, dst, Hub{URL: db}, testCreds, nil))
		b.StartTimer()
		c0 := cpuTime()
		res, err := Sync(bg, dst, Options{Credentials: testCreds, SkipContent: true})
		cpu += cpuTime() - c0
		if err != nil {
			b.Fatal(err)
		}
		if res.Pulled < n || res.Waiting != n {
			b.Fatalf("pulled %d documents, %d waiting for content; want %d", res.Pulled, res.Waiting, n)
		}
	}
	b.ReportMetric(push.Seconds(), "s-first-push")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the CPU time this process has used: on a machine shared with
// other work the wall time says more about the neighbours than about sync.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkFirstSync2k(b *testing.B) { benchFirstSync(b, 2_000) }

func BenchmarkFirstSync10k(b *testing.B)  { benchFirstSync(b, 10_000) }
func BenchmarkFirstSync100k(b *testing.B) { benchFirstSync(b, 100_000) }

// BenchmarkIncrementalSync: two libraries of 1,000 articles in step; each
// iteration one marks an article read and syncs, then the other syncs and
// has it.
func BenchmarkIncrementalSync(b *testing.B) {
	db := newDB(b)
	a, c := openLib(b), openLib(b)
	must(b, Setup(bg, a, Hub{URL: db}, testCreds, nil))
	must(b, Setup(bg, c, Hub{URL: db}, testCreds, nil))
	fill(b, a, 1000)
	for _, l := range []*storage.Library{a, c, a, c} {
		if _, err := Sync(bg, l, Options{Credentials: testCreds}); err != nil {
			b.Fatal(err)
		}
	}
	id, err := a.Lookup(bg, "https://bench.example/7/article")
	must(b, err)
	b.ResetTimer()
	c0 := cpuTime()
	defer func() { b.ReportMetric((cpuTime()-c0).Seconds()*1000/float64(b.N), "cpu-ms/op") }()
	for i := range b.N {
		m := storage.MarkFavorite
		if i%2 == 1 {
			m = storage.MarkUnfavorite
		}
		must(b, a.Mark(bg, []int64{id}, m))
		if res, err := Sync(bg, a, Options{Credentials: testCreds}); err != nil || res.Pushed != 1 {
			b.Fatalf("push: %+v, %v", res, err)
		}
		if res, err := Sync(bg, c, Options{Credentials: testCreds}); err != nil || res.Pulled != 1 {
			b.Fatalf("pull: %+v, %v", res, err)
		}
	}
}
