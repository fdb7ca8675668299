package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// seedDir is the replica of the reference Vietnamese news page.
const seedDir = "../../testdata/pages/seed-vi"

type seedExpect struct {
	Title          string   `json:"title"`
	Byline         string   `json:"byline"`
	SiteName       string   `json:"siteName"`
	Lang           string   `json:"lang"`
	Published      string   `json:"published"`
	Excerpt        string   `json:"excerpt"`
	ArticleImages  []string `json:"articleImages"`
	MustNotContain []string `json:"mustNotContain"`
}

func loadSeedExpect(t *testing.T) seedExpect {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(seedDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e seedExpect
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// folio runs the command line in-process against a library in dir and
// returns its exit code, stdout and stderr.
type folio struct {
	t       *testing.T
	library string
	client  *http.Client
	vars    map[string]string // more environment
}

func newFolio(t *testing.T) *folio {
	t.Helper()
	return &folio{t: t, library: filepath.Join(t.TempDir(), "lib.db")}
}

func (f *folio) run(args ...string) (int, string, string) {
	f.t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, client: f.client,
		getenv: func(k string) string {
			if k == libraryEnv {
				return f.library
			}
			return f.vars[k]
		}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := run(ctx, args, e)
	return code, out.String(), errb.String()
}

// ok runs a command that must succeed and returns its stdout.
func (f *folio) ok(args ...string) string {
	f.t.Helper()
	code, out, errs := f.run(args...)
	if code != exitOK {
		f.t.Fatalf("folio %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func seedServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir(seedDir)))
	t.Cleanup(srv.Close)
	return srv
}

func listJSON(t *testing.T, f *folio, args ...string) []jsonArticle {
	t.Helper()
	var list []jsonArticle
	if err := json.Unmarshal([]byte(f.ok(append([]string{"list", "--json"}, args...)...)), &list); err != nil {
		t.Fatalf("list --json: %v", err)
	}
	return list
}

func TestSeedPageEndToEnd(t *testing.T) {
	srv := seedServer(t)
	want := loadSeedExpect(t)
	f := newFolio(t)
	f.client = srv.Client()
	link := srv.URL + "/index.html?utm_source=newsletter"

	out := f.ok("add", "--tag", "Chính trị", link)
	if !strings.HasPrefix(out, "saved") || !strings.Contains(out, want.Title) {
		t.Fatalf("add output = %q, want a saved line with the title", out)
	}

	// The same link again (tracking parameters differ) is recognised.
	out = f.ok("add", srv.URL+"/index.html#comment")
	if !strings.HasPrefix(out, "exists") {
		t.Errorf("second add = %q, want it to say the article exists", out)
	}

	list := listJSON(t, f)
	if len(list) != 1 {
		t.Fatalf("list has %d articles, want 1", len(list))
	}
	a := list[0]
	if a.Title != want.Title || a.Byline != want.Byline || a.Site != want.SiteName || a.Lang != want.Lang {
		t.Errorf("metadata = %q/%q/%q/%q, want %q/%q/%q/%q", a.Title, a.Byline, a.Site, a.Lang, want.Title, want.Byline, want.SiteName, want.Lang)
	}
	pub, _ := time.Parse(time.RFC3339, want.Published)
	if a.Published == nil || !a.Published.Equal(pub) {
		t.Errorf("published = %v, want %v", a.Published, pub)
	}
	if len(a.Tags) != 1 || a.Tags[0] != "Chính trị" {
		t.Errorf("tags = %q, want [Chính trị]", a.Tags)
	}
	id := a.ID
	sid := itoa(id)

	// Text: every expected paragraph, none of the clutter.
	var full jsonFull
	if err := json.Unmarshal([]byte(f.ok("show", sid, "--format", "json")), &full); err != nil {
		t.Fatal(err)
	}
	expected, err := os.ReadFile(filepath.Join(seedDir, "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := norm(full.Text)
	for _, p := range strings.Split(string(expected), "\n") {
		if p = norm(p); p != "" && !strings.Contains(text, p) {
			t.Errorf("saved text lacks paragraph %q", p)
		}
	}
	for _, bad := range want.MustNotContain {
		if strings.Contains(full.Text, bad) || strings.Contains(full.HTML, bad) {
			t.Errorf("saved article contains clutter %q", bad)
		}
	}
	if full.Excerpt != want.Excerpt {
		t.Errorf("excerpt = %q, want %q", full.Excerpt, want.Excerpt)
	}
	if len(full.Images) != len(want.ArticleImages) {
		t.Fatalf("images = %q, want %d", full.Images, len(want.ArticleImages))
	}
	for i, im := range want.ArticleImages {
		if full.Images[i] != srv.URL+im {
			t.Errorf("image %d = %q, want %q", i, full.Images[i], srv.URL+im)
		}
	}

	// Search finds it without diacritics, in capitals and with đ folded.
	for _, q := range []string{"dan van", "DÂN VẬN", "dang", `"công tác dân vận"`, "phuong*"} {
		var hits []jsonHit
		if err := json.Unmarshal([]byte(f.ok("search", "--json", q)), &hits); err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0].ID != id {
			t.Errorf("search %q found %d articles, want the seed article", q, len(hits))
		} else if !strings.Contains(hits[0].Snippet, "[") {
			t.Errorf("search %q snippet %q has no highlighted match", q, hits[0].Snippet)
		}
	}

	// Tags: add, remove, filter.
	f.ok("tag", sid, "+dân vận", "-chính TRỊ")
	if got := listJSON(t, f, "--tag", "DÂN VẬN"); len(got) != 1 || strings.Join(got[0].Tags, ",") != "dân vận" {
		t.Errorf("after tag: %+v, want one article tagged dân vận only", got)
	}
	if got := listJSON(t, f, "--tag", "chính trị"); len(got) != 0 {
		t.Errorf("removed tag still lists %d articles", len(got))
	}

	// Notes: add, list, edit, delete; notes are searchable.
	f.ok("note", sid, "Hội nghị trực tuyến — xem lại phần kết luận")
	var notes []jsonNote
	if err := json.Unmarshal([]byte(f.ok("note", "list", sid, "--json")), &notes); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Article != id {
		t.Fatalf("notes = %+v, want one note on article %d", notes, id)
	}
	if hits := f.ok("search", "ket luan"); !strings.Contains(hits, want.Title) {
		t.Errorf("search in notes: %q", hits)
	}
	f.ok("note", "edit", itoa(notes[0].ID), "Đã đọc xong")
	if got := f.ok("show", sid); !strings.Contains(got, "Đã đọc xong") {
		t.Errorf("show lacks the edited note:\n%s", got)
	}
	f.ok("note", "delete", itoa(notes[0].ID))
	if got := f.ok("note", "list", sid); strings.TrimSpace(got) != "" {
		t.Errorf("notes after delete: %q", got)
	}

	// States.
	f.ok("mark", sid, "read")
	f.ok("mark", sid, "favorite")
	if got := listJSON(t, f, "--unread"); len(got) != 0 {
		t.Errorf("--unread lists a read article")
	}
	if got := listJSON(t, f, "--favorite"); len(got) != 1 || !got[0].State.Favorite || !got[0].State.Read {
		t.Errorf("--favorite = %+v", got)
	}
	f.ok("mark", sid, "archive")
	if got := listJSON(t, f, "--archived"); len(got) != 1 || !got[0].State.Archived {
		t.Errorf("--archived = %+v", got)
	}

	// Re-extract from the stored page, with the site gone: tags and images stay.
	srv.Close()
	f.ok("refetch", "--offline", sid)
	if got := listJSON(t, f); len(got) != 1 || strings.Join(got[0].Tags, ",") != "dân vận" {
		t.Errorf("after refetch: %+v", got)
	}
	out = t.TempDir()
	md := strings.TrimSpace(f.ok("export", "--out", out, sid))
	if assets, _ := filepath.Glob(strings.TrimSuffix(md, ".md") + ".assets/*"); len(assets) != 4 {
		t.Errorf("after an offline refetch the export has %d images, want 4", len(assets))
	}

	f.ok("delete", sid)
	if got := listJSON(t, f); len(got) != 0 {
		t.Errorf("after delete: %d articles", len(got))
	}
}

func TestUsageErrors(t *testing.T) {
	f := newFolio(t)
	for _, args := range [][]string{
		{"frobnicate"},
		{"add"},
		{"show"},
		{"show", "abc"},
		{"show", "1", "--format", "rtf"},
		{"mark", "1", "sideways"},
		{"list", "--unread", "--archived"},
		{"list", "--sort", "colour"},
		{"tag", "1"},
		{"search"},
		{"--library"},
	} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			code, _, errs := f.run(args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d (stderr %q)", code, exitUsage, errs)
			}
			if strings.TrimSpace(errs) == "" {
				t.Errorf("no message on stderr")
			}
		})
	}
}

func TestFailuresExitOne(t *testing.T) {
	srv := seedServer(t)
	f := newFolio(t)
	f.client = srv.Client()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing article", []string{"show", "42"}, "not found"},
		{"missing page", []string{"add", srv.URL + "/nope.html"}, "404"},
		{"not a web page", []string{"add", srv.URL + "/images/logo.png"}, "image/png"},
		{"bad scheme", []string{"add", "ftp://example.com/a"}, "http"},
		{"bad query", []string{"search", `"unbalanced`}, "query"},
		{"mark missing article", []string{"mark", "42", "read"}, "article 42 not found"},
		{"delete missing article", []string{"delete", "42"}, "article 42 not found"},
		{"tag missing article", []string{"tag", "42", "+x"}, "article 42 not found"},
		{"missing file", []string{"add", filepath.Join(t.TempDir(), "page.html")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := f.run(tt.args...)
			if code != exitFailure {
				t.Errorf("exit %d, want %d", code, exitFailure)
			}
			if !strings.Contains(errs, tt.want) {
				t.Errorf("stderr %q does not mention %q", errs, tt.want)
			}
		})
	}
}

func TestAddSeveralReportsEach(t *testing.T) {
	srv := seedServer(t)
	f := newFolio(t)
	f.client = srv.Client()
	code, out, errs := f.run("add", srv.URL+"/index.html", srv.URL+"/missing.html")
	if code != exitFailure {
		t.Errorf("exit %d, want 1 when one link fails", code)
	}
	if !strings.Contains(out, "saved") || !strings.Contains(errs, "missing.html") {
		t.Errorf("stdout %q / stderr %q: want one saved line and one failure naming the link", out, errs)
	}
	if got := listJSON(t, f); len(got) != 1 {
		t.Errorf("library has %d articles, want 1", len(got))
	}
}

func TestAddFromFile(t *testing.T) {
	f := newFolio(t)
	srv := seedServer(t)
	f.client = srv.Client()
	page := filepath.Join(seedDir, "index.html")
	code, _, errs := f.run("add", page)
	// The replica's canonical link is root-relative, so the file alone does not say where it came from.
	if code != exitFailure || !strings.Contains(errs, "--url") {
		t.Fatalf("add FILE without an address: exit %d, stderr %q; want a failure asking for --url", code, errs)
	}
	f.ok("add", "--url", srv.URL+"/index.html", page)
	got := listJSON(t, f)
	if len(got) != 1 || got[0].URL != srv.URL+"/index.html" {
		t.Fatalf("after add from file: %+v", got)
	}
}

func TestLibraryPathOrder(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	if got := libraryPath("/a.db", env("/b.db")); got != "/a.db" {
		t.Errorf("flag: %q", got)
	}
	if got := libraryPath("", env("/b.db")); got != "/b.db" {
		t.Errorf("env: %q", got)
	}
	if got := libraryPath("", env("")); !strings.HasSuffix(got, "library.db") || !filepath.IsAbs(got) {
		t.Errorf("default: %q", got)
	}
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestAddRedirectedLinkTwiceFetchesOnce(t *testing.T) {
	files := http.FileServer(http.Dir(seedDir))
	var fetches int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/short":
			fetches++
			http.Redirect(w, r, "/index.html", http.StatusFound)
		default:
			files.ServeHTTP(w, r)
		}
	}))
	defer srv.Close()
	f := newFolio(t)
	f.client = srv.Client()
	f.ok("add", srv.URL+"/short")
	out := f.ok("add", srv.URL+"/short?utm_campaign=x")
	if !strings.HasPrefix(out, "exists") || fetches != 1 {
		t.Errorf("second add printed %q after %d fetches of the short link; want exists after 1", out, fetches)
	}
	// http.FileServer sends /index.html on to "/": the final address.
	if got := listJSON(t, f); len(got) != 1 || got[0].URL != srv.URL+"/" {
		t.Errorf("library: %+v, want one article at the final address", got)
	}
}
