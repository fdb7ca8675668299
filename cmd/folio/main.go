// Command folio is Folio, a desktop archive of web articles. With no
// arguments it opens the window; subcommands give headless access to the
// same library for scripts (see "folio help").
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/folio-app/folio/cmd/folio/internal/cleanlocale"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	cleanlocale.Restore()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// run is main without the process: it runs one command line in env and
// returns the exit code. Tests call it directly.
func run(ctx context.Context, args []string, env *env) int {
	// Whatever a page put in its title or text reaches the terminal without
	// its control characters.
	env.stdout, env.stderr = newSafeWriter(env.stdout), newSafeWriter(env.stderr)
	stderr := env.stderr
	err := env.dispatch(ctx, args)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "folio: %v\n", err)
		fmt.Fprintln(stderr, "Run 'folio help' for usage.")
		return exitUsage
	case errors.Is(err, errHelpShown):
		return exitOK
	case errors.Is(err, errSilentFailure):
		return exitFailure
	default:
		fmt.Fprintf(stderr, "folio: %v\n", err)
		return exitFailure
	}
}
