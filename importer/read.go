package importer

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Limits on what one import reads. An export is text its service wrote for
// one person: the largest real ones (Wallabag or Omnivore with every
// article's content) are a few hundred MiB and a few hundred thousand
// rows. Anything beyond these is a wrong file or a crafted one, refused
// before it can exhaust memory, with a message naming the limit.
const (
	// maxFile bounds one file: the export itself or a file in its ZIP or
	// folder (declared sizes are checked first, then every read is
	// counted).
	maxFile = 512 << 20
	// maxTotal bounds all the files of one ZIP or folder together.
	maxTotal = 1 << 30
	// maxFiles bounds the files of one ZIP or folder (Omnivore writes two
	// per article).
	maxFiles = 250_000
	// maxRows bounds the entries of an export, read or broken: ten times
	// the largest Pocket account seen.
	maxRows = 1_000_000
	// maxField bounds one text field (a title, a tag list, a note), apart
	// from article content, which only maxFile bounds.
	maxField = 1 << 20
	// maxTagLen, maxTags and maxFolderDepth bound the tags of one item: a
	// tag is a short name, and a folder 3,000 deep is not 3,000 tags.
	maxTagLen      = 128
	maxTags        = 64
	maxFolderDepth = 16
)

// ErrNotFile: the path is neither a regular file nor a folder (a FIFO, a
// device, a socket), which Folio does not read: it could block forever or
// never end.
var ErrNotFile = errors.New("not a regular file or folder")

// limitError is ErrTooLarge with the limit it hit.
type limitError struct{ what string }

func (e *limitError) Error() string        { return "too large: " + e.what }
func (e *limitError) Is(target error) bool { return target == ErrTooLarge }

func tooLarge(format string, args ...any) error {
	return &limitError{what: fmt.Sprintf(format, args...)}
}

func mib(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

// budget counts what one import has read, so that the limits hold across
// all the files of a ZIP or folder, and carries the context every read
// checks.
type budget struct {
	ctx   context.Context
	total int64 // bytes read so far
	files int
	rows  int
	// the limits, the constants above (tests lower them)
	maxFile, maxTotal int64
	maxFiles, maxRows int
}

func newBudget(ctx context.Context) budget {
	return budget{ctx: ctx, maxFile: maxFile, maxTotal: maxTotal, maxFiles: maxFiles, maxRows: maxRows}
}

// row counts one entry read or broken, and checks the context every few
// hundred rows so that a long parse can be cancelled.
func (b *budget) row() error {
	b.rows++
	if b.rows > b.maxRows {
		return tooLarge("more than %d entries, the limit for one export", b.maxRows)
	}
	if b.rows%256 == 0 {
		return b.ctx.Err()
	}
	return nil
}

// read reads r to the end, refusing more than maxFile bytes or going over
// maxTotal for the import, and stopping when ctx is cancelled.
func (b *budget) read(r io.Reader) ([]byte, error) {
	b.files++
	if b.files > b.maxFiles {
		return nil, tooLarge("more than %d files", b.maxFiles)
	}
	limit := min(b.maxFile, b.maxTotal-b.total)
	data, err := io.ReadAll(io.LimitReader(ctxReader{b.ctx, r}, limit+1))
	b.total += int64(len(data))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		if limit < b.maxFile {
			return nil, tooLarge("over %s in all", mib(b.maxTotal))
		}
		return nil, tooLarge("over %s", mib(b.maxFile))
	}
	return data, nil
}

// ctxReader stops a read when its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// checkZip refuses a ZIP by its directory, before reading anything: too
// many files, or sizes declared over the limits. The sizes can lie; every
// read is counted as well.
func (b *budget) checkZip(zr *zip.Reader) error {
	if len(zr.File) > b.maxFiles {
		return tooLarge("%d files, more than the %d an export may hold", len(zr.File), b.maxFiles)
	}
	var total uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > uint64(b.maxFile) {
			return tooLarge("%s expands to %s, over %s", f.Name, mib(int64(min(f.UncompressedSize64, 1<<62))), mib(b.maxFile))
		}
		total += f.UncompressedSize64
		if total > uint64(b.maxTotal) {
			return tooLarge("its files expand to over %s", mib(b.maxTotal))
		}
	}
	return nil
}

// openExport opens path for reading if it is a regular file; a FIFO, a
// device or a socket is refused before it is opened (opening a FIFO
// blocks until something writes to it).
func openExport(path string) (*os.File, os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, unwrapPath(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fi, ErrNotFile
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, nil, unwrapPath(err)
	}
	// The path may have been swapped for something else since Stat.
	got, err := f.Stat()
	if err != nil || !got.Mode().IsRegular() || !os.SameFile(fi, got) {
		f.Close()
		return nil, nil, ErrNotFile
	}
	return f, got, nil
}

// folderFS is the unzipped export in folder dir, through an os.Root so
// that no symbolic link leads out of the folder the person chose.
func folderFS(dir string) (fs.FS, io.Closer, error) {
	root, err := os.OpenRoot(filepath.Clean(dir))
	if err != nil {
		return nil, nil, unwrapPath(err)
	}
	return root.FS(), root, nil
}

// unwrapPath drops the operation and path an *fs.PathError repeats ("stat
// /x: no such file"): the message already names the file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
