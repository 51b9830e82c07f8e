package mapping

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// vatTransform normalises a VAT / enterprise number to the form the API
// expects: country prefix and characters only, upper case, no spaces, dots,
// dashes or slashes; "GR" becomes "EL", the prefix VIES uses for Greece. A
// Belgian number without its prefix (10 digits starting 0 or 1) gets "BE":
// "BE 0417.497.106", "be0417497106", "0417 497 106" -> "BE0417497106", as
// does one in the old nine-digit form, "BE417497106". The result is then
// checked against the format of its country (see vatCountries); Belgian
// check digits are verified by Apply, because whether they are an error
// or a warning is the mapping's choice.
//
// Two kinds of cell are refused with their own kind of problem: a word or
// a sign that says the customer has no number ("Particulier", "n/a", "-",
// "0"), which the API cannot take (KindVATNone); and a number without a
// prefix that is shorter than a Belgian one, unless it is a Belgian number
// whose leading zeros a spreadsheet dropped, which is recognised by its
// check digits: "79647589" -> "BE0079647589" with a note (KindVATPadded).
func vatTransform(s string) (string, failure) {
	if isBelgianForm(s) {
		return s, failure{} // the common case, checked once rather than by each step below
	}
	v, f := normaliseVAT(s)
	if f.failed() && !f.isNote() {
		return "", f
	}
	if f := checkVATFormat(v, s); f.failed() {
		return "", f
	}
	return v, f
}

// maxVATLen bounds the cleaned-up number; the longest format, Swiss, has
// 16 characters with its prefix.
const maxVATLen = 20

// normaliseVAT does the clean-up of vatTransform without the format check.
// It returns a note (see failure.isNote) with the number when it added leading
// zeros.
func normaliseVAT(s string) (string, failure) {
	if isCanonicalBE(s) {
		return s, failure{} // the common case after the first run: no allocation
	}
	if s == "" {
		return "", failure{}
	}
	seen := s // messages quote the cell as the consultant sees it
	if whole, ok := spreadsheetWhole(s); ok {
		s = whole // "417497106.0": a number cell exported with a decimal
	}
	if looksScientific(s) {
		return "", failure{kind: KindVATFormat, msg: fmt.Sprintf("%s is a number in scientific notation and has lost digits. In the spreadsheet, format the column as text, type the number again and export it again", quoteShort(seen))}
	}
	if !hasDigit(s) {
		return "", noVATNumber(seen)
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
			return "", failure{kind: KindVATFormat, msg: fmt.Sprintf("%s is not a VAT number: it contains %q. Write it like BE0417497106", quoteShort(seen), r)}
		}
		if len(clean) == maxVATLen {
			return "", failure{kind: KindVATFormat, msg: fmt.Sprintf("%s is too long to be a VAT number. Write it like BE0417497106", quoteShort(seen))}
		}
		clean = append(clean, byte(r))
	}
	return prefixVAT(string(clean), seen)
}

// prefixVAT completes the cleaned-up number c (upper case, letters and
// digits, at least one digit): the Belgian prefix, zeros or GR's EL.
func prefixVAT(c, seen string) (string, failure) {
	switch {
	case strings.Trim(c, "0") == "":
		return "", noVATNumber(seen) // "0", "0000000000"
	case len(c) >= 2 && isLetter(c[0]) && isLetter(c[1]):
		switch {
		case c[:2] == "BE" && len(c) == 11 && isDigits(c[2:]):
			return "BE0" + c[2:], failure{} // BE417497106: the old nine-digit form
		case c[:2] == "GR":
			return "EL" + c[2:], failure{}
		}
		return c, failure{}
	case isDigits(c) && len(c) == 10 && (c[0] == '0' || c[0] == '1'):
		return "BE" + c, failure{}
	case isDigits(c) && len(c) >= minPaddedVAT && len(c) < 10:
		return padBelgian(c, seen)
	case isDigits(c):
		return "", failure{kind: KindVATFormat, msg: fmt.Sprintf("%s has no country prefix and is not a Belgian enterprise number (10 digits starting with 0 or 1). Write it with its country prefix, like BE0417497106 or NL123456789B01", quoteShort(seen))}
	}
	return "", failure{kind: KindVATFormat, msg: fmt.Sprintf("%s is not a VAT number: it should start with a two-letter country prefix. Write it like BE0417497106", quoteShort(seen))}
}

// minPaddedVAT is the fewest digits a number without a prefix may have to
// be read as a Belgian number whose leading zeros were dropped: Belgian
// numbers start with 0 and rarely with a second one. With fewer digits
// the chance that the check digits match by accident is no longer worth
// the guess.
const minPaddedVAT = 8

// padBelgian gives the digits c, shorter than a Belgian number, back their
// leading zeros when the check digits then match: a spreadsheet that
// stored 0079647589 as a number shows 79647589. The result comes with a
// note, so the consultant sees it was read that way. When the check digits
// do not match, the digits are something else (a number of another country
// without its prefix, a typing error) and are refused.
func padBelgian(c, seen string) (string, failure) {
	v := "BE" + "0000000000"[:10-len(c)] + c
	if !belgianCheckDigitsOK(v) {
		return "", failure{kind: KindVATFormat, msg: fmt.Sprintf("%s has no country prefix and only %d digits. With the leading zeros a spreadsheet drops it would be the Belgian number %s, but then its check digits do not match, so it is not taken for one. Write the number with its country prefix, like BE0417497106", quoteShort(seen), len(c), v)}
	}
	return v, failure{kind: KindVATPadded, msg: fmt.Sprintf("%s has only %d digits and is sent as %s: a spreadsheet had dropped its leading zeros, and with them back the check digits match. Format the column as text in the export to keep the zeros", quoteShort(seen), len(c), v)}
}

// noVATNumber is the problem of a cell that holds no VAT number at all: a
// word or sign for "none" ("Particulier", "n/a", "-", "0") or text
// without digits ("zie KBO").
func noVATNumber(seen string) failure {
	what := "holds no digits, so it is not a VAT number"
	if isPlaceholder(seen) {
		what = "says the customer has no VAT number"
	}
	return failure{kind: KindVATNone, msg: fmt.Sprintf("%s %s, but the API needs one for every customer. Ask the client for the number, or tell the mapping what to do with this value: add values: { %s: { invalid: \"reason\" } } to enterpriseNumber to refuse such rows with your own reason, or { value: ... } to send a number agreed with Onlinewerkrooster", quoteShort(seen), what, quoteShort(seen))}
}

// placeholders are the matching keys (see appendKey) of what Dutch,
// French and English exports write where a customer has no VAT number.
// They only choose the wording of the problem: any cell without a digit
// is refused, and these words never pass for a number.
var placeholders = map[string]bool{}

func init() {
	for _, w := range []string{
		"particulier", "particuliere", "privé", "privée", "private", "privaat", "privépersoon", "consument", "consommateur", "consumer",
		"geen", "geen btw", "geen btw-nummer", "geen nummer", "onbekend", "niet btw-plichtig", "niet btw-plichtige", "niet onderworpen",
		"vrijgesteld", "vrijgestelde", "n.v.t.", "nvt", "niet van toepassing", "nb", "niet beschikbaar",
		"non assujetti", "non assujettie", "non-assujetti", "exonéré", "exonérée", "néant", "aucun", "aucune", "inconnu", "sans", "sans objet", "pas de tva",
		"exempt", "exempted", "none", "no vat", "unknown", "n/a", "na", "not applicable", "nil", "null", "tbd", "todo", "x", "xx", "xxx",
	} {
		placeholders[headerKey(w)] = true
	}
}

// isPlaceholder reports whether s is one of the placeholders, only
// punctuation ("-", "/", "?"), or zeros.
func isPlaceholder(s string) bool {
	k := headerKey(s)
	return placeholders[k] || strings.Trim(k, "0") == ""
}

// hasDigit reports whether s holds an ASCII digit.
func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i]-'0' <= 9 {
			return true
		}
	}
	return false
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
	if i < minPaddedVAT || !isDigits(s[:i]) || !isDigits(s[i+1:]) || strings.Trim(s[i+1:], "0") != "" {
		return "", false
	}
	return s[:i], true
}

func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' }

// vatCountry is the format of the VAT numbers of one country prefix. Each
// pattern describes, character by character, what follows the prefix: #
// a digit, a a letter, x a letter or a digit; upper-case letters and
// digits stand for themselves.
type vatCountry struct {
	prefix   string
	country  string
	patterns []string
	example  string
	words    string // the patterns in words, for messages
}

// vatCountries are the prefixes owr-import takes, with their formats: the
// 27 EU member states as VIES checks them (Greece as EL), Northern Ireland
// (XI) and, for the neighbours a Belgian company invoices most, the United
// Kingdom, Switzerland and Norway. The README's VAT table lists the same.
// Any other prefix is refused: two letters in front of digits are not
// enough to make a VAT number.
var vatCountries = []vatCountry{
	{"AT", "Austria", []string{"U########"}, "ATU13585627", "the letter U and 8 digits"},
	{"BE", "Belgium", []string{"0#########", "1#########"}, "BE0417497106", "10 digits starting with 0 or 1"},
	{"BG", "Bulgaria", digitRuns(9, 10), "BG123456789", "9 or 10 digits"},
	{"CY", "Cyprus", []string{"########a"}, "CY12345678L", "8 digits and a letter"},
	{"CZ", "Czechia", digitRuns(8, 10), "CZ12345678", "8, 9 or 10 digits"},
	{"DE", "Germany", digitRuns(9, 9), "DE136695976", "9 digits"},
	{"DK", "Denmark", digitRuns(8, 8), "DK12345678", "8 digits"},
	{"EE", "Estonia", digitRuns(9, 9), "EE123456789", "9 digits"},
	{"EL", "Greece", digitRuns(9, 9), "EL123456789", "9 digits"},
	{"ES", "Spain", []string{"a#######x", "x#######a"}, "ESX1234567X", "a letter or digit, 7 digits and a letter or digit, not a digit at both ends"},
	{"FI", "Finland", digitRuns(8, 8), "FI12345678", "8 digits"},
	{"FR", "France", []string{"xx#########"}, "FR40303265045", "2 letters or digits and 9 digits"},
	{"HR", "Croatia", digitRuns(11, 11), "HR12345678901", "11 digits"},
	{"HU", "Hungary", digitRuns(8, 8), "HU12345678", "8 digits"},
	{"IE", "Ireland", []string{"#x#####a", "#######aa"}, "IE1234567T", "7 digits and 1 or 2 letters, or a digit, a letter, 5 digits and a letter"},
	{"IT", "Italy", digitRuns(11, 11), "IT12345678901", "11 digits"},
	{"LT", "Lithuania", []string{"#########", "############"}, "LT123456789", "9 or 12 digits"},
	{"LU", "Luxembourg", digitRuns(8, 8), "LU15027442", "8 digits"},
	{"LV", "Latvia", digitRuns(11, 11), "LV12345678901", "11 digits"},
	{"MT", "Malta", digitRuns(8, 8), "MT12345678", "8 digits"},
	{"NL", "the Netherlands", []string{"#########B##"}, "NL123456789B01", "9 digits, the letter B and 2 digits"},
	{"PL", "Poland", digitRuns(10, 10), "PL1234567890", "10 digits"},
	{"PT", "Portugal", digitRuns(9, 9), "PT123456789", "9 digits"},
	{"RO", "Romania", digitRuns(2, 10), "RO1234567890", "2 to 10 digits"},
	{"SE", "Sweden", digitRuns(12, 12), "SE123456789001", "12 digits"},
	{"SI", "Slovenia", digitRuns(8, 8), "SI12345678", "8 digits"},
	{"SK", "Slovakia", digitRuns(10, 10), "SK1234567890", "10 digits"},
	{"XI", "Northern Ireland", ukPatterns, "XI123456789", "9 or 12 digits, or GD or HA and 3 digits"},
	{"GB", "the United Kingdom", ukPatterns, "GB123456789", "9 or 12 digits, or GD or HA and 3 digits"},
	{"CH", "Switzerland", []string{"E#########", "E#########MWST", "E#########TVA", "E#########IVA"}, "CHE123456789MWST", "the letter E and 9 digits, then MWST, TVA or IVA or nothing"},
	{"NO", "Norway", []string{"#########", "#########MVA"}, "NO123456789MVA", "9 digits, then MVA or nothing"},
}

// ukPatterns are the formats of GB and XI numbers: standard, branch
// traders, government departments and health authorities.
var ukPatterns = []string{"#########", "############", "GD###", "HA###"}

// digitRuns returns patterns of min to max digits.
func digitRuns(min, max int) []string {
	var out []string
	for n := min; n <= max; n++ {
		out = append(out, "############"[:n])
	}
	return out
}

// vatCountryOf finds the format of a prefix.
var vatCountryOf = func() map[string]*vatCountry {
	m := make(map[string]*vatCountry, len(vatCountries))
	for i := range vatCountries {
		m[vatCountries[i].prefix] = &vatCountries[i]
	}
	return m
}()

// matches reports whether rest, what follows the prefix, fits one of the
// country's patterns.
func (c *vatCountry) matches(rest string) bool {
	for _, p := range c.patterns {
		if matchPattern(rest, p) {
			return true
		}
	}
	return false
}

// matchPattern reports whether s fits pattern p (see vatCountry).
func matchPattern(s, p string) bool {
	if len(s) != len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := s[i]
		switch p[i] {
		case '#':
			if c < '0' || c > '9' {
				return false
			}
		case 'a':
			if !isLetter(c) {
				return false
			}
		case 'x':
			if !isLetter(c) && (c < '0' || c > '9') {
				return false
			}
		default:
			if c != p[i] {
				return false
			}
		}
	}
	return true
}

// vatPrefixes lists the prefixes, for messages.
func vatPrefixes() string {
	p := make([]string, len(vatCountries))
	for i, c := range vatCountries {
		p[i] = c.prefix
	}
	return strings.Join(p, ", ")
}

// checkVATFormat checks a normalised number against the format of its
// country prefix. seen is what the cell held, for the message.
func checkVATFormat(v, seen string) failure {
	if isBelgianForm(v) {
		return failure{} // the common case, without a look-up
	}
	if len(v) < 2 || !isLetter(v[0]) || !isLetter(v[1]) {
		return failure{kind: KindVATFormat, msg: fmt.Sprintf("%s is not a VAT number: it should start with a two-letter country prefix. Write it like BE0417497106", quoteShort(seen))}
	}
	prefix, rest := v[:2], v[2:]
	c, ok := vatCountryOf[prefix]
	if !ok {
		return failure{kind: KindVATFormat, msg: fmt.Sprintf("%s is not a VAT number owr-import knows: %s is not the prefix of a country it takes (%s). Check the number with the customer", quoteShort(seen), prefix, vatPrefixes())}
	}
	if c.matches(rest) {
		return failure{}
	}
	return failure{kind: KindVATFormat, msg: fmt.Sprintf("%s is not a valid VAT number of %s: after %s it should have %s, like %s. Check the number with the customer", quoteShort(seen), c.country, prefix, c.words, c.example)}
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
	return failure{kind: KindVATChecksum, msg: fmt.Sprintf("%s has wrong check digits (the last two digits should be %02d for %s): it is probably mistyped. Check the number with the customer or in the KBO/BCE register", quoteShort(seen), want, v[:10])}
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
