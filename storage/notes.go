package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// cleanNote trims text and refuses an empty note.
func cleanNote(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", fmt.Errorf("%w: a note needs some text", ErrInvalid)
	}
	return text, nil
}

// AddNote adds a note to article articleID.
func (l *Library) AddNote(ctx context.Context, articleID int64, text string) (Note, error) {
	text, err := cleanNote(text)
	if err != nil {
		return Note{}, fmt.Errorf("add note to article %d: %w", articleID, err)
	}
	now := l.now()
	n := Note{ArticleID: articleID, Text: text, Created: decTime(encTime(now)), Updated: decTime(encTime(now))}
	err = l.withTx(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, articleID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO notes(article_id, text, created, updated) VALUES (?, ?, ?, ?)`,
			articleID, text, encTime(now), encTime(now))
		if err != nil {
			return err
		}
		if n.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return syncSearch(ctx, tx, articleID)
	})
	if err != nil {
		return Note{}, fmt.Errorf("add note to article %d: %w", articleID, err)
	}
	return n, nil
}

// Notes lists the notes of article articleID, oldest first.
func (l *Library) Notes(ctx context.Context, articleID int64) ([]Note, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, article_id, text, created, updated FROM notes
		WHERE article_id = ? ORDER BY created, id`, articleID)
	if err != nil {
		return nil, fmt.Errorf("list notes of article %d: %w", articleID, err)
	}
	defer rows.Close()
	var ns []Note
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, fmt.Errorf("list notes of article %d: %w", articleID, err)
		}
		ns = append(ns, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list notes of article %d: %w", articleID, err)
	}
	return ns, nil
}

func scanNote(s interface{ Scan(...any) error }) (Note, error) {
	var (
		n       Note
		cr, upd int64
	)
	if err := s.Scan(&n.ID, &n.ArticleID, &n.Text, &cr, &upd); err != nil {
		return Note{}, err
	}
	n.Created, n.Updated = decTime(cr), decTime(upd)
	return n, nil
}

// UpdateNote changes the text of note noteID.
func (l *Library) UpdateNote(ctx context.Context, noteID int64, text string) (Note, error) {
	text, err := cleanNote(text)
	if err != nil {
		return Note{}, fmt.Errorf("update note %d: %w", noteID, err)
	}
	var n Note
	err = l.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notes SET text = ?, updated = ? WHERE id = ?`,
			text, encTime(l.now()), noteID); err != nil {
			return err
		}
		row := tx.QueryRowContext(ctx, `SELECT id, article_id, text, created, updated FROM notes WHERE id = ?`, noteID)
		var err error
		if n, err = scanNote(row); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		return syncSearch(ctx, tx, n.ArticleID)
	})
	if err != nil {
		return Note{}, fmt.Errorf("update note %d: %w", noteID, err)
	}
	return n, nil
}

// DeleteNote deletes note noteID.
func (l *Library) DeleteNote(ctx context.Context, noteID int64) error {
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		var articleID int64
		err := tx.QueryRowContext(ctx, `DELETE FROM notes WHERE id = ? RETURNING article_id`, noteID).Scan(&articleID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return syncSearch(ctx, tx, articleID)
	})
	if err != nil {
		return fmt.Errorf("delete note %d: %w", noteID, err)
	}
	return nil
}
