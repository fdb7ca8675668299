package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestActionBarOverflow(t *testing.T) {
	test.NewTempApp(t)
	tapped := ""
	labels := []string{"Mark read", "Favourite", "Archive", "Re-fetch", "Export…", "Delete"}
	var buttons []*widget.Button
	for _, l := range labels {
		buttons = append(buttons, widget.NewButton(l, func() { tapped = l }))
	}
	bar := newActionBar(buttons, []int{3, 4, 5, 2, 1})
	w := test.NewTempWindow(t, bar)
	w.SetPadded(false)
	width := func(idx ...int) float32 {
		s := float32(0)
		for _, i := range idx {
			s += buttons[i].MinSize().Width
		}
		return s
	}
	more := bar.more.MinSize().Width
	tests := []struct {
		name  string
		width float32
		row   []string // buttons left on the row
		menu  []string // buttons in the "More" menu
	}{
		{name: "all fit", width: width(0, 1, 2, 3, 4, 5), row: labels},
		{name: "one short moves Re-fetch", width: width(0, 1, 2, 3, 4, 5) - 1,
			row: []string{"Mark read", "Favourite", "Archive", "Export…", "Delete"}, menu: []string{"Re-fetch"}},
		{name: "room for three", width: width(0, 1, 2) + more,
			row: []string{"Mark read", "Favourite", "Archive"}, menu: []string{"Re-fetch", "Export…", "Delete"}},
		{name: "narrowest keeps Mark read", width: bar.MinSize().Width,
			row: []string{"Mark read"}, menu: []string{"Favourite", "Archive", "Re-fetch", "Export…", "Delete"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.Resize(fyne.NewSize(tt.width, bar.MinSize().Height))
			var row []string
			for _, b := range buttons {
				if b.Visible() {
					row = append(row, b.Text)
				}
			}
			if !equal(row, tt.row) {
				t.Errorf("row = %q, want %q", row, tt.row)
			}
			var menu []string
			for _, it := range bar.menu().Items {
				menu = append(menu, it.Label)
			}
			if !equal(menu, tt.menu) {
				t.Errorf("menu = %q, want %q", menu, tt.menu)
			}
			if got := bar.more.Visible(); got != (len(tt.menu) > 0) {
				t.Errorf("More button visible = %v with menu %q", got, tt.menu)
			}
			// every button in the row lies inside the bar
			for _, b := range buttons {
				if b.Visible() && b.Position().X+b.Size().Width > tt.width+0.5 {
					t.Errorf("%q ends at %v, past the bar's %v", b.Text, b.Position().X+b.Size().Width, tt.width)
				}
			}
		})
	}

	t.Run("More menu runs the action", func(t *testing.T) {
		w.Resize(bar.MinSize())
		test.Tap(bar.more)
		menus := find[*widget.PopUpMenu](w.Canvas().Overlays().Top())
		if len(menus) != 1 {
			t.Fatalf("More showed %d menus, want 1", len(menus))
		}
		pop := menus[0]
		defer pop.Hide()
		// the menu lists the moved buttons in row order: Delete is last
		if n := len(pop.Items); n != 5 {
			t.Fatalf("menu has %d items, want 5", n)
		}
		test.Tap(pop.Items[4].(fyne.Tappable))
		if tapped != "Delete" {
			t.Errorf("tapped %q, want Delete", tapped)
		}
	})

	t.Run("disabled actions are disabled in the menu", func(t *testing.T) {
		bar.setEnabled(false)
		for _, it := range bar.menu().Items {
			if !it.Disabled {
				t.Errorf("%q enabled in the menu of a disabled bar", it.Label)
			}
		}
		if !bar.more.Disabled() {
			t.Error("More stays enabled")
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
