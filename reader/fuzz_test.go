package reader

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract runs the extractor on arbitrary HTML: it must not panic,
// and what it would store must carry no active content and be UTF-8.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		hostilePage,
		articleHTML("", "T", strings.Repeat("Words of a paragraph. ", 30)),
		"<html><body>" + strings.Repeat("<div>", 600) + "<p>deep</p>",
		`<base href="javascript:x//"><article><p>text <img src="a.png" srcset="b.png 2x" data-src="c.png"></p></article>`,
		`<noscript><img src=x onerror=alert(1)></noscript><picture><source srcset="javascript:1"><img src=y></picture>`,
		"<table><tr><td><table><tr><td><p>cell</p>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		if len(page) > 1<<16 {
			return
		}
		a, err := Extract(page, "https://example.com/a/b.html", Options{Force: true})
		if err != nil {
			return
		}
		if bad := activeContent(a.HTML); bad != "" {
			t.Fatalf("stored HTML keeps %s:\n%s", bad, a.HTML)
		}
		if !utf8.ValidString(a.Text) {
			t.Fatal("text is not UTF-8")
		}
		for _, u := range append(a.ImageURLs(), a.URL) {
			if !isHTTP(u) {
				t.Fatalf("non-web address %q", u)
			}
		}
	})
}

// FuzzDecode: whatever bytes and header, the page comes out as UTF-8.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("<meta charset=gb2312><p>Tiếng Việt</p>"), "text/html")
	f.Add([]byte("\xef\xbb\xbf<p>x</p>"), "text/html; charset=windows-1258")
	f.Add([]byte("Ti\xeang Vi\xea\xf2t"), "text/html; charset=utf-8")
	f.Add([]byte("\xff\xfe<\x00p\x00>\x00"), "")
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		if out := decode(body, header); !utf8.Valid(out) {
			t.Fatalf("decode(%q, %q) is not UTF-8", body, header)
		}
	})
}

// FuzzLinks checks link parsing and normalisation: a normalised link
// parses, normalises to itself, carries no credentials or fragment, and the
// display forms never show a password.
func FuzzLinks(f *testing.F) {
	for _, s := range []string{
		"https://Example.COM:443/a/?utm_source=x&b=2&a=1#frag", "http://alice:pw@host/p", "https://bücher.example/ä?q=ü",
		"http://[::1]:80/", "https://xn--bcher-kva.example/", "HTTP://a.b/%2F/", "https://a.b/?a=1&a=0&fbclid=z",
		"javascript:alert(1)", "http://a@b@c/", "https://h/%zz", "ftp://x/", "//no-scheme/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, shown := range []string{WithoutCredentials(raw), DisplayURL(raw)} {
			if u, err := url.Parse(shown); err == nil && u.User != nil {
				if _, has := u.User.Password(); has {
					t.Fatalf("%q shows a password: %q", raw, shown)
				}
			}
		}
		n, err := NormalizeURL(raw)
		if err != nil {
			return
		}
		u, err := ParseLink(n)
		if err != nil {
			t.Fatalf("NormalizeURL(%q) = %q, which does not parse: %v", raw, n, err)
		}
		if u.User != nil || u.Fragment != "" {
			t.Fatalf("NormalizeURL(%q) = %q keeps credentials or a fragment", raw, n)
		}
		if again, err := NormalizeURL(n); err != nil || again != n {
			t.Fatalf("not idempotent: %q → %q → %q (%v)", raw, n, again, err)
		}
	})
}
