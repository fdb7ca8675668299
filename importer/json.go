package importer

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/pierrec/lz4/v4"

	"github.com/folio-app/folio/reader"
)

// mozLz4Magic starts Firefox's compressed bookmark backups (.jsonlz4):
// the magic, the decompressed size as 4 bytes little-endian, then one LZ4
// block.
const mozLz4Magic = "mozLz40\x00"

// unMozLz4 decompresses a .jsonlz4 file, refusing a declared size over the
// limit before allocating it.
func unMozLz4(data []byte) ([]byte, error) {
	if len(data) < len(mozLz4Magic)+4 {
		return nil, damagedf("the compressed Firefox backup is cut short: make a new backup")
	}
	size := binary.LittleEndian.Uint32(data[len(mozLz4Magic):])
	if size > maxFile {
		return nil, tooLarge("the Firefox backup expands to %s, over %s", mib(int64(size)), mib(maxFile))
	}
	out := make([]byte, size)
	n, err := lz4.UncompressBlock(data[len(mozLz4Magic)+4:], out)
	if err != nil {
		return nil, damagedf("the compressed Firefox backup is damaged (%v): make a new backup", err)
	}
	return out[:n], nil
}

// jsonFail turns a JSON decoding error into a sentence: cut short, nested
// too deep, or malformed at a line.
func jsonFail(data []byte, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return damagedf("the JSON is cut short (it ends at line %d in the middle of an entry): download or export it again", lineAt(data, len(data)))
	case errors.As(err, &se) && strings.Contains(se.Error(), "depth"):
		return damagedf("the JSON nests deeper than any export does (line %d): it is not an export", lineAt(data, int(se.Offset)))
	case errors.As(err, &se):
		return damagedf("the JSON is malformed at line %d (%v): the file is damaged; export it again", lineAt(data, int(se.Offset)), se)
	}
	return damagedf("the JSON cannot be read (%v): export it again", err)
}

// jsonEntries splits a JSON array into its elements with the line each
// starts on. notObjects is set when an element is not an object.
func (p *parser) jsonEntries(data []byte) (entries []json.RawMessage, lines []int, notObjects string, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, nil, "", jsonFail(data, err)
	}
	prevOff, prevLine := 0, 1 // lines counted so far, to stay linear
	for dec.More() {
		off := int(dec.InputOffset())
		// The offset is just after the previous token: skip the comma and
		// blanks to the element's own line.
		for off < len(data) && strings.IndexByte(", \t\r\n", data[off]) >= 0 {
			off++
		}
		prevLine += bytes.Count(data[prevOff:min(off, len(data))], []byte("\n"))
		prevOff = min(off, len(data))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, "", jsonFail(data, err)
		}
		if err := p.b.row(); err != nil {
			return nil, nil, "", err
		}
		if len(raw) == 0 || raw[0] != '{' {
			notObjects = jsonKind(raw)
			continue
		}
		entries = append(entries, raw)
		lines = append(lines, prevLine)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, "", jsonFail(data, err)
	}
	return entries, lines, notObjects, nil
}

func jsonKind(raw json.RawMessage) string {
	switch {
	case len(raw) == 0:
		return "nothing"
	case raw[0] == '"':
		return "strings"
	case raw[0] == '[':
		return "lists"
	case raw[0] == 't' || raw[0] == 'f':
		return "true/false values"
	case raw[0] == 'n':
		return "nulls"
	}
	return "numbers"
}

// keySet is the keys of one or more JSON objects.
type keySet map[string]bool

func keysOf(raws ...json.RawMessage) keySet {
	ks := keySet{}
	for _, r := range raws {
		var m map[string]json.RawMessage
		if json.Unmarshal(r, &m) == nil {
			for k := range m {
				ks[k] = true
			}
		}
	}
	return ks
}

func (ks keySet) has(names ...string) bool {
	for _, n := range names {
		if !ks[n] {
			return false
		}
	}
	return true
}

func (ks keySet) hasAny(names ...string) bool {
	for _, n := range names {
		if ks[n] {
			return true
		}
	}
	return false
}

func (ks keySet) list() string {
	names := make([]string, 0, len(ks))
	for k := range ks {
		names = append(names, k)
	}
	sort.Strings(names)
	more := ""
	if len(names) > 6 {
		names, more = names[:6], "…"
	}
	return strings.Join(names, ", ") + more
}

// json reads a JSON export, telling the formats apart by their keys: a
// list of entries (Wallabag, Omnivore, Pinboard, GoodLinks) or one object
// (a Firefox or Chrome bookmark file, Linkwarden, Karakeep).
func (p *parser) json(name string, data []byte) (*Export, error) {
	trimmed := bytes.TrimSpace(data)
	if trimmed[0] == '{' {
		return p.jsonObject(name, data)
	}
	entries, lines, other, err := p.jsonEntries(data)
	if err != nil {
		var d *damaged
		if errors.As(err, &d) && !looksJSON(trimmed) {
			// "[a link](https://…)" starts like JSON and is Markdown.
			return p.text(name, data)
		}
		return nil, err
	}
	if len(entries) == 0 {
		if other != "" {
			return nil, unrecognised(name, "a JSON list of "+other)
		}
		if strings.HasPrefix(path.Base(name), "metadata_") {
			return &Export{Format: Omnivore}, nil
		}
		return nil, unrecognised(name, "an empty JSON list")
	}
	ks := keysOf(entries[:min(len(entries), 3)]...)
	e := &Export{}
	switch {
	case ks.has("url") && ks.hasAny("is_archived", "is_starred", "domain_name", "reading_time"):
		e.Format = Wallabag
		e.Items, e.Broken = wallabagEntries(name, entries, lines)
	case ks.has("url") && ks.hasAny("is_read", "is_fav"):
		e.Format = WallabagV1
		e.Items, e.Broken = wallabagV1Entries(name, entries, lines)
	case ks.has("url") && ks.hasAny("savedAt", "slug", "readingProgress"):
		e.Format = Omnivore
		e.Items, e.Broken = omnivoreEntries(name, entries, lines, nil)
	case ks.has("href") && ks.hasAny("toread", "shared", "hash", "extended", "time"):
		e.Format = Pinboard
		e.Items, e.Broken = pinboardEntries(name, entries, lines)
	case ks.has("url", "addedAt"):
		e.Format = GoodLinks
		e.Items, e.Broken = goodLinksEntries(name, entries, lines)
	default:
		return nil, unrecognised(name, fmt.Sprintf("a JSON list of %d entries with keys %s", len(entries), ks.list()))
	}
	return e, nil
}

// looksJSON reports whether data's start is JSON rather than Markdown's
// "[title](link)".
func looksJSON(data []byte) bool {
	rest := bytes.TrimSpace(data[1:])
	return len(rest) == 0 || strings.IndexByte(`[{"]-0123456789tfn`, rest[0]) >= 0
}

func (p *parser) jsonObject(name string, data []byte) (*Export, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return nil, unrecognised(name, "a JSON document")
		}
		return nil, jsonFail(data, err)
	}
	ks := keySet{}
	for k := range top {
		ks[k] = true
	}
	var typ string
	json.Unmarshal(top["type"], &typ)
	lf := &lineFinder{data: data}
	e := &Export{}
	var err error
	switch {
	case typ == "text/x-moz-place-container" && ks.has("children"):
		e.Format = FirefoxJSON
		e.Items, e.Broken, err = p.firefox(name, data, lf)
	case ks.has("roots") && bytes.Contains(top["roots"], []byte(`"bookmark_bar"`)):
		e.Format = ChromeJSON
		e.Items, e.Broken, err = p.chrome(name, top["roots"], lf)
	case ks.has("collections") && bytes.Contains(top["collections"], []byte(`"links"`)) || ks.has("collections", "pinnedLinks"):
		e.Format = Linkwarden
		e.Items, e.Broken, err = p.linkwarden(name, top, lf)
	case ks.has("bookmarks") && bytes.HasPrefix(bytes.TrimSpace(top["bookmarks"]), []byte("[")):
		e.Format = Karakeep
		e.Items, e.Broken, err = p.karakeep(name, top, lf)
	default:
		return nil, unrecognised(name, "a JSON object with keys "+ks.list())
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// lineFinder gives the entries of a nested JSON file their lines: each
// link is looked for after the previous one, in document order.
type lineFinder struct {
	data []byte
	off  int
	line int
}

func (lf *lineFinder) find(link string) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(link)
	q := bytes.TrimSpace(buf.Bytes())
	if i := bytes.Index(lf.data[lf.off:], q); i >= 0 {
		lf.line = max(lf.line, 1) + bytes.Count(lf.data[lf.off:lf.off+i], []byte("\n"))
		lf.off += i + len(q)
	}
	return max(lf.line, 1)
}

// flag reads Wallabag's flags, written as 0/1 by some versions and as
// booleans by others.
type flag bool

func (f *flag) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	*f = flag(truthy(s))
	return nil
}

// labels reads a tag list written as strings, as objects with a label or
// name (Wallabag's API form, Omnivore's GraphQL form, Linkwarden), or as
// one comma-separated string (Wallabag v1).
type labels []string

func (l *labels) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*l = splitTags(s, ",")
		return nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return nil // null or something odd: no tags rather than no article
	}
	for _, r := range raws {
		if json.Unmarshal(r, &s) == nil {
			*l = append(*l, s)
			continue
		}
		var o struct{ Label, Name, Slug string }
		if json.Unmarshal(r, &o) == nil {
			*l = append(*l, firstNonEmpty(o.Label, o.Name, o.Slug))
		}
	}
	return nil
}

// names reads Wallabag's published_by: a list of authors, or one string.
type names []string

func (n *names) UnmarshalJSON(b []byte) error {
	var list []string
	if json.Unmarshal(b, &list) == nil {
		*n = list
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil && s != "" {
		*n = []string{s}
	}
	return nil
}

// when reads a date written as a number or as a string.
type when string

func (w *when) UnmarshalJSON(b []byte) error {
	*w = when(strings.Trim(string(b), `"`))
	if *w == "null" {
		*w = ""
	}
	return nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// each decodes each entry into a fresh v and calls fn, collecting broken
// entries as row errors.
func each[T any](name string, entries []json.RawMessage, lines []int, fn func(e *T, line int) (Item, error)) ([]Item, []RowError) {
	var (
		items []Item
		rows  []RowError
	)
	for i, raw := range entries {
		var e T
		if err := json.Unmarshal(raw, &e); err != nil {
			rows = append(rows, RowError{File: name, Line: lines[i], Err: err})
			continue
		}
		it, err := fn(&e, lines[i])
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			rows = append(rows, RowError{File: name, Line: lines[i], Err: err})
			continue
		}
		it.File, it.Line = name, lines[i]
		items = append(items, it)
	}
	return items, rows
}

// errSkip leaves an entry out without a word (it is in the service's trash).
var errSkip = errors.New("skip")

var errOutOfRange = errors.New("date out of range")

// maxNesting bounds how deep the folders of a bookmark file are walked:
// real ones are a few levels deep, and each level costs a pass over what
// is below it.
const maxNesting = 100

var errTooDeep = fmt.Errorf("folders nested more than %d deep: the ones below were not read", maxNesting)

// wallabagEntries reads Wallabag's JSON export. Its content is the
// article Wallabag extracted, kept so the page need not be fetched again.
func wallabagEntries(name string, entries []json.RawMessage, lines []int) ([]Item, []RowError) {
	type entry struct {
		URL         string `json:"url"`
		Title       string `json:"title"`
		Content     string `json:"content"`
		IsArchived  flag   `json:"is_archived"`
		IsStarred   flag   `json:"is_starred"`
		Tags        labels `json:"tags"`
		CreatedAt   when   `json:"created_at"`
		PublishedAt when   `json:"published_at"`
		PublishedBy names  `json:"published_by"`
		Language    string `json:"language"`
		Annotations []struct {
			Text   string `json:"text"`
			Quote  string `json:"quote"`
			Create when   `json:"created_at"`
		} `json:"annotations"`
	}
	return each(name, entries, lines, func(e *entry, _ int) (Item, error) {
		link, err := checkLink(e.URL)
		if err != nil {
			return Item{}, err
		}
		it := Item{
			URL: link, Title: strings.TrimSpace(e.Title), Tags: e.Tags,
			Saved: parseTime(string(e.CreatedAt)), Read: bool(e.IsArchived), Archived: bool(e.IsArchived),
			Favorite: bool(e.IsStarred), HTML: e.Content, Byline: strings.Join(e.PublishedBy, ", "),
			Lang: e.Language, Published: parseTime(string(e.PublishedAt)),
		}
		for _, a := range e.Annotations {
			it.Highlights = append(it.Highlights, Highlight{Text: a.Quote, Note: a.Text, Created: parseTime(string(a.Create))})
		}
		if n := highlightsNote("Wallabag (annotations)", it.Highlights); n != nil {
			it.Notes = append(it.Notes, *n)
		}
		return it, nil
	})
}

// wallabagV1Entries reads Wallabag 1's JSON export: is_read, is_fav and
// the content, tags as one comma-separated string.
func wallabagV1Entries(name string, entries []json.RawMessage, lines []int) ([]Item, []RowError) {
	type entry struct {
		URL     string `json:"url"`
		Title   string `json:"title"`
		Content string `json:"content"`
		IsRead  flag   `json:"is_read"`
		IsFav   flag   `json:"is_fav"`
		Tags    labels `json:"tags"`
	}
	return each(name, entries, lines, func(e *entry, _ int) (Item, error) {
		link, err := checkLink(e.URL)
		if err != nil {
			return Item{}, err
		}
		return Item{URL: link, Title: strings.TrimSpace(e.Title), Tags: e.Tags, HTML: e.Content,
			Read: bool(e.IsRead), Archived: bool(e.IsRead), Favorite: bool(e.IsFav)}, nil
	})
}

// pinboardEntries reads Pinboard's JSON export: href, description (the
// title), extended (the person's description, kept as a note), time,
// tags separated by spaces, toread "yes" or "no".
func pinboardEntries(name string, entries []json.RawMessage, lines []int) ([]Item, []RowError) {
	type entry struct {
		Href        string `json:"href"`
		Description string `json:"description"`
		Extended    string `json:"extended"`
		Time        when   `json:"time"`
		Tags        string `json:"tags"`
		ToRead      string `json:"toread"`
	}
	return each(name, entries, lines, func(e *entry, _ int) (Item, error) {
		link, err := checkLink(e.Href)
		if err != nil {
			return Item{}, err
		}
		it := Item{URL: link, Title: strings.TrimSpace(e.Description), Tags: strings.Fields(e.Tags),
			Saved: parseTime(string(e.Time)), Read: !truthy(e.ToRead)}
		if x := strings.TrimSpace(e.Extended); x != "" {
			it.Notes = append(it.Notes, Note{From: "Pinboard (description)", Text: x})
		}
		return it, nil
	})
}

// goodLinksEntries reads GoodLinks' JSON export: url, title, tags,
// starred, addedAt and readAt as seconds since 1970 (with a fraction),
// highlights when it has them.
func goodLinksEntries(name string, entries []json.RawMessage, lines []int) ([]Item, []RowError) {
	type entry struct {
		URL        string `json:"url"`
		Title      string `json:"title"`
		Author     string `json:"author"`
		Tags       labels `json:"tags"`
		Starred    flag   `json:"starred"`
		AddedAt    when   `json:"addedAt"`
		ReadAt     when   `json:"readAt"`
		Highlights []struct {
			Content string `json:"content"`
			Text    string `json:"text"`
			Note    string `json:"note"`
			Time    when   `json:"time"`
		} `json:"highlights"`
	}
	return each(name, entries, lines, func(e *entry, _ int) (Item, error) {
		link, err := checkLink(e.URL)
		if err != nil {
			return Item{}, err
		}
		it := Item{URL: link, Title: strings.TrimSpace(e.Title), Tags: e.Tags, Favorite: bool(e.Starred),
			Saved: parseTime(string(e.AddedAt)), Read: e.ReadAt != "" && e.ReadAt != "0", Byline: e.Author}
		for _, h := range e.Highlights {
			it.Highlights = append(it.Highlights, Highlight{Text: firstNonEmpty(h.Content, h.Text), Note: h.Note, Created: parseTime(string(h.Time))})
		}
		if n := highlightsNote("GoodLinks (highlights)", it.Highlights); n != nil {
			it.Notes = append(it.Notes, *n)
		}
		return it, nil
	})
}

// firefox reads a Firefox bookmark backup (Bookmarks › Manage › Backup,
// .json, or the .jsonlz4 files Firefox keeps): nested containers with
// "root" marking Firefox's own folders, which are not tags; bookmarks with
// "uri", "dateAdded" in microseconds and "tags" comma-separated. Older
// backups keep tags as folders under the tags root instead.
func (p *parser) firefox(name string, data []byte, lf *lineFinder) ([]Item, []RowError, error) {
	type node struct {
		Title     string          `json:"title"`
		Type      string          `json:"type"`
		Root      string          `json:"root"`
		URI       string          `json:"uri"`
		DateAdded when            `json:"dateAdded"`
		Tags      string          `json:"tags"`
		Children  json.RawMessage `json:"children"`
		Annos     []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"annos"`
	}
	var (
		items  []Item
		rows   []RowError
		tagsOf = map[string][]string{} // from the tags root of older backups
	)
	var walk func(raw json.RawMessage, folders []string, inTags bool, depth int) error
	walk = func(raw json.RawMessage, folders []string, inTags bool, depth int) error {
		if depth > maxNesting {
			rows = append(rows, RowError{File: name, Line: max(lf.line, 1), Err: errTooDeep})
			return nil
		}
		var n node
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil // a node of some other shape: nothing to import
		}
		switch {
		case n.Type == "text/x-moz-place-container":
			sub := folders
			switch {
			case n.Root == "tagsFolder":
				inTags = true
			case n.Root != "":
				// Firefox's own folders (menu, toolbar, other, mobile).
			default:
				sub = append(folders[:len(folders):len(folders)], n.Title)
			}
			var kids []json.RawMessage
			json.Unmarshal(n.Children, &kids)
			for _, k := range kids {
				if err := walk(k, sub, inTags, depth+1); err != nil {
					return err
				}
			}
		case n.Type == "text/x-moz-place" && n.URI != "":
			if inTags {
				if len(folders) > 0 {
					tagsOf[n.URI] = append(tagsOf[n.URI], folders[len(folders)-1])
				}
				return nil
			}
			if err := p.b.row(); err != nil {
				return err
			}
			line := lf.find(n.URI)
			link, err := checkLink(n.URI)
			if err != nil {
				rows = append(rows, RowError{File: name, Line: line, Err: err})
				return nil
			}
			it := Item{URL: link, Title: strings.TrimSpace(n.Title), Saved: parseTime(string(n.DateAdded)),
				Tags: append(folderTags(folders), splitTags(n.Tags, ",")...), File: name, Line: line}
			for _, a := range n.Annos {
				var v string
				if a.Name == "bookmarkProperties/description" && json.Unmarshal(a.Value, &v) == nil && strings.TrimSpace(v) != "" {
					it.Notes = append(it.Notes, Note{From: "Firefox bookmarks (description)", Text: strings.TrimSpace(v)})
				}
			}
			items = append(items, it)
		}
		return nil
	}
	if err := walk(data, nil, false, 0); err != nil {
		return nil, nil, err
	}
	for i := range items {
		items[i].Tags = append(items[i].Tags, tagsOf[items[i].URL]...)
	}
	return items, rows, nil
}

// webkitEpoch converts Chrome's times: microseconds since 1601.
func webkitTime(s string) string {
	var us int64
	if _, err := fmt.Sscan(s, &us); err != nil || us <= 0 {
		return ""
	}
	return fmt.Sprint(us - 11644473600*1_000_000)
}

// chrome reads a Chrome, Edge, Brave or Vivaldi "Bookmarks" file: roots
// (bookmark_bar, other, synced), which are not tags, holding folders and
// url nodes with date_added in microseconds since 1601.
func (p *parser) chrome(name string, roots json.RawMessage, lf *lineFinder) ([]Item, []RowError, error) {
	type node struct {
		Type      string          `json:"type"`
		Name      string          `json:"name"`
		URL       string          `json:"url"`
		DateAdded string          `json:"date_added"`
		Children  json.RawMessage `json:"children"`
	}
	var (
		items []Item
		rows  []RowError
	)
	var walk func(raw json.RawMessage, folders []string, depth int) error
	walk = func(raw json.RawMessage, folders []string, depth int) error {
		if depth > maxNesting {
			rows = append(rows, RowError{File: name, Line: max(lf.line, 1), Err: errTooDeep})
			return nil
		}
		var n node
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil
		}
		switch n.Type {
		case "folder":
			var kids []json.RawMessage
			json.Unmarshal(n.Children, &kids)
			sub := append(folders[:len(folders):len(folders)], n.Name)
			for _, k := range kids {
				if err := walk(k, sub, depth+1); err != nil {
					return err
				}
			}
		case "url":
			if err := p.b.row(); err != nil {
				return err
			}
			line := lf.find(n.URL)
			link, err := checkLink(n.URL)
			if err != nil {
				rows = append(rows, RowError{File: name, Line: line, Err: err})
				return nil
			}
			items = append(items, Item{URL: link, Title: strings.TrimSpace(n.Name), Tags: folderTags(folders),
				Saved: parseTime(webkitTime(n.DateAdded)), File: name, Line: line})
		}
		return nil
	}
	var rs map[string]json.RawMessage
	if err := json.Unmarshal(roots, &rs); err != nil {
		return nil, nil, damagedf("the bookmarks file's roots cannot be read: %v", err)
	}
	// The roots in the order Chrome shows them; any others after.
	order := []string{"bookmark_bar", "other", "synced"}
	for k := range rs {
		if k != "bookmark_bar" && k != "other" && k != "synced" {
			order = append(order, k)
		}
	}
	sort.Strings(order[3:])
	for _, k := range order {
		var root node
		if json.Unmarshal(rs[k], &root) != nil {
			continue
		}
		var kids []json.RawMessage
		json.Unmarshal(root.Children, &kids)
		for _, kid := range kids {
			if err := walk(kid, nil, 1); err != nil {
				return nil, nil, err
			}
		}
	}
	return items, rows, nil
}

// linkwarden reads Linkwarden's backup (Settings › Data › Export): the
// account with its collections, each holding links with tags; pinned
// links are the favourites. Collections are folders, nested by parentId;
// "Unorganized", Linkwarden's default, is not a tag.
func (p *parser) linkwarden(name string, top map[string]json.RawMessage, lf *lineFinder) ([]Item, []RowError, error) {
	type link struct {
		Name        string `json:"name"`
		URL         string `json:"url"`
		Description string `json:"description"`
		CreatedAt   when   `json:"createdAt"`
		ImportDate  when   `json:"importDate"`
		Tags        labels `json:"tags"`
	}
	type collection struct {
		ID       json.RawMessage `json:"id"`
		Name     string          `json:"name"`
		ParentID json.RawMessage `json:"parentId"`
		Links    []link          `json:"links"`
	}
	var cols []collection
	if err := json.Unmarshal(top["collections"], &cols); err != nil {
		return nil, nil, damagedf("the Linkwarden collections cannot be read: %v", err)
	}
	var pinned []struct {
		URL string `json:"url"`
	}
	json.Unmarshal(top["pinnedLinks"], &pinned)
	pins := map[string]bool{}
	for _, pl := range pinned {
		pins[strings.TrimSpace(pl.URL)] = true
	}
	byID := map[string]*collection{}
	for i := range cols {
		byID[string(cols[i].ID)] = &cols[i]
	}
	pathOf := func(c *collection) []string {
		var names []string
		for seen := 0; c != nil && seen <= maxFolderDepth; seen++ {
			if !strings.EqualFold(c.Name, "Unorganized") {
				names = append([]string{c.Name}, names...)
			}
			c = byID[string(c.ParentID)]
		}
		return names
	}
	var (
		items []Item
		rows  []RowError
	)
	for i := range cols {
		folders := pathOf(&cols[i])
		for _, l := range cols[i].Links {
			if err := p.b.row(); err != nil {
				return nil, nil, err
			}
			line := lf.find(l.URL)
			u, err := checkLink(l.URL)
			if err != nil {
				rows = append(rows, RowError{File: name, Line: line, Err: err})
				continue
			}
			saved := earliestOf(parseTime(string(l.ImportDate)), parseTime(string(l.CreatedAt)))
			it := Item{URL: u, Title: strings.TrimSpace(l.Name), Tags: append(folderTags(folders), l.Tags...),
				Saved: saved, Favorite: pins[strings.TrimSpace(l.URL)], File: name, Line: line}
			if d := strings.TrimSpace(l.Description); d != "" {
				it.Notes = append(it.Notes, Note{From: "Linkwarden (description)", Text: d})
			}
			items = append(items, it)
		}
	}
	return items, rows, nil
}

// karakeep reads Karakeep's (formerly Hoarder's) export: bookmarks with
// createdAt in seconds, title, tags, content (a link or a text note),
// note, archived, and the ids of the lists they are in, which become tags
// as folders do.
func (p *parser) karakeep(name string, top map[string]json.RawMessage, lf *lineFinder) ([]Item, []RowError, error) {
	type bookmark struct {
		CreatedAt when     `json:"createdAt"`
		Title     *string  `json:"title"`
		Tags      labels   `json:"tags"`
		Lists     []string `json:"lists"`
		Content   *struct {
			Type string `json:"type"`
			URL  string `json:"url"`
			Text string `json:"text"`
		} `json:"content"`
		Note       *string `json:"note"`
		Archived   flag    `json:"archived"`
		Favourited flag    `json:"favourited"`
	}
	type list struct {
		ID       string  `json:"id"`
		Name     string  `json:"name"`
		Type     string  `json:"type"`
		ParentID *string `json:"parentId"`
	}
	// The bookmarks' own lines, from where the list is in the file.
	start := 0
	if i := bytes.Index(lf.data, top["bookmarks"]); i >= 0 {
		start = lineAt(lf.data, i) - 1
	}
	bms, lines, _, err := p.jsonEntries(top["bookmarks"])
	if err != nil {
		return nil, nil, err
	}
	var lists []list
	json.Unmarshal(top["lists"], &lists)
	byID := map[string]list{}
	for _, l := range lists {
		byID[l.ID] = l
	}
	pathOf := func(id string) []string {
		var names []string
		for seen := 0; seen <= maxFolderDepth; seen++ {
			l, ok := byID[id]
			if !ok || l.Type == "smart" {
				break
			}
			names = append([]string{l.Name}, names...)
			if l.ParentID == nil {
				break
			}
			id = *l.ParentID
		}
		return names
	}
	var (
		items []Item
		rows  []RowError
	)
	for i, raw := range bms {
		line := start + lines[i]
		var b bookmark
		if err := json.Unmarshal(raw, &b); err != nil {
			rows = append(rows, RowError{File: name, Line: line, Err: err})
			continue
		}
		if b.Content == nil || b.Content.Type != "link" {
			// A text note or an uploaded file: no link to keep.
			kind := "an entry"
			if b.Content != nil {
				kind = "a " + b.Content.Type + " entry"
			}
			rows = append(rows, RowError{File: name, Line: line, Err: fmt.Errorf("%w: %s with no web link", ErrNoLink, kind)})
			continue
		}
		u, err := checkLink(b.Content.URL)
		if err != nil {
			rows = append(rows, RowError{File: name, Line: line, Err: err})
			continue
		}
		it := Item{URL: u, Tags: b.Tags, Saved: parseTime(string(b.CreatedAt)), Archived: bool(b.Archived),
			Read: bool(b.Archived), Favorite: bool(b.Favourited), File: name, Line: line}
		if b.Title != nil {
			it.Title = strings.TrimSpace(*b.Title)
		}
		for _, id := range b.Lists {
			it.Tags = append(it.Tags, folderTags(pathOf(id))...)
		}
		if b.Note != nil && strings.TrimSpace(*b.Note) != "" {
			it.Notes = append(it.Notes, Note{From: "Karakeep (note)", Text: strings.TrimSpace(*b.Note)})
		}
		items = append(items, it)
	}
	return items, rows, nil
}

// omnivore reads Omnivore's export: metadata_*.json files listing the
// items, content/<slug>.html with each article and highlights/<slug>.md
// with its highlights beside them.
func (p *parser) omnivore(fsys fs.FS, metas []string) (*Export, error) {
	sort.Slice(metas, func(i, j int) bool { return naturalLess(metas[i], metas[j]) })
	e := &Export{Format: Omnivore}
	for _, m := range metas {
		data, err := p.entry(fsys, m)
		if err != nil {
			return nil, err
		}
		data, _ = textOf(data)
		entries, lines, _, err := p.jsonEntries(data)
		if err != nil {
			e.Broken = append(e.Broken, RowError{File: m, Line: 1, Err: err})
			continue
		}
		dir := path.Dir(m)
		read := func(sub, slug, ext string) string {
			if slug == "" || strings.ContainsAny(slug, `/\`) || strings.HasPrefix(slug, ".") {
				return ""
			}
			data, err := p.entry(fsys, path.Join(dir, sub, slug+ext))
			if err != nil {
				return ""
			}
			return string(data)
		}
		its, rs := omnivoreEntries(m, entries, lines, read)
		e.Items = append(e.Items, its...)
		e.Broken = append(e.Broken, rs...)
	}
	return e, nil
}

// omnivoreEntries reads one metadata file's entries, taking each article's
// content and highlights through read when there is one.
func omnivoreEntries(name string, entries []json.RawMessage, lines []int, read func(dir, slug, ext string) string) ([]Item, []RowError) {
	type entry struct {
		Slug            string   `json:"slug"`
		Title           string   `json:"title"`
		Author          string   `json:"author"`
		URL             string   `json:"url"`
		State           string   `json:"state"`
		ReadingProgress *float64 `json:"readingProgress"`
		Labels          labels   `json:"labels"`
		SavedAt         when     `json:"savedAt"`
		PublishedAt     when     `json:"publishedAt"`
	}
	return each(name, entries, lines, func(e *entry, _ int) (Item, error) {
		if strings.EqualFold(e.State, "deleted") {
			return Item{}, errSkip // in Omnivore's trash: the person threw it away
		}
		link, err := checkLink(e.URL)
		if err != nil {
			return Item{}, err
		}
		archived := strings.EqualFold(e.State, "archived")
		it := Item{
			URL: link, Title: strings.TrimSpace(e.Title), Tags: e.Labels,
			Saved: parseTime(string(e.SavedAt)), Archived: archived,
			Read:   archived || (e.ReadingProgress != nil && *e.ReadingProgress >= 100),
			Byline: e.Author, Published: parseTime(string(e.PublishedAt)),
		}
		if read != nil {
			it.HTML = read("content", e.Slug, ".html")
			if it.HTML == "" {
				// A PDF item: Omnivore kept the document itself.
				if doc := read("content", e.Slug, ".pdf"); reader.IsPDF([]byte(doc)) {
					it.PDF = []byte(doc)
				}
			}
			if md := strings.TrimSpace(read("highlights", e.Slug, ".md")); md != "" {
				it.Highlights = omnivoreHighlights(md)
				for i := range it.Highlights {
					it.Highlights[i].From = "Omnivore (highlights)"
				}
				it.Notes = append(it.Notes, Note{From: "Omnivore (highlights)", Text: md, ofHighlights: true})
			}
		}
		return it, nil
	})
}

// naturalLess orders metadata_0_to_49.json before metadata_50_to_99.json
// before metadata_100_to_149.json: by length first, as the numbers are not
// zero-padded.
func naturalLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
