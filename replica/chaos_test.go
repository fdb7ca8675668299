package replica

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/folio-app/folio/reader"
	"github.com/folio-app/folio/storage"
)

// faultProxy stands in front of the hub and, while faulty, breaks requests
// the ways a network does: dropped before or after the hub saw them,
// delayed, answered 500, or cut off half-way through the answer.
type faultProxy struct {
	target string
	mu     sync.Mutex
	rng    *rand.Rand
	rate   float64 // share of requests broken
	counts map[string]int
}

func (p *faultProxy) setRate(r float64) {
	p.mu.Lock()
	p.rate = r
	p.mu.Unlock()
}

func (p *faultProxy) pick() (fault string, delay time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fault = "pass"
	if p.rng.Float64() < p.rate {
		fault = []string{"drop-before", "drop-after", "500", "cut", "delay"}[p.rng.IntN(5)]
		delay = time.Duration(p.rng.IntN(40)) * time.Millisecond
	}
	p.counts[fault]++
	return fault, delay
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault, delay := p.pick()
	switch fault {
	case "drop-before":
		panic(http.ErrAbortHandler) // the connection closes, no answer
	case "500":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":"chaos","reason":"injected"}`)
		return
	case "delay":
		time.Sleep(delay)
	}
	body, _ := io.ReadAll(r.Body)
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if fault == "drop-after" {
		panic(http.ErrAbortHandler) // the hub did it; the answer is lost
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(resp.StatusCode)
	if fault == "cut" && len(out) > 1 {
		w.Write(out[:len(out)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	w.Write(out)
}

// chaosLog remembers, per link, when it was last changed and last deleted
// anywhere: the article must end up alive exactly when a change came after
// the last deletion.
type chaosLog struct {
	changed, deleted map[string]time.Time
	history          map[string][]string // what happened to each link, for a failure's report
	step, lib        int
	op               string
}

func (c *chaosLog) note(link, what string) {
	c.history[link] = append(c.history[link], fmt.Sprintf("%s step %d library %d: %s %s",
		time.Now().Format("15:04:05.000"), c.step, c.lib, what, c.op))
}
func (c *chaosLog) change(link string) { c.changed[link] = time.Now(); c.note(link, "change"); tick() }
func (c *chaosLog) del(link string)    { c.deleted[link] = time.Now(); c.note(link, "delete"); tick() }

// childMain is a syncing process for the kill -9 part: it syncs the
// library named in the environment in a loop until it is killed (or after
// 20 s, so it never outlives a test that lost it).
func childMain() int {
	path := os.Getenv(childEnv)
	lib, err := storage.Open(bg, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer lib.Close()
	fmt.Println("syncing")
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); {
		Sync(bg, lib, Options{Credentials: testCreds, Batch: 7})
	}
	return 0
}

// killDuringSync runs a process syncing lib's file and kills it with
// SIGKILL after d.
func killDuringSync(t *testing.T, lib *storage.Library, d time.Duration) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+lib.Path())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	io.ReadAtLeast(stdout, buf, 1) // it has opened the library
	time.Sleep(d)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// TestChaos: three libraries make random changes and sync through a
// faulty network, one of them in a process killed mid-sync, then the
// network heals; after two rounds all three must agree, with every article
// alive exactly as the changes and deletions say, all content in place,
// no content missing on the hub, and each file intact.
// FOLIO_CHAOS_SEED and FOLIO_CHAOS_STEPS run other and longer seeds.
func TestChaos(t *testing.T) {
	seed := uint64(envInt("FOLIO_CHAOS_SEED", 1))
	steps := envInt("FOLIO_CHAOS_STEPS", 150)
	rng := rand.New(rand.NewPCG(seed, 2))
	proxy := &faultProxy{target: hubServer, rng: rand.New(rand.NewPCG(seed, 3)), counts: map[string]int{}}
	srv := httptest.NewServer(proxy)
	defer srv.Close()
	db := strings.Replace(newDB(t), hubServer, srv.URL, 1)
	libs := make([]*storage.Library, 3)
	for i := range libs {
		libs[i] = openLib(t)
		if err := Setup(bg, libs[i], Hub{URL: db}, testCreds, nil); err != nil {
			t.Fatal(err)
		}
	}
	log := &chaosLog{changed: map[string]time.Time{}, deleted: map[string]time.Time{}, history: map[string][]string{}}
	links := make([]string, 12)
	for i := range links {
		links[i] = fmt.Sprintf("https://example.com/chaos/%d", i)
	}
	proxy.setRate(0.25)
	failures, kills := 0, 0
	for step := range steps {
		li := rng.IntN(len(libs))
		lib := libs[li]
		link := links[rng.IntN(len(links))]
		id, err := lib.Lookup(bg, link)
		here := err == nil
		op := rng.IntN(12)
		log.step, log.lib, log.op = step, li, fmt.Sprintf("op %d here %v", op, here)
		switch {
		case op < 3:
			if _, err := Sync(bg, lib, Options{Credentials: testCreds, Batch: 5}); err != nil {
				failures++
				for _, l := range links {
					log.note(l, "sync failed: "+err.Error())
				}
			} else {
				for _, l := range links {
					log.note(l, "synced")
				}
			}
		case op == 3 && step%4 == 0:
			killDuringSync(t, lib, time.Duration(rng.IntN(60))*time.Millisecond)
			kills++
			for _, l := range links {
				log.note(l, "sync killed")
			}
		case !here:
			a := article(link, fmt.Sprintf("Chaos %d", step))
			mustAdd(t, lib, a, storage.AddOptions{Tags: []string{fmt.Sprintf("t%d", rng.IntN(4))}})
			log.change(link)
		case op == 4:
			must(t, lib.Delete(bg, id))
			log.del(link)
		case op == 5:
			must(t, lib.AddTags(bg, []int64{id}, fmt.Sprintf("s%d", step)))
			log.change(link)
		case op == 6:
			a, err := lib.Get(bg, id)
			must(t, err)
			if len(a.Tags) > 0 {
				must(t, lib.RemoveTags(bg, []int64{id}, a.Tags[0]))
				log.change(link)
			}
		case op == 7:
			_, err := lib.AddNote(bg, id, fmt.Sprintf("note %d\nline two", step))
			must(t, err)
			log.change(link)
		case op == 8:
			ns, err := lib.Notes(bg, id)
			must(t, err)
			if len(ns) > 0 {
				_, err := lib.UpdateNote(bg, ns[0].ID, ns[0].Text+fmt.Sprintf("\nedit %d", step))
				must(t, err)
				log.change(link)
			}
		case op == 9:
			a, err := lib.Get(bg, id)
			must(t, err)
			m := storage.MarkRead
			if a.Read {
				m = storage.MarkUnread
			}
			must(t, lib.Mark(bg, []int64{id}, m))
			log.change(link)
		case op == 10:
			// A re-fetch: new content, new image.
			a := article(link, fmt.Sprintf("Chaos %d refetched", step))
			a.Text += fmt.Sprintf(" Fetched again at step %d.", step)
			a.Images = append(a.Images, reader.Image{URL: link + "/b.png", ContentType: "image/png", Data: []byte(fmt.Sprint("b", step))})
			must(t, lib.Replace(bg, id, a))
			log.change(link)
		}
	}
	t.Logf("seed %d, %d steps: %d syncs failed on the faulty network, %d syncing processes killed; faults %v",
		seed, steps, failures, kills, proxy.counts)
	proxy.setRate(0)
	for range 2 {
		for _, l := range libs {
			mustSync(t, l)
		}
	}
	for i, l := range libs {
		st, err := ReadStatus(bg, l)
		must(t, err)
		if st.Waiting != 0 || st.Pending != 0 {
			t.Errorf("library %d after healing: %d articles without content, %d changes not pushed", i, st.Waiting, st.Pending)
		}
	}
	checkHubBlobs(t, strings.Replace(db, srv.URL, hubServer, 1))
	d := sameDumps(t, libs...)
	for _, link := range links {
		alive := strings.Contains(d, "article "+link+"\n")
		c, everChanged := log.changed[link]
		want := everChanged && c.After(log.deleted[link])
		if alive != want {
			t.Errorf("%s: alive %v, want %v (last change %v, last deletion %v)", link, alive, want,
				c.Format("15:04:05.000"), log.deleted[link].Format("15:04:05.000"))
			if resp, err := http.Get(strings.Replace(db, srv.URL, hubServer, 1) + "/" + storage.ArticleUID(link)); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				t.Logf("hub document: %s", b)
			}
			t.Logf("history of %s:\n%s", link, strings.Join(log.history[link], "\n"))
		}
	}
}

// checkHubBlobs fails if an article document on the hub names content, or
// content names an image, that the hub's content database lacks.
func checkHubBlobs(t *testing.T, db string) {
	t.Helper()
	all := func(url string) []json.RawMessage {
		resp, err := http.Get(url + "/_all_docs?include_docs=true")
		must(t, err)
		defer resp.Body.Close()
		var v struct {
			Rows []struct {
				Doc json.RawMessage `json:"doc"`
			} `json:"rows"`
		}
		must(t, json.NewDecoder(resp.Body).Decode(&v))
		var out []json.RawMessage
		for _, r := range v.Rows {
			out = append(out, r.Doc)
		}
		return out
	}
	have := map[string]bool{}
	var contents []contentDoc
	for _, raw := range all(db + contentSuffix) {
		var cd contentDoc
		must(t, json.Unmarshal(raw, &cd))
		have[cd.ID] = true
		if cd.Kind == "content" {
			contents = append(contents, cd)
		}
	}
	for _, raw := range all(db) {
		d, err := ParseDoc(raw)
		must(t, err)
		if d.Kind == KindArticle && d.Alive() && d.C != nil && d.C.V.Ref != "" && !have["c-"+d.C.V.Ref] {
			t.Errorf("article %s names content %s the hub lacks", d.ID, d.C.V.Ref)
		}
	}
	for _, cd := range contents {
		for _, im := range cd.Images {
			if im.Hash != "" && !have["i-"+im.Hash] {
				t.Errorf("content %s names image %s the hub lacks", cd.ID, im.Hash)
			}
		}
	}
}
