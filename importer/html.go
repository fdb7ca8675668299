package importer

import (
	"bytes"
	"fmt"
	"regexp"
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
	tt   html.TokenType
	// name and attrs of the current tag, read once (the tokenizer hands
	// them out only once)
	read     bool
	name     string
	attrs    map[string]string
	pushBack bool // Next returns the current tag again
}

func newTokens(data []byte) *tokens {
	return &tokens{z: html.NewTokenizer(bytes.NewReader(data)), next: 1}
}

// Next moves to the next token; ErrorToken at the end.
func (t *tokens) Next() html.TokenType {
	if t.pushBack {
		t.pushBack = false
		return t.tt
	}
	t.tt = t.z.Next()
	t.read = false
	t.line = t.next
	t.next += bytes.Count(t.z.Raw(), []byte("\n"))
	return t.tt
}

// tag returns the current tag's lower-cased name and attributes.
func (t *tokens) tag() (string, map[string]string) {
	if t.read {
		return t.name, t.attrs
	}
	t.read = true
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
	t.name, t.attrs = string(name), attrs
	return t.name, t.attrs
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
			if b.Len() < maxField {
				b.Write(t.z.Text())
			}
		case html.EndTagToken:
			if name, _ := t.tag(); name == end {
				return strings.Join(strings.Fields(b.String()), " ")
			}
		case html.StartTagToken:
			switch name, _ := t.tag(); name {
			case "a", "dt", "dd", "dl", "h1", "h3", "li", "ul":
				// Unclosed: stop here, and let the caller read the tag.
				t.pushBack = true
				return strings.Join(strings.Fields(b.String()), " ")
			}
		}
	}
}

// html reads an HTML export: a Netscape bookmark file (every browser,
// linkding, Pinboard, Raindrop, Google Bookmarks), Pocket's older export or
// Instapaper's HTML export, each known by its doctype or title.
func (p *parser) html(name string, data []byte) (*Export, error) {
	head := bytes.ToLower(data[:min(len(data), 4096)])
	e := &Export{}
	var err error
	switch {
	case bytes.Contains(head, []byte("netscape-bookmark-file")):
		e.Format = Netscape
		e.Items, e.Broken, err = p.netscape(name, data)
	case bytes.Contains(head, []byte("<title>pocket export")) || bytes.Contains(head, []byte("time_added=")):
		e.Format = PocketHTML
		e.Items, e.Broken, err = p.pocketHTML(name, data)
	case bytes.Contains(head, []byte("<title>instapaper: export")):
		e.Format = InstapaperHTML
		e.Items, e.Broken, err = p.instapaperHTML(name, data)
	case bytes.Contains(head, []byte("<dt")) && bytes.Contains(head, []byte("<dl")):
		e.Format = Netscape
		e.Items, e.Broken, err = p.netscape(name, data)
	default:
		return nil, unrecognised(name, describeMarkup(data))
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

var (
	xmlRoot   = regexp.MustCompile(`<([A-Za-z][\w:.-]*)[\s>/]`)
	htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
)

// describeMarkup says what an HTML or XML file that is no export is.
func describeMarkup(data []byte) string {
	head := data[:min(len(data), 64<<10)]
	lower := bytes.ToLower(head)
	if bytes.HasPrefix(bytes.TrimSpace(lower), []byte("<?xml")) || !bytes.Contains(lower, []byte("<html")) {
		rest := head
		for {
			m := xmlRoot.FindSubmatchIndex(rest)
			if m == nil {
				return "an XML or HTML document"
			}
			tag := string(rest[m[2]:m[3]])
			if !strings.HasPrefix(tag, "?") && !strings.EqualFold(tag, "xml") {
				if strings.EqualFold(tag, "html") {
					break
				}
				return fmt.Sprintf("an XML document (<%s>)", tag)
			}
			rest = rest[m[1]:]
		}
	}
	if m := htmlTitle.FindSubmatch(head); m != nil {
		if t := strings.Join(strings.Fields(html.UnescapeString(string(m[1]))), " "); t != "" {
			if len(t) > 60 {
				t = t[:60] + "…"
			}
			return fmt.Sprintf("a web page titled %q", strings.ToValidUTF8(t, ""))
		}
	}
	return "a web page"
}

// pocketHTML reads Pocket's older export: an <h1>Unread</h1> and an
// <h1>Read Archive</h1>, each followed by a list of
// <a href time_added tags="a,b">title</a>.
func (p *parser) pocketHTML(name string, data []byte) ([]Item, []RowError, error) {
	var (
		items    []Item
		rows     []RowError
		archived bool
	)
	t := newTokens(data)
	for {
		tt := t.Next()
		if tt == html.ErrorToken {
			return items, rows, nil
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
			if err := p.b.row(); err != nil {
				return nil, nil, err
			}
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

// instapaperHTML reads Instapaper's HTML export: an <h1> per folder (Unread,
// Starred, Archive, or one of the person's), each followed by a list of
// links. It carries no dates.
func (p *parser) instapaperHTML(name string, data []byte) ([]Item, []RowError, error) {
	var (
		items  []Item
		rows   []RowError
		folder string
	)
	t := newTokens(data)
	for {
		tt := t.Next()
		if tt == html.ErrorToken {
			return items, rows, nil
		}
		if tt != html.StartTagToken {
			continue
		}
		line := t.line
		switch tag, attrs := t.tag(); tag {
		case "h1":
			folder = t.textUntil("h1")
		case "a":
			if err := p.b.row(); err != nil {
				return nil, nil, err
			}
			link, err := checkLink(attrs["href"])
			title := t.textUntil("a")
			if err != nil {
				rows = append(rows, RowError{File: name, Line: line, Err: err})
				continue
			}
			it := Item{URL: link, Title: title, File: name, Line: line}
			instapaperFolder(&it, folder)
			items = append(items, it)
		}
	}
}

// rootFolders are the folders browsers and bookmark services put every
// bookmark under, in the languages they ship in. As tags they would say
// nothing ("Bookmarks bar" on half the library), so a top-level folder of
// one of these names is not made a tag; folders inside them are. Firefox,
// Chrome and Safari also mark their roots with attributes, which are
// checked first.
var rootFolders = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{
		// English: Chrome, Edge, Brave, Vivaldi, Opera, Firefox, Safari, Google, Raindrop
		"bookmarks bar", "bookmarks toolbar", "bookmarks menu", "bookmarks", "other bookmarks",
		"mobile bookmarks", "favorites bar", "favourites bar", "other favorites", "other favourites",
		"favorites", "favourites", "unsorted bookmarks", "unfiled bookmarks", "menu", "toolbar",
		"unfiled", "unsorted", "unlabeled", "unlabelled", "reading list", "speed dial", "bookmarks menu folder",
		// French
		"barre de favoris", "autres favoris", "favoris sur mobile", "favoris", "barre personnelle",
		"menu des marque-pages", "autres marque-pages", "marque-pages", "marque-pages mobiles",
		"barre des marque-pages", "liste de lecture", "menu des signets", "signets",
		// German
		"lesezeichenleiste", "weitere lesezeichen", "mobile lesezeichen", "lesezeichen-symbolleiste",
		"lesezeichen-menü", "lesezeichenmenü", "lesezeichen", "favoriten", "favoritenleiste",
		"andere favoriten", "leseliste",
		// Spanish and Portuguese
		"barra de marcadores", "otros marcadores", "marcadores del móvil", "marcadores móviles",
		"menú de marcadores", "marcadores", "barra de favoritos", "otros favoritos", "favoritos",
		"lista de lectura", "outros favoritos", "favoritos móveis", "marcadores de dispositivos móveis",
		"outros marcadores", "lista de leitura", "barra de ferramentas de marcadores",
		// Italian
		"barra dei preferiti", "altri preferiti", "preferiti su dispositivi mobili", "preferiti",
		"barra dei segnalibri", "menu segnalibri", "altri segnalibri", "segnalibri", "elenco di lettura",
		// Dutch
		"bladwijzerbalk", "andere bladwijzers", "mobiele bladwijzers", "bladwijzermenu",
		"bladwijzerwerkbalk", "bladwijzers", "favorietenbalk", "andere favorieten", "favorieten", "leeslijst",
		// Polish, Czech, Russian, Ukrainian
		"pasek zakładek", "inne zakładki", "zakładki na telefonie", "zakładki", "lista czytelnicza",
		"lišta záložek", "ostatní záložky", "záložky v mobilu", "záložky",
		"панель закладок", "другие закладки", "закладки на мобильном", "закладки", "меню закладок",
		"список для чтения", "панель закладок firefox",
		// Vietnamese
		"thanh dấu trang", "dấu trang khác", "dấu trang trên thiết bị di động", "dấu trang",
		"danh sách đọc", "thanh công cụ dấu trang", "menu dấu trang",
		// Japanese, Chinese, Korean
		"ブックマーク バー", "ブックマークバー", "その他のブックマーク", "モバイルのブックマーク",
		"ブックマーク", "お気に入り", "リーディングリスト", "ブックマークツールバー", "ブックマークメニュー",
		"书签栏", "其他书签", "移动设备书签", "书签", "收藏夹栏", "其他收藏夹", "收藏夹", "阅读列表",
		"書籤列", "其他書籤", "行動裝置書籤", "書籤", "我的最愛", "閱讀列表",
		"북마크바", "북마크 바", "기타 북마크", "모바일 북마크", "북마크", "즐겨찾기", "읽기 목록",
		// Turkish, Swedish, Danish, Norwegian, Finnish
		"yer işaretleri çubuğu", "diğer yer işaretleri", "yer işaretleri",
		"bokmärkesfältet", "andra bokmärken", "bokmärken", "bogmærkelinje", "andre bogmærker", "bogmærker",
		"bokmerkelinje", "andre bokmerker", "bokmerker", "kirjanmerkkipalkki", "muut kirjanmerkit", "kirjanmerkit",
	} {
		m[n] = true
	}
	return m
}()

// isRootFolder reports whether a top-level folder is a browser's own.
func isRootFolder(name string, attrs map[string]string) bool {
	if truthy(attrs["personal_toolbar_folder"]) || truthy(attrs["unfiled_bookmarks_folder"]) || attrs["id"] == safariReadingList {
		return true
	}
	return rootFolders[strings.ToLower(strings.Join(strings.Fields(name), " "))]
}

// safariReadingList marks the Reading List in Safari's bookmarks file,
// whatever its name in the person's language.
const safariReadingList = "com.apple.ReadingList"

// linkdingNotes is how linkding's export appends the person's notes to the
// description.
var linkdingNotes = regexp.MustCompile(`(?s)\[linkding-notes\](.*?)(?:\[/linkding-notes\]|$)`)

// isLinkdingArchived reports linkding's tag for an archived bookmark
// ("linkding:bookmarks.archived"; "linkding:archived" in older versions).
func isLinkdingArchived(tag string) bool {
	t := strings.ToLower(strings.TrimSpace(tag))
	return strings.HasPrefix(t, "linkding:") && strings.HasSuffix(t, "archived")
}

// netscape reads a Netscape bookmark file, the format every browser,
// linkding, Pinboard and Google Bookmarks export: nested <DL> folders
// under <H3> names, <A HREF ADD_DATE TAGS TOREAD>, each optionally
// followed by a <DD> description. Folder names become tags (but not the
// browsers' root folders, see rootFolders), ADD_DATE the saved time (in
// seconds, or microseconds in Google's), TAGS more tags, a description
// a note. Services that track reading write TOREAD="1" on unread links;
// in a file that uses it, links without it are read. In a browser's file
// (no TOREAD anywhere) everything stays unread: nothing says it was read.
// Safari's Reading List is unread, and its <DD> lines are Safari's own
// previews, not the person's words.
func (p *parser) netscape(name string, data []byte) ([]Item, []RowError, error) {
	type folder struct {
		name     string // "" for unnamed or skipped
		readList bool
	}
	var (
		items   []Item
		rows    []RowError
		folders []folder // one entry per open <DL>
		pending *folder  // the <H3> waiting for its <DL>
		toRead  []bool
		tracked bool
		last    = -1 // the item a <DD> describes
	)
	readLists := 0 // open folders that are Safari's Reading List
	inReadList := func() bool { return readLists > 0 }
	t := newTokens(data)
	for {
		tt := t.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt == html.EndTagToken {
			if name, _ := t.tag(); name == "dl" && len(folders) > 0 {
				if folders[len(folders)-1].readList {
					readLists--
				}
				folders = folders[:len(folders)-1]
				last = -1
			}
			continue
		}
		if tt != html.StartTagToken {
			continue
		}
		line := t.line
		switch tag, attrs := t.tag(); tag {
		case "h3":
			last = -1
			f := folder{name: t.textUntil("h3"), readList: attrs["id"] == safariReadingList}
			if len(folders) <= 1 && isRootFolder(f.name, attrs) {
				f.name = ""
			}
			pending = &f
		case "dl":
			f := folder{}
			if pending != nil {
				f = *pending
			}
			folders = append(folders, f)
			if f.readList {
				readLists++
			}
			pending = nil
		case "dd":
			text := t.blockUntil()
			if last < 0 || text == "" || inReadList() {
				continue
			}
			it := &items[last]
			desc, notes := text, ""
			if m := linkdingNotes.FindStringSubmatch(text); m != nil {
				desc = strings.TrimSpace(strings.Replace(text, m[0], "", 1))
				notes = strings.TrimSpace(m[1])
			}
			if desc != "" {
				it.Notes = append(it.Notes, Note{From: "bookmarks file (description)", Text: desc})
			}
			if notes != "" {
				it.Notes = append(it.Notes, Note{From: "linkding (notes)", Text: notes})
			}
			last = -1
		case "a":
			last = -1
			if err := p.b.row(); err != nil {
				return nil, nil, err
			}
			link, err := checkLink(attrs["href"])
			title := t.textUntil("a")
			if err != nil {
				// Browsers keep javascript: bookmarklets and place: queries
				// among bookmarks; they are not articles, but say so.
				rows = append(rows, RowError{File: name, Line: line, Err: err})
				continue
			}
			var path []string
			for _, f := range folders {
				if len(path) == maxFolderDepth {
					break
				}
				if f.name != "" {
					path = append(path, f.name)
				}
			}
			it := Item{URL: link, Title: title, Tags: folderTags(path), File: name, Line: line,
				Saved: parseTime(attrs["add_date"])}
			for _, tag := range splitTags(attrs["tags"], ",") {
				if isLinkdingArchived(tag) {
					it.Archived = true
					continue
				}
				it.Tags = append(it.Tags, tag)
			}
			tr, has := attrs["toread"]
			tracked = tracked || has
			toRead = append(toRead, truthy(tr) || inReadList())
			items = append(items, it)
			last = len(items) - 1
		}
	}
	if tracked {
		for i := range items {
			items[i].Read = !toRead[i]
		}
	}
	return items, rows, nil
}

// blockUntil collects the text of a <DD>, up to the next entry, keeping its
// line breaks (a note's paragraphs) but not the file's indentation.
func (t *tokens) blockUntil() string {
	var b strings.Builder
	done := func() string {
		var lines []string
		for _, l := range strings.Split(strings.ReplaceAll(b.String(), "\r", "\n"), "\n") {
			if l = strings.Join(strings.Fields(l), " "); l != "" {
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n")
	}
	for {
		switch t.Next() {
		case html.ErrorToken:
			return done()
		case html.TextToken:
			b.Write(t.z.Text())
			if b.Len() > maxField {
				return done()
			}
		case html.StartTagToken, html.EndTagToken:
			switch name, _ := t.tag(); name {
			case "dt", "dd", "dl", "h3", "a":
				t.pushBack = true
				return done()
			case "br", "p":
				b.WriteString("\n")
			}
		}
	}
}
