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
	"strconv"
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
	// started holds the started hub (and its standard input: were it
	// collected, the pipe would close and the hub exit).
	started *Process
)

// Server returns the hub's address (no database), starting the test hub
// the first time it is needed; it stops when the test process exits (it
// reads its standard input until it closes).
func Server(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		if shared = strings.TrimRight(os.Getenv(Env), "/"); shared == "" {
			if started, err = Start(); err == nil {
				shared = started.Addr
			}
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

// Process is a test hub started by Start.
type Process struct {
	Addr string // http://127.0.0.1:PORT
	cmd  *exec.Cmd
	stop func()
}

// Stop ends the hub and waits for it.
func (p *Process) Stop() { p.stop() }

// CPU returns the processor time the hub has used so far (0 where /proc
// cannot tell): benchmarks split a sync's cost between hub and Folio.
func (p *Process) CPU() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command's closing parenthesis: state is field 3,
	// utime and stime fields 14 and 15, in clock ticks (100 a second).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// Start runs testdata/hub/hub.js with node, installing its packages first
// if they are missing (npm ci, from the committed lock file).
func Start() (*Process, error) {
	_, here, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(here), "..", "..", "testdata", "hub")
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is not installed: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "express-pouchdb")); err != nil {
		npm := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--silent")
		npm.Dir = dir
		if out, err := npm.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("npm ci in %s: %w\n%s", dir, err, out)
		}
	}
	cmd := exec.Command(node, "hub.js", "0")
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe() // the hub exits when it closes
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd}
	p.stop = func() {
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
	case p.Addr = <-ready:
		return p, nil
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, fmt.Errorf("the test hub did not start in 30 s")
	}
}
