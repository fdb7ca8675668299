package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // image.DecodeConfig for GIF
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	_ "golang.org/x/image/webp" // image.Decode for WebP, re-encoded below
	"golang.org/x/text/unicode/norm"

	"github.com/folio-app/folio/assets"
	"github.com/folio-app/folio/reader"
)

// PageSize is the paper a PDF is laid out for.
type PageSize int

const (
	A4     PageSize = iota // 210 × 297 mm
	Letter                 // 8.5 × 11 in
)

// PDFOptions tune a PDF export.
type PDFOptions struct {
	PageSize PageSize
	// Progress, when set, is called after each article with how many of
	// total are done.
	Progress func(done, total int)
}

// Layout, in millimetres and points.
const (
	marginX    = 22.0
	marginTop  = 20.0
	marginBot  = 20.0 // the page number sits inside it
	bodyPt     = 10.5
	smallPt    = 8.5
	codePt     = 8.8
	leading    = 1.5 // line height as a multiple of the font size
	paraGap    = 2.6
	indentStep = 6.5
	ptMM       = 25.4 / 72
	pxMM       = 25.4 / 96 // CSS pixels
)

const (
	sans = "NotoSans"
	mono = "NotoSansMono"
)

var headingPt = [7]float64{0, 19, 15, 13, 11.5, 10.5, 10.5}

// PDFFile writes the items as one PDF at path, atomically: the PDF is laid
// out in memory, then written to a temporary file beside path that is
// moved to path once complete. It never replaces a file: when path exists
// the error wraps os.ErrExist.
func PDFFile(ctx context.Context, path string, items []Item, imgs ImageStore, opts PDFOptions) error {
	if exists(path) {
		return fmt.Errorf("write %s: %w", path, os.ErrExist)
	}
	var buf bytes.Buffer
	if err := PDF(ctx, &buf, items, imgs, opts); err != nil {
		return err
	}
	return atomicWriteFile(path, func(f *os.File) error {
		if _, err := buf.WriteTo(f); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}

// CombinedPDF writes the items as one PDF named name.pdf in dir, or
// name-2.pdf, name-3.pdf, … when the name is taken: like the other exports
// it never overwrites, also when two run in the same second. It returns
// the path written.
func CombinedPDF(ctx context.Context, dir, name string, items []Item, imgs ImageStore, opts PDFOptions) (string, error) {
	if err := ensureDir(dir); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := PDF(ctx, &buf, items, imgs, opts); err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for {
		path := filepath.Join(dir, freeName(dir, name, taken, ".pdf")+".pdf")
		tmp, err := writeTemp(dir, "."+filepath.Base(path)+".*.tmp", func(f *os.File) error {
			_, err := f.Write(buf.Bytes())
			return err
		})
		if err != nil {
			return "", err
		}
		err = placeNoClobber(tmp, path)
		os.Remove(tmp)
		if errors.Is(err, os.ErrExist) {
			continue // another export took the name since freeName looked
		}
		if err != nil {
			return "", err
		}
		syncDir(dir)
		return path, nil
	}
}

// PDF writes the items as one PDF to w: each article starts on a new page
// and has an entry in the document outline, with its title, a metadata
// block, the body with images and captions, and its notes at the end. An
// image the store does not have (or that cannot be embedded) is replaced by
// a short "[image unavailable: URL]" line; it never fails the export.
func PDF(ctx context.Context, w io.Writer, items []Item, imgs ImageStore, opts PDFOptions) error {
	size := "A4"
	if opts.PageSize == Letter {
		size = "Letter"
	}
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: size})
	d := &pdfDoc{f: f, ctx: ctx, imgs: imgs}
	d.setup(items)
	for i := range items {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("export pdf: %w", err)
		}
		if err := d.article(&items[i], i); err != nil {
			return fmt.Errorf("export %q to pdf: %w", items[i].Title, err)
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(items))
		}
	}
	if len(items) == 0 {
		f.AddPage() // a PDF needs a page
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("export pdf: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}

// pdfDoc is the layout state of one PDF being written.
type pdfDoc struct {
	f    *fpdf.Fpdf
	ctx  context.Context
	imgs ImageStore

	pageW, pageH float64
	y            float64
	bars         []float64 // x of the quote bars around the current text
	marker       string    // list marker waiting for the item's first line
	listDepth    int
	markerX      float64
	nImg         int
	checks       int // calls to cancelled, to look at ctx only now and then
}

// cancelled reports, cheaply enough to ask once per word, whether the
// export was cancelled: the layout loops ask it so that one huge
// paragraph cannot hold up a Cancel or Ctrl+C.
func (d *pdfDoc) cancelled() bool {
	d.checks++
	return d.checks%64 == 0 && d.ctx != nil && d.ctx.Err() != nil
}

func (d *pdfDoc) setup(items []Item) {
	f := d.f
	d.pageW, d.pageH = f.GetPageSize()
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(false, marginBot) // pages are broken by d.need
	f.SetCellMargin(0)
	f.AliasNbPages("{nb}")
	f.AddUTF8FontFromBytes(sans, "", assets.NotoSansRegular)
	f.AddUTF8FontFromBytes(sans, "B", assets.NotoSansBold)
	f.AddUTF8FontFromBytes(sans, "I", assets.NotoSansItalic)
	f.AddUTF8FontFromBytes(sans, "BI", assets.NotoSansBoldItalic)
	f.AddUTF8FontFromBytes(mono, "", assets.Mono)
	f.AddUTF8FontFromBytes(mono, "B", assets.MonoBold)
	f.SetFooterFunc(func() {
		f.SetFont(sans, "", smallPt)
		f.SetTextColor(120, 120, 120)
		s := strconv.Itoa(f.PageNo()) + " / {nb}"
		// Centre on the final width: "{nb}" is replaced later.
		w := f.GetStringWidth(strconv.Itoa(f.PageNo()) + " / " + strconv.Itoa(f.PageNo()))
		f.Text((d.pageW-w)/2, d.pageH-marginBot/2, s)
		f.SetTextColor(0, 0, 0)
	})

	f.SetCreator("Folio", true)
	f.SetProducer("Folio", true)
	var titles, authors, tags []string
	seen := map[string]bool{}
	for _, it := range items {
		titles = append(titles, oneLine(it.Title))
		if a := oneLine(it.Byline); a != "" && !seen["a:"+a] {
			seen["a:"+a] = true
			authors = append(authors, a)
		}
		for _, t := range it.Tags {
			if t = oneLine(t); t != "" && !seen["t:"+t] {
				seen["t:"+t] = true
				tags = append(tags, t)
			}
		}
	}
	switch len(items) {
	case 0:
	case 1:
		f.SetTitle(pdfText(titles[0]), true)
		f.SetSubject(items[0].URL, true)
		if items[0].Lang != "" {
			f.SetLang(items[0].Lang)
		}
	default:
		f.SetTitle(pdfText(strings.Join(titles, "; ")), true)
		f.SetSubject(fmt.Sprintf("%d articles exported from Folio", len(items)), true)
	}
	f.SetAuthor(pdfText(strings.Join(authors, ", ")), true)
	f.SetKeywords(pdfText(strings.Join(tags, ", ")), true)
}

// pdfText prepares plain text for the fonts: NFC, and only characters of
// the Basic Multilingual Plane, the range fpdf's UTF-8 fonts handle.
func pdfText(s string) string {
	s = norm.NFC.String(s)
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF || r < ' ' && r != '\n' {
			return -1
		}
		return r
	}, s)
}

func (d *pdfDoc) left() float64  { return marginX }
func (d *pdfDoc) width() float64 { return d.pageW - 2*marginX }
func (d *pdfDoc) bottom() float64 {
	return d.pageH - marginBot
}

func (d *pdfDoc) newPage() {
	d.f.AddPage()
	d.y = marginTop
}

// need starts a new page unless h more millimetres fit on this one.
func (d *pdfDoc) need(h float64) {
	if d.y+h > d.bottom() && d.y > marginTop {
		d.newPage()
	}
}

// advance moves down by h, drawing the bars of enclosing quotes alongside.
func (d *pdfDoc) advance(h float64) {
	if d.y+h > d.bottom() {
		h = d.bottom() - d.y
	}
	if h > 0 && len(d.bars) > 0 {
		d.f.SetDrawColor(190, 190, 190)
		d.f.SetLineWidth(0.8)
		for _, x := range d.bars {
			d.f.Line(x, d.y, x, d.y+h)
		}
	}
	d.y += h
}

func (d *pdfDoc) article(it *Item, idx int) error {
	f := d.f
	d.newPage()
	f.Bookmark(pdfText(oneLine(it.Title)), 0, -1)

	title := []span{{text: pdfText(oneLine(it.Title)), style: style{bold: true}}}
	if oneLine(it.Title) == "" {
		title[0].text = it.URL
	}
	d.paragraph(title, d.left(), d.width(), headingPt[1], 1.3)
	d.advance(2)
	d.metadata(it)

	blocks, err := parseBlocks(it.HTML, it.baseURL())
	if err != nil {
		return fmt.Errorf("parse article html: %w", err)
	}
	if err := d.blocks(it, blocks, d.left(), d.width()); err != nil {
		return err
	}

	if len(it.Notes) > 0 {
		d.advance(paraGap * 2)
		d.heading(2, []span{{text: "Notes", style: style{bold: true}}}, d.left(), d.width())
		for _, n := range it.Notes {
			d.need(3 * bodyPt * ptMM * leading)
			f.SetTextColor(90, 90, 90)
			d.paragraph([]span{{text: n.Created.Format("2006-01-02 15:04"), style: style{bold: true}}}, d.left(), d.width(), smallPt, leading)
			f.SetTextColor(0, 0, 0)
			d.paragraph(cleanSpans([]span{{text: n.Text}}), d.left(), d.width(), bodyPt, leading)
			d.advance(paraGap)
		}
	}
	return nil
}

// metadata writes the grey block under the title and a rule after it.
func (d *pdfDoc) metadata(it *Item) {
	f := d.f
	var lines [][]span
	add := func(label string, value ...span) {
		if len(value) == 0 || value[0].text == "" {
			return
		}
		lines = append(lines, append([]span{{text: label + " ", style: style{bold: true}}}, value...))
	}
	by := oneLine(it.Byline)
	if site := oneLine(it.SiteName); site != "" {
		if by != "" {
			by += " · "
		}
		by += site
	}
	if by != "" {
		lines = append(lines, []span{{text: pdfText(by)}})
	}
	var dates []string
	if !it.Published.IsZero() {
		dates = append(dates, "Published "+it.Published.Format("2006-01-02"))
	}
	if !it.Saved.IsZero() {
		dates = append(dates, "Saved "+it.Saved.Format("2006-01-02 15:04"))
	}
	if len(dates) > 0 {
		lines = append(lines, []span{{text: strings.Join(dates, " · ")}})
	}
	add("Source", span{text: it.URL, style: style{link: it.URL}})
	add("Tags", span{text: pdfText(strings.Join(it.Tags, ", "))})

	f.SetTextColor(95, 95, 95)
	for _, l := range lines {
		d.paragraph(l, d.left(), d.width(), smallPt+0.5, 1.45)
	}
	f.SetTextColor(0, 0, 0)
	d.advance(2)
	f.SetDrawColor(200, 200, 200)
	f.SetLineWidth(0.3)
	f.Line(d.left(), d.y, d.left()+d.width(), d.y)
	d.advance(5)
}

func (d *pdfDoc) blocks(it *Item, blocks []block, x, w float64) error {
	for i, b := range blocks {
		if i > 0 || b.kind != blockPara {
			if err := d.ctx.Err(); err != nil {
				return err
			}
		}
		switch b.kind {
		case blockPara:
			d.paragraph(b.spans, x, w, bodyPt, leading)
			if d.listDepth > 0 {
				d.advance(paraGap / 3) // list items sit closer than paragraphs
			} else {
				d.advance(paraGap)
			}
		case blockHeading:
			d.heading(b.level, b.spans, x, w)
		case blockList:
			if err := d.list(it, b, x, w); err != nil {
				return err
			}
		case blockQuote:
			d.advance(1)
			d.bars = append(d.bars, x+1.5)
			d.f.SetTextColor(70, 70, 70)
			if err := d.blocks(it, b.children, x+indentStep, w-indentStep); err != nil {
				return err
			}
			d.f.SetTextColor(0, 0, 0)
			d.bars = d.bars[:len(d.bars)-1]
			d.advance(1)
		case blockCode:
			d.code(b.code, x, w)
		case blockImage:
			if err := d.image(it, b, x, w); err != nil {
				return err
			}
		case blockTable:
			d.table(b, x, w)
		case blockRule:
			d.need(6)
			d.advance(2.5)
			d.f.SetDrawColor(200, 200, 200)
			d.f.SetLineWidth(0.3)
			d.f.Line(x+w/4, d.y, x+3*w/4, d.y)
			d.advance(3.5)
		}
	}
	return nil
}

func (d *pdfDoc) heading(level int, spans []span, x, w float64) {
	level = max(1, min(level, 6))
	pt := headingPt[level]
	lineH := pt * ptMM * 1.35
	// Keep a heading with at least two lines of what follows.
	d.need(lineH + 2*bodyPt*ptMM*leading + 3)
	if d.y > marginTop+1 {
		d.advance(pt * ptMM * 0.7)
	}
	bold := make([]span, len(spans))
	for i, s := range spans {
		s.bold = true
		bold[i] = s
	}
	d.paragraph(bold, x, w, pt, 1.35)
	d.advance(paraGap * 0.7)
}

func (d *pdfDoc) list(it *Item, b block, x, w float64) error {
	// Noto Sans has no white bullet (U+25E6), so deeper levels use a dash.
	bullets := []string{"•", "–", "·"}
	depth := d.listDepth
	d.listDepth++
	defer func() { d.listDepth-- }()
	for i, item := range b.items {
		if b.ordered {
			d.marker = strconv.Itoa(b.start+i) + "."
		} else {
			d.marker = bullets[depth%len(bullets)]
		}
		d.markerX = x + 1
		if err := d.blocks(it, item, x+indentStep, w-indentStep); err != nil {
			return err
		}
		d.marker = ""
	}
	if depth == 0 {
		d.advance(paraGap)
	}
	return nil
}

// line is one laid-out line: fragments with their x offset from the left
// of the text box.
type line struct {
	frags []frag
	width float64
}

type frag struct {
	text string
	style
	x, w float64
}

// setStyle selects the font for st at size pt.
func (d *pdfDoc) setStyle(st style, pt float64) {
	switch {
	case st.mono && st.bold:
		d.f.SetFont(mono, "B", pt*0.92)
	case st.mono:
		d.f.SetFont(mono, "", pt*0.92)
	case st.bold && st.italic:
		d.f.SetFont(sans, "BI", pt)
	case st.bold:
		d.f.SetFont(sans, "B", pt)
	case st.italic:
		d.f.SetFont(sans, "I", pt)
	default:
		d.f.SetFont(sans, "", pt)
	}
}

// wrap breaks spans into lines at most w wide, at spaces, or inside a word
// too long for a line.
func (d *pdfDoc) wrap(spans []span, w, pt float64) []line {
	var lines []line
	var cur line
	pendingSpace := false
	spaceW := map[style]float64{}
	emit := func() {
		lines = append(lines, cur)
		cur = line{}
		pendingSpace = false
	}
	put := func(text string, st style, tw float64) {
		x := cur.width
		if pendingSpace && len(cur.frags) > 0 {
			x += spaceW[st]
		}
		if n := len(cur.frags); n > 0 && cur.frags[n-1].style == st {
			f := &cur.frags[n-1]
			if pendingSpace {
				f.text += " "
			}
			f.text += text
			f.w = x + tw - f.x
		} else {
			cur.frags = append(cur.frags, frag{text: text, style: st, x: x, w: tw})
		}
		cur.width = x + tw
		pendingSpace = false
	}
	for _, s := range spans {
		if s.text == "\n" {
			emit()
			continue
		}
		// fpdf indexes past the end of text that is not UTF-8 (a stored
		// body from an older library or an export may hold stray bytes).
		s.text = strings.ToValidUTF8(s.text, "\uFFFD")
		d.setStyle(s.style, pt)
		if _, ok := spaceW[s.style]; !ok {
			spaceW[s.style] = d.f.GetStringWidth(" ")
		}
		words := strings.Split(s.text, " ")
		for i, word := range words {
			if d.cancelled() {
				return lines
			}
			if i > 0 {
				pendingSpace = len(cur.frags) > 0
			}
			if word == "" {
				continue
			}
			ww := d.f.GetStringWidth(word)
			sp := 0.0
			if pendingSpace {
				sp = spaceW[s.style]
			}
			if len(cur.frags) > 0 && cur.width+sp+ww > w {
				emit()
			}
			if ww > w {
				// A word longer than a line (a URL, say) is cut into
				// pieces that fit, in one pass over its letters; the
				// line is empty here (emitted above).
				for j, piece := range d.splitWord(word, w-cur.width, w) {
					if j > 0 {
						emit()
					}
					put(piece.text, s.style, piece.w)
				}
				continue
			}
			put(word, s.style, ww)
		}
	}
	if len(cur.frags) > 0 {
		emit()
	}
	return lines
}

type wordPiece struct {
	text string
	w    float64
}

// splitWord cuts word into pieces: the first at most first wide, the
// others at most w, each at least one letter. Widths add up letter by
// letter (fpdf measures a string as the sum of its letters), so the cost
// is linear in the word's length, where trying ever shorter prefixes made
// a 20,000-letter word take most of a minute.
func (d *pdfDoc) splitWord(word string, first, w float64) []wordPiece {
	var out []wordPiece
	limit := first
	start, width := 0, 0.0
	for i, r := range word {
		rw := d.f.GetStringWidth(string(r))
		if width+rw > limit && i > start {
			out = append(out, wordPiece{word[start:i], width})
			start, width, limit = i, 0, w
		}
		width += rw
	}
	return append(out, wordPiece{word[start:], width})
}

// paragraph lays out spans at x in a box w wide, breaking pages as needed.
func (d *pdfDoc) paragraph(spans []span, x, w, pt, lead float64) {
	lineH := pt * ptMM * lead
	for _, l := range d.wrap(spans, w, pt) {
		d.need(lineH)
		d.drawLine(l, x, d.y, lineH, pt)
		d.advance(lineH)
	}
}

// drawLine draws one line with its top at y.
func (d *pdfDoc) drawLine(l line, x, y, lineH, pt float64) {
	f := d.f
	base := y + lineH/2 + pt*ptMM*0.35
	if d.marker != "" {
		f.SetFont(sans, "", pt)
		f.Text(d.markerX, base, d.marker)
		d.marker = ""
	}
	r, g, b := f.GetTextColor()
	for _, fr := range l.frags {
		d.setStyle(fr.style, pt)
		if fr.link != "" {
			f.SetTextColor(20, 80, 170)
		}
		f.Text(x+fr.x, base, fr.text)
		if fr.link != "" {
			f.LinkString(x+fr.x, y, fr.w, lineH, fr.link)
			f.SetTextColor(r, g, b)
		}
	}
}

func (d *pdfDoc) code(code string, x, w float64) {
	f := d.f
	pt := codePt
	lineH := pt * ptMM * 1.45
	pad := 2.5
	f.SetFont(mono, "", pt)
	var lines []string
	for _, l := range strings.Split(pdfText(code), "\n") {
		if d.cancelled() {
			break
		}
		if f.GetStringWidth(l) <= w-2*pad {
			lines = append(lines, l)
			continue
		}
		for _, p := range d.splitWord(l, w-2*pad, w-2*pad) {
			lines = append(lines, p.text)
		}
	}
	d.need(min(float64(len(lines)), 3)*lineH + 2*pad)
	f.SetFillColor(244, 244, 242)
	f.Rect(x, d.y, w, pad, "F")
	d.advance(pad)
	for _, l := range lines {
		d.need(lineH + pad)
		f.SetFillColor(244, 244, 242)
		f.Rect(x, d.y, w, lineH, "F")
		f.SetFont(mono, "", pt)
		f.Text(x+pad, d.y+lineH/2+pt*ptMM*0.35, l)
		d.advance(lineH)
	}
	f.Rect(x, d.y, w, pad, "F")
	d.advance(pad + paraGap)
}

// image draws one image scaled to fit the text width (and a share of the
// page height), centred, with its caption under it.
func (d *pdfDoc) image(it *Item, b block, x, w float64) error {
	f := d.f
	_, data, ok, err := it.image(d.ctx, d.imgs, b.src)
	if err != nil {
		return fmt.Errorf("load image %s: %w", b.src, err)
	}
	var name string
	var iw, ih float64
	if ok {
		name, iw, ih = d.register(data)
	}
	if name == "" {
		f.SetTextColor(120, 120, 120)
		d.paragraph([]span{{text: "[image unavailable: " + b.src + "]", style: style{italic: true}}}, x, w, smallPt, leading)
		f.SetTextColor(0, 0, 0)
	} else {
		dw, dh := iw*pxMM, ih*pxMM
		maxH := (d.bottom() - marginTop) * 0.6
		if dw > w {
			dw, dh = w, dh*w/dw
		}
		if dh > maxH {
			dw, dh = dw*maxH/dh, maxH
		}
		capH := 0.0
		if b.caption != "" {
			capH = smallPt * ptMM * leading
		}
		d.need(dh + capH + 2)
		d.advance(1)
		f.ImageOptions(name, x+(w-dw)/2, d.y, dw, dh, false, fpdf.ImageOptions{}, 0, "")
		d.advance(dh + 1.5)
	}
	if b.caption != "" {
		f.SetTextColor(90, 90, 90)
		pt := smallPt + 0.5
		lineH := pt * ptMM * 1.4
		for _, l := range d.wrap([]span{{text: b.caption, style: style{italic: true}}}, w*0.9, pt) {
			d.need(lineH)
			d.drawLine(l, x+(w-l.width)/2, d.y, lineH, pt)
			d.advance(lineH)
		}
		f.SetTextColor(0, 0, 0)
	}
	d.advance(paraGap + 1)
	return nil
}

// register adds image bytes to the PDF and returns its name and size in
// pixels; name is "" when the image cannot be embedded. PNG, JPEG and GIF
// go in as they are; WebP, which fpdf does not read, and PNGs it cannot
// read (16-bit, interlaced) are re-encoded first.
// The bytes decide the format, not the stored content type: servers often
// mislabel images.
func (d *pdfDoc) register(data []byte) (string, float64, float64) {
	if reader.IsSVG("", data) {
		png, err := reader.RasterizeSVG(data)
		if err != nil {
			return "", 0, 0
		}
		data = png
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return "", 0, 0 // SVG, AVIF, or broken
	}
	if cfg.Width*cfg.Height > maxImagePixels {
		return "", 0, 0 // a few compressed bytes can claim gigabytes once decoded
	}
	if format == "webp" || format == "avif" || format == "png" && pngNeedsReencode(data) {
		if data, format, err = reencode(data); err != nil {
			return "", 0, 0
		}
	}
	d.nImg++
	name := "img" + strconv.Itoa(d.nImg)
	if !d.registerSafely(name, format, data) {
		return "", 0, 0
	}
	if d.f.Err() {
		// fpdf stops at its first error; an image it cannot read must not
		// sink the whole document.
		d.f.ClearError()
		return "", 0, 0
	}
	return name, float64(cfg.Width), float64(cfg.Height)
}

// registerSafely hands the image to fpdf, which panics on some broken
// files ("short buffer" on a truncated PNG): such an image is reported as
// not embeddable instead of ending the export.
func (d *pdfDoc) registerSafely(name, format string, data []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			d.f.ClearError()
			ok = false
		}
	}()
	d.f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: format}, bytes.NewReader(data))
	return true
}

// maxImagePixels bounds the images a PDF embeds: a photo of 40 megapixels
// is already far beyond what a printed page shows.
const maxImagePixels = 40_000_000

// reencode decodes an image fpdf cannot embed and encodes it again as an
// 8-bit, non-interlaced image, flattened onto white (the page colour), and
// returns the bytes with their fpdf image type. Pictures that were lossy
// already (lossy WebP, with or without alpha, decodes to YCbCr; AVIF) become JPEG
// at quality 90: another lossy generation at that quality cannot be seen,
// and as PNG they come out 4–6 times larger. Everything else (lossless
// WebP, deep or interlaced PNG: usually diagrams, screenshots, line art)
// stays lossless as PNG, where JPEG would smear edges and often be larger.
func reencode(data []byte) ([]byte, string, error) {
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("decode image: %w", err)
	}
	// AVIF is a photo codec, lossy almost always, but decodes to RGBA.
	lossy := format == "avif"
	flat := image.NewNRGBA(img.Bounds())
	draw.Draw(flat, flat.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), img, img.Bounds().Min, draw.Over)
	var buf bytes.Buffer
	switch img.(type) {
	case *image.YCbCr, *image.NYCbCrA:
		lossy = true
	}
	if lossy {
		if err := jpeg.Encode(&buf, flat, &jpeg.Options{Quality: 90}); err != nil {
			return nil, "", fmt.Errorf("encode jpeg: %w", err)
		}
		return buf.Bytes(), "jpeg", nil
	}
	if err := png.Encode(&buf, flat); err != nil {
		return nil, "", fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), "png", nil
}

// pngNeedsReencode reports a PNG that fpdf cannot embed as is.
func pngNeedsReencode(data []byte) bool {
	if len(data) < 29 || http.DetectContentType(data) != "image/png" {
		return true
	}
	bitDepth, interlace := data[24], data[28]
	return bitDepth > 8 || interlace != 0
}

// table draws a grid with wrapped cells; the header row is bold and shaded.
func (d *pdfDoc) table(b block, x, w float64) {
	f := d.f
	pt := bodyPt - 1
	lineH := pt * ptMM * 1.4
	pad := 1.6
	cols := 0
	for _, r := range b.rows {
		cols = max(cols, len(r))
	}
	// Column widths share w in proportion to each column's natural width,
	// but never below its longest word.
	nat := make([]float64, cols)
	minW := make([]float64, cols)
	for _, r := range b.rows {
		for i, c := range r {
			for _, s := range c.spans {
				d.setStyle(s.style, pt)
				for _, word := range strings.Fields(s.text) {
					minW[i] = max(minW[i], f.GetStringWidth(word)+2*pad)
				}
			}
		}
	}
	for _, r := range b.rows {
		for i, c := range r {
			tw := 0.0
			for _, s := range c.spans {
				d.setStyle(s.style, pt)
				tw += f.GetStringWidth(s.text)
			}
			nat[i] = max(nat[i], tw+2*pad, minW[i])
		}
	}
	widths := columnWidths(nat, minW, w)
	d.advance(1)
	f.SetDrawColor(150, 150, 150)
	f.SetLineWidth(0.2)
	for _, r := range b.rows {
		wrapped := make([][]line, cols)
		rowH := lineH + 2*pad
		header := false
		for i, c := range r {
			wrapped[i] = d.wrap(c.spans, widths[i]-2*pad, pt)
			rowH = max(rowH, float64(len(wrapped[i]))*lineH+2*pad)
			header = header || c.header
		}
		d.need(rowH)
		cx := x
		for i := range cols {
			if header {
				f.SetFillColor(236, 236, 236)
				f.Rect(cx, d.y, widths[i], rowH, "FD")
			} else {
				f.Rect(cx, d.y, widths[i], rowH, "D")
			}
			for j, l := range wrapped[i] {
				d.drawLine(l, cx+pad, d.y+pad+float64(j)*lineH, lineH, pt)
			}
			cx += widths[i]
		}
		d.advance(rowH)
	}
	d.advance(paraGap + 1)
}

// columnWidths shares w among columns: a column whose natural width is
// within its fair share gets it, the rest share what is left in
// proportion to their natural width, never below their longest word
// unless even the longest words do not fit.
func columnWidths(nat, minW []float64, w float64) []float64 {
	n := len(nat)
	widths := make([]float64, n)
	fixed := make([]bool, n)
	left, open := w, n
	for changed := true; changed && open > 0; {
		changed = false
		fair := left / float64(open)
		for i := range nat {
			if !fixed[i] && nat[i] <= fair {
				widths[i], fixed[i] = nat[i], true
				left -= nat[i]
				open--
				changed = true
			}
		}
	}
	if open == 0 {
		// Everything fits: spread the slack evenly.
		for i := range widths {
			widths[i] += left / float64(n)
		}
		return widths
	}
	var sumNat, sumMin float64
	for i := range nat {
		if !fixed[i] {
			sumNat += nat[i]
			sumMin += minW[i]
		}
	}
	for i := range nat {
		if fixed[i] {
			continue
		}
		if sumMin <= left {
			widths[i] = minW[i] + (left-sumMin)*(nat[i]-minW[i])/max(sumNat-sumMin, 1e-9)
		} else {
			widths[i] = left * nat[i] / sumNat
		}
	}
	return widths
}
