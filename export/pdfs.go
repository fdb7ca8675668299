package export

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/folio-app/folio/reader"
)

// PDFs writes one PDF per article into dir, each named from its title's
// slug: an article whose original is a PDF document is that document
// (from the item's Page, else from imgs when it is an OriginalStore); names already taken in dir or by this run get "-2", "-3", ... so
// nothing is overwritten. Every file appears complete or not at all. It
// returns the paths written, also when it stops early with an error.
func PDFs(ctx context.Context, dir string, items []Item, imgs ImageStore, opts PDFOptions) ([]string, error) {
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	taken := make(map[string]bool)
	var written []string
	progress := opts.Progress
	opts.Progress = nil
	for i := range items {
		if err := ctx.Err(); err != nil {
			return written, fmt.Errorf("export pdf: %w", err)
		}
		doc, err := original(ctx, &items[i], imgs)
		if err != nil {
			return written, fmt.Errorf("export %q to pdf: %w", items[i].Title, err)
		}
		path := filepath.Join(dir, freeName(dir, Slug(items[i].Title), taken, ".pdf")+".pdf")
		// Laid out in memory first: a temporary file exists only while
		// it is written, so one left behind is plainly stale. A PDF
		// document is exported as itself.
		var buf bytes.Buffer
		if doc != nil {
			buf.Write(doc)
		} else {
			err = PDF(ctx, &buf, items[i:i+1], imgs, opts)
		}
		var tmp string
		if err == nil {
			tmp, err = writeTemp(dir, "."+filepath.Base(path)+".*.tmp", func(f *os.File) error {
				_, err := buf.WriteTo(f)
				return err
			})
		}
		if err == nil {
			err = placeNoClobber(tmp, path)
			os.Remove(tmp)
		}
		if err != nil {
			return written, fmt.Errorf("export %q to pdf: %w", items[i].Title, err)
		}
		syncDir(dir)
		written = append(written, path)
		if progress != nil {
			progress(i+1, len(items))
		}
	}
	return written, nil
}

// OriginalStore gives an article's original, page or document;
// storage.Library implements it.
type OriginalStore interface {
	Original(ctx context.Context, articleID int64) (contentType string, data []byte, err error)
}

// original returns the PDF an article was saved from, or nil when its
// original is a web page or is not at hand.
func original(ctx context.Context, it *Item, imgs ImageStore) ([]byte, error) {
	if it.PageType != reader.PDF {
		return nil, nil
	}
	if reader.IsPDF(it.Page) {
		return it.Page, nil
	}
	store, ok := imgs.(OriginalStore)
	if !ok {
		return nil, nil
	}
	ct, data, err := store.Original(ctx, it.ID)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, nil // rendered from its text instead
	}
	if ct != reader.PDF || !reader.IsPDF(data) {
		return nil, nil
	}
	return data, nil
}
