package storage

// Sync's content: the bulky part of each article (text, HTML, original
// page, images), hashed into a ref, read for upload and stored when it
// arrives, in batches.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sort"
)

// SyncImage is one image of an article's content.
type SyncImage struct {
	URL  string
	Hash string // "" when the download failed
	Err  string
}

// SyncBlob is an article's bulky content, stored once under its Ref.
type SyncBlob struct {
	Ref    string
	HTML   string
	Text   string
	PageGz []byte // the original page, gzip-compressed; nil if none
	// PageType is the original's content type (text/html, or a document's
	// such as application/pdf).
	PageType string
	Images   []SyncImage
}

// contentRef hashes what SyncBlob carries for article id: its text, HTML,
// original page and image list. Identical content has one ref everywhere.
func contentRef(ctx context.Context, q querier, id int64) (string, error) {
	var html, text string
	var gz []byte
	err := q.QueryRowContext(ctx, `SELECT COALESCE(c.html, ''), COALESCE(c.text, ''), p.gz FROM articles a
		LEFT JOIN article_content c ON c.article_id = a.id LEFT JOIN pages p ON p.article_id = a.id
		WHERE a.id = ?`, id).Scan(&html, &text, &gz)
	if err != nil {
		return "", fmt.Errorf("hash content of article %d: %w", id, err)
	}
	imgs, err := blobImages(ctx, q, id)
	if err != nil {
		return "", err
	}
	if html == "" && text == "" && gz == nil && len(imgs) == 0 {
		return "", nil
	}
	return blobRef(html, text, gz, imgs), nil
}

func blobRef(html, text string, gz []byte, imgs []SyncImage) string {
	h := sha256.New()
	part := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	part([]byte(html))
	part([]byte(text))
	part(gz)
	for _, im := range imgs {
		part([]byte(im.URL))
		part([]byte(im.Hash))
		part([]byte(im.Err))
	}
	return hexSum(h)
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

func blobImages(ctx context.Context, q querier, id int64) ([]SyncImage, error) {
	rows, err := q.QueryContext(ctx, `SELECT url, COALESCE(hash, ''), error FROM article_images
		WHERE article_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("list images of article %d: %w", id, err)
	}
	defer rows.Close()
	var out []SyncImage
	for rows.Next() {
		var im SyncImage
		if err := rows.Scan(&im.URL, &im.Hash, &im.Err); err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

// jsonList encodes values as a JSON array: a batch of keys is one
// parameter, read back with json_each, so one prepared statement serves
// batches of any size.
func jsonList[T any](vs []T) string {
	b, err := json.Marshal(vs)
	if err != nil {
		panic(fmt.Sprintf("encode list: %v", err)) // strings and integers only
	}
	return string(b)
}

// SyncBlobs returns the content of the articles holding documents uids, by
// uid (a document no longer linked to an article is left out), read in one
// transaction.
func (l *Library) SyncBlobs(ctx context.Context, uids []string) (map[string]*SyncBlob, error) {
	out := make(map[string]*SyncBlob, len(uids))
	err := l.readTx(ctx, func(tx *sql.Tx) error {
		w := newTxWriter(tx)
		rows, err := w.QueryContext(ctx, `SELECT d.uid, a.id, COALESCE(c.html, ''), COALESCE(c.text, ''), p.gz,
			COALESCE(p.content_type, '') FROM sync_docs d JOIN articles a ON a.id = d.article
			LEFT JOIN article_content c ON c.article_id = a.id LEFT JOIN pages p ON p.article_id = a.id
			WHERE d.uid IN (SELECT value FROM json_each(?))`, jsonList(uids))
		if err != nil {
			return err
		}
		ids := make(map[string]int64, len(uids))
		for rows.Next() {
			var uid string
			var id int64
			b := &SyncBlob{}
			if err := rows.Scan(&uid, &id, &b.HTML, &b.Text, &b.PageGz, &b.PageType); err != nil {
				rows.Close()
				return err
			}
			out[uid], ids[uid] = b, id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for uid, b := range out {
			if b.Images, err = blobImages(ctx, w, ids[uid]); err != nil {
				return err
			}
			b.Ref = blobRef(b.HTML, b.Text, b.PageGz, b.Images)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read content to upload: %w", err)
	}
	return out, nil
}

// SyncImageData returns a stored image by hash.
func (l *Library) SyncImageData(ctx context.Context, hash string) (string, []byte, error) {
	var ct string
	var data []byte
	err := l.db.QueryRowContext(ctx, `SELECT content_type, data FROM blobs WHERE hash = ?`, hash).Scan(&ct, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("image %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return "", nil, fmt.Errorf("image %s: %w", hash, err)
	}
	return ct, data, nil
}

// SyncHasImages returns which of hashes are stored here.
func (l *Library) SyncHasImages(ctx context.Context, hashes []string) (map[string]bool, error) {
	out := make(map[string]bool, len(hashes))
	if len(hashes) == 0 {
		return out, nil
	}
	rows, err := l.db.QueryContext(ctx, `SELECT hash FROM blobs WHERE hash IN (SELECT value FROM json_each(?))`, jsonList(hashes))
	if err != nil {
		return nil, fmt.Errorf("look up images: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("look up images: %w", err)
		}
		out[h] = true
	}
	return out, rows.Err()
}

// SyncImageIn is an image fetched for StoreSyncBlobs.
type SyncImageIn struct {
	ContentType string
	Data        []byte
}

// SyncArrived is the content fetched for document UID.
type SyncArrived struct {
	UID  string
	Blob *SyncBlob
}

// StoreSyncBlobs stores fetched content, each for its document if the
// document still names it (text, page, images and search entry), in one
// transaction. images holds the image data the blobs name that is not
// here yet. Content that arrived damaged (its hash is not its ref) is
// left out, to be fetched again; the others are stored. It returns how
// many were stored.
func (l *Library) StoreSyncBlobs(ctx context.Context, arrived []SyncArrived, images map[string]SyncImageIn) (int, error) {
	stored := 0
	err := l.applying(ctx, func(stx *sql.Tx) error {
		tx := newTxWriter(stx)
		stored = 0
		for _, a := range arrived {
			ok, err := storeBlob(ctx, tx, a.UID, a.Blob, images)
			if err != nil {
				return fmt.Errorf("store content of %s: %w", a.UID, err)
			}
			if ok {
				stored++
			}
		}
		return tx.flushSearch(ctx)
	})
	if err != nil {
		return 0, err
	}
	return stored, nil
}

func storeBlob(ctx context.Context, tx *txWriter, uid string, b *SyncBlob, data map[string]SyncImageIn) (bool, error) {
	var id int64
	var want string
	err := tx.QueryRowContext(ctx, `SELECT article, want FROM sync_docs WHERE uid = ? AND article IS NOT NULL`, uid).Scan(&id, &want)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && want != b.Ref) {
		return false, nil // deleted or changed meanwhile
	}
	if err != nil {
		return false, err
	}
	if blobRef(b.HTML, b.Text, b.PageGz, b.Images) != b.Ref {
		return false, nil // damaged on the way: fetched again next time
	}
	for _, im := range b.Images {
		if d, ok := data[im.Hash]; im.Hash != "" && ok {
			if sum := sha256.Sum256(d.Data); hex.EncodeToString(sum[:]) != im.Hash {
				return false, nil
			}
		}
	}
	old, err := imageHashes(ctx, tx, id)
	if err != nil {
		return false, err
	}
	for _, q := range []string{`DELETE FROM article_images WHERE article_id = ?`, `DELETE FROM pages WHERE article_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO article_content(article_id, html, text) VALUES (?, ?, ?)`,
		id, b.HTML, b.Text); err != nil {
		return false, err
	}
	if b.PageGz != nil {
		pt := b.PageType
		if pt == "" {
			pt = "text/html"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pages(article_id, gz, content_type) VALUES (?, ?, ?)`, id, b.PageGz, pt); err != nil {
			return false, err
		}
	}
	for i, im := range b.Images {
		var h sql.NullString
		if im.Hash != "" {
			h = sql.NullString{String: im.Hash, Valid: true}
			if d, ok := data[im.Hash]; ok {
				if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO blobs(hash, content_type, data) VALUES (?, ?, ?)`,
					im.Hash, d.ContentType, d.Data); err != nil {
					return false, err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_images(article_id, position, url, hash, error) VALUES (?, ?, ?, ?, ?)`,
			id, i, im.URL, h, im.Err); err != nil {
			return false, fmt.Errorf("store image %s: %w", im.URL, err)
		}
	}
	if err := dropOrphanBlobs(ctx, tx, old); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sync_docs SET have = ? WHERE uid = ?`, b.Ref, uid); err != nil {
		return false, err
	}
	tx.reindexLater(id)
	return true, nil
}

// SyncWanted lists up to limit documents after uid after whose content is
// not here yet: uid → the content ref the document names.
func (l *Library) SyncWanted(ctx context.Context, after string, limit int) (map[string]string, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT uid, want FROM sync_docs WHERE want <> have AND article IS NOT NULL
		AND uid > ? ORDER BY uid LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list content to fetch: %w", err)
	}
	defer rows.Close()
	out := make(map[string]string)
	for rows.Next() {
		var u, w string
		if err := rows.Scan(&u, &w); err != nil {
			return nil, err
		}
		out[u] = w
	}
	return out, rows.Err()
}

// SyncWantedOf returns the content ref the document of article id names
// when it is not here yet ("" when nothing is awaited), and the document.
func (l *Library) SyncWantedOf(ctx context.Context, id int64) (uid, ref string, err error) {
	err = l.db.QueryRowContext(ctx, `SELECT uid, want FROM sync_docs WHERE article = ? AND want <> have`, id).Scan(&uid, &ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("look up content of article %d: %w", id, err)
	}
	return uid, ref, nil
}

// SyncWaiting counts the articles whose content has not arrived.
func (l *Library) SyncWaiting(ctx context.Context) (int, error) {
	var n int
	err := l.db.QueryRowContext(ctx, `SELECT count(*) FROM sync_docs WHERE want <> have AND article IS NOT NULL`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count content to fetch: %w", err)
	}
	return n, nil
}

// SyncBlobsKnown returns which of ids are known to be on the hub.
func (l *Library) SyncBlobsKnown(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := l.db.QueryContext(ctx, `SELECT id FROM sync_blobs WHERE id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("look up uploaded content: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("look up uploaded content: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// SyncBlobsUp records that ids are on the hub.
func (l *Library) SyncBlobsUp(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	sort.Strings(ids)
	_, err := l.db.ExecContext(ctx, `INSERT OR IGNORE INTO sync_blobs(id) SELECT value FROM json_each(?)`, jsonList(ids))
	if err != nil {
		return fmt.Errorf("record uploaded content: %w", err)
	}
	return nil
}
