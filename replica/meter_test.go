package replica

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// meter counts what a sync asks of the hub: requests, bytes each way, and
// the time they were in flight (from sending to the answer's last byte),
// per kind of request. Benchmarks report it, to split a sync's time
// between the hub and Folio.
type meter struct {
	next http.RoundTripper
	mu   sync.Mutex
	by   map[string]*meterCount
}

type meterCount struct {
	n         int
	up, down  int64
	inFlight  time.Duration
	firstByte time.Duration // until the answer's headers: the hub's own work, mostly
}

func newMeter() *meter { return &meter{next: http.DefaultTransport, by: map[string]*meterCount{}} }

func (m *meter) client() *http.Client { return &http.Client{Transport: m, Timeout: 5 * time.Minute} }

// kind names a request by its method and what it asks for: "POST
// _bulk_docs", "GET _changes", "GET doc".
func kind(r *http.Request) string {
	p := r.URL.Path
	if i := strings.LastIndex(p, "/_"); i >= 0 {
		return r.Method + " " + p[i+1:]
	}
	return r.Method + " doc"
}

func (m *meter) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	var sent *meterBody
	if r.Body != nil && r.Body != http.NoBody {
		sent = &meterBody{ReadCloser: r.Body, done: func(int64) {}}
		r = r.Clone(r.Context())
		r.Body = sent
	}
	resp, err := m.next.RoundTrip(r)
	first := time.Since(start)
	k := kind(r)
	up := func() int64 {
		if sent == nil {
			return 0
		}
		return sent.count()
	}
	if err != nil {
		m.add(k, up(), 0, first, first)
		return nil, err
	}
	resp.Body = &meterBody{ReadCloser: resp.Body, done: func(down int64) {
		m.add(k, up(), down, first, time.Since(start))
	}}
	return resp, nil
}

func (m *meter) add(k string, up, down int64, first, all time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.by[k]
	if c == nil {
		c = &meterCount{}
		m.by[k] = c
	}
	c.n++
	c.up += up
	c.down += down
	c.firstByte += first
	c.inFlight += all
}

// totals returns the requests, bytes up and down and time in flight.
func (m *meter) totals() (n int, up, down int64, inFlight time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.by {
		n += c.n
		up += c.up
		down += c.down
		inFlight += c.inFlight
	}
	return
}

func (m *meter) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	for _, k := range sortedKeys(m.by) {
		c := m.by[k]
		fmt.Fprintf(&b, "  %-18s %5d requests  %8.1f KiB up %8.1f KiB down  %6.2f s to first byte, %6.2f s in flight\n",
			k, c.n, float64(c.up)/1024, float64(c.down)/1024, c.firstByte.Seconds(), c.inFlight.Seconds())
	}
	return b.String()
}

type meterBody struct {
	io.ReadCloser
	n    atomic.Int64
	once sync.Once
	done func(int64)
}

func (b *meterBody) count() int64 { return b.n.Load() }

func (b *meterBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	if err != nil {
		b.once.Do(func() { b.done(b.n.Load()) })
	}
	return n, err
}

func (b *meterBody) Close() error {
	b.once.Do(func() { b.done(b.n.Load()) })
	return b.ReadCloser.Close()
}

// cpuTime is the CPU time this process has used: on a machine shared with
// other work the wall time says more about the neighbours than about sync.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// hubCPU is the test hub's CPU time so far (0 with FOLIO_TEST_HUB).
func hubCPU() time.Duration {
	if hubProcess == nil {
		return 0
	}
	return hubProcess.CPU()
}
