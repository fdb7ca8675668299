package replica

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Credentials keeps hub passwords out of the library file (and so out of
// its backups and copies).
type Credentials interface {
	// Password returns the password of user on hub; "" if none is kept.
	Password(hub, user string) (string, error)
	// SetPassword keeps it; an empty password forgets it.
	SetPassword(hub, user, password string) error
}

// FileCredentials keeps passwords in a JSON file that only its owner can
// read (mode 0600, in a 0700 folder), such as
// ~/.config/folio/sync-credentials.json.
type FileCredentials struct {
	Path string
}

func (f FileCredentials) read() (map[string]string, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read sync credentials: %w", err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read sync credentials %s: %w", f.Path, err)
	}
	return m, nil
}

func credKey(hub, user string) string { return user + " " + hub }

// Password implements Credentials.
func (f FileCredentials) Password(hub, user string) (string, error) {
	m, err := f.read()
	if err != nil {
		return "", err
	}
	return m[credKey(hub, user)], nil
}

// SetPassword implements Credentials. The file is written whole to a
// temporary file, then renamed over the old one.
func (f FileCredentials) SetPassword(hub, user, password string) error {
	m, err := f.read()
	if err != nil {
		return err
	}
	if password == "" {
		delete(m, credKey(hub, user))
	} else {
		m[credKey(hub, user)] = password
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return fmt.Errorf("store sync credentials: %w", err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".sync-credentials-*")
	if err != nil {
		return fmt.Errorf("store sync credentials: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("store sync credentials: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("store sync credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store sync credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("store sync credentials: %w", err)
	}
	return nil
}
