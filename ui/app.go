// Package ui is Folio's desktop window, built with Fyne: a sidebar of
// filters and tags, the article list, the reader with its notes, the link bar
// that saves articles and a queue that shows them arriving. It holds no
// extraction or SQL of its own: it drives a Library and a Fetcher, always
// from goroutines, and hands results to the widgets through one bridge
// (async.go).
package ui

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/assets"
	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/save"
	"github.com/folio-app/folio/storage"
)

// Library is what the window needs of the article library; *storage.Library
// is one. Each panel declares the part it uses.
type Library interface {
	listStore
	viewStore
	tagStore
	noteStore
	saveStore
	exportStore
	watchStore
}

// Fetcher reads pages and their images from the web or from saved pages;
// *reader.Reader is one.
type Fetcher = save.Fetcher

// UI is one Folio window over one library.
type UI struct {
	app fyne.App
	lib Library
	rdr Fetcher
	log *slog.Logger
	bg  *bridge
	// stop cancels the root context: saving and loading end with the window.
	stop context.CancelFunc
	// markReadAfter is how long an article stays open before it counts as read.
	markReadAfter time.Duration
	// watchEvery is how often the library is checked for changes made
	// elsewhere; 0 (in most tests) does not watch.
	watchEvery time.Duration

	// saver is the one save path, shared with the command line and import.
	saver *save.Saver
	// openDoc opens a stored document's file in the system's viewer; tests
	// replace it.
	openDoc func(*url.URL)

	win          fyne.Window
	linkBar      *linkEntry
	search       *searchEntry
	status       *widget.Label
	sidebar      *sidebar
	list         *articleList
	view         *readerView
	queue        *saveQueue
	exports      *exportFlow
	imports      *importFlow
	backups      *backupFlow
	reextract    *reextractFlow
	syncs        *syncFlow
	welcome      fyne.CanvasObject
	welcomeQueue *fyne.Container
	toolbar      *fyne.Container
	panes        fyne.CanvasObject
	body         *fyne.Container
	outer        *container.Split // sidebar | rest
	inner        *container.Split // list | reader
	menuItems    map[string]*fyne.MenuItem

	total int // articles in the library, for the first-run screen
}

// New prepares a window over lib, saving with rdr. Nothing is shown or
// loaded until Window is called.
func New(a fyne.App, lib Library, rdr Fetcher) *UI {
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{
		app:           a,
		lib:           lib,
		rdr:           rdr,
		saver:         save.New(lib, rdr),
		log:           slog.Default(),
		bg:            &bridge{do: fyne.Do, ctx: ctx},
		stop:          cancel,
		markReadAfter: 2 * time.Second,
		watchEvery:    watchEvery,
		total:         -1,
	}
	u.openDoc = u.openURL
	u.exports = newExportFlow(u)
	u.imports = newImportFlow(u, lib, rdr)
	u.backups = newBackupFlow(u)
	u.reextract = newReextractFlow(u)
	u.syncs = newSyncFlow(u)
	return u
}

// Run opens Folio's window on lib and blocks until it is closed.
func Run(lib *storage.Library, rdr *reader.Reader) error {
	quietFileDialogs()
	a := newApp()
	applyFetchTimeout(a.Preferences(), rdr)
	u := New(a, lib, rdr)
	u.Window()
	u.backups.schedule()
	u.ShowAndRun()
	return nil
}

// applyFetchTimeout sets the reader's timeout from the preference, before
// the reader is first used. (A field in a settings panel writes the same
// key.)
func applyFetchTimeout(p fyne.Preferences, rdr *reader.Reader) {
	if rdr == nil {
		return
	}
	if s := p.IntWithFallback(prefFetchTimeout, 0); s > 0 && s <= 3600 {
		rdr.Timeout = time.Duration(s) * time.Second
	}
}

// ShowAndRun shows the window and runs the app until the window closes.
func (u *UI) ShowAndRun() {
	u.Window().ShowAndRun()
}

// Window builds the window (once) and starts loading the library into it.
func (u *UI) Window() fyne.Window {
	if u.win != nil {
		return u.win
	}
	u.win = u.app.NewWindow("Folio")
	u.win.SetIcon(iconResource())
	u.build()
	u.win.SetContent(u.content())
	prefs := u.app.Preferences()
	u.win.Resize(fyne.NewSize(
		float32(prefs.FloatWithFallback(prefWindowWidth, defaultWidth)),
		float32(prefs.FloatWithFallback(prefWindowHeight, defaultHeight))))
	u.win.SetMainMenu(u.mainMenu())
	u.addShortcuts()
	u.win.SetOnDropped(u.dropped)
	u.win.SetCloseIntercept(u.close)
	u.app.Lifecycle().SetOnStopped(u.stop)
	u.refresh()
	if u.watchEvery > 0 {
		u.watch(u.watchEvery)
	}
	u.syncs.start()
	return u.win
}

// iconResource is the app icon as a Fyne resource.
func iconResource() fyne.Resource {
	return fyne.NewStaticResource("icon.png", assets.Icon)
}

func (u *UI) build() {
	u.linkBar = newLinkEntry(u.saveLinkBar)
	u.linkBar.SetPlaceHolder("Paste a link — or several — and press Enter")
	u.linkBar.grew = func() {
		if c := u.win.Content(); c != nil {
			c.Refresh()
		}
	}
	saveBtn := widget.NewButtonWithIcon("Save", theme.DownloadIcon(), u.saveLinkBar)
	saveBtn.Importance = widget.HighImportance

	u.search = newSearchEntry(func() {
		// Escape leaves the search for the list, the search staying
		u.win.Canvas().Focus(u.list.widget)
	})
	u.search.SetPlaceHolder("Search your library")
	u.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	var debounce *time.Timer
	u.search.OnChanged = func(q string) {
		if debounce != nil {
			debounce.Stop()
		}
		// Search as you type, but not on every keystroke.
		debounce = u.bg.after(250*time.Millisecond, func() { u.list.setQuery(q) })
	}
	u.search.OnSubmitted = func(q string) {
		if debounce != nil {
			debounce.Stop()
		}
		u.list.setQuery(q)
	}
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis

	u.sidebar = newSidebar(u)
	u.list = newArticleList(u)
	u.view = newReaderView(u)
	u.queue = newSaveQueue(u, 3)
	u.welcome = u.buildWelcome()

	searchBox := container.New(&fixedWidthLayout{width: 280}, u.search)
	u.toolbar = container.NewBorder(nil, nil, nil, container.NewHBox(saveBtn, searchBox), u.linkBar)

	listPane := container.NewBorder(nil, u.queue.build(), nil, nil, u.list.build())
	prefs := u.app.Preferences()
	u.inner = container.NewHSplit(listPane, u.view.build())
	u.inner.Offset = prefs.FloatWithFallback(prefSplitList, defaultSplitList)
	u.outer = container.NewHSplit(u.sidebar.build(), u.inner)
	u.outer.Offset = prefs.FloatWithFallback(prefSplitSidebar, defaultSplitSidebar)
	u.panes = u.outer
	u.body = container.NewStack(u.panes)
}

func (u *UI) content() fyne.CanvasObject {
	top := container.NewVBox(container.NewPadded(u.toolbar), widget.NewSeparator())
	return container.NewBorder(top, nil, nil, nil, u.body)
}

// buildWelcome is the first-run screen: what Folio is and how to start.
func (u *UI) buildWelcome() fyne.CanvasObject {
	icon := widget.NewIcon(iconResource())
	iconBox := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(96), icon))
	title := widget.NewLabelWithStyle("Your library is empty", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	// Short lines without wrapping: a wrapped RichText in a centred
	// column would shrink to its narrowest.
	steps := widget.NewRichText(
		&widget.TextSegment{Style: centered(widget.RichTextStyleParagraph), Text: "Folio keeps the articles you want to read, with their pictures,"},
		&widget.TextSegment{Style: centered(widget.RichTextStyleParagraph), Text: "so you can read them offline and find them again."},
		&widget.TextSegment{Style: centered(widget.RichTextStyleStrong), Text: "To save your first article:"},
		&widget.TextSegment{Style: centered(widget.RichTextStyleParagraph), Text: "1. Copy a link from your browser."},
		&widget.TextSegment{Style: centered(widget.RichTextStyleParagraph), Text: "2. Paste it in the bar at the top (Ctrl+L takes you there) and press Enter."},
		&widget.TextSegment{Style: centered(widget.RichTextStyleParagraph), Text: "You can paste several links at once,"},
		&widget.TextSegment{Style: centered(widget.RichTextStyleParagraph), Text: "or drop links and saved .html pages onto this window."},
	)
	focus := widget.NewButtonWithIcon("Paste a link", theme.ContentPasteIcon(), func() {
		// saves the links copied, as Ctrl+V does; with none, the bar waits
		if clip := u.app.Clipboard(); clip != nil && u.queueText(clip.Content()) > 0 {
			return
		}
		u.win.Canvas().Focus(u.linkBar)
	})
	focus.Importance = widget.HighImportance
	card := container.NewVBox(iconBox, title, steps, container.NewCenter(focus), u.queueHolder())
	return container.NewCenter(card)
}

// queueHolder shows the save queue on the first-run screen too, so the
// first save is seen arriving.
func (u *UI) queueHolder() fyne.CanvasObject {
	u.welcomeQueue = container.NewStack()
	return u.welcomeQueue
}

func centered(s widget.RichTextStyle) widget.RichTextStyle {
	s.Alignment = fyne.TextAlignCenter
	s.Inline = false
	return s
}

// refresh reloads everything that comes from the library: the sidebar, the
// list and whether the first-run screen shows.
func (u *UI) refresh() {
	u.sidebar.reload()
	u.list.reload()
}

// setTotal is told how many articles the library holds, and swaps between
// the first-run screen and the panes.
func (u *UI) setTotal(n int) {
	u.total = n
	want := u.panes
	if n == 0 {
		want = u.welcome
	}
	if len(u.body.Objects) == 1 && u.body.Objects[0] == want {
		return
	}
	// The queue moves to whichever screen shows.
	u.queue.moveTo(n == 0)
	u.body.Objects = []fyne.CanvasObject{want}
	u.body.Refresh()
}

// showStatus puts a short message under the toolbar for a few seconds.
func (u *UI) showStatus(msg string) {
	u.queue.note(msg)
}

// fail reports err in words and logs the detail.
func (u *UI) fail(doing string, err error) {
	u.log.Error(doing, "err", err)
	u.queue.note(explain(err))
}

func (u *UI) openURL(link *url.URL) {
	if link == nil {
		return
	}
	if err := u.app.OpenURL(link); err != nil {
		u.fail("open "+link.String(), err)
	}
}

// pasteLinks saves the links on the clipboard (the paste's, if it has one).
func (u *UI) pasteLinks(p *fyne.ShortcutPaste) {
	clip := u.app.Clipboard()
	if p != nil && p.Clipboard != nil {
		clip = p.Clipboard
	}
	if clip == nil {
		return
	}
	if u.queueText(clip.Content()) == 0 {
		u.showStatus("The clipboard holds no web link to save.")
	}
}

func (u *UI) saveLinkBar() {
	text := u.linkBar.Text
	if n := u.queueText(text); n > 0 {
		u.linkBar.SetText("")
	}
}

// queueText queues every link in text (separated by spaces or newlines) and
// says how many it found. Text with no link is explained, not ignored.
func (u *UI) queueText(text string) int {
	fields := strings.Fields(text)
	n := 0
	var bad []string
	for _, f := range fields {
		if _, err := reader.ParseLink(f); err != nil {
			bad = append(bad, f)
			continue
		}
		u.queue.add(saveRequest{link: f})
		n++
	}
	switch {
	case len(fields) == 0:
	case n == 0:
		u.showStatus("That isn't a web link. Paste an address starting with http:// or https://.")
	case len(bad) > 0:
		u.showStatus("Some words weren't web links and were skipped: " + strings.Join(bad, " "))
	}
	return n
}

// dropped queues links and saved .html pages dropped onto the window.
func (u *UI) dropped(_ fyne.Position, uris []fyne.URI) {
	for _, uri := range uris {
		switch uri.Scheme() {
		case "http", "https":
			u.queue.add(saveRequest{link: uri.String()})
		case "file":
			ext := strings.ToLower(uri.Extension())
			if ext == ".html" || ext == ".htm" || ext == ".xhtml" {
				u.queue.add(saveRequest{path: uri.Path()})
			} else {
				u.showStatus(uri.Name() + " isn't a saved web page (.html), so it wasn't added.")
			}
		}
	}
}

// articleSaved shows a newly saved article: it joins the list and counts.
func (u *UI) articleSaved(id int64) {
	u.sidebar.reload()
	u.list.added(id)
}

// reveal selects and opens an article already in the library.
func (u *UI) reveal(id int64) {
	u.list.selectID(id)
	u.view.show(id)
}

// targets are the articles an action applies to: the selection in the list,
// or the article open in the reader.
func (u *UI) targets() []int64 {
	if ids := u.list.selectedIDs(); len(ids) > 0 {
		return ids
	}
	if u.view.id != 0 {
		return []int64{u.view.id}
	}
	return nil
}

// mark changes flags on articles and shows the change everywhere.
func (u *UI) mark(ids []int64, m storage.Mark) {
	if len(ids) == 0 {
		return
	}
	u.bg.run(func(ctx context.Context) func() {
		if err := u.lib.Mark(ctx, ids, m); err != nil {
			return func() { u.fail("mark articles", err) }
		}
		return func() {
			u.list.patch(ids, func(s *storage.Summary) { applyMark(s, m) })
			u.view.marked(ids, m)
			u.sidebar.reload()
		}
	})
}

func applyMark(s *storage.Summary, m storage.Mark) {
	switch m {
	case storage.MarkRead:
		s.Read = true
	case storage.MarkUnread:
		s.Read = false
	case storage.MarkFavorite:
		s.Favorite = true
	case storage.MarkUnfavorite:
		s.Favorite = false
	case storage.MarkArchive:
		s.Archived = true
	case storage.MarkUnarchive:
		s.Archived = false
	}
}

// export asks how and where to export the targets, then exports them.
func (u *UI) export() {
	u.exports.start(u.targets())
}

// setSerif chooses the reader's face and remembers it.
func (u *UI) setSerif(on bool) {
	u.view.setSerif(on)
	u.menuItems["serif"].Checked = on
	u.menuItems["sans"].Checked = !on
	if m := u.win.MainMenu(); m != nil {
		m.Refresh()
	}
}

// changeTextSize steps the reader's text size and remembers it.
func (u *UI) changeTextSize(steps int) {
	u.view.setScale(u.view.scale + float32(steps)*textScaleStep)
}

func (u *UI) mainMenu() *fyne.MainMenu {
	sc := func(k fyne.KeyName, m fyne.KeyModifier) fyne.Shortcut {
		return &desktop.CustomShortcut{KeyName: k, Modifier: m}
	}
	def := fyne.KeyModifierShortcutDefault
	item := func(key, label string, s fyne.Shortcut, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = s
		u.menuItems[key] = it
		return it
	}
	u.menuItems = map[string]*fyne.MenuItem{}
	file := fyne.NewMenu("File",
		item("link", "Save a link…", sc(fyne.KeyL, def), func() { u.win.Canvas().Focus(u.linkBar) }),
		item("export", "Export…", sc(fyne.KeyE, def), u.export),
		fyne.NewMenuItemSeparator(),
		item("import", "Import…", nil, u.imports.start),
		item("importFolder", "Import a folder…", nil, u.imports.startFolder),
		fyne.NewMenuItemSeparator(),
		item("backup", "Back up library…", nil, u.backups.show),
		item("reextract", "Re-extract all articles…", nil, u.reextract.start),
	)
	edit := fyne.NewMenu("Article",
		item("find", "Search", sc(fyne.KeyF, def), func() { u.win.Canvas().Focus(u.search) }),
		item("read", "Mark read", sc(fyne.KeyR, def), func() { u.mark(u.targets(), storage.MarkRead) }),
		item("unread", "Mark unread", sc(fyne.KeyU, def), func() { u.mark(u.targets(), storage.MarkUnread) }),
		item("favourite", "Favourite", sc(fyne.KeyD, def), func() { u.mark(u.targets(), storage.MarkFavorite) }),
		item("archive", "Archive", nil, func() { u.mark(u.targets(), storage.MarkArchive) }),
		item("delete", "Delete…", nil, func() { u.confirmDelete(u.targets()) }),
	)
	view := fyne.NewMenu("View",
		item("larger", "Larger text", sc(fyne.KeyEqual, def), func() { u.changeTextSize(1) }),
		item("smaller", "Smaller text", sc(fyne.KeyMinus, def), func() { u.changeTextSize(-1) }),
		item("reset", "Actual size", sc(fyne.Key0, def), func() { u.view.setScale(1) }),
		fyne.NewMenuItemSeparator(),
		item("serif", "Serif text", nil, func() { u.setSerif(true) }),
		item("sans", "Sans-serif text", nil, func() { u.setSerif(false) }),
	)
	u.menuItems["serif"].Checked = u.view.style.serif
	u.menuItems["sans"].Checked = !u.view.style.serif
	return fyne.NewMainMenu(file, edit, view, u.settingsMenu())
}

// addShortcuts adds the keys the menu cannot carry: Ctrl+Shift+= and the
// keypad's plus for larger text.
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	def := fyne.KeyModifierShortcutDefault
	for _, s := range []*desktop.CustomShortcut{
		{KeyName: fyne.KeyPlus, Modifier: def},
		{KeyName: fyne.KeyEqual, Modifier: def | fyne.KeyModifierShift},
	} {
		c.AddShortcut(s, func(fyne.Shortcut) { u.changeTextSize(1) })
	}
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyMinus, Modifier: def},
		func(fyne.Shortcut) { u.changeTextSize(-1) })
	// Ctrl+V outside a text field saves the links copied (a text field
	// takes its own paste first).
	c.AddShortcut(&fyne.ShortcutPaste{}, func(s fyne.Shortcut) {
		p, _ := s.(*fyne.ShortcutPaste)
		u.pasteLinks(p)
	})
}

// close saves the window's shape and any note still waiting for a pause in
// typing, cancels saving and waits briefly for running work, then closes.
func (u *UI) close() {
	u.savePrefs()
	u.view.notes.flush()
	u.view.savePosition()
	u.stop()
	if !u.bg.wait(3 * time.Second) {
		u.log.Warn("closing with work still running")
	}
	u.win.Close()
}

func (u *UI) savePrefs() {
	p := u.app.Preferences()
	size := u.win.Canvas().Size()
	if size.Width > 0 && size.Height > 0 {
		p.SetFloat(prefWindowWidth, float64(size.Width))
		p.SetFloat(prefWindowHeight, float64(size.Height))
	}
	p.SetFloat(prefSplitSidebar, u.outer.Offset)
	p.SetFloat(prefSplitList, u.inner.Offset)
	u.view.savePrefs(p)
}
