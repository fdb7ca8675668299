//go:build unix

package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportNotAFile: a FIFO blocks whoever opens it until something writes
// to it, and a device never ends: both are refused at once, and a FIFO in
// an export's folder is passed over.
func TestImportNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "export.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	lib := openLib(t)
	for _, path := range []string{fifo, "/dev/zero"} {
		done := make(chan error, 1)
		go func() {
			_, err := Import(context.Background(), lib, nil, path, Options{})
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotFile) || !strings.Contains(err.Error(), path) {
				t.Errorf("%s: %v, want ErrNotFile naming it", path, err)
			}
		case <-time.After(10 * time.Second):
			// Not a timed assertion of speed: an open FIFO never returns.
			os.WriteFile(fifo, nil, 0o644) // unblock the reader before failing
			t.Fatalf("%s: import blocked", path)
		}
	}
	folder := filepath.Join(dir, "folder")
	os.Mkdir(folder, 0o755)
	syscall.Mkfifo(filepath.Join(folder, "part_000000.csv"), 0o644)
	os.WriteFile(filepath.Join(folder, "part_000001.csv"), []byte("title,url,time_added\nT,https://x.test/1,1700000000\n"), 0o644)
	e, err := Read(context.Background(), folder, ParseOptions{})
	if err != nil || len(e.Items) != 1 {
		t.Errorf("folder with a FIFO: %v, %+v", err, e)
	}
}

// TestParseOmnivoreSymlinks: an Omnivore folder whose content or
// highlights link to files outside it does not read them; a link inside
// the folder is followed.
func TestParseOmnivoreSymlinks(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.html")
	os.WriteFile(outside, []byte("<p>private text outside the export</p>"), 0o644)
	dir := materialize(t, "http://news.test", "omnivore")
	content := filepath.Join(dir, "content", "omnivore-bai-viet.html")
	os.Rename(content, filepath.Join(dir, "content", "real.html"))
	if err := os.Symlink(outside, content); err != nil {
		t.Fatal(err)
	}
	os.Symlink("real.html", filepath.Join(dir, "content", "yukkuri-yomu.html"))
	os.Remove(filepath.Join(dir, "highlights", "omnivore-bai-viet.md"))
	os.Symlink(outside, filepath.Join(dir, "highlights", "omnivore-bai-viet.md"))
	e, err := Read(context.Background(), dir, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range e.Items {
		if strings.Contains(it.HTML, "private text") || len(it.Notes) > 0 {
			t.Errorf("%s: read a file outside the folder through a link", it.URL)
		}
	}
	if len(e.Items) != 2 || e.Items[0].HTML != "" || !strings.Contains(e.Items[1].HTML, "Omnivore") {
		t.Errorf("items %d; first has content %v, want none; second %q, want real.html's", len(e.Items), e.Items[0].HTML != "", e.Items[1].HTML)
	}
}
