package main

import (
	"path/filepath"
	"runtime"

	"github.com/adrg/xdg"
)

// libraryEnv names the environment variable that selects the library file.
const libraryEnv = "FOLIO_LIBRARY"

// defaultLibraryPath is where the window and the command line keep the
// library when neither --library nor FOLIO_LIBRARY says otherwise: the
// user's data directory ($XDG_DATA_HOME/folio on Linux, Application Support
// on macOS, %LOCALAPPDATA% on Windows).
func defaultLibraryPath() string {
	dir := "folio"
	if runtime.GOOS != "linux" {
		dir = "Folio"
	}
	return filepath.Join(xdg.DataHome, dir, "library.db")
}

// libraryPath resolves the library file: the flag, then the environment,
// then the default.
func libraryPath(flagValue string, getenv func(string) string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := getenv(libraryEnv); v != "" {
		return v
	}
	return defaultLibraryPath()
}
