package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ErrDamaged is returned when a library file (or a backup of one) fails
// SQLite's integrity or foreign-key checks.
var ErrDamaged = errors.New("library file is damaged")

// backupLayout is the time stamp in a dated backup's file name. It sorts as
// text in time order and holds no character Windows refuses in names.
const backupLayout = "2006-01-02-150405"

// backupInfix sits between the library's name and the time stamp:
// library.db has its backups in library-backup-2026-05-06-093000.db.
const backupInfix = "-backup-"

// DefaultKeepBackups is how many dated backups Folio keeps unless told.
const DefaultKeepBackups = 10

// Backup writes a consistent copy of the library to path with VACUUM INTO:
// it reads one snapshot, so the window and other commands go on reading and
// writing meanwhile (WAL mode lets a writer and a reader run at once), and
// the copy is compact. The copy is written under a temporary name, opened
// and checked (PRAGMA integrity_check and foreign_key_check), synced, and
// only then put in place; a path already taken is refused, never
// overwritten. A copy that fails its check is removed and ErrDamaged
// returned.
func (l *Library) Backup(ctx context.Context, path string) error {
	if exists := fileExists(path); exists {
		return fmt.Errorf("back up library to %s: %w", path, fs.ErrExist)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("back up library to %s: create folder: %w", path, err)
	}
	tmp, err := tempName(dir, "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return fmt.Errorf("back up library to %s: %w", path, err)
	}
	defer os.Remove(tmp) // gone after a successful link, too
	if _, err := l.db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("back up library to %s: %w", path, err)
	}
	if err := VerifyFile(ctx, tmp); err != nil {
		return fmt.Errorf("back up library to %s: %w", path, err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("back up library to %s: %w", path, err)
	}
	if err := linkNoClobber(tmp, path); err != nil {
		return fmt.Errorf("back up library to %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// BackupPath is where a dated backup of the library at libPath made at t
// goes: beside it, named after it.
func BackupPath(libPath string, t time.Time) string {
	ext := filepath.Ext(libPath)
	stem := strings.TrimSuffix(filepath.Base(libPath), ext)
	if ext == "" {
		ext = ".db"
	}
	return filepath.Join(filepath.Dir(libPath), stem+backupInfix+t.Format(backupLayout)+ext)
}

// BackupFile is one dated backup found beside a library.
type BackupFile struct {
	Path string
	// Made is the time in the file's name (local time, to the second).
	Made time.Time
	Size int64
}

// Backups lists the dated backups of the library at libPath, oldest first.
// Only files named exactly as BackupPath names them count.
func Backups(libPath string) ([]BackupFile, error) {
	dir := filepath.Dir(libPath)
	ext := filepath.Ext(libPath)
	stem := strings.TrimSuffix(filepath.Base(libPath), ext)
	if ext == "" {
		ext = ".db"
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups in %s: %w", dir, err)
	}
	prefix := stem + backupInfix
	var out []BackupFile
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ext) {
			continue
		}
		stamp := strings.TrimSuffix(strings.TrimPrefix(name, prefix), ext)
		made, err := time.ParseInLocation(backupLayout, stamp, time.Local)
		if err != nil {
			continue // someone else's file that happens to look alike
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, BackupFile{Path: filepath.Join(dir, name), Made: made, Size: fi.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Made.Before(out[j].Made) })
	return out, nil
}

// PruneBackups removes the dated backups of the library at libPath beyond
// the newest keep, and returns the paths removed. keep below 1 counts as 1:
// pruning never removes the last backup.
func PruneBackups(libPath string, keep int) ([]string, error) {
	keep = max(keep, 1)
	all, err := Backups(libPath)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, b := range all[:max(len(all)-keep, 0)] {
		if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("remove old backup: %w", err)
		}
		removed = append(removed, b.Path)
	}
	return removed, nil
}

// BackupDated backs the library up to BackupPath(l.Path(), now), then
// prunes the dated backups to the newest keep. It returns the new file.
func (l *Library) BackupDated(ctx context.Context, keep int) (string, []string, error) {
	path := BackupPath(l.path, l.now())
	if err := l.Backup(ctx, path); err != nil {
		return "", nil, err
	}
	removed, err := PruneBackups(l.path, keep)
	return path, removed, err
}

// VerifyFile opens the SQLite file at path read-only and runs SQLite's
// integrity and foreign-key checks on it. It returns an error wrapping
// ErrDamaged that names the first problems when either finds any.
func VerifyFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+escapePath(path)+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	r, err := integrity(ctx, db)
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if !r.OK() {
		return fmt.Errorf("check %s: %w: %s", path, ErrDamaged, r.summary())
	}
	return nil
}

// RestoreBackup checks the backup at from and copies it to to, which must
// not exist yet: a restore never overwrites a library. Open the copy (or
// move it in place of the old library while no Folio has that open).
func RestoreBackup(ctx context.Context, from, to string) error {
	if err := VerifyFile(ctx, from); err != nil {
		return fmt.Errorf("restore %s: %w", from, err)
	}
	if fileExists(to) {
		return fmt.Errorf("restore %s to %s: %w", from, to, fs.ErrExist)
	}
	dir := filepath.Dir(to)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("restore %s to %s: create folder: %w", from, to, err)
	}
	src, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("restore %s: %w", from, err)
	}
	defer src.Close()
	f, err := os.CreateTemp(dir, "."+filepath.Base(to)+".*.partial")
	if err != nil {
		return fmt.Errorf("restore %s to %s: %w", from, to, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = io.Copy(f, src)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = linkNoClobber(tmp, to)
	}
	if err != nil {
		return fmt.Errorf("restore %s to %s: %w", from, to, err)
	}
	syncDir(dir)
	return nil
}

// escapePath escapes what SQLite would read as the end of a URI file name.
func escapePath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// tempName returns a free name in dir matching pattern, with no file there:
// VACUUM INTO refuses to write over an existing file, even an empty one.
func tempName(dir, pattern string) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return "", err
	}
	return name, nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// linkNoClobber puts tmp at path unless something is already there: a hard
// link fails rather than replace it. File systems without hard links fall
// back to a checked rename.
func linkNoClobber(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrExist) || fileExists(path) {
		return fmt.Errorf("%s: %w", path, fs.ErrExist)
	}
	return os.Rename(tmp, path)
}

// syncDir makes a new name durable; some systems cannot sync a folder, and
// the data is already safe in the file itself.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
