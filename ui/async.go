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
	do   func(func())
	ctx  context.Context // cancelled when the window closes
	work sync.WaitGroup
}

// run starts work in a goroutine. The function it returns, if any, is run on
// the UI goroutine. Work started after the window closed is not started.
func (b *bridge) run(work func(ctx context.Context) func()) {
	if b.ctx.Err() != nil {
		return
	}
	b.work.Add(1)
	go func() {
		defer b.work.Done()
		if show := work(b.ctx); show != nil {
			b.do(show)
		}
	}()
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
	done := make(chan struct{})
	go func() {
		b.work.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(limit):
		return false
	}
}
