package storage

import (
	"context"
	"fmt"
	"math"
)

// SetPosition records where the reader left article id: position is a byte
// offset in the reader's plain text, progress how far through it is (0 to
// 1). It is not an edit: the article's updated time and search entry stay.
func (l *Library) SetPosition(ctx context.Context, id int64, position int, progress float64) error {
	if position < 0 || math.IsNaN(progress) {
		return fmt.Errorf("set reading position of %d: %w: position %d, progress %v", id, ErrInvalid, position, progress)
	}
	progress = math.Max(0, math.Min(1, progress))
	res, err := l.db.ExecContext(ctx, `UPDATE articles SET position = ?, progress = ? WHERE id = ?`, position, progress, id)
	if err != nil {
		return fmt.Errorf("set reading position of %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set reading position of %d: %w", id, ErrNotFound)
	}
	return nil
}
