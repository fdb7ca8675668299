package storage

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// countedTags is the truth Tags' kept counts must agree with: article_tags
// counted afresh, tags without articles left out.
func countedTags(t *testing.T, lib *Library) map[string]int {
	t.Helper()
	rows, err := lib.db.Query(`SELECT t.name, COUNT(*) FROM tags t JOIN article_tags x ON x.tag_id = t.id GROUP BY t.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		m[name] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// Every way of tagging and untagging keeps the tag counts true.
func TestTagCountsStayTrue(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	a := mustAdd(t, lib, simpleArticle("https://t.example/a", "A", "x"), AddOptions{Tags: []string{"go", "Đọc sau"}})
	b := mustAdd(t, lib, simpleArticle("https://t.example/b", "B", "x"), AddOptions{Tags: []string{"GO"}})
	res, err := lib.AddMany(ctx, batchOf(3, "batch"))
	if err != nil {
		t.Fatal(err)
	}
	c := res[0].ID
	steps := []struct {
		name string
		do   func() error
		want map[string]int
	}{
		{"after adds", func() error { return nil },
			map[string]int{"go": 2, "Đọc sau": 1, "batch": 3, "shared": 3}},
		{"add tags, one already there", func() error { return lib.AddTags(ctx, []int64{a, b, c}, "go", "new") },
			map[string]int{"go": 3, "Đọc sau": 1, "batch": 3, "shared": 3, "new": 3}},
		{"remove tags", func() error { return lib.RemoveTags(ctx, []int64{a, b}, "NEW", "đọc sau") },
			map[string]int{"go": 3, "batch": 3, "shared": 3, "new": 1}},
		{"set tags", func() error { return lib.SetTags(ctx, c, []string{"solo"}) },
			map[string]int{"go": 2, "batch": 2, "shared": 2, "solo": 1}},
		{"rename", func() error { return lib.RenameTag(ctx, "solo", "alone") },
			map[string]int{"go": 2, "batch": 2, "shared": 2, "alone": 1}},
		{"rename merging", func() error { return lib.RenameTag(ctx, "batch", "shared") },
			map[string]int{"go": 2, "shared": 2, "alone": 1}},
		{"delete articles", func() error { return lib.Delete(ctx, a, res[1].ID) },
			map[string]int{"go": 1, "shared": 1, "alone": 1}},
		{"delete a tag's rows by cascade", func() error {
			_, err := lib.db.Exec(`DELETE FROM tags WHERE key = 'shared'`)
			return err
		}, map[string]int{"go": 1, "alone": 1}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := tagCounts(t, lib); !reflect.DeepEqual(got, s.want) {
			t.Errorf("%s: Tags = %v, want %v", s.name, got, s.want)
		}
		if truth := countedTags(t, lib); !reflect.DeepEqual(truth, s.want) {
			t.Errorf("%s: article_tags hold %v, want %v", s.name, truth, s.want)
		}
	}
}

// A library written before the counts existed gets them on opening.
func TestMigrationCountsExistingTags(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	old := &Library{db: db, path: path, now: time.Now}
	if err := old.apply(ctx, ms[0], 1); err != nil {
		t.Fatal(err)
	}
	err = old.withTx(ctx, func(tx *sql.Tx) error {
		w := newTxWriter(tx)
		for i := range 5 {
			a := simpleArticle(fmt.Sprintf("https://v1.example/%d", i), "old", "x")
			tags := []string{"all"}
			if i%2 == 0 {
				tags = append(tags, "even")
			}
			keys, err := urlKeys(a)
			if err != nil {
				return err
			}
			if _, err := old.insert(ctx, w, a, keys, tags, AddOptions{}, time.Now(), time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	lib, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	if got := tagCounts(t, lib); !reflect.DeepEqual(got, map[string]int{"all": 5, "even": 3}) {
		t.Errorf("Tags after migrating = %v", got)
	}
	mustAdd(t, lib, simpleArticle("https://v1.example/new", "new", "x"), AddOptions{Tags: []string{"even"}})
	if got := tagCounts(t, lib); !reflect.DeepEqual(got, map[string]int{"all": 5, "even": 4}) {
		t.Errorf("Tags after an add = %v", got)
	}
}
