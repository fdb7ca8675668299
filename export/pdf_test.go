package export

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// poppler runs one of the poppler-utils tools, which CI installs; a
// missing tool fails the test rather than skipping what it checks.
func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s not found: install poppler-utils (%v)", tool, err)
	}
	out, err := exec.Command(tool, args...).Output()
	if err != nil {
		t.Fatalf("%s %q: %v", tool, args, err)
	}
	return string(out)
}

func writePDF(t *testing.T, items []Item, store ImageStore, opts PDFOptions) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := PDFFile(context.Background(), path, items, store, opts); err != nil {
		t.Fatal(err)
	}
	return path
}

// pdfInfo parses pdfinfo's "Key: value" lines.
func pdfInfo(t *testing.T, path string) map[string]string {
	t.Helper()
	info := map[string]string{}
	for _, l := range strings.Split(poppler(t, "pdfinfo", path), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// imageCount counts the images pdfimages lists (two header lines).
func imageCount(t *testing.T, path string) int {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(poppler(t, "pdfimages", "-list", path)), "\n")
	return len(lines) - 2
}

var footer = regexp.MustCompile(`^(\d+) ?/ ?(\d+)$`)

// extractText extracts the text of a PDF, normalised, without the page-number
// footers (which would otherwise split paragraphs that cross a page), and
// checks each page has one footer "i / n".
func extractText(t *testing.T, path string) string {
	t.Helper()
	pages := strings.Split(strings.TrimRight(poppler(t, "pdftotext", "-enc", "UTF-8", path, "-"), "\f"), "\f")
	var b strings.Builder
	for i, p := range pages {
		lines := strings.Split(strings.TrimSpace(p), "\n")
		last := strings.TrimSpace(lines[len(lines)-1])
		m := footer.FindStringSubmatch(last)
		if m == nil || m[1] != strconv.Itoa(i+1) || m[2] != strconv.Itoa(len(pages)) {
			t.Errorf("page %d ends with %q, want the footer %d / %d", i+1, last, i+1, len(pages))
		} else {
			lines = lines[:len(lines)-1]
		}
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	return normalize(b.String())
}

func TestPDFSeed(t *testing.T) {
	it := seedItem(t)
	path := writePDF(t, []Item{it}, &dirStore{}, PDFOptions{})
	text := extractText(t, path)

	t.Run("every paragraph", func(t *testing.T) {
		paras := paragraphs(it.Text)
		if len(paras) < 30 {
			t.Fatalf("only %d paragraphs in expected.txt", len(paras))
		}
		for _, p := range paras {
			if !strings.Contains(text, p) {
				t.Errorf("PDF text lacks paragraph %q", p)
			}
		}
	})
	t.Run("metadata block and notes", func(t *testing.T) {
		for _, want := range []string{
			normalize(it.Title),
			"Thanh Hà - TTTĐ · Kênh thông tin giới trẻ",
			"Published 2022-01-13 · Saved 2026-11-27 15:04",
			"Source " + seedURL,
			"Tags dân vận, quy chế dân chủ",
			"Notes 2026-11-27 15:30 Đọc lại phần về *quy chế dân chủ*: số liệu 2021.",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF text lacks %q", want)
			}
		}
	})
	t.Run("four images", func(t *testing.T) {
		if n := imageCount(t, path); n != 4 {
			t.Errorf("%d images embedded, want 4", n)
		}
	})
	t.Run("fonts embedded", func(t *testing.T) {
		lines := strings.Split(strings.TrimSpace(poppler(t, "pdffonts", path)), "\n")[2:]
		if len(lines) == 0 {
			t.Fatal("no fonts")
		}
		for _, l := range lines {
			f := strings.Fields(l)
			// name type... encoding emb sub uni object ID: emb is 5th from the end.
			if len(f) < 6 || f[len(f)-5] != "yes" {
				t.Errorf("font not embedded: %s", l)
			}
		}
	})
	t.Run("document info", func(t *testing.T) {
		info := pdfInfo(t, path)
		want := map[string]string{
			"Title":    it.Title,
			"Author":   it.Byline,
			"Subject":  seedURL,
			"Creator":  "Folio",
			"Keywords": "dân vận, quy chế dân chủ",
		}
		for k, v := range want {
			if info[k] != v {
				t.Errorf("%s = %q, want %q", k, info[k], v)
			}
		}
		if !strings.Contains(info["Page size"], "(A4)") {
			t.Errorf("page size %q, want A4", info["Page size"])
		}
	})
}

func TestPDFPageSize(t *testing.T) {
	tests := []struct {
		name string
		size PageSize
		want string
	}{
		{"a4", A4, "595.28 x 841.89 pts (A4)"},
		{"letter", Letter, "612 x 792 pts (letter)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writePDF(t, []Item{seedItem(t)}, &dirStore{}, PDFOptions{PageSize: tt.size})
			if got := pdfInfo(t, path)["Page size"]; got != tt.want {
				t.Errorf("page size %q, want %q", got, tt.want)
			}
		})
	}
}

var outlineDest = regexp.MustCompile(`<</Title [^\n]*\n/Parent[\s\S]*?/Dest \[(\d+) 0 R`)

func TestPDFCombined(t *testing.T) {
	items := []Item{seedItem(t), structuresItem(t)}
	var progress [][2]int
	path := writePDF(t, items, &dirStore{}, PDFOptions{Progress: func(done, total int) {
		progress = append(progress, [2]int{done, total})
	}})
	if !slices.Equal(progress, [][2]int{{1, 2}, {2, 2}}) {
		t.Errorf("progress = %v", progress)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dests := outlineDest.FindAllSubmatch(raw, -1)
	if len(dests) != 2 {
		t.Fatalf("%d outline entries, want 2", len(dests))
	}
	if bytes.Equal(dests[0][1], dests[1][1]) {
		t.Errorf("both bookmarks point at page object %s", dests[0][1])
	}
	// The second article starts a page of its own, right after the
	// seed's pages.
	seedPages, err := strconv.Atoi(pdfInfo(t, writePDF(t, items[:1], &dirStore{}, PDFOptions{}))["Pages"])
	if err != nil {
		t.Fatal(err)
	}
	first := strconv.Itoa(seedPages + 1)
	page := normalize(poppler(t, "pdftotext", "-enc", "UTF-8", "-f", first, "-l", first, path, "-"))
	if !strings.HasPrefix(page, normalize(items[1].Title)) {
		t.Errorf("page %s starts %.80q, want the second title", first, page)
	}
	if got := normalize(poppler(t, "pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", path, "-")); !strings.HasPrefix(got, normalize(items[0].Title)) {
		t.Errorf("page 1 starts %.80q, want the first title", got)
	}
	info := pdfInfo(t, path)
	if info["Author"] != "Thanh Hà - TTTĐ, Ban biên tập" {
		t.Errorf("author %q", info["Author"])
	}
	if info["Keywords"] != "dân vận, quy chế dân chủ, thử nghiệm" {
		t.Errorf("keywords %q", info["Keywords"])
	}
}

func TestPDFStructures(t *testing.T) {
	path := writePDF(t, []Item{structuresItem(t)}, &dirStore{}, PDFOptions{})
	text := extractText(t, path)
	tests := []struct{ name, want string }{
		{"inline styles", "chữ đậm, chữ nghiêng, cả hai, gạch bỏ"},
		{"nested list", "• Mục một – Mục con thứ nhất – Mục con thứ hai 1. Bước đầu tiên 2. Bước tiếp theo • Mục hai"},
		{"list start", "3. Thứ ba 4. Thứ tư"},
		{"quote", "Dân là gốc của nước, gốc có vững thì nước mới yên. — Tục ngữ"},
		{"vietnamese code", `return "Xin chào, Đà Nẵng! ư ơ đ ạ ế"`},
		{"table cells", "Đà Nẵng 7 Kết hợp trực tiếp"},
		{"missing image", "[image unavailable: http://folio.test/images/missing.png] Ảnh đã bị xoá khỏi máy chủ"},
		{"emoji dropped", "và emoji kết thúc."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(text, tt.want) {
				t.Errorf("PDF text lacks %q:\n%s", tt.want, text)
			}
		})
	}
	t.Run("mono font used", func(t *testing.T) {
		if fonts := poppler(t, "pdffonts", path); !strings.Contains(fonts, "notosansmono") {
			t.Errorf("no mono font:\n%s", fonts)
		}
	})
	t.Run("link annotation", func(t *testing.T) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(raw, []byte("/URI (http://folio.test/tai-lieu/huong-dan)")) {
			t.Error("no link to the absolute URL")
		}
	})
}

// pngBytes encodes a w×h image; deep makes it 16 bits per channel, which
// fpdf cannot embed directly.
func pngBytes(t *testing.T, w, h int, deep bool) []byte {
	t.Helper()
	var img image.Image
	if deep {
		m := image.NewNRGBA64(image.Rect(0, 0, w, h))
		for x := range w {
			m.Set(x, x%h, color.NRGBA64{R: 0xffff, A: 0xffff})
		}
		img = m
	} else {
		img = image.NewGray(image.Rect(0, 0, w, h))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mapStore serves fixed bytes per URL.
type mapStore map[string][]byte

func (m mapStore) Image(_ context.Context, _ int64, u string) (string, []byte, error) {
	if b, ok := m[u]; ok {
		return "image/png", b, nil
	}
	return "", nil, errNoImage
}

// listImages describes each image pdfimages lists as "type WxH color enc",
// e.g. "image 150x103 rgb jpeg".
func listImages(t *testing.T, path string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(poppler(t, "pdfimages", "-list", path)), "\n")[2:]
	var out []string
	for _, l := range lines {
		// page num type width height color comp bpc enc ...
		f := strings.Fields(l)
		if len(f) < 9 {
			t.Fatalf("pdfimages line %q", l)
		}
		out = append(out, f[2]+" "+f[3]+"x"+f[4]+" "+f[5]+" "+f[8])
	}
	return out
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../testdata/export", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// onWhite decodes image bytes and composites them onto white, as the page
// shows them.
func onWhite(t *testing.T, data []byte) *image.NRGBA {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	m := image.NewNRGBA(img.Bounds())
	draw.Draw(m, m.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	draw.Draw(m, m.Bounds(), img, img.Bounds().Min, draw.Over)
	return m
}

// meanDiff is the mean absolute difference of two same-sized images per
// colour channel, on a 0–255 scale.
func meanDiff(t *testing.T, a, b *image.NRGBA) float64 {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes %v and %v differ", a.Bounds().Size(), b.Bounds().Size())
	}
	var sum, n float64
	for y := range a.Bounds().Dy() {
		for x := range a.Bounds().Dx() {
			for c := range 3 {
				i, j := a.PixOffset(x, y)+c, b.PixOffset(x, y)+c
				sum += math.Abs(float64(a.Pix[i]) - float64(b.Pix[j]))
				n++
			}
		}
	}
	return sum / n
}

// embedded extracts the one image of the PDF at path in its own format.
func embedded(t *testing.T, path string) []byte {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "img")
	poppler(t, "pdfimages", "-all", path, prefix)
	files, err := filepath.Glob(prefix + "-*")
	if err != nil || len(files) != 1 {
		t.Fatalf("pdfimages wrote %q (%v), want one file", files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPDFImages(t *testing.T) {
	const src = fixtureHost + "/img.png"
	body := `<p>Trước ảnh.</p><figure><img src="/img.png"><figcaption>Chú thích</figcaption></figure><p>Sau ảnh.</p>`
	const around = "Trước ảnh. Chú thích Sau ảnh."
	unavailable := "[image unavailable: " + src + "] Chú thích Sau ảnh."
	lossy := readTestdata(t, "video-001.lossy.webp")
	tests := []struct {
		name       string
		data       []byte
		wantImages []string
		wantText   string
		// maxDiff, when set, bounds how far the embedded picture may stray
		// from data composited onto white (mean per channel, 0–255). JPEG
		// at quality 90 measures 1.2–2.8 on these; a wrong colour
		// conversion or a black background would be tens.
		maxDiff float64
	}{
		{"16-bit png re-encoded", pngBytes(t, 40, 20, true), []string{"image 40x20 rgb image"}, around, 0.01},
		{"tall image scaled", pngBytes(t, 50, 4000, false), []string{"image 50x4000 gray image"}, around, 0},
		{"corrupt bytes skipped", []byte("\x89PNG\r\n\x1a\nnot really"), nil, unavailable, 0},
		{"lossy webp as jpeg", lossy, []string{"image 150x103 rgb jpeg"}, around, 4},
		{"lossless webp with alpha as png on white", readTestdata(t, "gopher-doc.with-alpha.lossless.webp"), []string{"image 75x100 rgb image"}, around, 0.01},
		{"lossy webp with alpha as jpeg on white", readTestdata(t, "yellow_rose.lossy-with-alpha.webp"), []string{"image 400x301 rgb jpeg"}, around, 4},
		{"truncated webp", lossy[:len(lossy)/2], nil, unavailable, 0},
		{"corrupt webp header", []byte("RIFF\x1a\x00\x00\x00WEBPVP8 "), nil, unavailable, 0},
		{"svg drawn", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`), []string{"image 64x64 rgb image", "smask 64x64 gray image"}, around, 0}, // offline-ok: an XML namespace, never fetched
		{"broken svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="0"><script>x</script>`), nil, unavailable, 0},                                   // offline-ok: an XML namespace, never fetched
		{"avif not embeddable", []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"), nil, unavailable, 0},
		{"not in library", nil, nil, unavailable, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := Item{ID: 1}
			it.Title = "Ảnh"
			it.URL = fixtureHost + "/bai.html"
			it.HTML = body
			store := mapStore{}
			if tt.data != nil {
				store[src] = tt.data
			}
			path := writePDF(t, []Item{it}, store, PDFOptions{})
			if pages := pdfInfo(t, path)["Pages"]; pages == "" || pages == "0" {
				t.Errorf("pdfinfo reads %q pages", pages)
			}
			if got := listImages(t, path); !slices.Equal(got, tt.wantImages) {
				t.Errorf("images %q, want %q", got, tt.wantImages)
			}
			text := extractText(t, path)
			if !strings.Contains(text, tt.wantText) {
				t.Errorf("text lacks %q:\n%s", tt.wantText, text)
			}
			if tt.maxDiff > 0 {
				if d := meanDiff(t, onWhite(t, embedded(t, path)), onWhite(t, tt.data)); d > tt.maxDiff {
					t.Errorf("embedded image differs from the original by %.2f per channel, want ≤ %.2f", d, tt.maxDiff)
				}
			}
		})
	}
}

func TestPDFFileFailures(t *testing.T) {
	t.Run("cancelled mid-way leaves nothing", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.pdf")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		store := &dirStore{onCall: func(n int) {
			if n == 2 {
				cancel()
			}
		}}
		err := PDFFile(ctx, path, []Item{seedItem(t)}, store, PDFOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if names := listDir(t, dir); len(names) != 0 {
			t.Errorf("left behind %q", names)
		}
	})
	t.Run("unwritable folder", func(t *testing.T) {
		base := t.TempDir()
		file := filepath.Join(base, "file")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(file, "sub", "out.pdf")
		err := PDFFile(context.Background(), path, []Item{seedItem(t)}, &dirStore{}, PDFOptions{})
		if err == nil || !strings.Contains(err.Error(), filepath.Join(file, "sub")) {
			t.Errorf("err = %v, want one naming the folder", err)
		}
	})
	t.Run("existing file never replaced", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.pdf")
		if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := PDFFile(context.Background(), path, []Item{seedItem(t)}, &dirStore{}, PDFOptions{}); !errors.Is(err, os.ErrExist) {
			t.Fatalf("err = %v, want os.ErrExist", err)
		}
		if b, _ := os.ReadFile(path); string(b) != "old" {
			t.Error("existing file replaced")
		}
		if names := listDir(t, dir); !slices.Equal(names, []string{"out.pdf"}) {
			t.Errorf("folder holds %q", names)
		}
	})
}

func BenchmarkPDFSeed(b *testing.B) {
	it := seedItem(b)
	store := &dirStore{}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := PDF(context.Background(), &buf, []Item{it}, store, PDFOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

// TestPDFRefusesPixelBombs: a 16-bit PNG of 8000×8000 blank pixels is
// 130 KB on disk and 768 MB once decoded and flattened; it must be skipped
// before it is decoded.
func TestPDFRefusesPixelBombs(t *testing.T) {
	const src = fixtureHost + "/bomb.png"
	it := Item{ID: 1}
	it.Title, it.URL = "Bomb", fixtureHost+"/bai.html"
	it.HTML = `<p>Trước.</p><img src="/bomb.png"><p>Sau.</p>`
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var buf bytes.Buffer
	if err := PDF(context.Background(), &buf, []Item{it}, mapStore{src: readTestdata(t, "pixel-bomb-8000x8000-16bit.png")}, PDFOptions{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 200<<20 {
		t.Errorf("exporting a pixel bomb allocated %d MB", grew>>20)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Errorf("no PDF written")
	}
}
