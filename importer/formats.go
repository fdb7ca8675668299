package importer

// FormatInfo describes an export Folio reads, for a window or a help text
// to list: the service, and which of its exports to use.
type FormatInfo struct {
	Format  Format
	Service string // "Raindrop.io"
	File    string // what the file is: "CSV backup"
	// Export says where the service makes it.
	Export string
}

// formats is the list Formats returns, in the order a person looks for a
// service: read-it-later services, bookmark services, browsers, lists.
var formats = []FormatInfo{
	{PocketCSV, "Pocket", "CSV export (ZIP or folder of part_*.csv)", "getpocket.com/export, or the export Mozilla emailed"},
	{PocketHTML, "Pocket", "HTML export (older)", "getpocket.com/export before 2024"},
	{Instapaper, "Instapaper", "CSV export", "Settings › Export › Download .CSV file"},
	{InstapaperHTML, "Instapaper", "HTML export", "Settings › Export › Download .HTML file"},
	{Omnivore, "Omnivore", "export ZIP (metadata, content and highlights)", "Settings › Export, the ZIP Omnivore emailed"},
	{Wallabag, "Wallabag", "JSON export", "Unread, Archive or All entries › Export › JSON"},
	{WallabagCSV, "Wallabag", "CSV export", "Unread, Archive or All entries › Export › CSV"},
	{WallabagV1, "Wallabag 1", "JSON export", "Configuration › Export your wallabag data"},
	{Raindrop, "Raindrop.io", "CSV backup", "Settings › Backups › Create new backup › CSV"},
	{Readwise, "Readwise Reader", "CSV export", "Settings › Export › Export library (CSV)"},
	{Matter, "Matter", "CSV export", "Settings › Export › Export to CSV"},
	{Karakeep, "Karakeep (Hoarder)", "JSON export", "User settings › Import / Export › Export links and notes (JSON)"},
	{Linkwarden, "Linkwarden", "JSON export", "Settings › Data › Export Data"},
	{GoodLinks, "GoodLinks", "JSON export", "Settings › Export (JSON)"},
	{Pinboard, "Pinboard", "JSON export", "Settings › Backup › JSON"},
	{Netscape, "Browsers, linkding, Pinboard, Raindrop.io", "bookmarks HTML file", "Bookmarks › Export bookmarks (bookmarks.html)"},
	{FirefoxJSON, "Firefox", "bookmark backup (.json or .jsonlz4)", "Bookmarks › Manage bookmarks › Import and Backup › Backup"},
	{ChromeJSON, "Chrome, Edge, Brave, Vivaldi", "Bookmarks file of the browser profile", "the file named Bookmarks in the profile folder"},
	{OneTab, "OneTab", "text export", "OneTab › Export URLs (save the text)"},
	{URLList, "Any", "text or Markdown list of links", "one link per line, Markdown links, or links in text"},
	{FolioArchive, "Folio", "archive folder (its library.json)", "folio export --format archive --out FOLDER"},
}

// Formats lists the exports Folio reads, with the export of each service
// to use. The slice is a copy.
func Formats() []FormatInfo { return append([]FormatInfo(nil), formats...) }

// Service is the service or program whose export f is ("Raindrop.io");
// empty for a format Folio does not know.
func (f Format) Service() string {
	for _, fi := range formats {
		if fi.Format == f {
			return fi.Service
		}
	}
	return ""
}

// describeFormat names a format in a sentence: "a Raindrop.io CSV backup".
func describeFormat(f Format) string {
	for _, fi := range formats {
		if fi.Format == f {
			return article(fi.Service) + " " + fi.Service + " " + fi.File
		}
	}
	return "an export"
}

func article(word string) string {
	if word != "" && (word[0] == 'A' || word[0] == 'E' || word[0] == 'I' || word[0] == 'O' || word[0] == 'U') {
		return "an"
	}
	return "a"
}
