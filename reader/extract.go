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

// Extract finds the article in page, a UTF-8 HTML document read from
// pageURL. It does no network I/O, so a stored page can be extracted again.
// Without opts.Force a page with no article text gives ErrNotArticle.
func Extract(page []byte, pageURL string, opts Options) (*Article, error) {
	// Callers decode pages first; content from elsewhere (an export, an
	// old library) may still hold stray bytes, which must not be stored.
	page = validUTF8(page)
	a, _, err := extract(page, pageURL, opts)
	return a, err
}

// readings are the two readings of a page Extract weighs: readability's
// body alone, and the same body after Folio's clean-up.
type readings struct {
	plain, cleaned, chosen *candidate
}

func extract(page []byte, pageURL string, opts Options) (*Article, readings, error) {
	var rs readings
	u, err := ParseLink(pageURL)
	if err != nil {
		return nil, rs, fmt.Errorf("extract: page address: %w", err)
	}
	doc, err := parsePage(page)
	if err != nil {
		return nil, rs, fmt.Errorf("extract %s: parse HTML: %w", u, err)
	}
	meta := readMeta(doc, u)
	base := meta.base
	resolveImages(doc, base)
	sig := readSignals(doc, meta)
	lead := findLead(doc)
	markWidgets(doc)

	parser := readability.NewParser()
	parser.KeepClasses = true // the clean-up reads them; removed before rendering
	parsed, err := parser.ParseAndMutate(doc, base)
	if err != nil {
		return nil, rs, fmt.Errorf("extract %s: %w", u, err)
	}

	a := &Article{URL: u.String(), Page: page}
	a.Canonical = meta.canonical
	a.SiteName = firstOf(parsed.SiteName(), meta.get("og:site_name", "application-name"), u.Hostname())
	a.Title = trimSiteName(firstOf(parsed.Title(), meta.get("og:title", "twitter:title"), meta.title, u.String()), a.SiteName)
	a.Byline = firstOf(parsed.Byline(), meta.author())
	a.Lang = firstOf(parsed.Language(), meta.lang)
	a.Excerpt = firstOf(parsed.Excerpt(), meta.get("description", "og:description", "twitter:description"))
	if t, err := parsed.PublishedTime(); err == nil {
		a.Published = t
	} else {
		a.Published = meta.published()
	}

	if parsed.Node != nil {
		// readability's body alone is the safe baseline; Folio's clean-up
		// works on a copy and is kept only if it cost no content.
		rs.plain = &candidate{body: cloneNode(parsed.Node)}
		rs.plain.text = blockText(rs.plain.body)
		rs.cleaned = &candidate{body: parsed.Node}
		keepLead(rs.cleaned.body, lead)
		removeClutter(rs.cleaned.body)
		cleanBody(rs.cleaned.body)
		rs.cleaned.removed = tidyBody(rs.cleaned.body, articleFacts{title: a.Title, byline: a.Byline, urls: []string{a.URL, a.Canonical}})
		rs.cleaned.text = blockText(rs.cleaned.body)
		rs.chosen = choose(rs.cleaned, rs.plain, sig)
	} else {
		rs.chosen = &candidate{}
	}
	if body := rs.chosen.body; body != nil {
		tidyImages(body, base)
		removeAttr(body, "id", "class")
		walk(body, func(n *html.Node) bool {
			removeAttr(n, "class", widgetAttr)
			return true
		})
		var buf bytes.Buffer
		if err := html.Render(&buf, body); err != nil {
			return nil, rs, fmt.Errorf("extract %s: render HTML: %w", u, err)
		}
		a.HTML = Sanitize(buf.String())
		a.Text = rs.chosen.text
	}
	a.Words, a.ReadingTime = countWords(a.Text)
	if !isArticle(rs.chosen.textBlocks(), sig) && !opts.Force {
		return nil, rs, fmt.Errorf("%w on %s", ErrNotArticle, DisplayURL(u.String()))
	}
	if img := firstOf(parsed.ImageURL(), meta.get("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")); img != "" {
		if img = absolute(img, base); isHTTP(img) {
			a.LeadImage = img
		}
	} else if imgs := imageURLs(a.HTML); len(imgs) > 0 {
		a.LeadImage = imgs[0]
	}
	return a, rs, nil
}

// candidate is one reading of the page's article: readability's result on
// a document, with Folio's post-clean applied.
type candidate struct {
	removed []removal  // what the clean-up's block rules took out
	body    *html.Node // nil when readability found nothing
	text    string
	blocks  []textBlock // of body once it is final; see textBlocks
}

// textBlocks returns the blocks of the candidate's body, listed once: the
// body does not change after the clean-up.
func (c *candidate) textBlocks() []textBlock {
	if c.blocks == nil && c.body != nil {
		c.blocks = textBlocks(c.body)
	}
	return c.blocks
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
	doc, err := parsePage(page)
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
