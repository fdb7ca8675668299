package ui

import (
	"io"
	"log"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
)

// appID is Folio's application ID, as in FyneApp.toml.
const appID = "app.folio.Folio"

func newApp() fyne.App {
	a := app.NewWithID(appID)
	a.SetIcon(iconResource())
	return a
}

// quietFileDialogs keeps Fyne's file dialog from writing "this computer does
// not define a VIDEOS folder" (and its like) to standard error each time it
// opens: a missing XDG folder is normal, not an error worth a line.
func quietFileDialogs() {
	log.SetOutput(&dropFavorites{w: log.Writer()})
}

// dropFavorites passes log lines through, except Fyne's report that it
// could not find a favourite folder with the lines that explain it.
type dropFavorites struct {
	w        io.Writer
	dropping bool
}

func (d *dropFavorites) Write(p []byte) (int, error) {
	s := string(p)
	switch {
	case strings.Contains(s, "Fyne error:  Getting favorite locations"):
		d.dropping = true
		return len(p), nil
	case d.dropping && (strings.Contains(s, "  Cause:") || strings.Contains(s, "  At:")):
		return len(p), nil
	}
	d.dropping = false
	return d.w.Write(p)
}
