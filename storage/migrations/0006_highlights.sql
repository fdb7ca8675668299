-- Folio library schema, version 6: highlights, passages of an article the
-- person marked, each with a colour and a note of its own.
--
-- A highlight is anchored as the W3C Web Annotation model does it, so that
-- it survives a re-extraction of the article: the quoted text with up to 32
-- characters of context before and after it (TextQuoteSelector: exact,
-- prefix, suffix, white space collapsed in the context) and its offsets in
-- the article's plain text, article_content.text, in Unicode code points
-- (TextPositionSelector: pos_start, pos_end). When the text changes, each
-- highlight is placed again in the same transaction (package anchor); one
-- that cannot be placed is kept with detached = 1 and its old offsets.
CREATE TABLE highlights (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	color      TEXT    NOT NULL DEFAULT 'yellow',
	note       TEXT    NOT NULL DEFAULT '',
	exact      TEXT    NOT NULL,
	prefix     TEXT    NOT NULL DEFAULT '',
	suffix     TEXT    NOT NULL DEFAULT '',
	pos_start  INTEGER NOT NULL,
	pos_end    INTEGER NOT NULL,
	detached   INTEGER NOT NULL DEFAULT 0,
	created    INTEGER NOT NULL,
	updated    INTEGER NOT NULL
);
CREATE INDEX highlights_article ON highlights(article_id, pos_start, id);
-- the library's highlights newest first, all or of one colour
CREATE INDEX highlights_created ON highlights(created DESC, id DESC);
CREATE INDEX highlights_color   ON highlights(color, created DESC, id DESC);
