package save

import (
	"context"
	"strings"
	"testing"

	"github.com/folio-app/folio/storage"
)

// A re-fetch places the article's highlights in the new text: those whose
// passage is still there move with it, the others stay, detached, and come
// back when a later text has them again.
func TestRefetchReanchorsHighlights(t *testing.T) {
	s := newSite(t)
	sv, lib := newSaver(t, s)
	ctx := context.Background()
	r := mustSave(t, sv, Request{Link: s.URL + "/article"})
	a, err := lib.Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(a.Text, "\n\n")
	if len(paras) < 4 {
		t.Fatalf("seed text has %d paragraphs", len(paras))
	}
	// a phrase from the first paragraph (kept by the shortened page) and
	// one from the last (dropped)
	firstWords := strings.Fields(paras[1])
	lastWords := strings.Fields(paras[len(paras)-2])
	kept, err := lib.AddHighlight(ctx, r.ID, storage.Highlight{Exact: strings.Join(firstWords[:6], " "), Note: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	dropped, err := lib.AddHighlight(ctx, r.ID, storage.Highlight{Exact: strings.Join(lastWords[2:9], " "), Color: storage.Blue})
	if err != nil {
		t.Fatal(err)
	}

	// the page changes: words added before the first phrase, the last
	// phrase rewritten
	page := string(seedPage(t))
	if !strings.Contains(page, kept.Exact) || !strings.Contains(page, dropped.Exact) {
		t.Fatal("the phrases are not in the page as written")
	}
	replaceLast := func(s, old, new string) string {
		i := strings.LastIndex(s, old)
		return s[:i] + new + s[i+len(old):]
	}
	page = replaceLast(page, kept.Exact, "Tin cập nhật: "+kept.Exact)
	page = replaceLast(page, dropped.Exact, "một đoạn văn viết lại hoàn toàn khác")
	s.setPage([]byte(page))
	got, err := sv.Refetch(ctx, r.ID, RefetchOptions{Force: true})
	if err != nil || !got.Stored {
		t.Fatalf("refetch: %+v, %v", got, err)
	}
	now, _ := lib.Get(ctx, r.ID)
	k, _ := lib.Highlight(ctx, kept.ID)
	d, _ := lib.Highlight(ctx, dropped.ID)
	if k.Detached || !strings.Contains(now.Text, "Tin cập nhật: "+k.Exact) || k.Start != kept.Start+len([]rune("Tin cập nhật: ")) || k.Note != "kept" {
		t.Errorf("highlight in the kept paragraph: %+v", k)
	}
	if !d.Detached || d.Exact != dropped.Exact || d.Color != storage.Blue {
		t.Errorf("highlight in a dropped paragraph: %+v, want it kept detached", d)
	}

	s.setPage(seedPage(t))
	if _, err := sv.Refetch(ctx, r.ID, RefetchOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	d, _ = lib.Highlight(ctx, dropped.ID)
	if d.Detached || d.Start != dropped.Start || d.End != dropped.End {
		t.Errorf("after the full text came back: %+v, want it at %d–%d", d, dropped.Start, dropped.End)
	}
}
