package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/folio-app/folio/save"
	"github.com/folio-app/folio/storage"
)

func (e *env) cmdList(ctx context.Context, args []string) error {
	fs := e.commonFlags("list", "list [--tag T] [--site S] [--unread|--favorite|--archived] [--sort saved|published|title] [--limit N] [--json]")
	tag := fs.String("tag", "", "only articles with this tag")
	site := fs.String("site", "", "only articles from this site")
	unread := fs.Bool("unread", false, "only unread articles (not archived)")
	favorite := fs.Bool("favorite", false, "only favourites")
	archived := fs.Bool("archived", false, "only archived articles")
	sortBy := fs.String("sort", "saved", "order: saved, published or title")
	limit := fs.Int("limit", 0, "at most this many articles (0: all)")
	asJSON := fs.Bool("json", false, "print JSON (see README)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("list takes no arguments, got %q", rest[0])
	}
	f := storage.Filter{Tag: *tag, Site: *site}
	n := 0
	for _, s := range []struct {
		on    bool
		state storage.State
	}{{*unread, storage.StateUnread}, {*favorite, storage.StateFavorite}, {*archived, storage.StateArchived}} {
		if s.on {
			f.State = s.state
			n++
		}
	}
	if n > 1 {
		return usageError("list: choose one of --unread, --favorite, --archived")
	}
	if f.Sort, err = parseSort(*sortBy); err != nil {
		return err
	}
	if *limit < 0 {
		return usageError("list: --limit must be 0 or more")
	}

	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()

	var all []storage.Summary
	for {
		f.Limit = 500
		if *limit > 0 && *limit-len(all) < f.Limit {
			f.Limit = *limit - len(all)
		}
		page, next, err := lib.List(ctx, f)
		if err != nil {
			return err
		}
		all = append(all, page...)
		if next == "" || (*limit > 0 && len(all) >= *limit) {
			break
		}
		f.After = next
	}
	if *asJSON {
		return writeSummariesJSON(e.stdout, all)
	}
	for _, s := range all {
		fmt.Fprintln(e.stdout, summaryLine(s))
	}
	return nil
}

func parseSort(s string) (storage.Sort, error) {
	switch s {
	case "saved", "":
		return storage.SortSaved, nil
	case "published":
		return storage.SortPublished, nil
	case "title":
		return storage.SortTitle, nil
	}
	return 0, usageError("--sort must be saved, published or title, not %q", s)
}

// summaryLine is one article in text listings: id, marks, date, title, site, tags.
func summaryLine(s storage.Summary) string {
	marks := []byte("   ")
	if !s.Read {
		marks[0] = '*'
	}
	if s.Favorite {
		marks[1] = 'F'
	}
	if s.Archived {
		marks[2] = 'A'
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%6d %s %s  %s", s.ID, marks, s.Saved.Local().Format("2006-01-02"), oneLine(s.Title))
	if s.SiteName != "" {
		fmt.Fprintf(&b, " — %s", oneLine(s.SiteName))
	}
	if len(s.Tags) > 0 {
		fmt.Fprintf(&b, "  [%s]", strings.Join(s.Tags, ", "))
	}
	return b.String()
}

func (e *env) cmdShow(ctx context.Context, args []string) error {
	fs := e.commonFlags("show", "show ID [--format text|markdown|html|json]")
	format := fs.String("format", "text", "text, markdown, html or json")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("show takes one article id")
	}
	ids, err := parseIDs(rest)
	if err != nil {
		return err
	}
	switch *format {
	case "text", "markdown", "md", "html", "json":
	default:
		return usageError("show: --format must be text, markdown, html or json, not %q", *format)
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	a, err := getArticle(ctx, lib, ids[0])
	if err != nil {
		return err
	}
	notes, err := lib.Notes(ctx, a.ID)
	if err != nil {
		return err
	}
	switch *format {
	case "html":
		_, err = fmt.Fprintln(e.stdout, a.HTML)
	case "json":
		err = writeArticleJSON(e.stdout, a, notes)
	case "markdown", "md":
		err = writeMarkdown(e.stdout, a, notes)
	default:
		err = writeText(e.stdout, a, notes)
	}
	return err
}

func (e *env) cmdSearch(ctx context.Context, args []string) error {
	fs := e.commonFlags("search", "search QUERY [--tag T] [--limit N] [--json]")
	tag := fs.String("tag", "", "only articles with this tag")
	limit := fs.Int("limit", 20, "at most this many results")
	asJSON := fs.Bool("json", false, "print JSON (see README)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(rest, " "))
	if q == "" {
		return usageError("search needs a query")
	}
	if *limit <= 0 {
		return usageError("search: --limit must be at least 1")
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	hits, err := lib.Search(ctx, q, storage.Filter{Tag: *tag, Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeSearchJSON(e.stdout, hits)
	}
	if len(hits) == 0 {
		fmt.Fprintf(e.stderr, "nothing matches %q\n", q)
		return nil
	}
	for _, h := range hits {
		fmt.Fprintln(e.stdout, summaryLine(h.Summary))
		if h.Snippet != "" {
			snip := strings.NewReplacer(storage.SnippetOpen, "[", storage.SnippetClose, "]").Replace(h.Snippet)
			fmt.Fprintf(e.stdout, "         %s\n", strings.Join(strings.Fields(snip), " "))
		}
	}
	return nil
}

// cmdTag adds +tags and removes -tags; a bare word adds it. Flags are not
// parsed after the ids, so "-tag" means remove.
func (e *env) cmdTag(ctx context.Context, args []string) error {
	var ids []int64
	var add, remove []string
	for _, a := range args {
		if id, err := strconv.ParseInt(a, 10, 64); err == nil && len(add)+len(remove) == 0 {
			if id <= 0 {
				return usageError("%q is not an article id", a)
			}
			ids = append(ids, id)
			continue
		}
		switch {
		case a == "--help" || a == "-h":
			fmt.Fprintln(e.stdout, "Usage: folio tag ID... +TAG|-TAG|TAG...  (quote tags with spaces: '+machine learning')")
			return errHelpShown
		case strings.HasPrefix(a, "+"):
			add = append(add, a[1:])
		case strings.HasPrefix(a, "-"):
			remove = append(remove, a[1:])
		default:
			add = append(add, a)
		}
	}
	if len(ids) == 0 || len(add)+len(remove) == 0 {
		return usageError("tag needs article ids then +tag or -tag, e.g. folio tag 12 +research -todo")
	}
	for _, t := range append(append([]string{}, add...), remove...) {
		if strings.TrimSpace(t) == "" {
			return usageError("tag: empty tag name")
		}
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	if err := requireArticles(ctx, lib, ids); err != nil {
		return err
	}
	if len(add) > 0 {
		if err := lib.AddTags(ctx, ids, add...); err != nil {
			return err
		}
	}
	if len(remove) > 0 {
		if err := lib.RemoveTags(ctx, ids, remove...); err != nil {
			return err
		}
	}
	for _, id := range ids {
		a, err := getArticle(ctx, lib, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d  [%s]\n", id, strings.Join(a.Tags, ", "))
	}
	return nil
}

func (e *env) cmdTags(ctx context.Context, args []string) error {
	fs := e.commonFlags("tags", "tags [--json] | tags rename OLD NEW")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	if len(rest) > 0 {
		if rest[0] != "rename" || len(rest) != 3 {
			return usageError("tags rename OLD NEW (renaming onto an existing tag merges them)")
		}
		if err := lib.RenameTag(ctx, rest[1], rest[2]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "renamed %q to %q\n", rest[1], rest[2])
		return nil
	}
	tags, err := lib.Tags(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeTagsJSON(e.stdout, tags)
	}
	for _, t := range tags {
		fmt.Fprintf(e.stdout, "%6d  %s\n", t.Count, t.Name)
	}
	return nil
}

func (e *env) cmdNote(ctx context.Context, args []string) error {
	fs := e.commonFlags("note", "note ID TEXT | note list ID [--json] | note edit NOTE_ID TEXT | note delete NOTE_ID")
	asJSON := fs.Bool("json", false, "print JSON (note list)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) < 2 {
		return usageError("note ID TEXT | note list ID | note edit NOTE_ID TEXT | note delete NOTE_ID")
	}
	verb := "add"
	switch rest[0] {
	case "list", "edit", "delete":
		verb, rest = rest[0], rest[1:]
	}
	ids, err := parseIDs(rest[:1])
	if err != nil {
		return err
	}
	id, text := ids[0], strings.TrimSpace(strings.Join(rest[1:], " "))
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	switch verb {
	case "add", "edit":
		if text == "" {
			return usageError("note: the text is empty")
		}
		var n storage.Note
		if verb == "add" {
			n, err = lib.AddNote(ctx, id, text)
		} else {
			n, err = lib.UpdateNote(ctx, id, text)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "note %d on article %d saved\n", n.ID, n.ArticleID)
	case "delete":
		if len(rest) != 1 {
			return usageError("note delete takes one note id")
		}
		if err := lib.DeleteNote(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "note %d deleted\n", id)
	case "list":
		notes, err := lib.Notes(ctx, id)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeNotesJSON(e.stdout, notes)
		}
		for _, n := range notes {
			fmt.Fprintf(e.stdout, "note %d  %s\n%s\n\n", n.ID, n.Created.Local().Format("2006-01-02 15:04"), n.Text)
		}
	}
	return nil
}

// parseMark reads the state word of 'folio mark', in either spelling.
func parseMark(word string) (storage.Mark, bool) {
	switch word {
	case "read":
		return storage.MarkRead, true
	case "unread":
		return storage.MarkUnread, true
	case "favorite", "favourite":
		return storage.MarkFavorite, true
	case "unfavorite", "unfavourite":
		return storage.MarkUnfavorite, true
	case "archive":
		return storage.MarkArchive, true
	case "unarchive":
		return storage.MarkUnarchive, true
	}
	return 0, false
}

func (e *env) cmdMark(ctx context.Context, args []string) error {
	fs := e.commonFlags("mark", "mark ID... read|unread|favorite|unfavorite|archive|unarchive")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) < 2 {
		return usageError("mark ID... read|unread|favorite|unfavorite|archive|unarchive")
	}
	m, ok := parseMark(rest[len(rest)-1])
	if !ok {
		return usageError("mark: %q is not one of read, unread, favorite, unfavorite, archive, unarchive", rest[len(rest)-1])
	}
	ids, err := parseIDs(rest[:len(rest)-1])
	if err != nil {
		return err
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	if err := requireArticles(ctx, lib, ids); err != nil {
		return err
	}
	return lib.Mark(ctx, ids, m)
}

func (e *env) cmdDelete(ctx context.Context, args []string) error {
	fs := e.commonFlags("delete", "delete ID...")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageError("delete needs article ids")
	}
	ids, err := parseIDs(rest)
	if err != nil {
		return err
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	if err := requireArticles(ctx, lib, ids); err != nil {
		return err
	}
	if err := lib.Delete(ctx, ids...); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "deleted %d article(s)\n", len(ids))
	return nil
}

func (e *env) cmdRefetch(ctx context.Context, args []string) error {
	fs := e.commonFlags("refetch", "refetch [--offline] [--force] [--accept-shorter] ID... | refetch --offline --all [--accept-shorter] [--restart]")
	e.timeoutFlag(fs)
	offline := fs.Bool("offline", false, "extract again from the stored page, without the network")
	force := fs.Bool("force", false, "keep the page even when no article text is found")
	shorter := fs.Bool("accept-shorter", false, "take a new text even when it has more than 10% fewer words")
	all := fs.Bool("all", false, "with --offline: re-extract every article with the current extractor (resumes an interrupted run)")
	restart := fs.Bool("restart", false, "with --all: start again from the first article instead of resuming")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *all && !*offline:
		return usageError("refetch --all works on the stored pages: add --offline (fetching every article again is not offered)")
	case *all && len(rest) > 0:
		return usageError("refetch --all takes no article ids")
	case *restart && !*all:
		return usageError("--restart goes with --all")
	case *all:
		return e.reextractAll(ctx, *shorter, *restart)
	case len(rest) == 0:
		return usageError("refetch needs article ids, or --offline --all")
	}
	ids, err := parseIDs(rest)
	if err != nil {
		return err
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	sv := save.New(lib, e.reader())
	failed := false
	for _, id := range ids {
		a, err := getArticle(ctx, lib, id)
		if err != nil {
			return err
		}
		r, err := sv.Refetch(ctx, id, save.RefetchOptions{Offline: *offline, Force: *force, AcceptShorter: *shorter})
		switch {
		case errors.Is(err, save.ErrNoOriginal):
			err = fmt.Errorf("no stored page for article %d (refetch without --offline): %w", id, err)
		case errors.Is(err, save.ErrFromFile):
			err = fmt.Errorf("article %d was saved from a file, not a link: re-extract it with --offline", id)
		}
		switch {
		case err != nil:
			fmt.Fprintf(e.stderr, "failed  %d %s: %v\n", id, a.URL, err)
			failed = true
		case r.Shorter && !r.Stored:
			fmt.Fprintf(e.stdout, "kept    %d  %s: the new text has %s fewer words (%d, was %d); --accept-shorter takes it\n",
				id, r.Title, lossPercent(r.OldWords, r.NewWords), r.NewWords, r.OldWords)
		case !r.Stored:
			fmt.Fprintf(e.stdout, "same    %d  %s (nothing changed)\n", id, r.Title)
		default:
			fmt.Fprintf(e.stdout, "updated %d  %s\n", id, r.Title)
		}
	}
	if failed {
		return errSilentFailure
	}
	return nil
}

// lossPercent is how many of old words new lost, as "35%".
func lossPercent(old, new int) string {
	if old <= 0 {
		return "0%"
	}
	return fmt.Sprintf("%d%%", (old-new)*100/old)
}

// reextractAll is 'refetch --offline --all': every article extracted again
// from its stored original, with progress on standard error and a report
// of what changed and what would have lost words.
func (e *env) reextractAll(ctx context.Context, acceptShorter, restart bool) error {
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	sv := save.New(lib, nil)
	step := 0
	rep, err := sv.ReextractAll(ctx, lib, save.ReextractOptions{AcceptShorter: acceptShorter, Restart: restart,
		Progress: func(r save.ReextractReport) {
			// A line every 5% (and at the end), not one per article.
			if p := r.Done * 20 / max(r.Total, 1); p > step || r.Done == r.Total {
				step = p
				fmt.Fprintf(e.stderr, "re-extracted %s of %s\n", formatCount(r.Done), formatCount(r.Total))
			}
		}})
	if rep.Resumed {
		fmt.Fprintln(e.stdout, "resumed the re-extraction that was interrupted (--restart starts again)")
	}
	for _, s := range rep.Shorter {
		verb := "kept   "
		if s.Stored {
			verb = "shorter"
		}
		fmt.Fprintf(e.stdout, "%s %d  %s: %s fewer words (%s, was %s)\n", verb, s.ID, s.Title,
			lossPercent(s.OldWords, s.NewWords), formatCount(s.NewWords), formatCount(s.OldWords))
	}
	for _, f := range rep.Failed {
		fmt.Fprintf(e.stderr, "failed  %d %s: %s\n", f.ID, f.Title, f.Err)
	}
	kept := 0
	for _, s := range rep.Shorter {
		if !s.Stored {
			kept++
		}
	}
	fmt.Fprintf(e.stdout, "%s of %s articles re-extracted: %s changed, %s unchanged", formatCount(rep.Done),
		formatCount(rep.Total), formatCount(rep.Changed), formatCount(rep.Unchanged))
	if kept > 0 {
		fmt.Fprintf(e.stdout, ", %s kept their text (the new one has more than 10%% fewer words; --accept-shorter takes it)", formatCount(kept))
	}
	if len(rep.Failed) > 0 {
		fmt.Fprintf(e.stdout, ", %s failed", formatCount(len(rep.Failed)))
	}
	fmt.Fprintln(e.stdout)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "interrupted: run the same command again to go on where it stopped")
		return errSilentFailure
	}
	if err != nil {
		return err
	}
	if len(rep.Failed) > 0 {
		return errSilentFailure
	}
	return nil
}

// formatCount writes n with thousands separators: 12,345.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + formatCount(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
