package replica

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
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
	// Batch is the number of documents per request (default 500).
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
	var res Result
	url, err := lib.SyncMeta(ctx, metaHub)
	if err != nil {
		return res, err
	}
	if url == "" {
		return res, ErrNotSetUp
	}
	h := Hub{URL: url}
	if h.User, err = lib.SyncMeta(ctx, metaUser); err != nil {
		return res, err
	}
	if h.User != "" && opts.Credentials != nil {
		if h.Password, err = opts.Credentials.Password(h.URL, h.User); err != nil {
			return res, err
		}
	}
	c, err := dial(ctx, h, defaultClient(opts.HTTPClient), false)
	if err != nil {
		return res, err
	}
	defer c.close()
	node, _, err := lib.SyncNode(ctx)
	if err != nil {
		return res, err
	}
	s := &syncer{lib: lib, c: c, node: node, opts: opts, res: &res}
	if s.opts.Batch <= 0 {
		s.opts.Batch = 500
	}
	if err := s.pull(ctx); err != nil {
		return res, err
	}
	if err := s.push(ctx); err != nil {
		return res, err
	}
	if !opts.SkipContent {
		if err := s.fetch(ctx); err != nil {
			return res, err
		}
	}
	if res.Waiting, err = lib.SyncWaiting(ctx); err != nil {
		return res, err
	}
	res.At = time.Now()
	if err := lib.SetSyncMeta(ctx, map[string]string{metaLast: timeString(res.At)}); err != nil {
		return res, err
	}
	return res, nil
}

type syncer struct {
	lib  *Library
	c    *conn
	node string
	opts Options
	res  *Result
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

// push sends the local changes in batches: content first, then the
// documents with the revision they were merged from. A document the hub
// changed meanwhile is fetched, merged and sent again.
func (s *syncer) push(ctx context.Context) error {
	total, err := s.lib.SyncPendingCount(ctx)
	if err != nil {
		return err
	}
	done := 0
	for stuck := 0; stuck < 5; {
		entries, err := s.lib.SyncPending(ctx, s.opts.Batch)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return nil
		}
		docs := make(map[string]*Doc, len(entries))
		for _, e := range entries {
			d, err := collect(e, s.node)
			if err != nil {
				return err
			}
			docs[e.UID] = d
		}
		if err := s.upload(ctx, entries, docs); err != nil {
			return err
		}
		body := make([]any, 0, len(entries))
		ids := make([]string, 0, len(entries))
		for _, e := range entries {
			var m map[string]any
			if err := json.Unmarshal(docs[e.UID].Encode(), &m); err != nil {
				return err
			}
			if e.Rev != "" {
				m["_rev"] = e.Rev
			}
			body = append(body, m)
			ids = append(ids, e.UID)
		}
		results, err := s.c.push(ctx, s.c.main, body, ids)
		if err != nil {
			return err
		}
		var ok []*storage.SyncEntry
		var conflicts []string
		var firstErr error
		for _, e := range entries {
			r := results[e.UID]
			switch {
			case r.conflict:
				conflicts = append(conflicts, e.UID)
			case r.err != nil:
				if firstErr == nil {
					firstErr = fmt.Errorf("push %s: %w", e.UID, r.err)
				}
			default:
				d := docs[e.UID]
				out := &storage.SyncOutcome{Doc: d.Encode(), Rev: r.rev}
				if e.Tag {
					out.TagName = tagName(d)
				} else {
					out.Article = project(d)
				}
				e.Out = out
				ok = append(ok, e)
			}
		}
		if err := s.lib.SyncPushed(ctx, ok); err != nil {
			return err
		}
		s.res.Pushed += len(ok)
		done += len(ok)
		s.progress(PhasePush, done, max(total, done))
		if len(conflicts) > 0 {
			s.res.Conflicts += len(conflicts)
			cur, err := s.c.get(ctx, s.c.main, conflicts)
			if err != nil {
				return err
			}
			remote := make(map[string]*Doc, len(cur))
			for id, raw := range cur {
				d, err := ParseDoc(raw)
				if err != nil {
					return fmt.Errorf("read %s: %w", id, err)
				}
				remote[id] = d
			}
			if err := s.merge(ctx, remote, nil); err != nil {
				return err
			}
		}
		if firstErr != nil {
			return hubErr("push", firstErr)
		}
		if len(ok) == 0 {
			stuck++
		} else {
			stuck = 0
		}
	}
	return fmt.Errorf("push: %w: the hub keeps refusing the same documents", ErrUnreachable)
}

// contentDoc is a document of the content database: an article's text,
// HTML, page and image list (id "c-" + ref), or one image ("i-" + hash).
type contentDoc struct {
	ID          string                `json:"_id"`
	Kind        string                `json:"kind"`
	Images      []blobImage           `json:"images,omitempty"`
	PageType    string                `json:"page_type,omitempty"`
	Attachments map[string]attachment `json:"_attachments,omitempty"`
}

// blobImage is an image of a content document: its link, its hash ("" when
// its download failed) and the reason.
type blobImage struct {
	URL  string `json:"url"`
	Hash string `json:"hash,omitempty"`
	Err  string `json:"error,omitempty"`
}

func toBlobImages(ims []storage.SyncImage) []blobImage {
	out := make([]blobImage, len(ims))
	for i, im := range ims {
		out[i] = blobImage(im)
	}
	return out
}

func fromBlobImages(ims []blobImage) []storage.SyncImage {
	out := make([]storage.SyncImage, len(ims))
	for i, im := range ims {
		out[i] = storage.SyncImage(im)
	}
	return out
}

// upload puts on the hub the content the documents name and it lacks,
// before the documents themselves: a document never names content the hub
// does not have.
func (s *syncer) upload(ctx context.Context, entries []*storage.SyncEntry, docs map[string]*Doc) error {
	want := make(map[string]string) // blob id → article uid
	for _, e := range entries {
		d := docs[e.UID]
		if e.Local == nil || d.C == nil || d.C.V.Ref == "" || d.C.V.Ref != e.Local.Content.Ref || !d.Alive() {
			continue
		}
		want["c-"+d.C.V.Ref] = e.UID
	}
	if len(want) == 0 {
		return nil
	}
	missing, err := s.missing(ctx, sortedKeys(want))
	if err != nil {
		return err
	}
	var batch []any
	var batchIDs []string
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := s.c.push(ctx, s.c.blobs, batch, batchIDs)
		if err != nil {
			return err
		}
		var up []string
		for _, id := range batchIDs {
			if r := res[id]; r.err == nil {
				up = append(up, id) // a conflict: already there
			} else {
				return hubErr("upload "+id, r.err)
			}
		}
		batch, batchIDs, size = nil, nil, 0
		return s.lib.SyncBlobsUp(ctx, up)
	}
	add := func(id string, d *contentDoc, n int) error {
		batch = append(batch, d)
		batchIDs = append(batchIDs, id)
		if size += n; size > 4<<20 {
			return flush()
		}
		return nil
	}
	blobs := make(map[string]*storage.SyncBlob, len(missing))
	var imgIDs []string
	for _, id := range missing {
		b, err := s.lib.SyncBlobOf(ctx, want[id])
		if err != nil {
			return err
		}
		if "c-"+b.Ref != id {
			continue // changed here meanwhile: the next push sends it
		}
		blobs[id] = b
		for _, im := range b.Images {
			if im.Hash != "" {
				imgIDs = append(imgIDs, "i-"+im.Hash)
			}
		}
	}
	slices.Sort(imgIDs)
	imgMissing, err := s.missing(ctx, slices.Compact(imgIDs))
	if err != nil {
		return err
	}
	for _, iid := range imgMissing {
		ct, data, err := s.lib.SyncImageData(ctx, iid[2:])
		if err != nil {
			return err
		}
		if err := add(iid, &contentDoc{ID: iid, Kind: "image", Attachments: map[string]attachment{
			"data": {ContentType: orDefault(ct, "application/octet-stream"), Data: data}}}, len(data)); err != nil {
			return err
		}
	}
	// Images go up before the content that names them.
	if err := flush(); err != nil {
		return err
	}
	for _, id := range missing {
		b := blobs[id]
		if b == nil {
			continue
		}
		atts := map[string]attachment{
			"html": {ContentType: "text/html; charset=utf-8", Data: []byte(b.HTML)},
			"text": {ContentType: "text/plain; charset=utf-8", Data: []byte(b.Text)},
		}
		if b.PageGz != nil {
			atts["page.gz"] = attachment{ContentType: "application/gzip", Data: b.PageGz}
		}
		if err := add(id, &contentDoc{ID: id, Kind: "content", Images: toBlobImages(b.Images), PageType: b.PageType, Attachments: atts},
			len(b.HTML)+len(b.Text)+len(b.PageGz)); err != nil {
			return err
		}
	}
	return flush()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// missing returns those of ids the hub's content database lacks, asking
// only about those not recorded as uploaded.
func (s *syncer) missing(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	known, err := s.lib.SyncBlobsKnown(ctx, ids)
	if err != nil {
		return nil, err
	}
	var ask []string
	for _, id := range ids {
		if !known[id] {
			ask = append(ask, id)
		}
	}
	if len(ask) == 0 {
		return nil, nil
	}
	there, err := s.c.exists(ctx, s.c.blobs, ask)
	if err != nil {
		return nil, err
	}
	var out, found []string
	for _, id := range ask {
		if there[id] {
			found = append(found, id)
		} else {
			out = append(out, id)
		}
	}
	if err := s.lib.SyncBlobsUp(ctx, found); err != nil {
		return nil, err
	}
	return out, nil
}

// fetch brings the content of the articles that lack it, a few at a time.
func (s *syncer) fetch(ctx context.Context) error {
	total, err := s.lib.SyncWaiting(ctx)
	if err != nil || total == 0 {
		return err
	}
	after := ""
	done := 0
	for {
		wanted, err := s.lib.SyncWanted(ctx, after, 64)
		if err != nil {
			return err
		}
		if len(wanted) == 0 {
			return nil
		}
		uids := sortedKeys(wanted)
		after = uids[len(uids)-1]
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			firstEr error
			jobs    = make(chan string)
		)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for uid := range jobs {
					ok, err := s.fetchOne(ctx, uid, wanted[uid])
					mu.Lock()
					if err != nil && firstEr == nil {
						firstEr = err
					}
					if ok {
						s.res.Fetched++
					}
					done++
					s.progress(PhaseContent, done, total)
					mu.Unlock()
				}
			}()
		}
		for _, uid := range uids {
			mu.Lock()
			stop := firstEr != nil
			mu.Unlock()
			if stop || ctx.Err() != nil {
				break
			}
			jobs <- uid
		}
		close(jobs)
		wg.Wait()
		if firstEr != nil {
			return firstEr
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// fetchOne fetches and stores one article's content; false if the hub
// does not have it (yet).
func (s *syncer) fetchOne(ctx context.Context, uid, ref string) (bool, error) {
	var cd contentDoc
	found, err := s.c.getWithAttachments(ctx, s.c.blobs, "c-"+ref, &cd)
	if err != nil || !found {
		return false, err
	}
	b := &storage.SyncBlob{Ref: ref, HTML: string(cd.Attachments["html"].Data), Text: string(cd.Attachments["text"].Data),
		Images: fromBlobImages(cd.Images), PageType: cd.PageType}
	if p, ok := cd.Attachments["page.gz"]; ok {
		b.PageGz = p.Data
	}
	data := make(map[string]storage.SyncImageIn)
	for _, im := range cd.Images {
		if im.Hash == "" {
			continue
		}
		if _, ok := data[im.Hash]; ok {
			continue
		}
		have, err := s.lib.SyncHasImage(ctx, im.Hash)
		if err != nil {
			return false, err
		}
		if have {
			continue
		}
		var idoc contentDoc
		found, err := s.c.getWithAttachments(ctx, s.c.blobs, "i-"+im.Hash, &idoc)
		if err != nil {
			return false, err
		}
		if !found {
			return false, nil
		}
		a := idoc.Attachments["data"]
		data[im.Hash] = storage.SyncImageIn{ContentType: a.ContentType, Data: a.Data}
	}
	if err := s.lib.StoreSyncBlob(ctx, uid, b, data); err != nil {
		if errors.Is(err, storage.ErrInvalid) {
			return false, nil // damaged on the way: fetched again next time
		}
		return false, err
	}
	return true, nil
}
