package ui

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/storage"
)

// layOut puts segs in the reader's text widget at width.
func layOut(t *testing.T, segs []widget.RichTextSegment, width float32) *richText {
	t.Helper()
	rt := newRichText(segs...)
	rt.Resize(fyne.NewSize(width, rt.MinSize().Height))
	return rt
}

// textRows returns the text of each row of rt, top to bottom.
func textRows(t *testing.T, rt *richText) []string {
	t.Helper()
	rows := map[float32]string{}
	for _, o := range test.TempWidgetRenderer(t, rt).Objects() {
		if o, ok := o.(*canvas.Text); ok {
			rows[o.Position().Y] += strings.ReplaceAll(o.Text, wrapHint, "")
		}
	}
	var ys []float32
	for y, text := range rows {
		if strings.TrimSpace(text) != "" {
			ys = append(ys, y)
		}
	}
	sort.Slice(ys, func(i, j int) bool { return ys[i] < ys[j] })
	out := make([]string, len(ys))
	for i, y := range ys {
		out[i] = rows[y]
	}
	return out
}

// TestRunAtLineEndWraps lays paragraphs out at many widths, so that a link
// or a bold run falls at the end of a line at some of them. Each takes
// about as many lines as the same text without the markup, and no line
// holds a lone letter: with Fyne 2.7's hyperlink segment, and with any run
// whose first letter did not fit on the line, the rest of the paragraph
// went one letter per line.
func TestRunAtLineEndWraps(t *testing.T) {
	test.NewTempApp(t)
	const (
		before = "Readers who follow the story closely will want to look at "
		middle = "the full report from the regional office"
		after  = " before drawing conclusions about what happened next in the valley."
	)
	tests := []struct{ name, open, close string }{
		{name: "link", open: `<a href="https://example.org/report">`, close: `</a>`},
		{name: "bold", open: `<b>`, close: `</b>`},
		{name: "italic link", open: `<em><a href="https://example.org/report">`, close: `</a></em>`},
	}
	plain := renderHTML(`<p>`+before+middle+after+`</p>`, nil, nil, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			marked := renderHTML(`<p>`+before+tt.open+middle+tt.close+after+`</p>`, nil, nil, func(*url.URL) {})
			for width := float32(150); width <= 720; width += 3 {
				got := textRows(t, layOut(t, marked, width))
				flat := textRows(t, layOut(t, plain, width))
				if len(got) > len(flat)+1 {
					t.Fatalf("width %v: %d lines, %d without markup:\n%s", width, len(got), len(flat), strings.Join(got, "\n"))
				}
				for i, row := range got {
					if len([]rune(strings.TrimSpace(row))) == 1 {
						t.Errorf("width %v: line %d holds a lone %q", width, i, row)
					}
				}
				if g, w := string(letters(strings.Join(got, ""))), string(letters(before+middle+after)); g != w {
					t.Fatalf("width %v: lines hold %q, want %q", width, g, w)
				}
			}
		})
	}
}

// linkTextAt finds the laid-out text objects of rt that contain word.
func linkTextAt(t *testing.T, rt *richText, word string) []*canvas.Text {
	t.Helper()
	var out []*canvas.Text
	for _, o := range test.TempWidgetRenderer(t, rt).Objects() {
		if txt, ok := o.(*canvas.Text); ok && strings.Contains(txt.Text, word) {
			out = append(out, txt)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no text object holds %q", word)
	}
	return out
}

func centre(o fyne.CanvasObject) fyne.Position {
	return o.Position().AddXY(3, o.Size().Height/2)
}

// TestLinkTaps taps link text, wrapped over two lines, and the text around
// it: a link opens its URL from either line, other text opens nothing.
func TestLinkTaps(t *testing.T) {
	test.NewTempApp(t)
	base, _ := url.Parse("https://news.example/a/story.html")
	var opened []string
	open := func(u *url.URL) { opened = append(opened, u.String()) }
	html := `<p>Readers who follow the story closely will want to look at <a href="/report">the full report from the regional office about the flooding</a> before drawing conclusions, and <a href="https://other.example/">this one</a> too.</p>` +
		`<blockquote><p>Quoted with <a href="/quoted">a quoted link</a>.</p></blockquote>`
	rt := layOut(t, renderHTML(html, base, nil, open), 300)
	w := test.NewTempWindow(t, rt)
	w.Resize(fyne.NewSize(300, 600))
	rt.Resize(fyne.NewSize(300, rt.MinSize().Height))

	first, second := linkTextAt(t, rt, "report"), linkTextAt(t, rt, "flooding")
	if first[0] == second[0] {
		t.Fatalf("the link is on one line (%q): widen the text so it wraps", first[0].Text)
	}
	tests := []struct {
		name string
		at   fyne.Position
		want string // "" for nothing opened
	}{
		{name: "link, first line", at: centre(first[0]), want: "https://news.example/report"},
		{name: "link, second line", at: centre(second[0]), want: "https://news.example/report"},
		{name: "second link", at: centre(linkTextAt(t, rt, "one")[0]), want: "https://other.example/"},
		{name: "plain text", at: centre(linkTextAt(t, rt, "Readers")[0])},
		{name: "blank after the last word of a row", at: first[0].Position().AddXY(first[0].Size().Width-2, 4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opened = nil
			test.TapAt(rt, tt.at)
			want := []string{}
			if tt.want != "" {
				want = []string{tt.want}
			}
			if strings.Join(opened, " ") != strings.Join(want, " ") {
				t.Errorf("tap at %v opened %q, want %q", tt.at, opened, want)
			}
		})
	}

	t.Run("hover", func(t *testing.T) {
		pieces := len(linkTextAt(t, rt, "report")) + len(linkTextAt(t, rt, "flooding"))
		rt.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: centre(second[0])}})
		if rt.Cursor() != desktop.PointerCursor {
			t.Error("no pointer over a link")
		}
		lines := 0
		for _, o := range test.TempWidgetRenderer(t, rt).Objects() {
			if _, ok := o.(*canvas.Rectangle); ok {
				lines++
			}
		}
		if lines != pieces {
			t.Errorf("%d underlines, want one under each of the link's %d lines", lines, pieces)
		}
		rt.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: centre(linkTextAt(t, rt, "Readers")[0])}})
		if rt.Cursor() != desktop.DefaultCursor {
			t.Error("pointer over plain text")
		}
		for _, o := range test.TempWidgetRenderer(t, rt).Objects() {
			if _, ok := o.(*canvas.Rectangle); ok {
				t.Error("an underline stays once the mouse left the link")
			}
		}
	})

	t.Run("link in a quote", func(t *testing.T) {
		opened = nil
		quotes := find[*quoteView](rt)
		if len(quotes) != 1 {
			t.Fatalf("quotes = %d", len(quotes))
		}
		test.TapAt(quotes[0].text, centre(linkTextAt(t, quotes[0].text, "quoted link")[0]))
		if strings.Join(opened, " ") != "https://news.example/quoted" {
			t.Errorf("tap opened %q", opened)
		}
	})
}

// urlApp records the URLs the app is asked to open.
type urlApp struct {
	fyne.App
	opened []string
}

func (a *urlApp) OpenURL(u *url.URL) error {
	a.opened = append(a.opened, u.String())
	return nil
}

// TestReaderOpensLinks opens an article in the window and clicks a link in
// its text: the app opens the link, resolved against the article's address.
func TestReaderOpensLinks(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"links"}, nil))
	app := &urlApp{App: h.u.app}
	h.u.app = app
	ids, _, err := h.lib.List(context.Background(), storage.Filter{})
	if err != nil || len(ids) != 1 {
		t.Fatalf("list = %v, %v", ids, err)
	}
	h.u.view.show(ids[0].ID)
	h.eventually("the article in the reader", func() bool { return h.u.view.id == ids[0].ID })
	h.settle()
	link := linkTextAt(t, h.u.view.body, "Hà Nội")[0]
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(link)
	test.TapCanvas(h.w.Canvas(), abs.AddXY(3, link.Size().Height/2))
	if strings.Join(app.opened, " ") != "https://example.org/ha-noi" {
		t.Errorf("opened %q, want the article's Hà Nội link", app.opened)
	}
}
