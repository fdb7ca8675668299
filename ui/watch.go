package ui

import (
	"context"
	"errors"
	"time"

	"github.com/folio-app/folio/storage"
)

// watchStore is how the window notices what others change in the library.
type watchStore interface {
	Watch(ctx context.Context) (*storage.Watch, error)
	Updated(ctx context.Context, id int64) (time.Time, error)
}

// watchEvery is how often the window looks for changes made by the folio
// command (or another window) to its library.
const watchEvery = time.Second

// watch looks for changes to the library every d until the window closes,
// and shows them. It is not bridge work: it runs as long as the window.
func (u *UI) watch(d time.Duration) {
	ctx := u.bg.ctx
	go func() {
		w, err := u.lib.Watch(ctx)
		if err != nil {
			u.log.Warn("watch the library", "err", err)
			return
		}
		defer w.Close()
		tick := time.NewTicker(d)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			changed, err := w.Changed(ctx)
			if err != nil {
				if ctx.Err() == nil {
					u.log.Warn("watch the library", "err", err)
				}
				continue
			}
			if changed {
				u.bg.ui(u.libraryChanged)
			}
		}
	}()
}

// libraryChanged shows what changed in the library behind the window's
// back: counts and tags, the rows of the list (keeping the selection and
// where the list is scrolled to) and the open article if it was fetched
// again or deleted.
func (u *UI) libraryChanged() {
	u.sidebar.reload()
	u.list.refreshRows()
	v := u.view
	if v.art == nil {
		return
	}
	id, seen, gen := v.art.ID, v.art.Updated, v.gen
	u.bg.run(func(ctx context.Context) func() {
		updated, err := u.lib.Updated(ctx, id)
		return func() {
			if gen != v.gen || v.art == nil || v.art.ID != id {
				return
			}
			switch {
			case errors.Is(err, storage.ErrNotFound):
				v.art = nil // nothing to save a position for
				v.clear()
				u.list.remove([]int64{id})
			case err != nil:
				u.log.Warn("check the open article", "err", err)
			case !updated.Equal(seen):
				v.reopen()
			}
		}
	})
}
