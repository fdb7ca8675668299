package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// 'refetch --offline --all' on a library stored by an older extractor:
// stale texts are replaced, one that would lose half its words is kept and
// named, tags stay.
func TestRefetchAllOffline(t *testing.T) {
	f := newFolio(t)
	ctx := context.Background()
	lib, err := storage.Open(ctx, f.library)
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(seedDir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page = bytes.ReplaceAll(page, []byte(`rel="canonical"`), []byte(`rel="x"`))
	for i, stale := range []string{"\n\nShare this article", "", "DOUBLE"} {
		link := fmt.Sprintf("https://news.example/%d", i)
		a, err := reader.ExtractPage(&reader.Page{URL: link, ContentType: "text/html", HTML: page}, reader.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if stale == "DOUBLE" {
			a.Text += "\n\n" + a.Text
		} else {
			a.Text += stale
		}
		a.Words = len(strings.Fields(a.Text))
		if _, err := lib.Add(ctx, a, storage.AddOptions{Tags: []string{"kept"}}); err != nil {
			t.Fatal(err)
		}
	}
	lib.Close()

	code, out, errs := f.run("refetch", "--offline", "--all")
	if code != exitOK {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if !strings.Contains(out, "3 of 3 articles re-extracted: 1 changed, 1 unchanged, 1 kept their text") ||
		!strings.Contains(out, "kept    3  ") || !strings.Contains(errs, "re-extracted 3 of 3") {
		t.Errorf("stdout %q\nstderr %q", out, errs)
	}
	if got := listJSON(t, f, "--tag", "kept"); len(got) != 3 {
		t.Errorf("%d articles keep their tag, want 3", len(got))
	}
	if code, _, errs := f.run("refetch", "--all"); code != exitUsage || !strings.Contains(errs, "--offline") {
		t.Errorf("--all without --offline: exit %d, %q", code, errs)
	}
}
