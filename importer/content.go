package importer

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/folio-app/folio/reader"
)

// fromContent builds the article from the content an export carries. The
// content is wrapped in a page that states its title, author, language and
// date, so reader.Extract cleans it and fills the metadata as for a fetched
// page; Force keeps short articles, which the service had already accepted.
func fromContent(it Item) (*reader.Article, error) {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html")
	if it.Lang != "" {
		fmt.Fprintf(&b, ` lang="%s"`, html.EscapeString(it.Lang))
	}
	b.WriteString(`><head><meta charset="utf-8">`)
	if it.Title != "" {
		fmt.Fprintf(&b, "<title>%s</title>", html.EscapeString(it.Title))
	}
	if it.Byline != "" {
		fmt.Fprintf(&b, `<meta name="author" content="%s">`, html.EscapeString(it.Byline))
	}
	if !it.Published.IsZero() {
		fmt.Fprintf(&b, `<meta property="article:published_time" content="%s">`, it.Published.Format(time.RFC3339))
	}
	b.WriteString("</head><body><article>\n")
	b.WriteString(it.HTML)
	b.WriteString("\n</article></body></html>\n")

	a, err := reader.Extract([]byte(b.String()), it.URL, reader.Options{Force: true})
	if err != nil {
		return nil, fmt.Errorf("content of %s: %w", it.URL, err)
	}
	if strings.TrimSpace(a.Text) == "" {
		// Readability found nothing to keep; the service's own rendering
		// is still better than nothing, once it holds nothing active.
		clean := reader.Sanitize(it.HTML)
		text := plainText(clean)
		if text == "" {
			return nil, fmt.Errorf("content of %s: %w", it.URL, reader.ErrNotArticle)
		}
		a.HTML, a.Text = clean, text
		a.Words = len(strings.Fields(text))
		a.ReadingTime = time.Duration(a.Words) * time.Minute / 200
	}
	if it.Title != "" {
		a.Title = it.Title
	}
	if it.Byline != "" && a.Byline == "" {
		a.Byline = it.Byline
	}
	if it.Lang != "" && a.Lang == "" {
		a.Lang = it.Lang
	}
	return a, nil
}

// plainText is the text of an HTML fragment, one block per paragraph.
func plainText(fragment string) string {
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	var b bytes.Buffer
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return strings.TrimSpace(collapseBlankLines(b.String()))
		case xhtml.TextToken:
			b.Write(z.Text())
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "figcaption":
				b.WriteString("\n\n")
			}
		}
	}
}

func collapseBlankLines(s string) string {
	var blocks []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			blocks = append(blocks, p)
		}
	}
	return strings.Join(blocks, "\n\n")
}
