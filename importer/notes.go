package importer

import (
	"regexp"
	"strings"
	"time"
)

// Note is text the person wrote that the export carried (a description, a
// note, highlights), stored as a note of the article so that nothing they
// wrote is lost. From says where it came from, and starts the stored note.
type Note struct {
	From string // e.g. "Raindrop.io (note)"
	Text string
	// ofHighlights marks the note that holds the item's Highlights, written
	// out: it is stored only for those that cannot be placed in the
	// article's text (see highlightPlan).
	ofHighlights bool
}

// String is the note as stored: its source, then its text.
func (n Note) String() string { return "From " + n.From + ":\n" + n.Text }

// Highlight is a passage the person highlighted, with their note on it.
// Items keep highlights one by one, and written out as a Note too: the
// import makes each a highlight of the article where its text has the
// passage, and keeps the others as that note.
type Highlight struct {
	Text    string
	Note    string
	Created time.Time
	// From says which export it came from, as Note.From does.
	From string
}

// highlightsNote is highlights as one note: each quoted, its note below.
func highlightsNote(from string, hs []Highlight) *Note {
	var b strings.Builder
	for _, h := range hs {
		text := strings.TrimSpace(h.Text)
		if text == "" && strings.TrimSpace(h.Note) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		if text != "" {
			b.WriteString("> " + strings.ReplaceAll(text, "\n", "\n> "))
		}
		if n := strings.TrimSpace(h.Note); n != "" {
			if text != "" {
				b.WriteString("\n\n")
			}
			b.WriteString(n)
		}
	}
	if b.Len() == 0 {
		return nil
	}
	for i := range hs {
		hs[i].From = from
	}
	return &Note{From: from, Text: b.String(), ofHighlights: true}
}

// omnivoreHighlights splits Omnivore's highlights/<slug>.md: highlights
// separated by blank lines, each a "> " quote in Markdown (paragraph
// breaks inside written as a line of "> "), then "#label" lines and the
// person's note, both kept as the highlight's note. A block before any
// quote is a note on the article.
func omnivoreHighlights(md string) []Highlight {
	var hs []Highlight
	for _, block := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n\n") {
		block = strings.TrimSpace(block)
		switch {
		case block == "":
		case strings.HasPrefix(block, ">"):
			var lines []string
			for _, l := range strings.Split(block, "\n") {
				l = strings.TrimPrefix(strings.TrimPrefix(l, ">"), " ")
				lines = append(lines, strings.TrimRight(l, " "))
			}
			hs = append(hs, Highlight{Text: plainMarkdown(strings.TrimSpace(strings.Join(lines, "\n")))})
		case isLabels(block) && len(hs) > 0:
			// the highlight's labels: kept with its note
			h := &hs[len(hs)-1]
			h.Note = strings.TrimSpace(h.Note + "\n\n" + block)
		case isLabels(block):
		case len(hs) > 0:
			h := &hs[len(hs)-1]
			h.Note = strings.TrimSpace(h.Note + "\n\n" + block)
		default:
			hs = append(hs, Highlight{Note: block})
		}
	}
	return hs
}

// isLabels reports whether a block is only "#label" words.
func isLabels(block string) bool {
	for _, w := range strings.Fields(block) {
		if !strings.HasPrefix(w, "#") || len(w) < 2 {
			return false
		}
	}
	return block != ""
}

// earliestOf is the earliest of the non-zero times.
func earliestOf(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if !t.IsZero() && (out.IsZero() || t.Before(out)) {
			out = t
		}
	}
	return out
}

// Inline Markdown an Omnivore quote may hold, and what stays of it in the
// article's text.
var (
	mdImage     = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)
	mdQuoteLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdStrong    = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	mdEm        = regexp.MustCompile(`(^|[\s(])[*_](\S(?:[^*_]*?\S)?)[*_]($|[\s).,;:!?])`)
	mdCode      = regexp.MustCompile("`([^`]*)`")
)

// plainMarkdown is the text of a Markdown quote as the page shows it:
// links by their words, images, emphasis and code marks gone.
func plainMarkdown(s string) string {
	s = mdImage.ReplaceAllString(s, "")
	s = mdQuoteLink.ReplaceAllString(s, "$1")
	s = mdStrong.ReplaceAllString(s, "$2")
	s = mdEm.ReplaceAllString(s, "$1$2$3")
	s = mdCode.ReplaceAllString(s, "$1")
	return strings.TrimSpace(s)
}
