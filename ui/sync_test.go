package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/replica"
)

func TestSyncStateText(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	offline := fmt.Errorf("pull: %w: dial tcp: connection refused", replica.ErrUnreachable)
	tests := []struct {
		name string
		st   replica.Status
		err  error
		want string
	}{
		{"not set up", replica.Status{}, nil, "Not set up yet."},
		{"never", replica.Status{Hub: "http://h:5984/folio"}, nil, "Never synced."},
		{"synced", replica.Status{Hub: "http://h:5984/folio", Last: now.Add(-5 * time.Minute), Pending: 2, Waiting: 7}, nil,
			"Last synced 5 minutes ago. 2 changes wait to go up. Content of 7 articles is still to come."},
		{"offline", replica.Status{Hub: "http://h:5984/folio", Last: now.Add(-3 * time.Hour)}, offline,
			"Last synced 3 hours ago.\nThe hub http://h:5984/folio cannot be reached. Folio keeps working; your changes go up at the next sync."},
		{"refused", replica.Status{Hub: "http://h:5984/folio", Last: now.Add(-30 * time.Second)}, fmt.Errorf("x: %w", replica.ErrDenied),
			"Last synced just now.\nThe hub refused the user name or password. Check them and press Save."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stateText(tt.st, tt.err, now); got != tt.want {
				t.Errorf("stateText = %q, want %q", got, tt.want)
			}
		})
	}
	if got := syncMessage(errors.New("boom"), ""); !strings.HasPrefix(got, "Sync failed: ") {
		t.Errorf("an unexpected failure reads %q", got)
	}
}
