// Package display makes text that came from a client's file or an API
// answer safe to show a person: on a terminal, in a YAML comment, in a hint.
// Such text can hold control characters, escape sequences that recolour or
// clear a terminal, bidirectional overrides that reorder what is read, and
// invalid UTF-8. This package only rewrites text; it prints nothing.
package display

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line makes s safe to show on one line: every control character, escape
// sequence introducer (ESC, CSI), format character (bidirectional
// overrides, zero-width characters), line or paragraph separator and
// invalid UTF-8 byte is written as a visible Go-style escape (\t, \n, \x1b,
// \u202e). Printable text, accents included, is kept.
func Line(s string) string {
	if clean(s, false) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		writeRune(&b, s[i:i+size], r, size)
		i += size
	}
	return b.String()
}

// Text is Line for text of several lines: its line breaks stay.
func Text(s string) string {
	if clean(s, true) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Line(l)
	}
	return strings.Join(lines, "\n")
}

// clean reports whether s needs no escape (keepLines: '\n' is fine).
func clean(s string, keepLines bool) bool {
	for _, r := range s {
		if r == utf8.RuneError || (needsEscape(r) && !(keepLines && r == '\n')) {
			return false
		}
	}
	return true
}

func writeRune(b *strings.Builder, raw string, r rune, size int) {
	switch {
	case r == utf8.RuneError && size <= 1:
		fmt.Fprintf(b, `\x%02x`, raw[0])
	case r == '\t':
		b.WriteString(`\t`)
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case needsEscape(r) && r < 0x100:
		fmt.Fprintf(b, `\x%02x`, r)
	case needsEscape(r) || r == utf8.RuneError:
		fmt.Fprintf(b, `\u%04x`, r)
	default:
		b.WriteString(raw)
	}
}

func needsEscape(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}
