package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/storage"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRenderHTML(t *testing.T) {
	base, _ := url.Parse("https://news.example/a/story.html")
	pic := fyne.NewStaticResource("pic.png", pngBytes(t, 1600, 800))
	images := func(src string) fyne.Resource {
		if src == "https://news.example/img/pic.png" {
			return pic
		}
		return nil
	}
	tests := []struct {
		name  string
		html  string
		text  string // plainText of the segments
		check func(t *testing.T, segs []widget.RichTextSegment)
	}{
		{
			name: "paragraphs collapse white space",
			html: "<p>  Hello\n\t <b>bold</b>   world </p><p>Second&nbsp;one</p>",
			text: "Hello bold world\nSecond one\n",
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				bold := findSegments[*widget.TextSegment](segs)
				for _, s := range bold {
					if s.Text == "bold" && !s.Style.TextStyle.Bold {
						t.Error("<b> is not bold")
					}
				}
			},
		},
		{
			name: "headings",
			html: "<h1>Title</h1><h2>Sub</h2><h3>Small</h3><p>x</p>",
			text: "Title\nSub\nSmall\nx\n",
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				want := []widget.RichTextStyle{widget.RichTextStyleHeading, widget.RichTextStyleSubHeading}
				for i, w := range want {
					if s := segs[i].(*widget.TextSegment); s.Style != w {
						t.Errorf("heading %d style = %+v", i, s.Style)
					}
				}
				if s := segs[2].(*widget.TextSegment); !s.Style.TextStyle.Bold || s.Style.Inline {
					t.Errorf("h3 should be a bold block, got %+v", s.Style)
				}
			},
		},
		{
			name: "links resolve against the article",
			html: `<p>See <a href="/b/other.html">the other story</a> and <a href="#top">top</a>.</p>`,
			text: "See the other story and top.\n",
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				links := findSegments[*linkSegment](segs)
				if len(links) != 1 {
					t.Fatalf("links = %d, want 1 (fragment links are plain text)", len(links))
				}
				if got := links[0].URL.String(); got != "https://news.example/b/other.html" {
					t.Errorf("link URL = %s", got)
				}
				if links[0].open == nil {
					t.Error("link does not open through the app")
				}
			},
		},
		{
			name: "nested lists",
			html: `<ol start="3"><li>three</li><li>four<ul><li>inner</li></ul></li></ol>`,
			text: "3. three\n4. four\n\u2003\u2003•  inner\n", // Fyne draws "• " then a space
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				l, ok := segs[0].(*widget.ListSegment)
				if !ok || !l.Ordered || len(l.Items) != 2 || l.StartNumber() != 3 {
					t.Fatalf("top list = %#v", segs[0])
				}
				if n := len(findSegments[*indentedList](segs)); n != 1 {
					t.Errorf("nested lists = %d, want 1", n)
				}
			},
		},
		{
			name: "block quote and code",
			html: "<blockquote><p>Quoted <em>words</em></p></blockquote><pre>func main() {\n\tgo run()\n}</pre><p>Use <code>go test</code>.</p>",
			text: "Quoted words\nfunc main() {\n\tgo run()\n}\nUse go test.\n",
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				q, ok := segs[0].(*quoteSegment)
				if !ok {
					t.Fatalf("first segment = %T, want a quote", segs[0])
				}
				for _, s := range findSegments[*widget.TextSegment](q.Segments) {
					if s.Text != "" && !s.Style.TextStyle.Italic {
						t.Errorf("quoted %q is not italic", s.Text)
					}
				}
				if s := segs[1].(*widget.TextSegment); s.Style != widget.RichTextStyleCodeBlock {
					t.Errorf("pre style = %+v", s.Style)
				}
				for _, s := range findSegments[*widget.TextSegment](segs[2:]) {
					if s.Text == "go test" && !s.Style.TextStyle.Monospace {
						t.Error("inline code is not monospace")
					}
				}
			},
		},
		{
			name: "links in a block quote",
			html: `<p>Before</p><blockquote><p>See <a href="/docs/cache">the cache page</a> and <a href="https://other.example/">this</a>.</p><p>Second</p></blockquote><p>After</p>`,
			text: "Before\nSee the cache page and this.\nSecond\nAfter\n",
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				if len(segs) != 3 {
					t.Fatalf("segments = %d, want paragraph, quote, paragraph", len(segs))
				}
				q, ok := segs[1].(*quoteSegment)
				if !ok {
					t.Fatalf("second segment = %T, want a quote", segs[1])
				}
				if len(q.Segments) != 2 {
					t.Errorf("quote holds %d blocks, want its 2 paragraphs", len(q.Segments))
				}
				var links []string
				for _, l := range findSegments[*linkSegment](q.Segments) {
					links = append(links, l.Textual()+" → "+l.URL.String())
				}
				want := []string{"the cache page → https://news.example/docs/cache", "this → https://other.example/"}
				if strings.Join(links, "|") != strings.Join(want, "|") {
					t.Errorf("quote links = %q, want %q", links, want)
				}
			},
		},
		{
			name: "figure from library bytes with caption",
			html: `<figure><img src="/img/pic.png" alt="A picture"><figcaption>The  caption</figcaption></figure><p><img src="https://elsewhere.example/x.png"></p>`,
			text: "Image A picture\nThe caption\n",
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				img, ok := segs[0].(*imageSegment)
				if !ok {
					t.Fatalf("first segment = %T, want an image", segs[0])
				}
				if img.Resource != pic {
					t.Error("image is not the library's resource")
				}
				if img.size.Width != maxFigureWidth || img.size.Height != maxFigureWidth/2 {
					t.Errorf("image size = %v, want scaled to %v wide keeping 2:1", img.size, maxFigureWidth)
				}
				c := segs[1].(*widget.TextSegment)
				if !c.Style.TextStyle.Italic || c.Style.Alignment != fyne.TextAlignCenter {
					t.Errorf("caption style = %+v, want italic centred", c.Style)
				}
			},
		},
		{
			name: "table as grid",
			html: `<table><thead><tr><th>Năm</th><th>Kết quả</th></tr></thead><tbody><tr><td>2021</td><td>Tốt <b>lắm</b></td></tr></tbody></table>`,
			text: "Năm\tKết quả\n2021\tTốt lắm\n",
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				tbl := segs[0].(*tableSegment)
				if !tbl.Header || len(tbl.Rows) != 2 {
					t.Errorf("table = %+v", tbl)
				}
				tv := tbl.Visual().(*tableView)
				if len(tv.cells) != 2 || len(tv.cells[0]) != 2 || tv.cells[1][1].Text != "Tốt lắm" || !tv.cells[0][0].TextStyle.Bold {
					t.Errorf("table cells = %+v, want a bold header and 2x2 cells", tv.cells)
				}
			},
		},
		{
			name: "scripts, forms and empty blocks leave nothing",
			html: `<div><script>alert(1)</script><form><input value="x"></form><p> </p></div><p>Only this</p>`,
			text: "Only this\n",
		},
		{
			name: "line breaks",
			html: `<p>one<br>two<br><br></p>`,
			text: "one\ntwo\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs := renderHTML(tt.html, base, images, func(*url.URL) {})
			if got := plainText(segs); got != tt.text {
				t.Errorf("text =\n%q\nwant\n%q", got, tt.text)
			}
			if tt.check != nil {
				tt.check(t, segs)
			}
		})
	}
}

// TestRenderSeedPage renders the reference article's body as the reader
// keeps it (the seed page's <article> content) and checks every expected
// paragraph comes out.
func TestRenderSeedPage(t *testing.T) {
	page, err := os.ReadFile(seedDir + "/index.html")
	if err != nil {
		t.Fatal(err)
	}
	expected, err := os.ReadFile(seedDir + "/expected.txt")
	if err != nil {
		t.Fatal(err)
	}
	segs := renderHTML(string(page), nil, nil, nil)
	got := plainText(segs)
	for _, line := range strings.Split(string(expected), "\n") {
		line = strings.TrimSpace(collapse(line))
		if line == "" {
			continue
		}
		if !strings.Contains(got, line) {
			t.Errorf("rendered text lacks %q", line)
		}
	}
}

func TestSnippetSegments(t *testing.T) {
	o, c := storage.SnippetOpen, storage.SnippetClose
	tests := []struct {
		name    string
		snippet string
		bold    []string
		text    string
	}{
		{name: "two matches", snippet: "công tác " + o + "dân" + c + " " + o + "vận" + c + " và", bold: []string{"dân", "vận"}, text: "công tác dân vận và"},
		{name: "no match", snippet: "plain text", text: "plain text"},
		{name: "unclosed", snippet: "a " + o + "b", bold: []string{"b"}, text: "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs := snippetSegments(tt.snippet)
			var text strings.Builder
			var bold []string
			for _, s := range segs {
				ts := s.(*widget.TextSegment)
				text.WriteString(ts.Text)
				if ts.Style.TextStyle.Bold {
					bold = append(bold, ts.Text)
				}
			}
			if text.String() != tt.text {
				t.Errorf("text = %q, want %q", text.String(), tt.text)
			}
			if strings.Join(bold, "|") != strings.Join(tt.bold, "|") {
				t.Errorf("bold = %q, want %q", bold, tt.bold)
			}
		})
	}
}

// TestUnfetchedArticleText shows what the reader says for an article that
// has only its link: in words, never the stored Go error.
func TestUnfetchedArticleText(t *testing.T) {
	tests := []struct {
		name       string
		fetchError string
		want       string
	}{
		{name: "never fetched", want: "Folio has only the link to this page, not its text."},
		{name: "fetch failed", fetchError: `fetch https://news.example/a: Get "https://news.example/a": dial tcp: lookup news.example: no such host`,
			want: "Folio couldn't fetch this page when it was saved."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &storage.Article{Fetched: false, FetchError: tt.fetchError}
			text := plainText(articleSegments(a, nil, nil, nil))
			if !strings.Contains(text, tt.want) || !strings.Contains(text, "Re-fetch") {
				t.Errorf("text = %q, want %q and how to try again", text, tt.want)
			}
			if strings.Contains(text, "dial tcp") || strings.Contains(text, "fetch https") {
				t.Errorf("text shows the raw error: %q", text)
			}
		})
	}
}
