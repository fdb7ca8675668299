package storage

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/folio-app/folio/reader"
)

// urlKeys returns the normalized forms of the article's URL, its canonical
// URL and any aliases (links that redirected to it): the keys under which a
// second save of it is recognised.
func urlKeys(a *reader.Article, aliases ...string) ([]string, error) {
	u, err := reader.NormalizeURL(a.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	keys := []string{u}
	for _, other := range append([]string{a.Canonical}, aliases...) {
		if other == "" {
			continue
		}
		// A broken canonical is the page's fault, not a reason to refuse it.
		if c, err := reader.NormalizeURL(other); err == nil && !slices.Contains(keys, c) {
			keys = append(keys, c)
		}
	}
	return keys, nil
}

// Add stores a new article with its images, original page, tags and search
// entry, all in one transaction. If its URL or canonical URL is already in
// the library, nothing is written and Add returns the existing article's id
// with an error wrapping ErrDuplicate.
func (l *Library) Add(ctx context.Context, a *reader.Article, opts AddOptions) (int64, error) {
	if a == nil {
		return 0, fmt.Errorf("add article: %w: no article", ErrInvalid)
	}
	keys, err := urlKeys(a, opts.Aliases...)
	if err != nil {
		return 0, fmt.Errorf("add %s: %w", a.URL, err)
	}
	tags, err := cleanTags(opts.Tags)
	if err != nil {
		return 0, fmt.Errorf("add %s: %w", a.URL, err)
	}
	now := l.now()
	saved := opts.Saved
	if saved.IsZero() {
		saved = now
	}
	stored := storedForm(a, opts)
	var id int64
	err = l.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = l.insert(ctx, newTxWriter(tx), stored, keys, tags, opts, saved, now)
		return err
	})
	if errors.Is(err, ErrDuplicate) {
		return id, fmt.Errorf("add %s: %w (article %d)", a.URL, ErrDuplicate, id)
	}
	if err != nil {
		return 0, fmt.Errorf("add %s: %w", a.URL, err)
	}
	return id, nil
}

// insert writes a new article through w; on a duplicate it returns the
// existing id and ErrDuplicate. The search entry is written from the values
// at hand (a new article has no notes yet), not read back as syncSearch
// does: it holds the same text.
func (l *Library) insert(ctx context.Context, w *txWriter, stored *reader.Article, keys, tags []string,
	opts AddOptions, saved, now time.Time) (int64, error) {
	existing, err := lookupKeys(ctx, w, keys)
	if err != nil {
		return 0, err
	}
	if existing != 0 {
		return existing, ErrDuplicate
	}
	pub := stored.Published
	_, off := pub.Zone()
	res, err := w.ExecContext(ctx, `INSERT INTO articles
		(url, canonical, title, title_key, byline, site, lang, excerpt, lead_image,
		 published, published_tz, words, reading_time, saved, updated,
		 read, favorite, archived, fetched, fetch_error)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		stored.URL, stored.Canonical, stored.Title, foldKey(stored.Title), stored.Byline, stored.SiteName,
		stored.Lang, stored.Excerpt, stored.LeadImage, encTime(pub), off, stored.Words,
		int64(stored.ReadingTime), encTime(saved), encTime(now),
		boolInt(opts.Read), boolInt(opts.Favorite), boolInt(opts.Archived),
		boolInt(!opts.Bookmark), opts.FetchError)
	if err != nil {
		return 0, fmt.Errorf("insert article: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := l.fail("article"); err != nil {
		return 0, err
	}
	for _, k := range keys {
		if _, err := w.ExecContext(ctx, `INSERT INTO article_urls(norm, article_id) VALUES (?, ?)`, k, id); err != nil {
			return 0, fmt.Errorf("insert url: %w", err)
		}
	}
	if err := writeContent(ctx, w, id, stored); err != nil {
		return 0, err
	}
	if err := l.fail("images"); err != nil {
		return 0, err
	}
	names := make([]string, len(tags))
	for i, name := range tags {
		t, err := w.tag(ctx, name)
		if err != nil {
			return 0, err
		}
		if err := tagArticle(ctx, w, id, t); err != nil {
			return 0, err
		}
		names[i] = t.name
	}
	if err := l.fail("tags"); err != nil {
		return 0, err
	}
	placed, unplaced := placeAll(stored.Text, opts.Highlights)
	extra := []string(nil)
	if opts.HighlightNotes != nil && len(unplaced) > 0 && strings.TrimSpace(stored.Text) != "" {
		extra, unplaced = opts.HighlightNotes(unplaced), nil
	}
	if _, err := insertHighlights(ctx, w, id, append(placed, unplaced...), nil, now); err != nil {
		return 0, err
	}
	var notes []string
	for _, n := range append(opts.Notes[:len(opts.Notes):len(opts.Notes)], extra...) {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO notes(article_id, text, created, updated) VALUES (?, ?, ?, ?)`,
			id, n, encTime(now), encTime(now)); err != nil {
			return 0, fmt.Errorf("insert note: %w", err)
		}
		notes = append(notes, n)
	}
	if err := writeSearch(ctx, w, id, stored.Title, stored.Byline, stored.SiteName, stored.Text,
		strings.Join(names, " "), strings.Join(notes, "\n")); err != nil {
		return 0, err
	}
	return id, l.fail("search")
}

// Replace stores a fresh extraction of article id (a re-fetch): content,
// images, page and search entry change; tags, notes, flags and the saved
// time stay. The article's old URLs keep pointing at it. Its highlights are
// placed again in the new text (see Highlight.Detached).
func (l *Library) Replace(ctx context.Context, id int64, a *reader.Article) error {
	if a == nil {
		return fmt.Errorf("replace article %d: %w: no article", id, ErrInvalid)
	}
	keys, err := urlKeys(a)
	if err != nil {
		return fmt.Errorf("replace article %d: %w", id, err)
	}
	err = l.withTx(ctx, func(tx *sql.Tx) error {
		_, off := a.Published.Zone()
		res, err := tx.ExecContext(ctx, `UPDATE articles SET
			url = ?, canonical = ?, title = ?, title_key = ?, byline = ?, site = ?, lang = ?,
			excerpt = ?, lead_image = ?, published = ?, published_tz = ?, words = ?,
			reading_time = ?, updated = ?, fetched = 1, fetch_error = ''
			WHERE id = ?`,
			a.URL, a.Canonical, a.Title, foldKey(a.Title), a.Byline, a.SiteName, a.Lang,
			a.Excerpt, a.LeadImage, encTime(a.Published), off, a.Words,
			int64(a.ReadingTime), encTime(l.now()), id)
		if err != nil {
			return fmt.Errorf("update article: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		for _, k := range keys {
			// A key already held by another article stays with it.
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO article_urls(norm, article_id) VALUES (?, ?)`, k, id); err != nil {
				return fmt.Errorf("insert url: %w", err)
			}
		}
		hashes, err := imageHashes(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM article_images WHERE article_id = ?`, id); err != nil {
			return fmt.Errorf("delete images: %w", err)
		}
		oldText, err := articleText(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := writeContent(ctx, tx, id, a); err != nil {
			return err
		}
		if err := reanchor(ctx, tx, id, oldText, a.Text); err != nil {
			return err
		}
		if err := l.fail("replace"); err != nil {
			return err
		}
		if err := dropOrphanBlobs(ctx, tx, hashes); err != nil {
			return err
		}
		return syncSearch(ctx, tx, id)
	})
	if err != nil {
		return fmt.Errorf("replace article %d: %w", id, err)
	}
	return nil
}

// writeContent stores text, page and images of article id.
func writeContent(ctx context.Context, tx querier, id int64, a *reader.Article) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO article_content(article_id, html, text) VALUES (?, ?, ?)`,
		id, a.HTML, a.Text); err != nil {
		return fmt.Errorf("store content: %w", err)
	}
	if a.Page != nil {
		gz, err := compress(a.Page)
		if err != nil {
			return err
		}
		ct := a.PageType
		if ct == "" {
			ct = "text/html"
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO pages(article_id, gz, content_type) VALUES (?, ?, ?)`, id, gz, ct); err != nil {
			return fmt.Errorf("store page: %w", err)
		}
	}
	for i, img := range a.Images {
		var hash sql.NullString
		if img.Data != nil {
			sum := sha256.Sum256(img.Data)
			hash = sql.NullString{String: hex.EncodeToString(sum[:]), Valid: true}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO blobs(hash, content_type, data) VALUES (?, ?, ?)`,
				hash.String, img.ContentType, img.Data); err != nil {
				return fmt.Errorf("store image %s: %w", img.URL, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_images(article_id, position, url, hash, error) VALUES (?, ?, ?, ?, ?)`,
			id, i, img.URL, hash, img.Err); err != nil {
			return fmt.Errorf("store image %s: %w", img.URL, err)
		}
	}
	return nil
}

func compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("compress page: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress page: %w", err)
	}
	return buf.Bytes(), nil
}

// imageHashes lists the blobs article id uses, to check them for orphans
// once its images are gone.
func imageHashes(ctx context.Context, tx querier, id int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT hash FROM article_images WHERE article_id = ? AND hash IS NOT NULL`, id)
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	defer rows.Close()
	var hs []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("list images: %w", err)
		}
		hs = append(hs, h)
	}
	return hs, rows.Err()
}

// dropOrphanBlobs deletes those of hashes no article uses any more.
func dropOrphanBlobs(ctx context.Context, tx querier, hashes []string) error {
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE hash = ?
			AND NOT EXISTS (SELECT 1 FROM article_images WHERE hash = ?)`, h, h); err != nil {
			return fmt.Errorf("delete unused image: %w", err)
		}
	}
	return nil
}

// lookupKeys returns the article saved under one of keys, or 0. A key
// matches its twin with the other scheme too: an http and an https copy of
// a link are the same article. The keys are stored as they were
// normalized (libraries written before this rule hold both forms), so the
// rule is one of lookup, and a library that already holds both copies as
// two articles keeps both, each found by its own key first.
func lookupKeys(ctx context.Context, q querier, keys []string) (int64, error) {
	for _, k := range keys {
		var id int64
		err := q.QueryRowContext(ctx, `SELECT article_id FROM article_urls WHERE norm IN (?, ?)
			ORDER BY norm = ? DESC LIMIT 1`, k, schemeTwin(k), k).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("look up %s: %w", k, err)
		}
	}
	return 0, nil
}

// schemeTwin is normalized key k with the other of http and https.
func schemeTwin(k string) string {
	if rest, ok := strings.CutPrefix(k, "https://"); ok {
		return "http://" + rest
	}
	if rest, ok := strings.CutPrefix(k, "http://"); ok {
		return "https://" + rest
	}
	return k
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Lookup returns the id of the article saved under link (its URL, its
// canonical URL or an alias, normalized, with http and https the same), or
// ErrNotFound.
func (l *Library) Lookup(ctx context.Context, link string) (int64, error) {
	k, err := reader.NormalizeURL(link)
	if err != nil {
		return 0, fmt.Errorf("look up %s: %w: %w", link, ErrInvalid, err)
	}
	id, err := lookupKeys(ctx, l.db, []string{k})
	if err != nil {
		return 0, err
	}
	if id == 0 {
		return 0, fmt.Errorf("look up %s: %w", link, ErrNotFound)
	}
	return id, nil
}

// Get returns article id with its text, HTML, tags and the list of its
// images (without their data), or ErrNotFound.
func (l *Library) Get(ctx context.Context, id int64) (*Article, error) {
	var (
		a                        Article
		pub, tz, rt, saved, upd  int64
		read, fav, arch, fetched bool
	)
	err := l.db.QueryRowContext(ctx, `SELECT a.id, a.url, a.canonical, a.title, a.byline, a.site, a.lang,
		a.excerpt, a.lead_image, a.published, a.published_tz, a.words, a.reading_time, a.saved, a.updated,
		a.read, a.favorite, a.archived, a.fetched, a.fetch_error, a.position, a.progress,
		COALESCE(c.html, ''), COALESCE(c.text, ''),
		COALESCE((SELECT p.content_type FROM pages p WHERE p.article_id = a.id), '')
		FROM articles a LEFT JOIN article_content c ON c.article_id = a.id WHERE a.id = ?`, id).Scan(
		&a.ID, &a.URL, &a.Canonical, &a.Title, &a.Byline, &a.SiteName, &a.Lang,
		&a.Excerpt, &a.LeadImage, &pub, &tz, &a.Words, &rt, &saved, &upd,
		&read, &fav, &arch, &fetched, &a.FetchError, &a.Position, &a.Progress, &a.HTML, &a.Text, &a.PageType)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("get article %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get article %d: %w", id, err)
	}
	// Articles stored before HTML was sanitized on the way in (or that
	// arrive from elsewhere) are sanitized on the way out: every reader of
	// an article (window, exports, show) goes through Get. Re-extraction
	// rewrites them for good.
	a.HTML = reader.Sanitize(a.HTML)
	a.URL = reader.WithoutCredentials(a.URL)
	a.Canonical = reader.WithoutCredentials(a.Canonical)
	a.Published = decPublished(pub, tz)
	a.ReadingTime = time.Duration(rt)
	a.Saved, a.Updated = decTime(saved), decTime(upd)
	a.Read, a.Favorite, a.Archived, a.Fetched = read, fav, arch, fetched
	if a.Images, err = l.images(ctx, id); err != nil {
		return nil, fmt.Errorf("get article %d: %w", id, err)
	}
	tags, err := tagsOf(ctx, l.db, []int64{id})
	if err != nil {
		return nil, fmt.Errorf("get article %d: %w", id, err)
	}
	a.Tags = tags[id]
	return &a, nil
}

// decPublished restores the page's own UTC offset, so "19:28 +07:00" reads
// back as it was written.
func decPublished(n, tz int64) time.Time {
	t := decTime(n)
	if t.IsZero() {
		return t
	}
	return t.In(time.FixedZone("", int(tz)))
}

// Images lists article id's images in document order, without their data:
// ContentType is set for the stored ones, Err for those that failed.
func (l *Library) Images(ctx context.Context, id int64) ([]reader.Image, error) {
	imgs, err := l.images(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("list images of article %d: %w", id, err)
	}
	return imgs, nil
}

func (l *Library) images(ctx context.Context, id int64) ([]reader.Image, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT i.url, COALESCE(b.content_type, ''), i.error
		FROM article_images i LEFT JOIN blobs b ON b.hash = i.hash
		WHERE i.article_id = ? ORDER BY i.position`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var imgs []reader.Image
	for rows.Next() {
		var img reader.Image
		if err := rows.Scan(&img.URL, &img.ContentType, &img.Err); err != nil {
			return nil, err
		}
		imgs = append(imgs, img)
	}
	return imgs, rows.Err()
}

// Image returns the content type and bytes of the image of article
// articleID at url. ErrNotFound if the article has no such image or its
// download failed.
func (l *Library) Image(ctx context.Context, articleID int64, url string) (string, []byte, error) {
	var (
		ct, msg string
		data    []byte
		hash    sql.NullString
	)
	err := l.db.QueryRowContext(ctx, `SELECT i.hash, i.error, COALESCE(b.content_type, ''), b.data
		FROM article_images i LEFT JOIN blobs b ON b.hash = i.hash
		WHERE i.article_id = ? AND i.url = ? LIMIT 1`, articleID, url).Scan(&hash, &msg, &ct, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("image %s of article %d: %w", url, articleID, ErrNotFound)
	}
	if err != nil {
		return "", nil, fmt.Errorf("image %s of article %d: %w", url, articleID, err)
	}
	if !hash.Valid {
		return "", nil, fmt.Errorf("image %s of article %d: %w: download failed: %s", url, articleID, ErrNotFound, msg)
	}
	return ct, data, nil
}

// ImageByURL returns a stored image with this URL from any article: the
// reader view can resolve <img src> without knowing which article it is in.
func (l *Library) ImageByURL(ctx context.Context, url string) (string, []byte, error) {
	var (
		ct   string
		data []byte
	)
	err := l.db.QueryRowContext(ctx, `SELECT b.content_type, b.data
		FROM article_images i JOIN blobs b ON b.hash = i.hash
		WHERE i.url = ? LIMIT 1`, url).Scan(&ct, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("image %s: %w", url, ErrNotFound)
	}
	if err != nil {
		return "", nil, fmt.Errorf("image %s: %w", url, err)
	}
	return ct, data, nil
}

// Page returns the original page of article id, decompressed; ErrNotFound
// if none was stored (a bookmark). See Original for its type.
func (l *Library) Page(ctx context.Context, id int64) ([]byte, error) {
	_, b, err := l.Original(ctx, id)
	return b, err
}

// Original returns the media type ("text/html", reader.PDF) and the bytes
// of article id's original, decompressed; ErrNotFound if none was stored
// (a bookmark).
func (l *Library) Original(ctx context.Context, id int64) (string, []byte, error) {
	var (
		gz []byte
		ct string
	)
	err := l.db.QueryRowContext(ctx, `SELECT gz, content_type FROM pages WHERE article_id = ?`, id).Scan(&gz, &ct)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("page of article %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", nil, fmt.Errorf("page of article %d: %w", id, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return "", nil, fmt.Errorf("page of article %d: decompress: %w", id, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return "", nil, fmt.Errorf("page of article %d: decompress: %w", id, err)
	}
	return ct, b, nil
}

// Mark changes a flag of the articles ids. Ids no longer in the library are
// skipped.
func (l *Library) Mark(ctx context.Context, ids []int64, m Mark) error {
	var set string
	switch m {
	case MarkRead:
		set = "read = 1"
	case MarkUnread:
		set = "read = 0"
	case MarkFavorite:
		set = "favorite = 1"
	case MarkUnfavorite:
		set = "favorite = 0"
	case MarkArchive:
		set = "archived = 1"
	case MarkUnarchive:
		set = "archived = 0"
	default:
		return fmt.Errorf("mark articles: %w: unknown mark %d", ErrInvalid, m)
	}
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, "UPDATE articles SET "+set+" WHERE id = ?")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			if _, err := stmt.ExecContext(ctx, id); err != nil {
				return fmt.Errorf("article %d: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark articles: %w", err)
	}
	return nil
}

// Delete removes the articles ids with everything attached to them; images
// and tags no other article uses go too. Ids already gone are skipped.
// Remove does the same and keeps what it deleted for an Undo.
func (l *Library) Delete(ctx context.Context, ids ...int64) error {
	if err := l.withTx(ctx, func(tx *sql.Tx) error { return deleteArticles(ctx, tx, ids) }); err != nil {
		return fmt.Errorf("delete articles: %w", err)
	}
	return nil
}

func deleteArticles(ctx context.Context, tx *sql.Tx, ids []int64) error {
	var hashes []string
	for _, id := range ids {
		hs, err := imageHashes(ctx, tx, id)
		if err != nil {
			return err
		}
		hashes = append(hashes, hs...)
		if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid = ?`, id); err != nil {
			return fmt.Errorf("delete search entry of %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete article %d: %w", id, err)
		}
	}
	if err := dropOrphanBlobs(ctx, tx, hashes); err != nil {
		return err
	}
	return dropOrphanTags(ctx, tx)
}

// syncSearch rewrites the search entry of article id from what the tables
// hold now. Called inside every transaction that changes an indexed field,
// so the index never disagrees with the data.
func syncSearch(ctx context.Context, tx querier, id int64) error {
	var title, byline, site, text, tags, notes string
	err := tx.QueryRowContext(ctx, `SELECT a.title, a.byline, a.site, COALESCE(c.text, ''),
		COALESCE((SELECT group_concat(t.name, ' ') FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id), ''),
		COALESCE((SELECT group_concat(n.text, char(10)) FROM notes n WHERE n.article_id = a.id), '')
		FROM articles a LEFT JOIN article_content c ON c.article_id = a.id WHERE a.id = ?`, id).Scan(
		&title, &byline, &site, &text, &tags, &notes)
	if err != nil {
		return fmt.Errorf("index article %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("index article %d: %w", id, err)
	}
	return writeSearch(ctx, tx, id, title, byline, site, text, tags, notes)
}

// writeSearch inserts the search entry of article id, which must have none.
func writeSearch(ctx context.Context, q querier, id int64, title, byline, site, text, tags, notes string) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO search(rowid, title, byline, site, text, tags, notes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, foldDD.Replace(title), foldDD.Replace(byline), foldDD.Replace(site), foldDD.Replace(text),
		foldDD.Replace(tags), foldDD.Replace(notes)); err != nil {
		return fmt.Errorf("index article %d: %w", id, err)
	}
	return nil
}

// placeholders returns "?,?,...,?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
