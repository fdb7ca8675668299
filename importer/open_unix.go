//go:build unix

package importer

import (
	"os"
	"syscall"
)

// openNoBlock opens path without blocking, should it have become a FIFO
// since it was checked.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
