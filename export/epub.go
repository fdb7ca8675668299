package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"image"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/gen2brain/avif" // image.Decode for AVIF, re-encoded for e-readers
	_ "golang.org/x/image/bmp"    // image.Decode for BMP, re-encoded likewise
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/bidi"
)

// EPUBOptions tune an EPUB export.
type EPUBOptions struct {
	// Title names a book of several articles; empty gives "N articles".
	// A book of one article is named after it.
	Title string
	// Now is the time of the export, the book's modification date; zero
	// means the current time.
	Now time.Time
	// Progress, when set, is called after each article with how many of
	// total are done.
	Progress func(done, total int)
}

// EPUBFile writes the items as one EPUB book at path, atomically: a
// temporary file beside it is renamed over path only once the book is
// complete.
func EPUBFile(ctx context.Context, path string, items []Item, imgs ImageStore, opts EPUBOptions) error {
	return atomicWriteFile(path, func(f *os.File) error {
		w := bufio.NewWriter(f)
		if err := EPUB(ctx, w, items, imgs, opts); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}

// EPUBs writes one book per article into dir, each named from its title's
// slug; names already taken in dir or by this run get "-2", "-3", ... so
// nothing is overwritten. Every file appears complete or not at all. It
// returns the paths written, also when it stops early with an error.
func EPUBs(ctx context.Context, dir string, items []Item, imgs ImageStore, opts EPUBOptions) ([]string, error) {
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	taken := make(map[string]bool)
	var written []string
	progress := opts.Progress
	opts.Progress = nil
	for i := range items {
		if err := ctx.Err(); err != nil {
			return written, fmt.Errorf("export epub: %w", err)
		}
		path := filepath.Join(dir, freeName(dir, Slug(items[i].Title), taken, ".epub")+".epub")
		tmp, err := writeTemp(dir, "."+filepath.Base(path)+".*.tmp", func(f *os.File) error {
			w := bufio.NewWriter(f)
			if err := EPUB(ctx, w, items[i:i+1], imgs, opts); err != nil {
				return err
			}
			return w.Flush()
		})
		if err == nil {
			err = placeNoClobber(tmp, path)
			os.Remove(tmp)
		}
		if err != nil {
			return written, fmt.Errorf("export %q to epub: %w", items[i].Title, err)
		}
		syncDir(dir)
		written = append(written, path)
		if progress != nil {
			progress(i+1, len(items))
		}
	}
	return written, nil
}

// EPUB writes the items as one EPUB 3 book to w: a cover page listing the
// articles, a table of contents (each article and its headings, also as
// an EPUB 2 NCX for older readers), and a page per article with its title,
// author, site, dates and source link, the body with its images from the
// library, and the notes as footnotes. Each page carries its article's
// language; a right-to-left article reads right to left, and a book of
// only such articles turns its pages that way. WebP, AVIF and BMP images
// are converted to JPEG or PNG, which every reader shows; an image the
// library does not have becomes a link to the original.
func EPUB(ctx context.Context, w io.Writer, items []Item, imgs ImageStore, opts EPUBOptions) error {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	b := &book{ctx: ctx, zw: zip.NewWriter(w), imgs: imgs, opts: opts, byHash: map[string]string{}}
	if err := b.write(items); err != nil {
		return fmt.Errorf("export epub: %w", err)
	}
	return nil
}

// book is the state of one EPUB being written.
type book struct {
	ctx  context.Context
	zw   *zip.Writer
	imgs ImageStore
	opts EPUBOptions

	manifest []manifestItem
	byHash   map[string]string // image sha256 → its href, so an image is in the book once
	nImg     int
	pages    map[string]string // article links → their page
	articles []bookArticle
	err      error // the first failure while converting, reported after the page
}

type manifestItem struct{ id, href, mediaType, props string }

// bookArticle is what the cover, the contents and the package need of an
// article once its page is written.
type bookArticle struct {
	file, id     string
	title        string
	byline, site string
	lang         string // "" when unknown
	rtl          bool
	headings     []heading
	cover        string // the href of its lead image in the book, if any
}

const (
	nsXHTML = "http://www.w3.org/1999/xhtml"
	nsOPS   = "http://www.idpf.org/2007/ops"
)

func (b *book) write(items []Item) error {
	if err := b.mimetype(); err != nil {
		return err
	}
	if err := b.file("META-INF/container.xml", []byte(xmlHeader+
		`<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">`+
		`<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`), true); err != nil {
		return err
	}
	if err := b.file("OEBPS/style.css", []byte(epubCSS), true); err != nil {
		return err
	}
	b.manifest = append(b.manifest, manifestItem{"css", "style.css", "text/css", ""})

	b.pages = map[string]string{}
	for i := range items {
		file := pageName(i)
		for _, link := range []string{items[i].URL, items[i].Canonical} {
			if k, ok := pageKey(link); ok {
				if _, dup := b.pages[k]; !dup {
					b.pages[k] = file
				}
			}
		}
	}
	for i := range items {
		if err := b.ctx.Err(); err != nil {
			return err
		}
		if err := b.article(&items[i], i); err != nil {
			return fmt.Errorf("%q: %w", items[i].Title, err)
		}
		if b.opts.Progress != nil {
			b.opts.Progress(i+1, len(items))
		}
	}
	for _, f := range []struct {
		name string
		make func([]Item) []byte
	}{{"cover.xhtml", b.coverPage}, {"nav.xhtml", b.navPage}, {"toc.ncx", b.ncx}, {"content.opf", b.opf}} {
		if err := b.file("OEBPS/"+f.name, f.make(items), true); err != nil {
			return err
		}
	}
	return b.zw.Close()
}

func pageName(i int) string { return fmt.Sprintf("a%03d.xhtml", i+1) }

// pageKey is the form of an article link that finds its page: absolute,
// without fragment.
func pageKey(link string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || !u.IsAbs() || u.Host == "" {
		return "", false
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), true
}

// mimetype writes the first entry, stored and without extra fields, as
// the EPUB container requires: readers identify the file by its bytes.
func (b *book) mimetype() error {
	data := []byte("application/epub+zip")
	w, err := b.zw.CreateRaw(&zip.FileHeader{
		Name:               "mimetype",
		Method:             zip.Store,
		CRC32:              crc32.ChecksumIEEE(data),
		CompressedSize64:   uint64(len(data)),
		UncompressedSize64: uint64(len(data)),
	})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// file adds one entry; compressed text, or stored bytes (images are
// compressed already).
func (b *book) file(name string, data []byte, deflate bool) error {
	method := zip.Store
	if deflate {
		method = zip.Deflate
	}
	w, err := b.zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: b.opts.Now})
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// article writes one article's page and its images.
func (b *book) article(it *Item, i int) error {
	file := pageName(i)
	id := strings.TrimSuffix(file, ".xhtml")
	ba := bookArticle{file: file, id: id, title: oneLine(it.Title), byline: oneLine(it.Byline), site: oneLine(it.SiteName)}
	if ba.title == "" {
		ba.title = "Untitled"
	}
	ba.lang, _ = langTag(it.Lang)
	ba.rtl = isRTL(ba.lang, it.Text, it.HTML)

	local := map[string]string{} // image URL → href, for this article
	c := &xconv{base: it.baseURL(), prefix: id, pages: b.pages, self: file}
	c.image = func(src string) (string, bool) {
		if h, ok := local[src]; ok {
			return h, h != ""
		}
		h := b.image(it, src)
		local[src] = h
		return h, h != ""
	}
	body := c.convert(it.HTML)
	if b.err != nil {
		return b.err
	}
	if it.LeadImage != "" {
		// The lead image is the book's cover picture when it is one of the
		// article's own images.
		if h, ok := local[absURL(it.baseURL(), it.LeadImage)]; ok && h != "" {
			ba.cover = h
		}
	}

	page := xel("body")
	page.kids = append(page.kids, b.header(it, ba, len(it.Notes)))
	page.kids = append(page.kids, xel("div", body...).set("class", "content"))
	if notes := noteSection(it, id); notes != nil {
		page.kids = append(page.kids, notes)
		c.headings = append(c.headings, heading{level: 2, id: id + "notes", text: "Notes"})
	}
	ba.headings = c.headings
	if err := b.file("OEBPS/"+file, xhtmlDoc(ba.title, ba.lang, ba.rtl, page), true); err != nil {
		return err
	}
	b.manifest = append(b.manifest, manifestItem{id, file, "application/xhtml+xml", ""})
	b.articles = append(b.articles, ba)
	return nil
}

// header is the block above an article: title, author and site, dates,
// source link, tags, and links to the notes.
func (b *book) header(it *Item, ba bookArticle, notes int) *xnode {
	h := xel("header").set("class", "meta")
	h.kids = append(h.kids, xel("h1", xtext(ba.title)).set("id", ba.id).set("class", "title"))
	var who []string
	if ba.byline != "" {
		who = append(who, ba.byline)
	}
	if ba.site != "" {
		who = append(who, ba.site)
	}
	if len(who) > 0 {
		h.kids = append(h.kids, xel("p", xtext(strings.Join(who, " · "))).set("class", "byline"))
	}
	var dates []string
	if !it.Published.IsZero() {
		dates = append(dates, "Published "+it.Published.Format("2 January 2006"))
	}
	if !it.Saved.IsZero() {
		dates = append(dates, "saved "+it.Saved.Format("2 January 2006"))
	}
	if len(dates) > 0 {
		dates[0] = strings.ToUpper(dates[0][:1]) + dates[0][1:]
		h.kids = append(h.kids, xel("p", xtext(strings.Join(dates, " · "))).set("class", "dates"))
	}
	src := it.URL
	if src == "" {
		src = it.Canonical
	}
	if link, ok := webLink(src); ok {
		h.kids = append(h.kids, xel("p", xtext("Source: "), xel("a", xtext(link)).set("href", link)).set("class", "source"))
	}
	var tags []string
	for _, t := range it.Tags {
		if t = oneLine(t); t != "" {
			tags = append(tags, t)
		}
	}
	if len(tags) > 0 {
		h.kids = append(h.kids, xel("p", xtext("Tags: "+strings.Join(tags, ", "))).set("class", "tags"))
	}
	if notes > 0 {
		p := xel("p", xtext("Your notes: ")).set("class", "noterefs")
		for i := 1; i <= notes; i++ {
			if i > 1 {
				p.kids = append(p.kids, xtext(" "))
			}
			n := strconv.Itoa(i)
			p.kids = append(p.kids, xel("a", xtext(n)).set("epub:type", "noteref").set("href", "#"+ba.id+"n"+n))
		}
		h.kids = append(h.kids, p)
	}
	return h
}

// noteSection holds the article's notes as EPUB footnotes: readers show
// each in a pop-up from its reference under the title.
// Highlights (issue 13) belong here too: each becomes a noteref at its
// place in the text and a footnote in this section.
func noteSection(it *Item, id string) *xnode {
	if len(it.Notes) == 0 {
		return nil
	}
	s := xel("section", xel("h2", xtext("Notes")).set("id", id+"notes")).set("class", "notes")
	for i, n := range it.Notes {
		num := strconv.Itoa(i + 1)
		aside := xel("aside").set("epub:type", "footnote").set("id", id+"n"+num).set("class", "note")
		for j, para := range strings.Split(strings.TrimSpace(n.Text), "\n\n") {
			p := xel("p")
			if j == 0 {
				p.kids = append(p.kids, xel("span", xtext(num+". ")).set("class", "note-number"))
			}
			for k, line := range strings.Split(strings.TrimSpace(para), "\n") {
				if k > 0 {
					p.kids = append(p.kids, xel("br"))
				}
				p.kids = append(p.kids, xtext(line))
			}
			aside.kids = append(aside.kids, p)
		}
		if !n.Created.IsZero() {
			aside.kids = append(aside.kids, xel("p", xtext(n.Created.Format("2 January 2006 15:04"))).set("class", "note-date"))
		}
		s.kids = append(s.kids, aside)
	}
	return s
}

// image puts the article's image at src in the book, once per distinct
// picture, and returns its href; "" when the library does not have it or
// it is no image a reader can show.
func (b *book) image(it *Item, src string) string {
	_, data, ok, err := it.image(b.ctx, b.imgs, src)
	if err != nil {
		if b.err == nil {
			b.err = fmt.Errorf("load image %s: %w", src, err)
		}
		return ""
	}
	if !ok {
		return ""
	}
	sum := sha256.Sum256(data)
	key := hex.EncodeToString(sum[:])
	if h, ok := b.byHash[key]; ok {
		return h
	}
	out, mediaType, ext, ok := epubImage(data)
	if !ok {
		b.byHash[key] = ""
		return ""
	}
	b.nImg++
	href := fmt.Sprintf("images/img%04d%s", b.nImg, ext)
	if err := b.file("OEBPS/"+href, out, false); err != nil {
		if b.err == nil {
			b.err = err
		}
		return ""
	}
	b.manifest = append(b.manifest, manifestItem{fmt.Sprintf("img%04d", b.nImg), href, mediaType, ""})
	b.byHash[key] = href
	return href
}

// epubImage returns the image in a format every e-reader shows: JPEG, PNG
// and GIF as they are, anything else Go can decode (WebP, AVIF, BMP)
// re-encoded as the PDF export does. ok is false for bytes that are no
// such image (SVG, broken downloads) or decode to an absurd size.
func epubImage(data []byte) (out []byte, mediaType, ext string, ok bool) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return nil, "", "", false
	}
	switch format {
	case "jpeg":
		return data, "image/jpeg", ".jpg", true
	case "png":
		return data, "image/png", ".png", true
	case "gif":
		return data, "image/gif", ".gif", true
	}
	out, f, err := reencode(data)
	if err != nil {
		return nil, "", "", false
	}
	if f == "jpeg" {
		return out, "image/jpeg", ".jpg", true
	}
	return out, "image/png", ".png", true
}

// rtlScripts are the scripts written right to left.
var rtlScripts = map[string]bool{
	"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true, "Nkoo": true, "Adlm": true,
	"Rohg": true, "Samr": true, "Mand": true, "Mend": true, "Yezi": true,
}

// isRTL decides an article's direction: from its text when it has enough
// letters to tell (pages often declare their template's language, not the
// article's), else from its language's script.
func isRTL(lang, text, htmlSrc string) bool {
	if text == "" {
		text = htmlSrc
	}
	var l, r int
	for _, ch := range text {
		p, _ := bidi.LookupRune(ch)
		switch p.Class() {
		case bidi.L:
			l++
		case bidi.R, bidi.AL:
			r++
		}
		if l+r >= 4000 {
			break
		}
	}
	if l+r >= 50 {
		return r > l
	}
	if lang == "" {
		return false
	}
	t, err := language.Parse(lang)
	if err != nil {
		return false
	}
	s, _ := t.Script()
	return rtlScripts[s.String()]
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// xhtmlDoc is a complete XHTML content document around body.
func xhtmlDoc(title, lang string, rtl bool, body *xnode) []byte {
	root := xel("html").set("xmlns", nsXHTML).set("xmlns:epub", nsOPS)
	if lang != "" {
		root.set("lang", lang).set("xml:lang", lang)
	}
	if rtl {
		root.set("dir", "rtl")
	}
	head := xel("head", xel("meta").set("charset", "utf-8"), xel("title", xtext(title)),
		xel("link").set("rel", "stylesheet").set("type", "text/css").set("href", "style.css"))
	root.kids = []*xnode{head, body}
	var s strings.Builder
	s.WriteString(xmlHeader + "<!DOCTYPE html>\n")
	root.write(&s)
	s.WriteByte('\n')
	return []byte(s.String())
}

// title is the book's title.
func (b *book) title() string {
	if len(b.articles) == 1 {
		return b.articles[0].title
	}
	if t := oneLine(b.opts.Title); t != "" {
		return t
	}
	return fmt.Sprintf("%d articles", len(b.articles))
}

// languages lists the articles' languages, the most common first.
func (b *book) languages() []string {
	count := map[string]int{}
	var order []string
	for _, a := range b.articles {
		if a.lang == "" {
			continue
		}
		if count[a.lang] == 0 {
			order = append(order, a.lang)
		}
		count[a.lang]++
	}
	sort.SliceStable(order, func(i, j int) bool { return count[order[i]] > count[order[j]] })
	return order
}

// allRTL reports a book whose every article reads right to left: its pages
// turn that way. A mixed book keeps left-to-right page order, each page
// still set in its own direction.
func (b *book) allRTL() bool {
	for _, a := range b.articles {
		if !a.rtl {
			return false
		}
	}
	return len(b.articles) > 0
}

func (b *book) primaryLang() string {
	if ls := b.languages(); len(ls) > 0 {
		return ls[0]
	}
	return ""
}

// coverPage names the book and lists its articles; a book of one article
// shows its author, site and date instead.
func (b *book) coverPage(items []Item) []byte {
	body := xel("body").set("class", "cover")
	body.kids = append(body.kids, xel("h1", xtext(b.title())).set("class", "book-title"))
	if len(b.articles) == 1 {
		a, it := b.articles[0], &items[0]
		for _, s := range []string{a.byline, a.site} {
			if s != "" {
				body.kids = append(body.kids, xel("p", xtext(s)).set("class", "byline"))
			}
		}
		if !it.Published.IsZero() {
			body.kids = append(body.kids, xel("p", xtext(it.Published.Format("2 January 2006"))).set("class", "dates"))
		}
		if a.cover != "" {
			body.kids = append(body.kids, xel("div", xel("img").set("src", a.cover).set("alt", "")).set("class", "cover-image"))
		}
		body.kids = append(body.kids, xel("p", xel("a", xtext("Start reading")).set("href", a.file)).set("class", "start"))
	} else {
		if oneLine(b.opts.Title) != "" {
			body.kids = append(body.kids, xel("p", xtext(fmt.Sprintf("%d articles", len(b.articles)))).set("class", "count"))
		}
		list := xel("ol").set("class", "articles")
		for _, a := range b.articles {
			link := xel("a", xtext(a.title)).set("href", a.file)
			setLang(link, a)
			li := xel("li", link)
			if s := strings.Join(nonEmpty(a.site, a.byline), " · "); s != "" {
				li.kids = append(li.kids, xtext(" "), xel("span", xtext("— "+s)).set("class", "site"))
			}
			list.kids = append(list.kids, li)
		}
		body.kids = append(body.kids, list)
	}
	body.kids = append(body.kids, xel("p", xtext("Exported from Folio on "+b.opts.Now.Format("2 January 2006"))).set("class", "made"))
	b.manifest = append(b.manifest, manifestItem{"cover", "cover.xhtml", "application/xhtml+xml", ""})
	return xhtmlDoc(b.title(), b.primaryLang(), b.allRTL(), body)
}

func setLang(n *xnode, a bookArticle) {
	if a.lang != "" {
		n.set("lang", a.lang).set("xml:lang", a.lang)
	}
	if a.rtl {
		n.set("dir", "rtl")
	}
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// tocEntry is one line of the table of contents.
type tocEntry struct {
	title, href string
	article     bookArticle
	kids        []*tocEntry
}

// toc is the contents tree: each article, and under it its headings nested
// by level (an h3 after an h2 goes under it).
func (b *book) toc() []*tocEntry {
	var out []*tocEntry
	for _, a := range b.articles {
		e := &tocEntry{title: a.title, href: a.file, article: a}
		type open struct {
			level int
			e     *tocEntry
		}
		stack := []open{{0, e}}
		for _, h := range a.headings {
			if h.text == "" || h.text == a.title && h.level == 1 {
				continue // the title again, as many pages repeat it
			}
			for len(stack) > 1 && stack[len(stack)-1].level >= h.level {
				stack = stack[:len(stack)-1]
			}
			he := &tocEntry{title: h.text, href: a.file + "#" + h.id, article: a}
			top := stack[len(stack)-1].e
			top.kids = append(top.kids, he)
			stack = append(stack, open{h.level, he})
		}
		out = append(out, e)
	}
	return out
}

func (b *book) navPage(items []Item) []byte {
	var list func(es []*tocEntry) *xnode
	list = func(es []*tocEntry) *xnode {
		ol := xel("ol")
		for _, e := range es {
			a := xel("a", xtext(e.title)).set("href", e.href)
			setLang(a, e.article)
			li := xel("li", a)
			if len(e.kids) > 0 {
				li.kids = append(li.kids, list(e.kids))
			}
			ol.kids = append(ol.kids, li)
		}
		return ol
	}
	toc := xel("nav", xel("h1", xtext("Contents")), list(b.toc())).set("epub:type", "toc").set("id", "toc")
	landmarks := xel("nav", xel("h2", xtext("Landmarks")), xel("ol",
		xel("li", xel("a", xtext("Cover")).set("epub:type", "cover").set("href", "cover.xhtml")),
		xel("li", xel("a", xtext("Contents")).set("epub:type", "toc").set("href", "nav.xhtml")),
		xel("li", xel("a", xtext("Start")).set("epub:type", "bodymatter").set("href", pageName(0))),
	)).set("epub:type", "landmarks").set("hidden", "hidden")
	if len(b.articles) == 0 {
		landmarks = nil
	}
	body := xel("body", toc)
	if landmarks != nil {
		body.kids = append(body.kids, landmarks)
	}
	b.manifest = append(b.manifest, manifestItem{"nav", "nav.xhtml", "application/xhtml+xml", "nav"})
	return xhtmlDoc("Contents", b.primaryLang(), b.allRTL(), body)
}

// identifier is the book's id: the same articles make the same id, so a
// reader recognises a book exported again.
func (b *book) identifier(items []Item) string {
	h := sha1.New()
	io.WriteString(h, "folio-epub\n")
	for _, it := range items {
		io.WriteString(h, it.URL+"\n")
	}
	s := h.Sum(nil)[:16]
	s[6] = s[6]&0x0f | 0x50 // a name-based UUID (version 5)
	s[8] = s[8]&0x3f | 0x80
	x := hex.EncodeToString(s)
	return "urn:uuid:" + x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// ncx is the EPUB 2 table of contents, for readers that predate EPUB 3.
func (b *book) ncx(items []Item) []byte {
	order := 0
	depth := 1
	var points func(es []*tocEntry, d int) []*xnode
	points = func(es []*tocEntry, d int) []*xnode {
		depth = max(depth, d)
		var out []*xnode
		for _, e := range es {
			order++
			p := xel("navPoint", xel("navLabel", xel("text", xtext(e.title))), xel("content").set("src", e.href)).
				set("id", "np"+strconv.Itoa(order)).set("playOrder", strconv.Itoa(order))
			p.kids = append(p.kids, points(e.kids, d+1)...)
			out = append(out, p)
		}
		return out
	}
	navMap := xel("navMap", points(b.toc(), 1)...)
	if len(navMap.kids) == 0 {
		navMap.kids = []*xnode{xel("navPoint", xel("navLabel", xel("text", xtext("Cover"))), xel("content").set("src", "cover.xhtml")).
			set("id", "np1").set("playOrder", "1")}
	}
	head := xel("head",
		xel("meta").set("name", "dtb:uid").set("content", b.identifier(items)),
		xel("meta").set("name", "dtb:depth").set("content", strconv.Itoa(depth)),
		xel("meta").set("name", "dtb:totalPageCount").set("content", "0"),
		xel("meta").set("name", "dtb:maxPageNumber").set("content", "0"))
	root := xel("ncx", head, xel("docTitle", xel("text", xtext(b.title()))), navMap).
		set("xmlns", "http://www.daisy.org/z3986/2005/ncx/").set("version", "2005-1")
	if l := b.primaryLang(); l != "" {
		root.set("xml:lang", l)
	}
	b.manifest = append(b.manifest, manifestItem{"ncx", "toc.ncx", "application/x-dtbncx+xml", ""})
	var s strings.Builder
	s.WriteString(xmlHeader)
	root.write(&s)
	return []byte(s.String())
}

// opf is the package document: metadata, the list of files, reading order.
func (b *book) opf(items []Item) []byte {
	md := xel("metadata").set("xmlns:dc", "http://purl.org/dc/elements/1.1/")
	add := func(tag, text string) *xnode {
		e := xel(tag, xtext(text))
		md.kids = append(md.kids, e)
		return e
	}
	add("dc:identifier", b.identifier(items)).set("id", "bookid")
	add("dc:title", b.title())
	langs := b.languages()
	if len(langs) == 0 {
		langs = []string{"und"}
	}
	for _, l := range langs {
		add("dc:language", l)
	}
	if len(items) == 1 {
		it := &items[0]
		if a := oneLine(it.Byline); a != "" {
			add("dc:creator", a)
		}
		if s := oneLine(it.SiteName); s != "" {
			add("dc:publisher", s)
		}
		if !it.Published.IsZero() {
			add("dc:date", it.Published.UTC().Format("2006-01-02"))
		}
		if link, ok := webLink(it.URL); ok {
			add("dc:source", link)
		}
		if d := oneLine(it.Excerpt); d != "" {
			add("dc:description", d)
		}
		for _, t := range it.Tags {
			if t = oneLine(t); t != "" {
				add("dc:subject", t)
			}
		}
	} else {
		add("dc:creator", "Folio")
		var titles []string
		for _, a := range b.articles {
			titles = append(titles, a.title)
		}
		add("dc:description", strings.Join(titles, " · "))
	}
	add("meta", b.opts.Now.UTC().Format("2006-01-02T15:04:05Z")).set("property", "dcterms:modified")
	cover := ""
	if len(b.articles) == 1 {
		cover = b.articles[0].cover
	}

	man := xel("manifest")
	for _, m := range b.manifest {
		e := xel("item").set("id", m.id).set("href", m.href).set("media-type", m.mediaType)
		props := m.props
		if m.href == cover {
			props = strings.TrimSpace(props + " cover-image")
		}
		if props != "" {
			e.set("properties", props)
		}
		man.kids = append(man.kids, e)
	}
	spine := xel("spine").set("toc", "ncx")
	if b.allRTL() {
		spine.set("page-progression-direction", "rtl")
	}
	spine.kids = append(spine.kids, xel("itemref").set("idref", "cover"))
	if len(b.articles) > 1 {
		spine.kids = append(spine.kids, xel("itemref").set("idref", "nav"))
	}
	for _, a := range b.articles {
		spine.kids = append(spine.kids, xel("itemref").set("idref", a.id))
	}
	if len(b.articles) <= 1 {
		spine.kids = append(spine.kids, xel("itemref").set("idref", "nav").set("linear", "no"))
	}
	pkg := xel("package", md, man, spine).set("xmlns", "http://www.idpf.org/2007/opf").
		set("version", "3.0").set("unique-identifier", "bookid")
	if l := b.primaryLang(); l != "" {
		pkg.set("xml:lang", l)
	}
	var s strings.Builder
	s.WriteString(xmlHeader)
	pkg.write(&s)
	return []byte(s.String())
}

// epubCSS is modest on purpose: e-readers apply the reader's own font,
// size and margins over it.
const epubCSS = `body { line-height: 1.5; }
header.meta { margin-bottom: 1.5em; padding-bottom: 0.6em; border-bottom: 1px solid #bbb; }
header.meta p { margin: 0.2em 0; font-size: 0.85em; color: #555; text-indent: 0; }
h1.title { font-size: 1.5em; line-height: 1.25; margin: 0 0 0.4em; }
p.source { word-wrap: break-word; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
figure { margin: 1em 0; text-align: center; }
figcaption, div.caption { font-size: 0.85em; font-style: italic; color: #555; }
pre { white-space: pre-wrap; word-wrap: break-word; font-size: 0.85em; background: #f4f4f2; padding: 0.5em; }
code, kbd, samp { font-family: monospace; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
td, th { border: 1px solid #bbb; padding: 0.2em 0.45em; vertical-align: top; }
th { background: #eee; }
blockquote { margin: 1em 0 1em 0.8em; padding-left: 0.8em; border-left: 3px solid #ccc; }
[dir="rtl"] blockquote { margin: 1em 0.8em 1em 0; padding: 0 0.8em 0 0; border-left: none; border-right: 3px solid #ccc; }
.missing { color: #777; font-style: italic; }
div.dd { margin-left: 1.5em; }
section.notes { margin-top: 2em; border-top: 1px solid #bbb; }
aside.note p { margin: 0.3em 0; }
p.note-date { font-size: 0.8em; color: #777; }
body.cover { text-align: center; }
body.cover ol.articles { text-align: left; }
body.cover ol.articles li { margin: 0.4em 0; }
[dir="rtl"] body.cover ol.articles { text-align: right; }
body.cover .cover-image img { max-height: 60vh; }
.site, p.made, p.count { color: #666; font-size: 0.9em; }
`
