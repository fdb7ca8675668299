package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/save"
	"github.com/folio-app/folio/storage"
)

// hostileServer serves the pages of TestAddHostileInputs by path.
func hostileServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	html := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}
	status := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", code) }
	}
	for _, c := range []int{401, 403, 404, 410, 429, 500, 503} {
		mux.HandleFunc(fmt.Sprintf("/status/%d", c), status(c))
	}
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/hops/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
	})
	for name, target := range map[string]string{"ftp": "ftp://example.com/file.html", "javascript": "javascript:alert(1)", "file": "file:///etc/passwd", "data": "data:text/html,<p>x</p>"} {
		mux.HandleFunc("/to-"+name, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", target)
			w.WriteHeader(http.StatusFound)
		})
	}
	typed := func(ct string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Write(body)
		}
	}
	elf := append([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"), bytes.Repeat([]byte{0, 1, 2, 3}, 64)...)
	mux.HandleFunc("/pdf", typed("application/pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj")))
	mux.HandleFunc("/png", typed("image/png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")))
	mux.HandleFunc("/json", typed("application/json", []byte(`{"a":1}`)))
	mux.HandleFunc("/elf-as-html", typed("text/html", elf))
	mux.HandleFunc("/zip-as-html", typed("text/html; charset=utf-8", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00")))
	mux.HandleFunc("/octet", typed("application/octet-stream", elf))
	mux.HandleFunc("/declared-huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "2000000000")
		w.WriteHeader(http.StatusOK)
	})
	// 21 gzip members of 1 MiB of spaces each: a few kilobytes that
	// decode to more than the 20 MB a page may have (made once: deflating
	// 21 MiB under -race takes most of a minute).
	var member bytes.Buffer
	zw := gzip.NewWriter(&member)
	zw.Write(bytes.Repeat([]byte(" "), 1<<20))
	zw.Close()
	bomb := bytes.Repeat(member.Bytes(), 21)
	mux.HandleFunc("/gzip-bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	mux.HandleFunc("/gzip-corrupt", func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(strings.Repeat("<p>some article text</p>", 200)))
		zw.Close()
		b := buf.Bytes()
		for i := 20; i < len(b)-8; i += 7 {
			b[i] ^= 0x5a
		}
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(b)
	})
	mux.HandleFunc("/gzip-not-gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte("<html>plain text that says it is gzip</html>"))
	})
	mux.HandleFunc("/deflate-corrupt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "deflate")
		w.Write([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	})
	mux.HandleFunc("/brotli", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "br")
		w.Write([]byte{0x1b, 0x02, 0x00})
	})
	raw := func(answer string, reset bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			conn, bufw, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			bufw.WriteString(answer)
			bufw.Flush()
			if tc, ok := conn.(*net.TCPConn); ok && reset {
				tc.SetLinger(0) // close with RST
			}
			conn.Close()
		}
	}
	mux.HandleFunc("/cut-off", raw("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html><body><p>The start of", false))
	mux.HandleFunc("/reset", raw("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html><body><p>The start of", true))
	mux.HandleFunc("/bad-length", raw("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: abc\r\n\r\n<html></html>", false))
	mux.HandleFunc("/bad-status", raw("HTTP/1.1 two hundred OK\r\n\r\n", false))
	mux.HandleFunc("/no-answer", raw("", false))
	mux.HandleFunc("/no-article", func(w http.ResponseWriter, r *http.Request) {
		html(w, "<html><head><title>Menu</title></head><body><nav><a href=/a>Home</a></nav></body></html>")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// libraryHash is a digest of every row of every table of the library: a
// failed add must leave it as it was.
func libraryHash(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	h := sha256.New()
	for _, tbl := range tables {
		r, err := db.Query(`SELECT * FROM "` + tbl + `"`)
		if err != nil {
			continue // a virtual table's shadow the driver cannot read whole
		}
		cols, _ := r.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		fmt.Fprintf(h, "table %s\n", tbl)
		for r.Next() {
			r.Scan(ptrs...)
			fmt.Fprintf(h, "%v\n", vals)
		}
		r.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestAddHostileInputs feeds 'folio add' the inputs issue 12 found
// mishandled, and more: each must fail with the right error class, say in
// one sentence what happened and what to do, name no password, and leave
// the library exactly as it was.
func TestAddHostileInputs(t *testing.T) {
	srv := hostileServer(t)
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(tlsSrv.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	dir := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "pipe.html")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	exeData, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	binHTML := file("ls.html", exeData[:64<<10])
	pngHTML := file("pic.html", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"))
	pdfHTML := file("doc.html", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"))
	noURL := file("nourl.html", []byte("<html><body><article><p>"+strings.Repeat("Words of a saved page. ", 60)+"</p></article></body></html>"))
	empty := file("empty.html", nil)
	huge := filepath.Join(dir, "huge.html")
	if f, err := os.Create(huge); err == nil {
		f.Truncate(30 << 20) // sparse: no bytes written
		f.Close()
	}
	folder := filepath.Join(dir, "folder")
	os.Mkdir(folder, 0o755)

	// A resolver failure for a host in its own letters, without asking
	// any resolver.
	dnsClient := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}}}

	is := func(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }
	statusIs := func(code int) func(error) bool {
		return func(err error) bool {
			var se *reader.StatusError
			return errors.As(err, &se) && se.Code == code
		}
	}
	asDNS := func(err error) bool { var d *net.DNSError; return errors.As(err, &d) }
	anyErr := func(err error) bool { return err != nil }
	s := srv.URL

	tests := []struct {
		name   string
		input  string
		args   []string
		client *http.Client
		class  func(error) bool
		words  []string
	}{
		// Answers that are errors.
		{"401", s + "/status/401", nil, nil, statusIs(401), []string{"401", "login"}},
		{"403", s + "/status/403", nil, nil, statusIs(403), []string{"403", "blocks Folio"}},
		{"404", s + "/status/404", nil, nil, statusIs(404), []string{"404 Not Found", "check the address"}},
		{"410", s + "/status/410", nil, nil, statusIs(410), []string{"410", "gone"}},
		{"429", s + "/status/429", nil, nil, statusIs(429), []string{"429", "try again later"}},
		{"500", s + "/status/500", nil, nil, statusIs(500), []string{"500", "try again later"}},
		{"503", s + "/status/503", nil, nil, statusIs(503), []string{"503", "try again later"}},
		// Redirects.
		{"redirect loop", s + "/loop", nil, nil, is(reader.ErrTooManyRedirects), []string{"redirects", "loop"}},
		{"too many hops", s + "/hops/", nil, nil, is(reader.ErrTooManyRedirects), []string{"redirects too many times"}},
		{"redirect to ftp", s + "/to-ftp", nil, nil, is(reader.ErrUnsupportedScheme), []string{"redirects to a ftp: address", "ftp://example.com/file.html", "only http and https"}},
		{"redirect to javascript", s + "/to-javascript", nil, nil, is(reader.ErrUnsupportedScheme), []string{"redirects to a javascript: address"}},
		{"redirect to file", s + "/to-file", nil, nil, is(reader.ErrUnsupportedScheme), []string{"redirects to a file: address"}},
		{"redirect to data", s + "/to-data", nil, nil, is(reader.ErrUnsupportedScheme), []string{"redirects to a data: address"}},
		// Not pages.
		{"damaged pdf", s + "/pdf", nil, nil, is(reader.ErrPDF), []string{"damaged or unreadable", "PDF viewer"}},
		{"image", s + "/png", nil, nil, is(reader.ErrNotHTML), []string{"image/png", "not a web page"}},
		{"json", s + "/json", nil, nil, is(reader.ErrNotHTML), []string{"application/json"}},
		{"program labelled text/html", s + "/elf-as-html", nil, nil, is(reader.ErrNotHTML), []string{"binary data", "not a web page"}},
		{"zip labelled text/html", s + "/zip-as-html", nil, nil, is(reader.ErrNotHTML), []string{"application/zip"}},
		{"octet-stream program", s + "/octet", nil, nil, is(reader.ErrNotHTML), []string{"binary data"}},
		// Limits.
		{"declared 2 GB", s + "/declared-huge", nil, nil, is(reader.ErrTooLarge), []string{"larger than Folio saves"}},
		{"gzip bomb", s + "/gzip-bomb", nil, nil, is(reader.ErrTooLarge), []string{"larger than Folio saves"}},
		// Broken answers.
		{"corrupt gzip", s + "/gzip-corrupt", nil, nil, is(reader.ErrBrokenAnswer), []string{"damaged", "try again later"}},
		{"gzip that is not", s + "/gzip-not-gzip", nil, nil, is(reader.ErrBrokenAnswer), []string{"damaged"}},
		{"corrupt deflate", s + "/deflate-corrupt", nil, nil, is(reader.ErrBrokenAnswer), []string{"damaged"}},
		{"unasked encoding", s + "/brotli", nil, nil, is(reader.ErrBrokenAnswer), []string{"damaged"}},
		{"cut off", s + "/cut-off", nil, nil, is(reader.ErrBrokenAnswer), []string{"cut off", "try again later"}},
		{"connection reset", s + "/reset", nil, nil, is(reader.ErrBrokenAnswer), []string{"closed the connection", "try again later"}},
		{"bad Content-Length", s + "/bad-length", nil, nil, is(reader.ErrBrokenAnswer), []string{"malformed", "try again later"}},
		{"bad status line", s + "/bad-status", nil, nil, is(reader.ErrBrokenAnswer), []string{"malformed"}},
		{"closed without answer", s + "/no-answer", nil, nil, is(reader.ErrBrokenAnswer), []string{"try again later"}},
		// No article; too slow; unreachable.
		{"no article", s + "/no-article", nil, nil, is(reader.ErrNotArticle), []string{"no article text", "--force"}},
		{"timeout", s + "/slow", []string{"--timeout", "300ms"}, nil, is(context.DeadlineExceeded), []string{"did not answer within 300ms", "--timeout"}},
		{"connection refused", closedURL + "/a", nil, nil, is(syscall.ECONNREFUSED), []string{"refused the connection"}},
		{"unknown host in its letters", "https://bücher.example/buch", nil, dnsClient, asDNS, []string{"no site called bücher.example", "internet connection"}},
		{"punycode host shown in its letters", "https://xn--bcher-kva.example/buch", nil, dnsClient, asDNS, []string{"bücher.example"}},
		{"untrusted certificate", tlsSrv.URL + "/", nil, nil, anyErr, []string{"security certificate"}},
		{"https to a plain server", strings.Replace(s, "http://", "https://", 1) + "/no-article", nil, nil, anyErr, []string{"did not answer in HTTPS"}},
		{"password not printed", "http://alice:s3cret@127.0.0.1:1/private", nil, nil, is(syscall.ECONNREFUSED), []string{"refused", "http://127.0.0.1:1/private"}},
		// Links Folio does not fetch.
		{"ftp link", "ftp://example.com/a.html", nil, nil, is(reader.ErrUnsupportedScheme), []string{"ftp: links cannot be saved", "https://"}},
		{"javascript link", "javascript:alert(1)", nil, nil, is(reader.ErrUnsupportedScheme), []string{"javascript: links cannot be saved"}},
		{"data link", "data:text/html,<p>hello</p>", nil, nil, is(reader.ErrUnsupportedScheme), []string{"data: links cannot be saved"}},
		{"file link", "file:///etc/passwd", nil, nil, is(reader.ErrUnsupportedScheme), []string{"file: links cannot be saved"}},
		{"mailto link", "mailto:a@example.com", nil, nil, is(reader.ErrUnsupportedScheme), []string{"mailto: links cannot be saved"}},
		{"no host", "http://", nil, nil, is(reader.ErrUnsupportedScheme), []string{"no host name"}},
		{"bare word", "example", nil, nil, is(reader.ErrUnsupportedScheme), []string{"neither a link nor a file", "https://"}},
		{"invalid address", "http://[::1", nil, nil, is(reader.ErrInvalidLink), []string{"not a valid address"}},
		{"control character in link", "http://example.com/\x1b[2Ja", nil, nil, is(reader.ErrInvalidLink), []string{"not a valid address"}},
		// Files.
		{"missing file", filepath.Join(dir, "missing.html"), nil, nil, anyErr, []string{"no such file"}},
		{"folder", folder, nil, nil, anyErr, []string{"is a folder"}},
		{"fifo", fifo, []string{"--url", "https://example.com/p"}, nil, is(reader.ErrNotRegularFile), []string{"not a regular file", "pipe"}},
		{"character device", "/dev/zero", []string{"--url", "https://example.com/p"}, nil, is(reader.ErrNotRegularFile), []string{"not a regular file"}},
		{"program as html", binHTML, []string{"--url", "https://example.com/ls"}, nil, is(reader.ErrNotHTML), []string{"the file is not a web page but binary data"}},
		{"png as html", pngHTML, []string{"--url", "https://example.com/pic"}, nil, is(reader.ErrNotHTML), []string{"image/png"}},
		{"damaged pdf file", pdfHTML, []string{"--url", "https://example.com/doc"}, nil, is(reader.ErrPDF), []string{"damaged or unreadable"}},
		{"file without address", noURL, nil, nil, is(reader.ErrNoURL), []string{"--url"}},
		{"file with an ftp address", noURL, []string{"--url", "ftp://example.com/x"}, nil, is(reader.ErrUnsupportedScheme), []string{"ftp: links cannot be saved"}},
		{"empty file", empty, []string{"--url", "https://example.com/empty"}, nil, is(reader.ErrNotArticle), []string{"--force"}},
		{"30 MB file", huge, []string{"--url", "https://example.com/huge"}, nil, is(reader.ErrTooLarge), []string{"larger than Folio saves"}},
	}

	f := newFolio(t)
	f.client = srv.Client()
	// A library with something in it, so "unchanged" means something.
	seed := file("seed.html", []byte(`<html><head><title>Seed</title></head><body><article><p>`+strings.Repeat("The seed article's text. ", 60)+`</p></article></body></html>`))
	f.ok("add", "--url", "https://example.com/seed", seed)
	before := libraryHash(t, f.library)

	lib, err := storage.Open(context.Background(), f.library)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			f.client = srv.Client()
			if tt.client != nil {
				f.client = tt.client
			}
			e := &env{client: f.client}
			args := append([]string{"add"}, tt.args...)
			origin := ""
			for i := 0; i+1 < len(tt.args); i++ {
				switch tt.args[i] {
				case "--url":
					origin = tt.args[i+1]
				case "--timeout":
					e.timeout, _ = time.ParseDuration(tt.args[i+1])
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res := addOne(ctx, save.New(lib, e.reader()), tt.input, origin, nil, false)
			if res.err == nil || !tt.class(res.err) {
				t.Errorf("error %v: not of the expected class", res.err)
			}

			code, stdout, stderr := f.run(append(args, "--", tt.input)...)
			if code != exitFailure {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitFailure, stdout, stderr)
			}
			for _, w := range tt.words {
				if !strings.Contains(stderr, w) {
					t.Errorf("message lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("more than one line:\n%s", stderr)
			}
			if strings.Contains(stderr, "s3cret") || strings.ContainsRune(stderr, 0x1b) {
				t.Errorf("message shows a password or an escape:\n%q", stderr)
			}
			if after := libraryHash(t, f.library); after != before {
				t.Errorf("the library changed")
			}
		})
	}
	if len(tests) < 40 {
		t.Errorf("%d hostile inputs; keep at least 40", len(tests))
	}
}

// A password in a link is used for the fetch (and the article's images on
// the same host) but stored and printed nowhere: not in the URL, the image
// URLs, list --json, show, the Markdown source: or the PDF.
func TestAddCredentialsUsedNotKept(t *testing.T) {
	var sawPage, sawImage bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != "alice" || p != "s3cret" {
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			http.Error(w, "login", http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/img/1.png":
			sawImage = true
			w.Header().Set("Content-Type", "image/png")
			w.Write(tinyPNG(t))
		default:
			sawPage = true
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<html><head><title>Private</title></head><body><article><p>%s</p><img src="/img/1.png" alt="one"><p>%s</p></article></body></html>`,
				strings.Repeat("Private words of the article. ", 40), strings.Repeat("More private words. ", 20))
		}
	}))
	defer srv.Close()
	f := newFolio(t)
	f.client = srv.Client()
	link := strings.Replace(srv.URL, "http://", "http://alice:s3cret@", 1) + "/p"
	out := f.ok("add", link)
	if !sawPage || !sawImage {
		t.Fatalf("credentials not used: page %v, image %v", sawPage, sawImage)
	}
	outDir := t.TempDir()
	texts := []string{out, f.ok("list", "--json"), f.ok("show", "1", "--format", "json"), f.ok("show", "1"),
		f.ok("show", "1", "--format", "markdown"), f.ok("export", "1", "--out", outDir), f.ok("export", "1", "--format", "pdf", "--out", outDir)}
	entries, _ := os.ReadDir(outDir)
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join(outDir, e.Name())); err == nil {
			texts = append(texts, string(b))
		}
	}
	for i, s := range texts {
		if strings.Contains(s, "s3cret") || strings.Contains(s, "alice") {
			t.Errorf("output %d shows the credentials:\n%.400s", i, s)
		}
	}
	if !strings.Contains(texts[1], `"url": "`+srv.URL+`/p"`) {
		t.Errorf("list --json lacks the clean URL:\n%s", texts[1])
	}
	db, err := sql.Open("sqlite", "file:"+f.library+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`SELECT url FROM articles`, `SELECT canonical FROM articles`, `SELECT lead_image FROM articles`, `SELECT url FROM article_images`, `SELECT norm FROM article_urls`, `SELECT html FROM article_content`} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var v sql.NullString
			rows.Scan(&v)
			if strings.Contains(v.String, "s3cret") || strings.Contains(v.String, "alice") {
				t.Errorf("%s stores the credentials: %q", q, v.String)
			}
		}
		rows.Close()
	}
}

// A page's title and text reach the terminal without the control
// characters it carries, and JSON escapes them.
func TestTerminalEscapesStripped(t *testing.T) {
	title := "\x1b]0;PWNED\x07\x1b[2JEvil \u009b31mtitle"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>%s</title></head><body><article><h1>%s</h1><p>%s</p></article></body></html>",
			title, title, strings.Repeat("Text with \x1b[31mred\x1b[0m escapes in it. ", 40))
	}))
	defer srv.Close()
	f := newFolio(t)
	f.client = srv.Client()
	outs := []string{f.ok("add", srv.URL+"/a"), f.ok("list"), f.ok("show", "1"), f.ok("search", "escapes"), f.ok("show", "1", "--format", "markdown")}
	for i, s := range outs {
		if strings.ContainsAny(s, "\x1b\x07\u009b") {
			t.Errorf("output %d keeps control characters: %q", i, s)
		}
	}
	if !strings.Contains(outs[1], "Evil") {
		t.Errorf("list lost the title: %q", outs[1])
	}
	js := f.ok("list", "--json")
	if strings.ContainsAny(js, "\x1b\x07\u009b") || !strings.Contains(js, `\u001b]0;PWNED`) || !strings.Contains(js, `\u009b31m`) {
		t.Errorf("JSON does not escape the controls: %s", js)
	}
}

func TestAddHelpPrintedOnce(t *testing.T) {
	f := newFolio(t)
	for _, cmd := range []string{"add", "list", "export", "refetch"} {
		_, out, _ := f.run(cmd, "--help")
		if n := strings.Count(out, "Usage: folio "+cmd); n != 1 {
			t.Errorf("%s --help prints its usage %d times", cmd, n)
		}
	}
	_, out, _ := f.run("add", "--help")
	if !strings.Contains(out, "-timeout") {
		t.Errorf("add --help lacks --timeout:\n%s", out)
	}
}

// A page nested deeper than the HTML parser's 512 open elements is saved
// with its text.
func TestAddDeeplyNestedPage(t *testing.T) {
	para := "<p>" + strings.Repeat("Sentence of the deeply nested page. ", 10) + "</p>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html><head><title>Deep</title></head><body><article>"+para+strings.Repeat("<div><span>", 2000)+para+"</article></body></html>")
	}))
	defer srv.Close()
	f := newFolio(t)
	f.client = srv.Client()
	f.ok("add", srv.URL+"/deep")
	if s := f.ok("show", "1"); strings.Count(s, "deeply nested page") < 15 {
		t.Errorf("text lost:\n%.300s", s)
	}
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
