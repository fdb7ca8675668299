package reader

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// caseSpec is expected.json of a case stored as source.html: the page's
// address, whether it must be refused, and what the text must not hold.
// expected.txt lists text the article must hold, one passage a line.
type caseSpec struct {
	URL            string   `json:"url"`
	Title          string   `json:"title"`
	Refused        bool     `json:"refused"`
	MustNotContain []string `json:"mustNotContain"`
	// Once lists passages the text must hold exactly once (a caption the
	// page prints again in its gallery).
	Once []string `json:"once"`
}

// TestExtractCases extracts every testdata/pages/<case>/source.html and
// checks both sides: the article's passages are kept and the page's
// clutter is gone (or, for a page with no article, that it is refused and
// still saved when forced).
func TestExtractCases(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(pagesDir, "*", "source.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 1 {
		t.Fatalf("found %d cases, want the 10 or more in testdata/pages", len(dirs))
	}
	for _, src := range dirs {
		dir := filepath.Dir(src)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			page, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			var spec caseSpec
			if err := json.Unmarshal(raw, &spec); err != nil {
				t.Fatalf("expected.json: %v", err)
			}
			var want []string
			if txt, err := os.ReadFile(filepath.Join(dir, "expected.txt")); err == nil {
				for _, line := range strings.Split(string(txt), "\n") {
					if line = normalizeSpace(line); line != "" {
						want = append(want, line)
					}
				}
			}
			a, err := Extract(page, spec.URL, Options{})
			if spec.Refused {
				if !errors.Is(err, ErrNotArticle) {
					t.Fatalf("err = %v, want ErrNotArticle (text %q)", err, textOrNil(a))
				}
				if a, err = Extract(page, spec.URL, Options{Force: true}); err != nil {
					t.Fatalf("forced: %v", err)
				}
			} else if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			text := normalizeSpace(a.Text)
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			for _, w := range spec.Once {
				if n := strings.Count(text, normalizeSpace(w)); n != 1 {
					t.Errorf("text holds %q %d times, want once", w, n)
				}
			}
			for _, bad := range spec.MustNotContain {
				if strings.Contains(a.Text, bad) || strings.Contains(a.HTML, bad) {
					t.Errorf("article still holds %q", bad)
				}
			}
			if spec.Title != "" && a.Title != spec.Title {
				t.Errorf("title = %q, want %q", a.Title, spec.Title)
			}
			if t.Failed() {
				t.Logf("text:\n%s", a.Text)
			}
		})
	}
}

func textOrNil(a *Article) string {
	if a == nil {
		return ""
	}
	return a.Text
}
