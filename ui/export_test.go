package ui

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/export"
	"github.com/folio-app/folio/storage"
)

func TestExportForm(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		choose  func(f *exportForm)
		want    exportOptions
		pdfOnly bool // the PDF options show and the Markdown ones hide
		epub    bool // the EPUB options show, the others hide
	}{
		{name: "default", n: 1, choose: func(*exportForm) {},
			want: exportOptions{format: exportMarkdown, page: export.A4}},
		{name: "remote images", n: 2, choose: func(f *exportForm) { test.Tap(f.remote) },
			want: exportOptions{format: exportMarkdown, page: export.A4, remoteImages: true}},
		{name: "pdf letter", n: 1, choose: func(f *exportForm) {
			f.format.SetSelected(labelPDF)
			f.page.SetSelected(labelLetter)
		}, want: exportOptions{format: exportPDF, page: export.Letter}, pdfOnly: true},
		{name: "pdf combined", n: 3, choose: func(f *exportForm) {
			f.format.SetSelected(labelPDF)
			f.split.SetSelected(labelCombined)
		}, want: exportOptions{format: exportPDF, page: export.A4, combined: true}, pdfOnly: true},
		{name: "images ignored for pdf", n: 1, choose: func(f *exportForm) {
			test.Tap(f.remote)
			f.format.SetSelected(labelPDF)
		}, want: exportOptions{format: exportPDF, page: export.A4, remoteImages: true}, pdfOnly: true},
		{name: "epub one book", n: 3, choose: func(f *exportForm) {
			f.format.SetSelected(labelEPUB)
		}, want: exportOptions{format: exportEPUB, page: export.A4, combined: true}, epub: true},
		{name: "epub per article", n: 2, choose: func(f *exportForm) {
			f.format.SetSelected(labelEPUB)
			f.books.SetSelected(labelPerBook)
		}, want: exportOptions{format: exportEPUB, page: export.A4}, epub: true},
		{name: "epub of one", n: 1, choose: func(f *exportForm) {
			f.format.SetSelected(labelEPUB)
		}, want: exportOptions{format: exportEPUB, page: export.A4}, epub: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			f := newExportForm(tt.n, a.Preferences())
			test.NewTempWindow(t, f.box)
			if (f.split != nil) != (tt.n > 1) {
				t.Errorf("per-article/combined choice offered = %v with %d articles", f.split != nil, tt.n)
			}
			tt.choose(f)
			if got := f.options(); got != tt.want {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
			if f.pdf.Visible() != tt.pdfOnly || f.md.Visible() != (!tt.pdfOnly && !tt.epub) || f.epub.Visible() != tt.epub {
				t.Errorf("PDF options visible = %v, Markdown options visible = %v, EPUB options visible = %v, for PDF = %v, EPUB = %v",
					f.pdf.Visible(), f.md.Visible(), f.epub.Visible(), tt.pdfOnly, tt.epub)
			}
		})
	}
}

func TestExportFormRemembers(t *testing.T) {
	a := test.NewTempApp(t)
	f := newExportForm(2, a.Preferences())
	f.format.SetSelected(labelPDF)
	f.page.SetSelected(labelLetter)
	f.remember(a.Preferences())
	again := newExportForm(2, a.Preferences()).options()
	if again.format != exportPDF || again.page != export.Letter {
		t.Errorf("next export starts with %+v, want PDF on Letter", again)
	}
}

// savedSeed saves the seed page through the link bar and returns its id.
func (h *harness) savedSeed() int64 {
	h.t.Helper()
	submit(h.u.linkBar, h.link("/index.html"))
	h.eventually("the seed article saved", func() bool { return len(h.u.list.rows) == 1 })
	h.settle()
	return h.u.list.rows[0].ID
}

// exported runs an export after the dialogs and waits for its result.
func (h *harness) exported(ids []int64, dir string, opts exportOptions) *exportRun {
	h.t.Helper()
	r := h.u.exports.exportTo(ids, dir, opts)
	h.eventually("the export to end", func() bool { return h.u.exports.running == nil })
	h.settle()
	return r
}

// topButtons are the buttons of the dialog shown on top of the window.
func topButtons(w fyne.Window) map[string]*widget.Button {
	out := map[string]*widget.Button{}
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return out
	}
	for _, b := range find[*widget.Button](top) {
		out[b.Text] = b
	}
	return out
}

func TestExportSeed(t *testing.T) {
	h := newHarness(t, nil)
	id := h.savedSeed()
	if err := h.lib.AddTags(context.Background(), []int64{id}, "việt nam"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.lib.AddNote(context.Background(), id, "Đọc lại phần kết."); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		opts  exportOptions
		check func(t *testing.T, files []string)
	}{
		{name: "markdown", opts: exportOptions{format: exportMarkdown}, check: func(t *testing.T, files []string) {
			if len(files) != 1 || filepath.Ext(files[0]) != ".md" {
				t.Fatalf("files = %v, want one .md", files)
			}
			md, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"title:", "tags:", "việt", "Đọc lại phần kết."} {
				if !strings.Contains(string(md), want) {
					t.Errorf("markdown lacks %q", want)
				}
			}
			if !strings.HasPrefix(string(md), "---\n") {
				t.Errorf("markdown starts %q, want front matter", string(md[:min(len(md), 20)]))
			}
			assets, err := os.ReadDir(strings.TrimSuffix(files[0], ".md") + ".assets")
			if err != nil {
				t.Fatal(err)
			}
			if len(assets) != 4 {
				t.Errorf("%d images beside the markdown, want 4", len(assets))
			}
		}},
		{name: "pdf", opts: exportOptions{format: exportPDF, page: export.Letter}, check: func(t *testing.T, files []string) {
			if len(files) != 1 || filepath.Ext(files[0]) != ".pdf" {
				t.Fatalf("files = %v, want one .pdf", files)
			}
			data, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("%PDF-")) {
				t.Errorf("PDF starts %q", data[:min(len(data), 8)])
			}
		}},
		{name: "epub", opts: exportOptions{format: exportEPUB}, check: func(t *testing.T, files []string) {
			if len(files) != 1 || filepath.Ext(files[0]) != ".epub" {
				t.Fatalf("files = %v, want one .epub", files)
			}
			data, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("PK\x03\x04")) || !bytes.Contains(data[:80], []byte("mimetypeapplication/epub+zip")) {
				t.Errorf("EPUB starts %q, want a ZIP whose first entry is the stored mimetype", data[:min(len(data), 80)])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opened []string
			h.u.exports.open = func(u *url.URL) { opened = append(opened, u.String()) }
			dir := filepath.Join(t.TempDir(), "out")
			r := h.exported([]int64{id}, dir, tt.opts)
			if r.done != 1 || r.bar.Value != r.bar.Max {
				t.Errorf("progress ended at %d (bar %v of %v), want 1 of 1", r.done, r.bar.Value, r.bar.Max)
			}
			if want := "Exported 1 article to " + dir; h.u.exports.message != want {
				t.Errorf("result says %q, want %q", h.u.exports.message, want)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, e := range entries {
				if !e.IsDir() {
					files = append(files, filepath.Join(dir, e.Name()))
				}
			}
			tt.check(t, files)
			buttons := topButtons(h.w)
			for _, name := range []string{"Open", "Show folder", "Close"} {
				if buttons[name] == nil {
					t.Fatalf("result dialog has no %q button (has %v)", name, buttons)
				}
			}
			test.Tap(buttons["Open"])
			if len(opened) != 1 || opened[0] != fileURL(files[0]).String() || !strings.HasPrefix(opened[0], "file:///") {
				t.Errorf("Open opened %v, want %s", opened, fileURL(files[0]))
			}
		})
	}
}

func TestExportCombinedPDF(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai", "Ba"}, nil))
	h.u.exports.now = func() time.Time { return time.Date(2024, 3, 9, 8, 7, 6, 0, time.UTC) }
	var ids []int64
	for _, r := range h.u.list.rows {
		ids = append(ids, r.ID)
	}
	dir := t.TempDir()
	var opened []string
	h.u.exports.open = func(u *url.URL) { opened = append(opened, u.String()) }
	for _, want := range []string{"folio-2024-03-09-080706.pdf", "folio-2024-03-09-080706-2.pdf"} {
		r := h.exported(ids, dir, exportOptions{format: exportPDF, combined: true})
		if r.done != 3 || r.bar.Value != 3 {
			t.Errorf("progress ended at %d (bar %v), want 3", r.done, r.bar.Value)
		}
		data, err := os.ReadFile(filepath.Join(dir, want))
		if err != nil {
			t.Fatalf("combined PDF: %v", err)
		}
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Errorf("%s is not a PDF", want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files after two combined exports, want 2", len(entries))
	}
	if h.u.exports.message != "Exported 3 articles to "+dir {
		t.Errorf("result says %q", h.u.exports.message)
	}
	test.Tap(topButtons(h.w)["Show folder"])
	if len(opened) != 1 || opened[0] != fileURL(dir).String() {
		t.Errorf("Show folder opened %v, want %s", opened, fileURL(dir))
	}
}

func TestExportUnwritableFolder(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một"}, nil))
	// A folder inside a plain file can be neither made nor written, even
	// by root.
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts exportOptions
	}{
		{"markdown", exportOptions{format: exportMarkdown}},
		{"pdfs", exportOptions{format: exportPDF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(file, "out")
			h.exported([]int64{h.u.list.rows[0].ID}, dir, tt.opts)
			want := "Folio can't write to " + dir + ". Choose another folder."
			if h.u.exports.message != want {
				t.Errorf("error says %q, want %q", h.u.exports.message, want)
			}
			if b := topButtons(h.w); b["Open"] != nil || b["Show folder"] != nil || b["Close"] == nil {
				t.Errorf("failure dialog buttons = %v, want only Close", b)
			}
		})
	}
}

// blockingLib holds Get for one article until the caller gives up, so a
// test can cancel an export in the middle.
type blockingLib struct {
	Library
	block   int64
	started chan struct{}
}

func (l *blockingLib) Get(ctx context.Context, id int64) (*storage.Article, error) {
	if id == l.block {
		close(l.started)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return l.Library.Get(ctx, id)
}

func TestExportCancel(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai"}, nil))
	lib := &blockingLib{Library: h.u.lib, block: h.u.list.rows[1].ID, started: make(chan struct{})}
	h.u.lib = lib
	dir := filepath.Join(t.TempDir(), "out")
	r := h.u.exports.exportTo([]int64{h.u.list.rows[0].ID, h.u.list.rows[1].ID}, dir, exportOptions{format: exportMarkdown})
	<-lib.started
	h.drain()
	if topButtons(h.w)["Cancel"] != r.stop {
		t.Fatal("the progress dialog has no Cancel button")
	}
	test.Tap(r.stop)
	h.eventually("the export to stop", func() bool { return h.u.exports.running == nil })
	if h.u.exports.message != "Export stopped." {
		t.Errorf("result says %q, want Export stopped.", h.u.exports.message)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		t.Errorf("a cancelled export wrote %d files", len(entries))
	}
}

func TestExportActions(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai"}, nil))
	h.u.menuItems["export"].Action()
	if h.u.queue.message.Text != "Choose the articles to export first." {
		t.Errorf("export with nothing chosen says %q", h.u.queue.message.Text)
	}
	h.u.list.click(0, 0)
	h.u.list.click(1, fyne.KeyModifierShortcutDefault)
	h.settle()
	if !h.u.view.exportBtn.Visible() || h.u.view.exportBtn.Disabled() {
		t.Error("the reader's Export… button is not available for a selection")
	}
	test.Tap(h.u.view.exportBtn)
	top := h.w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("Export… showed no dialog")
	}
	var labels []string
	for _, l := range find[*widget.Label](top) {
		labels = append(labels, l.Text)
	}
	if !strings.Contains(strings.Join(labels, "|"), "Export 2 articles") {
		t.Errorf("dialog labels %q lack the title Export 2 articles", labels)
	}
	if h.u.exports.form == nil || h.u.exports.form.split == nil {
		t.Error("the dialog for two articles offers no combined PDF")
	}
	if topButtons(h.w)["Choose folder…"] == nil {
		t.Error("the dialog has no Choose folder… button")
	}
}

func TestFreePath(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.pdf", "a-2.pdf", "b.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ name, base, ext, want string }{
		{"free", "c", ".pdf", "c.pdf"},
		{"taken twice", "a", ".pdf", "a-3.pdf"},
		{"other extension", "b", ".pdf", "b.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := freePath(dir, tt.base, tt.ext); got != filepath.Join(dir, tt.want) {
				t.Errorf("freePath = %s, want %s", got, tt.want)
			}
		})
	}
}
