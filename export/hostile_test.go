package export

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
)

func hostileItem(title, html string) Item {
	return Item{ID: 1, Article: reader.Article{URL: "https://example.com/a", Title: title, HTML: html}, Saved: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
}

// An image the PDF library cannot read (a truncated PNG made fpdf panic
// with "short buffer") becomes the "[image unavailable]" line, and the
// other articles are still exported.
func TestPDFTruncatedImage(t *testing.T) {
	full := pngBytes(t, 64, 48, false)
	for name, data := range map[string][]byte{
		"truncated":            full[:len(full)/2],
		"header only":          full[:33],
		"garbage after header": append(append([]byte{}, full[:33]...), []byte("IDATxxxxxxxxxxxxxxxxxxxxxxxxxxx")...),
	} {
		t.Run(name, func(t *testing.T) {
			store := mapStore{"https://example.com/broken.png": data}
			items := []Item{
				hostileItem("Broken", `<p>Before the image.</p><img src="https://example.com/broken.png"><p>After the image.</p>`),
				hostileItem("Second", `<p>The second article.</p>`),
			}
			dir := t.TempDir()
			written, err := PDFs(context.Background(), dir, items, store, PDFOptions{})
			if err != nil {
				t.Fatalf("PDFs: %v", err)
			}
			if len(written) != 2 {
				t.Fatalf("wrote %v", written)
			}
			text := extractText(t, written[0])
			if !strings.Contains(text, "[image unavailable") || !strings.Contains(text, "After the image.") {
				t.Errorf("text:\n%s", text)
			}
			if names := listDir(t, dir); len(names) != 2 {
				t.Errorf("folder holds %v", names)
			}
		})
	}
}

// One unbroken word far wider than a line is broken across lines, in time
// linear in its length (BenchmarkPDFLongWord), and all of it is kept.
func TestPDFLongWord(t *testing.T) {
	word := strings.Repeat("abcdefghij", 2000) // 20,000 letters: 51 s before
	path := writePDF(t, []Item{hostileItem("Long", "<p>"+word+"</p><pre><code>"+word+"</code></pre>")}, nil, PDFOptions{})
	text := strings.Join(strings.Fields(extractText(t, path)), "")
	if n := strings.Count(text, "abcdefghij"); n < 2*2000-10 {
		t.Errorf("kept %d of %d pieces", n, 4000)
	}
}

func BenchmarkPDFLongWord(b *testing.B) {
	for _, n := range []int{20_000, 200_000} {
		b.Run("letters="+itoa(n), func(b *testing.B) {
			it := hostileItem("Long", "<p>"+strings.Repeat("a", n)+"</p>")
			for b.Loop() {
				if err := PDF(context.Background(), discard{}, []Item{it}, nil, PDFOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// cancelAfter is a context that reports itself cancelled from its n-th
// Err call on, and counts the calls.
type cancelAfter struct {
	context.Context
	n, calls int
}

func (c *cancelAfter) Err() error {
	c.calls++
	if c.calls >= c.n {
		return context.Canceled
	}
	return nil
}

// A cancelled export stops inside one long paragraph, not after it: the
// layout asks the context as it goes (a single block would otherwise be
// asked once or twice).
func TestPDFCancelInsideLongText(t *testing.T) {
	ctx := &cancelAfter{Context: context.Background(), n: 20}
	it := hostileItem("Long", "<p>"+strings.Repeat("word ", 500_000)+strings.Repeat("x", 100_000)+"</p>")
	err := PDF(ctx, discard{}, []Item{it}, nil, PDFOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if ctx.calls < ctx.n {
		t.Errorf("the context was asked %d times, never inside the paragraph", ctx.calls)
	}
}

// A combined export never replaces a file: the name taken gets -2, and two
// in the same second get different names.
func TestCombinedPDFNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "folio-2024.pdf")
	os.WriteFile(old, []byte("keep me"), 0o644)
	items := []Item{hostileItem("A", "<p>a</p>"), hostileItem("B", "<p>b</p>")}
	p1, err := CombinedPDF(context.Background(), dir, "folio-2024", items, nil, PDFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := CombinedPDF(context.Background(), dir, "folio-2024", items, nil, PDFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(old); string(b) != "keep me" {
		t.Error("existing file overwritten")
	}
	if filepath.Base(p1) != "folio-2024-2.pdf" || filepath.Base(p2) != "folio-2024-3.pdf" {
		t.Errorf("wrote %s and %s", p1, p2)
	}
	if err := PDFFile(context.Background(), old, items, nil, PDFOptions{}); !errors.Is(err, os.ErrExist) {
		t.Errorf("PDFFile over an existing file: %v, want ErrExist", err)
	}
}

// Exported files and folders are readable by others (0644/0755 before the
// umask), not private to the user as temporary files are.
func TestExportFileModes(t *testing.T) {
	dir := t.TempDir()
	store := mapStore{"https://example.com/p.png": pngBytes(t, 8, 8, false)}
	it := hostileItem("Modes", `<p>text</p><img src="https://example.com/p.png">`)
	md, err := Markdown(context.Background(), dir, []Item{it}, store, MarkdownOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pdfs, err := PDFs(context.Background(), dir, []Item{it}, store, PDFOptions{})
	if err != nil {
		t.Fatal(err)
	}
	umask := currentUmask(t, dir)
	check := func(path string, want os.FileMode) {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want&^umask {
			t.Errorf("%s: mode %o, want %o", filepath.Base(path), got, want&^umask)
		}
	}
	check(md[0], 0o644)
	check(pdfs[0], 0o644)
	check(strings.TrimSuffix(md[0], ".md")+".assets", 0o755)
	entries, _ := os.ReadDir(strings.TrimSuffix(md[0], ".md") + ".assets")
	for _, e := range entries {
		check(filepath.Join(strings.TrimSuffix(md[0], ".md")+".assets", e.Name()), 0o644)
	}
}

// currentUmask finds the umask by creating a file asking for 0777.
func currentUmask(t *testing.T, dir string) os.FileMode {
	p := filepath.Join(dir, "umask-probe")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o777)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	defer os.Remove(p)
	st, _ := os.Stat(p)
	return 0o777 &^ st.Mode().Perm()
}

// Temporary files a killed export left behind are removed by the next
// export into the same folder; fresh ones (another export at work) are not.
func TestStaleTempFilesCleaned(t *testing.T) {
	dir := t.TempDir()
	stale := []string{".a.pdf.123.tmp", ".b.md.456.tmp", ".c.assets.789.tmp"}
	for _, n := range stale {
		p := filepath.Join(dir, n)
		if strings.Contains(n, "assets") {
			os.Mkdir(p, 0o755)
			os.WriteFile(filepath.Join(p, "01-x.png"), []byte("x"), 0o644)
		} else {
			os.WriteFile(p, nil, 0o600)
		}
		old := time.Now().Add(-time.Hour)
		os.Chtimes(p, old, old)
	}
	fresh := filepath.Join(dir, ".d.pdf.999.tmp")
	os.WriteFile(fresh, nil, 0o600)
	mine := filepath.Join(dir, ".notes.tmp") // not ours: no pattern match
	os.WriteFile(mine, nil, 0o600)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(mine, old, old)
	if _, err := PDFs(context.Background(), dir, []Item{hostileItem("X", "<p>x</p>")}, nil, PDFOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range stale {
		if exists(filepath.Join(dir, n)) {
			t.Errorf("%s left", n)
		}
	}
	if !exists(fresh) || !exists(mine) {
		t.Error("removed a file that was not stale or not an export's")
	}
}

// Markdown and PDF exports keep no link that could run something, also
// from an item that was never sanitized (a library older than the
// sanitizer), and no SVG document reaches the assets folder.
func TestExportsDropActiveLinks(t *testing.T) {
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" onload="alert(1)"><script>alert(2)</script><rect width="40" height="20" fill="red"/></svg>`)
	store := svgStore{"https://example.com/chart.svg": svg}
	it := hostileItem("Links", `<p>A <a href="JavaScript:alert(1)">js</a>, <a href=" vbscript:msgbox(1)">vbs</a>, `+
		`<a href="data:text/html;base64,PHNjcmlwdD4=">data</a> and <a href="https://example.com/ok">ok</a> link.</p>`+
		`<p onclick="alert(3)">Para</p><img src="https://example.com/chart.svg" alt="chart"><img src="javascript:alert(4)" alt="bad">`)
	it.Images = []reader.Image{{URL: "https://example.com/chart.svg", ContentType: "image/svg+xml"}}
	dir := t.TempDir()
	md, err := Markdown(context.Background(), dir, []Item{it}, store, MarkdownOptions{})
	if err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(md[0])
	for _, bad := range []string{"javascript", "vbscript", "data:", "alert", "onclick"} {
		if strings.Contains(strings.ToLower(string(text)), bad) {
			t.Errorf("Markdown keeps %q:\n%s", bad, text)
		}
	}
	if !strings.Contains(string(text), "(https://example.com/ok)") || !strings.Contains(string(text), "js") {
		t.Errorf("Markdown lost the safe link or the text:\n%s", text)
	}
	assets := strings.TrimSuffix(md[0], ".md") + ".assets"
	entries, _ := os.ReadDir(assets)
	if len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), ".png") {
		t.Errorf("assets: %v, want the SVG drawn as one PNG", entries)
	}
	pdf := writePDF(t, []Item{it}, store, PDFOptions{})
	raw, _ := os.ReadFile(pdf)
	for _, bad := range []string{"javascript", "vbscript", "data:text"} {
		if bytes.Contains(bytes.ToLower(raw), []byte(bad)) {
			t.Errorf("PDF keeps a %s link", bad)
		}
	}
	if !bytes.Contains(raw, []byte("https://example.com/ok")) {
		t.Error("PDF lost the safe link")
	}
	if n := imageCount(t, pdf); n != 1 {
		t.Errorf("PDF embeds %d images, want the drawn SVG", n)
	}
}

type svgStore map[string][]byte

func (s svgStore) Image(_ context.Context, _ int64, u string) (string, []byte, error) {
	if b, ok := s[u]; ok {
		return "image/svg+xml", b, nil
	}
	return "", nil, errNoImage
}
