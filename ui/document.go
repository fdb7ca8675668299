package ui

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/folio-app/folio/export"
	"github.com/folio-app/folio/reader"
)

// openDocument opens article id's stored PDF in the system's viewer: the
// document is written to a file of its own under the temporary folder
// (the same one each time, so opening it twice does not pile up copies),
// then opened as a file: link.
func (u *UI) openDocument(id int64, title string) {
	u.bg.run(func(ctx context.Context) func() {
		path, err := u.documentFile(ctx, id, title)
		if err != nil {
			return func() { u.fail(fmt.Sprintf("open the PDF of article %d", id), err) }
		}
		return func() { u.openDoc(&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}) }
	})
}

// documentFile writes the PDF of article id to the temporary folder and
// returns its path.
func (u *UI) documentFile(ctx context.Context, id int64, title string) (string, error) {
	ct, data, err := u.lib.Original(ctx, id)
	if err != nil {
		return "", err
	}
	if ct != reader.PDF {
		return "", fmt.Errorf("article %d: the original is %s, not a PDF", id, ct)
	}
	dir := filepath.Join(os.TempDir(), "folio-documents")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("%d-%s.pdf", id, export.Slug(title)))
	tmp, err := os.CreateTemp(dir, ".open-*.pdf")
	if err != nil {
		return "", err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write %s: %w", path, werr)
	}
	return path, nil
}
