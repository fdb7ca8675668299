package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/folio-app/folio/reader"
)

// Record is everything the library holds of one article, as a lossless
// archive carries it: the article with its images' bytes and original
// page, every link it is known by, and its notes and highlights with their
// times. The search entry and tag counts are derived, and rebuilt on the
// way in.
type Record struct {
	Article
	// Aliases are the article's links as the library keys them
	// (normalized), its URL and canonical URL included.
	Aliases    []string
	Notes      []Note
	Highlights []Highlight
}

// Record loads article id whole; ErrNotFound if it is not there.
func (l *Library) Record(ctx context.Context, id int64) (*Record, error) {
	a, err := l.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	r := &Record{Article: *a}
	if r.Images, err = l.imagesWithData(ctx, id); err != nil {
		return nil, fmt.Errorf("record of article %d: %w", id, err)
	}
	switch page, err := l.Page(ctx, id); {
	case err == nil:
		r.Page = page
	case !errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("record of article %d: %w", id, err)
	}
	rows, err := l.db.QueryContext(ctx, `SELECT norm FROM article_urls WHERE article_id = ? ORDER BY norm`, id)
	if err != nil {
		return nil, fmt.Errorf("record of article %d: links: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("record of article %d: links: %w", id, err)
		}
		r.Aliases = append(r.Aliases, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("record of article %d: links: %w", id, err)
	}
	if r.Notes, err = l.Notes(ctx, id); err != nil {
		return nil, err
	}
	if r.Highlights, err = l.Highlights(ctx, id); err != nil {
		return nil, err
	}
	return r, nil
}

// imagesWithData is images with the bytes of those that were stored.
func (l *Library) imagesWithData(ctx context.Context, id int64) ([]reader.Image, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT i.url, i.hash IS NOT NULL, COALESCE(b.content_type, ''), b.data, i.error
		FROM article_images i LEFT JOIN blobs b ON b.hash = i.hash
		WHERE i.article_id = ? ORDER BY i.position`, id)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	defer rows.Close()
	var imgs []reader.Image
	for rows.Next() {
		var (
			img    reader.Image
			stored bool
		)
		if err := rows.Scan(&img.URL, &stored, &img.ContentType, &img.Data, &img.Err); err != nil {
			return nil, fmt.Errorf("images: %w", err)
		}
		if stored && img.Data == nil {
			img.Data = []byte{} // stored, and empty: still not a failed download
		}
		imgs = append(imgs, img)
	}
	return imgs, rows.Err()
}

// AddRecord stores r as a new article exactly as it was: its saved and
// updated times, flags, fetch state, links, images, page, tags, and notes
// and highlights with their times, in one transaction. If one of its links is already in
// the library, nothing is written and the existing article's id is
// returned with an error wrapping ErrDuplicate (see AddNotes and Merge to
// fold it in).
func (l *Library) AddRecord(ctx context.Context, r *Record) (int64, error) {
	if r == nil {
		return 0, fmt.Errorf("add record: %w: no article", ErrInvalid)
	}
	keys, err := urlKeys(&r.Article.Article, r.Aliases...)
	if err != nil {
		return 0, fmt.Errorf("add %s: %w", r.URL, err)
	}
	tags, err := cleanTags(r.Tags)
	if err != nil {
		return 0, fmt.Errorf("add %s: %w", r.URL, err)
	}
	now := l.now()
	saved, updated := r.Saved, r.Updated
	if saved.IsZero() {
		saved = now
	}
	if updated.IsZero() {
		updated = now
	}
	opts := AddOptions{Read: r.Read, Favorite: r.Favorite, Archived: r.Archived,
		Bookmark: !r.Fetched, FetchError: r.FetchError}
	var id int64
	err = l.withTx(ctx, func(tx *sql.Tx) error {
		w := newTxWriter(tx)
		var err error
		if id, err = l.insert(ctx, w, &r.Article.Article, keys, tags, opts, saved, updated); err != nil {
			return err
		}
		if _, err := insertHighlights(ctx, w, id, r.Highlights, nil, now); err != nil {
			return err
		}
		n, err := insertNotes(ctx, w, id, r.Notes, nil, now)
		if err != nil || n == 0 {
			return err
		}
		return syncSearch(ctx, w, id)
	})
	if errors.Is(err, ErrDuplicate) {
		return id, fmt.Errorf("add %s: %w (article %d)", r.URL, ErrDuplicate, id)
	}
	if err != nil {
		return 0, fmt.Errorf("add %s: %w", r.URL, err)
	}
	return id, nil
}

// AddNotes adds to article articleID those of notes it does not have yet
// (the same text, ignoring white space around it), keeping their times,
// and returns how many it added. Importing the same archive twice adds
// nothing the second time.
func (l *Library) AddNotes(ctx context.Context, articleID int64, notes []Note) (int, error) {
	var added int
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, articleID); err != nil {
			return err
		}
		have := map[string]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT text FROM notes WHERE article_id = ?`, articleID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			have[strings.TrimSpace(t)] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if added, err = insertNotes(ctx, tx, articleID, notes, have, l.now()); err != nil || added == 0 {
			return err
		}
		return syncSearch(ctx, tx, articleID)
	})
	if err != nil {
		return 0, fmt.Errorf("add notes to article %d: %w", articleID, err)
	}
	return added, nil
}

// insertNotes writes notes of article id with their own times (now for a
// zero time), skipping empty ones and those whose text is in have.
func insertNotes(ctx context.Context, q querier, id int64, notes []Note, have map[string]bool, now time.Time) (int, error) {
	n := 0
	for _, note := range notes {
		text := strings.TrimSpace(note.Text)
		if text == "" || have[text] {
			continue
		}
		created, updated := encTime(note.Created), encTime(note.Updated)
		if note.Created.IsZero() {
			created = encTime(now)
		}
		if note.Updated.IsZero() {
			updated = created
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO notes(article_id, text, created, updated) VALUES (?, ?, ?, ?)`,
			id, text, created, updated); err != nil {
			return n, fmt.Errorf("insert note: %w", err)
		}
		if have != nil {
			have[text] = true
		}
		n++
	}
	return n, nil
}
