package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/folio-app/folio/storage"
)

// TestScreens compares the main screens with reviewed markup in testdata/.
// To accept a reviewed change, copy testdata/failed/NAME over testdata/NAME.
func TestScreens(t *testing.T) {
	threeArticles := func(lib *storage.Library) {
		for i, title := range []string{"Công tác dân vận năm 2021", "Đổi mới phương thức", "Tầm nhìn chiến lược"} {
			a, opts := fixedArticle(i, title)
			opts.Tags = [][]string{{"việt nam"}, {"việt nam", "đọc sau"}, nil}[i]
			opts.Read = i == 0
			opts.Favorite = i == 1
			if _, err := lib.Add(context.Background(), a, opts); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		seed   func(*storage.Library)
		action func(h *harness)
	}{
		{name: "first_run.xml"},
		{name: "main.xml", seed: threeArticles, action: func(h *harness) {
			h.u.list.click(1, 0)
		}},
		{name: "search.xml", seed: threeArticles, action: func(h *harness) {
			h.u.search.SetText("dân vận")
			h.u.search.OnSubmitted("dân vận")
		}},
		{name: "selection.xml", seed: threeArticles, action: func(h *harness) {
			h.u.list.click(0, 0)
			h.u.list.click(2, fyne.KeyModifierShift)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.seed)
			h.u.markReadAfter = time.Hour // keep the rows as they were seeded
			h.w.Resize(fyne.NewSize(1100, 700))
			if tt.action != nil {
				tt.action(h)
			}
			h.settle()
			test.AssertRendersToMarkup(t, tt.name, h.w.Canvas())
		})
	}
}
