package mapping

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Every API field holds one line of text. A cell may still hold a line
// break (Alt+Enter in Excel, a multi-line text field in the old system) or
// a tab: those are sent as one space. Any other control character is
// never sent and makes the row invalid (KindControl): a NUL, the escape
// character that starts a terminal escape sequence, the C1 controls, the
// invisible characters that reverse the direction of the text, and bytes
// that are not text at all. Such characters cannot be seen in a
// spreadsheet, and in a customer's name they would garble or disguise
// what Onlinewerkrooster and every terminal that prints it shows.

// cleanLine returns s with every run of white space that holds a line
// break or a tab replaced by one space, or a KindControl failure when s
// holds another control character. A clean s (see lineClean) is returned
// as it is, without allocating.
func cleanLine(s string) (string, failure) {
	if lineClean(s) {
		return s, failure{}
	}
	var b strings.Builder
	b.Grow(len(s))
	run, broken := -1, false // start of the run of white space being read, and whether it holds a break
	chars := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		chars++
		switch {
		case r == utf8.RuneError && size == 1:
			return "", controlFailure(s, fmt.Sprintf("a byte that is not text (0x%02X)", s[i]), chars)
		case isLineBreak(r):
			if run < 0 {
				run = i
			}
			broken = true
		case unicode.IsSpace(r):
			if run < 0 {
				run = i
			}
		case isControl(r):
			return "", controlFailure(s, describeControl(r), chars)
		default:
			if run >= 0 {
				writeRun(&b, s[run:i], broken)
				run, broken = -1, false
			}
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	if run >= 0 {
		writeRun(&b, s[run:], broken)
	}
	return b.String(), failure{}
}

// writeRun writes a run of white space: one space when it holds a line
// break or a tab, else as it is.
func writeRun(b *strings.Builder, run string, broken bool) {
	if broken {
		b.WriteByte(' ')
		return
	}
	b.WriteString(run)
}

// controlFailure is the problem of a value holding a control character,
// described by what, at its n-th character. The value is quoted with
// escapes, so the message itself is safe to print.
func controlFailure(s, what string, n int) failure {
	return failure{kind: KindControl, msg: fmt.Sprintf("%q holds %s at character %d, which is never sent. Remove it; such characters come from copying out of another program and cannot be seen in a spreadsheet", prefixRunes(s, 60), what, n)}
}

// isLineBreak reports whether r is a tab or a line break: sent as a space.
func isLineBreak(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}

// isControl reports whether r is a character never sent: a C0 or C1
// control that is not a line break, DEL, or a bidirectional embedding,
// override or isolate.
func isControl(r rune) bool {
	switch {
	case r < 0x20, 0x7F <= r && r <= 0x9F:
		return !isLineBreak(r)
	case 0x202A <= r && r <= 0x202E, 0x2066 <= r && r <= 0x2069:
		return true
	}
	return false
}

// describeControl names a control character for a message.
func describeControl(r rune) string {
	switch {
	case r == 0x1B:
		return "the escape character (ESC, U+001B) that starts terminal escape sequences"
	case r == 0:
		return "a NUL character (U+0000)"
	case r >= 0x202A:
		return fmt.Sprintf("an invisible character that changes the direction of the text (U+%04X)", r)
	}
	return fmt.Sprintf("the control character U+%04X", r)
}

// lineClean reports whether cleanLine would keep s as it is: no control
// character, line break, tab or byte that is not text. Every text cell of
// a row goes through it, so it looks at eight ASCII bytes at a time, a
// cell of up to 16 bytes in two overlapping loads with no loop, and
// decodes only text with other characters. (A loop over the bytes of a
// short cell, whose length changes from row to row, cost a mispredicted
// branch per cell.)
func lineClean(s string) bool {
	var suspect uint64
	switch n := len(s); {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			suspect |= suspectBytes(load64(s[i:]))
		}
		suspect |= suspectBytes(load64(s[n-8:]))
	case n >= 4:
		suspect = suspectBytes(uint64(load32(s)) | uint64(load32(s[n-4:]))<<32)
	case n > 0:
		// Three bytes cover a cell of one to three; the rest are spaces.
		suspect = suspectBytes(uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16 | 0x2020202020<<24)
	}
	return suspect == 0 || lineCleanSlow(s)
}

// load32 reads s[0:4] as a little-endian uint32.
func load32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// suspectBytes is not zero when a byte of x is below 0x20, is DEL or is not
// ASCII: lineCleanSlow then decides. Subtracting 0x20 from a byte below
// it, or adding 1 to DEL, sets its high bit; a borrow or a carry into the
// next byte only comes from a byte that is suspect itself, so the answer
// is exact even though which bits are set is not.
func suspectBytes(x uint64) uint64 {
	return (x | (x - 0x20*lowBits) | (x + lowBits)) & highBits
}

// lineCleanSlow is lineClean, one character at a time; it decodes only
// the characters outside ASCII.
func lineCleanSlow(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || isLineBreak(r) || isControl(r) {
			return false
		}
		i += size
	}
	return true
}
