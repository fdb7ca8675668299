package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestBackupWhileWriting backs the library up while another connection
// (as the window would be) keeps adding articles, then checks the copy is
// a sound, complete snapshot and restores it into a library that opens.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	for i := range 20 {
		mustAdd(t, lib, simpleArticle(fmt.Sprintf("https://example.com/before/%d", i), "Before", "bài viết trước"),
			AddOptions{Tags: []string{"trước"}})
	}
	other, err := Open(ctx, lib.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	// The writer runs until the backup is done, and at least 30 articles
	// long so that it overlaps the backup.
	tmpl := seedArticle(t, "https://w.example")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var written int
	var werr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				if i >= 30 {
					return
				}
			default:
			}
			a := *tmpl
			a.URL, a.Canonical = fmt.Sprintf("https://w.example/%d", i), ""
			if _, err := other.Add(ctx, &a, AddOptions{Tags: []string{"during"}}); err != nil {
				werr = err
				return
			}
			written++
		}
	}()
	time.Sleep(5 * time.Millisecond) // let the writer start; correctness does not depend on it
	backup := filepath.Join(t.TempDir(), "copy.db")
	berr := lib.Backup(ctx, backup)
	close(stop)
	wg.Wait()
	if berr != nil {
		t.Fatalf("Backup: %v", berr)
	}
	if werr != nil {
		t.Fatalf("writer: %v", werr)
	}
	if err := VerifyFile(ctx, backup); err != nil {
		t.Fatalf("VerifyFile: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(backup), ".*partial")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}

	restored := filepath.Join(t.TempDir(), "restored", "library.db")
	if err := RestoreBackup(ctx, backup, restored); err != nil {
		t.Fatalf("RestoreBackup: %v", err)
	}
	copyLib, err := Open(ctx, restored)
	if err != nil {
		t.Fatalf("open restored copy: %v", err)
	}
	defer copyLib.Close()
	n := count(t, copyLib, "articles")
	if n < 20 || n > 20+written {
		t.Fatalf("copy has %d articles, want between 20 and %d", n, 20+written)
	}
	// A snapshot: every article in it is whole, with its content, images,
	// tags and search entry, and the tag counts agree.
	for _, table := range []string{"article_content", "search"} {
		if c := count(t, copyLib, table); c != n {
			t.Errorf("copy: %d rows in %s for %d articles", c, table, n)
		}
	}
	during := n - 20
	if c := count(t, copyLib, "article_images"); c != during*4 {
		t.Errorf("copy: %d images for %d seed articles, want %d", c, during, during*4)
	}
	tags, err := copyLib.Tags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"trước": 20, "during": during}
	for _, tc := range tags {
		if tc.Count != want[tc.Name] {
			t.Errorf("copy: tag %q has %d articles, want %d", tc.Name, tc.Count, want[tc.Name])
		}
	}
	hits, err := copyLib.Search(ctx, "bai viet truoc", Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 20 {
		t.Errorf("search in the copy found %d, want 20", len(hits))
	}
	r, err := copyLib.Check(ctx)
	if err != nil || !r.OK() {
		t.Errorf("Check of restored copy = %+v, %v", r, err)
	}
	// The original went on: it has everything the writer wrote.
	if c := count(t, lib, "articles"); c != 20+written {
		t.Errorf("original has %d articles, want %d", c, 20+written)
	}
}

func TestBackupNeverOverwrites(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	mustAdd(t, lib, simpleArticle("https://example.com/a", "A", "text"), AddOptions{})
	path := filepath.Join(t.TempDir(), "taken.db")
	if err := os.WriteFile(path, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := lib.Backup(ctx, path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Backup onto an existing file: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Errorf("existing file changed to %q", b)
	}
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	if err := lib.Backup(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if err := RestoreBackup(ctx, fresh, path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("RestoreBackup onto an existing file: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Errorf("existing file changed to %q", b)
	}
}

func TestBackupDatedKeepsTheNewest(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	mustAdd(t, lib, simpleArticle("https://example.com/a", "A", "text"), AddOptions{})
	dir := filepath.Dir(lib.Path())
	// Files that look alike but are not Folio's dated backups stay.
	others := []string{"folio-backup-notes.txt", "folio-backup-2024.db", "folio-backup-2024-13-01-000000.db", "other-backup-2024-01-01-000000.db"}
	for _, name := range others {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Date(2025, 6, 1, 8, 0, 0, 0, time.Local)
	var made []string
	for i := range 5 {
		lib.now = func() time.Time { return start.Add(time.Duration(i) * 24 * time.Hour) }
		p, _, err := lib.BackupDated(ctx, 3)
		if err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		made = append(made, p)
	}
	if got, want := filepath.Base(made[0]), "folio-backup-2025-06-01-080000.db"; got != want {
		t.Errorf("first backup named %s, want %s", got, want)
	}
	list, err := Backups(lib.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("%d backups kept, want 3: %+v", len(list), list)
	}
	for i, b := range list {
		if b.Path != made[i+2] || !b.Made.Equal(start.Add(time.Duration(i+2)*24*time.Hour)) || b.Size == 0 {
			t.Errorf("backup %d = %+v, want %s", i, b, made[i+2])
		}
	}
	for _, name := range others {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
	// keep 0 still keeps the newest.
	if _, err := PruneBackups(lib.Path(), 0); err != nil {
		t.Fatal(err)
	}
	if list, _ := Backups(lib.Path()); len(list) != 1 || list[0].Path != made[4] {
		t.Errorf("after keep 0: %+v, want only %s", list, made[4])
	}
}

func TestVerifyFileFindsDamage(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	for i := range 30 {
		mustAdd(t, lib, seedArticle(t, fmt.Sprintf("https://d%d.example", i)), AddOptions{Tags: []string{"x"}})
	}
	path := filepath.Join(t.TempDir(), "b.db")
	if err := lib.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Scribble over the middle of the file, away from the header.
	for i := len(data) / 3; i < len(data)/3+8192 && i < len(data); i++ {
		data[i] = 0x5a
	}
	damaged := filepath.Join(t.TempDir(), "damaged.db")
	if err := os.WriteFile(damaged, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := VerifyFile(ctx, damaged); !errors.Is(err, ErrDamaged) {
		t.Errorf("VerifyFile(damaged) = %v, want ErrDamaged", err)
	}
	if err := RestoreBackup(ctx, damaged, filepath.Join(t.TempDir(), "r.db")); !errors.Is(err, ErrDamaged) {
		t.Errorf("RestoreBackup(damaged) = %v, want ErrDamaged", err)
	}
	text := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(text, []byte("these are not the droids you are looking for, not a database at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := VerifyFile(ctx, text); !errors.Is(err, ErrDamaged) {
		t.Errorf("VerifyFile(text file) = %v, want ErrDamaged", err)
	}
}

func TestCheckAndRepair(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	a := mustAdd(t, lib, simpleArticle("https://example.com/a", "Nâng cao", "năng lực dự báo"), AddOptions{Tags: []string{"khí tượng"}})
	mustAdd(t, lib, simpleArticle("https://example.com/b", "B", "other words"), AddOptions{Tags: []string{"khí tượng", "b"}})
	if _, err := lib.AddNote(ctx, a, "ghi chú"); err != nil {
		t.Fatal(err)
	}
	r, err := lib.Check(ctx)
	if err != nil || !r.OK() {
		t.Fatalf("Check of a sound library = %+v, %v", r, err)
	}

	// Derived data gone wrong: a tag count and a lost search entry.
	if _, err := lib.db.Exec(`UPDATE tags SET articles = 7 WHERE name = 'b'`); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.db.Exec(`DELETE FROM search WHERE rowid = ?`, a); err != nil {
		t.Fatal(err)
	}
	r, err = lib.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || !r.Repairable() || len(r.TagCounts) != 1 || r.TagCounts[0] != "b" || r.Unindexed != 1 {
		t.Errorf("Check = %+v, want tag b's count and one unindexed article reported as repairable", r)
	}
	if err := lib.Repair(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err := lib.Check(ctx); err != nil || !r.OK() {
		t.Errorf("Check after Repair = %+v, %v", r, err)
	}
	for _, q := range []string{"nang luc", "ghi chu", "khi tuong"} {
		hits, err := lib.Search(ctx, q, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || h.ID == a
		}
		if !found {
			t.Errorf("after Repair, search %q = %+v, want article %d among them", q, hits, a)
		}
	}
	tags, _ := lib.Tags(ctx)
	for _, tc := range tags {
		if want := map[string]int{"khí tượng": 2, "b": 1}[tc.Name]; tc.Count != want {
			t.Errorf("after Repair tag %q counts %d, want %d", tc.Name, tc.Count, want)
		}
	}

	// A row pointing nowhere, written past the foreign keys.
	conn, err := lib.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`PRAGMA foreign_keys = OFF`,
		`INSERT INTO notes(article_id, text, created, updated) VALUES (999, 'orphan', 0, 0)`,
		`PRAGMA foreign_keys = ON`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()
	r, err = lib.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Dangling) != 1 || r.Dangling[0].Table != "notes" || r.Dangling[0].Parent != "articles" || r.Repairable() {
		t.Errorf("Check = %+v, want one dangling note, not repairable", r)
	}
	if err := VerifyFile(ctx, lib.Path()); !errors.Is(err, ErrDamaged) {
		t.Errorf("VerifyFile with a dangling row = %v, want ErrDamaged", err)
	}
}
