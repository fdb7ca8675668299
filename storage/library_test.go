package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestOpenMigratesAndReopens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a", "b", "folio.db") // parents created
	for i := range 2 {
		lib, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		var v int
		if err := lib.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != SchemaVersion() || v < 1 {
			t.Errorf("open #%d: user_version = %d, want %d", i+1, v, SchemaVersion())
		}
		var mode string
		if err := lib.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("journal_mode = %q, want wal", mode)
		}
		if i == 0 {
			mustAdd(t, lib, simpleArticle("https://example.com/a", "A", "text"), AddOptions{})
		} else if n := count(t, lib, "articles"); n != 1 {
			t.Errorf("after reopen: %d articles, want 1", n)
		}
		if err := lib.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")
	lib, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	lib.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open newer schema: err = %v, want ErrNewerSchema", err)
	}
	if !strings.Contains(err.Error(), "schema 99") || !strings.Contains(err.Error(), "update Folio") {
		t.Errorf("message %q should name the schema and say to update Folio", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the newer library file was modified")
	}
}

func TestOpenRefusesNonDatabase(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
	}{
		{"text", []byte("these are my notes, not a database\n")},
		{"short", []byte("SQL")},
		{"html", bytes.Repeat([]byte("<html>"), 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "folio.db")
			if err := os.WriteFile(path, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(context.Background(), path)
			if err == nil || !strings.Contains(err.Error(), "not a Folio library") {
				t.Fatalf("err = %v, want a not-a-library error", err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, tt.content) {
				t.Error("file was modified")
			}
		})
	}
}

func TestForeignKeysOnEveryConnection(t *testing.T) {
	lib := MustOpen(t)
	ctx := context.Background()
	// Hold several connections at once so the pool must open new ones.
	const n = 5
	conns := make([]*sql.Conn, n)
	for i := range conns {
		c, err := lib.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	for i, c := range conns {
		var fk, busy int
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if fk != 1 || busy != 10000 {
			t.Errorf("conn %d: foreign_keys = %d, busy_timeout = %d; want 1, 10000", i, fk, busy)
		}
	}
}

func TestTwoHandlesWriteConcurrently(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")
	var libs [2]*Library
	for i := range libs {
		lib, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer lib.Close()
		libs[i] = lib
	}
	const per = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*per)
	for i, lib := range libs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range per {
				u := "https://example.com/" + string(rune('a'+i)) + "/" + string(rune('a'+j))
				if _, err := lib.Add(ctx, simpleArticle(u, "t", "some words"), AddOptions{}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := count(t, libs[0], "articles"); n != 2*per {
		t.Errorf("%d articles, want %d", n, 2*per)
	}
}

func TestOpenOddPaths(t *testing.T) {
	for _, name := range []string{"with space.db", "what?.db", "hash#1.db", "100%.db", "thư viện.db"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			lib, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			mustAdd(t, lib, simpleArticle("https://example.com/x", "X", "y"), AddOptions{})
			lib.Close()
			if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
				t.Errorf("library not at %s: %v", path, err)
			}
		})
	}
}
