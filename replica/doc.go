// Package replica keeps a Folio library a replica of a CouchDB hub: every
// computer pushes its changes there and pulls the others'. It is the one
// sync use case, called by the window and the folio command; it speaks only
// CouchDB's HTTP protocol (through kivik), so it works with Apache CouchDB
// or anything that serves the same API.
//
// Each article is one document in the hub's main database, holding its
// mutable fields, each stamped with a hybrid logical clock; its text, HTML,
// original page and images are immutable, content-addressed documents in a
// second database, uploaded once and fetched after the metadata. Two
// versions of a document combine with Merge, a pure function that every
// computer applies alike, so pushing or pulling twice is harmless and the
// order in which computers reconnect does not matter.
package replica

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Clock is a hybrid logical clock value with the node that made it:
// 16 hex digits of (milliseconds << 16 | counter), "-", node. Comparing two
// clocks as strings orders them by time, then node; "" is before all.
type Clock string

// MakeClock builds the clock of hlc on node.
func MakeClock(hlc int64, node string) Clock {
	return Clock(fmt.Sprintf("%016x-%s", uint64(hlc), node))
}

// HLC returns the clock's time part (0 for "").
func (c Clock) HLC() int64 {
	var v uint64
	if len(c) >= 16 {
		fmt.Sscanf(string(c[:16]), "%016x", &v)
	}
	return int64(v)
}

// VV is a version vector: for each node, the newest clock (16 hex digits,
// as in Clock) of its changes that a version has seen.
type VV map[string]string

// Reg is a last-writer-wins register.
type Reg struct {
	V json.RawMessage `json:"v"`
	C Clock           `json:"c"`
}

// Content is what a fetch produced; Ref names the bulky part in the
// content database ("" when nothing is stored: a bookmark).
type Content struct {
	Ref         string `json:"ref,omitempty"`
	URL         string `json:"url"`
	Canonical   string `json:"canonical,omitempty"`
	Byline      string `json:"byline,omitempty"`
	Site        string `json:"site,omitempty"`
	Lang        string `json:"lang,omitempty"`
	Excerpt     string `json:"excerpt,omitempty"`
	LeadImage   string `json:"lead,omitempty"`
	Published   string `json:"published,omitempty"` // RFC 3339 with the page's offset
	Words       int    `json:"words,omitempty"`
	ReadingTime int64  `json:"rt,omitempty"` // milliseconds
	Fetched     bool   `json:"fetched"`
	FetchError  string `json:"error,omitempty"`
}

// ContentReg is the register of an article's content. It differs from Reg
// in one rule: a version with content beats one without, whatever their
// clocks, so a bookmark saved on one computer never hides the page fetched
// on another.
type ContentReg struct {
	V Content `json:"v"`
	C Clock   `json:"c"`
}

// Tag is an article's membership of one tag, an add-wins set element: each
// add is stamped with its node's clock in A; a remove copies into R the
// adds it saw. The tag is on while some node's add is newer than what the
// removes saw of it, so an add made without seeing a remove survives it.
type Tag struct {
	N string `json:"n"` // spelling, of the newest add
	A VV     `json:"a"`
	R VV     `json:"r,omitempty"`
}

// Note is one note: a multi-value register of its versions (Heads: none
// seen by another) and a deletion that removes the versions it saw.
type Note struct {
	Created string `json:"created"` // RFC 3339, UTC
	Heads   []Head `json:"heads,omitempty"`
	Del     VV     `json:"del,omitempty"`
}

// Head is one version of a note: its text, the text it was edited from
// (the last synced version) and what it has seen.
type Head struct {
	Text string `json:"t"`
	Base string `json:"b,omitempty"`
	V    VV     `json:"v"`
}

// Doc kinds.
const (
	KindArticle = "article"
	KindTag     = "tag"
)

// Scalar fields of an article, each a Reg. Adding one is a name here, its
// column in storage (SyncArticle, the trigger of migration 0005) and a line
// in collect and project.
const (
	FieldTitle    = "title"
	FieldRead     = "read"
	FieldFavorite = "favorite"
	FieldArchived = "archived"
	FieldPosition = "position" // a Position
	// FieldTouched holds no value: its clock is the newest local change of
	// any kind, so that every edit counts against a deletion.
	FieldTouched = "touched"
)

// Position is where the reader left an article: a byte offset in its plain
// text and how far through it is.
type Position struct {
	At       int64   `json:"at"`
	Progress float64 `json:"progress"`
}

// Doc is a document of the hub's main database: an article, or the
// spelling of a tag (Kind "tag", Name).
type Doc struct {
	ID    string           `json:"_id"`
	Rev   string           `json:"_rev,omitempty"`
	Kind  string           `json:"kind"`
	Keys  []string         `json:"keys,omitempty"`  // links it is known under: a growing set
	Saved string           `json:"saved,omitempty"` // RFC 3339 UTC: the earliest save
	F     map[string]Reg   `json:"f,omitempty"`
	C     *ContentReg      `json:"content,omitempty"`
	Tags  map[string]*Tag  `json:"tags,omitempty"`
	Notes map[string]*Note `json:"notes,omitempty"`
	// Del is the clock of the newest deletion; the article is gone while no
	// change is newer.
	Del Clock `json:"del,omitempty"`
	// Name is a tag document's spelling.
	Name *Reg `json:"name,omitempty"`
}

// ParseDoc decodes a document. An empty input is an empty document.
func ParseDoc(b []byte) (*Doc, error) {
	d := &Doc{}
	if len(b) == 0 {
		return d, nil
	}
	if err := json.Unmarshal(b, d); err != nil {
		return nil, fmt.Errorf("decode document: %w", err)
	}
	d.normalize()
	return d, nil
}

// Encode returns the document's canonical JSON, without its revision:
// equal documents encode alike.
func (d *Doc) Encode() []byte {
	c := *d
	c.Rev = ""
	c.normalize()
	b, err := json.Marshal(&c)
	if err != nil {
		panic(fmt.Sprintf("encode document %s: %v", d.ID, err)) // only plain types: cannot fail
	}
	return b
}

// normalize puts a document in its canonical form: sorted sets, no empty
// maps, heads in order.
func (d *Doc) normalize() {
	sort.Strings(d.Keys)
	d.Keys = slices.Compact(d.Keys)
	if len(d.Keys) == 0 {
		d.Keys = nil
	}
	if len(d.F) == 0 {
		d.F = nil
	}
	if len(d.Tags) == 0 {
		d.Tags = nil
	}
	for _, t := range d.Tags {
		if len(t.R) == 0 {
			t.R = nil
		}
	}
	if len(d.Notes) == 0 {
		d.Notes = nil
	}
	for _, n := range d.Notes {
		sortHeads(n.Heads)
		if len(n.Heads) == 0 {
			n.Heads = nil
		}
		if len(n.Del) == 0 {
			n.Del = nil
		}
	}
}

// vvKey orders version vectors: a canonical string of one.
func (v VV) key() string {
	var b strings.Builder
	for _, k := range sortedKeys(v) {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v[k])
		b.WriteByte(';')
	}
	return b.String()
}

func sortHeads(hs []Head) {
	sort.Slice(hs, func(i, j int) bool {
		if a, b := hs[i].V.key(), hs[j].V.key(); a != b {
			return a < b
		}
		if hs[i].Text != hs[j].Text {
			return hs[i].Text < hs[j].Text
		}
		return hs[i].Base < hs[j].Base
	})
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// newest returns the largest clock a version vector holds.
func (v VV) newest() Clock {
	var best Clock
	for n, t := range v {
		if c := Clock(t + "-" + n); c > best {
			best = c
		}
	}
	return best
}

// timeString and parseTime carry times in documents: RFC 3339 in UTC, so
// they are read alike everywhere (JSON numbers lose nanoseconds in
// JavaScript servers).
func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
