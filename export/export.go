// Package export turns library articles into files people keep: Markdown
// with YAML front matter for Obsidian and other note tools, and PDF for
// reading, printing and sharing. It knows the article only through Item and
// loads stored images through ImageStore, so it needs neither the database
// nor the window.
package export

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/folio-app/folio/reader"
)

// Note is one timestamped note on an article.
type Note struct {
	Text    string
	Created time.Time
}

// Item is one article to export.
type Item struct {
	// ID is the library id, passed back to ImageStore.
	ID int64
	// Article is the content. Images lists URL and ContentType; Data may be
	// nil, in which case the bytes are loaded through ImageStore.
	reader.Article
	Saved time.Time
	Tags  []string
	Notes []Note
}

// ImageStore gives an article's stored image bytes; storage.Library
// implements it. An error means the image is not in the library: the export
// then keeps the remote URL (Markdown) or skips the image (PDF) and goes on.
type ImageStore interface {
	Image(ctx context.Context, articleID int64, url string) (contentType string, data []byte, err error)
}

// image returns the bytes of the article's image at src, preferring bytes
// already carried by the item. ok is false when the image is unavailable.
// A cancelled ctx is reported as an error so that the export stops instead
// of quietly dropping every remaining image.
func (it *Item) image(ctx context.Context, imgs ImageStore, src string) (contentType string, data []byte, ok bool, err error) {
	for _, im := range it.Images {
		if im.URL == src && len(im.Data) > 0 {
			return im.ContentType, im.Data, true, nil
		}
	}
	if imgs == nil {
		return "", nil, false, nil
	}
	ct, data, ierr := imgs.Image(ctx, it.ID, src)
	if err := ctx.Err(); err != nil {
		return "", nil, false, err
	}
	if ierr != nil || len(data) == 0 {
		return "", nil, false, nil
	}
	if ct == "" {
		for _, im := range it.Images {
			if im.URL == src {
				ct = im.ContentType
			}
		}
	}
	return ct, data, true, nil
}

// baseURL is the address relative links in the article resolve against.
func (it *Item) baseURL() *url.URL {
	for _, s := range []string{it.URL, it.Canonical} {
		if u, err := url.Parse(s); err == nil && u.IsAbs() {
			return u
		}
	}
	return nil
}

// absURL resolves ref against base; it returns ref unchanged when either
// cannot be parsed, so a strange link is kept rather than lost.
func absURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if base == nil || ref == "" {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return base.ResolveReference(u).String()
}

// ensureDir creates dir (and its parents) and reports a failure naming it.
func ensureDir(dir string) error {
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		// "mkdir DIR: ..." would name the folder twice; a parent that
		// failed is still named.
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == dir {
			err = pe.Err
		}
		return fmt.Errorf("create export folder %s: %w", dir, err)
	}
	return nil
}

// writeTemp writes data to a new temporary file in dir, synced to disk, and
// returns its path. The caller renames or removes it.
func writeTemp(dir, pattern string, write func(f *os.File) error) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("create temporary file in %s: %w", dir, err)
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", err
	}
	if err := write(f); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("sync %s: %w", name, err))
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("close %s: %w", name, err)
	}
	return name, nil
}

// syncDir makes a rename durable; errors are ignored because some systems
// (Windows) cannot open a directory for syncing, and the data is already
// safe in the file itself.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// exists reports whether something is at path (a dangling link counts).
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// atomicWriteFile writes a complete file at path or nothing: a temporary
// file in the same folder is filled, synced and renamed over path.
func atomicWriteFile(path string, write func(f *os.File) error) error {
	dir := filepath.Dir(path)
	tmp, err := writeTemp(dir, "."+filepath.Base(path)+".*.tmp", write)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}
