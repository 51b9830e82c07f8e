package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// streetTransform keeps the street of an address cell that holds street and
// house number together: "Kerkstraat 12 bus 3" -> "Kerkstraat",
// "12 rue de la Paix" -> "rue de la Paix". A cell without a number is all
// street.
func streetTransform(s string) (string, failure) {
	street, _ := splitAddress(s)
	return street, failure{}
}

// houseNumberTransform keeps the house number (with box, bus, bte or /
// suffix) of such a cell: "Kerkstraat 12 bus 3" -> "12 bus 3",
// "Avenue Louise 149/24" -> "149/24". A cell without a number gives "".
func houseNumberTransform(s string) (string, failure) {
	_, number := splitAddress(s)
	return number, failure{}
}

// span is one word of an address cell: s[begin:end].
type span struct{ begin, end int }

// wordKind classifies the words around a house number.
type wordKind int

const (
	wordOther     wordKind = iota // part of a street name
	wordNumber                    // starts with a digit: 12, 1A, 149/24, 12-14
	wordBox                       // introduces a box or apartment: bus, bte, boîte, box, b, app
	wordSuffix                    // follows a number: bis, ter, a single letter
	wordSeparator                 // punctuation only: / -
	wordPrefix                    // announces a number: nr, no, n°
)

// splitAddress splits one address cell into street and house number. It
// reads the Belgian way first (number at the end: "Kerkstraat 12 bus 3",
// "Rue de la Loi 16 bte 3", "Grote Markt 1A", "Kerkstraat 12, bus 3"), then
// the French way (number first: "12 rue de la Paix"). The number is the last
// word starting with a digit together with the box / suffix words around it,
// so a date in a street name ("Avenue du 8 Mai 1945 12") stays in the street.
//
// Most cells take the quick route of splitAddressTail (see address_tail.go);
// splitAddressWords is the general reading that defines the result.
func splitAddress(s string) (street, number string) {
	if street, number, ok := splitAddressTail(s); ok {
		return street, number
	}
	return splitAddressWords(s)
}

// splitAddressWords is splitAddress for any cell: it cuts the whole cell
// into words and reads them as splitAddress describes.
//
// It is kept in one piece of some seventy lines: its two readings share
// the words and their kinds through the closure kind, which the compiler
// inlines. Split into functions that pass them along, it took half as
// long again (BenchmarkSplitAddress/words).
func splitAddressWords(s string) (street, number string) {
	var buf [16]span
	words := splitWords(buf[:0], s)
	n := len(words)
	if n == 0 {
		return "", ""
	}
	// Words are classified lazily and at most once each (the loops below
	// look at some words twice); kinds[i] == 0 means not yet classified.
	var kinds [len(buf)]wordKind
	kind := func(i int) wordKind {
		if i < len(kinds) && kinds[i] != 0 {
			return kinds[i] - 1
		}
		k := classifyWord(s[words[i].begin:words[i].end], i > 0 && startsWithDigit(s[words[i-1].begin:]))
		if i < len(kinds) {
			kinds[i] = k + 1
		}
		return k
	}

	// Number at the end.
	start := -1
	for i := n - 1; i >= 0; i-- {
		k := kind(i)
		if k == wordNumber {
			start = i
			if i > 0 {
				if lk := kind(i - 1); lk == wordBox || lk == wordSeparator {
					continue
				}
			}
			break
		}
		if k == wordOther || k == wordPrefix {
			break
		}
	}
	if start >= 0 {
		end := start // drop "nr", "-" between the street and its number
		for end > 0 {
			if k := kind(end - 1); k != wordPrefix && k != wordSeparator {
				break
			}
			end--
		}
		if end > 0 {
			street = s[words[0].begin:words[end-1].end]
		}
		return street, joinWords(s, words[start:])
	}

	// Number first.
	if !startsWithDigit(s[words[0].begin:]) {
		return s, ""
	}
	last := 0
	for last+1 < n {
		k := kind(last + 1)
		if k == wordBox || k == wordSuffix || k == wordSeparator ||
			(k == wordNumber && (kind(last) == wordBox || kind(last) == wordSeparator)) {
			last++
			continue
		}
		break
	}
	if last+1 >= n {
		return "", joinWords(s, words)
	}
	return strings.TrimLeft(s[words[last+1].begin:], " ,-"), joinWords(s, words[:last+1])
}

// splitWords cuts s at white space and commas.
func splitWords(dst []span, s string) []span {
	begin := -1
	for i := 0; i < len(s); i++ {
		var sep bool
		if c := s[i]; c < utf8.RuneSelf {
			sep = asciiWordSep[c]
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			sep = unicode.IsSpace(r)
			if !sep && begin < 0 {
				begin = i
			}
			if sep && begin >= 0 {
				dst = append(dst, span{begin, i})
				begin = -1
			}
			i += size - 1
			continue
		}
		if sep {
			if begin >= 0 {
				dst = append(dst, span{begin, i})
				begin = -1
			}
		} else if begin < 0 {
			begin = i
		}
	}
	if begin >= 0 {
		dst = append(dst, span{begin, len(s)})
	}
	return dst
}

// asciiWordSep marks the ASCII bytes that separate the words of an
// address: white space and the comma.
var asciiWordSep = [utf8.RuneSelf]bool{' ': true, ',': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true}

// joinWords returns the words from the first to the last joined by single
// spaces, reusing s when it already reads that way.
func joinWords(s string, words []span) string {
	clean := true
	for i := 1; i < len(words) && clean; i++ {
		clean = words[i].begin == words[i-1].end+1 && s[words[i-1].end] == ' '
	}
	if clean {
		return s[words[0].begin:words[len(words)-1].end]
	}
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = s[w.begin:w.end]
	}
	return strings.Join(parts, " ")
}

func startsWithDigit(s string) bool { return s != "" && '0' <= s[0] && s[0] <= '9' }

// classifyWord tells what one word of an address is; afterNumber says the
// word before it starts with a digit (then a lone letter is a suffix: "12 A").
func classifyWord(w string, afterNumber bool) wordKind {
	if startsWithDigit(w) {
		return wordNumber
	}
	if isOtherWord(w, afterNumber) {
		return wordOther
	}
	hasDigit, simple := false, true // simple: only a-z and 0-9, its own key
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case '0' <= c && c <= '9':
			hasDigit = true
		case c < 'a' || c > 'z':
			simple = false
		}
	}
	if len(w) > 8 && !hasDigit {
		return wordOther // longer than any box, suffix or prefix word: the common case of a street name
	}
	if simple {
		return classifyKey(w, afterNumber, hasDigit)
	}
	var buf [24]byte
	return classifyKey(string(appendKey(buf[:0], w)), afterNumber, hasDigit)
}

// isOtherWord is a quick answer for most words of a street name ("Markt",
// "Loi"): every box, suffix and prefix word starts with a, b, n, q, t or u,
// so a word whose key starts with another letter is part of the street,
// unless it is a lone letter after a number ("12 C"). It is false when it
// cannot tell at a glance; classifyWord then looks closer.
func isOtherWord(w string, afterNumber bool) bool {
	if w == "" {
		return false
	}
	c := w[0] | 0x20 // lower-cases an ASCII letter
	if c < 'a' || c > 'z' || w[0] >= utf8.RuneSelf {
		return false
	}
	switch c {
	case 'a', 'b', 'n', 'q', 't', 'u':
		return false
	}
	if !afterNumber {
		return true
	}
	return len(w) >= 2 && isASCIIAlnum(w[1]) // its key is longer than one letter
}

func isASCIIAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
}

// classifyKey does the work of classifyWord on the word's matching key.
func classifyKey(k string, afterNumber, hasDigit bool) wordKind {
	switch k {
	case "":
		return wordSeparator
	case "bus", "bte", "bt", "boite", "box", "b", "app", "apt", "appt", "unit":
		return wordBox
	case "bis", "ter", "quater":
		return wordSuffix
	case "nr", "no", "n", "num", "nummer", "numero":
		return wordPrefix
	}
	if afterNumber && len(k) == 1 && 'a' <= k[0] && k[0] <= 'z' {
		return wordSuffix
	}
	if !hasDigit {
		return wordOther
	}
	// "bus3", "bte3", "b3": a box word glued to its number.
	letters := 0
	for letters < len(k) && 'a' <= k[letters] && k[letters] <= 'z' {
		letters++
	}
	switch k[:letters] {
	case "bus", "bte", "bt", "box", "b":
		if isDigits(k[letters:]) {
			return wordBox
		}
	}
	return wordOther
}
