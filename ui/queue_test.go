package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestQueueKeepsItsHeight pastes sixteen links that never finish: the queue
// scrolls inside a bounded panel, the window does not grow and the list
// keeps most of its pane (it grew the window to 1,714 px before).
func TestQueueKeepsItsHeight(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai"}, nil))
	h.w.Resize(fyne.NewSize(1280, 800))
	var links []string
	for i := range 16 {
		links = append(links, h.link("/slow?n="+strings.Repeat("x", i)))
	}
	submit(h.u.linkBar, strings.Join(links, "\n"))
	if len(h.u.queue.jobs) != 16 {
		t.Fatalf("queued %d links, want 16", len(h.u.queue.jobs))
	}
	h.eventually("the fetches to start", func() bool { return h.u.queue.jobs[0].state == jobRunning })
	if min := h.w.Content().MinSize(); min.Height > 800 {
		t.Errorf("the window needs %v px of height with 16 links queued, more than its 800", min.Height)
	}
	if s := h.w.Canvas().Size(); s.Height > 800 {
		t.Errorf("the window grew to %v", s)
	}
	list := h.u.list.widget.Size().Height
	pane := h.u.inner.Size().Height
	if list < 0.6*pane {
		t.Errorf("the list has %v of the pane's %v px, want at least 60%%", list, pane)
	}
	if s := h.u.queue.summary.Text; s != "Saving 16 links · 13 waiting" {
		t.Errorf("queue summary %q", s)
	}
	if q := h.u.queue.holder.Size().Height; q > 0.35*pane {
		t.Errorf("the queue takes %v of %v px", q, pane)
	}
}

// TestQueueRowsLeaveWhenDone: a saved link's row goes by itself, a failed
// one stays with its reason and Retry, which saves it again.
func TestQueueRowsLeaveWhenDone(t *testing.T) {
	h := newHarness(t, nil)
	h.u.queue.linger = 30 * time.Millisecond
	submit(h.u.linkBar, h.link("/gone"))
	failed := h.u.queue.jobs[0]
	submit(h.u.linkBar, h.link("/index.html"))
	saved := h.u.queue.jobs[1]
	h.eventually("the saved row to leave", func() bool {
		return saved.state == jobDone && len(h.u.queue.jobs) == 1
	})
	time.Sleep(60 * time.Millisecond)
	h.settle()
	if len(h.u.queue.jobs) != 1 || h.u.queue.jobs[0] != failed {
		t.Fatalf("queue holds %d rows, want only the failed one", len(h.u.queue.jobs))
	}
	if failed.state != jobFailed || !failed.retry.Visible() || failed.retry.Text != "Retry" {
		t.Errorf("failed row: state %v, retry visible %v %q", failed.state, failed.retry.Visible(), failed.retry.Text)
	}
	if !strings.Contains(failed.status.Text, "404") {
		t.Errorf("failed row says %q, want the reason", failed.status.Text)
	}
	test.Tap(failed.retry)
	if len(h.u.queue.jobs) != 1 || h.u.queue.jobs[0] == failed {
		t.Fatalf("Retry did not queue the link again")
	}
	again := h.u.queue.jobs[0]
	h.eventually("the retry to end", func() bool { return again.state == jobFailed })
	test.Tap(again.stop) // dismisses a failed row
	if len(h.u.queue.jobs) != 0 || h.u.queue.panel.Visible() {
		t.Errorf("dismissed row still shown: %d rows", len(h.u.queue.jobs))
	}
}
