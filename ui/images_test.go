package ui

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestPixelBombNotDecoded shows an article holding a 130 KB PNG that
// claims 8000×8000 16-bit pixels (768 MB decoded) next to an ordinary
// image: the bomb becomes a short caption and drawing the article stays
// far from decoding it, while the ordinary image is still shown.
func TestPixelBombNotDecoded(t *testing.T) {
	test.NewTempApp(t)
	bomb, err := os.ReadFile("../testdata/export/pixel-bomb-8000x8000-16bit.png")
	if err != nil {
		t.Fatal(err)
	}
	images := map[string]fyne.Resource{
		"https://news.example/bomb.png": fyne.NewStaticResource("bomb.png", bomb),
		"https://news.example/ok.png":   fyne.NewStaticResource("ok.png", pngBytes(t, 400, 200)),
	}
	html := `<p>Trước.</p><figure><img src="https://news.example/bomb.png" alt="Bản đồ"></figure><img src="https://news.example/ok.png"><p>Sau.</p>`

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	segs := renderHTML(html, nil, func(src string) fyne.Resource { return images[src] }, nil)
	rt := newRichText(segs...)
	w := test.NewTempWindow(t, rt)
	w.Resize(fyne.NewSize(800, 1200))
	w.Canvas().Capture() // paints every image, decoding it
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 200<<20 {
		t.Errorf("showing a pixel bomb allocated %d MB", grew>>20)
	}

	shown := findSegments[*imageSegment](segs)
	if len(shown) != 1 || shown[0].Resource != images["https://news.example/ok.png"] {
		t.Errorf("images shown = %d, want only the ordinary one", len(shown))
	}
	text := plainText(segs)
	if !strings.Contains(text, "Image too large to show (8000 × 8000): Bản đồ") {
		t.Errorf("no caption in place of the bomb; text =\n%s", text)
	}
}
