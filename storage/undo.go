package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Removed is what Remove deleted, kept in memory so that Restore can put it
// back: every row of the articles and of each table that refers to them,
// with the images and tags no other article used.
type Removed struct {
	IDs    []int64
	tables []rowSet // articles first, then the tables with an article_id
	blobs  rowSet
	tags   map[int64][2]string // tag id → name, key
}

// rowSet is rows of one table as SQLite gave them.
type rowSet struct {
	table string
	cols  []string
	rows  [][]any
}

// Remove deletes the articles ids as Delete does and returns what it deleted,
// for an Undo. Ids already gone are skipped.
func (l *Library) Remove(ctx context.Context, ids ...int64) (*Removed, error) {
	var out *Removed
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = capture(ctx, tx, ids); err != nil {
			return err
		}
		return deleteArticles(ctx, tx, ids)
	})
	if err != nil {
		return nil, fmt.Errorf("delete articles: %w", err)
	}
	return out, nil
}

// capture reads every row that deleting ids removes. The tables that refer
// to an article are found by their article_id column, so a table added by
// a later migration is kept too.
func capture(ctx context.Context, tx *sql.Tx, ids []int64) (*Removed, error) {
	r := &Removed{tags: map[int64][2]string{}}
	in := placeholders(len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	arts, err := readRows(ctx, tx, "articles", "id IN ("+in+")", args)
	if err != nil {
		return nil, err
	}
	if len(arts.rows) == 0 {
		return r, nil
	}
	idCol := colIndex(arts.cols, "id")
	for _, row := range arts.rows {
		r.IDs = append(r.IDs, row[idCol].(int64))
	}
	r.tables = append(r.tables, arts)
	tables, err := articleTables(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		rs, err := readRows(ctx, tx, t, "article_id IN ("+in+")", args)
		if err != nil {
			return nil, err
		}
		r.tables = append(r.tables, rs)
	}
	r.blobs, err = readRows(ctx, tx, "blobs", "hash IN (SELECT hash FROM article_images WHERE article_id IN ("+in+"))", args)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, name, key FROM tags WHERE id IN
		(SELECT tag_id FROM article_tags WHERE article_id IN (`+in+`))`, args...)
	if err != nil {
		return nil, fmt.Errorf("read tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, key string
		if err := rows.Scan(&id, &name, &key); err != nil {
			return nil, fmt.Errorf("read tags: %w", err)
		}
		r.tags[id] = [2]string{name, key}
	}
	return r, rows.Err()
}

// articleTables lists the ordinary tables with an article_id column, those
// that blobs and tags rows must be restored before coming last.
func articleTables(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%' AND c.name = 'article_id' ORDER BY m.name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func readRows(ctx context.Context, tx *sql.Tx, table, where string, args []any) (rowSet, error) {
	rs := rowSet{table: table}
	rows, err := tx.QueryContext(ctx, `SELECT * FROM "`+table+`" WHERE `+where, args...)
	if err != nil {
		return rs, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	if rs.cols, err = rows.Columns(); err != nil {
		return rs, fmt.Errorf("read %s: %w", table, err)
	}
	for rows.Next() {
		vals := make([]any, len(rs.cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return rs, fmt.Errorf("read %s: %w", table, err)
		}
		rs.rows = append(rs.rows, vals)
	}
	return rs, rows.Err()
}

func colIndex(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return -1
}

// Restore puts back what Remove deleted, in one transaction, with the same
// ids where they are still free (IDs then lists those used). It fails,
// changing nothing, if one of the articles was saved again since
// (ErrDuplicate).
func (l *Library) Restore(ctx context.Context, r *Removed) error {
	if r == nil || len(r.IDs) == 0 {
		return nil
	}
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		if err := insertRows(ctx, tx, r.blobs, "INSERT OR IGNORE"); err != nil {
			return err
		}
		// A tag dropped with its last article comes back; one made again
		// since (same key) is used as it is.
		tagIDs := map[int64]int64{}
		for old, nk := range r.tags {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM tags WHERE key = ?`, nk[1]).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				err = tx.QueryRowContext(ctx, `INSERT INTO tags(id, name, key) VALUES (
					(SELECT CASE WHEN EXISTS (SELECT 1 FROM tags WHERE id = ?1) THEN NULL ELSE ?1 END), ?2, ?3)
					RETURNING id`, old, nk[0], nk[1]).Scan(&id)
			}
			if err != nil {
				return fmt.Errorf("restore tag %q: %w", nk[0], err)
			}
			tagIDs[old] = id
		}
		if err := r.renumber(ctx, tx); err != nil {
			return err
		}
		for _, rs := range r.tables {
			if rs.table == "article_tags" {
				c := colIndex(rs.cols, "tag_id")
				for _, row := range rs.rows {
					row[c] = tagIDs[row[c].(int64)]
				}
			}
			if c := colIndex(rs.cols, "id"); c >= 0 && rs.table != "articles" {
				// a note's own id may have been reused: it gets a new one
				for _, row := range rs.rows {
					var one int
					err := tx.QueryRowContext(ctx, `SELECT 1 FROM "`+rs.table+`" WHERE id = ?`, row[c]).Scan(&one)
					if err == nil {
						row[c] = nil
					} else if !errors.Is(err, sql.ErrNoRows) {
						return fmt.Errorf("restore %s: %w", rs.table, err)
					}
				}
			}
			if err := insertRows(ctx, tx, rs, "INSERT"); err != nil {
				if strings.Contains(err.Error(), "UNIQUE constraint failed: article_urls") {
					return fmt.Errorf("%w: saved again since it was deleted", ErrDuplicate)
				}
				return err
			}
		}
		for _, id := range r.IDs {
			if err := syncSearch(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("restore articles: %w", err)
	}
	return nil
}

// renumber gives a removed article whose id was taken since (SQLite reuses
// the highest id) a new one, in every table that refers to it.
func (r *Removed) renumber(ctx context.Context, tx *sql.Tx) error {
	moved := map[int64]int64{}
	var next int64
	for i, id := range r.IDs {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM articles WHERE id = ?`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("restore article %d: %w", id, err)
		}
		if next == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM articles`).Scan(&next); err != nil {
				return fmt.Errorf("restore article %d: %w", id, err)
			}
			for _, other := range r.IDs {
				next = max(next, other)
			}
		}
		next++
		moved[id] = next
		r.IDs[i] = next
	}
	if len(moved) == 0 {
		return nil
	}
	for _, rs := range r.tables {
		col := "article_id"
		if rs.table == "articles" {
			col = "id"
		}
		c := colIndex(rs.cols, col)
		for _, row := range rs.rows {
			if n, ok := moved[row[c].(int64)]; ok {
				row[c] = n
			}
		}
	}
	return nil
}

func insertRows(ctx context.Context, tx *sql.Tx, rs rowSet, verb string) error {
	if len(rs.rows) == 0 {
		return nil
	}
	q := verb + ` INTO "` + rs.table + `"("` + strings.Join(rs.cols, `","`) + `") VALUES (` + placeholders(len(rs.cols)) + `)`
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return fmt.Errorf("restore %s: %w", rs.table, err)
	}
	defer stmt.Close()
	for _, row := range rs.rows {
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			return fmt.Errorf("restore %s: %w", rs.table, err)
		}
	}
	return nil
}
