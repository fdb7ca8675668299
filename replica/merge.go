package replica

import (
	"bytes"
	"maps"
	"slices"
	"sort"
)

// Merge combines two versions of one document. It is the one merge rule
// of sync, the same on every computer, and a join: commutative,
// associative and idempotent, so any order of pushes and pulls, repeated
// or not, ends in the same document.
//
//   - scalar fields: last writer wins, by (clock, node);
//   - content: the newest version that has content, else the newest;
//   - tags: an add-wins set (an add not seen by a remove survives it);
//   - notes: every version not seen by another is kept, and a deletion
//     removes only the versions it saw: Resolve turns them into the text
//     shown, merging line by line;
//   - the article: deleted by its newest deletion unless a change is
//     newer (an edit after a delete brings it back);
//   - links: the union; saved: the earliest.
//
// Neither input is modified.
func Merge(a, b *Doc) *Doc {
	if a == nil {
		a = &Doc{}
	}
	if b == nil {
		b = &Doc{}
	}
	out := &Doc{ID: max(a.ID, b.ID), Kind: max(a.Kind, b.Kind)}
	out.Keys = append(slices.Clone(a.Keys), b.Keys...)
	out.Saved = minTime(a.Saved, b.Saved)
	out.F = mergeRegs(a.F, b.F)
	out.C = mergeContent(a.C, b.C)
	out.Tags = mergeTags(a.Tags, b.Tags)
	out.Notes = mergeNotes(a.Notes, b.Notes)
	out.Del = max(a.Del, b.Del)
	out.Name = mergeReg(a.Name, b.Name)
	out.normalize()
	return out
}

func minTime(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	ta, tb := parseTime(a), parseTime(b)
	if ta.Equal(tb) {
		return min(a, b)
	}
	if ta.Before(tb) {
		return a
	}
	return b
}

// regWins reports whether a beats b: the later clock, then the larger
// value (the same clock with two values cannot come from one write, but
// the rule must still pick one alike everywhere).
func regWins(a, b Reg) bool {
	if a.C != b.C {
		return a.C > b.C
	}
	return bytes.Compare(a.V, b.V) > 0
}

func mergeReg(a, b *Reg) *Reg {
	switch {
	case a == nil && b == nil:
		return nil
	case a == nil:
		c := *b
		return &c
	case b == nil || regWins(*a, *b) || (a.C == b.C && bytes.Equal(a.V, b.V)):
		c := *a
		return &c
	}
	c := *b
	return &c
}

func mergeRegs(a, b map[string]Reg) map[string]Reg {
	out := make(map[string]Reg, len(a)+len(b))
	maps.Copy(out, a)
	for k, v := range b {
		if cur, ok := out[k]; !ok || regWins(v, cur) {
			out[k] = v
		}
	}
	return out
}

func mergeContent(a, b *ContentReg) *ContentReg {
	switch {
	case a == nil && b == nil:
		return nil
	case a == nil:
		c := *b
		return &c
	case b == nil:
		c := *a
		return &c
	}
	if contentWins(*b, *a) {
		c := *b
		return &c
	}
	c := *a
	return &c
}

func contentWins(a, b ContentReg) bool {
	if (a.V.Ref != "") != (b.V.Ref != "") {
		return a.V.Ref != ""
	}
	if a.C != b.C {
		return a.C > b.C
	}
	ja, jb := mustJSON(a.V), mustJSON(b.V)
	return bytes.Compare(ja, jb) > 0
}

// vvMax is the pointwise maximum of version vectors.
func vvMax(vs ...VV) VV {
	out := VV{}
	for _, v := range vs {
		for n, t := range v {
			if t > out[n] {
				out[n] = t
			}
		}
	}
	return out
}

// covers reports whether a has seen everything b has.
func (a VV) covers(b VV) bool {
	for n, t := range b {
		if a[n] < t {
			return false
		}
	}
	return true
}

func mergeTags(a, b map[string]*Tag) map[string]*Tag {
	out := make(map[string]*Tag, len(a)+len(b))
	for _, m := range []map[string]*Tag{a, b} {
		for k, t := range m {
			cur := out[k]
			if cur == nil {
				out[k] = &Tag{N: t.N, A: vvMax(t.A), R: vvMax(t.R)}
				continue
			}
			// The spelling of the newest add (ties: the smaller spelling).
			ca, ct := cur.A.newest(), t.A.newest()
			if ct > ca || (ct == ca && t.N < cur.N) {
				cur.N = t.N
			}
			cur.A = vvMax(cur.A, t.A)
			cur.R = vvMax(cur.R, t.R)
		}
	}
	return out
}

// on reports whether the tag is on: some node's add is newer than what the
// removes saw of that node.
func (t *Tag) on() bool {
	for n, c := range t.A {
		if c > t.R[n] {
			return true
		}
	}
	return false
}

func mergeNotes(a, b map[string]*Note) map[string]*Note {
	out := make(map[string]*Note, len(a)+len(b))
	for _, m := range []map[string]*Note{a, b} {
		for k, n := range m {
			cur := out[k]
			if cur == nil {
				cur = &Note{Created: n.Created, Del: VV{}}
				out[k] = cur
			}
			cur.Created = minTime(cur.Created, n.Created)
			cur.Del = vvMax(cur.Del, n.Del)
			cur.Heads = append(cur.Heads, n.Heads...)
		}
	}
	for _, n := range out {
		n.Heads = maximal(n.Heads, n.Del)
	}
	return out
}

// maximal keeps the heads no other head has seen and the deletion has not
// removed, each once.
func maximal(hs []Head, del VV) []Head {
	var out []Head
	for i, h := range hs {
		if len(del) > 0 && del.covers(h.V) {
			continue
		}
		seen := false
		for j, o := range hs {
			if i == j {
				continue
			}
			same := o.V.covers(h.V) && h.V.covers(o.V)
			if (o.V.covers(h.V) && !same) || (same && j < i && o.Text == h.Text && o.Base == h.Base) {
				seen = true
				break
			}
			// Two heads with the same vector and different texts cannot
			// come from one edit; keep the larger text alike everywhere.
			if same && (o.Text > h.Text || (o.Text == h.Text && o.Base > h.Base)) {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, Head{Text: h.Text, Base: h.Base, V: vvMax(h.V)})
		}
	}
	sortHeads(out)
	return out
}

// Alive reports whether the article is in the library: never deleted, or
// changed after its newest deletion.
func (d *Doc) Alive() bool {
	if d.Del == "" {
		return true
	}
	return d.newestChange() > d.Del
}

// newestChange is the clock of the newest change the document holds.
func (d *Doc) newestChange() Clock {
	var best Clock
	for _, r := range d.F {
		best = max(best, r.C)
	}
	if d.C != nil {
		best = max(best, d.C.C)
	}
	for _, t := range d.Tags {
		best = max(best, t.A.newest(), t.R.newest())
	}
	for _, n := range d.Notes {
		best = max(best, n.Del.newest())
		for _, h := range n.Heads {
			best = max(best, h.V.newest())
		}
	}
	return best
}

// Newest returns the time part of the newest clock the document holds, so
// the library's clock can move past it.
func (d *Doc) Newest() int64 {
	return max(d.newestChange(), d.Del, func() Clock {
		if d.Name != nil {
			return d.Name.C
		}
		return ""
	}()).HLC()
}

// OnTags returns the tags that are on, by key, with their spelling.
func (d *Doc) OnTags() map[string]string {
	out := make(map[string]string)
	for k, t := range d.Tags {
		if t.on() {
			out[k] = t.N
		}
	}
	return out
}

// VisibleNotes returns the ids of the notes not deleted, oldest first.
func (d *Doc) VisibleNotes() []string {
	var ids []string
	for id, n := range d.Notes {
		if len(n.Heads) > 0 {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := d.Notes[ids[i]], d.Notes[ids[j]]
		if a.Created != b.Created {
			return parseTime(a.Created).Before(parseTime(b.Created))
		}
		return ids[i] < ids[j]
	})
	return ids
}
