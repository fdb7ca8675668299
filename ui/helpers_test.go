package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

const seedDir = "../testdata/pages/seed-vi"

func TestMain(m *testing.M) {
	// Dates in goldens are shown in local time; pin it.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// harness is a window over a real temporary library, saving from a local
// server. Work started by the window reports back through a queue that the
// test goroutine drains, so widgets are only touched from one goroutine.
type harness struct {
	t   testing.TB
	u   *UI
	w   fyne.Window
	lib *storage.Library
	srv *httptest.Server

	mu      sync.Mutex
	pending []func()
}

// newHarness opens a window on a new library. seed adds articles before the
// window loads.
func newHarness(t testing.TB, seed func(lib *storage.Library)) *harness {
	t.Helper()
	lib, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "library.db"))
	if err != nil {
		t.Fatalf("open library: %v", err)
	}
	t.Cleanup(func() { lib.Close() })
	if seed != nil {
		seed(lib)
	}
	return openHarness(t, lib)
}

// openHarness opens the window on lib and waits for it to load.
func openHarness(t testing.TB, lib *storage.Library) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	h := &harness{t: t, lib: lib}
	h.srv = httptest.NewServer(testMux())
	t.Cleanup(h.srv.Close)
	h.u = New(a, lib, reader.New(h.srv.Client()))
	h.u.bg.do = h.push
	h.u.watchEvery = 0 // TestWatchSeesTheCommandLine starts it
	h.u.markReadAfter = 20 * time.Millisecond
	h.w = h.u.Window()
	h.w.Resize(fyne.NewSize(1280, 800))
	h.w.Show()
	t.Cleanup(func() {
		h.u.stop()
		if !h.u.bg.wait(10 * time.Second) {
			t.Error("background work still running after the window closed")
		}
	})
	h.settle()
	return h
}

// testMux serves the seed page and the failures the queue must explain.
func testMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(seedDir)))
	mux.HandleFunc("/no-article", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, "../testdata/pages/no-article/index.html")
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	})
	mux.HandleFunc("/paper.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		// Holds the request until the client gives up, so a test can cancel.
		<-r.Context().Done()
	})
	return mux
}

func (h *harness) push(f func()) {
	h.mu.Lock()
	h.pending = append(h.pending, f)
	h.mu.Unlock()
}

// drain runs what background work handed to the UI, on this goroutine.
func (h *harness) drain() int {
	n := 0
	for {
		h.mu.Lock()
		fs := h.pending
		h.pending = nil
		h.mu.Unlock()
		if len(fs) == 0 {
			return n
		}
		for _, f := range fs {
			f()
			n++
		}
	}
}

// eventually drains UI work until cond holds. The deadline is a guard
// against hanging, not a speed check.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle waits until no background work runs and nothing waits for the UI.
func (h *harness) settle() {
	h.t.Helper()
	h.eventually("background work to finish", func() bool {
		if !h.u.bg.wait(10 * time.Millisecond) {
			return false
		}
		return h.drain() == 0
	})
}

func (h *harness) link(path string) string { return h.srv.URL + path }

// submit types text into an entry and presses Enter.
func submit(e interface {
	fyne.Focusable
}, text string) {
	test.Type(e, text)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// find returns the objects of type T under o, in tree order.
func find[T any](o fyne.CanvasObject) []T {
	var out []T
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		if t, ok := o.(T); ok {
			out = append(out, t)
		}
		switch c := o.(type) {
		case *fyne.Container:
			for _, k := range c.Objects {
				walk(k)
			}
		case fyne.Widget:
			for _, k := range test.WidgetRenderer(c).Objects() {
				walk(k)
			}
		}
	}
	walk(o)
	return out
}

// button finds a visible button by its text.
func button(t testing.TB, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, b := range find[*widget.Button](o) {
		if b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q", text)
	return nil
}

// fixedArticle is an article with Vietnamese text, a list, a quote and a
// table, saved on a fixed day (1 March 2024 plus i days).
func fixedArticle(i int, title string) (*reader.Article, storage.AddOptions) {
	a := &reader.Article{
		URL:      "https://example.org/articles/" + title,
		Title:    title,
		Byline:   "Thanh Hà",
		SiteName: "Kênh thông tin giới trẻ",
		Lang:     "vi",
		Excerpt:  "Ngày 13/1, Ban Dân vận Trung ương tổ chức Hội nghị toàn quốc.",
		HTML: `<h2>Đổi mới nội dung</h2><p>Hội nghị được tổ chức <em>trực tuyến</em> từ điểm cầu <a href="/ha-noi">Hà Nội</a>.</p>` +
			`<ul><li>Một</li><li>Hai<ul><li>Hai chấm một</li></ul></li></ul><blockquote><p>Dân là gốc.</p></blockquote>` +
			`<table><tr><th>Năm</th><th>Kết quả</th></tr><tr><td>2021</td><td>Tốt</td></tr></table>`,
		Text:        "Đổi mới nội dung\n\nHội nghị được tổ chức trực tuyến từ điểm cầu Hà Nội.",
		Words:       1200,
		ReadingTime: 6 * time.Minute,
		Published:   time.Date(2022, 1, 13, 12, 28, 0, 0, time.UTC),
	}
	return a, storage.AddOptions{Saved: time.Date(2024, 3, 1+i, 9, 0, 0, 0, time.UTC)}
}

// seedArticles adds fixed articles with the given titles (oldest first) and
// tags (tags[i] for the i-th, when given).
func seedArticles(t testing.TB, titles []string, tags [][]string) func(*storage.Library) {
	return func(lib *storage.Library) {
		t.Helper()
		for i, title := range titles {
			a, opts := fixedArticle(i, title)
			if i < len(tags) {
				opts.Tags = tags[i]
			}
			if _, err := lib.Add(context.Background(), a, opts); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// slowSave queues a link whose server never answers and waits until it is
// being fetched.
func (h *harness) slowSave() *saveJob {
	h.t.Helper()
	submit(h.u.linkBar, h.link("/slow"))
	j := h.u.queue.jobs[0]
	h.eventually("the fetch to start", func() bool { return j.state == jobRunning })
	return j
}
