package save

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/folio-app/folio/storage"
)

// Jobs is what re-extracting the whole library needs beyond Library: the
// articles with a stored original, and a place to note how far it got.
// *storage.Library is one.
type Jobs interface {
	OriginalIDs(ctx context.Context, after int64, limit int) ([]int64, error)
	CountOriginals(ctx context.Context, after int64) (int, error)
	SetJob(ctx context.Context, name string, state []byte) error
	Job(ctx context.Context, name string) ([]byte, error)
	EndJob(ctx context.Context, name string) error
}

// reextractJob names the re-extraction's state in the library.
const reextractJob = "reextract-all"

// ReextractOptions tunes ReextractAll.
type ReextractOptions struct {
	// AcceptShorter stores new texts that lost more than MaxLoss of their
	// words; without it those articles keep their text and are listed.
	AcceptShorter bool
	// Restart begins with the first article even when an earlier run was
	// interrupted; otherwise that run is resumed.
	Restart bool
	// Progress, when set, is called after each article, on the
	// re-extracting goroutine; it must return quickly.
	Progress func(ReextractReport)
}

// Shrunk is an article whose new text lost more than MaxLoss of its words.
type Shrunk struct {
	ID                 int64
	Title              string
	OldWords, NewWords int
	// Stored: the new text was stored all the same (AcceptShorter).
	Stored bool
}

// Failure is an article that could not be re-extracted; it is as it was.
type Failure struct {
	ID    int64
	Title string
	Err   string
}

// ReextractReport is how far a re-extraction of the library has come, and,
// at the end, what it did. The counts cover an interrupted run resumed.
type ReextractReport struct {
	Total     int // articles with a stored original
	Done      int // handled so far, whatever the outcome
	Changed   int // stored with a new extraction
	Unchanged int // the current extractor gives what is stored
	Shorter   []Shrunk
	Failed    []Failure
	// Resumed: this run continued one that was interrupted.
	Resumed bool

	// After is the last article id handled: the run resumes after it.
	After int64
	// Accept records the run's AcceptShorter, kept when it resumes.
	Accept bool
}

// checkpointEvery is how often a run notes how far it got, in articles
// and in time: a crash or a power cut costs at most this much work again.
const (
	checkpointEvery = 100
	checkpointAfter = 2 * time.Second
)

// ReextractAll extracts every article with a stored original again, with
// the current extractor, keeping tags, notes and state (see Refetch with
// Offline). Articles whose new text lost more than MaxLoss of the words
// keep their old text unless AcceptShorter, and are listed. Cancelled (ctx)
// or interrupted, it notes how far it got in the library; the next call
// resumes there unless Restart. One article failing does not stop the
// others.
func (s *Saver) ReextractAll(ctx context.Context, jobs Jobs, opts ReextractOptions) (ReextractReport, error) {
	var rep ReextractReport
	if !opts.Restart {
		if state, err := jobs.Job(ctx, reextractJob); err == nil {
			if json.Unmarshal(state, &rep) == nil {
				rep.Resumed = true
				opts.AcceptShorter = rep.Accept
			} else {
				rep = ReextractReport{}
			}
		} else if !errors.Is(err, storage.ErrNotFound) {
			return rep, err
		}
	}
	rep.Accept = opts.AcceptShorter
	left, err := jobs.CountOriginals(ctx, rep.After)
	if err != nil {
		return rep, err
	}
	rep.Total = rep.Done + left
	checkpoint := func() error {
		state, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		// Noted even when ctx is cancelled: that is when it matters most.
		return jobs.SetJob(context.WithoutCancel(ctx), reextractJob, state)
	}
	if err := checkpoint(); err != nil {
		return rep, err
	}
	last := time.Now()
	sinceCheck := 0
	for {
		ids, err := jobs.OriginalIDs(ctx, rep.After, 200)
		if err != nil {
			return rep, s.stopped(rep, checkpoint, err)
		}
		if len(ids) == 0 {
			break
		}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				return rep, s.stopped(rep, checkpoint, err)
			}
			r, err := s.Refetch(ctx, id, RefetchOptions{Offline: true, Force: true, AcceptShorter: opts.AcceptShorter})
			if err != nil && ctx.Err() != nil {
				return rep, s.stopped(rep, checkpoint, ctx.Err())
			}
			rep.record(r, err)
			rep.After = id
			sinceCheck++
			if opts.Progress != nil {
				opts.Progress(rep)
			}
			if sinceCheck >= checkpointEvery || time.Since(last) >= checkpointAfter {
				if err := checkpoint(); err != nil {
					return rep, err
				}
				sinceCheck, last = 0, time.Now()
			}
		}
	}
	if err := jobs.EndJob(context.WithoutCancel(ctx), reextractJob); err != nil {
		return rep, err
	}
	return rep, nil
}

// stopped notes how far an interrupted run got and returns why it stopped.
func (s *Saver) stopped(rep ReextractReport, checkpoint func() error, why error) error {
	if err := checkpoint(); err != nil {
		return fmt.Errorf("re-extract: %w (and noting how far it got: %v)", why, err)
	}
	return fmt.Errorf("re-extract: %w (%d of %d articles left)", why, rep.Total-rep.Done, rep.Total)
}

func (rep *ReextractReport) record(r Refetched, err error) {
	rep.Done++
	switch {
	case err != nil:
		rep.Failed = append(rep.Failed, Failure{ID: r.ID, Title: r.Title, Err: err.Error()})
		return
	case r.Shorter:
		rep.Shorter = append(rep.Shorter, Shrunk{ID: r.ID, Title: r.Title, OldWords: r.OldWords, NewWords: r.NewWords, Stored: r.Stored})
	}
	if r.Stored {
		rep.Changed++
	} else if !r.Shorter {
		rep.Unchanged++
	}
}
