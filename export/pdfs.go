package export

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// PDFs writes one PDF per article into dir, each named from its title's
// slug; names already taken in dir or by this run get "-2", "-3", ... so
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
		path := filepath.Join(dir, freeName(dir, Slug(items[i].Title), taken, ".pdf")+".pdf")
		tmp, err := writeTemp(dir, "."+filepath.Base(path)+".*.tmp", func(f *os.File) error {
			return PDF(ctx, f, items[i:i+1], imgs, opts)
		})
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
