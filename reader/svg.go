package reader

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"strings"

	"github.com/fyne-io/oksvg"
	"github.com/srwiley/rasterx"
)

// ErrBadSVG: an SVG image could not be drawn.
var ErrBadSVG = errors.New("the SVG image cannot be drawn")

// maxSVGSide bounds the longer side of a drawn SVG, in pixels: enough for
// a diagram across a page, small enough to draw quickly.
const maxSVGSide = 1600

// IsSVG reports whether data (with its declared content type) is an SVG
// document.
func IsSVG(contentType string, data []byte) bool {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "image/svg") {
		return true
	}
	head := strings.ToLower(string(data[:min(len(data), 1024)]))
	return strings.Contains(head, "<svg")
}

// RasterizeSVG draws an SVG image as a PNG. An SVG is a document that can
// carry scripts, event handlers and links; the drawing keeps only what it
// shows, so the library and the exports never hold an active SVG. The
// window drew SVGs with the same renderer, so they look as before.
func RasterizeSVG(data []byte) (out []byte, err error) {
	defer func() {
		if recover() != nil {
			out, err = nil, fmt.Errorf("%w: the renderer failed", ErrBadSVG)
		}
	}()
	icon, err := oksvg.ReadIconStream(bytes.NewReader(data), oksvg.IgnoreErrorMode)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSVG, err)
	}
	w, h := icon.ViewBox.W, icon.ViewBox.H
	if !(w > 0 && h > 0) || math.IsInf(w, 0) || math.IsInf(h, 0) {
		return nil, fmt.Errorf("%w: no size", ErrBadSVG)
	}
	scale := min(1, maxSVGSide/max(w, h))
	if max(w, h) < 64 {
		scale = 64 / max(w, h) // icons: big enough to see
	}
	iw, ih := max(1, int(w*scale)), max(1, int(h*scale))
	icon.SetTarget(0, 0, float64(iw), float64(ih))
	img := image.NewNRGBA(image.Rect(0, 0, iw, ih))
	scanner := rasterx.NewScannerGV(iw, ih, img, img.Bounds())
	icon.Draw(rasterx.NewDasher(iw, ih, scanner), 1)
	return encodePNG(img)
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}
