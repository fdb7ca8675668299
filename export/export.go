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
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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
	defer cleanStale(dir, time.Now())
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
	f, err := createTemp(dir, pattern)
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
// file in the same folder is filled, synced and moved to path. It never
// replaces a file: when path exists the error wraps os.ErrExist.
func atomicWriteFile(path string, write func(f *os.File) error) error {
	dir := filepath.Dir(path)
	if exists(path) {
		return fmt.Errorf("write %s: %w", path, os.ErrExist)
	}
	tmp, err := writeTemp(dir, "."+filepath.Base(path)+".*.tmp", write)
	if err != nil {
		return err
	}
	err = placeNoClobber(tmp, path)
	os.Remove(tmp)
	if err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// createTemp is os.CreateTemp with the mode of an exported file: 0644
// before the umask, where os.CreateTemp makes it 0600 and the renamed
// export stayed private to its owner.
func createTemp(dir, pattern string) (*os.File, error) {
	prefix, suffix, _ := strings.Cut(pattern, "*")
	for range 10000 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10)+suffix)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, os.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("create temporary file in %s: %w", dir, os.ErrExist)
}

// mkdirTemp is os.MkdirTemp with the mode of an exported folder: 0755
// before the umask.
func mkdirTemp(dir, pattern string) (string, error) {
	prefix, suffix, _ := strings.Cut(pattern, "*")
	for range 10000 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10)+suffix)
		err := os.Mkdir(name, 0o755)
		if !errors.Is(err, os.ErrExist) {
			return name, err
		}
	}
	return "", fmt.Errorf("create temporary folder in %s: %w", dir, os.ErrExist)
}

// staleTemp matches the temporary files and folders an export makes
// (".name.pdf.123.tmp", ".name.md.123.tmp", ".name.assets.123.tmp").
var staleTemp = regexp.MustCompile(`^\..+\.(?:pdf|md|epub|assets)\.[0-9]+\.tmp$`)

// staleAfter is how long a temporary file of an export goes untouched
// before it counts as left behind by an export that was killed: exports
// lay out in memory and write each file in one go, and a folder of assets
// is touched by every image written into it, so a live one is seconds
// old.
const staleAfter = time.Minute

// cleanStale removes what killed exports left in dir: the temporary
// files and folders they would have renamed into place. Errors are
// ignored; the export goes on.
func cleanStale(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !staleTemp.MatchString(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < staleAfter {
			continue
		}
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}
