package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/storage"
)

// backupStore is what backing up needs of the library; *storage.Library is
// one.
type backupStore interface {
	Path() string
	Backup(ctx context.Context, path string) error
}

// Backups beside the library: File › Back up library… makes one and sets
// the automatic daily one; the window makes that one itself when a day has
// passed since the newest.
type backupFlow struct {
	u *UI
	// now names the backups; a field so tests can fix the clock.
	now func() time.Time

	running bool
	message string // the last thing a backup said, for tests
	info    *widget.Label
}

// backupEvery is how old the newest backup may get before the automatic
// one runs again, and backupCheck how often the window looks.
const (
	backupEvery = 24 * time.Hour
	backupCheck = time.Hour
)

// Choices of how many dated backups to keep.
var keepChoices = []string{"3", "5", "10", "20", "50"}

func newBackupFlow(u *UI) *backupFlow {
	return &backupFlow{u: u, now: time.Now}
}

func (b *backupFlow) store() backupStore {
	s, _ := b.u.lib.(backupStore)
	return s
}

func (b *backupFlow) auto() bool {
	return b.u.app.Preferences().BoolWithFallback(prefBackupAuto, true)
}

func (b *backupFlow) keep() int {
	return b.u.app.Preferences().IntWithFallback(prefBackupKeep, storage.DefaultKeepBackups)
}

// show is File › Back up library…: when the last backup was made, the
// automatic backup's settings, and a button to back up now.
func (b *backupFlow) show() {
	s := b.store()
	if s == nil {
		b.u.showStatus("This library cannot be backed up from the window.")
		return
	}
	prefs := b.u.app.Preferences()
	b.info = widget.NewLabel("Looking for backups…")
	b.info.Wrapping = fyne.TextWrapWord
	auto := widget.NewCheck("Back up automatically once a day", func(on bool) { prefs.SetBool(prefBackupAuto, on) })
	auto.SetChecked(b.auto())
	keep := widget.NewSelect(keepChoices, func(v string) {
		if n, err := strconv.Atoi(v); err == nil {
			prefs.SetInt(prefBackupKeep, n)
		}
	})
	keep.SetSelected(strconv.Itoa(b.keep()))
	where := widget.NewLabel("Backups go beside the library, named by date; each is checked after it is written.")
	where.Wrapping = fyne.TextWrapWord
	body := container.New(&fixedWidthLayout{width: 440}, container.NewVBox(b.info, where, auto,
		widget.NewForm(widget.NewFormItem("Keep the newest", keep))))
	d := dialog.NewCustomConfirm("Back up library", "Back up now", "Close", body, func(ok bool) {
		if ok {
			b.backUp(true)
		}
	}, b.u.win)
	d.Show()
	b.u.bg.run(func(context.Context) func() {
		text := lastBackupText(s.Path())
		return func() { b.info.SetText(text) }
	})
}

// lastBackupText says when the newest backup was made, and where.
func lastBackupText(libPath string) string {
	list, err := storage.Backups(libPath)
	switch {
	case err != nil:
		return "Folio can't look for backups: " + explain(err)
	case len(list) == 0:
		return "No backup yet."
	}
	last := list[len(list)-1]
	return fmt.Sprintf("Last backup: %s, %s (%s kept beside the library).",
		last.Made.Format("2 January 2006 at 15:04"), last.Path, plural(len(list), "backup", "backups"))
}

// backUp writes a dated backup on a goroutine and prunes the old ones;
// manual says the person asked, so the result is told in a dialog rather
// than the status line.
func (b *backupFlow) backUp(manual bool) {
	s := b.store()
	if s == nil || b.running {
		if manual && b.running {
			b.u.showStatus("A backup is already running.")
		}
		return
	}
	b.running = true
	keep := b.keep()
	libPath := s.Path()
	path := storage.BackupPath(libPath, b.now())
	if manual {
		b.u.showStatus("Backing up the library…")
	}
	b.u.bg.run(func(ctx context.Context) func() {
		err := s.Backup(ctx, path)
		var (
			removed  []string
			pruneErr error
		)
		if err == nil {
			removed, pruneErr = storage.PruneBackups(libPath, keep)
		}
		return func() { b.finish(manual, path, removed, err, pruneErr) }
	})
}

func (b *backupFlow) finish(manual bool, path string, removed []string, err, pruneErr error) {
	b.running = false
	if b.u.bg.ctx.Err() != nil {
		return
	}
	switch {
	case errors.Is(err, storage.ErrDamaged):
		b.u.log.Error("backup", "path", path, "err", err)
		b.message = "The backup failed its check and was not kept. Run 'folio check' to see what is wrong with the library."
	case err != nil:
		b.u.log.Error("backup", "path", path, "err", err)
		b.message = "The library could not be backed up: " + explain(err)
	case pruneErr != nil:
		b.u.log.Error("prune backups", "err", pruneErr)
		b.message = "Backed up to " + path + ", but older backups could not be removed: " + explain(pruneErr)
	default:
		b.message = "Backed up and checked: " + path
		if len(removed) > 0 {
			b.message += fmt.Sprintf(" (%s older removed)", formatCount(len(removed)))
		}
	}
	if manual {
		dialog.ShowInformation("Back up library", b.message, b.u.win)
		return
	}
	b.u.showStatus(b.message)
}

// schedule makes the automatic backup: a minute after the window opens,
// then every hour, whenever it is switched on and the newest backup is a
// day old.
func (b *backupFlow) schedule() {
	var tick func()
	tick = func() {
		if b.u.bg.ctx.Err() != nil {
			return
		}
		b.maybeAuto()
		b.u.bg.after(backupCheck, tick)
	}
	b.u.bg.after(time.Minute, tick)
}

// maybeAuto starts the automatic backup when it is due: switched on, the
// library not empty, and no backup in the last day.
func (b *backupFlow) maybeAuto() {
	s := b.store()
	if s == nil || !b.auto() || b.running || b.u.total == 0 {
		return
	}
	now := b.now()
	b.u.bg.run(func(context.Context) func() {
		list, err := storage.Backups(s.Path())
		if err != nil || len(list) > 0 && now.Sub(list[len(list)-1].Made) < backupEvery {
			return nil
		}
		return func() { b.backUp(false) }
	})
}
