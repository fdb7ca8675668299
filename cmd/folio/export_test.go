package main

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportMarkdownAndPDF(t *testing.T) {
	srv := seedServer(t)
	f := newFolio(t)
	f.client = srv.Client()
	f.ok("add", "--tag", "dân vận", srv.URL+"/index.html")
	f.ok("note", "1", "Ghi chú đầu tiên")
	srv.Close() // export must use the library, not the network
	out := t.TempDir()

	md := strings.Fields(f.ok("export", "--format", "md", "--out", out, "--tag", "DÂN VẬN"))
	if len(md) != 1 || !strings.HasSuffix(md[0], ".md") || !strings.HasPrefix(filepath.Base(md[0]), "nang-cao-nang-luc-du-bao") {
		t.Fatalf("export md printed %q, want one nang-cao-nang-luc-du-bao….md path", md)
	}
	body, err := os.ReadFile(md[0])
	if err != nil {
		t.Fatal(err)
	}
	text := string(body)
	for _, want := range []string{"title: Nâng cao năng lực dự báo", "## Notes", "Ghi chú đầu tiên", ".assets/"} {
		if !strings.Contains(text, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	assets, _ := filepath.Glob(strings.TrimSuffix(md[0], ".md") + ".assets/*")
	if len(assets) != 4 {
		t.Errorf("assets folder holds %d images, want 4", len(assets))
	}

	pdfs := strings.Fields(f.ok("export", "--format", "pdf", "--out", out, "--page", "letter", "1"))
	if len(pdfs) != 1 || !strings.HasSuffix(pdfs[0], ".pdf") {
		t.Fatalf("export pdf printed %q", pdfs)
	}
	info, err := exec.Command("pdfinfo", pdfs[0]).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	if !strings.Contains(string(info), "Nâng cao năng lực") || !strings.Contains(string(info), "letter") {
		t.Errorf("pdfinfo does not show the title and Letter size:\n%s", info)
	}

	// Exporting again never overwrites.
	again := strings.Fields(f.ok("export", "--out", out, "--all"))
	if len(again) != 1 || again[0] == md[0] {
		t.Errorf("second export wrote %q, want a new name beside %q", again, md[0])
	}
}

func TestExportEPUB(t *testing.T) {
	srv := seedServer(t)
	f := newFolio(t)
	f.client = srv.Client()
	f.ok("add", "--tag", "dân vận", srv.URL+"/index.html")
	f.ok("add", "--tag", "dân vận", "--url", "https://blog.example/post", "../../testdata/pages/en-blog/index.html")
	srv.Close()
	out := filepath.Join(t.TempDir(), "books")

	one := strings.Fields(f.ok("export", "--format", "epub", "--out", out, "1"))
	if len(one) != 1 || filepath.Base(one[0]) != "nang-cao-nang-luc-du-bao-tam-nhin-chien-luoc-trong-cong-tac-dan-van.epub" {
		t.Fatalf("export --format epub 1 printed %q", one)
	}
	book := strings.Fields(f.ok("export", "--format", "epub", "--combined", "--out", out, "--tag", "dân vận"))
	if len(book) != 1 || !strings.HasSuffix(book[0], ".epub") {
		t.Fatalf("export --format epub --combined printed %q", book)
	}
	zr, err := zip.OpenReader(book[0])
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var opf string
	pages := 0
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "OEBPS/a") && strings.HasSuffix(zf.Name, ".xhtml") {
			pages++
		}
		if zf.Name == "OEBPS/content.opf" {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			opf = string(b)
		}
	}
	if zr.File[0].Name != "mimetype" || pages != 2 || !strings.Contains(opf, "<dc:title>dân vận</dc:title>") {
		t.Errorf("combined book: first entry %s, %d article pages, package:\n%s", zr.File[0].Name, pages, opf)
	}
	// The same single article again gets a new name.
	again := strings.Fields(f.ok("export", "--format", "epub", "--combined", "--out", out, "1"))
	if len(again) != 1 || again[0] == one[0] {
		t.Errorf("second export of article 1 wrote %q, want a name beside %q", again, one[0])
	}
}

func TestExportArchiveAndImportBack(t *testing.T) {
	srv := seedServer(t)
	f := newFolio(t)
	f.client = srv.Client()
	f.ok("add", "--tag", "dân vận", srv.URL+"/index.html")
	f.ok("note", "1", "Ghi chú đầu tiên")
	f.ok("mark", "1", "favorite")
	srv.Close()
	out := filepath.Join(t.TempDir(), "archive")
	printed := strings.TrimSpace(f.ok("export", "--format", "archive", "--out", out))
	if printed != out {
		t.Fatalf("export --format archive printed %q, want %s", printed, out)
	}
	g := newFolio(t)
	sum := g.ok("import", out)
	if !strings.Contains(sum, "folio-archive export: 1 links") {
		t.Errorf("import printed %q", sum)
	}
	before, after := listJSON(t, f), listJSON(t, g)
	if len(after) != 1 || after[0].Title != before[0].Title || !after[0].Saved.Equal(before[0].Saved) ||
		!after[0].State.Favorite || strings.Join(after[0].Tags, ",") != "dân vận" {
		t.Errorf("imported %+v, want %+v", after, before)
	}
	if notes := g.ok("note", "list", "1"); !strings.Contains(notes, "Ghi chú đầu tiên") {
		t.Errorf("notes after import: %q", notes)
	}
}

func TestExportUsage(t *testing.T) {
	f := newFolio(t)
	for _, args := range [][]string{
		{"export"},
		{"export", "--all", "--tag", "x"},
		{"export", "--all", "--format", "docx"},
		{"export", "--all", "--combined"},
		{"export", "--all", "--format", "pdf", "--page", "a3"},
	} {
		if code, _, _ := f.run(args...); code != exitUsage {
			t.Errorf("folio %s: exit %d, want %d", strings.Join(args, " "), code, exitUsage)
		}
	}
	if code, _, errs := f.run("export", "--all", "--out", t.TempDir()); code != exitFailure || !strings.Contains(errs, "nothing to export") {
		t.Errorf("export of an empty library: exit %d, %q", code, errs)
	}
}
