package storage

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
)

// sameRecord compares two records field by field, ids aside.
func sameRecord(t *testing.T, got, want *Record) {
	t.Helper()
	g, w := *got, *want
	g.ID, w.ID = 0, 0
	g.Notes, w.Notes = append([]Note(nil), g.Notes...), append([]Note(nil), w.Notes...)
	for i := range g.Notes {
		g.Notes[i].ID, g.Notes[i].ArticleID = 0, 0
	}
	for i := range w.Notes {
		w.Notes[i].ID, w.Notes[i].ArticleID = 0, 0
	}
	if !g.Published.Equal(w.Published) {
		t.Errorf("published %v, want %v", g.Published, w.Published)
	}
	_, go1 := g.Published.Zone()
	_, wo := w.Published.Zone()
	if go1 != wo {
		t.Errorf("published offset %d, want %d", go1, wo)
	}
	g.Published, w.Published = time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		gv, wv := reflect.ValueOf(g.Article.Article), reflect.ValueOf(w.Article.Article)
		for i := range gv.NumField() {
			if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
				t.Errorf("%s differs", gv.Type().Field(i).Name)
			}
		}
		t.Errorf("record differs:\n got %+v\nwant %+v", summary(g), summary(w))
	}
}

func summary(r Record) any {
	r.HTML, r.Text, r.Page, r.Images = "", "", nil, nil
	return r
}

func TestRecordRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := MustOpen(t)
	a := seedArticle(t, "https://news.example")
	a.Images = append(a.Images, reader.Image{URL: "https://news.example/gone.png", Err: "404 Not Found"})
	id, err := src.Add(ctx, a, AddOptions{Tags: []string{"Dân vận", "khí tượng"}, Favorite: true, Read: true,
		Aliases: []string{"https://short.example/x"}, Saved: time.Date(2021, 5, 6, 7, 8, 9, 123456789, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Ghi chú đầu tiên", "Second note\nwith two lines"} {
		if _, err := src.AddNote(ctx, id, n); err != nil {
			t.Fatal(err)
		}
	}
	bm, err := src.Add(ctx, &reader.Article{URL: "https://gone.example/page", Title: "Gone"},
		AddOptions{Bookmark: true, FetchError: "the server answered 410 Gone", Archived: true})
	if err != nil {
		t.Fatal(err)
	}

	dst := MustOpen(t)
	dst.now = steppingClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) // the copy must not take the import's times
	for _, from := range []int64{id, bm} {
		want, err := src.Record(ctx, from)
		if err != nil {
			t.Fatal(err)
		}
		newID, err := dst.AddRecord(ctx, want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := dst.Record(ctx, newID)
		if err != nil {
			t.Fatal(err)
		}
		sameRecord(t, got, want)
		if _, err := dst.AddRecord(ctx, want); !errors.Is(err, ErrDuplicate) {
			t.Errorf("AddRecord again = %v, want ErrDuplicate", err)
		}
	}
	rec, _ := src.Record(ctx, id)
	if len(rec.Images) != 5 || rec.Images[4].Data != nil || rec.Images[4].Err == "" || len(rec.Images[0].Data) == 0 {
		t.Errorf("record images: %d, last %+v; want 4 stored and the failed one with its reason", len(rec.Images), rec.Images[4])
	}
	if len(rec.Page) == 0 || len(rec.Aliases) != 3 {
		t.Errorf("record: page %d bytes, aliases %q; want the page and url, canonical and alias", len(rec.Page), rec.Aliases)
	}
	// The copy is found by search, notes included, and its tags count.
	hits, err := dst.Search(ctx, "ghi chu", Filter{})
	if err != nil || len(hits) != 1 {
		t.Errorf("search the copy for its note: %v, %v", hits, err)
	}
	if r, err := dst.Check(ctx); err != nil || !r.OK() {
		t.Errorf("Check of the copy = %+v, %v", r, err)
	}

	// AddNotes adds only what is missing, with its times.
	n, err := dst.AddNotes(ctx, 1, append(rec.Notes, Note{Text: "  Ghi chú đầu tiên "}, Note{Text: "new", Created: time.Date(2022, 2, 2, 2, 2, 2, 0, time.UTC)}))
	if err != nil || n != 1 {
		t.Fatalf("AddNotes = %d, %v; want 1 added", n, err)
	}
	notes, _ := dst.Notes(ctx, 1)
	if len(notes) != 3 || notes[0].Text != "new" || !notes[0].Created.Equal(time.Date(2022, 2, 2, 2, 2, 2, 0, time.UTC)) {
		t.Errorf("notes after AddNotes: %+v", notes)
	}
}
