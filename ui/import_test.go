package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/archive"
	"github.com/folio-app/folio/importer"
	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// pocketCSV writes a Pocket export listing rows (title, link, tags, status).
func pocketCSV(t *testing.T, rows ...[4]string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("title,url,time_added,tags,status\n")
	for i, r := range rows {
		fmt.Fprintf(&b, "%s,%s,%d,%s,%s\n", r[0], r[1], 1700000000+i, r[2], r[3])
	}
	path := filepath.Join(t.TempDir(), "part_000000.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// step runs one piece of UI work handed over by background work, and says
// whether there was one.
func (h *harness) step() bool {
	h.mu.Lock()
	if len(h.pending) == 0 {
		h.mu.Unlock()
		return false
	}
	f := h.pending[0]
	h.pending = h.pending[1:]
	h.mu.Unlock()
	f()
	return true
}

// imported runs an import after the dialogs and returns every text its
// progress row showed, in order, until the summary.
func (h *harness) imported(path string, opts importer.Options) (*importRun, []string) {
	h.t.Helper()
	r := h.u.imports.importFrom(path, opts)
	if !slices.Contains(h.u.queue.others, r.row) || !h.u.queue.panel.Visible() {
		h.t.Error("the import has no row in the queue")
	}
	texts := []string{r.label.Text}
	deadline := time.Now().Add(30 * time.Second)
	for h.u.imports.running != nil {
		if !h.step() {
			if time.Now().After(deadline) {
				h.t.Fatal("timed out waiting for the import")
			}
			time.Sleep(2 * time.Millisecond)
			continue
		}
		if t := r.label.Text; t != texts[len(texts)-1] {
			texts = append(texts, t)
		}
	}
	h.settle()
	return r, texts
}

func TestImportPocket(t *testing.T) {
	h := newHarness(t, nil)
	h.u.imports.throttle = 0
	seed, dead := h.link("/index.html"), h.link("/gone")
	path := pocketCSV(t,
		[4]string{"Hội nghị", seed, "việt nam|đọc sau", "archive"},
		[4]string{"Dead", dead, "cũ", "unread"})
	r, texts := h.imported(path, importer.Options{Tag: "pocket"})

	if want := "Importing Pocket export — 2 of 2 (1 failed to fetch)"; !slices.Contains(texts, want) {
		t.Errorf("row showed %q, want %q among them", texts, want)
	}
	if r.bar.Value != 2 || r.bar.Max != 2 {
		t.Errorf("progress bar at %v of %v, want 2 of 2", r.bar.Value, r.bar.Max)
	}
	if slices.Contains(h.u.queue.others, r.row) {
		t.Error("the import row stays after the import")
	}
	if want := "Imported 1 article; 1 couldn't be fetched and was saved as a bookmark."; h.u.imports.message != want {
		t.Errorf("summary = %q, want %q", h.u.imports.message, want)
	}
	wantDetail := dead + " — not fetched: The server answered 404 — the page may have moved."
	if len(h.u.imports.details) != 1 || h.u.imports.details[0] != wantDetail {
		t.Errorf("details = %q, want %q", h.u.imports.details, wantDetail)
	}
	if topButtons(h.w)["Close"] == nil {
		t.Error("no summary dialog")
	}

	h.eventually("both articles listed", func() bool { return len(h.u.list.rows) == 2 })
	ctx := context.Background()
	tests := []struct {
		name     string
		link     string
		fetched  bool
		tags     []string
		archived bool
	}{
		{"fetched", seed, true, []string{"đọc sau", "pocket", "việt nam"}, true},
		{"bookmark", dead, false, []string{"cũ", "pocket"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := h.lib.Lookup(ctx, tt.link)
			if err != nil {
				t.Fatal(err)
			}
			if h.u.list.indexOf(id) < 0 {
				t.Error("not in the list")
			}
			a, err := h.lib.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Fetched != tt.fetched || !slices.Equal(a.Tags, tt.tags) || a.Archived != tt.archived || a.Read != tt.archived {
				t.Errorf("fetched %v tags %q archived %v read %v; want %v %q %v %v",
					a.Fetched, a.Tags, a.Archived, a.Read, tt.fetched, tt.tags, tt.archived, tt.archived)
			}
		})
	}
	counts := map[string]int{}
	for _, e := range h.u.sidebar.entries {
		counts[e.label] = e.count
	}
	if counts["All articles"] != 2 || counts["Archive"] != 1 || counts["pocket"] != 2 {
		t.Errorf("sidebar counts %v after the import, want 2 in All, 1 archived, 2 tagged pocket", counts)
	}

	// The same export again changes nothing and says so.
	h.imported(path, importer.Options{Tag: "pocket"})
	if want := "No new articles were imported; 2 were already in your library."; h.u.imports.message != want {
		t.Errorf("second import says %q, want %q", h.u.imports.message, want)
	}
}

func TestImportUnrecognised(t *testing.T) {
	h := newHarness(t, nil)
	path := filepath.Join(t.TempDir(), "photo.png")
	if err := os.WriteFile(path, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.imported(path, importer.Options{})
	want := "Folio doesn't recognise photo.png as an export: it is a PNG image. Export your library again from the service, in one of the formats Folio reads."
	if h.u.imports.message != want {
		t.Errorf("message = %q, want %q", h.u.imports.message, want)
	}
}

// slowImport starts importing a list of links whose server never answers
// and waits until the links are being fetched.
func (h *harness) slowImport() *importRun {
	h.t.Helper()
	path := filepath.Join(h.t.(*testing.T).TempDir(), "links.txt")
	if err := os.WriteFile(path, []byte(h.link("/slow")+"\n"+h.link("/slow?2")+"\n"), 0o644); err != nil {
		h.t.Fatal(err)
	}
	r := h.u.imports.importFrom(path, importer.Options{})
	h.eventually("the import to start", func() bool { return r.what != "" })
	return r
}

func TestImportCancel(t *testing.T) {
	h := newHarness(t, nil)
	r := h.slowImport()
	if r.label.Text != "Importing list of links — 0 of 2" {
		t.Errorf("row = %q", r.label.Text)
	}
	test.Tap(r.stop)
	h.eventually("the import to stop", func() bool { return h.u.imports.running == nil })
	want := "Import stopped — import the same file again to finish; nothing will be duplicated."
	if !strings.HasPrefix(h.u.imports.message, want) {
		t.Errorf("message = %q, want it to start %q", h.u.imports.message, want)
	}
}

func TestCloseCancelsImport(t *testing.T) {
	h := newHarness(t, nil)
	h.slowImport()
	h.u.close()
	if !h.u.bg.wait(5 * time.Second) {
		t.Fatal("the import still runs after the window closed")
	}
	h.drain()
	if h.u.imports.running != nil || h.u.imports.result != nil {
		t.Errorf("after close: running %v, summary %q; want neither", h.u.imports.running != nil, h.u.imports.message)
	}
}

func TestImportSentence(t *testing.T) {
	fail := func(n int) []importer.Failure { return make([]importer.Failure, n) }
	tests := []struct {
		name string
		s    importer.Summary
		want string
	}{
		{"brief's example", importer.Summary{Total: 3400, Imported: 3350, FetchFailed: fail(45), Merged: 5},
			"Imported 3,350 articles; 45 couldn't be fetched and were saved as bookmarks; 5 were already in your library."},
		{"one of each", importer.Summary{Total: 3, Imported: 1, FetchFailed: fail(1), Merged: 1},
			"Imported 1 article; 1 couldn't be fetched and was saved as a bookmark; 1 was already in your library."},
		{"bookmarks only", importer.Summary{Total: 120, Bookmarks: 120}, "Saved 120 links as bookmarks without fetching them."},
		{"stopped", importer.Summary{Total: 10, Imported: 4, Left: 6}, "Imported 4 articles; 6 were not imported yet."},
		{"broken rows", importer.Summary{Total: 2, Imported: 2, Broken: make([]importer.RowError, 3), Errors: fail(1)},
			"Imported 2 articles; 1 couldn't be saved; 3 rows of the file couldn't be read."},
		{"empty", importer.Summary{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := importSentence(tt.s); got != tt.want {
				t.Errorf("importSentence = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFailureReason(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"not an article", fmt.Errorf("read x: %w", reader.ErrNotArticle), "the page has no article text Folio can find."},
		{"no link", importer.RowError{Line: 3, Err: importer.ErrNoLink}, "the row names no link."},
		{"status", fmt.Errorf("fetch x: %w", &reader.StatusError{Code: 410, Status: "410 Gone"}), "The server answered 410 — the page may have moved."},
		{"other", errors.New("disk full"), "Something went wrong. The details are in Folio's log."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failureReason(tt.err); got != tt.want {
				t.Errorf("failureReason = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestImportProgressRefreshes(t *testing.T) {
	h := newHarness(t, nil)
	f := h.u.imports
	r := &importRun{what: "Pocket export", label: widget.NewLabel(""), bar: widget.NewProgressBar(), refreshed: time.Now()}
	a, opts := fixedArticle(0, "Một")
	if _, err := h.lib.Add(context.Background(), a, opts); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		every     time.Duration
		p         importer.Progress
		wantLabel string
		wantRows  int
	}{
		{"no reload yet", time.Hour, importer.Progress{Total: 3400, Done: 120, Failed: 5, Left: 3280},
			"Importing Pocket export — 120 of 3,400 (5 failed to fetch)", 0},
		{"reload when due", 0, importer.Progress{Total: 3400, Done: 121, Failed: 5, Left: 3279},
			"Importing Pocket export — 121 of 3,400 (5 failed to fetch)", 1},
		{"late update ignored", 0, importer.Progress{Total: 3400, Done: 100, Left: 3300},
			"Importing Pocket export — 121 of 3,400 (5 failed to fetch)", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.refreshEvery = tt.every
			f.progress(r, tt.p)
			h.settle()
			if r.label.Text != tt.wantLabel {
				t.Errorf("row = %q, want %q", r.label.Text, tt.wantLabel)
			}
			if len(h.u.list.rows) != tt.wantRows {
				t.Errorf("list shows %d rows, want %d", len(h.u.list.rows), tt.wantRows)
			}
		})
	}
}

func TestImportFolioArchive(t *testing.T) {
	ctx := context.Background()
	src, err := storage.Open(ctx, filepath.Join(t.TempDir(), "src.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	saved := time.Date(2021, 3, 4, 5, 6, 7, 8, time.UTC)
	id, err := src.Add(ctx, &reader.Article{URL: "https://example.com/bai", Title: "Bài viết", HTML: "<p>Nội dung</p>", Text: "Nội dung"},
		storage.AddOptions{Tags: []string{"lưu trữ"}, Saved: saved, Favorite: true, Notes: []string{"ghi chú"}})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := archive.Export(ctx, filepath.Join(t.TempDir(), "archive"), src, []int64{id}, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}

	h := newHarness(t, nil)
	h.imported(dir, importer.Options{})
	if want := "Imported 1 article."; h.u.imports.message != want {
		t.Errorf("summary = %q, want %q", h.u.imports.message, want)
	}
	h.eventually("the article listed", func() bool { return len(h.u.list.rows) == 1 })
	got, err := h.u.lib.(*storage.Library).Record(ctx, h.u.list.rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Saved.Equal(saved) || !got.Favorite || len(got.Notes) != 1 || got.Notes[0].Text != "ghi chú" || got.Tags[0] != "lưu trữ" {
		t.Errorf("imported from the archive: %+v", got)
	}
}
