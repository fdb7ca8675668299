package importer

import (
	"bytes"
	"regexp"
	"strings"
	"time"
)

var (
	// mdLink is a Markdown link [title](url "optional title").
	mdLink = regexp.MustCompile(`\[([^\]]*)\]\(\s*<?(https?://[^\s)>]+)>?(?:\s+"[^"]*")?\s*\)`)
	// bareURL is a link written out in text.
	bareURL = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'` + "`" + `]+`)
)

// urls reads a plain text or Markdown list of links: one per line,
// Markdown links, or links inside sentences. Lines with no http(s) link
// are headings, notes and blank lines, and are skipped.
func (p *parser) urls(name string, data []byte) ([]Item, []RowError, error) {
	var (
		items []Item
		rows  []RowError
	)
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := string(bytes.TrimRight(raw, "\r"))
		n := i + 1
		var err error
		add := func(link, title string) {
			if err != nil {
				return
			}
			if err = p.b.row(); err != nil {
				return
			}
			l, lerr := checkLink(link)
			if lerr != nil {
				rows = append(rows, RowError{File: name, Line: n, Err: lerr})
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
		if err != nil {
			return nil, nil, err
		}
	}
	return items, rows, nil
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

// timeParse is time.Parse with the result checked for sense.
func timeParse(layout, s string) (time.Time, error) {
	t, err := time.Parse(layout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, err
	}
	if t = inRange(t); t.IsZero() {
		return t, errOutOfRange
	}
	return t, nil
}
