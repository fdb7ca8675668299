package importer

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// tokens walks an HTML export token by token, keeping the line each token
// starts on. A tokenizer rather than a parsed tree, because bookmark files
// are not well-formed (<DT> and <p> are never closed) and the HTML parser
// would move their nesting around.
type tokens struct {
	z    *html.Tokenizer
	line int // line of the current token
	next int // line after it
}

func newTokens(data []byte) *tokens {
	return &tokens{z: html.NewTokenizer(bytes.NewReader(data)), next: 1}
}

// Next moves to the next token; ErrorToken at the end.
func (t *tokens) Next() html.TokenType {
	tt := t.z.Next()
	t.line = t.next
	t.next += bytes.Count(t.z.Raw(), []byte("\n"))
	return tt
}

// tag returns the current tag's lower-cased name and attributes.
func (t *tokens) tag() (string, map[string]string) {
	name, more := t.z.TagName()
	attrs := map[string]string{}
	for more {
		var k, v []byte
		k, v, more = t.z.TagAttr()
		key := string(k)
		if _, seen := attrs[key]; !seen {
			attrs[key] = string(v)
		}
	}
	return string(name), attrs
}

// textUntil collects the text up to the end tag end (or the next tag that
// starts a new entry, for files that never close it).
func (t *tokens) textUntil(end string) string {
	var b strings.Builder
	for {
		switch t.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(t.z.Text())
		case html.EndTagToken:
			if name, _ := t.z.TagName(); string(name) == end {
				return strings.Join(strings.Fields(b.String()), " ")
			}
		case html.StartTagToken:
			switch name, _ := t.z.TagName(); string(name) {
			case "a", "dt", "dd", "dl", "h1", "h3", "li", "ul":
				// Unclosed: stop here. The tag is lost, which costs at most
				// the entry it starts in a file this broken.
				return strings.Join(strings.Fields(b.String()), " ")
			}
		}
	}
}

// parsePocketHTML reads Pocket's older export: an <h1>Unread</h1> and an
// <h1>Read Archive</h1>, each followed by a list of
// <a href time_added tags="a,b">title</a>.
func parsePocketHTML(name string, data []byte) ([]Item, []RowError) {
	var (
		items    []Item
		rows     []RowError
		archived bool
	)
	t := newTokens(data)
	for {
		tt := t.Next()
		if tt == html.ErrorToken {
			return items, rows
		}
		if tt != html.StartTagToken {
			continue
		}
		line := t.line
		switch tag, attrs := t.tag(); tag {
		case "h1":
			h := strings.ToLower(t.textUntil("h1"))
			archived = strings.Contains(h, "archive") || strings.Contains(h, "read")
			if strings.Contains(h, "unread") {
				archived = false
			}
		case "a":
			link, err := checkLink(attrs["href"])
			title := t.textUntil("a")
			if err != nil {
				rows = append(rows, RowError{File: name, Line: line, Err: err})
				continue
			}
			items = append(items, Item{
				URL: link, Title: title, File: name, Line: line,
				Saved: parseTime(attrs["time_added"]), Tags: splitTags(attrs["tags"], ","),
				Read: archived, Archived: archived,
			})
		}
	}
}

// toolbarFolders are the root folders browsers put every bookmark under.
// As tags they would say nothing ("Bookmarks bar" on half the library), so
// a top-level folder of one of these names is not made a tag; folders
// inside them are. Firefox also marks its roots with attributes.
var toolbarFolders = map[string]bool{
	"bookmarks bar": true, "bookmarks toolbar": true, "bookmarks menu": true, "bookmarks": true,
	"other bookmarks": true, "mobile bookmarks": true, "favorites bar": true, "favourites bar": true,
	"other favorites": true, "other favourites": true, "favorites": true, "unsorted bookmarks": true,
	"menu": true, "toolbar": true, "unfiled": true,
}

// parseNetscape reads a Netscape bookmark file, the format every browser,
// linkding and Pinboard export: nested <DL> folders under <H3> names,
// <A HREF ADD_DATE TAGS TOREAD>. Folder names become tags (see
// toolbarFolders), ADD_DATE the saved time, TAGS more tags. Services that
// track reading write TOREAD="1" on unread links; in a file that uses it,
// links without it are read. In a browser's file (no TOREAD anywhere)
// everything stays unread: nothing says it was read.
func parseNetscape(name string, data []byte) ([]Item, []RowError) {
	var (
		items   []Item
		rows    []RowError
		folders []string // one entry per open <DL>; "" for unnamed or skipped
		pending *string  // the <H3> name waiting for its <DL>
		toRead  []bool
		tracked bool
	)
	t := newTokens(data)
	for {
		tt := t.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt == html.EndTagToken {
			if name, _ := t.z.TagName(); string(name) == "dl" && len(folders) > 0 {
				folders = folders[:len(folders)-1]
			}
			continue
		}
		if tt != html.StartTagToken {
			continue
		}
		line := t.line
		switch tag, attrs := t.tag(); tag {
		case "h3":
			folder := t.textUntil("h3")
			top := len(folders) <= 1
			if top && (truthy(attrs["personal_toolbar_folder"]) || truthy(attrs["unfiled_bookmarks_folder"]) ||
				toolbarFolders[strings.ToLower(folder)]) {
				folder = ""
			}
			pending = &folder
		case "dl":
			folder := ""
			if pending != nil {
				folder = *pending
			}
			folders = append(folders, folder)
			pending = nil
		case "a":
			link, err := checkLink(attrs["href"])
			title := t.textUntil("a")
			if err != nil {
				// Browsers keep javascript: bookmarklets and place: queries
				// among bookmarks; they are not articles, but say so.
				rows = append(rows, RowError{File: name, Line: line, Err: err})
				continue
			}
			var tags []string
			for _, f := range folders {
				if f != "" {
					tags = append(tags, f)
				}
			}
			tags = append(tags, splitTags(attrs["tags"], ",")...)
			tr, has := attrs["toread"]
			tracked = tracked || has
			toRead = append(toRead, truthy(tr))
			items = append(items, Item{
				URL: link, Title: title, Tags: tags, File: name, Line: line,
				Saved: parseTime(attrs["add_date"]),
			})
		}
	}
	if tracked {
		for i := range items {
			items[i].Read = !toRead[i]
		}
	}
	return items, rows
}
