package reader

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// articleHTML builds a page long enough to count as an article, with a
// <meta> charset declaration when meta is set.
func articleHTML(meta, title, para string) string {
	head := ""
	if meta != "" {
		head = `<meta charset="` + meta + `">`
	}
	return "<!DOCTYPE html><html><head>" + head + "<title>" + title + "</title></head><body><article><h1>" + title +
		"</h1><p>" + para + "</p><p>" + para + "</p><p>" + para + "</p></article></body></html>"
}

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	if enc == nil {
		return []byte(s)
	}
	if enc == charmap.Windows1258 {
		s = toneMarksApart(s)
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

func TestCharsets(t *testing.T) {
	const (
		vi = "Hội nghị được tổ chức trực tuyến từ điểm cầu Hà Nội đến các tỉnh, thành phố trong cả nước, với sự tham dự của nhiều đại biểu."
		fr = "Le café crème coûte désormais trois euros cinquante à la brasserie de la gare, une hausse qui a surpris les habitués du matin."
		ja = "東京の桜は今年、例年より一週間早く満開になりました。気象庁によると、三月の気温が平年を大きく上回ったことが原因です。公園には多くの花見客が訪れています。"
		zh = "北京市今天发布了新的公共交通计划，将在未来三年内新建五条地铁线路，以缓解城市中心日益严重的交通拥堵问题。市民对此表示欢迎。"
	)
	bom := func(b []byte) []byte { return append([]byte{0xEF, 0xBB, 0xBF}, b...) }
	tests := []struct {
		name, header, meta, text string
		enc                      encoding.Encoding
		wrap                     func([]byte) []byte
	}{
		{"utf-8 header", "text/html; charset=utf-8", "", vi, nil, nil},
		{"utf-8 sniffed", "text/html", "", vi, nil, nil},
		{"utf-8 BOM", "text/html", "", vi, nil, bom},
		{"utf-8 BOM wins over wrong header", "text/html; charset=iso-8859-1", "", vi, nil, bom},
		{"utf-16 BOM", "text/html", "", vi, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), nil},
		{"windows-1258 header", "text/html; charset=windows-1258", "", vi, charmap.Windows1258, nil},
		{"windows-1258 meta", "text/html", "windows-1258", vi, charmap.Windows1258, nil},
		{"windows-1252 header", "text/html; charset=windows-1252", "", fr, charmap.Windows1252, nil},
		{"windows-1252 meta", "", "iso-8859-1", fr, charmap.Windows1252, nil},
		{"windows-1252 sniffed", "text/html", "", fr, charmap.Windows1252, nil},
		{"shift_jis header", "text/html; charset=Shift_JIS", "", ja, japanese.ShiftJIS, nil},
		{"shift_jis meta", "text/html", "shift_jis", ja, japanese.ShiftJIS, nil},
		{"shift_jis sniffed", "text/html", "", ja, japanese.ShiftJIS, nil},
		{"gbk header", "text/html; charset=gbk", "", zh, simplifiedchinese.GBK, nil},
		{"gbk meta", "text/html", "gb2312", zh, simplifiedchinese.GBK, nil},
		{"gb18030 sniffed", "text/html", "", zh, simplifiedchinese.GB18030, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := encode(t, tt.enc, articleHTML(tt.meta, "Title", tt.text))
			if tt.wrap != nil {
				body = tt.wrap(body)
			}
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.header != "" {
					w.Header().Set("Content-Type", tt.header)
				} else {
					w.Header()["Content-Type"] = nil // no header: the server must not sniff either
				}
				w.Write(body)
			})
			a, err := testReader(srv).Read(context.Background(), srv.URL+"/page", Options{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if !strings.Contains(a.Text, tt.text) {
				t.Errorf("text not decoded:\n got %q\nwant %q", firstLine(a.Text), tt.text)
			}
			if !bytes.Contains(a.Page, []byte(tt.text)) {
				t.Error("Page is not the UTF-8 page")
			}
		})
	}
}

// toneMarksApart rewrites Vietnamese text the way windows-1258 stores it:
// a base letter the code page has (ô, ư, ă, ...) followed by a combining
// tone mark, since the code page has no precomposed toned letters.
func toneMarksApart(s string) string {
	tones := map[rune]bool{0x300: true, 0x301: true, 0x303: true, 0x309: true, 0x323: true}
	var b strings.Builder
	for _, r := range s {
		if _, ok := charmap.Windows1258.EncodeRune(r); ok {
			b.WriteRune(r)
			continue
		}
		var base, tone []rune
		for _, d := range norm.NFD.String(string(r)) {
			if tones[d] {
				tone = append(tone, d)
			} else {
				base = append(base, d)
			}
		}
		b.WriteString(norm.NFC.String(string(base)))
		b.WriteString(string(tone))
	}
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestFetchErrors(t *testing.T) {
	page := []byte(articleHTML("utf-8", "Title", strings.Repeat("Some article text. ", 20)))
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
	png, err := os.ReadFile(filepath.Join(pagesDir, "seed-vi", "images", "logo.png"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		setup   func(*Reader)
		wantErr error
		wantMsg string
	}{
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, nil, ErrHTTPStatus, "the server answered 404 Not Found"},
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, nil, ErrHTTPStatus, "the server answered 500 Internal Server Error"},
		// A PDF is read as a document; a broken one is refused as such.
		{"broken pdf", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/pdf")
			w.Write(pdf)
		}, nil, ErrPDF, "not a readable PDF"},
		{"broken pdf without header", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil
			w.Write(pdf)
		}, nil, ErrPDF, "not a readable PDF"},
		{"zip", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/zip")
			w.Write([]byte("PK\x03\x04"))
		}, nil, ErrNotHTML, "is application/zip, not a web page"},
		{"png as octet-stream", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(png)
		}, nil, ErrNotHTML, "is image/png"},
		{"json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"a":1}`))
		}, nil, ErrNotHTML, "is application/json"},
		{"too large", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write(page)
		}, func(r *Reader) { r.MaxPageBytes = 100 }, ErrTooLarge, "more than the 100 bytes allowed"},
		{"too large without length", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			for range 10 {
				w.Write(page)
				w.(http.Flusher).Flush()
			}
		}, func(r *Reader) { r.MaxPageBytes = 1000 }, ErrTooLarge, "more than the 1000 bytes allowed"},
		{"slow", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}, func(r *Reader) { r.Timeout = 200 * time.Millisecond }, context.DeadlineExceeded, "no answer within 200ms"},
		{"slow body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write(page[:50])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}, func(r *Reader) { r.Timeout = 200 * time.Millisecond }, context.DeadlineExceeded, "took longer than 200ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			r := testReader(srv)
			if tt.setup != nil {
				tt.setup(r)
			}
			_, err := r.Read(context.Background(), srv.URL+"/doc", Options{})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), srv.URL) {
				t.Errorf("message %q should contain %q and the link", err, tt.wantMsg)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	page := articleHTML("utf-8", "Arrived", strings.Repeat("The article at the end of the chain. ", 10))
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		var n int
		switch {
		case r.URL.Path == "/loop-a":
			http.Redirect(w, r, "/loop-b", http.StatusFound)
		case r.URL.Path == "/loop-b":
			http.Redirect(w, r, "/loop-a", http.StatusFound)
		case r.URL.Path == "/final":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, page)
		default:
			if _, err := fmt.Sscanf(r.URL.Path, "/hop/%d", &n); err != nil {
				http.NotFound(w, r)
				return
			}
			if n == 0 {
				http.Redirect(w, r, "/final", http.StatusMovedPermanently)
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
		}
	})
	tests := []struct {
		name, path string
		client     *http.Client
		wantErr    bool
		wantMsg    string
	}{
		{"three hops", "/hop/2", nil, false, ""},
		{"ten hops", "/hop/9", nil, false, ""},
		{"eleven hops", "/hop/10", nil, true, "more than 10 redirects"},
		{"loop", "/loop-a", nil, true, "redirect loop"},
		{"injected client allowing everything", "/hop/30", &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}, true, "more than 10 redirects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testReader(srv)
			if tt.client != nil {
				r.Client = tt.client
			}
			a, err := r.Read(context.Background(), srv.URL+tt.path, Options{})
			if tt.wantErr {
				if !errors.Is(err, ErrTooManyRedirects) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("err = %v, want ErrTooManyRedirects with %q", err, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if a.URL != srv.URL+"/final" {
				t.Errorf("URL = %q, want the final URL", a.URL)
			}
		})
	}
}

func TestContentEncoding(t *testing.T) {
	page := []byte(articleHTML("utf-8", "Compressed", strings.Repeat("Đây là nội dung đã được nén. ", 20)))
	compress := func(t *testing.T, enc string) []byte {
		t.Helper()
		var buf bytes.Buffer
		var w interface {
			Write([]byte) (int, error)
			Close() error
		}
		switch enc {
		case "gzip":
			w = gzip.NewWriter(&buf)
		case "deflate":
			w = zlib.NewWriter(&buf)
		case "raw-deflate":
			w, _ = flate.NewWriter(&buf, flate.DefaultCompression)
		}
		w.Write(page)
		w.Close()
		return buf.Bytes()
	}
	for _, enc := range []string{"gzip", "deflate", "raw-deflate"} {
		t.Run(enc, func(t *testing.T) {
			body := compress(t, enc)
			var gotAccept string
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				gotAccept = r.Header.Get("Accept-Encoding")
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", strings.TrimPrefix(enc, "raw-"))
				w.Write(body)
			})
			p, err := testReader(srv).Fetch(context.Background(), srv.URL+"/")
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if !bytes.Equal(p.HTML, page) {
				t.Errorf("body not decompressed: %q", p.HTML[:min(40, len(p.HTML))])
			}
			if !strings.Contains(gotAccept, "deflate") || !strings.Contains(gotAccept, "gzip") {
				t.Errorf("Accept-Encoding = %q", gotAccept)
			}
		})
	}
}

func TestRequestHeaders(t *testing.T) {
	var ua, accept string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		ua, accept = r.Header.Get("User-Agent"), r.Header.Get("Accept")
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html></html>")
	})
	if _, err := testReader(srv).Fetch(context.Background(), srv.URL); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ua, "Folio/") || !strings.HasPrefix(accept, "text/html") {
		t.Errorf("User-Agent %q, Accept %q", ua, accept)
	}
}

func TestUnsupportedSchemes(t *testing.T) {
	r := New(nil)
	for _, link := range []string{"", "ftp://example.com/a.html", "file:///etc/passwd", "javascript:alert(1)", "example.com/article", "mailto:a@b.c"} {
		t.Run(link, func(t *testing.T) {
			_, err := r.Read(context.Background(), link, Options{})
			if !errors.Is(err, ErrUnsupportedScheme) {
				t.Fatalf("err = %v, want ErrUnsupportedScheme", err)
			}
			if !strings.Contains(err.Error(), "https://") || (link != "" && !strings.Contains(err.Error(), link)) {
				t.Errorf("message %q should name the link and say what to do", err)
			}
		})
	}
}

func TestStatusErrorCarriesTheCode(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	_, err := New(srv.Client()).Fetch(context.Background(), srv.URL+"/a")
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusGone || !errors.Is(err, ErrHTTPStatus) {
		t.Fatalf("Fetch error = %v, want a StatusError with code 410 that is ErrHTTPStatus", err)
	}
	if strings.Count(err.Error(), srv.URL) != 1 || !strings.HasSuffix(err.Error(), "the server answered 410 Gone") {
		t.Errorf("message %q: want the link once, then the status", err)
	}
}

func TestLimitAtMaxInt64ReadsTheWholePage(t *testing.T) {
	body := articleHTML("utf-8", "Unlimited", strings.Repeat("Some article text. ", 20))
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(body))
	})
	r := testReader(srv)
	r.MaxPageBytes = math.MaxInt64 // limit+1 would wrap and read nothing
	p, err := r.Fetch(context.Background(), srv.URL+"/doc")
	if err != nil {
		t.Fatal(err)
	}
	if string(p.HTML) != body {
		t.Errorf("got %d bytes, want the %d-byte page", len(p.HTML), len(body))
	}
}

func TestNotHTMLNamesTheLinkOnce(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/doc.zip", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Write([]byte("PK\x03\x04"))
	})
	tests := []struct {
		name, path string
		wantLinks  int
	}{
		{"direct", "/doc.zip", 1},
		{"redirected", "/moved", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := testReader(srv).Fetch(context.Background(), srv.URL+tt.path)
			if !errors.Is(err, ErrNotHTML) {
				t.Fatalf("err = %v, want ErrNotHTML", err)
			}
			if n := strings.Count(err.Error(), srv.URL); n != tt.wantLinks {
				t.Errorf("%q names an address %d times, want %d", err, n, tt.wantLinks)
			}
		})
	}
}

func TestUnreachableNamesTheLinkOnce(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {})
	link := srv.URL + "/gone"
	srv.Close() // nothing listens there any more
	_, err := New(nil).Fetch(context.Background(), link)
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Fatalf("Fetch error = %v, want a *net.OpError in its chain", err)
	}
	if msg := err.Error(); strings.Count(msg, srv.URL) != 1 || strings.Contains(msg, `Get "`) {
		t.Errorf("message %q: want the link once and no Get prefix", msg)
	}
}
