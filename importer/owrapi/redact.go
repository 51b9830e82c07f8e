package owrapi

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinKeyLength is the fewest characters (spaces not counted) NewClient
// accepts in a key. A shorter key cannot be told apart from ordinary words
// in an error message, so it could not be removed reliably; it is also most
// likely a fragment copied by mistake.
const MinKeyLength = 8

// MaxKeyLength is the most characters NewClient accepts in a key: more is a
// pasted file, not a key, and would make looking for it in every error
// message slow.
const MaxKeyLength = 512

// keyMarker replaces a key wherever a server echoed it.
const keyMarker = "[key removed]"

// redactor removes the keys from text that came from the server or the
// network, in every shape a server may echo them: in any case, with spaces,
// tabs or line breaks changed, added or removed, URL-encoded (%XX, +),
// JSON-escaped (\uXXXX, \t) or as HTML character references (&#83;, &amp;),
// one escape per character or mixed with plain ones. (A key escaped twice
// over, such as a URL-encoded JSON escape, is not recognised.) Callers redact
// before shortening a text, so a key is removed whole before anything cuts
// the text.
type redactor struct {
	keys []normKey
}

// normKey is a key folded to lower case with its spaces dropped; spaceBefore
// marks the positions where the key itself had spaces (an echo may show
// them as '_').
type normKey struct {
	runes       []rune
	spaceBefore []bool
}

func newRedactor(keys ...string) *redactor {
	r := &redactor{}
	for _, k := range keys {
		var nk normKey
		space := false
		for _, c := range k {
			if isSpaceLike(c) {
				space = len(nk.runes) > 0
				continue
			}
			nk.runes = append(nk.runes, fold(c))
			nk.spaceBefore = append(nk.spaceBefore, space)
			space = false
		}
		if len(nk.runes) > 0 {
			r.keys = append(r.keys, nk)
		}
	}
	return r
}

// keyLength counts a key's characters the way the redactor sees them:
// spaces do not count.
func keyLength(k string) int {
	n := 0
	for _, c := range k {
		if !isSpaceLike(c) {
			n++
		}
	}
	return n
}

// redact returns s with every occurrence of a key replaced by keyMarker.
// Passes repeat (at most 3) in case a replacement joined two pieces of text
// into a key.
func (r *redactor) redact(s string) string {
	if r == nil || len(r.keys) == 0 || s == "" {
		return s
	}
	for range 3 {
		out, changed := r.pass(s)
		if !changed {
			return out
		}
		s = out
	}
	return s
}

// pass replaces every key found in s once. Spaces are dropped before
// anything is decoded, so a line break inside an escape ("%0\n9") hides
// nothing; pos maps the squeezed text back to s.
func (r *redactor) pass(s string) (string, bool) {
	sq, pos := squeeze(s)
	var b strings.Builder
	copied := 0
	for i := 0; i < len(sq); {
		end := -1
		for _, k := range r.keys {
			if e, ok := k.matchAt(sq, i); ok {
				end = max(end, e)
			}
		}
		if end < 0 {
			_, w := utf8.DecodeRuneInString(sq[i:])
			i += w
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[copied:pos[i]])
		b.WriteString(keyMarker)
		copied, i = pos[end-1]+1, end
	}
	if copied == 0 {
		return s, false
	}
	b.WriteString(s[copied:])
	return b.String(), true
}

// squeeze drops the space-like characters of s; pos[i] is the offset in s of
// the squeezed text's byte i.
func squeeze(s string) (string, []int) {
	sq := make([]byte, 0, len(s))
	pos := make([]int, 0, len(s))
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isSpaceLike(r) {
			for k := range w {
				sq = append(sq, s[i+k])
				pos = append(pos, i+k)
			}
		}
		i += w
	}
	return string(sq), pos
}

// matchAt reports whether a shape of the key starts at s[i], and where the
// longest one ends. Every text unit is read both decoded (%XX, \uXXXX,
// &#NN;) and as its plain first character; decoded spaces, '+' and invisible
// characters inside the match are skipped, and '_' where the key has a
// space. The readings are followed at once (the set of text positions
// reached after each key character, at most maxReadings), so "\\" can be
// one backslash or two. A reading that matches is never skipped.
func (k normKey) matchAt(s string, i int) (end int, ok bool) {
	dec, dw := decodeUnit(s, i)
	raw, rw := utf8.DecodeRuneInString(s[i:])
	if fold(dec) != k.runes[0] && fold(raw) != k.runes[0] {
		return 0, false // the common case: no allocation
	}
	cur, next := []int{i}, []int(nil)
	for n, want := range k.runes {
		next = next[:0]
		for _, j := range cur {
			for j < len(s) {
				dec, dw = decodeUnit(s, j)
				raw, rw = utf8.DecodeRuneInString(s[j:])
				decMatch := fold(dec) == want
				rawMatch := rw != dw && fold(raw) == want
				if decMatch {
					next = addPos(next, j+dw)
				}
				if rawMatch {
					next = addPos(next, j+rw)
				}
				switch {
				case n == 0:
					j = len(s) // a match starts with a key character
				case isSpaceLike(dec) && !decMatch:
					j += dw
				case (raw == '+' || (raw == '_' && k.spaceBefore[n])) && !decMatch && !rawMatch:
					j += rw
				default:
					j = len(s) // no way on from here
				}
			}
		}
		if len(next) == 0 {
			return 0, false
		}
		cur, next = next, cur
	}
	return slices.Max(cur), true
}

// maxReadings bounds the readings followed at once, so a text of nothing
// but backslashes cannot make the search quadratic.
const maxReadings = 8

func addPos(ps []int, p int) []int {
	if len(ps) >= maxReadings || slices.Contains(ps, p) {
		return ps
	}
	return append(ps, p)
}

// isSpaceLike: characters an echo may add or drop without changing what a
// reader takes the key to be.
func isSpaceLike(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

func fold(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// decodeUnit reads one character at s[i], decoding a URL escape (%XX, with
// following %XX bytes of one UTF-8 character), a JSON or C escape (\uXXXX
// with surrogate pairs, \xXX, \t \n \r \f \b \v \0 \/ \\ \" \') or an HTML
// character reference (&#NN; &#xHH; &amp; &lt; &gt; &quot; &apos; &nbsp;).
// Anything else is one plain character. w is at least 1.
func decodeUnit(s string, i int) (r rune, w int) {
	switch s[i] {
	case '%':
		if r, w := decodePercent(s, i); w > 0 {
			return r, w
		}
	case '\\':
		if r, w := decodeBackslash(s, i); w > 0 {
			return r, w
		}
	case '&':
		if r, w := decodeEntity(s, i); w > 0 {
			return r, w
		}
	}
	r, w = utf8.DecodeRuneInString(s[i:])
	return r, w
}

func decodePercent(s string, i int) (rune, int) {
	b, ok := hexByte(s, i+1)
	if !ok {
		return 0, 0
	}
	if b < utf8.RuneSelf {
		return rune(b), 3
	}
	// A multi-byte character: collect its %XX continuation bytes.
	buf := []byte{b}
	j := i + 3
	for len(buf) < utf8.UTFMax && j+2 < len(s) && s[j] == '%' && !utf8.FullRune(buf) {
		c, ok := hexByte(s, j+1)
		if !ok {
			break
		}
		buf = append(buf, c)
		j += 3
	}
	r, n := utf8.DecodeRune(buf)
	if r == utf8.RuneError || n != len(buf) {
		return utf8.RuneError, 3
	}
	return r, j - i
}

func hexByte(s string, i int) (byte, bool) {
	if i+1 >= len(s) {
		return 0, false
	}
	h, ok1 := hexVal(s[i])
	l, ok2 := hexVal(s[i+1])
	return h<<4 | l, ok1 && ok2
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func decodeBackslash(s string, i int) (rune, int) {
	if i+1 >= len(s) {
		return 0, 0
	}
	switch c := s[i+1]; c {
	case 'u':
		r, ok := hexRune(s, i+2, 4)
		if !ok {
			return 0, 0
		}
		if 0xD800 <= r && r < 0xDC00 && i+11 < len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
			if lo, ok := hexRune(s, i+8, 4); ok && 0xDC00 <= lo && lo < 0xE000 {
				return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), 12
			}
		}
		return r, 6
	case 'x':
		if b, ok := hexByte(s, i+2); ok {
			return rune(b), 4
		}
	case 'n':
		return '\n', 2
	case 't':
		return '\t', 2
	case 'r':
		return '\r', 2
	case 'f':
		return '\f', 2
	case 'b':
		return '\b', 2
	case 'v':
		return '\v', 2
	case '0':
		return 0, 2
	case '/', '\\', '"', '\'':
		return rune(c), 2
	}
	return 0, 0
}

func hexRune(s string, i, n int) (rune, bool) {
	if i+n > len(s) {
		return 0, false
	}
	var r rune
	for k := 0; k < n; k++ {
		v, ok := hexVal(s[i+k])
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

var namedEntities = map[string]rune{"amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\'', "nbsp": '\u00a0'}

func decodeEntity(s string, i int) (rune, int) {
	end := strings.IndexByte(s[i:min(len(s), i+12)], ';')
	if end < 2 {
		return 0, 0
	}
	name := s[i+1 : i+end]
	if r, ok := namedEntities[name]; ok {
		return r, end + 1
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0
	}
	var r rune
	if name[1] == 'x' || name[1] == 'X' {
		v, ok := hexRune(name, 2, len(name)-2)
		if !ok || len(name) == 2 || len(name) > 8 {
			return 0, 0
		}
		r = v
	} else {
		if len(name) > 8 {
			return 0, 0
		}
		for k := 1; k < len(name); k++ {
			if name[k] < '0' || name[k] > '9' {
				return 0, 0
			}
			r = r*10 + rune(name[k]-'0')
		}
	}
	if r > unicode.MaxRune {
		return utf8.RuneError, end + 1
	}
	return r, end + 1
}
