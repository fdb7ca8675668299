package ui

import (
	"cmp"
	"context"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/storage"
)

// listStore is what the article list reads.
type listStore interface {
	List(ctx context.Context, f storage.Filter) ([]storage.Summary, string, error)
	Count(ctx context.Context, f storage.Filter) (int, error)
	Search(ctx context.Context, q string, f storage.Filter) ([]storage.SearchResult, error)
	Get(ctx context.Context, id int64) (*storage.Article, error)
}

const (
	pageSize    = 200 // rows fetched per page as the list scrolls
	searchLimit = 200 // best matches shown for a search
	prefetchAt  = 60  // rows from the end at which the next page is fetched
)

// listRow is one line of the list: an article and, in a search, its snippet
// and its place among the matches.
type listRow struct {
	storage.Summary
	Snippet string
	rank    int
}

// articleList is the middle pane: the articles of the current filter or
// search, loaded a page at a time as the list scrolls, with its own
// multi-selection (Ctrl/Shift-click) since widget.List selects one item.
type articleList struct {
	u *UI

	rows    []listRow
	next    string // cursor of the next page; empty at the end
	loading bool
	gen     int // bumped on each reload so late pages of an old query are dropped
	filter  storage.Filter
	query   string
	count   int
	// byDate orders search results newest first instead of by relevance.
	byDate bool

	sel    map[int64]bool
	anchor int // index a Shift-click extends from
	// stale rows no longer belong to the filter (read in Unread, say): they
	// stay while selected and leave when the selection moves off them.
	stale  map[int64]bool
	cursor int // index the keyboard is on
	// openTmr opens the row the keyboard moved to once the keys pause, so
	// the reader always shows the selection but key repeat does not load
	// every article on the way.
	openTmr   *time.Timer
	openDelay time.Duration

	widget  *listWidget
	header  *widget.Label
	sortSel *widget.Select
	empty   *widget.Label
	stack   *fyne.Container
}

// sortNames label storage.Sort values, in order.
var sortNames = []string{"Saved", "Published", "Title"}

// searchSorts are the orders of search results: best match first (while
// searching, the default) or newest saved first.
var searchSorts = []string{"Relevance", "Newest"}

func newArticleList(u *UI) *articleList {
	l := &articleList{u: u, sel: map[int64]bool{}, stale: map[int64]bool{}, anchor: -1, cursor: -1, openDelay: 150 * time.Millisecond}
	p := u.app.Preferences()
	l.filter.State = storage.State(p.IntWithFallback(prefFilterState, int(storage.StateAll)))
	l.filter.Tag = p.String(prefFilterTag)
	l.filter.Sort = storage.Sort(p.IntWithFallback(prefSort, int(storage.SortSaved)))
	return l
}

func (l *articleList) build() fyne.CanvasObject {
	l.widget = newListWidget(l)
	l.header = widget.NewLabel("")
	l.header.TextStyle.Bold = true
	l.header.Truncation = fyne.TextTruncateEllipsis
	l.sortSel = widget.NewSelect(sortNames, func(s string) {
		if l.query != "" {
			if byDate := s == searchSorts[1]; byDate != l.byDate {
				l.byDate = byDate
				l.sortResults()
			}
			return
		}
		for i, n := range sortNames {
			if n == s && storage.Sort(i) != l.filter.Sort {
				l.filter.Sort = storage.Sort(i)
				l.u.app.Preferences().SetInt(prefSort, i)
				l.reload()
			}
		}
	})
	if int(l.filter.Sort) < len(sortNames) {
		l.sortSel.Selected = sortNames[l.filter.Sort]
	}
	l.empty = widget.NewLabel("")
	l.empty.Alignment = fyne.TextAlignCenter
	l.empty.Wrapping = fyne.TextWrapWord
	l.empty.Hide()
	l.stack = container.NewStack(l.widget, container.NewPadded(container.NewVBox(l.empty)))
	top := container.NewBorder(nil, nil, nil, l.sortSel, l.header)
	return container.NewBorder(top, nil, nil, nil, l.stack)
}

// setFilter shows the articles of a sidebar entry, ending a search.
func (l *articleList) setFilter(state storage.State, tag string) {
	searching := l.query != ""
	if searching {
		l.endSearch()
	}
	if l.filter.State == state && l.filter.Tag == tag && !searching {
		return
	}
	l.filter.State, l.filter.Tag = state, tag
	p := l.u.app.Preferences()
	p.SetInt(prefFilterState, int(state))
	p.SetString(prefFilterTag, tag)
	l.clearSelection()
	l.reload()
}

// setQuery searches the whole library, best matches first (or, for an
// empty query, lists the sidebar's choice again, where it was).
func (l *articleList) setQuery(q string) {
	q = strings.TrimSpace(q)
	if q == l.query {
		return
	}
	was := l.query
	l.query = q
	if was == "" {
		l.byDate = false
	}
	l.showSorts()
	if q == "" {
		// back to the list as it was: the sidebar's entry, the open article
		l.u.sidebar.selectCurrent()
		l.clearSelection()
		if id := l.u.view.id; id != 0 {
			l.sel[id] = true
		}
		l.reload()
		return
	}
	// A search covers the library, so the sidebar shows no entry chosen.
	l.u.sidebar.list.UnselectAll()
	l.clearSelection()
	l.reload()
}

// endSearch clears the search field and the search, for a sidebar choice.
func (l *articleList) endSearch() {
	l.query = ""
	l.showSorts()
	if l.u.search.Text != "" {
		l.u.search.SetText("")
	}
}

// showSorts offers the orders that apply: a search's, or a listing's.
func (l *articleList) showSorts() {
	if l.query != "" {
		l.sortSel.Options = searchSorts
		l.sortSel.Selected = searchSorts[0]
		if l.byDate {
			l.sortSel.Selected = searchSorts[1]
		}
	} else {
		l.sortSel.Options = sortNames
		if int(l.filter.Sort) < len(sortNames) {
			l.sortSel.Selected = sortNames[l.filter.Sort]
		}
	}
	l.sortSel.Refresh()
}

// sortResults puts search results in the chosen order: by rank as the
// library gave them, or newest saved first.
func (l *articleList) sortResults() {
	if l.byDate {
		slices.SortStableFunc(l.rows, func(a, b listRow) int { return b.Saved.Compare(a.Saved) })
	} else {
		slices.SortStableFunc(l.rows, func(a, b listRow) int { return cmp.Compare(a.rank, b.rank) })
	}
	l.cursor = l.indexOf(l.cursorID())
	l.widget.Refresh()
	l.widget.ScrollToTop()
}

// reload fetches the first page of the current filter or search.
func (l *articleList) reload() {
	l.gen++
	gen, f, q := l.gen, l.filter, l.query
	l.loading = true
	l.u.bg.run(func(ctx context.Context) func() {
		var rows []listRow
		var next string
		var err error
		if q != "" {
			var hits []storage.SearchResult
			hits, err = l.u.lib.Search(ctx, q, storage.Filter{Limit: searchLimit})
			rows = make([]listRow, len(hits))
			for i, h := range hits {
				rows[i] = listRow{Summary: h.Summary, Snippet: h.Snippet, rank: i}
			}
		} else {
			f.Limit = pageSize
			var items []storage.Summary
			items, next, err = l.u.lib.List(ctx, f)
			rows = make([]listRow, len(items))
			for i, s := range items {
				rows[i] = listRow{Summary: s}
			}
		}
		count := len(rows)
		if err == nil && q == "" {
			count, err = l.u.lib.Count(ctx, f)
		}
		total := -1
		if err == nil && q == "" && f.State == storage.StateAll && f.Tag == "" && f.Site == "" {
			total = count
		} else if err == nil {
			total, err = l.u.lib.Count(ctx, storage.Filter{})
		}
		return func() {
			if gen != l.gen {
				return
			}
			l.loading = false
			if err != nil {
				l.u.log.Error("load the article list", "query", q, "err", err)
				l.showEmpty(explain(err))
				return
			}
			keep := l.cursorID() // the row the keyboard was on, found again below
			l.rows, l.next, l.count = rows, next, count
			clear(l.stale)
			if q != "" && l.byDate {
				l.sortResults()
			}
			l.cursor = l.indexOf(keep)
			l.updateHeader()
			l.widget.Refresh()
			if gen == 1 || l.cursor < 0 {
				l.widget.ScrollToTop()
			} else {
				l.widget.ScrollTo(l.cursor)
			}
			// The reader shows only an article the list shows.
			if q != "" && l.u.view.id != 0 && l.indexOf(l.u.view.id) < 0 {
				l.u.view.clear()
			}
			l.u.setTotal(total)
		}
	})
}

// loadMore fetches the next page when the list nears its end.
func (l *articleList) loadMore() {
	if l.loading || l.next == "" || l.query != "" {
		return
	}
	l.loading = true
	gen, f := l.gen, l.filter
	f.Limit, f.After = pageSize, l.next
	l.u.bg.run(func(ctx context.Context) func() {
		items, next, err := l.u.lib.List(ctx, f)
		return func() {
			if gen != l.gen {
				return
			}
			l.loading = false
			if err != nil {
				l.u.fail("load more articles", err)
				return
			}
			for _, s := range items {
				l.rows = append(l.rows, listRow{Summary: s})
			}
			l.next = next
			l.widget.Refresh()
		}
	})
}

func (l *articleList) updateHeader() {
	var b strings.Builder
	switch {
	case l.query != "":
		switch n := len(l.rows); {
		case n == 0:
			b.WriteString("No matches")
		case n >= searchLimit:
			b.WriteString("Best " + strconv.Itoa(n) + " matches")
		case n == 1:
			b.WriteString("1 match")
		default:
			b.WriteString(strconv.Itoa(n) + " matches")
		}
		b.WriteString(" in your library")
	default:
		// A bare count, as in the sidebar: "All articles · 100,000 articles"
		// said "articles" twice and ran out of room in a 1024-wide window.
		b.WriteString(filterTitle(l.filter))
		b.WriteString(" · ")
		b.WriteString(formatCount(l.count))
	}
	l.header.SetText(b.String())
	switch {
	case len(l.rows) > 0:
		l.empty.Hide()
	case l.query != "":
		l.showEmpty("Nothing in your library matches “" + l.query + "”. Try fewer or different words.")
	case l.filter.Tag != "":
		l.showEmpty("No articles tagged “" + l.filter.Tag + "” here.")
	case l.filter.State == storage.StateUnread:
		l.showEmpty("You've read everything. Well done.")
	case l.filter.State == storage.StateFavorite:
		l.showEmpty("No favourites yet. Star an article to find it here.")
	case l.filter.State == storage.StateArchived:
		l.showEmpty("Nothing archived yet.")
	default:
		l.showEmpty("No articles.")
	}
}

func (l *articleList) showEmpty(msg string) {
	l.empty.SetText(msg)
	l.empty.Show()
}

func filterTitle(f storage.Filter) string {
	if f.Tag != "" {
		return "#" + f.Tag
	}
	switch f.State {
	case storage.StateUnread:
		return "Unread"
	case storage.StateFavorite:
		return "Favourites"
	case storage.StateArchived:
		return "Archive"
	}
	return "All articles"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatCount(n) + " " + many
}

// formatCount writes n with thousands separators: 100,000.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (l *articleList) indexOf(id int64) int {
	if id == 0 {
		return -1
	}
	for i := range l.rows {
		if l.rows[i].ID == id {
			return i
		}
	}
	return -1
}

func (l *articleList) cursorID() int64 {
	if l.cursor >= 0 && l.cursor < len(l.rows) {
		return l.rows[l.cursor].ID
	}
	if l.u.view != nil {
		return l.u.view.id
	}
	return 0
}

// click handles a tap on row i: plain opens it, Ctrl toggles it in the
// selection, Shift selects the range from the last click.
func (l *articleList) click(i int, mods fyne.KeyModifier) {
	if i < 0 || i >= len(l.rows) {
		return
	}
	l.u.win.Canvas().Focus(l.widget)
	id := l.rows[i].ID
	switch {
	case mods&fyne.KeyModifierShift != 0 && l.anchor >= 0:
		lo, hi := min(l.anchor, i), max(l.anchor, i)
		if mods&fyne.KeyModifierShortcutDefault == 0 {
			clear(l.sel)
		}
		for j := lo; j <= hi && j < len(l.rows); j++ {
			l.sel[l.rows[j].ID] = true
		}
	case mods&fyne.KeyModifierShortcutDefault != 0:
		if l.sel[id] {
			delete(l.sel, id)
		} else {
			l.sel[id] = true
			// Ctrl-clicking a second article keeps the open one selected.
			if len(l.sel) == 1 && l.u.view.id != 0 && l.u.view.id != id && l.indexOf(l.u.view.id) >= 0 {
				l.sel[l.u.view.id] = true
			}
		}
		l.anchor = i
	default:
		clear(l.sel)
		l.sel[id] = true
		l.anchor = i
		l.cursor = i
		l.dropStale()
		l.widget.Refresh()
		l.u.view.show(id)
		return
	}
	l.cursor = i
	l.dropStale()
	l.widget.Refresh()
	l.selectionChanged()
}

func (l *articleList) selectionChanged() {
	ids := l.selectedIDs()
	if len(ids) > 1 {
		l.u.view.showMany(ids)
	} else if len(ids) == 1 && ids[0] != l.u.view.id {
		l.u.view.show(ids[0])
	}
}

// move puts the keyboard cursor d rows away and selects that row.
func (l *articleList) move(d int) {
	if len(l.rows) == 0 {
		return
	}
	i := l.cursor + d
	if l.cursor < 0 {
		i = 0
	}
	i = max(0, min(i, len(l.rows)-1))
	l.cursor, l.anchor = i, i
	clear(l.sel)
	l.sel[l.rows[i].ID] = true
	l.dropStale()
	l.widget.ScrollTo(l.cursor)
	l.widget.Refresh()
	id := l.rows[l.cursor].ID
	if l.openTmr != nil {
		l.openTmr.Stop()
	}
	l.openTmr = l.u.bg.after(l.openDelay, func() {
		if len(l.sel) == 1 && l.sel[id] && l.u.view.id != id {
			l.u.view.show(id)
		}
	})
}

// openCursor opens the row the keyboard is on.
func (l *articleList) openCursor() {
	if l.cursor >= 0 && l.cursor < len(l.rows) {
		l.u.view.show(l.rows[l.cursor].ID)
	}
}

// selectID selects one article if it is loaded, scrolling to it.
func (l *articleList) selectID(id int64) {
	clear(l.sel)
	l.sel[id] = true
	l.dropStale()
	if i := l.indexOf(id); i >= 0 {
		l.cursor, l.anchor = i, i
		l.widget.ScrollTo(i)
	}
	l.widget.Refresh()
}

func (l *articleList) clearSelection() {
	clear(l.sel)
	l.anchor = -1
}

// selectedIDs lists the selection in list order.
func (l *articleList) selectedIDs() []int64 {
	if len(l.sel) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(l.sel))
	seen := 0
	for _, r := range l.rows {
		if l.sel[r.ID] {
			ids = append(ids, r.ID)
			seen++
		}
	}
	if seen < len(l.sel) {
		// selected articles that a reload left out of the list still count
		for id := range l.sel {
			if l.indexOf(id) < 0 {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// patch changes loaded rows in place, e.g. after marking them read.
func (l *articleList) patch(ids []int64, f func(*storage.Summary)) {
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	for i := range l.rows {
		if want[l.rows[i].ID] {
			f(&l.rows[i].Summary)
			l.widget.RefreshItem(i)
			// A row that no longer fits the filter stays while it is
			// selected, as in a mail app's Unread view, so it does not
			// vanish under the pointer or while being read.
			if fits(&l.rows[i].Summary, l.filter) {
				delete(l.stale, l.rows[i].ID)
			} else {
				l.stale[l.rows[i].ID] = true
			}
		}
	}
	l.dropStale()
}

// dropStale removes the rows that no longer fit the filter and are not
// selected, keeping the keyboard cursor and Shift anchor on their rows.
func (l *articleList) dropStale() {
	var gone []int64
	for id := range l.stale {
		if !l.sel[id] {
			gone = append(gone, id)
		}
	}
	if len(gone) == 0 {
		return
	}
	cursor, anchor := l.cursorID(), int64(0)
	if l.anchor >= 0 && l.anchor < len(l.rows) {
		anchor = l.rows[l.anchor].ID
	}
	for _, id := range gone {
		delete(l.stale, id)
	}
	l.remove(gone)
	l.cursor, l.anchor = l.indexOf(cursor), l.indexOf(anchor)
}

// remove drops deleted articles from the list.
func (l *articleList) remove(ids []int64) {
	gone := make(map[int64]bool, len(ids))
	for _, id := range ids {
		gone[id] = true
		delete(l.sel, id)
		delete(l.stale, id)
	}
	kept := l.rows[:0]
	for _, r := range l.rows {
		if !gone[r.ID] {
			kept = append(kept, r)
		}
	}
	l.count -= len(l.rows) - len(kept)
	l.rows = kept
	l.cursor = min(l.cursor, len(l.rows)-1)
	l.updateHeader()
	l.widget.Refresh()
}

// added shows a newly saved article without reloading: in a newest-first
// list it joins the top, so a person scrolled down the list is not thrown
// back to the start while twenty links arrive. Other orders and searches
// only recount; the article shows on their next reload.
func (l *articleList) added(id int64) {
	f, q := l.filter, l.query
	l.u.bg.run(func(ctx context.Context) func() {
		total, err := l.u.lib.Count(ctx, storage.Filter{})
		if err != nil {
			return func() { l.u.fail("count articles", err) }
		}
		var a *storage.Article
		if id != 0 && q == "" && f.Sort == storage.SortSaved {
			if a, err = l.u.lib.Get(ctx, id); err != nil {
				return func() { l.u.fail("show the saved article", err) }
			}
		}
		return func() {
			l.u.setTotal(total)
			if a == nil || l.filter != f || l.query != q || l.indexOf(id) >= 0 {
				return
			}
			s := summaryOf(a)
			if !fits(&s, f) {
				return
			}
			l.rows = append([]listRow{{Summary: s}}, l.rows...)
			l.count++
			if l.cursor >= 0 {
				l.cursor++
			}
			if l.anchor >= 0 {
				l.anchor++
			}
			l.updateHeader()
			l.widget.Refresh()
		}
	})
}

// fits says whether an article belongs in a listing with filter f.
func fits(a *storage.Summary, f storage.Filter) bool {
	if f.Site != "" && !strings.EqualFold(f.Site, a.SiteName) {
		return false
	}
	if f.Tag != "" {
		found := false
		for _, t := range a.Tags {
			found = found || strings.EqualFold(t, f.Tag)
		}
		if !found {
			return false
		}
	}
	switch f.State {
	case storage.StateUnread:
		return !a.Read && !a.Archived
	case storage.StateFavorite:
		return a.Favorite
	case storage.StateArchived:
		return a.Archived
	}
	return true
}

func summaryOf(a *storage.Article) storage.Summary {
	return storage.Summary{
		ID: a.ID, URL: a.URL, Title: a.Title, Byline: a.Byline, SiteName: a.SiteName, Lang: a.Lang,
		Excerpt: a.Excerpt, Published: a.Published, Saved: a.Saved, Words: a.Words, ReadingTime: a.ReadingTime,
		Read: a.Read, Favorite: a.Favorite, Archived: a.Archived, Fetched: a.Fetched, Tags: a.Tags,
		Progress: a.Progress, FetchError: a.FetchError,
	}
}

// listWidget is a widget.List that the keyboard drives: Up/Down move, Enter
// opens, Delete deletes, Ctrl+V saves a copied link.
type listWidget struct {
	widget.List
	owner *articleList
}

func newListWidget(owner *articleList) *listWidget {
	w := &listWidget{owner: owner}
	w.Length = func() int { return len(owner.rows) }
	w.CreateItem = func() fyne.CanvasObject { return newArticleRow(owner) }
	w.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) {
		if i >= len(owner.rows)-prefetchAt {
			owner.loadMore()
		}
		o.(*articleRow).bind(i, &owner.rows[i], owner.sel[owner.rows[i].ID])
	}
	w.ExtendBaseWidget(w)
	return w
}

func (w *listWidget) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyUp:
		w.owner.move(-1)
	case fyne.KeyDown:
		w.owner.move(1)
	case fyne.KeyReturn, fyne.KeyEnter:
		w.owner.openCursor()
	case fyne.KeyDelete:
		w.owner.u.confirmDelete(w.owner.u.targets())
	default:
		w.List.TypedKey(ev)
	}
}

// TypedShortcut saves a copied link pasted onto the list.
func (w *listWidget) TypedShortcut(s fyne.Shortcut) {
	if p, ok := s.(*fyne.ShortcutPaste); ok {
		w.owner.u.pasteLinks(p)
	}
}

// articleRow draws one article: title, then site · date · reading time ·
// tags, then the excerpt or the search snippet with matches in bold. A bar
// on the left marks it unread.
type articleRow struct {
	widget.BaseWidget
	list  *articleList
	index int
	mods  fyne.KeyModifier

	bg     *canvas.Rectangle
	unread *canvas.Rectangle
	text   *widget.RichText
	title  *widget.TextSegment
	meta   *widget.TextSegment
}

var (
	_ fyne.Tappable          = (*articleRow)(nil)
	_ fyne.SecondaryTappable = (*articleRow)(nil)
	_ desktop.Mouseable      = (*articleRow)(nil)
)

func newArticleRow(l *articleList) *articleRow {
	r := &articleRow{list: l, index: -1}
	r.bg = canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
	r.bg.CornerRadius = theme.Size(theme.SizeNameSelectionRadius)
	r.bg.Hide()
	r.unread = canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	r.unread.SetMinSize(fyne.NewSize(3, 0))
	r.title = &widget.TextSegment{Text: "Title", Style: widget.RichTextStyle{SizeName: theme.SizeNameText, TextStyle: fyne.TextStyle{Bold: true}}}
	r.meta = &widget.TextSegment{Text: "Site", Style: widget.RichTextStyle{SizeName: theme.SizeNameCaptionText, ColorName: theme.ColorNamePlaceHolder}}
	r.text = widget.NewRichText(r.title, r.meta, excerptSegment("Excerpt"))
	r.text.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

func (r *articleRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.bg, container.NewBorder(nil, nil, r.unread, nil, r.text)))
}

func excerptSegment(text string) *widget.TextSegment {
	return &widget.TextSegment{Text: text, Style: widget.RichTextStyle{SizeName: theme.SizeNameText, ColorName: theme.ColorNameForeground, Inline: true}}
}

func (r *articleRow) bind(i int, row *listRow, selected bool) {
	r.index = i
	title := row.Title
	if title == "" {
		title = row.URL
	}
	if row.Favorite {
		title = "★ " + title
	}
	r.title.Text = title
	r.title.Style.TextStyle.Bold = !row.Read
	r.meta.Text = metaLine(&row.Summary)

	segs := []widget.RichTextSegment{r.title, r.meta}
	if row.Snippet != "" {
		segs = append(segs, snippetSegments(row.Snippet)...)
	} else if !row.Fetched {
		// a bookmark says why it has no text, and what to do
		segs = append(segs, excerptSegment(bookmarkLine(&row.Summary)))
	} else if row.Excerpt != "" {
		segs = append(segs, excerptSegment(collapse(row.Excerpt)))
	} else {
		segs = append(segs, excerptSegment(row.URL))
	}
	r.text.Segments = segs
	// Colours are read at bind time so a light/dark switch reaches the rows.
	// A read row keeps the bar's room, clear, so its text lines up with
	// the unread rows'.
	r.bg.FillColor = theme.Color(theme.ColorNameSelection)
	r.unread.FillColor = theme.Color(theme.ColorNamePrimary)
	if row.Read {
		r.unread.FillColor = color.Transparent
	}
	r.unread.Refresh()
	if selected {
		r.bg.Show()
	} else {
		r.bg.Hide()
	}
	r.text.Refresh()
}

// metaLine is "site · 13 Jan 2022 · 5 min · #tag #tag".
func metaLine(s *storage.Summary) string {
	parts := make([]string, 0, 5)
	parts = append(parts, siteName(s.SiteName, s.URL))
	parts = append(parts, formatDate(s.Saved))
	if s.ReadingTime > 0 {
		parts = append(parts, formatReadingTime(s.ReadingTime))
	}
	if s.Progress >= 0.01 && s.Progress < 0.99 {
		parts = append(parts, fmt.Sprintf("%d%% read", int(s.Progress*100+0.5)))
	}

	if s.Archived {
		parts = append(parts, "archived")
	}
	if len(s.Tags) > 0 {
		parts = append(parts, "#"+strings.Join(s.Tags, " #"))
	}
	return strings.Join(parts, " · ")
}

// bookmarkLine is the third line of a link saved without its page.
func bookmarkLine(s *storage.Summary) string {
	if s.FetchError != "" {
		return "Couldn't be fetched when it was saved. Re-fetch to try again."
	}
	return "Saved as a link only. Re-fetch to get the article."
}

// snippetLead is how many letters of a snippet are kept before its first
// match: the row shows one line, so a match further in falls off its end.
const snippetLead = 24

// centreSnippet cuts a snippet to start a few words before its first
// match, marking the cut with "…", and drops what is a link or markup
// rather than words.
func centreSnippet(snippet string) string {
	words := strings.Fields(snippet)
	kept := words[:0]
	for _, w := range words {
		bare := strings.NewReplacer(storage.SnippetOpen, "", storage.SnippetClose, "", "…", "").Replace(w)
		lower := strings.ToLower(bare)
		if strings.Contains(lower, "://") || strings.HasPrefix(lower, "www.") ||
			(strings.HasPrefix(bare, "<") && strings.Contains(bare, ">")) || strings.HasPrefix(lower, "mailto:") {
			continue
		}
		kept = append(kept, w)
	}
	snippet = strings.Join(kept, " ")
	open := strings.Index(snippet, storage.SnippetOpen)
	if open < 0 {
		return snippet
	}
	before := []rune(snippet[:open])
	if len(before) <= snippetLead {
		return snippet
	}
	cut := string(before[len(before)-snippetLead:])
	if i := strings.IndexByte(cut, ' '); i >= 0 && i < len(cut)-1 {
		cut = cut[i+1:] // start at a word
	}
	return "…" + cut + snippet[open:]
}

// snippetSegments renders a search snippet with its matched terms in bold.
func snippetSegments(snippet string) []widget.RichTextSegment {
	snippet = centreSnippet(collapse(snippet))
	var segs []widget.RichTextSegment
	for snippet != "" {
		open := strings.Index(snippet, storage.SnippetOpen)
		if open < 0 {
			segs = append(segs, excerptSegment(snippet))
			break
		}
		if open > 0 {
			segs = append(segs, excerptSegment(snippet[:open]))
		}
		rest := snippet[open+len(storage.SnippetOpen):]
		end := strings.Index(rest, storage.SnippetClose)
		if end < 0 {
			end = len(rest)
		}
		hit := excerptSegment(rest[:end])
		hit.Style.TextStyle.Bold = true
		hit.Style.ColorName = theme.ColorNamePrimary
		segs = append(segs, hit)
		snippet = strings.TrimPrefix(rest[end:], storage.SnippetClose)
	}
	return segs
}

func (r *articleRow) Tapped(*fyne.PointEvent) {
	mods := r.mods
	r.mods = 0
	r.list.click(r.index, mods)
}

// TappedSecondary offers the actions on the row, or on the selection when
// the row is part of it.
func (r *articleRow) TappedSecondary(ev *fyne.PointEvent) {
	l := r.list
	if r.index < 0 || r.index >= len(l.rows) {
		return
	}
	if !l.sel[l.rows[r.index].ID] {
		l.click(r.index, 0)
	}
	u := l.u
	act := func(label string, m storage.Mark) *fyne.MenuItem {
		return fyne.NewMenuItem(label, func() { u.mark(u.targets(), m) })
	}
	items := []*fyne.MenuItem{
		act("Mark read", storage.MarkRead), act("Mark unread", storage.MarkUnread),
		act("Favourite", storage.MarkFavorite), act("Archive", storage.MarkArchive),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Re-fetch", func() {
			for _, id := range u.targets() {
				u.queue.refetch(id)
			}
		}),
		fyne.NewMenuItem("Export…", u.export),
		fyne.NewMenuItem("Delete…", func() { u.confirmDelete(u.targets()) }),
	}
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), u.win.Canvas(), ev.AbsolutePosition)
}

// MouseDown remembers the modifier keys for the tap that follows.
func (r *articleRow) MouseDown(ev *desktop.MouseEvent) { r.mods = ev.Modifier }
func (r *articleRow) MouseUp(*desktop.MouseEvent)      {}

// refreshRows reloads the list in place after the library changed
// elsewhere: as many rows as are loaded (at least a page), with the
// selection, the keyboard cursor and the scroll position kept. A selected
// row that left the list stays until the selection moves, as one marked
// here does.
func (l *articleList) refreshRows() {
	if l.loading {
		return // a reload is on its way
	}
	gen, f, q, want := l.gen, l.filter, l.query, max(pageSize, len(l.rows))
	l.u.bg.run(func(ctx context.Context) func() {
		var rows []listRow
		var next string
		var err error
		count := 0
		if q != "" {
			f.Limit = searchLimit
			var hits []storage.SearchResult
			hits, err = l.u.lib.Search(ctx, q, f)
			for _, h := range hits {
				rows = append(rows, listRow{Summary: h.Summary, Snippet: h.Snippet})
			}
			count = len(rows)
		} else {
			for len(rows) < want && err == nil {
				f.Limit = min(1000, want-len(rows))
				var items []storage.Summary
				items, next, err = l.u.lib.List(ctx, f)
				for _, s := range items {
					rows = append(rows, listRow{Summary: s})
				}
				if next == "" {
					break
				}
				f.After = next
			}
			if err == nil {
				count, err = l.u.lib.Count(ctx, storage.Filter{Tag: f.Tag, Site: f.Site, State: f.State})
			}
		}
		return func() {
			if gen != l.gen || l.loading {
				return
			}
			if err != nil {
				l.u.log.Warn("refresh the article list", "err", err)
				return
			}
			cursor := l.cursorID()
			anchor := int64(0)
			if l.anchor >= 0 && l.anchor < len(l.rows) {
				anchor = l.rows[l.anchor].ID
			}
			have := make(map[int64]bool, len(rows))
			for _, r := range rows {
				have[r.ID] = true
			}
			// selected rows that left keep their place
			for i, r := range l.rows {
				if l.sel[r.ID] && !have[r.ID] {
					at := min(i, len(rows))
					rows = append(rows[:at], append([]listRow{r}, rows[at:]...)...)
					l.stale[r.ID] = true
				}
			}
			l.rows, l.next, l.count = rows, next, count
			l.cursor, l.anchor = l.indexOf(cursor), l.indexOf(anchor)
			l.updateHeader()
			l.widget.Refresh()
		}
	})
}
