package anchor

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// randomText mixes words, multi-byte letters and every kind of white space.
func randomText(r *rand.Rand, n int) string {
	parts := []string{"a", "b", "ab", "đ", "ệ", "中", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "x", "\xff"}
	var b strings.Builder
	for range n {
		b.WriteString(parts[r.IntN(len(parts))])
	}
	return b.String()
}

func TestOffsetsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		src := randomText(r, r.IntN(80))
		tx := New(src)
		if tx.Normalized() != Normalize(src) {
			t.Fatalf("%q: Normalized %q, Normalize %q", src, tx.Normalized(), Normalize(src))
		}
		if want := strings.Join(strings.Fields(strings.ToValidUTF8(strings.ReplaceAll(src, "\xff", "?"), "?")), " "); tx.Normalized() != want {
			t.Fatalf("%q: normalised %q, want %q", src, tx.Normalized(), want)
		}
		norm := tx.Normalized()
		// every character of the normalised text maps to the same character in the source
		for n := 0; n < len(norm); {
			c, size := utf8.DecodeRuneInString(norm[n:])
			s := tx.Src(n)
			if c != ' ' {
				sc, _ := utf8.DecodeRuneInString(src[s:])
				if sc == utf8.RuneError {
					sc = '?'
				}
				if sc != c {
					t.Fatalf("%q: Src(%d) = %d holds %q, want %q", src, n, s, sc, c)
				}
				if back := tx.Norm(s); back != n {
					t.Fatalf("%q: Norm(Src(%d)) = %d", src, n, back)
				}
			}
			n += size
		}
		// Norm is monotonic and within bounds
		prev := 0
		for s := 0; s <= len(src); s++ {
			n := tx.Norm(s)
			if n < prev || n > len(norm) {
				t.Fatalf("%q: Norm(%d) = %d after %d (len %d)", src, s, n, prev, len(norm))
			}
			prev = n
		}
		// code points
		count := 0
		for s := 0; s <= len(src); {
			if got := tx.Runes(s); got != count {
				t.Fatalf("%q: Runes(%d) = %d, want %d", src, s, got, count)
			}
			if got := tx.Byte(count); got != s {
				t.Fatalf("%q: Byte(%d) = %d, want %d", src, count, got, s)
			}
			if s == len(src) {
				break
			}
			_, size := utf8.DecodeRuneInString(src[s:])
			s += size
			count++
		}
	}
}

func TestRunesLongText(t *testing.T) {
	src := strings.Repeat("Tiếng Việt ", 1000)
	tx := New(src)
	for _, s := range []int{0, 1, 255, 256, 257, 5000, len(src)} {
		s = min(s, len(src))
		for !utf8.RuneStart(src[min(s, len(src)-1)]) && s < len(src) {
			s++
		}
		want := utf8.RuneCountInString(src[:s])
		if got := tx.Runes(s); got != want {
			t.Errorf("Runes(%d) = %d, want %d", s, got, want)
		}
		if got := tx.Byte(want); got != s {
			t.Errorf("Byte(%d) = %d, want %d", want, got, s)
		}
	}
}

// naive is the semi-global edit distance of q against every end of text.
func naive(text []rune, q []rune) []int {
	prev := make([]int, len(q)+1)
	for i := range prev {
		prev[i] = i
	}
	out := make([]int, len(text))
	cur := make([]int, len(q)+1)
	for j, c := range text {
		cur[0] = 0
		for i := 1; i <= len(q); i++ {
			cost := 1
			if q[i-1] == c {
				cost = 0
			}
			cur[i] = min(prev[i-1]+cost, prev[i]+1, cur[i-1]+1)
		}
		out[j] = cur[len(q)]
		prev, cur = cur, prev
	}
	return out
}

func TestMyersMatchesDynamicProgramming(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("abcđ中")
	word := func(n int) []rune {
		w := make([]rune, n)
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		return w
	}
	for _, m := range []int{1, 5, 63, 64, 65, 130, 200} {
		for range 20 {
			text := word(300)
			q := word(m)
			if r.IntN(2) == 0 && m < 250 { // plant a near copy
				at := r.IntN(len(text) - m)
				copy(text[at:], q)
				text[at+r.IntN(m)] = 'z'
			}
			k := m / 3
			want := naive(text, q)
			got := myers(string(text), q, k)
			gi := 0
			offset := 0
			for j, c := range text {
				offset += utf8.RuneLen(c)
				if want[j] <= k {
					if gi >= len(got) || got[gi].end != offset || got[gi].errors != want[j] {
						t.Fatalf("m=%d: at %d want %d errors, got %v", m, j, want[j], got[gi:min(gi+1, len(got))])
					}
					gi++
				}
			}
			if gi != len(got) {
				t.Fatalf("m=%d: %d extra matches", m, len(got)-gi)
			}
		}
	}
}

const article = "Highlights in Folio\n\n" +
	"The first paragraph says what the article is about. It is long enough to hold a quote.\n\n" +
	"Cuộc sống ở Hà Nội rất vui, và người dân rất thân thiện.\n\n" +
	"A second paragraph repeats a phrase: the quick brown fox. Later it says the quick brown fox again.\n\n" +
	"The last paragraph ends the article."

// cut makes the quote of the first occurrence of s in text, after skip
// earlier occurrences.
func cut(t *testing.T, tx *Text, s string, skip int) (Quote, int) {
	t.Helper()
	at := -1
	for i := 0; i <= skip; i++ {
		j := strings.Index(tx.Source()[at+1:], s)
		if j < 0 {
			t.Fatalf("%q not in text", s)
		}
		at += 1 + j
	}
	return tx.Cut(at, at+len(s)), tx.Norm(at)
}

func TestLocate(t *testing.T) {
	old := New(article)
	tests := []struct {
		name   string
		quote  string
		skip   int
		text   string // the new text
		method Method
		want   string // the passage found; "" for detached
		// wantAt is the number of earlier occurrences of want to skip
		wantAt int
	}{
		{name: "unchanged", quote: "long enough to hold", text: article, method: Position, want: "long enough to hold"},
		{name: "white space differs", quote: "about. It is long", text: strings.ReplaceAll(article, "\n\n", "\n"), method: Position, want: "about. It is long"},
		{name: "across paragraphs", quote: "a quote.\n\nCuộc sống", text: strings.ReplaceAll(article, "\n\n", "\n \n"), method: Position, want: "a quote.\n \nCuộc sống"},
		{name: "moved", quote: "người dân rất thân thiện",
			text: "A new opening paragraph was added here by the site.\n\n" + article, method: Exact, want: "người dân rất thân thiện"},
		{name: "moved to the end", quote: "The first paragraph says what",
			text:   strings.Replace(article, "The first paragraph says what the article is about. It is long enough to hold a quote.\n\n", "", 1) + "\n\nThe first paragraph says what the article is about. It is long enough to hold a quote.",
			method: Exact, want: "The first paragraph says what"},
		{name: "repeated: context picks the second", quote: "the quick brown fox", skip: 1,
			text: "Intro.\n\n" + article, method: Exact, want: "the quick brown fox", wantAt: 1},
		{name: "repeated: context picks the first", quote: "the quick brown fox", skip: 0,
			text: "Intro.\n\n" + article, method: Exact, want: "the quick brown fox", wantAt: 0},
		{name: "edited nearby", quote: "It is long enough to hold a quote",
			text: strings.Replace(article, "what the article is about", "what this piece covers", 1), method: Exact, want: "It is long enough to hold a quote"},
		{name: "edited inside", quote: "It is long enough to hold a quote",
			text: strings.Replace(article, "long enough to hold", "long enough to keep", 1), method: Fuzzy, want: "It is long enough to keep a quote"},
		{name: "accent lost inside", quote: "Cuộc sống ở Hà Nội rất vui",
			text: strings.Replace(article, "Cuộc sống ở Hà Nội", "Cuoc song o Ha Noi", 1), method: Fuzzy, want: "Cuoc song o Ha Noi rất vui"},
		{name: "deleted", quote: "It is long enough to hold a quote",
			text: strings.Replace(article, "It is long enough to hold a quote.", "", 1), method: Detached},
		{name: "rewritten", quote: "The last paragraph ends the article.",
			text: strings.Replace(article, "The last paragraph ends the article.", "Finally, a different ending entirely.", 1), method: Detached},
		{name: "empty text", quote: "the article", text: "", method: Detached},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, hint := cut(t, old, tt.quote, tt.skip)
			nt := New(tt.text)
			m := nt.Locate(q, hint)
			if m.Method != tt.method {
				t.Fatalf("method %v, want %v (found %q)", m.Method, tt.method, tt.text[m.Start:m.End])
			}
			if tt.method == Detached {
				return
			}
			if got := tt.text[m.Start:m.End]; got != tt.want {
				t.Fatalf("found %q, want %q", got, tt.want)
			}
			at := -1
			for i := 0; i <= tt.wantAt; i++ {
				at += 1 + strings.Index(tt.text[at+1:], tt.want)
			}
			if m.Start != at {
				t.Fatalf("found at %d, want %d", m.Start, at)
			}
			if m.Method == Fuzzy && (m.Similarity < MinSimilarity || m.Similarity >= 1) {
				t.Fatalf("similarity %v", m.Similarity)
			}
		})
	}
}

func TestLocateLongQuote(t *testing.T) {
	var b strings.Builder
	topics := []string{"rivers", "mountains", "cities", "songs", "bridges", "markets", "letters"}
	for i := range 120 {
		fmt.Fprintf(&b, "Sentence %d tells of %s and of the %d people who saw them. ", i, topics[i%len(topics)], i*7+3)
	}
	src := "Intro paragraph.\n\n" + b.String() + "\n\nOutro."
	old := New(src)
	start := strings.Index(src, "Sentence 3 ")
	end := strings.Index(src, "Sentence 90 ") - 1
	q := old.Cut(start, end)
	if utf8.RuneCountInString(q.Exact) <= longQuote {
		t.Fatal("quote not long")
	}
	edited := strings.Replace(src, "Sentence 3 tells", "Sentence 3 speaks", 1)
	edited = strings.Replace(edited, "of the 332 people", "of the many people", 1)
	edited = strings.Replace(edited, "Sentence 60 ", "Sentence sixty ", 1)
	m := New(edited).Locate(q, -1)
	if m.Method != Fuzzy {
		t.Fatalf("method %v", m.Method)
	}
	if got := edited[m.Start:m.End]; !strings.HasPrefix(got, "Sentence 3 speaks") || !strings.HasSuffix(got, "saw them.") || !strings.Contains(got, "Sentence 89 ") {
		t.Fatalf("found %q…%q", got[:20], got[len(got)-20:])
	}
}

func TestCut(t *testing.T) {
	tx := New("One two.\n\nThree four five.")
	at := strings.Index(tx.Source(), "Three")
	q := tx.Cut(at, at+len("Three four"))
	if q.Exact != "Three four" || q.Prefix != "One two. " || q.Suffix != " five." {
		t.Fatalf("%+v", q)
	}
	s, e := tx.Trim(3, 12)
	if tx.Source()[s:e] != "two.\n\nTh" {
		t.Fatalf("trim %q", tx.Source()[s:e])
	}
}
