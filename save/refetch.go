package save

import (
	"context"
	"errors"
	"fmt"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// MaxLoss is the share of its words an article may lose to a re-fetch or
// re-extraction before the new text needs the person's word
// (RefetchOptions.AcceptShorter): a page that has since put up a paywall,
// or an extractor that misses a section, must not silently replace what
// was kept.
const MaxLoss = 0.10

// ErrNoOriginal: the article has no stored original page to extract again
// (it is a bookmark); fetch it from the network instead.
var ErrNoOriginal = errors.New("no original page stored")

// ErrFromFile: the article is a document saved from a file, with no
// address to fetch it from again; re-extract it offline instead.
var ErrFromFile = errors.New("saved from a file, with no address to fetch it from")

// RefetchOptions tunes Refetch.
type RefetchOptions struct {
	// Offline extracts the stored original again instead of fetching the
	// page; the stored images are reused.
	Offline bool
	// Force keeps a page even when no article text is found on it.
	Force bool
	// AcceptShorter stores a new text that lost more than MaxLoss of the
	// words; without it such an article keeps its old text.
	AcceptShorter bool
	// Progress, when set, is called as each stage starts.
	Progress func(Stage)
}

func (o RefetchOptions) report(s Stage) {
	if o.Progress != nil {
		o.Progress(s)
	}
}

// Refetched is what a re-fetch came to.
type Refetched struct {
	ID    int64
	Title string
	// OldWords and NewWords count the words before and after.
	OldWords, NewWords int
	// Changed: the new extraction differs from the stored one (text,
	// HTML or metadata).
	Changed bool
	// Shorter: the new text has more than MaxLoss fewer words; without
	// AcceptShorter it was not stored and the article is as it was.
	Shorter bool
	// Stored: the library now holds the new extraction.
	Stored bool
}

// Refetch fetches article id again (or, Offline, extracts its stored page
// again) and replaces its content. Tags, notes, flags and the saved time
// stay; see storage.Library.Replace.
func (s *Saver) Refetch(ctx context.Context, id int64, opts RefetchOptions) (Refetched, error) {
	old, err := s.Lib.Get(ctx, id)
	if err != nil {
		return Refetched{ID: id}, err
	}
	var a *reader.Article
	if opts.Offline {
		a, err = s.reextract(ctx, old, opts)
	} else {
		a, err = s.refetch(ctx, old, opts)
	}
	if err != nil {
		return Refetched{ID: id, Title: old.Title}, err
	}
	return s.replace(ctx, old, a, !opts.Offline, opts.AcceptShorter)
}

// refetch reads the article's page from the network with its images.
func (s *Saver) refetch(ctx context.Context, old *storage.Article, opts RefetchOptions) (*reader.Article, error) {
	if s.Fetcher == nil {
		return nil, fmt.Errorf("fetch article %d: %w", old.ID, ErrNoFetcher)
	}
	if reader.IsLocal(old.URL) {
		return nil, fmt.Errorf("fetch article %d: %w", old.ID, ErrFromFile)
	}
	opts.report(Fetching)
	page, err := s.Fetcher.Fetch(ctx, old.URL)
	if err != nil {
		return nil, readError{err}
	}
	opts.report(Extracting)
	a, err := reader.ExtractPage(page, reader.Options{Force: opts.Force})
	if err != nil {
		return nil, readError{err}
	}
	opts.report(Images)
	s.Fetcher.FetchImages(ctx, a)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fetch article %d: %w", old.ID, err)
	}
	return a, nil
}

// reextract extracts the stored original of old again, with the images the
// library holds.
func (s *Saver) reextract(ctx context.Context, old *storage.Article, opts RefetchOptions) (*reader.Article, error) {
	ct, raw, err := s.Lib.Original(ctx, old.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("re-extract article %d: %w", old.ID, ErrNoOriginal)
	}
	if err != nil {
		return nil, err
	}
	opts.report(Extracting)
	page := &reader.Page{URL: old.URL, ContentType: ct, HTML: raw}
	if ct == reader.PDF {
		page.HTML, page.Document = nil, raw
	}
	a, err := reader.ExtractPage(page, reader.Options{Force: opts.Force})
	if err != nil {
		return nil, readError{err}
	}
	// The stored images are loaded only if the new extraction is stored
	// (see replace): most re-extractions of a library change nothing.
	return a, ctx.Err()
}

// MissingImage is the Err of an image a re-extraction shows that the
// library does not hold.
const MissingImage = "not in the library (refetch without --offline to download it)"

// storedImages gives the images at urls from the library's copy of article
// id; one the library lacks is recorded as missing, as a failed download
// would be.
func storedImages(ctx context.Context, lib Library, id int64, urls []string) []reader.Image {
	imgs := make([]reader.Image, len(urls))
	for i, u := range urls {
		imgs[i].URL = u
		ct, data, err := lib.Image(ctx, id, u)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			imgs[i].Err = MissingImage
			continue
		case err != nil:
			imgs[i].Err = err.Error()
			continue
		}
		imgs[i].ContentType, imgs[i].Data = ct, data
	}
	return imgs
}

// replace stores a as the new content of old unless it lost too many words;
// always stores a fetched page (its images and original are new), a
// re-extraction only when something changed.
func (s *Saver) replace(ctx context.Context, old *storage.Article, a *reader.Article, fetched, acceptShorter bool) (Refetched, error) {
	if storage.IsLinkTitle(a.Title) && !storage.IsLinkTitle(old.Title) {
		a.Title = old.Title
	}
	r := Refetched{ID: old.ID, Title: a.Title, OldWords: old.Words, NewWords: a.Words}
	r.Changed = !old.Fetched || differs(&old.Article, a)
	r.Shorter = old.Fetched && lostWords(old.Words, a.Words)
	if r.Shorter && !acceptShorter {
		r.Title = old.Title
		return r, nil
	}
	if !r.Changed && !fetched {
		return r, nil
	}
	if !fetched {
		a.Images = storedImages(ctx, s.Lib, old.ID, a.ImageURLs())
	}
	if err := s.Lib.Replace(ctx, old.ID, a); err != nil {
		return Refetched{ID: old.ID, Title: old.Title}, err
	}
	r.Stored = true
	return r, nil
}

// lostWords reports whether going from old to new words loses more than
// MaxLoss of them.
func lostWords(old, new int) bool {
	return old > 0 && float64(new) < float64(old)*(1-MaxLoss)
}

// differs reports whether a new extraction differs from the stored one in
// anything the library keeps.
func differs(old, a *reader.Article) bool {
	return old.HTML != a.HTML || old.Text != a.Text || old.Title != a.Title ||
		old.Byline != a.Byline || old.SiteName != a.SiteName || old.Lang != a.Lang ||
		old.Excerpt != a.Excerpt || old.LeadImage != a.LeadImage || old.Canonical != a.Canonical ||
		old.URL != a.URL || !old.Published.Equal(a.Published)
}
