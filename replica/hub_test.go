package replica

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The tests sync against a real CouchDB-compatible hub, speaking only
// CouchDB's HTTP protocol. FOLIO_TEST_HUB names one (e.g.
// http://127.0.0.1:5984, a CouchDB with no admin password or with
// http://admin:pw@127.0.0.1:5984); without it TestMain starts the test hub
// of testdata/hub (PouchDB Server's engine over memory) with node, on a free
// loopback port, and stops it at the end.
// childEnv, set, makes the test binary a syncing process (see childMain).
const childEnv = "FOLIO_REPLICA_CHILD"

var hubServer string

func TestMain(m *testing.M) {
	os.Exit(runWithHub(m))
}

func runWithHub(m *testing.M) int {
	if os.Getenv(childEnv) != "" {
		return childMain()
	}
	hubServer = strings.TrimRight(os.Getenv("FOLIO_TEST_HUB"), "/")
	if hubServer == "" {
		stop, addr, err := startHub()
		if err != nil {
			fmt.Fprintln(os.Stderr, "replica tests need a CouchDB-compatible hub:", err)
			fmt.Fprintln(os.Stderr, "run `make test` (it installs node and the test hub), or set FOLIO_TEST_HUB=http://127.0.0.1:5984")
			return 1
		}
		defer stop()
		hubServer = addr
	}
	return m.Run()
}

// startHub runs testdata/hub/hub.js with node, installing its packages
// first if they are missing (npm ci, from the committed lock file).
func startHub() (stop func(), addr string, err error) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "hub"))
	if err != nil {
		return nil, "", err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, "", fmt.Errorf("node is not installed: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "express-pouchdb")); err != nil {
		npm := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--silent")
		npm.Dir = dir
		if out, err := npm.CombinedOutput(); err != nil {
			return nil, "", fmt.Errorf("npm ci in %s: %w\n%s", dir, err, out)
		}
	}
	cmd := exec.Command(node, "hub.js", "0")
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe() // the hub exits when it closes
	if err != nil {
		return nil, "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	stop = func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				ready <- a
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case addr = <-ready:
		return stop, addr, nil
	case <-time.After(30 * time.Second):
		stop()
		return nil, "", fmt.Errorf("the test hub did not start in 30 s")
	}
}

// newDB returns the address of a database of its own on the test hub.
func newDB(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	return hubServer + "/t" + hex.EncodeToString(b)
}

var bg = context.Background()
