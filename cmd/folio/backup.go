package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/folio-app/folio/storage"
)

func (e *env) cmdBackup(ctx context.Context, args []string) error {
	flags := e.commonFlags("backup", "backup [--to FILE|FOLDER] [--keep N] | backup --list")
	to := flags.String("to", "", "write the copy here (a new file, or a folder to put a dated file in); default: a dated file beside the library")
	keep := flags.Int("keep", storage.DefaultKeepBackups, "dated backups to keep beside the library; older ones are removed")
	list := flags.Bool("list", false, "list the dated backups beside the library")
	rest, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("backup takes no arguments (--to FILE says where)")
	}
	if *keep < 1 {
		return usageError("backup: --keep must be at least 1")
	}
	path := libraryPath(e.library, e.getenv)
	if *list {
		return e.listBackups(path)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no library at %s to back up", path)
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()

	var (
		dest     string
		removed  []string
		pruneErr error
	)
	if *to == "" {
		dest = storage.BackupPath(path, time.Now())
	} else {
		dest = *to
		if st, serr := os.Stat(dest); serr == nil && st.IsDir() {
			dest = filepath.Join(dest, filepath.Base(storage.BackupPath(path, time.Now())))
		}
	}
	err = lib.Backup(ctx, dest)
	switch {
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s already exists: Folio never overwrites a file; choose another name", dest)
	case errors.Is(err, storage.ErrDamaged):
		return fmt.Errorf("the copy failed its check, so it was not kept (%v); run 'folio check' on the library", err)
	case err != nil:
		return err
	}
	if *to == "" {
		removed, pruneErr = storage.PruneBackups(path, *keep)
	}
	size := ""
	if st, serr := os.Stat(dest); serr == nil {
		size = " (" + humanBytes(st.Size()) + ")"
	}
	fmt.Fprintf(e.stdout, "done: %s%s, checked: it opens and its integrity check passed\n", dest, size)
	for _, r := range removed {
		fmt.Fprintf(e.stdout, "removed older backup %s (keeping the newest %d)\n", r, *keep)
	}
	return pruneErr
}

func (e *env) listBackups(libPath string) error {
	list, err := storage.Backups(libPath)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "no backups beside %s yet ('folio backup' makes one)\n", libPath)
		return nil
	}
	for _, b := range list {
		fmt.Fprintf(e.stdout, "%s  %8s  %s\n", b.Made.Format("2006-01-02 15:04"), humanBytes(b.Size), b.Path)
	}
	return nil
}

func (e *env) cmdCheck(ctx context.Context, args []string) error {
	flags := e.commonFlags("check", "check [--repair]")
	repair := flags.Bool("repair", false, "rebuild the search index and tag counts (changes nothing you saved)")
	rest, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("check takes no arguments")
	}
	path := libraryPath(e.library, e.getenv)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no library at %s to check", path)
	}
	lib, err := e.open(ctx)
	if err != nil {
		if errors.Is(err, storage.ErrInvalid) || strings.Contains(err.Error(), "malformed") {
			e.damaged(path, []string{err.Error()})
			return errSilentFailure
		}
		return err
	}
	defer lib.Close()
	r, err := lib.Check(ctx)
	if err != nil {
		return err
	}
	if *repair && r.Repairable() {
		if err := lib.Repair(ctx); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "rebuilt the search index and the tag counts")
		if r, err = lib.Check(ctx); err != nil {
			return err
		}
	}
	if r.OK() {
		n, err := lib.Count(ctx, storage.Filter{})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is sound: %d articles; the file's integrity, its references and the search index check out\n", path, n)
		return nil
	}
	w := e.stdout
	if len(r.Integrity) > 0 {
		e.damaged(path, r.Integrity)
		return errSilentFailure
	}
	if len(r.Dangling) > 0 {
		fmt.Fprintf(w, "%d rows point at something no longer in the library, for example:\n", len(r.Dangling))
		for i, d := range r.Dangling {
			if i == 5 {
				break
			}
			fmt.Fprintf(w, "  %s row %d names a missing row of %s\n", d.Table, d.RowID, d.Parent)
		}
		fmt.Fprintln(w, "Folio never writes such rows, so something else changed the file. Everything else reads normally;"+
			" Folio leaves these rows alone. To be safe, make a backup now ('folio backup') and compare with an older one.")
	}
	if r.SearchIndex != "" || r.Unindexed > 0 {
		if r.SearchIndex != "" {
			fmt.Fprintf(w, "The search index is damaged (%s): your articles are intact but search may miss or mix them up.\n", r.SearchIndex)
		}
		if r.Unindexed > 0 {
			fmt.Fprintf(w, "%d articles are missing from the search index: search cannot find them.\n", r.Unindexed)
		}
	}
	if len(r.TagCounts) > 0 {
		fmt.Fprintf(w, "The article counts of %d tags are wrong (%s): the sidebar shows wrong numbers.\n",
			len(r.TagCounts), strings.Join(r.TagCounts[:min(len(r.TagCounts), 5)], ", "))
	}
	if r.Repairable() {
		fmt.Fprintln(w, "Run 'folio check --repair' to rebuild them from your articles; it changes nothing you saved.")
	}
	return errSilentFailure
}

// damaged explains a library file SQLite cannot read soundly, and what to
// do about it.
func (e *env) damaged(path string, problems []string) {
	w := e.stdout
	fmt.Fprintf(w, "%s is damaged: SQLite found %d problems, for example:\n", path, len(problems))
	for i, p := range problems {
		if i == 3 {
			break
		}
		fmt.Fprintf(w, "  %s\n", p)
	}
	fmt.Fprintln(w, "What to do: close Folio and leave this file as it is (copy it somewhere first if you can).")
	if list, err := storage.Backups(path); err == nil && len(list) > 0 {
		b := list[len(list)-1]
		fmt.Fprintf(w, "Your newest backup is %s, made %s. Open it with 'folio --library %s',\n"+
			"or put a copy of it in place of %s while Folio is closed.\n", b.Path, b.Made.Format("2 January 2006 15:04"), b.Path, path)
		fmt.Fprintln(w, "If it is too old, SQLite can often save what is still readable in the damaged file:")
	} else {
		fmt.Fprintln(w, "There is no backup beside it. SQLite can often save what is still readable:")
	}
	fmt.Fprintf(w, "  sqlite3 %q .recover | sqlite3 recovered.db\nthen 'folio --library recovered.db check'.\n", path)
}

// humanBytes writes a size as people read it: 812 KB, 3.4 MB.
func humanBytes(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.0f KB", float64(n)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	default:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	}
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
