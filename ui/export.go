package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/adrg/xdg"

	"github.com/folio-app/folio/export"
	"github.com/folio-app/folio/storage"
)

// exportStore is what exporting reads: each article, its notes and, through
// export.ImageStore, its stored images.
type exportStore interface {
	Get(ctx context.Context, id int64) (*storage.Article, error)
	Notes(ctx context.Context, articleID int64) ([]storage.Note, error)
	export.ImageStore
}

// exportFormat is the kind of file an export writes.
type exportFormat int

const (
	exportMarkdown exportFormat = iota
	exportPDF
	exportEPUB
)

// exportOptions are what the Export dialog asks for.
type exportOptions struct {
	format       exportFormat
	page         export.PageSize
	combined     bool // PDF, EPUB: one file for all the articles
	remoteImages bool // Markdown: link images on the web instead of copying them
}

// Labels of the Export dialog's choices; the radio groups report these.
const (
	labelMarkdown   = "Markdown"
	labelPDF        = "PDF"
	labelA4         = "A4"
	labelLetter     = "Letter"
	labelPerArticle = "One PDF per article"
	labelCombined   = "One combined PDF"
	labelEPUB       = "EPUB"
	labelPerBook    = "One book per article"
	labelOneBook    = "One book with them all"
)

// exportForm holds the option widgets of the Export dialog. PDF options show
// only for PDF, EPUB ones only for EPUB, the image option only for Markdown.
type exportForm struct {
	format *widget.RadioGroup
	page   *widget.RadioGroup
	split  *widget.RadioGroup // nil with a single article
	books  *widget.RadioGroup // EPUB's split; nil with a single article
	remote *widget.Check
	pdf    *fyne.Container
	md     *fyne.Container
	epub   *fyne.Container
	box    *fyne.Container
}

// newExportForm builds the options for exporting n articles, starting from
// the choices remembered in prefs.
func newExportForm(n int, prefs fyne.Preferences) *exportForm {
	f := &exportForm{}
	f.page = widget.NewRadioGroup([]string{labelA4, labelLetter}, nil)
	f.page.Horizontal = true
	f.page.Required = true
	f.page.SetSelected(prefs.StringWithFallback(prefExportPage, labelA4))
	pdfForm := widget.NewForm(widget.NewFormItem("Page size", f.page))
	if n > 1 {
		f.split = widget.NewRadioGroup([]string{labelPerArticle, labelCombined}, nil)
		f.split.Required = true
		f.split.SetSelected(labelPerArticle)
		pdfForm.Append("Files", f.split)
	}
	f.pdf = container.NewVBox(pdfForm)
	f.remote = widget.NewCheck("Keep images as remote links (don't copy them)", nil)
	f.md = container.NewVBox(f.remote)
	f.epub = container.NewVBox()
	if n > 1 {
		f.books = widget.NewRadioGroup([]string{labelPerBook, labelOneBook}, nil)
		f.books.Required = true
		f.books.SetSelected(labelOneBook)
		f.epub.Add(widget.NewForm(widget.NewFormItem("Books", f.books)))
	}

	f.format = widget.NewRadioGroup([]string{labelMarkdown, labelPDF, labelEPUB}, func(s string) {
		f.pdf.Hidden = s != labelPDF
		f.md.Hidden = s != labelMarkdown && s != ""
		f.epub.Hidden = s != labelEPUB
		f.pdf.Refresh()
		f.md.Refresh()
		f.epub.Refresh()
	})
	f.format.Horizontal = true
	f.format.Required = true
	f.format.SetSelected(prefs.StringWithFallback(prefExportFormat, labelMarkdown))
	f.box = container.NewVBox(widget.NewForm(widget.NewFormItem("Format", f.format)), f.md, f.pdf, f.epub)
	return f
}

// options reads the choices made.
func (f *exportForm) options() exportOptions {
	o := exportOptions{format: exportMarkdown, page: export.A4}
	switch f.format.Selected {
	case labelPDF:
		o.format = exportPDF
	case labelEPUB:
		o.format = exportEPUB
	}
	if f.page.Selected == labelLetter {
		o.page = export.Letter
	}
	o.combined = f.split != nil && f.split.Selected == labelCombined
	if o.format == exportEPUB {
		o.combined = f.books != nil && f.books.Selected == labelOneBook
	}
	o.remoteImages = f.remote.Checked
	return o
}

// remember keeps the format and page size for the next export.
func (f *exportForm) remember(prefs fyne.Preferences) {
	prefs.SetString(prefExportFormat, f.format.Selected)
	prefs.SetString(prefExportPage, f.page.Selected)
}

// exportFlow is Export…: the options dialog, the folder dialog, the export
// itself on a goroutine with its progress, and the result.
type exportFlow struct {
	u *UI
	// now names a combined PDF or book; a field so tests can fix the clock.
	now func() time.Time
	// open opens a file or folder in the desktop's own application.
	open func(*url.URL)

	running *exportRun // nil when no export runs
	form    *exportForm
	result  dialog.Dialog // the last result or error dialog
	message string        // and what it said
}

func newExportFlow(u *UI) *exportFlow {
	return &exportFlow{u: u, now: time.Now, open: u.openURL}
}

// exportRun is one export under way, with its progress dialog.
type exportRun struct {
	cancel context.CancelFunc
	total  int
	done   int
	label  *widget.Label
	bar    *widget.ProgressBar
	stop   *widget.Button
	dialog *dialog.CustomDialog
}

// start asks how to export ids, then where.
func (f *exportFlow) start(ids []int64) {
	if len(ids) == 0 {
		f.u.showStatus("Choose the articles to export first.")
		return
	}
	if f.running != nil {
		f.u.showStatus("An export is already running.")
		return
	}
	prefs := f.u.app.Preferences()
	f.form = newExportForm(len(ids), prefs)
	title := "Export " + plural(len(ids), "article", "articles")
	d := dialog.NewCustomConfirm(title, "Choose folder…", "Cancel", f.form.box, func(ok bool) {
		if !ok {
			return
		}
		f.form.remember(prefs)
		f.chooseFolder(ids, f.form.options())
	}, f.u.win)
	d.Show()
}

// chooseFolder asks where to write, starting where the last export went.
func (f *exportFlow) chooseFolder(ids []int64, opts exportOptions) {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			f.u.fail("choose export folder", err)
			return
		}
		if dir == nil {
			return // cancelled
		}
		f.u.app.Preferences().SetString(prefExportFolder, dir.Path())
		f.exportTo(ids, dir.Path(), opts)
	}, f.u.win)
	home, _ := os.UserHomeDir()
	startIn(d, f.u.app.Preferences().String(prefExportFolder), xdg.UserDirs.Documents, home)
	d.SetConfirmText("Export here")
	d.SetTitleText("Choose a folder to export to")
	d.Show()
}

// exportTo exports ids into dir on a goroutine, showing progress with a
// Cancel button, then the result. It runs after the dialogs, which test
// drivers cannot drive.
func (f *exportFlow) exportTo(ids []int64, dir string, opts exportOptions) *exportRun {
	ctx, cancel := context.WithCancel(f.u.bg.ctx)
	r := &exportRun{cancel: cancel, total: len(ids)}
	r.label = widget.NewLabel("Preparing " + plural(len(ids), "article", "articles") + "…")
	r.bar = widget.NewProgressBar()
	r.bar.Max = float64(len(ids))
	r.stop = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		cancel()
		r.label.SetText("Stopping…")
		r.stop.Disable()
	})
	body := container.New(&fixedWidthLayout{width: 360}, container.NewVBox(r.label, r.bar))
	r.dialog = dialog.NewCustomWithoutButtons("Exporting", body, f.u.win)
	r.dialog.SetButtons([]fyne.CanvasObject{r.stop})
	r.dialog.Show()
	f.running = r

	progress := func(done, total int) {
		f.u.bg.ui(func() { r.progress(done, total) })
	}
	f.u.bg.run(func(context.Context) func() {
		written, err := f.write(ctx, ids, dir, opts, progress)
		cancel()
		return func() { f.finish(r, dir, written, err) }
	})
	return r
}

func (r *exportRun) progress(done, total int) {
	r.done = done
	r.bar.Max = float64(total)
	r.bar.SetValue(float64(done))
	if r.stop.Disabled() {
		return // keep saying "Stopping…"
	}
	r.label.SetText(fmt.Sprintf("Exported %s of %s", formatCount(done), formatCount(total)))
}

// write runs on a goroutine: it loads the articles and writes the files.
func (f *exportFlow) write(ctx context.Context, ids []int64, dir string, opts exportOptions, progress func(done, total int)) ([]string, error) {
	lib := f.u.lib
	items := make([]export.Item, 0, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, err := lib.Get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("load article %d: %w", id, err)
		}
		notes, err := lib.Notes(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("load notes of article %d: %w", id, err)
		}
		items = append(items, exportItem(a, notes))
	}
	pdfOpts := export.PDFOptions{PageSize: opts.page, Progress: progress}
	switch {
	case opts.format == exportPDF && opts.combined && len(items) > 1:
		path, err := export.CombinedPDF(ctx, dir, "folio-"+f.now().Format("2006-01-02-150405"), items, lib, pdfOpts)
		if err != nil {
			return nil, err
		}
		return []string{path}, nil
	case opts.format == exportPDF:
		return export.PDFs(ctx, dir, items, lib, pdfOpts)
	case opts.format == exportEPUB && opts.combined && len(items) > 1:
		path := freePath(dir, "folio-"+f.now().Format("2006-01-02-150405"), ".epub")
		if err := export.EPUBFile(ctx, path, items, lib, export.EPUBOptions{Progress: progress}); err != nil {
			return nil, err
		}
		return []string{path}, nil
	case opts.format == exportEPUB:
		return export.EPUBs(ctx, dir, items, lib, export.EPUBOptions{Progress: progress})
	default:
		return export.Markdown(ctx, dir, items, lib, export.MarkdownOptions{RemoteImages: opts.remoteImages, Progress: progress})
	}
}

// exportItem is a library article as the exporters take it.
func exportItem(a *storage.Article, notes []storage.Note) export.Item {
	it := export.Item{ID: a.ID, Article: a.Article, Saved: a.Saved, Tags: a.Tags}
	for _, n := range notes {
		it.Notes = append(it.Notes, export.Note{Text: n.Text, Created: n.Created})
	}
	return it
}

// freePath is dir/base+ext, or base-2, base-3, ... when that is taken, so
// an export never overwrites a file.
func freePath(dir, base, ext string) string {
	for i := 1; ; i++ {
		name := base + ext
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		path := filepath.Join(dir, name)
		// Any answer but "not there" (a folder that cannot be read, say)
		// stops here: writing will then fail and say so.
		if _, err := os.Lstat(path); err != nil {
			return path
		}
	}
}

// finish closes the progress dialog and says how the export ended.
func (f *exportFlow) finish(r *exportRun, dir string, written []string, err error) {
	f.running = nil
	r.dialog.Hide()
	if f.u.bg.ctx.Err() != nil {
		return // the window is closing
	}
	switch {
	case errors.Is(err, context.Canceled):
		msg := "Export stopped."
		if len(written) > 0 {
			msg += fmt.Sprintf(" The %s already written to %s are kept.", plural(len(written), "file", "files"), dir)
		}
		f.showResult("Export stopped", msg, dir, written)
	case err != nil:
		f.u.log.Error("export", "folder", dir, "err", err)
		f.showResult("Export failed", exportFailure(err, dir), "", nil)
	default:
		f.showResult("Export finished", fmt.Sprintf("Exported %s to %s", plural(r.total, "article", "articles"), dir), dir, written)
	}
}

// exportFailure says in plain words why an export failed.
func exportFailure(err error, dir string) string {
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	if errors.As(err, &pathErr) || errors.As(err, &linkErr) || errors.Is(err, fs.ErrPermission) {
		return fmt.Sprintf("Folio can't write to %s. Choose another folder.", dir)
	}
	return explain(err)
}

// showResult shows how an export ended, with Open (one file) and Show
// folder when something was written.
func (f *exportFlow) showResult(title, msg, dir string, written []string) {
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons(title, container.New(&fixedWidthLayout{width: 420}, text), f.u.win)
	closeBtn := widget.NewButton("Close", d.Hide)
	var buttons []fyne.CanvasObject
	if len(written) == 1 {
		open := widget.NewButtonWithIcon("Open", theme.FileIcon(), func() {
			d.Hide()
			f.open(fileURL(written[0]))
		})
		open.Importance = widget.HighImportance
		buttons = append(buttons, open)
	}
	if len(written) > 0 && dir != "" {
		buttons = append(buttons, widget.NewButtonWithIcon("Show folder", theme.FolderOpenIcon(), func() {
			d.Hide()
			f.open(fileURL(dir))
		}))
	}
	d.SetButtons(append(buttons, closeBtn))
	f.result, f.message = d, msg
	d.Show()
}

// fileURL is the file:// address of a path, for the desktop to open.
func fileURL(path string) *url.URL {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x on Windows
	}
	return &url.URL{Scheme: "file", Path: p}
}
