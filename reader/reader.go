package reader

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Defaults used when the matching Reader field is zero.
const (
	DefaultUserAgent    = "Folio/0.1 (+desktop article archive)"
	DefaultTimeout      = 30 * time.Second
	DefaultMaxPageBytes = 20 << 20
	// DefaultMaxDocumentBytes bounds a PDF: papers and reports run larger
	// than pages.
	DefaultMaxDocumentBytes = 200 << 20
	DefaultMaxImageBytes    = 10 << 20
	DefaultImageWorkers     = 4
)

// ErrNoURL: a local file names no original address and the caller gave none.
var ErrNoURL = errors.New("the original address of the page is unknown")

// Stage is a step of reading an article, reported through Options.Progress.
type Stage int

// The stages of Read and ReadFile, in order.
const (
	StageFetching Stage = iota
	StageExtracting
	StageImages
)

func (s Stage) String() string {
	switch s {
	case StageFetching:
		return "fetching"
	case StageExtracting:
		return "extracting"
	case StageImages:
		return "images"
	}
	return fmt.Sprintf("Stage(%d)", int(s))
}

// Options tunes one Read, ReadFile or Extract.
type Options struct {
	// Force keeps a page even when no article text is found on it.
	Force bool
	// Progress, when set, is called as each stage starts. It is called on
	// the reading goroutine and must not block.
	Progress func(Stage)
}

func (o Options) report(s Stage) {
	if o.Progress != nil {
		o.Progress(s)
	}
}

// Reader fetches pages and their images. The zero value is not ready; use
// New. Fields may be changed before first use; a Reader is then safe for
// concurrent use.
type Reader struct {
	// Client does the HTTP work. Its redirect policy is wrapped so that no
	// more than MaxRedirects hops are followed whatever it says.
	Client        *http.Client
	UserAgent     string
	MaxPageBytes  int64
	MaxImageBytes int64
	// MaxDocumentBytes bounds a PDF.
	MaxDocumentBytes int64
	// Timeout bounds a whole fetch (page, or one image), enforced through
	// the context so it holds for any Client.
	Timeout      time.Duration
	ImageWorkers int
}

// New returns a Reader with the default limits. A nil client gets a plain
// one; its timeout is the Reader's Timeout applied per request.
func New(client *http.Client) *Reader {
	if client == nil {
		client = &http.Client{}
	}
	return &Reader{
		Client:        client,
		UserAgent:     DefaultUserAgent,
		MaxPageBytes:  DefaultMaxPageBytes,
		MaxImageBytes: DefaultMaxImageBytes,
		Timeout:       DefaultTimeout,
		ImageWorkers:  DefaultImageWorkers,
	}
}

// Read fetches link, extracts its article and downloads its images. A
// caller that must decide something between the steps (the library looks
// the page's canonical address up before its images are downloaded) calls
// Fetch, ExtractPage and FetchImages itself.
func (r *Reader) Read(ctx context.Context, link string, opts Options) (*Article, error) {
	opts.report(StageFetching)
	page, err := r.Fetch(ctx, link)
	if err != nil {
		return nil, err
	}
	return r.finish(ctx, page, link, opts)
}

// ReadFile extracts the article of a page saved on disk (e.g. "Save page
// as..." in a browser); see FetchFile. Images are downloaded from the
// network as for Read.
func (r *Reader) ReadFile(ctx context.Context, path, link string, opts Options) (*Article, error) {
	opts.report(StageFetching)
	page, err := r.FetchFile(path, link)
	if err != nil {
		return nil, err
	}
	return r.finish(ctx, page, path, opts)
}

// finish extracts page and downloads its images; what names the input in
// errors.
func (r *Reader) finish(ctx context.Context, page *Page, what string, opts Options) (*Article, error) {
	opts.report(StageExtracting)
	a, err := ExtractPage(page, opts)
	if err != nil {
		return nil, err
	}
	opts.report(StageImages)
	r.FetchImages(ctx, a)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", DisplayURL(what), err)
	}
	return a, nil
}

// ExtractPage finds the article in a fetched or loaded page, or the text
// of a PDF document. It does no network I/O.
func ExtractPage(page *Page, opts Options) (*Article, error) {
	var a *Article
	var err error
	if page.ContentType == PDF {
		a, err = ExtractPDF(page.Document, page.URL, opts)
	} else {
		a, err = Extract(page.HTML, page.URL, opts)
	}
	if err == nil {
		a.auth = page.auth
	}
	return a, err
}

// FetchFile loads a page saved on disk, decoded to UTF-8, as Fetch does
// for a link. link is the page's original address; when empty it is taken
// from the file's canonical link or og:url, and without either the error
// wraps ErrNoURL.
//
// A PDF file is loaded as it is (Document). Without link it is given a
// local address made from its content (see LocalDocumentURL), as a PDF
// seldom names where it came from.
func (r *Reader) FetchFile(path, link string) (*Page, error) {
	raw, err := readFileLimited(path, max(r.maxPage(), r.maxDocument()))
	if err != nil {
		return nil, err
	}
	if IsPDF(raw) {
		if int64(len(raw)) > r.maxDocument() {
			return nil, fmt.Errorf("read %s: more than the %d bytes allowed: %w", path, r.maxDocument(), ErrTooLarge)
		}
		if link == "" {
			return &Page{URL: LocalDocumentURL(raw, filepath.Base(path)), ContentType: PDF, Document: raw}, nil
		}
		u, err := ParseLink(link)
		if err != nil {
			return nil, fmt.Errorf("read %s: original address: %w", path, err)
		}
		return &Page{URL: WithoutCredentials(u.String()), ContentType: PDF, Document: raw, auth: credentialsOf(link)}, nil
	}
	if int64(len(raw)) > r.maxPage() {
		return nil, fmt.Errorf("read %s: more than the %d bytes allowed: %w", path, r.maxPage(), ErrTooLarge)
	}
	if t := binaryType(raw); t != "" {
		return nil, fmt.Errorf("read %s: the file is %s, %w", path, t, ErrNotHTML)
	}
	html := decode(raw, "")
	auth := credentialsOf(link)
	if link != "" {
		u, err := ParseLink(link)
		if err != nil {
			return nil, fmt.Errorf("read %s: original address: %w", path, err)
		}
		link = WithoutCredentials(u.String())
	} else {
		link = pageOwnURL(html)
		if link == "" {
			return nil, fmt.Errorf("read %s: %w: the file names no canonical link; give the article's address with --url", path, ErrNoURL)
		}
	}
	return &Page{URL: link, ContentType: "text/html", HTML: html, auth: auth}, nil
}

// ExtractSaved extracts the article of a page saved as raw bytes in
// whatever charset it was written: the decoding and extraction ReadFile
// does, without reading a file or downloading images. Tools that score
// the extractor use it to see pages exactly as `folio add FILE` saves them.
func ExtractSaved(raw []byte, link string, opts Options) (*Article, error) {
	return Extract(decode(raw, ""), link, opts)
}

// LocalHost is the host of the addresses LocalDocumentURL makes. It is
// under .invalid, a name reserved never to resolve: such an address
// cannot be fetched, only recognised.
const LocalHost = "local.folio.invalid"

// LocalDocumentURL is the address a document saved from a file is known
// by when nobody says where it came from: made from its content, so the
// same file saved twice is the same article, and ending in the file name.
func LocalDocumentURL(data []byte, name string) string {
	sum := sha256.Sum256(data)
	return (&url.URL{Scheme: "https", Host: LocalHost, Path: "/" + hex.EncodeToString(sum[:12]) + "/" + name}).String()
}

// IsLocal reports whether link was made by LocalDocumentURL.
func IsLocal(link string) bool {
	u, err := url.Parse(link)
	return err == nil && strings.EqualFold(u.Hostname(), LocalHost)
}

func readFileLimited(path string, limit int64) ([]byte, error) {
	// Opening a FIFO for reading blocks until a writer comes; non-blocking,
	// the open returns and the check below refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read page file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: %w", path, ErrNotRegularFile)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("read %s: %d bytes, more than the %d allowed: %w", path, st.Size(), limit, ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, readCap(limit)))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("read %s: more than the %d bytes allowed: %w", path, limit, ErrTooLarge)
	}
	return data, nil
}

// client returns a copy of the Reader's client whose redirect policy caps
// the hops at MaxRedirects and names loops, whatever the caller's policy.
func (r *Reader) client() *http.Client {
	base := r.Client
	if base == nil {
		base = http.DefaultClient
	}
	c := *base
	inner := base.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		for _, prev := range via {
			if prev.URL.String() == req.URL.String() {
				return fmt.Errorf("redirect loop back to %s: %w", DisplayURL(req.URL.String()), ErrTooManyRedirects)
			}
		}
		if s := req.URL.Scheme; s != "http" && s != "https" {
			return fmt.Errorf("redirected to %s: %w", DisplayURL(req.URL.String()), ErrUnsupportedScheme)
		}
		if len(via) > MaxRedirects {
			return fmt.Errorf("more than %d redirects (last to %s): %w", MaxRedirects, DisplayURL(req.URL.String()), ErrTooManyRedirects)
		}
		if inner != nil {
			return inner(req, via)
		}
		return nil
	}
	return &c
}

func (r *Reader) timeout() time.Duration {
	if r.Timeout > 0 {
		return r.Timeout
	}
	return DefaultTimeout
}

func (r *Reader) userAgent() string {
	if r.UserAgent != "" {
		return r.UserAgent
	}
	return DefaultUserAgent
}

func (r *Reader) maxPage() int64 {
	if r.MaxPageBytes > 0 {
		return r.MaxPageBytes
	}
	return DefaultMaxPageBytes
}

func (r *Reader) maxDocument() int64 {
	if r.MaxDocumentBytes > 0 {
		return r.MaxDocumentBytes
	}
	return DefaultMaxDocumentBytes
}

func (r *Reader) maxImage() int64 {
	if r.MaxImageBytes > 0 {
		return r.MaxImageBytes
	}
	return DefaultMaxImageBytes
}

func (r *Reader) imageWorkers() int {
	if r.ImageWorkers > 0 {
		return r.ImageWorkers
	}
	return DefaultImageWorkers
}
