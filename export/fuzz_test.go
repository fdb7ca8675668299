package export

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"github.com/folio-app/folio/reader"
)

var fuzzSeeds = []string{
	`<p>Text <a href="javascript:alert(1)">js</a> <a href="https://e.com/">ok</a></p>`,
	`<ul><li>one<ol start="-5"><li>two</li></ol></li></ul><blockquote><blockquote><p>q</p></blockquote></blockquote>`,
	`<table><tr><th colspan=3>h</th></tr><tr><td>` + strings.Repeat("x", 3000) + `</td><td></td></tr></table>`,
	`<pre><code>` + strings.Repeat("y", 2000) + "\n\tz</code></pre><hr><h7>h</h7><h1></h1>",
	`<figure><img src="data:image/png;base64,iVBORw0KGgo=" alt="a"><figcaption>c</figcaption></figure><img src="javascript:x">`,
	`<p>` + strings.Repeat("word ", 500) + `</p><p>` + strings.Repeat("\u0301", 50) + "\U0001F600</p>",
	`<a href=" vbscript:x"><img src="https://e.com/i.png"></a><svg onload=x><script>alert(1)</script></svg>`,
}

// badMarkdownLink finds a link or image target that could run something.
var badMarkdownLink = regexp.MustCompile(`(?i)\]\(\s*<?\s*(javascript|vbscript|data:text|data:image/svg)`)

// FuzzMarkdownExport converts arbitrary article HTML: no panic, and no
// script-like link or raw script markup in the Markdown.
func FuzzMarkdownExport(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 1<<15 {
			return
		}
		it := hostileItem("T", body)
		md, err := MarkdownText(it)
		if err != nil {
			return
		}
		if m := badMarkdownLink.FindString(md); m != "" {
			t.Fatalf("Markdown keeps %q:\n%s", m, md)
		}
		if strings.Contains(strings.ToLower(md), "<script") {
			t.Fatalf("Markdown keeps a script:\n%s", md)
		}
	})
}

// FuzzPDFLayout lays out arbitrary article HTML as a PDF page sequence:
// no panic, no error, and every link it makes is a safe one. The fonts
// are loaded once per fuzzing process (that is most of a PDF's cost), and
// the document is started afresh every few hundred inputs.
func FuzzPDFLayout(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	var d *pdfDoc
	runs := 0
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 1<<15 {
			return
		}
		if d == nil || runs%300 == 0 {
			d = &pdfDoc{f: fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"}), ctx: context.Background()}
			d.setup(nil)
		}
		runs++
		it := hostileItem("T", body)
		if err := d.article(&it, 0); err != nil {
			t.Fatalf("article: %v", err)
		}
		if d.f.Err() {
			t.Fatalf("fpdf: %v", d.f.Error())
		}
		blocks, err := parseBlocks(body, it.baseURL())
		if err != nil {
			return
		}
		var check func([]block)
		check = func(bs []block) {
			for _, b := range bs {
				for _, s := range b.spans {
					if s.link != "" && !reader.SafeLink(s.link) {
						t.Fatalf("unsafe link %q", s.link)
					}
				}
				check(b.children)
				for _, item := range b.items {
					check(item)
				}
			}
		}
		check(blocks)
	})
}
