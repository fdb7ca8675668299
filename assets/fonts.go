// Package assets holds the files Folio embeds in its binary: the fonts the
// PDF export and the reader draw with. See fonts/README.md for where each file comes from
// and fonts/OFL.txt for their licence.
package assets

import _ "embed"

// TrueType fonts covering Latin (Vietnamese included), Greek and Cyrillic.
// They are exported as byte slices because fpdf and Fyne both load fonts from
// bytes; callers must not modify them.
var (
	//go:embed fonts/NotoSans-Regular.ttf
	NotoSansRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	NotoSansBold []byte
	//go:embed fonts/NotoSans-Italic.ttf
	NotoSansItalic []byte
	//go:embed fonts/NotoSans-BoldItalic.ttf
	NotoSansBoldItalic []byte
	// Mono and MonoBold are Noto Sans Mono, for code.
	//go:embed fonts/NotoSansMono-Regular.ttf
	Mono []byte
	//go:embed fonts/NotoSansMono-Bold.ttf
	MonoBold []byte
	// Noto Serif, the reader's serif choice.
	//go:embed fonts/NotoSerif-Regular.ttf
	NotoSerifRegular []byte
	//go:embed fonts/NotoSerif-Bold.ttf
	NotoSerifBold []byte
	//go:embed fonts/NotoSerif-Italic.ttf
	NotoSerifItalic []byte
	//go:embed fonts/NotoSerif-BoldItalic.ttf
	NotoSerifBoldItalic []byte
)
