package storage

// The library's side of sync (package replica holds the use case): stable
// ids, the local changes waiting to go up, the documents agreed with the
// hub, and writing what was pulled. Local changes are recorded by the
// triggers of migration 0005, so every write path is covered in its own
// transaction; what the engine writes here runs with sync_clock.applying
// set, so it is not taken for a local change.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/folio-app/folio/reader"
)

// articleSpace is the UUIDv5 namespace of article ids: an article's id is
// UUIDv5(articleSpace, its normalized link), so two computers that saved the
// same link give it the same id without asking each other.
var articleSpace = uuid.MustParse("6f1c3a52-7d0e-5b8a-9c4e-2f1a0d3b7e61")

// ArticleUID is the id an article saved from link gets on every computer.
func ArticleUID(link string) string {
	k, err := reader.NormalizeURL(link)
	if err != nil {
		k = link
	}
	return uuid.NewSHA1(articleSpace, []byte(k)).String()
}

// TagDocPrefix starts the sync id of a tag's spelling document; the rest is
// the tag's key.
const TagDocPrefix = "tag:"

// Pending fields: what changed here since the last push.
const (
	SyncNew      = "new"      // the whole article
	SyncDeleted  = "deleted"  // deleted here
	SyncTitle    = "title"    // scalars
	SyncRead     = "read"     //
	SyncFavorite = "favorite" //
	SyncArchived = "archived" //
	SyncPosition = "position" // where the reader left it (and its progress)
	SyncRefetch  = "content"  // a re-fetch: content and its metadata
	SyncTags     = "tags"     // an untagging
	SyncTagged   = "tag:"     // + key: a tagging
	SyncNotes    = "notes"    //
	SyncName     = "name"     // a tag's spelling
	SyncSaved    = "saved"    // an earlier saved time
	SyncKeys     = "keys"     // a new link to the article
)

// SyncArticle is an article's synced values as they are (or must be) here.
type SyncArticle struct {
	Keys     []string // normalized links it is known under
	Saved    time.Time
	Title    string
	Read     bool
	Favorite bool
	Archived bool
	// Position and Progress are where the reader left the article.
	Position int64
	Progress float64
	Content  SyncContent
	Tags     []string // as spelled, sorted by key
	Notes    []SyncNote
}

// SyncContent is what a fetch produced, apart from the bulky part that Ref
// names (text, HTML, original page, images: see SyncBlob).
type SyncContent struct {
	Ref         string // content hash; "" when nothing is stored (a bookmark)
	URL         string
	Canonical   string
	Byline      string
	Site        string
	Lang        string
	Excerpt     string
	LeadImage   string
	Published   time.Time
	Words       int
	ReadingTime time.Duration
	Fetched     bool
	FetchError  string
}

// SyncNote is a note with its shared id.
type SyncNote struct {
	UID     string
	Text    string
	Created time.Time
}

// SyncEntry is one document as the sync engine sees it: what was agreed with
// the hub, the local changes since, and the local values.
type SyncEntry struct {
	UID string
	// Tag is set for a tag's spelling document (UID is TagDocPrefix+key).
	Tag bool
	// ArticleID is the local article, 0 when it is not here.
	ArticleID int64
	// Doc and Rev are the document last agreed with the hub (nil if none).
	Doc []byte
	Rev string
	// Pending maps a field to the clock of its newest local change.
	Pending map[string]int64
	// Push is set when Doc still has to go up.
	Push bool
	// Local holds the local values (nil when ArticleID is 0).
	Local *SyncArticle
	// TagName is the tag's local spelling ("" if no article carries it).
	TagName string

	// Out is set by the engine: what to store.
	Out *SyncOutcome

	deleted []int64 // sync_deleted rows this entry carries
	newNote map[int64]string
}

// SyncOutcome is what the engine decided for an entry.
type SyncOutcome struct {
	Doc  []byte
	Rev  string
	Push bool // Doc differs from what the hub holds
	// Article is the article as it must be here; nil means not here.
	Article *SyncArticle
	// TagName is the spelling a tag must have here.
	TagName string
}

// SyncRef names a document pulled from the hub; Keys are its links, used to
// find an article saved here but never synced under another id.
type SyncRef struct {
	UID  string
	Keys []string
}

// ErrSyncBusy is returned when the engine is asked to apply while another
// sync holds the library.
var ErrSyncBusy = errors.New("another sync is running")

// SyncNode returns this library's node id and its clock.
func (l *Library) SyncNode(ctx context.Context) (node string, hlc int64, err error) {
	err = l.db.QueryRowContext(ctx, `SELECT node, hlc FROM sync_clock`).Scan(&node, &hlc)
	if err != nil {
		return "", 0, fmt.Errorf("read sync clock: %w", err)
	}
	return node, hlc, nil
}

// SyncNewNode gives the library a new node id. Setup calls it, so that a
// copy of a library file set up on a second computer does not share its
// clocks' node with the first.
func (l *Library) SyncNewNode(ctx context.Context) error {
	if _, err := l.db.ExecContext(ctx, `UPDATE sync_clock SET node = lower(hex(randomblob(8)))`); err != nil {
		return fmt.Errorf("new sync node: %w", err)
	}
	return nil
}

// SyncSkew shifts the wall clock this library stamps its changes with
// (tests simulate computers whose clocks disagree).
func (l *Library) SyncSkew(ctx context.Context, d time.Duration) error {
	if _, err := l.db.ExecContext(ctx, `UPDATE sync_clock SET skew_ms = ?`, d.Milliseconds()); err != nil {
		return fmt.Errorf("skew sync clock: %w", err)
	}
	return nil
}

// SyncMeta returns the sync setting key ("" if unset).
func (l *Library) SyncMeta(ctx context.Context, key string) (string, error) {
	var v string
	err := l.db.QueryRowContext(ctx, `SELECT value FROM sync_meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read sync setting %s: %w", key, err)
	}
	return v, nil
}

// SetSyncMeta stores sync settings; an empty value removes the key.
func (l *Library) SetSyncMeta(ctx context.Context, kv map[string]string) error {
	err := l.withTx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, kv) })
	if err != nil {
		return fmt.Errorf("store sync settings: %w", err)
	}
	return nil
}

func setMeta(ctx context.Context, q querier, kv map[string]string) error {
	for k, v := range kv {
		var err error
		if v == "" {
			_, err = q.ExecContext(ctx, `DELETE FROM sync_meta WHERE key = ?`, k)
		} else {
			_, err = q.ExecContext(ctx, `INSERT INTO sync_meta(key, value) VALUES (?, ?)
				ON CONFLICT DO UPDATE SET value = excluded.value`, k, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// SyncForget drops what the library knows of a hub (documents, revisions,
// sequence), keeping the local changes: pointing it at another hub sends
// everything again.
func (l *Library) SyncForget(ctx context.Context) error {
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`INSERT INTO sync_pending(article, field, hlc) SELECT article, 'new', (SELECT hlc FROM sync_clock)
				FROM sync_docs WHERE article IS NOT NULL ON CONFLICT DO UPDATE SET hlc = excluded.hlc`,
			`INSERT INTO sync_tag_pending(key, hlc) SELECT key, 0 FROM tags WHERE true ON CONFLICT DO NOTHING`,
			`UPDATE sync_docs SET doc = NULL, rev = '', push = 0, want = have`,
			`DELETE FROM sync_docs WHERE article IS NULL`,
			`DELETE FROM sync_blobs`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("forget hub: %w", err)
	}
	return nil
}

// SyncPending returns up to limit entries that have something to push:
// local changes, local deletions, tag spellings, or a merged document not
// yet up. It gives every article that lacks one its shared id first.
func (l *Library) SyncPending(ctx context.Context, limit int) ([]*SyncEntry, error) {
	var out []*SyncEntry
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = l.pending(ctx, newTxWriter(tx), limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list changes to sync: %w", err)
	}
	return out, nil
}

func (l *Library) pending(ctx context.Context, tx querier, limit int) ([]*SyncEntry, error) {
	// Articles with local changes, then merged documents to push, then
	// local deletions, then tags.
	var ids []int64
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT p.article FROM sync_pending p
		JOIN articles a ON a.id = p.article LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	ids, err = scanIDs(rows)
	if err != nil {
		return nil, err
	}
	entries := make(map[string]*SyncEntry)
	var order []string
	add := func(e *SyncEntry) {
		if _, ok := entries[e.UID]; !ok {
			order = append(order, e.UID)
			entries[e.UID] = e
		}
	}
	for _, id := range ids {
		uid, err := ensureUID(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		add(&SyncEntry{UID: uid, ArticleID: id})
	}
	if n := limit - len(order); n > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT uid, COALESCE(article, 0) FROM sync_docs WHERE push = 1 LIMIT ?`, n+len(order))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var e SyncEntry
			if err := rows.Scan(&e.UID, &e.ArticleID); err != nil {
				rows.Close()
				return nil, err
			}
			if len(order) < limit {
				add(&e)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if n := limit - len(order); n > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT id, uid, url, hlc FROM sync_deleted ORDER BY id LIMIT ?`, n)
		if err != nil {
			return nil, err
		}
		type del struct {
			id, hlc  int64
			uid, url string
		}
		var dels []del
		for rows.Next() {
			var d del
			var uid sql.NullString
			if err := rows.Scan(&d.id, &uid, &d.url, &d.hlc); err != nil {
				rows.Close()
				return nil, err
			}
			d.uid = uid.String
			if d.uid == "" {
				d.uid = ArticleUID(d.url)
			}
			dels = append(dels, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, d := range dels {
			e := entries[d.uid]
			if e == nil {
				// The id may since belong to an article saved again.
				var aid int64
				err := tx.QueryRowContext(ctx, `SELECT COALESCE(article, 0) FROM sync_docs WHERE uid = ?`, d.uid).Scan(&aid)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return nil, err
				}
				e = &SyncEntry{UID: d.uid, ArticleID: aid}
				add(e)
			}
			e.deleted = append(e.deleted, d.id)
			if e.Pending == nil {
				e.Pending = make(map[string]int64)
			}
			e.Pending[SyncDeleted] = max(e.Pending[SyncDeleted], d.hlc)
		}
	}
	for _, uid := range order {
		if err := l.loadEntry(ctx, tx, entries[uid]); err != nil {
			return nil, err
		}
	}
	out := make([]*SyncEntry, 0, len(order))
	for _, uid := range order {
		out = append(out, entries[uid])
	}
	if n := limit - len(out); n > 0 {
		tags, err := l.pendingTags(ctx, tx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, tags...)
	}
	return out, nil
}

func (l *Library) pendingTags(ctx context.Context, tx querier, limit int) ([]*SyncEntry, error) {
	rows, err := tx.QueryContext(ctx, `SELECT key FROM sync_tag_pending LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*SyncEntry, 0, len(keys))
	for _, k := range keys {
		e := &SyncEntry{UID: TagDocPrefix + k, Tag: true}
		if err := l.loadEntry(ctx, tx, e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// ensureUID returns article id's shared id, giving it one if it has none.
func ensureUID(ctx context.Context, tx querier, id int64) (string, error) {
	var uid string
	err := tx.QueryRowContext(ctx, `SELECT uid FROM sync_docs WHERE article = ?`, id).Scan(&uid)
	if err == nil {
		return uid, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	var link string
	if err := tx.QueryRowContext(ctx, `SELECT url FROM articles WHERE id = ?`, id).Scan(&link); err != nil {
		return "", err
	}
	uid = ArticleUID(link)
	// A document of that id with no article is this link deleted earlier
	// and saved again: the article takes it back. One held by another
	// article (its link normalized differently then) leaves this one a
	// fresh id.
	var holder sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT article FROM sync_docs WHERE uid = ?`, uid).Scan(&holder)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO sync_docs(uid, article) VALUES (?, ?)`, uid, id)
	case err != nil:
	case !holder.Valid:
		_, err = tx.ExecContext(ctx, `UPDATE sync_docs SET article = ? WHERE uid = ?`, id, uid)
	default:
		uid = uuid.NewString()
		_, err = tx.ExecContext(ctx, `INSERT INTO sync_docs(uid, article) VALUES (?, ?)`, uid, id)
	}
	if err != nil {
		return "", fmt.Errorf("give article %d its sync id: %w", id, err)
	}
	return uid, nil
}

// loadEntry fills e from the tables: stored document, pending changes and
// local values.
func (l *Library) loadEntry(ctx context.Context, tx querier, e *SyncEntry) error {
	var (
		doc  []byte
		push int
		aid  sql.NullInt64
	)
	err := tx.QueryRowContext(ctx, `SELECT doc, rev, push, article FROM sync_docs WHERE uid = ?`, e.UID).Scan(&doc, &e.Rev, &push, &aid)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("load sync entry %s: %w", e.UID, err)
	}
	e.Doc, e.Push = doc, push == 1
	if e.Pending == nil {
		e.Pending = make(map[string]int64)
	}
	if e.Tag {
		key := strings.TrimPrefix(e.UID, TagDocPrefix)
		var hlc int64
		err := tx.QueryRowContext(ctx, `SELECT hlc FROM sync_tag_pending WHERE key = ?`, key).Scan(&hlc)
		if err == nil {
			e.Pending[SyncName] = hlc
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT name FROM tags WHERE key = ?`, key).Scan(&e.TagName)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return nil
	}
	if aid.Valid {
		e.ArticleID = aid.Int64
	}
	if e.ArticleID == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT field, hlc FROM sync_pending WHERE article = ?`, e.ArticleID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var f string
		var h int64
		if err := rows.Scan(&f, &h); err != nil {
			rows.Close()
			return err
		}
		e.Pending[f] = h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	a, newNotes, err := localArticle(ctx, tx, e.ArticleID)
	if err != nil {
		return fmt.Errorf("load article %d for sync: %w", e.ArticleID, err)
	}
	e.Local, e.newNote = a, newNotes
	if e.Pending[SyncNew] != 0 || e.Pending[SyncRefetch] != 0 {
		ref, err := contentRef(ctx, tx, e.ArticleID)
		if err != nil {
			return err
		}
		a.Content.Ref = ref
		if _, err := tx.ExecContext(ctx, `UPDATE sync_docs SET have = ?, want = ? WHERE uid = ?`, ref, ref, e.UID); err != nil {
			return err
		}
	} else if err := tx.QueryRowContext(ctx, `SELECT have FROM sync_docs WHERE uid = ?`, e.UID).Scan(&a.Content.Ref); err != nil {
		return err
	}
	return nil
}

// localArticle reads article id's synced values. Notes without a shared id
// get one (returned as newNotes, stored with the entry's outcome).
func localArticle(ctx context.Context, q querier, id int64) (*SyncArticle, map[int64]string, error) {
	var (
		a                 SyncArticle
		c                 = &a.Content
		pub, tz, rt, svd  int64
		rd, fav, arch, ft bool
	)
	err := q.QueryRowContext(ctx, `SELECT url, canonical, title, byline, site, lang, excerpt, lead_image,
		published, published_tz, words, reading_time, saved, read, favorite, archived, fetched, fetch_error,
		position, progress
		FROM articles WHERE id = ?`, id).Scan(&c.URL, &c.Canonical, &a.Title, &c.Byline, &c.Site, &c.Lang,
		&c.Excerpt, &c.LeadImage, &pub, &tz, &c.Words, &rt, &svd, &rd, &fav, &arch, &ft, &c.FetchError,
		&a.Position, &a.Progress)
	if err != nil {
		return nil, nil, err
	}
	c.Published = decPublished(pub, tz)
	c.ReadingTime = time.Duration(rt)
	c.Fetched = ft
	a.Saved = decTime(svd)
	a.Read, a.Favorite, a.Archived = rd, fav, arch
	rows, err := q.QueryContext(ctx, `SELECT norm FROM article_urls WHERE article_id = ? ORDER BY norm`, id)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, nil, err
		}
		a.Keys = append(a.Keys, k)
	}
	rows.Close()
	tags, err := tagsOf(ctx, q, []int64{id})
	if err != nil {
		return nil, nil, err
	}
	a.Tags = tags[id]
	rows, err = q.QueryContext(ctx, `SELECT n.id, COALESCE(s.uid, ''), n.text, n.created FROM notes n
		LEFT JOIN sync_notes s ON s.note_id = n.id WHERE n.article_id = ? ORDER BY n.created, n.id`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var newNotes map[int64]string
	for rows.Next() {
		var (
			n   SyncNote
			nid int64
			cr  int64
		)
		if err := rows.Scan(&nid, &n.UID, &n.Text, &cr); err != nil {
			return nil, nil, err
		}
		n.Created = decTime(cr)
		if n.UID == "" {
			n.UID = uuid.NewString()
			if newNotes == nil {
				newNotes = make(map[int64]string)
			}
			newNotes[nid] = n.UID
		}
		a.Notes = append(a.Notes, n)
	}
	return &a, newNotes, rows.Err()
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

// SyncBlobOf returns the content of the article holding document uid.
func (l *Library) SyncBlobOf(ctx context.Context, uid string) (*SyncBlob, error) {
	var id int64
	err := l.db.QueryRowContext(ctx, `SELECT article FROM sync_docs WHERE uid = ? AND article IS NOT NULL`, uid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("content of %s: %w", uid, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("content of %s: %w", uid, err)
	}
	b := &SyncBlob{}
	err = l.db.QueryRowContext(ctx, `SELECT COALESCE(c.html, ''), COALESCE(c.text, ''), p.gz, COALESCE(p.content_type, '')
		FROM articles a LEFT JOIN article_content c ON c.article_id = a.id LEFT JOIN pages p ON p.article_id = a.id
		WHERE a.id = ?`, id).Scan(&b.HTML, &b.Text, &b.PageGz, &b.PageType)
	if err != nil {
		return nil, fmt.Errorf("content of %s: %w", uid, err)
	}
	if b.Images, err = blobImages(ctx, l.db, id); err != nil {
		return nil, err
	}
	b.Ref = blobRef(b.HTML, b.Text, b.PageGz, b.Images)
	return b, nil
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

// SyncHasImage reports whether the image hash is stored here.
func (l *Library) SyncHasImage(ctx context.Context, hash string) (bool, error) {
	var one int
	err := l.db.QueryRowContext(ctx, `SELECT 1 FROM blobs WHERE hash = ?`, hash).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// SyncImageIn is an image fetched for StoreSyncBlob.
type SyncImageIn struct {
	ContentType string
	Data        []byte
}

// StoreSyncBlob stores fetched content for document uid, if the document
// still names it: text, page, images and search entry in one transaction.
// Images already here need no entry in data.
func (l *Library) StoreSyncBlob(ctx context.Context, uid string, b *SyncBlob, data map[string]SyncImageIn) error {
	err := l.applying(ctx, func(tx *sql.Tx) error {
		var id int64
		var want string
		err := tx.QueryRowContext(ctx, `SELECT article, want FROM sync_docs WHERE uid = ? AND article IS NOT NULL`, uid).Scan(&id, &want)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && want != b.Ref) {
			return nil // deleted or changed meanwhile
		}
		if err != nil {
			return err
		}
		if got := blobRef(b.HTML, b.Text, b.PageGz, b.Images); got != b.Ref {
			return fmt.Errorf("%w: content %s arrived as %s", ErrInvalid, b.Ref, got)
		}
		old, err := imageHashes(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM article_images WHERE article_id = ?`, `DELETE FROM pages WHERE article_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO article_content(article_id, html, text) VALUES (?, ?, ?)`,
			id, b.HTML, b.Text); err != nil {
			return err
		}
		if b.PageGz != nil {
			pt := b.PageType
			if pt == "" {
				pt = "text/html"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO pages(article_id, gz, content_type) VALUES (?, ?, ?)`, id, b.PageGz, pt); err != nil {
				return err
			}
		}
		for i, im := range b.Images {
			var h sql.NullString
			if im.Hash != "" {
				h = sql.NullString{String: im.Hash, Valid: true}
				if d, ok := data[im.Hash]; ok {
					sum := sha256.Sum256(d.Data)
					if hex.EncodeToString(sum[:]) != im.Hash {
						return fmt.Errorf("%w: image %s arrived damaged", ErrInvalid, im.Hash)
					}
					if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO blobs(hash, content_type, data) VALUES (?, ?, ?)`,
						im.Hash, d.ContentType, d.Data); err != nil {
						return err
					}
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO article_images(article_id, position, url, hash, error) VALUES (?, ?, ?, ?, ?)`,
				id, i, im.URL, h, im.Err); err != nil {
				return fmt.Errorf("store image %s: %w", im.URL, err)
			}
		}
		if err := dropOrphanBlobs(ctx, tx, old); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_docs SET have = ? WHERE uid = ?`, b.Ref, uid); err != nil {
			return err
		}
		return syncSearch(ctx, tx, id)
	})
	if err != nil {
		return fmt.Errorf("store content of %s: %w", uid, err)
	}
	return nil
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
	for _, id := range ids {
		var one int
		err := l.db.QueryRowContext(ctx, `SELECT 1 FROM sync_blobs WHERE id = ?`, id).Scan(&one)
		if err == nil {
			out[id] = true
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("look up uploaded content: %w", err)
		}
	}
	return out, nil
}

// SyncBlobsUp records that ids are on the hub.
func (l *Library) SyncBlobsUp(ctx context.Context, ids []string) error {
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sync_blobs(id) VALUES (?)`, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record uploaded content: %w", err)
	}
	return nil
}

// applying runs fn in a write transaction whose changes are not local
// edits: the sync triggers stand aside.
func (l *Library) applying(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return l.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sync_clock SET applying = 1`); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sync_clock SET applying = 0`)
		return err
	})
}

// SyncUpdate merges documents pulled from the hub into the library, in one
// transaction: it loads the entries for refs (with the local changes made
// until now), lets merge decide each one's outcome, and stores them. seen is
// the newest clock in the pulled documents (the library's clock moves past
// it); meta is stored in the same transaction (the _changes sequence).
func (l *Library) SyncUpdate(ctx context.Context, refs []SyncRef, seen int64, meta map[string]string,
	merge func(entries []*SyncEntry) error) error {
	err := l.applying(ctx, func(stx *sql.Tx) error {
		tx := newTxWriter(stx)
		entries := make([]*SyncEntry, 0, len(refs))
		for _, r := range refs {
			e := &SyncEntry{UID: r.UID, Tag: strings.HasPrefix(r.UID, TagDocPrefix)}
			if !e.Tag {
				if err := adopt(ctx, tx, r); err != nil {
					return err
				}
			}
			if err := l.loadEntry(ctx, tx, e); err != nil {
				return err
			}
			if !e.Tag {
				if err := deletedRows(ctx, tx, e); err != nil {
					return err
				}
			}
			entries = append(entries, e)
		}
		if err := merge(entries); err != nil {
			return err
		}
		for _, e := range entries {
			if e.Out == nil {
				continue
			}
			if err := l.store(ctx, tx, e, true); err != nil {
				return fmt.Errorf("store %s: %w", e.UID, err)
			}
		}
		if err := dropOrphanTags(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_clock SET hlc = max(hlc, ?)`, seen); err != nil {
			return err
		}
		return setMeta(ctx, tx, meta)
	})
	if err != nil {
		return fmt.Errorf("merge pulled changes: %w", err)
	}
	return nil
}

// deletedRows adds to e the local deletions of its article not yet
// pushed: rows with its id, or with its link for an article that never had
// an id.
func deletedRows(ctx context.Context, tx querier, e *SyncEntry) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, uid, url, hlc FROM sync_deleted WHERE uid = ? OR uid IS NULL`, e.UID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, h int64
			uid   sql.NullString
			link  string
		)
		if err := rows.Scan(&id, &uid, &link, &h); err != nil {
			return err
		}
		if uid.Valid || ArticleUID(link) == e.UID {
			if !slices.Contains(e.deleted, id) {
				e.deleted = append(e.deleted, id)
			}
			e.Pending[SyncDeleted] = max(e.Pending[SyncDeleted], h)
		}
	}
	return rows.Err()
}

// adopt links a pulled document to the article saved here under one of its
// links if that article has no id yet: the same link saved on two computers
// (or saved again here after a deletion) becomes one article, even when
// the two normalized it differently.
func adopt(ctx context.Context, tx querier, r SyncRef) error {
	var aid sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT article FROM sync_docs WHERE uid = ?`, r.UID).Scan(&aid)
	known := err == nil
	if known && aid.Valid {
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	for _, k := range r.Keys {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT u.article_id FROM article_urls u WHERE u.norm = ?
			AND NOT EXISTS (SELECT 1 FROM sync_docs d WHERE d.article = u.article_id)`, k).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if known {
			_, err = tx.ExecContext(ctx, `UPDATE sync_docs SET article = ? WHERE uid = ?`, id, r.UID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO sync_docs(uid, article) VALUES (?, ?)`, r.UID, id)
		}
		return err
	}
	return nil
}

// SyncPushed stores the outcome of pushed entries (their new revision):
// the local changes they carried are done.
func (l *Library) SyncPushed(ctx context.Context, entries []*SyncEntry) error {
	err := l.applying(ctx, func(stx *sql.Tx) error {
		tx := newTxWriter(stx)
		for _, e := range entries {
			if e.Out == nil {
				continue
			}
			if err := l.store(ctx, tx, e, false); err != nil {
				return fmt.Errorf("store %s: %w", e.UID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record pushed changes: %w", err)
	}
	return nil
}

// store writes e.Out. With apply, the local article is made to match it;
// without, only the bookkeeping is written (a push: the local values are
// what was pushed, or newer).
func (l *Library) store(ctx context.Context, tx querier, e *SyncEntry, apply bool) error {
	o := e.Out
	if e.Tag {
		if apply && o.TagName != "" && o.TagName != e.TagName {
			if _, err := tx.ExecContext(ctx, `UPDATE tags SET name = ? WHERE key = ?`,
				o.TagName, strings.TrimPrefix(e.UID, TagDocPrefix)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sync_tag_pending WHERE key = ? AND hlc <= ?`,
			strings.TrimPrefix(e.UID, TagDocPrefix), e.Pending[SyncName]); err != nil {
			return err
		}
		return putDoc(ctx, tx, e.UID, nil, o)
	}
	for nid, uid := range e.newNote {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sync_notes(note_id, uid) VALUES (?, ?)`, nid, uid); err != nil {
			return err
		}
	}
	id := e.ArticleID
	if apply {
		var err error
		if id, err = l.applyArticle(ctx, tx, id, o.Article); err != nil {
			return err
		}
	} else if id != 0 {
		// Deleted here while its document was on its way up: the
		// deletion is pending and the document stays unlinked.
		if err := exists(ctx, tx, id); errors.Is(err, ErrNotFound) {
			id = 0
		} else if err != nil {
			return err
		}
	}
	var aid any
	if id != 0 {
		aid = id
	}
	if err := putDoc(ctx, tx, e.UID, aid, o); err != nil {
		return err
	}
	if id != e.ArticleID {
		// Inserted or deleted here: no content stored yet, or none left.
		if _, err := tx.ExecContext(ctx, `UPDATE sync_docs SET have = '' WHERE uid = ?`, e.UID); err != nil {
			return err
		}
	}
	if id != 0 {
		for f, h := range e.Pending {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sync_pending WHERE article = ? AND field = ? AND hlc <= ?`, id, f, h); err != nil {
				return err
			}
		}
	}
	for _, d := range e.deleted {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sync_deleted WHERE id = ?`, d); err != nil {
			return err
		}
	}
	return nil
}

func putDoc(ctx context.Context, tx querier, uid string, aid any, o *SyncOutcome) error {
	want := ""
	if o.Article != nil {
		want = o.Article.Content.Ref
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sync_docs(uid, article, rev, doc, push, want) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(uid) DO UPDATE SET article = excluded.article, rev = excluded.rev, doc = excluded.doc,
		push = excluded.push, want = excluded.want`, uid, aid, o.Rev, o.Doc, boolInt(o.Push), want)
	return err
}

// applyArticle makes the local article match a (inserting it when id is 0,
// deleting it when a is nil) and returns its id.
func (l *Library) applyArticle(ctx context.Context, tx querier, id int64, a *SyncArticle) (int64, error) {
	if a == nil {
		if id == 0 {
			return 0, nil
		}
		hashes, err := imageHashes(ctx, tx, id)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid = ?`, id); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, id); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sync_pending WHERE article = ?`, id); err != nil {
			return 0, err
		}
		return 0, dropOrphanBlobs(ctx, tx, hashes) // orphan tags: once for the batch
	}
	c := a.Content
	_, off := c.Published.Zone()
	now := encTime(l.now())
	if id == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO articles
			(url, canonical, title, title_key, byline, site, lang, excerpt, lead_image,
			 published, published_tz, words, reading_time, saved, updated,
			 read, favorite, archived, fetched, fetch_error, position, progress)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			c.URL, c.Canonical, a.Title, foldKey(a.Title), c.Byline, c.Site, c.Lang, c.Excerpt, c.LeadImage,
			encTime(c.Published), off, c.Words, int64(c.ReadingTime), encTime(a.Saved), now,
			boolInt(a.Read), boolInt(a.Favorite), boolInt(a.Archived), boolInt(c.Fetched), c.FetchError,
			a.Position, a.Progress)
		if err != nil {
			return 0, fmt.Errorf("insert article: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return 0, err
		}
	} else {
		_, err := tx.ExecContext(ctx, `UPDATE articles SET url = ?, canonical = ?, title = ?, title_key = ?,
			byline = ?, site = ?, lang = ?, excerpt = ?, lead_image = ?, published = ?, published_tz = ?,
			words = ?, reading_time = ?, saved = ?, read = ?, favorite = ?, archived = ?, fetched = ?,
			fetch_error = ?, position = ?, progress = ? WHERE id = ?`,
			c.URL, c.Canonical, a.Title, foldKey(a.Title), c.Byline, c.Site, c.Lang, c.Excerpt, c.LeadImage,
			encTime(c.Published), off, c.Words, int64(c.ReadingTime), encTime(a.Saved),
			boolInt(a.Read), boolInt(a.Favorite), boolInt(a.Archived), boolInt(c.Fetched), c.FetchError,
			a.Position, a.Progress, id)
		if err != nil {
			return 0, fmt.Errorf("update article: %w", err)
		}
	}
	for _, k := range a.Keys {
		// A link another article holds stays with it.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO article_urls(norm, article_id) VALUES (?, ?)`, k, id); err != nil {
			return 0, err
		}
	}
	if err := applyTags(ctx, tx, id, a.Tags); err != nil {
		return 0, err
	}
	if err := applyNotes(ctx, tx, id, a.Notes); err != nil {
		return 0, err
	}
	return id, syncSearch(ctx, tx, id)
}

func applyTags(ctx context.Context, tx querier, id int64, names []string) error {
	want := make(map[string]string, len(names))
	for _, n := range names {
		want[tagKey(n)] = n
	}
	rows, err := tx.QueryContext(ctx, `SELECT t.key, t.id FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = ?`, id)
	if err != nil {
		return err
	}
	have := make(map[string]int64)
	for rows.Next() {
		var k string
		var tid int64
		if err := rows.Scan(&k, &tid); err != nil {
			rows.Close()
			return err
		}
		have[k] = tid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for k, tid := range have {
		if _, ok := want[k]; !ok {
			if _, err := tx.ExecContext(ctx, `DELETE FROM article_tags WHERE article_id = ? AND tag_id = ?`, id, tid); err != nil {
				return err
			}
		}
	}
	for k, n := range want {
		if _, ok := have[k]; !ok {
			if err := addTag(ctx, tx, id, n); err != nil {
				return err
			}
		}
	}
	return nil // orphan tags are dropped once for the batch
}

func applyNotes(ctx context.Context, tx querier, id int64, notes []SyncNote) error {
	rows, err := tx.QueryContext(ctx, `SELECT n.id, COALESCE(s.uid, ''), n.text FROM notes n
		LEFT JOIN sync_notes s ON s.note_id = n.id WHERE n.article_id = ?`, id)
	if err != nil {
		return err
	}
	type local struct {
		id   int64
		text string
	}
	have := make(map[string]local)
	for rows.Next() {
		var l local
		var uid string
		if err := rows.Scan(&l.id, &uid, &l.text); err != nil {
			rows.Close()
			return err
		}
		have[uid] = l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	want := make(map[string]bool, len(notes))
	for _, n := range notes {
		want[n.UID] = true
		h, ok := have[n.UID]
		switch {
		case !ok:
			res, err := tx.ExecContext(ctx, `INSERT INTO notes(article_id, text, created, updated) VALUES (?, ?, ?, ?)`,
				id, n.Text, encTime(n.Created), encTime(n.Created))
			if err != nil {
				return err
			}
			nid, err := res.LastInsertId()
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO sync_notes(note_id, uid) VALUES (?, ?)`, nid, n.UID); err != nil {
				return err
			}
		case h.text != n.Text:
			if _, err := tx.ExecContext(ctx, `UPDATE notes SET text = ? WHERE id = ?`, n.Text, h.id); err != nil {
				return err
			}
		}
	}
	for uid, h := range have {
		if !want[uid] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM notes WHERE id = ?`, h.id); err != nil {
				return err
			}
		}
	}
	return nil
}

// SyncCheck runs SQLite's integrity and foreign-key checks and the sync
// bookkeeping's own: no image blob unused, every article with its document
// link at most once. It returns the problems found (none: nil).
func (l *Library) SyncCheck(ctx context.Context) ([]string, error) {
	var problems []string
	rows, err := l.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, fmt.Errorf("check library: %w", err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		if s != "ok" {
			problems = append(problems, "integrity: "+s)
		}
	}
	rows.Close()
	for _, q := range []struct{ what, sql string }{
		{"foreign key violations", `SELECT count(*) FROM pragma_foreign_key_check`},
		{"unused image blobs", `SELECT count(*) FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM article_images i WHERE i.hash = b.hash)`},
		{"unused tags", `SELECT count(*) FROM tags t WHERE NOT EXISTS (SELECT 1 FROM article_tags x WHERE x.tag_id = t.id)`},
		{"documents linked to missing articles", `SELECT count(*) FROM sync_docs d WHERE d.article IS NOT NULL AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = d.article)`},
		{"search entries out of step", `SELECT abs((SELECT count(*) FROM articles) - (SELECT count(*) FROM search))`},
	} {
		var n int
		if err := l.db.QueryRowContext(ctx, q.sql).Scan(&n); err != nil {
			return nil, fmt.Errorf("check library: %s: %w", q.what, err)
		}
		if n != 0 {
			problems = append(problems, fmt.Sprintf("%d %s", n, q.what))
		}
	}
	return problems, nil
}

// SyncIDs maps the local article ids to their shared ids (those that have
// one), for tests and the canonical dump.
func (l *Library) SyncIDs(ctx context.Context) (map[int64]string, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT article, uid FROM sync_docs WHERE article IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("list sync ids: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]string)
	for rows.Next() {
		var id int64
		var uid string
		if err := rows.Scan(&id, &uid); err != nil {
			return nil, err
		}
		out[id] = uid
	}
	return out, rows.Err()
}

// SyncPendingCount counts what waits to be pushed.
func (l *Library) SyncPendingCount(ctx context.Context) (int, error) {
	var n int
	err := l.db.QueryRowContext(ctx, `SELECT (SELECT count(DISTINCT article) FROM sync_pending)
		+ (SELECT count(*) FROM sync_docs WHERE push = 1) + (SELECT count(*) FROM sync_deleted)
		+ (SELECT count(*) FROM sync_tag_pending)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count changes to sync: %w", err)
	}
	return n, nil
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
