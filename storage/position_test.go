package storage

import (
	"context"
	"errors"
	"testing"
)

func TestSetPosition(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	id := mustAdd(t, lib, simpleArticle("https://a.example/1", "One", "river library museum"), AddOptions{})
	before, err := lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if before.Position != 0 || before.Progress != 0 {
		t.Fatalf("a new article starts at %d (%v)", before.Position, before.Progress)
	}
	if err := lib.SetPosition(ctx, id, 1234, 0.4); err != nil {
		t.Fatal(err)
	}
	a, err := lib.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Position != 1234 || a.Progress != 0.4 || !a.Updated.Equal(before.Updated) {
		t.Errorf("after SetPosition: %d %v updated %v; want 1234 0.4 and the same updated time", a.Position, a.Progress, a.Updated)
	}
	items, _, err := lib.List(ctx, Filter{})
	if err != nil || len(items) != 1 || items[0].Progress != 0.4 {
		t.Errorf("List progress = %v, %v", items, err)
	}
	if err := lib.SetPosition(ctx, id, 10, 7); err != nil {
		t.Fatal(err)
	}
	if a, _ := lib.Get(ctx, id); a.Progress != 1 {
		t.Errorf("progress %v, want clamped to 1", a.Progress)
	}
	if err := lib.SetPosition(ctx, 999, 1, 0.1); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetPosition of a missing article = %v", err)
	}
	if err := lib.SetPosition(ctx, id, -1, 0.1); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative position = %v", err)
	}
}
