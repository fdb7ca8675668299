package main

import (
	"math"
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Hello, World! it's 2024_v2", []string{"hello", "world", "it", "s", "2024_v2"}},
		{"co\u00adop\u200dera\u2060tion\ufeff", []string{"cooperation"}},
		{"Tiếng Việt", []string{"tiếng", "việt"}},
		{"Cafe\u0301 CAFÉ", []string{"café", "café"}}, // NFC joins the combining accent
		{"日本語のテキストabc", []string{"日", "本", "語", "の", "テ", "キ", "ス", "ト", "abc"}},
		{"ภาษาไทย", []string{"ภ", "า", "ษ", "า", "ไ", "ท", "ย"}},
		{"  — ", nil},
	}
	for _, tt := range tests {
		if got := tokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	s := compare("a a b c", "a b b d e")
	// TP = min(2,1) + min(1,2) = 2; P = 2/4, R = 2/5.
	if math.Abs(s.P-0.5) > 1e-9 || math.Abs(s.R-0.4) > 1e-9 || math.Abs(s.F1-2*0.5*0.4/0.9) > 1e-9 {
		t.Errorf("compare = %+v", s)
	}
	if s := compare("", "a"); s != (score{}) {
		t.Errorf("empty extraction = %+v, want zero", s)
	}
	if s := compare("x y", "a b"); s != (score{}) {
		t.Errorf("no overlap = %+v, want zero", s)
	}
}
