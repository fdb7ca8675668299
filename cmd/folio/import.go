package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/folio-app/folio/importer"
)

func (e *env) cmdImport(ctx context.Context, args []string) error {
	fs := e.commonFlags("import", "import [--tag T] [--no-fetch] [--read] [--feed] [--workers N] [--timeout D] FILE|FOLDER|ZIP  (--formats lists the exports Folio reads)")
	e.timeoutFlag(fs)
	tag := fs.String("tag", "", "add this tag to everything imported (e.g. pocket)")
	noFetch := fs.Bool("no-fetch", false, "store the links as bookmarks without fetching the pages")
	markRead := fs.Bool("read", false, "mark everything imported as read")
	workers := fs.Int("workers", importer.DefaultWorkers, "how many pages to fetch at once")
	feed := fs.Bool("feed", false, "also import a Readwise Reader export's feed items (delivered, never saved)")
	formats := fs.Bool("formats", false, "list the exports Folio reads and where each service makes them")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *formats {
		e.printFormats()
		return nil
	}
	if len(rest) != 1 {
		return usageError("import takes one export: a file, a folder or a ZIP ('folio import --formats' lists the exports Folio reads)")
	}
	if *workers < 1 {
		return usageError("import: --workers must be at least 1")
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()

	var last time.Time
	opts := importer.Options{Tag: *tag, NoFetch: *noFetch, MarkRead: *markRead, Workers: *workers, Feed: *feed,
		Progress: func(p importer.Progress) {
			// A line every second at most, and the last one.
			if p.Left > 0 && time.Since(last) < time.Second {
				return
			}
			last = time.Now()
			fmt.Fprintf(e.stderr, "%d of %d done (%d failed to fetch), %d left\n", p.Done, p.Total, p.Failed, p.Left)
		}}
	sum, err := importer.Import(ctx, lib, e.reader(), rest[0], opts)
	if sum.Total > 0 || len(sum.Broken) > 0 || sum.Skipped > 0 {
		e.printImportSummary(sum)
	}
	if errors.Is(err, importer.ErrUnrecognised) {
		return fmt.Errorf("%w; 'folio import --formats' lists the exports it reads and where each service makes them", err)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("import stopped with %d links left; run the same command again to finish (nothing is imported twice)", sum.Left)
	}
	if err != nil {
		return err
	}
	if len(sum.Errors) > 0 {
		return errSilentFailure
	}
	return nil
}

func (e *env) printImportSummary(s importer.Summary) {
	w := e.stdout
	fmt.Fprintf(w, "%s export: %d links\n", s.Format, s.Total)
	line := func(n int, what string) {
		if n > 0 {
			fmt.Fprintf(w, "  %6d %s\n", n, what)
		}
	}
	line(s.Imported, "imported with their text")
	line(s.Bookmarks, "saved as bookmarks (not fetched)")
	line(len(s.FetchFailed), "could not be fetched: saved as bookmarks, try 'folio refetch' later")
	line(s.Merged, "already in your library: tags and state merged")
	line(s.Duplicates, "repeated in the export: merged")
	line(s.Skipped, "feed items left out (--feed imports them)")
	line(len(s.Errors), "could not be saved")
	line(s.Left, "not done (stopped)")
	for _, f := range s.FetchFailed {
		fmt.Fprintf(e.stderr, "not fetched  %s: %v\n", f.URL, f.Err)
	}
	for _, f := range s.Errors {
		fmt.Fprintf(e.stderr, "failed  %s: %v\n", f.URL, f.Err)
	}
	for _, b := range s.Broken {
		fmt.Fprintf(e.stderr, "skipped row  %v\n", b)
	}
}

// printFormats lists the exports Folio reads: the service, the file, and
// where the service makes it.
func (e *env) printFormats() {
	for _, f := range importer.Formats() {
		fmt.Fprintf(e.stdout, "%-28s %s\n%-28s   %s\n", f.Service, f.File, "", f.Export)
	}
}
