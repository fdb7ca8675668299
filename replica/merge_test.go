package replica

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/storage"
)

// simNode is a computer in a simulation of the document-level protocol: its
// local values, its pending changes, the document it last agreed, and a
// hybrid logical clock over a wall clock that may be off by a day.
type simNode struct {
	name    string
	skew    time.Duration
	hlc     int64
	local   *storage.SyncArticle
	pending map[string]int64
	doc     *Doc
}

func (n *simNode) tick(now time.Time) int64 {
	n.hlc = max(n.hlc+1, now.Add(n.skew).UnixMilli()<<16)
	return n.hlc
}

// state returns the node's document now (the agreed one plus its changes).
func (n *simNode) state(tb testing.TB) *Doc {
	tb.Helper()
	e := &storage.SyncEntry{UID: "u1", Doc: n.doc.Encode(), Pending: n.pending, Local: n.local}
	if n.local == nil {
		e.Local = nil
	}
	d, err := collect(e, n.name)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// absorb merges other into the node, as a pull does.
func (n *simNode) absorb(tb testing.TB, other *Doc) {
	tb.Helper()
	n.doc = Merge(n.state(tb), other)
	n.pending = map[string]int64{}
	n.hlc = max(n.hlc, n.doc.Newest())
	n.local = project(n.doc)
}

// edit makes one random local change.
func (n *simNode) edit(tb testing.TB, r *rand.Rand, now time.Time) string {
	if n.local == nil {
		if r.IntN(3) > 0 {
			return "idle"
		}
		// Saved again (or for the first time).
		n.local = &storage.SyncArticle{Keys: []string{"https://example.com/a"}, Saved: now,
			Title: "saved by " + n.name, Content: storage.SyncContent{URL: "https://example.com/a", Ref: "r-" + n.name, Fetched: true}}
		n.pending = map[string]int64{storage.SyncNew: n.tick(now)}
		return "save"
	}
	set := func(f string) { n.pending[f] = n.tick(now) }
	switch r.IntN(9) {
	case 0:
		n.local.Read = !n.local.Read
		set(storage.SyncRead)
		return "read"
	case 1:
		n.local.Favorite = !n.local.Favorite
		set(storage.SyncFavorite)
		return "favorite"
	case 2:
		n.local.Title = fmt.Sprintf("title %d by %s", r.IntN(100), n.name)
		set(storage.SyncTitle)
		return "title"
	case 3:
		tag := []string{"go", "Go", "news", "later"}[r.IntN(4)]
		if !slices.ContainsFunc(n.local.Tags, func(t string) bool { return tagKey(t) == tagKey(tag) }) {
			n.local.Tags = append(n.local.Tags, tag)
		}
		set(storage.SyncTags)
		return "tag"
	case 4:
		if len(n.local.Tags) > 0 {
			n.local.Tags = slices.Delete(n.local.Tags, 0, 1)
			set(storage.SyncTags)
		}
		return "untag"
	case 5:
		n.local.Notes = append(n.local.Notes, storage.SyncNote{UID: fmt.Sprintf("n-%s-%d", n.name, r.IntN(1000)), Text: "new\nnote", Created: now})
		set(storage.SyncNotes)
		return "note"
	case 6:
		if len(n.local.Notes) > 0 {
			i := r.IntN(len(n.local.Notes))
			ls := strings.Split(n.local.Notes[i].Text, "\n")
			ls[r.IntN(len(ls))] = fmt.Sprintf("line %d by %s", r.IntN(10), n.name)
			n.local.Notes[i].Text = strings.Join(ls, "\n")
			set(storage.SyncNotes)
		}
		return "edit note"
	case 7:
		if len(n.local.Notes) > 0 {
			n.local.Notes = n.local.Notes[1:]
			set(storage.SyncNotes)
		}
		return "delete note"
	default:
		n.local = nil
		n.pending = map[string]int64{storage.SyncDeleted: n.tick(now)}
		return "delete"
	}
}

// simStates runs a random simulation of nodes editing and merging and
// returns every state seen along the way.
func simStates(tb testing.TB, seed uint64, steps int) []*Doc {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	nodes := []*simNode{
		{name: "aaaa", skew: 24 * time.Hour},
		{name: "bbbb", skew: -24 * time.Hour},
		{name: "cccc"},
	}
	for _, n := range nodes {
		n.doc = &Doc{ID: "u1", Kind: KindArticle}
		n.pending = map[string]int64{}
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var states []*Doc
	for range steps {
		now = now.Add(time.Duration(r.IntN(5000)) * time.Millisecond)
		n := nodes[r.IntN(len(nodes))]
		if r.IntN(3) == 0 {
			n.absorb(tb, nodes[r.IntN(len(nodes))].state(tb))
		} else {
			n.edit(tb, r, now)
		}
		states = append(states, n.state(tb))
	}
	return states
}

func enc(d *Doc) string { return string(d.Encode()) }

func TestMergeIsAJoin(t *testing.T) {
	for seed := range uint64(10) {
		states := simStates(t, seed, 120)
		r := rand.New(rand.NewPCG(seed, 7))
		for range 150 {
			a, b, c := states[r.IntN(len(states))], states[r.IntN(len(states))], states[r.IntN(len(states))]
			if x, y := enc(Merge(a, b)), enc(Merge(b, a)); x != y {
				t.Fatalf("seed %d: not commutative:\n%s\n%s", seed, x, y)
			}
			if x, y := enc(Merge(Merge(a, b), c)), enc(Merge(a, Merge(b, c))); x != y {
				t.Fatalf("seed %d: not associative:\n%s\n%s", seed, x, y)
			}
			if x, y := enc(Merge(a, a)), enc(a); x != y {
				t.Fatalf("seed %d: not idempotent:\n%s\n%s", seed, x, y)
			}
			ab := Merge(a, b)
			if x, y := enc(Merge(ab, b)), enc(ab); x != y {
				t.Fatalf("seed %d: merging again changed the result:\n%s\n%s", seed, x, y)
			}
			// What Resolve shows depends only on the merged document.
			pa, pb := project(Merge(a, b)), project(Merge(b, a))
			if fmt.Sprint(pa) != fmt.Sprint(pb) {
				t.Fatalf("seed %d: the article shown depends on the merge order", seed)
			}
		}
	}
}

func TestMergeInputsUntouched(t *testing.T) {
	states := simStates(t, 99, 80)
	for i := 1; i < len(states); i++ {
		a, b := states[i-1], states[i]
		ea, eb := enc(a), enc(b)
		Merge(a, b)
		if enc(a) != ea || enc(b) != eb {
			t.Fatalf("Merge modified its inputs at step %d", i)
		}
	}
}

// Clocks never go backwards, and a change made after seeing another is
// stamped after it, however wrong the wall clocks are (±1 day here).
func TestClocksMonotonicUnderSkew(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	fast := &simNode{name: "fast", skew: 24 * time.Hour}
	slow := &simNode{name: "slow", skew: -24 * time.Hour}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []*simNode{fast, slow} {
		n.doc = &Doc{ID: "u1", Kind: KindArticle}
		n.pending = map[string]int64{}
	}
	last := map[string]int64{}
	for i := range 500 {
		now = now.Add(time.Duration(r.IntN(100)) * time.Millisecond)
		n, other := fast, slow
		if r.IntN(2) == 0 {
			n, other = slow, fast
		}
		if r.IntN(4) == 0 {
			seen := other.state(t).Newest()
			n.absorb(t, other.state(t))
			if got := n.tick(now); got <= seen {
				t.Fatalf("step %d: %s stamped %x after seeing %x", i, n.name, got, seen)
			}
		}
		c := n.tick(now)
		if c <= last[n.name] {
			t.Fatalf("step %d: %s clock went from %x to %x", i, n.name, last[n.name], c)
		}
		last[n.name] = c
	}
	// The slow computer, a day behind, toggles a flag after seeing the
	// fast one's: its change wins.
	now = now.Add(time.Second)
	fast.local = &storage.SyncArticle{Content: storage.SyncContent{URL: "u", Ref: "r"}}
	fast.pending = map[string]int64{storage.SyncNew: fast.tick(now)}
	slow.absorb(t, fast.state(t))
	slow.local.Read = true
	slow.pending = map[string]int64{storage.SyncRead: slow.tick(now)}
	if got := project(Merge(fast.state(t), slow.state(t))); got == nil || !got.Read {
		t.Fatalf("a change made after seeing another lost to it: %+v", got)
	}
}

func TestResolveNotes(t *testing.T) {
	base := "one\ntwo\nthree\nfour"
	v := func(node, t string) VV { return VV{node: t} }
	tests := []struct {
		name  string
		heads []Head
		want  string
	}{
		{"one version", []Head{{Text: "x", V: v("a", "1")}}, "x"},
		{"apart lines merge", []Head{
			{Text: "ONE\ntwo\nthree\nfour", Base: base, V: v("a", "1")},
			{Text: "one\ntwo\nthree\nFOUR", Base: base, V: v("b", "2")},
		}, "ONE\ntwo\nthree\nFOUR"},
		{"same change once", []Head{
			{Text: "one\nTWO\nthree\nfour", Base: base, V: v("a", "1")},
			{Text: "one\nTWO\nthree\nfour", Base: base, V: v("b", "2")},
		}, "one\nTWO\nthree\nfour"},
		{"insertions at both ends", []Head{
			{Text: "zero\n" + base, Base: base, V: v("a", "1")},
			{Text: base + "\nfive", Base: base, V: v("b", "2")},
		}, "zero\n" + base + "\nfive"},
		{"same line both kept", []Head{
			{Text: "one\nTWO by a\nthree\nfour", Base: base, V: v("a", "1")},
			{Text: "one\nTWO by b\nthree\nfour", Base: base, V: v("b", "2")},
		}, "one\nTWO by a\n" + ConflictMark + "\nTWO by b\nthree\nfour"},
		{"deleted line and edit elsewhere", []Head{
			{Text: "one\nthree\nfour", Base: base, V: v("a", "1")},
			{Text: "one\ntwo\nthree\nfour!", Base: base, V: v("b", "2")},
		}, "one\nthree\nfour!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := &Note{Heads: tt.heads}
			if got := Resolve(n); got != tt.want {
				t.Errorf("Resolve = %q, want %q", got, tt.want)
			}
			rev := &Note{Heads: slices.Clone(tt.heads)}
			slices.Reverse(rev.Heads)
			if got := Resolve(rev); got != tt.want {
				t.Errorf("Resolve of the heads reversed = %q, want %q", got, tt.want)
			}
		})
	}
}

// An add that did not see a remove survives it; one it saw does not.
func TestTagsAddWins(t *testing.T) {
	a := &Doc{ID: "x", Kind: KindArticle, Tags: map[string]*Tag{"go": {N: "go", A: VV{"a": "0001"}}}}
	removed := Merge(a, &Doc{})
	removed.Tags["go"].R = vvMax(removed.Tags["go"].A)
	if _, on := Merge(a, removed).OnTags()["go"]; on {
		t.Fatal("a remove that saw the add did not remove the tag")
	}
	concurrent := &Doc{ID: "x", Kind: KindArticle, Tags: map[string]*Tag{"go": {N: "go", A: VV{"b": "0002"}}}}
	if _, on := Merge(removed, concurrent).OnTags()["go"]; !on {
		t.Fatal("an add made without seeing the remove was lost")
	}
}

func TestDeleteAndEdit(t *testing.T) {
	reg := func(c Clock) map[string]Reg { return map[string]Reg{FieldRead: {V: []byte("true"), C: c}} }
	content := &ContentReg{V: Content{URL: "u"}, C: "0000000000000001-a"}
	edited := &Doc{ID: "x", Kind: KindArticle, C: content, F: reg("0000000000000005-a")}
	deletedAfter := &Doc{ID: "x", Kind: KindArticle, Del: "0000000000000009-b"}
	deletedBefore := &Doc{ID: "x", Kind: KindArticle, Del: "0000000000000003-b"}
	if Merge(edited, deletedAfter).Alive() {
		t.Error("a delete after every edit left the article")
	}
	if !Merge(edited, deletedBefore).Alive() {
		t.Error("an edit after the delete did not bring the article back")
	}
}

// Content wins over no content, whatever the clocks: a bookmark saved
// later never hides a fetched page.
func TestContentBeatsBookmark(t *testing.T) {
	page := &Doc{ID: "x", Kind: KindArticle, C: &ContentReg{V: Content{URL: "u", Ref: "abc", Fetched: true}, C: "0000000000000001-a"}}
	bookmark := &Doc{ID: "x", Kind: KindArticle, C: &ContentReg{V: Content{URL: "u"}, C: "0000000000000009-b"}}
	if got := Merge(page, bookmark).C.V.Ref; got != "abc" {
		t.Fatalf("content ref = %q, want the fetched page's", got)
	}
}
