package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/folio-app/folio/storage"
)

func TestBackupAndCheck(t *testing.T) {
	srv := seedServer(t)
	f := newFolio(t)
	f.client = srv.Client()
	f.ok("add", "--tag", "dân vận", srv.URL+"/index.html")

	out := f.ok("backup")
	list, err := storage.Backups(f.library)
	if err != nil || len(list) != 1 {
		t.Fatalf("after 'folio backup': backups %+v, %v", list, err)
	}
	if !strings.HasPrefix(out, "done: "+list[0].Path) || !strings.Contains(out, "integrity check passed") {
		t.Errorf("backup printed %q, want done: %s …", out, list[0].Path)
	}
	if got := f.ok("backup", "--list"); !strings.Contains(got, list[0].Path) {
		t.Errorf("backup --list = %q, want %s", got, list[0].Path)
	}

	// --to a folder puts a dated file in it; --to an existing file refuses.
	dir := t.TempDir()
	out = f.ok("backup", "--to", dir)
	copies, _ := filepath.Glob(filepath.Join(dir, "lib-backup-*.db"))
	if len(copies) != 1 {
		t.Fatalf("backup --to DIR wrote %v (printed %q)", copies, out)
	}
	code, _, errs := f.run("backup", "--to", copies[0])
	if code != exitFailure || !strings.Contains(errs, "already exists") {
		t.Errorf("backup onto an existing file: exit %d, %q", code, errs)
	}
	// The copy is a library of its own.
	g := &folio{t: t, library: copies[0]}
	if got := g.ok("list"); !strings.Contains(got, "Nâng cao năng lực dự báo") {
		t.Errorf("list of the backup = %q", got)
	}

	if got := f.ok("check"); !strings.Contains(got, "is sound: 1 articles") {
		t.Errorf("check of a sound library = %q", got)
	}
	db, err := sql.Open("sqlite", f.library)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE tags SET articles = 5`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, got, _ := f.run("check")
	if code != exitFailure || !strings.Contains(got, "counts of 1 tags are wrong (dân vận)") || !strings.Contains(got, "folio check --repair") {
		t.Errorf("check with a wrong count: exit %d, %q", code, got)
	}
	if got := f.ok("check", "--repair"); !strings.Contains(got, "rebuilt") || !strings.Contains(got, "is sound") {
		t.Errorf("check --repair = %q", got)
	}
}

func TestCheckDamagedNamesTheBackup(t *testing.T) {
	srv := seedServer(t)
	f := newFolio(t)
	f.client = srv.Client()
	f.ok("add", srv.URL+"/index.html")
	f.ok("backup")
	data, err := os.ReadFile(f.library)
	if err != nil {
		t.Fatal(err)
	}
	for i := 4096; i < len(data) && i < 4096*6; i++ {
		data[i] = 0x5a // pages 2 to 6: schema and tables, not the header
	}
	if err := os.WriteFile(f.library, data, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(f.library + "-wal")
	os.Remove(f.library + "-shm")
	list, _ := storage.Backups(f.library)
	code, out, errs := f.run("check")
	if code != exitFailure || !strings.Contains(out, "is damaged") || len(list) != 1 || !strings.Contains(out, list[0].Path) {
		t.Errorf("check of a damaged file: exit %d\nstdout %q\nstderr %q\nwant it to name the backup %+v", code, out, errs, list)
	}
}
