// Package importer moves a person's saved links into the library from the
// read-it-later service or browser they are leaving: Pocket (CSV and HTML),
// Instapaper, Netscape bookmark files (every browser, linkding, Pinboard),
// Wallabag, Omnivore and plain lists of URLs.
//
// Parse reads an export into Items; Run stores them, fetching the pages
// concurrently, keeping what the source knew (saved time, tags, state,
// title), and saving anything it cannot fetch as a bookmark so that nothing
// is lost. Running the same import again skips what is already there, so an
// interrupted import is resumed by starting it again. Import does both.
package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/save"
	"github.com/folio-app/folio/storage"
)

// DefaultWorkers is how many links are fetched at once when
// Options.Workers is zero.
const DefaultWorkers = 4

// Item is one saved link as the export knew it.
type Item struct {
	URL   string
	Title string
	Tags  []string
	// Saved is when the person saved it; zero when the export does not say
	// (the library then uses the import time).
	Saved    time.Time
	Read     bool
	Favorite bool
	Archived bool

	// HTML is the article content when the export carries it (Wallabag,
	// Omnivore): it is used instead of fetching the page again, which also
	// keeps articles whose site has since gone.
	HTML      string
	Byline    string
	Lang      string
	Published time.Time
	// PDF is the document itself when the export kept one (Omnivore's
	// content/<slug>.pdf): it becomes the article's original, its text
	// read from it.
	PDF []byte

	// Notes are what the person wrote that the export carried (a
	// description, a note, highlights): each is stored as a note of the
	// article, starting with where it came from.
	Notes []Note
	// Highlights are the export's highlights one by one (also among Notes
	// until the library keeps highlights of its own).
	Highlights []Highlight

	// File and Line say where the item came from, for messages.
	File string
	Line int

	// restore, for an item of a Folio archive, is where Run reads the
	// whole article from (see archive.go).
	restore *archived
}

// Options tunes Run.
type Options struct {
	// Tag is added to every imported article (e.g. "pocket"); empty for none.
	Tag string
	// NoFetch stores links as bookmarks without fetching them. Content an
	// export carries is still stored, as it needs no network.
	NoFetch bool
	// MarkRead marks everything imported as read.
	MarkRead bool
	// Workers bounds concurrent fetches; zero means DefaultWorkers.
	Workers int
	// Feed imports the feed items of a Readwise Reader export too (see
	// ParseOptions.Feed).
	Feed bool
	// Progress, when set, is called after each item. Calls never overlap
	// but come from Run's worker goroutines, so a window must hand the
	// value to its own goroutine (fyne.Do) and return quickly.
	Progress func(Progress)
}

// Progress is how far an import has come.
type Progress struct {
	Total     int // distinct links to import
	Done      int // links handled so far, whatever the outcome
	Imported  int // stored with their content
	Merged    int // already in the library: skipped, tags and state merged
	Bookmarks int // stored as bookmarks without fetching (NoFetch)
	Failed    int // could not be fetched: stored as bookmarks with the reason
	Errors    int // could not be stored at all
	Left      int // still to do
	// Current is the link just handled.
	Current string
}

// Failure is one link that did not import as hoped.
type Failure struct {
	URL   string
	Title string
	Err   error
}

// Summary is the outcome of an import.
type Summary struct {
	// Format and Broken are set by Import (Run sees items only): the
	// export's format and the rows that could not be read.
	Format Format
	Broken []RowError
	// Skipped counts entries left out on purpose (Readwise feed items,
	// unless Options.Feed).
	Skipped int

	Total int // distinct links in the export
	// Duplicates counts rows naming a link an earlier row of the same
	// export already named; their tags and state were folded into it.
	Duplicates int
	Imported   int // stored with their content (fetched, or from the export)
	FromExport int // of Imported, how many used the export's own content
	Merged     int // already in the library (tags and state merged)
	Bookmarks  int // stored as bookmarks without fetching (NoFetch)
	// FetchFailed lists the links that could not be fetched; each was
	// stored as a bookmark with the reason, to be fetched again later.
	FetchFailed []Failure
	// Errors lists the links that could not be stored at all.
	Errors []Failure
	// Left counts links not handled because the import was cancelled.
	Left int
}

// Fetcher reads pages and their images; *reader.Reader is one.
type Fetcher = save.Fetcher

// Import parses the export at path and runs it into lib: Parse then Run,
// with the format and broken rows in the summary.
func Import(ctx context.Context, lib *storage.Library, f Fetcher, path string, opts Options) (Summary, error) {
	e, err := Read(ctx, path, ParseOptions{Feed: opts.Feed})
	if err != nil {
		return Summary{}, err
	}
	sum, err := Run(ctx, lib, f, e.Items, opts)
	sum.Format, sum.Broken, sum.Skipped = e.Format, e.Broken, e.Skipped
	return sum, err
}

// Run stores items in lib, at most opts.Workers at a time. A link already
// in the library is not fetched again: the source's tags are added and its
// favourite, archived and read flags set (never cleared). A link that
// cannot be fetched is stored as a bookmark with the reason. A nil f
// behaves as opts.NoFetch.
//
// When ctx is cancelled Run stops starting new links, lets those under
// way finish or fail, and returns the summary so far with ctx's error;
// running the same items again completes the import without duplicates.
func Run(ctx context.Context, lib *storage.Library, f Fetcher, items []Item, opts Options) (Summary, error) {
	if lib == nil {
		return Summary{}, errors.New("import: no library")
	}
	return runInto(ctx, lib, f, items, opts)
}

// library is what Run uses of *storage.Library; tests wrap it to make a
// batch fail.
type library interface {
	save.Library
	AddMany(ctx context.Context, items []storage.NewArticle) ([]storage.AddResult, error)
	Notes(ctx context.Context, articleID int64) ([]storage.Note, error)
	AddNote(ctx context.Context, articleID int64, text string) (storage.Note, error)
	AddRecord(ctx context.Context, r *storage.Record) (int64, error)
	AddNotes(ctx context.Context, articleID int64, notes []storage.Note) (int, error)
	AddHighlights(ctx context.Context, articleID int64, hs []storage.Highlight, keepDetached bool) (int, []storage.Highlight, error)
	Optimize(ctx context.Context) error
}

func runInto(ctx context.Context, lib library, f Fetcher, items []Item, opts Options) (Summary, error) {
	if f == nil {
		opts.NoFetch = true
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	opts.Tag = strings.TrimSpace(opts.Tag)
	work, dups := dedupe(items)
	r := &run{lib: lib, opts: opts, sv: save.New(lib, f)}
	if opts.NoFetch {
		// Content the export carries is still stored, without its images.
		r.sv = save.New(lib, nil)
	}
	r.sum.Total = len(work)
	r.sum.Duplicates = dups
	r.prog = Progress{Total: len(work), Left: len(work)}

	next := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.Workers, max(len(work), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if res := r.one(ctx, work[i]); res.out != outQueued {
					r.record(work[i], res)
				}
			}
		}()
	}
feed:
	for i := range work {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	// What is still queued was read before any cancel; with ctx cancelled
	// it stays to do, as the batch is not written.
	r.flush(ctx, r.takeBatch(0))

	r.sum.Left = r.prog.Left
	if err := ctx.Err(); err != nil {
		return r.sum, fmt.Errorf("import: %w (%d of %d links left)", err, r.sum.Left, r.sum.Total)
	}
	// A bulk import leaves the search index in many small segments that
	// every later search must read; merge them once at the end.
	if r.sum.Imported+r.sum.Bookmarks+len(r.sum.FetchFailed) >= optimizeAfter {
		if err := lib.Optimize(ctx); err != nil {
			return r.sum, fmt.Errorf("import: tidy the search index: %w", err)
		}
	}
	return r.sum, nil
}

// optimizeAfter is how many new articles make an import worth a merge of
// the search index.
const optimizeAfter = 500

// outcome is what became of one item.
type outcome int

const (
	outImported outcome = iota
	outFromExport
	outMerged
	outBookmark
	outFetchFailed
	outError
	outCancelled
	// outQueued: waiting in the batch, recorded when it is written.
	outQueued
)

type result struct {
	out outcome
	err error
}

// run is the state of one Run, shared by its workers under mu.
type run struct {
	lib  library
	sv   *save.Saver
	opts Options

	mu   sync.Mutex
	sum  Summary
	prog Progress

	// batch holds items waiting to be stored together (see queue), under
	// bmu; flushing holds fmu, so that one batch is written at a time
	// instead of workers queueing on the database's write lock.
	bmu   sync.Mutex
	batch []pending
	fmu   sync.Mutex
}

// batchSize is how many articles an import writes per transaction: enough
// that committing stops dominating (a commit per bookmark was a third of
// an import's time), few enough that the window, which shares the file,
// never waits long for the write lock.
const batchSize = 200

// pending is an item waiting in the batch.
type pending struct {
	it  Item
	add storage.NewArticle
	out outcome
}

// record counts one item's result and reports progress. Holding mu while
// calling Progress keeps the calls in order and never overlapping.
func (r *run) record(it Item, res result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if res.out == outCancelled {
		return // still left: a later run picks it up
	}
	fail := Failure{URL: it.URL, Title: it.Title, Err: res.err}
	switch res.out {
	case outImported:
		r.sum.Imported++
		r.prog.Imported++
	case outFromExport:
		r.sum.Imported++
		r.sum.FromExport++
		r.prog.Imported++
	case outMerged:
		r.sum.Merged++
		r.prog.Merged++
	case outBookmark:
		r.sum.Bookmarks++
		r.prog.Bookmarks++
	case outFetchFailed:
		r.sum.FetchFailed = append(r.sum.FetchFailed, fail)
		r.prog.Failed++
	case outError:
		r.sum.Errors = append(r.sum.Errors, fail)
		r.prog.Errors++
	}
	r.prog.Done++
	r.prog.Left--
	r.prog.Current = it.URL
	if r.opts.Progress != nil {
		r.opts.Progress(r.prog)
	}
}

// one imports a single item, through the same save path as the window and
// 'folio add'.
func (r *run) one(ctx context.Context, it Item) result {
	if ctx.Err() != nil {
		return result{out: outCancelled}
	}
	if it.restore != nil {
		return r.restore(ctx, it)
	}
	tags := r.tags(it)
	add := storage.AddOptions{
		Tags: tags, Saved: it.Saved,
		Read: it.Read || r.opts.MarkRead, Favorite: it.Favorite, Archived: it.Archived,
	}
	plan := planHighlights(it)
	plan.options(&add)
	it = withoutPlaceholders(it)
	if r.opts.NoFetch && it.HTML == "" && it.PDF == nil {
		// Add finds a link already present by itself; looking it up first
		// would cost a query per row for nothing.
		add.Bookmark = true
		return r.add(ctx, &reader.Article{URL: it.URL, Title: it.Title}, it, add, outBookmark)
	}
	// Look up before fetching or extracting, so a resumed import does not
	// redo the work.
	id, err := r.lib.Lookup(ctx, it.URL)
	switch {
	case err == nil:
		return r.merge(ctx, id, it, tags)
	case !errors.Is(err, storage.ErrNotFound):
		return r.failed(ctx, err)
	}
	req := save.Request{Link: it.URL, Title: it.Title, Options: add}
	if it.PDF != nil {
		if a, err := fromDocument(it); err == nil {
			req.Article = a
			return r.save(ctx, req, plan, outFromExport)
		}
		// A document that cannot be read: fall back to the link.
	}
	if it.HTML != "" {
		if a, err := fromContent(it); err == nil {
			req.Article = a
			return r.save(ctx, req, plan, outFromExport)
		}
		// Content readability cannot parse at all: fall back to the link.
	}
	if r.opts.NoFetch {
		add.Bookmark = true
		return r.add(ctx, &reader.Article{URL: it.URL, Title: it.Title}, it, add, outBookmark)
	}
	res := r.save(ctx, req, plan, outImported)
	if res.out == outError && errors.Is(res.err, save.ErrNotRead) {
		add.Bookmark, add.FetchError = true, res.err.Error()
		b := r.add(ctx, &reader.Article{URL: it.URL, Title: it.Title}, it, add, outFetchFailed)
		if b.out == outFetchFailed {
			b.err = res.err
		}
		return b
	}
	return res
}

// save stores req through the save path; out is the outcome of a new
// article.
func (r *run) save(ctx context.Context, req save.Request, plan highlightPlan, out outcome) result {
	res, err := r.sv.Save(ctx, req)
	switch {
	case err != nil:
		return r.failed(ctx, err)
	case res.Existed:
		// Found under its final or canonical address: the export's notes
		// and highlights go to that article too.
		if err := r.mergeHighlights(ctx, res.ID, plan); err != nil {
			return r.failed(ctx, fmt.Errorf("merge into article %d: %w", res.ID, err))
		}
		return result{out: outMerged}
	}
	return result{out: out}
}

// add stores a; when the library already has it under another address
// (a redirect or canonical URL found only after fetching), the item is
// merged into that article instead. In a run without fetching, nothing
// waits on the network, so the write goes into the batch instead.
func (r *run) add(ctx context.Context, a *reader.Article, it Item, opts storage.AddOptions, out outcome) result {
	// The export's link stays a key of the article even when it redirected,
	// so a resumed import recognises it without fetching it again.
	opts.Aliases = append(opts.Aliases, it.URL)
	if r.opts.NoFetch {
		r.queue(ctx, pending{it: it, add: storage.NewArticle{Article: a, Options: opts}, out: out})
		return result{out: outQueued}
	}
	return r.addOne(ctx, a, it, opts, out)
}

func (r *run) addOne(ctx context.Context, a *reader.Article, it Item, opts storage.AddOptions, out outcome) result {
	id, err := r.lib.Add(ctx, a, opts)
	if errors.Is(err, storage.ErrDuplicate) {
		return r.merge(ctx, id, it, opts.Tags)
	}
	if err != nil {
		return r.failed(ctx, err)
	}
	return result{out: out}
}

// queue adds p to the batch, and writes the batch once it is full.
func (r *run) queue(ctx context.Context, p pending) {
	r.bmu.Lock()
	r.batch = append(r.batch, p)
	r.bmu.Unlock()
	r.flush(ctx, r.takeBatch(batchSize))
}

// takeBatch returns the batch and starts a new one if it holds at least
// atLeast items; nil otherwise.
func (r *run) takeBatch(atLeast int) []pending {
	r.bmu.Lock()
	defer r.bmu.Unlock()
	if len(r.batch) == 0 || len(r.batch) < atLeast {
		return nil
	}
	b := r.batch
	r.batch = make([]pending, 0, batchSize)
	return b
}

// flush stores batch in one transaction and records each item's result.
func (r *run) flush(ctx context.Context, batch []pending) {
	if len(batch) == 0 {
		return
	}
	r.fmu.Lock()
	defer r.fmu.Unlock()
	items := make([]storage.NewArticle, len(batch))
	for i, p := range batch {
		items[i] = p.add
	}
	res, err := r.lib.AddMany(ctx, items)
	if err != nil {
		for _, p := range batch {
			if ctx.Err() != nil {
				r.record(p.it, result{out: outCancelled})
				continue
			}
			// The batch was rolled back as a whole: store its items one
			// by one, so that whatever failed costs only its own item and
			// its error names it.
			r.record(p.it, r.addOne(ctx, p.add.Article, p.it, p.add.Options, p.out))
		}
		return
	}
	for i, p := range batch {
		switch {
		case res[i].Err != nil:
			r.record(p.it, r.failed(ctx, res[i].Err))
		case res[i].Duplicate:
			r.record(p.it, r.merge(ctx, res[i].ID, p.it, p.add.Options.Tags))
		default:
			r.record(p.it, result{out: p.out})
		}
	}
}

// merge folds the item into article id, which already holds its link:
// tags added, flags set (an import never un-reads, un-favourites or
// un-archives), the earlier saved time and a real title over a bare link
// kept (see storage.Merge).
func (r *run) merge(ctx context.Context, id int64, it Item, tags []string) result {
	m := storage.Merge{
		Tags: tags, Read: it.Read || r.opts.MarkRead, Favorite: it.Favorite, Archived: it.Archived,
		Saved: it.Saved, Title: it.Title,
	}
	if _, err := r.lib.Merge(ctx, id, m); err != nil {
		return r.failed(ctx, err)
	}
	if err := r.mergeHighlights(ctx, id, planHighlights(it)); err != nil {
		return r.failed(ctx, fmt.Errorf("merge into article %d: %w", id, err))
	}
	return result{out: outMerged}
}

// mergeNotes adds the item's notes that article id does not have yet, so
// that importing the same export again adds none twice.
func (r *run) mergeNotes(ctx context.Context, id int64, texts []string) error {
	if len(texts) == 0 {
		return nil
	}
	have, err := r.lib.Notes(ctx, id)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(have))
	for _, n := range have {
		seen[strings.TrimSpace(n.Text)] = true
	}
	for _, t := range texts {
		if seen[t] {
			continue
		}
		if _, err := r.lib.AddNote(ctx, id, t); err != nil {
			return err
		}
		seen[t] = true
	}
	return nil
}

// noteTexts is notes as stored, each once.
func noteTexts(notes []Note) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range notes {
		t := strings.TrimSpace(n.String())
		if strings.TrimSpace(n.Text) == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// failed classifies a storage error: cancellation leaves the item for the
// next run, anything else is an error for this item.
func (r *run) failed(ctx context.Context, err error) result {
	if ctx.Err() != nil {
		return result{out: outCancelled}
	}
	return result{out: outError, err: err}
}

// tags returns the item's tags plus the import tag, trimmed, without empty
// names (the library refuses them) or case-insensitive repeats.
func (r *run) tags(it Item) []string {
	all := it.Tags
	if r.opts.Tag != "" {
		all = append(all[:len(all):len(all)], r.opts.Tag)
	}
	return cleanTags(all)
}

// dedupe folds rows naming the same link (after normalization, http and
// https alike) into the first of them: tags united, flags or-ed, the
// earliest saved time and a real title over a bare link kept.
func dedupe(items []Item) ([]Item, int) {
	out := make([]Item, 0, len(items))
	seen := make(map[string]int, len(items))
	dups := 0
	for _, it := range items {
		key, err := reader.NormalizeURL(it.URL)
		if err != nil {
			key = it.URL // Run reports it when storing
		}
		// http and https copies of a link are one article, as in the library.
		key = strings.Replace(key, "http://", "https://", 1)
		i, ok := seen[key]
		if !ok {
			seen[key] = len(out)
			it.Tags = append([]string(nil), it.Tags...)
			out = append(out, it)
			continue
		}
		dups++
		first := &out[i]
		first.Tags = append(first.Tags, it.Tags...)
		first.Read = first.Read || it.Read
		first.Favorite = first.Favorite || it.Favorite
		first.Archived = first.Archived || it.Archived
		if !it.Saved.IsZero() && (first.Saved.IsZero() || it.Saved.Before(first.Saved)) {
			first.Saved = it.Saved
		}
		if storage.IsLinkTitle(first.Title) && !storage.IsLinkTitle(it.Title) {
			first.Title = it.Title
		}
		first.Notes = append(first.Notes[:len(first.Notes):len(first.Notes)], it.Notes...)
		first.Highlights = append(first.Highlights[:len(first.Highlights):len(first.Highlights)], it.Highlights...)
		if first.HTML == "" {
			first.HTML, first.Byline, first.Lang, first.Published = it.HTML, it.Byline, it.Lang, it.Published
		}
	}
	return out, dups
}

// cleanTags trims tags and drops empty ones and case-insensitive repeats,
// keeping the first spelling.
func cleanTags(tags []string) []string {
	var out []string
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = strings.Join(strings.Fields(t), " ")
		k := strings.ToLower(t)
		if t == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}
