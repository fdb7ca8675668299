package export

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/folio-app/folio/reader"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/export")

const (
	seedDir = "../testdata/pages/seed-vi"
	// The fixtures name a host under the reserved .test domain: nothing is
	// fetched, the fake store maps its paths onto seedDir.
	fixtureHost = "http://folio.test"
	seedURL     = fixtureHost + "/nang-cao-nang-luc-du-bao-tam-nhin-chien-luoc-trong-cong-tac-dan-van-187933.html"
)

// seedMeta is the part of expected.json the export uses.
type seedMeta struct {
	Title         string   `json:"title"`
	Byline        string   `json:"byline"`
	SiteName      string   `json:"siteName"`
	Lang          string   `json:"lang"`
	Published     string   `json:"published"`
	Excerpt       string   `json:"excerpt"`
	LeadImage     string   `json:"leadImage"`
	ArticleImages []string `json:"articleImages"`
}

// seedItem is the reference Vietnamese article as the library would hand
// it to export: metadata from expected.json, the stored body from
// testdata/export/seed-article.html, images by URL without their bytes.
func seedItem(t testing.TB) Item {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(seedDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m seedMeta
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile("../testdata/export/seed-article.html")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := time.Parse(time.RFC3339, m.Published)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(seedDir, "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	it := Item{
		ID: 42,
		Article: reader.Article{
			URL:       seedURL,
			Title:     m.Title,
			Byline:    m.Byline,
			SiteName:  m.SiteName,
			Lang:      m.Lang,
			Excerpt:   m.Excerpt,
			LeadImage: fixtureHost + m.LeadImage,
			Published: pub,
			HTML:      string(body),
			Text:      string(text),
		},
		Saved: time.Date(2026, 11, 27, 15, 4, 0, 0, time.FixedZone("ICT", 7*3600)),
		Tags:  []string{"dân vận", "quy chế dân chủ"},
		Notes: []Note{
			{Text: "Đọc lại phần về *quy chế dân chủ*: số liệu 2021.", Created: time.Date(2026, 11, 27, 15, 30, 0, 0, time.FixedZone("ICT", 7*3600))},
		},
	}
	for _, p := range m.ArticleImages {
		it.Images = append(it.Images, reader.Image{URL: fixtureHost + p, ContentType: "image/png"})
	}
	return it
}

// structuresItem is an article with a table, code, nested lists, a
// quote, a missing image and characters Markdown and PDF must escape or drop.
func structuresItem(t testing.TB) Item {
	t.Helper()
	body, err := os.ReadFile("../testdata/export/structures.html")
	if err != nil {
		t.Fatal(err)
	}
	return Item{
		ID: 7,
		Article: reader.Article{
			URL:    fixtureHost + "/bai/cau-truc.html",
			Title:  "Cấu trúc: bảng, mã & danh sách",
			Byline: "Ban biên tập",
			HTML:   string(body),
			Images: []reader.Image{{URL: fixtureHost + "/images/missing.png"}},
		},
		Saved: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC),
		Tags:  []string{"thử nghiệm"},
	}
}

// dirStore is a fake library image store serving the seed page's images.
// onCall, when set, runs before each lookup with the 1-based call number.
type dirStore struct {
	mu     sync.Mutex
	calls  int
	onCall func(n int)
}

var errNoImage = errors.New("image not in library")

func (s *dirStore) Image(ctx context.Context, articleID int64, u string) (string, []byte, error) {
	s.mu.Lock()
	s.calls++
	n := s.calls
	s.mu.Unlock()
	if s.onCall != nil {
		s.onCall(n)
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme+"://"+pu.Host != fixtureHost {
		return "", nil, errNoImage
	}
	data, err := os.ReadFile(filepath.Join(seedDir, filepath.FromSlash(pu.Path)))
	if err != nil {
		return "", nil, errNoImage
	}
	return "image/png", data, nil
}

// emptyStore has no images at all.
type emptyStore struct{}

func (emptyStore) Image(context.Context, int64, string) (string, []byte, error) {
	return "", nil, errNoImage
}

// normalize makes text comparable across extraction: NFC, all white space
// collapsed to single spaces.
func normalize(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// paragraphs splits the seed's expected.txt into its blocks.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = normalize(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// listDir names everything in dir, hidden files included.
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
