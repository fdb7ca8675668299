package reader

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func parseBody(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader("<html><body>" + s + "</body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

const articleParas = `<p>First paragraph of the article, long enough to be the body of the page.</p>` +
	`<p>Second paragraph of the article, which goes on about the same subject.</p>`

func TestRemoveClutter(t *testing.T) {
	tests := []struct {
		name, html string
		keep, drop []string
	}{
		{"share bar by class word", `<div class="body">` + articleParas + `<div class="content-share">SHAREBAR</div></div>`, []string{"First paragraph"}, []string{"SHAREBAR"}},
		{"camelCase id", `<div>` + articleParas + `<div id="newsletterBox">NEWS</div></div>`, nil, []string{"NEWS"}},
		{"partial word is not a match", `<div>` + articleParas + `<p class="shared-memories">Sharing stories is what this paragraph is about.</p><div class="header-adapter">ADAPTER</div></div>`, []string{"Sharing stories", "ADAPTER"}, nil},
		{"body is never removed", `<div class="comments-open tag-news">` + articleParas + `</div>`, []string{"First paragraph", "Second paragraph"}, nil},
		{"cookie banner", `<div role="dialog" class="cc">COOKIES</div><div>` + articleParas + `</div>`, nil, []string{"COOKIES"}},
		{"teaser box by heading", `<div>` + articleParas + `</div><div class="box"><h3>Có thể bạn quan tâm</h3><a href="/x">TEASER</a></div>`, []string{"First"}, []string{"TEASER", "quan tâm"}},
		{"related heading inside body", `<div>` + articleParas + `<h2>Related articles</h2><ul><li><a href="/x">RELATED1</a></li></ul><h2>Next section</h2><p>After.</p></div>`, []string{"Next section", "After."}, []string{"RELATED1"}},
		{"section heading mentioning sharing stays", `<div>` + articleParas + `<h2>Why sharing matters</h2><p>Keep me.</p></div>`, []string{"Why sharing matters", "Keep me."}, nil},
		{"forms and nav", `<nav>NAV</nav><div>` + articleParas + `<form>FORM<input></form></div><footer>FOOT</footer>`, nil, []string{"NAV", "FORM", "FOOT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseBody(t, tt.html)
			removeClutter(doc)
			text := textOf(doc)
			for _, k := range append(tt.keep, "First paragraph") {
				if !strings.Contains(text, k) {
					t.Errorf("removed %q; left %q", k, text)
				}
			}
			for _, d := range tt.drop {
				if strings.Contains(text, d) {
					t.Errorf("kept %q; left %q", d, text)
				}
			}
		})
	}
}

func TestCleanBodyLabelledLinks(t *testing.T) {
	tests := []struct {
		name, html string
		removed    bool
	}{
		{"read more", `<p><strong>Read more:</strong> <a href="/a">Another story</a></p>`, true},
		{"see also", `<p>See also: <a href="/a">One</a>, <a href="/b">Two</a></p>`, true},
		{"vietnamese source line", `<div>link bài gốc <a href="/x">https://example.test/bai-viet-goc-123.html</a></div>`, true},
		{"xem thêm", `<p>Xem thêm: <a href="/x">Bài viết khác</a></p>`, true},
		{"sentence with a link", `<p>The minister said on Monday that <a href="/x">the plan</a> would go ahead despite the protests.</p>`, false},
		{"colon label with prose after", `<p>Update: <a href="/x">the council</a> has since changed its mind about the whole plan and the budget.</p>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseBody(t, `<div id="b"><p>Body text stays.</p>`+tt.html+`</div>`)
			body := first(doc, "body")
			cleanBody(body)
			text := textOf(body)
			if !strings.Contains(text, "Body text stays.") {
				t.Fatal("removed the body paragraph")
			}
			gone := len(text) == len("Body text stays.")
			if gone != tt.removed {
				t.Errorf("removed = %v, want %v (left %q)", gone, tt.removed, text)
			}
		})
	}
}
