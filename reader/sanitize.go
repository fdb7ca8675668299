package reader

import (
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// Sanitize returns article HTML with only what a reader needs: text
// structure (paragraphs, headings, lists, quotes, code, tables, figures),
// links to http(s) and mailto addresses (or within the page), and images
// from http(s) or data:image sources. Scripts, styles, frames, forms, event
// handlers and every other scheme (javascript:, vbscript:, data:text/html
// …, in any case and with any white space) are dropped; the text inside a
// dropped element is kept unless the element is a script, style or similar
// whose content is not text. It is the last step of Extract and runs on
// every stored body, so a page or an export can never carry active content
// into the library or out of it again.
func Sanitize(fragment string) string {
	if fragment == "" {
		return ""
	}
	return policy().Sanitize(fragment)
}

// SafeLink reports whether a link target may be kept in an article or an
// export: http(s) and mailto addresses, and references without a scheme
// (within the page or relative to it).
func SafeLink(href string) bool {
	href = strings.TrimSpace(href)
	if !linkRE.MatchString(href) {
		return false
	}
	u, err := url.Parse(href)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "mailto":
		return true
	}
	return false
}

// SafeImageSource reports whether an image source may be kept: http(s)
// addresses and data:image URIs of the raster formats.
func SafeImageSource(src string) bool {
	src = strings.TrimSpace(src)
	if dataImageRE.MatchString(src) {
		return true
	}
	u, err := url.Parse(src)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// linkRE admits href values that start with http:, https: or mailto:, or
// that have no scheme (no colon before the first /, ? or #). It keeps
// data: links out, which the image rule would otherwise let through.
var linkRE = regexp.MustCompile(`^(?i:https?:|mailto:|[^:/?#]*(?:[/?#]|$))`)

// dataImageRE matches the data: image URIs kept: base64 raster images, not
// SVG (which can hold scripts).
var dataImageRE = regexp.MustCompile(`^data:image/(?:png|jpeg|jpg|gif|webp|avif|bmp);base64,[A-Za-z0-9+/=\s]*$`)

// policy builds the allow-list once; a bluemonday Policy is safe for
// concurrent use once built.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "kbd", "samp",
		"var", "tt", "b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "mark", "small", "big",
		"sub", "sup", "abbr", "acronym", "cite", "dfn", "q", "time", "span", "div", "section", "article",
		"header", "footer", "main", "aside", "address", "center", "figure", "figcaption", "picture",
		"ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
		"caption", "colgroup", "col", "details", "summary", "bdi", "bdo", "ruby", "rt", "rp", "wbr",
		"a", "img",
	)
	p.AllowAttrs("href").Matching(linkRE).OnElements("a")
	p.AllowAttrs("src").OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[A-Za-z0-9-]{1,35}$`)).Globally()
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(?i:ltr|rtl|auto)$`)).Globally()
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("reversed").Matching(regexp.MustCompile(`^(?i:reversed)?$`)).OnElements("ol")
	p.AllowAttrs("type").Matching(bluemonday.ListType).OnElements("ol", "ul", "li")
	p.AllowAttrs("value").Matching(bluemonday.Integer).OnElements("li")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(?i:row|col|rowgroup|colgroup)$`)).OnElements("th")
	p.AllowAttrs("datetime").Matching(regexp.MustCompile(`^[0-9A-Za-z:+.\- ]{1,40}$`)).OnElements("time", "del", "ins")

	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	// data: only for raster images; the href pattern above keeps it off
	// links.
	p.AllowURLSchemeWithCustomPolicy("data", func(u *url.URL) bool {
		return dataImageRE.MatchString(u.String())
	})
	// Whatever these hold is code, markup for a browser or a form, never
	// article text.
	p.SkipElementsContent("script", "style", "noscript", "template", "iframe", "frameset",
		"object", "applet", "svg", "select", "textarea", "button", "canvas", "audio", "video",
		"head", "title")
	return p
})
