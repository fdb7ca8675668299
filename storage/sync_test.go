package storage

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// pendingFields lists article id's pending sync fields.
func pendingFields(t *testing.T, lib *Library, id int64) []string {
	t.Helper()
	rows, err := lib.db.Query(`SELECT field FROM sync_pending WHERE article = ? ORDER BY field`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var fs []string
	for rows.Next() {
		var f string
		rows.Scan(&f)
		fs = append(fs, f)
	}
	return fs
}

func clearPending(t *testing.T, lib *Library) {
	t.Helper()
	for _, q := range []string{`DELETE FROM sync_pending`, `DELETE FROM sync_deleted`, `DELETE FROM sync_tag_pending`} {
		if _, err := lib.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// Every way the window or the command line changes an article is recorded
// for sync, in its own transaction, by the field it changed.
func TestEveryWriteIsRecordedForSync(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	id := mustAdd(t, lib, simpleArticle("https://a.example/x", "X", "some text"), AddOptions{Tags: []string{"t"}})
	if got := pendingFields(t, lib, id); !slices.Contains(got, SyncNew) {
		t.Fatalf("a new article records %v, want %q", got, SyncNew)
	}
	note, err := lib.AddNote(ctx, id, "a note")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() error
		want []string
	}{
		{"mark read", func() error { return lib.Mark(ctx, []int64{id}, MarkRead) }, []string{SyncRead}},
		{"mark read again (no change)", func() error { return lib.Mark(ctx, []int64{id}, MarkRead) }, nil},
		{"favourite", func() error { return lib.Mark(ctx, []int64{id}, MarkFavorite) }, []string{SyncFavorite}},
		{"archive", func() error { return lib.Mark(ctx, []int64{id}, MarkArchive) }, []string{SyncArchived}},
		{"reading position", func() error { return lib.SetPosition(ctx, id, 120, 0.5) }, []string{SyncPosition}},
		{"tag", func() error { return lib.AddTags(ctx, []int64{id}, "new") }, []string{SyncTagged + "new"}},
		{"untag", func() error { return lib.RemoveTags(ctx, []int64{id}, "new") }, []string{SyncTags}},
		{"set tags", func() error { return lib.SetTags(ctx, id, []string{"t", "u"}) }, []string{SyncTagged + "u"}},
		{"rename tag", func() error { return lib.RenameTag(ctx, "u", "w") }, []string{SyncTags}},
		{"add note", func() error { _, err := lib.AddNote(ctx, id, "two"); return err }, []string{SyncNotes}},
		{"edit note", func() error { _, err := lib.UpdateNote(ctx, note.ID, "edited"); return err }, []string{SyncNotes}},
		{"delete note", func() error { return lib.DeleteNote(ctx, note.ID) }, []string{SyncNotes}},
		{"refetch", func() error {
			return lib.Replace(ctx, id, simpleArticle("https://a.example/x", "X again", "other text"))
		}, []string{SyncRefetch, SyncTitle}},
		{"merge a second save", func() error {
			_, err := lib.Merge(ctx, id, Merge{Saved: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), Aliases: []string{"https://a.example/alias"}})
			return err
		}, []string{SyncKeys, SyncSaved}},
	}
	for _, s := range steps {
		clearPending(t, lib)
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got := pendingFields(t, lib, id)
		for _, w := range s.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: pending %v, want %q among them", s.name, got, w)
			}
		}
		if s.want == nil && len(got) > 0 {
			t.Errorf("%s: pending %v, want nothing", s.name, got)
		}
	}
	clearPending(t, lib)
	if err := lib.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := count(t, lib, "sync_deleted"); n != 1 {
		t.Errorf("a deletion left %d rows in sync_deleted, want 1", n)
	}
	if n := count(t, lib, "sync_pending"); n != 0 {
		t.Errorf("a deletion left %d pending changes of the article", n)
	}
}

// Undo of a delete comes back as a change to send, and the sync tables
// are not put back row for row (their rows would clash).
func TestRestoreIsAChange(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	id := mustAdd(t, lib, simpleArticle("https://a.example/x", "X", "some text"), AddOptions{})
	if _, _, err := lib.SyncPending(ctx, SyncCursor{}, 10); err != nil { // gives it its sync id
		t.Fatal(err)
	}
	clearPending(t, lib)
	r, err := lib.Remove(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.Restore(ctx, r); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if got := pendingFields(t, lib, r.IDs[0]); !slices.Contains(got, SyncNew) {
		t.Errorf("a restored article records %v, want %q", got, SyncNew)
	}
	es, _, err := lib.SyncPending(ctx, SyncCursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].UID != ArticleUID("https://a.example/x") || es[0].Local == nil {
		t.Fatalf("pending after restore: %+v, want the article under its id", es)
	}
}

// What sync writes is not taken for a local change.
func TestApplyIsNotALocalChange(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	uid := ArticleUID("https://a.example/pulled")
	err := lib.SyncUpdate(ctx, []SyncRef{{UID: uid, Keys: []string{"https://a.example/pulled"}}}, 42<<16, map[string]string{"seq": "7"},
		func(es []*SyncEntry) error {
			es[0].Out = &SyncOutcome{Doc: []byte(`{}`), Rev: "1-a", Article: &SyncArticle{
				Keys: []string{"https://a.example/pulled"}, Title: "Pulled", Read: true, Tags: []string{"x"},
				Notes:   []SyncNote{{UID: "n1", Text: "from elsewhere", Created: time.Unix(5, 0)}},
				Content: SyncContent{URL: "https://a.example/pulled", Ref: "abc", Fetched: true}}}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	id, err := lib.Lookup(ctx, "https://a.example/pulled")
	if err != nil {
		t.Fatal(err)
	}
	if got := pendingFields(t, lib, id); len(got) != 0 {
		t.Errorf("applying a pulled article recorded %v as local changes", got)
	}
	if n, _ := lib.SyncPendingCount(ctx); n != 0 {
		t.Errorf("%d changes to push after a pull", n)
	}
	if _, hlc, _ := lib.SyncNode(ctx); hlc < 42<<16 {
		t.Errorf("clock %x did not move past the pulled one", hlc)
	}
	if seq, _ := lib.SyncMeta(ctx, "seq"); seq != "7" {
		t.Errorf("seq = %q, want it stored with the merge", seq)
	}
	if w, _ := lib.SyncWaiting(ctx); w != 1 {
		t.Errorf("%d articles wait for content, want 1", w)
	}
	a, err := lib.Get(ctx, id)
	if err != nil || a.Title != "Pulled" || !a.Read || strings.Join(a.Tags, ",") != "x" {
		t.Fatalf("pulled article = %+v, %v", a, err)
	}
	// The local edit after it is recorded.
	if err := lib.Mark(ctx, []int64{id}, MarkUnread); err != nil {
		t.Fatal(err)
	}
	if got := pendingFields(t, lib, id); !slices.Equal(got, []string{SyncRead}) {
		t.Errorf("edit after a pull records %v", got)
	}
}

// The clock never goes backwards, and moves past what a pull showed, even
// when the wall clock is a day behind.
func TestSyncClockUnderSkew(t *testing.T) {
	ctx := context.Background()
	lib := MustOpen(t)
	id := mustAdd(t, lib, simpleArticle("https://a.example/x", "X", "some text"), AddOptions{})
	if err := lib.SyncSkew(ctx, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	lib.Mark(ctx, []int64{id}, MarkRead)
	_, ahead, _ := lib.SyncNode(ctx)
	if err := lib.SyncSkew(ctx, -24*time.Hour); err != nil {
		t.Fatal(err)
	}
	last := ahead
	for i := range 20 {
		m := MarkUnread
		if i%2 == 1 {
			m = MarkRead
		}
		lib.Mark(ctx, []int64{id}, m)
		_, hlc, _ := lib.SyncNode(ctx)
		if hlc <= last {
			t.Fatalf("step %d: clock went from %x to %x with the wall clock put back two days", i, last, hlc)
		}
		last = hlc
	}
}
