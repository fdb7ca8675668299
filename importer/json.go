package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// jsonEntries splits a JSON array into its elements with the line each
// starts on. ok is false when data is not an array of objects.
func jsonEntries(data []byte) (entries []json.RawMessage, lines []int, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, nil, false
	}
	for dec.More() {
		off := int(dec.InputOffset())
		// The offset is just after the previous token: skip the comma and
		// blanks to the element's own line.
		for off < len(data) && strings.IndexByte(", \t\r\n", data[off]) >= 0 {
			off++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, false
		}
		if len(raw) == 0 || raw[0] != '{' {
			return nil, nil, false
		}
		entries = append(entries, raw)
		lines = append(lines, lineAt(data, off))
	}
	return entries, lines, true
}

// parseJSON reads a Wallabag export, or one Omnivore metadata file on its
// own (its content files absent: the links are fetched instead). The first
// entry's keys tell them apart.
func parseJSON(name string, data []byte) (Format, []Item, []RowError, bool) {
	entries, lines, ok := jsonEntries(data)
	if !ok {
		return "", nil, nil, false
	}
	if len(entries) == 0 {
		if strings.HasPrefix(path.Base(name), "metadata_") {
			return Omnivore, nil, nil, true
		}
		return "", nil, nil, false // an empty array says nothing about its origin
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(entries[0], &keys) != nil {
		return "", nil, nil, false
	}
	has := func(ks ...string) bool {
		for _, k := range ks {
			if _, ok := keys[k]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("is_archived", "is_starred", "domain_name", "reading_time") && has("url"):
		items, rows := parseWallabag(name, entries, lines)
		return Wallabag, items, rows, true
	case has("savedAt", "slug", "readingProgress") && has("url"):
		items, rows := omnivoreEntries(name, entries, lines, nil, "")
		return Omnivore, items, rows, true
	}
	return "", nil, nil, false
}

// flag reads Wallabag's flags, written as 0/1 by some versions and as
// booleans by others.
type flag bool

func (f *flag) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	*f = flag(truthy(s))
	return nil
}

// labels reads a tag list written as strings or as objects with a label
// or name (Wallabag's API form, Omnivore's GraphQL form).
type labels []string

func (l *labels) UnmarshalJSON(b []byte) error {
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return nil // null or something odd: no tags rather than no article
	}
	for _, r := range raws {
		var s string
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

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// parseWallabag reads Wallabag's JSON export. Its content is the article
// Wallabag extracted, kept so the page need not be fetched again.
func parseWallabag(name string, entries []json.RawMessage, lines []int) ([]Item, []RowError) {
	var (
		items []Item
		rows  []RowError
	)
	for i, raw := range entries {
		var e struct {
			URL         string `json:"url"`
			Title       string `json:"title"`
			Content     string `json:"content"`
			IsArchived  flag   `json:"is_archived"`
			IsStarred   flag   `json:"is_starred"`
			Tags        labels `json:"tags"`
			CreatedAt   string `json:"created_at"`
			PublishedAt string `json:"published_at"`
			PublishedBy names  `json:"published_by"`
			Language    string `json:"language"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			rows = append(rows, RowError{File: name, Line: lines[i], Err: err})
			continue
		}
		link, err := checkLink(e.URL)
		if err != nil {
			rows = append(rows, RowError{File: name, Line: lines[i], Err: err})
			continue
		}
		items = append(items, Item{
			URL: link, Title: strings.TrimSpace(e.Title), Tags: cleanTags(e.Tags),
			Saved: parseTime(e.CreatedAt), Read: bool(e.IsArchived), Archived: bool(e.IsArchived),
			Favorite: bool(e.IsStarred), HTML: e.Content, Byline: strings.Join(e.PublishedBy, ", "),
			Lang: e.Language, Published: parseTime(e.PublishedAt), File: name, Line: lines[i],
		})
	}
	return items, rows
}

// parseOmnivore reads Omnivore's export: metadata_*.json files listing the
// items, and content/<slug>.html beside them with each article.
func parseOmnivore(name string, fsys fs.FS, metas []string) (Format, []Item, []RowError, error) {
	sort.Slice(metas, func(i, j int) bool { return naturalLess(metas[i], metas[j]) })
	var (
		items []Item
		rows  []RowError
	)
	for _, m := range metas {
		data, err := readEntry(fsys, m)
		if err != nil {
			return "", nil, nil, fmt.Errorf("import %s: %w", name, err)
		}
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		entries, lines, ok := jsonEntries(data)
		if !ok {
			rows = append(rows, RowError{File: m, Line: 1, Err: fmt.Errorf("%w: not a list of Omnivore items", ErrUnrecognised)})
			continue
		}
		its, rs := omnivoreEntries(m, entries, lines, fsys, path.Join(path.Dir(m), "content"))
		items = append(items, its...)
		rows = append(rows, rs...)
	}
	return Omnivore, items, rows, nil
}

// omnivoreEntries reads one metadata file's entries, taking each article's
// content from contentDir in fsys when there is one.
func omnivoreEntries(name string, entries []json.RawMessage, lines []int, fsys fs.FS, contentDir string) ([]Item, []RowError) {
	var (
		items []Item
		rows  []RowError
	)
	for i, raw := range entries {
		var e struct {
			Slug            string   `json:"slug"`
			Title           string   `json:"title"`
			Author          string   `json:"author"`
			URL             string   `json:"url"`
			State           string   `json:"state"`
			ReadingProgress *float64 `json:"readingProgress"`
			Labels          labels   `json:"labels"`
			SavedAt         string   `json:"savedAt"`
			PublishedAt     string   `json:"publishedAt"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			rows = append(rows, RowError{File: name, Line: lines[i], Err: err})
			continue
		}
		if strings.EqualFold(e.State, "deleted") {
			continue // in Omnivore's trash: the person threw it away
		}
		link, err := checkLink(e.URL)
		if err != nil {
			rows = append(rows, RowError{File: name, Line: lines[i], Err: err})
			continue
		}
		archived := strings.EqualFold(e.State, "archived")
		it := Item{
			URL: link, Title: strings.TrimSpace(e.Title), Tags: cleanTags(e.Labels),
			Saved: parseTime(e.SavedAt), Archived: archived,
			Read:   archived || (e.ReadingProgress != nil && *e.ReadingProgress >= 100),
			Byline: e.Author, Published: parseTime(e.PublishedAt), File: name, Line: lines[i],
		}
		if fsys != nil && e.Slug != "" && !strings.ContainsAny(e.Slug, `/\`) {
			if html, err := readEntry(fsys, path.Join(contentDir, e.Slug+".html")); err == nil {
				it.HTML = string(html)
			}
		}
		items = append(items, it)
	}
	return items, rows
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
