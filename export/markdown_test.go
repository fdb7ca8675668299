package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

const seedSlug = "nang-cao-nang-luc-du-bao-tam-nhin-chien-luoc-trong-cong-tac-dan-van"

var imageLink = regexp.MustCompile(`!\[[^\]]*\]\(([^)\s]+)\)`)

func TestMarkdownSeedGolden(t *testing.T) {
	dir := t.TempDir()
	paths, err := Markdown(context.Background(), dir, []Item{seedItem(t)}, &dirStore{}, MarkdownOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, seedSlug+".md")
	if len(paths) != 1 || paths[0] != want {
		t.Fatalf("paths = %q, want [%q]", paths, want)
	}
	got, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	golden := "../testdata/export/seed.md"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantText, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./export -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, wantText) {
		t.Errorf("seed markdown differs from %s:\n%s", golden, firstDiff(string(wantText), string(got)))
	}

	t.Run("images saved beside the file", func(t *testing.T) {
		links := imageLink.FindAllStringSubmatch(string(got), -1)
		if len(links) != 4 {
			t.Fatalf("found %d image links, want 4", len(links))
		}
		for i, l := range links {
			p, err := url.PathUnescape(l[1])
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(p, seedSlug+".assets/") {
				t.Errorf("image %d link %q is not in the assets folder", i, l[1])
			}
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
			if err != nil {
				t.Errorf("image %d link does not resolve: %v", i, err)
				continue
			}
			orig := seedItem(t).Images[i].URL[len(fixtureHost):]
			src, err := os.ReadFile(filepath.Join(seedDir, orig))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, src) {
				t.Errorf("image %d: saved bytes differ from %s", i, orig)
			}
		}
	})
	t.Run("nothing else left in the folder", func(t *testing.T) {
		names := listDir(t, dir)
		if want := []string{seedSlug + ".assets", seedSlug + ".md"}; !slices.Equal(names, want) {
			t.Errorf("folder holds %q, want %q", names, want)
		}
	})
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, w, g)
		}
	}
	return "(same lines)"
}

func TestMarkdownFrontMatter(t *testing.T) {
	it := seedItem(t)
	it.Title = `Tin "nóng": #1 - giá xăng`
	it.Excerpt = "- bắt đầu bằng gạch\nvà: dòng mới # không phải chú thích"
	it.Byline = "@ai đó"
	it.Tags = []string{"dân vận", "#đã đọc", "yes"}
	text, err := MarkdownText(it)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(text, "---\n", 3)
	if len(parts) != 3 || parts[0] != "" {
		t.Fatalf("no front matter block:\n%s", text)
	}
	var fm map[string]any
	if err := yaml.Unmarshal([]byte(parts[1]), &fm); err != nil {
		t.Fatalf("front matter is not valid YAML: %v\n%s", err, parts[1])
	}
	tests := []struct {
		key  string
		want any
	}{
		{"title", it.Title},
		{"source", seedURL},
		{"author", []any{"@ai đó"}},
		{"published", "2022-01-13"},
		{"created", "2026-11-27"},
		{"description", it.Excerpt},
		{"tags", []any{"dân-vận", "đã-đọc", "yes"}},
		{"site", "Kênh thông tin giới trẻ"},
		{"lang", "vi"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := fmt.Sprint(fm[tt.key]); got != fmt.Sprint(tt.want) {
				t.Errorf("%s = %q, want %q", tt.key, got, fmt.Sprint(tt.want))
			}
		})
	}
	t.Run("empty fields left out", func(t *testing.T) {
		var bare Item
		bare.Title = "Chỉ có tiêu đề"
		text, err := MarkdownText(bare)
		if err != nil {
			t.Fatal(err)
		}
		want := "---\ntitle: Chỉ có tiêu đề\n---\n\n# Chỉ có tiêu đề\n\n"
		if text != want {
			t.Errorf("got %q, want %q", text, want)
		}
	})
}

func TestMarkdownStructures(t *testing.T) {
	text, err := MarkdownText(structuresItem(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, want string }{
		{"bold", "**đậm**"},
		{"italic", "*nghiêng*"},
		{"strikethrough", "~~gạch bỏ~~"},
		{"inline code", "`đường_dẫn`"},
		{"absolute link", "[liên kết tương đối](http://folio.test/tai-lieu/huong-dan)"},
		{"nested bullet", "\n  - Mục con thứ nhất\n"},
		{"nested numbers", "\n    1. Bước đầu tiên\n    2. Bước tiếp theo\n"},
		{"list start", "3. Thứ ba\n4. Thứ tư"},
		{"quote", "> Dân là gốc của nước, gốc có vững thì nước mới yên."},
		{"code fence", "```\n// Chào thế giới — tiếng Việt trong mã\nfunc chào() string {\n\treturn \"Xin chào, Đà Nẵng! ư ơ đ ạ ế\"\n}\n```"},
		{"table header", "| Tỉnh/thành | Số hội nghị | Ghi chú"},
		{"table row", "| Đà Nẵng    | 7           | Kết hợp trực tiếp"},
		{"missing image stays remote", "![Ảnh không còn](http://folio.test/images/missing.png)"},
		{"escaped brackets", `\[x]`},
		{"title heading escaped", "# Cấu trúc: bảng, mã & danh sách\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(text, tt.want) {
				t.Errorf("markdown lacks %q:\n%s", tt.want, text)
			}
		})
	}
}

func TestMarkdownImages(t *testing.T) {
	tests := []struct {
		name       string
		store      ImageStore
		opts       MarkdownOptions
		wantLocal  int
		wantAssets bool
	}{
		{"stored images copied", &dirStore{}, MarkdownOptions{}, 4, true},
		{"remote option keeps links", &dirStore{}, MarkdownOptions{RemoteImages: true}, 0, false},
		{"missing images keep links", emptyStore{}, MarkdownOptions{}, 0, false},
		{"no store keeps links", nil, MarkdownOptions{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			paths, err := Markdown(context.Background(), dir, []Item{seedItem(t)}, tt.store, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(paths[0])
			if err != nil {
				t.Fatal(err)
			}
			links := imageLink.FindAllStringSubmatch(string(data), -1)
			local := 0
			for _, l := range links {
				if strings.HasPrefix(l[1], fixtureHost) {
					continue
				}
				local++
			}
			if local != tt.wantLocal || len(links) != 4 {
				t.Errorf("%d links, %d local; want 4 links, %d local", len(links), local, tt.wantLocal)
			}
			_, err = os.Stat(filepath.Join(dir, seedSlug+".assets"))
			if got := err == nil; got != tt.wantAssets {
				t.Errorf("assets folder exists = %v, want %v", got, tt.wantAssets)
			}
		})
	}
}

func TestMarkdownCollisions(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, seedSlug+".md")
	if err := os.WriteFile(existing, []byte("my own notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	// An assets folder alone also claims its name.
	if err := os.Mkdir(filepath.Join(dir, seedSlug+"-2.assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	items := []Item{seedItem(t), seedItem(t)}
	var progress []string
	paths, err := Markdown(context.Background(), dir, items, &dirStore{}, MarkdownOptions{
		Progress: func(done, total int) { progress = append(progress, fmt.Sprintf("%d/%d", done, total)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, seedSlug+"-3.md"), filepath.Join(dir, seedSlug+"-4.md")}
	if !slices.Equal(paths, want) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
	if got, _ := os.ReadFile(existing); string(got) != "my own notes" {
		t.Errorf("existing file was overwritten: %q", got)
	}
	if !slices.Equal(progress, []string{"1/2", "2/2"}) {
		t.Errorf("progress = %q", progress)
	}
	for _, p := range want {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		assets := strings.TrimSuffix(filepath.Base(p), ".md") + ".assets/"
		if n := strings.Count(string(data), "]("+assets); n != 4 {
			t.Errorf("%s links %d images in %s, want 4", p, n, assets)
		}
	}
}

func TestMarkdownBadFolder(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
	}{
		{"below a file", filepath.Join(file, "sub")},
		{"is a file", file},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths, err := Markdown(context.Background(), tt.dir, []Item{seedItem(t)}, &dirStore{}, MarkdownOptions{})
			if err == nil {
				t.Fatalf("no error; wrote %q", paths)
			}
			if !strings.Contains(err.Error(), tt.dir) {
				t.Errorf("error %q does not name the folder %s", err, tt.dir)
			}
			if names := listDir(t, base); !slices.Equal(names, []string{"file"}) {
				t.Errorf("left behind %q", names)
			}
		})
	}
}

func TestMarkdownCancelled(t *testing.T) {
	tests := []struct {
		name      string
		cancelAt  int // image lookup at which the user cancels
		wantFiles []string
	}{
		{"during first article", 2, nil},
		{"during second article", 6, []string{seedSlug + ".assets", seedSlug + ".md"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			store := &dirStore{onCall: func(n int) {
				if n == tt.cancelAt {
					cancel()
				}
			}}
			paths, err := Markdown(ctx, dir, []Item{seedItem(t), seedItem(t)}, store, MarkdownOptions{})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if len(paths) != len(tt.wantFiles)/2 {
				t.Errorf("paths = %q", paths)
			}
			if names := listDir(t, dir); !slices.Equal(names, tt.wantFiles) {
				t.Errorf("folder holds %q, want %q", names, tt.wantFiles)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ name, title, want string }{
		{"vietnamese", "Nâng cao năng lực dự báo, tầm nhìn chiến lược trong công tác dân vận", seedSlug},
		{"d with stroke", "Đà Nẵng đón khách", "da-nang-don-khach"},
		{"german", "Straße über Köln", "strasse-uber-koln"},
		{"nordic", "Ærø og Øresund", "aero-og-oresund"},
		{"polish", "Łódź nocą", "lodz-noca"},
		{"french", "Cœur de l'œuvre", "coeur-de-l-oeuvre"},
		{"icelandic", "Þingvellir", "thingvellir"},
		{"turkish dotless i", "Işık", "isik"},
		{"cyrillic kept", "Привет, Мир!", "привет-мир"},
		{"cjk kept", "東京の天気：晴れ", "東京の天気-晴れ"},
		{"arabic kept", "مرحبا بالعالم", "مرحبا-بالعالم"},
		{"hindi marks kept", "नमस्ते दुनिया", "नमस्ते-दुनिया"},
		{"unsafe characters", `a<b>c:d"e/f\g|h?i*j`, "a-b-c-d-e-f-g-h-i-j"},
		{"control and trailing dots", "tab\there...  ", "tab-here"},
		{"empty", "", "untitled"},
		{"only punctuation", "?!… —", "untitled"},
		{"emoji only", "🎉🎉", "untitled"},
		{"reserved con", "CON", "con-"},
		{"reserved com1", "Com1", "com1-"},
		{"reserved lpt9", "lpt9", "lpt9-"},
		{"not reserved", "console", "console"},
		{"long cut on word", strings.Repeat("chiến lược ", 12), "chien-luoc-chien-luoc-chien-luoc-chien-luoc-chien-luoc-chien-luoc-chien-luoc"},
		{"long word cut on rune", strings.Repeat("東", 40), strings.Repeat("東", 26)},
	}
	safe := regexp.MustCompile(`^[\p{L}\p{M}\p{N}-]+$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Slug(tt.title)
			if got != tt.want {
				t.Errorf("Slug(%q) = %q, want %q", tt.title, got, tt.want)
			}
			if len(got) > maxSlug || !utf8.ValidString(got) || !safe.MatchString(got) ||
				strings.HasPrefix(got, "-") || strings.Contains(got, "--") {
				t.Errorf("Slug(%q) = %q is not a safe file name", tt.title, got)
			}
		})
	}
}

func BenchmarkMarkdown1000(b *testing.B) {
	it := seedItem(b)
	items := make([]Item, 1000)
	for i := range items {
		items[i] = it
	}
	store := &dirStore{}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		if _, err := Markdown(context.Background(), dir, items, store, MarkdownOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEnsureDirNamesTheFolderOnce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir string
	}{
		{"a file in the way", file},
		{"under a file", filepath.Join(file, "sub")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ensureDir(tt.dir)
			if err == nil {
				t.Fatalf("ensureDir(%s) succeeded", tt.dir)
			}
			if n := strings.Count(err.Error(), tt.dir); n != 1 {
				t.Errorf("%q names %s %d times, want once", err, tt.dir, n)
			}
		})
	}
}
