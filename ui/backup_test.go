package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/storage"
)

func TestBackUpFromTheWindow(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một", "Hai"}, nil))
	h.u.backups.now = func() time.Time { return time.Date(2026, 5, 6, 9, 30, 0, 0, time.Local) }
	h.u.backups.show()
	h.eventually("the dialog to say there is no backup", func() bool { return h.u.backups.info.Text == "No backup yet." })
	buttons := topButtons(h.w)
	if buttons["Back up now"] == nil {
		t.Fatalf("the dialog has no Back up now button (has %v)", buttons)
	}
	checks := find[*widget.Check](h.w.Canvas().Overlays().Top())
	if len(checks) != 1 || !checks[0].Checked {
		t.Fatalf("the dialog does not offer the daily backup, switched on: %v", checks)
	}
	test.Tap(buttons["Back up now"])
	h.eventually("the backup to finish", func() bool { return !h.u.backups.running && h.u.backups.message != "" })
	list, err := storage.Backups(h.lib.Path())
	if err != nil || len(list) != 1 || !strings.HasSuffix(list[0].Path, "-backup-2026-05-06-093000.db") {
		t.Fatalf("backups after Back up now: %+v, %v", list, err)
	}
	if want := "Backed up and checked: " + list[0].Path; h.u.backups.message != want {
		t.Errorf("the window said %q, want %q", h.u.backups.message, want)
	}
	copyLib, err := storage.Open(context.Background(), list[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	defer copyLib.Close()
	if n, _ := copyLib.Count(context.Background(), storage.Filter{}); n != 2 {
		t.Errorf("the backup holds %d articles, want 2", n)
	}

	// Asked again, the dialog says when the last one was made; switching
	// the daily backup off is remembered.
	h.u.backups.show()
	h.eventually("the dialog to name the last backup", func() bool {
		return strings.HasPrefix(h.u.backups.info.Text, "Last backup: 6 May 2026 at 09:30, "+list[0].Path+" (1 backup kept")
	})
	checks = find[*widget.Check](h.w.Canvas().Overlays().Top())
	test.Tap(checks[0])
	if h.u.backups.auto() {
		t.Error("switching the daily backup off was not kept")
	}
}

func TestAutomaticBackup(t *testing.T) {
	h := newHarness(t, seedArticles(t, []string{"Một"}, nil))
	day := time.Date(2026, 5, 6, 9, 0, 0, 0, time.Local)
	h.u.backups.now = func() time.Time { return day }
	count := func() int {
		list, err := storage.Backups(h.lib.Path())
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	run := func() {
		h.u.backups.message = ""
		h.u.backups.maybeAuto()
		h.settle()
		h.eventually("the backup check", func() bool { return !h.u.backups.running })
	}

	run() // none yet: one is made
	if count() != 1 || !strings.HasPrefix(h.u.backups.message, "Backed up and checked") {
		t.Fatalf("first automatic backup: %d backups, said %q", count(), h.u.backups.message)
	}
	day = day.Add(5 * time.Hour)
	run() // the newest is five hours old: not yet
	if count() != 1 {
		t.Errorf("a backup five hours after the last: %d backups", count())
	}
	day = day.Add(20 * time.Hour)
	run() // a day has passed
	if count() != 2 {
		t.Errorf("a day later: %d backups, want 2", count())
	}
	day = day.Add(48 * time.Hour)
	h.u.app.Preferences().SetBool(prefBackupAuto, false)
	run() // switched off
	if count() != 2 {
		t.Errorf("switched off: %d backups, want 2", count())
	}
	h.u.app.Preferences().SetBool(prefBackupAuto, true)
	h.u.app.Preferences().SetInt(prefBackupKeep, 2)
	run()
	if count() != 2 || !strings.Contains(h.u.backups.message, "1 older removed") {
		t.Errorf("keeping 2: %d backups, said %q", count(), h.u.backups.message)
	}
}
