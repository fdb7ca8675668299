package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/folio-app/folio/reader"
)

// Format names an export format.
type Format string

// The formats Parse recognises.
const (
	PocketCSV  Format = "pocket-csv"
	PocketHTML Format = "pocket-html"
	Instapaper Format = "instapaper"
	Netscape   Format = "netscape"
	Wallabag   Format = "wallabag"
	Omnivore   Format = "omnivore"
	URLList    Format = "urls"
)

// Errors of Parse, checked with errors.Is.
var (
	// ErrUnrecognised: the file is none of the formats Folio reads.
	ErrUnrecognised = errors.New("not an export Folio recognises")
	// ErrNoLink: a row names no link.
	ErrNoLink = errors.New("no link")
	// ErrBadLink: a row's link is not an http(s) address.
	ErrBadLink = errors.New("not a web link")
	// ErrTooLarge: the export, or a file inside it, is too large to be one.
	ErrTooLarge = errors.New("too large")
)

// maxEntry bounds the export and each file read out of a ZIP or folder, so
// a crafted archive or a wrong file (a disk image) cannot exhaust memory.
const maxEntry = 512 << 20

// unrecognisedError names the file and what Folio expected.
type unrecognisedError struct{ name string }

func (e *unrecognisedError) Error() string {
	return e.name + " is not an export Folio recognises (expected Pocket CSV/HTML, Instapaper CSV, " +
		"Netscape bookmarks, Wallabag JSON, Omnivore ZIP, or a list of URLs)"
}

func (e *unrecognisedError) Is(target error) bool { return target == ErrUnrecognised }

// RowError is a row of an export that could not be read. The rest of the
// export still imports.
type RowError struct {
	File string // the export, or the file inside its ZIP or folder
	Line int    // 1-based
	Err  error
}

func (e RowError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e RowError) Unwrap() error { return e.Err }

// Parse reads the export at path — a file, a folder (an unzipped export) or
// a ZIP — and returns its format, its items in file order, and the rows
// that could not be read. A file of no known format gives an error
// wrapping ErrUnrecognised that names it.
func Parse(path string) (Format, []Item, []RowError, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", nil, nil, fmt.Errorf("import %s: %w", path, unwrapPath(err))
	}
	if fi.IsDir() {
		return parseFS(filepath.Base(path), os.DirFS(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return "", nil, nil, fmt.Errorf("import %s: %w", path, unwrapPath(err))
	}
	defer f.Close()
	var magic [4]byte
	if n, _ := io.ReadFull(f, magic[:]); n == 4 && isZip(magic[:]) {
		zr, err := zip.NewReader(f, fi.Size())
		if err != nil {
			return "", nil, nil, fmt.Errorf("import %s: read ZIP: %w", path, err)
		}
		return parseFS(filepath.Base(path), zr)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", nil, nil, fmt.Errorf("import %s: %w", path, err)
	}
	return ParseReader(filepath.Base(path), f)
}

// ParseReader is Parse for an export already open: name is its file name,
// used in messages and as a hint.
func ParseReader(name string, r io.Reader) (Format, []Item, []RowError, error) {
	if name == "" {
		name = "export" // messages and row errors must say where
	}
	data, err := readLimited(r)
	if err != nil {
		return "", nil, nil, fmt.Errorf("import %s: %w", name, err)
	}
	if isZip(data) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return "", nil, nil, fmt.Errorf("import %s: read ZIP: %w", name, err)
		}
		return parseFS(name, zr)
	}
	return parseFile(name, data)
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

func isZip(b []byte) bool { return bytes.HasPrefix(b, []byte("PK\x03\x04")) }

// parseFS reads an unzipped or zipped export: Omnivore's metadata_*.json
// with content/<slug>.html beside them, or any number of files of one
// other format (Pocket's part_*.csv, or a single file that was zipped).
func parseFS(name string, fsys fs.FS) (Format, []Item, []RowError, error) {
	var files, metas []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := path.Base(p)
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(base, ".") || base == "__MACOSX" || base == "content" || base == "highlights") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(base, ".") || !d.Type().IsRegular() {
			return nil
		}
		if strings.HasPrefix(base, "metadata_") && strings.HasSuffix(base, ".json") {
			metas = append(metas, p)
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return "", nil, nil, fmt.Errorf("import %s: %w", name, err)
	}
	if len(metas) > 0 {
		return parseOmnivore(name, fsys, metas)
	}
	sort.Strings(files) // part_000000.csv, part_000001.csv, ... in order
	type parsed struct {
		format Format
		items  []Item
		rows   []RowError
	}
	var all []parsed
	format := Format("")
	for _, p := range files {
		data, err := readEntry(fsys, p)
		if err != nil {
			return "", nil, nil, fmt.Errorf("import %s: %w", name, err)
		}
		f, items, rows, err := parseFile(p, data)
		if errors.Is(err, ErrUnrecognised) {
			continue // an image or a settings file beside the export
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("import %s: %w", name, err)
		}
		all = append(all, parsed{f, items, rows})
		// A README with a link in it reads as a list of URLs: any real
		// export format in the folder wins over that.
		if format == "" || format == URLList {
			format = f
		}
	}
	if format == "" {
		return "", nil, nil, &unrecognisedError{name}
	}
	var (
		items []Item
		rows  []RowError
	)
	for _, p := range all {
		if p.format == format {
			items = append(items, p.items...)
			rows = append(rows, p.rows...)
		}
	}
	return format, items, rows, nil
}

// readEntry reads one file of fsys, refusing anything over maxEntry.
func readEntry(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	defer f.Close()
	data, err := readLimited(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return data, nil
}

// readLimited reads r to the end, refusing more than maxEntry bytes.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxEntry+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxEntry {
		return nil, fmt.Errorf("%w (over %d MiB)", ErrTooLarge, maxEntry>>20)
	}
	return data, nil
}

// parseFile detects the format of one file from its content, the name
// serving only as a tie-breaker, and parses it.
func parseFile(name string, data []byte) (Format, []Item, []RowError, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	head := bytes.ToLower(bytes.TrimSpace(data[:min(len(data), 4096)]))
	switch {
	case len(head) == 0 || bytes.IndexByte(data, 0) >= 0:
		// Empty, or binary (an image, a database): not an export.
	case head[0] == '[' || head[0] == '{':
		if f, items, rows, ok := parseJSON(name, data); ok {
			return f, items, rows, nil
		}
	case head[0] == '<':
		switch {
		case bytes.Contains(head, []byte("netscape-bookmark-file")):
			items, rows := parseNetscape(name, data)
			return Netscape, items, rows, nil
		case bytes.Contains(head, []byte("<title>pocket export")) || bytes.Contains(head, []byte("time_added=")):
			items, rows := parsePocketHTML(name, data)
			return PocketHTML, items, rows, nil
		case bytes.Contains(head, []byte("<dt")) && bytes.Contains(head, []byte("<dl")):
			items, rows := parseNetscape(name, data)
			return Netscape, items, rows, nil
		}
	default:
		if f, ok := csvFormat(data); ok {
			items, rows := parseCSV(name, f, data)
			return f, items, rows, nil
		}
		if items, rows := parseURLs(name, data); len(items)+len(rows) > 0 {
			return URLList, items, rows, nil
		}
	}
	return "", nil, nil, &unrecognisedError{name}
}

// checkLink trims a link and checks that it is an http(s) address.
func checkLink(raw string) (string, error) {
	link := strings.TrimSpace(raw)
	if link == "" {
		return "", ErrNoLink
	}
	if _, err := reader.ParseLink(link); err != nil {
		return "", fmt.Errorf("%w: %w", ErrBadLink, err)
	}
	return link, nil
}

// parseTime reads the dates exports write: Unix seconds (Pocket,
// Instapaper, bookmarks) or ISO 8601 with or without a colon in the zone
// (Wallabag writes "2016-04-20T14:14:32+0200"). Zero when empty or unknown.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 || n > 1e11 {
			// Some exports write milliseconds; anything still out of range
			// is nonsense, and a wrong date is worse than none.
			if n > 1e11 && n < 1e14 {
				return time.UnixMilli(n).UTC()
			}
			return time.Time{}
		}
		return time.Unix(n, 0).UTC()
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999Z0700",
		"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// splitTags splits a tag list on sep, trimming and dropping empty names.
func splitTags(s, sep string) []string {
	var tags []string
	for _, t := range strings.Split(s, sep) {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}
