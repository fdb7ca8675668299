package reader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// pdfSpec describes a PDF made for a test.
type pdfSpec struct {
	title, author string // metadata; empty for none
	heading       string // a large first line
	paras         []string
	utf8          bool // set in Noto Sans (a composite font with a ToUnicode CMap), else Helvetica
}

// makePDF writes spec as fpdf does, compressed, A4.
func makePDF(t testing.TB, spec pdfSpec) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCreationDate(time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC))
	if spec.title != "" {
		p.SetTitle(spec.title, true)
	}
	if spec.author != "" {
		p.SetAuthor(spec.author, true)
	}
	family := "Helvetica"
	if spec.utf8 {
		for style, file := range map[string]string{"": "NotoSans-Regular.ttf", "B": "NotoSans-Bold.ttf"} {
			ttf, err := os.ReadFile(filepath.Join("..", "assets", "fonts", file))
			if err != nil {
				t.Fatal(err)
			}
			p.AddUTF8FontFromBytes("noto", style, ttf)
		}
		family = "noto"
	}
	p.AddPage()
	if spec.heading != "" {
		p.SetFont(family, "B", 20)
		p.MultiCell(0, 10, spec.heading, "", "L", false)
		p.Ln(4)
	}
	p.SetFont(family, "", 11)
	for _, para := range spec.paras {
		p.MultiCell(0, 5, para, "", "J", false)
		p.Ln(4)
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func longPara(i int, words string) string {
	return fmt.Sprintf("Paragraph %d. %s", i, strings.Repeat(words+" ", 8))
}

func TestExtractPDF(t *testing.T) {
	en := "The engine weaves algebraic patterns just as the loom weaves flowers and leaves."
	vi := "Hội nghị được tổ chức trực tuyến từ điểm cầu Hà Nội đến các tỉnh, thành phố."
	tests := []struct {
		name              string
		spec              pdfSpec
		link              string
		title, byline     string
		mustHave, mustNot []string
	}{
		{
			name:     "metadata title and author",
			spec:     pdfSpec{title: "Notes on the Analytical Engine", author: "Ada Lovelace", heading: "Notes", paras: []string{longPara(1, en), longPara(2, en), longPara(3, en)}},
			link:     "https://papers.example/ada.pdf",
			title:    "Notes on the Analytical Engine",
			byline:   "Ada Lovelace",
			mustHave: []string{"Paragraph 1. The engine weaves algebraic patterns", "Paragraph 3.", "Notes"},
		},
		{
			name:     "title from the first page",
			spec:     pdfSpec{heading: "On Computable Numbers", paras: []string{longPara(1, en)}},
			link:     "https://papers.example/turing.pdf",
			title:    "On Computable Numbers",
			mustHave: []string{"Paragraph 1. The engine"},
			mustNot:  []string{"On Computable Numbers"}, // shown as the title, not repeated
		},
		{
			name:     "a file name as metadata title",
			spec:     pdfSpec{title: "Microsoft Word - draft3.docx", heading: "The Real Title", paras: []string{longPara(1, en)}},
			link:     "https://papers.example/x.pdf",
			title:    "The Real Title",
			mustHave: []string{"Paragraph 1."},
		},
		{
			name:     "no title anywhere",
			spec:     pdfSpec{paras: []string{longPara(1, en)}},
			link:     "https://papers.example/annual%20report.pdf",
			title:    "annual report.pdf",
			mustHave: []string{"Paragraph 1."},
		},
		{
			name:     "Vietnamese in a composite font",
			spec:     pdfSpec{heading: "Nâng cao năng lực dự báo trong công tác dân vận", paras: []string{longPara(1, vi), longPara(2, vi)}, utf8: true},
			link:     "https://dan-van.example/bao-cao.pdf",
			title:    "Nâng cao năng lực dự báo trong công tác dân vận",
			mustHave: []string{"Đoạn", "Hội nghị được tổ chức trực tuyến từ điểm cầu Hà Nội đến các tỉnh, thành phố."},
		},
	}
	for i := range tests {
		// "Paragraph" in the Vietnamese case reads "Đoạn".
		if tests[i].spec.utf8 {
			for j, p := range tests[i].spec.paras {
				tests[i].spec.paras[j] = strings.Replace(p, "Paragraph", "Đoạn", 1)
			}
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := makePDF(t, tc.spec)
			a, err := ExtractPDF(data, tc.link, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tc.title || a.Byline != tc.byline {
				t.Errorf("title %q by %q, want %q by %q", a.Title, a.Byline, tc.title, tc.byline)
			}
			if a.PageType != PDF || !bytes.Equal(a.Page, data) || a.URL != tc.link {
				t.Errorf("page type %q, page kept %v, url %q", a.PageType, bytes.Equal(a.Page, data), a.URL)
			}
			if !a.Published.Equal(time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)) {
				t.Errorf("published %v", a.Published)
			}
			for _, s := range tc.mustHave {
				if !strings.Contains(a.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, a.Text)
				}
			}
			for _, s := range tc.mustNot {
				if strings.Contains(a.Text, s) {
					t.Errorf("text has %q", s)
				}
			}
			// Every word of every paragraph, once per paragraph block.
			want := 0
			for _, p := range tc.spec.paras {
				want += len(strings.Fields(p))
			}
			if a.Words < want {
				t.Errorf("%d words, want at least %d", a.Words, want)
			}
			if n := strings.Count(a.HTML, "<p>"); n != len(tc.spec.paras) {
				t.Errorf("%d paragraphs in HTML, want %d:\n%s", n, len(tc.spec.paras), a.HTML)
			}
			if a.Excerpt == "" || a.SiteName == "" {
				t.Errorf("excerpt %q, site %q", a.Excerpt, a.SiteName)
			}
		})
	}
}

// rawPDF is a one-page PDF whose content stream is content, in the
// standard Times-Roman font, with no compression: for text set the way TeX
// sets it, with word gaps as TJ adjustments instead of spaces.
func rawPDF(content string) []byte {
	var b bytes.Buffer
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R /Lang (en) >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>")
	obj("<< /Title (Kerned words) /Author (Don Knuth) /CreationDate (D:19840101120000+01'00') >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

func TestExtractPDFWordGapsAndHyphens(t *testing.T) {
	content := "BT /F1 12 Tf 72 700 Td [(The)-333(art)-333(of)-333(com)-20(puter)-333(pro-)] TJ " +
		"0 -14 Td [(gramming)-333(is)-333(an)-333(art.)] TJ ET"
	a, err := ExtractPDF(rawPDF(content), "https://books.example/taocp.pdf", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "The art of computer programming is an art."; a.Text != want {
		t.Errorf("text %q, want %q", a.Text, want)
	}
	if a.Title != "Kerned words" || a.Byline != "Don Knuth" || a.Lang != "en" {
		t.Errorf("title %q by %q lang %q", a.Title, a.Byline, a.Lang)
	}
	if want := time.Date(1984, 1, 1, 12, 0, 0, 0, time.FixedZone("", 3600)); !a.Published.Equal(want) {
		t.Errorf("published %v, want %v", a.Published, want)
	}
}

func TestExtractPDFBroken(t *testing.T) {
	good := makePDF(t, pdfSpec{title: "T", paras: []string{"Some text."}})
	tests := map[string][]byte{
		"header only": []byte("%PDF-1.4\n"),
		"truncated":   good[:len(good)/2],
		"garbage":     append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0xff, 0x00, '(', '<', '['}, 400)...),
		"bad content": rawPDF("BT /F1 12 Tf [(unclosed) TJ Td Td Tm ET ] ] >> <<"),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			a, err := ExtractPDF(data, "https://example.com/x.pdf", Options{})
			if name == "bad content" {
				// Malformed operators are skipped; the document stays readable.
				if err != nil || a.Title != "Kerned words" {
					t.Errorf("got %+v, %v", a, err)
				}
				return
			}
			if !errors.Is(err, ErrPDF) {
				t.Errorf("err = %v, want ErrPDF", err)
			}
		})
	}
}

func TestFetchPDF(t *testing.T) {
	data := makePDF(t, pdfSpec{title: "Served", paras: []string{longPara(1, "Words in a served document.")}})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sniffed" {
			w.Header().Set("Content-Type", "application/octet-stream")
		} else {
			w.Header().Set("Content-Type", "application/pdf")
		}
		w.Write(data)
	})
	for _, path := range []string{"/paper.pdf", "/sniffed"} {
		p, err := testReader(srv).Fetch(context.Background(), srv.URL+path)
		if err != nil {
			t.Fatal(err)
		}
		if p.ContentType != PDF || !bytes.Equal(p.Document, data) || p.HTML != nil {
			t.Errorf("%s: type %q, %d bytes", path, p.ContentType, len(p.Document))
		}
		a, err := testReader(srv).Read(context.Background(), srv.URL+path, Options{})
		if err != nil || a.Title != "Served" || !strings.Contains(a.Text, "Words in a served document.") {
			t.Errorf("%s: Read = %+v, %v", path, a, err)
		}
	}
	r := testReader(srv)
	r.MaxDocumentBytes = int64(len(data) - 1)
	if _, err := r.Fetch(context.Background(), srv.URL+"/paper.pdf"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over MaxDocumentBytes: %v", err)
	}
}

func TestFetchFilePDF(t *testing.T) {
	data := makePDF(t, pdfSpec{title: "On disk", paras: []string{"Text."}})
	path := filepath.Join(t.TempDir(), "paper.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := New(nil)
	p, err := r.FetchFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.ContentType != PDF || !IsLocal(p.URL) || !strings.HasSuffix(p.URL, "/paper.pdf") {
		t.Errorf("page %q %q", p.ContentType, p.URL)
	}
	again, _ := r.FetchFile(path, "")
	if again.URL != p.URL {
		t.Errorf("the same file got two addresses: %s, %s", p.URL, again.URL)
	}
	p, err = r.FetchFile(path, "https://papers.example/p.pdf")
	if err != nil || p.URL != "https://papers.example/p.pdf" || IsLocal(p.URL) {
		t.Errorf("with a link: %+v, %v", p, err)
	}
}

// FuzzExtractPDF: a document from the web never crashes the reader; it
// reads or it is refused.
func FuzzExtractPDF(f *testing.F) {
	f.Add(rawPDF("BT /F1 12 Tf 72 700 Td [(The)-333(art)] TJ ET"))
	f.Add(makePDF(f, pdfSpec{title: "T", heading: "H", paras: []string{"Some text, a few words."}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ExtractPDF(data, "https://example.com/x.pdf", Options{})
		if err == nil && a.PageType != PDF {
			t.Errorf("page type %q", a.PageType)
		}
		if err != nil && !errors.Is(err, ErrPDF) {
			t.Errorf("err = %v, want ErrPDF", err)
		}
	})
}
