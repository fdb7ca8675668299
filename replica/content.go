package replica

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/folio-app/folio/storage"
)

// contentDoc is a document of the content database: an article's text,
// HTML, page and image list (id "c-" + ref), or one image ("i-" + hash).
// The text and HTML are fields of the document (Inline) unless they are
// large, then attachments, like the original page and an image's data:
// CouchDB stores a field far more cheaply than an attachment, and keeps a
// document's fields under a size limit that attachments are not held to.
type contentDoc struct {
	ID          string                `json:"_id"`
	Kind        string                `json:"kind"`
	Inline      bool                  `json:"inline,omitempty"`
	HTML        string                `json:"html,omitempty"`
	Text        string                `json:"text,omitempty"`
	Images      []blobImage           `json:"images,omitempty"`
	PageType    string                `json:"page_type,omitempty"`
	Attachments map[string]attachment `json:"_attachments,omitempty"`
}

// inlineLimit is the largest text and HTML kept as fields (CouchDB refuses
// documents over 8 MB by default).
const inlineLimit = 1 << 20

// blobImage is an image of a content document: its link, its hash ("" when
// its download failed) and the reason.
type blobImage struct {
	URL  string `json:"url"`
	Hash string `json:"hash,omitempty"`
	Err  string `json:"error,omitempty"`
}

func newContentDoc(id string, b *storage.SyncBlob) *contentDoc {
	d := &contentDoc{ID: id, Kind: "content", PageType: b.PageType, Images: make([]blobImage, len(b.Images))}
	for i, im := range b.Images {
		d.Images[i] = blobImage(im)
	}
	atts := map[string]attachment{}
	if len(b.HTML)+len(b.Text) <= inlineLimit {
		d.Inline, d.HTML, d.Text = true, b.HTML, b.Text
	} else {
		atts["html"] = attachment{ContentType: "text/html; charset=utf-8", Data: []byte(b.HTML)}
		atts["text"] = attachment{ContentType: "text/plain; charset=utf-8", Data: []byte(b.Text)}
	}
	if b.PageGz != nil {
		atts["page.gz"] = attachment{ContentType: "application/gzip", Data: b.PageGz}
	}
	if len(atts) > 0 {
		d.Attachments = atts
	}
	return d
}

// blob returns the content a content document holds.
func (d *contentDoc) blob(ref string) *storage.SyncBlob {
	b := &storage.SyncBlob{Ref: ref, HTML: d.HTML, Text: d.Text, PageType: d.PageType,
		Images: make([]storage.SyncImage, len(d.Images))}
	if !d.Inline {
		b.HTML, b.Text = string(d.Attachments["html"].Data), string(d.Attachments["text"].Data)
	}
	for i, im := range d.Images {
		b.Images[i] = storage.SyncImage(im)
	}
	if p, ok := d.Attachments["page.gz"]; ok {
		b.PageGz = p.Data
	}
	return b
}

// Content is fetched this many articles a request; images this many.
const (
	contentBatch = 64
	imageBatch   = 16
)

// arrival is the content fetched for a batch of articles.
type arrival struct {
	blobs  []storage.SyncArrived
	images map[string]storage.SyncImageIn
	asked  int
	err    error
}

// fetch brings the content of the articles that lack it, a batch at a
// time: one goroutine fetches the next batch while the current one is
// stored.
func (s *syncer) fetch(ctx context.Context) error {
	total, err := s.lib.SyncWaiting(ctx)
	if err != nil || total == 0 {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	arrivals := make(chan arrival, 1)
	go func() {
		defer close(arrivals)
		after := ""
		for {
			wanted, err := s.lib.SyncWanted(ctx, after, contentBatch)
			if err == nil && len(wanted) == 0 {
				return
			}
			var a arrival
			if err == nil {
				uids := sortedKeys(wanted)
				after = uids[len(uids)-1]
				a, err = s.fetchBatch(ctx, wanted)
				a.asked = len(wanted)
			}
			a.err = err
			select {
			case arrivals <- a:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	done := 0
	for a := range arrivals {
		if a.err != nil {
			return a.err
		}
		n, err := s.lib.StoreSyncBlobs(ctx, a.blobs, a.images)
		if err != nil {
			return err
		}
		s.res.Fetched += n
		done += a.asked
		s.progress(PhaseContent, min(done, total), total)
	}
	return ctx.Err()
}

// fetchBatch fetches the content wanted names (document uid → content
// ref) with the images it lacks here. Content the hub does not have (yet)
// is left out.
func (s *syncer) fetchBatch(ctx context.Context, wanted map[string]string) (arrival, error) {
	a := arrival{images: make(map[string]storage.SyncImageIn)}
	ids := make([]string, 0, len(wanted))
	for _, ref := range wanted {
		ids = append(ids, "c-"+ref)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	raw, err := s.c.get(ctx, s.c.blobs, ids, true)
	if err != nil {
		return a, err
	}
	docs := make(map[string]*contentDoc, len(raw))
	var hashes []string
	for id, r := range raw {
		var cd contentDoc
		if err := json.Unmarshal(r, &cd); err != nil {
			continue // damaged on the way: fetched again next time
		}
		docs[id] = &cd
		for _, im := range cd.Images {
			if im.Hash != "" {
				hashes = append(hashes, im.Hash)
			}
		}
	}
	slices.Sort(hashes)
	hashes = slices.Compact(hashes)
	have, err := s.lib.SyncHasImages(ctx, hashes)
	if err != nil {
		return a, err
	}
	var need []string
	for _, h := range hashes {
		if !have[h] {
			need = append(need, "i-"+h)
		}
	}
	for i := 0; i < len(need); i += imageBatch {
		raw, err := s.c.get(ctx, s.c.blobs, need[i:min(len(need), i+imageBatch)], true)
		if err != nil {
			return a, err
		}
		for id, r := range raw {
			var cd contentDoc
			if err := json.Unmarshal(r, &cd); err != nil {
				continue
			}
			d := cd.Attachments["data"]
			a.images[id[2:]] = storage.SyncImageIn{ContentType: d.ContentType, Data: d.Data}
		}
	}
	for _, uid := range sortedKeys(wanted) {
		cd := docs["c-"+wanted[uid]]
		if cd == nil {
			continue
		}
		complete := true
		for _, im := range cd.Images {
			if im.Hash != "" && !have[im.Hash] {
				if _, ok := a.images[im.Hash]; !ok {
					complete = false // the hub lacks an image: later
				}
			}
		}
		if complete {
			a.blobs = append(a.blobs, storage.SyncArrived{UID: uid, Blob: cd.blob(wanted[uid])})
		}
	}
	return a, nil
}

// FetchContent brings now the content of article id when it has not
// arrived yet (an article opened before the background sync reached it).
// It reports whether the content is here, which is also the case when none
// was awaited.
func FetchContent(ctx context.Context, lib *Library, id int64, opts Options) (bool, error) {
	uid, ref, err := lib.SyncWantedOf(ctx, id)
	if err != nil || uid == "" {
		return err == nil, err
	}
	s, done, err := open(ctx, lib, opts)
	if err != nil {
		return false, err
	}
	defer done()
	a, err := s.fetchBatch(ctx, map[string]string{uid: ref})
	if err != nil {
		return false, err
	}
	n, err := lib.StoreSyncBlobs(ctx, a.blobs, a.images)
	if err != nil {
		return false, fmt.Errorf("store content of article %d: %w", id, err)
	}
	return n == 1, nil
}
