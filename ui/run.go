package ui

import (
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
