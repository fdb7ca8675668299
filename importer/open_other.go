//go:build !unix

package importer

import "os"

func openNoBlock(path string) (*os.File, error) { return os.Open(path) }
