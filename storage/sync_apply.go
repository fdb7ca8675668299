package storage

// Writing what sync decided: documents pulled from the hub merged into the
// library, and the bookkeeping of documents pushed. A batch of hundreds of
// documents is one transaction, read with a few statements for the whole
// batch rather than a few per document.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

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
		uids := make([]string, len(refs))
		for i, r := range refs {
			uids[i] = r.UID
		}
		rows, err := docRows(ctx, tx, uids)
		if err != nil {
			return err
		}
		if err := adoptAll(ctx, tx, refs, rows); err != nil {
			return err
		}
		dels, err := deletions(ctx, tx)
		if err != nil {
			return err
		}
		entries := make([]*SyncEntry, 0, len(refs))
		for _, r := range refs {
			e := &SyncEntry{UID: r.UID, Tag: strings.HasPrefix(r.UID, TagDocPrefix), Pending: make(map[string]int64)}
			if !e.Tag {
				for _, d := range dels[r.UID] {
					e.deleted = append(e.deleted, d.id)
					e.Pending[SyncDeleted] = max(e.Pending[SyncDeleted], d.hlc)
				}
			}
			entries = append(entries, e)
		}
		if err := l.loadEntries(ctx, tx, entries, rows); err != nil {
			return err
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
		if err := tx.flushSearch(ctx); err != nil {
			return err
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

// docRow is what sync_docs holds of a document.
type docRow struct {
	article int64 // 0: not linked to an article here
	doc     []byte
	rev     string
	push    bool
	have    string
}

// docRows reads the sync_docs rows of uids (those that have one).
func docRows(ctx context.Context, tx querier, uids []string) (map[string]*docRow, error) {
	out := make(map[string]*docRow, len(uids))
	if len(uids) == 0 {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT uid, COALESCE(article, 0), doc, rev, push, have FROM sync_docs
		WHERE uid IN (SELECT value FROM json_each(?))`, jsonList(uids))
	if err != nil {
		return nil, fmt.Errorf("load sync documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid string
		r := &docRow{}
		if err := rows.Scan(&uid, &r.article, &r.doc, &r.rev, &r.push, &r.have); err != nil {
			return nil, fmt.Errorf("load sync documents: %w", err)
		}
		out[uid] = r
	}
	return out, rows.Err()
}

// deletion is a local deletion not yet pushed.
type deletion struct{ id, hlc int64 }

// deletions returns the local deletions not yet pushed, by document id: an
// article deleted before it ever had one counts under the id its link
// gives it.
func deletions(ctx context.Context, tx querier) (map[string][]deletion, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, uid, url, hlc FROM sync_deleted ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list local deletions: %w", err)
	}
	defer rows.Close()
	out := make(map[string][]deletion)
	for rows.Next() {
		var (
			d    deletion
			uid  sql.NullString
			link string
		)
		if err := rows.Scan(&d.id, &uid, &link, &d.hlc); err != nil {
			return nil, fmt.Errorf("list local deletions: %w", err)
		}
		if !uid.Valid {
			uid.String = ArticleUID(link)
		}
		out[uid.String] = append(out[uid.String], d)
	}
	return out, rows.Err()
}

// adoptAll links each pulled document to the article saved here under one
// of its links if that article has no id yet: the same link saved on two
// computers (or saved again here after a deletion) becomes one article,
// even when the two normalized it differently. The documents are taken in
// order, each link in order; an article goes to the first that names it.
func adoptAll(ctx context.Context, tx querier, refs []SyncRef, rows map[string]*docRow) error {
	var keys []string
	for _, r := range refs {
		if row := rows[r.UID]; (row == nil || row.article == 0) && !strings.HasPrefix(r.UID, TagDocPrefix) {
			keys = append(keys, r.Keys...)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	res, err := tx.QueryContext(ctx, `SELECT u.norm, u.article_id FROM article_urls u
		WHERE u.norm IN (SELECT value FROM json_each(?))
		AND NOT EXISTS (SELECT 1 FROM sync_docs d WHERE d.article = u.article_id)`, jsonList(keys))
	if err != nil {
		return fmt.Errorf("find articles saved here: %w", err)
	}
	found := make(map[string]int64)
	for res.Next() {
		var k string
		var id int64
		if err := res.Scan(&k, &id); err != nil {
			res.Close()
			return err
		}
		found[k] = id
	}
	res.Close()
	if err := res.Err(); err != nil || len(found) == 0 {
		return err
	}
	taken := make(map[int64]bool)
	for _, r := range refs {
		row := rows[r.UID]
		if (row != nil && row.article != 0) || strings.HasPrefix(r.UID, TagDocPrefix) {
			continue
		}
		for _, k := range r.Keys {
			id, ok := found[k]
			if !ok || taken[id] {
				continue
			}
			taken[id] = true
			if row != nil {
				_, err = tx.ExecContext(ctx, `UPDATE sync_docs SET article = ? WHERE uid = ?`, id, r.UID)
				row.article = id
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO sync_docs(uid, article) VALUES (?, ?)`, r.UID, id)
				rows[r.UID] = &docRow{article: id}
			}
			if err != nil {
				return fmt.Errorf("adopt article %d: %w", id, err)
			}
			break
		}
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
		return tx.flushSearch(ctx)
	})
	if err != nil {
		return fmt.Errorf("record pushed changes: %w", err)
	}
	return nil
}

// store writes e.Out. With apply, the local article is made to match it;
// without, only the bookkeeping is written (a push: the local values are
// what was pushed, or newer).
func (l *Library) store(ctx context.Context, tx *txWriter, e *SyncEntry, apply bool) error {
	o := e.Out
	if e.Tag {
		key := strings.TrimPrefix(e.UID, TagDocPrefix)
		if apply && o.TagName != "" && o.TagName != e.TagName {
			if _, err := tx.ExecContext(ctx, `UPDATE tags SET name = ? WHERE key = ?`, o.TagName, key); err != nil {
				return err
			}
			delete(tx.tags, key)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sync_tag_pending WHERE key = ? AND hlc <= ?`,
			key, e.Pending[SyncName]); err != nil {
			return err
		}
		return putDoc(ctx, tx, e.UID, nil, o, false)
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
	// Inserted or deleted here: no content stored yet, or none left.
	if err := putDoc(ctx, tx, e.UID, aid, o, id != e.ArticleID); err != nil {
		return err
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

// putDoc stores a document's outcome; noContent records that no content is
// stored for it here.
func putDoc(ctx context.Context, tx querier, uid string, aid any, o *SyncOutcome, noContent bool) error {
	want := ""
	if o.Article != nil {
		want = o.Article.Content.Ref
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sync_docs(uid, article, rev, doc, push, want) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(uid) DO UPDATE SET article = excluded.article, rev = excluded.rev, doc = excluded.doc,
		push = excluded.push, want = excluded.want, have = CASE WHEN ? THEN '' ELSE have END`,
		uid, aid, o.Rev, o.Doc, boolInt(o.Push), want, noContent)
	return err
}

// applyArticle makes the local article match a (inserting it when id is 0,
// deleting it when a is nil) and returns its id.
func (l *Library) applyArticle(ctx context.Context, tx *txWriter, id int64, a *SyncArticle) (int64, error) {
	if a == nil {
		if id == 0 {
			return 0, nil
		}
		hashes, err := imageHashes(ctx, tx, id)
		if err != nil {
			return 0, err
		}
		tx.search.forget(id)
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
	if id == 0 {
		return l.insertSynced(ctx, tx, a)
	}
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
	if err := addKeys(ctx, tx, id, a.Keys); err != nil {
		return 0, err
	}
	if err := applyTags(ctx, tx, id, a.Tags); err != nil {
		return 0, err
	}
	if err := applyNotes(ctx, tx, id, a.Notes); err != nil {
		return 0, err
	}
	tx.search.redo(id)
	return id, nil
}

// insertSynced inserts an article that arrived from the hub: it has no
// content yet, and nothing here to compare its tags and notes with.
func (l *Library) insertSynced(ctx context.Context, tx *txWriter, a *SyncArticle) (int64, error) {
	c := a.Content
	_, off := c.Published.Zone()
	res, err := tx.ExecContext(ctx, `INSERT INTO articles
		(url, canonical, title, title_key, byline, site, lang, excerpt, lead_image,
		 published, published_tz, words, reading_time, saved, updated,
		 read, favorite, archived, fetched, fetch_error, position, progress)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		c.URL, c.Canonical, a.Title, foldKey(a.Title), c.Byline, c.Site, c.Lang, c.Excerpt, c.LeadImage,
		encTime(c.Published), off, c.Words, int64(c.ReadingTime), encTime(a.Saved), encTime(l.now()),
		boolInt(a.Read), boolInt(a.Favorite), boolInt(a.Archived), boolInt(c.Fetched), c.FetchError,
		a.Position, a.Progress)
	if err != nil {
		return 0, fmt.Errorf("insert article: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := addKeys(ctx, tx, id, a.Keys); err != nil {
		return 0, err
	}
	names := make([]string, 0, len(a.Tags))
	for _, n := range a.Tags {
		t, err := tx.tag(ctx, n)
		if err != nil {
			return 0, err
		}
		if err := tagArticle(ctx, tx, id, t); err != nil {
			return 0, err
		}
		names = append(names, t.name)
	}
	texts := make([]string, 0, len(a.Notes))
	for _, n := range a.Notes {
		if err := insertNote(ctx, tx, id, n); err != nil {
			return 0, err
		}
		texts = append(texts, n.Text)
	}
	tx.search.fresh(id, searchRow{title: a.Title, byline: c.Byline, site: c.Site,
		tags: strings.Join(names, " "), notes: strings.Join(texts, "\n")})
	return id, nil
}

func addKeys(ctx context.Context, tx querier, id int64, keys []string) error {
	for _, k := range keys {
		// A link another article holds stays with it.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO article_urls(norm, article_id) VALUES (?, ?)`, k, id); err != nil {
			return err
		}
	}
	return nil
}

func insertNote(ctx context.Context, tx querier, id int64, n SyncNote) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO notes(article_id, text, created, updated) VALUES (?, ?, ?, ?)`,
		id, n.Text, encTime(n.Created), encTime(n.Created))
	if err != nil {
		return err
	}
	nid, err := res.LastInsertId()
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sync_notes(note_id, uid) VALUES (?, ?)`, nid, n.UID)
	return err
}

func applyTags(ctx context.Context, tx *txWriter, id int64, names []string) error {
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
			t, err := tx.tag(ctx, n)
			if err != nil {
				return err
			}
			if err := tagArticle(ctx, tx, id, t); err != nil {
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
			if err := insertNote(ctx, tx, id, n); err != nil {
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

// searchQueue holds the articles whose search entry a sync transaction
// writes at its end. FTS5 writes the entries it holds in memory out to a
// new index segment at every statement savepoint, and most of the
// statements sync runs open one (they fire triggers); written between
// them, each article's entry became a segment of its own, merged again
// and again. Written last, a batch's entries go in together.
type searchQueue struct {
	rows  map[int64]*searchRow // nil: read back from the tables
	order []int64
}

// searchRow is a search entry's values, unfolded.
type searchRow struct{ title, byline, site, text, tags, notes string }

// fresh queues the entry of an article inserted in this transaction.
func (q *searchQueue) fresh(id int64, r searchRow) { q.add(id, &r) }

// redo queues the rewriting of an article's entry from the tables.
func (q *searchQueue) redo(id int64) {
	if r, ok := q.rows[id]; ok && r != nil {
		q.rows[id] = nil // inserted, then changed: read back too, but it has no entry yet
		return
	}
	q.add(id, nil)
}

func (q *searchQueue) add(id int64, r *searchRow) {
	if q.rows == nil {
		q.rows = make(map[int64]*searchRow)
	}
	if _, ok := q.rows[id]; !ok {
		q.order = append(q.order, id)
	}
	q.rows[id] = r
}

// forget drops a deleted article from the queue.
func (q *searchQueue) forget(id int64) {
	if _, ok := q.rows[id]; ok {
		delete(q.rows, id)
		q.order = slices.DeleteFunc(q.order, func(x int64) bool { return x == id })
	}
}

// flushSearch writes the queued search entries.
func (w *txWriter) flushSearch(ctx context.Context) error {
	for _, id := range w.search.order {
		r, ok := w.search.rows[id]
		switch {
		case !ok:
		case r != nil:
			if err := writeSearch(ctx, w, id, r.title, r.byline, r.site, r.text, r.tags, r.notes); err != nil {
				return err
			}
		default:
			if err := syncSearch(ctx, w, id); err != nil {
				return err
			}
		}
	}
	w.search = searchQueue{}
	return nil
}

// reindexLater queues the rewriting of article id's search entry.
func (w *txWriter) reindexLater(id int64) { w.search.redo(id) }
