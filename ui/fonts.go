package ui

import (
	"sync"

	"fyne.io/fyne/v2"

	"github.com/folio-app/folio/assets"
)

// serifFaces are the bundled Noto Serif faces (Vietnamese included), made
// into resources once.
var serifFaces = sync.OnceValue(func() [4]fyne.Resource {
	return [4]fyne.Resource{
		fyne.NewStaticResource("NotoSerif-Regular.ttf", assets.NotoSerifRegular),
		fyne.NewStaticResource("NotoSerif-Bold.ttf", assets.NotoSerifBold),
		fyne.NewStaticResource("NotoSerif-Italic.ttf", assets.NotoSerifItalic),
		fyne.NewStaticResource("NotoSerif-BoldItalic.ttf", assets.NotoSerifBoldItalic),
	}
})

// serifFont is the serif face for a text style.
func serifFont(s fyne.TextStyle) fyne.Resource {
	f := serifFaces()
	switch {
	case s.Bold && s.Italic:
		return f[3]
	case s.Bold:
		return f[1]
	case s.Italic:
		return f[2]
	}
	return f[0]
}
