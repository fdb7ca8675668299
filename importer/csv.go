package importer

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// table is a CSV file's header: its delimiter and its columns, lower-cased,
// mapped to their index.
type table struct {
	delim rune
	names []string
	cols  map[string]int
}

func (t *table) has(names ...string) bool {
	for _, n := range names {
		if _, ok := t.cols[n]; !ok {
			return false
		}
	}
	return true
}

func (t *table) hasAny(names ...string) bool {
	for _, n := range names {
		if _, ok := t.cols[n]; ok {
			return true
		}
	}
	return false
}

// sniffTable reads data's first line as a CSV header, with the delimiter
// (comma, semicolon or tab) that splits it into the most columns. It is a
// header only if it has at least two short columns, none of them a link,
// and the next line splits too: a list of links with a comma in its first
// line is not a table.
func sniffTable(data []byte) *table {
	var best *table
	for _, d := range []rune{',', ';', '\t'} {
		r := newCSV(data, d)
		head, err := r.Read()
		if err != nil || len(head) < 2 {
			continue
		}
		ok := true
		for _, h := range head {
			if !columnName(h) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if next, err := r.Read(); err == nil && len(next) < 2 {
			continue
		}
		if best == nil || len(head) > len(best.names) {
			best = &table{delim: d, names: head}
		}
	}
	if best == nil {
		return nil
	}
	best.cols = make(map[string]int, len(best.names))
	for i, h := range best.names {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		best.names[i] = h
		if _, dup := best.cols[h]; !dup {
			best.cols[h] = i
		}
	}
	return best
}

// columnName reports whether h can be a column's name rather than prose or
// a link: short, one line, not a Markdown heading or item, not a sentence.
func columnName(h string) bool {
	h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	if len(h) > 64 || strings.Contains(h, "://") || strings.ContainsAny(h, "\n\r") || len(strings.Fields(h)) > 4 {
		return false
	}
	if h != "" && (strings.IndexByte("#-*>", h[0]) >= 0 || strings.IndexByte(".!?", h[len(h)-1]) >= 0) {
		return false
	}
	return true
}

// csvFormat tells the CSV exports apart by their own columns. Pocket's
// columns have changed between exports, so any header with a url and a
// time_added column is taken for Pocket's, once the other services' own
// columns have been ruled out.
func csvFormat(t *table) Format {
	switch {
	case !t.has("url"):
		return ""
	case t.has("document tags", "saved date"), t.has("location", "seen", "reading progress"):
		return Readwise
	case t.has("excerpt", "folder") && t.hasAny("cover", "highlights", "favorite", "note"):
		return Raindrop
	case t.hasAny("in queue", "file id", "last interaction date") && t.hasAny("favorited", "read", "publisher"):
		return Matter
	case t.has("folder") && t.hasAny("selection", "timestamp"):
		return Instapaper
	case t.has("content", "mime type"), t.has("content", "creation date"):
		return WallabagCSV
	case t.has("time_added"), t.has("status", "tags", "title"):
		return PocketCSV
	}
	return ""
}

func newCSV(data []byte, delim rune) *csv.Reader {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	return r
}

// text reads a file that is neither JSON nor HTML: a CSV export, a OneTab
// list, or a list of links.
func (p *parser) text(name string, data []byte) (*Export, error) {
	if t := sniffTable(data); t != nil {
		f := csvFormat(t)
		if f == "" {
			return nil, unrecognised(name, describeColumns(t))
		}
		items, rows, skipped, err := p.csv(name, f, t, data)
		if err != nil {
			return nil, err
		}
		return &Export{Format: f, Items: items, Broken: rows, Skipped: skipped}, nil
	}
	if isOneTab(data) {
		items, rows, err := p.oneTab(name, data)
		return &Export{Format: OneTab, Items: items, Broken: rows}, err
	}
	items, rows, err := p.urls(name, data)
	if err != nil {
		return nil, err
	}
	if len(items)+len(rows) == 0 {
		return nil, unrecognised(name, "a text file with no web links in it")
	}
	return &Export{Format: URLList, Items: items, Broken: rows}, nil
}

// describeColumns says what a CSV of no known export looks like.
func describeColumns(t *table) string {
	names := t.names
	more := ""
	if len(names) > 6 {
		names, more = names[:6], "…"
	}
	sep := map[rune]string{',': "CSV", ';': "CSV (separated by semicolons)", '\t': "tab-separated table"}[t.delim]
	return fmt.Sprintf("a %s with columns %s%s", sep, strings.Join(names, ", "), more)
}

// csv reads the rows of a CSV export of format f, mapping columns by name.
// A field whose quote never closes swallows the rest of the file: that row
// is reported, and reading starts again on the line after it.
func (p *parser) csv(name string, f Format, t *table, data []byte) ([]Item, []RowError, int, error) {
	var (
		items   []Item
		rows    []RowError
		skipped int
	)
	offset := 0 // lines before the part of data being read
	header := true
	restarts := 0
	for len(data) > 0 {
		r := newCSV(data, t.delim)
		var restart []byte
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var pe *csv.ParseError
				line := 0
				if errors.As(err, &pe) {
					line = pe.Line + offset
				}
				rows = append(rows, RowError{File: name, Line: max(line, 1), Err: err})
				if line == 0 {
					return items, rows, skipped, nil // not a row problem: give up on the file
				}
				continue
			}
			line, _ := r.FieldPos(0)
			line += offset
			if header {
				header = false
				continue
			}
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue // a blank line
			}
			if err := p.b.row(); err != nil {
				return nil, nil, 0, err
			}
			if len(rec) < len(t.names) && strings.Contains(rec[len(rec)-1], "\n") {
				if _, err := r.Read(); errors.Is(err, io.EOF) {
					// The last field ran to the end of the file: its quote
					// never closed. Read on from the line after the row, a
					// few times: a file of such rows is not worth reading
					// again and again to its end.
					rows = append(rows, RowError{File: name, Line: line, Err: ErrUnclosedQuote})
					if restarts++; restarts > maxRestarts {
						return items, rows, skipped, nil
					}
					restart = afterLine(data, line-offset)
					offset = line
					break
				}
			}
			if err := p.csvRow(name, f, t, rec, line, &items, &skipped); err != nil {
				rows = append(rows, RowError{File: name, Line: line, Err: err})
			}
		}
		data = restart
	}
	return items, rows, skipped, nil
}

// maxRestarts bounds how often a CSV is read again after a quote that
// never closes.
const maxRestarts = 16

// afterLine is data from the start of the line after line (1-based).
func afterLine(data []byte, line int) []byte {
	for i := 0; i < line; i++ {
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			return nil
		}
		data = data[nl+1:]
	}
	return data
}

// csvRow reads one row into an item.
func (p *parser) csvRow(name string, f Format, t *table, rec []string, line int, items *[]Item, skipped *int) error {
	get := func(col string) string {
		if i, ok := t.cols[col]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for i, v := range rec {
		if len(v) > maxField && (i >= len(t.names) || t.names[i] != "content") {
			return tooLarge("a field over %s", mib(maxField))
		}
	}
	link, err := checkLink(get("url"))
	if err != nil {
		return err
	}
	it := Item{URL: link, Title: get("title"), File: name, Line: line}
	switch f {
	case Instapaper:
		instapaperRow(&it, get)
	case Raindrop:
		raindropRow(&it, get)
	case Readwise:
		if !readwiseRow(&it, get) && !p.opts.Feed {
			*skipped++
			return nil
		}
	case Matter:
		matterRow(&it, get)
	case WallabagCSV:
		wallabagCSVRow(&it, get)
	default:
		pocketRow(&it, get)
	}
	*items = append(*items, it)
	return nil
}

// pocketRow fills a Pocket row: tags separated by "|", status "unread" or
// "archive". Pocket's archive is its "done reading", so it is read and
// archived here. Some exports carry a favourite column; honour it.
func pocketRow(it *Item, get func(string) string) {
	it.Saved = parseTime(get("time_added"))
	it.Tags = splitTags(get("tags"), "|")
	if strings.EqualFold(get("status"), "archive") || strings.EqualFold(get("status"), "archived") {
		it.Read, it.Archived = true, true
	}
	for _, c := range []string{"favorite", "favourite", "is_favorite", "starred"} {
		if truthy(get(c)) {
			it.Favorite = true
		}
	}
}

// instapaperRow fills an Instapaper row. Folder is Unread, Archive,
// Starred or one of the person's own folders, which becomes a tag. Tags
// is a JSON array string. Selection is the text the person selected when
// saving, a highlight.
func instapaperRow(it *Item, get func(string) string) {
	it.Saved = parseTime(get("timestamp"))
	it.Tags = jsonTags(get("tags"))
	instapaperFolder(it, get("folder"))
	if s := get("selection"); s != "" {
		// the passage the person selected on the page: a highlight
		it.Highlights = append(it.Highlights, Highlight{Text: s, From: "Instapaper (selection)"})
		it.Notes = append(it.Notes, Note{From: "Instapaper (selection)", Text: s, ofHighlights: true})
	}
}

// instapaperFolder applies an Instapaper folder: its three own folders are
// states, the person's folders tags.
func instapaperFolder(it *Item, folder string) {
	switch strings.ToLower(strings.TrimSpace(folder)) {
	case "", "unread", "home":
	case "archive":
		it.Read, it.Archived = true, true
	case "starred", "liked":
		it.Favorite = true
	default:
		it.Tags = append(it.Tags, folder)
	}
}

// raindropRow fills a row of Raindrop.io's CSV backup (id, title, note,
// excerpt, url, folder, tags, created, cover, highlights, favorite). The
// folder is a path ("Work / Invoices"); "Unsorted" is Raindrop's inbox, not
// a folder. The person's note and highlights become notes, the highlights
// kept one by one as well.
func raindropRow(it *Item, get func(string) string) {
	it.Saved = parseTime(get("created"))
	it.Favorite = truthy(get("favorite"))
	it.Tags = append(it.Tags, folderTags(raindropFolder(get("folder")))...)
	it.Tags = append(it.Tags, splitTags(get("tags"), ",")...)
	if n := get("note"); n != "" {
		it.Notes = append(it.Notes, Note{From: "Raindrop.io (note)", Text: n})
	}
	if h := get("highlights"); h != "" {
		it.Highlights = raindropHighlights(h)
		if n := highlightsNote("Raindrop.io (highlights)", it.Highlights); n != nil {
			it.Notes = append(it.Notes, *n)
		}
	}
}

// folderSep separates the folders of a Raindrop.io path ("Work / Invoices").
var folderSep = regexp.MustCompile(`\s*/\s*`)

func raindropFolder(folder string) []string {
	parts := folderSep.Split(strings.TrimSpace(folder), -1)
	if len(parts) == 1 && (strings.EqualFold(parts[0], "unsorted") || strings.EqualFold(parts[0], "trash")) {
		return nil
	}
	return parts
}

// raindropHighlights splits Raindrop's highlights field: entries that start
// with "Highlight:", each with an optional "Note:" line. A field not in
// that shape is one highlight.
func raindropHighlights(s string) []Highlight {
	var hs []Highlight
	var cur *Highlight
	inNote := false
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case hasPrefixFold(trimmed, "highlight:"):
			hs = append(hs, Highlight{Text: strings.TrimSpace(trimmed[len("highlight:"):])})
			cur, inNote = &hs[len(hs)-1], false
		case cur != nil && hasPrefixFold(trimmed, "note:"):
			cur.Note, inNote = strings.TrimSpace(trimmed[len("note:"):]), true
		case cur != nil && trimmed != "":
			if inNote {
				cur.Note += "\n" + trimmed
			} else {
				cur.Text += "\n" + trimmed
			}
		}
	}
	if len(hs) == 0 {
		return []Highlight{{Text: strings.TrimSpace(s)}}
	}
	return hs
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// readwiseRow fills a row of Readwise Reader's CSV export (Title, URL, ID,
// Document tags, Saved date, Reading progress, Location, Seen). Location is
// new, later, shortlist, archive or feed; it reports false for a feed item,
// which Reader delivered but the person never saved.
func readwiseRow(it *Item, get func(string) string) bool {
	it.Saved = parseTime(get("saved date"))
	it.Tags = listTags(get("document tags"))
	switch strings.ToLower(get("location")) {
	case "archive":
		it.Read, it.Archived = true, true
	case "feed":
		return false
	}
	if pr, err := strconv.ParseFloat(strings.TrimSuffix(get("reading progress"), "%"), 64); err == nil {
		if pr > 1 {
			pr /= 100
		}
		it.Read = it.Read || pr >= 0.99
	}
	return true
}

// listTags reads a list written as Python writes one (['a', 'b']), as JSON
// (["a","b"]) or plainly (a, b).
func listTags(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" || s == "[]" {
		return nil
	}
	var tags []string
	if json.Unmarshal([]byte(s), &tags) == nil {
		return tags
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	for _, t := range splitTags(s, ",") {
		if t = strings.Trim(t, `"' `); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// matterRow fills a row of Matter's CSV export (Title, Author, Publisher,
// URL, Tags, Word Count, In Queue, Favorited, Read, Highlight Count, Last
// Interaction Date, File Id). Tags are separated by semicolons; an item no
// longer in the queue is archived. Matter writes no saved date: the last
// interaction is the latest it can have been saved, and merging keeps the
// earliest date known.
func matterRow(it *Item, get func(string) string) {
	it.Tags = splitTags(get("tags"), ";")
	it.Byline = get("author")
	it.Favorite = truthy(get("favorited"))
	it.Read = truthy(get("read"))
	if q := get("in queue"); q != "" && !truthy(q) {
		it.Archived = true
	}
	it.Saved = parseTime(get("last interaction date"))
}

// wallabagCSVRow fills a row of Wallabag's CSV export (Title;URL;Content;
// Tags;MIME Type;Language;Creation date): the content is the article as
// Wallabag extracted it, tags are separated by ", ", and the date is
// day/month/year (in Wallabag's 12-hour clock with no AM or PM, so an
// afternoon shows as morning: Wallabag's own loss).
func wallabagCSVRow(it *Item, get func(string) string) {
	it.HTML = get("content")
	it.Tags = splitTags(get("tags"), ",")
	it.Lang = get("language")
	if t, err := timeParse("02/01/2006 15:04:05", get("creation date")); err == nil {
		it.Saved = t
	} else {
		it.Saved = parseTime(get("creation date"))
	}
}

// jsonTags reads Instapaper's ["a","b"]; anything that is not valid JSON
// is read as a comma-separated list rather than lost.
func jsonTags(s string) []string {
	return listTags(s)
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "y":
		return true
	}
	return false
}

// lineAt is the 1-based line of byte offset off, for the formats whose
// parser knows only offsets.
func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	return bytes.Count(data[:max(off, 0)], []byte("\n")) + 1
}

// oneTabLine is a OneTab line: "https://link | Title".
var oneTabLine = regexp.MustCompile(`^(\S+) \| (.*)$`)

// isOneTab reports whether most lines of data are OneTab's "link | title".
func isOneTab(data []byte) bool {
	lines, tabs := 0, 0
	for _, l := range bytes.Split(data, []byte("\n")) {
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		lines++
		if m := oneTabLine.FindSubmatch(l); m != nil && bytes.Contains(m[1], []byte("://")) {
			tabs++
		}
	}
	return tabs > 0 && tabs*5 >= lines*4
}

// oneTab reads OneTab's export: one "link | title" a line, groups of tabs
// separated by blank lines.
func (p *parser) oneTab(name string, data []byte) ([]Item, []RowError, error) {
	var (
		items []Item
		rows  []RowError
	)
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := strings.TrimSpace(string(raw))
		if line == "" {
			continue
		}
		if err := p.b.row(); err != nil {
			return nil, nil, err
		}
		link, title := line, ""
		if m := oneTabLine.FindStringSubmatch(line); m != nil {
			link, title = m[1], strings.TrimSpace(m[2])
		}
		l, err := checkLink(link)
		if err != nil {
			rows = append(rows, RowError{File: name, Line: i + 1, Err: err})
			continue
		}
		items = append(items, Item{URL: l, Title: title, File: name, Line: i + 1})
	}
	return items, rows, nil
}
