package ui

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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

// TestImageDecodedOnce shows that an article image reaches the canvas
// already decoded (so refreshing the reader on the UI goroutine decodes
// nothing) and that a photo wider than the column at double density is
// kept scaled down, in its own shape.
func TestImageDecodedOnce(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name         string
		w, h         int
		wantW, wantH int
	}{
		{name: "small image kept as is", w: 400, h: 200, wantW: 400, wantH: 200},
		{name: "wide photo scaled down", w: 4000, h: 3000, wantW: maxImagePixelWidth, wantH: maxImagePixelWidth * 3 / 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := fyne.NewStaticResource("pic.png", pngBytes(t, tt.w, tt.h))
			seg, ok := newImageSegment(res, "").(*imageSegment)
			if !ok {
				t.Fatal("no image segment")
			}
			img, ok := seg.Visual().(*canvas.Image)
			if !ok {
				t.Fatal("visual is not a canvas.Image")
			}
			if img.Resource != nil || img.File != "" || img.Image == nil {
				t.Fatalf("the canvas image decodes on refresh: resource=%v file=%q image=%v", img.Resource, img.File, img.Image != nil)
			}
			if got := img.Image.Bounds().Size(); got.X != tt.wantW || got.Y != tt.wantH {
				t.Errorf("kept %v, want %dx%d", got, tt.wantW, tt.wantH)
			}
		})
	}
}
