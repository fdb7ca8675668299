// Command extracteval scores Folio's article extraction on a corpus laid
// out like shared/corpora/scrapinghub: a manifest.json listing pages (id,
// gzipped html, truth text, original url). Each page is extracted exactly
// as `folio add FILE --url URL` saves it (reader.ExtractSaved: the same
// charset decoding and reader.Extract, the Article's Text), and scored by
// bag-of-words token F1 against the truth. It prints one line per page,
// then the mean P/R/F1, the failures, the refused pages and the median
// extraction time.
//
//	go run ./internal/tools/extracteval [-baseline] [-worst N] [-runs N] [-dump ID] DIR
//
// -baseline also scores readeck go-readability alone on each page (a fresh
// parse, no Folio clean-up), and lists the pages Folio refuses that
// readability alone extracts.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/folio-app/folio/reader"
	"golang.org/x/net/html/charset"
)

type manifest struct {
	Name  string `json:"name"`
	Pages []struct {
		ID    string `json:"id"`
		HTML  string `json:"html"`
		Truth string `json:"truth"`
		URL   string `json:"url"`
	} `json:"pages"`
}

type result struct {
	id      string
	s       score
	status  string        // "", "refused" or "error: …"
	dur     time.Duration // wall time
	cpu     time.Duration // CPU time of the extracting thread
	base    score
	baseErr string
}

func main() {
	baseline := flag.Bool("baseline", false, "also score go-readability alone on each page")
	worst := flag.Int("worst", 0, "print only the N worst pages instead of every page")
	runs := flag.Int("runs", 1, "extract each page this many times and keep the fastest, to time a busy machine fairly")
	dump := flag.String("dump", "", "print Folio's text (and readability's with -baseline) for the page whose id starts with this, and stop")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: extracteval [-baseline] [-worst N] [-runs N] [-dump ID] DIR\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *baseline, *worst, max(*runs, 1), *dump, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "extracteval:", err)
		os.Exit(1)
	}
}

func run(dir string, baseline bool, worst, runs int, dump string, w io.Writer) error {
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return fmt.Errorf("read corpus: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("read %s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	if len(m.Pages) == 0 {
		return fmt.Errorf("%s lists no pages", filepath.Join(dir, "manifest.json"))
	}
	// One thread does every extraction, so its CPU clock times them.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var results []result
	for _, p := range m.Pages {
		if dump != "" && !strings.HasPrefix(p.ID, dump) {
			continue
		}
		page, err := readPage(filepath.Join(dir, p.HTML))
		if err != nil {
			return err
		}
		truth, err := os.ReadFile(filepath.Join(dir, p.Truth))
		if err != nil {
			return fmt.Errorf("read truth: %w", err)
		}
		r := result{id: p.ID}
		var a *reader.Article
		for i := range runs {
			cpu0, _ := threadCPU()
			start := time.Now()
			a, err = reader.ExtractSaved(page, p.URL, reader.Options{})
			d := time.Since(start)
			cpu1, _ := threadCPU()
			if i == 0 || d < r.dur {
				r.dur = d
			}
			if c := cpu1 - cpu0; i == 0 || c < r.cpu {
				r.cpu = c
			}
		}
		var text string
		switch {
		case errors.Is(err, reader.ErrNotArticle):
			r.status = "refused"
		case err != nil:
			r.status = "error: " + err.Error()
		default:
			text = a.Text
			r.s = compare(text, string(truth))
		}
		var baseText string
		if baseline {
			baseText, err = readabilityAlone(page, p.URL)
			if err != nil {
				r.baseErr = err.Error()
			} else {
				r.base = compare(baseText, string(truth))
			}
		}
		if dump != "" {
			fmt.Fprintf(w, "== %s %s\n== Folio (%s) P %.3f R %.3f F1 %.3f\n%s\n", p.ID, p.URL, orOK(r.status), r.s.P, r.s.R, r.s.F1, text)
			if baseline {
				fmt.Fprintf(w, "== readability alone P %.3f R %.3f F1 %.3f %s\n%s\n", r.base.P, r.base.R, r.base.F1, r.baseErr, baseText)
			}
			return nil
		}
		results = append(results, r)
	}
	if dump != "" {
		return fmt.Errorf("no page id starts with %q", dump)
	}
	report(w, m.Name, results, baseline, worst)
	return nil
}

func orOK(s string) string {
	if s == "" {
		return "ok"
	}
	return s
}

func readPage(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read page: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		r = z
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

// readabilityAlone is the baseline: go-readability on a fresh parse of the
// page, rendered with its own InnerText.
func readabilityAlone(page []byte, link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", err
	}
	r, err := charset.NewReader(bytes.NewReader(page), "")
	if err != nil {
		return "", err
	}
	a, err := readability.FromReader(r, u)
	if err != nil {
		return "", err
	}
	if a.Node == nil {
		return "", errors.New("no content")
	}
	var b strings.Builder
	if err := a.RenderText(&b); err != nil {
		return "", err
	}
	return b.String(), nil
}

func report(w io.Writer, name string, results []result, baseline bool, worst int) {
	shown := slices.Clone(results)
	if worst > 0 {
		sort.SliceStable(shown, func(i, j int) bool { return shown[i].s.F1 < shown[j].s.F1 })
		shown = shown[:min(worst, len(shown))]
	}
	if baseline {
		fmt.Fprintf(w, "%-12s %6s %6s %6s %7s %6s  %s\n", "page", "P", "R", "F1", "ms", "base", "status")
	} else {
		fmt.Fprintf(w, "%-12s %6s %6s %6s %7s  %s\n", "page", "P", "R", "F1", "ms", "status")
	}
	for _, r := range shown {
		ms := float64(r.dur.Microseconds()) / 1000
		if baseline {
			fmt.Fprintf(w, "%-12s %6.3f %6.3f %6.3f %7.2f %6.3f  %s\n", r.id[:min(12, len(r.id))], r.s.P, r.s.R, r.s.F1, ms, r.base.F1, r.status)
		} else {
			fmt.Fprintf(w, "%-12s %6.3f %6.3f %6.3f %7.2f  %s\n", r.id[:min(12, len(r.id))], r.s.P, r.s.R, r.s.F1, ms, r.status)
		}
	}

	var sum, base score
	var failed, refused, baseRefused []string
	durs := make([]time.Duration, 0, len(results))
	cpus := make([]time.Duration, 0, len(results))
	for _, r := range results {
		sum.P += r.s.P
		sum.R += r.s.R
		sum.F1 += r.s.F1
		base.P += r.base.P
		base.R += r.base.R
		base.F1 += r.base.F1
		durs = append(durs, r.dur)
		cpus = append(cpus, r.cpu)
		switch {
		case r.status == "refused":
			refused = append(refused, r.id)
			if baseline && r.base.F1 > 0 {
				baseRefused = append(baseRefused, r.id)
			}
		case r.status != "":
			failed = append(failed, r.id+" "+r.status)
		}
	}
	n := float64(len(results))
	fmt.Fprintf(w, "\ncorpus %s: %d pages\n", name, len(results))
	fmt.Fprintf(w, "Folio:            mean P %.4f  R %.4f  F1 %.4f\n", sum.P/n, sum.R/n, sum.F1/n)
	if baseline {
		fmt.Fprintf(w, "readability only: mean P %.4f  R %.4f  F1 %.4f\n", base.P/n, base.R/n, base.F1/n)
	}
	fmt.Fprintf(w, "failures: %d\n", len(failed))
	for _, f := range failed {
		fmt.Fprintf(w, "  %s\n", f)
	}
	fmt.Fprintf(w, "refused: %d %s\n", len(refused), shortIDs(refused))
	if baseline {
		fmt.Fprintf(w, "refused that readability alone extracts: %d %s\n", len(baseRefused), shortIDs(baseRefused))
	}
	wall, wallMax := medianMax(durs)
	fmt.Fprintf(w, "ms/page: median %.2f, max %.2f (wall clock)\n", wall, wallMax)
	if _, ok := threadCPU(); ok {
		cpu, cpuMax := medianMax(cpus)
		fmt.Fprintf(w, "ms/page: median %.2f, max %.2f (CPU time of the extracting thread; steadier on a busy machine)\n", cpu, cpuMax)
	}
}

// medianMax returns the median and the largest of ds in milliseconds.
func medianMax(ds []time.Duration) (median, largest float64) {
	slices.Sort(ds)
	m := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		m = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return float64(m.Microseconds()) / 1000, float64(ds[len(ds)-1].Microseconds()) / 1000
}

func shortIDs(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id[:min(8, len(id))]
	}
	return strings.Join(out, " ")
}
