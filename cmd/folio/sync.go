package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/folio-app/folio/replica"
)

// cmdSync is 'folio sync' (push and pull), 'folio sync setup URL' and
// 'folio sync status'.
func (e *env) cmdSync(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "setup":
			return e.syncSetup(ctx, args[1:])
		case "status":
			return e.syncStatus(ctx, args[1:])
		}
	}
	flags := e.commonFlags("sync", "sync [--metadata-only] | sync setup URL [--user U] [--password-file F] | sync status")
	metaOnly := flags.Bool("metadata-only", false, "bring every article's metadata now and leave the content to the next sync")
	rest, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("sync: unknown argument %q (sync, sync setup URL or sync status)", rest[0])
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	hub, _ := lib.SyncMeta(ctx, "hub")
	last := time.Now()
	res, err := replica.Sync(ctx, lib, replica.Options{
		Credentials: replica.DefaultCredentials(e.getenv),
		SkipContent: *metaOnly,
		Progress: func(p replica.Progress) {
			if time.Since(last) < time.Second {
				return
			}
			last = time.Now()
			switch p.Phase {
			case replica.PhasePull:
				fmt.Fprintf(e.stderr, "pulled %d…\n", p.Done)
			case replica.PhasePush:
				fmt.Fprintf(e.stderr, "pushed %d of %d…\n", p.Done, p.Total)
			case replica.PhaseContent:
				fmt.Fprintf(e.stderr, "content %d of %d…\n", p.Done, p.Total)
			}
		},
	})
	if err != nil {
		return syncError(err, hub, "")
	}
	fmt.Fprintf(e.stdout, "synced with %s: %d pulled, %d pushed, content of %d articles fetched", hub, res.Pulled, res.Pushed, res.Fetched)
	if res.Waiting > 0 {
		fmt.Fprintf(e.stdout, " (%d still to come: run 'folio sync' again)", res.Waiting)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// syncError words a sync failure for a person.
func syncError(err error, hub, user string) error {
	switch {
	case errors.Is(err, replica.ErrNotSetUp):
		return errors.New("sync is not set up: run 'folio sync setup http://HOST:5984/folio' (see the README's Sync section)")
	case errors.Is(err, replica.ErrDenied):
		who := "the user name or password"
		if user != "" {
			who = "user " + user
		}
		return fmt.Errorf("the hub %s refused %s: check them and run 'folio sync setup %s --user U --password-file F'", hub, who, hub)
	case errors.Is(err, replica.ErrUnreachable):
		return fmt.Errorf("the hub %s cannot be reached (%v); check the address and that the hub is running. Nothing is lost: your changes go up at the next sync", hub, rootCause(err))
	case errors.Is(err, replica.ErrBadHub):
		return fmt.Errorf("%v", err)
	}
	return err
}

// rootCause is the innermost error, without the chain of what was being
// done.
func rootCause(err error) error {
	for {
		if multi, ok := err.(interface{ Unwrap() []error }); ok {
			if es := multi.Unwrap(); len(es) > 0 {
				err = es[len(es)-1]
				continue
			}
		}
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

func (e *env) syncSetup(ctx context.Context, args []string) error {
	flags := e.commonFlags("sync setup", "sync setup URL [--user U] [--password-file F]")
	user := flags.String("user", "", "CouchDB user name")
	pwFile := flags.String("password-file", "", "read the password from this file's first line ('-': standard input); kept apart from the library, readable only by you")
	rest, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("sync setup takes one hub address, such as http://127.0.0.1:5984/folio")
	}
	h := replica.Hub{URL: rest[0], User: *user}
	if *pwFile != "" {
		if *user == "" {
			return usageError("sync setup: --password-file needs --user")
		}
		if h.Password, err = readPassword(*pwFile, e.stdin); err != nil {
			return err
		}
	}
	_, _, parsed, err := replica.ParseHub(h.URL)
	if err != nil {
		return err
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	creds := replica.DefaultCredentials(e.getenv)
	if err := replica.Setup(ctx, lib, h, creds, nil); err != nil {
		return syncError(err, parsed.URL, h.User)
	}
	fmt.Fprintf(e.stdout, "this library syncs with %s", parsed.URL)
	if h.User != "" || parsed.User != "" {
		fmt.Fprintf(e.stdout, " (password kept in %s)", creds.Path)
	}
	fmt.Fprintln(e.stdout, "; run 'folio sync' to push and pull")
	return nil
}

func readPassword(path string, stdin io.Reader) (string, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password: %w", err)
	}
	if line = strings.TrimRight(line, "\r\n"); line == "" {
		return "", fmt.Errorf("the password file %s is empty", path)
	}
	return line, nil
}

func (e *env) syncStatus(ctx context.Context, args []string) error {
	flags := e.commonFlags("sync status", "sync status")
	if _, err := parseFlags(flags, args); err != nil {
		return err
	}
	lib, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	st, err := replica.ReadStatus(ctx, lib)
	if err != nil {
		return err
	}
	if st.Hub == "" {
		fmt.Fprintln(e.stdout, "sync is not set up ('folio sync setup URL')")
		return nil
	}
	last := "never"
	if !st.Last.IsZero() {
		last = st.Last.Local().Format("2006-01-02 15:04:05")
	}
	fmt.Fprintf(e.stdout, "hub: %s\nuser: %s\nlast sync: %s\nchanges waiting to go up: %d\narticles whose content has not arrived: %d\n",
		st.Hub, orNone(st.User), last, st.Pending, st.Waiting)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
