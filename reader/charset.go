package reader

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gogs/chardet"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// decode converts a page to UTF-8. One decision, in this order:
//
//  1. a byte-order mark;
//  2. the charset of the Content-Type header, unless it says UTF-8 and
//     the bytes are not (a server default over a legacy page): then 4;
//  3. bytes that are valid UTF-8 (and not plain ASCII) are UTF-8, whatever
//     a <meta> says: a page converted to UTF-8 often keeps its old
//     <meta charset=gb2312>; otherwise the <meta> declaration;
//  4. detection: a Vietnamese-aware check for windows-1258 (which no
//     detector knows), then a statistical detector, and windows-1252 as
//     the last resort.
//
// Nearly valid UTF-8 (a stray byte in a UTF-8 page) stays UTF-8, with
// U+FFFD for the stray bytes, rather than re-reading the whole page in a
// legacy charset.
func decode(body []byte, contentType string) []byte {
	enc, name := chooseEncoding(body, contentType)
	if name == "utf-8" {
		body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
		if utf8.Valid(body) {
			return body
		}
		return bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		return bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	// Legacy charsets such as windows-1258 write Vietnamese tone marks as
	// combining characters; compose them so search and display see the
	// same letters as in a UTF-8 page.
	return norm.NFC.Bytes(out)
}

// chooseEncoding makes decode's decision and returns the encoding with its
// canonical name.
func chooseEncoding(body []byte, contentType string) (encoding.Encoding, string) {
	if enc, name, certain := charset.DetermineEncoding(body, contentType); certain {
		// A BOM, or a header charset the package knows.
		if name != "utf-8" || bomUTF8(body) || mostlyUTF8(body) {
			return enc, name
		}
		return detect(body)
	}
	if mostlyUTF8(body) && !isASCII(body) {
		return encoding.Nop, "utf-8"
	}
	if label := metaCharset(body); label != "" {
		if enc, name := charset.Lookup(label); enc != nil {
			if name != "utf-8" || mostlyUTF8(body) {
				return enc, name
			}
		}
	}
	return detect(body)
}

// validUTF8 returns b, with U+FFFD for any invalid byte.
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}

func bomUTF8(b []byte) bool { return bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) }

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// mostlyUTF8 reports bytes that are UTF-8 but for a few stray bytes: at
// least twenty well-formed multi-byte characters for each bad byte. A
// legacy page has hardly any well-formed multi-byte sequence at all.
func mostlyUTF8(b []byte) bool {
	var good, bad int
	for len(b) > 0 {
		if b[0] < 0x80 {
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			bad++
		} else {
			good++
		}
		b = b[max(n, 1):]
	}
	return bad == 0 || good >= 20*bad
}

// detect guesses the encoding of a page whose declaration is missing or
// does not hold.
func detect(body []byte) (encoding.Encoding, string) {
	if mostlyUTF8(body) {
		return encoding.Nop, "utf-8"
	}
	if looksVietnamese1258(body) {
		return charmap.Windows1258, "windows-1258"
	}
	if res, err := chardet.NewHtmlDetector().DetectBest(body); err == nil && res.Confidence >= 30 {
		if enc, name := charset.Lookup(res.Charset); enc != nil && name != "utf-8" {
			return enc, name
		}
	}
	return charset.Lookup("windows-1252")
}

// looksVietnamese1258 reads body as windows-1258 and tells whether its
// accented words are Vietnamese syllables. Read as windows-1252, the same
// bytes give plausible-looking Latin letters ("Tiêìng Viêòt"), so no letter
// count can tell them apart; the shape of the syllables can. French,
// Portuguese or Italian read as windows-1258 give words such as "năo",
// "français" or "coś" that no Vietnamese syllable has.
func looksVietnamese1258(body []byte) bool {
	text, err := charmap.Windows1258.NewDecoder().Bytes(body)
	if err != nil {
		return false
	}
	text = norm.NFC.Bytes(stripMarkup(text))
	var viet, other int
	for _, w := range strings.FieldsFunc(string(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) }) {
		if isASCIIString(w) {
			continue
		}
		if vietSyllable(w) {
			viet++
		} else {
			other++
		}
	}
	return viet >= 3 && viet >= 4*other
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// stripMarkup drops tags, so attribute values and scripts count less in
// looksVietnamese1258; a rough cut is enough.
func stripMarkup(b []byte) []byte {
	var out []byte
	in := false
	for _, c := range b {
		switch {
		case c == '<':
			in = true
		case c == '>':
			in = false
			out = append(out, ' ')
		case !in:
			out = append(out, c)
		}
	}
	return out
}

// toneMarks are the five Vietnamese tones as combining characters.
var toneMarks = map[rune]bool{0x300: true, 0x301: true, 0x303: true, 0x309: true, 0x323: true}

// syllableRE is a Vietnamese syllable without its tone: an onset, a vowel
// nucleus (with glides) and a coda. Letters such as f, j, w, z, ç, ñ or ś
// never appear; ă and â always take a coda.
var syllableRE = regexp.MustCompile(`^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?` +
	`(?:` +
	`iêu|yêu|oai|oao|oay|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu|` +
	`ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oe|oi|ôi|ơi|ua|uê|ui|uô|uơ|ưa|ưi|ưu|ươ|uy|yê|` +
	`(?:oă|uâ|ă|â)(?:ch|nh|ng|[cmnpt])|` +
	`a|e|ê|i|o|ô|ơ|u|ư|y` +
	`)(?:ch|nh|ng|[cmnpt])?$`)

// vietSyllable reports a word that reads as one Vietnamese syllable with
// at most one tone mark.
func vietSyllable(w string) bool {
	var base []rune
	tones := 0
	for _, r := range norm.NFD.String(strings.ToLower(w)) {
		if toneMarks[r] {
			tones++
			continue
		}
		base = append(base, r)
	}
	return tones <= 1 && syllableRE.MatchString(norm.NFC.String(string(base)))
}
