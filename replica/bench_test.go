package replica

import (
	"fmt"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// The benchmarks report, besides the wall time, the CPU seconds Folio
// (this process) and the test hub (node) spent, and what went over the
// wire: on a shared machine the wall time says as much about the
// neighbours as about sync. Run one at a time, e.g.
//
//	go test -run '^$' -bench 'FirstSync10k' -benchtime 1x ./replica

// fill adds n small articles (text, HTML, no page or images) with a tag
// and every tenth with a note, in batches of a thousand.
func fill(tb testing.TB, lib *storage.Library, n int) {
	tb.Helper()
	const batch = 1000
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
		res, err := lib.AddMany(bg, items)
		if err != nil {
			tb.Fatal(err)
		}
		for i, r := range res {
			if i%10 == 0 && r.Err == nil {
				if _, err := lib.AddNote(bg, r.ID, fmt.Sprintf("A note on article %d.", start+i)); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
}

// costs measures what the code run between its start and report cost.
type costs struct {
	m          *meter
	wall       time.Duration
	cpu, hub   time.Duration
	start      time.Time
	cpu0, hub0 time.Duration
}

func startCosts() *costs {
	return &costs{m: newMeter(), start: time.Now(), cpu0: cpuTime(), hub0: hubCPU()}
}

func (c *costs) stop() {
	c.wall += time.Since(c.start)
	c.cpu += cpuTime() - c.cpu0
	c.hub += hubCPU() - c.hub0
}

func (c *costs) resume() { c.start, c.cpu0, c.hub0 = time.Now(), cpuTime(), hubCPU() }

// report adds the figures to b's, per operation, with prefix.
func (c *costs) report(b *testing.B, prefix string, ops int) {
	n, up, down, inFlight := c.m.totals()
	f := float64(ops)
	b.ReportMetric(c.cpu.Seconds()/f, prefix+"folio-cpu-s/op")
	b.ReportMetric(c.hub.Seconds()/f, prefix+"hub-cpu-s/op")
	b.ReportMetric(inFlight.Seconds()/f, prefix+"in-flight-s/op")
	b.ReportMetric(float64(n)/f, prefix+"requests/op")
	b.ReportMetric(float64(up+down)/(1<<20)/f, prefix+"MiB/op")
	if prefix != "" {
		b.ReportMetric(c.wall.Seconds()/f, prefix+"s/op")
	}
}

// BenchmarkFirstPush: a library of 10,000 articles syncs with a new hub
// for the first time (everything goes up, content included).
func BenchmarkFirstPush10k(b *testing.B) {
	const n = 10_000
	c := &costs{m: newMeter()}
	for range b.N {
		b.StopTimer()
		db := newDB(b)
		src := openLib(b)
		must(b, Setup(bg, src, Hub{URL: db}, testCreds, nil))
		fill(b, src, n)
		b.StartTimer()
		c.resume()
		res, err := Sync(bg, src, Options{Credentials: testCreds, HTTPClient: c.m.client()})
		c.stop()
		if err != nil {
			b.Fatal(err)
		}
		if res.Pushed < n {
			b.Fatalf("pushed %d documents, want %d", res.Pushed, n)
		}
	}
	c.report(b, "", b.N)
}

// benchFirstSync: one library holding n articles pushes them (measured
// apart, once), then each iteration a new library's first sync brings all
// their metadata; the content follows in a second sync, measured apart.
func benchFirstSync(b *testing.B, n int) {
	db := newDB(b)
	src := openLib(b)
	must(b, Setup(bg, src, Hub{URL: db}, testCreds, nil))
	start := time.Now()
	fill(b, src, n)
	b.Logf("filled the source library with %d articles in %v", n, time.Since(start).Round(time.Millisecond))
	push := startCosts()
	if _, err := Sync(bg, src, Options{Credentials: testCreds, HTTPClient: push.m.client()}); err != nil {
		b.Fatal(err)
	}
	push.stop()
	b.ResetTimer()
	pull, content := &costs{m: newMeter()}, &costs{m: newMeter()}
	for range b.N {
		b.StopTimer()
		dst := openLib(b)
		must(b, Setup(bg, dst, Hub{URL: db}, testCreds, nil))
		b.StartTimer()
		pull.resume()
		res, err := Sync(bg, dst, Options{Credentials: testCreds, SkipContent: true, HTTPClient: pull.m.client()})
		pull.stop()
		if err != nil {
			b.Fatal(err)
		}
		if res.Pulled < n || res.Waiting != n {
			b.Fatalf("pulled %d documents, %d waiting for content; want %d", res.Pulled, res.Waiting, n)
		}
		b.StopTimer()
		content.resume()
		res, err = Sync(bg, dst, Options{Credentials: testCreds, HTTPClient: content.m.client()})
		content.stop()
		if err != nil {
			b.Fatal(err)
		}
		if res.Fetched != n || res.Waiting != 0 {
			b.Fatalf("fetched %d articles' content, %d waiting; want %d", res.Fetched, res.Waiting, n)
		}
		b.StartTimer()
	}
	pull.report(b, "", b.N)
	push.report(b, "push-", 1)
	content.report(b, "content-", b.N)
}

func BenchmarkFirstSync2k(b *testing.B)   { benchFirstSync(b, 2_000) }
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
	cs := startCosts()
	b.ResetTimer()
	for i := range b.N {
		m := storage.MarkFavorite
		if i%2 == 1 {
			m = storage.MarkUnfavorite
		}
		must(b, a.Mark(bg, []int64{id}, m))
		if res, err := Sync(bg, a, Options{Credentials: testCreds, HTTPClient: cs.m.client()}); err != nil || res.Pushed != 1 {
			b.Fatalf("push: %+v, %v", res, err)
		}
		if res, err := Sync(bg, c, Options{Credentials: testCreds, HTTPClient: cs.m.client()}); err != nil || res.Pulled != 1 {
			b.Fatalf("pull: %+v, %v", res, err)
		}
	}
	b.StopTimer()
	cs.stop()
	cs.report(b, "", b.N)
}
