package importer

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// csvFormat tells Pocket's CSV from Instapaper's by the header's column
// names: Pocket's columns have changed between exports, so any header with
// a url column and one of Pocket's own wins.
func csvFormat(data []byte) (Format, bool) {
	cols := csvHeader(data)
	if _, ok := cols["url"]; !ok {
		return "", false
	}
	_, folder := cols["folder"]
	_, selection := cols["selection"]
	if folder || selection {
		return Instapaper, true
	}
	for _, c := range []string{"time_added", "status", "tags", "title"} {
		if _, ok := cols[c]; ok {
			return PocketCSV, true
		}
	}
	return "", false
}

// csvHeader maps the first line's column names, lower-cased, to their index.
func csvHeader(data []byte) map[string]int {
	r := newCSV(data)
	head, err := r.Read()
	if err != nil {
		return nil
	}
	cols := make(map[string]int, len(head))
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := cols[h]; !dup {
			cols[h] = i
		}
	}
	return cols
}

func newCSV(data []byte) *csv.Reader {
	r := csv.NewReader(bytes.NewReader(data))
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	return r
}

// parseCSV reads a Pocket or Instapaper CSV, mapping columns by name.
func parseCSV(name string, f Format, data []byte) ([]Item, []RowError) {
	cols := csvHeader(data)
	r := newCSV(data)
	if _, err := r.Read(); err != nil { // the header, already mapped
		return nil, nil
	}
	var (
		items []Item
		rows  []RowError
	)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.Line
			}
			rows = append(rows, RowError{File: name, Line: line, Err: err})
			if line == 0 {
				break // not a row problem: give up on the file
			}
			continue
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		get := func(col string) string {
			if i, ok := cols[col]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		link, err := checkLink(get("url"))
		if err != nil {
			rows = append(rows, RowError{File: name, Line: line, Err: err})
			continue
		}
		it := Item{URL: link, Title: get("title"), File: name, Line: line}
		if f == Instapaper {
			instapaperRow(&it, get)
		} else {
			pocketRow(&it, get)
		}
		items = append(items, it)
	}
	return items, rows
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
// is a JSON array string.
func instapaperRow(it *Item, get func(string) string) {
	it.Saved = parseTime(get("timestamp"))
	it.Tags = jsonTags(get("tags"))
	switch folder := get("folder"); strings.ToLower(folder) {
	case "", "unread":
	case "archive":
		it.Read, it.Archived = true, true
	case "starred":
		it.Favorite = true
	default:
		it.Tags = append(it.Tags, folder)
	}
}

// jsonTags reads Instapaper's ["a","b"]; anything that is not valid JSON
// is read as a comma-separated list rather than lost.
func jsonTags(s string) []string {
	if s == "" || s == "[]" {
		return nil
	}
	var tags []string
	if err := json.Unmarshal([]byte(s), &tags); err == nil {
		return splitTags(strings.Join(tags, "\x00"), "\x00")
	}
	s = strings.Trim(s, "[]")
	var out []string
	for _, t := range splitTags(s, ",") {
		if t = strings.Trim(t, `"' `); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "yes":
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
