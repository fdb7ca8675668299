package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// TestWatchSeesAnotherProcess opens the same file twice, as the window and
// the folio command do: a write through one is seen by the other's Watch,
// and a quiet library reports nothing.
func TestWatchSeesAnotherProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lib.db")
	window, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer window.Close()
	cli, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	w, err := window.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if changed, err := w.Changed(ctx); err != nil || changed {
		t.Fatalf("a quiet library changed = %v, %v", changed, err)
	}
	id := mustAdd(t, cli, simpleArticle("https://a.example/1", "One", "text"), AddOptions{})
	if changed, err := w.Changed(ctx); err != nil || !changed {
		t.Fatalf("after an add by another process changed = %v, %v", changed, err)
	}
	if changed, _ := w.Changed(ctx); changed {
		t.Error("Changed says so twice for one change")
	}
	before, err := window.Updated(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Replace(ctx, id, simpleArticle("https://a.example/1", "One again", "new text")); err != nil {
		t.Fatal(err)
	}
	if after, err := window.Updated(ctx, id); err != nil || !after.After(before) {
		t.Errorf("Updated after a refetch = %v (was %v), %v", after, before, err)
	}
	if _, err := window.Updated(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Updated of a missing article = %v", err)
	}
}
