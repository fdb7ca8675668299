package importer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/folio-app/folio/archive"
	"github.com/folio-app/folio/storage"
)

// FolioArchive is Folio's own lossless archive ('folio export --format
// archive'): every article comes back whole, with its times, states,
// images, original page and notes, and nothing is fetched.
const FolioArchive Format = "folio-archive"

// archived is what Run needs to restore an item of a Folio archive: the
// archive's folder and the item's index entry. Its files are read when
// the item's turn comes, so a large archive is never held in memory.
type archived struct {
	dir   string
	entry archive.Entry
}

// archiveDir reports a Folio archive at path: its folder, or the index in
// it.
func archiveDir(path string) (string, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", false
	}
	dir := path
	if !fi.IsDir() {
		if filepath.Base(path) != archive.Index {
			return "", false
		}
		dir = filepath.Dir(path)
	}
	fsys, closer, err := folderFS(dir)
	if err != nil {
		return "", false
	}
	defer closer.Close()
	return dir, archive.Sniff(fsys, archive.Index)
}

// archive reads the index of the Folio archive in folder dir into items.
func (p *parser) archive(dir string) (*Export, error) {
	fsys, closer, err := folderFS(dir)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	idx, err := archive.Open(fsys)
	switch {
	case errors.Is(err, archive.ErrNewer):
		return nil, fmt.Errorf("this Folio archive %w", err)
	case errors.Is(err, archive.ErrDamaged):
		return nil, damagedf("the Folio archive is damaged (%v): export it again", err)
	case err != nil:
		return nil, err
	}
	e := &Export{Format: FolioArchive}
	for i, a := range idx.Articles {
		e.Items = append(e.Items, Item{
			URL: a.URL, Title: a.Title, Tags: a.Tags, Saved: a.Saved,
			Read: a.State.Read, Favorite: a.State.Favorite, Archived: a.State.Archived,
			File: archive.Index, Line: i + 1,
			restore: &archived{dir: dir, entry: a},
		})
	}
	if len(e.Items) == 0 {
		return nil, &noEntries{what: "the Folio archive holds no articles"}
	}
	return e, nil
}

// zippedArchive reports a Folio archive inside a ZIP (at its top or in one
// folder): Folio reads archives from their folder only, where each article
// is read when its turn comes instead of the whole ZIP at once.
func zippedArchive(fsys fs.FS) bool {
	if archive.Sniff(fsys, archive.Index) {
		return true
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IsDir() && archive.Sniff(fsys, e.Name()+"/"+archive.Index) {
			return true
		}
	}
	return false
}

// zippedArchiveError says what to do with a zipped archive.
type zippedArchiveError struct{ name string }

func (e *zippedArchiveError) Error() string {
	return e.name + " is a Folio archive in a ZIP: unzip it and import the folder"
}

func (e *zippedArchiveError) Is(target error) bool { return target == ErrUnrecognised }

// restore stores an archived item whole. An article already in the library
// keeps its content and gets the archive's tags, flags and missing notes.
func (r *run) restore(ctx context.Context, it Item) result {
	root, err := os.OpenRoot(it.restore.dir)
	if err != nil {
		return r.failed(ctx, err)
	}
	rec, err := archive.Load(root.FS(), it.restore.entry)
	root.Close()
	if err != nil {
		return r.failed(ctx, err)
	}
	rec.Tags = r.tags(it)
	rec.Read = rec.Read || r.opts.MarkRead
	id, err := r.lib.AddRecord(ctx, rec)
	if errors.Is(err, storage.ErrDuplicate) {
		res := r.merge(ctx, id, it, rec.Tags)
		if res.out != outMerged {
			return res
		}
		if _, err := r.lib.AddNotes(ctx, id, rec.Notes); err != nil {
			return r.failed(ctx, fmt.Errorf("merge into article %d: %w", id, err))
		}
		if _, _, err := r.lib.AddHighlights(ctx, id, rec.Highlights, true); err != nil {
			return r.failed(ctx, fmt.Errorf("merge into article %d: %w", id, err))
		}
		return res
	}
	if err != nil {
		return r.failed(ctx, err)
	}
	return result{out: outFromExport}
}
