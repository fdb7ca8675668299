package replica

import (
	"context"
	"net/http"
	"time"

	"github.com/folio-app/folio/storage"
)

// Settings kept in the library (never the password).
const (
	metaHub  = "hub"
	metaUser = "user"
	metaSeq  = "seq"
	metaLast = "last"
)

// Library is what sync needs of a library.
type Library = storage.Library

// Options tunes a sync.
type Options struct {
	// HTTPClient talks to the hub; nil uses a client with time-outs.
	HTTPClient *http.Client
	// Credentials holds the password; nil means none is needed.
	Credentials Credentials
	// Progress, if set, is called as the work goes on (from the syncing
	// goroutine).
	Progress func(Progress)
	// Batch is the number of documents per request (default 1000).
	Batch int
	// SkipContent leaves the content of pulled articles to a later sync
	// (the metadata is all there).
	SkipContent bool
}

// Progress tells how far a sync is.
type Progress struct {
	Phase string // PhasePull, PhasePush, PhaseContent
	Done  int
	// Total is known for the push and the content (0 when unknown).
	Total int
}

// Phases of a sync.
const (
	PhasePull    = "pull"
	PhasePush    = "push"
	PhaseContent = "content"
)

// Result tells what a sync did.
type Result struct {
	Pulled    int // documents read from the hub
	Pushed    int // documents written to it
	Conflicts int // pushes refused because the hub had moved on, then merged
	Fetched   int // articles whose content arrived
	Waiting   int // articles whose content has not arrived yet
	At        time.Time
}

// Status is what the window shows about sync.
type Status struct {
	Hub     string // "" when not set up
	User    string
	Last    time.Time // last complete sync; zero if none
	Pending int       // local changes waiting to go up
	Waiting int       // articles whose content has not arrived
}

// ReadStatus reads the library's sync settings and counters.
func ReadStatus(ctx context.Context, lib *Library) (Status, error) {
	var s Status
	var err error
	if s.Hub, err = lib.SyncMeta(ctx, metaHub); err != nil {
		return s, err
	}
	if s.User, err = lib.SyncMeta(ctx, metaUser); err != nil {
		return s, err
	}
	last, err := lib.SyncMeta(ctx, metaLast)
	if err != nil {
		return s, err
	}
	s.Last = parseTime(last)
	if s.Pending, err = lib.SyncPendingCount(ctx); err != nil {
		return s, err
	}
	if s.Waiting, err = lib.SyncWaiting(ctx); err != nil {
		return s, err
	}
	return s, nil
}

func defaultClient(hc *http.Client) *http.Client {
	if hc != nil {
		return hc
	}
	return &http.Client{Timeout: 2 * time.Minute}
}

// Setup points the library at a hub, creating its databases if missing,
// and keeps the password in creds. Pointing at another hub than before
// sends the whole library there on the next sync.
func Setup(ctx context.Context, lib *Library, h Hub, creds Credentials, hc *http.Client) error {
	_, _, parsed, err := ParseHub(h.URL)
	if err != nil {
		return err
	}
	if h.User == "" {
		h.User, h.Password = parsed.User, parsed.Password
	}
	h.URL = parsed.URL
	c, err := dial(ctx, h, defaultClient(hc), true)
	if err != nil {
		return err
	}
	c.close()
	old, err := lib.SyncMeta(ctx, metaHub)
	if err != nil {
		return err
	}
	if old != "" && old != h.URL {
		if err := lib.SyncForget(ctx); err != nil {
			return err
		}
	}
	if err := lib.SyncNewNode(ctx); err != nil {
		return err
	}
	if h.User != "" && creds != nil {
		if err := creds.SetPassword(h.URL, h.User, h.Password); err != nil {
			return err
		}
	}
	kv := map[string]string{metaHub: h.URL, metaUser: h.User}
	if old != h.URL {
		kv[metaSeq], kv[metaLast] = "", ""
	}
	return lib.SetSyncMeta(ctx, kv)
}

// Sync pushes the library's changes to its hub and pulls the others':
// first the metadata of every article, then the content it lacks. A
// failure part way keeps what was done; the next sync goes on from there.
func Sync(ctx context.Context, lib *Library, opts Options) (Result, error) {
	s, done, err := open(ctx, lib, opts)
	if err != nil {
		return Result{}, err
	}
	defer done()
	res := s.res
	if err := s.pull(ctx); err != nil {
		return *res, err
	}
	if err := s.push(ctx); err != nil {
		return *res, err
	}
	if !opts.SkipContent {
		if err := s.fetch(ctx); err != nil {
			return *res, err
		}
	}
	if res.Waiting, err = lib.SyncWaiting(ctx); err != nil {
		return *res, err
	}
	res.At = time.Now()
	if err := lib.SetSyncMeta(ctx, map[string]string{metaLast: timeString(res.At)}); err != nil {
		return *res, err
	}
	return *res, nil
}

// open connects to the library's hub.
func open(ctx context.Context, lib *Library, opts Options) (*syncer, func(), error) {
	url, err := lib.SyncMeta(ctx, metaHub)
	if err != nil {
		return nil, nil, err
	}
	if url == "" {
		return nil, nil, ErrNotSetUp
	}
	h := Hub{URL: url}
	if h.User, err = lib.SyncMeta(ctx, metaUser); err != nil {
		return nil, nil, err
	}
	if h.User != "" && opts.Credentials != nil {
		if h.Password, err = opts.Credentials.Password(h.URL, h.User); err != nil {
			return nil, nil, err
		}
	}
	c, err := dial(ctx, h, defaultClient(opts.HTTPClient), false)
	if err != nil {
		return nil, nil, err
	}
	node, _, err := lib.SyncNode(ctx)
	if err != nil {
		c.close()
		return nil, nil, err
	}
	s := &syncer{lib: lib, c: c, node: node, opts: opts, res: &Result{}}
	if s.opts.Batch <= 0 {
		s.opts.Batch = defaultBatch
	}
	return s, c.close, nil
}

// defaultBatch is the documents per request and per transaction: large
// enough that round trips and commits cost little, small enough that the
// window never waits long for the library.
const defaultBatch = 1000

type syncer struct {
	lib  *Library
	c    *conn
	node string
	opts Options
	res  *Result

	pushTotal, pushDone int
	// blobsEmpty records whether the content database was empty when the
	// push began (nil until asked).
	blobsEmpty *bool
}

func (s *syncer) progress(phase string, done, total int) {
	if s.opts.Progress != nil {
		s.opts.Progress(Progress{Phase: phase, Done: done, Total: total})
	}
}

// pull reads the hub's changes since the saved sequence, in batches, and
// merges each batch in one transaction with the sequence reached. The next
// batch is read while one is merged: the hub and the library work at once.
func (s *syncer) pull(ctx context.Context) error {
	since, err := s.lib.SyncMeta(ctx, metaSeq)
	if err != nil {
		return err
	}
	type batch struct {
		docs map[string]*Doc
		last string
		err  error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 1)
	go func() {
		defer close(batches)
		for {
			chs, last, err := s.c.changes(ctx, since, s.opts.Batch)
			if err != nil {
				batches <- batch{err: err}
				return
			}
			docs := make(map[string]*Doc, len(chs))
			for _, ch := range chs {
				d, err := ParseDoc(ch.doc)
				if err != nil || (d.Kind != KindArticle && d.Kind != KindTag) {
					continue // not ours: left alone
				}
				docs[ch.id] = d
			}
			select {
			case batches <- batch{docs: docs, last: last}:
			case <-ctx.Done():
				return
			}
			if len(chs) < s.opts.Batch || last == since {
				return
			}
			since = last
		}
	}()
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		if err := s.merge(ctx, b.docs, map[string]string{metaSeq: b.last}); err != nil {
			return err
		}
		s.res.Pulled += len(b.docs)
		s.progress(PhasePull, s.res.Pulled, 0)
	}
	return ctx.Err()
}

// merge merges remote documents into the library in one transaction.
func (s *syncer) merge(ctx context.Context, docs map[string]*Doc, meta map[string]string) error {
	refs := make([]storage.SyncRef, 0, len(docs))
	var seen int64
	for _, id := range sortedKeys(docs) {
		d := docs[id]
		refs = append(refs, storage.SyncRef{UID: id, Keys: d.Keys})
		seen = max(seen, d.Newest())
	}
	return s.lib.SyncUpdate(ctx, refs, seen, meta, func(entries []*storage.SyncEntry) error {
		for _, e := range entries {
			remote := docs[e.UID]
			local, err := collect(e, s.node)
			if err != nil {
				return err
			}
			merged := Merge(local, remote)
			enc := merged.Encode()
			out := &storage.SyncOutcome{Doc: enc, Rev: remote.Rev, Push: string(enc) != string(remote.Encode())}
			if e.Tag {
				out.TagName = tagName(merged)
			} else {
				out.Article = project(merged)
			}
			e.Out = out
		}
		return nil
	})
}
