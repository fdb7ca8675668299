package reader

import (
	"strings"
	"testing"
)

func candidateOf(t *testing.T, body string) *candidate {
	t.Helper()
	doc := parseBody(t, body)
	b := first(doc, "body")
	return &candidate{body: b, text: blockText(b)}
}

func TestChoose(t *testing.T) {
	paras := `<p>The opening paragraph of the story says what happened, where and when it happened.</p>` +
		`<p>The next paragraph gives the background that readers who missed the first report need.</p>` +
		`<p>The first paragraph of the story says what happened, where and when it happened.</p>` +
		`<p>The second paragraph gives the reasons, and quotes one of the people who were there.</p>` +
		`<p>The third paragraph says what happens next, and when the council will decide on it.</p>` +
		`<p>The fourth paragraph adds the figures that the council published on Monday evening.</p>`
	menu := `<ul><li><a href="/a">News</a></li><li><a href="/b">Sport</a></li><li><a href="/c">Weather</a></li></ul>`
	bio := `<p>Jane Doe has written about the town for twenty years and lives by the river with two cats.</p>`
	tests := []struct {
		name, plain, cleaned string
		wantPlain            bool
	}{
		{"menu removed", menu + paras, paras, false},
		{"author box removed from a short article", paras + bio, paras, false},
		{"a third of the prose removed", paras, paras[:strings.Index(paras, "<p>The third")], true},
		{"nothing left", paras, `<p>Menu</p>`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, cleaned := candidateOf(t, tt.plain), candidateOf(t, tt.cleaned)
			got := choose(cleaned, plain, pageSignals{})
			if (got == plain) != tt.wantPlain {
				t.Errorf("chose plain = %v, want %v", got == plain, tt.wantPlain)
			}
		})
	}
}

// TestGuardKeepsArticleOfWidgetNamedBoxes: a buying guide whose every
// item is a box named "recommendation". Each box is small, so the widget
// rule removes them one by one; the guard sees the prose gone and keeps
// readability's body.
func TestGuardKeepsArticleOfWidgetNamedBoxes(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><head><title>The best tents for a wet summer</title></head><body><article><h1>The best tents for a wet summer</h1>`)
	b.WriteString(`<p>We camped through the wettest June on record to find out which tents keep their owners dry, and which ones fold at the first gust.</p>`)
	b.WriteString(`<p>Every tent was pitched by two people who had not seen it before, in the same field, and left up for a week of rain and wind.</p>`)
	b.WriteString(`<p>Here is what we would buy, from the cheapest to the one that is worth its price only if you camp every weekend of the year.</p>`)
	for i := range 8 {
		b.WriteString(`<div class="recommendation"><h3>Tent ` + string(rune('1'+i)) + `</h3><p>Lesson number ` + string(rune('1'+i)) + ` is that a tent with a full fly sheet stays dry in a storm, and the poles matter more than the fabric.</p></div>`)
	}
	b.WriteString(`</article></body></html>`)
	a, err := Extract([]byte(b.String()), "https://blog.example/ten-things", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		if want := "Lesson number " + string(rune('1'+i)); !strings.Contains(a.Text, want) {
			t.Errorf("text lacks %q: %q", want, a.Text)
		}
	}
}
