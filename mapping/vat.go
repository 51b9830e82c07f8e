package mapping

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// vatTransform normalises a VAT / enterprise number to the form the API
// expects: country prefix and characters only, upper case, no spaces, dots,
// dashes or slashes. A Belgian number without its prefix (10 digits starting
// 0 or 1), or with its leading zero lost because a spreadsheet stored it as a
// number (9 digits), gets "BE" and the zero back:
// "BE 0417.497.106", "be0417497106", "0417 497 106", "417497106" ->
// "BE0417497106". The result is then checked against the format of its
// country (see checkVATFormat); check digits are verified by Apply, because
// whether they are an error or a warning is the mapping's choice.
func vatTransform(s string) (string, failure) {
	if isBelgianForm(s) {
		return s, failure{} // the common case, checked once rather than by each step below
	}
	v, f := normaliseVAT(s)
	if f.failed() {
		return "", f
	}
	if f := checkVATFormat(v, s); f.failed() {
		return "", f
	}
	return v, failure{}
}

// maxVATLen bounds the cleaned-up number; the longest EU format has 14
// characters after its prefix.
const maxVATLen = 20

// normaliseVAT does the clean-up of vatTransform without the format check.
func normaliseVAT(s string) (string, failure) {
	if isCanonicalBE(s) {
		return s, failure{} // the common case after the first run: no allocation
	}
	if s == "" {
		return "", failure{}
	}
	if whole, ok := spreadsheetWhole(s); ok {
		s = whole // "417497106.0": a number cell exported with a decimal
	}
	if looksScientific(s) {
		return "", failure{KindVATFormat, fmt.Sprintf("%q is a number in scientific notation and has lost digits. In the spreadsheet, format the column as text, type the number again and export it again", s)}
	}
	var buf [maxVATLen]byte
	clean := buf[:0]
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '.' || r == '-' || r == '/' || r == '_' || unicode.IsSpace(r):
			continue
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		case 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		default:
			return "", failure{KindVATFormat, fmt.Sprintf("%q is not a VAT number: it contains %q. Write it like BE0417497106", s, r)}
		}
		if len(clean) == maxVATLen {
			return "", failure{KindVATFormat, fmt.Sprintf("%q is too long to be a VAT number. Write it like BE0417497106", s)}
		}
		clean = append(clean, byte(r))
	}
	c := string(clean)
	switch {
	case len(c) >= 2 && isLetter(c[0]) && isLetter(c[1]):
		if c[:2] == "BE" && len(c) == 11 && isDigits(c[2:]) {
			return "BE0" + c[2:], failure{} // BE417497106: the zero was lost
		}
		return c, failure{}
	case isDigits(c) && len(c) == 10 && (c[0] == '0' || c[0] == '1'):
		return "BE" + c, failure{}
	case isDigits(c) && len(c) == 9:
		return "BE0" + c, failure{}
	case isDigits(c):
		return "", failure{KindVATFormat, fmt.Sprintf("%q has no country prefix and is not a Belgian enterprise number (10 digits starting with 0 or 1). Write it with its country prefix, like BE0417497106 or NL123456789B01", s)}
	}
	return "", failure{KindVATFormat, fmt.Sprintf("%q is not a VAT number: it should start with a two-letter country prefix. Write it like BE0417497106", s)}
}

// isCanonicalBE reports whether s is already "BE" followed by ten digits.
func isCanonicalBE(s string) bool {
	return len(s) == 12 && s[0] == 'B' && s[1] == 'E' && isDigits(s[2:])
}

// isBelgianForm reports whether s is a Belgian number in the API's form
// that passes checkVATFormat: "BE" and ten digits, the first 0 or 1.
func isBelgianForm(s string) bool {
	return isCanonicalBE(s) && (s[2] == '0' || s[2] == '1')
}

// spreadsheetWhole recognises a long whole number written with a zero
// decimal part ("417497106.0", "417497106,00") and returns its digits.
func spreadsheetWhole(s string) (string, bool) {
	i := strings.LastIndexAny(s, ".,")
	if i < 8 || !isDigits(s[:i]) || !isDigits(s[i+1:]) || strings.Trim(s[i+1:], "0") != "" {
		return "", false
	}
	return s[:i], true
}

func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' }

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// vatFormat describes the shape of a VAT number after its prefix.
type vatFormat struct {
	valid   func(rest string) bool
	example string
	words   string
}

// vatFormatOf returns the format of the countries a Belgian client deals
// with most; other prefixes get a looser check (ok is false).
func vatFormatOf(prefix string) (f vatFormat, ok bool) {
	switch prefix {
	case "BE":
		return vatFormat{func(r string) bool { return len(r) == 10 && isDigits(r) && (r[0] == '0' || r[0] == '1') }, "BE0417497106", "BE followed by 10 digits starting with 0 or 1"}, true
	case "NL":
		return vatFormat{func(r string) bool { return len(r) == 12 && isDigits(r[:9]) && r[9] == 'B' && isDigits(r[10:]) }, "NL123456789B01", "NL followed by 9 digits, the letter B and 2 digits"}, true
	case "FR":
		return vatFormat{func(r string) bool { return len(r) == 11 && isAlnum(r[:2]) && isDigits(r[2:]) }, "FR40303265045", "FR followed by 2 characters and 9 digits"}, true
	case "LU":
		return vatFormat{func(r string) bool { return len(r) == 8 && isDigits(r) }, "LU15027442", "LU followed by 8 digits"}, true
	case "DE":
		return vatFormat{func(r string) bool { return len(r) == 9 && isDigits(r) }, "DE136695976", "DE followed by 9 digits"}, true
	}
	return vatFormat{}, false
}

// checkVATFormat checks a normalised number against the format of its
// country prefix. seen is what the cell held, for the message.
func checkVATFormat(v, seen string) failure {
	if isBelgianForm(v) {
		return failure{} // the common case, without building a vatFormat
	}
	if len(v) < 2 || !isLetter(v[0]) || !isLetter(v[1]) {
		return failure{KindVATFormat, fmt.Sprintf("%q is not a VAT number: it should start with a two-letter country prefix. Write it like BE0417497106", seen)}
	}
	prefix, rest := v[:2], v[2:]
	if f, ok := vatFormatOf(prefix); ok {
		if f.valid(rest) {
			return failure{}
		}
		return failure{KindVATFormat, fmt.Sprintf("%q is not a valid %s VAT number: it should be %s, like %s. Check the number with the customer", seen, prefix, f.words, f.example)}
	}
	if len(rest) >= 2 && len(rest) <= 13 && isAlnum(rest) {
		return failure{}
	}
	return failure{KindVATFormat, fmt.Sprintf("%q is not a VAT number: after the country prefix %s it should have 2 to 13 letters or digits. Check the number with the customer", seen, prefix)}
}

// checkBelgianCheckDigits verifies the mod-97 check of a normalised Belgian
// number: 97 - (first 8 digits mod 97) must equal the last 2 digits. Other
// countries are not checked here.
func checkBelgianCheckDigits(v, seen string) failure {
	if !isCanonicalBE(v) {
		return failure{}
	}
	return belgianCheckDigits(v, seen)
}

// belgianCheckDigits is checkBelgianCheckDigits for a v known to be
// canonical (isCanonicalBE), as on the hot path of Apply.
func belgianCheckDigits(v, seen string) failure {
	if belgianCheckDigitsOK(v) {
		return failure{}
	}
	want := 97 - belgianBase(v)%97
	return failure{KindVATChecksum, fmt.Sprintf("%q has wrong check digits (the last two digits should be %02d for %s): it is probably mistyped. Check the number with the customer or in the KBO/BCE register", seen, want, v[:10])}
}

// belgianCheckDigitsOK reports whether the check digits of a canonical
// Belgian number (isCanonicalBE) match.
func belgianCheckDigitsOK(v string) bool {
	check := int(v[10]-'0')*10 + int(v[11]-'0')
	return 97-belgianBase(v)%97 == check
}

// belgianBase is the number of the first eight digits of a canonical
// Belgian number, read as two independent halves of four digits: shorter
// dependency chains than one loop over eight, on the hot path of Apply.
func belgianBase(v string) int {
	hi := int(v[2]-'0')*1000 + int(v[3]-'0')*100 + int(v[4]-'0')*10 + int(v[5]-'0')
	lo := int(v[6]-'0')*1000 + int(v[7]-'0')*100 + int(v[8]-'0')*10 + int(v[9]-'0')
	return hi*10000 + lo
}
