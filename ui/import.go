package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/adrg/xdg"

	"github.com/folio-app/folio/importer"
	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// importExtensions are the files the Import… dialog offers.
var importExtensions = []string{".csv", ".html", ".htm", ".json", ".jsonlz4", ".zip", ".txt", ".md"}

// importFormats are the exports Import… reads, as the dialog lists them.
var importFormats = []string{
	"Pocket's export (the ZIP, its part_*.csv files, or the older HTML)",
	"Instapaper's CSV",
	"Omnivore's export ZIP",
	"Wallabag's JSON export",
	"Bookmarks exported from any browser (HTML), or from linkding",
	"A text or Markdown file of links",
}

// importForm holds the option widgets of the Import dialog.
type importForm struct {
	tag      *widget.Entry
	noFetch  *widget.Check
	markRead *widget.Check
	box      fyne.CanvasObject
}

func newImportForm() *importForm {
	f := &importForm{}
	f.tag = widget.NewEntry()
	f.tag.SetPlaceHolder("optional, e.g. from-pocket")
	f.noFetch = widget.NewCheck("Don't fetch pages (bookmarks only)", nil)
	f.markRead = widget.NewCheck("Mark all as read", nil)
	form := widget.NewForm(widget.NewFormItem("Tag everything with", container.New(&fixedWidthLayout{width: 220}, f.tag)))
	reads := widget.NewLabel("Folio reads:\n• " + strings.Join(importFormats, "\n• "))
	reads.Wrapping = fyne.TextWrapWord
	f.box = container.NewVBox(reads, form, f.noFetch, f.markRead)
	return f
}

// options reads the choices made.
func (f *importForm) options() importer.Options {
	return importer.Options{
		Tag:      strings.TrimSpace(f.tag.Text),
		NoFetch:  f.noFetch.Checked,
		MarkRead: f.markRead.Checked,
	}
}

// importFlow is Import…: the options dialog, the file (or folder) dialog,
// the import on a goroutine with a progress row in the queue, and the
// summary at the end.
type importFlow struct {
	u *UI
	// lib is nil when the window's library is not a *storage.Library,
	// which the importer needs: Import… then says it is unavailable.
	lib *storage.Library
	rdr importer.Fetcher
	// throttle bounds how often progress reaches the window; refreshEvery
	// how often the list and counts reload while an import runs.
	throttle     time.Duration
	refreshEvery time.Duration

	running *importRun
	form    *importForm
	result  dialog.Dialog // the last summary dialog
	message string        // and what it said
	details []string      // and the failures it listed
}

func newImportFlow(u *UI, lib Library, rdr Fetcher) *importFlow {
	f := &importFlow{u: u, rdr: rdr, throttle: 100 * time.Millisecond, refreshEvery: 2 * time.Second}
	f.lib, _ = lib.(*storage.Library)
	return f
}

// importRun is one import under way, with its row in the queue.
type importRun struct {
	cancel    context.CancelFunc
	name      string // the export's file name
	what      string // "Pocket export", once the file is read
	last      importer.Progress
	refreshed time.Time
	stopping  bool

	label *widget.Label
	bar   *widget.ProgressBar
	stop  *widget.Button
	row   fyne.CanvasObject
}

// start asks for the import options, then for an export file.
func (f *importFlow) start() { f.ask(false) }

// startFolder asks for the import options, then for an unzipped export.
func (f *importFlow) startFolder() { f.ask(true) }

func (f *importFlow) ask(folder bool) {
	switch {
	case f.lib == nil:
		f.u.showStatus("Import isn't available in this window.")
		return
	case f.running != nil:
		f.u.showStatus("An import is already running.")
		return
	}
	f.form = newImportForm()
	next := "Choose file…"
	if folder {
		next = "Choose folder…"
	}
	d := dialog.NewCustomConfirm("Import", next, "Cancel", f.form.box, func(ok bool) {
		if !ok {
			return
		}
		if folder {
			f.chooseFolder(f.form.options())
		} else {
			f.chooseFile(f.form.options())
		}
	}, f.u.win)
	d.Show()
}

func (f *importFlow) chooseFile(opts importer.Options) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			f.u.fail("choose export file", err)
			return
		}
		if rc == nil {
			return // cancelled
		}
		// The importer opens the file itself (it may be a ZIP); only the
		// path is needed.
		path := rc.URI().Path()
		rc.Close()
		f.u.app.Preferences().SetString(prefImportFolder, filepath.Dir(path))
		f.importFrom(path, opts)
	}, f.u.win)
	d.SetFilter(fynestorage.NewExtensionFileFilter(importExtensions))
	f.locate(d)
	d.SetConfirmText("Import")
	d.SetTitleText("Choose an export to import")
	d.Show()
}

func (f *importFlow) chooseFolder(opts importer.Options) {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			f.u.fail("choose import folder", err)
			return
		}
		if dir == nil {
			return
		}
		f.u.app.Preferences().SetString(prefImportFolder, filepath.Dir(dir.Path()))
		f.importFrom(dir.Path(), opts)
	}, f.u.win)
	f.locate(d)
	d.SetConfirmText("Import")
	d.SetTitleText("Choose an unzipped export folder")
	d.Show()
}

// locate starts a file dialog where the last import came from, else in
// Downloads, where exports usually land.
func (f *importFlow) locate(d *dialog.FileDialog) {
	startIn(d, f.u.app.Preferences().String(prefImportFolder), xdg.UserDirs.Download)
}

// startIn sizes a file dialog and opens it in the first of dirs that still
// exists as a folder; with none, Fyne's own default stays.
func startIn(d *dialog.FileDialog, dirs ...string) {
	d.Resize(fyne.NewSize(720, 520))
	// names on one line each: the grid wraps them mid-word ("reading-li st")
	d.SetView(dialog.ListView)
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		if l, err := fynestorage.ListerForURI(fynestorage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
			return
		}
	}
}

// importFrom imports the export at path on a goroutine, with a progress
// row and a Cancel button in the queue, then shows the summary. It runs
// after the dialogs, which test drivers cannot drive.
func (f *importFlow) importFrom(path string, opts importer.Options) *importRun {
	ctx, cancel := context.WithCancel(f.u.bg.ctx)
	r := &importRun{cancel: cancel, name: filepath.Base(path), refreshed: time.Now()}
	r.label = widget.NewLabel("Importing " + r.name + " — reading the file…")
	r.label.Truncation = fyne.TextTruncateEllipsis
	r.bar = widget.NewProgressBar()
	r.stop = widget.NewButtonWithIcon("", theme.CancelIcon(), func() {
		r.stopping = true
		cancel()
		r.label.SetText("Stopping the import of " + r.name + "…")
		r.stop.Disable()
	})
	r.stop.Importance = widget.LowImportance
	r.row = container.NewBorder(nil, nil, nil, r.stop, container.NewVBox(r.label, r.bar))
	f.u.queue.addRow(r.row)
	f.running = r

	// Progress comes from the importer's workers, one call at a time (so
	// last needs no lock), for every link: only a few a second reach the
	// window, and always the last.
	var last time.Time
	opts.Progress = func(p importer.Progress) {
		now := time.Now()
		if p.Left > 0 && now.Sub(last) < f.throttle {
			return
		}
		last = now
		f.u.bg.ui(func() { f.progress(r, p) })
	}
	f.u.bg.run(func(context.Context) func() {
		defer cancel()
		// Import is Parse then Run; done in two steps here so the row can
		// name the export's kind while its links are fetched.
		// Read with ctx, so that Cancel stops a long read too.
		e, err := importer.Read(ctx, path, importer.ParseOptions{Feed: opts.Feed})
		if err != nil {
			return func() { f.finish(r, path, importer.Summary{}, err) }
		}
		f.u.bg.ui(func() {
			r.what = exportKind(e.Format)
			f.progress(r, importer.Progress{Total: len(e.Items), Left: len(e.Items)})
		})
		sum, err := importer.Run(ctx, f.lib, f.rdr, e.Items, opts)
		sum.Format, sum.Broken, sum.Skipped = e.Format, e.Broken, e.Skipped
		return func() { f.finish(r, path, sum, err) }
	})
	return r
}

// progress shows how far the import has come and, every few seconds, what
// it has added to the list and the counts.
func (f *importFlow) progress(r *importRun, p importer.Progress) {
	if p.Done < r.last.Done {
		return // a late, throttled update
	}
	r.last = p
	r.bar.Max = float64(max(p.Total, 1))
	r.bar.SetValue(float64(p.Done))
	if !r.stopping {
		r.label.SetText(progressText(r.what, p))
	}
	if time.Since(r.refreshed) >= f.refreshEvery {
		r.refreshed = time.Now()
		f.u.refresh()
	}
}

// progressText is the import row: "Importing Pocket export — 120 of 3,400
// (5 failed to fetch)".
func progressText(what string, p importer.Progress) string {
	s := fmt.Sprintf("Importing %s — %s of %s", what, formatCount(p.Done), formatCount(p.Total))
	if p.Failed > 0 {
		s += fmt.Sprintf(" (%s failed to fetch)", formatCount(p.Failed))
	}
	return s
}

// exportKind names an export format in a sentence.
func exportKind(f importer.Format) string {
	switch f {
	case importer.PocketCSV, importer.PocketHTML:
		return "Pocket export"
	case importer.Instapaper:
		return "Instapaper export"
	case importer.Wallabag:
		return "Wallabag export"
	case importer.Omnivore:
		return "Omnivore export"
	case importer.Netscape:
		return "bookmarks"
	case importer.URLList:
		return "list of links"
	}
	if s := f.Service(); s != "" {
		return s + " export"
	}
	return "export"
}

// finish removes the progress row, shows the new articles and says how the
// import went.
func (f *importFlow) finish(r *importRun, path string, sum importer.Summary, err error) {
	f.running = nil
	f.u.queue.removeRow(r.row)
	if f.u.bg.ctx.Err() != nil {
		return // the window is closing
	}
	f.u.refresh()
	var msg string
	switch {
	case errors.Is(err, importer.ErrUnrecognised):
		looks := "not a kind of file it knows"
		if ue := (*importer.UnrecognisedError)(nil); errors.As(err, &ue) {
			looks = ue.Looks
		}
		msg = fmt.Sprintf("Folio doesn't recognise %s as an export: it is %s. Export your library again "+
			"from the service, in one of the formats Folio reads.", filepath.Base(path), looks)
	case errors.Is(err, context.Canceled):
		msg = "Import stopped — import the same file again to finish; nothing will be duplicated."
		if done := importSentence(sum); done != "" {
			msg += "\n" + done
		}
	case err != nil:
		f.u.log.Error("import", "file", path, "err", err)
		msg = importFailure(err, path)
	default:
		msg = importSentence(sum)
		if msg == "" {
			msg = fmt.Sprintf("%s holds no links to import.", filepath.Base(path))
		}
	}
	for _, fl := range append(sum.FetchFailed, sum.Errors...) {
		f.u.log.Warn("import", "link", fl.URL, "err", fl.Err)
	}
	f.showSummary(msg, importDetails(sum))
}

// importFailure says in plain words why an import could not run.
func importFailure(err error, path string) string {
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
		return fmt.Sprintf("Folio couldn't open %s. Check that the file is still there.", filepath.Base(path))
	}
	// The importer's own errors say what is wrong once "import PATH: " is
	// taken off.
	cause := err.Error()
	if inner := errors.Unwrap(err); inner != nil {
		cause = inner.Error()
	}
	switch base := filepath.Base(path); {
	case errors.Is(err, importer.ErrTooLarge):
		return fmt.Sprintf("%s is too large to be an export (%s).", base, strings.TrimPrefix(cause, "too large: "))
	case errors.Is(err, importer.ErrNoEntries):
		return fmt.Sprintf("%s holds no links to import.", base)
	case errors.Is(err, importer.ErrDamaged):
		return fmt.Sprintf("Folio couldn't read %s: %s.", base, cause)
	case errors.Is(err, importer.ErrNotFile):
		return fmt.Sprintf("%s isn't a file or a folder, so Folio can't import it.", base)
	}
	return explain(err)
}

// importSentence sums an import up: "Imported 3,350 articles; 45 couldn't
// be fetched and were saved as bookmarks; 5 were already in your library."
func importSentence(s importer.Summary) string {
	var parts []string
	add := func(n int, format string, args ...any) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf(format, args...))
		}
	}
	switch {
	case s.Imported > 0:
		add(1, "Imported %s", plural(s.Imported, "article", "articles"))
		add(s.Bookmarks, "%s saved as %s without fetching", countWas(s.Bookmarks), pick(s.Bookmarks, "a bookmark", "bookmarks"))
	case s.Bookmarks > 0:
		add(1, "Saved %s as bookmarks without fetching them", plural(s.Bookmarks, "link", "links"))
	case s.Total > 0 || len(s.Broken) > 0:
		add(1, "No new articles were imported")
	}
	n := len(s.FetchFailed)
	add(n, "%s couldn't be fetched and %s saved as %s", formatCount(n), pick(n, "was", "were"), pick(n, "a bookmark", "bookmarks"))
	add(s.Merged, "%s already in your library", countWas(s.Merged))
	add(len(s.Errors), "%s couldn't be saved", formatCount(len(s.Errors)))
	add(s.Left, "%s not imported yet", countWas(s.Left))
	add(len(s.Broken), "%s of the file couldn't be read", plural(len(s.Broken), "row", "rows"))
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + "."
}

// countWas is "1 was" or "5 were".
func countWas(n int) string {
	return formatCount(n) + " " + pick(n, "was", "were")
}

func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// importDetails lists what did not import as hoped, one line each: the
// link and the reason in plain words.
func importDetails(s importer.Summary) []string {
	var lines []string
	for _, fl := range s.FetchFailed {
		lines = append(lines, fl.URL+" — not fetched: "+failureReason(fl.Err))
	}
	for _, fl := range s.Errors {
		lines = append(lines, fl.URL+" — not saved: "+failureReason(fl.Err))
	}
	for _, b := range s.Broken {
		lines = append(lines, fmt.Sprintf("%s, line %d — %s", filepath.Base(b.File), b.Line, failureReason(b.Err)))
	}
	return lines
}

// failureReason is explain for a line in a list, where a question such as
// "Save it anyway?" has no button to answer it.
func failureReason(err error) string {
	switch {
	case errors.Is(err, reader.ErrNotArticle):
		return "the page has no article text Folio can find."
	case errors.Is(err, importer.ErrNoLink):
		return "the row names no link."
	case errors.Is(err, importer.ErrBadLink):
		return "the link isn't a web address (http:// or https://)."
	}
	return explain(err)
}

// maxDetails bounds the failures listed in the summary; the log has all.
const maxDetails = 500

// showSummary shows how the import ended, with the failures under a
// Details expander.
func (f *importFlow) showSummary(msg string, details []string) {
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(text)
	if len(details) > 0 {
		shown := details
		if len(shown) > maxDetails {
			shown = append(shown[:maxDetails:maxDetails], fmt.Sprintf("… and %s more, listed in Folio's log.", formatCount(len(details)-maxDetails)))
		}
		list := widget.NewLabel(strings.Join(shown, "\n"))
		list.Wrapping = fyne.TextWrapWord
		scroll := container.NewVScroll(list)
		scroll.SetMinSize(fyne.NewSize(0, 160))
		body.Add(widget.NewAccordion(widget.NewAccordionItem("Details", scroll)))
	}
	d := dialog.NewCustom("Import", "Close", container.New(&fixedWidthLayout{width: 480}, body), f.u.win)
	f.result, f.message, f.details = d, msg, details
	d.Show()
}
