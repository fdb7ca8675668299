// Package testhub gives tests a CouchDB-compatible hub to sync with: the
// one FOLIO_TEST_HUB names (any CouchDB, e.g. http://admin:pw@127.0.0.1:5984),
// or else the test hub of testdata/hub (PouchDB Server's engine over
// memory, from npm) started with node on a free loopback port. Tests speak
// only CouchDB's HTTP protocol to it.
package testhub

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Env names the variable that points the tests at a hub.
const Env = "FOLIO_TEST_HUB"

var (
	once   sync.Once
	shared string
	err    error
	// stop holds the started hub's standard input: were it collected, the
	// pipe would close and the hub exit.
	stop func()
)

// Server returns the hub's address (no database), starting the test hub
// the first time it is needed; it stops when the test process exits (it
// reads its standard input until it closes).
func Server(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		if shared = strings.TrimRight(os.Getenv(Env), "/"); shared == "" {
			shared, stop, err = Start()
		}
	})
	if err != nil {
		tb.Fatalf("the sync tests need a CouchDB-compatible hub: %v\n"+
			"(make test installs node and the test hub; or set %s=http://127.0.0.1:5984)", err, Env)
	}
	return shared
}

// DB returns the address of a new database of its own on the hub.
func DB(tb testing.TB) string {
	tb.Helper()
	return Server(tb) + "/" + Name()
}

// Name returns a new database name.
func Name() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "t" + hex.EncodeToString(b)
}

// Start runs testdata/hub/hub.js with node, installing its packages first
// if they are missing (npm ci, from the committed lock file).
func Start() (addr string, stop func(), err error) {
	_, here, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(here), "..", "..", "testdata", "hub")
	node, err := exec.LookPath("node")
	if err != nil {
		return "", nil, fmt.Errorf("node is not installed: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "express-pouchdb")); err != nil {
		npm := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--silent")
		npm.Dir = dir
		if out, err := npm.CombinedOutput(); err != nil {
			return "", nil, fmt.Errorf("npm ci in %s: %w\n%s", dir, err, out)
		}
	}
	cmd := exec.Command(node, "hub.js", "0")
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe() // the hub exits when it closes
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
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
		return addr, stop, nil
	case <-time.After(30 * time.Second):
		stop()
		return "", nil, fmt.Errorf("the test hub did not start in 30 s")
	}
}
