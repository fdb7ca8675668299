package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Search finds articles matching query, best first (bm25: title weighs 10,
// tags 5, byline 3, site and notes 2, text 1), honouring f's Tag, Site,
// State and Limit (f.Sort and f.After do not apply). query is FTS5 syntax:
// words (all must match), "quoted phrases", prefix*, AND/OR/NOT and
// parentheses. Plain text with punctuation ("C++", "what's new?") is
// searched word by word. A query that uses the syntax wrongly
// ("unbalanced, a OR) returns an error wrapping ErrBadQuery. Matching
// ignores case and accents, đ included: "dan van" finds "dân vận".
// A query matching more than a few hundred articles is ranked among its
// newest matches only (see rankWindow).
func (l *Library) Search(ctx context.Context, query string, f Filter) ([]SearchResult, error) {
	q := foldDD.Replace(norm.NFC.String(strings.TrimSpace(query)))
	if q == "" {
		return nil, fmt.Errorf("search: %w: the query is empty", ErrBadQuery)
	}
	terms := queryTerms(q)
	res, texts, err := l.search(ctx, q, terms, f)
	if isQueryError(err) && !usesSyntax(q) {
		// Plain words with punctuation FTS5 does not accept bare: quote
		// each one and let the tokenizer split them.
		res, texts, err = l.search(ctx, quoteTerms(q), terms, f)
	}
	if isQueryError(err) {
		return nil, fmt.Errorf("search %q: %w: %s", query, ErrBadQuery, queryProblem(err))
	}
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	if err := l.snippets(ctx, res, terms, texts); err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	return res, nil
}

// Ranking. FTS5's bm25 first counts, for every phrase of the query, how
// many articles of the whole library contain it, whatever LIMIT or rowid
// bound the query carries: for a word found in most of 100,000 articles
// that alone takes about 30 ms, for a phrase (positions compared in every
// article holding both words) about 75 ms. So FTS5 only finds the
// candidates, newest first and stopping early, and Go scores them with the
// same formula (bm25, k1 1.2, b 0.75, the column weights of migration 0001)
// from the texts it loads anyway to cut snippets; document frequencies come
// from a bounded count (see documentFrequency).
const (
	// rankWindow bounds how many matches are ranked: the newest ones
	// passing the filters. Ranking is exact for queries matching fewer; a
	// word found in thousands of articles is ranked among the newest
	// rankWindow of them (plus titleWindow, below), which keeps such a
	// search within its time budget at the price of older, better matches
	// with the word only in their text.
	rankWindow = 400
	// titleWindow more candidates come, for a one-word query, from the
	// matches whose title holds the word, newest first, so that an older
	// article titled with the word still outranks recent ones that merely
	// mention it.
	titleWindow = 100
	// dfCap bounds how many matches of a word are counted for its document
	// frequency; beyond it the frequency is extrapolated.
	dfCap = 1000

	bm25K1 = 1.2
	bm25B  = 0.75
)

// The search columns, in the order of the FTS table.
const (
	colTitle = iota
	colByline
	colSite
	colText
	colTags
	colNotes
	numCols
)

// candidate is a matching article with everything its search entry was
// built from (see syncSearch).
type candidate struct {
	Summary
	cols  [numCols]string
	score float64
}

func (l *Library) search(ctx context.Context, match string, terms []term, f Filter) ([]SearchResult, map[int64]string, error) {
	ids, err := l.candidates(ctx, match, terms, f)
	if err != nil || len(ids) == 0 {
		return nil, nil, err
	}
	cands, err := l.loadCandidates(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	st, err := l.corpusStats(ctx, terms)
	if err != nil {
		return nil, nil, err
	}
	st.rank(cands, terms)
	cands = cands[:min(len(cands), f.limit())]
	out := make([]SearchResult, len(cands))
	items := make([]Summary, len(cands))
	texts := make(map[int64]string, len(cands))
	for i, c := range cands {
		items[i] = c.Summary
		texts[c.ID] = c.cols[colText]
	}
	if err := fillTags(ctx, l.db, items); err != nil {
		return nil, nil, err
	}
	for i, c := range cands {
		// Rank keeps FTS5's sign: lower is better.
		out[i] = SearchResult{Summary: items[i], Rank: -c.score}
	}
	return out, texts, nil
}

// candidates returns the ids of the newest rankWindow matches passing f's
// filters and, for a one-word query, of the newest titleWindow ones whose
// title holds the word.
func (l *Library) candidates(ctx context.Context, match string, terms []term, f Filter) ([]int64, error) {
	conds, args, err := f.where()
	if err != nil {
		return nil, err
	}
	// FTS5 walks its doclists newest first and stops at the LIMIT; each
	// row is checked against the filters on the way (a primary key probe).
	q := `SELECT s.rowid FROM search s`
	if len(conds) > 0 {
		q += ` JOIN articles a ON a.id = s.rowid WHERE search MATCH ? AND ` + strings.Join(conds, " AND ")
	} else {
		q += ` WHERE search MATCH ?`
	}
	q += ` ORDER BY s.rowid DESC LIMIT ?`
	seen := make(map[int64]bool, rankWindow+titleWindow)
	var ids []int64
	collect := func(match string, limit int) error {
		rows, err := l.db.QueryContext(ctx, q, append(append([]any{match}, args...), limit)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		return rows.Err()
	}
	if err := collect(match, rankWindow); err != nil {
		return nil, err
	}
	if len(ids) < rankWindow || len(terms) != 1 || terms[0].prefix || usesSyntax(match) {
		// Either every match is a candidate already, or the query has
		// several words or a phrase: few titles hold them all, and FTS5
		// would walk every article holding the words (30-60 ms at 100,000
		// articles) to find the title matches. A prefix query costs FTS5 a
		// merge of every matching word's list, however small the LIMIT:
		// once is enough.
		return ids, nil
	}
	err = collect("("+match+") AND {title} : ("+match+")", titleWindow)
	if isQueryError(err) {
		// A query FTS5 accepts whole but not under a column filter: rank
		// without the title window rather than fail.
		err = nil
	}
	return ids, err
}

// loadCandidates reads the articles ids with their indexed texts.
func (l *Library) loadCandidates(ctx context.Context, ids []int64) ([]candidate, error) {
	// One JSON parameter rather than hundreds of placeholders: the
	// statement stays the same, and SQLite does not re-plan it for each
	// set of bound values.
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("load matches: %w", err)
	}
	rows, err := l.db.QueryContext(ctx, `SELECT `+summaryCols+`, COALESCE(c.text, ''),
		COALESCE((SELECT group_concat(t.name, ' ') FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id), ''),
		COALESCE((SELECT group_concat(n.text, char(10)) FROM notes n WHERE n.article_id = a.id), '')
		FROM articles a LEFT JOIN article_content c ON c.article_id = a.id
		WHERE a.id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("load matches: %w", err)
	}
	defer rows.Close()
	cands := make([]candidate, 0, len(ids))
	for rows.Next() {
		var c candidate
		s, _, err := scanSummary(rows, &c.cols[colText], &c.cols[colTags], &c.cols[colNotes])
		if err != nil {
			return nil, fmt.Errorf("load matches: %w", err)
		}
		c.Summary = s
		c.cols[colTitle], c.cols[colByline], c.cols[colSite] = s.Title, s.Byline, s.SiteName
		cands = append(cands, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load matches: %w", err)
	}
	return cands, nil
}

// corpus holds what bm25 needs to know about the whole library.
type corpus struct {
	docs      float64   // articles indexed
	avgTokens float64   // tokens per article, all columns; 0 if unknown
	df        []float64 // per query term: articles containing it
}

// corpusStats reads the library size and average length that FTS5 keeps
// up to date, and each term's document frequency.
func (l *Library) corpusStats(ctx context.Context, terms []term) (corpus, error) {
	var c corpus
	var block []byte
	err := l.db.QueryRowContext(ctx, `SELECT block FROM search_data WHERE id = 1`).Scan(&block)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("read index size: %w", err)
	}
	if n, total, ok := decodeAverages(block); ok && n > 0 {
		c.docs, c.avgTokens = float64(n), float64(total)/float64(n)
	} else if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles`).Scan(&c.docs); err != nil {
		return c, fmt.Errorf("count articles: %w", err)
	}
	var maxID int64
	if err := l.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM articles`).Scan(&maxID); err != nil {
		return c, fmt.Errorf("read newest id: %w", err)
	}
	c.df = make([]float64, len(terms))
	if len(terms) == 1 {
		// One word's idf scales every score alike: the order is the same
		// without counting.
		return c, nil
	}
	for i, t := range terms {
		df, err := l.documentFrequency(ctx, t, maxID, c.docs)
		if err != nil {
			return c, err
		}
		c.df[i] = df
	}
	return c, nil
}

// documentFrequency counts the articles holding t, up to dfCap of them,
// newest first. Past that it extrapolates from how many ids those dfCap
// span: a word that common gets an idf near FTS5's floor either way, and
// counting all of its 100,000 entries would cost more than the search.
func (l *Library) documentFrequency(ctx context.Context, t term, maxID int64, docs float64) (float64, error) {
	expr := `"` + strings.ReplaceAll(t.word, `"`, `""`) + `"`
	if t.prefix {
		expr += "*"
	}
	var n, oldest int64
	err := l.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(rowid), 0) FROM
		(SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid DESC LIMIT ?)`, expr, dfCap).Scan(&n, &oldest)
	if err != nil {
		return 0, fmt.Errorf("count matches of %q: %w", t.word, err)
	}
	if n < dfCap || maxID < oldest {
		return float64(n), nil
	}
	return min(docs, float64(n)*docs/float64(maxID-oldest+1)), nil
}

// decodeAverages reads FTS5's "averages" record (row 1 of search_data):
// the number of rows, then the total token count of each column, as
// SQLite varints.
func decodeAverages(b []byte) (rows, tokens uint64, ok bool) {
	rows, n := sqliteVarint(b)
	if n == 0 {
		return 0, 0, false
	}
	b = b[n:]
	for range numCols {
		v, n := sqliteVarint(b)
		if n == 0 {
			return 0, 0, false
		}
		tokens += v
		b = b[n:]
	}
	return rows, tokens, true
}

// sqliteVarint decodes SQLite's big-endian varint (7 bits a byte, the
// ninth byte whole); n is 0 if b is too short.
func sqliteVarint(b []byte) (v uint64, n int) {
	for i := 0; i < len(b) && i < 9; i++ {
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

// rank scores cands with bm25 as FTS5 computes it (each term a phrase,
// weighted term frequency over all columns, length normalised by the whole
// entry) and sorts them best first, newest first among equals.
func (c corpus) rank(cands []candidate, terms []term) {
	weights := [numCols]float64{10, 3, 2, 1, 5, 2}
	idf := make([]float64, len(terms))
	for i, df := range c.df {
		idf[i] = math.Log((c.docs - df + 0.5) / (df + 0.5))
		if idf[i] <= 0 {
			idf[i] = 1e-6 // FTS5's floor for words in over half the articles
		}
	}
	freq := make([]float64, len(terms))
	lengths := make([]int, len(cands))
	freqs := make([][]float64, len(cands))
	var buf []byte
	total := 0
	for k := range cands {
		clear(freq)
		n := 0
		for col, s := range cands[k].cols {
			buf = scanTokens(s, buf, func(_, _ int, folded []byte) {
				n++
				for i, t := range terms {
					if t.matchesBytes(folded) {
						freq[i] += weights[col]
					}
				}
			})
		}
		lengths[k], total = n, total+n
		freqs[k] = slices.Clone(freq)
	}
	avg := c.avgTokens
	if avg <= 0 && len(cands) > 0 {
		avg = float64(total) / float64(len(cands))
	}
	for k := range cands {
		norm := bm25K1 * (1 - bm25B + bm25B*float64(lengths[k])/max(avg, 1))
		s := 0.0
		for i, d := range freqs[k] {
			s += idf[i] * d * (bm25K1 + 1) / (d + norm)
		}
		cands[k].score = s
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(b.ID, a.ID)
	})
}

// isQueryError tells FTS5's complaints about the query from other failures.
func isQueryError(err error) bool {
	if err == nil {
		return false
	}
	m := err.Error()
	return strings.Contains(m, "fts5:") || strings.Contains(m, "unterminated string") ||
		strings.Contains(m, "no such column") || strings.Contains(m, "unknown special query")
}

// queryProblem words FTS5's complaint for a person.
func queryProblem(err error) string {
	m := err.Error()
	switch {
	case strings.Contains(m, "unterminated string"):
		return "a quote is not closed"
	case strings.Contains(m, "no such column"):
		return "a word before ':' is not a field (title, byline, site, text, tags, notes)"
	}
	if i := strings.Index(m, "fts5: "); i >= 0 {
		m = m[i+len("fts5: "):]
		if j := strings.Index(m, " ("); j >= 0 {
			m = m[:j]
		}
	}
	return "check quotes, parentheses and AND/OR/NOT (" + m + ")"
}

// usesSyntax reports whether the query uses FTS5 operators on purpose; such
// a query that fails is reported, not reinterpreted.
func usesSyntax(q string) bool {
	if strings.ContainsAny(q, `"()`) {
		return true
	}
	for _, w := range strings.Fields(q) {
		switch w {
		case "AND", "OR", "NOT":
			return true
		}
		if strings.HasPrefix(w, "NEAR(") {
			return true
		}
	}
	return false
}

// quoteTerms makes each whitespace-separated word of q a quoted string.
func quoteTerms(q string) string {
	ws := strings.Fields(q)
	for i, w := range ws {
		ws[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return strings.Join(ws, " ")
}

// term is a folded query word to highlight; prefix for word*.
type term struct {
	word   string
	prefix bool
}

// queryTerms extracts the words to highlight from a query: operators,
// column names and negated words are left out.
func queryTerms(q string) []term {
	var ts []term
	negate := false
	for _, t := range tokenize(q) {
		raw := q[t.start:t.end]
		switch raw {
		case "AND", "OR":
			continue
		case "NOT":
			negate = true
			continue
		case "NEAR":
			if strings.HasPrefix(q[t.end:], "(") {
				continue
			}
		}
		if strings.HasPrefix(q[t.end:], ":") {
			continue // column filter
		}
		if negate {
			negate = false
			continue
		}
		ts = append(ts, term{word: t.folded, prefix: strings.HasPrefix(q[t.end:], "*")})
	}
	return ts
}

func (t term) matches(folded string) bool {
	if t.prefix {
		return strings.HasPrefix(folded, t.word)
	}
	return folded == t.word
}

// snippets cuts each result's snippet from the original text (texts, by
// article id), so accents and đ read as written while matching ignores
// them.
func (l *Library) snippets(ctx context.Context, res []SearchResult, terms []term, texts map[int64]string) error {
	if len(res) == 0 || len(terms) == 0 {
		return nil
	}
	for i := range res {
		r := &res[i]
		if s := snippet(texts[r.ID], terms); s != "" {
			r.Snippet = s
			continue
		}
		// The match is elsewhere: in the notes, title or excerpt.
		notes, err := l.Notes(ctx, r.ID)
		if err != nil {
			return err
		}
		cands := []string{r.Excerpt, r.Title, r.Byline, r.SiteName, strings.Join(r.Tags, ", ")}
		for _, n := range notes {
			cands = append(cands, n.Text)
		}
		for _, c := range cands {
			if s := snippet(c, terms); s != "" {
				r.Snippet = s
				break
			}
		}
		if r.Snippet == "" {
			r.Snippet = clip(r.Excerpt, snippetRunes)
		}
	}
	return nil
}

// Snippet shape: about this many words, the first match a few words in.
const (
	snippetWords  = 32
	snippetBefore = 8
	snippetRunes  = 240
)

// snippet returns the part of text around the densest cluster of matches,
// matched words wrapped in SnippetOpen/SnippetClose, or "" if no term
// matches.
func snippet(text string, terms []term) string {
	type tok struct{ start, end, match int } // match: term index + 1, or 0
	var toks []tok
	var hits []int
	scanTokens(text, nil, func(start, end int, folded []byte) {
		m := 0
		for j, tm := range terms {
			if tm.matchesBytes(folded) {
				m = j + 1
				hits = append(hits, len(toks))
				break
			}
		}
		toks = append(toks, tok{start, end, m})
	})
	if len(hits) == 0 {
		return ""
	}
	// Pick the window showing the most distinct terms; the earliest wins
	// ties. Looking at a bounded number of candidates keeps long texts with
	// a common word cheap.
	best, bestN := hits[0], 0
	for k, h := range hits {
		if k == 200 {
			break
		}
		var seen uint64 // terms past the 64th share a bit: ties only
		for _, i := range hits[k:] {
			if i >= h+snippetWords-snippetBefore {
				break
			}
			seen |= 1 << ((toks[i].match - 1) % 64)
		}
		if n := bits.OnesCount64(seen); n > bestN {
			best, bestN = h, n
		}
	}
	from := max(0, best-snippetBefore)
	to := min(len(toks), from+snippetWords)
	var b strings.Builder
	start := toks[from].start
	if from > 0 {
		b.WriteString("…")
	} else {
		start = 0
	}
	end := toks[to-1].end
	if to == len(toks) {
		end = len(text)
	}
	pos := start
	for i := from; i < to; i++ {
		if toks[i].match == 0 {
			continue
		}
		writeSpaced(&b, text[pos:toks[i].start])
		b.WriteString(SnippetOpen)
		b.WriteString(text[toks[i].start:toks[i].end])
		b.WriteString(SnippetClose)
		pos = toks[i].end
	}
	writeSpaced(&b, text[pos:end])
	if to < len(toks) {
		b.WriteString("…")
	}
	return strings.TrimSpace(b.String())
}

// matchesBytes is matches for a folded token held in a reused buffer; the
// conversions do not allocate.
func (t term) matchesBytes(folded []byte) bool {
	if t.prefix {
		return len(folded) >= len(t.word) && string(folded[:len(t.word)]) == t.word
	}
	return string(folded) == t.word
}

// foldTable caches isTokenRune and foldRune below U+2000 (Latin with all
// of Vietnamese, Greek, Cyrillic, combining marks): -1 for a rune outside
// tokens, 0 for one that folds away, else the folded rune. Ranking scans
// every letter of hundreds of articles per search, and the table makes
// that several times faster than the Unicode lookups. Read-only after
// initialisation.
var foldTable = func() *[0x2000]rune {
	var t [0x2000]rune
	for r := range rune(len(t)) {
		if !isTokenRune(r) {
			t[r] = -1
			continue
		}
		t[r] = foldRune(r)
	}
	return &t
}()

// scanTokens calls fn for each token of s, cut and folded as tokenize does
// (and the FTS tokenizer), without allocating per token. folded is only
// valid during the call. buf is scratch space, returned for reuse.
func scanTokens(s string, buf []byte, fn func(start, end int, folded []byte)) []byte {
	start := -1
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		var f rune
		switch {
		case int(r) < len(foldTable):
			f = foldTable[r]
		case isTokenRune(r):
			f = foldRune(r)
		default:
			f = -1
		}
		if f < 0 {
			if start >= 0 {
				fn(start, i, buf)
				start = -1
			}
		} else {
			if start < 0 {
				start = i
				buf = buf[:0]
			}
			if f > 0 {
				buf = utf8.AppendRune(buf, f)
			}
		}
		i += size
	}
	if start >= 0 {
		fn(start, len(s), buf)
	}
	return buf
}

// writeSpaced writes s with every run of white space (paragraph breaks
// included) turned into one space: a snippet is one line.
func writeSpaced(b *strings.Builder, s string) {
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
}

// clip shortens s to about n runes at a word boundary.
func clip(s string, n int) string {
	var b strings.Builder
	writeSpaced(&b, s)
	s = strings.TrimSpace(b.String())
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return cut + "…"
}

// Optimize merges the full-text index into one segment and refreshes the
// query planner's statistics. FTS5 merges a little on every write, but a
// bulk import leaves many segments behind and every search then reads each
// of them: call Optimize once after an import. It rewrites the whole index
// (seconds at 100,000 articles), so Open does not run it.
func (l *Library) Optimize(ctx context.Context) error {
	if _, err := l.db.ExecContext(ctx, `INSERT INTO search(search) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("optimize search index: %w", err)
	}
	if _, err := l.db.ExecContext(ctx, `PRAGMA optimize`); err != nil {
		return fmt.Errorf("optimize library statistics: %w", err)
	}
	return nil
}
