package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
)

// addMany adds n articles made by mk in one transaction, oldest first, and
// returns their ids. Add would commit each one: too slow for a few hundred.
func addMany(tb testing.TB, lib *Library, n int, mk func(i int) *reader.Article) []int64 {
	tb.Helper()
	ctx := context.Background()
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := make([]int64, n)
	err := lib.withTx(ctx, func(tx *sql.Tx) error {
		for i := range n {
			a := mk(i)
			keys, err := urlKeys(a)
			if err != nil {
				return err
			}
			saved := base.Add(time.Duration(i) * time.Hour)
			if ids[i], err = lib.insert(ctx, newTxWriter(tx), a, keys, nil, AddOptions{}, saved, saved); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("add %d articles: %v", n, err)
	}
	return ids
}

func TestSearchRanking(t *testing.T) {
	tests := []struct {
		name  string
		query string
		// mk builds article i of n; want is the index expected first.
		n    int
		mk   func(i int) *reader.Article
		want int
	}{
		{
			// More matches than rankWindow: the title match is the oldest
			// article, outside the newest rankWindow, and still comes first.
			name: "old title match beyond the window", query: "durian", n: rankWindow + 50,
			mk: func(i int) *reader.Article {
				if i == 0 {
					return simpleArticle("https://example.com/0", "Sầu riêng: durian season", "a fruit from the south")
				}
				return simpleArticle(fmt.Sprintf("https://example.com/%d", i), fmt.Sprintf("Market report %d", i),
					"the market sold rice, coffee and durian today")
			},
			want: 0,
		},
		{
			// Both words in every match: the article with more of the rare
			// word wins over the one with more of the common word.
			name: "rare word weighs more", query: "apple zebra", n: 40,
			mk: func(i int) *reader.Article {
				url := fmt.Sprintf("https://example.com/%d", i)
				switch i {
				case 10:
					return simpleArticle(url, "Notes", "zebra zebra zebra zebra apple and more words here")
				case 20:
					return simpleArticle(url, "Notes", "apple apple apple apple zebra and more words here")
				}
				return simpleArticle(url, "Notes", "an apple a day and other words")
			},
			want: 10, // older: wins only by idf
		},
		{
			name: "denser mention wins", query: "đảng", n: 30,
			mk: func(i int) *reader.Article {
				url := fmt.Sprintf("https://example.com/%d", i)
				if i == 3 {
					return simpleArticle(url, "Tin tức", "Đảng và Đảng viên, Đảng bộ")
				}
				return simpleArticle(url, "Tin tức", "Đảng: một bài viết dài với nhiều từ khác nhau ở đây và ở kia")
			},
			want: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib := MustOpen(t)
			ids := addMany(t, lib, tt.n, tt.mk)
			res, err := lib.Search(context.Background(), tt.query, Filter{Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) == 0 || res[0].ID != ids[tt.want] {
				var got []int64
				for _, r := range res {
					got = append(got, r.ID)
				}
				t.Fatalf("results %v, want %d first", got, ids[tt.want])
			}
			for i := 1; i < len(res); i++ {
				if res[i].Rank < res[i-1].Rank {
					t.Errorf("result %d rank %v better than result %d rank %v", i, res[i].Rank, i-1, res[i-1].Rank)
				}
			}
		})
	}
}

// TestCorpusStats checks the library size and length read from FTS5's
// averages record against the articles themselves, after deletes too.
func TestCorpusStats(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	ids := addMany(t, lib, 30, func(i int) *reader.Article {
		return simpleArticle(fmt.Sprintf("https://example.com/%d", i), "Two words", strings.Repeat("word ", i+1))
	})
	check := func(wantDocs int) {
		t.Helper()
		st, err := lib.corpusStats(ctx, []term{{word: "word"}, {word: "two"}})
		if err != nil {
			t.Fatal(err)
		}
		if int(st.docs) != wantDocs {
			t.Errorf("docs = %v, want %d", st.docs, wantDocs)
		}
		// Each article: "Two words" (2), site "Example" (1), text i+1 words.
		var total float64
		rows, err := lib.db.Query(`SELECT words FROM articles`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var w float64
			rows.Scan(&w)
			total += w + 3
		}
		rows.Close()
		if want := total / float64(wantDocs); st.avgTokens != want {
			t.Errorf("avgTokens = %v, want %v", st.avgTokens, want)
		}
		if int(st.df[0]) != wantDocs || int(st.df[1]) != wantDocs {
			t.Errorf("df = %v, want %d each", st.df, wantDocs)
		}
	}
	check(30)
	for _, id := range ids[:5] {
		if err := lib.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	check(25)
}

// TestScanTokens proves the table-driven scanner cuts and folds exactly as
// tokenize (and so the FTS tokenizer) does.
func TestScanTokens(t *testing.T) {
	for _, s := range []string{
		"Nâng cao năng lực dự báo, Đảng và dân vận!",
		"da\u0302n va\u0323\u0302n", // decomposed
		"C++ 13/1 what's new? ÅNGSTRÖM Ưu Ơn",
		"東京 ελληνικά кириллица 😀 x\u200bz",
		"",
		"trailing",
	} {
		t.Run(s, func(t *testing.T) {
			want := tokenize(s)
			var got []token
			scanTokens(s, nil, func(start, end int, folded []byte) {
				got = append(got, token{folded: string(folded), start: start, end: end})
			})
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("scanTokens = %v\ntokenize  = %v", got, want)
			}
		})
	}
}

func TestSearchConnectionPragmas(t *testing.T) {
	lib := MustOpen(t)
	tests := []struct {
		pragma string
		want   int64
	}{
		{"mmap_size", 268435456},
		{"cache_size", -16000},
	}
	for _, tt := range tests {
		t.Run(tt.pragma, func(t *testing.T) {
			var got int64
			if err := lib.db.QueryRow("PRAGMA " + tt.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PRAGMA %s = %d, want %d", tt.pragma, got, tt.want)
			}
		})
	}
}

func TestOptimize(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	ids := addMany(t, lib, 20, func(i int) *reader.Article {
		return simpleArticle(fmt.Sprintf("https://example.com/%d", i), "Durian", "durian season")
	})
	// One more segment per transaction.
	mustAdd(t, lib, simpleArticle("https://example.com/x", "Other", "durian"), AddOptions{})
	segments := func() int {
		t.Helper()
		var n int
		if err := lib.db.QueryRow(`SELECT COUNT(*) FROM search_data WHERE id > 10`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := segments()
	if err := lib.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	if after := segments(); after >= before {
		t.Errorf("index pages %d after Optimize, %d before: not merged", after, before)
	}
	res, err := lib.Search(ctx, "durian", Filter{Limit: 100})
	if err != nil || len(res) != len(ids)+1 {
		t.Fatalf("Search after Optimize = %d results, %v; want %d", len(res), err, len(ids)+1)
	}
}
