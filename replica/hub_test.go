package replica

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/folio-app/folio/internal/testhub"
)

// The tests sync against a real CouchDB-compatible hub (see
// internal/testhub): FOLIO_TEST_HUB, or the test hub of testdata/hub that
// TestMain starts with node and stops at the end.

// childEnv, set, makes the test binary a syncing process (see childMain).
const childEnv = "FOLIO_REPLICA_CHILD"

var hubServer string

// hubProcess is the test hub started here (nil with FOLIO_TEST_HUB).
var hubProcess *testhub.Process

// testCreds keeps the password of a FOLIO_TEST_HUB given with one
// (http://admin:pw@host:5984), for this process and its children.
var testCreds FileCredentials

func TestMain(m *testing.M) {
	os.Exit(runWithHub(m))
}

func runWithHub(m *testing.M) int {
	if p := os.Getenv(CredentialsEnv); p != "" && os.Getenv(childEnv) != "" {
		testCreds = FileCredentials{Path: p}
	} else {
		dir, err := os.MkdirTemp("", "folio-replica-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		testCreds = FileCredentials{Path: filepath.Join(dir, "creds.json")}
		os.Setenv(CredentialsEnv, testCreds.Path)
	}
	if os.Getenv(childEnv) != "" {
		return childMain()
	}
	hubServer = strings.TrimRight(os.Getenv(testhub.Env), "/")
	if hubServer == "" {
		p, err := testhub.Start()
		if err != nil {
			fmt.Fprintln(os.Stderr, "replica tests need a CouchDB-compatible hub:", err)
			fmt.Fprintln(os.Stderr, "run `make test` (it installs node and the test hub), or set FOLIO_TEST_HUB=http://127.0.0.1:5984")
			return 1
		}
		defer p.Stop()
		hubServer, hubProcess = p.Addr, p
	}
	return m.Run()
}

// newDB returns the address of a database of its own on the test hub.
func newDB(tb testing.TB) string {
	tb.Helper()
	return hubServer + "/" + testhub.Name()
}

var bg = context.Background()
