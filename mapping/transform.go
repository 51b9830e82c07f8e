package mapping

import (
	"strings"
)

// Problem kinds: short, stable keys that summaries group problems by and
// that tests and documentation can rely on.
const (
	KindMissing       = "missing"           // a required field is empty
	KindNotInteger    = "not_integer"       // a whole number was expected
	KindOutOfRange    = "out_of_range"      // extCustomerId is 0 or above 2^53-1
	KindVATFormat     = "vat_format"        // not shaped like a VAT number of its country, or no known country prefix
	KindVATChecksum   = "vat_checksum"      // Belgian check digits do not match
	KindVATNone       = "vat_none"          // a word or sign where the VAT number belongs: "Particulier", "n/a", "-"
	KindVATPadded     = "vat_padded"        // a warning: a Belgian number got back the leading zeros a spreadsheet dropped
	KindMappedInvalid = "mapped_invalid"    // the mapping's values: block marks the cell's text invalid
	KindControl       = "control_character" // a control character, terminal escape or byte that is not text
	KindCountry       = "country_unknown"
	KindTooLong       = "too_long"
)

// failure is what a transform or check found wrong with a value; the zero
// value means "fine". Transforms return it by value so the common case
// allocates nothing. It is two strings and no more on purpose: the
// compiler keeps a value of at most four words in registers, and a larger
// failure, copied through memory on every call of the hot path, cost a
// tenth of BenchmarkMapperFile.
type failure struct {
	kind string
	msg  string // what is wrong (with the value seen) and what to do
}

func (f failure) failed() bool { return f.kind != "" }

// isNote reports whether the failure is only a remark on the value the
// transform returns, which stands: the row is still sent, with the note
// as a warning. Notes are told by their kind (see failure).
func (f failure) isNote() bool { return f.kind == KindVATPadded }

// transformFunc is one named transform: pure, safe for concurrent use, and
// never given an empty string (empty cells skip the transforms). It returns
// the new value, or "" and a failure, or the new value and a note.
type transformFunc func(string) (string, failure)

// transformNames lists the transforms in the order the documentation gives them.
var transformNames = []string{"trim", "upper", "lower", "digits", "integer", "vat", "country", "street", "house_number"}

// lookupTransform finds a transform by its name in the mapping file.
func lookupTransform(name string) (transformFunc, bool) {
	switch name {
	case "trim":
		return trimTransform, true
	case "upper":
		return upperTransform, true
	case "lower":
		return lowerTransform, true
	case "digits":
		return digitsTransform, true
	case "integer":
		return integerTransform, true
	case "vat":
		return vatTransform, true
	case "country":
		return countryTransform, true
	case "street":
		return streetTransform, true
	case "house_number":
		return houseNumberTransform, true
	}
	return nil, false
}

// trimTransform exists so that a mapping may spell out `trim`; every value is
// trimmed before any transform runs anyway.
func trimTransform(s string) (string, failure) { return trimSpace(s), failure{} }

func upperTransform(s string) (string, failure) { return strings.ToUpper(s), failure{} }

func lowerTransform(s string) (string, failure) { return strings.ToLower(s), failure{} }

// digitsTransform keeps the digits 0-9 only: "+32 (0)9 123 45 67" ->
// "32091234567", a postal code "B-9000" -> "9000".
func digitsTransform(s string) (string, failure) {
	if isDigits(s) {
		return s, failure{}
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; '0' <= c && c <= '9' {
			b = append(b, c)
		}
	}
	return string(b), failure{}
}

// allDigits is isDigits for the hot path of Apply: it looks at eight bytes
// at a time, and at a cell of 4 to 16 bytes in two overlapping loads with
// no loop, where isDigits takes a branch per byte (see nonDigitBytes).
func allDigits(s string) bool {
	var bad uint64
	switch n := len(s); {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			bad |= nonDigitBytes(load64(s[i:]))
		}
		bad |= nonDigitBytes(load64(s[n-8:]))
	case n >= 4:
		bad = nonDigitBytes(uint64(load32(s)) | uint64(load32(s[n-4:]))<<32)
	default:
		return isDigits(s)
	}
	return bad == 0
}

// nonDigitBytes is not zero when a byte of x is not an ASCII digit:
// subtracting '0' from a byte below it, or adding 0x80-':' to one above
// '9', sets its high bit. As in suspectBytes, borrows and carries only
// come from bytes that are not digits themselves.
func nonDigitBytes(x uint64) uint64 {
	return (x | (x - '0'*lowBits) | (x + (0x80-':')*lowBits)) & highBits
}

// isDigits reports whether s is non-empty and made of ASCII digits only.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i]-'0' > 9 { // one unsigned comparison: bytes below '0' wrap around
			return false
		}
	}
	return true
}
