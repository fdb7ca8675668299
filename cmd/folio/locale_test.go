package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoLocaleNoiseUnderCUTF8 runs this test binary again, as a fresh
// process, under LANG=C.UTF-8: package initialization (Fyne's included)
// must not log anything about the locale, and main's environment must see
// the original value again.
func TestNoLocaleNoiseUnderCUTF8(t *testing.T) {
	if os.Getenv("FOLIO_LOCALE_CHILD") == "1" {
		return // the child: initialization has run; nothing else to do
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoLocaleNoiseUnderCUTF8$", "-test.v")
	cmd.Env = append(withoutLocale(os.Environ()), "FOLIO_LOCALE_CHILD=1", "LANG=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "locale") {
		t.Errorf("starting under LANG=C.UTF-8 logged:\n%s", out)
	}
}

func withoutLocale(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "LANG") {
			out = append(out, kv)
		}
	}
	return out
}
