package replica

import (
	"path/filepath"
	"runtime"

	"github.com/adrg/xdg"
)

// CredentialsEnv names the variable that overrides where passwords are
// kept.
const CredentialsEnv = "FOLIO_SYNC_CREDENTIALS"

// DefaultCredentials is where the window and the command line keep hub
// passwords: $FOLIO_SYNC_CREDENTIALS, else sync-credentials.json in the
// user's configuration folder (~/.config/folio on Linux), readable only by
// the user. Never in the library file.
func DefaultCredentials(getenv func(string) string) FileCredentials {
	if p := getenv(CredentialsEnv); p != "" {
		return FileCredentials{Path: p}
	}
	dir := "folio"
	if runtime.GOOS != "linux" {
		dir = "Folio"
	}
	return FileCredentials{Path: filepath.Join(xdg.ConfigHome, dir, "sync-credentials.json")}
}
