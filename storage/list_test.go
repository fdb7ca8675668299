package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
)

// listLibrary holds 57 articles with varied titles, dates, sites, tags
// and flags, some saved at the same instant to exercise the id tiebreak.
func listLibrary(t *testing.T) (*Library, []*Article) {
	t.Helper()
	lib := MustOpen(t)
	ctx := context.Background()
	titles := []string{"Đà Lạt", "apple", "Ångström", "Zebra", "éclair", "Banana", "dân vận", "Dao", "ant"}
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 57 {
		a := &reader.Article{
			URL:      fmt.Sprintf("https://site%d.example/%d", i%3, i),
			Title:    fmt.Sprintf("%s %02d", titles[i%len(titles)], i%7),
			SiteName: fmt.Sprintf("Site %d", i%3),
		}
		if i%4 != 0 { // every fourth has no date
			a.Published = base.Add(time.Duration(i%11) * 24 * time.Hour)
		}
		opts := AddOptions{
			Saved:    base.Add(time.Duration(i/2) * time.Hour), // pairs share a saved time
			Read:     i%5 == 0,
			Favorite: i%6 == 0,
			Archived: i%7 == 0,
		}
		if i%2 == 0 {
			opts.Tags = []string{"Even"}
		}
		mustAdd(t, lib, a, opts)
	}
	var all []*Article
	for id := int64(1); id <= 57; id++ {
		a, err := lib.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, a)
	}
	return lib, all
}

func TestListFiltersSortsPaginates(t *testing.T) {
	lib, all := listLibrary(t)
	ctx := context.Background()
	filters := []struct {
		name string
		f    Filter
		keep func(a *Article) bool
	}{
		{"all", Filter{}, func(a *Article) bool { return true }},
		{"unread", Filter{State: StateUnread}, func(a *Article) bool { return !a.Read && !a.Archived }},
		{"favourite", Filter{State: StateFavorite}, func(a *Article) bool { return a.Favorite }},
		{"archived", Filter{State: StateArchived}, func(a *Article) bool { return a.Archived }},
		{"site", Filter{Site: "Site 1"}, func(a *Article) bool { return a.SiteName == "Site 1" }},
		{"tag", Filter{Tag: "even"}, func(a *Article) bool { return len(a.Tags) == 1 }},
		{"tag+unread", Filter{Tag: "EVEN", State: StateUnread}, func(a *Article) bool { return len(a.Tags) == 1 && !a.Read && !a.Archived }},
	}
	sorts := []struct {
		name string
		s    Sort
		less func(a, b *Article) bool
	}{
		{"saved", SortSaved, func(a, b *Article) bool {
			if !a.Saved.Equal(b.Saved) {
				return a.Saved.After(b.Saved)
			}
			return a.ID > b.ID
		}},
		{"published", SortPublished, func(a, b *Article) bool {
			if a.Published.IsZero() != b.Published.IsZero() {
				return b.Published.IsZero()
			}
			if !a.Published.Equal(b.Published) {
				return a.Published.After(b.Published)
			}
			return a.ID > b.ID
		}},
		{"title", SortTitle, func(a, b *Article) bool {
			if ka, kb := foldKey(a.Title), foldKey(b.Title); ka != kb {
				return ka < kb
			}
			return a.ID < b.ID
		}},
	}
	for _, fl := range filters {
		for _, so := range sorts {
			t.Run(fl.name+"/"+so.name, func(t *testing.T) {
				var want []int64
				var sel []*Article
				for _, a := range all {
					if fl.keep(a) {
						sel = append(sel, a)
					}
				}
				sort.Slice(sel, func(i, j int) bool { return so.less(sel[i], sel[j]) })
				for _, a := range sel {
					want = append(want, a.ID)
				}
				f := fl.f
				f.Sort, f.Limit = so.s, 4
				var got []int64
				for pages := 0; ; pages++ {
					if pages > 20 {
						t.Fatal("pagination does not end")
					}
					items, next, err := lib.List(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if len(items) > 4 {
						t.Fatalf("page of %d items, limit 4", len(items))
					}
					for _, s := range items {
						got = append(got, s.ID)
						if fl.name == "tag" && (len(s.Tags) != 1 || s.Tags[0] != "Even") {
							t.Errorf("summary %d tags %v", s.ID, s.Tags)
						}
					}
					if next == "" {
						break
					}
					f.After = next
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("ids\n got %v\nwant %v", got, want)
				}
				n, err := lib.Count(ctx, fl.f)
				if err != nil || n != len(want) {
					t.Errorf("Count = %d, %v; want %d", n, err, len(want))
				}
			})
		}
	}
}

func TestListTitleSortIgnoresCaseAndAccents(t *testing.T) {
	lib := MustOpen(t)
	for i, title := range []string{"Zebra", "éclair", "Đà Lạt", "apple", "Dao", "Ångström", "banana"} {
		mustAdd(t, lib, &reader.Article{URL: fmt.Sprintf("https://x.example/%d", i), Title: title}, AddOptions{})
	}
	items, _, err := lib.List(context.Background(), Filter{Sort: SortTitle})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range items {
		got = append(got, s.Title)
	}
	want := []string{"Ångström", "apple", "banana", "Đà Lạt", "Dao", "éclair", "Zebra"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("order %q, want %q", got, want)
	}
}

func TestListBadInput(t *testing.T) {
	lib := MustOpen(t)
	tests := []struct {
		name string
		f    Filter
	}{
		{"garbage cursor", Filter{After: "not-a-cursor"}},
		{"cursor of another sort", Filter{Sort: SortTitle, After: cursor{Sort: SortSaved, ID: 3}.encode()}},
		{"unknown sort", Filter{Sort: Sort(9)}},
		{"unknown state", Filter{State: State(9)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := lib.List(context.Background(), tt.f); !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestSites(t *testing.T) {
	lib, _ := listLibrary(t)
	sites, err := lib.Sites(context.Background())
	if err != nil || fmt.Sprint(sites) != "[Site 0 Site 1 Site 2]" {
		t.Errorf("Sites = %v, %v", sites, err)
	}
}
