// Package archive is Folio's open, lossless export: the library (or part
// of it) as plain files anyone can read without Folio, which Folio reads
// back with nothing lost.
//
// An archive is a folder:
//
//	library.json                  the index: format, version, every article's data
//	0001-nang-cao-nang-luc/       one folder per article
//	  article.md                  Markdown with front matter, as 'folio export' writes, and the notes
//	  article.html                the clean article HTML, between two marker comments
//	  article.txt                 its plain text
//	  original.html.gz            the page as it was fetched, gzip-compressed
//	  images/01-3fa2c1.jpg        its images, the bytes as they were downloaded
//
// library.json holds what the files do not: links, times, states, tags,
// notes and which image file is which URL. Its "format" is "folio-archive";
// "version" goes up only when a reader of an older version would lose
// something; fields may be added within a version.
package archive

import (
	"encoding/json"
	"errors"
	"time"
)

// Format and Version identify library.json.
const (
	Format  = "folio-archive"
	Version = 1
	// Index is the index file's name, in the archive's folder.
	Index = "library.json"
)

// The article HTML sits between these markers in article.html, so that a
// browser shows a page with its character set and title while the stored
// HTML comes back byte for byte.
const (
	htmlStart = "<!--folio:article-->\n"
	htmlEnd   = "\n<!--/folio:article-->"
)

// ErrNotArchive is returned by Open for a folder that holds no Folio
// archive, and ErrNewer for one written by a newer Folio.
var (
	ErrNotArchive = errors.New("not a Folio archive")
	ErrNewer      = errors.New("archive written by a newer Folio")
	ErrDamaged    = errors.New("archive is damaged")
)

// Library is library.json.
type Library struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	Exported  time.Time `json:"exported"`
	Generator string    `json:"generator,omitempty"`
	Articles  []Entry   `json:"articles"`
}

// Entry is one article in library.json. File names are relative to the
// article's folder; an empty one means the article has no such part (a
// bookmark has no text, a failed download no image file).
type Entry struct {
	Folder string `json:"folder"`
	// ID is the article's id in the library it came from, for reference;
	// a library importing it gives it a new one.
	ID int64 `json:"id"`

	URL       string `json:"url"`
	Canonical string `json:"canonical,omitempty"`
	// Aliases are every link the library knew the article by, normalized
	// (its URL and canonical URL among them).
	Aliases   []string   `json:"aliases,omitempty"`
	Title     string     `json:"title"`
	Byline    string     `json:"byline,omitempty"`
	Site      string     `json:"site,omitempty"`
	Lang      string     `json:"lang,omitempty"`
	Excerpt   string     `json:"excerpt,omitempty"`
	LeadImage string     `json:"leadImage,omitempty"`
	Published *time.Time `json:"published"` // with the page's own UTC offset; null when unknown
	Saved     time.Time  `json:"saved"`
	Updated   time.Time  `json:"updated"`
	Words     int        `json:"words"`
	// ReadingTime is a Go duration ("4m30s").
	ReadingTime string `json:"readingTime"`

	State      State       `json:"state"`
	FetchError string      `json:"fetchError,omitempty"`
	Tags       []string    `json:"tags"`
	Notes      []Note      `json:"notes"`
	Highlights []Highlight `json:"highlights"`
	// Position is reserved for the reading position.
	Position json.RawMessage `json:"position,omitempty"`

	Images   []Image `json:"images"`
	HTML     string  `json:"html,omitempty"`     // "article.html"
	Text     string  `json:"text,omitempty"`     // "article.txt"
	Page     string  `json:"page,omitempty"`     // "original.html.gz"
	Markdown string  `json:"markdown,omitempty"` // "article.md"
}

// State is an article's flags.
type State struct {
	Read     bool `json:"read"`
	Favorite bool `json:"favorite"`
	Archived bool `json:"archived"`
	// Fetched is false for a bookmark whose page was never read.
	Fetched bool `json:"fetched"`
}

// Note is one note with its times.
type Note struct {
	Text    string    `json:"text"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Highlight is a highlighted passage of the article's text (article.txt)
// with its note, anchored as the W3C Web Annotation selectors do: the
// passage with some text before and after it (TextQuoteSelector) and its
// offsets in code points (TextPositionSelector). Detached is true when the
// passage was no longer in the article's text.
type Highlight struct {
	Text     string    `json:"text"`
	Prefix   string    `json:"prefix,omitempty"`
	Suffix   string    `json:"suffix,omitempty"`
	Start    int       `json:"start"`
	End      int       `json:"end"`
	Color    string    `json:"color"`
	Note     string    `json:"note,omitempty"`
	Detached bool      `json:"detached,omitempty"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// Image is one image of an article in document order: its file when it was
// downloaded, the reason when not.
type Image struct {
	URL         string `json:"url"`
	File        string `json:"file,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Error       string `json:"error,omitempty"`
}
