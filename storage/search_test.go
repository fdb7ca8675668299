package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSearchVietnamese(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	seed := mustAdd(t, lib, seedArticle(t, "https://news.example"), AddOptions{Tags: []string{"chính trị"}})
	other := mustAdd(t, lib, simpleArticle("https://example.com/e", "Go generics", "Generics in C++ and Go. What's new? Released 13/1."), AddOptions{Tags: []string{"programming"}})
	if _, err := lib.AddNote(ctx, other, "remember the borrow checker"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query   string
		want    []int64
		snippet string // must appear in the first result's snippet, markers included
	}{
		{"dan van", []int64{seed}, "\x02dân\x03 \x02vận\x03"},
		{"DÂN VẬN", []int64{seed}, "\x02dân\x03 \x02vận\x03"},
		{"dang", []int64{seed}, "\x02Đảng\x03"},
		{`"dân vận"`, []int64{seed}, "\x02dân\x03 \x02vận\x03"},
		{"phuong*", []int64{seed}, "\x02phương\x03"},
		{"nang cao nang luc", []int64{seed}, ""},
		{"dân OR generics", []int64{seed, other}, ""},
		{"dân NOT generics", []int64{seed}, ""},
		{"generics NOT dân", []int64{other}, ""},
		{"nosuchfield:x", nil, ""},
		{"chinh tri", []int64{seed}, "\x02Chính\x03 \x02trị\x03"},
		{"borrow", []int64{other}, "\x02borrow\x03"},
		{"programming", []int64{other}, "\x02programming\x03"},
		{"C++", []int64{other}, "\x02C\x03++"},
		{"what's new?", []int64{other}, "\x02What\x03'\x02s\x03 \x02new\x03?"},
		{"13/1", []int64{seed, other}, ""},
		{"title:generics", []int64{other}, ""},
		{"zzzunknown", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, err := lib.Search(ctx, tt.query, Filter{})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, r := range res {
				ids = append(ids, r.ID)
			}
			if !sameSet(ids, tt.want) {
				t.Fatalf("ids = %v, want %v", ids, tt.want)
			}
			if tt.snippet != "" && !strings.Contains(res[0].Snippet, tt.snippet) {
				t.Errorf("snippet %q lacks %q", res[0].Snippet, tt.snippet)
			}
			for _, r := range res {
				if r.Snippet == "" || !strings.Contains(r.Snippet, SnippetOpen) && !strings.HasPrefix(tt.query, "13") {
					t.Errorf("result %d snippet %q has no marked match", r.ID, r.Snippet)
				}
			}
		})
	}
}

func sameSet(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[int64]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

func TestSearchRanksTitleFirst(t *testing.T) {
	lib := MustOpen(t)
	body := mustAdd(t, lib, simpleArticle("https://example.com/b", "Something else", "durian durian is a fruit"), AddOptions{})
	title := mustAdd(t, lib, simpleArticle("https://example.com/t", "Durian season", "a fruit from the south"), AddOptions{})
	res, err := lib.Search(context.Background(), "durian", Filter{})
	if err != nil || len(res) != 2 {
		t.Fatalf("Search = %v, %v", res, err)
	}
	if res[0].ID != title || res[1].ID != body {
		t.Errorf("order = %d, %d; want title match %d first", res[0].ID, res[1].ID, title)
	}
}

func TestSearchBadQueries(t *testing.T) {
	lib := MustOpen(t)
	mustAdd(t, lib, seedArticle(t, "https://news.example"), AddOptions{})
	for _, q := range []string{`"unbalanced`, `AND`, `a OR`, `(dân`, `NOT`, ``, `   `} {
		t.Run(q, func(t *testing.T) {
			_, err := lib.Search(context.Background(), q, Filter{})
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("err = %v, want ErrBadQuery", err)
			}
		})
	}
}

func TestSearchFilters(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	a := mustAdd(t, lib, simpleArticle("https://a.example/1", "Apple pie", "apple"), AddOptions{Tags: []string{"food"}})
	b := mustAdd(t, lib, simpleArticle("https://a.example/2", "Apple tart", "apple"), AddOptions{Archived: true})
	c := seedArticle(t, "https://b.example")
	c.Text += "\n\napple"
	cid := mustAdd(t, lib, c, AddOptions{Favorite: true})
	tests := []struct {
		name string
		f    Filter
		want []int64
	}{
		{"all", Filter{}, []int64{a, b, cid}},
		{"tag", Filter{Tag: "FOOD"}, []int64{a}},
		{"site", Filter{Site: "Example"}, []int64{a, b}},
		{"unread", Filter{State: StateUnread}, []int64{a, cid}},
		{"favourite", Filter{State: StateFavorite}, []int64{cid}},
		{"archived", Filter{State: StateArchived}, []int64{b}},
		{"limit", Filter{Limit: 1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := lib.Search(ctx, "apple", tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, r := range res {
				ids = append(ids, r.ID)
			}
			if tt.name == "limit" {
				if len(ids) != 1 {
					t.Errorf("Limit 1 gave %d results", len(ids))
				}
				return
			}
			if !sameSet(ids, tt.want) {
				t.Errorf("ids = %v, want %v", ids, tt.want)
			}
		})
	}
}

func TestFoldKey(t *testing.T) {
	tests := map[string]string{
		"Đảng":                      "dang",
		"DÂN VẬN":                   "dan van",
		"d\u00e2n v\u1eadn":         "dan van",
		"da\u0302n va\u0323\u0302n": "dan van", // decomposed input
		"Ångström Ưu Ơn":            "angstrom uu on",
		"C++ 13/1":                  "c++ 13/1",
	}
	for in, want := range tests {
		if got := foldKey(in); got != want {
			t.Errorf("foldKey(%q) = %q, want %q", in, got, want)
		}
	}
}
