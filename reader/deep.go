package reader

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/html"
)

// ErrTooDeep: the page nests its elements so deeply that even flattened it
// cannot be read.
var ErrTooDeep = errors.New("the page is nested too deeply to read")

// flattenDepth is how deep parsePage lets elements nest when the parser
// refuses a page (it stops at 512 open elements). Real articles stay far
// below; the margin covers elements the parser opens on its own.
var flattenDepths = []int{256, 64}

// parsePage parses a whole page. A page nested deeper than the HTML
// parser allows is flattened (the tags below flattenDepth dropped, their
// text kept) and parsed again, so its text can still be extracted.
func parsePage(page []byte) (*html.Node, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err == nil || !tooDeep(err) {
		return doc, err
	}
	for _, depth := range flattenDepths {
		if doc, err = html.Parse(bytes.NewReader(flatten(page, depth))); err == nil || !tooDeep(err) {
			return doc, err
		}
	}
	return nil, fmt.Errorf("%w: %w", ErrTooDeep, err)
}

func tooDeep(err error) bool {
	return strings.Contains(err.Error(), "open stack of elements")
}

// voidElements never take an end tag, so they do not nest.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true,
	"link": true, "meta": true, "source": true, "track": true, "wbr": true, "param": true, "keygen": true,
}

// flatten copies page token by token, dropping start tags that would open
// an element deeper than limit and the end tags that match them. Text and
// shallower markup are kept byte for byte.
func flatten(page []byte, limit int) []byte {
	z := html.NewTokenizer(bytes.NewReader(page))
	var out bytes.Buffer
	out.Grow(len(page))
	var open []string           // names of the elements kept open, outermost first
	dropped := map[string]int{} // start tags dropped and not yet closed, by name
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out.Bytes()
		case html.StartTagToken:
			name, _ := z.TagName()
			n := string(name)
			if voidElements[n] {
				break
			}
			if len(open) >= limit {
				dropped[n]++
				continue
			}
			open = append(open, n)
		case html.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			if dropped[n] > 0 {
				dropped[n]--
				continue
			}
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == n {
					open = open[:i]
					break
				}
			}
		}
		out.Write(z.Raw())
	}
}
