package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/folio-app/folio/storage"
)

// TestSearchState: a search covers the library and says so, the sidebar
// shows no entry chosen, the reader never shows an article that is not
// among the results, results can be ordered by date, and clearing the
// search goes back to the list as it was.
func TestSearchState(t *testing.T) {
	seed := func(lib *storage.Library) {
		for i, title := range []string{"sông Hồng", "thư viện", "sông Đà"} {
			a, opts := fixedArticle(i, title)
			a.Text = title + " " + a.Text
			a.HTML = "<p>" + title + "</p>" + a.HTML
			if _, err := lib.Add(context.Background(), a, opts); err != nil {
				t.Fatal(err)
			}
		}
	}
	h := newHarness(t, seed)
	u := h.u
	lib := u.list.indexOf(u.list.rows[1].ID) // "thư viện"
	u.list.click(lib, 0)
	h.eventually("thư viện open", func() bool { return u.view.art != nil && u.view.art.Title == "thư viện" })
	before := ids(u.list.rows)

	u.search.SetText("sông")
	u.search.OnSubmitted("sông")
	h.eventually("the matches", func() bool { return !u.list.loading && len(u.list.rows) == 2 })
	h.settle()
	if u.view.art != nil {
		t.Errorf("the reader still shows %q, which does not match", u.view.art.Title)
	}
	if !strings.Contains(u.list.header.Text, "in your library") {
		t.Errorf("header %q does not say what the search covers", u.list.header.Text)
	}
	for i := range u.sidebar.entries {
		if u.sidebar.list.Length() > 0 && isSelected(u, i) {
			t.Errorf("sidebar entry %q still chosen during the search", u.sidebar.entries[i].label)
		}
	}
	if u.list.sortSel.Selected != "Relevance" {
		t.Errorf("search order %q, want Relevance", u.list.sortSel.Selected)
	}
	u.list.sortSel.SetSelected("Newest")
	if got := u.list.rows[0].Title; got != "sông Đà" {
		t.Errorf("newest match first = %q, want sông Đà", got)
	}

	u.search.SetText("")
	u.search.OnSubmitted("")
	h.eventually("the list back", func() bool { return !u.list.loading && len(u.list.rows) == 3 })
	h.settle()
	if got := ids(u.list.rows); !equalIDs(got, before) {
		t.Errorf("after clearing the search the order is %v, was %v", got, before)
	}
	if u.list.sortSel.Selected != "Saved" || !isSelected(u, 0) {
		t.Errorf("after the search: sort %q, All articles chosen %v", u.list.sortSel.Selected, isSelected(u, 0))
	}
}

func isSelected(u *UI, i int) bool {
	return u.sidebar.current == i && u.list.query == ""
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCentreSnippet(t *testing.T) {
	o, c := storage.SnippetOpen, storage.SnippetClose
	tests := []struct{ name, in, want string }{
		{name: "match near the start", in: "công tác " + o + "dân" + c + " vận", want: "công tác " + o + "dân" + c + " vận"},
		{name: "match far in", in: "một hai ba bốn năm sáu bảy tám chín mười mười một mười hai " + o + "dân" + c + " vận",
			want: "…mười mười một mười hai " + o + "dân" + c + " vận"},
		{name: "links and markup dropped", in: "see https://example.org/x and <div> www.example.org " + o + "river" + c,
			want: "see and " + o + "river" + c},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := centreSnippet(tt.in); got != tt.want {
				t.Errorf("centreSnippet = %q, want %q", got, tt.want)
			}
		})
	}
}
