// Package save is the one way an article gets into the library: look the
// link up, fetch the page, extract the article, look its final and
// canonical addresses up, download its images, store it with the links it
// is known by. The window, the command line and import all call it, so a
// link saved anywhere behaves the same. It also fetches or re-extracts
// articles already saved, keeping their tags, notes and state.
//
// It is a use case over reader and storage, with no widgets and no words a
// person reads: callers choose those from the results and errors.
package save

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// Library is what saving uses of the library; *storage.Library is one.
type Library interface {
	Lookup(ctx context.Context, link string) (int64, error)
	Add(ctx context.Context, a *reader.Article, opts storage.AddOptions) (int64, error)
	Merge(ctx context.Context, id int64, m storage.Merge) (string, error)
	Get(ctx context.Context, id int64) (*storage.Article, error)
	Replace(ctx context.Context, id int64, a *reader.Article) error
	Original(ctx context.Context, id int64) (string, []byte, error)
	Image(ctx context.Context, articleID int64, url string) (string, []byte, error)
}

// Fetcher reads pages and images; *reader.Reader is one.
type Fetcher interface {
	Fetch(ctx context.Context, link string) (*reader.Page, error)
	FetchFile(path, link string) (*reader.Page, error)
	FetchImages(ctx context.Context, a *reader.Article)
}

// Saver saves into Lib what Fetcher reads. A nil Fetcher saves only
// articles given whole (Request.Article) and re-extracts stored pages.
type Saver struct {
	Lib     Library
	Fetcher Fetcher
}

// New returns a Saver over lib reading with f.
func New(lib Library, f Fetcher) *Saver { return &Saver{Lib: lib, Fetcher: f} }

// Stage is a step of saving, reported through Request.Progress.
type Stage int

// The stages of a save, in order. A link found in the library at the
// first look-up goes through none.
const (
	Fetching Stage = iota
	Extracting
	Images
	Storing
)

func (s Stage) String() string {
	switch s {
	case Fetching:
		return "fetching"
	case Extracting:
		return "extracting"
	case Images:
		return "images"
	case Storing:
		return "storing"
	}
	return fmt.Sprintf("Stage(%d)", int(s))
}

// ErrNotRead is wrapped by the errors of a save that could not read the
// page: the fetch failed, the file could not be read, or no article was
// found on it. Nothing was stored; an import keeps such a link as a
// bookmark. errors.Is(err, reader.ErrNotArticle) and the like still hold.
var ErrNotRead = errors.New("page not read")

type readError struct{ err error }

func (e readError) Error() string        { return e.err.Error() }
func (e readError) Unwrap() error        { return e.err }
func (e readError) Is(target error) bool { return target == ErrNotRead }

// ErrNoFetcher: a save needed the network or the disk and the Saver has no
// Fetcher.
var ErrNoFetcher = errors.New("saving without a fetcher")

// Request is one thing to save: a link, a page saved on disk, or an
// article already extracted (an export's own content). One of Link, Path
// and Article is set, or Link and Article together: the article is then
// the content of the link, used instead of fetching it.
type Request struct {
	Link string
	// Path is a saved page; Origin its original address (empty: the one
	// the file names).
	Path   string
	Origin string
	// Article is stored as it is, after its addresses are looked up and
	// its images downloaded (when the Saver has a Fetcher).
	Article *reader.Article
	// Force keeps a page even when no article text is found on it.
	Force bool
	// Title is the title the source knew (an export): it replaces the
	// page's unless it is only a link.
	Title string
	// Options are the tags, saved time and flags the new article gets;
	// for an article already in the library they are merged into it (see
	// storage.Merge). Aliases are added to the link asked for.
	Options storage.AddOptions
	// Progress, when set, is called as each stage starts, on the saving
	// goroutine; it must not block.
	Progress func(Stage)
}

func (r Request) report(s Stage) {
	if r.Progress != nil {
		r.Progress(s)
	}
}

// Result is what a save came to.
type Result struct {
	ID    int64
	Title string
	// Existed: the article was already in the library. Nothing new was
	// stored; the request's tags, flags and links were merged into it.
	Existed bool
}

// Save saves one request. A link already in the library is not fetched:
// the request is merged into its article. A page whose final or canonical
// address is in the library is merged too, before its images are
// downloaded. The link asked for is stored as an alias of the article, so
// a shortened or redirecting link is known the next time without a fetch.
func (s *Saver) Save(ctx context.Context, req Request) (Result, error) {
	var given string // the address the person gave, recorded as an alias
	switch {
	case req.Link != "":
		u, err := reader.ParseLink(req.Link)
		if err != nil {
			return Result{}, readError{err}
		}
		given = u.String()
	case req.Path != "":
		given = req.Origin
	case req.Article == nil:
		return Result{}, fmt.Errorf("save: %w: nothing to save", storage.ErrInvalid)
	}
	if given != "" {
		if id, err := s.lookup(ctx, given); err != nil || id != 0 {
			if err != nil {
				return Result{}, err
			}
			return s.merge(ctx, id, req, req.Options.Aliases)
		}
	}

	a := req.Article
	if a == nil {
		var err error
		if a, err = s.read(ctx, req); err != nil {
			return Result{}, err
		}
	}
	if t := strings.TrimSpace(req.Title); t != "" && !storage.IsLinkTitle(t) {
		a.Title = t
	}
	aliases := req.Options.Aliases
	if given != "" {
		aliases = append(aliases[:len(aliases):len(aliases)], given)
	}
	// The page's own addresses are looked up before its images are
	// downloaded: an article already saved under its canonical address
	// costs one page fetch, not its pictures too.
	for _, link := range []string{a.URL, a.Canonical} {
		if link == "" {
			continue
		}
		if id, err := s.lookup(ctx, link); err != nil || id != 0 {
			if err != nil {
				return Result{}, err
			}
			return s.merge(ctx, id, req, aliases)
		}
	}
	if s.Fetcher != nil && len(a.Images) == 0 {
		req.report(Images)
		s.Fetcher.FetchImages(ctx, a)
		if err := ctx.Err(); err != nil {
			return Result{}, fmt.Errorf("save %s: %w", a.URL, err)
		}
	}
	req.report(Storing)
	opts := req.Options
	opts.Aliases = aliases
	id, err := s.Lib.Add(ctx, a, opts)
	if errors.Is(err, storage.ErrDuplicate) && id != 0 {
		// Saved meanwhile by another save of the same page.
		return s.merge(ctx, id, req, aliases)
	}
	if err != nil {
		return Result{}, err
	}
	return Result{ID: id, Title: a.Title}, nil
}

// read fetches and extracts the page of a link or a file.
func (s *Saver) read(ctx context.Context, req Request) (*reader.Article, error) {
	if s.Fetcher == nil {
		return nil, fmt.Errorf("save %s: %w", req.Link+req.Path, ErrNoFetcher)
	}
	req.report(Fetching)
	var page *reader.Page
	var err error
	if req.Link != "" {
		page, err = s.Fetcher.Fetch(ctx, req.Link)
	} else {
		page, err = s.Fetcher.FetchFile(req.Path, req.Origin)
	}
	if err != nil {
		return nil, readError{err}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("save %s: %w", page.URL, err)
	}
	req.report(Extracting)
	a, err := reader.ExtractPage(page, reader.Options{Force: req.Force})
	if err != nil {
		return nil, readError{err}
	}
	return a, nil
}

// lookup returns the article saved under link, or 0.
func (s *Saver) lookup(ctx context.Context, link string) (int64, error) {
	id, err := s.Lib.Lookup(ctx, link)
	switch {
	case err == nil:
		return id, nil
	case errors.Is(err, storage.ErrNotFound):
		return 0, nil
	case errors.Is(err, storage.ErrInvalid):
		// A page whose canonical address is not a web link is not saved
		// under it; the page is not the worse for it.
		return 0, nil
	}
	return 0, err
}

// merge folds the request into article id, which already holds it.
func (s *Saver) merge(ctx context.Context, id int64, req Request, aliases []string) (Result, error) {
	o := req.Options
	m := storage.Merge{
		Tags: o.Tags, Read: o.Read, Favorite: o.Favorite, Archived: o.Archived,
		Saved: o.Saved, Title: req.Title, Aliases: aliases,
	}
	title, err := s.Lib.Merge(ctx, id, m)
	if err != nil {
		return Result{ID: id}, err
	}
	return Result{ID: id, Title: title, Existed: true}, nil
}
