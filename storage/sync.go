package storage

// The library's side of sync (package replica holds the use case): stable
// ids, the local changes waiting to go up, the documents agreed with the
// hub, and writing what was pulled. Local changes are recorded by the
// triggers of migration 0005, so every write path is covered in its own
// transaction; what the engine writes here runs with sync_clock.applying
// set, so it is not taken for a local change.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
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

// SyncCursor is where a listing of the changes to push stands: SyncPending
// returns the cursor after the entries it returned. The zero value starts
// at the beginning.
type SyncCursor struct {
	phase   int // articles changed here, merged documents, deletions, tag spellings, done
	article int64
	doc     string
	deleted int64
	tag     string
}

// Done reports whether the listing has gone through everything.
func (c SyncCursor) Done() bool { return c.phase >= 4 }

// SyncPending returns up to limit entries after cursor that have something
// to push: local changes, local deletions, tag spellings, or a merged
// document not yet up, and the cursor after them. It gives every article
// that lacks one its shared id first. Going on from the cursor while the
// entries returned are still being pushed lets the next batch be read
// meanwhile.
func (l *Library) SyncPending(ctx context.Context, after SyncCursor, limit int) ([]*SyncEntry, SyncCursor, error) {
	var out []*SyncEntry
	next := after
	err := l.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, next, err = l.pending(ctx, newTxWriter(tx), after, limit)
		return err
	})
	if err != nil {
		return nil, after, fmt.Errorf("list changes to sync: %w", err)
	}
	return out, next, nil
}

func (l *Library) pending(ctx context.Context, tx *txWriter, cur SyncCursor, limit int) ([]*SyncEntry, SyncCursor, error) {
	entries := make(map[string]*SyncEntry)
	var order []string
	add := func(e *SyncEntry) *SyncEntry {
		if have, ok := entries[e.UID]; ok {
			return have
		}
		order = append(order, e.UID)
		entries[e.UID] = e
		return e
	}
	room := func() int { return limit - len(order) }
	if cur.phase == 0 && room() > 0 {
		// Articles with local changes.
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT p.article FROM sync_pending p
			JOIN articles a ON a.id = p.article WHERE p.article > ? ORDER BY p.article LIMIT ?`, cur.article, room())
		if err != nil {
			return nil, cur, err
		}
		ids, err := scanIDs(rows)
		if err != nil {
			return nil, cur, err
		}
		uids, err := ensureUIDs(ctx, tx, ids)
		if err != nil {
			return nil, cur, err
		}
		for _, id := range ids {
			add(&SyncEntry{UID: uids[id], ArticleID: id})
			cur.article = id
		}
		if room() > 0 {
			cur.phase = 1
		}
	}
	if cur.phase == 1 && room() > 0 {
		// Merged documents still to go up (those of articles changed here
		// again go with their changes).
		rows, err := tx.QueryContext(ctx, `SELECT uid, COALESCE(article, 0) FROM sync_docs WHERE push = 1 AND uid > ?
			AND (article IS NULL OR NOT EXISTS (SELECT 1 FROM sync_pending p WHERE p.article = sync_docs.article))
			ORDER BY uid LIMIT ?`, cur.doc, room())
		if err != nil {
			return nil, cur, err
		}
		n, want := 0, room()
		for rows.Next() {
			var e SyncEntry
			if err := rows.Scan(&e.UID, &e.ArticleID); err != nil {
				rows.Close()
				return nil, cur, err
			}
			add(&e)
			cur.doc = e.UID
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, cur, err
		}
		if n < want {
			cur.phase = 2
		}
	}
	if cur.phase == 2 && room() > 0 {
		// Local deletions.
		rows, err := tx.QueryContext(ctx, `SELECT id, uid, url, hlc FROM sync_deleted WHERE id > ? ORDER BY id LIMIT ?`, cur.deleted, room())
		if err != nil {
			return nil, cur, err
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
				return nil, cur, err
			}
			d.uid = uid.String
			if d.uid == "" {
				d.uid = ArticleUID(d.url)
			}
			dels = append(dels, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, cur, err
		}
		want := room()
		for _, d := range dels {
			e := entries[d.uid]
			if e == nil {
				// The id may since belong to an article saved again.
				var aid int64
				err := tx.QueryRowContext(ctx, `SELECT COALESCE(article, 0) FROM sync_docs WHERE uid = ?`, d.uid).Scan(&aid)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return nil, cur, err
				}
				e = add(&SyncEntry{UID: d.uid, ArticleID: aid})
			}
			e.deleted = append(e.deleted, d.id)
			if e.Pending == nil {
				e.Pending = make(map[string]int64)
			}
			e.Pending[SyncDeleted] = max(e.Pending[SyncDeleted], d.hlc)
			cur.deleted = d.id
		}
		if len(dels) < want {
			cur.phase = 3
		}
	}
	if cur.phase == 3 && room() > 0 {
		// Tag spellings.
		rows, err := tx.QueryContext(ctx, `SELECT key FROM sync_tag_pending WHERE key > ? ORDER BY key LIMIT ?`, cur.tag, room())
		if err != nil {
			return nil, cur, err
		}
		n, want := 0, room()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, cur, err
			}
			add(&SyncEntry{UID: TagDocPrefix + k, Tag: true})
			cur.tag = k
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, cur, err
		}
		if n < want {
			cur.phase = 4
		}
	}
	out := make([]*SyncEntry, 0, len(order))
	for _, uid := range order {
		out = append(out, entries[uid])
	}
	if err := l.loadEntries(ctx, tx, out, nil); err != nil {
		return nil, cur, err
	}
	return out, cur, nil
}

// ensureUIDs returns the shared ids of articles ids, giving those that
// have none one.
func ensureUIDs(ctx context.Context, tx querier, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.url, COALESCE(d.uid, '') FROM articles a
		LEFT JOIN sync_docs d ON d.article = a.id WHERE a.id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return nil, err
	}
	links := make(map[int64]string)
	for rows.Next() {
		var id int64
		var link, uid string
		if err := rows.Scan(&id, &link, &uid); err != nil {
			rows.Close()
			return nil, err
		}
		if uid != "" {
			out[id] = uid
		} else {
			links[id] = link
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if link, ok := links[id]; ok {
			if out[id], err = giveUID(ctx, tx, id, link); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// giveUID gives article id, saved from link, its shared id.
func giveUID(ctx context.Context, tx querier, id int64, link string) (string, error) {
	uid := ArticleUID(link)
	// A document of that id with no article is this link deleted earlier
	// and saved again: the article takes it back. One held by another
	// article (its link normalized differently then) leaves this one a
	// fresh id.
	var holder sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT article FROM sync_docs WHERE uid = ?`, uid).Scan(&holder)
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

// loadEntries fills entries from the tables: stored document, pending
// changes and local values, with a few statements for the whole batch.
// rows holds their sync_docs rows when the caller has read them already.
func (l *Library) loadEntries(ctx context.Context, tx *txWriter, entries []*SyncEntry, rows map[string]*docRow) error {
	if rows == nil {
		uids := make([]string, len(entries))
		for i, e := range entries {
			uids[i] = e.UID
		}
		var err error
		if rows, err = docRows(ctx, tx, uids); err != nil {
			return err
		}
	}
	var ids []int64
	byID := make(map[int64]*SyncEntry)
	for _, e := range entries {
		if e.Pending == nil {
			e.Pending = make(map[string]int64)
		}
		row := rows[e.UID]
		if row != nil {
			e.Doc, e.Rev, e.Push = row.doc, row.rev, row.push
			if row.article != 0 {
				e.ArticleID = row.article
			}
		}
		if e.Tag {
			if err := loadTagEntry(ctx, tx, e); err != nil {
				return err
			}
			continue
		}
		if e.ArticleID != 0 {
			ids = append(ids, e.ArticleID)
			byID[e.ArticleID] = e
		}
	}
	if len(ids) == 0 {
		return nil
	}
	list := jsonList(ids)
	prows, err := tx.QueryContext(ctx, `SELECT article, field, hlc FROM sync_pending WHERE article IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return err
	}
	for prows.Next() {
		var id, h int64
		var f string
		if err := prows.Scan(&id, &f, &h); err != nil {
			prows.Close()
			return err
		}
		byID[id].Pending[f] = h
	}
	prows.Close()
	if err := prows.Err(); err != nil {
		return err
	}
	locals, err := localArticles(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		e := byID[id]
		la := locals[id]
		if la == nil {
			return fmt.Errorf("load article %d for sync: %w", id, ErrNotFound)
		}
		e.Local, e.newNote = la.a, la.newNotes
		a := e.Local
		if e.Pending[SyncNew] != 0 || e.Pending[SyncRefetch] != 0 {
			ref, err := contentRef(ctx, tx, id)
			if err != nil {
				return err
			}
			a.Content.Ref = ref
			if _, err := tx.ExecContext(ctx, `UPDATE sync_docs SET have = ?, want = ? WHERE uid = ?`, ref, ref, e.UID); err != nil {
				return err
			}
		} else if row := rows[e.UID]; row != nil {
			a.Content.Ref = row.have
		}
	}
	return nil
}

func loadTagEntry(ctx context.Context, tx querier, e *SyncEntry) error {
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

// localSync is an article's synced values and the ids given to its notes
// that had none (stored with the entry's outcome).
type localSync struct {
	a        *SyncArticle
	newNotes map[int64]string
}

// localArticles reads the synced values of articles ids.
func localArticles(ctx context.Context, q querier, ids []int64) (map[int64]*localSync, error) {
	list := jsonList(ids)
	out := make(map[int64]*localSync, len(ids))
	rows, err := q.QueryContext(ctx, `SELECT id, url, canonical, title, byline, site, lang, excerpt, lead_image,
		published, published_tz, words, reading_time, saved, read, favorite, archived, fetched, fetch_error,
		position, progress
		FROM articles WHERE id IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			id               int64
			a                SyncArticle
			c                = &a.Content
			pub, tz, rt, svd int64
		)
		if err := rows.Scan(&id, &c.URL, &c.Canonical, &a.Title, &c.Byline, &c.Site, &c.Lang,
			&c.Excerpt, &c.LeadImage, &pub, &tz, &c.Words, &rt, &svd, &a.Read, &a.Favorite, &a.Archived,
			&c.Fetched, &c.FetchError, &a.Position, &a.Progress); err != nil {
			rows.Close()
			return nil, err
		}
		c.Published = decPublished(pub, tz)
		c.ReadingTime = time.Duration(rt)
		a.Saved = decTime(svd)
		out[id] = &localSync{a: &a}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT article_id, norm FROM article_urls WHERE article_id IN (SELECT value FROM json_each(?))
		ORDER BY article_id, norm`, list)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var k string
		if err := rows.Scan(&id, &k); err != nil {
			rows.Close()
			return nil, err
		}
		if l := out[id]; l != nil {
			l.a.Keys = append(l.a.Keys, k)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT x.article_id, t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id
		WHERE x.article_id IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		if l := out[id]; l != nil {
			l.a.Tags = append(l.a.Tags, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, l := range out {
		sort.Slice(l.a.Tags, func(i, j int) bool { return foldKey(l.a.Tags[i]) < foldKey(l.a.Tags[j]) })
	}
	rows, err = q.QueryContext(ctx, `SELECT n.article_id, n.id, COALESCE(s.uid, ''), n.text, n.created FROM notes n
		LEFT JOIN sync_notes s ON s.note_id = n.id WHERE n.article_id IN (SELECT value FROM json_each(?))
		ORDER BY n.article_id, n.created, n.id`, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			n       SyncNote
			id, nid int64
			cr      int64
		)
		if err := rows.Scan(&id, &nid, &n.UID, &n.Text, &cr); err != nil {
			return nil, err
		}
		l := out[id]
		if l == nil {
			continue
		}
		n.Created = decTime(cr)
		if n.UID == "" {
			n.UID = uuid.NewString()
			if l.newNotes == nil {
				l.newNotes = make(map[int64]string)
			}
			l.newNotes[nid] = n.UID
		}
		l.a.Notes = append(l.a.Notes, n)
	}
	return out, rows.Err()
}

// readTx runs fn in a read transaction: a consistent view that takes no
// write lock.
func (l *Library) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := l.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
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
