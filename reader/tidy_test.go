package reader

import (
	"slices"
	"strings"
	"testing"
)

func TestLineRules(t *testing.T) {
	tests := []struct {
		rule, text string
		want       bool
	}{
		{"date", "Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM", true},
		{"date", "PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019", true},
		{"date", "segunda-feira, 22 de janeiro de 2018 às 0:13", true},
		{"date", "Cập nhật: 08:15 ngày 13/01/2022", true},
		{"date", "2019年11月19日 10時30分", true},
		{"date", "Published 1 day ago", true},
		{"date", "Calendário da Stock Car 2018", false},            // a heading with a year
		{"date", "In 2018 the club moved to a new ground.", false}, // a sentence
		{"byline", "By Paul Takahashi", true},
		{"byline", "Par Jean Dupont et Marie Curie", true},
		{"byline", "Von Anna Schmidt", true},
		{"byline", "By the time the bus arrived, everyone had gone home.", false},
		{"counter", "Image 1 of / 23", true},
		{"counter", "1of4", true},
		{"counter", "Bild 2 von 5", true},
		{"counter", "3/12", true},
		{"counter", "Nikkei 225", false},
		{"counter", "November 20", false},
		{"address", "https://www.example.com/news/a-story.html", true},
		{"address", "jane.doe@example.com", true},
		{"address", "Visit example.com for the full schedule.", false},
		{"reading-time", "Tempo de leitura: 2 minutos", true},
		{"reading-time", "5 min read", true},
		{"reading-time", "Lesezeit: 4 Minuten", true},
	}
	for _, tt := range tests {
		var got bool
		switch tt.rule {
		case "date":
			got = isDateLine(tt.text, "")
		case "byline":
			got = isBylineLine(tt.text, "")
		case "counter":
			got = counterText.MatchString(tt.text)
		case "address":
			got = isAddressLine(tt.text, articleFacts{})
		case "reading-time":
			got = readingTime.MatchString(tt.text)
		}
		if got != tt.want {
			t.Errorf("%s(%q) = %v, want %v", tt.rule, tt.text, got, tt.want)
		}
	}
}

func TestDropHeadKeepsSignature(t *testing.T) {
	doc := parseBody(t, `<div><p>By Jane Doe</p><p>Published 4:00 am, November 20, 2019</p>`+
		`<p>The council voted on Tuesday to keep the library open on Sundays, reversing a decision made in the spring.</p>`+
		`<p>It will cost about forty thousand pounds a year, paid from the parking budget, the council said.</p>`+
		`<p>Jane Doe</p></div>`)
	body := first(doc, "body")
	removed := dropHeadAndTail(body, articleFacts{byline: "Jane Doe"})
	text := blockText(body)
	if len(removed) != 2 || text[:3] != "The" {
		t.Errorf("removed %v; text %q", removed, text)
	}
	if !containsLine(text, "Jane Doe") {
		t.Errorf("the signature under the article went: %q", text)
	}
}

func containsLine(text, line string) bool {
	return slices.Contains(strings.Split(text, "\n"), line)
}
