package storage

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Page sizes for List and Search.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

func (f Filter) limit() int {
	switch {
	case f.Limit <= 0:
		return defaultLimit
	case f.Limit > maxLimit:
		return maxLimit
	}
	return f.Limit
}

// summaryCols are the columns scanSummary reads, from articles aliased a.
const summaryCols = `a.id, a.url, a.title, a.byline, a.site, a.lang, a.excerpt, a.published, a.published_tz,
	a.saved, a.words, a.reading_time, a.read, a.favorite, a.archived, a.fetched, a.progress, a.fetch_error, a.title_key`

// scanSummary reads summaryCols and returns the title sort key too, for
// the cursor; extra receives any columns after them.
func scanSummary(rows *sql.Rows, extra ...any) (Summary, string, error) {
	var (
		s            Summary
		pub, tz      int64
		saved, rt    int64
		titleKey     string
		r, fv, ar, f bool
	)
	dest := append([]any{&s.ID, &s.URL, &s.Title, &s.Byline, &s.SiteName, &s.Lang, &s.Excerpt, &pub, &tz,
		&saved, &s.Words, &rt, &r, &fv, &ar, &f, &s.Progress, &s.FetchError, &titleKey}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return Summary{}, "", err
	}
	s.Published = decPublished(pub, tz)
	s.Saved = decTime(saved)
	s.ReadingTime = time.Duration(rt)
	s.Read, s.Favorite, s.Archived, s.Fetched = r, fv, ar, f
	return s, titleKey, nil
}

// where builds the filter conditions shared by List, Count and Search. The
// state conditions are spelled exactly as the partial indexes' WHERE
// clauses, which is what lets SQLite use those indexes.
func (f Filter) where() ([]string, []any, error) {
	var conds []string
	var args []any
	switch f.State {
	case StateAll:
	case StateUnread:
		conds = append(conds, "a.read = 0 AND a.archived = 0")
	case StateFavorite:
		conds = append(conds, "a.favorite = 1")
	case StateArchived:
		conds = append(conds, "a.archived = 1")
	default:
		return nil, nil, fmt.Errorf("%w: unknown state %d", ErrInvalid, f.State)
	}
	if f.Site != "" {
		conds = append(conds, "a.site = ?")
		args = append(args, f.Site)
	}
	if f.Tag != "" {
		// EXISTS rather than IN: SQLite then walks the sort index and probes
		// article_tags' primary key per row, stopping after one page,
		// instead of collecting and sorting every article of the tag.
		conds = append(conds, "EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag_id = (SELECT id FROM tags WHERE key = ?))")
		args = append(args, tagKey(f.Tag))
	}
	return conds, args, nil
}

// cursor is the position after the last row of a page: its sort key and id.
// Keyset pagination stays fast on deep pages and does not skip or repeat
// rows when articles are added meanwhile, which OFFSET would.
type cursor struct {
	Sort Sort   `json:"s"`
	N    int64  `json:"n,omitempty"` // saved or published
	T    string `json:"t,omitempty"` // title key
	ID   int64  `json:"i"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c) // cannot fail: plain fields
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, sort Sort) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Sort != sort {
		return cursor{}, fmt.Errorf("%w: the page cursor %q does not belong to this listing", ErrInvalid, s)
	}
	return c, nil
}

// List returns a page of articles matching f, in f.Sort order, and the
// cursor of the next page (empty on the last page).
func (l *Library) List(ctx context.Context, f Filter) ([]Summary, string, error) {
	items, next, err := l.list(ctx, f)
	if err != nil {
		return nil, "", fmt.Errorf("list articles: %w", err)
	}
	return items, next, nil
}

func (l *Library) list(ctx context.Context, f Filter) ([]Summary, string, error) {
	conds, args, err := f.where()
	if err != nil {
		return nil, "", err
	}
	var order, after string
	switch f.Sort {
	case SortSaved:
		order, after = "a.saved DESC, a.id DESC", "(a.saved, a.id) < (?, ?)"
	case SortPublished:
		order, after = "a.published DESC, a.id DESC", "(a.published, a.id) < (?, ?)"
	case SortTitle:
		order, after = "a.title_key, a.id", "(a.title_key, a.id) > (?, ?)"
	default:
		return nil, "", fmt.Errorf("%w: unknown sort %d", ErrInvalid, f.Sort)
	}
	if f.After != "" {
		c, err := decodeCursor(f.After, f.Sort)
		if err != nil {
			return nil, "", err
		}
		conds = append(conds, after)
		if f.Sort == SortTitle {
			args = append(args, c.T, c.ID)
		} else {
			args = append(args, c.N, c.ID)
		}
	}
	limit := f.limit()
	q := "SELECT " + summaryCols + " FROM articles a"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY " + order + " LIMIT ?"
	args = append(args, limit+1)

	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var (
		items []Summary
		keys  []string
	)
	for rows.Next() {
		s, tk, err := scanSummary(rows)
		if err != nil {
			return nil, "", err
		}
		items = append(items, s)
		keys = append(keys, tk)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	var next string
	if len(items) > limit {
		items, keys = items[:limit], keys[:limit]
		last := items[limit-1]
		c := cursor{Sort: f.Sort, ID: last.ID}
		switch f.Sort {
		case SortSaved:
			c.N = encTime(last.Saved)
		case SortPublished:
			c.N = encTime(last.Published)
		case SortTitle:
			c.T = keys[limit-1]
		}
		next = c.encode()
	}
	if err := fillTags(ctx, l.db, items); err != nil {
		return nil, "", err
	}
	return items, next, nil
}

// fillTags sets Tags on every summary with one query for the page.
func fillTags(ctx context.Context, q querier, items []Summary) error {
	ids := make([]int64, len(items))
	for i, s := range items {
		ids[i] = s.ID
	}
	tags, err := tagsOf(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range items {
		items[i].Tags = tags[items[i].ID]
	}
	return nil
}

// Count returns how many articles match f (its Sort, Limit and After are
// ignored).
func (l *Library) Count(ctx context.Context, f Filter) (int, error) {
	conds, args, err := f.where()
	if err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	q := "SELECT COUNT(*) FROM articles a"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	var n int
	if err := l.db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return n, nil
}
