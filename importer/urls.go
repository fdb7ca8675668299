package importer

import (
	"bytes"
	"regexp"
	"strings"
)

var (
	// mdLink is a Markdown link [title](url "optional title").
	mdLink = regexp.MustCompile(`\[([^\]]*)\]\(\s*<?(https?://[^\s)>]+)>?(?:\s+"[^"]*")?\s*\)`)
	// bareURL is a link written out in text.
	bareURL = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'` + "`" + `]+`)
)

// parseURLs reads a plain text or Markdown list of links: one per line,
// Markdown links, or links inside sentences. Lines with no http(s) link
// are headings, notes and blank lines, and are skipped.
func parseURLs(name string, data []byte) ([]Item, []RowError) {
	var (
		items []Item
		rows  []RowError
	)
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := string(bytes.TrimRight(raw, "\r"))
		n := i + 1
		add := func(link, title string) {
			l, err := checkLink(link)
			if err != nil {
				rows = append(rows, RowError{File: name, Line: n, Err: err})
				return
			}
			items = append(items, Item{URL: l, Title: strings.TrimSpace(title), File: name, Line: n})
		}
		for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
			add(m[2], m[1])
		}
		rest := mdLink.ReplaceAllString(line, " ")
		for _, u := range bareURL.FindAllString(rest, -1) {
			add(trimURL(u), "")
		}
	}
	return items, rows
}

// trimURL drops the punctuation that ends the sentence around a link, and a
// closing bracket the link did not open (Wikipedia's "(disambiguation)"
// links keep theirs).
func trimURL(u string) string {
	for u != "" {
		last := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?*_~", last) >= 0:
			u = u[:len(u)-1]
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"),
			last == ']' && strings.Count(u, "[") < strings.Count(u, "]"),
			last == '}' && strings.Count(u, "{") < strings.Count(u, "}"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}
