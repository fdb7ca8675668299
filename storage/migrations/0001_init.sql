-- Folio library schema, version 1.
-- Times are Unix nanoseconds (UTC). published is -9223372036854775808 when
-- the page gave no date, so that "newest first" puts unknown dates last and
-- the column stays usable in row-value cursor comparisons (NULL is not).

CREATE TABLE articles (
	id           INTEGER PRIMARY KEY,
	url          TEXT    NOT NULL,
	canonical    TEXT    NOT NULL DEFAULT '',
	title        TEXT    NOT NULL DEFAULT '',
	title_key    TEXT    NOT NULL DEFAULT '', -- folded title: case/accent-insensitive sort
	byline       TEXT    NOT NULL DEFAULT '',
	site         TEXT    NOT NULL DEFAULT '',
	lang         TEXT    NOT NULL DEFAULT '',
	excerpt      TEXT    NOT NULL DEFAULT '',
	lead_image   TEXT    NOT NULL DEFAULT '',
	published    INTEGER NOT NULL,
	published_tz INTEGER NOT NULL DEFAULT 0,  -- the page's UTC offset, seconds
	words        INTEGER NOT NULL DEFAULT 0,
	reading_time INTEGER NOT NULL DEFAULT 0,  -- nanoseconds
	saved        INTEGER NOT NULL,
	updated      INTEGER NOT NULL,
	read         INTEGER NOT NULL DEFAULT 0,
	favorite     INTEGER NOT NULL DEFAULT 0,
	archived     INTEGER NOT NULL DEFAULT 0,
	fetched      INTEGER NOT NULL DEFAULT 1,
	fetch_error  TEXT    NOT NULL DEFAULT ''
);

-- Keyset pagination: one index per sort order, plus partial ones for the
-- state filters so that a page of unread/favourite/archived articles is read
-- straight off an index instead of filtering the whole table.
CREATE INDEX articles_saved     ON articles(saved DESC, id DESC);
CREATE INDEX articles_published ON articles(published DESC, id DESC);
CREATE INDEX articles_title     ON articles(title_key, id);
CREATE INDEX articles_site_saved ON articles(site, saved DESC, id DESC);
CREATE INDEX articles_unread_saved     ON articles(saved DESC, id DESC)     WHERE read = 0 AND archived = 0;
CREATE INDEX articles_unread_published ON articles(published DESC, id DESC) WHERE read = 0 AND archived = 0;
CREATE INDEX articles_unread_title     ON articles(title_key, id)           WHERE read = 0 AND archived = 0;
CREATE INDEX articles_fav_saved        ON articles(saved DESC, id DESC)     WHERE favorite = 1;
CREATE INDEX articles_fav_published    ON articles(published DESC, id DESC) WHERE favorite = 1;
CREATE INDEX articles_fav_title        ON articles(title_key, id)           WHERE favorite = 1;
CREATE INDEX articles_arch_saved       ON articles(saved DESC, id DESC)     WHERE archived = 1;
CREATE INDEX articles_arch_published   ON articles(published DESC, id DESC) WHERE archived = 1;
CREATE INDEX articles_arch_title       ON articles(title_key, id)           WHERE archived = 1;

-- The bulky parts live apart so that listing never pages through them.
CREATE TABLE article_content (
	article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
	html       TEXT NOT NULL DEFAULT '',
	text       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE pages (
	article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
	gz         BLOB NOT NULL -- the original page, gzip-compressed
);

-- Both the normalized URL and the normalized canonical URL point at the
-- article, so a link matching either is recognised as a duplicate.
CREATE TABLE article_urls (
	norm       TEXT    PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX article_urls_article ON article_urls(article_id);

-- Images are stored once per distinct content. An ordinary rowid table:
-- SQLite advises against WITHOUT ROWID for rows as large as images.
CREATE TABLE blobs (
	hash         TEXT PRIMARY KEY, -- hex sha256 of data
	content_type TEXT NOT NULL DEFAULT '',
	data         BLOB NOT NULL
);

CREATE TABLE article_images (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	url        TEXT    NOT NULL,
	hash       TEXT    REFERENCES blobs(hash), -- NULL when the download failed
	error      TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE INDEX article_images_url  ON article_images(url);
CREATE INDEX article_images_hash ON article_images(hash) WHERE hash IS NOT NULL;

CREATE TABLE tags (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL,       -- as the user spelled it
	key  TEXT NOT NULL UNIQUE -- lower(NFC(name)): Unicode case-insensitive identity
);

CREATE TABLE article_tags (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	tag_id     INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
	PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);

CREATE TABLE notes (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	text       TEXT    NOT NULL,
	created    INTEGER NOT NULL,
	updated    INTEGER NOT NULL
);
CREATE INDEX notes_article ON notes(article_id, created, id);

-- Full-text index. Contentless: the texts already live in the tables above,
-- and snippets are cut in Go from the original text. Every column holds the
-- text with đ/Đ folded to d/D, which unicode61 does not do by itself.
CREATE VIRTUAL TABLE search USING fts5(
	title, byline, site, text, tags, notes,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search(search, rank) VALUES ('rank', 'bm25(10.0, 3.0, 2.0, 1.0, 5.0, 2.0)');
