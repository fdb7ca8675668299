package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SetJob records where the long work name stands (its owner encodes the
// state), so that an interrupted run can resume.
func (l *Library) SetJob(ctx context.Context, name string, state []byte) error {
	if _, err := l.db.ExecContext(ctx, `INSERT OR REPLACE INTO jobs(name, state, updated) VALUES (?, ?, ?)`,
		name, state, encTime(l.now())); err != nil {
		return fmt.Errorf("record %s: %w", name, err)
	}
	return nil
}

// Job returns the state SetJob recorded for name; ErrNotFound when there
// is none (the work is not under way).
func (l *Library) Job(ctx context.Context, name string) ([]byte, error) {
	var state []byte
	err := l.db.QueryRowContext(ctx, `SELECT state FROM jobs WHERE name = ?`, name).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return state, nil
}

// EndJob forgets the state of name: the work is done.
func (l *Library) EndJob(ctx context.Context, name string) error {
	if _, err := l.db.ExecContext(ctx, `DELETE FROM jobs WHERE name = ?`, name); err != nil {
		return fmt.Errorf("end %s: %w", name, err)
	}
	return nil
}

// OriginalIDs lists, in ascending order, up to limit ids greater than after
// of the articles whose original page or document is stored: the ones that
// can be extracted again.
func (l *Library) OriginalIDs(ctx context.Context, after int64, limit int) ([]int64, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT article_id FROM pages WHERE article_id > ? ORDER BY article_id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list stored originals: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list stored originals: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// CountOriginals counts the articles with an id greater than after whose
// original is stored.
func (l *Library) CountOriginals(ctx context.Context, after int64) (int, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pages WHERE article_id > ?`, after).Scan(&n); err != nil {
		return 0, fmt.Errorf("count stored originals: %w", err)
	}
	return n, nil
}
