package ui

import (
	"context"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/font/sfnt"

	"github.com/folio-app/folio/assets"
	"github.com/folio-app/folio/storage"
)

// prose is ordinary English text of words of ordinary lengths.
func prose(words int) string {
	vocab := strings.Fields("the reader follows a long argument about rivers and cities, with some longer words like infrastructure and accountability between short ones of it at")
	var b strings.Builder
	for i := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(vocab[(i*7+i/3)%len(vocab)])
	}
	return b.String()
}

// pageAt lays html out in a reader page of the given size and scale.
func pageAt(t testing.TB, html string, size fyne.Size, scale float32, serif bool) (*docPage, fyne.Window) {
	t.Helper()
	th := &scaledTheme{scale: scale}
	style := &docStyle{size: 14 * bodyScale * scale, serif: serif}
	var opened []*url.URL
	p := newDocPage(th, style, func(u *url.URL) { opened = append(opened, u) })
	s := newWheelScroll(p)
	w := test.NewTempWindow(t, s)
	w.Resize(size)
	p.setDocument(nil, parseDocument(html, nil, nil))
	return p, w
}

// lines is the text of each laid-out line of item i.
func (p *docPage) lineTextsOf(i int) []string {
	if !p.lay[i].laid {
		p.layBlock(i)
	}
	var out []string
	for _, ln := range p.lay[i].lines {
		out = append(out, p.items[i].text[ln.start:ln.end])
	}
	return out
}

// TestMeasure lays a long paragraph out at several window widths and text
// sizes, in both fonts: lines hold 60–75 letters on average and never run
// far past it; line height is 1.5.
func TestMeasure(t *testing.T) {
	test.NewTempApp(t)
	for _, serif := range []bool{true, false} {
		for _, width := range []float32{900, 1400, 2400} {
			for _, scale := range []float32{0.8, 1, 1.4} {
				p, _ := pageAt(t, "<p>"+prose(600)+"</p>", fyne.NewSize(width, 800), scale, serif)
				lines := p.lineTextsOf(0)
				total, longest := 0, 0
				for _, l := range lines[:len(lines)-1] {
					n := len([]rune(l))
					total += n
					longest = max(longest, n)
				}
				mean := float64(total) / float64(len(lines)-1)
				if mean < 60 || mean > 75 || longest > 80 {
					t.Errorf("serif %v, width %v, scale %v: lines of %.1f letters on average, longest %d; want 60–75", serif, width, scale, mean, longest)
				}
				if lh := p.lay[0].lineH / p.lay[0].size; lh < 1.45 || lh > 1.55 {
					t.Errorf("line height %.2f of the text size, want about 1.5", lh)
				}
			}
		}
	}
}

// TestNarrowWindowFillsColumn: in a narrow pane the column takes the width
// it has, and long words are cut rather than overflowing.
func TestNarrowWindowFillsColumn(t *testing.T) {
	test.NewTempApp(t)
	p, _ := pageAt(t, "<p>short "+strings.Repeat("x", 300)+" end</p>", fyne.NewSize(300, 600), 1, false)
	for _, l := range p.lineTextsOf(0) {
		if w := p.rangeWidth(p.items[0], 0, len(l), p.lay[0].size); w > p.colW+0.5 && strings.Count(l, " ") == 0 {
			t.Errorf("line %q is %v wide in a %v column", l, w, p.colW)
		}
	}
	if p.colW > 300 {
		t.Errorf("column %v wider than the pane", p.colW)
	}
}

// TestHeadingSpacing: more space above a heading than below it.
func TestHeadingSpacing(t *testing.T) {
	test.NewTempApp(t)
	p, _ := pageAt(t, "<p>One.</p><h2>Heading</h2><p>Two.</p>", fyne.NewSize(900, 600), 1, true)
	above, below := p.lay[1].above, p.lay[2].above
	if above <= 2*below {
		t.Errorf("space above the heading %v, below %v: want clearly more above", above, below)
	}
}

// texts lists the canvas texts on the page.
func texts(p *docPage) []*canvas.Text {
	var out []*canvas.Text
	for _, o := range p.objs {
		if t, ok := o.(*canvas.Text); ok {
			out = append(out, t)
		}
	}
	return out
}

// TestTextSizeReachesEverything: Ctrl+plus makes every part of the reader
// larger: paragraphs, headings, captions, code, list bullets and tables.
func TestTextSizeReachesEverything(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"size"}, nil))
	h.u.list.click(0, 0)
	h.eventually("the article open", func() bool { return h.u.view.art != nil })
	h.settle()
	sizes := func() map[string]float32 {
		out := map[string]float32{}
		for _, tx := range texts(h.u.view.page) {
			out[tx.Text] = tx.TextSize
		}
		for _, tv := range find[*tableView](h.u.view.page) {
			out["cell "+tv.cells[1][0].Text] = tv.Theme().Size("text")
		}
		return out
	}
	before := sizes()
	h.u.menuItems["larger"].Action()
	h.u.menuItems["larger"].Action()
	h.settle()
	after := sizes()
	for _, part := range []string{"size", "Đổi mới nội dung", "Hội nghị được tổ chức ", "•", "Dân là gốc.", "cell 2021"} {
		if before[part] == 0 || after[part] <= before[part] {
			t.Errorf("%q: text size %v → %v after Larger text twice", part, before[part], after[part])
		}
	}
}

// TestLinksTapAndHover taps link text wrapped over two lines and the text
// around it, and moves the mouse over it.
func TestLinksTapAndHover(t *testing.T) {
	test.NewTempApp(t)
	var opened []string
	th := &scaledTheme{scale: 1}
	p := newDocPage(th, &docStyle{size: 16}, func(u *url.URL) { opened = append(opened, u.String()) })
	s := newWheelScroll(p)
	w := test.NewTempWindow(t, s)
	w.Resize(fyne.NewSize(320, 600))
	base, _ := url.Parse("https://news.example/a/story.html")
	p.setDocument(nil, parseDocument(`<p>Readers who follow the story closely will want to look at <a href="/report">the full report from the regional office about the flooding</a> before drawing conclusions.</p><blockquote><p>Quoted with <a href="/quoted">a quoted link</a>.</p></blockquote>`, base, nil))
	at := func(word string) fyne.Position {
		for _, pc := range p.pieces {
			if strings.Contains(pc.t.Text, word) {
				return pc.t.Position().AddXY(3, pc.t.Size().Height/2)
			}
		}
		t.Fatalf("no text holds %q", word)
		return fyne.Position{}
	}
	if at("report").Y == at("flooding").Y {
		t.Fatal("the link is on one line: narrow the page so it wraps")
	}
	for _, tt := range []struct{ word, want string }{
		{"report", "https://news.example/report"},
		{"flooding", "https://news.example/report"},
		{"quoted link", "https://news.example/quoted"},
		{"Readers", ""},
	} {
		opened = nil
		test.TapAt(p, at(tt.word))
		if strings.Join(opened, "") != tt.want {
			t.Errorf("tap on %q opened %q, want %q", tt.word, opened, tt.want)
		}
	}
	p.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at("flooding")}})
	if p.Cursor() != desktop.PointerCursor {
		t.Error("no pointer over a link")
	}
	underlined := len(p.objs) - p.drawn
	if underlined < 2 {
		t.Errorf("%d pieces underlined, want both lines of the link", underlined)
	}
	p.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at("Readers")}})
	if p.Cursor() != desktop.DefaultCursor {
		t.Error("pointer over plain text")
	}
	if len(p.objs) != p.drawn {
		t.Error("an underline stays once the mouse left the link")
	}
}

// TestOffsetAt maps points on words to their offsets in the plain text,
// the model selection and highlights build on.
func TestOffsetAt(t *testing.T) {
	test.NewTempApp(t)
	p, _ := pageAt(t, "<h2>Đầu đề</h2><p>"+prose(200)+" Việt Nam cuối.</p>", fyne.NewSize(700, 2000), 1, true)
	plain := p.doc.plainText()
	for _, word := range []string{"Đầu", "Việt", "cuối"} {
		want := strings.Index(plain, word)
		var pos fyne.Position
		found := false
		for _, pc := range p.pieces {
			if i := strings.Index(pc.t.Text, word); i >= 0 {
				x := p.rangeWidth(p.items[pc.item], pc.start, pc.start+i, pc.t.TextSize)
				pos = pc.t.Position().AddXY(x+1, pc.t.Size().Height/2)
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("%q not drawn", word)
		}
		if got := p.offsetAt(pos); got != want {
			t.Errorf("offsetAt(%q) = %d (%q), want %d", word, got, plain[max(0, got):min(len(plain), max(0, got)+8)], want)
		}
	}
}

// TestHugeParagraphIsBounded opens an article of one 1 MB paragraph (10 MB
// froze the window for 50 s and grew it to 4.1 GB; BenchmarkHugeParagraph
// measures that size). Only what is seen is laid out and drawn, and memory
// stays a small multiple of the text.
func TestHugeParagraphIsBounded(t *testing.T) {
	test.NewTempApp(t)
	text := prose(170_000) // about 1 MB
	html := "<p>" + text + "</p>"
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	p, _ := pageAt(t, html, fyne.NewSize(1000, 800), 1, true)
	runtime.ReadMemStats(&after)
	laid := 0
	for _, l := range p.lay {
		if l.laid {
			laid++
		}
	}
	if laid > 10 || len(p.lay) < 50 {
		t.Errorf("%d of %d pieces laid out for the first screen", laid, len(p.lay))
	}
	if n := len(p.objs); n > 400 {
		t.Errorf("%d objects drawn for one screen", n)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 12*uint64(len(html)) {
		t.Errorf("opening a %d MB paragraph allocated %d MB", len(html)>>20, grew>>20)
	}
	// Jumping to the end lays out the end, not everything before it.
	p.scroll.ScrollToBottom()
	p.scrolled(p.scroll.Offset.Y)
	if !strings.Contains(texts(p)[len(texts(p))-1].Text, text[len(text)-10:]) {
		t.Errorf("the last line drawn is %q, want the paragraph's end", texts(p)[len(texts(p))-1].Text)
	}
	laid = 0
	for _, l := range p.lay {
		if l.laid {
			laid++
		}
	}
	if laid > 20 {
		t.Errorf("%d pieces laid out after jumping to the end", laid)
	}
}

// TestResizeKeepsPlace: a new width lays the page out again with the same
// text at the top of the view.
func TestResizeKeepsPlace(t *testing.T) {
	test.NewTempApp(t)
	var html strings.Builder
	for i := range 200 {
		html.WriteString("<p>" + prose(40+i%30) + "</p>")
	}
	p, w := pageAt(t, html.String(), fyne.NewSize(900, 700), 1, true)
	p.scrollToOffset(p.doc.blocks[120].start + 30)
	at := p.position()
	w.Resize(fyne.NewSize(500, 700))
	if got := p.position(); got < at-120 || got > at+10 {
		t.Errorf("after the resize the view starts at %d, was %d", got, at)
	}
	if p.doc.blockAt(p.position()) != 120 {
		t.Errorf("view moved to block %d, want 120", p.doc.blockAt(p.position()))
	}
}

// TestImagesFitTheColumn: small images grow at most to twice their size,
// large ones shrink to the column.
func TestImagesFitTheColumn(t *testing.T) {
	test.NewTempApp(t)
	small, _ := decodeImage(pngBytes(t, 60, 30), "")
	big, _ := decodeImage(pngBytes(t, 3000, 1500), "")
	p, _ := pageAt(t, "", fyne.NewSize(1000, 800), 1, true)
	for _, tt := range []struct {
		img  *docImage
		maxW float32
	}{{small, 120}, {big, p.colW}} {
		w, h := p.imageSize(&block{image: tt.img}, p.colW)
		if w > tt.maxW+0.01 || w/h < 1.99 || w/h > 2.01 {
			t.Errorf("%dx%d image shown %vx%v, want at most %v wide in its shape", tt.img.w, tt.img.h, w, h, tt.maxW)
		}
	}
}

// TestSerifCoversVietnamese: every bundled serif face has every Vietnamese
// letter.
func TestSerifCoversVietnamese(t *testing.T) {
	letters := "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđĐơưƠƯÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝăĂĩũ"
	for name, data := range map[string][]byte{"regular": assets.NotoSerifRegular, "bold": assets.NotoSerifBold,
		"italic": assets.NotoSerifItalic, "bold italic": assets.NotoSerifBoldItalic} {
		f, err := sfnt.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var buf sfnt.Buffer
		for _, r := range letters {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				t.Errorf("serif %s lacks %q", name, r)
			}
		}
	}
}

// TestReaderContrast: body text and the muted metadata meet WCAG AA
// (4.5:1) in both themes; light-theme body text is near-black.
func TestReaderContrast(t *testing.T) {
	test.NewTempApp(t)
	th := theme.DefaultTheme()
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		c := readerColors(th, v)
		bg := th.Color("background", v)
		for name, col := range map[string]any{"text": c.text, "metadata": c.muted, "links": c.link} {
			if r := contrast(col.(interface{ RGBA() (r, g, b, a uint32) }), bg); r < 4.5 {
				t.Errorf("variant %d: %s contrast %.2f, want at least 4.5", v, name, r)
			}
		}
		if v == theme.VariantLight && luminance(c.text) > 0.02 {
			t.Errorf("light theme body text luminance %.3f, want near-black", luminance(c.text))
		}
	}
}

// TestReadingPositionRestored: an article reopened returns to where the
// reader left it, and the list shows how far that is.
func TestReadingPositionRestored(t *testing.T) {
	long := func(lib *storage.Library) {
		a, opts := fixedArticle(0, "long")
		a.HTML = longArticle(3000)
		if _, err := lib.Add(context.Background(), a, opts); err != nil {
			t.Fatal(err)
		}
		b, opts := fixedArticle(1, "short")
		if _, err := lib.Add(context.Background(), b, opts); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, long)
	u := h.u
	longRow := u.list.indexOf(u.list.rows[1].ID)
	id := u.list.rows[longRow].ID
	u.list.click(longRow, 0)
	h.eventually("the long article open", func() bool { return u.view.id == id })
	h.settle()
	p := u.view.page
	p.scrollToOffset(p.doc.size * 2 / 5)
	at := p.position()
	u.list.click(0, 0) // open the other one: the position is kept
	h.eventually("the short article open", func() bool { return u.view.id != id && u.view.art != nil })
	h.settle()
	a, err := h.lib.Get(context.Background(), id)
	if err != nil || a.Position != at || a.Progress < 0.3 || a.Progress > 0.5 {
		t.Fatalf("stored position %d (%v), want %d near 40%%; err %v", a.Position, a.Progress, at, err)
	}
	if meta := metaLine(&u.list.rows[longRow].Summary); !strings.Contains(meta, "% read") {
		t.Errorf("the list row says %q, want how far it is read", meta)
	}
	u.list.click(longRow, 0)
	h.eventually("the long article open again", func() bool { return u.view.id == id })
	h.settle()
	if got := u.view.page.position(); got != at {
		t.Errorf("reopened at %d, want %d", got, at)
	}
}

// TestNotesPaneTakesTheRoomItNeeds: with no notes only the pane's header
// shows; a note opens it; folding it is remembered. At 1024×700 the
// article keeps at least 60% of the window's height.
func TestNotesPaneTakesTheRoomItNeeds(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"notes"}, nil))
	u := h.u
	h.w.Resize(fyne.NewSize(1024, 700))
	u.list.click(0, 0)
	h.eventually("the article open", func() bool { return u.view.art != nil })
	h.settle()
	article := func() float32 { return u.view.scroll.Size().Height / h.w.Canvas().Size().Height }
	if u.view.notes.open() || u.view.article.Objects[0] == u.view.split {
		t.Fatal("with no notes the notes pane is open")
	}
	if a := article(); a < 0.6 {
		t.Errorf("the article has %.0f%% of the window's height with no notes", a*100)
	}
	test.Tap(u.view.notes.addBtn)
	if u.view.article.Objects[0] != u.view.split {
		t.Fatal("adding a note did not open the pane")
	}
	h.w.Resize(fyne.NewSize(1024, 700))
	if a := article(); a < 0.6 {
		t.Errorf("the article has %.0f%% of the window's height with the notes open", a*100)
	}
	test.Tap(u.view.notes.fold)
	if u.view.article.Objects[0] == u.view.split || !u.app.Preferences().Bool(prefNotesFolded) {
		t.Error("folding the notes did not close the pane, or was not remembered")
	}
	if u.view.notes.fold.Text != "Notes (1)" {
		t.Errorf("folded header says %q, want how many notes are hidden", u.view.notes.fold.Text)
	}
}

// TestFontChoiceRemembered: View › Sans-serif text sets the article in the
// sans face, and a new window remembers it.
func TestFontChoiceRemembered(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"font"}, nil))
	h.u.list.click(0, 0)
	h.eventually("the article open", func() bool { return h.u.view.art != nil })
	h.settle()
	serifs := func() int {
		n := 0
		for _, tx := range texts(h.u.view.page) {
			if tx.FontSource != nil {
				n++
			}
		}
		return n
	}
	if serifs() == 0 {
		t.Fatal("the default face is not the serif")
	}
	h.u.menuItems["sans"].Action()
	if n := serifs(); n != 0 || !h.u.menuItems["sans"].Checked {
		t.Errorf("%d texts still in serif after choosing sans", n)
	}
	if v := newReaderView(h.u); v.style.serif {
		t.Error("the choice of sans is not remembered")
	}
}
