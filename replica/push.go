package replica

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/folio-app/folio/storage"
)

// push sends the local changes in batches: content first, then the
// documents with the revision they were merged from. A document the hub
// changed meanwhile is fetched, merged and sent again in another pass.
func (s *syncer) push(ctx context.Context) error {
	total, err := s.lib.SyncPendingCount(ctx)
	if err != nil || total == 0 {
		return err
	}
	s.pushTotal = total
	for stuck := 0; stuck < 5; {
		p, err := s.pushPass(ctx)
		if err != nil {
			return err
		}
		if p.again == 0 {
			return nil
		}
		if p.pushed == 0 {
			stuck++
		} else {
			stuck = 0
		}
	}
	return fmt.Errorf("push: %w: the hub keeps refusing the same documents", ErrUnreachable)
}

// passResult tells what one pass over the pending changes did.
type passResult struct {
	pushed int
	again  int // documents to send again: refused as out of date, or content changed meanwhile
}

// pushBatch is one batch of documents ready to go up.
type pushBatch struct {
	entries []*storage.SyncEntry
	docs    map[string]*Doc
	err     error
}

// pushPass goes once through the pending changes. One goroutine reads and
// encodes the next batch while the current one is on its way to the hub.
func (s *syncer) pushPass(ctx context.Context) (passResult, error) {
	var res passResult
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan pushBatch, 1)
	go func() {
		defer close(batches)
		cur := storage.SyncCursor{}
		for !cur.Done() {
			entries, next, err := s.lib.SyncPending(ctx, cur, s.opts.Batch)
			b := pushBatch{entries: entries, err: err}
			if err == nil {
				b.docs = make(map[string]*Doc, len(entries))
				for _, e := range entries {
					d, err := collect(e, s.node)
					if err != nil {
						b.err = err
						break
					}
					b.docs[e.UID] = d
				}
			}
			if len(entries) == 0 && b.err == nil {
				return
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
			cur = next
		}
	}()
	for b := range batches {
		if b.err != nil {
			return res, b.err
		}
		pushed, again, err := s.pushOne(ctx, b.entries, b.docs)
		res.pushed += pushed
		res.again += again
		if err != nil {
			return res, err
		}
	}
	return res, ctx.Err()
}

// withRev returns a document's encoding with its revision: enc starts with
// {"_id", so the revision can go first.
func withRev(enc []byte, rev string) json.RawMessage {
	if rev == "" {
		return enc
	}
	r, _ := json.Marshal(rev)
	out := make([]byte, 0, len(enc)+len(r)+9)
	out = append(out, `{"_rev":`...)
	out = append(out, r...)
	out = append(out, ',')
	return append(out, enc[1:]...)
}

// pushOne sends one batch: its content, then its documents; it records
// those the hub took and merges those it refused as out of date.
func (s *syncer) pushOne(ctx context.Context, entries []*storage.SyncEntry, docs map[string]*Doc) (pushed, again int, err error) {
	held, err := s.upload(ctx, entries, docs)
	if err != nil {
		return 0, 0, err
	}
	body := make([]any, 0, len(entries))
	ids := make([]string, 0, len(entries))
	encoded := make(map[string][]byte, len(entries))
	for _, e := range entries {
		if held[e.UID] {
			continue
		}
		enc := docs[e.UID].Encode()
		encoded[e.UID] = enc
		body = append(body, withRev(enc, e.Rev))
		ids = append(ids, e.UID)
	}
	again = len(held)
	if len(body) == 0 {
		return 0, again, nil
	}
	results, err := s.c.push(ctx, s.c.main, body, ids)
	if err != nil {
		return 0, again, err
	}
	var ok []*storage.SyncEntry
	var conflicts []string
	var firstErr error
	for _, e := range entries {
		if held[e.UID] {
			continue
		}
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
			out := &storage.SyncOutcome{Doc: encoded[e.UID], Rev: r.rev}
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
		return 0, again, err
	}
	s.res.Pushed += len(ok)
	s.pushDone += len(ok)
	s.progress(PhasePush, s.pushDone, max(s.pushTotal, s.pushDone))
	if len(conflicts) > 0 {
		s.res.Conflicts += len(conflicts)
		again += len(conflicts)
		if err := s.mergeFromHub(ctx, conflicts); err != nil {
			return len(ok), again, err
		}
	}
	if firstErr != nil {
		return len(ok), again, hubErr("push", firstErr)
	}
	return len(ok), again, nil
}

// mergeFromHub reads the hub's current versions of documents ids and
// merges them here: they go up again, merged, in the next pass.
func (s *syncer) mergeFromHub(ctx context.Context, ids []string) error {
	cur, err := s.c.get(ctx, s.c.main, ids, false)
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
	return s.merge(ctx, remote, nil)
}

// upload puts on the hub the content the documents name and it lacks,
// before the documents themselves: a document never names content the hub
// does not have. It returns the documents to hold back: their content
// changed here since they were read (the next pass sends them with it).
func (s *syncer) upload(ctx context.Context, entries []*storage.SyncEntry, docs map[string]*Doc) (map[string]bool, error) {
	want := make(map[string]string) // blob id → article uid
	for _, e := range entries {
		d := docs[e.UID]
		if e.Local == nil || d.C == nil || d.C.V.Ref == "" || d.C.V.Ref != e.Local.Content.Ref || !d.Alive() {
			continue
		}
		want["c-"+d.C.V.Ref] = e.UID
	}
	held := make(map[string]bool)
	if len(want) == 0 {
		return held, nil
	}
	missing, err := s.missing(ctx, sortedKeys(want))
	if err != nil || len(missing) == 0 {
		return held, err
	}
	uids := make([]string, 0, len(missing))
	for _, id := range missing {
		uids = append(uids, want[id])
	}
	blobs, err := s.lib.SyncBlobs(ctx, uids)
	if err != nil {
		return nil, err
	}
	var imgIDs []string
	for _, id := range missing {
		uid := want[id]
		b := blobs[uid]
		if b == nil || "c-"+b.Ref != id {
			held[uid] = true // changed or deleted here meanwhile
			delete(blobs, uid)
			continue
		}
		for _, im := range b.Images {
			if im.Hash != "" {
				imgIDs = append(imgIDs, "i-"+im.Hash)
			}
		}
	}
	slices.Sort(imgIDs)
	imgMissing, err := s.missing(ctx, slices.Compact(imgIDs))
	if err != nil {
		return nil, err
	}
	up := &uploader{s: s}
	for _, iid := range imgMissing {
		ct, data, err := s.lib.SyncImageData(ctx, iid[2:])
		if err != nil {
			return nil, err
		}
		if err := up.add(ctx, iid, &contentDoc{ID: iid, Kind: "image", Attachments: map[string]attachment{
			"data": {ContentType: orDefault(ct, "application/octet-stream"), Data: data}}}, len(data)); err != nil {
			return nil, err
		}
	}
	// Images go up before the content that names them.
	if err := up.flush(ctx); err != nil {
		return nil, err
	}
	for _, id := range missing {
		b := blobs[want[id]]
		if b == nil {
			continue
		}
		if err := up.add(ctx, id, newContentDoc(id, b), len(b.HTML)+len(b.Text)+len(b.PageGz)); err != nil {
			return nil, err
		}
	}
	return held, up.flush(ctx)
}

// uploader sends content documents in requests of a few MiB.
type uploader struct {
	s    *syncer
	docs []any
	ids  []string
	size int
}

func (u *uploader) add(ctx context.Context, id string, d *contentDoc, n int) error {
	u.docs = append(u.docs, d)
	u.ids = append(u.ids, id)
	if u.size += n; u.size > 4<<20 {
		return u.flush(ctx)
	}
	return nil
}

func (u *uploader) flush(ctx context.Context) error {
	if len(u.docs) == 0 {
		return nil
	}
	res, err := u.s.c.push(ctx, u.s.c.blobs, u.docs, u.ids)
	if err != nil {
		return err
	}
	for _, id := range u.ids {
		if r := res[id]; r.err != nil {
			return hubErr("upload "+id, r.err)
		} // a conflict: already there
	}
	ids := u.ids
	u.docs, u.ids, u.size = nil, nil, 0
	return u.s.lib.SyncBlobsUp(ctx, ids)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// missing returns those of ids the hub's content database lacks, asking
// only about those not recorded as uploaded, and not at all while the
// database was empty when this sync began (a first sync to a new hub).
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
	if s.blobsEmpty == nil {
		n, err := s.c.docCount(ctx, s.c.blobs)
		if err != nil {
			return nil, err
		}
		empty := n == 0
		s.blobsEmpty = &empty
	}
	if *s.blobsEmpty {
		return ask, nil
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
