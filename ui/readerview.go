package ui

import (
	"context"
	"errors"
	"fmt"
	"html"
	"image/color"
	"net/url"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// viewStore is what the reader reads and changes.
type viewStore interface {
	Get(ctx context.Context, id int64) (*storage.Article, error)
	Image(ctx context.Context, articleID int64, url string) (string, []byte, error)
	Mark(ctx context.Context, ids []int64, m storage.Mark) error
	Remove(ctx context.Context, ids ...int64) (*storage.Removed, error)
	Restore(ctx context.Context, r *storage.Removed) error
	Count(ctx context.Context, f storage.Filter) (int, error)
	SetPosition(ctx context.Context, id int64, position int, progress float64) error
}

// positionDelay is how long the page must rest before its position is
// remembered.
const positionDelay = time.Second

// bodyScale is the reader's body text against the theme's text size: a
// little larger than the interface's, as a book page is.
const bodyScale = 1.15

// readerView is the right pane: the open article rendered from its stored
// HTML, its tags and notes, and the actions on it (or on a multi-selection).
type readerView struct {
	u       *UI
	id      int64 // open article; 0 when none
	art     *storage.Article
	gen     int
	scale   float32
	readTmr *time.Timer // marks the open article read; stopped when another opens
	posTmr  *time.Timer // remembers the reading position once scrolling rests
	keep    bool        // the next fill keeps the position (and notes being edited)

	original  *widget.Button
	page      *docPage
	scroll    *wheelScroll
	header    *block // the tag editor and "Open original", a widget in the page
	sized     *container.ThemeOverride
	theme     *scaledTheme
	style     *docStyle
	tags      *tagEditor
	manyTags  *tagEditor
	notes     *notesPanel
	split     *container.Split // article / notes, when the notes are open
	notesOpen bool

	readBtn, favBtn, archiveBtn, exportBtn *widget.Button
	actions                                *actionBar
	many                                   *widget.Label
	placeholder                            *widget.Label
	stack                                  *fyne.Container
	article                                *fyne.Container // the page, and the notes as they fit
	manyPane                               fyne.CanvasObject
}

func newReaderView(u *UI) *readerView {
	v := &readerView{u: u}
	p := u.app.Preferences()
	v.scale = float32(p.FloatWithFallback(prefTextScale, 1))
	v.style = &docStyle{serif: p.StringWithFallback(prefReaderFont, fontSerif) == fontSerif}
	return v
}

func (v *readerView) build() fyne.CanvasObject {
	v.original = widget.NewButtonWithIcon("Open original", theme.ComputerIcon(), func() {
		switch {
		case v.art == nil:
		case v.art.PageType == reader.PDF:
			v.u.openDocument(v.art.ID, v.art.Title)
		default:
			if u, err := url.Parse(v.art.URL); err == nil {
				v.u.openURL(u)
			}
		}
	})
	v.original.Importance = widget.LowImportance
	v.tags = newTagEditor(v.u)
	v.theme = &scaledTheme{scale: v.scale}
	v.style.size = theme.TextSize() * bodyScale * v.scale
	head := container.NewVBox(v.tags.build(), container.NewHBox(v.original), widget.NewSeparator())
	v.sized = container.NewThemeOverride(head, v.theme)
	v.header = &block{kind: blockWidget, obj: v.sized}
	v.page = newDocPage(v.theme, v.style, v.u.openURL)
	v.page.onMove = v.moved
	v.scroll = newWheelScroll(v.page)

	v.notes = newNotesPanel(v.u)
	v.notes.build()
	v.split = container.NewVSplit(v.scroll, container.NewStack())
	v.split.Offset = v.u.app.Preferences().FloatWithFallback(prefSplitNotes, defaultSplitNotes)
	v.article = container.NewStack()
	v.notes.changed = v.placeNotes
	v.placeNotes()

	v.actions = v.buildActions()
	v.many = widget.NewLabel("")
	v.many.Alignment = fyne.TextAlignCenter
	v.manyTags = newTagEditor(v.u)
	v.manyPane = container.NewCenter(container.New(&maxWidthLayout{max: 480}, container.NewVBox(v.many, v.manyTags.build())))
	v.placeholder = widget.NewLabel("Choose an article to read it here.")
	v.placeholder.Alignment = fyne.TextAlignCenter
	v.placeholder.Importance = widget.LowImportance
	v.stack = container.NewStack(container.NewCenter(v.placeholder))
	v.enableActions(false)
	return container.NewBorder(container.NewVBox(v.actions, widget.NewSeparator()), nil, nil, nil, v.stack)
}

func (v *readerView) buildActions() *actionBar {
	btn := func(label string, icon fyne.Resource, f func()) *widget.Button {
		b := widget.NewButtonWithIcon(label, icon, f)
		b.Importance = widget.LowImportance
		return b
	}
	v.readBtn = btn("Mark read", theme.VisibilityIcon(), func() {
		m := storage.MarkRead
		if v.allRead() {
			m = storage.MarkUnread
		}
		v.u.mark(v.u.targets(), m)
	})
	v.favBtn = btn("Favourite", starOutlineIcon(), func() {
		m := storage.MarkFavorite
		if v.art != nil && v.art.Favorite && len(v.u.targets()) == 1 {
			m = storage.MarkUnfavorite
		}
		v.u.mark(v.u.targets(), m)
	})
	v.archiveBtn = btn("Archive", theme.StorageIcon(), func() {
		m := storage.MarkArchive
		if v.art != nil && v.art.Archived && len(v.u.targets()) == 1 {
			m = storage.MarkUnarchive
		}
		v.u.mark(v.u.targets(), m)
	})
	refetch := btn("Re-fetch", theme.ViewRefreshIcon(), func() {
		for _, id := range v.u.targets() {
			v.u.queue.refetch(id)
		}
	})
	v.exportBtn = btn("Export…", theme.DocumentSaveIcon(), v.u.export)
	del := btn("Delete", theme.DeleteIcon(), func() { v.u.confirmDelete(v.u.targets()) })
	// When the pane narrows, the rarer actions go into "More" first; marking
	// read stays on the row.
	return newActionBar([]*widget.Button{v.readBtn, v.favBtn, v.archiveBtn, refetch, v.exportBtn, del}, []int{3, 4, 5, 2, 1})
}

// allRead says whether every target is read (the button then marks unread).
func (v *readerView) allRead() bool {
	ids := v.u.targets()
	if len(ids) == 1 && v.art != nil && ids[0] == v.id {
		return v.art.Read
	}
	for _, id := range ids {
		if i := v.u.list.indexOf(id); i < 0 || !v.u.list.rows[i].Read {
			return false
		}
	}
	return len(ids) > 0
}

func (v *readerView) updateActions() {
	single := v.art != nil && len(v.u.targets()) <= 1
	read := v.allRead()
	if read {
		v.readBtn.SetText("Mark unread")
		v.readBtn.SetIcon(theme.VisibilityOffIcon())
	} else {
		v.readBtn.SetText("Mark read")
		v.readBtn.SetIcon(theme.VisibilityIcon())
	}
	// The star shows the state, the label what a click does.
	if single && v.art.Favorite {
		v.favBtn.SetText("Unfavourite")
		v.favBtn.SetIcon(starIcon())
	} else {
		v.favBtn.SetText("Favourite")
		v.favBtn.SetIcon(starOutlineIcon())
	}
	if single && v.art.Archived {
		v.archiveBtn.SetText("Unarchive")
	} else {
		v.archiveBtn.SetText("Archive")
	}
	v.enableActions(true)
	// A longer label may move an action into "More", or a shorter one back.
	v.actions.Refresh()
}

// enableActions greys the action buttons out when no article is chosen.
func (v *readerView) enableActions(on bool) {
	v.actions.setEnabled(on)
}

// show opens an article: the library work and the rendering happen in a
// goroutine, then the widgets are filled in one go.
func (v *readerView) show(id int64) {
	v.savePosition()
	v.gen++
	gen := v.gen
	if v.readTmr != nil {
		v.readTmr.Stop()
	}
	v.u.bg.run(func(ctx context.Context) func() {
		a, err := v.u.lib.Get(ctx, id)
		if err != nil {
			return func() { v.u.fail(fmt.Sprintf("open article %d", id), err) }
		}
		images := map[string]*docImage{}
		why := map[string]string{}
		for _, img := range a.Images {
			if img.ContentType == "" {
				continue
			}
			_, data, err := v.u.lib.Image(ctx, id, img.URL)
			if err != nil {
				v.u.log.Warn("load image", "article", id, "url", img.URL, "err", err)
				continue
			}
			images[img.URL], why[img.URL] = decodeImage(data, "")
		}
		base, _ := url.Parse(a.URL)
		doc := articleDocument(a, base, func(src string) (*docImage, string) { return images[src], why[src] })
		return func() {
			if gen != v.gen {
				return
			}
			v.fill(a, doc)
		}
	})
}

// articleDocument is the body of a, or says why there is none.
func articleDocument(a *storage.Article, base *url.URL, images func(string) (*docImage, string)) *document {
	if a.Fetched && a.PageType == reader.PDF && strings.TrimSpace(a.HTML) == "" {
		return parseDocument("<p>This PDF has no text Folio can read (it may be a scan). Open the PDF to see it.</p>", nil, nil)
	}
	if !a.Fetched || strings.TrimSpace(a.HTML) == "" {
		msg := "Folio has only the link to this page, not its text."
		if a.FetchError != "" {
			// FetchError is the Go error text from the import (logged
			// then); it is not words for a person.
			msg = "Folio couldn't fetch this page when it was saved."
		}
		return parseDocument("<p>"+html.EscapeString(msg)+"</p><p>Use Re-fetch to try again, or open the original.</p>", nil, nil)
	}
	return parseDocument(a.HTML, base, images)
}

// headBlocks are the title, byline and dates above the article.
func (v *readerView) headBlocks(a *storage.Article) []*block {
	text := func(kind blockKind, s string, st fyne.TextStyle) *block {
		return &block{kind: kind, text: s, runs: []run{{end: len(s), style: st}}, start: -1}
	}
	title := displayTitle(a.Title, a.URL)
	out := []*block{text(blockTitle, title, fyne.TextStyle{Bold: true})}
	var by []string
	if a.Byline != "" {
		by = append(by, a.Byline)
	}
	by = append(by, siteName(a.SiteName, a.URL))
	out = append(out, text(blockMeta, strings.Join(by, " · "), fyne.TextStyle{}))
	dates := []string{}
	if !a.Published.IsZero() {
		dates = append(dates, "Published "+formatDate(a.Published))
	}
	dates = append(dates, "Saved "+formatDate(a.Saved))
	if a.ReadingTime > 0 {
		dates = append(dates, formatReadingTime(a.ReadingTime)+" read")
	}
	out = append(out, text(blockMeta, strings.Join(dates, " · "), fyne.TextStyle{}))
	return append(out, v.header)
}

// siteName is the site an article is from: the name the page gave, else
// its host without "www.".
func siteName(name, link string) string {
	name = strings.TrimSpace(name)
	if lower := strings.ToLower(name); strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		link, name = name, "" // a page that gave its address as its name
	}
	if name != "" {
		return name
	}
	if u, err := url.Parse(link); err == nil && u.Hostname() != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return link
}

func (v *readerView) fill(a *storage.Article, doc *document) {
	pos := a.Position // where the reader left it
	again := v.keep && v.art != nil && v.art.ID == a.ID
	v.keep = false
	if again {
		// the same article, changed elsewhere: stay where the reader is
		pos = v.art.Position
	}
	v.id, v.art = a.ID, a
	v.page.setDocument(v.headBlocks(a), doc)
	if a.PageType == reader.PDF {
		v.original.SetText("Open PDF") // the stored document, in the system's viewer
	} else {
		v.original.SetText("Open original")
	}
	v.tags.set([]int64{a.ID}, a.Tags)
	if !again {
		v.notes.load(a.ID)
	}
	v.show1(v.article)
	v.page.scrollToOffset(pos)
	v.updateActions()
	if !a.Read {
		// Opening counts as reading only if the article stays open a moment,
		// so arrowing through the list does not mark everything read.
		id, gen := a.ID, v.gen
		v.readTmr = v.u.bg.after(v.u.markReadAfter, func() {
			if v.gen == gen && v.id == id && v.art != nil && !v.art.Read {
				v.u.mark([]int64{id}, storage.MarkRead)
			}
		})
	}
}

func (v *readerView) show1(o fyne.CanvasObject) {
	v.stack.Objects = []fyne.CanvasObject{o}
	v.stack.Refresh()
}

// placeNotes gives the notes the room they need: with none (or folded)
// only their header shows under the article, otherwise a pane whose
// height the person sets and Folio remembers.
func (v *readerView) placeNotes() {
	var want fyne.CanvasObject
	open := v.notes.open()
	if open == v.notesOpen && len(v.article.Objects) == 1 {
		return
	}
	v.notesOpen = open
	if open {
		v.split.Leading = v.scroll
		v.split.Trailing = container.NewBorder(v.notes.head, nil, nil, nil, v.notes.scroll)
		want = v.split
		v.split.Refresh()
	} else {
		want = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), v.notes.head), nil, nil, v.scroll)
	}
	v.article.Objects = []fyne.CanvasObject{want}
	v.article.Refresh()
}

// reopen shows the open article again as the library now has it, where
// the reader is in it.
func (v *readerView) reopen() {
	if v.art == nil {
		return
	}
	v.savePosition()
	v.keep = true
	v.show(v.art.ID)
}

// moved is told the page scrolled: the position is saved once it rests.
func (v *readerView) moved() {
	if v.art == nil {
		return
	}
	if v.posTmr != nil {
		v.posTmr.Stop()
	}
	gen := v.gen
	v.posTmr = v.u.bg.after(positionDelay, func() {
		if gen == v.gen {
			v.savePosition()
		}
	})
}

// savePosition remembers where the open article is read to, in the library
// and in its list row.
func (v *readerView) savePosition() {
	if v.posTmr != nil {
		v.posTmr.Stop()
	}
	if v.art == nil || v.page == nil || v.page.doc.size == 0 {
		return
	}
	id, pos, frac := v.art.ID, v.page.position(), v.page.fraction()
	if pos == v.art.Position && frac == v.art.Progress {
		return
	}
	v.art.Position, v.art.Progress = pos, frac
	v.u.list.patch([]int64{id}, func(s *storage.Summary) { s.Progress = frac })
	v.u.bg.run(func(ctx context.Context) func() {
		// a position saved as the window closes must still be written
		err := v.u.lib.SetPosition(context.WithoutCancel(ctx), id, pos, frac)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return func() { v.u.log.Warn("save reading position", "article", id, "err", err) }
		}
		return nil
	})
}

// showMany shows what a multi-selection can do.
func (v *readerView) showMany(ids []int64) {
	v.savePosition()
	v.gen++
	v.many.SetText(fmt.Sprintf("%d articles selected.\nThe buttons above apply to all of them.", len(ids)))
	var tags []string
	seen := map[string]bool{}
	for _, id := range ids {
		if i := v.u.list.indexOf(id); i >= 0 {
			for _, t := range v.u.list.rows[i].Tags {
				if !seen[strings.ToLower(t)] {
					seen[strings.ToLower(t)] = true
					tags = append(tags, t)
				}
			}
		}
	}
	v.manyTags.set(ids, tags)
	v.show1(v.manyPane)
	v.updateActions()
}

// clear shows the placeholder.
func (v *readerView) clear() {
	v.savePosition()
	v.gen++
	v.id, v.art = 0, nil
	// Labels back to what a click would do on an unread article, greyed.
	v.updateActions()
	v.enableActions(false)
	v.show1(container.NewCenter(v.placeholder))
}

// marked reflects a flag change on the open article.
func (v *readerView) marked(ids []int64, m storage.Mark) {
	if v.art == nil {
		v.updateActions()
		return
	}
	for _, id := range ids {
		if id == v.id {
			s := storage.Summary{Read: v.art.Read, Favorite: v.art.Favorite, Archived: v.art.Archived}
			applyMark(&s, m)
			v.art.Read, v.art.Favorite, v.art.Archived = s.Read, s.Favorite, s.Archived
		}
	}
	v.updateActions()
}

// reloadTags re-reads the open article's tags (after a rename or merge).
func (v *readerView) reloadTags() {
	if v.id != 0 {
		v.show(v.id)
	}
}

// tagsChanged records new tags for articles shown here and in the list.
func (v *readerView) tagsChanged(ids []int64, add, remove []string) {
	for _, id := range ids {
		if v.art != nil && id == v.id {
			v.art.Tags = changeTags(v.art.Tags, add, remove)
			v.tags.set([]int64{id}, v.art.Tags)
		}
	}
	v.u.list.patch(ids, func(s *storage.Summary) { s.Tags = changeTags(s.Tags, add, remove) })
	v.u.sidebar.reload()
}

// changeTags adds and removes tags, case-insensitively, keeping them sorted
// as the library does.
func changeTags(tags, add, remove []string) []string {
	out := make([]string, 0, len(tags)+len(add))
	drop := map[string]bool{}
	for _, t := range remove {
		drop[strings.ToLower(t)] = true
	}
	have := map[string]bool{}
	for _, t := range append(append([]string{}, tags...), add...) {
		k := strings.ToLower(t)
		if drop[k] || have[k] {
			continue
		}
		have[k] = true
		out = append(out, t)
	}
	sortFold(out)
	return out
}

func sortFold(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && strings.ToLower(s[j]) < strings.ToLower(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// setScale sets the reader's text size, within bounds, and remembers it.
func (v *readerView) setScale(s float32) {
	s = max(minTextScale, min(maxTextScale, s))
	// keep one decimal so repeated steps land on round sizes
	s = float32(int(s*10+0.5)) / 10
	v.scale = s
	v.theme.scale = s
	v.style.size = theme.TextSize() * bodyScale * s
	v.sized.Refresh()
	v.page.restyle()
	v.u.app.Preferences().SetFloat(prefTextScale, float64(s))
}

// setSerif sets the article text in the bundled serif or the sans face.
func (v *readerView) setSerif(on bool) {
	v.style.serif = on
	font := fontSans
	if on {
		font = fontSerif
	}
	v.u.app.Preferences().SetString(prefReaderFont, font)
	v.page.restyle()
}

func (v *readerView) savePrefs(p fyne.Preferences) {
	p.SetFloat(prefSplitNotes, v.split.Offset)
	p.SetFloat(prefTextScale, float64(v.scale))
}

// confirmDelete asks before deleting articles, naming them: their notes and
// images go too, and Undo brings them back for a few seconds.
func (u *UI) confirmDelete(ids []int64) {
	if len(ids) == 0 {
		return
	}
	title := fmt.Sprintf("Delete %s articles?", formatCount(len(ids)))
	body := "Their notes and saved images are deleted too."
	if len(ids) == 1 {
		title = "Delete “" + clip(u.titleOf(ids[0]), 60) + "”?"
		body = "Its notes and saved images are deleted too."
	}
	d := dialog.NewConfirm(title, body+" You can undo this for a few seconds.",
		func(ok bool) {
			if ok {
				u.deleteArticles(ids)
			}
		}, u.win)
	d.SetConfirmText("Delete")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// titleOf is the title of an article shown in the list or the reader.
func (u *UI) titleOf(id int64) string {
	if u.view.art != nil && u.view.id == id {
		return displayTitle(u.view.art.Title, u.view.art.URL)
	}
	if i := u.list.indexOf(id); i >= 0 {
		return displayTitle(u.list.rows[i].Title, u.list.rows[i].URL)
	}
	return "this article"
}

func displayTitle(title, link string) string {
	if strings.TrimSpace(title) != "" {
		return title
	}
	return link
}

// clip shortens s to at most n letters, marking the cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func (u *UI) deleteArticles(ids []int64) {
	open := u.view.id
	u.bg.run(func(ctx context.Context) func() {
		removed, err := u.lib.Remove(ctx, ids...)
		return func() {
			if err != nil {
				u.fail("delete articles", err)
				return
			}
			u.list.remove(ids)
			// The reader showed either a deleted article or the deleted
			// selection (whose pane still holds the last article opened).
			if slices.Contains(ids, u.view.id) || len(u.list.selectedIDs()) == 0 {
				u.view.clear()
			}
			u.sidebar.reload()
			u.queue.noteAction(plural(len(removed.IDs), "article", "articles")+" deleted.", "Undo", func() {
				u.undoDelete(removed, open)
			})
			u.list.added(0) // recount: the last one gone brings back the first-run screen
		}
	})
}

// undoDelete puts deleted articles back and opens the one that was open.
func (u *UI) undoDelete(removed *storage.Removed, open int64) {
	u.bg.run(func(ctx context.Context) func() {
		err := u.lib.Restore(ctx, removed)
		return func() {
			if errors.Is(err, storage.ErrDuplicate) {
				u.log.Error("undo the delete", "err", err)
				u.showStatus("The deleted articles can't come back: one of them was saved again since.")
				return
			}
			if err != nil {
				u.fail("undo the delete", err)
				return
			}
			u.refresh()
			if slices.Contains(removed.IDs, open) {
				u.reveal(open)
			}
			u.showStatus(plural(len(removed.IDs), "article", "articles") + " restored.")
		}
	})
}

// scaledTheme scales the reader's text sizes; everything else follows the
// app's theme, so light and dark still follow the system.
type scaledTheme struct {
	scale float32
}

func (t *scaledTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t *scaledTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base().Color(n, v)
}
func (t *scaledTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base().Font(s) }
func (t *scaledTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }
func (t *scaledTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.base().Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText:
		return s * t.scale
	}
	return s
}

// fixedWidthLayout gives its objects a set width and their own minimum
// height, so an entry keeps its width and still grows with the text size.
type fixedWidthLayout struct {
	width float32
}

func (l *fixedWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *fixedWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.width, h)
}

// maxWidthLayout centres its objects in at most max width.
type maxWidthLayout struct {
	max float32
}

func (l *maxWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, l.max)
	x := (size.Width - w) / 2
	for _, o := range objs {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

func (l *maxWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(min(s.Width, l.max), s.Height)
}
