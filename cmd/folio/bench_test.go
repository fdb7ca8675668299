package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/save"
	"github.com/folio-app/folio/storage"
)

// BenchmarkSaveSeed saves the reference page with its four images from a
// local server into a library, as 'folio add' does: fetch, extract, images,
// one transaction. Each saved copy is deleted, untimed, so that the next one
// is not a duplicate. Target: p50 ≤ 50 ms.
func BenchmarkSaveSeed(b *testing.B) {
	srv := httptest.NewServer(http.StripPrefix("/", http.FileServer(http.Dir(seedDir))))
	defer srv.Close()
	ctx := context.Background()
	lib, err := storage.Open(ctx, filepath.Join(b.TempDir(), "lib.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	sv := save.New(lib, reader.New(srv.Client()))
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res := addOne(ctx, sv, srv.URL+"/index.html", "", nil, false)
		times = append(times, time.Since(start))
		if res.err != nil || res.existed {
			b.Fatalf("save %d: %+v", i, res)
		}
		b.StopTimer()
		if err := lib.Delete(ctx, res.id); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
}
