package importer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// An export's highlights become highlights of the article where its text
// has their passage (Omnivore writes them in Markdown, links and emphasis
// included) and stay a note where it does not; a passage placed is not
// also a note; importing again adds nothing.
func TestImportPlacesHighlights(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("metadata_0_to_49.json", `[{"id": "1", "slug": "song", "title": "Sông Hồng", "url": "http://gone.invalid/song",
		"state": "Succeeded", "labels": [], "savedAt": "2023-02-03T04:05:06.000Z"}]`)
	write("content/song.html", `<div><p>Sông Hồng chảy qua <a href="http://x.invalid/hn">Hà Nội</a> và đổ ra biển Đông.</p>`+
		`<p>Mùa lũ đến vào tháng bảy, nước dâng cao và mang theo phù sa màu mỡ cho những cánh đồng hai bên bờ.</p>`+
		`<p>Người dân ven sông sống bằng nghề trồng lúa và đánh cá từ bao đời nay.</p></div>`)
	write("highlights/song.md", "Ghi chú về cả bài.\n\n"+
		"> Sông Hồng chảy qua [Hà Nội](http://x.invalid/hn) và **đổ ra** biển Đông.\n\n#địa-lý\n\nNhớ đoạn này.\n\n"+
		"> nước dâng cao\n> và mang theo phù sa\n\n"+
		"> Một câu không hề có trong bài viết này.\n\nGhi chú lạc.\n")
	lib := openLib(t)
	for round := range 2 {
		sum, err := Import(ctx, lib, nil, dir, Options{})
		if err != nil || sum.Format != Omnivore || len(sum.Errors) > 0 {
			t.Fatalf("import %d: %+v, %v", round, sum, err)
		}
		a := articles(t, lib)["/song"]
		if a == nil {
			t.Fatalf("import %d: no article: %v", round, articles(t, lib))
		}
		hs, err := lib.Highlights(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hs {
			if h.Detached {
				t.Errorf("import %d: detached %+v", round, h)
			}
			got = append(got, h.Exact+" / "+h.Note)
		}
		want := []string{"Sông Hồng chảy qua Hà Nội và đổ ra biển Đông. / #địa-lý\n\nNhớ đoạn này.",
			"nước dâng cao và mang theo phù sa / "}
		if !slices.Equal(got, want) {
			t.Errorf("import %d: highlights %q, want %q", round, got, want)
		}
		ns, _ := lib.Notes(ctx, a.ID)
		var notes []string
		for _, n := range ns {
			notes = append(notes, n.Text)
		}
		wantN := []string{"From Omnivore (highlights):\nGhi chú về cả bài.",
			"From Omnivore (highlights):\n> Một câu không hề có trong bài viết này.\n\nGhi chú lạc."}
		if !slices.Equal(notes, wantN) {
			t.Errorf("import %d: notes %q, want %q", round, notes, wantN)
		}
	}
}

func TestPlainMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"a [link](http://x) b":             "a link b",
		"**bold** and __also__":            "bold and also",
		"an *emphasis* and _this_.":        "an emphasis and this.",
		"snake_case_name stays":            "snake_case_name stays",
		"2 * 3 * 4":                        "2 * 3 * 4",
		"![a picture](http://x/i.png)text": "text",
		"`code` here":                      "code here",
	} {
		if got := plainMarkdown(in); got != want {
			t.Errorf("plainMarkdown(%q) = %q, want %q", in, got, want)
		}
	}
}
