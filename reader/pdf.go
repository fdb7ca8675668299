package reader

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"math"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/unicode/norm"
)

// PDF is the media type of a PDF document, as Page.ContentType and
// Article.PageType give it.
const PDF = "application/pdf"

// ErrPDF: the document claims to be a PDF but cannot be read as one
// (damaged, truncated or password-protected).
var ErrPDF = errors.New("not a readable PDF")

// Limits on the work one PDF may cost.
const (
	maxPDFPages = 2000
	maxPDFText  = 8 << 20 // bytes of extracted text
	maxPDFDepth = 4       // nested form XObjects followed
)

// IsPDF reports whether data starts as a PDF file does. The header may
// follow up to 1 KiB of junk, as readers allow.
func IsPDF(data []byte) bool {
	head := data[:min(len(data), 1024)]
	return bytes.Contains(head, []byte("%PDF-"))
}

// ExtractPDF reads a PDF document fetched from link: its title and author
// from the document's metadata (the first page's largest line when the
// metadata names no title, or only a file name), and its text, in
// paragraphs, for search and the reader view. Page is the PDF itself. A
// PDF with no text (a scan) is kept with an empty text: the original is
// what matters.
func ExtractPDF(data []byte, link string, opts Options) (a *Article, err error) {
	u, err := ParseLink(link)
	if err != nil {
		return nil, fmt.Errorf("extract PDF: address: %w", err)
	}
	defer func() {
		// The parser panics on some malformed files.
		if r := recover(); r != nil {
			a, err = nil, fmt.Errorf("extract %s: %w: %v", u, ErrPDF, r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w: %v", u, ErrPDF, err)
	}
	doc := readPDF(r)
	a = &Article{URL: u.String(), Page: data, PageType: PDF}
	info := r.Trailer().Key("Info")
	a.Title = pdfTitle(info.Key("Title").Text(), doc, u)
	a.Byline = cleanLine(info.Key("Author").Text())
	a.Lang = r.Trailer().Key("Root").Key("Lang").Text()
	a.SiteName = u.Hostname()
	a.Published = pdfDate(info.Key("CreationDate").Text())

	var h, t strings.Builder
	for i, p := range doc.paras {
		if i == 0 && p.text == a.Title {
			continue // the title block, shown as the title
		}
		tag := "p"
		if p.heading {
			tag = "h2"
		}
		fmt.Fprintf(&h, "<%s>%s</%s>\n", tag, html.EscapeString(p.text), tag)
		if t.Len() > 0 {
			t.WriteString("\n\n")
		}
		t.WriteString(p.text)
		if a.Excerpt == "" && !p.heading && len(p.text) > 80 {
			a.Excerpt = clip(p.text, 300)
		}
	}
	a.HTML, a.Text = h.String(), t.String()
	a.Words, a.ReadingTime = countWords(a.Text)
	return a, nil
}

// pdfTitle is the metadata title when it is one, else the first page's
// largest line, else the file name in the link.
func pdfTitle(meta string, doc pdfDoc, u *url.URL) string {
	meta = cleanLine(meta)
	if meta != "" && !fileLikeTitle(meta) {
		return meta
	}
	if doc.title != "" {
		return doc.title
	}
	if meta != "" {
		return meta
	}
	if name := path.Base(u.Path); name != "/" && name != "." {
		if n, err := url.PathUnescape(name); err == nil {
			return n
		}
		return name
	}
	return u.String()
}

// fileLikeTitle reports a metadata title that only names the file it was
// made from ("Microsoft Word - draft3.docx", "paper.dvi", "untitled").
func fileLikeTitle(t string) bool {
	l := strings.ToLower(t)
	if l == "untitled" || strings.HasPrefix(l, "microsoft word - ") || strings.HasPrefix(l, "microsoft powerpoint - ") {
		return true
	}
	for _, ext := range []string{".doc", ".docx", ".pdf", ".tex", ".dvi", ".ps", ".indd", ".odt", ".rtf", ".pptx", ".qxd"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return false
}

// pdfDate parses a PDF date, "D:YYYYMMDDHHmmSSOHH'mm'"; zero when absent
// or unreadable.
func pdfDate(s string) time.Time {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	if len(s) < 4 {
		return time.Time{}
	}
	digits := func(i, n, def int) int {
		if len(s) < i+n {
			return def
		}
		v, err := strconv.Atoi(s[i : i+n])
		if err != nil {
			return -1
		}
		return v
	}
	y, mo, d, h, mi, se := digits(0, 4, 0), digits(4, 2, 1), digits(6, 2, 1), digits(8, 2, 0), digits(10, 2, 0), digits(12, 2, 0)
	if y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60 {
		return time.Time{}
	}
	loc := time.UTC
	if len(s) > 14 && (s[14] == '+' || s[14] == '-') {
		oh, om := digits(15, 2, 0), 0
		if len(s) >= 20 && s[17] == '\'' {
			om = digits(18, 2, 0)
		}
		if oh >= 0 && oh < 24 && om >= 0 && om < 60 {
			off := oh*3600 + om*60
			if s[14] == '-' {
				off = -off
			}
			loc = time.FixedZone("", off)
		}
	}
	return time.Date(y, time.Month(mo), d, h, mi, se, 0, loc)
}

// cleanLine collapses white space and drops control characters.
func cleanLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// pdfDoc is the text of a document, in paragraphs, and the first page's
// largest line.
type pdfDoc struct {
	paras []pdfPara
	title string
}

type pdfPara struct {
	text    string
	heading bool
}

// run is a piece of text shown at one place: its start and end on the
// baseline, in page space, and its font size.
type run struct {
	x, y, end, size float64
	s               string
	// spaced: the run follows a gap the producer left between words
	// within one TJ, so it starts a new word.
	spaced bool
}

// readPDF reads the text of every page, up to the limits.
func readPDF(r *pdf.Reader) pdfDoc {
	var doc pdfDoc
	total := 0
	var sizes []float64
	var lines [][]line
	for i := 1; i <= min(r.NumPage(), maxPDFPages) && total < maxPDFText; i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		runs := pageRuns(p)
		ls := toLines(runs)
		for _, l := range ls {
			total += len(l.text)
			sizes = append(sizes, l.size)
		}
		lines = append(lines, ls)
		if i == 1 {
			doc.title = firstPageTitle(ls)
		}
	}
	body := median(sizes)
	for _, ls := range lines {
		doc.paras = append(doc.paras, paragraphs(ls, body)...)
	}
	return doc
}

// line is one line of text with the size of its largest run.
type line struct {
	x, y, size float64
	text       string
}

// toLines joins runs on the same baseline, in the order the page shows
// them, putting a space where the gap between two runs is a word gap.
func toLines(runs []run) []line {
	var out []line
	var cur *line
	var last run
	var b strings.Builder
	flush := func() {
		if cur != nil {
			cur.text = cleanLine(b.String())
			if cur.text != "" {
				out = append(out, *cur)
			}
		}
		b.Reset()
		cur = nil
	}
	for _, rn := range runs {
		if strings.TrimSpace(rn.s) == "" && !strings.Contains(rn.s, " ") {
			continue
		}
		size := math.Max(rn.size, 1)
		if cur != nil && math.Abs(rn.y-last.y) > size*0.5 {
			flush()
		}
		if cur == nil {
			cur = &line{x: rn.x, y: rn.y, size: rn.size}
		} else {
			gap := rn.x - last.end
			if rn.spaced || gap > size*0.15 || gap < -size*2 {
				b.WriteByte(' ')
			}
			cur.size = math.Max(cur.size, rn.size)
			cur.x = math.Min(cur.x, rn.x)
		}
		b.WriteString(rn.s)
		last = rn
	}
	flush()
	return out
}

// paragraphs groups lines into paragraphs: a new one starts after a gap
// wider than the usual line spacing, at a change of size, or after a line
// that ends well short of the others. Lines larger than the body text are
// headings. Words hyphenated across lines are joined.
func paragraphs(ls []line, body float64) []pdfPara {
	var out []pdfPara
	var cur []line
	flush := func() {
		if len(cur) == 0 {
			return
		}
		var b strings.Builder
		for i, l := range cur {
			t := l.text
			if i > 0 {
				prev := b.String()
				if strings.HasSuffix(prev, "-") && len(prev) > 1 && unicode.IsLetter(lastRune(prev[:len(prev)-1])) && startsLower(t) {
					b.Reset()
					b.WriteString(prev[:len(prev)-1])
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(t)
		}
		text := cleanLine(b.String())
		if text != "" {
			heading := body > 0 && cur[0].size > body*1.15 && len(cur) <= 3 && len(text) < 200
			out = append(out, pdfPara{text: text, heading: heading})
		}
		cur = nil
	}
	var width float64
	for _, l := range ls {
		width = math.Max(width, float64(utf8.RuneCountInString(l.text)))
	}
	for i, l := range ls {
		if i > 0 {
			prev := ls[i-1]
			gap := prev.y - l.y
			size := math.Max(prev.size, 1)
			short := float64(utf8.RuneCountInString(prev.text)) < width*0.6 && strings.ContainsAny(lastChar(prev.text), ".:!?\"”»")
			if gap > size*1.6 || gap < -size || math.Abs(l.size-prev.size) > size*0.15 || short {
				flush()
			}
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func lastChar(s string) string {
	r := lastRune(s)
	if r == utf8.RuneError {
		return ""
	}
	return string(r)
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// firstPageTitle is the first page's largest text, when it is larger than
// the rest and near the top: up to three consecutive lines of that size.
func firstPageTitle(ls []line) string {
	if len(ls) == 0 {
		return ""
	}
	var sizes []float64
	biggest := 0.0
	for _, l := range ls {
		sizes = append(sizes, l.size)
		biggest = math.Max(biggest, l.size)
	}
	if biggest <= median(sizes)*1.2 {
		return ""
	}
	for i, l := range ls {
		if l.size < biggest*0.95 {
			continue
		}
		parts := []string{l.text}
		for j := i + 1; j < len(ls) && j < i+3 && ls[j].size >= biggest*0.95; j++ {
			parts = append(parts, ls[j].text)
		}
		t := cleanLine(strings.Join(parts, " "))
		if utf8.RuneCountInString(t) < 3 || len(t) > 300 {
			return ""
		}
		return t
	}
	return ""
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul is m × n: m applied first.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(x, y float64) matrix { return matrix{1, 0, 0, 1, x, y} }

// textState is the part of the graphics state text showing uses.
type textState struct {
	ctm                  matrix
	font                 *pdfFont
	size, tc, tw, th, tl float64
	rise                 float64
	fontName             string
	resources            pdf.Value
	tm, tlm              matrix
}

// pageRuns interprets a page's content streams and returns the text runs
// it shows, in order.
func pageRuns(p pdf.Page) []run {
	contents := p.V.Key("Contents")
	if contents.IsNull() {
		return nil
	}
	in := &interp{fonts: map[string]*pdfFont{}}
	in.run(contents, p.Resources(), identity, 0)
	return in.runs
}

type interp struct {
	runs  []run
	fonts map[string]*pdfFont
	text  int
}

func (in *interp) run(strm, res pdf.Value, ctm matrix, depth int) {
	g := textState{ctm: ctm, th: 1, tm: identity, tlm: identity, resources: res}
	var stack []textState
	font := func(name string) *pdfFont {
		key := fmt.Sprintf("%d/%s", depth, name)
		if f, ok := in.fonts[key]; ok {
			return f
		}
		f := newPDFFont(res.Key("Font").Key(name))
		in.fonts[key] = f
		return f
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		if in.text > maxPDFText {
			return
		}
		switch op {
		case "q":
			stack = append(stack, g)
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "cm":
			if len(args) == 6 {
				g.ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(g.ctm)
			}
		case "BT":
			g.tm, g.tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				g.fontName, g.size = args[0].Name(), num(1)
				g.font = font(g.fontName)
			}
		case "Tc":
			g.tc = num(0)
		case "Tw":
			g.tw = num(0)
		case "Tz":
			g.th = num(0) / 100
		case "TL":
			g.tl = num(0)
		case "Ts":
			g.rise = num(0)
		case "Td", "TD":
			if op == "TD" {
				g.tl = -num(1)
			}
			g.tlm = translate(num(0), num(1)).mul(g.tlm)
			g.tm = g.tlm
		case "Tm":
			if len(args) == 6 {
				g.tlm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
				g.tm = g.tlm
			}
		case "T*":
			g.tlm = translate(0, -g.tl).mul(g.tlm)
			g.tm = g.tlm
		case "Tj":
			if len(args) == 1 {
				in.show(&g, args[0].RawString(), false)
			}
		case "'", "\"":
			if op == "\"" && len(args) == 3 {
				g.tw, g.tc = num(0), num(1)
				args = args[2:]
			}
			g.tlm = translate(0, -g.tl).mul(g.tlm)
			g.tm = g.tlm
			if len(args) == 1 {
				in.show(&g, args[0].RawString(), false)
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			spaced := false
			for i := 0; i < args[0].Len(); i++ {
				v := args[0].Index(i)
				if v.Kind() == pdf.String {
					in.show(&g, v.RawString(), spaced)
					spaced = false
					continue
				}
				adj := v.Float64()
				g.tm = translate(-adj/1000*g.size*g.th, 0).mul(g.tm)
				// A move right of more than a fifth of an em is a gap
				// between words (TeX and many others set no spaces).
				spaced = adj < -200
			}
		case "Do":
			if len(args) != 1 || depth >= maxPDFDepth {
				return
			}
			x := res.Key("XObject").Key(args[0].Name())
			if x.Key("Subtype").Name() != "Form" {
				return
			}
			m := identity
			if mv := x.Key("Matrix"); mv.Len() == 6 {
				m = matrix{mv.Index(0).Float64(), mv.Index(1).Float64(), mv.Index(2).Float64(),
					mv.Index(3).Float64(), mv.Index(4).Float64(), mv.Index(5).Float64()}
			}
			xres := x.Key("Resources")
			if xres.IsNull() {
				xres = res
			}
			in.run(x, xres, m.mul(g.ctm), depth+1)
		}
	})
}

// show records the text of one string and moves the text position past it.
func (in *interp) show(g *textState, raw string, spaced bool) {
	if g.font == nil {
		g.font = newPDFFont(pdf.Value{})
	}
	trm := matrix{g.size * g.th, 0, 0, g.size, 0, g.rise}.mul(g.tm).mul(g.ctm)
	start := trm
	text, advance := g.font.decode(raw, g)
	g.tm = translate(advance, 0).mul(g.tm)
	end := matrix{g.size * g.th, 0, 0, g.size, 0, g.rise}.mul(g.tm).mul(g.ctm)
	size := math.Hypot(start[2], start[3])
	in.text += len(text)
	in.runs = append(in.runs, run{x: start[4], y: start[5], end: end[4], size: size, s: text, spaced: spaced})
}

// pdfFont decodes a font's character codes to text and knows their widths.
type pdfFont struct {
	cmap     *toUnicode
	enc      pdf.TextEncoding
	twoByte  bool // a composite (Type0) font: two-byte codes
	first    int
	widths   []float64
	cidWidth map[int]float64
	dw       float64
}

func newPDFFont(v pdf.Value) *pdfFont {
	f := &pdfFont{dw: 1000}
	if v.IsNull() {
		return f
	}
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		f.cmap = readToUnicode(tu, v)
	}
	if v.Key("Subtype").Name() == "Type0" {
		f.twoByte = true
		d := v.Key("DescendantFonts").Index(0)
		if dw := d.Key("DW"); !dw.IsNull() {
			f.dw = dw.Float64()
		}
		f.cidWidth = cidWidths(d.Key("W"))
	} else {
		f.first = int(v.Key("FirstChar").Int64())
		w := v.Key("Widths")
		for i := 0; i < w.Len(); i++ {
			f.widths = append(f.widths, w.Index(i).Float64())
		}
		f.dw = 500
	}
	if f.cmap == nil {
		pf := pdf.Font{V: v}
		f.enc = pf.Encoder()
	}
	return f
}

// cidWidths reads a CIDFont's W array: "c [w1 w2 …]" and "c1 c2 w" items.
func cidWidths(w pdf.Value) map[int]float64 {
	m := map[int]float64{}
	for i := 0; i < w.Len(); {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && j < 65536; j++ {
				m[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		last, width := int(next.Int64()), w.Index(i+2).Float64()
		for k := c; k <= last && k-c < 65536; k++ {
			m[k] = width
		}
		i += 3
	}
	return m
}

// decode returns the text of raw and how far showing it moves the text
// position, in text space.
func (f *pdfFont) decode(raw string, g *textState) (string, float64) {
	var codes []int
	if f.twoByte {
		for i := 0; i+1 < len(raw); i += 2 {
			codes = append(codes, int(raw[i])<<8|int(raw[i+1]))
		}
	} else {
		for i := 0; i < len(raw); i++ {
			codes = append(codes, int(raw[i]))
		}
	}
	adv := 0.0
	for _, c := range codes {
		w := f.width(c)
		tx := w/1000*g.size + g.tc
		if !f.twoByte && c == 32 {
			tx += g.tw
		}
		adv += tx * g.th
	}
	var text string
	switch {
	case f.cmap != nil:
		text = f.cmap.decode(raw)
	case f.enc != nil:
		text = f.enc.Decode(raw)
	default:
		text = raw
	}
	if !utf8.ValidString(text) {
		// A font the parser found no encoding for: read the codes as
		// Latin-1, which is right for the ASCII range at least.
		r := make([]rune, len(raw))
		for i := 0; i < len(raw); i++ {
			r[i] = rune(raw[i])
		}
		text = string(r)
	}
	return text, adv
}

func (f *pdfFont) width(c int) float64 {
	if f.twoByte {
		if w, ok := f.cidWidth[c]; ok {
			return w
		}
		return f.dw
	}
	if i := c - f.first; i >= 0 && i < len(f.widths) {
		return f.widths[i]
	}
	return f.dw
}

// toUnicode is a ToUnicode CMap: code space ranges, single codes and code
// ranges mapped to UTF-16 text.
type toUnicode struct {
	space  [4][][2]string
	chars  map[string]string
	ranges []cmapRange
}

type cmapRange struct {
	lo, hi string
	dst    string   // first code's text; the next codes add to it
	list   []string // or one text per code
}

// readToUnicode parses a ToUnicode CMap. The destination of a range is
// incremented as a whole number (a CMap such as "<0000> <FFFF> <0000>"
// maps every two-byte code to itself, which incrementing only its last
// byte gets wrong).
//
// scratch is any dictionary: the parser has no way to make one, and the
// CMap's "findresource begin" needs one to stand for the ProcSet. Values
// are parsed afresh at every look-up, so the CMap's definitions change no
// other copy.
func readToUnicode(v, scratch pdf.Value) *toUnicode {
	m := &toUnicode{chars: map[string]string{}}
	n := 0
	pdf.Interpret(v, func(stk *pdf.Stack, op string) {
		switch op {
		case "findresource":
			stk.Pop()
			stk.Pop()
			stk.Push(scratch)
		case "begincodespacerange", "beginbfchar", "beginbfrange", "begincidrange", "begincidchar":
			n = int(stk.Pop().Int64())
		case "endcodespacerange":
			for i := 0; i < n && stk.Len() >= 2; i++ {
				hi, lo := stk.Pop().RawString(), stk.Pop().RawString()
				if len(lo) >= 1 && len(lo) <= 4 && len(lo) == len(hi) {
					m.space[len(lo)-1] = append(m.space[len(lo)-1], [2]string{lo, hi})
				}
			}
		case "endbfchar":
			for i := 0; i < n && stk.Len() >= 2; i++ {
				dst, src := stk.Pop().RawString(), stk.Pop().RawString()
				m.chars[src] = dst
			}
		case "endbfrange":
			for i := 0; i < n && stk.Len() >= 3; i++ {
				dst, hi, lo := stk.Pop(), stk.Pop().RawString(), stk.Pop().RawString()
				r := cmapRange{lo: lo, hi: hi}
				if dst.Kind() == pdf.Array {
					for j := 0; j < dst.Len(); j++ {
						r.list = append(r.list, dst.Index(j).RawString())
					}
				} else {
					r.dst = dst.RawString()
				}
				if len(lo) == len(hi) && len(lo) > 0 {
					m.ranges = append(m.ranges, r)
				}
			}
		default:
			// begincmap, def, dict and the rest: nothing to keep. Values
			// they leave are popped by the operators above when needed.
		}
	})
	if len(m.chars) == 0 && len(m.ranges) == 0 {
		return nil
	}
	return m
}

func codeValue(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v<<8 | int(s[i])
	}
	return v
}

// decode maps the codes of raw to text; an unmapped code gives U+FFFD.
func (m *toUnicode) decode(raw string) string {
	var b strings.Builder
	for len(raw) > 0 {
		n := m.codeLen(raw)
		code := raw[:n]
		raw = raw[n:]
		b.WriteString(m.lookup(code))
	}
	return b.String()
}

// codeLen is the length of the code at the start of raw, from the code
// space ranges; two bytes when they do not say and the map has two-byte
// codes, else one.
func (m *toUnicode) codeLen(raw string) int {
	for n := 1; n <= 4 && n <= len(raw); n++ {
		for _, sp := range m.space[n-1] {
			if raw[:n] >= sp[0] && raw[:n] <= sp[1] {
				return n
			}
		}
	}
	for n := 4; n >= 1; n-- {
		if len(m.space[n-1]) > 0 && n <= len(raw) {
			return n
		}
	}
	return 1
}

func (m *toUnicode) lookup(code string) string {
	if dst, ok := m.chars[code]; ok {
		return utf16Text(dst)
	}
	c := codeValue(code)
	for _, r := range m.ranges {
		if len(r.lo) != len(code) || code < r.lo || code > r.hi {
			continue
		}
		off := c - codeValue(r.lo)
		if r.list != nil {
			if off < len(r.list) {
				return utf16Text(r.list[off])
			}
			return "\uFFFD"
		}
		if len(r.dst) == 0 {
			return "\uFFFD"
		}
		// Add off to the destination's last UTF-16 unit.
		units := utf16Units(r.dst)
		if len(units) == 0 {
			return "\uFFFD"
		}
		units[len(units)-1] += uint16(off)
		return string(utf16.Decode(units))
	}
	return "\uFFFD"
}

func utf16Units(s string) []uint16 {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	if len(s)%2 == 1 {
		u = append(u, uint16(s[len(s)-1]))
	}
	return u
}

func utf16Text(s string) string {
	t := string(utf16.Decode(utf16Units(s)))
	// Ligatures (ﬁ, ﬂ, ﬀ, ﬃ) read as their letters, so that search finds
	// "find" in a text set with the ﬁ ligature.
	if strings.ContainsFunc(t, isLigature) {
		var b strings.Builder
		for _, r := range t {
			if isLigature(r) {
				b.WriteString(norm.NFKC.String(string(r)))
			} else {
				b.WriteRune(r)
			}
		}
		t = b.String()
	}
	return t
}

func isLigature(r rune) bool { return r >= 0xFB00 && r <= 0xFB06 }
