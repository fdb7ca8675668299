package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/folio-app/folio/storage"
)

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// runText is the text of each run of b, "bold:" etc. marking its style.
func runTexts(b *block) []string {
	var out []string
	start := 0
	for _, r := range b.runs {
		var tags []string
		if r.style.Bold {
			tags = append(tags, "b")
		}
		if r.style.Italic {
			tags = append(tags, "i")
		}
		if r.style.Monospace {
			tags = append(tags, "code")
		}
		if r.link != nil {
			tags = append(tags, "→"+r.link.String())
		}
		out = append(out, strings.Join(tags, ",")+":"+b.text[start:r.end])
		start = r.end
	}
	return out
}

func TestParseDocument(t *testing.T) {
	base, _ := url.Parse("https://news.example/a/story.html")
	pic, _ := decodeImage(pngBytes(t, 1600, 800), "")
	images := func(src string) (*docImage, string) {
		if src == "https://news.example/img/pic.png" {
			return pic, ""
		}
		return nil, ""
	}
	tests := []struct {
		name  string
		html  string
		text  string // the document's plain text
		check func(t *testing.T, d *document)
	}{
		{
			name: "paragraphs collapse white space",
			html: "<p>  Hello\n\t <b>bold</b>   world </p><p>Second&nbsp;one</p>",
			text: "Hello bold world\nSecond one",
			check: func(t *testing.T, d *document) {
				if got := strings.Join(runTexts(d.blocks[0]), "|"); got != ":Hello |b:bold|: world" {
					t.Errorf("runs = %q", got)
				}
			},
		},
		{
			name: "headings",
			html: "<h1>Title</h1><h2>Sub</h2><h3>Small</h3><p>x</p>",
			text: "Title\nSub\nSmall\nx",
			check: func(t *testing.T, d *document) {
				for i, level := range []int{1, 2, 3} {
					if b := d.blocks[i]; b.kind != blockHeading || b.level != level {
						t.Errorf("block %d = kind %v level %d", i, b.kind, b.level)
					}
				}
			},
		},
		{
			name: "links resolve against the article; script links are text",
			html: `<p>See <a href="/b/other.html">the other story</a>, <a href="#top">top</a> and <a href=" JavaScript:alert(1)">this</a>.</p>`,
			text: "See the other story, top and this.",
			check: func(t *testing.T, d *document) {
				if got := strings.Join(runTexts(d.blocks[0]), "|"); got != ":See |→https://news.example/b/other.html:the other story|:, top and this." {
					t.Errorf("runs = %q", got)
				}
			},
		},
		{
			name: "nested lists",
			html: `<ol start="3"><li>three</li><li>four<ul><li>inner</li></ul></li></ol>`,
			text: "three\nfour\ninner",
			check: func(t *testing.T, d *document) {
				var got []string
				for _, b := range d.blocks {
					got = append(got, b.mark+" "+strings.Repeat(">", b.list)+b.text)
				}
				if want := "3. >three|4. >four|• >>inner"; strings.Join(got, "|") != want {
					t.Errorf("items = %q, want %q", strings.Join(got, "|"), want)
				}
			},
		},
		{
			name: "block quote and code",
			html: "<blockquote><p>Quoted <em>words</em></p><p>Second <a href=\"/q\">link</a></p></blockquote><pre>func main() {\n\tgo run()\n}</pre><p>Use <code>go test</code>.</p>",
			text: "Quoted words\nSecond link\nfunc main() {\n\tgo run()\n}\nUse go test.",
			check: func(t *testing.T, d *document) {
				if d.blocks[0].quote != 1 || d.blocks[1].quote != 1 || d.blocks[3].quote != 0 {
					t.Errorf("quote depths = %d %d %d", d.blocks[0].quote, d.blocks[1].quote, d.blocks[3].quote)
				}
				if got := strings.Join(runTexts(d.blocks[1]), "|"); got != "i:Second |i,→https://news.example/q:link" {
					t.Errorf("quoted runs = %q", got)
				}
				if d.blocks[2].kind != blockCode {
					t.Errorf("pre is %v", d.blocks[2].kind)
				}
				if got := strings.Join(runTexts(d.blocks[3]), "|"); got != ":Use |code:go test|:." {
					t.Errorf("inline code runs = %q", got)
				}
			},
		},
		{
			name: "figure from library bytes with caption",
			html: `<figure><img src="/img/pic.png" alt="A picture"><figcaption>The  caption</figcaption></figure><p><img src="https://elsewhere.example/x.png"></p>`,
			text: "\nThe caption",
			check: func(t *testing.T, d *document) {
				if d.blocks[0].kind != blockImage || d.blocks[0].image != pic || d.blocks[0].image.alt != "A picture" {
					t.Fatalf("first block = %+v, want the library's image", d.blocks[0])
				}
				if d.blocks[1].kind != blockCaption || len(d.blocks) != 2 {
					t.Errorf("blocks = %d, second %v; want the caption and no image from elsewhere", len(d.blocks), d.blocks[1].kind)
				}
			},
		},
		{
			name: "table",
			html: `<table><caption>Kết quả</caption><thead><tr><th>Năm</th><th>Kết quả</th></tr></thead><tbody><tr><td>2021</td><td>Tốt <b>lắm</b></td></tr></tbody></table>`,
			text: "Kết quả\nNăm\tKết quả\n2021\tTốt lắm",
			check: func(t *testing.T, d *document) {
				tbl := d.blocks[1].table
				if d.blocks[0].kind != blockCaption || tbl == nil || !tbl.header || len(tbl.rows) != 2 {
					t.Errorf("table = %+v", tbl)
				}
			},
		},
		{
			name: "scripts, forms and empty blocks leave nothing",
			html: `<div><script>alert(1)</script><form><input value="x"></form><p> </p></div><p>Only this</p>`,
			text: "Only this",
		},
		{
			name: "line breaks",
			html: `<p>one<br>two<br><br></p><p>three</p>`,
			text: "one\ntwo\nthree",
			check: func(t *testing.T, d *document) {
				if !d.blocks[1].cont || d.blocks[2].cont {
					t.Errorf("after a <br> the line goes on without a gap: cont = %v %v", d.blocks[1].cont, d.blocks[2].cont)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseDocument(tt.html, base, images)
			if got := d.plainText(); got != tt.text {
				t.Errorf("text =\n%q\nwant\n%q", got, tt.text)
			}
			for _, b := range d.blocks {
				if got := d.plainText()[b.start : b.start+len(b.text)]; got != b.text {
					t.Errorf("block at %d holds %q, the plain text there is %q", b.start, b.text, got)
				}
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

// TestLongParagraphIsCut: a paragraph longer than maxBlockBytes becomes
// pieces cut at spaces that keep their text, styles and offsets.
func TestLongParagraphIsCut(t *testing.T) {
	word := "chữ "
	text := strings.Repeat(word, 3*maxBlockBytes/len(word))
	d := parseDocument("<p><b>Đầu</b> "+text+"<a href=\"https://x.example/\">cuối</a></p>", nil, nil)
	if len(d.blocks) < 3 {
		t.Fatalf("%d blocks, want the paragraph in pieces", len(d.blocks))
	}
	var joined strings.Builder
	for i, b := range d.blocks {
		if len(b.text) > maxBlockBytes {
			t.Errorf("piece %d is %d bytes", i, len(b.text))
		}
		if b.cont != (i > 0) {
			t.Errorf("piece %d cont = %v", i, b.cont)
		}
		if b.runs[len(b.runs)-1].end != len(b.text) {
			t.Errorf("piece %d's runs end at %d of %d", i, b.runs[len(b.runs)-1].end, len(b.text))
		}
		joined.WriteString(b.text)
	}
	if want := "Đầu " + strings.TrimRight(text, " ") + "cuối"; strings.ReplaceAll(joined.String(), " ", "") != strings.ReplaceAll(want, " ", "") {
		t.Error("the pieces do not add up to the paragraph")
	}
	first, last := d.blocks[0], d.blocks[len(d.blocks)-1]
	if !first.runs[0].style.Bold || last.runs[len(last.runs)-1].link == nil {
		t.Error("the pieces lost the paragraph's styles")
	}
}

// TestParseSeedPage renders the reference article's body and checks every
// expected paragraph comes out.
func TestParseSeedPage(t *testing.T) {
	page, err := os.ReadFile(seedDir + "/index.html")
	if err != nil {
		t.Fatal(err)
	}
	expected, err := os.ReadFile(seedDir + "/expected.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := parseDocument(string(page), nil, nil).plainText()
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
			text := articleDocument(a, nil, nil).plainText()
			if !strings.Contains(text, tt.want) || !strings.Contains(text, "Re-fetch") {
				t.Errorf("text = %q, want %q and how to try again", text, tt.want)
			}
			if strings.Contains(text, "dial tcp") || strings.Contains(text, "fetch https") {
				t.Errorf("text shows the raw error: %q", text)
			}
		})
	}
}

// TestPixelBombNotDecoded reads an image whose 130 KB of PNG claims
// 8000×8000 16-bit pixels (768 MB decoded) next to an ordinary image: the
// bomb becomes a short caption, far from being decoded, while the ordinary
// image is still shown.
func TestPixelBombNotDecoded(t *testing.T) {
	bomb, err := os.ReadFile("../testdata/export/pixel-bomb-8000x8000-16bit.png")
	if err != nil {
		t.Fatal(err)
	}
	data := map[string][]byte{"https://news.example/bomb.png": bomb, "https://news.example/ok.png": pngBytes(t, 400, 200)}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d := parseDocument(`<p>Trước.</p><figure><img src="https://news.example/bomb.png" alt="Bản đồ"></figure><img src="https://news.example/ok.png"><p>Sau.</p>`,
		nil, func(src string) (*docImage, string) { return decodeImage(data[src], "") })
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 100<<20 {
		t.Errorf("reading a pixel bomb allocated %d MB", grew>>20)
	}
	if n := countKind(d, blockImage); n != 1 {
		t.Errorf("images shown = %d, want only the ordinary one", n)
	}
	if text := d.plainText(); !strings.Contains(text, "Image too large to show (8000 × 8000): Bản đồ") {
		t.Errorf("no caption in place of the bomb; text =\n%s", text)
	}
}

// TestImageDecodedOnce: an image reaches the reader decoded, a photo wider
// than the column at double density kept scaled down in its own shape.
func TestImageDecodedOnce(t *testing.T) {
	tests := []struct {
		name         string
		w, h         int
		wantW, wantH int
	}{
		{name: "small image kept as is", w: 400, h: 200, wantW: 400, wantH: 200},
		{name: "wide photo scaled down", w: 2000, h: 1500, wantW: maxImagePixelWidth, wantH: maxImagePixelWidth * 3 / 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, _ := decodeImage(pngBytes(t, tt.w, tt.h), "")
			if img == nil {
				t.Fatal("not decoded")
			}
			if got := img.img.Bounds().Size(); got.X != tt.wantW || got.Y != tt.wantH {
				t.Errorf("kept %v, want %dx%d", got, tt.wantW, tt.wantH)
			}
			if img.w != tt.w || img.h != tt.h {
				t.Errorf("natural size %dx%d, want %dx%d", img.w, img.h, tt.w, tt.h)
			}
		})
	}
	if img, why := decodeImage([]byte("not an image"), ""); img != nil || why != "" {
		t.Error("a broken download should leave the image out quietly")
	}
	_ = fyne.TextStyle{}
}
