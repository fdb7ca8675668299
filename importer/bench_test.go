package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// BenchmarkImportPocketBookmarks imports a 10,000-row Pocket CSV without
// fetching (goal: under 10 s), from parsing to the last row stored, into a
// new library each time.
func BenchmarkImportPocketBookmarks(b *testing.B) {
	const rows = 10_000
	var csv strings.Builder
	csv.WriteString("title,url,time_added,tags,status\n")
	for i := range rows {
		status := "unread"
		if i%3 == 0 {
			status = "archive"
		}
		fmt.Fprintf(&csv, "\"Bài viết số %d, tiêu đề\",https://news%d.example/%d/bai-%d.html,%d,tag%d|chủ đề %d,%s\n",
			i, i%40, i/100, i, 1500000000+i*600, i%20, i%7, status)
	}
	path := filepath.Join(b.TempDir(), "part_000000.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		lib, err := storage.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("lib%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := Import(ctx, lib, nil, path, Options{NoFetch: true, Tag: "pocket"})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if sum.Bookmarks != rows {
			b.Fatalf("summary %+v", sum)
		}
		lib.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkImportFetch200 imports 200 links, each fetched and extracted
// from a local server with the default 4 workers.
func BenchmarkImportFetch200(b *testing.B) {
	const links = 200
	srv := newSite(b)
	items := make([]Item, links)
	for i := range items {
		items[i] = Item{URL: fmt.Sprintf("%s/pages/en.html?n=%d", srv.URL, i), Tags: []string{"bench"}}
	}
	ctx := context.Background()
	r := reader.New(srv.Client())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		lib, err := storage.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("lib%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := Run(ctx, lib, r, items, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if sum.Imported != links {
			b.Fatalf("summary %+v", sum)
		}
		lib.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(links)*float64(b.N)/b.Elapsed().Seconds(), "links/s")
}
