package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/save"
)

// reextractFlow is File › Re-extract all articles…: every saved article
// extracted again from its stored page with the current extractor, with a
// progress row and Cancel in the queue (an interrupted run resumes next
// time), then a summary that offers the texts that came out shorter.
type reextractFlow struct {
	u        *UI
	throttle time.Duration

	running *reextractRun
	result  dialog.Dialog // the last summary
	message string        // and what it said
	shorter []save.Shrunk // the articles that kept their text
	accept  *widget.Button
}

type reextractRun struct {
	cancel   context.CancelFunc
	stopping bool
	label    *widget.Label
	bar      *widget.ProgressBar
	stop     *widget.Button
	row      fyne.CanvasObject
}

func newReextractFlow(u *UI) *reextractFlow {
	return &reextractFlow{u: u, throttle: 100 * time.Millisecond}
}

// jobs is the library as the re-extraction needs it, or nil.
func (f *reextractFlow) jobs() save.Jobs {
	j, _ := f.u.lib.(save.Jobs)
	return j
}

// start asks before re-extracting everything.
func (f *reextractFlow) start() {
	switch {
	case f.jobs() == nil:
		f.u.showStatus("Re-extracting isn't available in this window.")
		return
	case f.running != nil:
		f.u.showStatus("The articles are already being re-extracted.")
		return
	}
	text := widget.NewLabel("Folio will extract every saved article again from the page it stored, with " +
		"its current extractor, without the network. Tags, notes and read state are kept. An article " +
		"whose new text would have more than 10% fewer words keeps its text; you can choose afterwards. " +
		"You can stop at any time and go on later.")
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Re-extract all articles", "Re-extract", "Cancel",
		container.New(&fixedWidthLayout{width: 440}, text), func(ok bool) {
			if ok {
				f.run()
			}
		}, f.u.win)
	d.Show()
}

// run re-extracts on a goroutine with a progress row in the queue.
func (f *reextractFlow) run() *reextractRun {
	ctx, cancel := context.WithCancel(f.u.bg.ctx)
	r := &reextractRun{cancel: cancel}
	r.label = widget.NewLabel("Re-extracting your articles…")
	r.label.Truncation = fyne.TextTruncateEllipsis
	r.bar = widget.NewProgressBar()
	r.stop = widget.NewButtonWithIcon("", theme.CancelIcon(), func() {
		r.stopping = true
		cancel()
		r.label.SetText("Stopping the re-extraction…")
		r.stop.Disable()
	})
	r.stop.Importance = widget.LowImportance
	r.row = container.NewBorder(nil, nil, nil, r.stop, container.NewVBox(r.label, r.bar))
	f.u.queue.addRow(r.row)
	f.running = r
	jobs := f.jobs()
	var last time.Time
	opts := save.ReextractOptions{Progress: func(p save.ReextractReport) {
		if now := time.Now(); p.Done < p.Total && now.Sub(last) < f.throttle {
			return
		} else {
			last = now
		}
		f.u.bg.ui(func() { f.progress(r, p) })
	}}
	f.u.bg.run(func(context.Context) func() {
		defer cancel()
		rep, err := f.u.saver.ReextractAll(ctx, jobs, opts)
		return func() { f.finish(r, rep, err) }
	})
	return r
}

func (f *reextractFlow) progress(r *reextractRun, p save.ReextractReport) {
	r.bar.Max = float64(max(p.Total, 1))
	r.bar.SetValue(float64(p.Done))
	if !r.stopping {
		r.label.SetText(fmt.Sprintf("Re-extracting your articles — %s of %s", formatCount(p.Done), formatCount(p.Total)))
	}
}

// finish removes the row and sums the run up.
func (f *reextractFlow) finish(r *reextractRun, rep save.ReextractReport, err error) {
	f.running = nil
	f.u.queue.removeRow(r.row)
	if f.u.bg.ctx.Err() != nil {
		return // the window is closing
	}
	f.u.refresh()
	if f.u.view.id != 0 {
		f.u.view.show(f.u.view.id)
	}
	for _, fl := range rep.Failed {
		f.u.log.Warn("re-extract", "article", fl.ID, "err", fl.Err)
	}
	var kept []save.Shrunk
	for _, s := range rep.Shorter {
		if !s.Stored {
			kept = append(kept, s)
		}
	}
	msg := reextractSentence(rep, kept)
	switch {
	case errors.Is(err, context.Canceled):
		msg = "Re-extraction stopped — choose Re-extract all articles again to go on where it stopped.\n" + msg
	case err != nil:
		f.u.log.Error("re-extract", "err", err)
		msg = explain(err)
	}
	f.show(msg, kept)
}

// reextractSentence: "Re-extracted 1,000 articles: 120 changed, 875 were
// already as the current extractor reads them, 5 kept their text."
func reextractSentence(rep save.ReextractReport, kept []save.Shrunk) string {
	s := fmt.Sprintf("Re-extracted %s of %s: %s changed, %s already as the current extractor reads %s",
		formatCount(rep.Done), plural(rep.Total, "article", "articles"), formatCount(rep.Changed),
		countWas(rep.Unchanged), pick(rep.Unchanged, "it", "them"))
	if len(kept) > 0 {
		s += fmt.Sprintf(", %s kept %s text because the new one has more than 10%% fewer words",
			formatCount(len(kept)), pick(len(kept), "its", "their"))
	}
	if len(rep.Failed) > 0 {
		s += fmt.Sprintf(", %s couldn't be read (the details are in Folio's log)", formatCount(len(rep.Failed)))
	}
	return s + "."
}

// show is the summary dialog; with articles that kept their text it lists
// them and offers their shorter texts.
func (f *reextractFlow) show(msg string, kept []save.Shrunk) {
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(text)
	f.shorter, f.accept = kept, nil
	if len(kept) > 0 {
		lines := make([]string, 0, len(kept))
		for _, s := range kept {
			lines = append(lines, fmt.Sprintf("%s — %s fewer words (%s, was %s)", s.Title,
				percentLost(s.OldWords, s.NewWords), formatCount(s.NewWords), formatCount(s.OldWords)))
		}
		shown := lines
		if len(shown) > maxDetails {
			shown = append(shown[:maxDetails:maxDetails], fmt.Sprintf("… and %s more", formatCount(len(lines)-maxDetails)))
		}
		list := widget.NewLabel(strings.Join(shown, "\n"))
		list.Wrapping = fyne.TextWrapWord
		scroll := container.NewVScroll(list)
		scroll.SetMinSize(fyne.NewSize(0, 160))
		body.Add(widget.NewAccordion(widget.NewAccordionItem("Shorter texts", scroll)))
		f.accept = widget.NewButton("Use the shorter texts", func() { f.acceptShorter(kept) })
		body.Add(f.accept)
	}
	d := dialog.NewCustom("Re-extract all articles", "Close", container.New(&fixedWidthLayout{width: 480}, body), f.u.win)
	f.result, f.message = d, msg
	d.Show()
}

// acceptShorter stores the new, shorter texts of kept.
func (f *reextractFlow) acceptShorter(kept []save.Shrunk) {
	if f.result != nil {
		f.result.Hide()
	}
	f.u.bg.run(func(ctx context.Context) func() {
		n := 0
		var failed error
		for _, s := range kept {
			r, err := f.u.saver.Refetch(ctx, s.ID, save.RefetchOptions{Offline: true, Force: true, AcceptShorter: true})
			if err != nil {
				failed = err
				continue
			}
			if r.Stored {
				n++
			}
		}
		return func() {
			if failed != nil {
				f.u.fail("re-extract", failed)
			} else {
				f.u.queue.note(fmt.Sprintf("Stored the shorter text of %s.", plural(n, "article", "articles")))
			}
			f.u.refresh()
			if f.u.view.id != 0 {
				f.u.view.show(f.u.view.id)
			}
		}
	})
}

// percentLost is how many of old words new lost, as "35%".
func percentLost(old, new int) string {
	if old <= 0 {
		return "0%"
	}
	return fmt.Sprintf("%d%%", (old-new)*100/old)
}
