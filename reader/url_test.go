package reader

import (
	"errors"
	"testing"
)

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"case", "HTTPS://Example.COM/A/Path", "https://example.com/A/Path"},
		{"fragment", "https://example.com/a#section-2", "https://example.com/a"},
		{"trailing slash", "https://example.com/a/b/", "https://example.com/a/b"},
		{"root", "https://example.com/", "https://example.com"},
		{"default port", "http://example.com:80/a", "http://example.com/a"},
		{"other port kept", "http://example.com:8080/a", "http://example.com:8080/a"},
		{"tracking", "https://example.com/a?utm_source=x&utm_MEDIUM=y&fbclid=1&gclid=2&id=7", "https://example.com/a?id=7"},
		{"sorted query", "https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"},
		{"only tracking", "https://example.com/a/?utm_campaign=z", "https://example.com/a"},
		{"spaces", "  https://example.com/a  ", "https://example.com/a"},
		{"unicode path", "https://example.com/bài-viết", "https://example.com/b%C3%A0i-vi%E1%BA%BFt"},
		{"trailing dots", "https://example.com../a", "https://example.com/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeURL(tt.in)
			if err != nil {
				t.Fatalf("NormalizeURL(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got, err := NormalizeURL("http://../a"); err == nil {
		t.Errorf("NormalizeURL of a host of dots = %q, want an error", got)
	}
}

func TestParseLinkRefusesOtherSchemes(t *testing.T) {
	for _, in := range []string{"", "ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "example.com/a", "https://"} {
		t.Run(in, func(t *testing.T) {
			if _, err := ParseLink(in); !errors.Is(err, ErrUnsupportedScheme) {
				t.Errorf("ParseLink(%q) error = %v, want ErrUnsupportedScheme", in, err)
			}
		})
	}
}
