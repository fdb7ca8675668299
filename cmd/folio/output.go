package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/folio-app/folio/export"
	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// version is Folio's version, printed by --version.
const version = "0.1.0"

// jsonArticle is the stable JSON form of an article in listings: the README
// documents it, scripts depend on it. Add fields; never rename or remove.
type jsonArticle struct {
	ID        int64      `json:"id"`
	URL       string     `json:"url"`
	Title     string     `json:"title"`
	Byline    string     `json:"byline"`
	Site      string     `json:"site"`
	Lang      string     `json:"lang"`
	Published *time.Time `json:"published"` // null when unknown
	Saved     time.Time  `json:"saved"`
	Words     int        `json:"words"`
	Tags      []string   `json:"tags"`
	State     jsonState  `json:"state"`
}

type jsonState struct {
	Read     bool `json:"read"`
	Favorite bool `json:"favorite"`
	Archived bool `json:"archived"`
	Fetched  bool `json:"fetched"`
}

func toJSON(s storage.Summary) jsonArticle {
	j := jsonArticle{
		ID: s.ID, URL: reader.WithoutCredentials(s.URL), Title: s.Title, Byline: s.Byline, Site: s.SiteName, Lang: s.Lang,
		Saved: s.Saved.UTC().Truncate(time.Second), Words: s.Words, Tags: s.Tags,
		State: jsonState{Read: s.Read, Favorite: s.Favorite, Archived: s.Archived, Fetched: s.Fetched},
	}
	if !s.Published.IsZero() {
		p := s.Published
		j.Published = &p
	}
	if j.Tags == nil {
		j.Tags = []string{}
	}
	return j
}

func summaryOf(a *storage.Article) storage.Summary {
	return storage.Summary{
		ID: a.ID, URL: a.URL, Title: a.Title, Byline: a.Byline, SiteName: a.SiteName, Lang: a.Lang,
		Excerpt: a.Excerpt, Published: a.Published, Saved: a.Saved, Words: a.Words, ReadingTime: a.ReadingTime,
		Read: a.Read, Favorite: a.Favorite, Archived: a.Archived, Fetched: a.Fetched, Tags: a.Tags,
	}
}

func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeC1(buf.Bytes()))
	return err
}

func writeSummariesJSON(w io.Writer, list []storage.Summary) error {
	out := make([]jsonArticle, len(list))
	for i, s := range list {
		out[i] = toJSON(s)
	}
	return writeJSON(w, out)
}

type jsonHit struct {
	jsonArticle
	Snippet string `json:"snippet"` // matched terms between [ and ]
}

func writeSearchJSON(w io.Writer, hits []storage.SearchResult) error {
	out := make([]jsonHit, len(hits))
	r := strings.NewReplacer(storage.SnippetOpen, "[", storage.SnippetClose, "]")
	for i, h := range hits {
		out[i] = jsonHit{toJSON(h.Summary), r.Replace(h.Snippet)}
	}
	return writeJSON(w, out)
}

type jsonNote struct {
	ID      int64     `json:"id"`
	Article int64     `json:"article"`
	Text    string    `json:"text"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

func notesJSON(notes []storage.Note) []jsonNote {
	out := make([]jsonNote, len(notes))
	for i, n := range notes {
		out[i] = jsonNote{n.ID, n.ArticleID, n.Text, n.Created.UTC(), n.Updated.UTC()}
	}
	return out
}

func writeNotesJSON(w io.Writer, notes []storage.Note) error { return writeJSON(w, notesJSON(notes)) }

func writeTagsJSON(w io.Writer, tags []storage.TagCount) error {
	type tag struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	out := make([]tag, len(tags))
	for i, t := range tags {
		out[i] = tag{t.Name, t.Count}
	}
	return writeJSON(w, out)
}

// jsonFull is 'folio show --format json': the listing fields plus content.
type jsonFull struct {
	jsonArticle
	Canonical string     `json:"canonical"`
	Excerpt   string     `json:"excerpt"`
	LeadImage string     `json:"leadImage"`
	HTML      string     `json:"html"`
	Text      string     `json:"text"`
	Minutes   int        `json:"readingMinutes"`
	Images    []string   `json:"images"`
	Notes     []jsonNote `json:"notes"`
}

func writeArticleJSON(w io.Writer, a *storage.Article, notes []storage.Note) error {
	imgs := make([]string, 0, len(a.Images))
	for _, im := range a.Images {
		imgs = append(imgs, im.URL)
	}
	return writeJSON(w, jsonFull{
		jsonArticle: toJSON(summaryOf(a)), Canonical: a.Canonical, Excerpt: a.Excerpt, LeadImage: a.LeadImage,
		HTML: a.HTML, Text: a.Text, Minutes: minutes(a.ReadingTime), Images: imgs, Notes: notesJSON(notes),
	})
}

func minutes(d time.Duration) int {
	m := int((d + time.Minute - 1) / time.Minute)
	if m < 1 {
		m = 1
	}
	return m
}

// writeText prints an article for reading in a terminal.
func writeText(w io.Writer, a *storage.Article, notes []storage.Note) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", a.Title)
	var meta []string
	for _, s := range []string{a.Byline, a.SiteName} {
		if s != "" {
			meta = append(meta, s)
		}
	}
	if !a.Published.IsZero() {
		meta = append(meta, a.Published.Format("2 Jan 2006"))
	}
	meta = append(meta, fmt.Sprintf("%d min read", minutes(a.ReadingTime)))
	fmt.Fprintf(&b, "%s\n%s\n", strings.Join(meta, " · "), a.URL)
	if len(a.Tags) > 0 {
		fmt.Fprintf(&b, "Tags: %s\n", strings.Join(a.Tags, ", "))
	}
	fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(a.Text))
	if len(notes) > 0 {
		b.WriteString("\nNotes\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "\n[%d] %s\n%s\n", n.ID, n.Created.Local().Format("2006-01-02 15:04"), n.Text)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type jsonAdd struct {
	Input   string `json:"input"`
	ID      int64  `json:"id,omitempty"`
	Title   string `json:"title,omitempty"`
	Result  string `json:"result"` // saved, exists or failed
	Message string `json:"error,omitempty"`
}

func writeAddJSON(w io.Writer, results []addResult, timeout string) error {
	out := make([]jsonAdd, len(results))
	for i, r := range results {
		j := jsonAdd{Input: reader.DisplayURL(r.input), ID: r.id, Title: r.title, Result: "saved"}
		switch {
		case r.err != nil:
			j.Result, j.Message = "failed", addSentence(r.input, r.err, timeout)
		case r.existed:
			j.Result = "exists"
		}
		out[i] = j
	}
	return writeJSON(w, out)
}

// exportItem is an article with its notes, as export takes it.
func exportItem(a *storage.Article, notes []storage.Note) export.Item {
	it := export.Item{ID: a.ID, Article: a.Article, Saved: a.Saved, Tags: a.Tags}
	for _, n := range notes {
		it.Notes = append(it.Notes, export.Note{Text: n.Text, Created: n.Created})
	}
	return it
}

// writeMarkdown prints an article as Markdown with front matter; images
// keep their original addresses (folio export writes them to files).
func writeMarkdown(w io.Writer, a *storage.Article, notes []storage.Note) error {
	return export.WriteMarkdown(w, exportItem(a, notes))
}
