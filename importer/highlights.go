package importer

import (
	"context"
	"strings"

	"github.com/folio-app/folio/storage"
)

// highlightPlan is how an item's highlights are stored: as highlights of
// the article where its text has their passage, as notes where it does not
// (the note the export's highlights were written out as, whole when none
// could be placed), detached highlights while the article is only a
// bookmark, to be placed when it is fetched. A passage placed as a
// highlight is not also kept as a note.
type highlightPlan struct {
	notes      []string // the item's other notes, as stored
	highlights []storage.Highlight
	source     []Highlight // highlights[i] came from source[i]
	whole      []string    // the notes that wrote the highlights out
}

func planHighlights(it Item) highlightPlan {
	var p highlightPlan
	var other []Note
	for _, n := range it.Notes {
		if n.ofHighlights {
			if t := strings.TrimSpace(n.String()); strings.TrimSpace(n.Text) != "" {
				p.whole = append(p.whole, t)
			}
			continue
		}
		other = append(other, n)
	}
	var orphans []Highlight // notes on the article, not on a passage
	for _, h := range it.Highlights {
		if strings.TrimSpace(h.Text) == "" {
			if strings.TrimSpace(h.Note) != "" {
				orphans = append(orphans, h)
			}
			continue
		}
		p.highlights = append(p.highlights, storage.Highlight{Exact: h.Text, Note: h.Note, Created: h.Created})
		p.source = append(p.source, h)
	}
	if len(p.highlights) == 0 {
		// nothing to place: the notes as the export gave them
		p.notes, p.whole = noteTexts(it.Notes), nil
		return p
	}
	for _, group := range bySource(orphans) {
		if n := highlightsNote(group[0].From, group); n != nil {
			other = append(other, *n)
		}
	}
	p.notes = noteTexts(other)
	return p
}

// asNotes words the highlights of the plan that could not be placed as
// notes: the export's own note when none could, else one note per export
// with those that could not.
func (p highlightPlan) asNotes(unplaced []storage.Highlight) []string {
	if len(unplaced) == 0 {
		return nil
	}
	if len(unplaced) == len(p.highlights) && len(p.whole) > 0 {
		return p.whole
	}
	// unplaced keeps the plan's order: match them up in one pass
	var src []Highlight
	j := 0
	for i, h := range p.highlights {
		if j < len(unplaced) && unplaced[j].Exact == h.Exact && unplaced[j].Note == h.Note {
			src = append(src, p.source[i])
			j++
		}
	}
	var out []string
	for _, group := range bySource(src) {
		if n := highlightsNote(group[0].From, group); n != nil {
			out = append(out, strings.TrimSpace(n.String()))
		}
	}
	return out
}

// bySource groups highlights by the export they came from, in order.
func bySource(hs []Highlight) [][]Highlight {
	var out [][]Highlight
	at := map[string]int{}
	for _, h := range hs {
		i, ok := at[h.From]
		if !ok {
			i = len(out)
			at[h.From] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], h)
	}
	return out
}

// options sets the plan's parts of a new article's options.
func (p highlightPlan) options(o *storage.AddOptions) {
	o.Notes = p.notes
	o.Highlights = p.highlights
	if len(p.highlights) > 0 {
		o.HighlightNotes = p.asNotes
	}
}

// mergeHighlights adds the plan to article id, already in the library:
// its highlights where the article's text has them, the others as notes
// (or detached, on a bookmark), then its notes; nothing twice.
func (r *run) mergeHighlights(ctx context.Context, id int64, p highlightPlan) error {
	notes := p.notes
	if len(p.highlights) > 0 {
		_, unplaced, err := r.lib.AddHighlights(ctx, id, p.highlights, false)
		if err != nil {
			return err
		}
		notes = append(notes, p.asNotes(unplaced)...)
	}
	return r.mergeNotes(ctx, id, notes)
}
