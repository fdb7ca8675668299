package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/folio-app/folio/reader"
)

// NewArticle is one article for AddMany: what Add takes as arguments.
type NewArticle struct {
	Article *reader.Article
	Options AddOptions
}

// AddResult is what AddMany did with one NewArticle.
type AddResult struct {
	// ID is the new article's id, or the existing one's for a duplicate.
	ID int64
	// Duplicate reports that the link was already in the library, or came
	// earlier in the same batch: nothing was written for this item, as Add
	// would have returned ErrDuplicate.
	Duplicate bool
	// Err is set when this item alone was refused (it wraps ErrInvalid: no
	// article, a link that is not http(s), an empty tag). Nothing was
	// written for it; the rest of the batch was stored.
	Err error
}

// AddMany stores items as Add would, in one transaction: one commit for
// the whole batch instead of one per article is what makes a bulk import
// fast. Invalid items are refused one by one (AddResult.Err); any other
// failure, a cancelled ctx included, rolls the whole batch back and leaves
// the library as it was, so the caller can retry it or store the items
// with Add. The write lock is held for the whole batch: keep batches to a
// few hundred articles so the window is never kept waiting long.
func (l *Library) AddMany(ctx context.Context, items []NewArticle) ([]AddResult, error) {
	results := make([]AddResult, len(items))
	type prepared struct {
		i      int
		stored *reader.Article
		keys   []string
		tags   []string
		saved  time.Time
	}
	todo := make([]prepared, 0, len(items))
	for i, it := range items {
		if it.Article == nil {
			results[i].Err = fmt.Errorf("add article: %w: no article", ErrInvalid)
			continue
		}
		keys, err := urlKeys(it.Article, it.Options.Aliases...)
		if err != nil {
			results[i].Err = fmt.Errorf("add %s: %w", it.Article.URL, err)
			continue
		}
		tags, err := cleanTags(it.Options.Tags)
		if err != nil {
			results[i].Err = fmt.Errorf("add %s: %w", it.Article.URL, err)
			continue
		}
		todo = append(todo, prepared{i: i, stored: storedForm(it.Article, it.Options), keys: keys, tags: tags})
	}
	if len(todo) == 0 {
		return results, nil
	}
	now := l.now()
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		w := newTxWriter(tx)
		for _, p := range todo {
			opts := items[p.i].Options
			saved := opts.Saved
			if saved.IsZero() {
				saved = now
			}
			id, err := l.insert(ctx, w, p.stored, p.keys, p.tags, opts, saved, now)
			switch {
			case errors.Is(err, ErrDuplicate):
				results[p.i] = AddResult{ID: id, Duplicate: true}
			case err != nil:
				return fmt.Errorf("add %s: %w", p.stored.URL, err)
			default:
				results[p.i] = AddResult{ID: id}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("add %d articles: %w", len(todo), err)
	}
	return results, nil
}

// storedForm is what is kept of a: everything, or for a bookmark only its
// link and title.
func storedForm(a *reader.Article, opts AddOptions) *reader.Article {
	if opts.Bookmark {
		return &reader.Article{URL: reader.WithoutCredentials(a.URL), Title: a.Title}
	}
	// A password in a link is for the fetch only, never for the library.
	if hasCredentials(a.URL, a.Canonical, a.LeadImage) {
		c := *a
		c.URL = reader.WithoutCredentials(a.URL)
		c.Canonical = reader.WithoutCredentials(a.Canonical)
		c.LeadImage = reader.WithoutCredentials(a.LeadImage)
		a = &c
	}
	return a
}

func hasCredentials(links ...string) bool {
	for _, l := range links {
		if reader.WithoutCredentials(l) != l {
			return true
		}
	}
	return false
}

// txWriter runs the statements of one write transaction, preparing each
// distinct statement once: storing an article repeats the same dozen
// statements, and parsing them anew each time was a quarter of an
// import's time. It also remembers the tags it has looked up or created.
// It lives no longer than its transaction, which closes the statements.
type txWriter struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	tags  map[string]tagRef // by tagKey
	// search holds the search entries sync writes at the end of its
	// transaction (see flushSearch).
	search searchQueue
}

// tagRef is a tag's id and its stored spelling.
type tagRef struct {
	id   int64
	name string
}

func newTxWriter(tx *sql.Tx) *txWriter {
	return &txWriter{tx: tx, stmts: make(map[string]*sql.Stmt), tags: make(map[string]tagRef)}
}

func (w *txWriter) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := w.stmts[query]; ok {
		return s, nil
	}
	s, err := w.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = s
	return s, nil
}

func (w *txWriter) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (w *txWriter) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (w *txWriter) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := w.stmt(ctx, query)
	if err != nil {
		// A *sql.Row cannot be made to carry err; running the query
		// unprepared reports the same error through Scan.
		return w.tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// tag returns the tag named name, creating it if needed.
func (w *txWriter) tag(ctx context.Context, name string) (tagRef, error) {
	k := tagKey(name)
	if t, ok := w.tags[k]; ok {
		return t, nil
	}
	t, err := tagID(ctx, w, name)
	if err != nil {
		return tagRef{}, err
	}
	w.tags[k] = t
	return t, nil
}
