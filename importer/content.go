package importer

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/save"
	"github.com/folio-app/folio/storage"
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
	// The export's content is the service's own extraction, usually clean
	// already. Page clean-up over it may only tidy: when it costs more than
	// a re-fetch may (save.MaxLoss of the words), or finds nothing, the
	// content is kept as the service gave it, once it holds nothing active.
	clean := reader.Sanitize(it.HTML)
	text := plainText(clean)
	if kept := len(strings.Fields(text)); kept > 0 && float64(a.Words) < float64(kept)*(1-save.MaxLoss) {
		a.HTML, a.Text = clean, text
		a.Words = kept
		a.ReadingTime = time.Duration(a.Words) * time.Minute / 200
	} else if strings.TrimSpace(a.Text) == "" {
		return nil, fmt.Errorf("content of %s: %w", it.URL, reader.ErrNotArticle)
	}
	// Only the export knows when the article was published: a date found
	// in the text by the page extractor would be a guess.
	a.Published = it.Published
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

// fromDocument builds the article from a document the export kept (a PDF):
// its text and metadata read from it, the export's title, author and date
// winning where it has them.
func fromDocument(it Item) (*reader.Article, error) {
	a, err := reader.ExtractPDF(it.PDF, it.URL, reader.Options{})
	if err != nil {
		return nil, fmt.Errorf("document of %s: %w", it.URL, err)
	}
	if !storage.IsLinkTitle(it.Title) {
		a.Title = strings.TrimSpace(it.Title)
	}
	if it.Byline != "" {
		a.Byline = it.Byline
	}
	if !it.Published.IsZero() {
		a.Published = it.Published
	}
	return a, nil
}

// Wallabag's words for an article it could not fetch, which its export
// stores as the title and content.
const (
	wallabagNoTitle = "no title found"
)

var wallabagFailures = []string{
	"wallabag can't retrieve contents for this article",
	"wallabag can’t retrieve contents for this article",
	"wallabag n'a pas pu récupérer le contenu de cet article",
	"wallabag n’a pas pu récupérer le contenu de cet article",
	"errors_during_fetching",
}

// withoutPlaceholders drops what a service wrote in place of an article it
// failed to fetch, so that the link is fetched (or kept as a bookmark to
// fetch later) instead of stored as if that were its content.
func withoutPlaceholders(it Item) Item {
	if strings.EqualFold(strings.TrimSpace(it.Title), wallabagNoTitle) {
		it.Title = ""
	}
	if it.HTML != "" {
		text := strings.ToLower(plainText(it.HTML) + " " + it.HTML)
		if len(strings.Fields(plainText(it.HTML))) < 80 {
			for _, f := range wallabagFailures {
				if strings.Contains(text, f) {
					it.HTML = ""
					break
				}
			}
		}
	}
	return it
}
