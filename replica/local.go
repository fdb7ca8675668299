package replica

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/folio-app/folio/storage"
	"golang.org/x/text/unicode/norm"
)

// hex16 is a clock's time part as a version vector holds it.
func hex16(hlc int64) string { return fmt.Sprintf("%016x", uint64(hlc)) }

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encode %T: %v", v, err)) // only plain types
	}
	return b
}

// tagKey is storage's identity of a tag (lower case of NFC).
func tagKey(name string) string {
	return strings.ToLower(norm.NFC.String(strings.TrimSpace(name)))
}

// collect returns the document as this library has it now: the one last
// agreed with the hub plus the local changes since, each stamped with the
// clock the change was made at.
func collect(e *storage.SyncEntry, node string) (*Doc, error) {
	d, err := ParseDoc(e.Doc)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", e.UID, err)
	}
	d.ID = e.UID
	if e.Tag {
		d.Kind = KindTag
		if h, ok := e.Pending[storage.SyncName]; ok && e.TagName != "" {
			r := Reg{V: mustJSON(e.TagName), C: MakeClock(h, node)}
			d.Name = mergeReg(d.Name, &r)
		}
		d.normalize()
		return d, nil
	}
	d.Kind = KindArticle
	if h, ok := e.Pending[storage.SyncDeleted]; ok {
		d.Del = max(d.Del, MakeClock(h, node))
	}
	a := e.Local
	if a == nil {
		d.normalize()
		return d, nil
	}
	nw, isNew := e.Pending[storage.SyncNew]
	clock := func(field string) (Clock, bool) {
		h, ok := e.Pending[field]
		if !ok && !isNew {
			return "", false
		}
		return MakeClock(max(h, nw), node), true
	}
	// Every local change counts as a change of the article, even one that
	// leaves no trace in its fields (a tag or a note added and removed again
	// between two syncs): an edit after a delete brings it back.
	var newest int64
	for f, h := range e.Pending {
		if f != storage.SyncDeleted {
			newest = max(newest, h)
		}
	}
	if newest != 0 {
		touched := Reg{V: json.RawMessage("null"), C: MakeClock(newest, node)}
		if cur, ok := d.F[FieldTouched]; !ok || regWins(touched, cur) {
			if d.F == nil {
				d.F = make(map[string]Reg)
			}
			d.F[FieldTouched] = touched
		}
	}
	d.Keys = append(d.Keys, a.Keys...)
	d.Saved = minTime(d.Saved, timeString(a.Saved))
	if d.F == nil {
		d.F = make(map[string]Reg)
	}
	for f, v := range map[string]any{FieldTitle: a.Title, FieldRead: a.Read, FieldFavorite: a.Favorite,
		FieldArchived: a.Archived, FieldPosition: Position{At: a.Position, Progress: a.Progress}} {
		if c, ok := clock(f); ok {
			d.F[f] = Reg{V: mustJSON(v), C: c}
		}
	}
	if c, ok := clock(storage.SyncRefetch); ok {
		d.C = &ContentReg{V: contentOf(a.Content), C: c}
	}
	tagged := make(map[string]int64) // key → clock of its newest tagging here
	tagsChanged := false
	for f, h := range e.Pending {
		if k, ok := strings.CutPrefix(f, storage.SyncTagged); ok {
			tagged[k] = max(h, nw)
			tagsChanged = true
		}
	}
	if c, ok := clock(storage.SyncTags); ok || tagsChanged {
		if !ok {
			c = MakeClock(nw, node)
		}
		collectTags(d, a.Tags, tagged, c, node)
	}
	if c, ok := clock(storage.SyncNotes); ok {
		collectNotes(d, a.Notes, c, node)
	}
	d.normalize()
	return d, nil
}

// collectTags records the local taggings (tagged: key → clock, also for a
// tag that was on already: removed and added again) and untaggings (c).
func collectTags(d *Doc, local []string, tagged map[string]int64, c Clock, node string) {
	if d.Tags == nil {
		d.Tags = make(map[string]*Tag)
	}
	on := d.OnTags()
	have := make(map[string]bool, len(local))
	for _, name := range local {
		k := tagKey(name)
		have[k] = true
		h, again := tagged[k]
		if _, ok := on[k]; ok && !again {
			continue
		}
		if !again {
			h = c.HLC()
		}
		t := d.Tags[k]
		if t == nil {
			t = &Tag{A: VV{}}
			d.Tags[k] = t
		}
		t.A = vvMax(t.A, VV{node: hex16(h)})
		t.N = name
	}
	// An untagging removes the adds it saw and carries its own time (so
	// that, made after a deletion, it is a change like any other).
	for k := range on {
		if !have[k] {
			t := d.Tags[k]
			t.R = vvMax(t.R, t.A, VV{node: hex16(c.HLC())})
		}
	}
}

func collectNotes(d *Doc, local []storage.SyncNote, c Clock, node string) {
	if d.Notes == nil {
		d.Notes = make(map[string]*Note)
	}
	have := make(map[string]bool, len(local))
	tick := VV{node: hex16(c.HLC())}
	for _, ln := range local {
		have[ln.UID] = true
		n := d.Notes[ln.UID]
		if n == nil {
			d.Notes[ln.UID] = &Note{Created: timeString(ln.Created), Heads: []Head{{Text: ln.Text, V: tick}}}
			continue
		}
		shown := Resolve(n)
		if len(n.Heads) > 0 && shown == ln.Text {
			continue
		}
		seen := []VV{n.Del, tick}
		for _, h := range n.Heads {
			seen = append(seen, h.V)
		}
		n.Heads = []Head{{Text: ln.Text, Base: shown, V: vvMax(seen...)}}
	}
	for id, n := range d.Notes {
		if have[id] || len(n.Heads) == 0 {
			continue
		}
		seen := []VV{n.Del, tick}
		for _, h := range n.Heads {
			seen = append(seen, h.V)
		}
		n.Del = vvMax(seen...)
		n.Heads = nil
	}
}

// contentOf and toContent convert an article's content metadata.
func contentOf(c storage.SyncContent) Content {
	pub := ""
	if !c.Published.IsZero() {
		pub = c.Published.Format(time.RFC3339Nano)
	}
	return Content{Ref: c.Ref, URL: c.URL, Canonical: c.Canonical, Byline: c.Byline, Site: c.Site, Lang: c.Lang,
		Excerpt: c.Excerpt, LeadImage: c.LeadImage, Published: pub, Words: c.Words,
		ReadingTime: c.ReadingTime.Milliseconds(), Fetched: c.Fetched, FetchError: c.FetchError}
}

func toContent(c Content) storage.SyncContent {
	var pub time.Time
	if c.Published != "" {
		pub, _ = time.Parse(time.RFC3339Nano, c.Published)
	}
	return storage.SyncContent{Ref: c.Ref, URL: c.URL, Canonical: c.Canonical, Byline: c.Byline, Site: c.Site,
		Lang: c.Lang, Excerpt: c.Excerpt, LeadImage: c.LeadImage, Published: pub, Words: c.Words,
		ReadingTime: time.Duration(c.ReadingTime) * time.Millisecond, Fetched: c.Fetched, FetchError: c.FetchError}
}

// project returns the article a document describes, as the library must
// hold it, or nil when it is deleted (or knows no link yet).
func project(d *Doc) *storage.SyncArticle {
	if d.Kind != KindArticle || !d.Alive() || d.C == nil {
		return nil
	}
	a := &storage.SyncArticle{Keys: slices.Clone(d.Keys), Saved: parseTime(d.Saved), Content: toContent(d.C.V)}
	str := func(f string) string {
		var s string
		if r, ok := d.F[f]; ok {
			json.Unmarshal(r.V, &s)
		}
		return s
	}
	flag := func(f string) bool {
		var b bool
		if r, ok := d.F[f]; ok {
			json.Unmarshal(r.V, &b)
		}
		return b
	}
	a.Title = str(FieldTitle)
	a.Read, a.Favorite, a.Archived = flag(FieldRead), flag(FieldFavorite), flag(FieldArchived)
	if r, ok := d.F[FieldPosition]; ok {
		var p Position
		json.Unmarshal(r.V, &p)
		a.Position, a.Progress = p.At, p.Progress
	}
	on := d.OnTags()
	for _, k := range sortedKeys(on) {
		a.Tags = append(a.Tags, on[k])
	}
	sort.Strings(a.Tags)
	for _, id := range d.VisibleNotes() {
		n := d.Notes[id]
		a.Notes = append(a.Notes, storage.SyncNote{UID: id, Text: Resolve(n), Created: parseTime(n.Created)})
	}
	return a
}

// tagName returns a tag document's spelling ("" if none).
func tagName(d *Doc) string {
	if d.Name == nil {
		return ""
	}
	var s string
	json.Unmarshal(d.Name.V, &s)
	return s
}
