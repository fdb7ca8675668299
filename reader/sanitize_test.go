package reader

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// activeContent parses sanitized HTML and names the first thing in it a
// browser could run: an event handler, a script-like element, a link or
// source with a scheme other than http(s)/mailto (data:image for images).
func activeContent(fragment string) string {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return "" // too deep to parse: nothing a browser would build either
	}
	var found string
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Iframe, atom.Object, atom.Embed, atom.Svg, atom.Math, atom.Base,
				atom.Form, atom.Input, atom.Button, atom.Link, atom.Meta, atom.Frame, atom.Frameset, atom.Template:
				found = "<" + n.Data + ">"
				return
			}
			if n.Namespace != "" {
				found = "<" + n.Namespace + ":" + n.Data + ">"
				return
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(k, "on"), k == "style", k == "srcdoc", k == "formaction", k == "action", k == "srcset":
					found = fmt.Sprintf("%s=%q on <%s>", a.Key, a.Val, n.Data)
				case k == "href" || k == "cite":
					if !SafeLink(a.Val) {
						found = fmt.Sprintf("%s=%q", a.Key, a.Val)
					}
				case k == "src":
					if !SafeImageSource(a.Val) && !SafeLink(a.Val) || strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "data:") && !SafeImageSource(a.Val) {
						found = fmt.Sprintf("src=%q", a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	for _, n := range nodes {
		visit(n)
	}
	return found
}

func TestSanitizeRemovesActiveContent(t *testing.T) {
	cases := []struct {
		name, in string
		keep     []string // must survive
		gone     []string // must not survive (checked on the output text)
	}{
		{"script", `<p>Text</p><script>alert(1)</script>`, []string{"<p>Text</p>"}, []string{"alert", "script"}},
		{"event handler", `<p onclick="alert(1)" onmouseover=x>Hi</p><img src="https://e.com/a.png" onerror="alert(2)">`, []string{"Hi", `src="https://e.com/a.png"`}, []string{"onclick", "onerror", "alert"}},
		{"javascript link", `<a href="javascript:alert(1)">x</a>`, []string{"x"}, []string{"javascript"}},
		{"mixed case", `<a href="JaVaScRiPt:alert(1)">x</a>`, []string{"x"}, []string{"alert"}},
		{"tab inside scheme", "<a href=\"java\tscript:alert(1)\">x</a>", []string{"x"}, []string{"alert"}},
		{"entity inside scheme", `<a href="jav&#x09;ascript:alert(1)">x</a>`, []string{"x"}, []string{"alert"}},
		{"leading spaces", `<a href="   javascript:alert(1)">x</a>`, []string{"x"}, []string{"alert"}},
		{"vbscript", `<a href="vbscript:msgbox(1)">x</a>`, []string{"x"}, []string{"vbscript"}},
		{"data html link", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`, []string{"x"}, []string{"data:"}},
		{"data image link", `<a href="data:image/png;base64,iVBORw0KGgo=">x</a>`, []string{"x"}, []string{"data:"}},
		{"svg onload", `<p>a</p><svg onload="alert(1)"><script>alert(2)</script><text>t</text></svg>`, []string{"<p>a</p>"}, []string{"svg", "alert", "onload"}},
		{"iframe javascript", `<iframe src="javascript:alert(1)"></iframe><p>b</p>`, []string{"<p>b</p>"}, []string{"iframe", "javascript"}},
		{"object embed", `<object data="x.swf"><embed src="x.swf"></object><p>c</p>`, []string{"<p>c</p>"}, []string{"object", "embed", "swf"}},
		{"form", `<form action="https://evil/"><input name=q><button formaction="javascript:x">go</button><p>d</p></form>`, []string{"<p>d</p>"}, []string{"form", "input", "formaction", "button"}},
		{"style attribute", `<p style="background:url(javascript:alert(1))">e</p>`, []string{"e"}, []string{"style", "javascript"}},
		{"style element", `<style>body{x:expression(alert(1))}</style><p>f</p>`, []string{"<p>f</p>"}, []string{"expression"}},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><p>g</p>`, []string{"<p>g</p>"}, []string{"refresh", "javascript"}},
		{"base", `<base href="javascript:alert(1)//"><p>h</p>`, []string{"<p>h</p>"}, []string{"base", "javascript"}},
		{"javascript image", `<img src="javascript:alert(1)" alt="i">`, nil, []string{"javascript"}},
		{"svg data image", `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" alt="j">`, nil, []string{"svg+xml"}},
		{"png data image kept", `<img src="data:image/png;base64,iVBORw0KGgo=" alt="k">`, []string{`src="data:image/png;base64,iVBORw0KGgo="`}, nil},
		{"srcset", `<img src="https://e.com/a.png" srcset="javascript:alert(1) 2x">`, []string{"https://e.com/a.png"}, []string{"srcset"}},
		{"http https mailto kept", `<a href="https://e.com/a">1</a><a href="http://e.com/b">2</a><a href="mailto:x@e.com">3</a><a href="#fn1">4</a>`,
			[]string{`href="https://e.com/a"`, `href="http://e.com/b"`, `href="mailto:x@e.com"`, `href="#fn1"`}, nil},
		{"structure kept", `<h2>H</h2><ul><li>a</li></ul><ol start="3"><li>b</li></ol><blockquote>q</blockquote><pre><code>c</code></pre><table><tr><th colspan="2">t</th></tr></table><figure><img src="https://e.com/p.jpg" alt="p"><figcaption>cap</figcaption></figure>`,
			[]string{"<h2>H</h2>", `<ol start="3">`, "<blockquote>q</blockquote>", "<pre><code>c</code></pre>", `colspan="2"`, "<figcaption>cap</figcaption>", `alt="p"`}, nil},
		{"text of unknown element kept", `<p><font color=red>red words</font></p>`, []string{"red words"}, []string{"font"}},
		{"noscript", `<noscript><img src="https://e.com/t.gif"></noscript><p>l</p>`, []string{"<p>l</p>"}, []string{"noscript", "t.gif"}},
		{"comment", `<!--[if IE]><script>alert(1)</script><![endif]--><p>m</p>`, []string{"<p>m</p>"}, []string{"alert", "if IE"}},
		{"math namespace", `<math><mi xlink:href="javascript:alert(1)">x</mi></math>`, nil, []string{"javascript", "href"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := Sanitize(c.in)
			for _, k := range c.keep {
				if !strings.Contains(out, k) {
					t.Errorf("lost %q:\n in: %s\nout: %s", k, c.in, out)
				}
			}
			for _, g := range c.gone {
				if strings.Contains(strings.ToLower(out), strings.ToLower(g)) {
					t.Errorf("kept %q:\n in: %s\nout: %s", g, c.in, out)
				}
			}
			if bad := activeContent(out); bad != "" {
				t.Errorf("active content survives: %s\nout: %s", bad, out)
			}
		})
	}
}

func TestSafeLink(t *testing.T) {
	for in, want := range map[string]bool{
		"https://e.com/":             true,
		"HTTP://e.com/":              true,
		"mailto:a@b.c":               true,
		"#fn":                        true,
		"/path?q=a:b":                true,
		"page.html":                  true,
		"javascript:alert(1)":        false,
		" JavaScript:alert(1)":       false,
		"vbscript:x":                 false,
		"data:text/html,x":           false,
		"data:image/png;base64,AA==": false,
		"file:///etc/passwd":         false,
		"ftp://e.com/":               false,
		"java\nscript:x":             false,
	} {
		if got := SafeLink(in); got != want {
			t.Errorf("SafeLink(%q) = %v, want %v", in, got, want)
		}
	}
}

// FuzzSanitize checks, by parsing the output, that no event handler,
// script-like element or unsafe URL survives Sanitize, and that a second
// pass changes nothing that matters.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		`<p onclick=x>a</p>`, `<a href="javascript:x">b</a>`, `<img src=x onerror=alert(1)>`,
		`<svg><script>x</script></svg>`, `<a href=" jav&#x61;script:x">c</a>`, "<a href=\"java\tscript:x\">d</a>",
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		`<a href="data:text/html,<script>x</script>">e</a>`, `<img src="data:image/png;base64,AAAA">`,
		`<table><tr><td><a href=https://e.com/>f</a></td></tr></table>`, `<base href=javascript:/><img src=1.png>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if bad := activeContent(out); bad != "" {
			t.Fatalf("active content survives: %s\n in: %q\nout: %q", bad, in, out)
		}
		if bad := activeContent(Sanitize(out)); bad != "" {
			t.Fatalf("active content after a second pass: %s", bad)
		}
	})
}
