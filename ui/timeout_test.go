package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/folio-app/folio/reader"
)

// The fetch timeout setting reaches the reader the window saves with.
func TestFetchTimeoutPreference(t *testing.T) {
	a := test.NewTempApp(t)
	rdr := reader.New(nil)
	applyFetchTimeout(a.Preferences(), rdr)
	if rdr.Timeout != reader.DefaultTimeout {
		t.Errorf("without the setting: %v", rdr.Timeout)
	}
	a.Preferences().SetInt(prefFetchTimeout, 90)
	applyFetchTimeout(a.Preferences(), rdr)
	if rdr.Timeout != 90*time.Second {
		t.Errorf("with 90: %v", rdr.Timeout)
	}
}
