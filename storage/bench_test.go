package storage

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
)

// benchArticles is the size of the benchmark library.
const benchArticles = 100_000

// benchDataVersion changes whenever the generated content does, so a cached
// library built by older code is not reused.
const benchDataVersion = 1

// benchVocab mixes Vietnamese and English words. Words are drawn with a
// Zipf distribution: the first ones appear in nearly every article (a
// "common term" query), the last ones rarely.
var benchVocab = strings.Fields(`và của là có được trong cho người những các một này với không đã
	the of and to in is that for it on nam việt dân vận đảng công tác phương thức hội nghị
	năng lực dự báo chiến lược nhân dân chính trị kinh tế xã hội phát triển thành phố
	government policy market energy climate school health city river mountain
	đồng chí trung ương tỉnh huyện xã ban bí thư thủ tướng quốc hội đại biểu cử tri
	technology software database language music football festival museum library
	phương pháp phương hướng địa phương nông nghiệp công nghiệp du lịch giáo dục y tế
	giao thông môi trường khí hậu biển đảo văn hóa lịch sử khoa học nghiên cứu
	durian coffee rice pho noodle bridge railway airport harbour village island`)

// benchLibrary returns the path of a 100,000-article library, building it
// once and keeping it in os.TempDir for later runs.
func benchLibrary(b *testing.B) string {
	b.Helper()
	name := func(schema int) string {
		return filepath.Join(os.TempDir(), fmt.Sprintf("folio-bench-s%d-d%d-n%d.db", schema, benchDataVersion, benchArticles))
	}
	path := name(SchemaVersion())
	if _, err := os.Stat(path); err == nil {
		return path
	}
	start := time.Now()
	tmp := path + ".building"
	os.Remove(tmp)
	os.Remove(tmp + "-wal")
	os.Remove(tmp + "-shm")
	ctx := context.Background()
	// A library of an older schema holds the same articles: migrating a
	// copy takes seconds where building anew takes minutes.
	for v := SchemaVersion() - 1; v >= 1; v-- {
		if err := copyFile(name(v), tmp); err != nil {
			continue
		}
		lib, err := Open(ctx, tmp)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := lib.db.Exec("ANALYZE"); err != nil {
			b.Fatal(err)
		}
		if err := lib.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("migrated %s to schema %d in %v", name(v), SchemaVersion(), time.Since(start).Round(time.Millisecond))
		return path
	}
	lib, err := Open(ctx, tmp)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(benchVocab)-1))
	sites := []string{"Tuổi Trẻ", "VnExpress", "Kênh thông tin giới trẻ", "The Guardian", "BBC News", "Nhân Dân", "Ars Technica"}
	tags := []string{"Việt Nam", "chính trị", "kinh tế", "tech", "reading", "later", "science", "du lịch"}
	base := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 2000
	for done := 0; done < benchArticles; done += batch {
		err := lib.withTx(ctx, func(tx *sql.Tx) error {
			w := newTxWriter(tx)
			for i := done; i < done+batch && i < benchArticles; i++ {
				a, opts := benchArticle(rng, zipf, i, sites, tags, base)
				keys, err := urlKeys(a)
				if err != nil {
					return err
				}
				if _, err := lib.insert(ctx, w, a, keys, opts.Tags, opts, opts.Saved, opts.Saved); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := lib.db.Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	// As after a real bulk import.
	if err := lib.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	if err := lib.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d-article library %s in %v", benchArticles, path, time.Since(start).Round(time.Second))
	return path
}

// copyFile copies the closed database file src to dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func benchArticle(rng *rand.Rand, zipf *rand.Zipf, i int, sites, tags []string, base time.Time) (*reader.Article, AddOptions) {
	words := func(n int) string {
		var sb strings.Builder
		for j := range n {
			if j > 0 {
				if j%60 == 0 {
					sb.WriteString(".\n\n")
				} else {
					sb.WriteByte(' ')
				}
			}
			sb.WriteString(benchVocab[zipf.Uint64()])
		}
		return sb.String()
	}
	n := 300 + rng.IntN(501)
	text := words(n)
	if i%1000 == 7 {
		text += " sầu riêng Cái Mơn" // a rare term: 100 articles
	}
	a := &reader.Article{
		URL:         fmt.Sprintf("https://news%d.example/%d/bai-viet-%d.html", i%50, i/1000, i),
		Title:       words(6 + rng.IntN(8)),
		Byline:      fmt.Sprintf("Tác giả %d", i%300),
		SiteName:    sites[i%len(sites)],
		Lang:        "vi",
		Excerpt:     words(25),
		Text:        text,
		HTML:        "<p>" + strings.ReplaceAll(text, "\n\n", "</p><p>") + "</p>",
		Words:       n,
		ReadingTime: time.Duration(n) * time.Minute / 200,
	}
	if i%5 != 0 {
		a.Published = base.Add(time.Duration(rng.IntN(9*365*24)) * time.Hour)
	}
	opts := AddOptions{
		Saved:    base.Add(time.Duration(i) * 37 * time.Minute),
		Read:     rng.IntN(10) < 6,
		Favorite: rng.IntN(20) == 0,
		Archived: rng.IntN(10) < 3,
	}
	for _, t := range tags {
		if rng.IntN(8) == 0 {
			opts.Tags = append(opts.Tags, t)
		}
	}
	return a, opts
}

func openBench(b *testing.B) *Library {
	b.Helper()
	lib, err := Open(context.Background(), benchLibrary(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { lib.Close() })
	return lib
}

// reportLatency reports p50 and p95 of ds in milliseconds.
func reportLatency(b *testing.B, ds []time.Duration) {
	b.Helper()
	slices.Sort(ds)
	pct := func(p float64) float64 {
		return float64(ds[int(p*float64(len(ds)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}

func BenchmarkSearch(b *testing.B) {
	lib := openBench(b)
	ctx := context.Background()
	queries := []struct {
		name, q string
		f       Filter
	}{
		{"common", "và", Filter{}},
		{"common-two", "nam việt", Filter{}},
		{"common-unread", "người", Filter{State: StateUnread}},
		{"common-tag", "dân", Filter{Tag: "kinh tế"}},
		{"phrase", `"dân vận"`, Filter{}},
		{"prefix", "phuong*", Filter{}},
		{"folded", "dang cong tac", Filter{}},
		{"rare", "sầu riêng", Filter{}},
		{"rare-site", "Cái Mơn", Filter{Site: "VnExpress"}},
		{"none", "zzzz", Filter{}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			ds := make([]time.Duration, 0, b.N)
			var n int
			for b.Loop() {
				t := time.Now()
				res, err := lib.Search(ctx, q.q, q.f)
				ds = append(ds, time.Since(t))
				if err != nil {
					b.Fatal(err)
				}
				n = len(res)
				if n > 0 && res[0].Snippet == "" {
					b.Fatal("no snippet")
				}
			}
			reportLatency(b, ds)
			b.ReportMetric(float64(n), "results")
		})
	}
}

func BenchmarkList(b *testing.B) {
	lib := openBench(b)
	ctx := context.Background()
	filters := []struct {
		name string
		f    Filter
	}{
		{"all-saved", Filter{}},
		{"all-published", Filter{Sort: SortPublished}},
		{"all-title", Filter{Sort: SortTitle}},
		{"unread-saved", Filter{State: StateUnread}},
		{"favorite-title", Filter{State: StateFavorite, Sort: SortTitle}},
		{"archived-published", Filter{State: StateArchived, Sort: SortPublished}},
		{"site-saved", Filter{Site: "BBC News"}},
		{"tag-saved", Filter{Tag: "du lịch"}},
		{"tag-unread-title", Filter{Tag: "tech", State: StateUnread, Sort: SortTitle}},
	}
	for _, fl := range filters {
		// A cursor about 2,000 rows deep (or at the last page).
		deep := fl.f
		deep.Limit = 1000
		for range 2 {
			_, next, err := lib.List(ctx, deep)
			if err != nil {
				b.Fatal(err)
			}
			if next == "" {
				break
			}
			deep.After = next
		}
		deep.Limit = 50
		for _, pg := range []struct {
			name string
			f    Filter
		}{{"first", fl.f}, {"deep", deep}} {
			b.Run(fl.name+"/"+pg.name, func(b *testing.B) {
				ds := make([]time.Duration, 0, b.N)
				for b.Loop() {
					t := time.Now()
					items, _, err := lib.List(ctx, pg.f)
					ds = append(ds, time.Since(t))
					if err != nil {
						b.Fatal(err)
					}
					if len(items) == 0 {
						b.Fatal("empty page")
					}
				}
				reportLatency(b, ds)
			})
		}
	}
	b.Run("count-unread", func(b *testing.B) {
		for b.Loop() {
			if _, err := lib.Count(ctx, Filter{State: StateUnread}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tags", func(b *testing.B) {
		for b.Loop() {
			if _, err := lib.Tags(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkAdd(b *testing.B) {
	lib := MustOpen(b)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		a := seedArticle(b, fmt.Sprintf("https://news%d.example", i))
		i++
		if _, err := lib.Add(ctx, a, AddOptions{Tags: []string{"Việt Nam"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTags lists the sidebar's tags with their counts, as the window
// does after every change.
func BenchmarkTags(b *testing.B) {
	lib := openBench(b)
	ctx := context.Background()
	ds := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t := time.Now()
		tags, err := lib.Tags(ctx)
		ds = append(ds, time.Since(t))
		if err != nil {
			b.Fatal(err)
		}
		if len(tags) != 8 {
			b.Fatalf("%d tags, want 8", len(tags))
		}
	}
	reportLatency(b, ds)
}
