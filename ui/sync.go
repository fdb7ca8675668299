package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/replica"
	"github.com/folio-app/folio/storage"
)

// How often the window syncs by itself while open, and how soon after a
// local change.
const (
	syncEvery       = 5 * time.Minute
	syncAfterChange = 20 * time.Second
	syncCheckEvery  = 10 * time.Second
)

// syncFlow is Settings › Sync: where the library syncs, a Sync button, and
// syncing by itself every few minutes and soon after a change. Every sync
// runs in the background (package replica); the window keeps working
// offline and says in one sentence when the hub cannot be reached.
type syncFlow struct {
	u     *UI
	lib   *storage.Library // nil: this window's library cannot sync (tests)
	creds replica.Credentials

	mu      sync.Mutex
	running bool
	lastRun time.Time
	lastErr error
	changed time.Time // when local changes were first seen waiting
	timer   *time.Timer

	// The open dialog's widgets (nil when it is closed).
	dlg   dialog.Dialog
	addr  *widget.Entry
	user  *widget.Entry
	pass  *widget.Entry
	state *widget.Label
	bar   *widget.ProgressBar
	now   *widget.Button
}

func newSyncFlow(u *UI) *syncFlow {
	f := &syncFlow{u: u, creds: replica.DefaultCredentials(os.Getenv)}
	f.lib, _ = u.lib.(*storage.Library)
	return f
}

// settingsMenu is the window's Settings menu.
func (u *UI) settingsMenu() *fyne.Menu {
	return fyne.NewMenu("Settings", fyne.NewMenuItem("Sync…", u.syncs.show))
}

// start begins syncing by itself if the library is set up for it.
func (f *syncFlow) start() {
	if f.lib == nil {
		return
	}
	f.u.bg.run(func(ctx context.Context) func() {
		st, err := replica.ReadStatus(ctx, f.lib)
		if err != nil || st.Hub == "" {
			return nil
		}
		f.schedule(time.Second)
		return nil
	})
}

// schedule checks again after d: time for a sync, or changes waiting.
func (f *syncFlow) schedule(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.u.bg.ctx.Err() != nil {
		return
	}
	if f.timer != nil {
		f.timer.Stop()
	}
	f.timer = time.AfterFunc(d, f.tick)
}

func (f *syncFlow) tick() {
	f.u.bg.run(func(ctx context.Context) func() {
		st, err := replica.ReadStatus(ctx, f.lib)
		if err != nil || st.Hub == "" {
			return nil
		}
		f.mu.Lock()
		due := f.lastRun.IsZero() || time.Since(f.lastRun) >= syncEvery
		if st.Pending > 0 {
			if f.changed.IsZero() {
				f.changed = time.Now()
			}
			due = due || time.Since(f.changed) >= syncAfterChange
		} else {
			f.changed = time.Time{}
		}
		f.mu.Unlock()
		if due {
			f.syncNow(ctx)
		}
		f.schedule(syncCheckEvery)
		return nil
	})
}

// syncNow runs one sync, unless one is running, reporting progress to the
// dialog if it is open. It runs on a bridge goroutine.
func (f *syncFlow) syncNow(ctx context.Context) {
	f.mu.Lock()
	if f.running {
		f.mu.Unlock()
		return
	}
	f.running = true
	f.mu.Unlock()
	f.u.bg.ui(func() { f.showRunning(true) })
	var lastShown time.Time
	res, err := replica.Sync(ctx, f.lib, replica.Options{
		Credentials: f.creds,
		Progress: func(p replica.Progress) {
			if time.Since(lastShown) < 200*time.Millisecond {
				return
			}
			lastShown = time.Now()
			f.u.bg.ui(func() { f.showProgress(p) })
		},
	})
	f.mu.Lock()
	f.running, f.lastRun, f.lastErr, f.changed = false, time.Now(), err, time.Time{}
	f.mu.Unlock()
	if err != nil && !errors.Is(err, context.Canceled) {
		f.u.log.Warn("sync", "err", err)
	}
	f.u.bg.ui(func() {
		f.showRunning(false)
		f.showState()
		if err == nil && (res.Pulled > 0 || res.Fetched > 0) {
			f.u.refresh()
		}
	})
}

// syncMessage is the sentence the window shows for a sync failure.
func syncMessage(err error, hub string) string {
	switch {
	case errors.Is(err, replica.ErrNotSetUp):
		return "Sync is not set up: enter the address of your CouchDB database and press Save."
	case errors.Is(err, replica.ErrDenied):
		return "The hub refused the user name or password. Check them and press Save."
	case errors.Is(err, replica.ErrUnreachable):
		return fmt.Sprintf("The hub %s cannot be reached. Folio keeps working; your changes go up at the next sync.", hub)
	case errors.Is(err, replica.ErrBadHub):
		return "That is not a CouchDB database address: use http://host:5984/folio (or https://)."
	}
	return "Sync failed: " + err.Error()
}

// show opens Settings › Sync.
func (f *syncFlow) show() {
	if f.lib == nil {
		dialog.ShowInformation("Sync", "This library cannot sync.", f.u.win)
		return
	}
	f.addr = widget.NewEntry()
	f.addr.SetPlaceHolder("http://192.168.1.10:5984/folio")
	f.user = widget.NewEntry()
	f.user.SetPlaceHolder("optional")
	f.pass = widget.NewPasswordEntry()
	f.pass.SetPlaceHolder("kept apart from the library")
	f.state = widget.NewLabel("")
	f.state.Wrapping = fyne.TextWrapWord
	f.bar = widget.NewProgressBar()
	f.bar.Hide()
	save := widget.NewButton("Save", f.save)
	f.now = widget.NewButton("Sync now", func() { f.u.bg.run(func(ctx context.Context) func() { f.syncNow(ctx); return nil }) })
	form := widget.NewForm(
		widget.NewFormItem("Hub", f.addr),
		widget.NewFormItem("User", f.user),
		widget.NewFormItem("Password", f.pass),
	)
	help := widget.NewLabel("Every computer that points at the same CouchDB database shares one library. " +
		"Folio syncs every few minutes and soon after a change while it is open.")
	help.Wrapping = fyne.TextWrapWord
	body := container.New(&fixedWidthLayout{width: 480}, container.NewVBox(
		help, form, container.NewHBox(save, f.now), f.bar, f.state))
	f.dlg = dialog.NewCustom("Sync", "Close", body, f.u.win)
	f.dlg.SetOnClosed(func() { f.dlg, f.state, f.bar, f.now = nil, nil, nil, nil })
	f.dlg.Show()
	f.u.bg.run(func(ctx context.Context) func() {
		st, err := replica.ReadStatus(ctx, f.lib)
		return func() {
			if f.dlg == nil || err != nil {
				return
			}
			f.addr.SetText(st.Hub)
			f.user.SetText(st.User)
			f.showState()
		}
	})
}

// save points the library at the hub in the dialog, then syncs.
func (f *syncFlow) save() {
	h := replica.Hub{URL: f.addr.Text, User: f.user.Text, Password: f.pass.Text}
	f.state.SetText("Connecting…")
	f.u.bg.run(func(ctx context.Context) func() {
		err := replica.Setup(ctx, f.lib, h, f.creds, nil)
		if err != nil {
			return func() {
				if f.state != nil {
					f.state.SetText(syncMessage(err, h.URL))
				}
			}
		}
		f.syncNow(ctx)
		f.schedule(syncCheckEvery)
		return nil
	})
}

func (f *syncFlow) showRunning(on bool) {
	if f.bar == nil {
		return
	}
	if on {
		f.bar.SetValue(0)
		f.bar.Show()
		f.now.Disable()
		f.state.SetText("Syncing…")
	} else {
		f.bar.Hide()
		f.now.Enable()
	}
}

func (f *syncFlow) showProgress(p replica.Progress) {
	if f.state == nil {
		return
	}
	switch p.Phase {
	case replica.PhasePull:
		f.state.SetText(fmt.Sprintf("Receiving: %d articles…", p.Done))
	case replica.PhasePush:
		f.state.SetText(fmt.Sprintf("Sending: %d of %d…", p.Done, p.Total))
	case replica.PhaseContent:
		f.state.SetText(fmt.Sprintf("Fetching article content: %d of %d…", p.Done, p.Total))
	}
	if p.Total > 0 {
		f.bar.SetValue(float64(p.Done) / float64(p.Total))
	}
}

// showState shows the last sync and what waits, read in the background.
func (f *syncFlow) showState() {
	if f.state == nil {
		return
	}
	f.mu.Lock()
	lastErr := f.lastErr
	f.mu.Unlock()
	f.u.bg.run(func(ctx context.Context) func() {
		st, err := replica.ReadStatus(ctx, f.lib)
		return func() {
			if f.state == nil || err != nil {
				return
			}
			f.state.SetText(stateText(st, lastErr, time.Now()))
		}
	})
}

// stateText is the dialog's status: the last sync, what waits, the last
// failure.
func stateText(st replica.Status, lastErr error, now time.Time) string {
	if st.Hub == "" {
		return "Not set up yet."
	}
	s := "Never synced."
	if !st.Last.IsZero() {
		s = "Last synced " + ago(now.Sub(st.Last)) + "."
	}
	if st.Pending > 0 {
		s += fmt.Sprintf(" %d changes wait to go up.", st.Pending)
	}
	if st.Waiting > 0 {
		s += fmt.Sprintf(" Content of %d articles is still to come.", st.Waiting)
	}
	if lastErr != nil && !errors.Is(lastErr, context.Canceled) {
		s += "\n" + syncMessage(lastErr, st.Hub)
	}
	return s
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < 2*time.Minute:
		return "a minute ago"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d.Minutes()))
	case d < 2*time.Hour:
		return "an hour ago"
	case d < 24*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}
