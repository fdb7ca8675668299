package replica

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/go-kivik/kivik/v4"
	"github.com/go-kivik/kivik/v4/couchdb" // registers the "couch" driver
)

// Errors a person can act on; the window and the command line choose the
// words.
var (
	// ErrNotSetUp: the library has no hub yet (folio sync setup).
	ErrNotSetUp = errors.New("sync is not set up")
	// ErrUnreachable: the hub did not answer (offline, wrong address,
	// server down). Nothing was lost; the next sync catches up.
	ErrUnreachable = errors.New("the sync hub cannot be reached")
	// ErrDenied: the hub refused the user name or password.
	ErrDenied = errors.New("the sync hub refused the user name or password")
	// ErrBadHub: the address is not a CouchDB database.
	ErrBadHub = errors.New("not a CouchDB address")
)

// Hub is where a library syncs: a CouchDB server and a database on it.
type Hub struct {
	// URL is the database's address, as http(s)://host:port/name (no
	// user name or password in it).
	URL      string
	User     string
	Password string
}

// dbName is CouchDB's rule for database names.
var dbName = regexp.MustCompile(`^[a-z][a-z0-9_$()+/-]*$`)

// ParseHub checks a hub address and splits it into server and database,
// taking a user name and password written into it out. The database is
// "folio" when the address names none.
func ParseHub(raw string) (server, db string, hub Hub, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", Hub{}, fmt.Errorf("%w: %q (expected http://host:5984/folio or https://…)", ErrBadHub, raw)
	}
	if u.User != nil {
		hub.User = u.User.Username()
		hub.Password, _ = u.User.Password()
		u.User = nil
	}
	db = strings.Trim(u.Path, "/")
	if db == "" {
		db = "folio"
	}
	if !dbName.MatchString(db) || strings.HasSuffix(db, contentSuffix) {
		return "", "", Hub{}, fmt.Errorf("%w: %q is not a usable database name (lower-case letters, digits and _$()+-/, starting with a letter)", ErrBadHub, db)
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = "", "", "", ""
	server = u.String()
	hub.URL = server + "/" + db
	return server, db, hub, nil
}

// contentSuffix names the second database, of content and images.
const contentSuffix = "-content"

// conn is an open hub: the main database and the content one.
type conn struct {
	client *kivik.Client
	main   *kivik.DB
	blobs  *kivik.DB
}

func dial(ctx context.Context, h Hub, hc *http.Client, create bool) (*conn, error) {
	server, name, _, err := ParseHub(h.URL)
	if err != nil {
		return nil, err
	}
	opts := []kivik.Option{couchdb.OptionUserAgent("Folio")}
	if hc != nil {
		opts = append(opts, couchdb.OptionHTTPClient(hc))
	}
	if h.User != "" {
		opts = append(opts, couchdb.BasicAuth(h.User, h.Password))
	}
	client, err := kivik.New("couch", server, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w: %w", server, ErrBadHub, err)
	}
	c := &conn{client: client}
	for _, db := range []string{name, name + contentSuffix} {
		ok, err := client.DBExists(ctx, db)
		if err != nil {
			client.Close()
			return nil, hubErr("open database "+db, err)
		}
		if !ok {
			if !create {
				client.Close()
				return nil, fmt.Errorf("open database %s: %w: it does not exist (run folio sync setup)", db, ErrBadHub)
			}
			if err := client.CreateDB(ctx, db); err != nil && kivik.HTTPStatus(err) != http.StatusPreconditionFailed {
				client.Close()
				return nil, hubErr("create database "+db, err)
			}
		}
	}
	c.main, c.blobs = client.DB(name), client.DB(name+contentSuffix)
	return c, nil
}

func (c *conn) close() { c.client.Close() }

// hubErr wraps a hub failure with the sentinel that tells what to do.
func hubErr(what string, err error) error {
	if err == nil {
		return nil
	}
	switch st := kivik.HTTPStatus(err); {
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		return fmt.Errorf("%s: %w: %w", what, ErrDenied, err)
	case st == http.StatusNotFound:
		return fmt.Errorf("%s: %w: %w", what, ErrBadHub, err)
	case st >= 500 || st == 0 || isNetErr(err):
		return fmt.Errorf("%s: %w: %w", what, ErrUnreachable, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func isNetErr(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &oe) || errors.Is(err, context.DeadlineExceeded)
}

// change is one document read from _changes.
type change struct {
	id  string
	doc json.RawMessage
}

// changes reads up to limit changes of the main database after since.
func (c *conn) changes(ctx context.Context, since string, limit int) ([]change, string, error) {
	params := map[string]any{"include_docs": true, "limit": limit}
	if since != "" {
		params["since"] = since
	}
	ch := c.main.Changes(ctx, kivik.Params(params))
	defer ch.Close()
	var out []change
	last := since
	for ch.Next() {
		if ch.Deleted() || strings.HasPrefix(ch.ID(), "_design/") {
			last = ch.Seq()
			continue
		}
		var raw json.RawMessage
		if err := ch.ScanDoc(&raw); err != nil {
			return nil, "", hubErr("read changes", err)
		}
		out = append(out, change{id: ch.ID(), doc: raw})
		last = ch.Seq()
	}
	if err := ch.Err(); err != nil {
		return nil, "", hubErr("read changes", err)
	}
	if m, err := ch.Metadata(); err == nil && m.LastSeq != "" {
		last = m.LastSeq
	}
	return out, last, nil
}

// bulkResult is what the hub did with one document pushed.
type bulkResult struct {
	rev      string
	conflict bool
	err      error
}

// push writes docs with _bulk_docs.
func (c *conn) push(ctx context.Context, db *kivik.DB, docs []any, ids []string) (map[string]bulkResult, error) {
	res, err := db.BulkDocs(ctx, docs)
	if err != nil {
		return nil, hubErr("push", err)
	}
	out := make(map[string]bulkResult, len(res))
	for _, r := range res {
		switch {
		case r.Error == nil:
			out[r.ID] = bulkResult{rev: r.Rev}
		case kivik.HTTPStatus(r.Error) == http.StatusConflict:
			out[r.ID] = bulkResult{conflict: true}
		default:
			out[r.ID] = bulkResult{err: r.Error}
		}
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = bulkResult{err: errors.New("no answer from the hub")}
		}
	}
	return out, nil
}

// get returns the current documents ids of db (absent ones left out),
// with their attachments inline if asked.
func (c *conn) get(ctx context.Context, db *kivik.DB, ids []string, attachments bool) (map[string]json.RawMessage, error) {
	params := map[string]any{"keys": ids, "include_docs": true}
	if attachments {
		params["attachments"] = true
	}
	rs := db.AllDocs(ctx, kivik.Params(params))
	defer rs.Close()
	out := make(map[string]json.RawMessage, len(ids))
	for rs.Next() {
		id, err := rs.ID()
		if err != nil {
			continue // a key not found
		}
		var raw json.RawMessage
		if err := rs.ScanDoc(&raw); err != nil || len(raw) == 0 || string(raw) == "null" {
			continue
		}
		out[id] = raw
	}
	if err := rs.Err(); err != nil {
		return nil, hubErr("read documents", err)
	}
	return out, nil
}

// docCount returns how many documents db holds.
func (c *conn) docCount(ctx context.Context, db *kivik.DB) (int64, error) {
	st, err := db.Stats(ctx)
	if err != nil {
		return 0, hubErr("read database size", err)
	}
	return st.DocCount, nil
}

// exists returns which of ids db holds.
func (c *conn) exists(ctx context.Context, db *kivik.DB, ids []string) (map[string]bool, error) {
	rs := db.AllDocs(ctx, kivik.Params(map[string]any{"keys": ids}))
	defer rs.Close()
	out := make(map[string]bool, len(ids))
	for rs.Next() {
		id, err := rs.ID()
		if err != nil || id == "" {
			continue
		}
		var v struct {
			Rev     string `json:"rev"`
			Deleted bool   `json:"deleted"`
		}
		if err := rs.ScanValue(&v); err == nil && v.Rev != "" && !v.Deleted {
			out[id] = true
		}
	}
	if err := rs.Err(); err != nil {
		return nil, hubErr("look up content", err)
	}
	return out, nil
}

// attachment is an inline attachment of a document.
type attachment struct {
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}
