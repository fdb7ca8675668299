package reader

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

// hostilePage is a real-looking article carrying every kind of active
// content issue 12 found surviving into the library.
const hostilePage = `<!DOCTYPE html><html><head><title>Hostile</title>
<base href="javascript:alert(document.domain)//">
</head><body><article>
<h1>Hostile</h1>
<p onclick="alert(1)">The first paragraph of this article is long enough to count as real article text, and it goes on.</p>
<p>A <a href="JaVaScRiPt:alert(2)">mixed-case link</a>, a <a href="	 javascript:alert(3)">spaced one</a>, a
<a href="vbscript:msgbox(4)">third kind</a> and a <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==">data one</a>,
and a <a href="https://example.com/fine">fine one</a> in a second paragraph that is also long enough to keep.</p>
<figure><img src="/img/1.png" alt="one" onerror="alert(6)"><figcaption>Caption</figcaption></figure>
<svg onload="alert(7)"><script>alert(8)</script></svg>
<p>The third paragraph closes the article with a few more words so that readability keeps all of it in place.</p>
</article></body></html>`

func TestExtractSanitizes(t *testing.T) {
	a, err := Extract([]byte(hostilePage), "https://example.com/post", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if bad := activeContent(a.HTML); bad != "" {
		t.Errorf("stored HTML keeps %s:\n%s", bad, a.HTML)
	}
	for _, s := range []string{"alert", "javascript", "vbscript", "data:", "onerror", "onclick", "<svg"} {
		if strings.Contains(strings.ToLower(a.HTML), s) {
			t.Errorf("stored HTML keeps %q:\n%s", s, a.HTML)
		}
	}
	// The base was refused, so the image resolves against the page.
	if !strings.Contains(a.HTML, `src="https://example.com/img/1.png"`) {
		t.Errorf("image source not resolved against the page:\n%s", a.HTML)
	}
	for _, u := range a.ImageURLs() {
		if !isHTTP(u) {
			t.Errorf("image URL %q", u)
		}
	}
	for _, s := range []string{"mixed-case link", "fine one", `href="https://example.com/fine"`, "third paragraph"} {
		if !strings.Contains(a.HTML, s) {
			t.Errorf("lost %q:\n%s", s, a.HTML)
		}
	}
}

// A page nested deeper than the HTML parser allows still gives its text.
func TestExtractDeeplyNested(t *testing.T) {
	para := "<p>" + strings.Repeat("A sentence of the deeply nested article that goes on. ", 8) + "</p>"
	page := "<html><body><article>" + para + strings.Repeat("<div>", 3000) + para + strings.Repeat("</div>", 3000) + para + "</article></body></html>"
	a, err := Extract([]byte(page), "https://example.com/deep", Options{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if n := strings.Count(a.Text, "deeply nested article"); n < 16 {
		t.Errorf("kept %d of 24 sentences", n)
	}
}

// An SVG image is stored drawn as a PNG, never as the document it is,
// which can carry scripts.
func TestSVGImagesStoredDrawn(t *testing.T) {
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" onload="alert(1)"><script>alert(2)</script><rect width="200" height="100" fill="#c00"/></svg>`
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chart.svg":
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Write([]byte(svg))
		case "/broken.svg":
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(3)</script>`))
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(articleHTML("", "Chart", "A paragraph about the chart below, long enough for an article body to be found.") +
				`<img src="/chart.svg" alt="c"><img src="/broken.svg" alt="b">`))
		}
	})
	a := &Article{URL: srv.URL + "/p", HTML: `<p>x</p><img src="` + srv.URL + `/chart.svg"><img src="` + srv.URL + `/broken.svg">`}
	testReader(srv).FetchImages(context.Background(), a)
	if len(a.Images) != 2 {
		t.Fatalf("images: %+v", a.Images)
	}
	good, bad := a.Images[0], a.Images[1]
	if good.ContentType != "image/png" || !bytes.HasPrefix(good.Data, []byte("\x89PNG")) {
		t.Errorf("SVG stored as %s (%d bytes)", good.ContentType, len(good.Data))
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(good.Data)); err != nil || cfg.Width != 200 || cfg.Height != 100 {
		t.Errorf("drawn size %v %v", cfg, err)
	}
	if bad.Data != nil && bytes.Contains(bad.Data, []byte("script")) {
		t.Error("an SVG that cannot be drawn is stored as it is")
	}
}
