package archive

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/folio-app/folio/export"
	"github.com/folio-app/folio/storage"
)

// Source is where Export reads the articles; *storage.Library is one.
type Source interface {
	Record(ctx context.Context, id int64) (*storage.Record, error)
}

// Options tune Export.
type Options struct {
	// Now is the export time written in the index; zero means now.
	Now time.Time
	// Generator names the program in the index ("Folio 1.2").
	Generator string
	// Progress, when set, is called after each article.
	Progress func(done, total int)
}

// Export writes articles ids of lib as an archive and returns the folder it
// wrote: dir itself when it does not exist or is empty, otherwise a new
// folder in it named folio-archive-DATE (nothing is ever written over). The
// archive is put together in a hidden folder beside its place and renamed
// there only once complete, so a failure or a cancelled ctx leaves nothing
// behind.
func Export(ctx context.Context, dir string, lib Source, ids []int64, opts Options) (string, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	target, err := targetFolder(dir, opts.Now)
	if err != nil {
		return "", err
	}
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".partial-*")
	if err != nil {
		return "", fmt.Errorf("create archive folder in %s: %w", parent, err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()

	idx := Library{Format: Format, Version: Version, Exported: opts.Now.UTC(), Generator: opts.Generator, Articles: []Entry{}}
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("export archive: %w", err)
		}
		rec, err := lib.Record(ctx, id)
		if err != nil {
			return "", fmt.Errorf("export archive: %w", err)
		}
		e, err := writeArticle(tmp, i, len(ids), rec)
		if err != nil {
			return "", fmt.Errorf("export archive: article %d: %w", id, err)
		}
		idx.Articles = append(idx.Articles, e)
		if opts.Progress != nil {
			opts.Progress(i+1, len(ids))
		}
	}
	if err := writeIndex(filepath.Join(tmp, Index), &idx); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("export archive: %w", err)
	}
	// An empty folder the person chose is replaced; os.Remove refuses one
	// that something was put into meanwhile.
	if st, err := os.Stat(target); err == nil && st.IsDir() {
		if err := os.Remove(target); err != nil {
			return "", fmt.Errorf("export archive to %s: %w", target, fs.ErrExist)
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return "", fmt.Errorf("export archive to %s: %w", target, err)
	}
	done = true
	return target, nil
}

// targetFolder is where the archive goes: dir when it is new or empty,
// else a free folio-archive-DATE inside it.
func targetFolder(dir string, now time.Time) (string, error) {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return dir, nil
	}
	if err != nil {
		return "", fmt.Errorf("export archive to %s: %w", dir, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("export archive to %s: not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("export archive to %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return dir, nil
	}
	base := filepath.Join(dir, "folio-archive-"+now.Format("2006-01-02"))
	path := base
	for n := 2; ; n++ {
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		path = fmt.Sprintf("%s-%d", base, n)
	}
}

// writeArticle writes one article's folder and returns its index entry.
func writeArticle(root string, i, total int, r *storage.Record) (Entry, error) {
	width := max(4, len(fmt.Sprint(total)))
	folder := fmt.Sprintf("%0*d-%s", width, i+1, export.Slug(r.Title))
	dir := filepath.Join(root, folder)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return Entry{}, err
	}
	e := Entry{
		Folder: folder, ID: r.ID,
		URL: r.URL, Canonical: r.Canonical, Aliases: r.Aliases,
		Title: r.Title, Byline: r.Byline, Site: r.SiteName, Lang: r.Lang, Excerpt: r.Excerpt, LeadImage: r.LeadImage,
		Saved: r.Saved.UTC(), Updated: r.Updated.UTC(), Words: r.Words, ReadingTime: r.ReadingTime.String(),
		State:      State{Read: r.Read, Favorite: r.Favorite, Archived: r.Archived, Fetched: r.Fetched},
		FetchError: r.FetchError, Tags: append([]string{}, r.Tags...),
		Notes: []Note{}, Highlights: []Highlight{}, Images: []Image{},
	}
	if !r.Published.IsZero() {
		p := r.Published
		e.Published = &p
	}
	for _, n := range r.Notes {
		e.Notes = append(e.Notes, Note{Text: n.Text, Created: n.Created.UTC(), Updated: n.Updated.UTC()})
	}
	for _, h := range r.Highlights {
		e.Highlights = append(e.Highlights, Highlight{Text: h.Exact, Prefix: h.Prefix, Suffix: h.Suffix,
			Start: h.Start, End: h.End, Color: string(h.Color), Note: h.Note, Detached: h.Detached,
			Created: h.Created.UTC(), Updated: h.Updated.UTC()})
	}

	local := map[string]string{} // image URL → its file, for article.md
	for pos, img := range r.Images {
		ie := Image{URL: img.URL, ContentType: img.ContentType, Error: img.Err}
		if img.Data != nil {
			if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
				return Entry{}, err
			}
			sum := sha256.Sum256(img.Data)
			ie.File = fmt.Sprintf("images/%02d-%s%s", pos+1, hex.EncodeToString(sum[:3]), imageExt(img.ContentType, img.Data))
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(ie.File)), img.Data, 0o644); err != nil {
				return Entry{}, err
			}
			if _, ok := local[img.URL]; !ok {
				local[img.URL] = ie.File
			}
		}
		e.Images = append(e.Images, ie)
	}
	if r.HTML != "" {
		e.HTML = "article.html"
		page := "<!DOCTYPE html>\n<html" + langAttr(r.Lang) + "><head><meta charset=\"utf-8\"><title>" +
			html.EscapeString(r.Title) + "</title></head><body>\n" + htmlStart + r.HTML + htmlEnd + "\n</body></html>\n"
		if err := os.WriteFile(filepath.Join(dir, e.HTML), []byte(page), 0o644); err != nil {
			return Entry{}, err
		}
	}
	if r.Text != "" {
		e.Text = "article.txt"
		if err := os.WriteFile(filepath.Join(dir, e.Text), []byte(r.Text), 0o644); err != nil {
			return Entry{}, err
		}
	}
	if r.Page != nil {
		e.Page = "original.html.gz"
		if err := writeGzip(filepath.Join(dir, e.Page), r.Page); err != nil {
			return Entry{}, err
		}
	}
	it := export.Item{ID: r.ID, Article: r.Article.Article, Saved: r.Saved, Tags: r.Tags}
	for _, n := range r.Notes {
		it.Notes = append(it.Notes, export.Note{Text: n.Text, Created: n.Created})
	}
	md, err := export.MarkdownLocal(it, local)
	if err != nil {
		return Entry{}, err
	}
	e.Markdown = "article.md"
	if err := os.WriteFile(filepath.Join(dir, e.Markdown), []byte(md), 0o644); err != nil {
		return Entry{}, err
	}
	return e, nil
}

func langAttr(lang string) string {
	if lang = strings.TrimSpace(lang); lang == "" {
		return ""
	}
	return ` lang="` + html.EscapeString(lang) + `"`
}

func writeGzip(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(f)
	_, err = zw.Write(data)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeIndex writes library.json, indented so that it reads in any editor,
// and syncs it: the archive is complete once it is there.
func writeIndex(path string, idx *Library) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", Index, err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err = enc.Encode(idx)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", Index, err)
	}
	return nil
}

// imageExts are the extensions of the image types pages use.
var imageExts = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
	"image/avif": ".avif", "image/svg+xml": ".svg", "image/bmp": ".bmp", "image/x-icon": ".ico",
	"image/vnd.microsoft.icon": ".ico", "image/tiff": ".tiff",
}

// imageExt names an image file by its declared type, else by its bytes;
// ".bin" when neither says (the bytes are kept all the same).
func imageExt(contentType string, data []byte) string {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
	if e, ok := imageExts[ct]; ok {
		return e
	}
	if e, ok := imageExts[strings.SplitN(http.DetectContentType(data), ";", 2)[0]]; ok {
		return e
	}
	if len(data) > 12 && string(data[4:12]) == "ftypavif" {
		return ".avif"
	}
	return ".bin"
}
