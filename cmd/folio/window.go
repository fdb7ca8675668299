package main

import (
	"context"

	"github.com/folio-app/folio/ui"
)

// openWindow runs the desktop window on the library until it is closed.
func (e *env) openWindow(ctx context.Context) error {
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	return ui.Run(lib, e.reader())
}
