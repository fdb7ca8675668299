package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/folio-app/folio/reader"
)

const hlText = "Rivers of the north\n\n" +
	"The river rises in the hills and runs south for two hundred miles. Fishermen live along its banks.\n\n" +
	"Người dân ở đây sống bằng nghề đánh cá và trồng lúa.\n\n" +
	"In spring the river floods the valley, and the fields turn green again."

func hlArticle(url string) *reader.Article {
	return &reader.Article{URL: url, Title: "Rivers", Text: hlText, HTML: "<p>" + hlText + "</p>", Words: 40}
}

// runesOf is the code point range of the first s in text.
func runesOf(t *testing.T, text, s string) (int, int) {
	t.Helper()
	i := strings.Index(text, s)
	if i < 0 {
		t.Fatalf("%q not in text", s)
	}
	start := utf8.RuneCountInString(text[:i])
	return start, start + utf8.RuneCountInString(s)
}

func TestHighlightLifecycle(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	id := mustAdd(t, lib, hlArticle("https://r.example/a"), AddOptions{Tags: []string{"Nature"}})

	// a quote given with different white space and no position is found
	h, err := lib.AddHighlight(ctx, id, Highlight{Exact: "banks.  Người dân", Note: "  fishing  ", Color: "Green"})
	if err != nil {
		t.Fatal(err)
	}
	if h.ID == 0 || h.Color != Green || h.Note != "fishing" || h.Exact != "banks.\n\nNgười dân" {
		t.Fatalf("added %+v", h)
	}
	ws, we := runesOf(t, hlText, "banks.\n\nNgười dân")
	if h.Start != ws || h.End != we {
		t.Fatalf("offsets %d–%d, want %d–%d", h.Start, h.End, ws, we)
	}
	if !strings.HasSuffix(h.Prefix, "live along its ") || !strings.HasPrefix(h.Suffix, " ở đây") {
		t.Fatalf("context %q / %q", h.Prefix, h.Suffix)
	}
	// the same words twice: the position given chooses
	s, e := runesOf(t, hlText, "the river floods")
	h2, err := lib.AddHighlight(ctx, id, Highlight{Exact: "river", Start: s + 4, End: s + 9})
	if err != nil {
		t.Fatal(err)
	}
	if h2.Start != s+4 || h2.End != e-7 || h2.Color != Yellow {
		t.Fatalf("second %+v, want %d", h2, s+4)
	}

	for _, bad := range []Highlight{{Exact: "  "}, {Exact: "river", Color: "purple"}} {
		if _, err := lib.AddHighlight(ctx, id, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("AddHighlight(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := lib.AddHighlight(ctx, id, Highlight{Exact: "not in this article at all"}); !errors.Is(err, ErrNotInText) {
		t.Errorf("a quote not in the text: %v", err)
	}
	if _, err := lib.AddHighlight(ctx, 999, Highlight{Exact: "river"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("no article: %v", err)
	}

	hs, err := lib.Highlights(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 2 || hs[0].ID != h.ID || hs[1].ID != h2.ID {
		t.Fatalf("Highlights = %+v", hs)
	}

	up, err := lib.SetHighlightNote(ctx, h2.ID, "floods every year")
	if err != nil || up.Note != "floods every year" || !up.Updated.After(h2.Updated) || up.Exact != "river" {
		t.Fatalf("SetHighlightNote = %+v, %v", up, err)
	}
	up, err = lib.SetHighlightColor(ctx, h2.ID, Pink)
	if err != nil || up.Color != Pink || up.Note != "floods every year" {
		t.Fatalf("SetHighlightColor = %+v, %v", up, err)
	}
	if _, err := lib.SetHighlightColor(ctx, h2.ID, "mauve"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad colour: %v", err)
	}
	if _, err := lib.SetHighlightNote(ctx, 12345, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("note on a missing highlight: %v", err)
	}
	got, err := lib.Highlight(ctx, h2.ID)
	if err != nil || got != up {
		t.Fatalf("Highlight = %+v, %v; want %+v", got, err, up)
	}

	del, err := lib.DeleteHighlight(ctx, h.ID)
	if err != nil || del.ID != h.ID || del.Note != "fishing" {
		t.Fatalf("DeleteHighlight = %+v, %v", del, err)
	}
	if _, err := lib.DeleteHighlight(ctx, h.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	if hs, _ := lib.Highlights(ctx, id); len(hs) != 1 {
		t.Fatalf("after delete: %+v", hs)
	}

	// deleting the article deletes its highlights
	if err := lib.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := count(t, lib, "highlights"); n != 0 {
		t.Fatalf("%d highlights left after deleting their article", n)
	}
}

func TestHighlightsBookmarkHasNoText(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	id := mustAdd(t, lib, &reader.Article{URL: "https://r.example/b"}, AddOptions{Bookmark: true})
	if _, err := lib.AddHighlight(ctx, id, Highlight{Exact: "anything"}); !errors.Is(err, ErrNotInText) {
		t.Fatalf("highlight on a bookmark: %v", err)
	}
}

func TestRemoveRestoreKeepsHighlights(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	id := mustAdd(t, lib, hlArticle("https://r.example/a"), AddOptions{})
	other := mustAdd(t, lib, hlArticle("https://r.example/other"), AddOptions{})
	h, err := lib.AddHighlight(ctx, id, Highlight{Exact: "Fishermen live", Note: "who"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddHighlight(ctx, other, Highlight{Exact: "fields turn green"}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, lib)
	removed, err := lib.Remove(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, lib, "highlights"); n != 1 {
		t.Fatalf("%d highlights after Remove, want the other article's one", n)
	}
	if err := lib.Restore(ctx, removed); err != nil {
		t.Fatal(err)
	}
	if after := dump(t, lib); after != before {
		t.Fatalf("library after Restore differs:\n%s", firstDiff(before, after))
	}
	back, err := lib.Highlight(ctx, h.ID)
	if err != nil || back != h {
		t.Fatalf("restored %+v, %v; want %+v", back, err, h)
	}
}

func TestReplaceReanchorsHighlights(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	id := mustAdd(t, lib, hlArticle("https://r.example/a"), AddOptions{})
	add := func(quote string) Highlight {
		t.Helper()
		s, e := runesOf(t, hlText, quote)
		h, err := lib.AddHighlight(ctx, id, Highlight{Exact: quote, Start: s, End: e, Note: "on " + quote})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	moved := add("Fishermen live along its banks.")
	edited := add("In spring the river floods the valley")
	gone := add("two hundred miles")
	vi := add("nghề đánh cá")

	text := "A new first paragraph, added when the page was fetched again.\n\n" +
		strings.Replace(strings.Replace(hlText, "In spring the river floods the valley", "In spring the river floods the whole valley", 1),
			"runs south for two hundred miles.", "runs south.", 1)
	a := hlArticle("https://r.example/a")
	a.Text, a.HTML = text, "<p>"+text+"</p>"
	if err := lib.Replace(ctx, id, a); err != nil {
		t.Fatal(err)
	}
	hs, err := lib.Highlights(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]Highlight{}
	for _, h := range hs {
		byID[h.ID] = h
	}
	if len(byID) != 4 {
		t.Fatalf("%d highlights after Replace, want all 4 kept", len(byID))
	}
	check := func(h Highlight, want string) {
		t.Helper()
		got := byID[h.ID]
		if got.Detached {
			t.Fatalf("%q detached", want)
		}
		s, e := runesOf(t, text, want)
		if got.Start != s || got.End != e || got.Exact != want || got.Note != h.Note || !got.Updated.Equal(h.Updated) {
			t.Fatalf("%q now %+v, want %d–%d", want, got, s, e)
		}
	}
	check(moved, "Fishermen live along its banks.")
	check(vi, "nghề đánh cá")
	check(edited, "In spring the river floods the whole valley")
	g := byID[gone.ID]
	if !g.Detached || g.Exact != gone.Exact || g.Note != gone.Note || g.Start != gone.Start {
		t.Fatalf("deleted passage: %+v, want it kept detached as it was", g)
	}
	// detached ones are listed last
	if hs[len(hs)-1].ID != gone.ID {
		t.Errorf("detached highlight not last: %+v", hs)
	}

	// a later text that has the passage again places it again
	if err := lib.Replace(ctx, id, hlArticle("https://r.example/a")); err != nil {
		t.Fatal(err)
	}
	g, err = lib.Highlight(ctx, gone.ID)
	if err != nil || g.Detached || g.Start != gone.Start {
		t.Fatalf("after the text came back: %+v, %v", g, err)
	}
}

func TestReplaceRollsBackHighlights(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	id := mustAdd(t, lib, hlArticle("https://r.example/a"), AddOptions{})
	if _, err := lib.AddHighlight(ctx, id, Highlight{Exact: "two hundred miles"}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, lib)
	a := hlArticle("https://r.example/a")
	a.Text = "Entirely different."
	lib.failAt = func(step string) error {
		if step == "replace" {
			return errors.New("disk full")
		}
		return nil
	}
	if err := lib.Replace(ctx, id, a); err == nil {
		t.Fatal("Replace succeeded through a failure")
	}
	if after := dump(t, lib); after != before {
		t.Fatalf("a failed Replace changed the library:\n%s", firstDiff(before, after))
	}
}

func TestAllHighlights(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	a := mustAdd(t, lib, hlArticle("https://r.example/a"), AddOptions{Tags: []string{"Nature"}})
	b := mustAdd(t, lib, hlArticle("https://r.example/b"), AddOptions{Tags: []string{"Other"}})
	var ids []int64
	for i, x := range []struct {
		art   int64
		quote string
		color Color
	}{{a, "river rises", Yellow}, {b, "Fishermen", Blue}, {a, "fields turn green", Blue}, {b, "spring", Yellow}, {a, "đánh cá", Pink}} {
		h, err := lib.AddHighlight(ctx, x.art, Highlight{Exact: x.quote, Color: x.color})
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		ids = append(ids, h.ID)
	}
	list := func(f HighlightFilter) ([]int64, string) {
		t.Helper()
		es, next, err := lib.AllHighlights(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, e := range es {
			out = append(out, e.ID)
			if e.Title != "Rivers" || e.URL == "" {
				t.Fatalf("entry without its article: %+v", e)
			}
		}
		return out, next
	}
	eq := func(got []int64, want ...int64) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	if got, _ := list(HighlightFilter{}); !eq(got, ids[4], ids[3], ids[2], ids[1], ids[0]) {
		t.Errorf("all, newest first: %v (added %v)", got, ids)
	}
	if got, _ := list(HighlightFilter{Tag: "nature"}); !eq(got, ids[4], ids[2], ids[0]) {
		t.Errorf("tag: %v", got)
	}
	if got, _ := list(HighlightFilter{Color: Blue}); !eq(got, ids[2], ids[1]) {
		t.Errorf("colour: %v", got)
	}
	if got, _ := list(HighlightFilter{Color: Blue, Tag: "Nature"}); !eq(got, ids[2]) {
		t.Errorf("colour and tag: %v", got)
	}
	if got, _ := list(HighlightFilter{Article: b}); !eq(got, ids[3], ids[1]) {
		t.Errorf("article: %v", got)
	}
	page, next := list(HighlightFilter{Limit: 2})
	page2, next2 := list(HighlightFilter{Limit: 2, After: next})
	page3, next3 := list(HighlightFilter{Limit: 2, After: next2})
	if !eq(page, ids[4], ids[3]) || !eq(page2, ids[2], ids[1]) || !eq(page3, ids[0]) || next3 != "" {
		t.Errorf("pages %v %v %v (%q)", page, page2, page3, next3)
	}
	if _, _, err := lib.AllHighlights(ctx, HighlightFilter{After: "nonsense"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestRecordKeepsHighlights(t *testing.T) {
	ctx := context.Background()
	src := MustOpen(t)
	id := mustAdd(t, src, hlArticle("https://r.example/a"), AddOptions{})
	h1, err := src.AddHighlight(ctx, id, Highlight{Exact: "two hundred miles", Color: Blue, Note: "far"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.AddHighlight(ctx, id, Highlight{Exact: "đánh cá"}); err != nil {
		t.Fatal(err)
	}
	// one detached by a new text
	a := hlArticle("https://r.example/a")
	a.Text = strings.Replace(hlText, "two hundred miles", "a long way", 1)
	if err := src.Replace(ctx, id, a); err != nil {
		t.Fatal(err)
	}
	rec, err := src.Record(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Highlights) != 2 || !rec.Highlights[1].Detached || rec.Highlights[1].ID != h1.ID {
		t.Fatalf("record highlights %+v", rec.Highlights)
	}
	dst := MustOpen(t)
	newID, err := dst.AddRecord(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dst.Highlights(ctx, newID)
	if err != nil || len(got) != 2 {
		t.Fatalf("copied highlights %+v, %v", got, err)
	}
	for i := range got {
		w := rec.Highlights[i]
		g := got[i]
		g.ID, g.ArticleID, w.ID, w.ArticleID = 0, 0, 0, 0
		if g != w {
			t.Errorf("copy %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	// AddHighlights adds only what is missing, placing it in the text
	extra := Highlight{Exact: "fields", Start: 200, End: 206, Color: "ultraviolet", Note: "green"}
	missing := Highlight{Exact: "a passage this article never had", Note: "lost"}
	n, unplaced, err := dst.AddHighlights(ctx, newID, append(rec.Highlights, extra, missing), false)
	if err != nil || n != 1 || len(unplaced) != 1 || unplaced[0].Note != "lost" {
		t.Fatalf("AddHighlights = %d, %+v, %v; want 1 added, 1 unplaced", n, unplaced, err)
	}
	got, _ = dst.Highlights(ctx, newID)
	s, e := runesOf(t, rec.Text, "fields")
	if len(got) != 3 || got[1].Exact != "fields" || got[1].Color != Yellow || got[1].Start != s || got[1].End != e || got[1].Detached {
		t.Fatalf("after AddHighlights: %+v", got)
	}
	n, unplaced, err = dst.AddHighlights(ctx, newID, []Highlight{missing}, true)
	if err != nil || n != 1 || unplaced != nil {
		t.Fatalf("AddHighlights keeping detached = %d, %+v, %v", n, unplaced, err)
	}
	got, _ = dst.Highlights(ctx, newID)
	if len(got) != 4 || !got[2].Detached || got[2].Note != "lost" {
		t.Fatalf("detached one: %+v", got)
	}
}

func TestAddWithHighlights(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	when := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	id := mustAdd(t, lib, hlArticle("https://r.example/a"), AddOptions{Highlights: []Highlight{
		{Exact: "Fishermen live along its banks", Note: "who", Created: when},
	}})
	hs, _ := lib.Highlights(ctx, id)
	s, _ := runesOf(t, hlText, "Fishermen")
	if len(hs) != 1 || hs[0].Start != s || hs[0].Detached || !hs[0].Created.Equal(when) || hs[0].Note != "who" {
		t.Fatalf("highlights of a new article: %+v", hs)
	}
	// a bookmark keeps its highlights detached until a fetch brings the text
	bm := mustAdd(t, lib, &reader.Article{URL: "https://r.example/b"}, AddOptions{Bookmark: true,
		Highlights: []Highlight{{Exact: "the fields turn green", Color: Green}}})
	hs, _ = lib.Highlights(ctx, bm)
	if len(hs) != 1 || !hs[0].Detached {
		t.Fatalf("bookmark highlights: %+v", hs)
	}
	if err := lib.Replace(ctx, bm, hlArticle("https://r.example/b")); err != nil {
		t.Fatal(err)
	}
	hs, _ = lib.Highlights(ctx, bm)
	s, e := runesOf(t, hlText, "the fields turn green")
	if len(hs) != 1 || hs[0].Detached || hs[0].Start != s || hs[0].End != e || hs[0].Color != Green {
		t.Fatalf("after the fetch: %+v", hs)
	}
	res, err := lib.AddMany(ctx, []NewArticle{{Article: hlArticle("https://r.example/c"),
		Options: AddOptions{Highlights: []Highlight{{Exact: "two hundred miles"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if hs, _ := lib.Highlights(ctx, res[0].ID); len(hs) != 1 || hs[0].Detached {
		t.Fatalf("AddMany highlights: %+v", hs)
	}
}

func TestUnplacedHighlightsBecomeNotes(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	asNotes := func(hs []Highlight) []string {
		var out []string
		for _, h := range hs {
			out = append(out, "From test: "+h.Exact+" / "+h.Note)
		}
		return out
	}
	id := mustAdd(t, lib, hlArticle("https://r.example/a"), AddOptions{Notes: []string{"mine"}, HighlightNotes: asNotes,
		Highlights: []Highlight{{Exact: "Fishermen live"}, {Exact: "nowhere in this text at all", Note: "n"}}})
	hs, _ := lib.Highlights(ctx, id)
	notes, _ := lib.Notes(ctx, id)
	if len(hs) != 1 || hs[0].Exact != "Fishermen live" || len(notes) != 2 || notes[0].Text != "mine" ||
		notes[1].Text != "From test: nowhere in this text at all / n" {
		t.Fatalf("highlights %+v, notes %+v", hs, notes)
	}
	if res, _ := lib.Search(ctx, "nowhere", Filter{}); len(res) != 1 {
		t.Errorf("the note made of a highlight is not searchable: %v", res)
	}
	bm := mustAdd(t, lib, &reader.Article{URL: "https://r.example/b"}, AddOptions{Bookmark: true, HighlightNotes: asNotes,
		Highlights: []Highlight{{Exact: "nowhere in this text at all"}}})
	hs, _ = lib.Highlights(ctx, bm)
	notes, _ = lib.Notes(ctx, bm)
	if len(hs) != 1 || !hs[0].Detached || len(notes) != 0 {
		t.Fatalf("bookmark: highlights %+v, notes %+v; want the highlight kept detached", hs, notes)
	}
	// AddHighlights keeps a bookmark's unplaced ones too
	n, unplaced, err := lib.AddHighlights(ctx, bm, []Highlight{{Exact: "another passage"}}, false)
	if err != nil || n != 1 || len(unplaced) != 0 {
		t.Fatalf("AddHighlights on a bookmark = %d, %v, %v", n, unplaced, err)
	}
}
