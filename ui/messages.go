package ui

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/save"
	"github.com/folio-app/folio/storage"
)

// The reader reports a page's content type only inside its error text (it
// has no typed error for it, unlike the HTTP status), so this pulls it out
// for the sentence to name.
var typeRE = regexp.MustCompile(` is ([a-zA-Z0-9.+-]+/[a-zA-Z0-9.+-]+)`)

// explain turns an error from saving, reading or the library into a sentence
// a person understands. The error itself goes to the log, not the screen.
func explain(err error) string {
	var dnsErr *net.DNSError
	var certErr *x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var netErr net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return "Cancelled."
	case errors.Is(err, storage.ErrDuplicate):
		return "Already in your library."
	case errors.Is(err, reader.ErrUnsupportedScheme):
		return "Only web links (starting with http:// or https://) can be saved."
	case errors.Is(err, reader.ErrNotArticle):
		return "That page has no article text Folio can find. Save it anyway?"
	case errors.Is(err, reader.ErrNotHTML):
		if m := typeRE.FindStringSubmatch(err.Error()); m != nil {
			return fmt.Sprintf("That link isn't a web page (%s).", m[1])
		}
		return "That link isn't a web page."
	case errors.Is(err, reader.ErrPDF):
		return "That PDF can't be read: it may be damaged or locked with a password."
	case errors.Is(err, save.ErrFromFile):
		return "This document was saved from a file, so there is no link to fetch it from again."
	case errors.Is(err, reader.ErrHTTPStatus):
		return statusSentence(err)
	case errors.Is(err, reader.ErrTooLarge):
		return "That page is too large to save."
	case errors.Is(err, reader.ErrTooManyRedirects):
		return "That link sends Folio round in circles (too many redirects), so it can't be opened."
	case errors.Is(err, reader.ErrNoURL):
		return "That saved page doesn't say where it came from. Save it with the folio command and --url."
	case errors.Is(err, context.DeadlineExceeded):
		return "The site took too long to answer. Try again later."
	case errors.As(err, &dnsErr):
		return "Folio couldn't find that site. Check the link and your internet connection."
	case errors.As(err, &certErr), errors.As(err, &hostErr):
		return "The site's security certificate isn't valid, so Folio didn't open it."
	case errors.As(err, &netErr) && netErr.Timeout():
		return "The site took too long to answer. Try again later."
	case errors.As(err, &netErr):
		return "Folio couldn't reach the site. Check your internet connection."
	case errors.Is(err, storage.ErrNotFound):
		return "That article is no longer in your library."
	case errors.Is(err, storage.ErrBadQuery):
		return "Folio couldn't understand that search. Try plain words, or close the quotes."
	case errors.Is(err, storage.ErrInvalid):
		return "Folio couldn't store that: " + plainInvalid(err)
	}
	return "Something went wrong. The details are in Folio's log."
}

// statusSentence names the HTTP status and what it usually means.
func statusSentence(err error) string {
	var se *reader.StatusError
	if !errors.As(err, &se) {
		return "The server refused the page."
	}
	code := se.Code
	switch {
	case code == 404 || code == 410:
		return fmt.Sprintf("The server answered %d — the page may have moved.", code)
	case code == 401 || code == 403:
		return fmt.Sprintf("The server answered %d — the page needs a login or blocks Folio.", code)
	case code == 429:
		return "The server answered 429 — it wants fewer requests. Try again later."
	case code >= 500:
		return fmt.Sprintf("The server answered %d — the site has a problem. Try again later.", code)
	}
	return fmt.Sprintf("The server answered %d.", code)
}

// plainInvalid keeps only the storage's own words after the sentinel.
func plainInvalid(err error) string {
	msg := err.Error()
	key := storage.ErrInvalid.Error()
	if i := strings.Index(msg, key); i >= 0 {
		if rest := strings.TrimLeft(msg[i+len(key):], ": "); rest != "" {
			return rest + "."
		}
	}
	return "the text was not accepted."
}

// formatDate is how the window shows a day: "13 Jan 2022".
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2 Jan 2006")
}

// formatReadingTime says how long an article takes to read.
func formatReadingTime(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 1 {
		return "1 min"
	}
	return strconv.Itoa(m) + " min"
}
