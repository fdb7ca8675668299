package ui

// Preference keys, in one place so that a rename is one edit and no two
// panels fight over a name.
const (
	prefWindowWidth  = "window.width"
	prefWindowHeight = "window.height"
	prefSplitSidebar = "split.sidebar" // sidebar | rest
	prefSplitList    = "split.list"    // list | reader
	prefSplitNotes   = "split.notes"   // article / notes
	prefNotesFolded  = "notes.folded"  // the notes pane shows only its header
	prefTextScale    = "reader.textScale"
	prefReaderFont   = "reader.font" // fontSerif or fontSans
	prefFilterState  = "filter.state"
	prefFilterTag    = "filter.tag"
	prefSort         = "filter.sort"
	prefExportFolder = "export.folder"
	prefExportFormat = "export.format"        // the Export dialog's label: Markdown or PDF
	prefExportPage   = "export.page"          // A4 or Letter
	prefImportFolder = "import.folder"        // where the last import was chosen
	prefBackupAuto   = "backup.auto"          // the daily automatic backup is on (default)
	prefBackupKeep   = "backup.keep"          // how many dated backups to keep
	prefFetchTimeout = "fetch.timeoutSeconds" // how long a page or image may take; 0: the reader's 30 s
)

// Values of prefReaderFont.
const (
	fontSerif = "serif"
	fontSans  = "sans"
)

// Defaults for the preferences above.
const (
	defaultWidth        = 1280
	defaultHeight       = 800
	defaultSplitSidebar = 0.18
	defaultSplitList    = 0.36
	defaultSplitNotes   = 0.78
	minTextScale        = 0.7
	maxTextScale        = 2.0
	textScaleStep       = 0.1
)
