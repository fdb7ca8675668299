-- Folio library schema, version 3: where the reader left each article.
-- position is a byte offset in the reader's plain text of the article (its
-- blocks joined by newlines), so it holds at any window width and text
-- size; progress is how far through, 0 to 1, for the list to show.

ALTER TABLE articles ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN progress REAL NOT NULL DEFAULT 0;
