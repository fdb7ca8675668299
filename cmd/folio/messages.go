package main

import (
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"regexp"
	"strings"
	"syscall"

	"golang.org/x/net/idna"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// isType pulls the content type out of the reader's ErrNotHTML message
// ("… is application/pdf, not a web page").
var isType = regexp.MustCompile(` is ([a-zA-Z0-9.+-]+/[a-zA-Z0-9.+-]+|binary data),`)

// schemeIn pulls the scheme out of the reader's ErrUnsupportedScheme
// message ("… is a ftp: link").
var schemeIn = regexp.MustCompile(` is a ([A-Za-z][A-Za-z0-9+.-]*): link`)

// addSentence says in one sentence what went wrong saving input and what
// to do about it. The lower layers give typed errors; the words are
// chosen here. An error none of the cases knows keeps its own text.
func addSentence(input string, err error, timeout string) string {
	var (
		dnsErr  *net.DNSError
		status  *reader.StatusError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		recErr  tls.RecordHeaderError
		netErr  net.Error
		corrupt flate.CorruptInputError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled before it was saved; run the same command again to save it"
	case errors.Is(err, reader.ErrNotRegularFile):
		return "that is not a regular file (a pipe, a device or a socket); give a saved HTML file or a link"
	case errors.Is(err, reader.ErrInvalidLink):
		return "that is not a valid address; check it for typos and give the full address, starting with https://"
	case errors.Is(err, reader.ErrUnsupportedScheme):
		return schemeSentence(input, err)
	case errors.Is(err, reader.ErrPDF):
		return "it is a PDF, but a damaged or unreadable one; download it again, or check that it opens in a PDF viewer"
	case errors.Is(err, reader.ErrNotArticle):
		return "no article text was found on the page; add --force to save it anyway"
	case errors.Is(err, reader.ErrNotHTML):
		what := "something else"
		if m := isType.FindStringSubmatch(err.Error()); m != nil {
			what = m[1]
		}
		if what == "application/octet-stream" {
			what = "binary data"
		}
		if isFile(input) {
			return fmt.Sprintf("the file is not a web page but %s; give an HTML page saved from a browser", what)
		}
		return fmt.Sprintf("the link leads to %s, not a web page; Folio saves web pages only", what)
	case errors.As(err, &status):
		return statusSentence(status)
	case errors.Is(err, reader.ErrTooLarge):
		return "the page is larger than Folio saves (20 MB, images 10 MB); save a smaller copy from a browser and add the file"
	case errors.Is(err, reader.ErrTooManyRedirects):
		return "the link redirects too many times or in a loop; open it in a browser and add the address it ends at"
	case errors.Is(err, reader.ErrTooDeep):
		return "the page's HTML is nested too deeply to read, so it cannot be saved"
	case errors.Is(err, reader.ErrNoURL):
		return "the file does not say which address it was saved from; give it with --url"
	case errors.Is(err, storage.ErrInvalid):
		return "the library did not accept it: " + err.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Sprintf("the site did not answer within %s; try again later, or allow longer with --timeout", timeout)
	case errors.As(err, &dnsErr):
		name := dnsErr.Name
		if u, e := idna.Display.ToUnicode(name); e == nil {
			name = u
		}
		return fmt.Sprintf("no site called %s was found; check the address and your internet connection", name)
	case errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid):
		return "the site's security certificate is not valid, so Folio did not open it"
	case errors.As(err, &recErr), errors.Is(err, reader.ErrNoTLS):
		return "the site did not answer in HTTPS; try the address with http:// instead"
	case errors.Is(err, reader.ErrBrokenAnswer):
		switch {
		case errors.Is(err, syscall.ECONNRESET) || strings.Contains(err.Error(), "connection reset"):
			return "the site closed the connection before the page arrived; try again later"
		case errors.As(err, &corrupt), errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader),
			strings.Contains(err.Error(), "zlib: invalid"), strings.Contains(err.Error(), "content encoding"):
			return "the site sent the page damaged (its compression is corrupt); try again later"
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return "the page arrived cut off (the connection ended early); try again later"
		}
		return "the site sent an answer Folio cannot read (a malformed HTTP response); try again later or save the page from a browser and add the file"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the site refused the connection; check the address, or try again later"
	case errors.As(err, &netErr):
		return "Folio could not reach the site; check your internet connection"
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "Folio may not read that file; check its permissions"
	}
	return reader.WithoutCredentials(err.Error())
}

// schemeSentence explains a link Folio does not fetch.
func schemeSentence(input string, err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "redirected to "); i >= 0 {
		target := strings.TrimSuffix(strings.Fields(msg[i+len("redirected to "):])[0], ":")
		scheme := "another kind of"
		if u, e := url.Parse(target); e == nil && u.Scheme != "" {
			scheme = "a " + u.Scheme + ":"
		}
		return fmt.Sprintf("the link redirects to %s address (%s), which is not a web page; only http and https pages can be saved", scheme, target)
	}
	if m := schemeIn.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s: links cannot be saved; give the page's web address, starting with https://", strings.ToLower(m[1]))
	}
	if strings.Contains(msg, "has no host name") {
		return "the link has no host name; give the full address, such as https://example.com/article"
	}
	if strings.TrimSpace(input) == "" {
		return "the link is empty; give the full address, starting with https://"
	}
	return "that is neither a link nor a file; give the full address, starting with https://, or the path of a saved HTML file"
}

func statusSentence(se *reader.StatusError) string {
	switch c := se.Code; {
	case c == 404 || c == 410:
		return fmt.Sprintf("the server answered %s: the page is gone or moved; check the address", se.Status)
	case c == 401 || c == 403:
		return fmt.Sprintf("the server answered %s: the page needs a login or blocks Folio; save it from a browser and add the file", se.Status)
	case c == 429:
		return fmt.Sprintf("the server answered %s: it wants fewer requests; try again later", se.Status)
	case c >= 500:
		return fmt.Sprintf("the server answered %s: the site has a problem; try again later", se.Status)
	}
	return fmt.Sprintf("the server answered %s; check the address", se.Status)
}
