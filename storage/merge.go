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

// Merge is what another save of an article already in the library adds to
// it: an import that finds a link it has, or 'folio add' of a saved link.
// Nothing in it ever takes something away.
type Merge struct {
	// Tags are added.
	Tags []string
	// Read, Favorite and Archived set the flag when true; false leaves it.
	Read, Favorite, Archived bool
	// Saved replaces the saved time when it is earlier: the article was
	// first saved then. Zero leaves it.
	Saved time.Time
	// Title replaces the stored title only when that is empty or only a
	// link (exports name a link they knew no title for by the link itself),
	// and only when Title is not a link itself.
	Title string
	// Aliases are other links to the article, recorded so that a later
	// save of any of them is known without fetching it. One already
	// pointing at another article stays with it.
	Aliases []string
}

// Merge folds m into article id, in one transaction, and returns the
// article's title as it now stands.
func (l *Library) Merge(ctx context.Context, id int64, m Merge) (string, error) {
	tags, err := cleanTags(m.Tags)
	if err != nil {
		return "", fmt.Errorf("merge into article %d: %w", id, err)
	}
	var keys []string
	for _, a := range m.Aliases {
		k, err := reader.NormalizeURL(a)
		if err != nil {
			return "", fmt.Errorf("merge into article %d: %w: %w", id, ErrInvalid, err)
		}
		keys = append(keys, k)
	}
	title := strings.TrimSpace(m.Title)
	if IsLinkTitle(title) {
		title = ""
	}
	var stored string
	err = l.withTx(ctx, func(tx *sql.Tx) error {
		var saved int64
		err := tx.QueryRowContext(ctx, `SELECT title, saved FROM articles WHERE id = ?`, id).Scan(&stored, &saved)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var sets []string
		var args []any
		for _, f := range []struct {
			on  bool
			col string
		}{{m.Read, "read"}, {m.Favorite, "favorite"}, {m.Archived, "archived"}} {
			if f.on {
				sets = append(sets, f.col+" = 1")
			}
		}
		if !m.Saved.IsZero() && encTime(m.Saved) < saved {
			sets, args = append(sets, "saved = ?"), append(args, encTime(m.Saved))
		}
		retitle := title != "" && IsLinkTitle(stored)
		if retitle {
			stored = title
			sets, args = append(sets, "title = ?", "title_key = ?"), append(args, title, foldKey(title))
		}
		if len(sets) > 0 {
			if _, err := tx.ExecContext(ctx, "UPDATE articles SET "+strings.Join(sets, ", ")+" WHERE id = ?", append(args, id)...); err != nil {
				return fmt.Errorf("update article: %w", err)
			}
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO article_urls(norm, article_id) VALUES (?, ?)`, k, id); err != nil {
				return fmt.Errorf("insert url: %w", err)
			}
		}
		for _, t := range tags {
			if err := addTag(ctx, tx, id, t); err != nil {
				return err
			}
		}
		if len(tags) > 0 || retitle {
			return syncSearch(ctx, tx, id)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("merge into article %d: %w", id, err)
	}
	return stored, nil
}

// IsLinkTitle reports whether title is empty or only a link: what an export
// or a page without a title fills the title with.
func IsLinkTitle(title string) bool {
	t := strings.TrimSpace(title)
	if t == "" {
		return true
	}
	if strings.ContainsAny(t, " \t\n") {
		return false
	}
	lt := strings.ToLower(t)
	return strings.HasPrefix(lt, "http://") || strings.HasPrefix(lt, "https://") || strings.HasPrefix(lt, "www.")
}
