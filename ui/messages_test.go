package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

func TestExplain(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"404", fmt.Errorf("fetch x: %w", &reader.StatusError{Code: 404, Status: "404 Not Found"}), "The server answered 404 — the page may have moved."},
		{"503", fmt.Errorf("fetch x: %w", &reader.StatusError{Code: 503, Status: "503 Service Unavailable"}), "The server answered 503 — the site has a problem. Try again later."},
		{"403", fmt.Errorf("fetch x: %w", &reader.StatusError{Code: 403, Status: "403 Forbidden"}), "The server answered 403 — the page needs a login or blocks Folio."},
		{"status without code", fmt.Errorf("fetch x: answered 404: %w", reader.ErrHTTPStatus), "The server refused the page."},
		{"pdf", fmt.Errorf("fetch x: https://x/y.pdf is application/pdf, %w", reader.ErrNotHTML), "That link isn't a web page (application/pdf)."},
		{"no article", fmt.Errorf("%w on https://x; use force", reader.ErrNotArticle), "That page has no article text Folio can find. Save it anyway?"},
		{"scheme", fmt.Errorf("ftp://x: %w", reader.ErrUnsupportedScheme), "Only web links (starting with http:// or https://) can be saved."},
		{"timeout", fmt.Errorf("fetch x: %w", context.DeadlineExceeded), "The site took too long to answer. Try again later."},
		{"dns", fmt.Errorf("fetch x: %w", &net.DNSError{Err: "no such host", Name: "nowhere.invalid"}), "Folio couldn't find that site. Check the link and your internet connection."},
		{"cancel", fmt.Errorf("fetch x: %w", context.Canceled), "Cancelled."},
		{"duplicate", fmt.Errorf("add x: %w", storage.ErrDuplicate), "Already in your library."},
		{"bad query", fmt.Errorf("search: %w: unbalanced quote", storage.ErrBadQuery), "Folio couldn't understand that search. Try plain words, or close the quotes."},
		{"invalid", fmt.Errorf("add note: %w: a note needs some text", storage.ErrInvalid), "Folio couldn't store that: a note needs some text."},
		{"unknown", errors.New("sql: database is locked"), "Something went wrong. The details are in Folio's log."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explain(tt.err)
			if got != tt.want {
				t.Errorf("explain = %q, want %q", got, tt.want)
			}
			if strings.Contains(got, "%!") || strings.Contains(got, ": %w") {
				t.Errorf("sentence leaks formatting: %q", got)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"date", formatDate(time.Date(2022, 1, 13, 19, 28, 0, 0, time.UTC)), "13 Jan 2022"},
		{"no date", formatDate(time.Time{}), ""},
		{"short read", formatReadingTime(20 * time.Second), "1 min"},
		{"read", formatReadingTime(9*time.Minute + 40*time.Second), "10 min"},
		{"count", formatCount(100000), "100,000"},
		{"small count", formatCount(999), "999"},
		{"plural", plural(1, "article", "articles"), "1 article"},
		{"plurals", plural(1234, "article", "articles"), "1,234 articles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
