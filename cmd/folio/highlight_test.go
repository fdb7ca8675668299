package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestHighlightCommands(t *testing.T) {
	srv := seedServer(t)
	f := newFolio(t)
	f.client = srv.Client()
	f.ok("add", "--tag", "Chính trị", srv.URL+"/index.html")
	list := listJSON(t, f)
	sid := itoa(list[0].ID)
	var shown struct{ Text string }
	if err := json.Unmarshal([]byte(f.ok("show", sid, "--format", "json")), &shown); err != nil {
		t.Fatal(err)
	}

	// the quote as a person types it: its own line breaks, the flags after the id
	out := f.ok("highlight", "add", sid, "--quote", "Hội nghị được tổ chức\n  trực tuyến", "--note", "hình thức", "--color", "Blue")
	if !strings.HasPrefix(out, "highlight 1 on article "+sid+" saved") {
		t.Fatalf("add: %q", out)
	}
	f.ok("highlight", "add", sid, "--quote", "Võ Văn Thưởng")
	code, _, errs := f.run("highlight", "add", sid, "--quote", "words this article does not have anywhere")
	if code != exitFailure || !strings.Contains(errs, "the quote is not in the text of article "+sid) {
		t.Errorf("a quote not in the text: exit %d, %q", code, errs)
	}
	for _, args := range [][]string{
		{"highlight", "add", sid},
		{"highlight", "add", sid, "--quote", "x", "--color", "purple"},
		{"highlight", "add", "abc", "--quote", "x"},
		{"highlight", "frobnicate"},
		{"highlight", "delete"},
		{"highlight", "note", "zero", "x"},
	} {
		if code, _, errs := f.run(args...); code != exitUsage || errs == "" {
			t.Errorf("folio %s: exit %d, %q; want a usage error", strings.Join(args, " "), code, errs)
		}
	}

	var hs []jsonHighlight
	if err := json.Unmarshal([]byte(f.ok("highlight", "list", sid, "--json")), &hs); err != nil {
		t.Fatal(err)
	}
	if len(hs) != 2 || hs[0].Text != "Hội nghị được tổ chức trực tuyến" || hs[0].Color != "blue" || hs[0].Note != "hình thức" ||
		hs[1].Text != "Võ Văn Thưởng" || hs[1].Color != "yellow" || hs[0].Title == "" {
		t.Fatalf("list --json: %+v", hs)
	}
	// the offsets are code points of the text 'show' prints
	if r := []rune(shown.Text); string(r[hs[0].Start:hs[0].End]) != hs[0].Text || hs[0].Prefix == "" || hs[0].Suffix == "" {
		t.Fatalf("offsets %d–%d hold %q", hs[0].Start, hs[0].End, string(r[hs[0].Start:hs[0].End]))
	}
	hid := itoa(hs[0].ID)

	f.ok("highlight", "note", hid, "Họp", "trực tuyến")
	f.ok("highlight", "color", hid, "pink")
	out = f.ok("highlight", "list")
	for _, want := range []string{"highlight " + hid + "  pink", "> Hội nghị được tổ chức trực tuyến\nHọp trực tuyến\n", "> Võ Văn Thưởng"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	// newest first across the library
	if strings.Index(out, "Võ Văn Thưởng") > strings.Index(out, "Hội nghị được") {
		t.Errorf("list not newest first:\n%s", out)
	}
	if out := f.ok("highlight", "list", "--color", "yellow"); strings.Contains(out, "Hội nghị") || !strings.Contains(out, "Võ Văn Thưởng") {
		t.Errorf("list --color yellow:\n%s", out)
	}
	if out := f.ok("highlight", "list", "--tag", "chính trị"); !strings.Contains(out, "Hội nghị") {
		t.Errorf("list --tag:\n%s", out)
	}
	if out := f.ok("highlight", "list", sid, "--tag", "other"); out != "" {
		t.Errorf("list ID --tag other: %q", out)
	}
	f.ok("highlight", "note", hid)
	if err := json.Unmarshal([]byte(f.ok("highlight", "list", "--json")), &hs); err != nil || hs[1].Note != "" || hs[1].Color != "pink" {
		t.Fatalf("after removing the note: %+v, %v", hs, err)
	}

	f.ok("highlight", "delete", hid)
	if code, _, errs := f.run("highlight", "delete", hid); code != exitFailure || !strings.Contains(errs, "highlight "+hid+" not found") {
		t.Errorf("delete twice: exit %d, %q", code, errs)
	}
	if code, _, errs := f.run("highlight", "list", "999"); code != exitFailure || !strings.Contains(errs, "article 999 not found") {
		t.Errorf("list of a missing article: exit %d, %q", code, errs)
	}
	if err := json.Unmarshal([]byte(f.ok("highlight", "list", "--json")), &hs); err != nil || len(hs) != 1 {
		t.Fatalf("after delete: %+v, %v", hs, err)
	}
	// deleting the article deletes its highlights
	f.ok("delete", sid)
	if out := f.ok("highlight", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("after deleting the article: %q", out)
	}
}
