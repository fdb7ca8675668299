// Package cleanlocale keeps Fyne from logging "Error parsing user locale C"
// on every run under LANG=C.UTF-8 (the default of most containers and CI
// machines): Fyne's lang package reads the locale while it is initialized,
// before main runs, and cannot parse "C" once ".UTF-8" is stripped from it.
//
// Importing this package from main is enough. Go initializes packages in
// import-path order among those whose imports are ready (Go 1.21 and later),
// and this one needs only os and strings, as does the locale library Fyne
// reads the variable through, whose path sorts after ours: so this init runs
// first and rewrites "C.UTF-8" to the plain "C", which means the same for
// messages and which that library understands. Restore puts the original
// value back for the programs Folio starts, such as the web browser.
package cleanlocale

import (
	"os"
	"strings"
)

// changed records the variable rewritten at init and its original value.
var changed struct{ name, value string }

func init() {
	// The first of these that is set decides the messages' language.
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if base, _, ok := strings.Cut(v, "."); ok && (base == "C" || base == "POSIX") {
			changed.name, changed.value = name, v
			os.Setenv(name, base)
		}
		return
	}
}

// Restore undoes the rewrite, once Fyne has read the locale.
func Restore() {
	if changed.name != "" {
		os.Setenv(changed.name, changed.value)
	}
}
