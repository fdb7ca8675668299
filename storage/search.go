package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"

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
func (l *Library) Search(ctx context.Context, query string, f Filter) ([]SearchResult, error) {
	q := foldDD.Replace(norm.NFC.String(strings.TrimSpace(query)))
	if q == "" {
		return nil, fmt.Errorf("search: %w: the query is empty", ErrBadQuery)
	}
	res, err := l.search(ctx, q, f)
	if isQueryError(err) && !usesSyntax(q) {
		// Plain words with punctuation FTS5 does not accept bare: quote
		// each one and let the tokenizer split them.
		res, err = l.search(ctx, quoteTerms(q), f)
	}
	if isQueryError(err) {
		return nil, fmt.Errorf("search %q: %w: %s", query, ErrBadQuery, queryProblem(err))
	}
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	if err := l.snippets(ctx, res, queryTerms(q)); err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	return res, nil
}

func (l *Library) search(ctx context.Context, match string, f Filter) ([]SearchResult, error) {
	conds, args, err := f.where()
	if err != nil {
		return nil, err
	}
	// bm25 costs a few microseconds per matching article, too much for a
	// word found in most of a large library. Rank only the newest
	// rankWindow matches (passing the filters): exact for all but such
	// very common queries, and bounded for those.
	cutoff := int64(0)
	cq := `SELECT s.rowid FROM search s`
	if len(conds) > 0 {
		cq += ` JOIN articles a ON a.id = s.rowid WHERE search MATCH ? AND ` + strings.Join(conds, " AND ")
	} else {
		cq += ` WHERE search MATCH ?`
	}
	cq += ` ORDER BY s.rowid DESC LIMIT 1 OFFSET ?`
	err = l.db.QueryRowContext(ctx, cq, append(append([]any{match}, args...), rankWindow-1)...).Scan(&cutoff)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	var q string
	if len(conds) == 0 {
		// FTS5 ranks and limits by itself when the query touches only the
		// search table: the join then reads just one page of articles.
		q = `SELECT ` + summaryCols + `, r.rank FROM
			(SELECT rowid, rank FROM search WHERE search MATCH ? AND rowid >= ? ORDER BY rank LIMIT ?) r
			JOIN articles a ON a.id = r.rowid ORDER BY r.rank`
		args = []any{match, cutoff, f.limit()}
	} else {
		q = `SELECT ` + summaryCols + `, s.rank FROM search s JOIN articles a ON a.id = s.rowid
			WHERE search MATCH ? AND s.rowid >= ? AND ` + strings.Join(conds, " AND ") + ` ORDER BY s.rank LIMIT ?`
		args = append(append([]any{match, cutoff}, args...), f.limit())
	}
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SearchResult
	for rows.Next() {
		var r SearchResult
		s, _, err := scanSummary(rows, &r.Rank)
		if err != nil {
			return nil, err
		}
		r.Summary = s
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	items := make([]Summary, len(out))
	for i := range out {
		items[i] = out[i].Summary
	}
	if err := fillTags(ctx, l.db, items); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Tags = items[i].Tags
	}
	return out, nil
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

// snippets cuts each result's snippet from the original text, so accents
// and đ read as written while matching ignores them.
func (l *Library) snippets(ctx context.Context, res []SearchResult, terms []term) error {
	if len(res) == 0 || len(terms) == 0 {
		return nil
	}
	args := make([]any, len(res))
	for i, r := range res {
		args[i] = r.ID
	}
	texts := make(map[int64]string, len(res))
	rows, err := l.db.QueryContext(ctx, `SELECT c.article_id, c.text FROM article_content c
		WHERE c.article_id IN (`+placeholders(len(res))+`)`, args...)
	if err != nil {
		return fmt.Errorf("load texts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return fmt.Errorf("load texts: %w", err)
		}
		texts[id] = text
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load texts: %w", err)
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

// rankWindow bounds how many matches bm25 ranks (see search).
const rankWindow = 2000

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
	toks := tokenize(text)
	match := make([]int, len(toks)) // term index + 1, or 0
	var hits []int
	for i, t := range toks {
		for j, tm := range terms {
			if tm.matches(t.folded) {
				match[i] = j + 1
				hits = append(hits, i)
				break
			}
		}
	}
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
		seen := map[int]bool{}
		for i := h; i < len(toks) && i < h+snippetWords-snippetBefore; i++ {
			if match[i] != 0 {
				seen[match[i]] = true
			}
		}
		if len(seen) > bestN {
			best, bestN = h, len(seen)
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
		if match[i] == 0 {
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
