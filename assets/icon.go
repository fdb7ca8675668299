package assets

import _ "embed"

// Icon is Folio's application icon, a 512×512 PNG: a folded page with a
// bookmark ribbon on an ink-blue tile. It is drawn from icon.svg (edit the
// SVG and re-render it, never the PNG by hand). Exported as bytes so that
// this package stays free of Fyne; the window wraps it in a resource.
//
//go:embed icon.png
var Icon []byte
