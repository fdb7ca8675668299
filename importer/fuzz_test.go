package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/folio-app/folio/reader"
)

// FuzzParseReader feeds every fixture, plain and zipped, and mutations of
// them to the format detection and all parsers. Whatever the input, Parse
// must not panic, and what it returns must hold: a format with no error,
// only http(s) links, items with a line, rows with a reason.
func FuzzParseReader(f *testing.F) {
	// Every fixture file, so that each new format is fuzzed from its own
	// shape.
	seeds := []string{"pocket/part_000000.csv", "pocket/part_000001.csv", "omnivore/metadata_0_to_49.json",
		"omnivore/highlights/omnivore-bai-viet.md"}
	entries, err := os.ReadDir(fixtures)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			seeds = append(seeds, e.Name())
		}
	}
	if len(seeds) < 29 {
		f.Fatalf("only %d fixtures to seed from", len(seeds))
	}
	for _, name := range seeds {
		f.Add(name, mustRead(f, filepath.Join(fixtures, name)))
	}
	f.Add("pocket.zip", zipFixture(f, "pocket"))
	f.Add("omnivore.zip", zipFixture(f, "omnivore"))

	f.Fuzz(func(t *testing.T, name string, data []byte) {
		format, items, rows, err := ParseReader(name, strings.NewReader(string(data)))
		if err != nil {
			if format != "" || items != nil {
				t.Fatalf("error %v with format %q and %d items", err, format, len(items))
			}
			return
		}
		if format == "" {
			t.Fatal("no format and no error")
		}
		for _, it := range items {
			if _, err := reader.ParseLink(it.URL); err != nil {
				t.Fatalf("item with a bad link %q: %v", it.URL, err)
			}
			if it.Line <= 0 {
				t.Fatalf("item %q without a line", it.URL)
			}
			for _, tag := range it.Tags {
				if strings.TrimSpace(tag) == "" {
					t.Fatalf("empty tag in %q", it.Tags)
				}
			}
		}
		for _, r := range rows {
			if r.Err == nil || r.File == "" || r.Line < 0 {
				t.Fatalf("row error without a reason or place: %#v", r)
			}
		}
	})
}

// zipFixture zips a fixture folder as an export would come.
func zipFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(fixtures, name))); err != nil {
		tb.Fatal(err)
	}
	return mustRead(tb, zipDir(tb, dir))
}
