package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/folio-app/folio/storage"
)

// noteStore is what the notes panel reads and writes.
type noteStore interface {
	AddNote(ctx context.Context, articleID int64, text string) (storage.Note, error)
	Notes(ctx context.Context, articleID int64) ([]storage.Note, error)
	UpdateNote(ctx context.Context, noteID int64, text string) (storage.Note, error)
	DeleteNote(ctx context.Context, noteID int64) error
}

// noteSaveDelay is how long typing must pause before a note is saved.
const noteSaveDelay = 800 * time.Millisecond

// notesPanel lists the open article's notes, each editable in place and
// saved by itself (after a pause in typing, or when it loses focus): there
// is no Save button to forget.
type notesPanel struct {
	u       *UI
	article int64
	gen     int
	notes   []*noteEditor
	box     *fyne.Container
	scroll  *container.Scroll
	addBtn  *widget.Button
	fold    *widget.Button // shows or hides the notes under the header
	head    fyne.CanvasObject
	// changed is told when the pane should open or close: it has notes (or
	// not) or the person folded it.
	changed func()
}

func newNotesPanel(u *UI) *notesPanel {
	return &notesPanel{u: u}
}

// build makes the header (a fold button, "Notes", "Add note") and the
// scrolling list of notes; the reader places them (see open).
func (p *notesPanel) build() {
	p.fold = widget.NewButtonWithIcon("Notes", theme.MenuExpandIcon(), func() {
		p.u.app.Preferences().SetBool(prefNotesFolded, !p.folded())
		p.update()
	})
	p.fold.Importance = widget.LowImportance
	p.addBtn = widget.NewButtonWithIcon("Add note", theme.ContentAddIcon(), func() { p.addNote() })
	p.addBtn.Importance = widget.LowImportance
	p.box = container.NewVBox()
	p.scroll = container.NewVScroll(p.box)
	p.head = container.NewBorder(nil, nil, p.fold, p.addBtn)
}

// folded says whether the person folded the notes away.
func (p *notesPanel) folded() bool {
	return p.u.app.Preferences().BoolWithFallback(prefNotesFolded, false)
}

// open says whether the notes show under the header: there are some and
// the pane is not folded. With none the header alone takes the room.
func (p *notesPanel) open() bool {
	return len(p.notes) > 0 && !p.folded()
}

// load shows the notes of an article.
func (p *notesPanel) load(articleID int64) {
	p.flush()
	p.gen++
	gen := p.gen
	p.article = articleID
	p.u.bg.run(func(ctx context.Context) func() {
		notes, err := p.u.lib.Notes(ctx, articleID)
		return func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.u.fail("load notes", err)
				return
			}
			p.notes = nil
			for _, n := range notes {
				p.notes = append(p.notes, newNoteEditor(p, n))
			}
			p.relayout()
		}
	})
}

func (p *notesPanel) relayout() {
	objs := make([]fyne.CanvasObject, 0, len(p.notes)+1)
	for _, n := range p.notes {
		objs = append(objs, n.build())
	}
	if len(p.notes) == 0 {
		hint := widget.NewLabel("No notes yet. Add one to remember why you saved this.")
		hint.Importance = widget.LowImportance
		hint.Wrapping = fyne.TextWrapWord
		objs = append(objs, hint)
	}
	p.box.Objects = objs
	p.box.Refresh()
	p.update()
}

// update shows on the header whether the notes are open, and how many
// there are when they are not, and tells the reader to lay them out.
func (p *notesPanel) update() {
	label, icon := "Notes", theme.MenuExpandIcon()
	if p.open() {
		icon = theme.MenuDropDownIcon()
	} else if n := len(p.notes); n > 0 {
		label = fmt.Sprintf("Notes (%d)", n)
	}
	p.fold.SetText(label)
	p.fold.SetIcon(icon)
	if p.changed != nil {
		p.changed()
	}
}

// addNote adds an empty note; it is stored once it has text.
func (p *notesPanel) addNote() {
	if p.article == 0 {
		return
	}
	n := newNoteEditor(p, storage.Note{ArticleID: p.article})
	p.notes = append(p.notes, n)
	p.u.app.Preferences().SetBool(prefNotesFolded, false) // a new note is to be written, so seen
	p.relayout()
	p.scroll.ScrollToBottom()
	if c := p.u.win.Canvas(); c != nil {
		c.Focus(n.entry)
	}
}

// flush saves edits still waiting for their pause, before switching article.
func (p *notesPanel) flush() {
	for _, n := range p.notes {
		n.saveNow()
	}
}

func (p *notesPanel) drop(n *noteEditor) {
	for i, m := range p.notes {
		if m == n {
			p.notes = append(p.notes[:i], p.notes[i+1:]...)
			break
		}
	}
	p.relayout()
}

// noteEditor is one note: a multi-line entry, when it was saved, and a
// delete button.
type noteEditor struct {
	p      *notesPanel
	note   storage.Note
	saved  string // text as last stored
	timer  *time.Timer
	saving bool
	again  bool // edited while a save was running

	entry  *noteEntry
	status *widget.Label
	card   fyne.CanvasObject
}

func newNoteEditor(p *notesPanel, n storage.Note) *noteEditor {
	e := &noteEditor{p: p, note: n, saved: n.Text}
	e.entry = newNoteEntry(e)
	e.entry.SetText(n.Text)
	e.entry.OnChanged = func(string) { e.changed() }
	e.status = widget.NewLabel(e.savedText())
	e.status.SizeName = theme.SizeNameCaptionText
	return e
}

func (e *noteEditor) build() fyne.CanvasObject {
	if e.card == nil {
		del := widget.NewButtonWithIcon("", theme.DeleteIcon(), e.delete)
		del.Importance = widget.LowImportance
		e.card = container.NewBorder(nil, container.NewBorder(nil, nil, nil, del, e.status), nil, nil, e.entry)
	}
	return e.card
}

func (e *noteEditor) savedText() string {
	if e.note.ID == 0 {
		return "New note"
	}
	return "Saved " + e.note.Updated.Local().Format("2 Jan 2006 15:04")
}

func (e *noteEditor) changed() {
	if e.timer != nil {
		e.timer.Stop()
	}
	if e.entry.Text == e.saved {
		return
	}
	e.status.SetText("Editing…")
	e.timer = e.p.u.bg.after(noteSaveDelay, e.saveNow)
}

// saveNow stores the note if it changed. An emptied note is kept as it was:
// deleting is the bin button's job, not an accident of select-all.
func (e *noteEditor) saveNow() {
	if e.timer != nil {
		e.timer.Stop()
	}
	text := e.entry.Text
	if text == e.saved {
		return
	}
	if strings.TrimSpace(text) == "" {
		e.status.SetText("Empty notes aren't saved")
		return
	}
	if e.saving {
		e.again = true
		return
	}
	e.saving = true
	e.status.SetText("Saving…")
	note, lib, articleID := e.note, e.p.u.lib, e.p.article
	if note.ArticleID != 0 {
		articleID = note.ArticleID
	}
	e.p.u.bg.run(func(ctx context.Context) func() {
		// A note flushed as the window closes must still be written: the
		// window's cancel stops fetching, not a short write a person made.
		ctx = context.WithoutCancel(ctx)
		var n storage.Note
		var err error
		if note.ID == 0 {
			n, err = lib.AddNote(ctx, articleID, text)
		} else {
			n, err = lib.UpdateNote(ctx, note.ID, text)
		}
		return func() {
			e.saving = false
			if err != nil {
				e.p.u.log.Error("save note", "article", articleID, "err", err)
				e.status.SetText("Not saved: " + explain(err))
				return
			}
			e.note, e.saved = n, text
			e.status.SetText(e.savedText())
			if e.again {
				e.again = false
				e.saveNow()
			}
		}
	})
}

func (e *noteEditor) delete() {
	if e.timer != nil {
		e.timer.Stop()
	}
	id := e.note.ID
	e.p.drop(e)
	if id == 0 {
		return
	}
	e.p.u.bg.run(func(ctx context.Context) func() {
		err := e.p.u.lib.DeleteNote(ctx, id)
		return func() {
			if err != nil {
				e.p.u.fail("delete note", err)
			}
		}
	})
}

// noteEntry is a multi-line entry that saves its note when it loses focus.
type noteEntry struct {
	widget.Entry
	editor *noteEditor
}

func newNoteEntry(e *noteEditor) *noteEntry {
	n := &noteEntry{editor: e}
	n.MultiLine = true
	n.Wrapping = fyne.TextWrapWord
	n.ExtendBaseWidget(n)
	n.SetMinRowsVisible(2)
	n.SetPlaceHolder("Write a note…")
	return n
}

func (n *noteEntry) FocusLost() {
	n.Entry.FocusLost()
	n.editor.saveNow()
}
