package ui

import (
	"context"
	"sync"
	"time"
)

// bridge is the one way work crosses between goroutines and widgets.
// Database, network and rendering work runs in a goroutine started by run;
// everything it wants to show goes back through do, which is fyne.Do in the
// app and a queue drained by the test goroutine in tests.
type bridge struct {
	do  func(func())
	ctx context.Context // cancelled when the window closes

	// running counts work started by run and not yet ended. A mutex and a
	// channel rather than a sync.WaitGroup: wait gives up after a limit, and
	// a WaitGroup's Wait still pending must not meet the next Add from zero.
	mu      sync.Mutex
	running int
	idle    chan struct{} // closed when running drops to zero; nil while idle
}

// run starts work in a goroutine. The function it returns, if any, is run on
// the UI goroutine. Work started after the window closed is not started.
func (b *bridge) run(work func(ctx context.Context) func()) {
	if b.ctx.Err() != nil {
		return
	}
	b.mu.Lock()
	if b.running == 0 {
		b.idle = make(chan struct{})
	}
	b.running++
	b.mu.Unlock()
	go func() {
		defer b.done()
		if show := work(b.ctx); show != nil {
			b.do(show)
		}
	}()
}

func (b *bridge) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.running--
	if b.running == 0 {
		close(b.idle)
		b.idle = nil
	}
}

// ui runs f on the UI goroutine; for callbacks that arrive on another
// goroutine (progress reports, timers).
func (b *bridge) ui(f func()) {
	b.do(f)
}

// after runs f on the UI goroutine once d has passed, unless the returned
// timer is stopped first: the debounce behind search-as-you-type, note
// autosave and mark-as-read.
func (b *bridge) after(d time.Duration, f func()) *time.Timer {
	return time.AfterFunc(d, func() { b.do(f) })
}

// wait waits for running work to end, at most limit, and says whether it did.
func (b *bridge) wait(limit time.Duration) bool {
	b.mu.Lock()
	idle := b.idle
	b.mu.Unlock()
	if idle == nil {
		return true
	}
	select {
	case <-idle:
		return true
	case <-time.After(limit):
		return false
	}
}
