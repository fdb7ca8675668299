package reader

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"golang.org/x/net/html"
)

// Errors a fetch can end with; the returned errors wrap them with the link
// and the detail.
var (
	// ErrHTTPStatus: the server answered with something other than 2xx.
	ErrHTTPStatus = errors.New("the server refused the page")
	// ErrTooLarge: the page or image is larger than the Reader allows.
	ErrTooLarge = errors.New("too large")
	// ErrNotHTML: the link points at a PDF, an image, JSON or another non-page.
	ErrNotHTML = errors.New("not a web page")
	// ErrTooManyRedirects: more than MaxRedirects hops, or a loop.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrBrokenAnswer: the server's answer was cut off or damaged (the
	// connection was reset or closed early, a bad Content-Length, corrupt
	// compression). The cause stays in the chain.
	ErrBrokenAnswer = errors.New("the answer was cut off or damaged")
	// ErrNotRegularFile: a path names a pipe, a device or a socket, which
	// could block a read forever, rather than a file.
	ErrNotRegularFile = errors.New("not a regular file")
	// ErrNoTLS: an https:// link to a server that answers in plain HTTP.
	ErrNoTLS = errors.New("the site does not answer in HTTPS")
)

// StatusError is a server's answer other than 2xx. errors.Is(err,
// ErrHTTPStatus) holds for it; errors.As gives the code.
type StatusError struct {
	Code   int
	Status string // "404 Not Found"
}

func (e *StatusError) Error() string        { return "the server answered " + e.Status }
func (e *StatusError) Is(target error) bool { return target == ErrHTTPStatus }

// MaxRedirects is how many redirects a fetch follows before giving up.
const MaxRedirects = 10

const (
	acceptHTML  = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	acceptImage = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"
)

// Page is a fetched web page, decoded to UTF-8.
type Page struct {
	URL         string // final URL after redirects
	ContentType string // media type without parameters, e.g. "text/html"
	HTML        []byte // the page as UTF-8
	// Document is the body as served when the link is a document (PDF),
	// not a page; HTML is then empty.
	Document []byte

	auth *url.Userinfo // the link's credentials, passed on to ExtractPage
}

// Fetch downloads link and returns its HTML decoded to UTF-8, or a PDF as
// served. It refuses links that are not http(s), answers that are not 2xx,
// pages over MaxPageBytes, documents over MaxDocumentBytes and responses
// that are neither HTML nor PDF.
func (r *Reader) Fetch(ctx context.Context, link string) (*Page, error) {
	u, err := ParseLink(link)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w; paste the full address, starting with https://", WithoutCredentials(strings.TrimSpace(link)), err)
	}
	// Credentials in the link are used for this request (Go sends them as
	// Basic authentication) but appear in no error and no stored address.
	shown := DisplayURL(u.String())
	ctx, cancel := context.WithTimeout(ctx, r.timeout())
	defer cancel()

	resp, body, err := r.get(ctx, u.String(), acceptHTML, "", max(r.maxPage(), r.maxDocument()))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", shown, err)
	}
	final := WithoutCredentials(resp.Request.URL.String())
	header := resp.Header.Get("Content-Type")
	mt := mediaType(header, body)
	if mt == PDF || mt == "application/x-pdf" || (mt == "application/octet-stream" && IsPDF(body)) {
		if int64(len(body)) > r.maxDocument() {
			return nil, fmt.Errorf("fetch %s: more than the %d bytes allowed: %w", shown, r.maxDocument(), ErrTooLarge)
		}
		return &Page{URL: final, ContentType: PDF, Document: body, auth: u.User}, nil
	}
	if int64(len(body)) > r.maxPage() {
		return nil, fmt.Errorf("fetch %s: more than the %d bytes allowed: %w", shown, r.maxPage(), ErrTooLarge)
	}
	if mt == "text/html" || mt == "application/xhtml+xml" {
		// A label is not content: a program or an archive served as
		// text/html is still not a page.
		if sniffed := binaryType(body); sniffed != "" {
			mt = sniffed
		}
	}
	if mt != "text/html" && mt != "application/xhtml+xml" {
		what := "the answer" // name the final address only when it differs
		if final != WithoutCredentials(u.String()) {
			what = DisplayURL(final)
		}
		return nil, fmt.Errorf("fetch %s: %s is %s, %w", shown, what, mt, ErrNotHTML)
	}
	return &Page{URL: final, ContentType: mt, HTML: decode(body, header), auth: u.User}, nil
}

// get performs one GET with the Reader's headers, redirect policy and size
// limit, and returns the response (body already read and closed) and the
// decompressed body.
func (r *Reader) get(ctx context.Context, link, accept, referer string, limit int64) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", r.userAgent())
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Language", "*")
	// Setting Accept-Encoding ourselves switches off the transport's
	// transparent gzip, so both encodings are decoded below.
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	resp, err := r.client().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("no answer within %s: %w", r.timeout(), ctx.Err())
		}
		// The caller names the link already: keep the cause, not
		// url.Error's `Get "link": ` prefix. Its chain (net, DNS, TLS and
		// redirect errors) is unchanged.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		var rec tls.RecordHeaderError
		switch {
		case errors.As(err, &rec) || strings.Contains(err.Error(), "gave HTTP response to HTTPS client"):
			err = fmt.Errorf("%w: %w", ErrNoTLS, err)
		case brokenAnswer(err):
			err = fmt.Errorf("%w: %w", ErrBrokenAnswer, err)
		}
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, nil, &StatusError{Code: resp.StatusCode, Status: statusText(resp)}
	}
	if resp.ContentLength > limit {
		return resp, nil, fmt.Errorf("%d bytes, more than the %d bytes allowed: %w", resp.ContentLength, limit, ErrTooLarge)
	}
	body, err := decompress(resp)
	if err != nil {
		return resp, nil, fmt.Errorf("%w: %w", ErrBrokenAnswer, err)
	}
	// The limit applies to the decoded size so a small gzip bomb cannot
	// blow up memory.
	data, err := io.ReadAll(io.LimitReader(body, readCap(limit)))
	if err != nil {
		if ctx.Err() != nil {
			return resp, nil, fmt.Errorf("reading the answer took longer than %s: %w", r.timeout(), ctx.Err())
		}
		return resp, nil, fmt.Errorf("read body: %w: %w", ErrBrokenAnswer, err)
	}
	if int64(len(data)) > limit {
		return resp, nil, fmt.Errorf("more than the %d bytes allowed: %w", limit, ErrTooLarge)
	}
	return resp, data, nil
}

// brokenAnswer tells the transport errors that mean the server's answer
// was cut off or malformed from those that mean it could not be reached
// (DNS, refused, TLS, timeouts), which keep their own types. Go's
// transport reports some of these only in words.
func brokenAnswer(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"bad Content-Length", "malformed HTTP", "malformed MIME", "invalid Transfer-Encoding",
		"unsupported transfer encoding", "server sent an invalid", "connection reset", "too many transfer encodings"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// binaryType names what a body is when its bytes are plainly not text (a
// program, an archive, an image, a PDF), whatever it is labelled; "" for
// text.
func binaryType(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(body))
	if strings.HasPrefix(mt, "text/") {
		return ""
	}
	if mt == "application/octet-stream" {
		return "binary data"
	}
	return mt
}

// readCap is how much to read to know whether a body exceeds limit: one
// byte more, unless that overflows (a limit of math.MaxInt64 would wrap to
// a negative cap and read nothing).
func readCap(limit int64) int64 {
	if limit == math.MaxInt64 {
		return limit
	}
	return limit + 1
}

func statusText(resp *http.Response) string {
	if t := http.StatusText(resp.StatusCode); t != "" {
		return fmt.Sprintf("%d %s", resp.StatusCode, t)
	}
	return resp.Status
}

// decompress undoes the Content-Encoding we asked for.
func decompress(resp *http.Response) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))) {
	case "", "identity":
		return resp.Body, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		return zr, nil
	case "deflate":
		// "deflate" is meant to be zlib-wrapped, but some servers send raw
		// DEFLATE; peek at the header to tell them apart.
		buf := make([]byte, 2)
		n, _ := io.ReadFull(resp.Body, buf)
		rest := io.MultiReader(bytes.NewReader(buf[:n]), resp.Body)
		if n == 2 && buf[0]&0x0f == 8 && (uint16(buf[0])<<8|uint16(buf[1]))%31 == 0 {
			zr, err := zlib.NewReader(rest)
			if err != nil {
				return nil, fmt.Errorf("deflate body: %w", err)
			}
			return zr, nil
		}
		return flate.NewReader(rest), nil
	default:
		return nil, fmt.Errorf("unsupported content encoding %q", resp.Header.Get("Content-Encoding"))
	}
}

// mediaType returns the response's media type, sniffing the body when the
// header is missing or too generic to trust.
func mediaType(header string, body []byte) string {
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		mt = ""
	}
	mt = strings.ToLower(mt)
	switch mt {
	case "", "application/octet-stream", "binary/octet-stream", "application/unknown", "text/plain":
		mt, _, _ = mime.ParseMediaType(http.DetectContentType(body))
	}
	return mt
}

// metaCharset finds <meta charset> or <meta http-equiv=content-type> in the
// first 1024 bytes, as the HTML spec's prescan does.
func metaCharset(body []byte) string {
	if len(body) > 1024 {
		body = body[:1024]
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "meta" || !hasAttr {
				continue
			}
			var cs, content string
			var httpEquiv bool
			for {
				k, v, more := z.TagAttr()
				switch strings.ToLower(string(k)) {
				case "charset":
					cs = string(v)
				case "http-equiv":
					httpEquiv = strings.EqualFold(string(v), "content-type")
				case "content":
					content = string(v)
				}
				if !more {
					break
				}
			}
			if cs != "" {
				return strings.TrimSpace(cs)
			}
			if httpEquiv {
				if _, params, err := mime.ParseMediaType(content); err == nil && params["charset"] != "" {
					return params["charset"]
				}
			}
		}
	}
}
