-- Folio library schema, version 4.
-- An article's original may be a document (a PDF) rather than a web page:
-- pages.content_type says which, so the article can be extracted again,
-- opened in the system's viewer and exported as the document itself.
ALTER TABLE pages ADD COLUMN content_type TEXT NOT NULL DEFAULT 'text/html';

-- Long work over the whole library that can be interrupted and resumed
-- (re-extracting every article): where it stands, as its owner encodes it.
CREATE TABLE jobs (
	name    TEXT    PRIMARY KEY,
	state   BLOB    NOT NULL,
	updated INTEGER NOT NULL
);
