package main

import (
	"io"
	"strings"
	"unicode/utf8"
)

// safeWriter passes text to a terminal without the control characters a
// page could hide in a title or its text (ESC sequences that retitle the
// window, clear the screen or rewrite what was printed): C0 controls but
// tab and newline, DEL, and the C1 controls U+0080–U+009F, which some
// terminals obey as well. JSON output escapes them instead (writeJSON), so
// nothing is lost there.
type safeWriter struct {
	w       io.Writer
	pending []byte // the start of a UTF-8 sequence split across writes
}

func newSafeWriter(w io.Writer) io.Writer {
	if w == nil {
		return nil
	}
	if _, ok := w.(*safeWriter); ok {
		return w
	}
	return &safeWriter{w: w}
}

func (s *safeWriter) Write(p []byte) (int, error) {
	data := p
	if len(s.pending) > 0 {
		data = append(s.pending, p...)
		s.pending = nil
	}
	// Keep an incomplete sequence at the end for the next write.
	if i := incompleteTail(data); i < len(data) {
		s.pending = append([]byte(nil), data[i:]...)
		data = data[:i]
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if !controlByte(c) {
				out = append(out, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if !(r >= 0x80 && r <= 0x9F) {
			out = append(out, data[i:i+n]...)
		}
		i += n
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func controlByte(c byte) bool { return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F }

// incompleteTail returns where a UTF-8 sequence that the end of b cuts
// short begins, or len(b).
func incompleteTail(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		if utf8.RuneStart(b[i]) {
			if b[i] >= utf8.RuneSelf && !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// oneLine is text for one line of output: control characters, tabs and
// line breaks become single spaces.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0x9F)
	}), " ")
}

// escapeC1 writes the C1 controls JSON leaves raw as \u escapes: some
// terminals obey them, and a JSON reader gets the same string back.
func escapeC1(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r >= 0x80 && r <= 0x9F {
			if out == nil {
				out = append(make([]byte, 0, len(b)+12), b[:i]...)
			}
			out = append(out, `\u00`...)
			out = append(out, "0123456789abcdef"[r>>4], "0123456789abcdef"[r&0xF])
		} else if out != nil {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	if out == nil {
		return b
	}
	return out
}
