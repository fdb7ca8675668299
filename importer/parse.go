package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"github.com/folio-app/folio/reader"
)

// Format names an export format.
type Format string

// The formats Parse recognises. Formats lists them with the export to use.
const (
	PocketCSV      Format = "pocket-csv"
	PocketHTML     Format = "pocket-html"
	Instapaper     Format = "instapaper"
	InstapaperHTML Format = "instapaper-html"
	Netscape       Format = "netscape"
	Wallabag       Format = "wallabag"
	WallabagV1     Format = "wallabag-v1"
	WallabagCSV    Format = "wallabag-csv"
	Omnivore       Format = "omnivore"
	Raindrop       Format = "raindrop"
	Readwise       Format = "readwise"
	Matter         Format = "matter"
	Pinboard       Format = "pinboard"
	FirefoxJSON    Format = "firefox-json"
	ChromeJSON     Format = "chrome-json"
	Linkwarden     Format = "linkwarden"
	Karakeep       Format = "karakeep"
	GoodLinks      Format = "goodlinks"
	OneTab         Format = "onetab"
	URLList        Format = "urls"
)

// Errors of Parse, checked with errors.Is.
var (
	// ErrUnrecognised: the file is none of the formats Folio reads. The
	// error says what the file looks like.
	ErrUnrecognised = errors.New("not an export Folio recognises")
	// ErrNoEntries: the file is an export Folio knows, with nothing in it.
	ErrNoEntries = errors.New("no entries")
	// ErrDamaged: the file is an export, or starts like one, but is cut
	// short or malformed as a whole.
	ErrDamaged = errors.New("damaged")
	// ErrNoLink: a row names no link.
	ErrNoLink = errors.New("no link")
	// ErrBadLink: a row's link is not an http(s) address.
	ErrBadLink = errors.New("not a web link")
	// ErrTooLarge: the export, or a file inside it, is too large to be one.
	ErrTooLarge = errors.New("too large")
	// ErrNULByte: a row holds a NUL byte, a sign of a damaged file.
	ErrNULByte = errors.New("holds a NUL byte (the file may be damaged)")
	// ErrUnclosedQuote: a CSV field opens a quote that never closes.
	ErrUnclosedQuote = errors.New("a quote opens here and never closes")
)

// UnrecognisedError is a file Folio does not know as an export: Looks
// says what it seems to be ("a CSV with columns name, email").
type UnrecognisedError struct {
	Name  string
	Looks string
}

func (e *UnrecognisedError) Error() string {
	return fmt.Sprintf("%s is %s, not an export Folio knows", e.Name, e.Looks)
}

func (e *UnrecognisedError) Is(target error) bool { return target == ErrUnrecognised }

func unrecognised(name, looks string) error { return &UnrecognisedError{Name: name, Looks: looks} }

// damaged is ErrDamaged with what is wrong and where.
type damaged struct{ what string }

func (e *damaged) Error() string        { return e.what }
func (e *damaged) Is(target error) bool { return target == ErrDamaged }

func damagedf(format string, args ...any) error {
	return &damaged{what: fmt.Sprintf(format, args...)}
}

// noEntries is ErrNoEntries saying what the export is.
type noEntries struct{ what string }

func (e *noEntries) Error() string {
	return e.what + ": there is nothing to import (export again from a list that has links)"
}
func (e *noEntries) Is(target error) bool { return target == ErrNoEntries }

// RowError is a row of an export that could not be read. The rest of the
// export still imports.
type RowError struct {
	File string // the export, or the file inside its ZIP or folder
	Line int    // 1-based
	Err  error
}

func (e RowError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e RowError) Unwrap() error { return e.Err }

// ParseOptions tunes what Read keeps.
type ParseOptions struct {
	// Feed keeps the feed items of a Readwise Reader export (RSS and
	// newsletters Reader delivered, which the person never saved); they are
	// left out and counted in Export.Skipped otherwise.
	Feed bool
}

// Export is what Read found in an export.
type Export struct {
	Format Format
	// Items in file order.
	Items []Item
	// Broken lists the rows that could not be read.
	Broken []RowError
	// Skipped counts entries left out on purpose (Readwise feed items).
	Skipped int
}

// Parse reads the export at path — a file, a folder (an unzipped export) or
// a ZIP — and returns its format, its items in file order, and the rows
// that could not be read. A file of no known format gives an error
// wrapping ErrUnrecognised that says what it looks like.
func Parse(path string) (Format, []Item, []RowError, error) {
	e, err := Read(context.Background(), path, ParseOptions{})
	if err != nil {
		return "", nil, nil, err
	}
	return e.Format, e.Items, e.Broken, nil
}

// Read is Parse with a context, which stops it, and options.
func Read(ctx context.Context, path string, opts ParseOptions) (*Export, error) {
	p := &parser{b: newBudget(ctx), opts: opts}
	e, err := p.path(path)
	if err == nil && len(e.Items) == 0 && len(e.Broken) == 0 && e.Skipped == 0 {
		// An Omnivore export of deleted items only, say.
		err = &noEntries{what: describeFormat(e.Format) + " with nothing in it to import"}
	}
	if err != nil {
		return nil, named(path, err)
	}
	return e, nil
}

// named puts the path the person gave into an error: an unrecognised file
// is named by it, anything else says it was importing it.
func named(path string, err error) error {
	var ue *UnrecognisedError
	if errors.As(err, &ue) && ue.Name == filepath.Base(path) {
		return &UnrecognisedError{Name: path, Looks: ue.Looks}
	}
	return fmt.Errorf("import %s: %w", path, err)
}

func (p *parser) path(path string) (*Export, error) {
	if dir, ok := archiveDir(path); ok {
		return p.archive(dir)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if fi.IsDir() {
		fsys, closer, err := folderFS(path)
		if err != nil {
			return nil, err
		}
		defer closer.Close()
		return p.fsys(filepath.Base(path), "folder", fsys)
	}
	f, fi, err := openExport(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var magic [4]byte
	if n, _ := io.ReadFull(f, magic[:]); n == 4 && isZip(magic[:]) {
		zr, err := zip.NewReader(f, fi.Size())
		if err != nil {
			return nil, damagedf("the ZIP is damaged (%v): download the export again", err)
		}
		return p.zip(filepath.Base(path), zr)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if fi.Size() > p.b.maxFile {
		return nil, tooLarge("%s, over %s", mib(fi.Size()), mib(p.b.maxFile))
	}
	data, err := p.b.read(f)
	if err != nil {
		return nil, err
	}
	return p.file(filepath.Base(path), data)
}

// ParseReader is Parse for an export already open: name is its file name,
// used in messages and as a hint.
func ParseReader(name string, r io.Reader) (Format, []Item, []RowError, error) {
	if name == "" {
		name = "export" // messages and row errors must say where
	}
	p := &parser{b: newBudget(context.Background())}
	e, err := p.reader(name, r)
	if err != nil {
		return "", nil, nil, named(name, err)
	}
	return e.Format, e.Items, e.Broken, nil
}

func (p *parser) reader(name string, r io.Reader) (*Export, error) {
	data, err := p.b.read(r)
	if err != nil {
		return nil, err
	}
	if isZip(data) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, damagedf("the ZIP is damaged (%v): download the export again", err)
		}
		return p.zip(name, zr)
	}
	return p.file(name, data)
}

// parser is one Read: its limits, its context and its options.
type parser struct {
	b    budget
	opts ParseOptions
}

// isZip reports a ZIP by its first bytes: a file's header, or the end of
// the directory of an empty ZIP.
func isZip(b []byte) bool {
	return bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06"))
}

func (p *parser) zip(name string, zr *zip.Reader) (*Export, error) {
	if err := p.b.checkZip(zr); err != nil {
		return nil, err
	}
	return p.fsys(name, "ZIP", zr)
}

// fsys reads an unzipped or zipped export: Omnivore's metadata_*.json
// with content/<slug>.html beside them, or any number of files of one
// other format (Pocket's part_*.csv, or a single file that was zipped).
func (p *parser) fsys(name, kind string, fsys fs.FS) (*Export, error) {
	if zippedArchive(fsys) {
		return nil, &zippedArchiveError{name}
	}
	var files, metas []string
	err := fs.WalkDir(fsys, ".", func(pth string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := p.b.ctx.Err(); err != nil {
			return err
		}
		base := path.Base(pth)
		if d.IsDir() {
			if pth != "." && (strings.HasPrefix(base, ".") || base == "__MACOSX" || base == "content" || base == "highlights") {
				return fs.SkipDir
			}
			return nil
		}
		// Symbolic links, FIFOs and devices are not part of an export.
		if strings.HasPrefix(base, ".") || !d.Type().IsRegular() {
			return nil
		}
		if len(files) >= p.b.maxFiles {
			return tooLarge("more than %d files", p.b.maxFiles)
		}
		if strings.HasPrefix(base, "metadata_") && strings.HasSuffix(base, ".json") {
			metas = append(metas, pth)
		}
		files = append(files, pth)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Exports known by a file they hold, read as a whole folder: Omnivore's
	// metadata files (Folio's own archive export belongs here too).
	if len(metas) > 0 {
		return p.omnivore(fsys, metas)
	}
	sort.Strings(files) // part_000000.csv, part_000001.csv, ... in order
	var (
		all   []*Export
		looks []string
	)
	format := Format("")
	for _, f := range files {
		data, err := p.entry(fsys, f)
		if err != nil {
			return nil, err
		}
		e, err := p.file(f, data)
		var ue *UnrecognisedError
		if errors.As(err, &ue) {
			looks = append(looks, path.Base(f)+" is "+ue.Looks)
			continue // an image or a settings file beside the export
		}
		if errors.Is(err, ErrNoEntries) {
			continue // one empty part of a longer export
		}
		if err != nil {
			return nil, err
		}
		all = append(all, e)
		// A README with a link in it reads as a list of URLs: any real
		// export format in the folder wins over that.
		if format == "" || format == URLList {
			format = e.Format
		}
	}
	if format == "" {
		switch {
		case len(files) == 0:
			return nil, unrecognised(name, "an empty "+kind)
		case len(looks) == 0:
			return nil, &noEntries{what: "every export in the " + kind + " is empty"}
		case len(looks) > 3:
			looks = append(looks[:3], fmt.Sprintf("%d more", len(looks)-3))
		}
		n := "1 file"
		if len(files) > 1 {
			n = fmt.Sprintf("%d files", len(files))
		}
		return nil, unrecognised(name, fmt.Sprintf("a %s of %s (%s)", kind, n, strings.Join(looks, "; ")))
	}
	out := &Export{Format: format}
	for _, e := range all {
		if e.Format == format {
			out.Items = append(out.Items, e.Items...)
			out.Broken = append(out.Broken, e.Broken...)
			out.Skipped += e.Skipped
		}
	}
	return out, nil
}

// entry reads one file of fsys within the limits.
func (p *parser) entry(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, unwrapPath(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > p.b.maxFile {
		return nil, tooLarge("%s is %s, over %s", name, mib(fi.Size()), mib(p.b.maxFile))
	}
	data, err := p.b.read(f)
	if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrAlgorithm) {
		return nil, damagedf("%s in the ZIP cannot be read (%v): download the export again", name, err)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}

// file detects the format of one file from its content and parses it.
// Each format is recognised by its own signature (header names, JSON keys,
// document type); a file that has none is refused with what it looks like.
func (p *parser) file(name string, data []byte) (*Export, error) {
	if bytes.HasPrefix(data, []byte(mozLz4Magic)) {
		var err error
		if data, err = unMozLz4(data); err != nil {
			return nil, err
		}
	}
	data, err := textOf(data)
	if err != nil {
		return nil, unrecognised(name, err.Error())
	}
	data, nuls := dropNULs(data)
	var e *Export
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, unrecognised(name, "empty")
	case trimmed[0] == '[' || trimmed[0] == '{':
		e, err = p.json(name, data)
	case trimmed[0] == '<':
		e, err = p.html(name, data)
	default:
		e, err = p.text(name, data)
	}
	if err != nil {
		return nil, err
	}
	e.Items, e.Broken = markNULs(name, e.Items, e.Broken, nuls)
	if len(e.Items) == 0 && len(e.Broken) == 0 && e.Skipped == 0 {
		return nil, &noEntries{what: describeFormat(e.Format) + " with no entries"}
	}
	for i := range e.Items {
		boundItem(&e.Items[i])
	}
	return e, nil
}

// Binary files by their first bytes, to say what they are.
var magics = []struct{ prefix, what string }{
	{"\x89PNG", "a PNG image"}, {"\xff\xd8\xff", "a JPEG image"}, {"GIF8", "a GIF image"},
	{"RIFF", "a media file"}, {"%PDF", "a PDF document"}, {"SQLite format 3\x00", "an SQLite database"},
	{"\x1f\x8b", "a gzip archive"}, {"BZh", "a bzip2 archive"}, {"\xfd7zXZ", "an xz archive"},
	{"7z\xbc\xaf", "a 7-Zip archive"}, {"Rar!", "a RAR archive"}, {"\x7fELF", "a program"},
	{"MZ", "a Windows program"}, {"\xca\xfe\xba\xbe", "a program"}, {"\xcf\xfa\xed\xfe", "a program"},
	{"bplist", "a property list (binary)"}, {"PK\x03\x04", "a ZIP inside the export"},
}

// textOf returns data as UTF-8 text: the byte-order mark dropped, UTF-16
// (which some Windows tools write) converted. A binary file is an error
// saying what it seems to be.
func textOf(data []byte) ([]byte, error) {
	for _, m := range magics {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return nil, errors.New(m.what)
		}
	}
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		return utf16Text(data)
	}
	head := data[:min(len(data), 64<<10)]
	// A text file may hold a stray NUL byte or two; a binary file is full
	// of them, or is not UTF-8 at all.
	if n := bytes.Count(head, []byte{0}); n > 8 && n > len(head)/256 {
		return nil, errors.New("a binary file")
	}
	if bad := invalidUTF8(head); bad > 16 && bad > len(head)/64 {
		return nil, errors.New("a binary file, or text in an encoding other than UTF-8")
	}
	return data, nil
}

func invalidUTF8(b []byte) int {
	bad := 0
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 && len(b) >= utf8.UTFMax {
			bad++
		}
		b = b[n:]
	}
	return bad
}

// dropNULs removes stray NUL bytes and returns the lines they were on.
func dropNULs(data []byte) ([]byte, []int) {
	if bytes.IndexByte(data, 0) < 0 {
		return data, nil
	}
	var lines []int
	out := make([]byte, 0, len(data))
	line := 1
	for _, c := range data {
		switch c {
		case 0:
			if len(lines) == 0 || lines[len(lines)-1] != line {
				lines = append(lines, line)
			}
			continue
		case '\n':
			line++
		}
		out = append(out, c)
	}
	return out, lines
}

// markNULs drops the items that held a NUL byte, reporting each as a
// broken row: a row that had one is not to be trusted. The item a line
// belongs to is the last one starting at or before it.
func markNULs(name string, items []Item, broken []RowError, nuls []int) ([]Item, []RowError) {
	if len(nuls) == 0 {
		return items, broken
	}
	// The items by line, to find each NUL's item by binary search.
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return items[order[a]].Line < items[order[b]].Line })
	drop := map[int]bool{}
	for _, l := range nuls {
		k := sort.Search(len(order), func(k int) bool { return items[order[k]].Line > l }) - 1
		if k < 0 {
			broken = append(broken, RowError{File: name, Line: l, Err: ErrNULByte})
			continue
		}
		if at := order[k]; !drop[at] {
			drop[at] = true
			broken = append(broken, RowError{File: items[at].File, Line: items[at].Line, Err: ErrNULByte})
		}
	}
	kept := items[:0:0]
	for i, it := range items {
		if !drop[i] {
			kept = append(kept, it)
		}
	}
	sort.SliceStable(broken, func(i, j int) bool { return broken[i].Line < broken[j].Line })
	return kept, broken
}

// checkLink trims a link and checks that it is an http(s) address.
func checkLink(raw string) (string, error) {
	link := strings.TrimSpace(raw)
	if link == "" {
		return "", ErrNoLink
	}
	if len(link) > maxField {
		return "", fmt.Errorf("%w: a link over %s", ErrBadLink, mib(maxField))
	}
	if _, err := reader.ParseLink(link); err != nil {
		return "", fmt.Errorf("%w: %w", ErrBadLink, err)
	}
	return link, nil
}

// Dates outside this range are nonsense (a zero, a typo, a wrong unit):
// no date is better than a wrong one.
var (
	earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// parseTime reads the dates exports write: a count since 1970 in seconds
// (Pocket, Instapaper, bookmarks; with a fraction in GoodLinks),
// milliseconds, microseconds (Google Bookmarks, Firefox, some linkding
// and Chrome files) or nanoseconds, told apart by size; or ISO 8601 with
// or without a colon in the zone (Wallabag writes
// "2016-04-20T14:14:32+0200", Readwise "2022-12-20 19:47:00.442000+00:00").
// Zero when empty, unknown or out of range.
func parseTime(s string) time.Time {
	s = strings.Trim(strings.TrimSpace(s), `"`)
	if s == "" {
		return time.Time{}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && s[0] != '+' && !strings.ContainsAny(s, "eEnN") {
		return fromEpoch(f)
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return inRange(t)
		}
	}
	return time.Time{}
}

var timeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05 Z0700", "2006-01-02 15:04:05 -0700 MST",
	"2006-01-02 15:04:05", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00", "2006-01-02 15:04", "2006-01-02",
	time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC, time.UnixDate,
}

// fromEpoch reads a count since 1970 in the unit its size implies.
func fromEpoch(f float64) time.Time {
	if math.IsNaN(f) || f <= 0 {
		return time.Time{}
	}
	var t time.Time
	switch {
	case f < 1e11: // seconds: until the year 5138
		sec, frac := math.Modf(f)
		t = time.Unix(int64(sec), int64(frac*1e9))
	case f < 1e14: // milliseconds
		t = time.UnixMilli(int64(f))
	case f < 1e17: // microseconds
		t = time.UnixMicro(int64(f))
	case f < 9e18: // nanoseconds
		t = time.Unix(0, int64(f))
	default:
		return time.Time{}
	}
	return inRange(t.UTC())
}

func inRange(t time.Time) time.Time {
	if t.Before(earliest) || !t.Before(latest) {
		return time.Time{}
	}
	return t
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

// boundItem keeps an item's tags and text within the limits: tags cut to
// maxTagLen characters and at most maxTags of them, a title cut to
// maxField.
func boundItem(it *Item) {
	tags := make([]string, 0, len(it.Tags))
	for _, t := range it.Tags {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" {
			continue
		}
		if utf8.RuneCountInString(t) > maxTagLen {
			t = strings.TrimSpace(string([]rune(t)[:maxTagLen]))
		}
		tags = append(tags, t)
	}
	tags = cleanTags(tags)
	if len(tags) > maxTags {
		tags = tags[:maxTags]
	}
	it.Tags = tags
	if len(it.Title) > maxField {
		it.Title = strings.ToValidUTF8(it.Title[:maxField], "")
	}
}

// folderTags is the tag list of a folder path: the folders that are not a
// service's or browser's root, at most maxFolderDepth of them (the
// outermost).
func folderTags(path []string) []string {
	var tags []string
	for _, f := range path {
		if f = strings.TrimSpace(f); f != "" {
			tags = append(tags, f)
		}
		if len(tags) == maxFolderDepth {
			break
		}
	}
	return tags
}

// utf16Text converts UTF-16 text with a byte-order mark to UTF-8.
func utf16Text(data []byte) ([]byte, error) {
	out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(data)
	if err != nil {
		return nil, errors.New("a UTF-16 file that cannot be read")
	}
	return out, nil
}
