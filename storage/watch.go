package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Watch notices changes to the library made through other connections: the
// folio command, another window, or this process's other connections.
// SQLite's PRAGMA data_version moves on one connection when any other
// commits, so a Watch keeps a connection of its own.
type Watch struct {
	conn *sql.Conn
	last int64
}

// Watch opens a Watch; Close it when done, as it holds a connection.
func (l *Library) Watch(ctx context.Context) (*Watch, error) {
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("watch the library: %w", err)
	}
	w := &Watch{conn: conn}
	if w.last, err = w.version(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return w, nil
}

func (w *Watch) version(ctx context.Context) (int64, error) {
	var v int64
	if err := w.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("watch the library: %w", err)
	}
	return v, nil
}

// Changed reports whether another connection committed since the Watch was
// opened or Changed last said so.
func (w *Watch) Changed(ctx context.Context) (bool, error) {
	v, err := w.version(ctx)
	if err != nil {
		return false, err
	}
	changed := v != w.last
	w.last = v
	return changed, nil
}

// Close gives the Watch's connection back.
func (w *Watch) Close() error { return w.conn.Close() }

// Updated is when article id's content or flags last changed, or
// ErrNotFound: a cheap way to see whether an open article is still current.
func (l *Library) Updated(ctx context.Context, id int64) (time.Time, error) {
	var n int64
	err := l.db.QueryRowContext(ctx, `SELECT updated FROM articles WHERE id = ?`, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("article %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("article %d: %w", id, err)
	}
	return decTime(n), nil
}
