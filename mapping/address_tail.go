package mapping

import "math/bits"

// splitAddressTail is splitAddressWords for the common cell: plain ASCII,
// at most 64 bytes, with its house number at the end ("Kerkstraat 12 bus
// 3") or no number at all ("Kerkstraat"). It exists because `validate` and
// `run` must keep up with a plain CSV read over a million rows, and cutting
// every cell into words was the largest cost of mapping a row. It marks the
// separators of the cell eight bytes at a time (markSeparators), then walks
// the words from the end with bit operations, classifying only the words
// that splitAddressWords would look at, in the same order.
//
// ok is false when the cell is not that simple (a byte outside ASCII, more
// than 64 bytes, a number that starts the cell, separators that are not
// single spaces inside the number, box words in unusual places); the
// caller then uses splitAddressWords. When ok is true the result is
// exactly splitAddressWords(s), which TestSplitAddressTail and
// FuzzSplitAddressTail check.
//
// It is kept in one piece of some seventy lines: its two walks share the
// state of the words (cur, prev, k), which splitting it would pass between
// functions on the costliest step of a row.
func splitAddressTail(s string) (street, number string, ok bool) {
	seps, spaces, ascii := markSeparators(s)
	if !ascii {
		return "", "", false
	}
	letters := ^seps & (1<<len(s) - 1)
	t := addrWords{s: s, starts: letters &^ (letters << 1), lasts: letters &^ (letters >> 1)}

	// The number-at-end loop of splitAddressWords, one word at a time from
	// the end: cur is the word looked at, prev the word before it (the
	// next one looked at), k the kind of cur.
	cur, found := t.pop()
	if !found {
		return "", "", false
	}
	numberEnd := cur.end
	prev, hasPrev := t.pop()
	k := t.kind(cur, prev, hasPrev)
	start := -1 // begin of the number's first word; -1 while none
	for {
		if k == wordNumber {
			start = cur.begin
			if !hasPrev {
				break // the number is the whole cell
			}
			cur = prev
			prev, hasPrev = t.pop()
			if k = t.kind(cur, prev, hasPrev); k == wordBox || k == wordSeparator {
				continue
			}
			break // cur is the word before the number, k its kind
		}
		if k == wordOther || k == wordPrefix || !hasPrev {
			if start >= 0 {
				// Box or separator words before a number that nothing
				// precedes ("bus 12"); rare enough for the general reading.
				return "", "", false
			}
			break
		}
		cur = prev
		prev, hasPrev = t.pop()
		k = t.kind(cur, prev, hasPrev)
	}
	first := bits.TrailingZeros64(letters) // where the first word begins
	if start < 0 {
		// No number at the end: the cell is all street unless a number
		// starts it, which the general reading handles.
		if startsWithDigit(s[first:]) {
			return "", "", false
		}
		return s, "", true
	}
	if !singleSpaced(seps, spaces, start, numberEnd) {
		return "", "", false // joinWords rebuilds it
	}
	number = s[start:numberEnd]
	if start == cur.begin {
		return "", number, true // nothing before the number
	}
	// The street ends before the number and the "nr", "-" in front of it.
	for k == wordPrefix || k == wordSeparator {
		if !hasPrev {
			return "", number, true
		}
		cur = prev
		prev, hasPrev = t.pop()
		k = t.kind(cur, prev, hasPrev)
	}
	return s[first:cur.end], number, true
}

// addrWords hands out the words of an ASCII address cell of at most 64
// bytes from the end, as splitWords would cut them. Bit i of starts is set
// when a word not yet handed out begins at s[i], of lasts when one ends
// there; the two masks shrink independently, which keeps each step short.
type addrWords struct {
	s             string
	starts, lasts uint64
}

// pop returns the last word not yet handed out; found is false when none
// is left.
func (t *addrWords) pop() (w span, found bool) {
	if t.lasts == 0 {
		return span{}, false
	}
	last := bits.Len64(t.lasts) - 1
	begin := bits.Len64(t.starts) - 1
	t.lasts &^= 1 << last
	t.starts &^= 1 << begin
	return span{begin, last + 1}, true
}

// kind is classifyWord of w, where prev, when hasPrev, is the word before w.
// It answers the most frequent words itself, without a call: a number, the
// box word "bus", most street words.
func (t *addrWords) kind(w, prev span, hasPrev bool) wordKind {
	word := t.s[w.begin:w.end]
	if startsWithDigit(word) {
		return wordNumber
	}
	if word == "bus" {
		return wordBox
	}
	afterNumber := hasPrev && startsWithDigit(t.s[prev.begin:])
	if isOtherWord(word, afterNumber) {
		return wordOther
	}
	return classifyWord(word, afterNumber)
}

// singleSpaced reports whether the words of s[begin:end] are separated by
// single spaces, so that joining them (joinWords) gives s[begin:end]; seps
// and spaces mark the separators and spaces of s (markSeparators).
func singleSpaced(seps, spaces uint64, begin, end int) bool {
	m := seps & (1<<end - 1) &^ (1<<begin - 1)
	return m&(m<<1) == 0 && m&^spaces == 0 // no two separators in a row, all spaces
}

// markSeparators returns masks with bit i set when s[i] separates words
// (asciiWordSep) and when it is a space, for an ASCII s of at most 64
// bytes; ascii is false for any other s. It reads s eight bytes at a time
// as one uint64 (the last eight bytes overlap the previous ones when the
// length is not a multiple of eight), which makes it several times cheaper
// than a loop over the bytes.
func markSeparators(s string) (seps, spaces uint64, ascii bool) {
	if len(s) > 64 {
		return 0, 0, false
	}
	if len(s) < 8 {
		var x uint64
		for i := len(s) - 1; i >= 0; i-- {
			x = x<<8 | uint64(s[i])
		}
		seps, spaces = separatorBits(x) // the zero bytes above s are neither
		return seps, spaces, x&highBits == 0
	}
	var high uint64
	for i := 0; i < len(s); i += 8 {
		i = min(i, len(s)-8)
		x := load64(s[i:])
		high |= x
		sep, space := separatorBits(x)
		seps |= sep << i
		spaces |= space << i
	}
	return seps, spaces, high&highBits == 0
}

const (
	lowBits  = 0x0101010101010101 // the lowest bit of every byte
	highBits = 0x8080808080808080 // the highest bit of every byte
)

// load64 reads s[0:8] as a little-endian uint64 (the compiler makes it
// one load).
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// separatorBits returns in seps bit k set when byte k of x is an address
// word separator: ' ', ',' or '\t' to '\r' (asciiWordSep), and in spaces
// when it is ' '. Every byte must be ASCII (below 0x80): then adding to a
// byte never carries into the next.
func separatorBits(x uint64) (seps, spaces uint64) {
	// ((b ^ c) + 0x7f) has its high bit clear exactly when b == c.
	space := ^((x ^ ' '*lowBits) + 0x7f*lowBits) & highBits
	comma := ^((x ^ ','*lowBits) + 0x7f*lowBits)
	// (b + 0x80 - n) has its high bit set exactly when b >= n.
	control := (x + (0x80-'\t')*lowBits) &^ (x + (0x80-'\r'-1)*lowBits)
	marks := (space | comma | control) & highBits
	return gatherHighBits(marks), gatherHighBits(space)
}

// gatherHighBits moves the high bit of byte k of m, its only bits, to bit
// k: the products of the multiplication land on distinct bits, so nothing
// carries.
func gatherHighBits(m uint64) uint64 {
	return (m >> 7) * 0x0102040810204080 >> 56
}
