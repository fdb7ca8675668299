package storage

import (
	"context"
	"strings"
	"testing"
)

// HTML stored before sanitizing existed (or written by another program)
// reaches no reader with active content in it, and a password in a link
// is never stored.
func TestGetSanitizesAndDropsCredentials(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	a := simpleArticle("https://alice:secret@example.com/post", "Post", "Some text of the post.")
	a.Canonical = "https://alice:secret@example.com/post"
	a.HTML = `<p onclick="alert(1)">Some text <a href="javascript:alert(2)">of</a> the post.</p><script>alert(3)</script>`
	id := mustAdd(t, lib, a, AddOptions{})
	got, err := lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"alert", "onclick", "javascript", "script"} {
		if strings.Contains(got.HTML, bad) {
			t.Errorf("Get gives HTML with %q: %s", bad, got.HTML)
		}
	}
	if !strings.Contains(got.HTML, "Some text") {
		t.Errorf("text lost: %s", got.HTML)
	}
	var url, canonical string
	if err := lib.db.QueryRowContext(ctx, `SELECT url, canonical FROM articles WHERE id = ?`, id).Scan(&url, &canonical); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{url, canonical, got.URL} {
		if strings.Contains(s, "secret") || strings.Contains(s, "alice") {
			t.Errorf("credentials stored: %q", s)
		}
	}
	if got.URL != "https://example.com/post" {
		t.Errorf("url = %q", got.URL)
	}
	if id2, err := lib.Lookup(ctx, "https://alice:secret@example.com/post"); err != nil || id2 != id {
		t.Errorf("Lookup with credentials = %d, %v; want %d", id2, err, id)
	}
}
