package storage

import (
	"errors"
	"time"

	"github.com/folio-app/folio/reader"
)

// Sentinel errors, checked with errors.Is.
var (
	ErrNotFound    = errors.New("not found")
	ErrBadQuery    = errors.New("bad search query")
	ErrNewerSchema = errors.New("library was written by a newer Folio")
	ErrInvalid     = errors.New("invalid input")
	// ErrDuplicate is returned by Add, together with the existing article's
	// id, when the link or canonical URL is already in the library.
	ErrDuplicate = errors.New("article already in the library")
)

// Article is an article as the library holds it.
type Article struct {
	ID int64
	// The extracted content. When loaded by Get, Images carries URL and
	// ContentType only (no Data; see Library.Image) and Page is nil (see
	// Library.Page).
	reader.Article

	Saved    time.Time
	Updated  time.Time
	Read     bool
	Favorite bool
	Archived bool
	Tags     []string // sorted, as the user spelled them

	// Fetched is false for a bookmark whose page has not been (or could not
	// be) fetched; FetchError then says why, if a fetch was tried.
	Fetched    bool
	FetchError string

	// Position is where the reader left the article (see SetPosition).
	Position int
	Progress float64
}

// Summary is the light row shown in lists and search results.
type Summary struct {
	ID          int64
	URL         string
	Title       string
	Byline      string
	SiteName    string
	Lang        string
	Excerpt     string
	Published   time.Time
	Saved       time.Time
	Words       int
	ReadingTime time.Duration
	Read        bool
	Favorite    bool
	Archived    bool
	Fetched     bool
	Tags        []string
	// Progress is how far the article has been read, 0 to 1.
	Progress float64
	// FetchError says why a bookmark (Fetched false) has no page, if a
	// fetch was tried.
	FetchError string
}

// Note is one timestamped note on an article.
type Note struct {
	ID        int64
	ArticleID int64
	Text      string
	Created   time.Time
	Updated   time.Time
}

// TagCount is a tag and how many articles carry it.
type TagCount struct {
	Name  string
	Count int
}

// State selects articles by their read/favourite/archived flags.
type State int

const (
	StateAll      State = iota // every article, archived included
	StateUnread                // not read and not archived
	StateFavorite              // favourite, archived or not
	StateArchived              // archived
)

// Sort orders a listing.
type Sort int

const (
	SortSaved     Sort = iota // newest saved first
	SortPublished             // newest published first; unknown dates last
	SortTitle                 // A→Z, case- and accent-insensitive
)

// Filter selects and orders articles for List and Search.
type Filter struct {
	Tag   string // case-insensitive; empty for any
	Site  string // site name; empty for any
	State State
	Sort  Sort
	// Limit is the page size (default 50, at most 1000).
	Limit int
	// After is the cursor returned with the previous page; empty for the first.
	After string
}

// Mark is a change to an article's flags.
type Mark int

const (
	MarkRead Mark = iota
	MarkUnread
	MarkFavorite
	MarkUnfavorite
	MarkArchive
	MarkUnarchive
)

// AddOptions carries what the caller knows beyond the extracted article.
type AddOptions struct {
	Tags []string
	// Saved overrides the saved time (imports keep the original); zero means now.
	Saved    time.Time
	Read     bool
	Favorite bool
	Archived bool
	// Bookmark stores the link without content (Fetched=false); FetchError
	// records why, if a fetch failed.
	Bookmark   bool
	FetchError string
	// Aliases are other links to the same article, such as the link the
	// person gave before it redirected: a later save of any of them is
	// recognised as a duplicate.
	Aliases []string
	// Notes are stored with the article, in the same transaction (an
	// import brings the notes an export carried); empty ones are skipped.
	Notes []string
	// Highlights are stored with the article, in the same transaction,
	// each placed in its text (see AddHighlight); one not found there (a
	// bookmark has no text) is kept detached, to be placed when a later
	// fetch brings the text (Replace).
	Highlights []Highlight
	// HighlightNotes, when set, turns the Highlights not found in the
	// article's text into notes, its result, stored with Notes (an import
	// keeps an export's highlights it cannot place as notes). A bookmark's
	// are kept detached all the same: it has no text yet.
	HighlightNotes func(unplaced []Highlight) []string
}

// SearchResult is one hit of a full-text search.
type SearchResult struct {
	Summary
	// Snippet is a short excerpt around the match, each matched term wrapped
	// in SnippetOpen and SnippetClose.
	Snippet string
	Rank    float64
}

// Snippet markers around matched terms in SearchResult.Snippet.
const (
	SnippetOpen  = "\x02"
	SnippetClose = "\x03"
)
