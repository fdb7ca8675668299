package storage

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func tagCounts(t *testing.T, lib *Library) map[string]int {
	t.Helper()
	tcs, err := lib.Tags(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int{}
	for _, tc := range tcs {
		m[tc.Name] = tc.Count
	}
	return m
}

func TestTagsUnicodeCaseInsensitive(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	a := mustAdd(t, lib, simpleArticle("https://example.com/1", "One", "x"), AddOptions{Tags: []string{"  Việt Nam "}})
	b := mustAdd(t, lib, simpleArticle("https://example.com/2", "Two", "y"), AddOptions{Tags: []string{"VIỆT NAM"}})
	// Decomposed spelling (NFD) of the same name is the same tag too.
	c := mustAdd(t, lib, simpleArticle("https://example.com/3", "Three", "z"), AddOptions{Tags: []string{"vie\u0323\u0302t nam", "Ăn uống"}})
	if got := tagCounts(t, lib); !reflect.DeepEqual(got, map[string]int{"Việt Nam": 3, "Ăn uống": 1}) {
		t.Errorf("Tags = %v", got)
	}
	for _, id := range []int64{a, b, c} {
		art, _ := lib.Get(ctx, id)
		if len(art.Tags) == 0 || art.Tags[len(art.Tags)-1] != "Việt Nam" {
			t.Errorf("article %d tags %v", id, art.Tags)
		}
	}
	if err := lib.AddTags(ctx, []int64{a}, " "); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty tag: %v, want ErrInvalid", err)
	}
	if n, err := lib.Count(ctx, Filter{Tag: "việt nam"}); err != nil || n != 3 {
		t.Errorf("Count tag filter = %d, %v", n, err)
	}
	if err := lib.RemoveTags(ctx, []int64{c}, "ĂN UỐNG"); err != nil {
		t.Fatal(err)
	}
	if got := tagCounts(t, lib); !reflect.DeepEqual(got, map[string]int{"Việt Nam": 3}) {
		t.Errorf("after remove: Tags = %v (unused tag should go)", got)
	}
	if err := lib.SetTags(ctx, a, []string{"b", "A", "c"}); err != nil {
		t.Fatal(err)
	}
	art, _ := lib.Get(ctx, a)
	if !reflect.DeepEqual(art.Tags, []string{"A", "b", "c"}) {
		t.Errorf("after SetTags: %v, want sorted [A b c]", art.Tags)
	}
	tcs, _ := lib.Tags(ctx)
	var names []string
	for _, tc := range tcs {
		names = append(names, tc.Name)
	}
	if !reflect.DeepEqual(names, []string{"A", "b", "c", "Việt Nam"}) {
		t.Errorf("Tags order = %v", names)
	}
}

func TestRenameTag(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     map[string]int
		search   string // finds both articles after the rename
		err      error
	}{
		{"rename", "go", "golang", map[string]int{"golang": 2, "rust": 1}, "golang", nil},
		{"case only", "go", "Go", map[string]int{"Go": 2, "rust": 1}, "go", nil},
		{"merge", "go", "RUST", map[string]int{"rust": 2}, "rust", nil},
		{"missing", "python", "snake", nil, "", ErrNotFound},
		{"empty", "go", " ", nil, "", ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib := MustOpen(t)
			ctx := context.Background()
			a := mustAdd(t, lib, simpleArticle("https://example.com/1", "One", "x"), AddOptions{Tags: []string{"go"}})
			mustAdd(t, lib, simpleArticle("https://example.com/2", "Two", "y"), AddOptions{Tags: []string{"go", "rust"}})
			_ = a
			err := lib.RenameTag(ctx, tt.old, tt.new)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("RenameTag: %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := tagCounts(t, lib); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tags = %v, want %v", got, tt.want)
			}
			res, err := lib.Search(ctx, "tags:"+tt.search, Filter{})
			if err != nil || len(res) != 2 {
				t.Errorf("Search tags:%s = %d results, %v; want 2", tt.search, len(res), err)
			}
		})
	}
}

func TestNotes(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	start := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	lib.now = steppingClock(start)
	id := mustAdd(t, lib, simpleArticle("https://example.com/n", "N", "x"), AddOptions{}) // clock: +1s
	n1, err := lib.AddNote(ctx, id, "  first thought  ")                                  // +2s
	if err != nil {
		t.Fatal(err)
	}
	if n1.Text != "first thought" || !n1.Created.Equal(start.Add(2*time.Second)) || !n1.Updated.Equal(n1.Created) {
		t.Errorf("AddNote = %+v", n1)
	}
	n2, err := lib.AddNote(ctx, id, "second") // +3s
	if err != nil {
		t.Fatal(err)
	}
	up, err := lib.UpdateNote(ctx, n1.ID, "first thought, revised") // +4s
	if err != nil {
		t.Fatal(err)
	}
	if !up.Created.Equal(n1.Created) || !up.Updated.Equal(start.Add(4*time.Second)) || up.Text != "first thought, revised" {
		t.Errorf("UpdateNote = %+v", up)
	}
	notes, err := lib.Notes(ctx, id)
	if err != nil || len(notes) != 2 || notes[0].ID != n1.ID || notes[1].ID != n2.ID {
		t.Fatalf("Notes = %+v, %v; want oldest first", notes, err)
	}
	if res, _ := lib.Search(ctx, "revised", Filter{}); len(res) != 1 {
		t.Errorf("updated note not searchable")
	}
	if err := lib.DeleteNote(ctx, n2.ID); err != nil {
		t.Fatal(err)
	}
	if res, _ := lib.Search(ctx, "second", Filter{}); len(res) != 0 {
		t.Errorf("deleted note still found")
	}
	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"empty add", func() error { _, err := lib.AddNote(ctx, id, " \n "); return err }, ErrInvalid},
		{"empty update", func() error { _, err := lib.UpdateNote(ctx, n1.ID, ""); return err }, ErrInvalid},
		{"missing article", func() error { _, err := lib.AddNote(ctx, id+9, "x"); return err }, ErrNotFound},
		{"missing note update", func() error { _, err := lib.UpdateNote(ctx, 999, "x"); return err }, ErrNotFound},
		{"missing note delete", func() error { return lib.DeleteNote(ctx, n2.ID) }, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDeleteTag(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	a := mustAdd(t, lib, simpleArticle("https://a.example/1", "One", "river"), AddOptions{Tags: []string{"Đọc sau", "keep"}})
	b := mustAdd(t, lib, simpleArticle("https://a.example/2", "Two", "city"), AddOptions{Tags: []string{"đọc sau"}})
	if err := lib.DeleteTag(ctx, "ĐỌC SAU"); err != nil {
		t.Fatal(err)
	}
	tags, err := lib.Tags(ctx)
	if err != nil || len(tags) != 1 || tags[0].Name != "keep" || tags[0].Count != 1 {
		t.Errorf("tags after delete = %v, %v", tags, err)
	}
	for _, id := range []int64{a, b} {
		if _, err := lib.Get(ctx, id); err != nil {
			t.Errorf("article %d gone with its tag: %v", id, err)
		}
	}
	if res, err := lib.Search(ctx, "doc sau", Filter{}); err != nil || len(res) != 0 {
		t.Errorf("search still finds the deleted tag: %v %v", res, err)
	}
	if err := lib.DeleteTag(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting a missing tag = %v", err)
	}
}
