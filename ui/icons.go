package ui

import (
	_ "embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Icons Fyne's theme lacks, drawn for Folio on Fyne's 24-unit grid as one
// filled path each: Fyne recolours an icon by replacing fills (and drops
// fill-rule), so holes are drawn as contours wound the other way.
var (
	//go:embed icons/star.svg
	starSVG []byte
	//go:embed icons/star-outline.svg
	starOutlineSVG []byte
	//go:embed icons/tag.svg
	tagSVG []byte
)

// starIcon is a filled star: a favourite, or "Unfavourite" on a favourite.
func starIcon() fyne.Resource {
	return theme.NewThemedResource(fyne.NewStaticResource("folio-star.svg", starSVG))
}

// starOutlineIcon is an empty star: "Favourite" on an article that is not.
func starOutlineIcon() fyne.Resource {
	return theme.NewThemedResource(fyne.NewStaticResource("folio-star-outline.svg", starOutlineSVG))
}

// tagIcon is a price-tag glyph for tags in the sidebar.
func tagIcon() fyne.Resource {
	return theme.NewThemedResource(fyne.NewStaticResource("folio-tag.svg", tagSVG))
}
