package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/folio-app/folio/storage"
)

const highlightUsage = "highlight add ID --quote TEXT [--note TEXT] [--color C] | highlight list [ID] [--tag T] [--color C] [--json] | " +
	"highlight note HID TEXT | highlight color HID C | highlight delete HID"

func (e *env) cmdHighlight(ctx context.Context, args []string) error {
	fs := e.commonFlags("highlight", highlightUsage)
	quote := fs.String("quote", "", "the passage to highlight, as the article's text has it (highlight add)")
	note := fs.String("note", "", "a note on the highlight (highlight add)")
	color := fs.String("color", "", "yellow, green, blue or pink (highlight add: default yellow; highlight list: only this colour)")
	tag := fs.String("tag", "", "only highlights of articles with this tag (highlight list)")
	asJSON := fs.Bool("json", false, "print JSON (highlight list)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageError(highlightUsage)
	}
	verb, rest := rest[0], rest[1:]
	c, err := storage.ParseColor(*color)
	if err != nil {
		return usageError("--color %q: use yellow, green, blue or pink", *color)
	}
	switch verb {
	case "add":
		if len(rest) != 1 {
			return usageError("highlight add ID --quote TEXT [--note TEXT] [--color C]")
		}
		if strings.TrimSpace(*quote) == "" {
			return usageError("highlight add needs the passage: --quote TEXT")
		}
	case "list":
		if len(rest) > 1 {
			return usageError("highlight list [ID] [--tag T] [--color C] [--json]")
		}
	case "note":
		if len(rest) < 1 {
			return usageError("highlight note HID TEXT (an empty TEXT removes the note)")
		}
	case "color":
		if len(rest) != 2 {
			return usageError("highlight color HID yellow|green|blue|pink")
		}
	case "delete":
		if len(rest) != 1 {
			return usageError("highlight delete takes one highlight id")
		}
	default:
		return usageError(highlightUsage)
	}
	var id int64
	if len(rest) > 0 {
		if id, err = parseHighlightID(verb, rest[0]); err != nil {
			return err
		}
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	switch verb {
	case "add":
		if _, err := getArticle(ctx, lib, id); err != nil {
			return err
		}
		h, err := lib.AddHighlight(ctx, id, storage.Highlight{Exact: *quote, Note: *note, Color: c})
		if errors.Is(err, storage.ErrNotInText) {
			return fmt.Errorf("the quote is not in the text of article %d (as 'folio show %d' prints it)", id, id)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "highlight %d on article %d saved: %s\n", h.ID, h.ArticleID, shorten(h.Exact, 60))
	case "list":
		var all []storage.HighlightEntry
		if id != 0 {
			// one article's highlights, in the order of its text
			if all, err = articleHighlights(ctx, lib, id, *tag, c, *color != ""); err != nil {
				return err
			}
		} else {
			f := storage.HighlightFilter{Tag: *tag, Limit: 1000}
			if *color != "" {
				f.Color = c
			}
			for {
				page, next, err := lib.AllHighlights(ctx, f)
				if err != nil {
					return err
				}
				all = append(all, page...)
				if next == "" {
					break
				}
				f.After = next
			}
		}
		if *asJSON {
			return writeHighlightsJSON(e.stdout, all)
		}
		writeHighlights(e.stdout, all)
	case "note":
		h, err := lib.SetHighlightNote(ctx, id, strings.Join(rest[1:], " "))
		if err != nil {
			return highlightError(err, id)
		}
		if h.Note == "" {
			fmt.Fprintf(e.stdout, "highlight %d: note removed\n", h.ID)
		} else {
			fmt.Fprintf(e.stdout, "highlight %d: note saved\n", h.ID)
		}
	case "color":
		c, err := storage.ParseColor(rest[1])
		if err != nil {
			return usageError("colour %q: use yellow, green, blue or pink", rest[1])
		}
		h, err := lib.SetHighlightColor(ctx, id, c)
		if err != nil {
			return highlightError(err, id)
		}
		fmt.Fprintf(e.stdout, "highlight %d is %s\n", h.ID, h.Color)
	case "delete":
		if _, err := lib.DeleteHighlight(ctx, id); err != nil {
			return highlightError(err, id)
		}
		fmt.Fprintf(e.stdout, "highlight %d deleted\n", id)
	}
	return nil
}

// articleHighlights lists article id's highlights as entries, those of
// colour c only when byColor, none when tag is given and the article lacks it.
func articleHighlights(ctx context.Context, lib *storage.Library, id int64, tag string, c storage.Color, byColor bool) ([]storage.HighlightEntry, error) {
	a, err := getArticle(ctx, lib, id)
	if err != nil {
		return nil, err
	}
	if tag != "" && !slices.ContainsFunc(a.Tags, func(t string) bool { return strings.EqualFold(t, strings.TrimSpace(tag)) }) {
		return nil, nil
	}
	hs, err := lib.Highlights(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []storage.HighlightEntry
	for _, h := range hs {
		if !byColor || h.Color == c {
			out = append(out, storage.HighlightEntry{Highlight: h, Title: a.Title, URL: a.URL, Site: a.SiteName})
		}
	}
	return out, nil
}

// parseHighlightID reads the id argument of a highlight verb: an article's
// for add and list, a highlight's for the others.
func parseHighlightID(verb, s string) (int64, error) {
	if verb == "add" || verb == "list" {
		ids, err := parseIDs([]string{s})
		if err != nil {
			return 0, err
		}
		return ids[0], nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError("%q is not a highlight id (a positive number, as shown by 'folio highlight list')", s)
	}
	return id, nil
}

// highlightError words a missing highlight for a person.
func highlightError(err error, id int64) error {
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("highlight %d %w ('folio highlight list' shows the ids)", id, storage.ErrNotFound)
	}
	return err
}

// shorten cuts s to about n characters on one line.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// writeHighlights prints highlights for reading: a heading line with the
// id, colour, date and article, the passage quoted, the note under it.
func writeHighlights(w io.Writer, hs []storage.HighlightEntry) {
	for _, h := range hs {
		state := ""
		if h.Detached {
			state = "  detached (no longer in the article's text)"
		}
		fmt.Fprintf(w, "highlight %d  %s  %s  article %d %s%s\n", h.ID, h.Color,
			h.Created.Local().Format("2006-01-02 15:04"), h.ArticleID, shorten(h.Title, 50), state)
		for _, line := range strings.Split(strings.TrimSpace(h.Exact), "\n") {
			fmt.Fprintf(w, "> %s\n", strings.TrimSpace(line))
		}
		if h.Note != "" {
			fmt.Fprintln(w, h.Note)
		}
		fmt.Fprintln(w)
	}
}

// jsonHighlight is a highlight in 'highlight list --json'. quote is the
// W3C TextQuoteSelector, start and end a TextPositionSelector in code
// points of the article's text ('show --format json' text).
type jsonHighlight struct {
	ID       int64     `json:"id"`
	Article  int64     `json:"article"`
	Title    string    `json:"title"`
	URL      string    `json:"url"`
	Color    string    `json:"color"`
	Text     string    `json:"text"`
	Prefix   string    `json:"prefix"`
	Suffix   string    `json:"suffix"`
	Start    int       `json:"start"`
	End      int       `json:"end"`
	Detached bool      `json:"detached"`
	Note     string    `json:"note"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

func writeHighlightsJSON(w io.Writer, hs []storage.HighlightEntry) error {
	out := make([]jsonHighlight, len(hs))
	for i, h := range hs {
		out[i] = jsonHighlight{ID: h.ID, Article: h.ArticleID, Title: h.Title, URL: h.URL, Color: string(h.Color),
			Text: h.Exact, Prefix: h.Prefix, Suffix: h.Suffix, Start: h.Start, End: h.End, Detached: h.Detached,
			Note: h.Note, Created: h.Created.UTC(), Updated: h.Updated.UTC()}
	}
	return writeJSON(w, out)
}
