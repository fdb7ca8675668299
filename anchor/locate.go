package anchor

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxCandidates bounds the places a quote is weighed at: a short quote of
// common words can occur thousands of times.
const maxCandidates = 256

// longQuote is the length (code points) past which a quote is looked for
// fuzzily by its head and tail: matching costs its length times the text's.
const longQuote = 512

// Match is where Locate placed a quote: source byte offsets in the Text.
type Match struct {
	Start, End int
	Method     Method
	// Similarity is how close the passage found is to the quote, 0 to 1
	// (1 for Position and Exact).
	Similarity float64
}

// Locate finds q in t. hint is where the quote was last known to start, as
// a normalised offset (see Text.Norm), or -1: the text there is tried first,
// and among equally good places the nearest wins. It tries, in order, the
// old position, the quote word for word (its context choosing among several
// places), and the closest passage at least MinSimilarity like it (context
// and position weighed in); a quote found nowhere is Detached.
func (t *Text) Locate(q Quote, hint int) Match {
	exact := Normalize(q.Exact)
	if exact == "" {
		return Match{}
	}
	pre, suf := context(q.Prefix), context(q.Suffix)
	if hint >= 0 && hint+len(exact) <= len(t.norm) && t.norm[hint:hint+len(exact)] == exact {
		return t.match(hint, hint+len(exact), Position, 1)
	}
	if at, ok := t.exact(exact, pre, suf, hint); ok {
		return t.match(at, at+len(exact), Exact, 1)
	}
	if s, e, sim, ok := t.fuzzy(exact, pre, suf, hint); ok {
		return t.match(s, e, Fuzzy, sim)
	}
	return Match{}
}

// context normalises a prefix or suffix, keeping a space at either end:
// the space between the context and the quote matters.
func context(s string) string {
	n := Normalize(s)
	if n == "" {
		if strings.TrimSpace(s) != s {
			return " "
		}
		return ""
	}
	r, _ := utf8.DecodeRuneInString(s)
	if unicode.IsSpace(r) {
		n = " " + n
	}
	if r, _ := utf8.DecodeLastRuneInString(s); unicode.IsSpace(r) {
		n += " "
	}
	return n
}

func (t *Text) match(ns, ne int, m Method, sim float64) Match {
	return Match{Start: t.Src(ns), End: t.SrcEnd(ne), Method: m, Similarity: sim}
}

// exact weighs every occurrence of the quote by how much of its context
// matches, then by nearness to hint.
func (t *Text) exact(exact, pre, suf string, hint int) (int, bool) {
	best, bestScore, bestDist := -1, -1.0, math.MaxInt
	ctx := float64(len(pre) + len(suf))
	for from := 0; from <= len(t.norm)-len(exact); {
		i := strings.Index(t.norm[from:], exact)
		if i < 0 {
			break
		}
		at := from + i
		score := 1.0
		if ctx > 0 {
			score = float64(commonSuffix(t.norm[:at], pre)+commonPrefix(t.norm[at+len(exact):], suf)) / ctx
		}
		dist := 0
		if hint >= 0 {
			dist = abs(at - hint)
		}
		if score > bestScore || score == bestScore && dist < bestDist {
			best, bestScore, bestDist = at, score, dist
		}
		_, size := utf8.DecodeRuneInString(t.norm[at:])
		from = at + size
	}
	return best, best >= 0
}

// candidate is a passage of the text close to the quote.
type candidate struct {
	start, end int // normalised byte offsets
	errors     int
}

// fuzzy finds the passage most like the quote, its context and its old
// place, among those at least MinSimilarity like the quote.
func (t *Text) fuzzy(exact, pre, suf string, hint int) (int, int, float64, bool) {
	q := []rune(exact)
	m := len(q)
	k := int(float64(m) * (1 - MinSimilarity))
	if k == 0 {
		return 0, 0, 0, false
	}
	var cands []candidate
	if m <= longQuote {
		cands = t.search(q, k, maxCandidates, 2*k+1)
	} else {
		cands = t.headTail(q, k)
	}
	if len(cands) == 0 {
		return 0, 0, 0, false
	}
	preR, sufR := []rune(pre), []rune(suf)
	bestScore, best := -1.0, candidate{}
	for _, c := range cands {
		qs := 1 - float64(c.errors)/float64(m)
		score := 50 * qs
		weights := 50.0
		if len(preR) > 0 {
			before := []rune(lastRunes(t.norm[:c.start], len(preR)))
			score += 20 * (1 - float64(distance(preR, before))/float64(len(preR)))
			weights += 20
		}
		if len(sufR) > 0 {
			after := []rune(firstRunes(t.norm[c.end:], len(sufR)))
			score += 20 * (1 - float64(distance(sufR, after))/float64(len(sufR)))
			weights += 20
		}
		if hint >= 0 && len(t.norm) > 0 {
			score += 2 * (1 - float64(abs(c.start-hint))/float64(len(t.norm)))
			weights += 2
		}
		if score /= weights; score > bestScore {
			bestScore, best = score, c
		}
	}
	return best.start, best.end, 1 - float64(best.errors)/float64(m), true
}

// search returns the passages of the text within k edits of q at up to
// limit places, perPlace ends at each, the best first.
func (t *Text) search(q []rune, k, limit, perPlace int) []candidate {
	ends := myers(t.norm, q, k)
	// a few ends per place, the fewest errors first: the context then
	// decides where the passage ends (a word added at its end costs more
	// edits than one dropped). A place is every end within half the
	// quote's length of its best one.
	sort.SliceStable(ends, func(i, j int) bool { return ends[i].errors < ends[j].errors })
	apart := max(len(string(q))/2, 1)
	var places []int // each place's best end
	var taken []int  // how many ends each place has
	var cands []candidate
	for _, e := range ends {
		p := -1
		for i, at := range places {
			if abs(at-e.end) < apart {
				p = i
				break
			}
		}
		switch {
		case p >= 0 && taken[p] < perPlace:
			taken[p]++
			cands = append(cands, e)
		case p < 0 && len(places) < limit:
			places, taken = append(places, e.end), append(taken, 1)
			cands = append(cands, e)
		}
		if len(cands) == maxCandidates {
			break
		}
	}
	for i := range cands {
		cands[i].start, cands[i].errors = t.startOf(q, cands[i].end, k)
	}
	return cands
}

// headTail looks for a long quote by its first and last longQuote/2 code
// points: a head and the tail nearest the quote's length after it make a
// passage, kept when its words are close enough to the quote's.
func (t *Text) headTail(q []rune, k int) []candidate {
	n := longQuote / 2
	head, tail := q[:n], q[len(q)-n:]
	kk := int(float64(n) * (1 - MinSimilarity))
	heads, tails := t.search(head, kk, 16, 1), t.search(tail, kk, maxCandidates, 1)
	want := len(string(q))
	qw := words(string(q))
	var out []candidate
	for _, h := range heads {
		best := -1
		for i, tl := range tails {
			if tl.end > h.start && (best < 0 || abs(tl.end-h.start-want) < abs(tails[best].end-h.start-want)) {
				best = i
			}
		}
		if best < 0 {
			continue
		}
		end := tails[best].end
		pw := words(t.norm[h.start:end])
		d := wordDistance(qw, pw)
		if sim := 1 - float64(d)/float64(max(len(qw), len(pw))); sim >= MinSimilarity {
			// errors in code points, as for a short quote
			out = append(out, candidate{start: h.start, end: end, errors: int((1 - sim) * float64(len(q)))})
		}
	}
	return out
}

// words splits a normalised text into words, a long run without spaces (a
// script written without them) into pieces of 8 code points.
func words(s string) []string {
	var out []string
	for _, w := range strings.Split(s, " ") {
		for utf8.RuneCountInString(w) > 8 {
			cut := len(firstRunes(w, 8))
			out, w = append(out, w[:cut]), w[cut:]
		}
		out = append(out, w)
	}
	return out
}

// wordDistance is the edit distance of two word lists.
func wordDistance(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// startOf finds where the passage within k edits of q that ends at byte
// offset end starts, and its edit distance.
func (t *Text) startOf(q []rune, end, k int) (int, int) {
	// the window: up to len(q)+k code points before end, reversed
	var w []rune
	i := end
	for len(w) < len(q)+k && i > 0 {
		r, size := utf8.DecodeLastRuneInString(t.norm[:i])
		w = append(w, r)
		i -= size
	}
	m := len(q)
	prev := make([]int, len(w)+1)
	cur := make([]int, len(w)+1)
	for c := range prev {
		prev[c] = c
	}
	for r := 1; r <= m; r++ {
		cur[0] = r
		qc := q[m-r]
		for c := 1; c <= len(w); c++ {
			cost := 1
			if w[c-1] == qc {
				cost = 0
			}
			cur[c] = min(prev[c-1]+cost, prev[c]+1, cur[c-1]+1)
		}
		prev, cur = cur, prev
	}
	// the fewest edits, then the length nearest the quote's
	bestC, bestD := 0, math.MaxInt
	for c := 0; c <= len(w); c++ {
		if d := prev[c]; d < bestD || d == bestD && abs(c-m) < abs(bestC-m) {
			bestC, bestD = c, d
		}
	}
	start := end
	for c := 0; c < bestC; c++ {
		_, size := utf8.DecodeLastRuneInString(t.norm[:start])
		start -= size
	}
	return start, bestD
}

// myers returns every end offset (bytes, exclusive) in text where a
// passage within k edits of q ends, with its edit distance: G. Myers' bit-
// parallel approximate matching (J. ACM 46(3), 1999), in 64-bit blocks as
// H. Hyyrö describes them.
func myers(text string, q []rune, k int) []candidate {
	m := len(q)
	if m == 0 {
		return nil
	}
	blocks := (m + 63) / 64
	var ascii [128][]uint64
	other := map[rune][]uint64{}
	for i, r := range q {
		var v []uint64
		if r < 128 {
			if ascii[r] == nil {
				ascii[r] = make([]uint64, blocks)
			}
			v = ascii[r]
		} else {
			if other[r] == nil {
				other[r] = make([]uint64, blocks)
			}
			v = other[r]
		}
		v[i/64] |= 1 << (i % 64)
	}
	none := make([]uint64, blocks)
	P := make([]uint64, blocks)
	M := make([]uint64, blocks)
	score := make([]int, blocks)
	last := make([]uint64, blocks)
	for b := range blocks {
		P[b] = ^uint64(0)
		score[b] = (b + 1) * 64
		last[b] = 1 << 63
	}
	score[blocks-1] = m
	last[blocks-1] = 1 << ((m - 1) % 64)
	var out []candidate
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		var peq []uint64
		if r < 128 {
			peq = ascii[r]
		} else {
			peq = other[r]
		}
		if peq == nil {
			peq = none
		}
		h := 0
		for b := range blocks {
			pv, mv := P[b], M[b]
			var neg uint64
			if h < 0 {
				neg = 1
			}
			eq := peq[b] | neg
			xv := eq | mv
			xh := (((eq & pv) + pv) ^ pv) | eq
			ph := mv | ^(xh | pv)
			mh := pv & xh
			d := 0
			if ph&last[b] != 0 {
				d = 1
			} else if mh&last[b] != 0 {
				d = -1
			}
			ph <<= 1
			mh <<= 1
			mh |= neg
			if h > 0 {
				ph |= 1
			}
			P[b] = mh | ^(xv | ph)
			M[b] = ph & xv
			score[b] += d
			h = d
		}
		if score[blocks-1] <= k {
			out = append(out, candidate{end: i, errors: score[blocks-1]})
		}
	}
	return out
}

// distance is the Levenshtein distance of a and b.
func distance(a, b []rune) int {
	if len(a) == 0 {
		return len(b)
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// commonSuffix is how many bytes a and b share at their ends, whole code
// points only.
func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	for n > 0 && !utf8.RuneStart(a[len(a)-n]) {
		n--
	}
	return n
}

// commonPrefix is how many bytes a and b share at their starts.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
