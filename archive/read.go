package archive

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// Limits on what Load reads, so that a damaged or crafted archive cannot
// exhaust memory: the index, and any one file of an article.
const (
	maxIndex = 2 << 30
	maxFile  = 512 << 20
)

// Sniff reports whether fsys holds a Folio archive index at name: it reads
// only the index's first fields.
func Sniff(fsys fs.FS, name string) bool {
	f, err := fsys.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return false
	}
	dec := json.NewDecoder(io.LimitReader(f, 1<<20))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return false
		}
		if k == "format" {
			var v string
			return dec.Decode(&v) == nil && v == Format
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	return false
}

// Open reads the index of the archive in fsys (its folder). It returns
// ErrNotArchive when there is none, ErrNewer for an archive of a newer
// version, and ErrDamaged when the index cannot be read.
func Open(fsys fs.FS) (*Library, error) {
	if !Sniff(fsys, Index) {
		return nil, ErrNotArchive
	}
	f, err := fsys.Open(Index)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	defer f.Close()
	var idx Library
	dec := json.NewDecoder(io.LimitReader(f, maxIndex))
	if err := dec.Decode(&idx); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrDamaged, Index, err)
	}
	if idx.Version > Version {
		return nil, fmt.Errorf("%w (version %d, this Folio reads up to %d): update Folio", ErrNewer, idx.Version, Version)
	}
	for i, e := range idx.Articles {
		if strings.TrimSpace(e.URL) == "" {
			return nil, fmt.Errorf("%w: %s: article %d has no link", ErrDamaged, Index, i+1)
		}
		if !fs.ValidPath(e.Folder) || e.Folder == "." {
			return nil, fmt.Errorf("%w: %s: article %d names the folder %q", ErrDamaged, Index, i+1, e.Folder)
		}
	}
	return &idx, nil
}

// Load reads the article of entry e from the archive in fsys: what the
// index says and its files, as the library record it came from.
func Load(fsys fs.FS, e Entry) (*storage.Record, error) {
	r := &storage.Record{Aliases: e.Aliases}
	r.Article.Article = reader.Article{
		URL: e.URL, Canonical: e.Canonical, Title: e.Title, Byline: e.Byline, SiteName: e.Site,
		Lang: e.Lang, Excerpt: e.Excerpt, LeadImage: e.LeadImage, Words: e.Words,
	}
	if e.Published != nil {
		r.Published = *e.Published
	}
	if e.ReadingTime != "" {
		d, err := time.ParseDuration(e.ReadingTime)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: reading time %q", ErrDamaged, e.Folder, e.ReadingTime)
		}
		r.ReadingTime = d
	}
	r.Saved, r.Updated = e.Saved, e.Updated
	r.Read, r.Favorite, r.Archived, r.Fetched = e.State.Read, e.State.Favorite, e.State.Archived, e.State.Fetched
	r.FetchError = e.FetchError
	r.Tags = e.Tags
	for _, n := range e.Notes {
		r.Notes = append(r.Notes, storage.Note{Text: n.Text, Created: n.Created, Updated: n.Updated})
	}
	for _, h := range e.Highlights {
		r.Highlights = append(r.Highlights, storage.Highlight{Exact: h.Text, Prefix: h.Prefix, Suffix: h.Suffix,
			Start: h.Start, End: h.End, Color: storage.Color(h.Color), Note: h.Note, Detached: h.Detached,
			Created: h.Created, Updated: h.Updated})
	}
	read := func(name string) ([]byte, error) {
		p := path.Join(e.Folder, name)
		if !fs.ValidPath(p) || !strings.HasPrefix(p, e.Folder+"/") {
			return nil, fmt.Errorf("%w: %s names the file %q", ErrDamaged, e.Folder, name)
		}
		f, err := fsys.Open(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrDamaged, err)
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
		if err != nil {
			return nil, fmt.Errorf("%w: read %s: %w", ErrDamaged, p, err)
		}
		if len(b) > maxFile {
			return nil, fmt.Errorf("%w: %s is over %d MiB", ErrDamaged, p, maxFile>>20)
		}
		return b, nil
	}
	if e.HTML != "" {
		b, err := read(e.HTML)
		if err != nil {
			return nil, err
		}
		s := string(b)
		i, j := strings.Index(s, htmlStart), strings.LastIndex(s, htmlEnd)
		if i < 0 || j < i+len(htmlStart) {
			return nil, fmt.Errorf("%w: %s/%s lost its <!--folio:article--> markers", ErrDamaged, e.Folder, e.HTML)
		}
		r.HTML = s[i+len(htmlStart) : j]
	}
	if e.Text != "" {
		b, err := read(e.Text)
		if err != nil {
			return nil, err
		}
		r.Text = string(b)
	}
	if e.Page != "" {
		gz, err := read(e.Page)
		if err != nil {
			return nil, err
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			return nil, fmt.Errorf("%w: %s/%s: %w", ErrDamaged, e.Folder, e.Page, err)
		}
		page, err := io.ReadAll(io.LimitReader(zr, maxFile+1))
		if err == nil && len(page) > maxFile {
			err = errors.New("too large")
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s/%s: %w", ErrDamaged, e.Folder, e.Page, err)
		}
		r.Page = page
	}
	for _, im := range e.Images {
		img := reader.Image{URL: im.URL, ContentType: im.ContentType, Err: im.Error}
		if im.File != "" {
			b, err := read(im.File)
			if err != nil {
				return nil, err
			}
			img.Data = b
		}
		r.Images = append(r.Images, img)
	}
	return r, nil
}
