package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/folio-app/folio/internal/testhub"
	"github.com/folio-app/folio/replica"
)

// Two libraries sync through a hub that wants a password: setup keeps the
// password out of the library, a wrong one is refused in plain words, and
// what one library saved, tagged and noted reaches the other.
func TestSyncCommand(t *testing.T) {
	hub, err := url.Parse(testhub.Server(t))
	if err != nil {
		t.Fatal(err)
	}
	admin := hub.User // a FOLIO_TEST_HUB with its own password
	hub.User = nil
	proxy := httputil.NewSingleHostReverseProxy(hub)
	guarded := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "reader" || p != "s3cret-pw" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"unauthorized","reason":"Name or password is incorrect."}`)
			return
		}
		r.Header.Del("Authorization")
		if admin != nil {
			p, _ := admin.Password()
			r.SetBasicAuth(admin.Username(), p)
		}
		proxy.ServeHTTP(w, r)
	}))
	defer guarded.Close()
	db := guarded.URL + "/" + testhub.Name()
	creds := filepath.Join(t.TempDir(), "conf", "sync-credentials.json")
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("s3cret-pw\n"), 0o600)
	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("wrong\n"), 0o600)

	srv := seedServer(t)
	a, b := newFolio(t), newFolio(t)
	for _, f := range []*folio{a, b} {
		f.vars = map[string]string{replica.CredentialsEnv: creds}
	}
	a.client = srv.Client()

	code, _, errs := a.run("sync")
	if code != exitFailure || !strings.Contains(errs, "sync is not set up: run 'folio sync setup") {
		t.Errorf("sync before setup: exit %d, %q", code, errs)
	}
	code, _, errs = a.run("sync", "setup", db, "--user", "reader", "--password-file", bad)
	if code != exitFailure || !strings.Contains(errs, "refused user reader") || strings.Contains(errs, "wrong") {
		t.Errorf("setup with a wrong password: exit %d, %q", code, errs)
	}
	out := a.ok("sync", "setup", db, "--user", "reader", "--password-file", pw)
	if !strings.Contains(out, "this library syncs with "+db) {
		t.Errorf("setup printed %q", out)
	}
	if st, err := os.Stat(creds); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("credentials file: %v, %v; want mode 0600", st, err)
	}
	b.ok("sync", "setup", db, "--user", "reader", "--password-file", pw)

	a.ok("add", "--tag", "dân vận", srv.URL+"/index.html")
	a.ok("note", "1", "ghi chú")
	if out := a.ok("sync"); !strings.Contains(out, "pushed") {
		t.Errorf("sync printed %q", out)
	}
	out = b.ok("sync")
	if !strings.Contains(out, "content of 1 articles fetched") {
		t.Errorf("second library's sync printed %q", out)
	}
	if got := b.ok("list"); !strings.Contains(got, "dân vận") {
		t.Errorf("the other library lists %q, want the article with its tag", got)
	}
	if got := b.ok("note", "list", "1"); !strings.Contains(got, "ghi chú") {
		t.Errorf("the other library's notes: %q", got)
	}
	if got := b.ok("sync", "status"); !strings.Contains(got, "hub: "+db) || !strings.Contains(got, "changes waiting to go up: 0") {
		t.Errorf("sync status = %q", got)
	}
	for _, f := range []*folio{a, b} {
		for _, p := range []string{f.library, f.library + "-wal"} {
			data, _ := os.ReadFile(p)
			if bytes.Contains(data, []byte("s3cret-pw")) {
				t.Errorf("%s holds the password", p)
			}
		}
	}

	// The hub goes away: one sentence, and the change waits.
	guarded.Close()
	a.ok("mark", "1", "read")
	code, _, errs = a.run("sync")
	if code != exitFailure || !strings.Contains(errs, "cannot be reached") || !strings.Contains(errs, "Nothing is lost") {
		t.Errorf("sync with the hub gone: exit %d, %q", code, errs)
	}
	if got := a.ok("sync", "status"); !strings.Contains(got, "changes waiting to go up: 1") {
		t.Errorf("status offline = %q", got)
	}
}

func TestSyncSetupRefusesBadAddress(t *testing.T) {
	f := newFolio(t)
	code, _, errs := f.run("sync", "setup", "ftp://example.com/db")
	if code != exitFailure || !strings.Contains(errs, "not a CouchDB address") {
		t.Errorf("setup ftp://: exit %d, %q", code, errs)
	}
	code, _, errs = f.run("sync", "setup", "http://127.0.0.1:5984/Bad Name")
	if code != exitFailure || !strings.Contains(errs, "not a usable database name") {
		t.Errorf("setup with a bad name: exit %d, %q", code, errs)
	}
}
