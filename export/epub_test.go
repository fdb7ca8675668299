package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/bmp"

	"github.com/folio-app/folio/reader"
)

var epubNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// epubcheck runs the reference EPUB validator, which CI installs (the
// Debian package epubcheck); a missing validator fails the test rather
// than skipping what it checks. Warnings fail it too.
func epubcheck(t *testing.T, book string) {
	t.Helper()
	bin, err := exec.LookPath("epubcheck")
	if err != nil {
		t.Fatalf("epubcheck not found: install the Debian package epubcheck (make test does): %v", err)
	}
	args := []string{book}
	if real, err := filepath.EvalSymlinks(bin); err == nil && strings.HasSuffix(real, ".jar") {
		// Debian's epubcheck is the jar itself, started through binfmt_misc
		// where that is set up; java runs it everywhere. The flags halve
		// its start-up time.
		bin, args = "java", []string{"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", real, book}
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("No errors or warnings detected")) {
		t.Errorf("epubcheck %s: %v\n%s", filepath.Base(book), err, out)
	}
}

// epubFiles reads a book back: its entries in order and their bytes.
type epubFiles struct {
	names []string
	files map[string][]byte
	zr    *zip.Reader
}

func readEPUB(t *testing.T, path string) epubFiles {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s is not a ZIP: %v", path, err)
	}
	e := epubFiles{files: map[string][]byte{}, zr: zr}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		e.names = append(e.names, f.Name)
		e.files[f.Name] = b
	}
	return e
}

// page returns a file of the book, failing when it is missing.
func (e epubFiles) page(t *testing.T, name string) string {
	t.Helper()
	b, ok := e.files["OEBPS/"+name]
	if !ok {
		t.Fatalf("book has no %s (has %v)", name, e.names)
	}
	return string(b)
}

// xdoc is a parsed XML document, as a tree.
type xdoc struct {
	name  xml.Name
	attrs map[string]string // local name (or prefix:local for xml: and epub:) → value
	kids  []*xdoc
	text  string // for character data
}

// parseXML parses strictly, as an XML e-reader does: anything not well
// formed fails the test.
func parseXML(t *testing.T, name, src string) *xdoc {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(src))
	d.Strict = true
	root := &xdoc{}
	stack := []*xdoc{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		top := stack[len(stack)-1]
		switch v := tok.(type) {
		case xml.StartElement:
			n := &xdoc{name: v.Name, attrs: map[string]string{}}
			for _, a := range v.Attr {
				key := a.Name.Local
				switch a.Name.Space {
				case "http://www.w3.org/XML/1998/namespace":
					key = "xml:" + key
				case nsOPS:
					key = "epub:" + key
				}
				n.attrs[key] = a.Value
			}
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.kids = append(top.kids, &xdoc{text: string(v)})
		}
	}
	return root
}

// all returns the elements named local, in document order.
func (n *xdoc) all(local string) []*xdoc {
	var out []*xdoc
	var walkX func(n *xdoc)
	walkX = func(n *xdoc) {
		if n.name.Local == local {
			out = append(out, n)
		}
		for _, k := range n.kids {
			walkX(k)
		}
	}
	walkX(n)
	return out
}

func (n *xdoc) textContent() string {
	var b strings.Builder
	var walkX func(n *xdoc)
	walkX = func(n *xdoc) {
		b.WriteString(n.text)
		for _, k := range n.kids {
			walkX(k)
		}
	}
	walkX(n)
	return b.String()
}

func (n *xdoc) first(t *testing.T, local string) *xdoc {
	t.Helper()
	all := n.all(local)
	if len(all) == 0 {
		t.Fatalf("no <%s> in the document", local)
	}
	return all[0]
}

// opfInfo is what the tests read from the package document.
type opfInfo struct {
	title, modified string
	dc              map[string][]string // local name → values
	manifest        map[string]*xdoc    // href → item
	spine           []*xdoc
	spineAttrs      map[string]string
}

func readOPF(t *testing.T, e epubFiles) opfInfo {
	t.Helper()
	doc := parseXML(t, "content.opf", e.page(t, "content.opf"))
	o := opfInfo{dc: map[string][]string{}, manifest: map[string]*xdoc{}}
	md := doc.first(t, "metadata")
	for _, k := range md.kids {
		if k.name.Space == "http://purl.org/dc/elements/1.1/" {
			o.dc[k.name.Local] = append(o.dc[k.name.Local], k.textContent())
		}
		if k.name.Local == "meta" && k.attrs["property"] == "dcterms:modified" {
			o.modified = k.textContent()
		}
	}
	for _, it := range doc.all("item") {
		o.manifest[it.attrs["href"]] = it
	}
	sp := doc.first(t, "spine")
	o.spine, o.spineAttrs = sp.all("itemref"), sp.attrs
	return o
}

func writeEPUB(t testing.TB, items []Item, store ImageStore, opts EPUBOptions) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "book.epub")
	if opts.Now.IsZero() {
		opts.Now = epubNow
	}
	if err := EPUBFile(context.Background(), p, items, store, opts); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkLinks follows every link inside the book: each must reach a file of
// the book and, with a fragment, an id on that page.
func checkLinks(t *testing.T, e epubFiles) {
	t.Helper()
	ids := map[string]map[string]bool{}
	docs := map[string]*xdoc{}
	for _, name := range e.names {
		if strings.HasSuffix(name, ".xhtml") {
			d := parseXML(t, name, string(e.files[name]))
			docs[name] = d
			ids[name] = map[string]bool{}
			var collect func(n *xdoc)
			collect = func(n *xdoc) {
				if id := n.attrs["id"]; id != "" {
					if ids[name][id] {
						t.Errorf("%s: id %q used twice", name, id)
					}
					ids[name][id] = true
				}
				for _, k := range n.kids {
					collect(k)
				}
			}
			collect(d)
		}
	}
	for name, d := range docs {
		for _, attr := range []struct{ el, key string }{{"a", "href"}, {"img", "src"}, {"link", "href"}} {
			for _, n := range d.all(attr.el) {
				ref, ok := n.attrs[attr.key]
				if !ok || strings.Contains(ref, "://") || strings.HasPrefix(ref, "mailto:") {
					continue
				}
				file, frag, _ := strings.Cut(ref, "#")
				target := name
				if file != "" {
					target = path.Join(path.Dir(name), file)
				}
				if _, ok := e.files[target]; !ok {
					t.Errorf("%s: <%s %s=%q> leads to no file of the book", name, attr.el, attr.key, ref)
					continue
				}
				if frag != "" && !ids[target][frag] {
					t.Errorf("%s: <%s %s=%q> leads to no id on %s", name, attr.el, attr.key, ref, target)
				}
			}
		}
	}
}

func TestEPUBOneArticle(t *testing.T) {
	t.Parallel()
	it := seedItem(t)
	book := writeEPUB(t, []Item{it}, &dirStore{}, EPUBOptions{})
	e := readEPUB(t, book)

	// The container: mimetype first, stored, without extra fields.
	if e.names[0] != "mimetype" || string(e.files["mimetype"]) != "application/epub+zip" {
		t.Fatalf("first entry %q = %q", e.names[0], e.files[e.names[0]])
	}
	if f := e.zr.File[0]; f.Method != zip.Store || len(f.Extra) != 0 {
		t.Errorf("mimetype entry: method %d, %d bytes of extra fields; want stored, none", f.Method, len(f.Extra))
	}
	if c := string(e.files["META-INF/container.xml"]); !strings.Contains(c, `full-path="OEBPS/content.opf"`) {
		t.Errorf("container.xml = %s", c)
	}

	// Metadata.
	o := readOPF(t, e)
	want := map[string][]string{
		"title":     {it.Title},
		"language":  {"vi"},
		"creator":   {it.Byline},
		"publisher": {it.SiteName},
		"date":      {"2022-01-13"},
		"source":    {it.URL},
		"subject":   it.Tags,
	}
	for k, v := range want {
		if !slices.Equal(o.dc[k], v) {
			t.Errorf("dc:%s = %q, want %q", k, o.dc[k], v)
		}
	}
	if o.modified != "2026-12-01T10:00:00Z" {
		t.Errorf("dcterms:modified = %q", o.modified)
	}
	var spine []string
	for _, r := range o.spine {
		spine = append(spine, r.attrs["idref"]+"/"+r.attrs["linear"])
	}
	if !slices.Equal(spine, []string{"cover/", "a001/", "nav/no"}) {
		t.Errorf("spine = %v, want cover, a001, then the contents out of the reading order", spine)
	}
	if d := o.spineAttrs["page-progression-direction"]; d != "" {
		t.Errorf("a Vietnamese book turns its pages %q", d)
	}

	// The page: well-formed, in Vietnamese, with the text, the metadata
	// block, the images from the library and the note as a footnote.
	pageSrc := e.page(t, "a001.xhtml")
	page := parseXML(t, "a001.xhtml", pageSrc)
	html := page.first(t, "html")
	if html.attrs["lang"] != "vi" || html.attrs["xml:lang"] != "vi" || html.attrs["dir"] != "" {
		t.Errorf("<html> attributes %v, want lang and xml:lang vi, no dir", html.attrs)
	}
	text := normalize(page.first(t, "body").textContent())
	for _, p := range paragraphs(it.Text) {
		if !strings.Contains(text, p) {
			t.Errorf("page lacks the paragraph %q", p)
		}
	}
	for _, s := range []string{it.Byline + " · " + it.SiteName, "Published 13 January 2022 · saved 27 November 2026",
		"Source: " + it.URL, "Tags: dân vận, quy chế dân chủ", "Đọc lại phần về *quy chế dân chủ*: số liệu 2021."} {
		if !strings.Contains(text, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if !strings.Contains(pageSrc, "Tiếp tục đổi mới") {
		t.Error("page text is not in NFC")
	}
	imgs := page.all("img")
	if len(imgs) != 4 {
		t.Fatalf("page shows %d images, want 4", len(imgs))
	}
	for i, img := range imgs {
		src := img.attrs["src"]
		got := e.files["OEBPS/"+src]
		wantBytes, err := os.ReadFile(filepath.Join(seedDir, filepath.FromSlash(strings.TrimPrefix(it.Images[i].URL, fixtureHost))))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wantBytes) {
			t.Errorf("image %d (%s): %d bytes in the book, want the library's %d", i, src, len(got), len(wantBytes))
		}
		if m := o.manifest[src]; m == nil || m.attrs["media-type"] != "image/png" {
			t.Errorf("image %s not in the manifest as image/png: %v", src, m)
		}
	}
	if n := len(page.all("figcaption")); n != 4 {
		t.Errorf("%d captions, want 4", n)
	}
	lead := strings.TrimPrefix(it.LeadImage, fixtureHost)
	for href, m := range o.manifest {
		isCover := strings.Contains(m.attrs["properties"], "cover-image")
		if got := e.files["OEBPS/"+href]; isCover {
			wantBytes, _ := os.ReadFile(filepath.Join(seedDir, filepath.FromSlash(lead)))
			if !bytes.Equal(got, wantBytes) {
				t.Errorf("the cover image %s is not the lead image %s", href, lead)
			}
		}
	}
	refs := page.all("a")
	var noteref, footnote *xdoc
	for _, a := range refs {
		if a.attrs["epub:type"] == "noteref" {
			noteref = a
		}
	}
	for _, a := range page.all("aside") {
		if a.attrs["epub:type"] == "footnote" {
			footnote = a
		}
	}
	if noteref == nil || footnote == nil || noteref.attrs["href"] != "#"+footnote.attrs["id"] ||
		!strings.Contains(footnote.textContent(), "số liệu 2021") {
		t.Errorf("note: noteref %v, footnote %v; want a noteref pointing at a footnote holding the note", noteref, footnote)
	}

	// Contents: the article, its headings and its notes.
	nav := parseXML(t, "nav.xhtml", e.page(t, "nav.xhtml"))
	var toc *xdoc
	for _, n := range nav.all("nav") {
		if n.attrs["epub:type"] == "toc" {
			toc = n
		}
	}
	if toc == nil {
		t.Fatal("nav.xhtml has no toc nav")
	}
	var entries []string
	for _, a := range toc.all("a") {
		entries = append(entries, a.textContent()+" → "+a.attrs["href"])
	}
	wantTOC := []string{
		it.Title + " → a001.xhtml",
		"Đổi mới nội dung, phương thức trong công tác dân vận → a001.xhtml#a001h1",
		"Tiếp tục đổi mới nội dung và phương thức trong công tác dân vận → a001.xhtml#a001h2",
		"Notes → a001.xhtml#a001notes",
	}
	if !slices.Equal(entries, wantTOC) {
		t.Errorf("contents:\n%s\nwant:\n%s", strings.Join(entries, "\n"), strings.Join(wantTOC, "\n"))
	}
	ncx := parseXML(t, "toc.ncx", e.page(t, "toc.ncx"))
	if n := len(ncx.all("navPoint")); n != len(wantTOC) {
		t.Errorf("toc.ncx has %d entries, want %d", n, len(wantTOC))
	}
	cover := normalize(parseXML(t, "cover.xhtml", e.page(t, "cover.xhtml")).textContent())
	for _, s := range []string{it.Title, it.Byline, it.SiteName, "13 January 2022"} {
		if !strings.Contains(cover, s) {
			t.Errorf("cover lacks %q", s)
		}
	}
	checkLinks(t, e)
	epubcheck(t, book)
}

// messyItem is an article whose stored HTML breaks every rule an EPUB page
// must keep, with images in each format the library may hold.
func messyItem(t testing.TB) (Item, mapStore) {
	t.Helper()
	body, err := os.ReadFile("../testdata/export/messy.html")
	if err != nil {
		t.Fatal(err)
	}
	st := mapStore{}
	for u, f := range map[string]string{"/images/gopher.webp": "gopher-doc.with-alpha.lossless.webp", "/images/rose.avif": "gradient.avif"} {
		d, err := os.ReadFile("../testdata/export/" + f)
		if err != nil {
			t.Fatal(err)
		}
		st[fixtureHost+u] = d
	}
	img := image.NewRGBA(image.Rect(0, 0, 3, 3))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := bmp.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	st[fixtureHost+"/images/dot.bmp"] = b.Bytes()
	st[fixtureHost+"/images/logo.svg"] = []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`)
	return Item{ID: 9, Article: reader.Article{URL: fixtureHost + "/messy.html", Title: "Messy <HTML> & friends",
		Lang: "en", HTML: string(body)}, Saved: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, st
}

// arabicItem is a right-to-left article whose page declares no language:
// its text decides the direction.
func arabicItem() Item {
	text := "هذه فقرة أولى باللغة العربية تتحدث عن الأرشيف الشخصي للمقالات وكيفية حفظها للقراءة لاحقا."
	return Item{ID: 11, Article: reader.Article{URL: fixtureHost + "/ar.html", Title: "مقالة باللغة العربية", SiteName: "موقع",
		HTML: "<p>" + text + "</p><blockquote><p>اقتباس قصير من النص.</p></blockquote><h2>عنوان فرعي</h2>" +
			`<p>فقرة ثانية مع <a href="https://example.org/">رابط</a>.</p>`, Text: text},
		Saved: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Notes: []Note{{Text: "ملاحظة", Created: time.Date(2026, 1, 3, 3, 4, 5, 0, time.UTC)}}}
}

// bothStores serves the seed's images and a map's.
type bothStores struct {
	dir *dirStore
	m   mapStore
}

func (s bothStores) Image(ctx context.Context, id int64, u string) (string, []byte, error) {
	if ct, b, err := s.m.Image(ctx, id, u); err == nil {
		return ct, b, nil
	}
	return s.dir.Image(ctx, id, u)
}

func TestEPUBCombined(t *testing.T) {
	t.Parallel()
	messy, st := messyItem(t)
	other := structuresItem(t)
	other.URL = fixtureHost + "/other/article.html" // messy.html links to it
	items := []Item{seedItem(t), other, messy, arabicItem()}
	book := writeEPUB(t, items, bothStores{&dirStore{}, st}, EPUBOptions{Title: "Tag: dân vận"})
	e := readEPUB(t, book)
	o := readOPF(t, e)

	if got := o.dc["title"]; !slices.Equal(got, []string{"Tag: dân vận"}) {
		t.Errorf("dc:title = %q", got)
	}
	// Every language of the book, the articles' own first.
	if got := o.dc["language"]; !slices.Equal(got, []string{"vi", "en"}) {
		t.Errorf("dc:language = %q, want vi, en (the Arabic article declares none)", got)
	}
	var spine []string
	for _, r := range o.spine {
		spine = append(spine, r.attrs["idref"])
	}
	if !slices.Equal(spine, []string{"cover", "nav", "a001", "a002", "a003", "a004"}) {
		t.Errorf("spine = %v", spine)
	}
	if d := o.spineAttrs["page-progression-direction"]; d != "" {
		t.Errorf("a mixed book turns its pages %q, want the default", d)
	}

	// Per-article language and direction.
	for file, want := range map[string][2]string{"a001.xhtml": {"vi", ""}, "a002.xhtml": {"", ""}, "a003.xhtml": {"en", ""}, "a004.xhtml": {"", "rtl"}} {
		h := parseXML(t, file, e.page(t, file)).first(t, "html")
		if h.attrs["lang"] != want[0] || h.attrs["dir"] != want[1] {
			t.Errorf("%s: lang %q dir %q, want %q %q", file, h.attrs["lang"], h.attrs["dir"], want[0], want[1])
		}
	}

	// The structures survive: table, code, ordered list, quote; a missing
	// image becomes a link to where it was.
	s := parseXML(t, "a002.xhtml", e.page(t, "a002.xhtml"))
	if n := len(s.all("td")); n != 6 {
		t.Errorf("structures: %d table cells, want 6", n)
	}
	if code := s.first(t, "pre").textContent(); !strings.Contains(code, "func chào() string {\n\treturn") {
		t.Errorf("structures: code lost its lines or tabs: %q", code)
	}
	if ol := s.all("ol"); len(ol) < 2 || ol[1].attrs["start"] != "3" {
		t.Errorf("structures: the second ordered list does not start at 3")
	}
	var missing bool
	for _, a := range s.all("a") {
		missing = missing || a.attrs["href"] == fixtureHost+"/images/missing.png" && strings.Contains(a.textContent(), "Ảnh không còn")
	}
	if !missing {
		t.Error("structures: the missing image is not a link to the original with its description")
	}

	// The messy page: nothing executable, each image format converted.
	msrc := e.page(t, "a003.xhtml")
	for _, bad := range []string{"<script", "<iframe", "<style", "onclick", "javascript:", "<input", "<video", "<svg", "align=", "\x01"} {
		if strings.Contains(msrc, bad) {
			t.Errorf("messy page still holds %q", bad)
		}
	}
	m := parseXML(t, "a003.xhtml", msrc)
	formats := map[string]string{}
	for _, img := range m.all("img") {
		data := e.files["OEBPS/"+img.attrs["src"]]
		_, f, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Errorf("image %s does not decode: %v", img.attrs["src"], err)
		}
		formats[img.attrs["alt"]] = f
		if mt := o.manifest[img.attrs["src"]].attrs["media-type"]; mt != "image/"+f {
			t.Errorf("image %s is %s, listed as %s", img.attrs["src"], f, mt)
		}
	}
	wantFormats := map[string]string{"Gopher": "png", "Rose (AVIF)": "jpeg", "dot": "png"}
	if fmt.Sprint(formats) != fmt.Sprint(wantFormats) {
		t.Errorf("images by alt text → format: %v, want %v", formats, wantFormats)
	}
	mtext := normalize(m.textContent())
	for _, s := range []string{"block inside a span", "Heading with blocks inside", "An item outside any list",
		"Definition before its term", "Header with a heading", "Nested table", "Une phrase en français.",
		"Tiếng Việt", "[image: logo]", "漢", "Details body", "paragraph in a span"} {
		if !strings.Contains(mtext, s) {
			t.Errorf("messy page lost %q", s)
		}
	}
	var toOther, toSelf bool
	for _, a := range m.all("a") {
		toOther = toOther || a.attrs["href"] == "a002.xhtml"
		toSelf = toSelf || a.attrs["href"] == "#a003-top"
	}
	if !toOther || !toSelf {
		t.Errorf("links between the book's articles: to the other %v, to itself %v; want both inside the book", toOther, toSelf)
	}

	// Contents and cover: every article, headings nested by level.
	nav := parseXML(t, "nav.xhtml", e.page(t, "nav.xhtml"))
	top := nav.first(t, "ol")
	var titles []string
	for _, li := range top.kids {
		if li.name.Local == "li" {
			titles = append(titles, li.first(t, "a").textContent())
		}
	}
	if !slices.Equal(titles, []string{items[0].Title, items[1].Title, items[2].Title, items[3].Title}) {
		t.Errorf("contents lists %q", titles)
	}
	var nested bool
	for _, a := range nav.all("a") {
		if a.textContent() == "Danh sách lồng nhau" {
			nested = true
		}
	}
	structLI := top.kids[0]
	for _, li := range top.kids {
		if li.name.Local == "li" && li.first(t, "a").textContent() == items[1].Title {
			structLI = li
		}
	}
	// h2 "Danh sách lồng nhau" holds the three h3s under it.
	if h2 := structLI.all("ol"); !nested || len(h2) != 2 || len(h2[1].all("li")) != 3 {
		t.Errorf("structures' headings are not nested h2 > 3 × h3 in the contents")
	}
	cover := normalize(parseXML(t, "cover.xhtml", e.page(t, "cover.xhtml")).textContent())
	for _, it := range items {
		if !strings.Contains(cover, normalize(it.Title)) {
			t.Errorf("cover does not list %q", it.Title)
		}
	}
	checkLinks(t, e)
	epubcheck(t, book)
}

func TestEPUBRightToLeftBook(t *testing.T) {
	t.Parallel()
	ar := arabicItem()
	ar.Lang = "ar"
	book := writeEPUB(t, []Item{ar}, emptyStore{}, EPUBOptions{})
	e := readEPUB(t, book)
	o := readOPF(t, e)
	if d := o.spineAttrs["page-progression-direction"]; d != "rtl" {
		t.Errorf("page-progression-direction = %q, want rtl", d)
	}
	for _, f := range []string{"a001.xhtml", "cover.xhtml", "nav.xhtml"} {
		if h := parseXML(t, f, e.page(t, f)).first(t, "html"); h.attrs["dir"] != "rtl" || h.attrs["lang"] != "ar" {
			t.Errorf("%s: <html> %v, want dir rtl lang ar", f, h.attrs)
		}
	}
	epubcheck(t, book)
}

func TestIsRTL(t *testing.T) {
	for _, c := range []struct {
		lang, text string
		want       bool
	}{
		{"ar", "", true},
		{"he-IL", "", true},
		{"fa", "", true},
		{"vi", "", false},
		{"", "", false},
		{"en", strings.Repeat("مقالة باللغة العربية ", 10), true},                  // the text outweighs the template's lang
		{"ar", strings.Repeat("An English article on an Arabic site. ", 5), false}, // and the other way round
		{"ur", "short", true},
	} {
		if got := isRTL(c.lang, c.text, ""); got != c.want {
			t.Errorf("isRTL(%q, %.20q) = %v, want %v", c.lang, c.text, got, c.want)
		}
	}
}

func TestEPUBsOnePerArticle(t *testing.T) {
	dir := t.TempDir()
	it := seedItem(t)
	if err := os.WriteFile(filepath.Join(dir, Slug(it.Title)+".epub"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	var progress []int
	paths, err := EPUBs(context.Background(), dir, []Item{it, structuresItem(t)}, &dirStore{},
		EPUBOptions{Now: epubNow, Progress: func(done, total int) { progress = append(progress, done, total) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, Slug(it.Title)+"-2.epub"), filepath.Join(dir, "cau-truc-bang-ma-danh-sach.epub")}
	if !slices.Equal(paths, want) {
		t.Errorf("EPUBs wrote %q, want %q", paths, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, Slug(it.Title)+".epub")); string(b) != "mine" {
		t.Error("an existing file was overwritten")
	}
	if !slices.Equal(progress, []int{1, 2, 2, 2}) {
		t.Errorf("progress %v", progress)
	}
	for _, p := range paths {
		if o := readOPF(t, readEPUB(t, p)); len(o.dc["title"]) != 1 || o.dc["title"][0] == "" {
			t.Errorf("%s: title %q", p, o.dc["title"])
		}
	}
}

func TestEPUBCancelledLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	store := &dirStore{onCall: func(n int) {
		if n == 2 {
			cancel()
		}
	}}
	err := EPUBFile(ctx, filepath.Join(dir, "book.epub"), []Item{seedItem(t)}, store, EPUBOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("EPUBFile after cancel = %v, want context.Canceled", err)
	}
	if names := listDir(t, dir); len(names) != 0 {
		t.Errorf("cancelled export left %v", names)
	}
}

// benchItems returns n articles: the seed and the structures page in turn,
// each at its own address.
func benchItems(b *testing.B, n int) []Item {
	seed, st := seedItem(b), structuresItem(b)
	items := make([]Item, n)
	for i := range items {
		it := seed
		if i%2 == 1 {
			it = st
		}
		it.URL = fmt.Sprintf("%s/%d", it.URL, i)
		it.ID = int64(i + 1)
		items[i] = it
	}
	return items
}

// benchStore serves the seed's images with the article id appended (after
// the PNG's end, where decoders stop reading): each article has pictures
// of its own, as in a real library, and the book holds them all.
type benchStore struct{ dirStore }

func (s *benchStore) Image(ctx context.Context, id int64, u string) (string, []byte, error) {
	ct, b, err := s.dirStore.Image(ctx, id, u)
	if err != nil {
		return ct, b, err
	}
	return ct, fmt.Appendf(b, "%d", id), nil
}

// BenchmarkEPUBOneArticle: the seed article with its four images (goal
// 100 ms).
func BenchmarkEPUBOneArticle(b *testing.B) {
	items := benchItems(b, 1)
	store := &benchStore{}
	for b.Loop() {
		if err := EPUB(context.Background(), io.Discard, items, store, EPUBOptions{Now: epubNow}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEPUB200Articles: 200 articles as one book (goal 5 s).
func BenchmarkEPUB200Articles(b *testing.B) {
	items := benchItems(b, 200)
	store := &benchStore{}
	for b.Loop() {
		if err := EPUB(context.Background(), io.Discard, items, store, EPUBOptions{Now: epubNow}); err != nil {
			b.Fatal(err)
		}
	}
}
