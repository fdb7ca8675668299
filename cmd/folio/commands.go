package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/save"
	"github.com/folio-app/folio/storage"
)

// env is what a command runs with: its streams, its environment and the
// library flag. Tests build one with buffers and an httptest client.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	client         *http.Client // nil: reader's default client

	library string        // --library
	timeout time.Duration // --timeout of the commands that fetch; 0: the reader's default
}

// command is one subcommand. Its usage line lives with its flag set, the
// one place that can keep it in step with the flags.
type command struct {
	name    string
	summary string
	run     func(e *env, ctx context.Context, args []string) error
}

func (e *env) commands() []command {
	return []command{
		{"add", "save articles from links, saved HTML files or PDF files", (*env).cmdAdd},
		{"list", "list articles, newest first", (*env).cmdList},
		{"show", "print one article", (*env).cmdShow},
		{"search", "full-text search (diacritics ignored; \"phrases\", prefix*, AND/OR/NOT)", (*env).cmdSearch},
		{"tag", "add (+) or remove (-) tags on articles", (*env).cmdTag},
		{"tags", "list tags with counts, or rename/merge one", (*env).cmdTags},
		{"note", "add, list, edit and delete notes", (*env).cmdNote},
		{"highlight", "highlight passages with a colour and a note; list, change and delete highlights", (*env).cmdHighlight},
		{"mark", "change an article's state", (*env).cmdMark},
		{"delete", "delete articles with their images, tags and notes", (*env).cmdDelete},
		{"refetch", "fetch articles again (--offline: re-extract the stored page); tags and notes are kept", (*env).cmdRefetch},
		{"export", "write articles as Markdown, PDF or EPUB files", (*env).cmdExport},
		{"backup", "write a checked copy of the library (beside it, dated, unless --to)", (*env).cmdBackup},
		{"check", "check the library file and say what is wrong and what to do", (*env).cmdCheck},
		{"sync", "push and pull through a CouchDB hub ('sync setup URL' first; 'sync status')", (*env).cmdSync},
		{"import", "bring in an export from Pocket, Instapaper, Omnivore, Wallabag, Raindrop.io, Readwise, Matter, Karakeep, Linkwarden, GoodLinks, Pinboard, a browser's bookmarks or a list of links", (*env).cmdImport},
	}
}

func (e *env) printHelp(w io.Writer) {
	fmt.Fprint(w, `Folio keeps the articles you save, with their images, in a library on your computer.

Usage:
  folio [--library PATH]                 open the window
  folio [--library PATH] COMMAND [ARGS]  work on the library from the command line

Commands:
`)
	for _, c := range e.commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Run 'folio COMMAND --help' for a command's options.

The library is one SQLite file: --library PATH, else $%s, else
  %s
Exit status: 0 ok, 1 failure, 2 usage error.
`, libraryEnv, defaultLibraryPath())
}

func (e *env) dispatch(ctx context.Context, args []string) error {
	// Global flags come before the command.
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		a := args[0]
		switch {
		case a == "--library" || a == "-library":
			if len(args) < 2 {
				return usageError("--library needs a file path")
			}
			e.library, args = args[1], args[2:]
		case strings.HasPrefix(a, "--library=") || strings.HasPrefix(a, "-library="):
			e.library, args = a[strings.Index(a, "=")+1:], args[1:]
		case a == "-h" || a == "--help" || a == "-help":
			e.printHelp(e.stdout)
			return errHelpShown
		case a == "--version" || a == "-version":
			fmt.Fprintln(e.stdout, "folio", version)
			return nil
		default:
			return usageError("unknown option %s", a)
		}
	}
	if len(args) == 0 {
		return e.openWindow(ctx)
	}
	name, rest := args[0], args[1:]
	if name == "help" {
		e.printHelp(e.stdout)
		return nil
	}
	for _, c := range e.commands() {
		if c.name == name {
			return c.run(e, ctx, rest)
		}
	}
	return usageError("unknown command %q", name)
}

// commonFlags adds the flags every command accepts.
func (e *env) commonFlags(name, usage string) *flag.FlagSet {
	fs := newFlagSet(name, usage, e.stdout)
	fs.StringVar(&e.library, "library", e.library, "library file (default: $"+libraryEnv+" or the user data directory)")
	return fs
}

// open opens the library the flags and environment name. storage.Open's
// errors already say "open library PATH".
func (e *env) open(ctx context.Context) (*storage.Library, error) {
	return storage.Open(ctx, libraryPath(e.library, e.getenv))
}

// getArticle is lib.Get with the words a person reads for a wrong id.
func getArticle(ctx context.Context, lib *storage.Library, id int64) (*storage.Article, error) {
	a, err := lib.Get(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("article %d %w ('folio list' shows the ids)", id, storage.ErrNotFound)
	}
	return a, err
}

// requireArticles fails on the first of ids not in the library, before a
// command that would skip it silently (mark, delete) or name it in a
// storage error (tag).
func requireArticles(ctx context.Context, lib *storage.Library, ids []int64) error {
	for _, id := range ids {
		if _, err := getArticle(ctx, lib, id); err != nil {
			return err
		}
	}
	return nil
}

func (e *env) reader() *reader.Reader {
	r := reader.New(e.client)
	if e.timeout > 0 {
		r.Timeout = e.timeout
	}
	return r
}

// timeoutFlag adds --timeout to a command that fetches pages.
func (e *env) timeoutFlag(fs *flag.FlagSet) {
	fs.DurationVar(&e.timeout, "timeout", reader.DefaultTimeout, "how long to wait for each page and image (e.g. 90s, 2m)")
}

// fetchTimeout is the timeout in force, as the messages name it.
func (e *env) fetchTimeout() string {
	if e.timeout > 0 {
		return e.timeout.String()
	}
	return reader.DefaultTimeout.String()
}

// parseIDs reads article ids; the error names the bad one.
func parseIDs(args []string) ([]int64, error) {
	ids := make([]int64, 0, len(args))
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, usageError("%q is not an article id (a positive number, as shown by 'folio list')", a)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// addResult is what saving one link came to.
type addResult struct {
	input   string
	id      int64
	title   string
	existed bool
	err     error
}

// addConcurrency bounds how many links 'folio add' saves at once.
const addConcurrency = 4

func (e *env) cmdAdd(ctx context.Context, args []string) error {
	fs := e.commonFlags("add", "add [--tag T]... [--force] [--url U] [--json] LINK|FILE...")
	var tags stringsFlag
	fs.Var(&tags, "tag", "tag the saved articles (repeatable)")
	force := fs.Bool("force", false, "save a page even when no article text is found")
	origin := fs.String("url", "", "the original address of a saved HTML file")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	e.timeoutFlag(fs)
	inputs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if e.timeout <= 0 {
		return usageError("add: --timeout must be more than zero, not %s", e.timeout)
	}
	if len(inputs) == 0 {
		return usageError("add: give at least one link or HTML file")
	}
	if *origin != "" && len(inputs) != 1 {
		return usageError("add: --url goes with exactly one HTML file")
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	sv := save.New(lib, e.reader())

	results := make([]addResult, len(inputs))
	// A few workers take the links in order; after Ctrl+C each remaining link
	// fails at once with the cancelled context and is reported.
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(addConcurrency, len(inputs)) {
		wg.Go(func() {
			for i := range jobs {
				results[i] = addOne(ctx, sv, inputs[i], *origin, []string(tags), *force)
			}
		})
	}
	for i := range inputs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	failed := 0
	for _, r := range results {
		if r.err != nil {
			failed++
		}
	}
	if *asJSON {
		if err := writeAddJSON(e.stdout, results, e.fetchTimeout()); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			switch {
			case r.err != nil:
				fmt.Fprintf(e.stderr, "failed  %s: %s\n", reader.DisplayURL(r.input), addSentence(r.input, r.err, e.fetchTimeout()))
			case r.existed:
				fmt.Fprintf(e.stdout, "exists  %d  %s (already in your library)\n", r.id, oneLine(r.title))
			default:
				fmt.Fprintf(e.stdout, "saved   %d  %s\n", r.id, oneLine(r.title))
			}
		}
	}
	if failed > 0 {
		if len(inputs) > 1 {
			fmt.Fprintf(e.stderr, "%d of %d failed\n", failed, len(inputs))
		}
		return errSilentFailure
	}
	return nil
}

// addOne saves one link or file through the one save path the window and
// import share.
func addOne(ctx context.Context, sv *save.Saver, input, origin string, tags []string, force bool) addResult {
	res := addResult{input: input}
	req := save.Request{Force: force, Options: storage.AddOptions{Tags: tags}}
	if isFile(input) {
		req.Path, req.Origin = input, origin
	} else {
		if _, err := reader.ParseLink(input); err != nil {
			res.err = notALink(input, err)
			return res
		}
		req.Link = input
	}
	r, err := sv.Save(ctx, req)
	res.id, res.title, res.existed, res.err = r.ID, r.Title, r.Existed, err
	return res
}

// notALink explains an input that is neither a readable file nor a link:
// one that looks like a path is a missing file, not a link without https://.
func notALink(input string, linkErr error) error {
	if strings.Contains(input, "://") {
		return linkErr
	}
	// data:, mailto:, javascript: ... are links of another kind, not paths
	// (a one-letter scheme is a Windows drive).
	if u, err := url.Parse(input); err == nil && len(u.Scheme) > 1 {
		return linkErr
	}
	if st, err := os.Stat(input); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a folder: give a saved HTML file or a link", input)
	}
	ext := strings.ToLower(filepath.Ext(input))
	if strings.ContainsRune(input, filepath.Separator) || ext == ".html" || ext == ".htm" || ext == ".xhtml" || ext == ".pdf" {
		return fmt.Errorf("%s: no such file", input)
	}
	return linkErr
}

// isFile tells a local file from a link: anything with a scheme is a link.
func isFile(input string) bool {
	if strings.Contains(input, "://") {
		return false
	}
	st, err := os.Stat(input)
	return err == nil && !st.IsDir()
}
