package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// TestTableWraps lays out the docs page's table at several widths: cells
// wrap inside their columns instead of being cut, and the table is as tall
// as its wrapped rows.
func TestTableWraps(t *testing.T) {
	test.NewTempApp(t)
	rows := [][]string{
		{"Setting", "Default", "Meaning"},
		{"max_size", "512 MiB", "Largest total size before old entries are evicted"},
		{"ttl", "24h", "How long an entry stays fresh"},
		{"path", "$XDG_CACHE_HOME/kestrel", "Directory holding the cache files"},
	}
	tv := newTableView(rows, true)
	w := test.NewTempWindow(t, tv)
	w.SetPadded(false)
	pad := 2 * theme.Size(theme.SizeNameInnerPadding)
	longest := func(c int) float32 {
		m := float32(0)
		for _, row := range rows {
			for _, word := range strings.Fields(row[c]) {
				m = max(m, fyne.MeasureText(word, theme.TextSize(), fyne.TextStyle{Bold: row[0] == "Setting"}).Width+pad)
			}
		}
		return m
	}
	oneLine := fyne.MeasureText("M", theme.TextSize(), fyne.TextStyle{}).Height + pad
	tests := []struct {
		name    string
		width   float32
		wrapped bool // some row needs more than one line
		words   bool // every column holds its longest word
	}{
		{name: "wide: one line each", width: 1400, words: true},
		{name: "reader column", width: 560, wrapped: true, words: true},
		{name: "narrow", width: 360, wrapped: true, words: true},
		{name: "narrower than the longest words", width: 240, wrapped: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.Resize(fyne.NewSize(tt.width, 600))
			tv.Resize(fyne.NewSize(tt.width, tv.MinSize().Height))
			widths := tv.columns(tt.width)
			sum := float32(0)
			for c, cw := range widths {
				sum += cw
				if tt.words && cw+0.5 < longest(c) {
					t.Errorf("column %d is %v wide, narrower than its longest word (%v)", c, cw, longest(c))
				}
			}
			if sum < tt.width-1 || sum > tt.width+1 {
				t.Errorf("columns add up to %v, want the table's %v", sum, tt.width)
			}
			total, taller := float32(0), false
			for ri, row := range tv.cells {
				h := tv.rowHeights[ri]
				total += h
				taller = taller || h > oneLine+0.5
				for _, l := range row {
					if l.MinSize().Height > h+0.5 {
						t.Errorf("%q needs %v but its row is %v tall", l.Text, l.MinSize().Height, h)
					}
					if l.Truncation != fyne.TextTruncateOff {
						t.Errorf("%q is cut", l.Text)
					}
				}
			}
			if taller != tt.wrapped {
				t.Errorf("rows wrapped = %v, want %v (heights %v)", taller, tt.wrapped, tv.rowHeights)
			}
			if got := tv.MinSize().Height; got != total {
				t.Errorf("table MinSize height = %v, want its rows' %v", got, total)
			}
		})
	}
}
