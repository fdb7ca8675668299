package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/save"
	"github.com/folio-app/folio/storage"
)

// saveStore is what saving writes, through the save package.
type saveStore interface {
	save.Library
}

// saveRequest is one thing to save: a link, a saved page on disk, or an
// article to fetch again.
type saveRequest struct {
	link    string
	path    string
	force   bool  // keep the page even without article text
	refetch int64 // re-fetch this article in place
	shorter bool  // refetch: take a new text that lost words
}

func (r saveRequest) label() string {
	if r.path != "" {
		return filepath.Base(r.path)
	}
	return r.link
}

// jobState is where a job stands.
type jobState int

const (
	jobWaiting jobState = iota
	jobRunning
	jobDone
	jobFailed
)

// saveJob is one request in the queue, with its own cancel.
type saveJob struct {
	req    saveRequest
	state  jobState
	id     int64 // the article saved (or found)
	err    error
	cancel context.CancelFunc

	label  *widget.Label
	status *widget.Label
	stop   *widget.Button // cancels while running; dismisses a failed row
	retry  *widget.Button
	row    fyne.CanvasObject
	leave  *time.Timer // takes a finished row away
}

// saveQueue saves links in the background, a few at a time, and shows each
// one's progress with a cancel button. The rows scroll inside a panel of
// bounded height (queueRows rows), so sixteen links never push the list (or the window) out
// of shape. A row that saved leaves by itself after linger; a failed one
// stays, with its reason and Retry, until dismissed.
type saveQueue struct {
	u      *UI
	slots  chan struct{}
	jobs   []*saveJob
	linger time.Duration
	// others are rows of longer work shown with the saves, such as an
	// import; their owner adds and removes them.
	others []fyne.CanvasObject

	box     *fyne.Container
	scroll  *container.Scroll
	message *widget.Label
	summary *widget.Label  // "Saving 16 links · 13 waiting"
	action  *widget.Button // beside the message: Undo after a delete
	onAct   func()
	clear   *widget.Button
	panel   *fyne.Container
	holder  *fyne.Container // where the panel sits in the panes
	msgTmr  *time.Timer
	noteFor time.Duration // how long a message (and its Undo) stays
}

func newSaveQueue(u *UI, workers int) *saveQueue {
	return &saveQueue{u: u, slots: make(chan struct{}, workers), linger: 4 * time.Second, noteFor: 8 * time.Second}
}

// queueRows is how many rows the queue shows before it scrolls.
const queueRows = 2

func (q *saveQueue) build() fyne.CanvasObject {
	q.box = container.NewVBox()
	q.message = widget.NewLabel("")
	q.message.Wrapping = fyne.TextWrapWord
	q.message.Hide()
	q.clear = widget.NewButton("Clear finished", q.clearFinished)
	q.clear.Importance = widget.LowImportance
	q.clear.Hide()
	q.scroll = container.NewVScroll(q.box)
	rows := container.New(&cappedLayout{content: q.box, rows: queueRows}, q.scroll)
	q.action = widget.NewButton("Undo", func() {
		f := q.onAct
		q.onAct = nil
		q.action.Hide()
		q.message.Hide()
		q.updateVisibility()
		if f != nil {
			f()
		}
	})
	q.action.Hide()
	msg := container.NewBorder(nil, nil, nil, q.action, q.message)
	q.summary = widget.NewLabel("")
	q.summary.TextStyle.Bold = true
	q.panel = container.NewVBox(widget.NewSeparator(), msg, container.NewBorder(nil, nil, nil, q.clear, q.summary), rows)
	q.holder = container.NewStack(q.panel)
	q.panel.Hide()
	return q.holder
}

// addRow shows a row of other work (an import) above the saves.
func (q *saveQueue) addRow(row fyne.CanvasObject) {
	q.others = append(q.others, row)
	q.box.Objects = append([]fyne.CanvasObject{row}, q.box.Objects...)
	q.box.Refresh()
	q.updateVisibility()
}

// removeRow takes away a row added by addRow.
func (q *saveQueue) removeRow(row fyne.CanvasObject) {
	for i, o := range q.others {
		if o == row {
			q.others = append(q.others[:i], q.others[i+1:]...)
			break
		}
	}
	q.box.Remove(row)
	q.updateVisibility()
}

// moveTo puts the queue on the first-run screen or back under the list.
func (q *saveQueue) moveTo(welcome bool) {
	if welcome {
		q.holder.Objects = nil
		q.u.welcomeQueue.Objects = []fyne.CanvasObject{q.panel}
	} else {
		q.u.welcomeQueue.Objects = nil
		q.holder.Objects = []fyne.CanvasObject{q.panel}
	}
	q.holder.Refresh()
	q.u.welcomeQueue.Refresh()
}

// note shows a one-line message above the queue for a while.
func (q *saveQueue) note(msg string) {
	q.noteAction(msg, "", nil)
}

// noteAction shows a message with a button (Undo) for a while; a newer
// message ends the offer.
func (q *saveQueue) noteAction(msg, label string, act func()) {
	q.onAct = act
	q.message.SetText(msg)
	q.message.Show()
	if act != nil {
		q.action.SetText(label)
		q.action.Show()
	} else {
		q.action.Hide()
	}
	if q.msgTmr != nil {
		q.msgTmr.Stop()
	}
	q.msgTmr = q.u.bg.after(q.noteFor, func() {
		if q.message.Text == msg {
			q.onAct = nil
			q.message.Hide()
			q.action.Hide()
			q.updateVisibility()
		}
	})
	q.updateVisibility()
}

// add queues a request and starts its worker, which waits for a free slot.
func (q *saveQueue) add(req saveRequest) *saveJob {
	ctx, cancel := context.WithCancel(q.u.bg.ctx)
	j := &saveJob{req: req, cancel: cancel}
	j.label = widget.NewLabel(req.label())
	j.label.Truncation = fyne.TextTruncateEllipsis
	j.status = widget.NewLabel("Waiting…")
	// Low importance draws in the "disabled" colour, unreadable here.
	j.status.Wrapping = fyne.TextWrapWord
	j.status.SizeName = theme.SizeNameCaptionText
	j.stop = widget.NewButtonWithIcon("", theme.CancelIcon(), func() {
		if j.state == jobFailed || j.state == jobDone {
			q.remove(j)
			return
		}
		j.cancel()
		j.status.SetText("Cancelling…")
	})
	j.stop.Importance = widget.LowImportance
	j.retry = widget.NewButton("Retry", func() {
		q.remove(j)
		req := j.req
		// a page with no article text is kept as it is on the second try,
		// and a re-fetch whose shorter text was declined takes it
		req.force = req.force || errors.Is(j.err, reader.ErrNotArticle)
		req.shorter = req.shorter || errors.As(j.err, new(keptShorter))
		q.add(req)
	})
	j.retry.Hide()
	j.row = container.NewBorder(nil, nil, nil, container.NewHBox(j.retry, j.stop), container.NewVBox(j.label, j.status))
	q.jobs = append(q.jobs, j)
	q.box.Add(j.row)
	q.updateVisibility()
	q.u.bg.run(func(context.Context) func() {
		id, err := q.work(ctx, j)
		cancel()
		return func() { q.finish(j, id, err) }
	})
	return j
}

// refetch fetches an article's page again and replaces its content,
// keeping tags, notes and flags.
func (q *saveQueue) refetch(id int64) {
	i := q.u.list.indexOf(id)
	link := ""
	if i >= 0 {
		link = q.u.list.rows[i].URL
	} else if q.u.view.art != nil && q.u.view.id == id {
		link = q.u.view.art.URL
	}
	if link == "" {
		return
	}
	q.add(saveRequest{link: link, refetch: id, force: true})
}

// work runs on a goroutine: it waits for a slot, then fetches and stores.
func (q *saveQueue) work(ctx context.Context, j *saveJob) (int64, error) {
	select {
	case q.slots <- struct{}{}:
		defer func() { <-q.slots }()
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	say := func(s string) {
		q.u.bg.ui(func() {
			if j.state == jobWaiting {
				j.state = jobRunning
				q.updateVisibility()
			}
			j.status.SetText(s)
		})
	}
	progress := func(s save.Stage) { say(stageText(s)) }
	if j.req.refetch != 0 {
		say("Fetching the page again…")
		r, err := q.u.saver.Refetch(ctx, j.req.refetch, save.RefetchOptions{
			Force: j.req.force, AcceptShorter: j.req.shorter, Progress: progress})
		if err == nil && r.Shorter && !r.Stored {
			err = keptShorter{r}
		}
		return j.req.refetch, err
	}
	r, err := q.u.saver.Save(ctx, save.Request{Link: j.req.link, Path: j.req.path, Force: j.req.force, Progress: progress})
	if err == nil && r.Existed {
		return r.ID, storage.ErrDuplicate
	}
	return r.ID, err
}

// keptShorter ends a re-fetch whose new text lost more than save.MaxLoss
// of the words: the saved text was kept.
type keptShorter struct{ r save.Refetched }

func (k keptShorter) Error() string {
	return fmt.Sprintf("kept the saved text: the new one has %d words, the saved one %d", k.r.NewWords, k.r.OldWords)
}

func stageText(s save.Stage) string {
	switch s {
	case save.Fetching:
		return "Fetching the page…"
	case save.Extracting:
		return "Finding the article text…"
	case save.Images:
		return "Saving the pictures…"
	case save.Storing:
		return "Saving to your library…"
	}
	return "Working…"
}

// finish shows how a job ended and what it changed.
func (q *saveQueue) finish(j *saveJob, id int64, err error) {
	defer q.updateVisibility()
	j.id, j.err = id, err
	q.clear.Show()
	switch {
	case err == nil:
		j.state = jobDone
		if j.req.refetch != 0 {
			j.status.SetText("Fetched again")
			if q.u.view.id == id {
				q.u.view.show(id)
			}
		} else {
			j.status.SetText("Saved")
			q.u.articleSaved(id)
		}
	case errors.Is(err, storage.ErrDuplicate) && id != 0:
		j.state = jobDone
		j.status.SetText("Already in your library")
		q.u.reveal(id)
	case errors.Is(err, context.Canceled):
		// The person cancelled: nothing to retry, nothing to read.
		j.state = jobDone
		j.status.SetText(explain(err))
	case errors.As(err, new(keptShorter)):
		// Not a failure, but a question: the row stays until answered or
		// dismissed.
		k := err.(keptShorter)
		j.state = jobDone
		j.status.SetText(fmt.Sprintf("Kept the saved text: the page now gives %d%% fewer words.",
			(k.r.OldWords-k.r.NewWords)*100/max(k.r.OldWords, 1)))
		j.retry.SetText("Use the shorter text")
		j.retry.Show()
		return
	default:
		j.state = jobFailed
		j.status.Importance = widget.DangerImportance
		j.status.SetText(explain(err))
		j.retry.Show()
		if errors.Is(err, reader.ErrNotArticle) {
			j.retry.SetText("Save anyway")
		}
		q.u.log.Error("save", "link", j.req.label(), "err", err)
		return
	}
	j.stop.Hide()
	j.leave = q.u.bg.after(q.linger, func() { q.remove(j) })
}

func (q *saveQueue) remove(j *saveJob) {
	if j.leave != nil {
		j.leave.Stop()
	}
	for i, k := range q.jobs {
		if k == j {
			q.jobs = append(q.jobs[:i], q.jobs[i+1:]...)
			break
		}
	}
	q.box.Remove(j.row)
	q.updateVisibility()
}

// updateVisibility hides the queue when it has nothing to say, and says
// how many links are on their way.
func (q *saveQueue) updateVisibility() {
	waiting, busy := 0, q.busy()
	for _, j := range q.jobs {
		if j.state == jobWaiting {
			waiting++
		}
	}
	switch {
	case busy == 0:
		q.summary.SetText("")
	case waiting > 0:
		q.summary.SetText("Saving " + plural(busy, "link", "links") + " · " + formatCount(waiting) + " waiting")
	default:
		q.summary.SetText("Saving " + plural(busy, "link", "links"))
	}
	finished := false
	for _, j := range q.jobs {
		finished = finished || j.state == jobDone || j.state == jobFailed
	}
	if !finished {
		q.clear.Hide()
	}
	if len(q.jobs) == 0 && len(q.others) == 0 && !q.message.Visible() {
		q.panel.Hide()
	} else {
		q.panel.Show()
	}
	q.holder.Refresh()
}

// clearFinished removes the rows of jobs that have ended.
func (q *saveQueue) clearFinished() {
	kept := q.jobs[:0]
	objs := append(make([]fyne.CanvasObject, 0, len(q.others)+len(q.jobs)), q.others...)
	for _, j := range q.jobs {
		if j.state == jobDone || j.state == jobFailed {
			continue
		}
		kept = append(kept, j)
		objs = append(objs, j.row)
	}
	for _, j := range q.jobs {
		if j.leave != nil && (j.state == jobDone || j.state == jobFailed) {
			j.leave.Stop()
		}
	}
	q.jobs = kept
	q.box.Objects = objs
	q.box.Refresh()
	q.clear.Hide()
	q.updateVisibility()
}

// busy counts jobs not yet finished.
func (q *saveQueue) busy() int {
	n := 0
	for _, j := range q.jobs {
		if j.state == jobWaiting || j.state == jobRunning {
			n++
		}
	}
	return n
}

// cappedLayout gives its one object the height of content, up to rows of
// its first row's height; beyond that content scrolls inside the object.
type cappedLayout struct {
	content *fyne.Container
	rows    int
}

func (l *cappedLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *cappedLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	s := l.content.MinSize()
	if len(l.content.Objects) > l.rows {
		row := float32(0)
		for _, o := range l.content.Objects {
			if o.Visible() {
				row = max(row, o.MinSize().Height)
			}
		}
		pad := theme.Padding()
		s.Height = min(s.Height, float32(l.rows)*(row+pad)-pad/2)
	}
	return s
}
