package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestImportPocketCSV(t *testing.T) {
	srv := seedServer(t)
	f := newFolio(t)
	f.client = srv.Client()
	csv := "title,url,time_added,tags,status\n" +
		"Dân vận," + srv.URL + "/index.html,1642080000,việt nam|chính trị,archive\n" +
		"Gone," + srv.URL + "/gone.html,1670000000,,unread\n"
	path := filepath.Join(t.TempDir(), "part_000000.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out := f.ok("import", "--tag", "pocket", path)
	if !strings.Contains(out, "pocket-csv export: 2 links") {
		t.Errorf("summary = %q", out)
	}
	list := listJSON(t, f, "--sort", "saved")
	if len(list) != 2 {
		t.Fatalf("library has %d articles, want 2", len(list))
	}
	byTitle := map[string]jsonArticle{}
	for _, a := range list {
		byTitle[a.Title] = a
	}
	gone, ok := byTitle["Gone"]
	if !ok || gone.State.Fetched || !gone.Saved.Equal(time.Unix(1670000000, 0)) || strings.Join(gone.Tags, ",") != "pocket" {
		t.Errorf("dead link = %+v, want an unfetched bookmark saved at 1670000000 tagged pocket", gone)
	}
	var seed jsonArticle
	for _, a := range list {
		if a.Title != "Gone" {
			seed = a
		}
	}
	if !seed.State.Fetched || !seed.State.Archived || !seed.State.Read || !seed.Saved.Equal(time.Unix(1642080000, 0)) {
		t.Errorf("seed article = %+v, want fetched, archived and read, saved at 1642080000", seed)
	}
	if got := strings.Join(seed.Tags, ","); got != "chính trị,pocket,việt nam" {
		t.Errorf("tags = %q", got)
	}

	// Again: nothing new, nothing duplicated.
	out = f.ok("import", path)
	if !strings.Contains(out, "already in your library") {
		t.Errorf("second import summary = %q", out)
	}
	if got := listJSON(t, f); len(got) != 2 {
		t.Errorf("after a second import the library has %d articles, want 2", len(got))
	}
}

func TestImportUnrecognised(t *testing.T) {
	f := newFolio(t)
	path := filepath.Join(t.TempDir(), "notes.json")
	if err := os.WriteFile(path, []byte(`{"hello": "world"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := f.run("import", path)
	if code != exitFailure || !strings.Contains(errs, "notes.json is a JSON object with keys hello, not an export Folio knows") ||
		!strings.Contains(errs, "folio import --formats") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	// A known export with no rows says so instead of exiting 0 in silence.
	empty := filepath.Join(t.TempDir(), "part_000000.csv")
	if err := os.WriteFile(empty, []byte("title,url,time_added,tags,status\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := f.run("import", empty); code != exitFailure || !strings.Contains(errs, "a Pocket CSV export (ZIP or folder of part_*.csv) with no entries: there is nothing to import") {
		t.Errorf("header-only CSV: exit %d, stderr %q", code, errs)
	}
	if code, out, _ := f.run("import", "--formats"); code != 0 || !strings.Contains(out, "Raindrop.io") || !strings.Contains(out, "Settings › Backups") {
		t.Errorf("--formats: exit %d, %q", code, out)
	}
	if code, _, _ := f.run("import"); code != exitUsage {
		t.Errorf("import without a file: exit %d, want 2", code)
	}
}
