package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/folio-app/folio/archive"
	"github.com/folio-app/folio/export"
	"github.com/folio-app/folio/storage"
)

func (e *env) cmdExport(ctx context.Context, args []string) error {
	fs := e.commonFlags("export", "export [--format md|pdf|epub|archive] [--out DIR] [--tag T] [--query Q] [--all] [--page a4|letter] [--remote-images] [--combined] [ID...]")
	format := fs.String("format", "md", "md (Markdown, one file per article), pdf, epub (e-book), or archive (everything, to import back)")
	out := fs.String("out", ".", "folder to write into (created if missing)")
	tag := fs.String("tag", "", "export the articles with this tag")
	query := fs.String("query", "", "export the articles a search finds")
	all := fs.Bool("all", false, "export the whole library")
	page := fs.String("page", "a4", "PDF page size: a4 or letter")
	remote := fs.Bool("remote-images", false, "Markdown: link images at their original addresses instead of copying them")
	combined := fs.Bool("combined", false, "PDF, EPUB: put every article in one file (a PDF with an outline, a book with contents)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	ids, err := parseIDs(rest)
	if err != nil {
		return err
	}
	sources := 0
	for _, on := range []bool{len(ids) > 0, *tag != "", *query != "", *all} {
		if on {
			sources++
		}
	}
	if sources == 0 && *format == "archive" {
		*all = true // an archive is of the whole library unless told
		sources = 1
	}
	if sources != 1 {
		return usageError("export: say what to export: article ids, --tag, --query or --all (one of them)")
	}
	var size export.PageSize
	switch *page {
	case "a4", "A4":
		size = export.A4
	case "letter", "Letter":
		size = export.Letter
	default:
		return usageError("export: --page must be a4 or letter, not %q", *page)
	}
	switch *format {
	case "md", "markdown", "pdf", "epub", "archive":
	default:
		return usageError("export: --format must be md, pdf, epub or archive, not %q", *format)
	}
	if *combined && *format != "pdf" && *format != "epub" {
		return usageError("export: --combined goes with --format pdf or epub")
	}

	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	explicit := len(ids) > 0
	if ids, err = e.exportIDs(ctx, lib, ids, *tag, *query); err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("nothing to export: no article matches")
	}
	if *format == "archive" {
		if explicit {
			if err := requireArticles(ctx, lib, ids); err != nil {
				return err
			}
		}
		return e.exportArchive(ctx, lib, ids, *out)
	}
	items := make([]export.Item, 0, len(ids))
	for _, id := range ids {
		a, err := getArticle(ctx, lib, id)
		if err != nil {
			return err
		}
		notes, err := lib.Notes(ctx, id)
		if err != nil {
			return err
		}
		items = append(items, exportItem(a, notes))
	}

	if *combined {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fmt.Errorf("create export folder: %w", err)
		}
	}
	var written []string
	switch {
	case *format == "pdf" && *combined:
		// CombinedPDF picks the free name itself, at the moment it writes:
		// two exports in the same second never overwrite each other.
		var path string
		if path, err = export.CombinedPDF(ctx, *out, combinedName(items), items, lib, export.PDFOptions{PageSize: size}); err == nil {
			written = []string{path}
		}
	case *format == "pdf":
		written, err = export.PDFs(ctx, *out, items, lib, export.PDFOptions{PageSize: size})
	case *format == "epub" && *combined:
		path := combinedPath(*out, items, ".epub")
		opts := export.EPUBOptions{Title: bookTitle(*tag, *query, *all)}
		if err = export.EPUBFile(ctx, path, items, lib, opts); err == nil {
			written = []string{path}
		}
	case *format == "epub":
		written, err = export.EPUBs(ctx, *out, items, lib, export.EPUBOptions{})
	default:
		written, err = export.Markdown(ctx, *out, items, lib, export.MarkdownOptions{RemoteImages: *remote})
	}
	for _, p := range written {
		fmt.Fprintln(e.stdout, p)
	}
	return err
}

// exportIDs resolves what to export to article ids, in listing order.
func (e *env) exportIDs(ctx context.Context, lib *storage.Library, ids []int64, tag, query string) ([]int64, error) {
	if len(ids) > 0 {
		return ids, nil
	}
	if query != "" {
		hits, err := lib.Search(ctx, query, storage.Filter{Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			ids = append(ids, h.ID)
		}
		return ids, nil
	}
	f := storage.Filter{Tag: tag, Limit: 1000}
	for {
		page, next, err := lib.List(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, s := range page {
			ids = append(ids, s.ID)
		}
		if next == "" {
			return ids, nil
		}
		f.After = next
	}
}

// combinedPath names the one file of a combined export: after the article
// when there is one, else by date; a name already taken in dir gets "-2",
// "-3", ..., so nothing is overwritten.
func combinedPath(dir string, items []export.Item, ext string) string {
	name := combinedName(items)
	path := filepath.Join(dir, name+ext)
	for n := 2; fileExists(path); n++ {
		path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", name, n, ext))
	}
	return path
}

// combinedName is the name, without extension, of the one file of a
// combined export.
func combinedName(items []export.Item) string {
	if len(items) == 1 {
		return export.Slug(items[0].Title)
	}
	return "folio-" + time.Now().Format("2006-01-02-150405")
}

// bookTitle names a book of several articles after what was exported.
func bookTitle(tag, query string, all bool) string {
	switch {
	case tag != "":
		return tag
	case query != "":
		return "Search: " + query
	case all:
		return "Folio library"
	}
	return ""
}

// exportArchive writes the lossless archive and says where it went.
func (e *env) exportArchive(ctx context.Context, lib *storage.Library, ids []int64, out string) error {
	var last time.Time
	dir, err := archive.Export(ctx, out, lib, ids, archive.Options{Generator: "Folio " + version,
		Progress: func(done, total int) {
			if done < total && time.Since(last) < time.Second {
				return
			}
			last = time.Now()
			fmt.Fprintf(e.stderr, "%d of %d articles\n", done, total)
		}})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, dir)
	return nil
}
