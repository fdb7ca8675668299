package reader

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/itlightning/dateparse"
	"golang.org/x/net/html"
)

// ErrNotArticle: the page has no article text; Options.Force saves it anyway.
var ErrNotArticle = errors.New("no article text found")

// minArticleWeight is the least body text that counts as an article; see
// isArticleLength.
const minArticleWeight = 200

// Extract finds the article in page, a UTF-8 HTML document read from
// pageURL. It does no network I/O, so a stored page can be extracted again.
// Without opts.Force a page with no article text gives ErrNotArticle.
func Extract(page []byte, pageURL string, opts Options) (*Article, error) {
	u, err := ParseLink(pageURL)
	if err != nil {
		return nil, fmt.Errorf("extract: page address: %w", err)
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("extract %s: parse HTML: %w", u, err)
	}
	meta := readMeta(doc, u)
	base := meta.base

	resolveImages(doc, base)
	removeClutter(doc)
	lead := findLead(doc)

	parser := readability.NewParser()
	parsed, err := parser.ParseAndMutate(doc, base)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", u, err)
	}

	a := &Article{URL: u.String(), Page: page}
	body := parsed.Node
	if body != nil {
		keepLead(body, lead)
		cleanBody(body)
		tidyImages(body, base)
		removeAttr(body, "id", "class")
		var buf bytes.Buffer
		if err := html.Render(&buf, body); err != nil {
			return nil, fmt.Errorf("extract %s: render HTML: %w", u, err)
		}
		a.HTML = Sanitize(buf.String())
		a.Text = blockText(body)
	}
	a.Words, a.ReadingTime = countWords(a.Text)
	if !isArticleLength(a.Text) && !opts.Force {
		return nil, fmt.Errorf("%w on %s; use force to save it anyway", ErrNotArticle, u)
	}

	a.Canonical = meta.canonical
	a.SiteName = firstOf(parsed.SiteName(), meta.get("og:site_name", "application-name"), u.Hostname())
	a.Title = trimSiteName(firstOf(parsed.Title(), meta.get("og:title", "twitter:title"), meta.title, u.String()), a.SiteName)
	a.Byline = firstOf(parsed.Byline(), meta.author())
	a.Lang = firstOf(parsed.Language(), meta.lang)
	a.Excerpt = firstOf(parsed.Excerpt(), meta.get("description", "og:description", "twitter:description"))
	if img := firstOf(parsed.ImageURL(), meta.get("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")); img != "" {
		if img = absolute(img, base); isHTTP(img) {
			a.LeadImage = img
		}
	} else if imgs := imageURLs(a.HTML); len(imgs) > 0 {
		a.LeadImage = imgs[0]
	}
	if t, err := parsed.PublishedTime(); err == nil {
		a.Published = t
	} else {
		a.Published = meta.published()
	}
	return a, nil
}

// trimSiteName drops the site's name from a title written as
// "Headline | Site" or "Site - Headline".
func trimSiteName(title, site string) string {
	if site == "" {
		return title
	}
	lt, ls := strings.ToLower(title), strings.ToLower(site)
	if len(lt) != len(title) || len(ls) != len(site) {
		return title // lower-casing changed byte offsets; leave it alone
	}
	for _, sep := range []string{" | ", " - ", " – ", " — ", " · ", " :: ", " » ", ": "} {
		if strings.HasSuffix(lt, sep+ls) && len(title) > len(sep)+len(site) {
			return strings.TrimSpace(title[:len(title)-len(sep)-len(site)])
		}
		if strings.HasPrefix(lt, ls+sep) && len(title) > len(sep)+len(site) {
			return strings.TrimSpace(title[len(site)+len(sep):])
		}
	}
	return title
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v = collapse(v); v != "" {
			return v
		}
	}
	return ""
}

// pageMeta is what the page says about itself in <head> and elsewhere,
// the fallback for what readability does not find.
type pageMeta struct {
	base      *url.URL
	canonical string
	title     string
	lang      string
	props     map[string]string // <meta name|property|itemprop> → content, first wins
	times     []string          // <time datetime> values in document order
}

func (m pageMeta) get(keys ...string) string {
	for _, k := range keys {
		if v := m.props[k]; v != "" {
			return v
		}
	}
	return ""
}

func (m pageMeta) author() string {
	for _, k := range []string{"author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author"} {
		if v := m.props[k]; v != "" && !isHTTP(v) {
			return v
		}
	}
	return ""
}

func (m pageMeta) published() time.Time {
	cands := []string{m.get("article:published_time", "datepublished", "date", "dc.date", "dc.date.issued", "pubdate", "publishdate", "og:published_time")}
	cands = append(cands, m.times...)
	for _, c := range cands {
		if c == "" {
			continue
		}
		if t, err := dateparse.ParseAny(c); err == nil {
			return t
		}
	}
	return time.Time{}
}

// readMeta collects the page's own metadata from doc.
func readMeta(doc *html.Node, pageURL *url.URL) pageMeta {
	m := pageMeta{base: pageURL, props: map[string]string{}}
	var canonical, ogURL string
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.Data {
		case "html":
			m.lang = strings.TrimSpace(attr(n, "lang"))
			if m.lang == "" {
				m.lang = strings.TrimSpace(attr(n, "xml:lang"))
			}
		case "base":
			if href := attr(n, "href"); href != "" && pageURL != nil && m.base == pageURL {
				// Only a web address may become the base: <base
				// href="javascript:…//"> would turn every image into a script.
				if b, err := pageURL.Parse(strings.TrimSpace(href)); err == nil && isHTTP(b.String()) {
					m.base = b
				}
			}
		case "title":
			if m.title == "" && !hasAncestor(n, "svg") {
				m.title = textOf(n)
			}
		case "link":
			if canonical == "" && hasToken(attr(n, "rel"), "canonical") {
				canonical = attr(n, "href")
			}
		case "meta":
			key := strings.ToLower(firstOf(attr(n, "property"), attr(n, "name"), attr(n, "itemprop")))
			val := strings.TrimSpace(attr(n, "content"))
			if key != "" && val != "" {
				if _, seen := m.props[key]; !seen {
					m.props[key] = val
				}
			}
			if strings.EqualFold(attr(n, "http-equiv"), "content-language") && m.props["content-language"] == "" {
				m.props["content-language"] = val
			}
		case "time":
			if dt := attr(n, "datetime"); dt != "" {
				m.times = append(m.times, dt)
			}
		}
		return true
	})
	ogURL = m.props["og:url"]
	for _, c := range []string{canonical, ogURL} {
		if c = absolute(c, m.base); isHTTP(c) {
			m.canonical = c
			break
		}
	}
	if m.lang == "" {
		m.lang = m.props["content-language"]
	}
	if m.lang == "" {
		m.lang = strings.ReplaceAll(m.props["og:locale"], "_", "-")
	}
	return m
}

// pageOwnURL returns the absolute http(s) address a saved page names for
// itself (canonical link or og:url), or "".
func pageOwnURL(page []byte) string {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return ""
	}
	m := readMeta(doc, nil)
	if _, err := ParseLink(m.canonical); err != nil {
		return ""
	}
	return m.canonical
}

func hasToken(list, token string) bool {
	for _, t := range strings.Fields(list) {
		if strings.EqualFold(t, token) {
			return true
		}
	}
	return false
}

// tidyImages leaves every <img> of the body with one absolute src, the key
// of its entry in Article.Images.
func tidyImages(body *html.Node, base *url.URL) {
	for _, img := range elements(body, "img") {
		src := absolute(attr(img, "src"), base)
		if src == "" {
			detach(img)
			continue
		}
		setAttr(img, "src", src)
		removeAttr(img, "srcset", "sizes", "loading", "decoding")
	}
	for _, s := range elements(body, "source") {
		if p := s.Parent; p != nil && p.Data == "picture" {
			detach(s)
		}
	}
}
