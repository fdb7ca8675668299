package importer

import (
	"strings"
	"testing"
)

// Content an export carries is stored only once sanitized, also when
// readability finds nothing in it and the service's own HTML is kept.
func TestFromContentSanitizes(t *testing.T) {
	for name, body := range map[string]string{
		"no readable text": `<script>alert(1)</script><iframe src="javascript:alert(2)"></iframe><span onmouseover="alert(3)">Short note kept</span>`,
		"article": `<p onclick="alert(1)">A paragraph of saved content that is long enough for readability to keep as the article.</p>` +
			`<p>Another <a href="javascript:alert(2)">paragraph</a> with more words, so the whole thing reads as an article.</p><script>alert(3)</script>`,
	} {
		t.Run(name, func(t *testing.T) {
			a, err := fromContent(Item{URL: "https://example.com/a", Title: "T", HTML: body})
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"alert", "script", "iframe", "javascript", "onmouseover", "onclick"} {
				if strings.Contains(a.HTML, bad) || strings.Contains(a.Text, bad) {
					t.Errorf("kept %q:\nhtml: %s\ntext: %s", bad, a.HTML, a.Text)
				}
			}
			if a.Text == "" || !strings.Contains(a.HTML, strings.Fields(a.Text)[0]) {
				t.Errorf("content lost: html %q text %q", a.HTML, a.Text)
			}
		})
	}
}
