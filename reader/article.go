// Package reader turns a link or a saved HTML page into an Article: it fetches
// the page over HTTP, decodes its charset, extracts the main text with
// go-readability, cleans out the widgets readability keeps, and downloads the
// article's images. It knows nothing of the library or the window.
package reader

import (
	"net/url"
	"time"
)

// Article is one extracted article, ready to be stored or exported.
type Article struct {
	// URL is the address the page was read from: the final URL after
	// redirects, or the address the user gave for a local file.
	URL string
	// Canonical is the page's own canonical address (<link rel=canonical>,
	// og:url), made absolute; empty when the page names none.
	Canonical string

	Title    string
	Byline   string
	SiteName string
	Lang     string // BCP 47 tag as the page declares it, e.g. "vi", "en-GB"
	Excerpt  string
	// LeadImage is the absolute URL of the article's main image.
	LeadImage string
	// Published is zero when the page does not say.
	Published time.Time

	// HTML is the cleaned article body. Every <img src> in it is an absolute
	// URL; the same URL is the key of the matching entry in Images.
	HTML string
	// Text is the plain text of HTML: one paragraph, heading or caption per
	// block, blocks separated by a blank line.
	Text        string
	Words       int
	ReadingTime time.Duration

	// Images holds the images the article shows, in document order, one per
	// distinct URL. Data is nil when the download failed; Err says why.
	Images []Image

	// Page is the original page as UTF-8 HTML, kept so the article can be
	// extracted again later without the network; for a document, the
	// document itself (PageType says which).
	Page []byte
	// PageType is Page's media type: empty or "text/html" for a web page,
	// PDF for a PDF document.
	PageType string

	// auth is the user name and password of the link the user gave, for
	// the article's images on the same host; never stored or shown.
	auth *url.Userinfo
}

// Image is one image of an article.
type Image struct {
	URL         string // absolute, as it appears in Article.HTML
	ContentType string // e.g. "image/png"; empty when not downloaded
	Data        []byte // nil when the download failed
	Err         string // why the download failed; empty on success
}
