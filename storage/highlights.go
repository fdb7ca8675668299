package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/folio-app/folio/anchor"
)

// Color is a highlight's colour, by name.
type Color string

// The four highlight colours.
const (
	Yellow Color = "yellow"
	Green  Color = "green"
	Blue   Color = "blue"
	Pink   Color = "pink"
)

// Colors are the highlight colours in the order they are offered.
func Colors() []Color { return []Color{Yellow, Green, Blue, Pink} }

// ParseColor reads a colour name, in any case; empty is Yellow.
func ParseColor(s string) (Color, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return Yellow, nil
	}
	for _, c := range Colors() {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("%w: unknown colour %q (yellow, green, blue or pink)", ErrInvalid, s)
}

// ErrNotInText is returned by AddHighlight when the quote is not in the
// article's text (or the article has no text).
var ErrNotInText = errors.New("quote not in the article's text")

// Highlight is a passage of an article the person marked, with its colour
// and note. Its anchor follows the W3C Web Annotation selectors: Exact,
// Prefix and Suffix are a TextQuoteSelector, Start and End a
// TextPositionSelector in code points of the article's Text.
type Highlight struct {
	ID        int64
	ArticleID int64
	Color     Color
	Note      string

	Exact  string // the passage as the article's text has it
	Prefix string // up to anchor.ContextLen code points before it
	Suffix string // and after it
	Start  int
	End    int
	// Detached is true when the article's text changed and the passage
	// could not be found in it again; the highlight keeps its quote, note
	// and old offsets, and is placed again if a later text has it.
	Detached bool

	Created time.Time
	// Updated changes with the note or colour (not when a new text of the
	// article moves the highlight).
	Updated time.Time
}

// Quote is the highlight's TextQuoteSelector.
func (h Highlight) Quote() anchor.Quote {
	return anchor.Quote{Exact: h.Exact, Prefix: h.Prefix, Suffix: h.Suffix}
}

const highlightCols = `h.id, h.article_id, h.color, h.note, h.exact, h.prefix, h.suffix,
	h.pos_start, h.pos_end, h.detached, h.created, h.updated`

// returnedCols are highlightCols for a RETURNING clause, which takes no
// table names.
var returnedCols = strings.ReplaceAll(highlightCols, "h.", "")

func scanHighlight(s interface{ Scan(...any) error }, extra ...any) (Highlight, error) {
	var (
		h       Highlight
		color   string
		cr, upd int64
	)
	dest := append([]any{&h.ID, &h.ArticleID, &color, &h.Note, &h.Exact, &h.Prefix, &h.Suffix,
		&h.Start, &h.End, &h.Detached, &cr, &upd}, extra...)
	if err := s.Scan(dest...); err != nil {
		return Highlight{}, err
	}
	h.Color = Color(color)
	h.Created, h.Updated = decTime(cr), decTime(upd)
	return h, nil
}

// AddHighlight marks a passage of article articleID. h.Exact is the
// passage; h.Prefix and h.Suffix, when given, tell it apart from other
// places with the same words, and h.Start/h.End (code points; End > Start)
// say where it was seen. The passage is looked up in the article's text as
// stored (white space differences do not matter, small ones in the words
// are tolerated: see anchor.Locate) and stored as found there, with fresh
// context; ErrNotInText if it is not there. Color defaults to Yellow.
// ID, Created and Updated are set.
func (l *Library) AddHighlight(ctx context.Context, articleID int64, h Highlight) (Highlight, error) {
	var err error
	if h.Color, err = ParseColor(string(h.Color)); err != nil {
		return Highlight{}, fmt.Errorf("add highlight to article %d: %w", articleID, err)
	}
	if strings.TrimSpace(h.Exact) == "" {
		return Highlight{}, fmt.Errorf("add highlight to article %d: %w: a highlight needs some text", articleID, ErrInvalid)
	}
	h.Note = strings.TrimSpace(h.Note)
	h.ArticleID, h.Detached = articleID, false
	now := decTime(encTime(l.now()))
	h.Created, h.Updated = now, now
	err = l.withTx(ctx, func(tx *sql.Tx) error {
		text, err := articleText(ctx, tx, articleID)
		if err != nil {
			return err
		}
		t := anchor.New(text)
		hint := -1
		if h.End > h.Start && h.Start >= 0 {
			hint = t.Norm(t.Byte(h.Start))
		}
		m := t.Locate(h.Quote(), hint)
		if m.Method == anchor.Detached {
			return ErrNotInText
		}
		place(t, &h, m)
		res, err := tx.ExecContext(ctx, `INSERT INTO highlights(article_id, color, note, exact, prefix, suffix,
			pos_start, pos_end, detached, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
			articleID, string(h.Color), h.Note, h.Exact, h.Prefix, h.Suffix, h.Start, h.End, encTime(now), encTime(now))
		if err != nil {
			return err
		}
		h.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return Highlight{}, fmt.Errorf("add highlight to article %d: %w", articleID, err)
	}
	return h, nil
}

// place sets h's anchor to match m in t.
func place(t *anchor.Text, h *Highlight, m anchor.Match) {
	q := t.Cut(m.Start, m.End)
	h.Exact, h.Prefix, h.Suffix = q.Exact, q.Prefix, q.Suffix
	h.Start, h.End = t.Runes(m.Start), t.Runes(m.End)
	h.Detached = false
}

// articleText is the stored plain text of article id; ErrNotFound if there
// is no such article.
func articleText(ctx context.Context, q querier, id int64) (string, error) {
	var text sql.NullString
	err := q.QueryRowContext(ctx, `SELECT c.text FROM articles a LEFT JOIN article_content c ON c.article_id = a.id
		WHERE a.id = ?`, id).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return text.String, err
}

// Highlights lists the highlights of article articleID in the order of the
// text, the detached ones last.
func (l *Library) Highlights(ctx context.Context, articleID int64) ([]Highlight, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT `+highlightCols+` FROM highlights h
		WHERE h.article_id = ? ORDER BY h.detached, h.pos_start, h.id`, articleID)
	if err != nil {
		return nil, fmt.Errorf("list highlights of article %d: %w", articleID, err)
	}
	defer rows.Close()
	var hs []Highlight
	for rows.Next() {
		h, err := scanHighlight(rows)
		if err != nil {
			return nil, fmt.Errorf("list highlights of article %d: %w", articleID, err)
		}
		hs = append(hs, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list highlights of article %d: %w", articleID, err)
	}
	return hs, nil
}

// Highlight returns highlight id; ErrNotFound if there is none.
func (l *Library) Highlight(ctx context.Context, id int64) (Highlight, error) {
	h, err := scanHighlight(l.db.QueryRowContext(ctx, `SELECT `+highlightCols+` FROM highlights h WHERE h.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Highlight{}, fmt.Errorf("read highlight %d: %w", id, err)
	}
	return h, nil
}

// SetHighlightNote changes the note of highlight id; an empty note removes
// it.
func (l *Library) SetHighlightNote(ctx context.Context, id int64, note string) (Highlight, error) {
	h, err := l.updateHighlight(ctx, id, "note", strings.TrimSpace(note))
	if err != nil {
		return Highlight{}, fmt.Errorf("set the note of highlight %d: %w", id, err)
	}
	return h, nil
}

// SetHighlightColor changes the colour of highlight id.
func (l *Library) SetHighlightColor(ctx context.Context, id int64, c Color) (Highlight, error) {
	c, err := ParseColor(string(c))
	if err == nil {
		var h Highlight
		if h, err = l.updateHighlight(ctx, id, "color", string(c)); err == nil {
			return h, nil
		}
	}
	return Highlight{}, fmt.Errorf("set the colour of highlight %d: %w", id, err)
}

func (l *Library) updateHighlight(ctx context.Context, id int64, col, value string) (Highlight, error) {
	var h Highlight
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		h, err = scanHighlight(tx.QueryRowContext(ctx, `UPDATE highlights SET `+col+` = ?, updated = ?
			WHERE id = ? RETURNING `+returnedCols, value, encTime(l.now()), id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		return err
	})
	return h, err
}

// DeleteHighlight deletes highlight id and returns it as it was.
func (l *Library) DeleteHighlight(ctx context.Context, id int64) (Highlight, error) {
	var h Highlight
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		h, err = scanHighlight(tx.QueryRowContext(ctx, `DELETE FROM highlights WHERE id = ? RETURNING `+returnedCols, id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return Highlight{}, fmt.Errorf("delete highlight %d: %w", id, err)
	}
	return h, nil
}

// HighlightFilter selects highlights across the library for AllHighlights.
type HighlightFilter struct {
	Tag   string // the article's tag, case-insensitive; empty for any
	Color Color  // empty for any
	// Article limits the list to one article; 0 for all.
	Article int64
	// Limit is the page size (default 50, at most 1000).
	Limit int
	// After is the cursor returned with the previous page; empty for the first.
	After string
}

// HighlightEntry is a highlight with the article it belongs to.
type HighlightEntry struct {
	Highlight
	Title string
	URL   string
	Site  string
}

// AllHighlights lists highlights across the library, newest first, a page
// at a time: next is the cursor of the following page, empty after the
// last.
func (l *Library) AllHighlights(ctx context.Context, f HighlightFilter) (entries []HighlightEntry, next string, err error) {
	limit := Filter{Limit: f.Limit}.limit()
	var conds []string
	var args []any
	if f.Color != "" {
		c, err := ParseColor(string(f.Color))
		if err != nil {
			return nil, "", fmt.Errorf("list highlights: %w", err)
		}
		conds, args = append(conds, "h.color = ?"), append(args, string(c))
	}
	if f.Tag != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM article_tags x JOIN tags t ON t.id = x.tag_id
			WHERE x.article_id = h.article_id AND t.key = ?)`)
		args = append(args, tagKey(f.Tag))
	}
	if f.Article != 0 {
		conds, args = append(conds, "h.article_id = ?"), append(args, f.Article)
	}
	if f.After != "" {
		created, id, ok := parseHighlightCursor(f.After)
		if !ok {
			return nil, "", fmt.Errorf("list highlights: %w: bad cursor", ErrInvalid)
		}
		conds, args = append(conds, "(h.created, h.id) < (?, ?)"), append(args, created, id)
	}
	q := `SELECT ` + highlightCols + `, a.title, a.url, a.site FROM highlights h JOIN articles a ON a.id = h.article_id`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY h.created DESC, h.id DESC LIMIT ?"
	rows, err := l.db.QueryContext(ctx, q, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list highlights: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e HighlightEntry
		if e.Highlight, err = scanHighlight(rows, &e.Title, &e.URL, &e.Site); err != nil {
			return nil, "", fmt.Errorf("list highlights: %w", err)
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list highlights: %w", err)
	}
	if len(entries) > limit {
		entries = entries[:limit]
		last := entries[limit-1]
		next = strconv.FormatInt(encTime(last.Created), 10) + "." + strconv.FormatInt(last.ID, 10)
	}
	return entries, next, nil
}

func parseHighlightCursor(s string) (int64, int64, bool) {
	a, b, ok := strings.Cut(s, ".")
	created, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	return created, id, ok && err1 == nil && err2 == nil
}

// reanchor places the highlights of article id again in its new text, in
// the transaction that stores that text. old is the text they were placed
// in. A highlight found nowhere is kept, detached.
func reanchor(ctx context.Context, tx *sql.Tx, id int64, old, text string) error {
	if old == text {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+highlightCols+` FROM highlights h WHERE h.article_id = ?`, id)
	if err != nil {
		return fmt.Errorf("read highlights: %w", err)
	}
	var hs []Highlight
	for rows.Next() {
		h, err := scanHighlight(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("read highlights: %w", err)
		}
		hs = append(hs, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read highlights: %w", err)
	}
	if len(hs) == 0 {
		return nil
	}
	ot, nt := anchor.New(old), anchor.New(text)
	for _, h := range hs {
		hint := ot.Norm(ot.Byte(h.Start))
		if h.Detached {
			hint = -1
		}
		m := nt.Locate(h.Quote(), hint)
		if m.Method == anchor.Detached {
			if _, err := tx.ExecContext(ctx, `UPDATE highlights SET detached = 1 WHERE id = ?`, h.ID); err != nil {
				return fmt.Errorf("detach highlight %d: %w", h.ID, err)
			}
			continue
		}
		place(nt, &h, m)
		if _, err := tx.ExecContext(ctx, `UPDATE highlights SET exact = ?, prefix = ?, suffix = ?, pos_start = ?, pos_end = ?,
			detached = 0 WHERE id = ?`, h.Exact, h.Prefix, h.Suffix, h.Start, h.End, h.ID); err != nil {
			return fmt.Errorf("place highlight %d: %w", h.ID, err)
		}
	}
	return nil
}

// AddHighlights adds to article articleID those of hs it does not have yet
// (the same passage at the same place), keeping their colours, notes and
// times (now for a zero time); ID and ArticleID are ignored. Each is placed
// in the article's text as it is now (its Start, when End > Start, as the
// hint); one that cannot be placed is stored detached when keepDetached or
// when the article has no text (a bookmark: a fetch will place it), else
// returned in unplaced and not stored. An archive's highlights come
// back this way, and importing it twice adds nothing the second time.
func (l *Library) AddHighlights(ctx context.Context, articleID int64, hs []Highlight, keepDetached bool) (added int, unplaced []Highlight, err error) {
	err = l.withTx(ctx, func(tx *sql.Tx) error {
		text, err := articleText(ctx, tx, articleID)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT exact, pos_start FROM highlights WHERE article_id = ?`, articleID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var h Highlight
			if err := rows.Scan(&h.Exact, &h.Start); err != nil {
				rows.Close()
				return err
			}
			have[highlightKey(h)] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var fresh []Highlight
		for _, h := range hs {
			if !have[highlightKey(h)] {
				fresh = append(fresh, h)
			}
		}
		var place []Highlight
		place, unplaced = placeAll(text, fresh)
		if keepDetached || strings.TrimSpace(text) == "" {
			place, unplaced = append(place, unplaced...), nil
		}
		added, err = insertHighlights(ctx, tx, articleID, place, have, l.now())
		return err
	})
	if err != nil {
		return 0, nil, fmt.Errorf("add highlights to article %d: %w", articleID, err)
	}
	return added, unplaced, nil
}

// placeAll places each of hs in text, fresh context and offsets for those
// found; the others come back detached in unplaced.
func placeAll(text string, hs []Highlight) (placed, unplaced []Highlight) {
	if len(hs) == 0 {
		return nil, nil
	}
	t := anchor.New(text)
	for _, h := range hs {
		if strings.TrimSpace(h.Exact) == "" {
			continue
		}
		hint := -1
		if h.End > h.Start && h.Start >= 0 && !h.Detached {
			hint = t.Norm(t.Byte(h.Start))
		}
		m := t.Locate(h.Quote(), hint)
		if m.Method == anchor.Detached {
			h.Detached = true
			unplaced = append(unplaced, h)
			continue
		}
		place(t, &h, m)
		placed = append(placed, h)
	}
	return placed, unplaced
}

func highlightKey(h Highlight) string {
	return strconv.Itoa(h.Start) + "\x00" + anchor.Normalize(h.Exact)
}

// insertHighlights writes hs for article id as they are, skipping those
// without text and those whose key is in have.
func insertHighlights(ctx context.Context, q querier, id int64, hs []Highlight, have map[string]bool, now time.Time) (int, error) {
	n := 0
	for _, h := range hs {
		if strings.TrimSpace(h.Exact) == "" || have[highlightKey(h)] {
			continue
		}
		c, err := ParseColor(string(h.Color))
		if err != nil {
			c = Yellow // a colour this Folio does not know
		}
		created, updated := encTime(h.Created), encTime(h.Updated)
		if h.Created.IsZero() {
			created = encTime(now)
		}
		if h.Updated.IsZero() {
			updated = created
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO highlights(article_id, color, note, exact, prefix, suffix,
			pos_start, pos_end, detached, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, string(c), strings.TrimSpace(h.Note), h.Exact, h.Prefix, h.Suffix, max(h.Start, 0), max(h.End, h.Start, 0),
			h.Detached, created, updated); err != nil {
			return n, fmt.Errorf("insert highlight: %w", err)
		}
		if have != nil {
			have[highlightKey(h)] = true
		}
		n++
	}
	return n, nil
}
