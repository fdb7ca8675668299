package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Report is what Check found. The zero Report is a sound library.
type Report struct {
	// Integrity holds what PRAGMA integrity_check found wrong in the file:
	// damaged pages or indexes. Empty when the file is sound.
	Integrity []string
	// Dangling lists rows that point at a row no longer there (PRAGMA
	// foreign_key_check): a tag link to a deleted tag, a note of a deleted
	// article.
	Dangling []Dangling
	// SearchIndex is set when the full-text index fails its own check; the
	// articles are intact, their search entries are not.
	SearchIndex string
	// Unindexed counts articles with no search entry: search cannot find
	// them.
	Unindexed int
	// TagCounts names the tags whose stored article count is wrong (the
	// sidebar shows the count).
	TagCounts []string
}

// Dangling is one row whose reference leads nowhere.
type Dangling struct {
	Table  string // the table holding the row
	RowID  int64  // its rowid; 0 for tables without one
	Parent string // the table it should point into
}

// OK reports whether nothing is wrong.
func (r Report) OK() bool {
	return len(r.Integrity) == 0 && len(r.Dangling) == 0 && r.SearchIndex == "" && r.Unindexed == 0 && len(r.TagCounts) == 0
}

// Repairable reports whether everything wrong is derived data that Repair
// rebuilds from what the library holds (the search index, tag counts).
func (r Report) Repairable() bool {
	return len(r.Integrity) == 0 && len(r.Dangling) == 0 && !r.OK()
}

// summary names the first problems, for an error message.
func (r Report) summary() string {
	var parts []string
	if n := len(r.Integrity); n > 0 {
		parts = append(parts, fmt.Sprintf("%d integrity problems (first: %s)", n, r.Integrity[0]))
	}
	if n := len(r.Dangling); n > 0 {
		d := r.Dangling[0]
		parts = append(parts, fmt.Sprintf("%d rows pointing nowhere (first: %s row %d → %s)", n, d.Table, d.RowID, d.Parent))
	}
	if r.SearchIndex != "" {
		parts = append(parts, "search index: "+r.SearchIndex)
	}
	if r.Unindexed > 0 {
		parts = append(parts, fmt.Sprintf("%d articles missing from the search index", r.Unindexed))
	}
	if n := len(r.TagCounts); n > 0 {
		parts = append(parts, fmt.Sprintf("%d tag counts wrong", n))
	}
	return strings.Join(parts, "; ")
}

// maxProblems bounds what a check collects: past a hundred the file is
// beyond listing, and integrity_check stops there too.
const maxProblems = 100

// Check runs SQLite's integrity and foreign-key checks on the library,
// the full-text index's own check, and compares each tag's stored count
// with its articles. It reads only, apart from the index check, which
// SQLite runs as a (rolled-back) write.
func (l *Library) Check(ctx context.Context) (Report, error) {
	r, err := integrity(ctx, l.db)
	if err != nil {
		return r, fmt.Errorf("check library %s: %w", l.path, err)
	}
	if len(r.Integrity) > 0 {
		return r, nil // the other checks would read damaged pages
	}
	if r.SearchIndex, err = l.checkSearch(ctx); err != nil {
		return r, fmt.Errorf("check library %s: %w", l.path, err)
	}
	if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles
		WHERE id NOT IN (SELECT rowid FROM search)`).Scan(&r.Unindexed); err != nil {
		return r, fmt.Errorf("check library %s: search entries: %w", l.path, err)
	}
	rows, err := l.db.QueryContext(ctx, `SELECT t.name FROM tags t
		WHERE t.articles != (SELECT COUNT(*) FROM article_tags x WHERE x.tag_id = t.id) ORDER BY t.key`)
	if err != nil {
		return r, fmt.Errorf("check library %s: tag counts: %w", l.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return r, fmt.Errorf("check library %s: tag counts: %w", l.path, err)
		}
		r.TagCounts = append(r.TagCounts, name)
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("check library %s: tag counts: %w", l.path, err)
	}
	return r, nil
}

// integrity runs PRAGMA integrity_check and foreign_key_check on db.
func integrity(ctx context.Context, db *sql.DB) (Report, error) {
	var r Report
	rows, err := db.QueryContext(ctx, fmt.Sprintf("PRAGMA integrity_check(%d)", maxProblems))
	if err != nil {
		if isCorrupt(err) {
			r.Integrity = []string{err.Error()}
			return r, nil
		}
		return r, fmt.Errorf("integrity check: %w", err)
	}
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return r, fmt.Errorf("integrity check: %w", err)
		}
		// One row may hold several findings, a line each.
		for _, line := range strings.Split(msg, "\n") {
			line = strings.TrimSpace(line)
			if line != "ok" && line != "" && !strings.HasPrefix(line, "***") {
				r.Integrity = append(r.Integrity, line)
			}
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		if isCorrupt(err) {
			r.Integrity = append(r.Integrity, err.Error())
			return r, nil
		}
		return r, fmt.Errorf("integrity check: %w", err)
	}
	if len(r.Integrity) > 0 {
		return r, nil
	}
	rows, err = db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return r, fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			d     Dangling
			rowid sql.NullInt64
			fkid  int64
		)
		if err := rows.Scan(&d.Table, &rowid, &d.Parent, &fkid); err != nil {
			return r, fmt.Errorf("foreign key check: %w", err)
		}
		d.RowID = rowid.Int64
		if len(r.Dangling) < maxProblems {
			r.Dangling = append(r.Dangling, d)
		}
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("foreign key check: %w", err)
	}
	return r, nil
}

// isCorrupt reports SQLite's answer for a file it cannot read as a
// database: the check's finding, not a failure to run it.
func isCorrupt(err error) bool {
	s := err.Error()
	return strings.Contains(s, "malformed") || strings.Contains(s, "not a database") || strings.Contains(s, "corrupt")
}

// checkSearch runs FTS5's integrity-check command on the search index and
// returns its complaint, or "" when the index is sound.
func (l *Library) checkSearch(ctx context.Context) (string, error) {
	_, err := l.db.ExecContext(ctx, `INSERT INTO search(search, rank) VALUES ('integrity-check', 0)`)
	if err == nil {
		return "", nil
	}
	if isCorrupt(err) {
		return err.Error(), nil
	}
	return "", fmt.Errorf("search index check: %w", err)
}

// Repair rebuilds the data the library derives from what it holds: every
// article's search entry and every tag's count. It changes no article,
// tag, note or image, so it is safe whatever Check said; it cannot mend a
// damaged file (restore a backup for that). One transaction: the window
// waits for it, for about a second per 10,000 articles.
func (l *Library) Repair(ctx context.Context) error {
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE tags SET articles = (SELECT COUNT(*) FROM article_tags x WHERE x.tag_id = tags.id)`); err != nil {
			return fmt.Errorf("recount tags: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO search(search) VALUES ('delete-all')`); err != nil {
			return fmt.Errorf("clear search index: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM articles ORDER BY id`)
		if err != nil {
			return fmt.Errorf("list articles: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		w := newTxWriter(tx)
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := syncSearch(ctx, w, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("repair library %s: %w", l.path, err)
	}
	return nil
}
