package replica

import (
	"strings"
	"testing"

	"github.com/folio-app/folio/storage"
)

const childEnv = "FOLIO_REPLICA_CHILD"

func childMain() int { return 0 }

func TestSyncCarriesEverything(t *testing.T) {
	_, libs := connected(t, 2)
	a, b := libs[0], libs[1]
	id := mustAdd(t, a, article("https://example.com/one", "One"), storage.AddOptions{Tags: []string{"Go", "news"}, Favorite: true})
	if _, err := a.AddNote(bg, id, "first note\nsecond line"); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, a, article("https://example.com/two", "Two"), storage.AddOptions{Read: true})
	res := mustSync(t, a)
	if res.Pushed < 2 {
		t.Fatalf("pushed %d documents, want at least 2", res.Pushed)
	}
	res = mustSync(t, b)
	if res.Pulled < 2 || res.Fetched != 2 || res.Waiting != 0 {
		t.Fatalf("second library: %+v, want 2 pulled and fetched", res)
	}
	d := sameDumps(t, a, b)
	for _, want := range []string{`tags ["Go" "news"]`, "favorite true", `"first note\nsecond line"`, "image https://example.com/one/a.png image/png"} {
		if !strings.Contains(d, want) {
			t.Errorf("dump lacks %s:\n%s", want, d)
		}
	}
	// Nothing more to do: a second round pushes nothing.
	if res := mustSync(t, a); res.Pushed != 0 {
		t.Errorf("idle sync pushed %d documents", res.Pushed)
	}
}
