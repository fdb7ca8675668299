package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"gopkg.in/yaml.v3"

	"github.com/folio-app/folio/reader"
)

// MarkdownOptions tune a Markdown export.
type MarkdownOptions struct {
	// RemoteImages keeps links to the images on the web instead of copying
	// the stored images next to each file.
	RemoteImages bool
	// Progress, when set, is called after each article with how many of
	// total are done.
	Progress func(done, total int)
}

// frontMatter is the YAML header, in the order and with the names Obsidian
// Web Clipper's default template uses, so clippings from either tool sort
// and query alike. Dates are YYYY-MM-DD as there: Obsidian shows them as
// date properties. Empty fields are left out.
type frontMatter struct {
	Title       string   `yaml:"title"`
	Source      string   `yaml:"source,omitempty"`
	Author      []string `yaml:"author,omitempty"`
	Published   string   `yaml:"published,omitempty"`
	Created     string   `yaml:"created,omitempty"`
	Description string   `yaml:"description,omitempty"`
	Tags        []string `yaml:"tags,omitempty"`
	Site        string   `yaml:"site,omitempty"`
	Lang        string   `yaml:"lang,omitempty"`
}

const dateLayout = "2006-01-02"

// Markdown writes one .md file per item into dir (created if missing) and
// returns the paths written, in order. File names come from Slug(title);
// a name already taken, in dir or earlier in the same run, gets "-2",
// "-3", ... so nothing is overwritten. Unless opts.RemoteImages is set,
// each article's stored images are copied into "<name>.assets/" beside it
// and linked relatively, so the file reads offline; an image the store does
// not have keeps its remote link. Every file appears complete or not at
// all. Cancelling ctx stops the export between (and during) articles; the
// paths of the articles already written are returned with the error.
func Markdown(ctx context.Context, dir string, items []Item, imgs ImageStore, opts MarkdownOptions) ([]string, error) {
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	conv := newConverter()
	taken := make(map[string]bool)
	var written []string
	for i := range items {
		if err := ctx.Err(); err != nil {
			return written, fmt.Errorf("export markdown: %w", err)
		}
		p, err := writeMarkdownFile(ctx, conv, dir, &items[i], imgs, opts, taken)
		if err != nil {
			return written, fmt.Errorf("export %q to markdown: %w", items[i].Title, err)
		}
		written = append(written, p)
		if opts.Progress != nil {
			opts.Progress(i+1, len(items))
		}
	}
	return written, nil
}

// MarkdownText renders one article as a Markdown document (front matter,
// title, body, notes) with remote image links, for showing or piping.
func MarkdownText(it Item) (string, error) {
	return renderMarkdown(newConverter(), &it, nil)
}

// MarkdownLocal renders one article as MarkdownText does, with its images
// linked at the relative paths in local (image URL → path); an image not in
// local keeps its remote link.
func MarkdownLocal(it Item, local map[string]string) (string, error) {
	return renderMarkdown(newConverter(), &it, local)
}

// WriteMarkdown writes MarkdownText(it) to w.
func WriteMarkdown(w io.Writer, it Item) error {
	s, err := MarkdownText(it)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, s); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

func newConverter() *converter.Converter {
	return converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(),
		table.NewTablePlugin(),
		strikethrough.NewStrikethroughPlugin(),
	))
}

// freeName picks the first of slug, slug-2, slug-3, ... that neither this
// run nor anything in dir uses with any of the suffixes (".md", ".assets").
func freeName(dir, slug string, taken map[string]bool, suffixes ...string) string {
next:
	for n := 1; ; n++ {
		name := slug
		if n > 1 {
			name = slug + "-" + strconv.Itoa(n)
		}
		if taken[name] {
			continue
		}
		for _, suf := range suffixes {
			if exists(filepath.Join(dir, name+suf)) {
				continue next
			}
		}
		taken[name] = true
		return name
	}
}

// writeMarkdownFile writes one article and its assets. The assets are
// gathered in a hidden temporary folder and the text in a temporary file;
// both are renamed into place only when complete, and removed otherwise.
func writeMarkdownFile(ctx context.Context, conv *converter.Converter, dir string, it *Item, imgs ImageStore, opts MarkdownOptions, taken map[string]bool) (_ string, err error) {
	name := freeName(dir, Slug(it.Title), taken, ".md", ".assets")
	mdPath := filepath.Join(dir, name+".md")
	assetsDir := name + ".assets"

	var tmpAssets, finalAssets string
	defer func() {
		if err != nil {
			if tmpAssets != "" {
				os.RemoveAll(tmpAssets)
			}
			if finalAssets != "" {
				os.RemoveAll(finalAssets)
			}
		}
	}()

	local := map[string]string{} // image URL → relative link
	if !opts.RemoteImages {
		tmpAssets, err = mkdirTemp(dir, "."+name+".assets.*.tmp")
		if err != nil {
			return "", fmt.Errorf("create assets folder in %s: %w", dir, err)
		}
		n, err := saveImages(ctx, it, imgs, tmpAssets, assetsDir, local)
		if err != nil {
			return "", err
		}
		if n == 0 {
			os.Remove(tmpAssets)
			tmpAssets = ""
		}
	}

	text, err := renderMarkdown(conv, it, local)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}

	tmp, err := writeTemp(dir, "."+name+".md.*.tmp", func(f *os.File) error {
		_, err := io.WriteString(f, text)
		return err
	})
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp) // gone after a successful link, too

	if tmpAssets != "" {
		finalAssets = filepath.Join(dir, assetsDir)
		if err := os.Rename(tmpAssets, finalAssets); err != nil {
			finalAssets = ""
			return "", fmt.Errorf("move assets into %s: %w", filepath.Join(dir, assetsDir), err)
		}
		tmpAssets = ""
	}
	if err := placeNoClobber(tmp, mdPath); err != nil {
		return "", err
	}
	syncDir(dir)
	return mdPath, nil
}

// placeNoClobber moves tmp to path unless something already is there: a
// hard link fails rather than replace a file another program created since
// freeName looked. File systems without hard links fall back to a checked
// rename.
func placeNoClobber(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil {
		return nil
	}
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if exists(path) {
		return fmt.Errorf("write %s: %w", path, os.ErrExist)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// saveImages copies the article's available images into tmpDir, in
// document order, and records in local the link each will have once tmpDir
// becomes assetsDir. It returns how many it saved.
func saveImages(ctx context.Context, it *Item, imgs ImageStore, tmpDir, assetsDir string, local map[string]string) (int, error) {
	n := 0
	for i, src := range imageURLs(it) {
		ct, data, ok, err := it.image(ctx, imgs, src)
		if err != nil {
			return n, fmt.Errorf("load image %s: %w", src, err)
		}
		if !ok {
			continue
		}
		if reader.IsSVG(ct, data) {
			// An SVG stored before images were drawn on the way in: a
			// file beside the note must not be a document with scripts.
			png, err := reader.RasterizeSVG(data)
			if err != nil {
				continue
			}
			ct, data = "image/png", png
		}
		ext := imageExt(ct, data, src)
		if ext == "" {
			continue // not something a Markdown viewer can show from disk
		}
		sum := sha256.Sum256(data)
		file := fmt.Sprintf("%02d-%s%s", i+1, hex.EncodeToString(sum[:3]), ext)
		if err := os.WriteFile(filepath.Join(tmpDir, file), data, 0o644); err != nil {
			return n, fmt.Errorf("save image %s: %w", src, err)
		}
		local[src] = (&url.URL{Path: assetsDir + "/" + file}).EscapedPath()
		n++
	}
	return n, nil
}

// imageURLs lists the article's distinct image URLs in document order:
// those of Images, then any other <img> of the body.
func imageURLs(it *Item) []string {
	seen := map[string]bool{}
	var urls []string
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			urls = append(urls, u)
		}
	}
	for _, im := range it.Images {
		add(im.URL)
	}
	if doc, err := html.Parse(strings.NewReader(it.HTML)); err == nil {
		base := it.baseURL()
		walk(doc, func(n *html.Node) {
			if n.Type == html.ElementNode && n.DataAtom == atom.Img {
				add(absURL(base, attr(n, "src")))
			}
		})
	}
	return urls
}

// imageExts maps the image types browsers and note apps show to the
// extension they expect.
var imageExts = map[string]string{
	"image/png":     ".png",
	"image/jpeg":    ".jpg",
	"image/gif":     ".gif",
	"image/webp":    ".webp",
	"image/avif":    ".avif",
	"image/svg+xml": ".svg",
	"image/bmp":     ".bmp",
	"image/x-icon":  ".ico",
}

// imageExt picks an extension from the declared type, the bytes, then the
// URL; "" when none looks like an image.
func imageExt(contentType string, data []byte, src string) string {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
	if e, ok := imageExts[ct]; ok {
		return e
	}
	if e, ok := imageExts[strings.SplitN(http.DetectContentType(data), ";", 2)[0]]; ok {
		return e
	}
	if u, err := url.Parse(src); err == nil {
		e := strings.ToLower(path.Ext(u.Path))
		for _, known := range imageExts {
			if e == known || e == ".jpeg" {
				return e
			}
		}
	}
	return ""
}

// renderMarkdown builds the whole document. local maps image URLs to the
// relative links of saved copies; images not in it keep their remote URL.
func renderMarkdown(conv *converter.Converter, it *Item, local map[string]string) (string, error) {
	var b strings.Builder
	b.WriteString("---\n")
	fm, err := frontMatterYAML(it)
	if err != nil {
		return "", err
	}
	b.Write(fm)
	b.WriteString("---\n\n")
	if t := oneLine(it.Title); t != "" {
		// Obsidian titles notes by file name, but other tools and plain
		// text readers need the title in the text.
		b.WriteString("# " + escapeInline(t) + "\n\n")
	}
	body, err := markdownBody(conv, it, local)
	if err != nil {
		return "", err
	}
	if body != "" {
		b.WriteString(body + "\n")
	}
	if len(it.Notes) > 0 {
		b.WriteString("\n## Notes\n")
		for _, n := range it.Notes {
			b.WriteString("\n### " + n.Created.Format("2006-01-02 15:04") + "\n\n")
			b.WriteString(strings.TrimSpace(n.Text) + "\n")
		}
	}
	return b.String(), nil
}

func frontMatterYAML(it *Item) ([]byte, error) {
	fm := frontMatter{
		Title:       oneLine(it.Title),
		Source:      it.URL,
		Description: strings.TrimSpace(it.Excerpt),
		Site:        strings.TrimSpace(it.SiteName),
		Lang:        strings.TrimSpace(it.Lang),
	}
	if fm.Source == "" {
		fm.Source = it.Canonical
	}
	if a := oneLine(it.Byline); a != "" {
		fm.Author = []string{a}
	}
	if !it.Published.IsZero() {
		fm.Published = it.Published.Format(dateLayout)
	}
	if !it.Saved.IsZero() {
		fm.Created = it.Saved.Format(dateLayout)
	}
	for _, t := range it.Tags {
		if t = tagName(t); t != "" {
			fm.Tags = append(fm.Tags, t)
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return nil, fmt.Errorf("encode front matter: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode front matter: %w", err)
	}
	return buf.Bytes(), nil
}

// tagName makes a library tag a valid Obsidian tag: no leading "#", and
// spaces (which Obsidian does not allow in tags) become "-".
func tagName(t string) string {
	t = strings.TrimLeft(strings.TrimSpace(t), "#")
	return strings.Join(strings.Fields(t), "-")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// escapeInline backslash-escapes the characters that would turn plain text
// into Markdown markup.
func escapeInline(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// markdownBody converts the stored article HTML. Links and images are made
// absolute against the article's URL here rather than with the converter's
// WithDomain, because the saved images must stay relative to the file.
func markdownBody(conv *converter.Converter, it *Item, local map[string]string) (string, error) {
	// The library sanitizes what it stores and gives; an Item built
	// elsewhere gets the same treatment before it becomes a file.
	doc, err := html.Parse(strings.NewReader(reader.Sanitize(it.HTML)))
	if err != nil {
		return "", fmt.Errorf("parse article html: %w", err)
	}
	base := it.baseURL()
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.DataAtom {
		case atom.A:
			// A link that could run something (javascript:, vbscript:,
			// data:) keeps its text and loses its target.
			if h := attr(n, "href"); !reader.SafeLink(h) || !reader.SafeLink(absURL(base, h)) {
				removeAttr(n, "href")
			} else if h != "" && !strings.HasPrefix(h, "#") {
				setAttr(n, "href", absURL(base, h))
			}
		case atom.Img:
			src := absURL(base, attr(n, "src"))
			if !reader.SafeImageSource(src) {
				// A javascript: or SVG data: source: no image at all.
				n.Data, n.DataAtom, n.Attr = "span", atom.Span, nil
				return
			}
			if rel, ok := local[src]; ok {
				src = rel
			}
			setAttr(n, "src", src)
			removeAttr(n, "srcset")
		}
	})
	out, err := conv.ConvertNode(doc)
	if err != nil {
		return "", fmt.Errorf("convert article to markdown: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// walk calls fn on n and every node below it, in document order.
func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func removeAttr(n *html.Node, key string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			n.Attr = append(n.Attr[:i], n.Attr[i+1:]...)
			return
		}
	}
}
