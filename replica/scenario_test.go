package replica

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/folio-app/folio/storage"
)

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

// permutations returns every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// scenario: three libraries share a starting point (before, synced
// everywhere), then each changes things offline (offline), then they
// reconnect one by one in every order; after one more round all three must
// dump alike, and check looks at the result.
type scenario struct {
	name    string
	before  func(t *testing.T, libs []*storage.Library)
	offline func(t *testing.T, libs []*storage.Library)
	check   func(t *testing.T, d string)
}

const link = "https://example.com/story"

func runScenario(t *testing.T, sc scenario) {
	for _, order := range permutations(3) {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			_, libs := connected(t, 3)
			if sc.before != nil {
				sc.before(t, libs)
				for _, l := range libs { // the first holds what before made
					mustSync(t, l)
				}
			}
			sc.offline(t, libs)
			for _, i := range order {
				mustSync(t, libs[i])
			}
			// Everything is on the hub now: one more round brings it to all.
			for _, l := range libs {
				mustSync(t, l)
			}
			sc.check(t, sameDumps(t, libs...))
		})
	}
}

func wants(t *testing.T, d string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(d, w) {
			t.Errorf("dump lacks %s:\n%s", w, d)
		}
	}
}

func lacks(t *testing.T, d string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(d, w) {
			t.Errorf("dump has %s:\n%s", w, d)
		}
	}
}

// tick waits for the wall clock to move on, so that changes made one after
// the other carry clocks in that order on every library.
func tick() { time.Sleep(3 * time.Millisecond) }

func TestScenarioTags(t *testing.T) {
	runScenario(t, scenario{
		before: func(t *testing.T, libs []*storage.Library) {
			mustAdd(t, libs[0], article(link, "Story"), storage.AddOptions{Tags: []string{"old", "keep", "x"}})
		},
		offline: func(t *testing.T, libs []*storage.Library) {
			a, b := libs[0], libs[1]
			ida, idb := idOf(t, a, link), idOf(t, b, link)
			must(t, a.AddTags(bg, []int64{ida}, "from-a", "both"))
			must(t, a.RemoveTags(bg, []int64{ida}, "old"))
			must(t, b.AddTags(bg, []int64{idb}, "from-b", "Both"))
			must(t, b.RemoveTags(bg, []int64{idb}, "old", "x"))
			// a removes x and adds it again: an add b's remove never saw.
			must(t, a.RemoveTags(bg, []int64{ida}, "x"))
			tick()
			must(t, a.AddTags(bg, []int64{ida}, "x"))
		},
		check: func(t *testing.T, d string) {
			// b spelled "both" last.
			wants(t, d, `tags ["Both" "from-a" "from-b" "keep" "x"]`)
			lacks(t, d, `"old"`)
		},
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func noteScenario(t *testing.T, editA, editB string, want ...string) {
	const text = "first line\nsecond line\nthird line"
	runScenario(t, scenario{
		before: func(t *testing.T, libs []*storage.Library) {
			id := mustAdd(t, libs[0], article(link, "Story"), storage.AddOptions{})
			_, err := libs[0].AddNote(bg, id, text)
			must(t, err)
		},
		offline: func(t *testing.T, libs []*storage.Library) {
			for i, edit := range []string{editA, editB} {
				ns, err := libs[i].Notes(bg, idOf(t, libs[i], link))
				must(t, err)
				if len(ns) != 1 || ns[0].Text != text {
					t.Fatalf("library %d: notes %+v before the edit", i, ns)
				}
				_, err = libs[i].UpdateNote(bg, ns[0].ID, edit)
				must(t, err)
				tick()
			}
		},
		check: func(t *testing.T, d string) {
			if strings.Count(d, " note ") != 1 {
				t.Errorf("want one note:\n%s", d)
			}
			wants(t, d, want...)
		},
	})
}

func TestScenarioNoteMerges(t *testing.T) {
	noteScenario(t, "FIRST line\nsecond line\nthird line", "first line\nsecond line\nthird line, longer",
		`"FIRST line\nsecond line\nthird line, longer"`)
}

func TestScenarioNoteConflictKeepsBoth(t *testing.T) {
	noteScenario(t, "first line\nsecond line by a\nthird line", "first line\nsecond line by b\nthird line",
		fmt.Sprintf("%q", "first line\nsecond line by a\n"+ConflictMark+"\nsecond line by b\nthird line"))
}

func TestScenarioReadToggled(t *testing.T) {
	runScenario(t, scenario{
		before: func(t *testing.T, libs []*storage.Library) {
			mustAdd(t, libs[0], article(link, "Story"), storage.AddOptions{})
		},
		offline: func(t *testing.T, libs []*storage.Library) {
			a, b := libs[0], libs[1]
			must(t, a.Mark(bg, []int64{idOf(t, a, link)}, storage.MarkRead))
			must(t, b.Mark(bg, []int64{idOf(t, b, link)}, storage.MarkFavorite))
			tick()
			must(t, b.Mark(bg, []int64{idOf(t, b, link)}, storage.MarkRead))
			tick()
			must(t, b.Mark(bg, []int64{idOf(t, b, link)}, storage.MarkUnread)) // the last word
			// The reading position: where it was read last.
			must(t, b.SetPosition(bg, idOf(t, b, link), 10, 0.25))
			tick()
			must(t, a.SetPosition(bg, idOf(t, a, link), 40, 0.75))
		},
		check: func(t *testing.T, d string) { wants(t, d, "read false favorite true", "position 40 0.750") },
	})
}

func TestScenarioEditAfterDeleteBringsBack(t *testing.T) {
	runScenario(t, scenario{
		before: func(t *testing.T, libs []*storage.Library) {
			mustAdd(t, libs[0], article(link, "Story"), storage.AddOptions{Tags: []string{"t"}})
		},
		offline: func(t *testing.T, libs []*storage.Library) {
			must(t, libs[0].Delete(bg, idOf(t, libs[0], link)))
			tick()
			must(t, libs[1].AddTags(bg, []int64{idOf(t, libs[1], link)}, "kept"))
		},
		check: func(t *testing.T, d string) {
			wants(t, d, "article "+link, `tags ["kept" "t"]`, "image "+link+"/a.png image/png")
		},
	})
}

func TestScenarioDeleteAfterEditRemoves(t *testing.T) {
	runScenario(t, scenario{
		before: func(t *testing.T, libs []*storage.Library) {
			mustAdd(t, libs[0], article(link, "Story"), storage.AddOptions{})
			mustAdd(t, libs[0], article(link+"-other", "Other"), storage.AddOptions{})
		},
		offline: func(t *testing.T, libs []*storage.Library) {
			must(t, libs[1].AddTags(bg, []int64{idOf(t, libs[1], link)}, "edited"))
			must(t, libs[2].Mark(bg, []int64{idOf(t, libs[2], link)}, storage.MarkArchive))
			tick()
			must(t, libs[0].Delete(bg, idOf(t, libs[0], link)))
		},
		check: func(t *testing.T, d string) {
			lacks(t, d, "article "+link+"\n", "edited")
			wants(t, d, "article "+link+"-other")
		},
	})
}

func TestScenarioSameLinkSavedTwice(t *testing.T) {
	runScenario(t, scenario{
		offline: func(t *testing.T, libs []*storage.Library) {
			ida := mustAdd(t, libs[0], article(link, "Story"), storage.AddOptions{Tags: []string{"from-a"}})
			_, err := libs[0].AddNote(bg, ida, "note from a")
			must(t, err)
			tick()
			// The second computer saved it with its tracking parameters.
			idb := mustAdd(t, libs[1], article(link+"?utm_source=feed", "Story"), storage.AddOptions{Tags: []string{"from-b"}, Read: true})
			_, err = libs[1].AddNote(bg, idb, "note from b")
			must(t, err)
		},
		check: func(t *testing.T, d string) {
			if n := strings.Count(d, "article "); n != 1 {
				t.Errorf("%d articles, want the two saves as one:\n%s", n, d)
			}
			wants(t, d, `tags ["from-a" "from-b"]`, `"note from a"`, `"note from b"`)
		},
	})
}
