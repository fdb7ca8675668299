// Package storage keeps Folio's library: articles, their images, original
// pages, tags and notes, in one SQLite file with a full-text index. The
// window and the folio command may hold the same file open at once; every
// write is one transaction.
package storage

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// sqliteHeader starts every SQLite 3 database file.
const sqliteHeader = "SQLite format 3\x00"

// Library is an open library file. It is safe for concurrent use.
type Library struct {
	db   *sql.DB
	path string
	// now is the clock; tests replace it.
	now func() time.Time
	// failAt, when set (by tests), is called at each step of a multi-step
	// write; an error it returns aborts the write, proving the transaction
	// leaves nothing behind.
	failAt func(step string) error
}

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded NNNN_name.sql files in version order.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the newest schema this Folio knows.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// dsn builds the connection string. The pragmas are in the DSN because
// database/sql opens connections as it pleases: a pragma run once on the
// pool would reach only one of them. temp_store(2) keeps statement
// journals in memory: once one outgrew 64 KiB SQLite moved it to a file for
// the rest of the transaction, and every later statement of a long batch
// (an import, a sync) wrote its pages there with a system call.
func dsn(path string) string {
	// SQLite decodes %XX in URI file names; escape what would end the path.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate" +
		"&_pragma=mmap_size(268435456)&_pragma=cache_size(-16000)&_pragma=temp_store(2)"
}

// Open opens the library file at path, creating it and its parent
// directories if needed, and brings its schema up to date. A file written by
// a newer Folio is refused with ErrNewerSchema and left untouched.
func Open(ctx context.Context, path string) (*Library, error) {
	ms, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	if err := checkFile(path, len(ms)); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open library %s: create folder: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open library %s: %w", path, err)
	}
	lib := &Library{db: db, path: path, now: time.Now}
	if err := lib.migrate(ctx, ms); err != nil {
		db.Close()
		return nil, fmt.Errorf("open library %s: %w", path, err)
	}
	return lib, nil
}

// checkFile looks at the header of an existing file before SQLite touches
// it: opening with journal_mode(WAL) would rewrite the header of a file we
// must leave alone (a newer schema) and give a vague error for a file that
// is not a database at all.
func checkFile(path string, known int) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open library %s: %w", path, err)
	}
	defer f.Close()
	hdr := make([]byte, 100)
	n, err := io.ReadFull(f, hdr)
	if n == 0 && (err == io.EOF) {
		return nil // an empty file is a new library
	}
	if err != nil || !bytes.Equal(hdr[:16], []byte(sqliteHeader)) {
		return fmt.Errorf("open library %s: %w: the file is not a Folio library (not an SQLite database)", path, ErrInvalid)
	}
	// The user_version pragma lives at offset 60 of the header.
	if v := int(binary.BigEndian.Uint32(hdr[60:64])); v > known {
		return newerSchema(path, v, known)
	}
	return nil
}

func newerSchema(path string, v, known int) error {
	return fmt.Errorf("open library %s: %w (schema %d, this Folio knows up to %d): update Folio", path, ErrNewerSchema, v, known)
}

// migrate applies the migrations the file lacks, each in its own
// transaction together with the version bump, so a failure leaves the file
// at the last complete version. Re-reading the version inside the
// (immediate) transaction lets two processes open a new file at once.
func (l *Library) migrate(ctx context.Context, ms []migration) error {
	var v int
	if err := l.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		if strings.Contains(err.Error(), "not a database") {
			return fmt.Errorf("%w: the file is not a Folio library (not an SQLite database)", ErrInvalid)
		}
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(ms) {
		return newerSchema(l.path, v, len(ms))
	}
	for _, m := range ms[v:] {
		if err := l.apply(ctx, m, len(ms)); err != nil {
			return err
		}
	}
	return nil
}

func (l *Library) apply(ctx context.Context, m migration, known int) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("migration %s: read version: %w", m.name, err)
	}
	if v > known {
		return newerSchema(l.path, v, known)
	}
	if v >= m.version {
		return nil // another process applied it meanwhile
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return fmt.Errorf("migration %s: set version: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return nil
}

// Close closes the library file.
func (l *Library) Close() error {
	if err := l.db.Close(); err != nil {
		return fmt.Errorf("close library %s: %w", l.path, err)
	}
	return nil
}

// Path returns the library file's path.
func (l *Library) Path() string { return l.path }

// fail runs the test failure hook for step, if any.
func (l *Library) fail(step string) error {
	if l.failAt == nil {
		return nil
	}
	return l.failAt(step)
}

// withTx runs fn in a write transaction and commits it if fn succeeds.
func (l *Library) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Time encoding: Unix nanoseconds. noDate marks an unknown published date.
const noDate = int64(-1 << 63)

func encTime(t time.Time) int64 {
	if t.IsZero() {
		return noDate
	}
	n := t.UnixNano()
	if n == noDate {
		n++
	}
	return n
}

func decTime(n int64) time.Time {
	if n == noDate {
		return time.Time{}
	}
	return time.Unix(0, n)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
