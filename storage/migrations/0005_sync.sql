-- Folio library schema, version 5: sync bookkeeping (package replica keeps
-- the library a replica of a CouchDB hub; storage/sync.go is its side here).
--
-- Every local change must carry the time it was made, in the same
-- transaction, whichever code path makes it: triggers record it, so a write
-- path added later is covered without knowing about sync. A change is a
-- (article, field) pair with a hybrid logical clock (HLC): milliseconds
-- since 1970 shifted left 16 bits plus a counter, never going backwards and
-- always above any clock seen from the hub. The sync engine reads the values
-- themselves from the tables when it builds the article's document.
--
-- While the engine writes what it pulled, sync_clock.applying is 1 inside its
-- transaction, so those writes are not taken for local edits.

CREATE TABLE sync_clock (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	node     TEXT    NOT NULL, -- this library's random id: breaks clock ties
	hlc      INTEGER NOT NULL, -- the newest clock issued or seen
	applying INTEGER NOT NULL DEFAULT 0,
	skew_ms  INTEGER NOT NULL DEFAULT 0 -- added to the wall clock; tests skew libraries with it
);
INSERT INTO sync_clock(id, node, hlc) VALUES (1, lower(hex(randomblob(8))), 0);

-- Settings and progress: hub address, database names, the last _changes
-- sequence read, the last sync time. Never credentials.
CREATE TABLE sync_meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- Local changes not yet pushed: field is 'new' (the whole article), a
-- scalar ('title', 'read', 'favorite', 'archived', 'position' (the reading
-- position, with its progress), 'content'), 'tags' (an
-- untagging), 'tag:KEY' (a tagging), 'notes', 'saved' or 'keys' (the
-- earliest save time and the links: sets that only grow, no clock needed). No foreign key: the row must outlive a deleted article until the
-- sync engine has seen it.
CREATE TABLE sync_pending (
	article    INTEGER NOT NULL,
	field      TEXT    NOT NULL,
	hlc        INTEGER NOT NULL,
	PRIMARY KEY (article, field)
) WITHOUT ROWID;

-- The document of each article as last agreed with the hub (the merge of
-- both sides), its CouchDB revision, and the link to the local article
-- (NULL once deleted here: the document is kept as a tombstone).
-- push = 1 when the merged document still has to go up.
CREATE TABLE sync_docs (
	uid        TEXT PRIMARY KEY,
	article    INTEGER UNIQUE,
	rev        TEXT    NOT NULL DEFAULT '',
	doc        BLOB,
	push       INTEGER NOT NULL DEFAULT 0,
	want       TEXT    NOT NULL DEFAULT '', -- content the document names
	have       TEXT    NOT NULL DEFAULT ''  -- content stored here
);
CREATE INDEX sync_docs_push ON sync_docs(uid) WHERE push = 1;
CREATE INDEX sync_docs_fetch ON sync_docs(uid) WHERE want <> have AND article IS NOT NULL;

-- Articles deleted here, until pushed as tombstones.
CREATE TABLE sync_deleted (
	id  INTEGER PRIMARY KEY,
	uid TEXT,          -- NULL when the article never had a document
	url TEXT NOT NULL,
	hlc INTEGER NOT NULL
);

-- Each note's id shared with the other libraries.
CREATE TABLE sync_notes (
	note_id INTEGER PRIMARY KEY REFERENCES notes(id) ON DELETE CASCADE,
	uid     TEXT NOT NULL UNIQUE
);

-- Tag spellings changed here, until pushed (one document per tag key).
CREATE TABLE sync_tag_pending (
	key TEXT PRIMARY KEY,
	hlc INTEGER NOT NULL
) WITHOUT ROWID;

-- Content and image blobs known to be on the hub.
CREATE TABLE sync_blobs (
	id TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Every library that syncs starts with all it holds to send, stamped with
-- the time each article last changed.
INSERT INTO sync_pending(article, field, hlc)
	SELECT id, 'new', (max(updated, saved) / 1000000) << 16 FROM articles;
INSERT INTO sync_tag_pending(key, hlc) SELECT key, 0 FROM tags;
UPDATE sync_clock SET hlc = COALESCE((SELECT max(hlc) FROM sync_pending), 0);

-- Each trigger first advances the clock: max(last + 1, wall clock).
CREATE TRIGGER sync_article_new AFTER INSERT ON articles
WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_pending(article, field, hlc) VALUES (NEW.id, 'new', (SELECT hlc FROM sync_clock))
		ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

CREATE TRIGGER sync_article_deleted AFTER DELETE ON articles
WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_deleted(uid, url, hlc)
		VALUES ((SELECT uid FROM sync_docs WHERE article = OLD.id), OLD.url, (SELECT hlc FROM sync_clock));
	UPDATE sync_docs SET article = NULL, have = '' WHERE article = OLD.id;
	DELETE FROM sync_pending WHERE article = OLD.id;
END;

-- Whatever the window or the command line does to an article.
CREATE TRIGGER sync_article_changed AFTER UPDATE ON articles
WHEN (SELECT applying FROM sync_clock) = 0 AND (
	OLD.title IS NOT NEW.title OR OLD.read IS NOT NEW.read OR OLD.favorite IS NOT NEW.favorite OR
	OLD.archived IS NOT NEW.archived OR OLD.updated IS NOT NEW.updated OR OLD.url IS NOT NEW.url OR
	OLD.fetched IS NOT NEW.fetched OR OLD.fetch_error IS NOT NEW.fetch_error OR OLD.saved IS NOT NEW.saved OR
	OLD.position IS NOT NEW.position) BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_pending(article, field, hlc)
		SELECT NEW.id, f, (SELECT hlc FROM sync_clock) FROM (
			SELECT 'title' AS f WHERE OLD.title IS NOT NEW.title
			UNION ALL SELECT 'read' WHERE OLD.read IS NOT NEW.read
			UNION ALL SELECT 'favorite' WHERE OLD.favorite IS NOT NEW.favorite
			UNION ALL SELECT 'archived' WHERE OLD.archived IS NOT NEW.archived
			UNION ALL SELECT 'content' WHERE OLD.updated IS NOT NEW.updated OR OLD.url IS NOT NEW.url
				OR OLD.fetched IS NOT NEW.fetched OR OLD.fetch_error IS NOT NEW.fetch_error
			UNION ALL SELECT 'saved' WHERE OLD.saved IS NOT NEW.saved
			UNION ALL SELECT 'position' WHERE OLD.position IS NOT NEW.position)
		WHERE true
		ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

-- Each tagging is recorded with its tag ('tag:' || key), so that a tag
-- removed and added again between two syncs still counts as an add.
-- A link recorded for the article (an alias): documents carry every link.
CREATE TRIGGER sync_linked AFTER INSERT ON article_urls
WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_pending(article, field, hlc) VALUES (NEW.article_id, 'keys', (SELECT hlc FROM sync_clock))
		ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

CREATE TRIGGER sync_tagged AFTER INSERT ON article_tags
WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_pending(article, field, hlc)
		VALUES (NEW.article_id, 'tag:' || (SELECT key FROM tags WHERE id = NEW.tag_id), (SELECT hlc FROM sync_clock))
		ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

-- Also fired by the cascade when an article or a tag is deleted.
CREATE TRIGGER sync_untagged AFTER DELETE ON article_tags
WHEN (SELECT applying FROM sync_clock) = 0 AND EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id) BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_pending(article, field, hlc) VALUES (OLD.article_id, 'tags', (SELECT hlc FROM sync_clock))
		ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

-- A renamed tag (its key changed) is untagged and tagged on each of its
-- articles; a new spelling of the same key is a change of the tag itself.
CREATE TRIGGER sync_tag_renamed AFTER UPDATE OF name, key ON tags
WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_pending(article, field, hlc)
		SELECT article_id, 'tags', (SELECT hlc FROM sync_clock) FROM article_tags WHERE tag_id = NEW.id AND OLD.key IS NOT NEW.key
		ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
	INSERT INTO sync_tag_pending(key, hlc) VALUES (NEW.key, (SELECT hlc FROM sync_clock))
		ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

CREATE TRIGGER sync_tag_new AFTER INSERT ON tags
WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_tag_pending(key, hlc) VALUES (NEW.key, (SELECT hlc FROM sync_clock))
		ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER sync_note_new AFTER INSERT ON notes
WHEN (SELECT applying FROM sync_clock) = 0 BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_pending(article, field, hlc) VALUES (NEW.article_id, 'notes', (SELECT hlc FROM sync_clock))
		ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

CREATE TRIGGER sync_note_changed AFTER UPDATE OF text ON notes
WHEN (SELECT applying FROM sync_clock) = 0 AND OLD.text IS NOT NEW.text BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_pending(article, field, hlc) VALUES (NEW.article_id, 'notes', (SELECT hlc FROM sync_clock))
		ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

CREATE TRIGGER sync_note_deleted AFTER DELETE ON notes
WHEN (SELECT applying FROM sync_clock) = 0 AND EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id) BEGIN
	UPDATE sync_clock SET hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + skew_ms) << 16);
	INSERT INTO sync_pending(article, field, hlc) VALUES (OLD.article_id, 'notes', (SELECT hlc FROM sync_clock))
		ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;
