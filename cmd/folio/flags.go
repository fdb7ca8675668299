package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

var (
	// errUsage marks a command line that cannot be run as written (exit 2).
	errUsage = errors.New("usage")
	// errHelpShown ends a run that printed help on request (exit 0).
	errHelpShown = errors.New("help shown")
	// errSilentFailure is a failure whose details were already printed (exit 1).
	errSilentFailure = errors.New("failed")
)

// usageError formats a command-line mistake; it wraps errUsage.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// stringsFlag collects a repeated string flag (--tag a --tag b).
type stringsFlag []string

func (s *stringsFlag) String() string { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// newFlagSet returns a flag set that reports errors through parse instead
// of exiting, and prints its help to w.
func newFlagSet(name, usage string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: folio %s\n", usage)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses flags that may stand before, between or after the
// positional arguments ("folio add LINK --tag x"), and returns the
// positional ones. "--" ends the flags.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelpShown // the flag set has printed its usage
			}
			return nil, usageError("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
