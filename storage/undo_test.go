package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// dump writes every row of the library's ordinary tables, for comparing
// the whole library before and after. The sync bookkeeping (sync_*) is left
// out: it records a delete and its undo as changes to send.
func dump(tb testing.TB, lib *Library) string {
	tb.Helper()
	rows, err := lib.db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table'
		AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'search_%' AND name NOT LIKE 'sqlite_%'
		AND name NOT LIKE 'sync_%' ORDER BY name`)
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, t := range tables {
		rs, err := lib.db.Query(`SELECT * FROM "` + t + `" ORDER BY 1, 2`)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", t, vals)
		}
		rs.Close()
	}
	return b.String()
}

// TestRemoveRestore deletes articles with images, tags (one shared, one
// only theirs) and notes, then restores them: the library is row for row
// as it was, and search finds them again.
func TestRemoveRestore(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	seed := mustAdd(t, lib, seedArticle(t, "https://news.example"), AddOptions{Tags: []string{"Việt Nam", "only-seed"}, Favorite: true})
	other := mustAdd(t, lib, simpleArticle("https://b.example/x", "Other", "river library"), AddOptions{Tags: []string{"việt nam"}})
	if _, err := lib.AddNote(ctx, seed, "ghi chú một"); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddNote(ctx, other, "second"); err != nil {
		t.Fatal(err)
	}
	third := mustAdd(t, lib, simpleArticle("https://c.example/y", "Third", "museum energy"), AddOptions{})
	before := dump(t, lib)
	hits := func(q string) int {
		res, err := lib.Search(ctx, q, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(res)
	}
	wantHits := hits("du bao")

	removed, err := lib.Remove(ctx, seed, third, 999)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed.IDs) != 2 {
		t.Fatalf("removed %v, want the two articles that exist", removed.IDs)
	}
	if _, err := lib.Get(ctx, seed); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Remove: %v", err)
	}
	if n := count(t, lib, "blobs"); n != 0 {
		t.Errorf("%d images left after removing the only article with images", n)
	}
	if hits("du bao") != 0 {
		t.Error("search still finds the removed article")
	}

	if err := lib.Restore(ctx, removed); err != nil {
		t.Fatal(err)
	}
	if after := dump(t, lib); after != before {
		t.Errorf("library after Restore differs:\n%s", firstDiff(before, after))
	}
	if got := hits("du bao"); got != wantHits || got == 0 {
		t.Errorf("search finds %d after Restore, want %d", got, wantHits)
	}
	tags, err := lib.Tags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(tags) != "[{only-seed 1} {Việt Nam 2}]" {
		t.Errorf("tags after Restore = %v", tags)
	}
}

// TestRestoreRefusesASavedAgainArticle: a link saved again after the delete
// cannot come back twice; nothing changes.
func TestRestoreRefusesASavedAgainArticle(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	a := simpleArticle("https://b.example/x", "Other", "river library")
	id := mustAdd(t, lib, a, AddOptions{Tags: []string{"t"}})
	removed, err := lib.Remove(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, lib, a, AddOptions{})
	before := dump(t, lib)
	if err := lib.Restore(ctx, removed); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("Restore = %v, want ErrDuplicate", err)
	}
	if after := dump(t, lib); after != before {
		t.Errorf("a failed Restore changed the library:\n%s", firstDiff(before, after))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n- %.200s\n+ %.200s", i, x, y)
		}
	}
	return ""
}
